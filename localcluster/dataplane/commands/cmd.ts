// cmd.exe /c and /k. The runtime hands cmd one command line (argv joined with Windows quoting); cmd
// strips the outer quotes, expands %VAR%, splits on & && || |, applies redirections and runs
// builtins (echo, type, set, exit, ver, cd, if) itself and everything else as a child process.

import type { ExecResult } from "../model.js";
import { isKnownCommand } from "./availability.js";
import { deleteFile, listDir, readFile, writeFile } from "./fsview.js";
import { Output, result } from "./output.js";
import type { CmdContext, EnvMap, Handler } from "./types.js";

const NOT_RECOGNIZED_EXIT = 9009; // what cmd /c returns for an unknown command (npm's famous "code 9009")

/** Quote one argument as Go's syscall.EscapeArg does when the runtime builds a Windows command line. */
export function escapeArg(a: string): string {
  if (a === "") return '""';
  if (!/[\s"]/.test(a)) return a;
  let out = '"';
  let slashes = 0;
  for (const ch of a) {
    if (ch === "\\") {
      slashes++;
      out += ch;
      continue;
    }
    if (ch === '"') out += "\\".repeat(slashes) + "\\";
    slashes = 0;
    out += ch;
  }
  return out + "\\".repeat(slashes) + '"';
}

/** Split a command line into argv the way CommandLineToArgvW does (quotes group, \" is a quote). */
export function splitWindowsArgs(line: string): string[] {
  const args: string[] = [];
  let cur = "";
  let started = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "\\") {
      let n = 0;
      while (line[i + n] === "\\") n++;
      started = true;
      if (line[i + n] !== '"') {
        cur += "\\".repeat(n);
        i += n - 1;
        continue;
      }
      // Backslashes before a quote: 2n give n backslashes and a delimiter, 2n+1 give n and a literal quote.
      cur += "\\".repeat(n >> 1);
      if (n % 2 === 1) {
        cur += '"';
        i += n;
      } else i += n - 1;
      continue;
    }
    if (ch === '"') {
      quoted = !quoted;
      started = true;
      continue;
    }
    if (/\s/.test(ch) && !quoted) {
      if (started) args.push(cur);
      cur = "";
      started = false;
      continue;
    }
    cur += ch;
    started = true;
  }
  if (started) args.push(cur);
  return args;
}

/**
 * cmd /c's documented quote rule: keep the quotes only when there are exactly two, nothing special
 * sits between them and they enclose an executable's path; otherwise drop the first and the last quote.
 */
export function stripOuterQuotes(line: string, sFlag: boolean): string {
  const s = line.replace(/^\s+/, "");
  if (!s.startsWith('"')) return line;
  const quotes = (s.match(/"/g) ?? []).length;
  const inner = s.slice(1, s.indexOf('"', 1));
  const keep = !sFlag && quotes === 2 && !/[&<>()@^|]/.test(inner) && /\s/.test(inner) && /\.(exe|cmd|bat|com)$/i.test(inner);
  if (keep) return s;
  const last = s.lastIndexOf('"');
  return s.slice(1, last) + s.slice(last + 1);
}

/** %NAME% expansion; an undefined variable stays as typed, as it does at the cmd /c prompt. */
export function expandPercent(line: string, env: EnvMap): string {
  return line.replace(/%([^%\s=]+)%/g, (m, name: string) => env.get(name) ?? m);
}

interface CmdState {
  ctx: CmdContext;
  env: EnvMap;
  errorlevel: number;
}

class CmdExit extends Error {
  constructor(readonly code: number) {
    super("exit");
  }
}

// ---------- splitting ----------

type Piece = { text: string; op?: "&" | "&&" | "||" | "|" };

/** Split at top-level & && || | (outside quotes and parentheses; ^ escapes the next character). */
function splitChain(line: string): Piece[] {
  const pieces: Piece[] = [];
  let cur = "";
  let depth = 0;
  let quoted = false;
  let op: Piece["op"];
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "^" && !quoted) {
      cur += line[++i] ?? "";
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth--;
    else if (!quoted && depth === 0 && (ch === "&" || ch === "|")) {
      pieces.push({ text: cur, op });
      const two = line[i + 1] === ch;
      op = (two ? ch + ch : ch) as Piece["op"];
      if (two) i++;
      cur = "";
      continue;
    }
    cur += ch;
  }
  pieces.push({ text: cur, op });
  return pieces;
}

interface Redirect {
  fd: number;
  append: boolean;
  target: string;
}

/** Pull "> file", ">> file", "2> file", "2>&1" out of a command, leaving the rest of the text intact. */
function extractRedirects(text: string): { rest: string; redirects: Redirect[] } {
  const redirects: Redirect[] = [];
  let rest = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    if (quoted || ch !== ">") {
      rest += ch;
      continue;
    }
    let fd = 1;
    if (/[12]/.test(rest.slice(-1)) && /(^|\s)$/.test(rest.slice(0, -1))) {
      fd = Number(rest.slice(-1));
      rest = rest.slice(0, -1);
    }
    const append = text[i + 1] === ">";
    const m = /^\s*(&\d|"[^"]*"|[^\s&|<>]+)/.exec(text.slice(i + (append ? 2 : 1)));
    redirects.push({ fd, append, target: (m?.[1] ?? "").replace(/^"|"$/g, "") });
    i += (append ? 1 : 0) + (m?.[0].length ?? 0);
  }
  return { rest, redirects };
}

// ---------- execution ----------

async function runLine(st: CmdState, line: string, out: Output, stdin = ""): Promise<void> {
  let pipeIn = stdin;
  const pieces = splitChain(line);
  for (let k = 0; k < pieces.length; k++) {
    const { text, op } = pieces[k];
    if (op === "&&" && st.errorlevel !== 0) continue;
    if (op === "||" && st.errorlevel === 0) continue;
    const piped = pieces[k + 1]?.op === "|";
    const target = piped ? new Output("windows") : out;
    await runSegment(st, text, target, op === "|" ? pipeIn : stdin);
    if (piped) {
      out.rawErr(target.stderr);
      pipeIn = target.stdout;
    }
  }
}

async function runSegment(st: CmdState, text: string, out: Output, stdin: string): Promise<void> {
  const t = text.replace(/^[\s@]+/, "");
  if (t.trim() === "") return;
  const group = /^\(([\s\S]*)\)\s*$/.exec(t);
  if (group) return runLine(st, group[1], out, stdin);
  if (/^if\s/i.test(t)) return runIf(st, t.slice(2).trim(), out, stdin);
  const { rest, redirects } = extractRedirects(t);
  for (const r of redirects) {
    if (r.target.startsWith("&")) continue;
    // cmd opens (and truncates) the target before it runs anything, so a denied write runs nothing.
    const w = writeFile(st.ctx.container, r.target, "", r.append || false, st.ctx.cwd);
    if (w !== "ok") {
      out.errLine(w === "read-only" ? "Access is denied." : "The system cannot find the path specified.");
      st.errorlevel = 1;
      return;
    }
  }
  const res = await runSimple(st, rest, stdin);
  st.errorlevel = res.exitCode;
  deliver(st, res, redirects, out);
}

function deliver(st: CmdState, res: ExecResult, redirects: Redirect[], out: Output): void {
  let { stdout, stderr } = res;
  for (const r of redirects) {
    if (r.target === "&1" && r.fd === 2) {
      stdout += stderr;
      stderr = "";
      continue;
    }
    if (r.target === "&2" && r.fd === 1) {
      stderr += stdout;
      stdout = "";
      continue;
    }
    writeFile(st.ctx.container, r.target, r.fd === 2 ? stderr : stdout, true, st.ctx.cwd);
    if (r.fd === 2) stderr = "";
    else stdout = "";
  }
  out.raw(stdout).rawErr(stderr);
}

async function runSimple(st: CmdState, text: string, stdin: string): Promise<ExecResult> {
  const m = /^("[^"]*"|[^\s.:;/=,(]+)([\s\S]*)$/.exec(text);
  if (!m) return result("", "", 0);
  const word = m[1].replace(/"/g, "");
  const builtin = BUILTINS[word.toLowerCase()];
  if (builtin) return builtin(st, m[2]);
  const argv = splitWindowsArgs(text);
  if (!isKnownCommand("windows", st.ctx.container.image, argv[0])) {
    const err = `'${argv[0]}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`;
    return result("", err, NOT_RECOGNIZED_EXIT);
  }
  return st.ctx.run(argv, { env: st.env.clone(), stdin });
}

// ---------- IF ----------

async function runIf(st: CmdState, rest: string, out: Output, stdin: string): Promise<void> {
  let s = rest;
  const take = (re: RegExp): boolean => {
    const m = re.exec(s);
    if (m) s = s.slice(m[0].length);
    return !!m;
  };
  const ignoreCase = take(/^\/i\s+/i);
  const negate = take(/^not\s+/i);
  const [truth, remainder] = evalCondition(st, s, ignoreCase);
  const { then, otherwise } = splitThenElse(remainder);
  const branch = truth !== negate ? then : otherwise;
  if (branch !== undefined) await runLine(st, branch, out, stdin);
}

function evalCondition(st: CmdState, s: string, ignoreCase: boolean): [boolean, string] {
  const c = st.ctx.container;
  let m = /^exist\s+("[^"]*"|\S+)\s*/i.exec(s);
  if (m) {
    const p = m[1].replace(/"/g, "");
    return [readFile(c, p, st.ctx.cwd) !== undefined || listDir(c, p, st.ctx.cwd) !== undefined, s.slice(m[0].length)];
  }
  m = /^errorlevel\s+(-?\d+)\s*/i.exec(s);
  if (m) return [st.errorlevel >= Number(m[1]), s.slice(m[0].length)];
  m = /^defined\s+(\S+)\s*/i.exec(s);
  if (m) return [st.env.get(m[1]) !== undefined, s.slice(m[0].length)];
  m = /^("[^"]*"|[^\s=]+)\s*(==|\s(?:equ|neq|lss|leq|gtr|geq)\s)\s*("[^"]*"|[^\s=]+)\s*/i.exec(s);
  if (!m) return [false, s];
  return [compare(m[1], m[2].trim().toLowerCase(), m[3], ignoreCase), s.slice(m[0].length)];
}

function compare(a: string, op: string, b: string, ignoreCase: boolean): boolean {
  const [x, y] = ignoreCase ? [a.toLowerCase(), b.toLowerCase()] : [a, b];
  const numeric = /^-?\d+$/.test(x) && /^-?\d+$/.test(y);
  const cmp = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
  const ops: Record<string, boolean> = { "==": x === y, equ: cmp === 0, neq: cmp !== 0, lss: cmp < 0, leq: cmp <= 0, gtr: cmp > 0, geq: cmp >= 0 };
  return ops[op] ?? false;
}

/** "(a) ELSE (b)" or a bare command; parentheses are matched outside quotes. */
function splitThenElse(s: string): { then: string; otherwise?: string } {
  const t = s.trim();
  if (!t.startsWith("(")) return { then: t };
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '"') quoted = !quoted;
    if (quoted) continue;
    if (t[i] === "(") depth++;
    if (t[i] === ")" && --depth === 0) {
      const after = /^\s*else\s+([\s\S]*)$/i.exec(t.slice(i + 1));
      const other = after?.[1].trim();
      return { then: t.slice(1, i), otherwise: other?.startsWith("(") ? other.replace(/^\(([\s\S]*)\)\s*$/, "$1") : other };
    }
  }
  return { then: t.slice(1) };
}

// ---------- builtins ----------

type Builtin = (st: CmdState, rest: string) => Promise<ExecResult>;

const ok = (stdout = ""): ExecResult => result(stdout, "", 0);

const BUILTINS: Record<string, Builtin> = {
  echo: async (_st, rest) => {
    // The first character after ECHO is a delimiter; everything after it is printed verbatim.
    if (rest === "" || /^\s*$/.test(rest)) return ok("ECHO is on.\r\n");
    const text = rest.slice(1);
    if (/^\s*(on|off)\s*$/i.test(text) && /^\s/.test(rest)) return ok();
    return ok(text + "\r\n");
  },
  type: async (st, rest) => typeFiles(st, splitWindowsArgs(rest)),
  set: async (st, rest) => setVar(st, rest.trim()),
  exit: async (st, rest) => {
    const m = /^\s*(\/b\s*)?(-?\d+)?/i.exec(rest);
    throw new CmdExit(m?.[2] !== undefined ? Number(m[2]) : st.errorlevel);
  },
  ver: async (st) => ok(`\r\nMicrosoft Windows [Version ${windowsVersion(st.ctx.container.nodeBuild)}]\r\n`),
  cd: async (st, rest) => (rest.trim() ? ok() : ok(`${st.ctx.cwd}\r\n`)),
  chdir: async (st, rest) => (rest.trim() ? ok() : ok(`${st.ctx.cwd}\r\n`)),
  rem: async () => ok(),
  cls: async () => ok(),
  del: async (st, rest) => deleteFiles(st, rest),
  erase: async (st, rest) => deleteFiles(st, rest),
};

/** DEL/ERASE: switches (/f /q /s ...) are accepted; a missing file is reported but, as in cmd, leaves errorlevel 0. */
async function deleteFiles(st: CmdState, rest: string): Promise<ExecResult> {
  const files = splitWindowsArgs(rest).filter((a) => !a.startsWith("/"));
  if (files.length === 0) return result("", "The syntax of the command is incorrect.\r\n", 1);
  const out = new Output("windows");
  let code = 0;
  for (const f of files) {
    const r = deleteFile(st.ctx.container, f, st.ctx.cwd);
    if (r === "not-found") out.errLine(`Could Not Find ${normalizeForMessage(st, f)}`);
    if (r === "read-only") {
      out.errLine(`${normalizeForMessage(st, f)}`, "Access is denied.");
      code = 1;
    }
  }
  return out.done(code);
}

const normalizeForMessage = (st: CmdState, f: string): string => (/^[a-zA-Z]:/.test(f) ? f : `${st.ctx.cwd.replace(/\\$/, "")}\\${f}`);

// Update build revisions are not part of the node's reported build; a fixed one per release keeps it stable.
const UBR: Record<string, string> = { "10.0.17763": "6054", "10.0.20348": "2849", "10.0.26100": "2894" };

export function windowsVersion(build = "10.0.20348"): string {
  return build.split(".").length >= 4 ? build : `${build}.${UBR[build] ?? "1"}`;
}

async function typeFiles(st: CmdState, files: string[]): Promise<ExecResult> {
  const out = new Output("windows");
  let code = 0;
  for (const f of files) {
    const text = readFile(st.ctx.container, f, st.ctx.cwd);
    if (files.length > 1) out.errLine("", f, "", "");
    if (text === undefined) {
      out.errLine("The system cannot find the file specified.");
      code = 1;
    } else out.raw(text);
  }
  if (files.length === 0) return result("", "The syntax of the command is incorrect.\r\n", 1);
  return out.done(code);
}

function setVar(st: CmdState, arg: string): Promise<ExecResult> | ExecResult {
  const eq = arg.indexOf("=");
  if (eq > 0) {
    const value = arg.slice(eq + 1);
    if (value === "") st.env.delete(arg.slice(0, eq));
    else st.env.set(arg.slice(0, eq), value);
    return ok();
  }
  const vars = st.env.entries().filter(([k]) => k.toLowerCase().startsWith(arg.toLowerCase()));
  if (vars.length === 0) return result("", `Environment variable ${arg} not defined\r\n`, 1);
  return ok(
    vars
      .sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase()))
      .map(([k, v]) => `${k}=${v}\r\n`)
      .join(""),
  );
}

// ---------- entry point ----------

export const cmd: Handler = async (ctx, argv) => {
  const out = new Output("windows");
  const idx = argv.findIndex((a, i) => i > 0 && /^\/[ck]$/i.test(a));
  if (idx < 0) {
    // No /c: an interactive cmd reads stdin; an exec without stdin ends after the banner.
    return out
      .line(`Microsoft Windows [Version ${windowsVersion(ctx.container.nodeBuild)}]`, "(c) Microsoft Corporation. All rights reserved.", "")
      .raw(`${ctx.cwd}>`)
      .done(0);
  }
  const sFlag = argv.slice(1, idx).some((a) => /^\/s$/i.test(a));
  const line = stripOuterQuotes(
    argv
      .slice(idx + 1)
      .map(escapeArg)
      .join(" "),
    sFlag,
  );
  const st: CmdState = { ctx, env: ctx.env.clone(), errorlevel: 0 };
  try {
    await runLine(st, expandPercent(line, st.env), out, ctx.stdin ?? "");
  } catch (e) {
    if (e instanceof CmdExit) return out.done(e.code);
    throw e;
  }
  return out.done(st.errorlevel);
};
