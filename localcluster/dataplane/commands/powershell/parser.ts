// A recursive-descent parser for the PowerShell subset exec probes use: statements separated by ";" or
// newlines, if/elseif/else, assignment, exit, throw, pipelines of commands (argument mode) and
// expressions (expression mode) with member access, static members and comparison operators.
// Every node keeps its source extent so errors can print "At line:1 char:N" like PowerShell.

export interface Extent {
  start: number;
  end: number;
}

export type StrPart = { t: "lit"; v: string } | { t: "expr"; e: Expr };

export type Expr =
  | { k: "str"; v: string; x: Extent }
  | { k: "xstr"; parts: StrPart[]; x: Extent }
  | { k: "num"; v: number; x: Extent }
  | { k: "var"; name: string; x: Extent }
  | { k: "paren"; p: Pipeline; x: Extent }
  | { k: "sub"; body: Stmt[]; x: Extent }
  | { k: "array"; body: Stmt[]; x: Extent }
  | { k: "type"; name: string; x: Extent }
  | { k: "static"; type: string; member: string; args?: Expr[]; x: Extent }
  | { k: "member"; obj: Expr; member: string; args?: Expr[]; x: Extent }
  | { k: "index"; obj: Expr; index: Expr; x: Extent }
  | { k: "unary"; op: "-not" | "!" | "-"; e: Expr; x: Extent }
  | { k: "binary"; op: string; l: Expr; r: Expr; x: Extent }
  | { k: "block"; body: Stmt[]; x: Extent }
  | { k: "list"; items: Expr[]; x: Extent };

export type Arg = { k: "param"; name: string; value?: Expr; x: Extent } | { k: "value"; e: Expr; x: Extent };

export type Element = { k: "cmd"; name: string; nameExpr?: Expr; args: Arg[]; x: Extent; nameX: Extent } | { k: "expr"; e: Expr; x: Extent };

export interface Pipeline {
  elements: Element[];
  x: Extent;
}

export type Stmt =
  | { k: "pipe"; p: Pipeline; x: Extent }
  | { k: "assign"; name: string; value: Pipeline; x: Extent }
  | { k: "if"; clauses: Array<{ cond: Pipeline; body: Stmt[] }>; otherwise?: Stmt[]; x: Extent }
  | { k: "exit"; code?: Pipeline; x: Extent }
  | { k: "throw"; value?: Pipeline; x: Extent };

export class PsParseError extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly fqid: string,
  ) {
    super(message);
  }
}

const STATEMENT_END = /[;\n}]/;
const ARG_END = /[\s;|)}\n]/;

export class PsParser {
  private i = 0;
  constructor(readonly src: string) {}

  parseScript(): Stmt[] {
    const body = this.statements();
    if (this.i < this.src.length) throw new PsParseError(`Unexpected token '${this.src[this.i]}' in expression or statement.`, this.i, "UnexpectedToken");
    return body;
  }

  // ---------- lexical helpers ----------

  private peek(n = 0): string {
    return this.src[this.i + n] ?? "";
  }
  private rest(): string {
    return this.src.slice(this.i);
  }
  /** Skip blanks and comments, and line continuations (backtick-newline); newlines only if asked. */
  private ws(newlines = false): void {
    for (;;) {
      const ch = this.peek();
      if (ch === " " || ch === "\t" || ch === "\r" || (newlines && ch === "\n")) this.i++;
      else if (ch === "`" && this.peek(1) === "\n") this.i += 2;
      else if (ch === "#") while (this.i < this.src.length && this.peek() !== "\n") this.i++;
      else if (this.rest().startsWith("<#")) {
        const end = this.src.indexOf("#>", this.i + 2);
        this.i = end < 0 ? this.src.length : end + 2;
      } else return;
    }
  }
  private keyword(word: string): boolean {
    const re = new RegExp(`^${word}(?![\\w-])`, "i");
    if (!re.test(this.rest())) return false;
    this.i += word.length;
    return true;
  }
  private expect(ch: string): void {
    this.ws(true);
    if (this.peek() !== ch)
      throw new PsParseError(
        `Missing '${ch}'.`,
        this.i,
        ch === ")" ? "MissingEndParenthesisInExpression" : ch === "}" ? "MissingEndCurlyBrace" : "MissingToken",
      );
    this.i++;
  }

  // ---------- statements ----------

  private statements(): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      this.ws(true);
      while (this.peek() === ";") {
        this.i++;
        this.ws(true);
      }
      if (this.i >= this.src.length || this.peek() === "}" || this.peek() === ")") return out;
      if (/^(&&|\|\|)/.test(this.rest())) {
        // Windows PowerShell 5.1 has no pipeline chain operators.
        throw new PsParseError(`The token '${this.rest().slice(0, 2)}' is not a valid statement separator in this version.`, this.i, "InvalidEndOfLine");
      }
      out.push(this.statement());
    }
  }

  private statement(): Stmt {
    const start = this.i;
    if (this.keyword("if")) return this.ifStatement(start);
    if (this.keyword("exit")) return { k: "exit", code: this.optionalPipeline(), x: { start, end: this.i } };
    if (this.keyword("throw")) return { k: "throw", value: this.optionalPipeline(), x: { start, end: this.i } };
    const assign = /^\$([\w:]+)\s*=(?!=)/.exec(this.rest());
    if (assign) {
      this.i += assign[0].length;
      this.ws();
      return { k: "assign", name: assign[1], value: this.pipeline(), x: { start, end: this.i } };
    }
    const p = this.pipeline();
    return { k: "pipe", p, x: p.x };
  }

  private optionalPipeline(): Pipeline | undefined {
    this.ws();
    return this.i >= this.src.length || STATEMENT_END.test(this.peek()) ? undefined : this.pipeline();
  }

  private ifStatement(start: number): Stmt {
    const clauses: Array<{ cond: Pipeline; body: Stmt[] }> = [];
    let otherwise: Stmt[] | undefined;
    clauses.push({ cond: this.condition(), body: this.block() });
    for (;;) {
      const save = this.i;
      this.ws(true);
      if (this.keyword("elseif")) clauses.push({ cond: this.condition(), body: this.block() });
      else if (this.keyword("else")) {
        otherwise = this.block();
        break;
      } else {
        this.i = save;
        break;
      }
    }
    return { k: "if", clauses, otherwise, x: { start, end: this.i } };
  }

  private condition(): Pipeline {
    this.expect("(");
    this.ws(true);
    const p = this.pipeline();
    this.expect(")");
    return p;
  }

  private block(): Stmt[] {
    this.expect("{");
    const body = this.statements();
    this.expect("}");
    return body;
  }

  // ---------- pipelines ----------

  pipeline(): Pipeline {
    const start = this.i;
    const elements = [this.element()];
    for (;;) {
      this.ws();
      if (this.peek() !== "|" || this.peek(1) === "|") break;
      this.i++;
      this.ws(true);
      elements.push(this.element());
    }
    return { elements, x: { start, end: this.i } };
  }

  private element(): Element {
    this.ws();
    const start = this.i;
    const ch = this.peek();
    if (ch === "&" && this.peek(1) !== "&") return this.callOperator(start);
    if (/[$('"\d[@!{]/.test(ch) || /^-(not\b|\d)/i.test(this.rest())) {
      const e = this.expression();
      return { k: "expr", e, x: { start, end: this.i } };
    }
    const name = this.bareword();
    if (!name) throw new PsParseError(`Unexpected token '${ch}' in expression or statement.`, this.i, "UnexpectedToken");
    const nameX = { start, end: this.i };
    return { k: "cmd", name, args: this.args(), x: { start, end: this.i }, nameX };
  }

  /** "& { ... }" or "& 'C:\path\tool.exe' args". */
  private callOperator(start: number): Element {
    this.i++;
    this.ws();
    const nameExpr = this.peek() === "{" ? this.primary() : /['"$(]/.test(this.peek()) ? this.primary() : undefined;
    const name = nameExpr ? "" : this.bareword();
    const nameX = { start, end: this.i };
    return { k: "cmd", name, nameExpr, args: this.args(), x: { start, end: this.i }, nameX };
  }

  private bareword(): string {
    const m = /^[^\s;|(){}"'\n,]+/.exec(this.rest());
    if (!m) return "";
    this.i += m[0].length;
    return m[0];
  }

  private args(): Arg[] {
    const args: Arg[] = [];
    for (;;) {
      this.ws();
      if (this.i >= this.src.length || ARG_END.test(this.peek()) || (this.peek() === "&" && this.peek(1) === "&")) return args;
      args.push(this.arg());
    }
  }

  private arg(): Arg {
    const start = this.i;
    const param = /^-([A-Za-z_][\w-]*)(:?)/.exec(this.rest());
    if (param) {
      this.i += param[0].length;
      const value = param[2] ? this.argValue() : undefined;
      return { k: "param", name: param[1], value, x: { start, end: this.i } };
    }
    const e = this.argValue();
    return { k: "value", e, x: { start, end: this.i } };
  }

  /** An argument-mode value: quoted strings, $var (with members), (...), or an expandable bareword. */
  private argValue(): Expr {
    const start = this.i;
    const ch = this.peek();
    if (ch === "'" || ch === '"' || ch === "(" || ch === "@" || (ch === "$" && this.peek(1) === "(")) {
      const e = this.postfix(this.primary());
      return this.commaList(e, start);
    }
    const m = /^[^\s;|(){}\n,]+/.exec(this.rest()) ?? [""];
    const word = m[0];
    if (/^\$[\w:?]+(\.\w+)*$/.test(word)) return this.commaList(this.postfix(this.primary()), start);
    this.i += word.length;
    const x = { start, end: this.i };
    const e: Expr = word.includes("$") ? { k: "xstr", parts: new PsParser(word).expandable(word), x } : { k: "str", v: word, x };
    return this.commaList(e, start);
  }

  /** "a,b,c" in argument mode is an array argument. */
  private commaList(first: Expr, start: number): Expr {
    if (this.peek() !== ",") return first;
    const items = [first];
    while (this.peek() === ",") {
      this.i++;
      items.push(this.argValue());
    }
    return { k: "list", items, x: { start, end: this.i } };
  }

  // ---------- expressions ----------

  expression(): Expr {
    return this.logical();
  }

  private binaryLevel(ops: RegExp, next: () => Expr): Expr {
    let l = next();
    for (;;) {
      const save = this.i;
      this.ws();
      const m = ops.exec(this.rest());
      if (!m) {
        this.i = save;
        return l;
      }
      this.i += m[0].length;
      this.ws(true);
      const r = next();
      l = { k: "binary", op: m[1].toLowerCase(), l, r, x: { start: l.x.start, end: this.i } };
    }
  }

  private logical(): Expr {
    return this.binaryLevel(/^(-and|-or|-xor)(?![\w-])/i, () => this.comparison());
  }

  private comparison(): Expr {
    const ops = /^(-[ic]?(?:eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin))(?![\w-])/i;
    return this.binaryLevel(ops, () => this.additive());
  }

  private additive(): Expr {
    return this.binaryLevel(/^([+]|-(?![a-zA-Z]))/, () => this.unary());
  }

  private unary(): Expr {
    this.ws();
    const start = this.i;
    const m = /^(-not(?![\w-])|!)/i.exec(this.rest());
    if (m) {
      this.i += m[0].length;
      this.ws();
      const e = this.unary();
      return { k: "unary", op: m[1].toLowerCase() === "!" ? "!" : "-not", e, x: { start, end: this.i } };
    }
    if (this.peek() === "-" && /\d/.test(this.peek(1))) {
      this.i++;
      const e = this.unary();
      return { k: "unary", op: "-", e, x: { start, end: this.i } };
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      const start = e.x.start;
      if (this.peek() === "." && /[A-Za-z_]/.test(this.peek(1))) {
        this.i++;
        const member = this.ident();
        e = { k: "member", obj: e, member, args: this.callArgs(), x: { start, end: this.i } };
      } else if (this.rest().startsWith("::") && e.k === "type") {
        this.i += 2;
        const member = this.ident();
        e = { k: "static", type: e.name, member, args: this.callArgs(), x: { start, end: this.i } };
      } else if (this.peek() === "[" && e.k !== "type") {
        this.i++;
        const index = this.expression();
        this.expect("]");
        e = { k: "index", obj: e, index, x: { start, end: this.i } };
      } else return e;
    }
  }

  private ident(): string {
    const m = /^[A-Za-z_]\w*/.exec(this.rest());
    if (!m) throw new PsParseError("Missing property name after reference operator.", this.i, "MissingPropertyName");
    this.i += m[0].length;
    return m[0];
  }

  private callArgs(): Expr[] | undefined {
    if (this.peek() !== "(") return undefined;
    this.i++;
    const args: Expr[] = [];
    this.ws(true);
    while (this.peek() !== ")") {
      args.push(this.expression());
      this.ws(true);
      if (this.peek() === ",") {
        this.i++;
        this.ws(true);
      } else if (this.peek() !== ")") throw new PsParseError("Missing ')' in method call.", this.i, "MissingEndParenthesisInMethodCall");
    }
    this.i++;
    return args;
  }

  private primary(): Expr {
    this.ws();
    const start = this.i;
    const ch = this.peek();
    const x = () => ({ start, end: this.i });
    if (ch === "'") return { k: "str", v: this.singleQuoted(), x: x() };
    if (ch === '"') {
      const raw = this.doubleQuotedRaw();
      return { k: "xstr", parts: this.expandable(raw), x: x() };
    }
    if (/\d/.test(ch)) {
      const m = /^\d+(\.\d+)?/.exec(this.rest()) as RegExpExecArray;
      this.i += m[0].length;
      return { k: "num", v: Number(m[0]), x: x() };
    }
    if (ch === "$" && this.peek(1) === "(") {
      this.i += 2;
      const body = this.statements();
      this.expect(")");
      return { k: "sub", body, x: x() };
    }
    if (ch === "@" && this.peek(1) === "(") {
      this.i += 2;
      const body = this.statements();
      this.expect(")");
      return { k: "array", body, x: x() };
    }
    if (ch === "$") return this.variable(start);
    if (ch === "(") {
      this.i++;
      this.ws(true);
      const p = this.pipeline();
      this.expect(")");
      return { k: "paren", p, x: x() };
    }
    if (ch === "[") {
      const m = /^\[([\w.]+)\]/.exec(this.rest());
      if (!m) throw new PsParseError("Unexpected token '['.", this.i, "UnexpectedToken");
      this.i += m[0].length;
      return { k: "type", name: m[1], x: x() };
    }
    if (ch === "{") {
      this.i++;
      const body = this.statements();
      this.expect("}");
      return { k: "block", body, x: x() };
    }
    const word = this.bareword();
    if (!word)
      throw new PsParseError(`You must provide a value expression following the '${this.src[start - 1] ?? ""}' operator.`, start, "ExpectedValueExpression");
    return { k: "str", v: word, x: x() };
  }

  private variable(start: number): Expr {
    const m = /^\$(\{[^}]+\}|[\w]+:[\w]+|[\w?^$]+)/.exec(this.rest());
    if (!m) throw new PsParseError("Invalid variable reference.", this.i, "InvalidVariableReference");
    this.i += m[0].length;
    return { k: "var", name: m[1].replace(/^\{|\}$/g, ""), x: { start, end: this.i } };
  }

  private singleQuoted(): string {
    let out = "";
    this.i++;
    for (;;) {
      if (this.i >= this.src.length) throw new PsParseError("The string is missing the terminator: '.", this.i, "TerminatorExpectedAtEndOfString");
      const ch = this.src[this.i++];
      if (ch === "'" && this.peek() === "'") {
        out += "'";
        this.i++;
      } else if (ch === "'") return out;
      else out += ch;
    }
  }

  /** The raw text between double quotes (escapes resolved later, during expansion). */
  private doubleQuotedRaw(): string {
    const start = ++this.i;
    while (this.i < this.src.length) {
      const ch = this.src[this.i];
      if (ch === "`") this.i += 2;
      else if (ch === '"' && this.peek(1) === '"') this.i += 2;
      else if (ch === '"') return this.src.slice(start, this.i++);
      else if (ch === "$" && this.peek(1) === "(") this.i = this.matchParen(this.i + 1) + 1;
      else this.i++;
    }
    throw new PsParseError('The string is missing the terminator: ".', this.i, "TerminatorExpectedAtEndOfString");
  }

  private matchParen(open: number): number {
    let depth = 0;
    for (let k = open; k < this.src.length; k++) {
      if (this.src[k] === "(") depth++;
      if (this.src[k] === ")" && --depth === 0) return k;
    }
    return this.src.length - 1;
  }

  /** Split an expandable string into literal text and embedded $var / $(...) expressions. */
  expandable(raw: string): StrPart[] {
    const parts: StrPart[] = [];
    let lit = "";
    const ESC: Record<string, string> = { n: "\n", r: "\r", t: "\t", "0": "\0", a: "\x07", "`": "`", '"': '"', $: "$", "'": "'" };
    for (let k = 0; k < raw.length; k++) {
      const ch = raw[k];
      if (ch === "`" && k + 1 < raw.length) {
        lit += ESC[raw[k + 1]] ?? raw[k + 1];
        k++;
        continue;
      }
      if (ch === '"' && raw[k + 1] === '"') {
        lit += '"';
        k++;
        continue;
      }
      if (ch !== "$") {
        lit += ch;
        continue;
      }
      const sub = new PsParser(raw);
      sub.i = k;
      const m = /^\$(\(|\{[^}]+\}|[\w]+:[\w]+|[A-Za-z_?][\w]*)/.exec(raw.slice(k));
      if (!m) {
        lit += ch;
        continue;
      }
      if (lit) parts.push({ t: "lit", v: lit });
      lit = "";
      const e = m[1] === "(" ? sub.primary() : sub.variable(k);
      parts.push({ t: "expr", e });
      k = sub.i - 1;
    }
    if (lit || parts.length === 0) parts.push({ t: "lit", v: lit });
    return parts;
  }
}
