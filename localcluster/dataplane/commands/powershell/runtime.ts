// The PowerShell evaluator: statements, pipelines, expressions, variables, static members and the
// error semantics of `powershell -Command` (a failed statement prints its error and the script goes on;
// `throw` and $ErrorActionPreference='Stop' end it; the exit code is 1 when the last statement failed).

import { isKnownCommand } from "../availability.js";
import { type Output, splitLines } from "../output.js";
import type { CmdContext } from "../types.js";
import { windowsAccount } from "../identity.js";
import { readFile } from "../fsview.js";
import { bindArguments, findCmdlet, resolveAlias } from "./cmdlets.js";
import type { CmdletHost, Edition } from "./cmdlet-types.js";
import type { Arg, Element, Expr, Pipeline, Stmt } from "./parser.js";
import { collapse, flatten, formatErrorRecord, outDefault, PsError, PsObject, toStr, truthy, type ErrorRecord, type PsValue } from "./values.js";

export class ExitSignal extends Error {
  constructor(readonly code: number) {
    super("exit");
  }
}

export class PsRuntime implements CmdletHost {
  private readonly vars = new Map<string, PsValue>();
  /** $? — whether the last statement succeeded. */
  lastSuccess = true;
  lastExitCode: number | undefined;
  private statementFailed = false;

  constructor(
    readonly ctx: CmdContext,
    readonly edition: Edition,
    readonly script: string,
    readonly out: Output,
  ) {}

  get os() {
    return this.ctx.container.os;
  }

  // ---------- output and errors ----------

  /** Write lines straight to the host (Write-Host, warnings): they bypass the pipeline. */
  hostLine(...lines: string[]): void {
    this.out.line(...lines);
  }

  writeError(r: ErrorRecord, silent = false): void {
    this.statementFailed = true;
    if (this.stopOnError()) throw new PsError(r, true);
    if (!silent) this.out.errLine(...formatErrorRecord(r, this.script, this.edition === "core"));
  }

  private stopOnError(): boolean {
    return toStr(this.getVar("ErrorActionPreference") ?? "").toLowerCase() === "stop";
  }

  // ---------- statements ----------

  /** Run top-level statements, formatting each one's output as PowerShell's host does. */
  async runTopLevel(stmts: Stmt[]): Promise<void> {
    for (const s of stmts) {
      const values = await this.statement(s);
      if (values.length) this.out.line(...outDefault(values));
    }
  }

  async body(stmts: Stmt[]): Promise<PsValue[]> {
    const values: PsValue[] = [];
    for (const s of stmts) values.push(...(await this.statement(s)));
    return values;
  }

  private async statement(s: Stmt): Promise<PsValue[]> {
    this.statementFailed = false;
    try {
      const values = await this.exec(s);
      if (s.k !== "if") this.lastSuccess = !this.statementFailed;
      return values;
    } catch (e) {
      if (!(e instanceof PsError) || e.terminating) throw e;
      this.out.errLine(...formatErrorRecord(e.record, this.script, this.edition === "core"));
      this.lastSuccess = false;
      if (this.stopOnError()) throw new PsError(e.record, true);
      return [];
    }
  }

  private async exec(s: Stmt): Promise<PsValue[]> {
    switch (s.k) {
      case "pipe":
        return this.pipeline(s.p);
      case "assign":
        this.setVar(s.name, collapse(await this.pipeline(s.value)));
        return [];
      case "if":
        for (const c of s.clauses) if (truthy(collapse(await this.pipeline(c.cond)))) return this.body(c.body);
        return s.otherwise ? this.body(s.otherwise) : [];
      case "exit": {
        const v = s.code ? collapse(await this.pipeline(s.code)) : 0;
        throw new ExitSignal(Number(toStr(v)) || 0);
      }
      case "throw": {
        const msg = s.value ? toStr(collapse(await this.pipeline(s.value))) : "ScriptHalted";
        throw new PsError({ message: msg, category: `OperationStopped: (${msg}:String) [], RuntimeException`, fqid: msg, extent: s.x }, true);
      }
    }
  }

  // ---------- pipelines ----------

  async pipeline(p: Pipeline): Promise<PsValue[]> {
    let input: PsValue[] | undefined;
    for (const el of p.elements) input = await this.element(el, input);
    return input ?? [];
  }

  private async element(el: Element, input: PsValue[] | undefined): Promise<PsValue[]> {
    if (el.k === "expr") return flatten([await this.eval(el.e)]);
    if (el.nameExpr) {
      const target = await this.eval(el.nameExpr);
      if (typeof target === "object" && target !== null && !Array.isArray(target) && !(target instanceof PsObject)) return target.run();
      return this.invoke(toStr(target), el, input);
    }
    return this.invoke(el.name, el, input);
  }

  private async invoke(rawName: string, el: Extract<Element, { k: "cmd" }>, input: PsValue[] | undefined): Promise<PsValue[]> {
    const name = resolveAlias(rawName, this.edition);
    const cmdlet = findCmdlet(name);
    if (cmdlet) {
      const bound = await bindArguments(this, cmdlet, el);
      return cmdlet.run(this, bound, input, el);
    }
    if (isKnownCommand("windows", this.ctx.container.image, rawName)) return this.native(rawName, el.args, input);
    throw new PsError(notRecognized(rawName, this.edition, el.nameX));
  }

  /** Run an executable: its stdout lines become pipeline strings, its stderr passes through. */
  private async native(name: string, args: Arg[], input: PsValue[] | undefined): Promise<PsValue[]> {
    const argv = [name];
    for (const a of args) {
      if (a.k === "param") argv.push(a.value ? `-${a.name}:${toStr(await this.eval(a.value))}` : `-${a.name}`);
      else argv.push(...flatten([await this.eval(a.e)]).map(toStr));
    }
    const stdin = input ? outDefault(input).join("\r\n") + (input.length ? "\r\n" : "") : undefined;
    const res = await this.ctx.run(argv, { env: this.ctx.env, stdin });
    this.out.rawErr(res.stderr);
    this.lastExitCode = res.exitCode;
    if (res.exitCode !== 0) this.statementFailed = true;
    return splitLines(res.stdout);
  }

  // ---------- variables ----------

  getVar(name: string): PsValue {
    const lower = name.toLowerCase();
    if (lower.startsWith("env:")) return this.ctx.env.get(name.slice(4)) ?? null;
    switch (lower) {
      case "true":
        return true;
      case "false":
        return false;
      case "null":
        return null;
      case "?":
        return this.lastSuccess;
      case "lastexitcode":
        return this.lastExitCode ?? null;
      case "pwd":
        return this.ctx.cwd;
      case "home":
        return this.ctx.env.get("USERPROFILE") ?? null;
      default:
        return this.vars.get(lower);
    }
  }

  setVar(name: string, v: PsValue): void {
    if (name.toLowerCase().startsWith("env:")) {
      if (v === null || v === undefined || v === "") this.ctx.env.delete(name.slice(4));
      else this.ctx.env.set(name.slice(4), toStr(v));
      return;
    }
    this.vars.set(name.toLowerCase(), v);
  }

  // ---------- expressions ----------

  async eval(e: Expr): Promise<PsValue> {
    switch (e.k) {
      case "str":
        return e.v;
      case "num":
        return e.v;
      case "var":
        return this.getVar(e.name);
      case "xstr": {
        let s = "";
        for (const p of e.parts) s += p.t === "lit" ? p.v : toStr(await this.eval(p.e));
        return s;
      }
      case "paren":
        return collapse(await this.pipeline(e.p));
      case "sub":
        return collapse(await this.body(e.body));
      case "array":
        return flatten(await this.body(e.body));
      case "list":
        return Promise.all(e.items.map((i) => this.eval(i)));
      case "block":
        return { kind: "scriptblock", run: () => this.body(e.body) };
      case "type":
        return `[${e.name}]`;
      case "unary":
        return this.unary(e.op, await this.eval(e.e));
      case "binary":
        return this.binary(e.op, e.l, e.r);
      case "member":
        return this.member(await this.eval(e.obj), e.member, e.args && (await Promise.all(e.args.map((a) => this.eval(a)))), e);
      case "static":
        return this.staticMember(e.type, e.member, e.args && (await Promise.all(e.args.map((a) => this.eval(a)))), e);
      case "index": {
        const obj = await this.eval(e.obj);
        const idx = Number(toStr(await this.eval(e.index)));
        if (obj instanceof PsObject) return obj.get(toStr(await this.eval(e.index))) ?? null;
        if (Array.isArray(obj)) return obj[idx < 0 ? obj.length + idx : idx] ?? null;
        if (typeof obj === "string") return obj[idx] ?? null;
        return idx === 0 ? obj : null;
      }
    }
  }

  private unary(op: string, v: PsValue): PsValue {
    if (op === "-") return -Number(toStr(v));
    return !truthy(v);
  }

  private async binary(op: string, le: Expr, re: Expr): Promise<PsValue> {
    const l = await this.eval(le);
    if (op === "-and") return truthy(l) && truthy(await this.eval(re));
    if (op === "-or") return truthy(l) || truthy(await this.eval(re));
    const r = await this.eval(re);
    if (op === "-xor") return truthy(l) !== truthy(r);
    if (op === "+") return add(l, r);
    if (op === "-") return Number(toStr(l)) - Number(toStr(r));
    return compare(op, l, r);
  }

  private member(obj: PsValue, name: string, args: PsValue[] | undefined, e: Expr): PsValue {
    if (Array.isArray(obj) && args === undefined && name.toLowerCase() !== "length" && name.toLowerCase() !== "count") {
      return flatten(obj.map((o) => this.member(o, name, undefined, e)));
    }
    if (args !== undefined) return callMethod(obj, name, args, e);
    const lower = name.toLowerCase();
    if (obj instanceof PsObject) return obj.get(name) ?? null;
    if (typeof obj === "string" && lower === "length") return obj.length;
    if (Array.isArray(obj) && (lower === "length" || lower === "count")) return obj.length;
    if (obj !== null && obj !== undefined && lower === "count") return 1;
    return null;
  }

  private staticMember(type: string, member: string, args: PsValue[] | undefined, e: Expr): PsValue {
    const t = type.toLowerCase().replace(/^system\./, "");
    const m = member.toLowerCase();
    const c = this.ctx.container;
    const table: Record<string, Record<string, () => PsValue>> = {
      environment: {
        username: () => windowsAccount(c).processUserName,
        machinename: () => c.hostname,
        userdomainname: () => this.ctx.env.get("USERDOMAIN") ?? null,
        newline: () => "\r\n",
        currentdirectory: () => this.ctx.cwd,
        is64bitprocess: () => true,
        getenvironmentvariable: () => this.ctx.env.get(toStr(args?.[0])) ?? null,
      },
      "net.dns": { gethostname: () => c.hostname },
      "io.file": {
        exists: () => readFile(c, toStr(args?.[0]), this.ctx.cwd) !== undefined,
        readalltext: () => readFile(c, toStr(args?.[0]), this.ctx.cwd) ?? null,
      },
      "security.principal.windowsidentity": {
        getcurrent: () => {
          const a = windowsAccount(c);
          return new PsObject("System.Security.Principal.WindowsIdentity", [
            ["Name", `${a.domain}\\${a.user}`],
            ["AuthenticationType", "Negotiate"],
            ["IsAuthenticated", true],
          ]);
        },
      },
    };
    const members = table[t];
    if (!members)
      throw new PsError({
        message: `Unable to find type [${type}].`,
        category: `InvalidOperation: (${type}:TypeName) [], RuntimeException`,
        fqid: "TypeNotFound",
        extent: e.x,
      });
    const fn = members[m];
    if (!fn) return null;
    return fn();
  }
}

// ---------- helpers ----------

export function notRecognized(name: string, edition: Edition, extent: { start: number; end: number }): ErrorRecord {
  const message =
    edition === "core"
      ? `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again.`
      : `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`;
  return { message, command: name, category: `ObjectNotFound: (${name}:String) [], CommandNotFoundException`, fqid: "CommandNotFoundException", extent };
}

function add(l: PsValue, r: PsValue): PsValue {
  if (Array.isArray(l)) return [...l, ...(Array.isArray(r) ? r : [r])];
  if (typeof l === "number") return l + Number(toStr(r));
  return toStr(l) + toStr(r);
}

function wildcard(pattern: string, flags: string): RegExp {
  const re = pattern
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, flags);
}

/** Comparison operators: case-insensitive unless prefixed with "c"; the right side converts to the left's type. */
export function compare(op: string, l: PsValue, r: PsValue): boolean {
  const cs = op[1] === "c";
  const base = op.replace(/^-[ic]?/, "");
  const fold = (v: PsValue) => (cs ? toStr(v) : toStr(v).toLowerCase());
  if (base === "contains" || base === "notcontains") return (base === "contains") === (Array.isArray(l) ? l : [l]).some((x) => fold(x) === fold(r));
  if (base === "in" || base === "notin") return (base === "in") === (Array.isArray(r) ? r : [r]).some((x) => fold(x) === fold(l));
  if (base === "like" || base === "notlike") return (base === "like") === wildcard(toStr(r), cs ? "" : "i").test(toStr(l));
  if (base === "match" || base === "notmatch") return (base === "match") === new RegExp(toStr(r), cs ? "" : "i").test(toStr(l));
  const cmp =
    typeof l === "number" ? l - Number(toStr(r)) : typeof l === "boolean" ? Number(l) - Number(truthy(r)) : fold(l) < fold(r) ? -1 : fold(l) > fold(r) ? 1 : 0;
  const results: Record<string, boolean> = { eq: cmp === 0, ne: cmp !== 0, gt: cmp > 0, ge: cmp >= 0, lt: cmp < 0, le: cmp <= 0 };
  return results[base] ?? false;
}

function callMethod(obj: PsValue, name: string, args: PsValue[], e: Expr): PsValue {
  const m = name.toLowerCase();
  const a = args.map(toStr);
  if (m === "tostring") return toStr(obj);
  if (typeof obj === "string") {
    const s = obj;
    const methods: Record<string, () => PsValue> = {
      tolower: () => s.toLowerCase(),
      toupper: () => s.toUpperCase(),
      trim: () => s.trim(),
      trimend: () => s.trimEnd(),
      trimstart: () => s.trimStart(),
      contains: () => s.includes(a[0]),
      startswith: () => s.startsWith(a[0]),
      endswith: () => s.endsWith(a[0]),
      replace: () => s.split(a[0]).join(a[1] ?? ""),
      split: () => s.split(a[0] ?? " "),
      substring: () => s.substr(Number(a[0]), a[1] === undefined ? undefined : Number(a[1])),
      indexof: () => s.indexOf(a[0]),
    };
    if (methods[m]) return methods[m]();
  }
  const typeName =
    typeof obj === "string" ? "System.String" : obj instanceof PsObject ? obj.typeName : typeof obj === "number" ? "System.Int32" : "System.Object";
  if (obj === null || obj === undefined) {
    throw new PsError({
      message: "You cannot call a method on a null-valued expression.",
      category: "InvalidOperation: (:) [], RuntimeException",
      fqid: "InvokeMethodOnNull",
      extent: e.x,
    });
  }
  throw new PsError({
    message: `Method invocation failed because [${typeName}] does not contain a method named '${name}'.`,
    category: "InvalidOperation: (:) [], RuntimeException",
    fqid: "MethodNotFound",
    extent: e.x,
  });
}
