// endpointslice-stale: a foreign controller's slice for exactly the matching Services, listing an address no pod
// holds as ready; Services elsewhere, headless and selector-less Services are left alone; clearing deletes it.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { planStale, staleAddress, staleSlice, STALE_MANAGER } from "../../../localcluster/dataplane/stale-endpoints.js";
import { scopeMatches } from "../../../localcluster/dataplane/faults.js";

const svc = (namespace: string, name: string, spec: Partial<k8s.V1ServiceSpec> = {}): k8s.V1Service => ({
  metadata: { name, namespace },
  spec: { selector: { app: name }, clusterIP: "10.96.0.50", ports: [{ port: 80, targetPort: 80 as never, protocol: "TCP" }], ...spec },
});
const services = [
  svc("hc-net", "win-webserver"),
  svc("default", "kubernetes"),
  svc("hc-net", "headless", { clusterIP: "None" }),
  svc("hc-net", "manual", { selector: undefined }),
];
const inHc = (s: k8s.V1Service) => scopeMatches({ namespace: "hc-*" }, { namespace: s.metadata?.namespace });

describe("dataplane faults: endpointslice-stale", () => {
  const nodes: k8s.V1Node[] = [
    { metadata: { name: "hc-linux-1", labels: { "kubernetes.io/os": "linux" } }, spec: { podCIDR: "10.244.1.0/24" } },
    { metadata: { name: "hc-win2022-1", labels: { "kubernetes.io/os": "windows" } }, spec: { podCIDR: "10.244.3.0/24" } },
  ];

  it("writes one slice per matching Service, listing a Windows pod-CIDR address no pod holds as ready, managed by another controller", () => {
    const plan = planStale(services, [], inHc);
    expect(plan.create.map((s) => s.metadata!.name)).to.deep.equal(["win-webserver"]);
    expect(plan.remove).to.deep.equal([]);
    const addr = staleAddress(nodes);
    expect(addr).to.equal("10.244.3.250");
    const slice = staleSlice(plan.create[0], addr);
    expect(slice.metadata!.labels).to.deep.equal({ "kubernetes.io/service-name": "win-webserver", "endpointslice.kubernetes.io/managed-by": STALE_MANAGER });
    expect(slice.metadata!.labels!["endpointslice.kubernetes.io/managed-by"]).to.not.equal("endpointslice-controller.k8s.io");
    expect(slice.endpoints).to.deep.equal([{ addresses: ["10.244.3.250"], conditions: { ready: true, serving: true, terminating: false } }]);
    expect(slice.ports).to.deep.equal([{ name: "", protocol: "TCP", port: 80 }]);
  });

  it("does nothing more while the slice exists, and deletes it when the fault clears", () => {
    const existing = [
      staleSlice(services[0], "10.244.3.250"),
      {
        addressType: "IPv4",
        metadata: { name: "win-webserver-abcde", namespace: "hc-net", labels: { "kubernetes.io/service-name": "win-webserver" } },
        endpoints: [],
      },
    ];
    expect(planStale(services, existing, inHc)).to.deep.equal({ create: [], remove: [] });
    const cleared = planStale(services, existing, () => false);
    expect(cleared.create).to.deep.equal([]);
    expect(
      cleared.remove.map((s) => s.metadata!.name),
      "only its own slice, never the controller-manager's",
    ).to.deep.equal(["win-webserver-stale"]);
  });
});
