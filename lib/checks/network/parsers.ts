// Pure readers for Core.Network: curl / curl.exe / nc command lines and their output, DNS search lists, the
// EndpointSlice rule, and the docs' web server's page and request lines. No cluster, no clock: unit-tested as is.
import type * as k8s from "@kubernetes/client-node";
import type { ExecOutput } from "../../cluster/exec.js";
import { clip, type Attempt, type OsName, type Probe } from "./probe.js";

// ---------- curl / curl.exe / nc through exec ----------

/** curl's -w trailer: the status code on a line of its own after the body. */
export const STATUS_MARK = "HC-HTTP-STATUS:";

export interface ClientTimeouts {
  /** curl --connect-timeout / nc -w, seconds. */
  connectS: number;
  /** curl --max-time, seconds. */
  maxS: number;
}

/** Upstream's client timeouts (curl.exe --connect-timeout 10), scaled to the run's network budget (30 s → 10 s). */
export function clientTimeouts(networkUpMs: number): ClientTimeouts {
  const connectS = Math.max(1, Math.round(networkUpMs / 3000));
  return { connectS, maxS: connectS + 5 };
}

/**
 * The command that fetches `url` from inside a container: curl on Linux, curl.exe on Windows (run directly, so no
 * cmd.exe quoting is involved). --fail turns HTTP errors into exit 22; the trailer carries the status code.
 */
export function curlArgv(os: OsName, url: string, t: ClientTimeouts): string[] {
  return [
    os === "windows" ? "curl.exe" : "curl",
    "-sS",
    "--fail",
    "--connect-timeout",
    String(t.connectS),
    "--max-time",
    String(t.maxS),
    "-w",
    `\\n${STATUS_MARK}%{http_code}`,
    url,
  ];
}

/** upstream hybrid_network.go from the Linux side: `nc -vz <ip> <port> -w <s>` (a TCP connect, no payload). */
export function ncArgv(host: string, port: number, t: ClientTimeouts): string[] {
  return ["nc", "-vz", "-w", String(t.connectS), host, String(port)];
}

/** Reads what curl printed: body, status trailer, and curl's own error line. */
export function parseCurl(out: ExecOutput): Attempt {
  const stdout = out.stdout.replace(/\r\n/g, "\n");
  const i = stdout.lastIndexOf(STATUS_MARK);
  const body = i >= 0 ? stdout.slice(0, i).replace(/\n$/, "") : stdout;
  const code = i >= 0 ? Number(/^(\d+)/.exec(stdout.slice(i + STATUS_MARK.length))?.[1]) : undefined;
  const status = code && code > 0 ? code : undefined;
  if (out.error !== undefined) return { ok: false, status, body, error: `exec failed: ${out.error}` };
  if (out.exitCode === 0) return { ok: true, status, body };
  const curlLine = out.stderr
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^curl: \(\d+\)/.test(l) || /not recognized|not found|cannot find/i.test(l))
    .pop();
  return { ok: false, status, body, error: `${curlLine ?? (out.stderr.trim().split("\n").pop() || "no output")} (exit ${out.exitCode})` };
}

/** Reads what nc -vz printed. */
export function parseNc(out: ExecOutput): Attempt {
  if (out.error !== undefined) return { ok: false, error: `exec failed: ${out.error}` };
  const said =
    `${out.stderr}\n${out.stdout}`
      .replace(/\r\n/g, "\n")
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? "";
  return out.exitCode === 0 ? { ok: true, body: said } : { ok: false, error: `${said || "nc failed"} (exit ${out.exitCode})` };
}

/** The body problem, if any: the page (not just an open port) must be what the fixture serves. */
export function bodyProblem(p: Pick<Probe, "bodyIncludes" | "bodyCheck">, a: Attempt): string | undefined {
  if (!a.ok) return undefined;
  const body = a.body ?? "";
  if (p.bodyIncludes !== undefined && !body.includes(p.bodyIncludes)) {
    return `answered${a.status ? ` HTTP ${a.status}` : ""} but not with the expected page (no "${p.bodyIncludes}" in ${JSON.stringify(clip(body, 160))})`;
  }
  return p.bodyCheck?.(body);
}

// ---------- DNS names ----------

/** The Service's name with the cluster's default suffix, as Windows needs it (no partial names). */
export const serviceFqdn = (service: string, namespace: string, domain = "cluster.local") => `${service}.${namespace}.svc.${domain}`;

/** DNS search list from /etc/resolv.conf. */
export function searchesFromResolvConf(text: string): string[] {
  const line = text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .find((l) => /^\s*search\s/.test(l));
  return line ? line.trim().split(/\s+/).slice(1) : [];
}

/** DNS suffix search list from `ipconfig /all` (the first entry on the label line, the rest indented below it). */
export function searchesFromIpconfig(text: string): string[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const i = lines.findIndex((l) => /DNS Suffix Search List[ .]*:/i.test(l));
  if (i < 0) return [];
  const first = lines[i].split(/:\s*/).slice(1).join(":").trim();
  const out = first ? [first] : [];
  for (const l of lines.slice(i + 1)) {
    if (!/^\s{10,}\S+\s*$/.test(l)) break;
    out.push(l.trim());
  }
  return out;
}

/** The cluster domain, read from a pod's search list (`<ns>.svc.<domain>`); undefined if it is not there. */
export function clusterDomainFrom(searches: string[], namespace: string): string | undefined {
  const prefix = `${namespace}.svc.`.toLowerCase();
  const hit = searches.find((s) => s.toLowerCase().startsWith(prefix));
  return hit ? hit.slice(prefix.length).replace(/\.$/, "") : undefined;
}

/** Windows shortens host names (15-character NetBIOS names) and changes case: compare case-insensitively. */
export function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** A body check for agnhost's /hostname: the pod's name, compared case-insensitively. */
export const hostnameIs = (expected: string) => (body: string) =>
  sameName(body, expected) ? undefined : `answered with host name ${JSON.stringify(clip(body.trim(), 80))}, expected ${expected} (compared case-insensitively)`;

// ---------- EndpointSlices ----------

export interface ReadyPod {
  name: string;
  ip: string;
  node: string;
}

/**
 * The Service's EndpointSlices must list exactly the ready backend pods: each ready pod once, by its IP, with
 * targetRef naming it and nodeName naming its node (case-insensitively), and nothing else marked ready.
 */
export function endpointSliceProblems(slices: k8s.V1EndpointSlice[], pods: ReadyPod[], windowsNodes: string[]): string[] {
  const problems: string[] = [];
  const eps = slices.flatMap((s) => (s.endpoints ?? []).map((e) => ({ e, slice: s.metadata?.name ?? "?" })));
  const ready = eps.filter(({ e }) => e.conditions?.ready !== false);
  const byIP = new Map(pods.map((p) => [p.ip, p]));
  for (const { e, slice } of ready) {
    for (const ip of e.addresses) {
      const pod = byIP.get(ip);
      if (!pod) {
        problems.push(
          `EndpointSlice ${slice} lists ${ip} (${e.targetRef?.name ?? "no targetRef"}) as ready, but it is not one of the ready pods ${pods.map((p) => `${p.name} ${p.ip}`).join(", ")}`,
        );
        continue;
      }
      if (e.targetRef?.name !== pod.name)
        problems.push(`EndpointSlice ${slice}: ${ip} points at ${e.targetRef?.kind ?? "?"}/${e.targetRef?.name ?? "?"}, expected Pod/${pod.name}`);
      if (!e.nodeName || !sameName(e.nodeName, pod.node))
        problems.push(`EndpointSlice ${slice}: ${ip} (${pod.name}) says node ${e.nodeName ?? "(none)"}, the pod runs on ${pod.node}`);
      if (e.nodeName && !windowsNodes.some((w) => sameName(w, e.nodeName!)))
        problems.push(`EndpointSlice ${slice}: ${ip} (${pod.name}) is on node ${e.nodeName}, which is not a Windows node`);
    }
  }
  const listed = new Set(ready.flatMap(({ e }) => e.addresses));
  for (const p of pods) if (!listed.has(p.ip)) problems.push(`ready pod ${p.name} (${p.ip} on ${p.node}) is missing from the ready endpoints`);
  const counts = new Map<string, number>();
  for (const ip of ready.flatMap(({ e }) => e.addresses)) counts.set(ip, (counts.get(ip) ?? 0) + 1);
  for (const [ip, n] of counts) if (n > 1) problems.push(`${ip} is listed ${n} times`);
  return problems;
}

// ---------- the docs' web server: page, caller counts, request lines ----------

export const WEB_PAGE_TITLE = "Windows Container Web Server";

/**
 * The caller-count rows of the docs' page: `<p>IP <a> callerCount <n>` per distinct caller. The docs' script
 * prints the server's own address ($ip[1]) in every row, not the caller's, so callers are told apart by row.
 */
export function callerCounts(body: string): { ip: string; count: number }[] {
  return [...body.matchAll(/<p>IP (\S+) callerCount (\d+)/g)].map((m) => ({ ip: m[1], count: Number(m[2]) }));
}

/** The request lines the docs' server writes to stdout (`> http://host/path`), as URLs. */
export function requestLines(log: string): string[] {
  return log
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => /^>\s+(\S+)/.exec(l.trim())?.[1])
    .filter((u): u is string => !!u);
}

/** Whether a request line names this path (HttpListener lower-cases the host, the path keeps its case). */
export function hasRequestFor(lines: string[], path: string): boolean {
  return lines.some((u) => {
    const m = /^https?:\/\/[^/]+(\/.*)?$/i.exec(u);
    return (m?.[1] ?? "/") === path;
  });
}
