// Every wait budget of a run, from one place. --timeout-scale is read here and nowhere else.
//
// The policy: a budget is its base (upstream's figure, test/e2e/framework/timeouts.go, or the measured time a
// healthy Windows node takes) multiplied by the scale, but never below its floor. A floor is the least time the
// thing takes on any cluster however fast — a probe's few periods, a poll's round trips, a log line's way to the
// API — so that scaling a fast cluster's budgets down cannot make a healthy step time out. Budgets that only wait
// for the cluster's own work (pod start, pull, delete, a load balancer) have no floor: the sensitivity tests scale
// them down to make waits that can only time out do so quickly.
import type { RunOptions } from "./context.js";
import type { Capabilities } from "../preflight/types.js";

/** The scale when --timeout-scale is not given: the embedded local cluster is fast, a real one is not. */
const defaultTimeoutScale = (local: boolean) => (local ? 0.2 : 1);

const table = {
  /** A pod scheduled, pulled (cached) and started. */
  podStartMs: { base: 5 * 60_000, floor: 0 },
  /**
   * Windows images are large: a pull (Pulling to Pulled) gets its own budget, not charged to podStartMs. It is the
   * node's real work, which no cluster does faster for being small: scaled by an explicit --timeout-scale only.
   */
  imagePullMs: { base: 15 * 60_000, floor: 0, explicitScaleOnly: true },
  /** A node cluster-autoscaler announced (TriggeredScaleUp) registering: its --max-node-provision-time default; as above. */
  scaleUpMs: { base: 15 * 60_000, floor: 0, explicitScaleOnly: true },
  /**
   * A new namespace's default ServiceAccount, which the controller-manager creates (pods are refused until it
   * exists): upstream e2e's ServiceAccountProvisionTimeout (WaitForDefaultServiceAccountInNamespace).
   */
  serviceAccountMs: { base: 2 * 60_000, floor: 30_000 },
  /** A deleted pod gone from the API. */
  podDeleteMs: { base: 5 * 60_000, floor: 0 },
  /** Networking gets ~30 s to come up (upstream's hybrid_network.go)… */
  networkUpMs: { base: 30_000, floor: 6_000 },
  /** …then must stay up for a while. */
  networkStableMs: { base: 10_000, floor: 2_000 },
  /** A probe's verdict flipping in the pod's status: a few probe periods. */
  probeReactionMs: { base: 30_000, floor: 10_000 },
  /** A container killed by its liveness probe, restarted (after back-off) and running again. */
  containerRestartMs: { base: 5 * 60_000, floor: 60_000 },
  /** A line a container wrote reaching `kubectl logs`. */
  logArrivalMs: { base: 30_000, floor: 10_000 },
  /** A new Windows container may refuse exec for a while after Running: how long exec retries that. */
  execRetryMs: { base: 60_000, floor: 6_000 },
  /** nltest /query retried with /sc_reset until the secure channel is up: upstream gmsa_full.go's fixed minute. */
  domainQueryMs: { base: 60_000, floor: 60_000 },
  /**
   * A load-balancer controller's first sign on a new LoadBalancer Service (an event on it, a finalizer, a status
   * condition or the address): controllers act on a Service within seconds of its creation, before the cloud
   * call that takes minutes. Nothing by then: the cluster has no controller. The floor is a few informer round trips.
   */
  loadBalancerAckMs: { base: 60_000, floor: 10_000 },
  /** The external address, once a controller acted: upstream e2e's LoadBalancerCreateTimeoutDefault (test/e2e/framework/service/const.go). */
  loadBalancerAddressMs: { base: 20 * 60_000, floor: 0 },
  /** The address answering once assigned: upstream's LoadBalancerLagTimeoutAWS, its longest propagation allowance. */
  loadBalancerAnswerMs: { base: 10 * 60_000, floor: 0 },
} satisfies Record<string, { base: number; floor: number; explicitScaleOnly?: boolean }>;

export type Budgets = { readonly [K in keyof typeof table]: number };

/** Every wait budget of a run: --timeout-scale (or its default for the cluster) applied to the table above. */
export function budgets(ctx: { options: Pick<RunOptions, "timeoutScale">; caps: Pick<Capabilities, "local"> }): Budgets {
  const s = ctx.options.timeoutScale ?? defaultTimeoutScale(ctx.caps.local);
  const explicit = ctx.options.timeoutScale ?? 1;
  return Object.fromEntries(
    Object.entries(table).map(([k, v]) => [k, Math.max(v.floor, v.base * ("explicitScaleOnly" in v && v.explicitScaleOnly ? explicit : s))]),
  ) as Budgets;
}
