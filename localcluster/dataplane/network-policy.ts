// NetworkPolicy ingress enforcement for emulated pods, as a policy engine on the node (Calico or Antrea on
// Windows, Calico/Cilium on Linux) applies it: the semantics of the API reference (networking.k8s.io/v1
// NetworkPolicy) — a pod selected by no Ingress policy accepts everything; a selected pod accepts only what some
// rule of some selecting policy allows (peers by pod selector in the policy's namespace, by namespace selector,
// or by ipBlock; ports by number or by the container port's name). Denied packets are dropped, not refused
// (Calico's default action), so the client times out. Egress policies are not emulated.
import type * as k8s from "@kubernetes/client-node";
import { requirementMatches } from "./labels.js";

/** Where an ingress connection comes from: a pod (its namespace and labels), or an address only (a node, the runner). */
export interface PolicySource {
  ip: string;
  pod?: { namespace: string; labels: Record<string, string> };
}

/** The pod the connection arrives at, and the port. */
export interface PolicyDestination {
  namespace: string;
  labels: Record<string, string>;
  port: number;
  /** The destination's container ports, for rules that name a port. */
  namedPorts: Record<string, number>;
}

export function selectorMatches(sel: k8s.V1LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  return (sel.matchExpressions ?? []).every((e) => requirementMatches(e, labels));
}

/** An IPv4 address in a CIDR (IPv6 blocks never match an IPv4 source, and the reverse). */
function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split("/");
  const toInt = (a: string) => a.split(".").reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(net)) return ip === net;
  const bits = Number(bitsText ?? 32);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(net) & mask);
}

function peerMatches(
  peer: k8s.V1NetworkPolicyPeer,
  policyNamespace: string,
  src: PolicySource,
  namespaceLabels: (ns: string) => Record<string, string>,
): boolean {
  if (peer.ipBlock) return inCidr(src.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(src.ip, c));
  // Pod and namespace selectors select pods only: a node or the world never matches them.
  if (!src.pod) return false;
  const nsOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, { "kubernetes.io/metadata.name": src.pod.namespace, ...namespaceLabels(src.pod.namespace) })
    : src.pod.namespace === policyNamespace;
  return nsOk && (peer.podSelector ? selectorMatches(peer.podSelector, src.pod.labels) : true);
}

function portMatches(ports: k8s.V1NetworkPolicyPort[] | undefined, dst: PolicyDestination): boolean {
  if (!ports?.length) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== "TCP") return false;
    if (p.port === undefined) return true;
    const from = typeof p.port === "number" ? p.port : dst.namedPorts[p.port];
    if (from === undefined) return false;
    return dst.port >= from && dst.port <= (p.endPort ?? from);
  });
}

/** A rule's peers: `_from` as the client's typed lists give it, `from` as a watch event's raw JSON does. */
const peersOf = (rule: k8s.V1NetworkPolicyIngressRule) => rule._from ?? (rule as { from?: k8s.V1NetworkPolicyPeer[] }).from;

const isIngressPolicy = (p: k8s.V1NetworkPolicy) => (p.spec?.policyTypes ?? ["Ingress"]).includes("Ingress");

/** The policies that select the destination pod for ingress: none means the pod is not isolated. */
export function isolatingPolicies(policies: readonly k8s.V1NetworkPolicy[], dst: Pick<PolicyDestination, "namespace" | "labels">): k8s.V1NetworkPolicy[] {
  return policies.filter((p) => p.metadata?.namespace === dst.namespace && isIngressPolicy(p) && selectorMatches(p.spec?.podSelector, dst.labels));
}

/** Whether an engine enforcing these policies lets the connection in. */
export function ingressAllowed(
  policies: readonly k8s.V1NetworkPolicy[],
  src: PolicySource,
  dst: PolicyDestination,
  namespaceLabels: (ns: string) => Record<string, string> = () => ({}),
): boolean {
  const selecting = isolatingPolicies(policies, dst);
  if (!selecting.length) return true;
  return selecting.some((p) =>
    (p.spec?.ingress ?? []).some(
      (rule) =>
        portMatches(rule.ports, dst) && (!peersOf(rule)?.length || peersOf(rule)!.some((peer) => peerMatches(peer, dst.namespace, src, namespaceLabels))),
    ),
  );
}
