// Windows pools that scale from zero (`run --autoscaled-pool build=…,taint=…,label=…`). A cluster whose Windows
// pool has no node until a pod needs one cannot be discovered: cluster-autoscaler's status ConfigMap gives node
// groups' sizes only, and the node templates (AWS ASG tags `k8s.io/cluster-autoscaler/node-template/label/…` and
// `…/taint/…`, AKS/GKE node-pool APIs) live outside the cluster. So the user declares the pool: its Windows build,
// the taints its nodes will carry and any labels that select it. The preflight then asks for a node the way any
// workload does: a placeholder pod only that pool can take, in a labelled namespace of its own. cluster-autoscaler
// answers with `TriggeredScaleUp` on the pod (or `NotTriggerScaleUp`, which ends the wait at once); the new node
// must then register and turn Ready within the scale-up budget. The placeholder is removed before the tests start.
import type * as k8s from "@kubernetes/client-node";
import { InvalidArgumentError } from "commander";
import { apply } from "../cluster/api.js";
import { waitFor } from "../cluster/wait.js";
import { WaitExpectationFailed, WaitTimeout } from "../cluster/watch.js";
import { applyRegistryOverride } from "../fixtures/images.js";
import { CleanupRegistry } from "../run/cleanup.js";
import { labels } from "../run/context.js";
import { UserFacingError } from "../errors.js";
import type { Capabilities, NodeInfo } from "../preflight/types.js";
import type { Budgets } from "../run/budgets.js";

export interface AutoscaledPool {
  /** The Windows build its nodes will run, e.g. 10.0.20348. */
  build: string;
  /** The taints its nodes will carry (the placeholder tolerates exactly these). */
  taints: { key: string; value?: string; effect: string }[];
  /** Labels its nodes will carry that select it (besides OS and build), e.g. agentpool=win22. */
  labels: Record<string, string>;
  /** As given, for messages. */
  text: string;
}

const OS_LABEL = "kubernetes.io/os";
const BUILD_LABEL = "node.kubernetes.io/windows-build";
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
// A label key (optional DNS-subdomain prefix, then a name) and value, as the API server validates them.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** The pause image the placeholder runs: a multi-OS manifest list with Windows variants (upstream e2e manifest). */
export const PLACEHOLDER_IMAGE = "registry.k8s.io/pause:3.9";

/** `build=10.0.20348,taint=os=windows:NoSchedule,label=agentpool=win22` → the pool; the flag's (and config key's) parser. */
export function parseAutoscaledPool(v: string, prev: AutoscaledPool[] = []): AutoscaledPool[] {
  const bad = (why: string) => new InvalidArgumentError(`${why}; expected e.g. build=10.0.20348,taint=os=windows:NoSchedule,label=agentpool=win22`);
  const pool: AutoscaledPool = { build: "", taints: [], labels: {}, text: v };
  for (const part of v.split(",").map((s) => s.trim())) {
    const eq = part.indexOf("=");
    const [key, value] = eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    if (key === "build") {
      if (!/^10\.0\.\d{5}$/.test(value)) throw bad(`build ${JSON.stringify(value)} is not a Windows build like 10.0.20348`);
      pool.build = value;
    } else if (key === "taint") {
      const m = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(value);
      if (!m || !LABEL_KEY.test(m[1]) || !EFFECTS.includes(m[3]))
        throw bad(`taint ${JSON.stringify(value)} is not key[=value]:Effect with Effect one of ${EFFECTS.join(", ")}`);
      pool.taints.push({ key: m[1], ...(m[2] ? { value: m[2] } : {}), effect: m[3] });
    } else if (key === "label") {
      const [k, ...rest] = value.split("=");
      const val = rest.join("=");
      if (!LABEL_KEY.test(k) || !rest.length || !LABEL_VALUE.test(val)) throw bad(`label ${JSON.stringify(value)} is not key=value`);
      pool.labels[k] = val;
    } else throw bad(`unknown part ${JSON.stringify(part)} (parts: build, taint, label)`);
  }
  if (!pool.build) throw bad("no build= given");
  return [...prev, pool];
}

/** Whether a node belongs to the declared pool: Windows, its build and its labels. */
export function nodeOfPool(n: Pick<NodeInfo, "os" | "build" | "labels">, pool: AutoscaledPool): boolean {
  return n.os === "windows" && n.build === pool.build && Object.entries(pool.labels).every(([k, v]) => n.labels[k] === v);
}

/** The declared pools that have no Ready node yet: each needs a scale-up before anything can be tested on it. */
export function poolsToScale(caps: Pick<Capabilities, "nodes">, pools: AutoscaledPool[]): AutoscaledPool[] {
  return pools.filter((p) => !caps.nodes.some((n) => n.ready && nodeOfPool(n, p)));
}

/** A pod only the declared pool's nodes take: its OS, build and labels selected, exactly its taints tolerated. */
export function placeholderPod(pool: AutoscaledPool, ns: string, runLabels: Record<string, string>, registry?: Record<string, string>): k8s.V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `scale-up-${pool.build.replace(/\./g, "-")}`, namespace: ns, labels: runLabels },
    spec: {
      nodeSelector: { [OS_LABEL]: "windows", [BUILD_LABEL]: pool.build, ...pool.labels },
      tolerations: pool.taints.map((t) =>
        t.value === undefined ? { key: t.key, operator: "Exists", effect: t.effect } : { key: t.key, operator: "Equal", value: t.value, effect: t.effect },
      ),
      terminationGracePeriodSeconds: 0,
      containers: [{ name: "pause", image: applyRegistryOverride(PLACEHOLDER_IMAGE, registry), resources: { requests: { cpu: "10m", memory: "32Mi" } } }],
    },
  };
}

type ScaleEvent = Pick<k8s.CoreV1Event, "reason" | "message" | "source" | "reportingComponent"> & { involvedObject: { name?: string } };

/**
 * cluster-autoscaler's verdict on the placeholder, from its events: `TriggeredScaleUp` (a node is coming),
 * `NotTriggerScaleUp` (no node group fits: final), else pending. The scheduler's FailedScheduling is expected.
 */
export function scaleUpVerdict(events: ScaleEvent[], pod: string): { done: string } | { fail: string } | { pending: string } {
  const mine = events.filter((e) => e.involvedObject.name === pod);
  const up = mine.find((e) => e.reason === "TriggeredScaleUp");
  if (up) return { done: up.message ?? "TriggeredScaleUp" };
  const no = mine.find((e) => e.reason === "NotTriggerScaleUp");
  if (no) return { fail: `cluster-autoscaler will not add a node for it: NotTriggerScaleUp: ${no.message}` };
  const sched = mine.filter((e) => e.reason === "FailedScheduling").pop();
  return { pending: sched ? `FailedScheduling: ${sched.message}; no event from cluster-autoscaler yet` : "no event on the pod yet" };
}

export interface ScaleUpInput {
  kc: k8s.KubeConfig;
  pools: AutoscaledPool[];
  budgets: Pick<Budgets, "scaleUpAckMs" | "scaleUpMs" | "podDeleteMs">;
  registry?: Record<string, string>;
  info: (line: string) => void;
}

/**
 * Grows each declared pool by one node, as any workload would make it grow; throws a UserFacingError (one line,
 * exit 2) naming the pool and the cluster's answer when no node comes. The placeholders are removed either way.
 */
export async function scaleUpPools(x: ScaleUpInput): Promise<void> {
  const runId = `s${Date.now().toString(36)}`;
  const ns = `hc-scale-up-${runId}`;
  const runLabels = { [labels.run]: runId, [labels.managed]: "hybrid-conformance" };
  const cleanup = new CleanupRegistry(x.kc);
  const nsObj: k8s.V1Namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: runLabels } };
  cleanup.track(nsObj);
  try {
    await apply(x.kc, nsObj);
    await Promise.all(x.pools.map((p) => scaleUpOne(x, p, ns, runLabels)));
  } finally {
    const problems = await cleanup.run(x.budgets.podDeleteMs).catch((e) => [(e as Error).message]);
    for (const p of problems) x.info(`scale-up: cleanup: ${p}`);
  }
}

async function scaleUpOne(x: ScaleUpInput, pool: AutoscaledPool, ns: string, runLabels: Record<string, string>): Promise<void> {
  const pod = placeholderPod(pool, ns, runLabels, x.registry);
  const name = pod.metadata!.name!;
  const started = Date.now();
  const where = `--autoscaled-pool ${pool.text}`;
  await apply(x.kc, pod);
  x.info(`scale-up: ${where}: no Ready node yet; pod ${ns}/${name} asks cluster-autoscaler for one`);
  try {
    const announced = await waitFor<string, k8s.CoreV1Event>(
      x.kc,
      { what: `cluster-autoscaler to act on pod ${ns}/${name}`, watch: { path: `/api/v1/namespaces/${ns}/events` }, judge: (evs) => scaleUpVerdict(evs, name) },
      { timeoutMs: x.budgets.scaleUpAckMs },
    );
    x.info(`scale-up: ${where}: TriggeredScaleUp: ${announced}`);
    const node = await waitFor<string, k8s.V1Node>(
      x.kc,
      {
        what: `a Ready Windows node of build ${pool.build} after the scale-up`,
        watch: {
          path: "/api/v1/nodes",
          labelSelector: [`${OS_LABEL}=windows`, `${BUILD_LABEL}=${pool.build}`, ...Object.entries(pool.labels).map(([k, v]) => `${k}=${v}`)].join(","),
        },
        judge: (nodes) => {
          const ready = nodes.find((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
          if (ready) return { done: ready.metadata!.name! };
          return { pending: nodes.length ? `registered, not Ready: ${nodes.map((n) => n.metadata?.name).join(", ")}` : "no node of the pool registered yet" };
        },
      },
      { timeoutMs: x.budgets.scaleUpMs },
    );
    x.info(`scale-up: ${where}: node ${node} Ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    if (e instanceof WaitTimeout || e instanceof WaitExpectationFailed) throw new UserFacingError(`${where}: the pool did not grow: ${e.message}`);
    throw e;
  }
}
