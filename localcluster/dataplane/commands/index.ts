// What `kubectl exec` answers: the registry of emulated executables and the entry point.
// A command runs only if its image ships it (availability.ts) and a handler exists for its OS here.

import type { ExecContext, ExecResult, OsName } from "../model.js";
import { commandName, isKnownCommand } from "./availability.js";
import { cmd } from "./cmd.js";
import { curl } from "./curl.js";
import { cat, env, grep, head, ls, printenv, wc } from "./fileutils.js";
import { baseEnv, hostname, id, uname, whoami } from "./identity.js";
import { ipconfig, nc, nslookup, wget } from "./netutils.js";
import { logmonitor } from "./logmonitor.js";
import { nltest } from "./nltest.js";
import { ping } from "./ping.js";
import { powershell, pwsh } from "./powershell.js";
import { sh, shellBuiltinProgram } from "./shell.js";
import type { CmdContext, EnvMap, Handler } from "./types.js";

export { isKnownCommand, commandName } from "./availability.js";
export { normalizePath } from "./fsview.js";
export type { CmdContext, Handler } from "./types.js";

interface Entry {
  os: OsName[];
  run: Handler;
}

const both: OsName[] = ["linux", "windows"];

// One row per executable name; aliases are separate rows pointing at the same handler.
const REGISTRY: Record<string, Entry> = {
  curl: { os: both, run: curl },
  whoami: { os: both, run: whoami },
  hostname: { os: both, run: hostname },
  uname: { os: both, run: uname },
  nslookup: { os: both, run: nslookup },
  cat: { os: both, run: cat },
  ls: { os: both, run: ls },
  sh: { os: both, run: sh },
  wget: { os: both, run: wget },
  cmd: { os: ["windows"], run: cmd },
  powershell: { os: ["windows"], run: powershell },
  pwsh: { os: ["windows"], run: pwsh },
  ipconfig: { os: ["windows"], run: ipconfig },
  nltest: { os: ["windows"], run: nltest },
  ping: { os: ["windows"], run: ping },
  logmonitor: { os: ["windows"], run: logmonitor },
  ash: { os: ["linux"], run: sh },
  bash: { os: ["linux"], run: sh },
  nc: { os: ["linux"], run: nc },
  env: { os: ["linux"], run: env },
  id: { os: ["linux"], run: id },
  printenv: { os: ["linux"], run: printenv },
  grep: { os: ["linux"], run: grep },
  wc: { os: ["linux"], run: wc },
  head: { os: ["linux"], run: head },
  echo: { os: ["linux"], run: shellBuiltinProgram },
  sleep: { os: ["linux"], run: shellBuiltinProgram },
  test: { os: ["linux"], run: shellBuiltinProgram },
  "[": { os: ["linux"], run: shellBuiltinProgram },
  true: { os: ["linux"], run: shellBuiltinProgram },
  false: { os: ["linux"], run: shellBuiltinProgram },
};

/** The default answer when an executable is missing; the exec caller normally reports it itself. */
function notFound(os: OsName, argv0: string): ExecResult {
  const stderr =
    os === "windows"
      ? `failed to exec in container: hcs::System::CreateProcess ${argv0}: The system cannot find the file specified.\r\n`
      : argv0.includes("/")
        ? `OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv0}": stat ${argv0}: no such file or directory: unknown\n`
        : `OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv0}": executable file not found in $PATH: unknown\n`;
  return { stdout: "", stderr, exitCode: 127 };
}

function childContext(base: ExecContext, env: EnvMap, cwd: string): CmdContext {
  return {
    ...base,
    env,
    cwd,
    run: (argv, opts) => dispatch(childContext({ ...base, stdin: opts?.stdin }, opts?.env?.clone() ?? env.clone(), cwd), argv),
  };
}

async function dispatch(ctx: CmdContext, argv: string[]): Promise<ExecResult> {
  const os = ctx.container.os;
  if (argv.length === 0) return notFound(os, "");
  const entry = REGISTRY[commandName(os, argv[0])];
  if (!entry || !entry.os.includes(os) || !isKnownCommand(os, ctx.container.image, argv[0])) return notFound(os, argv[0]);
  return entry.run(ctx, argv);
}

/**
 * Run `argv` in the container as `kubectl exec` would, answering from the emulated network and file
 * system. Output uses the container OS's line endings. Never dials a socket and never sleeps.
 */
export async function runCommand(ctx: ExecContext, argv: string[]): Promise<ExecResult> {
  const cwd = ctx.container.os === "windows" ? "C:\\" : "/";
  try {
    return await dispatch(childContext(ctx, baseEnv(ctx.container), cwd), argv);
  } catch (e) {
    // An emulator bug must fail this one exec, not the pod agent that called it.
    const eol = ctx.container.os === "windows" ? "\r\n" : "\n";
    return { stdout: "", stderr: `command emulator error: ${(e as Error).message}${eol}`, exitCode: 126 };
  }
}
