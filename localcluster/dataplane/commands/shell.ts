// sh -c / bash -c: a small POSIX shell. It parses lists (; && || | &), simple commands with quoting,
// $VAR / ${VAR} / $? / $(cmd) expansion, redirections and if/then/else/fi, runs builtins itself and
// every other command through the registry (so availability in the image decides "not found").

import { classifyImage } from "../workloads/images.js";
import { isKnownCommand } from "./availability.js";
import { listDir, readFile, writeFile } from "./fsview.js";
import { Output, result } from "./output.js";
import type { ExecResult } from "../model.js";
import { type EnvMap, type CmdContext, type Handler } from "./types.js";

// ---------- syntax ----------

type Part = { t: "lit"; v: string; quoted: boolean } | { t: "var"; name: string; quoted: boolean } | { t: "sub"; src: string; quoted: boolean };
type Word = Part[];
type Token = { t: "word"; word: Word; raw: string } | { t: "op"; v: string } | { t: "redir"; fd: number; op: string };

interface Redir {
  fd: number;
  op: string;
  target: Word;
}
interface Simple {
  k: "simple";
  assigns: Array<[string, Word]>;
  words: Word[];
  redirs: Redir[];
}
interface If {
  k: "if";
  branches: Array<{ cond: List; body: List }>;
  otherwise?: List;
}
type Command = Simple | If;
interface Pipeline {
  negate: boolean;
  cmds: Command[];
}
interface AndOr {
  first: Pipeline;
  rest: Array<["&&" | "||", Pipeline]>;
}
type List = AndOr[];

class ShSyntaxError extends Error {}

const OPS = ["&&", "||", ";;", ";", "|", "&", "\n", "(", ")"];

/** Split a script into tokens; quotes and expansions stay attached to their word. */
export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === " " || ch === "\t") {
      i++;
      continue;
    }
    if (ch === "\\" && s[i + 1] === "\n") {
      i += 2;
      continue;
    }
    if (ch === "#") {
      while (i < s.length && s[i] !== "\n") i++;
      continue;
    }
    const redir = /^(\d?)(>>|>&|>|<)/.exec(s.slice(i));
    if (redir) {
      out.push({ t: "redir", fd: redir[1] ? Number(redir[1]) : redir[2] === "<" ? 0 : 1, op: redir[2] });
      i += redir[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (op) {
      out.push({ t: "op", v: op });
      i += op.length;
      continue;
    }
    const [word, raw, next] = readWord(s, i);
    out.push({ t: "word", word, raw });
    i = next;
  }
  return out;
}

function readWord(s: string, start: number): [Word, string, number] {
  const parts: Word = [];
  let i = start;
  const lit = (v: string, quoted: boolean) => parts.push({ t: "lit", v, quoted });
  while (i < s.length && !/[\s;&|<>()]/.test(s[i])) {
    const ch = s[i];
    if (ch === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ShSyntaxError("Unterminated quoted string");
      lit(s.slice(i + 1, end), true);
      i = end + 1;
    } else if (ch === '"') i = readDouble(s, i + 1, parts);
    else if (ch === "\\") {
      lit(s[i + 1] ?? "", true);
      i += 2;
    } else if (ch === "$") i = readDollar(s, i, parts, false);
    else {
      lit(ch, false);
      i++;
    }
  }
  return [parts, s.slice(start, i), i];
}

function readDouble(s: string, i: number, parts: Word): number {
  while (i < s.length && s[i] !== '"') {
    if (s[i] === "\\" && '"\\$`\n'.includes(s[i + 1])) {
      parts.push({ t: "lit", v: s[i + 1], quoted: true });
      i += 2;
    } else if (s[i] === "$") i = readDollar(s, i, parts, true);
    else {
      parts.push({ t: "lit", v: s[i], quoted: true });
      i++;
    }
  }
  if (s[i] !== '"') throw new ShSyntaxError("Unterminated quoted string");
  if (parts.length === 0) parts.push({ t: "lit", v: "", quoted: true });
  return i + 1;
}

function readDollar(s: string, i: number, parts: Word, quoted: boolean): number {
  const rest = s.slice(i + 1);
  if (rest.startsWith("(")) {
    const end = matchParen(s, i + 1);
    parts.push({ t: "sub", src: s.slice(i + 2, end), quoted });
    return end + 1;
  }
  const m = /^\{([^}]*)\}/.exec(rest) ?? /^([A-Za-z_][A-Za-z0-9_]*|[?$#0-9@*])/.exec(rest);
  if (!m) {
    parts.push({ t: "lit", v: "$", quoted });
    return i + 1;
  }
  parts.push({ t: "var", name: m[1], quoted });
  return i + 1 + m[0].length;
}

function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "'") i = s.indexOf("'", i + 1);
    else if (s[i] === "(") depth++;
    else if (s[i] === ")" && --depth === 0) return i;
    if (i < 0) break;
  }
  throw new ShSyntaxError("unterminated $(");
}

const isWord = (t: Token | undefined, raw?: string): boolean => t?.t === "word" && (raw === undefined || t.raw === raw);

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  parseScript(): List {
    const l = this.parseList([]);
    if (this.i < this.toks.length) throw new ShSyntaxError(`syntax error: unexpected "${this.describe(this.toks[this.i])}"`);
    return l;
  }

  private describe(t: Token): string {
    return t.t === "word" ? t.raw : t.t === "op" ? (t.v === "\n" ? "newline" : t.v) : t.op;
  }

  private skipSeparators(): void {
    while (this.toks[this.i]?.t === "op" && [";", "\n", "&"].includes((this.toks[this.i] as { v: string }).v)) this.i++;
  }

  /** A list ends at EOF or at one of the reserved words that close the enclosing construct. */
  parseList(stops: string[]): List {
    const list: List = [];
    this.skipSeparators();
    while (this.i < this.toks.length && !stops.some((s) => isWord(this.toks[this.i], s))) {
      list.push(this.parseAndOr());
      this.skipSeparators();
    }
    return list;
  }

  private parseAndOr(): AndOr {
    const node: AndOr = { first: this.parsePipeline(), rest: [] };
    for (let t = this.toks[this.i]; t?.t === "op" && (t.v === "&&" || t.v === "||"); t = this.toks[this.i]) {
      this.i++;
      while (this.toks[this.i]?.t === "op" && (this.toks[this.i] as { v: string }).v === "\n") this.i++;
      node.rest.push([t.v as "&&" | "||", this.parsePipeline()]);
    }
    return node;
  }

  private parsePipeline(): Pipeline {
    const negate = isWord(this.toks[this.i], "!");
    if (negate) this.i++;
    const cmds = [this.parseCommand()];
    while (this.toks[this.i]?.t === "op" && (this.toks[this.i] as { v: string }).v === "|") {
      this.i++;
      cmds.push(this.parseCommand());
    }
    return { negate, cmds };
  }

  private parseCommand(): Command {
    if (isWord(this.toks[this.i], "if")) return this.parseIf();
    const t = this.toks[this.i];
    if (t?.t === "word" && ["while", "until", "for", "case"].includes(t.raw)) {
      throw new ShSyntaxError(`'${t.raw}' loops are not emulated`);
    }
    return this.parseSimple();
  }

  private expectWord(raw: string): void {
    if (!isWord(this.toks[this.i], raw)) {
      const t = this.toks[this.i];
      throw new ShSyntaxError(`syntax error: unexpected ${t ? `"${this.describe(t)}"` : "end of file"} (expecting "${raw}")`);
    }
    this.i++;
  }

  private parseIf(): If {
    this.i++;
    const branches = [{ cond: this.parseList(["then"]), body: [] as List }];
    this.expectWord("then");
    branches[0].body = this.parseList(["elif", "else", "fi"]);
    let otherwise: List | undefined;
    while (isWord(this.toks[this.i], "elif")) {
      this.i++;
      const cond = this.parseList(["then"]);
      this.expectWord("then");
      branches.push({ cond, body: this.parseList(["elif", "else", "fi"]) });
    }
    if (isWord(this.toks[this.i], "else")) {
      this.i++;
      otherwise = this.parseList(["fi"]);
    }
    this.expectWord("fi");
    return { k: "if", branches, otherwise };
  }

  private parseSimple(): Simple {
    const cmd: Simple = { k: "simple", assigns: [], words: [], redirs: [] };
    for (let t = this.toks[this.i]; t && t.t !== "op"; t = this.toks[this.i]) {
      this.i++;
      if (t.t === "redir") {
        const target = this.toks[this.i++];
        if (target?.t !== "word") throw new ShSyntaxError("syntax error: unexpected redirection target");
        cmd.redirs.push({ fd: t.fd, op: t.op, target: target.word });
      } else if (cmd.words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.raw) && t.word[0]?.t === "lit" && !t.word[0].quoted) {
        cmd.assigns.push(splitAssignment(t.word));
      } else cmd.words.push(t.word);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirs.length === 0) {
      const t = this.toks[this.i];
      throw new ShSyntaxError(`syntax error: unexpected "${t ? this.describe(t) : "end of file"}"`);
    }
    return cmd;
  }
}

/** NAME=value: the name is the literal text before the first "=". */
function splitAssignment(word: Word): [string, Word] {
  const flat: Part[] = word.flatMap((p) => (p.t === "lit" && !p.quoted ? [...p.v].map((ch) => ({ ...p, v: ch })) : [p]));
  const eq = flat.findIndex((p) => p.t === "lit" && p.v === "=");
  const name = flat
    .slice(0, eq)
    .map((p) => (p as { v: string }).v)
    .join("");
  return [name, flat.slice(eq + 1)];
}

// ---------- execution ----------

type Flavor = "ash" | "bash" | "dash";

interface ShellState {
  ctx: CmdContext;
  env: EnvMap;
  flavor: Flavor;
  name: string;
  positional: string[];
  status: number;
  exited?: number;
}

interface Io {
  stdin: string;
  out: Output;
}

class ShellExit extends Error {
  constructor(readonly code: number) {
    super("exit");
  }
}

function shellFlavor(name: string, image: string): Flavor {
  if (name === "bash") return "bash";
  return classifyImage(image).family === "unknown" ? "dash" : "ash";
}

/** How each shell reports a missing command (exit 127). */
function notFound(st: ShellState, cmd: string): string {
  if (st.flavor === "bash") return `${st.name}: line 1: ${cmd}: command not found`;
  if (st.flavor === "dash") return `${st.name}: 1: ${cmd}: not found`;
  return `${st.name}: ${cmd}: not found`;
}

async function expandWord(st: ShellState, word: Word): Promise<string[]> {
  const fields: string[] = [];
  let cur = "";
  let has = false;
  for (const p of word) {
    const v = p.t === "lit" ? p.v : p.t === "var" ? varValue(st, p.name) : await substitute(st, p.src);
    if (p.quoted || p.t === "lit") {
      cur += v;
      has = true;
      continue;
    }
    // Unquoted expansions are split on whitespace (IFS), as POSIX field splitting does.
    const pieces = v.split(/[ \t\n]+/);
    pieces.forEach((piece, idx) => {
      if (idx > 0 && (has || cur)) {
        fields.push(cur);
        cur = "";
        has = false;
      }
      if (piece) {
        cur += piece;
        has = true;
      }
    });
  }
  if (has || cur) fields.push(cur);
  return fields;
}

function varValue(st: ShellState, name: string): string {
  if (name === "?") return String(st.status);
  if (name === "$") return "1";
  if (name === "#") return String(Math.max(0, st.positional.length - 1));
  if (name === "@" || name === "*") return st.positional.slice(1).join(" ");
  if (/^\d$/.test(name)) return st.positional[Number(name)] ?? "";
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?-)(.*)$/.exec(name);
  if (m) return st.env.get(m[1]) || m[3];
  return st.env.get(name) ?? "";
}

async function substitute(st: ShellState, src: string): Promise<string> {
  const sub: ShellState = { ...st, env: st.env.clone(), exited: undefined };
  const io: Io = { stdin: "", out: new Output("linux") };
  await runList(sub, parseScript(src), io).catch((e) => {
    if (!(e instanceof ShellExit)) throw e;
  });
  st.status = sub.status;
  return io.out.stdout.replace(/\n+$/, "");
}

function parseScript(src: string): List {
  return new Parser(tokenize(src)).parseScript();
}

async function runList(st: ShellState, list: List, io: Io): Promise<void> {
  for (const item of list) {
    let ok = (await runPipeline(st, item.first, io)) === 0;
    for (const [op, p] of item.rest) {
      if ((op === "&&") === ok) ok = (await runPipeline(st, p, io)) === 0;
    }
  }
}

async function runPipeline(st: ShellState, p: Pipeline, io: Io): Promise<number> {
  let stdin = io.stdin;
  let status = 0;
  for (let k = 0; k < p.cmds.length; k++) {
    const last = k === p.cmds.length - 1;
    const stage: Io = last ? { stdin, out: io.out } : { stdin, out: new Output("linux") };
    status = await runCommandNode(st, p.cmds[k], stage);
    if (!last) {
      io.out.rawErr(stage.out.stderr);
      stdin = stage.out.stdout;
    }
  }
  st.status = p.negate ? Number(status === 0) : status;
  return st.status;
}

async function runCommandNode(st: ShellState, cmd: Command, io: Io): Promise<number> {
  if (cmd.k === "if") {
    for (const b of cmd.branches) {
      await runList(st, b.cond, io);
      if (st.status === 0) {
        await runList(st, b.body, io);
        return st.status;
      }
    }
    st.status = 0;
    if (cmd.otherwise) await runList(st, cmd.otherwise, io);
    return st.status;
  }
  return runSimple(st, cmd, io);
}

async function runSimple(st: ShellState, cmd: Simple, io: Io): Promise<number> {
  const argv: string[] = [];
  for (const w of cmd.words) argv.push(...(await expandWord(st, w)));
  const env = argv.length ? st.env.clone() : st.env;
  for (const [name, w] of cmd.assigns) env.set(name, (await expandWord(st, w)).join(" "));
  if (argv.length === 0) return 0;
  if (argv[0] === "exec" && argv.length > 1) argv.shift();
  const res = await dispatch(st, argv, env, io.stdin);
  return applyRedirects(st, cmd.redirs, res, io);
}

async function dispatch(st: ShellState, argv: string[], env: EnvMap, stdin: string): Promise<ExecResult> {
  const builtin = BUILTINS[argv[0]];
  if (builtin) return builtin(st, argv, stdin);
  if (!isKnownCommand("linux", st.ctx.container.image, argv[0])) return result("", notFound(st, argv[0]) + "\n", 127);
  return st.ctx.run(argv, { stdin, env });
}

async function applyRedirects(st: ShellState, redirs: Redir[], res: ExecResult, io: Io): Promise<number> {
  let { stdout, stderr } = res;
  for (const r of redirs) {
    const target = (await expandWord(st, r.target)).join(" ");
    if (r.op === ">&") {
      if (r.fd === 2 && target === "1") {
        stdout += stderr;
        stderr = "";
      } else if (r.fd === 1 && target === "2") {
        stderr += stdout;
        stdout = "";
      }
      continue;
    }
    if (r.op === "<") continue;
    const data = r.fd === 2 ? stderr : stdout;
    const w = writeFile(st.ctx.container, target, data, r.op === ">>", st.ctx.cwd);
    if (w !== "ok") return redirectFailure(st, target, w, io);
    if (r.fd === 2) stderr = "";
    else stdout = "";
  }
  io.out.raw(stdout).rawErr(stderr);
  return res.exitCode;
}

function redirectFailure(st: ShellState, target: string, w: "read-only" | "no-such-directory", io: Io): number {
  const why = w === "read-only" ? "Read-only file system" : "nonexistent directory";
  if (st.flavor === "bash") io.out.errLine(`${st.name}: line 1: ${target}: ${w === "read-only" ? "Read-only file system" : "No such file or directory"}`);
  else if (st.flavor === "dash")
    io.out.errLine(`${st.name}: 1: cannot create ${target}: ${w === "read-only" ? "Read-only file system" : "Directory nonexistent"}`);
  else io.out.errLine(`${st.name}: can't create ${target}: ${why}`);
  return 1;
}

// ---------- builtins ----------

type Builtin = (st: ShellState, argv: string[], stdin: string) => Promise<ExecResult>;

const ok = (stdout = ""): ExecResult => result(stdout, "", 0);

const BUILTINS: Record<string, Builtin> = {
  echo: async (_st, argv) => echo(argv.slice(1)),
  true: async () => ok(),
  ":": async () => ok(),
  false: async () => result("", "", 1),
  exit: async (st, argv) => {
    throw new ShellExit(argv[1] === undefined ? st.status : Number(argv[1]) & 255);
  },
  sleep: async () => ok(), // Emulated time: return at once rather than block the exec.
  test: async (st, argv) => testBuiltin(st, argv.slice(1)),
  "[": async (st, argv) => {
    if (argv[argv.length - 1] !== "]") return result("", "[: missing ]\n", 2);
    return testBuiltin(st, argv.slice(1, -1));
  },
  export: async (st, argv) => {
    for (const a of argv.slice(1)) {
      const i = a.indexOf("=");
      if (i > 0) st.env.set(a.slice(0, i), a.slice(i + 1));
    }
    return ok();
  },
  unset: async (st, argv) => {
    argv.slice(1).forEach((n) => st.env.delete(n));
    return ok();
  },
  pwd: async (st) => ok(st.ctx.cwd + "\n"),
  cd: async () => ok(),
  printf: async (_st, argv) => ok(printf(argv[1] ?? "", argv.slice(2))),
};

function echo(args: string[]): ExecResult {
  let newline = true;
  let escapes = false;
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    if (args[0].includes("n")) newline = false;
    if (args[0].includes("e")) escapes = true;
    args = args.slice(1);
  }
  let text = args.join(" ");
  if (escapes) text = text.replace(/\\([nt\\])/g, (_, c: string) => ({ n: "\n", t: "\t", "\\": "\\" })[c] as string);
  return ok(text + (newline ? "\n" : ""));
}

function printf(fmt: string, args: string[]): string {
  let k = 0;
  return fmt.replace(/%[sd]/g, () => args[k++] ?? "").replace(/\\([nt\\])/g, (_, c: string) => ({ n: "\n", t: "\t", "\\": "\\" })[c] as string);
}

async function testBuiltin(st: ShellState, a: string[]): Promise<ExecResult> {
  const code = (b: boolean) => result("", "", b ? 0 : 1);
  if (a[0] === "!") return code((await testBuiltin(st, a.slice(1))).exitCode !== 0);
  if (a.length === 0) return code(false);
  if (a.length === 1) return code(a[0] !== "");
  const c = st.ctx.container;
  if (a.length === 2) {
    const isDir = listDir(c, a[1], st.ctx.cwd) !== undefined;
    const isFile = readFile(c, a[1], st.ctx.cwd) !== undefined;
    const unary: Record<string, boolean> = {
      "-z": a[1] === "",
      "-n": a[1] !== "",
      "-f": isFile,
      "-d": isDir,
      "-e": isFile || isDir,
      "-s": (readFile(c, a[1], st.ctx.cwd) ?? "") !== "",
      "-r": isFile || isDir,
    };
    if (a[0] in unary) return code(unary[a[0]]);
  }
  const [l, op, r] = a;
  const n = (x: string) => Number(x);
  const binary: Record<string, () => boolean> = {
    "=": () => l === r,
    "==": () => l === r,
    "!=": () => l !== r,
    "-eq": () => n(l) === n(r),
    "-ne": () => n(l) !== n(r),
    "-gt": () => n(l) > n(r),
    "-lt": () => n(l) < n(r),
    "-ge": () => n(l) >= n(r),
    "-le": () => n(l) <= n(r),
  };
  if (op in binary) return code(binary[op]());
  return result("", `${st.name}: test: ${op ?? a[0]}: unknown operand\n`, 2);
}

// ---------- entry point ----------

/** Parse "sh [-e] [-x] -c SCRIPT [name args...]" or "sh FILE". */
function scriptFromArgv(ctx: CmdContext, argv: string[]): { script: string; positional: string[] } | undefined {
  const name = argv[0].split("/").pop() as string;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (/^-[a-z]*c[a-z]*$/.test(a)) return { script: argv[i + 1] ?? "", positional: [argv[i + 2] ?? name, ...argv.slice(i + 3)] };
    if (/^[-+][a-z]+$/.test(a)) continue;
    const file = readFile(ctx.container, a, ctx.cwd);
    if (file === undefined) return undefined;
    return { script: file, positional: [a, ...argv.slice(i + 1)] };
  }
  return { script: ctx.stdin ?? "", positional: [name] };
}

export const sh: Handler = async (ctx, argv) => {
  const name = argv[0].split("/").pop() as string;
  const parsed = scriptFromArgv(ctx, argv);
  const out = new Output("linux");
  if (!parsed) return out.errLine(`${name}: can't open '${argv[argv.length - 1]}': No such file or directory`).done(2);
  const st: ShellState = { ctx, env: ctx.env.clone(), flavor: shellFlavor(name, ctx.container.image), name, positional: parsed.positional, status: 0 };
  let list: List;
  try {
    list = parseScript(parsed.script);
  } catch (e) {
    if (!(e instanceof ShSyntaxError)) throw e;
    return out.errLine(`${name}: ${st.flavor === "ash" ? "" : "line 1: "}${e.message}`).done(2);
  }
  const io: Io = { stdin: ctx.stdin ?? "", out };
  try {
    await runList(st, list, io);
  } catch (e) {
    if (e instanceof ShellExit) return out.done(e.code);
    throw e;
  }
  return out.done(st.status);
};

/** echo, sleep, test, true, false exist as programs too (busybox applets): run them outside a shell. */
export const shellBuiltinProgram: Handler = async (ctx, argv) => {
  const name = argv[0].split("/").pop() as string;
  const st: ShellState = { ctx, env: ctx.env.clone(), flavor: "ash", name, positional: [name], status: 0 };
  const builtin = BUILTINS[name];
  if (!builtin || name === "exit") return result("", `${name}: applet not found\n`, 127);
  return builtin(st, [name, ...argv.slice(1)], ctx.stdin ?? "");
};
