// The emulated data plane on a dual-stack cluster: a RequireDualStack Service's IPv4 and IPv6 ClusterIPs each reach
// the backend in their own family (the backend sees the client's address of that family), its NodePort answers on a
// node's IPv4 and IPv6 address, a single-stack Service has no IPv6 NodePort; the `ipv6-service-unrouted` fault drops
// exactly the IPv6 Service paths (IPv4 and pod IPs of both families still work) and clearing it restores them.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { EmulatedNetwork } from "../../../localcluster/dataplane/network.js";
import { FaultRegistry } from "../../../localcluster/dataplane/faults.js";
import { canonicalIPv6, nodeAddressV6, nodePodCIDRv6, podIPv6, serviceRanges } from "../../../localcluster/dual-stack.js";
import { placeNodes, nodeObject } from "../../../localcluster/nodes.js";
import { winContainer } from "./helpers.js";
import { containerView, type NodeFacts } from "../../../localcluster/dataplane/pods/container-view.js";

const dual: k8s.V1Service = {
  metadata: { name: "dual", namespace: "hc-a" },
  spec: {
    type: "NodePort",
    ipFamilyPolicy: "RequireDualStack",
    ipFamilies: ["IPv4", "IPv6"],
    clusterIP: "10.96.0.20",
    clusterIPs: ["10.96.0.20", "fd00:10:96::20"],
    ports: [{ name: "http", port: 80, targetPort: 8080, nodePort: 30080 }],
  },
};
const v6only: k8s.V1Service = {
  metadata: { name: "v6", namespace: "hc-a" },
  spec: {
    type: "NodePort",
    ipFamilyPolicy: "SingleStack",
    ipFamilies: ["IPv6"],
    clusterIP: "fd00:10:96::40",
    clusterIPs: ["fd00:10:96::40"],
    ports: [{ name: "http", port: 80, targetPort: 8080, nodePort: 30082 }],
  },
};
const v4only: k8s.V1Service = {
  metadata: { name: "v4", namespace: "hc-a" },
  spec: { type: "NodePort", ipFamilies: ["IPv4"], clusterIP: "10.96.0.30", ports: [{ name: "http", port: 80, targetPort: 8080, nodePort: 30081 }] },
};
const slice = (svc: string, addressType: "IPv4" | "IPv6", ip: string): k8s.V1EndpointSlice => ({
  addressType,
  metadata: { namespace: "hc-a", labels: { "kubernetes.io/service-name": svc } },
  ports: [{ name: "http", port: 8080 }],
  endpoints: [{ addresses: [ip], conditions: { ready: true } }],
});
const node: k8s.V1Node = {
  metadata: { name: "linux-1" },
  status: {
    addresses: [
      { type: "InternalIP", address: "127.20.1.1" },
      { type: "InternalIP", address: "fd00:c0a8:14::1" },
    ],
  },
};
const record = (name: string, os: string, podIP: string, v6: string, listens: number[]) => ({
  ref: { namespace: "hc-a", name },
  node: { name: os === "linux" ? "linux-1" : "win-1", os },
  podIP,
  podIPv6: v6,
  phase: "Running",
  pod: { metadata: { labels: {} }, spec: {} },
  // The workload answers with the client address it sees.
  containers: [
    {
      state: { kind: "running" },
      workload: { listens, handle: (_req: unknown, ip: string) => ({ response: { status: 200, headers: {}, body: ip }, logLines: [] }) },
    },
  ],
});
const backend = record("backend", "linux", "10.244.0.7", "fd00:10:244::7", [8080]);
const client = record("client", "windows", "10.244.1.5", "fd00:10:244:1::5", []);

function world(faults: FaultRegistry): EmulatedNetwork {
  return new EmulatedNetwork(
    {
      services: () => [dual, v4only, v6only],
      endpointSlices: () => [
        slice("dual", "IPv4", "10.244.0.7"),
        slice("dual", "IPv6", "fd00:10:244::7"),
        slice("v4", "IPv4", "10.244.0.7"),
        slice("v6", "IPv6", "fd00:10:244::7"),
      ],
      nodes: () => [node],
    },
    () =>
      ({
        pods: new Map([
          ["hc-a/backend", backend],
          ["hc-a/client", client],
        ]),
        containerOutput: () => undefined,
      }) as never,
    faults,
    { name: "www.example.com", ip: "93.184.215.14" },
  );
}
const get = (port: number) => ({ method: "GET", host: "x", port, path: "/", headers: {} });

describe("dataplane: dual-stack", () => {
  const from = winContainer({ namespace: "hc-a", pod: "client", podIP: "10.244.1.5" });

  it("healthy: both ClusterIPs and the NodePort on both node addresses reach the backend, each in its own family", async () => {
    const net = world(new FaultRegistry());
    for (const [ip, port] of [
      ["10.96.0.20", 80],
      ["fd00:10:96::20", 80],
      ["127.20.1.1", 30080],
      ["fd00:c0a8:14::1", 30080],
      ["10.244.0.7", 8080],
      ["fd00:10:244::7", 8080],
    ] as const)
      expect(await net.tcp(from, ip, port), `${ip}:${port}`).to.equal("open");
    // The backend sees the client's address of the family the packet travelled in; a NodePort's is SNATed to the node.
    expect(await net.http(from, "fd00:10:96::20", get(80))).to.include({ body: "fd00:10:244:1::5" });
    expect(await net.http(from, "10.96.0.20", get(80))).to.include({ body: "10.244.1.5" });
    expect(await net.http(from, "fd00:c0a8:14::1", get(30080))).to.include({ body: "fd00:c0a8:14::1" });
  });

  it("opens a single-family Service's NodePort on the node's address of its family only (elsewhere the Windows client's SYN is dropped)", async () => {
    const net = world(new FaultRegistry());
    expect(await net.tcp(from, "127.20.1.1", 30081)).to.equal("open");
    expect(await net.tcp(from, "fd00:c0a8:14::1", 30081)).to.deep.equal({ error: "timeout" });
    expect(await net.tcp(from, "fd00:c0a8:14::1", 30082)).to.equal("open");
    expect(await net.tcp(from, "127.20.1.1", 30082)).to.deep.equal({ error: "timeout" });
    expect(await net.http(from, "fd00:10:96::40", get(80))).to.include({ body: "fd00:10:244:1::5" });
  });

  it("ipv6-service-unrouted drops the IPv6 ClusterIP and IPv6 NodePort only; clearing it restores them", async () => {
    const faults = new FaultRegistry();
    const net = world(faults);
    await faults.add({ name: "ipv6-service-unrouted", scope: { namespace: "hc-*" } });
    expect(await net.tcp(from, "fd00:10:96::20", 80)).to.deep.equal({ error: "timeout" });
    expect(await net.tcp(from, "fd00:c0a8:14::1", 30080)).to.deep.equal({ error: "timeout" });
    expect(await net.tcp(from, "fd00:10:96::40", 80)).to.deep.equal({ error: "timeout" });
    expect(await net.tcp(from, "fd00:c0a8:14::1", 30082)).to.deep.equal({ error: "timeout" });
    expect(await net.tcp(from, "10.96.0.20", 80)).to.equal("open");
    expect(await net.tcp(from, "10.96.0.30", 80)).to.equal("open");
    expect(await net.tcp(from, "127.20.1.1", 30080)).to.equal("open");
    expect(await net.tcp(from, "fd00:10:244::7", 8080)).to.equal("open");
    await faults.clear("ipv6-service-unrouted");
    expect(await net.tcp(from, "fd00:10:96::20", 80)).to.equal("open");
    expect(await net.tcp(from, "fd00:c0a8:14::1", 30080)).to.equal("open");
  });

  it("is scoped by the Service's namespace", async () => {
    const faults = new FaultRegistry();
    await faults.add({ name: "ipv6-service-unrouted", scope: { namespace: "other" } });
    expect(await world(faults).tcp(from, "fd00:10:96::20", 80)).to.equal("open");
  });
});

describe("local cluster: dual-stack address plan", () => {
  it("gives the API server both service ranges, IPv4 first; a single-stack cluster only the IPv4 one", () => {
    expect(serviceRanges(true)).to.equal("10.96.0.0/16,fd00:10:96::/112");
    expect(serviceRanges(false)).to.equal("10.96.0.0/16");
  });

  it("places each node with an IPv4 and an IPv6 InternalIP and pod CIDR (IPv4 first), canonical and unique", () => {
    const specs = ["a", "b", "c"].map((name) => ({ name, os: "linux", role: "worker", cpu: "4", memory: "16Gi", pods: 110, labels: {}, taints: [] }) as never);
    const nodes = placeNodes(specs, 20, true).map((p) => nodeObject(p, 10250));
    expect(nodes.map((n) => n.spec!.podCIDRs)).to.deep.equal([
      ["10.244.0.0/24", "fd00:10:244::/64"],
      ["10.244.1.0/24", "fd00:10:244:1::/64"],
      ["10.244.2.0/24", "fd00:10:244:2::/64"],
    ]);
    expect(nodes[1].status!.addresses!.filter((a) => a.type === "InternalIP").map((a) => a.address)).to.deep.equal(["127.20.1.2", "fd00:c0a8:14::2"]);
    expect(placeNodes(specs, 20).map((p) => nodeObject(p, 10250).spec!.podCIDRs)).to.deep.equal([["10.244.0.0/24"], ["10.244.1.0/24"], ["10.244.2.0/24"]]);
    expect(nodePodCIDRv6(16)).to.equal("fd00:10:244:10::/64");
    expect(nodeAddressV6(200, 0)).to.equal("fd00:c0a8:c8::1");
  });

  it("gives a pod the IPv6 address with its IPv4 host number, in canonical form", () => {
    expect(podIPv6("fd00:10:244::/64", "10.244.0.7")).to.equal("fd00:10:244::7");
    expect(podIPv6("fd00:10:244:1::/64", "10.244.1.200")).to.equal("fd00:10:244:1::c8");
    expect(canonicalIPv6("FD00:0010:0244:0000::000A")).to.equal("fd00:10:244::a");
  });
});

describe("dataplane: a dual-stack pod's downward API", () => {
  it("gives status.podIP the IPv4 address and status.podIPs both, comma-separated, IPv4 first", async () => {
    const node: NodeFacts = { name: "linux-1", os: "linux", address: "127.20.1.1", ipv6: { address: "fd00:c0a8:14::1", podCIDR: "fd00:10:244::/64" } };
    const fieldRef = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
    const pod: k8s.V1Pod = {
      metadata: { name: "p", namespace: "hc-a" },
      spec: { containers: [{ name: "c", image: "busybox", env: [fieldRef("IP", "status.podIP"), fieldRef("IPS", "status.podIPs")] }] },
      status: { podIP: "10.244.0.7", podIPs: [{ ip: "10.244.0.7" }, { ip: "fd00:10:244::7" }] },
    };
    const none = async () => undefined;
    const view = await containerView(
      pod,
      pod.spec!.containers[0],
      node,
      new Map(),
      { configMap: none, secret: none },
      { dnsIP: "10.96.0.10", kubernetesServiceIP: "10.96.0.1" },
    );
    expect(view.env).to.include({ IP: "10.244.0.7", IPS: "10.244.0.7,fd00:10:244::7" });
  });
});
