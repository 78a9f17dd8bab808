// PowerShell values, their string conversion, Out-Default formatting (list and table views) and the
// error record text PowerShell prints. Formatting produces lines; the caller adds CRLF.

export type PsValue = null | undefined | boolean | number | string | PsObject | PsValue[] | ScriptBlockValue;

export interface ScriptBlockValue {
  kind: "scriptblock";
  run: () => Promise<PsValue[]>;
}

/** An object with ordered, case-insensitively named properties and a display view. */
export class PsObject {
  constructor(
    readonly typeName: string,
    readonly props: Array<[string, PsValue]>,
    readonly view: "list" | "table" = "list",
    /** Table column widths (fixed by the type's format file), when view is "table". */
    readonly columns?: Array<{ name: string; width: number }>,
  ) {}
  get(name: string): PsValue {
    return this.props.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  }
  has(name: string): boolean {
    return this.props.some(([k]) => k.toLowerCase() === name.toLowerCase());
  }
}

export const isScriptBlock = (v: PsValue): v is ScriptBlockValue =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof PsObject) && v.kind === "scriptblock";

/** How PowerShell turns a value into text (string interpolation, native arguments). */
export function toStr(v: PsValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(toStr).join(" ");
  if (v instanceof PsObject)
    return v.typeName === "System.Collections.Hashtable" ? "System.Collections.Hashtable" : `@{${v.props.map(([k, x]) => `${k}=${toStr(x)}`).join("; ")}}`;
  return "";
}

/** PowerShell truthiness: empty strings, 0, $null and empty arrays are false. */
export function truthy(v: PsValue): boolean {
  if (Array.isArray(v)) return v.length > 1 || (v.length === 1 && truthy(v[0]));
  if (v instanceof PsObject || isScriptBlock(v)) return true;
  return !!v;
}

/** A pipeline's result as a single value: nothing -> $null, one item -> that item, more -> array. */
export function collapse(values: PsValue[]): PsValue {
  if (values.length === 0) return null;
  return values.length === 1 ? values[0] : values;
}

export function flatten(values: PsValue[]): PsValue[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : v === undefined || v === null ? [] : [v]));
}

// ---------- Out-Default ----------

/** Display text of a property value inside a list or table (collections show as {a, b, c...}). */
function cell(v: PsValue): string {
  if (Array.isArray(v)) {
    const shown = v.slice(0, 4).map(cell);
    return `{${shown.join(", ")}${v.length > 4 ? "..." : ""}}`;
  }
  if (v instanceof PsObject && v.typeName === "Dictionary") {
    // Dictionaries show their first four entries as [key, value] pairs.
    const shown = v.props.slice(0, 4).map(([k, x]) => `[${k}, ${toStr(x)}]`);
    return `{${shown.join(", ")}${v.props.length > 4 ? "..." : ""}}`;
  }
  return toStr(v);
}

function formatList(o: PsObject): string[] {
  const width = Math.max(...o.props.map(([k]) => k.length));
  const lines: string[] = [];
  for (const [k, v] of o.props) {
    const [first, ...more] = cell(v).split(/\r?\n/);
    lines.push(`${k.padEnd(width)} : ${first}`);
    for (const m of more) lines.push(" ".repeat(width + 3) + m);
  }
  return lines;
}

function formatTable(rows: PsObject[]): string[] {
  const cols = rows[0].columns ?? rows[0].props.map(([k]) => ({ name: k, width: Math.max(k.length, ...rows.map((r) => cell(r.get(k)).length)) + 1 }));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (i === vals.length - 1 ? v : v.padEnd(cols[i].width)))
      .join("")
      .trimEnd();
  return [line(cols.map((c) => c.name)), line(cols.map((c) => "-".repeat(c.name.length))), ...rows.map((r) => line(cols.map((c) => cell(r.get(c.name)))))];
}

/** Format a statement's output the way Out-Default does for the console. */
export function outDefault(values: PsValue[]): string[] {
  const lines: string[] = [];
  const items = flatten(values);
  for (let k = 0; k < items.length; k++) {
    const v = items[k];
    if (!(v instanceof PsObject)) {
      if (!isScriptBlock(v)) lines.push(...toStr(v).split(/\r?\n/));
      continue;
    }
    if (v.view === "table") {
      const group: PsObject[] = [];
      while (k < items.length && items[k] instanceof PsObject && (items[k] as PsObject).typeName === v.typeName) group.push(items[k++] as PsObject);
      k--;
      lines.push("", ...formatTable(group), "", "");
      continue;
    }
    lines.push("", ...formatList(v), "");
    if (!(items[k + 1] instanceof PsObject)) lines.push("");
  }
  return lines;
}

// ---------- errors ----------

export interface ErrorRecord {
  message: string;
  /** The command whose failure this is: printed as "Invoke-WebRequest : message". */
  command?: string;
  category: string;
  fqid: string;
  /** Source extent in the script, for the "At line:1 char:N" block. */
  extent?: { start: number; end: number };
}

export class PsError extends Error {
  constructor(
    readonly record: ErrorRecord,
    readonly terminating = false,
  ) {
    super(record.message);
  }
}

/** Windows PowerShell 5.1's NormalView error text. */
export function formatErrorRecord(r: ErrorRecord, script: string, concise: boolean): string[] {
  if (concise) return [`${r.command ? `${r.command}: ` : ""}${r.message}`];
  const lines = [`${r.command ? `${r.command} : ` : ""}${r.message}`];
  if (r.extent) lines.push(...positionMessage(script, r.extent));
  lines.push(`    + CategoryInfo          : ${r.category}`, `    + FullyQualifiedErrorId : ${r.fqid}`, " ");
  return lines;
}

function positionMessage(script: string, x: { start: number; end: number }): string[] {
  const lineStart = script.lastIndexOf("\n", x.start - 1) + 1;
  const lineEndRaw = script.indexOf("\n", x.start);
  const lineEnd = lineEndRaw < 0 ? script.length : lineEndRaw;
  const lineNo = script.slice(0, x.start).split("\n").length;
  const col = x.start - lineStart + 1;
  const text = script.slice(lineStart, lineEnd).replace(/\r$/, "");
  const width = Math.max(1, Math.min(x.end, lineEnd) - x.start);
  return [`At line:${lineNo} char:${col}`, `+ ${text}`, `+ ${" ".repeat(col - 1)}${"~".repeat(width)}`];
}
