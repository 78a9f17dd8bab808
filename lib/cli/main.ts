// `hybrid-conformance`: parses the command line and maps every failure to one line and an exit code.
import { CommanderError } from "commander";
import { buildProgram } from "./program.js";
import { UserFacingError } from "../errors.js";
import { ApiCallError, InfrastructureError, classify } from "../cluster/errors.js";

// `… | head`: a reader that stops early is not an error. Keep going rather than exit, so a run still cleans up.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e;
});

// Only the command being run is loaded (an unknown word or a bare `--help` loads them all, to list them).
const program = await buildProgram(process.argv[2]);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version are successes; commander already printed its one-line usage error otherwise.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof UserFacingError) {
    process.stderr.write(`hybrid-conformance: ${e.message}\n`);
    process.exitCode = e.exitCode;
  } else if (e instanceof InfrastructureError || e instanceof ApiCallError || classify(e)) {
    // An API failure nobody caught: one line (code, verb, resource, server message), never the client's dump.
    const line = e instanceof ApiCallError || e instanceof InfrastructureError ? e.message : new ApiCallError("request", "to the API server", e).message;
    process.stderr.write(`hybrid-conformance: ${line}\n`);
    process.exitCode = 2;
  } else {
    // Unexpected: still one line; the stack only on request.
    process.stderr.write(`hybrid-conformance: internal error: ${(e as Error).message}\n`);
    if (process.env.HC_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 2;
  }
}
