// The `service-port-unrouted` fault: a multi-port Service's ports after the first lose their rule (connections time
// out) while its first port, single-port Services and pod IPs still work; clearing the fault restores the port.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { EmulatedNetwork } from "../../../localcluster/dataplane/network.js";
import { FaultRegistry } from "../../../localcluster/dataplane/faults.js";
import { winContainer } from "./helpers.js";

const multi: k8s.V1Service = {
  metadata: { name: "multiport-backend", namespace: "hc-a" },
  spec: {
    clusterIP: "10.96.0.20",
    ports: [
      { name: "http", port: 80, targetPort: 8080 },
      { name: "hostname", port: 9376, targetPort: 9376 },
    ],
  },
};
const single: k8s.V1Service = { metadata: { name: "web", namespace: "hc-a" }, spec: { clusterIP: "10.96.0.30", ports: [{ port: 80, targetPort: 8080 }] } };
const slice = (svc: string, ports: k8s.DiscoveryV1EndpointPort[]): k8s.V1EndpointSlice => ({
  addressType: "IPv4",
  metadata: { namespace: "hc-a", labels: { "kubernetes.io/service-name": svc } },
  ports,
  endpoints: [{ addresses: ["10.244.0.7"], conditions: { ready: true } }],
});
// One running Linux backend pod listening on 8080 and 9376 (two containers, one network namespace).
const backend = {
  ref: { namespace: "hc-a", name: "multiport-backend-abc" },
  node: { name: "linux-1", os: "linux" },
  podIP: "10.244.0.7",
  phase: "Running",
  pod: { metadata: { labels: {} }, spec: {} },
  containers: [8080, 9376].map((p) => ({ state: { kind: "running" }, workload: { listens: [p] } })),
};

function world(faults: FaultRegistry): EmulatedNetwork {
  return new EmulatedNetwork(
    {
      services: () => [multi, single],
      endpointSlices: () => [
        slice("multiport-backend", [
          { name: "http", port: 8080 },
          { name: "hostname", port: 9376 },
        ]),
        slice("web", [{ name: "", port: 8080 }]),
      ],
      nodes: () => [],
    },
    () => ({ pods: new Map([["hc-a/multiport-backend-abc", backend]]) }) as never,
    faults,
    { name: "www.example.com", ip: "93.184.215.14" },
  );
}

describe("dataplane: service-port-unrouted", () => {
  const client = winContainer({ namespace: "hc-a" });

  it("healthy: each port of a multi-port Service reaches its own container port", async () => {
    const net = world(new FaultRegistry());
    expect(await net.tcp(client, "10.96.0.20", 80)).to.equal("open");
    expect(await net.tcp(client, "10.96.0.20", 9376)).to.equal("open");
  });

  it("leaves the ports after the first unrouted, and nothing else; clearing it restores the port", async () => {
    const faults = new FaultRegistry();
    const net = world(faults);
    await faults.add({ name: "service-port-unrouted", scope: { namespace: "hc-*" } });
    expect(await net.tcp(client, "10.96.0.20", 9376)).to.deep.equal({ error: "timeout" });
    expect(await net.tcp(client, "10.96.0.20", 80)).to.equal("open");
    expect(await net.tcp(client, "10.96.0.30", 80)).to.equal("open");
    expect(await net.tcp(client, "10.244.0.7", 9376)).to.equal("open");
    await faults.clear("service-port-unrouted");
    expect(await net.tcp(client, "10.96.0.20", 9376)).to.equal("open");
  });

  it("is scoped by the Service's namespace", async () => {
    const faults = new FaultRegistry();
    await faults.add({ name: "service-port-unrouted", scope: { namespace: "other" } });
    expect(await world(faults).tcp(client, "10.96.0.20", 9376)).to.equal("open");
  });
});
