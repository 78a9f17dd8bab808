// Go-compatible renderings of JSON values, quoted strings and JSON error texts.
//
// The GMSA admission webhook upstream (kubernetes-sigs/windows-gmsa) is written in Go, and what it puts
// into pods and admission responses is shaped by Go's standard library: `encoding/json` decides how a
// credential spec is compacted before it is inlined, and which text a malformed one is reported with;
// `%q` decides how names are quoted in messages. These helpers reproduce that behaviour so that our
// TypeScript stand-in produces byte-identical results. Written from the documented behaviour of Go's
// `encoding/json`, `strconv` and `fmt` packages.

/** A JSON value as produced by JSON.parse. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Go strings are UTF-8: a lone UTF-16 surrogate cannot survive the trip and becomes U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, "\uFFFD");
}

const utf8 = new TextEncoder();

/** Orders map keys the way Go's encoding/json does: by their UTF-8 bytes. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(utf8.encode(a)), Buffer.from(utf8.encode(b)));
}

/** Go's json.Marshal of a string: HTML-safe escaping (<, >, & and U+2028/U+2029 as \u escapes). */
function marshalString(s: string): string {
  return JSON.stringify(wellFormed(s)).replace(/[<>&\u2028\u2029]/g, (c) => {
    return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
  });
}

function marshalNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  if (Object.is(n, -0)) return "-0";
  // JavaScript and Go agree on the shortest round-trip digits and on when to switch to exponent form
  // (below 1e-6 and from 1e21); Go writes the exponent without padding once it has cleaned it up.
  return JSON.stringify(n);
}

/**
 * Go's `json.Marshal` of a value decoded into `interface{}`: compact, map keys sorted, HTML-safe strings.
 * This is how upstream turns a GMSACredentialSpec's `credspec` into the string it inlines into pods.
 */
export function goMarshal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return marshalNumber(value);
    case "string":
      return marshalString(value);
    case "object": {
      if (Array.isArray(value)) return "[" + value.map((v) => goMarshal(v)).join(",") + "]";
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort(compareKeys);
      return "{" + keys.map((k) => marshalString(k) + ":" + goMarshal(obj[k])).join(",") + "}";
    }
    default:
      throw new Error(`json: unsupported type: ${typeof value}`);
  }
}

/**
 * Serialises a value the way Go marshals a struct: keys in the order given (callers build objects with
 * the struct's field order), strings HTML-escaped, undefined members left out.
 */
export function goMarshalOrdered(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") {
    if (Array.isArray(value)) return "[" + value.map((v) => goMarshalOrdered(v)).join(",") + "]";
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    return "{" + keys.map((k) => marshalString(k) + ":" + goMarshalOrdered(obj[k])).join(",") + "}";
  }
  return goMarshal(value);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function goIsPrint(ch: string): boolean {
  return ch === " " || PRINTABLE.test(ch);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** Go's `strconv.Quote` (and so `%q` of a string): double-quoted, Go escapes, printable runes kept. */
export function goQuote(input: string): string {
  let out = '"';
  for (const ch of wellFormed(input)) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") {
      out += "\\" + ch;
    } else if (goIsPrint(ch)) {
      out += ch;
    } else {
      switch (ch) {
        case "\x07":
          out += "\\a";
          break;
        case "\b":
          out += "\\b";
          break;
        case "\f":
          out += "\\f";
          break;
        case "\n":
          out += "\\n";
          break;
        case "\r":
          out += "\\r";
          break;
        case "\t":
          out += "\\t";
          break;
        case "\v":
          out += "\\v";
          break;
        default:
          if (cp < 0x20 || cp === 0x7f) out += "\\x" + hex(cp, 2);
          else if (cp < 0x10000) out += "\\u" + hex(cp, 4);
          else out += "\\U" + hex(cp, 8);
      }
    }
  }
  return out + '"';
}

/**
 * What Go's `fmt.Errorf(msg)` makes of a message that was built beforehand and then used as the format
 * string with no arguments (upstream does this for several of its messages): `%%` becomes `%`, any other
 * verb turns into `%!v(MISSING)`, and a trailing `%` into `%!(NOVERB)`.
 */
export function goFormatWithoutArgs(format: string): string {
  let out = "";
  let i = 0;
  while (i < format.length) {
    const ch = format[i];
    if (ch !== "%") {
      out += ch;
      i++;
      continue;
    }
    i++;
    // flags, width and precision (no argument indexes or '*' expected in our messages)
    while (i < format.length && "#0+- ".includes(format[i])) i++;
    while (i < format.length && format[i] >= "0" && format[i] <= "9") i++;
    if (format[i] === ".") {
      i++;
      while (i < format.length && format[i] >= "0" && format[i] <= "9") i++;
    }
    if (i >= format.length) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    out += verb === "%" ? "%" : `%!${verb}(MISSING)`;
  }
  return out;
}

/** Go's quoting of a single offending byte in JSON syntax errors (`quoteChar` in encoding/json). */
function quoteByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  // Go converts the byte to the rune with the same value, then quotes it.
  const q = goQuote(String.fromCodePoint(c));
  return "'" + q.slice(1, -1) + "'";
}

const MAX_NESTING_DEPTH = 10000;

/**
 * Checks JSON text with the same state machine as Go's encoding/json scanner and returns Go's
 * SyntaxError text for the first problem, or undefined when the text is valid JSON.
 */
export function goJsonSyntaxError(text: string): string | undefined {
  const bytes = utf8.encode(text);
  type Step = (c: number) => void;
  const PARSE_OBJECT_KEY = 0;
  const PARSE_OBJECT_VALUE = 1;
  const PARSE_ARRAY_VALUE = 2;
  const stack: number[] = [];
  let err: string | undefined;
  let endTop = false;
  let step: Step;

  const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
  const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
  const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
  const fail = (c: number, context: string) => {
    err = "invalid character " + quoteByte(c) + " " + context;
    step = () => {};
  };
  const push = (c: number, state: number) => {
    stack.push(state);
    if (stack.length > MAX_NESTING_DEPTH) fail(c, "exceeded max depth");
  };
  const pop = () => {
    stack.pop();
    if (stack.length === 0) {
      step = endTopState;
      endTop = true;
    } else {
      step = endValue;
    }
  };

  const endTopState: Step = (c) => {
    if (!isSpace(c)) fail(c, "after top-level value");
  };
  const endValue: Step = (c) => {
    const n = stack.length;
    if (n === 0) {
      step = endTopState;
      endTop = true;
      endTopState(c);
      return;
    }
    if (isSpace(c)) {
      step = endValue;
      return;
    }
    switch (stack[n - 1]) {
      case PARSE_OBJECT_KEY:
        if (c === 0x3a) {
          stack[n - 1] = PARSE_OBJECT_VALUE;
          step = beginValue;
          return;
        }
        return fail(c, "after object key");
      case PARSE_OBJECT_VALUE:
        if (c === 0x2c) {
          stack[n - 1] = PARSE_OBJECT_KEY;
          step = beginString;
          return;
        }
        if (c === 0x7d) return pop();
        return fail(c, "after object key:value pair");
      default:
        if (c === 0x2c) {
          step = beginValue;
          return;
        }
        if (c === 0x5d) return pop();
        return fail(c, "after array element");
    }
  };
  const literal = (rest: string, name: string): Step => {
    const states: Step[] = [];
    for (let k = rest.length - 1; k >= 0; k--) {
      const expected = rest.charCodeAt(k);
      const next: Step = k === rest.length - 1 ? () => {} : states[0];
      const state: Step = (c) => {
        if (c === expected) {
          step = k === rest.length - 1 ? endValue : next;
          return;
        }
        fail(c, `in literal ${name} (expecting '${rest[k]}')`);
      };
      states.unshift(state);
    }
    return states[0];
  };
  const inString: Step = (c) => {
    if (c === 0x22) step = endValue;
    else if (c === 0x5c) step = inStringEsc;
    else if (c < 0x20) fail(c, "in string literal");
  };
  const escU =
    (remaining: number): Step =>
    (c) => {
      if (!isHex(c)) return fail(c, "in \\u hexadecimal character escape");
      step = remaining === 1 ? inString : escU(remaining - 1);
    };
  const inStringEsc: Step = (c) => {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) step = inString;
    else if (c === 0x75) step = escU(4);
    else fail(c, "in string escape code");
  };
  const neg: Step = (c) => {
    if (c === 0x30) step = zero;
    else if (c >= 0x31 && c <= 0x39) step = nonZero;
    else fail(c, "in numeric literal");
  };
  const nonZero: Step = (c) => {
    if (isDigit(c)) step = nonZero;
    else zero(c);
  };
  const zero: Step = (c) => {
    if (c === 0x2e) step = dot;
    else if (c === 0x65 || c === 0x45) step = exp;
    else endValue(c);
  };
  const dot: Step = (c) => {
    if (isDigit(c)) step = dot0;
    else fail(c, "after decimal point in numeric literal");
  };
  const dot0: Step = (c) => {
    if (isDigit(c)) return;
    if (c === 0x65 || c === 0x45) step = exp;
    else endValue(c);
  };
  const exp: Step = (c) => {
    if (c === 0x2b || c === 0x2d) step = expSign;
    else expSign(c);
  };
  const expSign: Step = (c) => {
    if (isDigit(c)) step = exp0;
    else fail(c, "in exponent of numeric literal");
  };
  const exp0: Step = (c) => {
    if (!isDigit(c)) endValue(c);
  };
  const beginValue: Step = (c) => {
    if (isSpace(c)) return;
    switch (c) {
      case 0x7b:
        step = beginStringOrEmpty;
        return push(c, PARSE_OBJECT_KEY);
      case 0x5b:
        step = beginValueOrEmpty;
        return push(c, PARSE_ARRAY_VALUE);
      case 0x22:
        step = inString;
        return;
      case 0x2d:
        step = neg;
        return;
      case 0x30:
        step = zero;
        return;
      case 0x74:
        step = literal("rue", "true");
        return;
      case 0x66:
        step = literal("alse", "false");
        return;
      case 0x6e:
        step = literal("ull", "null");
        return;
    }
    if (c >= 0x31 && c <= 0x39) {
      step = nonZero;
      return;
    }
    fail(c, "looking for beginning of value");
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x5d) return endValue(c);
    beginValue(c);
  };
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x7d) {
      stack[stack.length - 1] = PARSE_OBJECT_VALUE;
      return endValue(c);
    }
    beginString(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x22) step = inString;
    else fail(c, "looking for beginning of object key string");
  };

  step = beginValue;
  for (const c of bytes) {
    step(c);
    if (err !== undefined) return err;
  }
  // end of input: a trailing space completes numbers such as `12`
  if (endTop) return undefined;
  step(0x20);
  if (err !== undefined) return err;
  if (endTop) return undefined;
  return "unexpected end of JSON input";
}

function jsonKindName(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  return "object";
}

export type GoUnmarshalResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Go's `json.Unmarshal(text, &m)` with `m map[string]interface{}`: syntax errors first (Go checks the
 * whole text before decoding), then a type error unless the top level is an object or `null` (which
 * leaves the map nil — returned here as `null`).
 */
export function goUnmarshalObject(text: string): GoUnmarshalResult<Record<string, JsonValue> | null> {
  const syntaxError = goJsonSyntaxError(text);
  if (syntaxError !== undefined) return { ok: false, error: syntaxError };
  const value = JSON.parse(text) as JsonValue;
  if (value === null) return { ok: true, value: null };
  if (typeof value !== "object" || Array.isArray(value)) {
    return {
      ok: false,
      error: `json: cannot unmarshal ${jsonKindName(value)} into Go value of type map[string]interface {}`,
    };
  }
  return { ok: true, value };
}

/**
 * `reflect.DeepEqual` of two values decoded by Go into `interface{}`: numbers as float64, a nil map
 * (`null`) differs from an empty one, strings compared after Go's UTF-8 repair.
 */
export function goDeepEqual(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a === "string") return wellFormed(a) === wellFormed(b as string);
  if (typeof a !== "object") return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => goDeepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // Go maps hold each (repaired) key once; JSON.parse already kept the last of duplicate keys, as Go does.
  const ak = new Map(Object.keys(ao).map((k) => [wellFormed(k), ao[k]]));
  const bk = new Map(Object.keys(bo).map((k) => [wellFormed(k), bo[k]]));
  if (ak.size !== bk.size) return false;
  for (const [k, v] of ak) {
    if (!bk.has(k) || !goDeepEqual(v, bk.get(k))) return false;
  }
  return true;
}
