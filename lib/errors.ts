// An error the user caused or can fix: printed as one line, exit code 2, never a stack trace.
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}
