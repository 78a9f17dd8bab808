// Every wait budget of a run, from one place. --timeout-scale is read here and nowhere else.
//
// The policy: a budget is its base (upstream's figure, test/e2e/framework/timeouts.go, or the measured time a
// healthy Windows node takes) multiplied by the scale, but never below its floor. A floor is the least time the
// thing takes on any cluster however fast — a probe's few periods, a poll's round trips, a log line's way to the
// API — so that scaling a fast cluster's budgets down cannot make a healthy step time out. Budgets that only wait
// for the cluster's own work (pod start, pull, delete, a load balancer) have no floor: the sensitivity tests scale
// them down to make waits that can only time out do so quickly.
import type * as k8s from "@kubernetes/client-node";
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
   * cluster-autoscaler's first word (TriggeredScaleUp or NotTriggerScaleUp) on a pod that only an empty pool can
   * take: it looks at unschedulable pods every --scan-interval (10 s by default, cluster-autoscaler FAQ); a minute
   * is six scans (my figure, not upstream's). Nothing by then: nothing scales that pool. Floor: two scans.
   */
  scaleUpAckMs: { base: 60_000, floor: 20_000 },
  /**
   * A new namespace's default ServiceAccount, which the controller-manager creates (pods are refused until it
   * exists): upstream e2e's ServiceAccountProvisionTimeout (WaitForDefaultServiceAccountInNamespace). Floor 60 s:
   * after an API server restart the controller-manager's informers re-list with client-go's reflector backoff (up
   * to 30 s, tools/cache/reflector.go), so the first namespace after it waits that long on a healthy cluster.
   */
  serviceAccountMs: { base: 2 * 60_000, floor: 60_000 },
  /** A deleted pod gone from the API. */
  podDeleteMs: { base: 5 * 60_000, floor: 0 },
  /** Networking gets ~30 s to come up (upstream's hybrid_network.go)… */
  networkUpMs: { base: 30_000, floor: 6_000 },
  /** …then must stay up for a while. */
  networkStableMs: { base: 10_000, floor: 2_000 },
  /**
   * What a probe's reaction window (probeWindowMs below: the probe's own periods and timeout) allows on top, for
   * the kubelet to write the verdict into the pod's status and the watch to deliver it: a status sync and a
   * watch event, a few seconds on a busy node. Also how long past its window a verdict that must hold is watched.
   */
  probeSlackMs: { base: 10_000, floor: 3_000 },
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

/** Upstream's probe defaults (k8s.io/api core/v1 Probe): period 10 s, timeout 1 s, failure threshold 3, success 1. */
const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 };

/**
 * How long the kubelet may take to act on a probe's verdict, read from the probe itself: threshold × period
 * (failureThreshold for "failure", successThreshold for "success"), plus the last probe's timeout. "first-success"
 * is a probe's first verdict after the container starts: its initialDelaySeconds comes first. Also how long a test
 * watches a verdict that must hold: a probe that acted wrongly would have acted within it.
 */
export function probeReactionMs(probe: k8s.V1Probe | undefined, verdict: "failure" | "success" | "first-success"): number {
  const d = PROBE_DEFAULTS;
  const threshold = verdict === "failure" ? (probe?.failureThreshold ?? d.failureThreshold) : (probe?.successThreshold ?? d.successThreshold);
  const delay = verdict === "first-success" ? (probe?.initialDelaySeconds ?? d.initialDelaySeconds) : 0;
  return (delay + (probe?.periodSeconds ?? d.periodSeconds) * threshold + (probe?.timeoutSeconds ?? d.timeoutSeconds)) * 1000;
}

/**
 * How long a test waits for the kubelet to act on a probe's verdict: probeReactionMs plus the run's probeSlackMs,
 * for the verdict to reach the pod's status and the watch. The one place a probe wait is computed, so a fixture
 * that changes its probe changes its wait.
 */
export function probeWindowMs(b: Pick<Budgets, "probeSlackMs">, probe: k8s.V1Probe | undefined, verdict: "failure" | "success" | "first-success"): number {
  return probeReactionMs(probe, verdict) + b.probeSlackMs;
}

/** How long a probe takes to run `n` times: n × periodSeconds (how long a test watches a verdict hold). */
export function probePeriodsMs(probe: k8s.V1Probe | undefined, n: number): number {
  return n * (probe?.periodSeconds ?? PROBE_DEFAULTS.periodSeconds) * 1000;
}
