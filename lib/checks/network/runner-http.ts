// The runner side of Core.Network: node.js http and TCP from the machine running the harness (a NodePort as an
// outside client sees it), the nodes' addresses, and where a NodePort is checked from.
import type * as k8s from "@kubernetes/client-node";
import * as http from "node:http";
import * as net from "node:net";
import type { Attempt } from "./probe.js";
import { settleBounded } from "./bounded.js";

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
    return [
      { name: n.metadata!.name!, os: n.metadata?.labels?.["kubernetes.io/os"] ?? "?", ip, kubeletPort: n.status?.daemonEndpoints?.kubeletEndpoint?.Port },
    ];
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
  const probes = (
    await settleBounded(nodes, async (n) => ({
      n,
      r: n.kubeletPort ? await tcpReachable(n.ip, n.kubeletPort, timeoutMs) : { ok: false, error: "no kubelet port reported" },
    }))
  ).map((x, i) => (x.status === "fulfilled" ? x.value : { n: nodes[i], r: { ok: false, error: String(x.reason) } }));
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
