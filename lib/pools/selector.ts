// A Kubernetes label selector as kubectl takes it (`agentpool=win25`, `pool in (a,b)`, `!spot`, `env!=test`):
// parsed once (`run --windows-nodes`), matched against node labels (which nodes are the pool), and turned into
// the scheduling terms a pod needs to land only there (nodeSelector for equalities, required node affinity for
// the rest). Grammar and key/value rules as in k8s.io/apimachinery/pkg/labels (selector.go, validation).

export type Operator = "=" | "!=" | "in" | "notin" | "exists" | "!";

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

export interface LabelSelector {
  /** As given (trimmed): shown in messages and reports. */
  text: string;
  requirements: Requirement[];
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkKey(key: string): void {
  const slash = key.indexOf("/");
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  if (prefix !== undefined && (!DNS_SUBDOMAIN.test(prefix) || prefix.length > 253)) throw new Error(`label key "${key}": the prefix must be a DNS subdomain`);
  if (!NAME.test(name) || name.length > 63)
    throw new Error(`label key "${key}": the name must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
}

function checkValue(key: string, v: string): void {
  if (v !== "" && (!NAME.test(v) || v.length > 63))
    throw new Error(`label value "${v}" (of ${key}): at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
}

/** Splits on commas outside parentheses. */
function clauses(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (depth < 0) throw new Error(`unbalanced ")"`);
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (depth !== 0) throw new Error(`unbalanced "("`);
  out.push(cur);
  return out.map((c) => c.trim());
}

/** Parses a label selector; throws with the reason (the caller names the flag). An empty selector is refused: it would select every node. */
export function parseSelector(input: string): LabelSelector {
  const text = input.trim();
  if (!text) throw new Error("an empty selector would select every node: give one, e.g. agentpool=win25");
  const requirements = clauses(text).map((c): Requirement => {
    if (!c) throw new Error(`empty requirement in "${text}"`);
    let m = /^!\s*(\S+)$/.exec(c);
    if (m) return checked({ key: m[1], op: "!", values: [] });
    m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(c);
    if (m) {
      const values = m[3].split(",").map((v) => v.trim());
      if (values.length === 1 && values[0] === "") throw new Error(`"${c}": a set needs at least one value`);
      return checked({ key: m[1], op: m[2] as "in" | "notin", values });
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(c);
    if (m) return checked({ key: m[1], op: m[2] === "!=" ? "!=" : "=", values: [m[3]] });
    if (/^[^=!\s()]+$/.test(c)) return checked({ key: c, op: "exists", values: [] });
    throw new Error(`cannot read "${c}": expected key=value, key!=value, key in (a,b), key notin (a,b), key or !key`);
  });
  return { text, requirements };
}

function checked(r: Requirement): Requirement {
  checkKey(r.key);
  for (const v of r.values) checkValue(r.key, v);
  return r;
}

/** Whether a node with these labels is selected. */
export function matches(sel: LabelSelector, labels: Record<string, string>): boolean {
  return sel.requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case "=":
        return has && v === r.values[0];
      case "in":
        return has && r.values.includes(v);
      case "!=":
        return !has || v !== r.values[0];
      case "notin":
        return !has || !r.values.includes(v);
      case "exists":
        return has;
      case "!":
        return !has;
    }
  });
}

export interface NodeSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

/** The selector as pod scheduling: equalities as nodeSelector entries (what an admin writes), the rest as node-affinity expressions. */
export function schedulingTerms(sel: LabelSelector): { nodeSelector: Record<string, string>; expressions: NodeSelectorRequirement[] } {
  const nodeSelector: Record<string, string> = {};
  const expressions: NodeSelectorRequirement[] = [];
  for (const r of sel.requirements) {
    if (r.op === "=") nodeSelector[r.key] = r.values[0];
    else if (r.op === "in") expressions.push({ key: r.key, operator: "In", values: r.values });
    else if (r.op === "!=" || r.op === "notin") expressions.push({ key: r.key, operator: "NotIn", values: r.values });
    else expressions.push({ key: r.key, operator: r.op === "exists" ? "Exists" : "DoesNotExist" });
  }
  return { nodeSelector, expressions };
}
