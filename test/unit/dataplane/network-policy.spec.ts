// The emulated policy engine against the NetworkPolicy API reference's semantics: isolation only by a selecting
// Ingress policy, same-namespace pod peers, namespace selectors (with kubernetes.io/metadata.name), ipBlock, ports.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { ingressAllowed, type PolicyDestination } from "../../../localcluster/dataplane/network-policy.js";

const np = (namespace: string, spec: k8s.V1NetworkPolicySpec): k8s.V1NetworkPolicy => ({ metadata: { name: "p", namespace }, spec });
const web: PolicyDestination = { namespace: "a", labels: { app: "web" }, port: 80, namedPorts: { http: 80 } };
const fromPod = (namespace: string, labels: Record<string, string> = {}) => ({ ip: "10.244.1.5", pod: { namespace, labels } });
const sameNamespaceOnly = np("a", { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Ingress"], ingress: [{ _from: [{ podSelector: {} }] }] });

describe("emulated NetworkPolicy ingress", () => {
  it("a pod no policy selects accepts everything", () => {
    expect(ingressAllowed([sameNamespaceOnly], fromPod("b"), { ...web, labels: { app: "other" } })).to.equal(true);
    expect(ingressAllowed([], fromPod("b"), web)).to.equal(true);
  });
  it("a same-namespace policy admits its namespace's pods and drops other namespaces' pods and non-pod sources", () => {
    expect(ingressAllowed([sameNamespaceOnly], fromPod("a"), web)).to.equal(true);
    expect(ingressAllowed([sameNamespaceOnly], fromPod("b"), web)).to.equal(false);
    expect(ingressAllowed([sameNamespaceOnly], { ip: "172.18.0.3" }, web)).to.equal(false);
  });
  it("a policy without rules isolates (deny all); an empty from admits all", () => {
    expect(ingressAllowed([np("a", { podSelector: {}, policyTypes: ["Ingress"] })], fromPod("a"), web)).to.equal(false);
    expect(ingressAllowed([np("a", { podSelector: {}, ingress: [{}] })], fromPod("b"), web)).to.equal(true);
  });
  it("an Egress-only policy does not isolate for ingress", () => {
    expect(ingressAllowed([np("a", { podSelector: {}, policyTypes: ["Egress"] })], fromPod("b"), web)).to.equal(true);
  });
  it("namespace selectors match namespace labels and kubernetes.io/metadata.name; raw watch JSON's `from` is read too", () => {
    const byName = np("a", { podSelector: {}, ingress: [{ _from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "b" } } }] }] });
    expect(ingressAllowed([byName], fromPod("b"), web)).to.equal(true);
    expect(ingressAllowed([byName], fromPod("c"), web)).to.equal(false);
    const raw = np("a", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "x" } } }] } as k8s.V1NetworkPolicyIngressRule] });
    expect(ingressAllowed([raw], fromPod("c"), web, (ns): Record<string, string> => (ns === "c" ? { team: "x" } : {}))).to.equal(true);
    expect(ingressAllowed([raw], fromPod("d"), web)).to.equal(false);
  });
  it("ipBlock with except, and ports by number and by name", () => {
    const block = np("a", { podSelector: {}, ingress: [{ _from: [{ ipBlock: { cidr: "10.244.0.0/16", except: ["10.244.1.0/24"] } }] }] });
    expect(ingressAllowed([block], { ip: "10.244.2.9" }, web)).to.equal(true);
    expect(ingressAllowed([block], { ip: "10.244.1.9" }, web)).to.equal(false);
    const named = np("a", { podSelector: {}, ingress: [{ ports: [{ port: "http" }] }] });
    expect(ingressAllowed([named], fromPod("b"), web)).to.equal(true);
    expect(ingressAllowed([named], fromPod("b"), { ...web, port: 8080 })).to.equal(false);
  });
});
