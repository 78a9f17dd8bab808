// Reading DNS answers from inside a Windows pod: what `nslookup <name>.` prints (Windows' own nslookup: the answer's
// name, its addresses, and the names that led to it through CNAMEs under "Aliases:"). The trailing dot keeps Windows'
// nslookup from trying the pod's search suffixes first. Pure: unit-tested as is.
import type { ExecOutput } from "../../cluster/exec.js";

export interface NslookupAnswer {
  /** The canonical name of the answer ("Name:"); undefined when the lookup failed. */
  name?: string;
  addresses: string[];
  aliases: string[];
  /** Why the lookup failed, as nslookup said it ("*** UnKnown can't find …: Non-existent domain"). */
  error?: string;
}

/** The argv of a Windows nslookup of a fully qualified name (made absolute with a trailing dot). */
export const nslookupArgv = (fqdn: string) => ["nslookup", fqdn.endsWith(".") ? fqdn : `${fqdn}.`];

/** Windows nslookup's answer section: everything after the server block (Server:/Address: and a blank line). */
export function parseNslookup(out: Pick<ExecOutput, "stdout" | "stderr">): NslookupAnswer {
  const lines = out.stdout.replace(/\r\n/g, "\n").split("\n");
  const start = lines.findIndex((l) => /^Name:/i.test(l));
  const error = out.stderr
    .replace(/\r\n/g, "\n")
    .split("\n")
    .find((l) => l.trim())
    ?.trim();
  if (start < 0) return { addresses: [], aliases: [], error: error ?? "no answer" };
  const answer: NslookupAnswer = { name: value(lines[start]).replace(/\.$/, ""), addresses: [], aliases: [] };
  let field: "addresses" | "aliases" | undefined;
  for (const l of lines.slice(start + 1)) {
    if (/^Address(es)?:/i.test(l)) field = "addresses";
    else if (/^Aliases:/i.test(l)) field = "aliases";
    else if (!/^\s+\S/.test(l)) field = undefined;
    const v = /^\S/.test(l) ? value(l) : l.trim();
    if (field && v) answer[field].push(field === "aliases" ? v.replace(/\.$/, "") : v);
  }
  return answer;
}

const value = (line: string) => line.split(/:\s*/).slice(1).join(":").trim();

/** One line saying how an answer differs from the addresses expected for `fqdn` (undefined: it matches exactly). */
export function addressProblem(fqdn: string, a: NslookupAnswer, want: string[]): string | undefined {
  if (a.error) return `${fqdn} does not resolve: ${a.error}`;
  const got = [...a.addresses].sort();
  if (got.join() === [...want].sort().join()) return undefined;
  return `${fqdn} resolves to [${got.join(", ")}], expected [${want.join(", ")}]`;
}

/** How an ExternalName lookup differs from a CNAME `alias` → `target` with at least one address (undefined: it is one). */
export function cnameProblem(alias: string, target: string, a: NslookupAnswer): string | undefined {
  if (a.error) return `${alias} does not resolve: ${a.error}`;
  const same = (x: string, y: string) => x.toLowerCase().replace(/\.$/, "") === y.toLowerCase().replace(/\.$/, "");
  if (!same(a.name ?? "", target)) return `${alias} answers as ${a.name} (aliases [${a.aliases.join(", ")}]), not as a CNAME to the external name ${target}`;
  if (!a.aliases.some((x) => same(x, alias))) return `the answer for ${alias} names ${target} but does not list ${alias} among its aliases`;
  if (!a.addresses.length) return `${alias} is a CNAME to ${target}, which resolves to no address`;
  return undefined;
}
