// `run --prepull`: before the tests, every image they pull (lib/prepull/images.ts) is pulled on every targeted node —
// one DaemonSet per Windows build (and one for the Linux helpers' images) in the run's own labelled namespace,
// rendered by the scheduling guard like any fixture — so no test waits on a pull. Each image is a container that
// stays up (a DaemonSet's pods cannot exit); a node is done when all its containers run, i.e. every image is there.
import type * as k8s from "@kubernetes/client-node";
import { apply } from "../cluster/api.js";
import { waitFor } from "../cluster/wait.js";
import { pullFailureIsFinal } from "../cluster/pod-phases.js";
import { renderFixture, formatTarget, TARGET_ANNOTATION, tolerationsFor } from "../fixtures/index.js";
import { CleanupRegistry } from "../run/cleanup.js";
import { labels } from "../run/context.js";
import type { Capabilities, NodeInfo } from "../preflight/types.js";
import type { ImageSet } from "./images.js";

/** One node's pre-pull, for the reports. */
export interface NodePull {
  node: string;
  os: string;
  build?: string;
  images: string[];
  /** From the DaemonSet's creation to every image running on the node. */
  durationMs: number;
}

/** The pre-pull phase, for the reports (summary.json `prepull`, Allure, JUnit, console). */
export interface PrepullRecord {
  startedAt: number;
  durationMs: number;
  nodes: NodePull[];
}

/** A set of images to pull, with where: one pool's pass (its capabilities, its nodes), or the Linux nodes. */
export interface PrepullSet extends ImageSet {
  /** As the set's pass renders its pods: the DaemonSet is pinned to the pool and tolerates its taints. */
  caps: Capabilities;
  /** The nodes it targets: a DaemonSet pod must become ready on each that can run it. */
  nodes: NodeInfo[];
  /** The DaemonSet's name. */
  name: string;
}

export interface PrepullInput {
  kc: k8s.KubeConfig;
  runId: string;
  sets: PrepullSet[];
  /** The pull budget (lib/run/budgets.ts imagePullMs): the whole pre-pull must finish within it. */
  timeoutMs: number;
  info: (line: string) => void;
  /** SIGINT/SIGTERM: the wait ends at the next change it sees (the sweep deleting the pods is one). */
  stopped?: () => boolean;
}

const POD_LABEL = "hybrid-conformance.io/prepull";

/** Pulls every set's images on its nodes; throws naming node and image when a pull cannot succeed. */
export async function prepull(x: PrepullInput): Promise<PrepullRecord> {
  const startedAt = Date.now();
  const ns = `hc-prepull-${x.runId}`.toLowerCase();
  const runLabels = { [labels.run]: x.runId, [labels.managed]: "hybrid-conformance" };
  const cleanup = new CleanupRegistry(x.kc);
  const nsObj: k8s.V1Namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: runLabels } };
  cleanup.track(nsObj);
  const plans = x.sets.filter((s) => s.images.length).map((s) => ({ set: s, nodes: s.nodes.filter((n) => runsOn(s, n, s.caps)) }));
  const expected = new Map(plans.flatMap((p) => p.nodes.map((n) => [n.name, p.set.images] as const)));
  try {
    await apply(x.kc, nsObj);
    for (const p of plans.filter((p) => p.nodes.length)) {
      const [ds] = renderFixture([daemonSet(p.set)], { caps: p.set.caps, namespace: ns, labels: runLabels, build: p.set.build }) as [k8s.V1DaemonSet];
      // The set's images are final (rendered for the build, or given as is, like --logmonitor-image): no second retag.
      ds.spec!.template.spec!.containers.forEach((c, i) => (c.image = p.set.images[i]));
      cleanup.track(ds);
      await apply(x.kc, ds);
      x.info(`prepull: ${ds.metadata!.name}: ${p.set.images.length} image(s) on ${p.nodes.map((n) => n.name).join(", ")}`);
    }
    const done = new Map<string, number>();
    const progress = new Map<string, string>();
    await waitFor<true, k8s.V1Pod>(
      x.kc,
      {
        what: "prepull",
        watch: { path: `/api/v1/namespaces/${ns}/pods`, labelSelector: POD_LABEL },
        judge: (pods) => {
          if (x.stopped?.()) return { fail: "interrupted" };
          for (const p of pods) {
            const node = p.spec?.nodeName;
            if (!node || !expected.has(node) || p.metadata?.deletionTimestamp) continue;
            const statuses = p.status?.containerStatuses ?? [];
            for (const s of statuses) {
              const msg = s.state?.waiting?.message ?? "";
              if (/ErrImagePull|ImagePullBackOff|InvalidImageName/.test(s.state?.waiting?.reason ?? "") && pullFailureIsFinal(msg))
                return { fail: `node ${node} cannot pull ${s.image}: ${msg.split("\n")[0]}` };
            }
            const pulled = statuses.filter((s) => s.imageID).length;
            const line = `prepull: ${node}: ${pulled}/${expected.get(node)!.length} image(s) pulled`;
            if (progress.get(node) !== line) {
              progress.set(node, line);
              const complete = pulled === expected.get(node)!.length && statuses.every((s) => s.state?.running);
              if (complete && !done.has(node)) done.set(node, Date.now() - startedAt);
              x.info(complete ? `${line} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s` : line);
            }
          }
          if (done.size === expected.size) return { done: true };
          const waiting = [...expected.keys()].filter((n) => !done.has(n));
          return {
            pending: `${expected.size - waiting.length}/${expected.size} node(s) done (namespace ${ns}); waiting on ${waiting.map((n) => progress.get(n)?.replace("prepull: ", "") ?? `${n}: no pod yet`).join("; ")}`,
          };
        },
      },
      { timeoutMs: x.timeoutMs },
    );
    const finished = Date.now();
    return {
      startedAt,
      durationMs: finished - startedAt,
      nodes: plans.flatMap((p) =>
        p.nodes.map((n) => ({ node: n.name, os: n.os, build: n.build, images: p.set.images, durationMs: done.get(n.name) ?? finished - startedAt })),
      ),
    };
  } finally {
    // The DaemonSets' pods would hold the nodes' capacity during the tests: deletion is issued now; the run's sweep
    // waits until the namespace is gone.
    await cleanup.run(0).catch(() => undefined);
  }
}

/** One DaemonSet for a set, written as a fixture: the guard adds the OS/build selector and the cluster's tolerations. */
function daemonSet(set: PrepullSet): k8s.V1DaemonSet {
  const name = set.name;
  const podLabels = { [POD_LABEL]: name };
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, annotations: { [TARGET_ANNOTATION]: formatTarget({ os: set.os, build: set.build }) } },
    spec: {
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: podLabels },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: set.images.map((image, i) => ({ name: `image-${i}`, image, imagePullPolicy: "IfNotPresent", ...holdCommand(image, set.os) })),
        },
      },
    },
  };
}

/** A command that keeps a container of this image up: agnhost's own `pause`, else a ping that never ends. */
export function holdCommand(image: string, os: "windows" | "linux"): Pick<k8s.V1Container, "command" | "args"> {
  if (/(^|\/)agnhost(:|@|$)/.test(image)) return { args: ["pause"] };
  return os === "windows" ? { command: ["ping", "-t", "localhost"] } : { command: ["sleep", "infinity"] };
}

/** Whether the set's DaemonSet puts a pod on the node: Ready, its OS (and build), every NoSchedule/NoExecute taint tolerated. */
function runsOn(set: ImageSet, n: NodeInfo, caps: Capabilities): boolean {
  if (!n.ready || n.os !== set.os || (set.build && n.build !== set.build)) return false;
  const tolerations = tolerationsFor(set.os === "windows" ? caps.windowsTaints : (caps.linuxTaints ?? []));
  return n.taints
    .filter((t) => t.effect === "NoSchedule" || t.effect === "NoExecute")
    .every((t) => tolerations.some((tol) => tol.key === t.key && tol.effect === t.effect && (tol.operator === "Exists" || tol.value === t.value)));
}
