// powershell.exe (Windows PowerShell 5.1) and pwsh (PowerShell 7): command-line parsing, then the
// script runs in the evaluator under ./powershell/. Exit code as `-Command` defines it: `exit N` wins,
// otherwise 1 when the last statement failed (or a terminating error ended the script), else 0.

import { Output } from "./output.js";
import type { CmdContext, Handler } from "./types.js";
import { readFile } from "./fsview.js";
import { PsParseError, PsParser } from "./powershell/parser.js";
import { ExitSignal, PsRuntime } from "./powershell/runtime.js";
import type { Edition } from "./powershell/cmdlet-types.js";
import { formatErrorRecord, PsError } from "./powershell/values.js";

type Source = { script: string } | { file: string; args: string[] } | { interactive: true } | { error: string; code: number };

// Host switches that take a value; all may be abbreviated to any unique prefix, as powershell.exe allows.
const VALUE_SWITCHES = [
  "executionpolicy",
  "inputformat",
  "outputformat",
  "windowstyle",
  "configurationname",
  "workingdirectory",
  "settingsfile",
  "version",
  "psconsolefile",
];
const FLAG_SWITCHES = ["noprofile", "noninteractive", "nologo", "noexit", "sta", "mta", "nop", "noni"];

function isPrefix(arg: string, full: string, min = 1): boolean {
  return arg.length >= min && full.startsWith(arg);
}

/** Read the host's own switches; the first non-switch (or -Command/-File) ends them. */
export function parseHostArgs(argv: string[], edition: Edition, stdin?: string): Source {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (!/^[-/]/.test(a) || a === "-") return defaultSource(argv.slice(i), edition);
    const sw = a.slice(1).toLowerCase();
    if (sw === "c" || isPrefix(sw, "command", 2)) {
      const rest = argv.slice(i + 1);
      return rest.length === 1 && rest[0] === "-" ? { script: stdin ?? "" } : { script: rest.join(" ") };
    }
    if (sw === "f" || isPrefix(sw, "file", 2)) return { file: argv[i + 1] ?? "", args: argv.slice(i + 2) };
    if (sw === "e" || sw === "ec" || isPrefix(sw, "encodedcommand", 3)) return { script: Buffer.from(argv[i + 1] ?? "", "base64").toString("utf16le") };
    if (VALUE_SWITCHES.some((v) => isPrefix(sw, v, 2)) || sw === "ep" || sw === "ex") {
      i++;
      continue;
    }
    if (FLAG_SWITCHES.some((f) => isPrefix(sw, f, 3) || sw === f)) continue;
    return defaultSource(argv.slice(i), edition);
  }
  return { interactive: true };
}

/** Bare arguments: Windows PowerShell treats them as -Command, PowerShell 7 as -File. */
function defaultSource(rest: string[], edition: Edition): Source {
  if (edition === "desktop") return { script: rest.join(" ") };
  if (rest[0] === "-") return { script: "" };
  return { file: rest[0], args: rest.slice(1) };
}

async function execute(ctx: CmdContext, edition: Edition, script: string): Promise<ReturnType<Output["done"]>> {
  const out = new Output("windows");
  let stmts;
  try {
    stmts = new PsParser(script).parseScript();
  } catch (e) {
    if (!(e instanceof PsParseError)) throw e;
    const record = {
      message: e.message,
      category: "ParserError: (:) [], ParentContainsErrorRecordException",
      fqid: e.fqid,
      extent: { start: e.pos, end: e.pos + 1 },
    };
    return out.errLine(...formatErrorRecord(record, script, edition === "core")).done(1);
  }
  const rt = new PsRuntime(ctx, edition, script, out);
  try {
    await rt.runTopLevel(stmts);
  } catch (e) {
    if (e instanceof ExitSignal) return out.done(e.code);
    if (!(e instanceof PsError)) throw e;
    out.errLine(...formatErrorRecord(e.record, script, edition === "core"));
    return out.done(1);
  }
  return out.done(rt.lastSuccess ? 0 : 1);
}

function makeHandler(edition: Edition): Handler {
  return async (ctx, argv) => {
    const src = parseHostArgs(argv, edition, ctx.stdin);
    const out = new Output("windows");
    if ("interactive" in src) {
      const banner = edition === "core" ? "PowerShell 7.4.6" : "Windows PowerShell\nCopyright (C) Microsoft Corporation. All rights reserved.";
      return out.line(banner, "").raw(`PS ${ctx.cwd}> `).done(0);
    }
    if ("error" in src) return out.errLine(src.error).done(src.code);
    if ("file" in src) {
      const text = readFile(ctx.container, src.file, ctx.cwd);
      if (text === undefined) {
        const msg =
          edition === "core"
            ? `The argument '${src.file}' is not recognized as the name of a script file. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`
            : `The argument '${src.file}' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.`;
        return out.errLine(msg).done(edition === "core" ? 64 : -196608);
      }
      return execute(ctx, edition, text);
    }
    return execute(ctx, edition, src.script);
  };
}

export const powershell: Handler = makeHandler("desktop");
export const pwsh: Handler = makeHandler("core");
