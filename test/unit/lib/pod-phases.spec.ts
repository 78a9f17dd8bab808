// Issue 14 item 4: waits know phases from events. A pull has its own budget (Pulling to Pulled) not charged to the
// start budget; a retrying pull error is not final until that budget is spent; a missing image, a platform
// mismatch and an Unschedulable without scale-up stay final at once; TriggeredScaleUp makes Unschedulable wait.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { KubeConfig } from "@kubernetes/client-node";
import { PodPhases, pullFailureIsFinal } from "../../../lib/cluster/pod-phases.js";
import { podTrouble } from "../../../lib/cluster/waits.js";
import { budgets } from "../../../lib/run/budgets.js";

const ev = (reason: string, message = ""): k8s.CoreV1Event => ({ metadata: {}, involvedObject: { kind: "Pod", name: "p" }, reason, message });
const phases = () => new PodPhases(new KubeConfig(), "ns", { imagePullMs: 900_000, scaleUpMs: 900_000 });
const waiting = (reason: string, message: string): k8s.V1Pod => ({
  metadata: { name: "p", namespace: "ns" },
  spec: { nodeName: "w1", containers: [] },
  status: {
    phase: "Pending",
    containerStatuses: [{ name: "c", image: "i", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason, message } } }],
  },
});
const unschedulable: k8s.V1Pod = {
  metadata: { name: "p", namespace: "ns" },
  spec: { containers: [] },
  status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/5 nodes are available" }] },
};

describe("pod phases (issue 14 item 4)", () => {
  it("the pull budget is 15 min × --timeout-scale and lives with the other budgets, as does the scale-up budget", () => {
    const b = budgets({ options: { timeoutScale: 1 }, caps: { local: false } });
    expect(b.imagePullMs).to.equal(15 * 60_000);
    expect(b.scaleUpMs).to.equal(15 * 60_000);
    expect(budgets({ options: { timeoutScale: 0.5 }, caps: { local: false } }).imagePullMs).to.equal(7.5 * 60_000);
    // The local cluster's default scale (0.2) is for its fast control plane, not for a pull: 15 min unless --timeout-scale says otherwise.
    expect(budgets({ options: {}, caps: { local: true } }).imagePullMs).to.equal(15 * 60_000);
  });

  it("classifies pull errors: missing image, platform mismatch and refused credentials are final; timeouts and 5xx are retried", () => {
    expect(
      pullFailureIsFinal('failed to pull and unpack image "mcr.microsoft.com/x:1": failed to resolve reference: mcr.microsoft.com/x:1: not found'),
    ).to.equal(true);
    expect(pullFailureIsFinal("no match for platform in manifest: not found")).to.equal(true);
    expect(pullFailureIsFinal("unexpected status from HEAD request: 403 Forbidden")).to.equal(true);
    expect(pullFailureIsFinal("failed to copy: httpReadSeeker: failed open: unexpected status code 503 Service Unavailable")).to.equal(false);
    expect(pullFailureIsFinal("read tcp 10.0.0.4:50122->13.107.246.40:443: read: connection reset by peer")).to.equal(false);
    expect(pullFailureIsFinal("net/http: TLS handshake timeout")).to.equal(false);
  });

  it("a retrying ImagePullBackOff is pending until the pull budget is spent, then final", () => {
    const p = phases();
    const pod = waiting("ImagePullBackOff", 'Back-off pulling image "x": ErrImagePull: net/http: TLS handshake timeout');
    expect(podTrouble(pod), "without phases (the old behaviour) it is final at once").to.match(/ImagePullBackOff/);
    p.note(ev("Pulling"), Date.now() - 60_000);
    expect(podTrouble(pod, {}, p)).to.equal(undefined);
    p.note(ev("Pulling"), 0); // a second Pulling does not restart the budget
    const q = phases();
    q.note(ev("Pulling"), Date.now() - 901_000);
    expect(podTrouble(pod, {}, q)).to.match(/ImagePullBackOff: Back-off pulling image/);
  });

  it("a missing image or a platform mismatch stays final at once, phases or not", () => {
    const p = phases();
    p.note(ev("Pulling"));
    expect(
      podTrouble(waiting("ErrImagePull", 'Failed to pull image "x": rpc error: code = NotFound desc = failed to resolve reference "x": not found'), {}, p),
    ).to.match(/ErrImagePull/);
    expect(podTrouble(waiting("ErrImagePull", "no match for platform in manifest: not found"), {}, p)).to.match(/no match for platform/);
  });

  it("time spent pulling (capped at its budget) and waiting for a new node is not charged to the start budget", () => {
    const p = phases();
    const t0 = 1_000_000;
    p.note(ev("TriggeredScaleUp", "pod triggered scale-up: [{win2022 0->1 (max: 2)}]"), t0);
    p.note(ev("Pulling"), t0 + 240_000);
    p.note(ev("Pulled"), t0 + 420_000);
    expect(p.extraMs("p", t0 + 500_000)).to.equal(240_000 + 180_000);
    const long = phases();
    long.note(ev("Pulling"), t0);
    expect(long.extraMs("p", t0 + 2_000_000)).to.equal(900_000);
  });

  it("Unschedulable is final at once, unless cluster-autoscaler announced a scale-up for the pod", () => {
    const p = phases();
    expect(podTrouble(unschedulable, {}, p)).to.match(/cannot be scheduled/);
    p.note(ev("TriggeredScaleUp", "pod triggered scale-up: [{win2022 0->1 (max: 2)}]"));
    expect(podTrouble(unschedulable, {}, p)).to.equal(undefined);
  });
});
