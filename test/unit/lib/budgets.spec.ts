// The run's wait budgets: one table, one floor policy, the local cluster's default scale.
import { expect } from "chai";
import { budgets } from "../../../lib/run/budgets.js";

const at = (timeoutScale: number | undefined, local = false) => budgets({ options: { timeoutScale }, caps: { local } });

describe("wait budgets (lib/run/budgets.ts)", () => {
  it("uses upstream's figures at scale 1 (the default on a real cluster)", () => {
    expect(at(undefined)).to.deep.equal(at(1));
    expect(at(1)).to.include({
      podStartMs: 300_000,
      imagePullMs: 900_000,
      podDeleteMs: 300_000,
      networkUpMs: 30_000,
      networkStableMs: 10_000,
      probeReactionMs: 30_000,
      execRetryMs: 60_000,
    });
    expect(at(1)).to.include({
      serviceAccountMs: 120_000,
      containerRestartMs: 300_000,
      logArrivalMs: 30_000,
      // upstream's LoadBalancerCreateTimeoutDefault and LoadBalancerLagTimeoutAWS
      loadBalancerAddressMs: 1_200_000,
      loadBalancerAnswerMs: 600_000,
      loadBalancerAckMs: 60_000,
    });
  });

  it("defaults to scale 0.2 on the local cluster, where floors hold the short budgets up", () => {
    // Except the pull and scale-up budgets: a node's own slow work, scaled only by an explicit --timeout-scale.
    expect({ ...at(undefined, true), imagePullMs: 0, scaleUpMs: 0 }).to.deep.equal({ ...at(0.2, true), imagePullMs: 0, scaleUpMs: 0 });
    expect(at(undefined, true)).to.include({ imagePullMs: 900_000, scaleUpMs: 900_000 });
    expect(at(0.2)).to.include({
      podStartMs: 60_000,
      networkUpMs: 6_000,
      networkStableMs: 2_000,
      probeReactionMs: 10_000,
      containerRestartMs: 60_000,
      logArrivalMs: 10_000,
      execRetryMs: 12_000,
      loadBalancerAddressMs: 240_000,
      loadBalancerAnswerMs: 120_000,
      loadBalancerAckMs: 12_000,
    });
  });

  it("never goes below a floor, but scales the cluster's own work (pod start, pull, delete, load balancer) all the way down", () => {
    const b = at(0.05);
    expect(b).to.include({
      networkUpMs: 6_000,
      networkStableMs: 2_000,
      probeReactionMs: 10_000,
      containerRestartMs: 60_000,
      logArrivalMs: 10_000,
      execRetryMs: 6_000,
      loadBalancerAckMs: 10_000,
    });
    expect(b.podStartMs).to.be.closeTo(15_000, 1e-6);
    expect(b.podDeleteMs).to.be.closeTo(15_000, 1e-6);
    expect(b.loadBalancerAddressMs).to.be.closeTo(60_000, 1e-6);
    expect(b.loadBalancerAnswerMs).to.be.closeTo(30_000, 1e-6);
  });

  it("scales every budget up on a slow cluster", () => {
    const one = at(1);
    const three = at(3);
    for (const k of Object.keys(one) as (keyof typeof one)[]) expect(three[k], k).to.equal(one[k] * 3);
  });
});
