// Network reachability checks for Core.Network: HTTP (and TCP) from a Linux or Windows pod through `kubectl exec`
// of curl / curl.exe / nc, HTTP from the runner itself (node.js http) for NodePorts, and the upstream rule that
// networking gets ~30 s to come up and must then stay up for a while. Pure helpers (command lines, output parsing,
// messages, the up-then-steady loop) are exported for unit tests; the rest wraps them around a TestEnv.
//
// Every failure names the path (what is being checked), the source (pod@node, or the runner) and the destination
// (ip:port or name:port, and what answers there), so a Windows admin knows which hop to look at.
import type * as k8s from "@kubernetes/client-node";
import * as http from "node:http";
import * as net from "node:net";
import { hostname } from "node:os";
import * as allure from "allure-js-commons";
import type { ExecOutput } from "../cluster/exec.js";
import type { TestEnv } from "../run/test-env.js";
import { waitFor } from "../cluster/wait.js";

export type OsName = "linux" | "windows";

/** Where a request starts: a container (possibly on the host network), or the machine running the harness. */
export type Source =
  | { kind: "pod"; pod: string; container: string; node: string; os: OsName; ip?: string; hostNetwork?: boolean }
  | { kind: "runner"; host: string };

/** Where it goes: an address (or DNS name) and port, and what is expected to answer there. */
export interface Destination {
  /** IP literal or DNS name, as it goes into the URL. */
  host: string;
  port: number;
  path?: string;
  /** What answers, for humans: "pod win-webserver-7d9-abc", "service win-webserver (ClusterIP)". */
  name: string;
  /** The full URL when it is not plain http://host:port/path (e.g. an https --external-url). */
  url?: string;
}

export interface Probe {
  /** The path under test, as a Windows admin would name it: "Service ClusterIP from a Linux pod". */
  path: string;
  from: Source;
  to: Destination;
  /** The response must contain this text (the page, not just an open port). */
  bodyIncludes?: string;
  /** Or satisfy this (e.g. a case-insensitive host name compare); returns a problem or undefined. */
  bodyCheck?: (body: string) => string | undefined;
}

/** One try: did it answer, and how. */
export interface Attempt {
  ok: boolean;
  status?: number;
  body?: string;
  /** Why it failed, as the client said it (curl's message, the socket error). */
  error?: string;
}

export const runnerSource = (): Source => ({ kind: "runner", host: hostname() });

export function describeSource(s: Source): string {
  if (s.kind === "runner") return `the runner (${s.host}, outside the cluster)`;
  return `${s.pod}@${s.node}${s.hostNetwork ? " (host network)" : ""}`;
}

export function describeDestination(d: Destination): string {
  return `${hostPort(d.host, d.port)}${d.path && d.path !== "/" ? d.path : ""} (${d.name})`;
}

const hostPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

export function urlOf(d: Destination): string {
  if (d.url) return d.url;
  return `http://${hostPort(d.host, d.port)}${d.path ?? "/"}`;
}

/** "<path>: <source> → <destination>: <what went wrong>" — the one shape every network failure takes. */
export function failureMessage(p: Pick<Probe, "path" | "from" | "to">, what: string): string {
  return `${p.path}: ${describeSource(p.from)} → ${describeDestination(p.to)}: ${what}`;
}

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
  return [os === "windows" ? "curl.exe" : "curl", "-sS", "--fail", "--connect-timeout", String(t.connectS), "--max-time", String(t.maxS), "-w", `\\n${STATUS_MARK}%{http_code}`, url];
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
  const said = `${out.stderr}\n${out.stdout}`.replace(/\r\n/g, "\n").split("\n").map((l) => l.trim()).filter(Boolean).pop() ?? "";
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

export const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

// ---------- up within a budget, then steady ----------

export interface SteadyOptions {
  /** Budget for the first success (upstream: 30 s). */
  upMs: number;
  /** How long it must then keep succeeding (upstream: 10 s). */
  stableMs: number;
  /** Pause between tries: the bounded polling interval of the probe. */
  intervalMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SteadyResult {
  upAfterMs: number;
  attempts: number;
  steadyAttempts: number;
  last: Attempt;
}

/**
 * A path that does not answer (or not with the expected page) is a product defect: the class name says
 * "Expectation" so Allure reports the test as failed, not broken.
 */
export class ReachabilityExpectationFailed extends Error {
  constructor(message: string, readonly attempts: Attempt[]) {
    super(message);
    this.name = "ReachabilityExpectationFailed";
  }
}
export const ReachabilityError = ReachabilityExpectationFailed;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Tries until the first success (within upMs), then keeps trying until it has held for stableMs; any failure in
 * that window fails the check. `judge` turns an answer into a problem (wrong page) or undefined.
 */
export async function upThenSteady(
  p: Pick<Probe, "path" | "from" | "to">,
  attempt: () => Promise<Attempt>,
  judge: (a: Attempt) => string | undefined,
  o: SteadyOptions,
): Promise<SteadyResult> {
  const clock = { now: o.now ?? Date.now, sleep: o.sleep ?? realSleep };
  const start = clock.now();
  const seen: Attempt[] = [];
  const problemOf = (a: Attempt) => (a.ok ? judge(a) : a.error ?? "failed");
  const tryOnce = async (): Promise<{ a: Attempt; problem?: string }> => {
    const a = await attempt();
    seen.push(a);
    return { a, problem: problemOf(a) };
  };
  let last!: Attempt;
  await waitFor(
    undefined,
    {
      what: `${p.path} to come up`,
      intervalMs: o.intervalMs,
      ...clock,
      check: async () => {
        const t = await tryOnce();
        last = t.a;
        return t.problem ? { pending: t.problem } : { done: undefined };
      },
    },
    {
      timeoutMs: o.upMs,
      onTimeout: (problem) => {
        throw new ReachabilityExpectationFailed(failureMessage(p, `no success within ${secs(o.upMs)} (${seen.length} attempt(s)); last: ${problem}`), seen);
      },
    },
  );
  const upAt = clock.now();
  let steady = 0;
  await waitFor(
    undefined,
    {
      what: `${p.path} to stay up`,
      intervalMs: o.intervalMs,
      immediate: false,
      ...clock,
      check: async () => {
        const t = await tryOnce();
        last = t.a;
        steady++;
        if (t.problem)
          throw new ReachabilityExpectationFailed(
            failureMessage(p, `came up after ${secs(upAt - start)} but failed ${secs(clock.now() - upAt)} later (attempt ${seen.length}; it must stay up for ${secs(o.stableMs)}): ${t.problem}`),
            seen,
          );
        return { pending: "up" };
      },
    },
    { timeoutMs: o.stableMs, onTimeout: () => undefined },
  );
  return { upAfterMs: upAt - start, attempts: seen.length, steadyAttempts: steady, last };
}

/**
 * Whether a failed attempt shows the destination not answering: the connection refused or timed out (curl 7/28,
 * nc, the runner's socket). An exec that failed, a name that did not resolve or an HTTP error is not "down": the
 * client never got to ask, or something answered.
 */
export function connectionDown(a: Attempt): boolean {
  if (a.ok || !a.error || /^exec failed/.test(a.error)) return false;
  return /curl: \((7|28)\)|connection refused|refused|timed? ?out|no answer within/i.test(a.error);
}

/** The opposite, for "the old address stops answering": the first refused or timed-out connection within the budget. */
export async function downWithin(p: Pick<Probe, "path" | "from" | "to">, attempt: () => Promise<Attempt>, o: Pick<SteadyOptions, "upMs" | "intervalMs" | "now" | "sleep">): Promise<Attempt> {
  let n = 0;
  let last!: Attempt;
  return waitFor<Attempt>(
    undefined,
    {
      what: `${p.path} to stop answering`,
      intervalMs: o.intervalMs,
      now: o.now,
      sleep: o.sleep,
      check: async () => {
        last = await attempt();
        n++;
        return connectionDown(last) ? { done: last } : { pending: last.ok ? "still answering" : `not a refused or timed-out connection: ${last.error}` };
      },
    },
    {
      timeoutMs: o.upMs,
      onTimeout: () => {
        throw new ReachabilityExpectationFailed(failureMessage(p, `no refused or timed-out connection within ${secs(o.upMs)} (${n} attempt(s); last: ${last.ok ? "answered" : last.error}); it should have stopped answering`), [last]);
      },
    },
  );
}

// ---------- the runner side: node.js http against node addresses ----------

/** A GET from this process (the runner), as a machine outside the cluster would send it. */
export function httpFromRunner(host: string, port: number, path: string, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: Attempt) => {
      if (!done) {
        done = true;
        resolve(a);
      }
    };
    const req = http.get({ host, port, path, timeout: timeoutMs, agent: false, headers: { "user-agent": "hybrid-conformance" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        finish(status >= 200 && status < 400 ? { ok: true, status, body } : { ok: false, status, body, error: `HTTP ${status}` });
      });
      res.on("error", (e) => finish({ ok: false, status: res.statusCode, error: socketError(e) }));
    });
    req.on("timeout", () => {
      req.destroy();
      finish({ ok: false, error: `no answer within ${timeoutMs / 1000} s (timeout)` });
    });
    req.on("error", (e) => finish({ ok: false, error: socketError(e) }));
  });
}

function socketError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
    ETIMEDOUT: "timed out",
  };
  return code ? `${words[code] ?? e.message} (${code})` : e.message;
}

/** Whether the runner can open a TCP connection to host:port at all (used on the kubelet port to tell "no route" from "closed"). */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const end = (r: { ok: boolean; error?: string }) => {
      s.destroy();
      resolve(r);
    };
    s.setTimeout(timeoutMs, () => end({ ok: false, error: `no answer within ${timeoutMs / 1000} s` }));
    s.once("connect", () => end({ ok: true }));
    s.once("error", (e) => end({ ok: false, error: socketError(e) }));
  });
}

export interface NodeAddress {
  name: string;
  os: string;
  ip: string;
  kubeletPort?: number;
}

/** Nodes with an InternalIP (ExternalIP as a fallback) and their kubelet port, as the API reports them. */
export function nodeAddresses(nodes: k8s.V1Node[]): NodeAddress[] {
  return nodes.flatMap((n) => {
    const a = n.status?.addresses ?? [];
    const ip = a.find((x) => x.type === "InternalIP")?.address ?? a.find((x) => x.type === "ExternalIP")?.address;
    if (!ip) return [];
    return [{ name: n.metadata!.name!, os: n.metadata?.labels?.["kubernetes.io/os"] ?? "?", ip, kubeletPort: n.status?.daemonEndpoints?.kubeletEndpoint?.Port }];
  });
}

export type NodePortVantage = { from: "runner"; why: string } | { from: "host-network pod"; why: string };

/**
 * Where the NodePort check runs from: the runner when it can reach every node's address (tested on the kubelet
 * port, so a closed NodePort is not mistaken for "no route"), else a host-network Linux pod, whose traffic enters
 * the node the way outside traffic does. HC_NODEPORT_FROM=runner|pod forces one.
 */
export async function chooseNodePortVantage(nodes: NodeAddress[], timeoutMs: number, force = process.env.HC_NODEPORT_FROM): Promise<NodePortVantage> {
  if (force === "pod") return { from: "host-network pod", why: "HC_NODEPORT_FROM=pod" };
  if (force === "runner") return { from: "runner", why: "HC_NODEPORT_FROM=runner" };
  const probes = await Promise.all(
    nodes.map(async (n) => ({ n, r: n.kubeletPort ? await tcpReachable(n.ip, n.kubeletPort, timeoutMs) : { ok: false, error: "no kubelet port reported" } })),
  );
  const unreachable = probes.filter((p) => !p.r.ok);
  if (!unreachable.length) return { from: "runner", why: `the runner reaches every node address (kubelet port answered on ${nodes.length} node(s))` };
  return {
    from: "host-network pod",
    why: `the runner cannot reach node address(es) ${unreachable.map((p) => `${p.n.name} ${p.n.ip}:${p.n.kubeletPort ?? "?"} (${p.r.error})`).join(", ")}`,
  };
}

/** Turns the linux-client fixture into a host-network helper (the docs' "from the Linux control plane node" vantage). */
export function asHostNetworkClient(objs: k8s.KubernetesObject[], name = "hostnet-client"): void {
  for (const o of objs) {
    if (o.kind !== "Pod") continue;
    const pod = o as k8s.V1Pod;
    pod.metadata!.name = name;
    pod.metadata!.labels = { ...pod.metadata!.labels, app: name };
    pod.spec!.hostNetwork = true;
    // Keeps cluster DNS for a host-network pod; `pause` opens no port on the node.
    pod.spec!.dnsPolicy = "ClusterFirstWithHostNet";
    for (const c of pod.spec!.containers) {
      c.args = ["pause"];
      delete c.ports;
    }
  }
}

// ---------- DNS names ----------

/** The Service's name with the cluster's default suffix, as Windows needs it (no partial names). */
export const serviceFqdn = (service: string, namespace: string, domain = "cluster.local") => `${service}.${namespace}.svc.${domain}`;

/** DNS search list from /etc/resolv.conf. */
export function searchesFromResolvConf(text: string): string[] {
  const line = text.replace(/\r\n/g, "\n").split("\n").find((l) => /^\s*search\s/.test(l));
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
        problems.push(`EndpointSlice ${slice} lists ${ip} (${e.targetRef?.name ?? "no targetRef"}) as ready, but it is not one of the ready pods ${pods.map((p) => `${p.name} ${p.ip}`).join(", ")}`);
        continue;
      }
      if (e.targetRef?.name !== pod.name) problems.push(`EndpointSlice ${slice}: ${ip} points at ${e.targetRef?.kind ?? "?"}/${e.targetRef?.name ?? "?"}, expected Pod/${pod.name}`);
      if (!e.nodeName || !sameName(e.nodeName, pod.node)) problems.push(`EndpointSlice ${slice}: ${ip} (${pod.name}) says node ${e.nodeName ?? "(none)"}, the pod runs on ${pod.node}`);
      if (e.nodeName && !windowsNodes.some((w) => sameName(w, e.nodeName!))) problems.push(`EndpointSlice ${slice}: ${ip} (${pod.name}) is on node ${e.nodeName}, which is not a Windows node`);
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

// ---------- bound to a test environment ----------

export type PodSource = Extract<Source, { kind: "pod" }> & { ip: string };

/** A pod as a source or a destination: its IP, node and OS from the API. */
export async function podRef(env: TestEnv, pod: string, container: string): Promise<PodSource> {
  const p = await env.core.readNamespacedPod({ name: pod, namespace: env.ns });
  const node = p.spec?.nodeName ?? "?";
  const os = (p.spec?.os?.name ?? env.node(node).os) as OsName;
  return { kind: "pod", pod, container, node, os, ip: p.status?.podIP ?? "", hostNetwork: p.spec?.hostNetwork ?? false };
}

/** The run's timing for reachability checks: up within networkUpMs, steady for networkStableMs, polled every ≤ 1 s. */
export function steadyOptions(env: TestEnv, overrides: Partial<SteadyOptions> = {}): SteadyOptions {
  const b = env.budgets;
  return { upMs: b.networkUpMs, stableMs: b.networkStableMs, intervalMs: Math.min(1000, Math.max(200, b.networkStableMs / 4)), ...overrides };
}

/** One try of the probe: curl/curl.exe (or nc) through exec from a pod, node.js http from the runner. */
export function attempter(env: TestEnv, p: Probe, o: { tcp?: boolean } = {}): () => Promise<Attempt> {
  const t = clientTimeouts(env.budgets.networkUpMs);
  const from = p.from;
  if (from.kind === "runner") return () => httpFromRunner(p.to.host, p.to.port, p.to.path ?? "/", t.maxS * 1000);
  const argv = o.tcp ? ncArgv(p.to.host, p.to.port, t) : curlArgv(from.os, urlOf(p.to), t);
  return async () => {
    try {
      const out = await env.exec(from.pod, from.container, argv, { timeoutMs: (t.maxS + 15) * 1000 });
      return o.tcp ? parseNc(out) : parseCurl(out);
    } catch (e) {
      return { ok: false, error: `exec failed: ${(e as Error).message}` };
    }
  };
}

/**
 * The check every Core.Network path uses, as one Allure step: it must come up within the network budget, then
 * stay up; the answer must be the expected page. Throws a ReachabilityError naming path, source and destination.
 */
export async function reach(env: TestEnv, p: Probe, o: { tcp?: boolean; steady?: Partial<SteadyOptions> } = {}): Promise<SteadyResult> {
  const how = o.tcp ? "TCP connect (nc -vz)" : p.from.kind === "runner" ? "HTTP GET from the runner" : p.from.kind === "pod" && p.from.os === "windows" ? "curl.exe" : "curl";
  return env.step(`${p.path}: ${describeSource(p.from)} → ${describeDestination(p.to)} [${how}]`, async () => {
    const r = await upThenSteady(p, attempter(env, p, o), (a) => bodyProblem(p, a), steadyOptions(env, o.steady));
    await allure.logStep(`up after ${secs(r.upAfterMs)}, then ${r.steadyAttempts} steady attempt(s); ${r.last.status ? `HTTP ${r.last.status}, ` : ""}${clip((r.last.body ?? "").replace(/\s+/g, " "), 120)}`);
    return r;
  });
}
