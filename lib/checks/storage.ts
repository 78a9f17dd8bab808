// Verifications of Windows volume behaviour, pure so their wording is unit-tested: a write to a read-only mount must
// fail as Windows fails it, and files shared between containers must hold every writer's line.

export interface CommandOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  error?: string;
}

/**
 * A write to a read-only mount: it must fail, and cmd must say exactly "Access is denied." (upstream
 * test/e2e/windows/volumes.go compares stderr with that string). Anything else is a problem, one line each.
 */
export function deniedWriteProblems(where: string, path: string, r: CommandOutcome): string[] {
  if (r.error !== undefined) return [`${where}: the write to ${path} could not run: ${r.error}`];
  const stderr = r.stderr.replace(/\r\n/g, "\n").trim();
  if (r.exitCode === 0 && stderr === "") return [`${where}: ${path} is on a read-only mount, yet the write succeeded`];
  if (stderr !== "Access is denied.")
    return [`${where}: writing ${path} failed (exit ${r.exitCode}) with ${JSON.stringify(stderr)}, want Windows' "Access is denied."`];
  return [];
}

/** The lines of a shared file each writer should have appended: which writers' lines are missing. */
export function missingLines(where: string, path: string, want: Record<string, string>, got: string | undefined): string[] {
  if (got === undefined) return [`${where}: ${path} cannot be read`];
  const lines = new Set(
    got
      .replace(/\r\n/g, "\n")
      .split("\n")
      .map((l) => l.trim()),
  );
  const missing = Object.entries(want).filter(([, line]) => !lines.has(line));
  return missing.length ? [`${where}: ${path} lacks the line${missing.length > 1 ? "s" : ""} written by ${missing.map(([who]) => who).join(", ")}`] : [];
}
