// Reading a Windows pod's own DNS settings (dnsPolicy: None + dnsConfig) back from inside it: `ipconfig /all`
// lists the adapter's DNS servers and suffix search list; curl.exe says "Could not resolve host" (exit 6) when a
// name does not resolve (upstream test/e2e/windows/dns.go uses the same two tools).
import type { ExecOutput } from "../../cluster/exec.js";
import { searchesFromIpconfig } from "./parsers.js";

/** The "DNS Servers" of `ipconfig /all`: the first on the label's line, the rest on indented lines below it. */
export function dnsServersFromIpconfig(text: string): string[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const i = lines.findIndex((l) => /^\s*DNS Servers[ .]*:/i.test(l));
  if (i < 0) return [];
  const first = lines[i].split(/:\s*/).slice(1).join(":").trim();
  const out = first ? [first] : [];
  for (const l of lines.slice(i + 1)) {
    if (!/^\s{10,}[0-9a-f.:%]+\s*$/i.test(l)) break;
    out.push(l.trim());
  }
  return out;
}

/** What `ipconfig /all` shows that the pod's dnsConfig asked for and is missing, as one line each (empty: all there). */
export function dnsConfigProblems(ipconfig: string, want: { nameservers: string[]; searches: string[] }): string[] {
  const servers = dnsServersFromIpconfig(ipconfig);
  const searches = searchesFromIpconfig(ipconfig).map((s) => s.toLowerCase());
  const problems: string[] = [];
  if (servers.join() !== want.nameservers.join())
    problems.push(`DNS Servers are [${servers.join(", ")}], expected exactly dnsConfig.nameservers [${want.nameservers.join(", ")}] in that order`);
  const missing = want.searches.filter((s) => !searches.includes(s.toLowerCase()));
  if (missing.length) problems.push(`DNS Suffix Search List [${searches.join(", ")}] lacks dnsConfig.searches ${missing.join(", ")}`);
  return problems;
}

/** curl's "could not resolve host" (exit 6): the name did not resolve; any other outcome means it did. */
export const unresolved = (out: ExecOutput) => out.exitCode === 6 || /Could not resolve host/i.test(out.stderr);
