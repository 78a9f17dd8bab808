// Reading a load-balancer controller from cluster facts (lib/checks/load-balancer.ts): what counts as a sign that
// one acted on the Service, and what a pending Service shows.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { controllerEvents, controllerSign, loadBalancerAddress, pendingState } from "../../../lib/checks/load-balancer.js";

const svc = (extra: Partial<k8s.V1Service> = {}): k8s.V1Service => ({
  metadata: { name: "iis-2022", namespace: "t", uid: "u1", ...extra.metadata },
  spec: { type: "LoadBalancer" },
  status: extra.status ?? {},
});
const ev = (reason: string, component: string, at: string, o: Partial<k8s.CoreV1Event> = {}): k8s.CoreV1Event => ({
  metadata: {},
  involvedObject: { kind: "Service", name: "iis-2022", uid: "u1" },
  reason,
  message: `${reason} message`,
  type: "Normal",
  source: { component },
  lastTimestamp: new Date(at),
  ...o,
});

describe("load-balancer controller signs (lib/checks/load-balancer.ts)", () => {
  it("sees no controller on a bare Service, nor in events of other objects or of the endpoint controllers", () => {
    const others = [
      ev("ScalingReplicaSet", "deployment-controller", "2026-01-01T00:00:00Z", { involvedObject: { kind: "Deployment", name: "iis-2022", uid: "d1" } }),
      ev("FailedToUpdateEndpointSlices", "endpoint-slice-controller", "2026-01-01T00:00:01Z"),
      ev("EnsuringLoadBalancer", "service-controller", "2026-01-01T00:00:02Z", { involvedObject: { kind: "Service", name: "iis-2022", uid: "old" } }),
    ];
    expect(controllerSign(svc(), others)).to.equal(undefined);
    expect(controllerSign(undefined, others)).to.equal(undefined);
  });

  it("names the first sign: the address, else the controller's first event, else a finalizer, else a status condition", () => {
    const events = [
      ev("SyncLoadBalancerFailed", "service-controller", "2026-01-01T00:00:09Z", { type: "Warning" }),
      ev("EnsuringLoadBalancer", "service-controller", "2026-01-01T00:00:01Z"),
    ];
    expect(controllerSign(svc({ status: { loadBalancer: { ingress: [{ ip: "127.1.240.1" }] } } }), events)).to.equal("its external address 127.1.240.1");
    expect(controllerSign(svc(), events)).to.equal("event Normal EnsuringLoadBalancer from service-controller: EnsuringLoadBalancer message");
    // MetalLB records IPAllocated from its own controller: any controller counts.
    expect(controllerSign(svc(), [ev("AllocationFailed", "metallb-controller", "2026-01-01T00:00:01Z", { type: "Warning" })])).to.match(
      /^event Warning AllocationFailed from metallb-controller/,
    );
    expect(controllerSign(svc({ metadata: { finalizers: ["service.k8s.aws/resources"] } }), [])).to.equal("finalizer service.k8s.aws/resources");
    expect(
      controllerSign(
        svc({
          status: { conditions: [{ type: "cilium.io/IPAMRequestSatisfied", status: "False", reason: "no_pool", lastTransitionTime: new Date(), message: "" }] },
        }),
        [],
      ),
    ).to.equal("status condition cilium.io/IPAMRequestSatisfied=False (no_pool)");
  });

  it("orders the controller's events oldest first and shows the latest while the address is pending", () => {
    const events = [
      ev("SyncLoadBalancerFailed", "service-controller", "2026-01-01T00:00:09Z", { type: "Warning" }),
      ev("EnsuringLoadBalancer", "service-controller", "2026-01-01T00:00:01Z"),
    ];
    expect(controllerEvents(svc(), events).map((e) => e.reason)).to.deep.equal(["EnsuringLoadBalancer", "SyncLoadBalancerFailed"]);
    expect(pendingState(svc(), events)).to.equal("last event: Warning SyncLoadBalancerFailed from service-controller: SyncLoadBalancerFailed message");
    expect(pendingState(svc(), [])).to.equal("status.loadBalancer: {}");
    expect(pendingState(undefined, [])).to.equal("service not found");
  });

  it("reads a load balancer's address: IP first, else hostname", () => {
    expect(loadBalancerAddress({ status: { loadBalancer: {} } })).to.equal(undefined);
    expect(loadBalancerAddress({ status: { loadBalancer: { ingress: [{ hostname: "lb.example" }] } } })).to.equal("lb.example");
    expect(loadBalancerAddress({ status: { loadBalancer: { ingress: [{ ip: "203.0.113.7", hostname: "x" }] } } })).to.equal("203.0.113.7");
  });
});
