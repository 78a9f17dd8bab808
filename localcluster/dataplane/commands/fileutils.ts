// File and text utilities (cat, ls, env/printenv, grep, wc, head) with busybox wording on the
// busybox/alpine images and GNU coreutils wording elsewhere.

import { classifyImage } from "../workloads/images.js";
import { listDir, readFile } from "./fsview.js";
import { Output, splitLines } from "./output.js";
import type { CmdContext, Handler } from "./types.js";

const isBusybox = (ctx: CmdContext): boolean => ctx.container.os === "windows" || classifyImage(ctx.container.image).family !== "unknown";

const operands = (argv: string[]): string[] => argv.slice(1).filter((a) => !/^-./.test(a));
const flags = (argv: string[]): string =>
  argv
    .slice(1)
    .filter((a) => /^-./.test(a))
    .map((a) => a.slice(1))
    .join("");

export const cat: Handler = async (ctx, argv) => {
  const out = new Output(ctx.container.os);
  const files = operands(argv);
  if (files.length === 0) return out.raw(ctx.stdin ?? "").done(0);
  let code = 0;
  for (const f of files) {
    const text = f === "-" ? (ctx.stdin ?? "") : readFile(ctx.container, f, ctx.cwd);
    if (text !== undefined) {
      out.raw(text);
      continue;
    }
    code = 1;
    if (listDir(ctx.container, f, ctx.cwd)) out.errLine(isBusybox(ctx) ? "cat: read error: Is a directory" : `cat: ${f}: Is a directory`);
    else out.errLine(isBusybox(ctx) ? `cat: can't open '${f}': No such file or directory` : `cat: ${f}: No such file or directory`);
  }
  return out.done(code);
};

export const ls: Handler = async (ctx, argv) => {
  const out = new Output(ctx.container.os);
  const all = flags(argv).includes("a");
  const paths = operands(argv);
  let code = 0;
  for (const p of paths.length ? paths : [ctx.cwd]) {
    const entries = listDir(ctx.container, p, ctx.cwd);
    if (entries) {
      if (paths.length > 1) out.line(`${p}:`);
      out.line(...entries.filter((e) => all || !e.startsWith(".")).sort());
    } else if (readFile(ctx.container, p, ctx.cwd) !== undefined) out.line(p);
    else {
      code = isBusybox(ctx) ? 1 : 2;
      out.errLine(isBusybox(ctx) ? `ls: ${p}: No such file or directory` : `ls: cannot access '${p}': No such file or directory`);
    }
  }
  return out.done(code);
};

export const env: Handler = async (ctx) => {
  const out = new Output(ctx.container.os);
  return out.line(...ctx.env.entries().map(([k, v]) => `${k}=${v}`)).done(0);
};

export const printenv: Handler = async (ctx, argv) => {
  const names = operands(argv);
  if (names.length === 0) return env(ctx, argv);
  const out = new Output(ctx.container.os);
  let code = 0;
  for (const n of names) {
    const v = ctx.env.get(n);
    if (v === undefined) code = 1;
    else out.line(v);
  }
  return out.done(code);
};

/** grep [-q] [-i] [-v] [-c] PATTERN [FILE...]: enough for "curl ... | grep -q Welcome". */
export const grep: Handler = async (ctx, argv) => {
  const out = new Output(ctx.container.os);
  const f = flags(argv);
  const [pattern, ...files] = operands(argv);
  if (pattern === undefined) return out.errLine("Usage: grep [-qivc] PATTERN [FILE]...").done(2);
  let re: RegExp;
  try {
    re = new RegExp(pattern, f.includes("i") ? "i" : "");
  } catch {
    return out.errLine(`grep: bad regex '${pattern}'`).done(2);
  }
  const text = files.length ? files.map((p) => readFile(ctx.container, p, ctx.cwd) ?? "").join("") : (ctx.stdin ?? "");
  const hits = splitLines(text).filter((l) => re.test(l) !== f.includes("v"));
  if (f.includes("c")) out.line(String(hits.length));
  else if (!f.includes("q")) out.line(...hits);
  return out.done(hits.length ? 0 : 1);
};

export const wc: Handler = async (ctx, argv) => {
  const text =
    operands(argv)
      .map((p) => readFile(ctx.container, p, ctx.cwd) ?? "")
      .join("") ||
    ctx.stdin ||
    "";
  const lines = (text.match(/\n/g) ?? []).length;
  const f = flags(argv);
  const out = new Output(ctx.container.os);
  if (f.includes("l")) return out.line(String(lines)).done(0);
  if (f.includes("c")) return out.line(String(Buffer.byteLength(text))).done(0);
  const words = text.split(/\s+/).filter(Boolean).length;
  return out.line(`${String(lines).padStart(7)} ${String(words).padStart(7)} ${String(Buffer.byteLength(text)).padStart(7)}`).done(0);
};

export const head: Handler = async (ctx, argv) => {
  let n = 10;
  const rest: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === "-n") n = Number(argv[++i]);
    else if (/^-\d+$/.test(argv[i])) n = Number(argv[i].slice(1));
    else if (/^-n\d+$/.test(argv[i])) n = Number(argv[i].slice(2));
    else rest.push(argv[i]);
  }
  const text = rest.length ? (readFile(ctx.container, rest[0], ctx.cwd) ?? "") : (ctx.stdin ?? "");
  return new Output(ctx.container.os).line(...splitLines(text).slice(0, n)).done(0);
};
