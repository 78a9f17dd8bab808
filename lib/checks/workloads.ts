// Workload checks, as pure functions over what the API and the containers reported: environment and files a
// container sees, Secret values compared without ever being printed, pod status fields against the node, resource
// requirements, and the state of a rollout. Each returns its problems, one line each, naming pod and container.
import type * as k8s from "@kubernetes/client-node";
import type { NodeInfo } from "../preflight/types.js";
import { parseImage, normaliseBuild } from "../fixtures/images.js";
import { parseQuantity, sameQuantity } from "./quantity.js";
import { containerStatus, isPodReady } from "../cluster/status.js";

const podName = (p: k8s.V1Pod) => `${p.metadata?.namespace ? `${p.metadata.namespace}/` : ""}${p.metadata?.name ?? "<unnamed>"}`;

/** Output of `cmd /c set [PREFIX]` (or `env`) → variables. Windows variable names are case-insensitive: keys as printed. */
export function parseSet(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.replace(/\r\n/g, "\n").split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Lines of `dir /b` / `ls -1`, without blanks. */
export const listing = (stdout: string) =>
  stdout
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/** Plain (non-secret) variables a container must see, each compared by value. */
export function envProblems(where: string, want: Record<string, string>, got: Record<string, string>): string[] {
  const lookup = (k: string) => got[k] ?? Object.entries(got).find(([x]) => x.toLowerCase() === k.toLowerCase())?.[1];
  return Object.entries(want).flatMap(([k, v]) => {
    const g = lookup(k);
    if (g === undefined) return [`${where}: environment variable ${k} is not set (want ${JSON.stringify(v)})`];
    return g === v ? [] : [`${where}: environment variable ${k} is ${JSON.stringify(g)}, want ${JSON.stringify(v)}`];
  });
}

/**
 * A Secret value as the container saw it (env or file) against the Secret's own data. Never prints either value,
 * nor anything derived from it that could be checked against a guess (no hashes): a mismatch names where and
 * which key, and says whether only surrounding whitespace differs, else the lengths.
 */
export function secretProblems(where: string, what: string, source: string, want: string, got: string | undefined): string[] {
  if (got === undefined) return [`${where}: ${what} is missing (should hold ${source})`];
  if (got === want) return [];
  if (got.trim() === want.trim()) return [`${where}: ${what} differs from ${source} only in surrounding whitespace (e.g. a trailing newline)`];
  return [`${where}: ${what} does not match ${source} (${got.length} characters, want ${want.length}; values not shown)`];
}

/** File content as `type`/`cat` printed it (CRLF normalised, one trailing newline tolerated) against what it should hold. */
export function fileProblems(where: string, path: string, want: string, got: string | undefined): string[] {
  const norm = (s: string) => s.replace(/\r\n/g, "\n").replace(/\n$/, "");
  if (got === undefined) return [`${where}: ${path} cannot be read`];
  return norm(got) === norm(want) ? [] : [`${where}: ${path} holds ${JSON.stringify(norm(got))}, want ${JSON.stringify(norm(want))}`];
}

// ---- addresses ---------------------------------------------------------------------------------------------

function ipv4(ip: string): bigint | undefined {
  const p = ip.split(".");
  if (p.length !== 4 || !p.every((x) => /^\d{1,3}$/.test(x) && Number(x) < 256)) return undefined;
  return p.reduce((a, x) => (a << 8n) | BigInt(Number(x)), 0n);
}

function ipv6(ip: string): bigint | undefined {
  if (!ip.includes(":")) return undefined;
  const [head, tail = ""] = ip.split("::");
  const parse = (s: string) => (s ? s.split(":") : []);
  const h = parse(head);
  const t = parse(tail);
  if (!ip.includes("::") && h.length !== 8) return undefined;
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Whether an IPv4 or IPv6 address lies inside a CIDR of the same family. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [net, lenText] = cidr.split("/");
  const v4 = ipv4(ip) !== undefined;
  const a = v4 ? ipv4(ip) : ipv6(ip);
  const n = v4 ? ipv4(net) : ipv6(net);
  const bits = v4 ? 32 : 128;
  const len = Number(lenText);
  if (a === undefined || n === undefined || !(len >= 0 && len <= bits)) return false;
  const shift = BigInt(bits - len);
  return a >> shift === n >> shift;
}

// ---- status ------------------------------------------------------------------------------------------------

/** The QoS class Kubernetes derives from the containers' requests and limits. */
export function expectedQosClass(spec: k8s.V1PodSpec): "Guaranteed" | "Burstable" | "BestEffort" {
  const cs = [...(spec.initContainers ?? []), ...spec.containers];
  const res = (c: k8s.V1Container, k: "requests" | "limits") => (c.resources?.[k] ?? {}) as Record<string, string>;
  const relevant = (r: Record<string, string>) => Object.entries(r).filter(([k]) => k === "cpu" || k === "memory");
  if (cs.every((c) => !relevant(res(c, "requests")).length && !relevant(res(c, "limits")).length)) return "BestEffort";
  const guaranteed = cs.every((c) =>
    ["cpu", "memory"].every((k) => {
      const lim = res(c, "limits")[k];
      const req = res(c, "requests")[k] ?? lim;
      return lim !== undefined && sameQuantity(req, lim);
    }),
  );
  return guaranteed ? "Guaranteed" : "Burstable";
}

export interface NodeAddressing {
  name: string;
  internalIPs: string[];
  podCIDRs: string[];
}

const CONTAINER_ID = /^(containerd|cri-o|docker):\/\/[0-9a-f]{64}$/;
const IMAGE_DIGEST = /sha256:[0-9a-f]{64}$/;

/** Repository of an image as a runtime spells it: "busybox" → "docker.io/library/busybox". */
function fullRepository(image: string): string {
  const repo = parseImage(image).repository;
  const first = repo.split("/")[0];
  if (repo.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) return repo;
  return repo.includes("/") ? `docker.io/${repo}` : `docker.io/library/${repo}`;
}

const where = (pod: k8s.V1Pod) => `pod ${podName(pod)}${pod.spec?.nodeName ? ` on node ${pod.spec.nodeName}` : ""}`;

/**
 * Addresses: podIP listed in podIPs and inside the node's podCIDR(s) — when the node has one; some CNIs (Azure CNI,
 * Calico IPAM) allocate elsewhere and leave it empty — and hostIP equal to one of the node's InternalIPs.
 */
export function addressProblems(pod: k8s.V1Pod, node: NodeAddressing): string[] {
  const name = where(pod);
  const s = pod.status ?? {};
  const p: string[] = [];
  if (pod.spec?.nodeName !== node.name) p.push(`${name}: spec.nodeName is ${pod.spec?.nodeName ?? "(unset)"}, not ${node.name}`);
  if (!s.podIP) p.push(`${name}: status.podIP is empty`);
  else {
    const ips = (s.podIPs ?? []).map((x) => x.ip);
    if (!ips.includes(s.podIP)) p.push(`${name}: status.podIPs [${ips.join(", ")}] does not include podIP ${s.podIP}`);
    const outside = [...new Set([s.podIP, ...ips])].filter((ip) => !node.podCIDRs.some((c) => ipInCidr(ip, c)));
    if (node.podCIDRs.length && outside.length) p.push(`${name}: pod IP(s) ${outside.join(", ")} outside the node's podCIDR(s) ${node.podCIDRs.join(", ")}`);
  }
  if (!s.hostIP) p.push(`${name}: status.hostIP is empty`);
  else if (!node.internalIPs.includes(s.hostIP))
    p.push(`${name}: status.hostIP ${s.hostIP} is not the node's InternalIP (${node.internalIPs.join(", ") || "none"})`);
  return p;
}

/** Per container: a runtime containerID (<runtime>://<64 hex>) and an imageID that is a sha256 digest of the image it runs. */
export function containerIdentityProblems(pod: k8s.V1Pod): string[] {
  const name = where(pod);
  return (pod.spec?.containers ?? []).flatMap((c) => {
    const cs = containerStatus(pod, c.name);
    if (!cs) return [`${name}: no status for container ${c.name}`];
    const p: string[] = [];
    if (!cs.containerID || !CONTAINER_ID.test(cs.containerID))
      p.push(`${name}: container ${c.name} has containerID ${JSON.stringify(cs.containerID ?? "")}, want <runtime>://<64 hex digits>`);
    if (!cs.imageID || !IMAGE_DIGEST.test(cs.imageID))
      p.push(`${name}: container ${c.name} has imageID ${JSON.stringify(cs.imageID ?? "")}, want a sha256 digest`);
    else if (cs.imageID.includes("@") && c.image && fullRepository(cs.imageID.split("@")[0]) !== fullRepository(c.image))
      p.push(`${name}: container ${c.name} runs image ${c.image} but its imageID names ${cs.imageID.split("@")[0]}`);
    return p;
  });
}

/** startTime set, not before the pod was created, and no container started before it. */
export function startTimeProblems(pod: k8s.V1Pod): string[] {
  const name = where(pod);
  const s = pod.status ?? {};
  if (!s.startTime) return [`${name}: status.startTime is not set`];
  const start = new Date(s.startTime).getTime();
  const p: string[] = [];
  const created = pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).getTime() : undefined;
  // Both are stored with one-second precision.
  if (created !== undefined && start < Math.floor(created / 1000) * 1000)
    p.push(`${name}: status.startTime ${new Date(start).toISOString()} is before the pod was created (${new Date(created).toISOString()})`);
  for (const cs of s.containerStatuses ?? []) {
    const at = cs.state?.running?.startedAt;
    if (at && new Date(at).getTime() < Math.floor(start / 1000) * 1000)
      p.push(`${name}: container ${cs.name} started (${new Date(at).toISOString()}) before the pod's startTime (${new Date(start).toISOString()})`);
  }
  return p;
}

/** status.qosClass is the class the containers' requests and limits imply. */
export function qosProblems(pod: k8s.V1Pod): string[] {
  const want = pod.spec ? expectedQosClass(pod.spec) : undefined;
  return pod.status?.qosClass === want ? [] : [`${where(pod)}: status.qosClass is ${pod.status?.qosClass ?? "(unset)"}, want ${want} for its requests/limits`];
}

/** PodScheduled, Initialized, ContainersReady and Ready are all True. */
export function conditionProblems(pod: k8s.V1Pod): string[] {
  return ["PodScheduled", "Initialized", "ContainersReady", "Ready"].flatMap((type) => {
    const c = pod.status?.conditions?.find((x) => x.type === type);
    if (c?.status === "True") return [];
    return [`${where(pod)}: condition ${type} is ${c ? `${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}` : "missing"}`];
  });
}

/** Everything above, for a Ready pod on `node`. */
export function podStatusProblems(pod: k8s.V1Pod, node: NodeAddressing): string[] {
  return [...addressProblems(pod, node), ...containerIdentityProblems(pod), ...startTimeProblems(pod), ...qosProblems(pod), ...conditionProblems(pod)];
}

// ---- resources ---------------------------------------------------------------------------------------------

/** A container's requests and limits as stored, against what the manifest asked for (quantities compared by value). */
export function resourceProblems(pod: k8s.V1Pod, container: string, want: k8s.V1ResourceRequirements): string[] {
  const c = pod.spec?.containers.find((x) => x.name === container);
  const where = `pod ${podName(pod)} container ${container}`;
  if (!c) return [`${where}: no such container`];
  const p: string[] = [];
  for (const kind of ["requests", "limits"] as const) {
    const w = (want[kind] ?? {}) as Record<string, string>;
    const g = (c.resources?.[kind] ?? {}) as Record<string, string>;
    for (const [k, v] of Object.entries(w)) if (!sameQuantity(g[k], v)) p.push(`${where}: ${kind}.${k} is ${g[k] ?? "(unset)"}, want ${v}`);
  }
  return p;
}

/** What the downward API (resourceFieldRef, default divisor 1) shows a container: CPU rounded up to whole cores, bytes of memory. */
export function downwardResourceValue(resources: k8s.V1ResourceRequirements, field: string): string | undefined {
  const [kind, res] = field.split(".") as ["limits" | "requests", string];
  const q = (resources[kind] as Record<string, string> | undefined)?.[res];
  if (q === undefined) return undefined;
  const v = parseQuantity(q);
  return String(res === "cpu" ? Math.ceil(Math.round(v * 1000) / 1000) : Math.ceil(v));
}

// ---- rollouts ----------------------------------------------------------------------------------------------

export interface RolloutExpectation {
  replicas: number;
  /** Names of the pods from before the update: none may remain. */
  oldPods: string[];
  container: string;
  /** The environment variable the update changed, as the new pods must carry it. */
  env: { name: string; value: string };
  nodes: NodeInfo[];
  build?: string;
}

const envOf = (p: k8s.V1Pod, container: string, name: string) => p.spec?.containers.find((c) => c.name === container)?.env?.find((e) => e.name === name)?.value;

/** Whether a rollout has finished, as seen from the pods: exactly `replicas` updated pods, all Ready, no old pod left. */
export function rolloutDone(pods: k8s.V1Pod[], x: Pick<RolloutExpectation, "replicas" | "oldPods" | "container" | "env">): boolean {
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
  return (
    !pods.some((p) => x.oldPods.includes(p.metadata?.name ?? "")) &&
    live.length === x.replicas &&
    live.every((p) => isPodReady(p) && envOf(p, x.container, x.env.name) === x.env.value)
  );
}

/** After a rollout: every pod is a new one, Ready, carries the new template, and runs on a Windows node (of the build). */
export function rolloutProblems(pods: k8s.V1Pod[], x: RolloutExpectation): string[] {
  const p: string[] = [];
  const live = pods.filter((q) => !q.metadata?.deletionTimestamp);
  if (live.length !== x.replicas) p.push(`${live.length} pod(s) after the rollout, want ${x.replicas}: ${live.map((q) => q.metadata?.name).join(", ")}`);
  for (const q of pods) {
    const name = `pod ${podName(q)}${q.spec?.nodeName ? ` on node ${q.spec.nodeName}` : ""}`;
    if (x.oldPods.includes(q.metadata?.name ?? "")) p.push(`${name} is from before the update and still exists`);
    if (q.metadata?.deletionTimestamp) continue;
    const v = envOf(q, x.container, x.env.name);
    if (v !== x.env.value) p.push(`${name} runs the old template (${x.env.name}=${v ?? "(unset)"}, want ${x.env.value})`);
    if (!isPodReady(q)) p.push(`${name} is not Ready`);
    const n = x.nodes.find((m) => m.name === q.spec?.nodeName);
    if (!n) p.push(`${name}: node not known to preflight`);
    else if (n.os !== "windows") p.push(`${name}: node ${n.name} runs ${n.os}, not Windows`);
    else if (x.build && normaliseBuild(n.build ?? "") !== normaliseBuild(x.build)) p.push(`${name}: node ${n.name} has build ${n.build}, want ${x.build}`);
  }
  return p;
}

/** `GET /echo?msg=<msg>` lines in an agnhost netexec log: how often the handler was called with this message. */
export function echoCalls(log: string, msg: string): number {
  return log.split("\n").filter((l) => new RegExp(`GET /echo\\?msg=${msg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(&|$)`).test(l)).length;
}
