// pod-to-pod-dropped: the route between two nodes is missing. Pod traffic between exactly the nodes its scope
// matches times out, both ways and through a Service; traffic on one node, to other nodes, and from Linux flows;
// clearing it restores the pair.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { EmulatedNetwork } from "../../../localcluster/dataplane/network.js";
import { FaultRegistry } from "../../../localcluster/dataplane/faults.js";
import type { PodRecord } from "../../../localcluster/dataplane/pods/records.js";
import type { OsName } from "../../../localcluster/dataplane/model.js";
import { linuxContainer, winContainer } from "./helpers.js";

/** A running pod listening on :80 on the given node. */
function pod(name: string, ip: string, node: string, os: OsName = "windows"): PodRecord {
  return {
    ref: { namespace: "hc-net", name },
    pod: { metadata: { name, namespace: "hc-net" }, spec: { containers: [] } },
    node: { name: node, os, address: "172.18.0.1" },
    podIP: ip,
    phase: "Running",
    gone: false,
    containers: [{ state: { kind: "running", startedAt: "" }, workload: { listens: [80] } }],
  } as unknown as PodRecord;
}
const pods = [
  pod("web-a", "10.244.1.5", "hc-win2022-1"),
  pod("web-b", "10.244.2.5", "hc-win2022-2"),
  pod("web-c", "10.244.3.5", "hc-win2025-1"),
  pod("web-a2", "10.244.1.6", "hc-win2022-1"),
];
const svc: k8s.V1Service = { metadata: { name: "web", namespace: "hc-net" }, spec: { clusterIP: "10.96.0.50", ports: [{ port: 80 }] } };
const slice: k8s.V1EndpointSlice = {
  addressType: "IPv4",
  metadata: { namespace: "hc-net", labels: { "kubernetes.io/service-name": "web" } },
  ports: [{ port: 80 }],
  endpoints: [{ addresses: ["10.244.2.5"], conditions: { ready: true } }],
};

describe("dataplane faults: pod-to-pod-dropped", () => {
  const faults = new FaultRegistry();
  const net = new EmulatedNetwork(
    { services: () => [svc], endpointSlices: () => [slice], nodes: () => [] },
    () => ({ pods: new Map(pods.map((p) => [p.ref.name, p])) }) as never,
    faults,
    { name: "www.example.com", ip: "93.184.215.14" },
  );
  const from = (p: PodRecord) =>
    (p.node.os === "windows" ? winContainer : linuxContainer)({ namespace: "hc-net", pod: p.ref.name, nodeName: p.node.name, podIP: p.podIP! });
  const [a, b, c, a2] = pods;
  const linux = pod("linux-client", "10.244.0.7", "hc-linux-1", "linux");

  beforeEach(() => faults.clear());

  it("drops pod traffic between the two nodes its scope matches, both ways and through a ClusterIP", async () => {
    await faults.add({ name: "pod-to-pod-dropped", scope: { namespace: "hc-*", node: "hc-win2022-*" } });
    expect(await net.tcp(from(a), b.podIP!, 80)).to.deep.equal({ error: "timeout" });
    expect(await net.tcp(from(b), a.podIP!, 80)).to.deep.equal({ error: "timeout" });
    expect(await net.tcp(from(a), "10.96.0.50", 80), "the Service's only endpoint is on the other node").to.deep.equal({ error: "timeout" });
  });

  it("leaves same-node traffic, other node pairs, Linux pods and other namespaces alone", async () => {
    await faults.add({ name: "pod-to-pod-dropped", scope: { namespace: "hc-*", node: "hc-win2022-*" } });
    expect(await net.tcp(from(a), a2.podIP!, 80), "same node").to.equal("open");
    expect(await net.tcp(from(a), c.podIP!, 80), "to the 2025 node").to.equal("open");
    expect(await net.tcp(from(c), b.podIP!, 80), "from the 2025 node").to.equal("open");
    expect(await net.tcp(from(linux), b.podIP!, 80), "Linux to Windows").to.equal("open");
    await faults.clear();
    await faults.add({ name: "pod-to-pod-dropped", scope: { namespace: "other-*", node: "hc-win2022-*" } });
    expect(await net.tcp(from(a), b.podIP!, 80), "another namespace's fault").to.equal("open");
  });

  it("clearing it restores the pair", async () => {
    await faults.add({ name: "pod-to-pod-dropped", scope: { node: "hc-win2022-*" } });
    expect(await net.tcp(from(a), b.podIP!, 80)).to.deep.equal({ error: "timeout" });
    await faults.clear("pod-to-pod-dropped");
    expect(await net.tcp(from(a), b.podIP!, 80)).to.equal("open");
    expect(await net.tcp(from(a), "10.96.0.50", 80)).to.equal("open");
  });
});
