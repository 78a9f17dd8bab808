// How a sensitivity case's fault is put on the local cluster and taken off again: emulator faults through the
// FaultSwitch (waiting, for node faults, until the nodes show them), and cluster variants that are not emulator
// faults (an object the run is pointed at with a flag). Mechanics only: what each case must break is its data
// (sensitivity/*.cases.ts).
import * as k8s from "@kubernetes/client-node";
import { FaultSwitch } from "./dataplane.js";
import { localKubeConfig } from "./local-cluster.js";
import { waitOn } from "../../lib/cluster/watch.js";
import { isNodeReady } from "../../lib/cluster/status.js";
import { globMatch, type FaultScope } from "../../localcluster/dataplane/faults.js";
import type { SensitivityCase } from "../../sensitivity/case.js";
import { LIE_KERNEL, OLD_CONTAINERD } from "../../localcluster/dataplane/node-lies.js";
import { flagOf, variantFile, withFlags } from "./control-plane-variants.js";

/** A fault that is on: extra `run` flags it needs, and how to take it off (the cluster healthy again after). */
export interface AppliedFault {
  args: string[];
  clear: () => Promise<void>;
}

const hasTaint = (n: k8s.V1Node, key: string, effect = "NoSchedule") => n.spec?.taints?.some((t) => t.key === key && t.effect === effect) ?? false;
const isWindows = (n: k8s.V1Node) => n.metadata?.labels?.["kubernetes.io/os"] === "windows";

/** Until every node satisfies `ok` (a node fault takes a few seconds: kwok condition, then the not-ready taint). */
export const nodesSettle = (what: string, ok: (n: k8s.V1Node) => boolean) =>
  waitOn<k8s.V1Node, true>(
    localKubeConfig(),
    { path: "/api/v1/nodes" },
    what,
    (ns) => {
      const bad = ns.filter((n) => !ok(n)).map((n) => n.metadata!.name!);
      return ns.length && !bad.length ? { done: true } : { pending: `not yet: ${bad.join(", ")}` };
    },
    90_000,
  );

/** The healthy baseline: all nodes Ready without node.kubernetes.io taints, Windows nodes tainted os=windows. */
export const nodesHealthy = () =>
  nodesSettle(
    "the cluster to be healthy again",
    (n) => isNodeReady(n) && !n.spec?.taints?.some((t) => t.key.startsWith("node.kubernetes.io/")) && (!isWindows(n) || hasTaint(n, "os")),
  );

/**
 * Node faults show on the Node objects a few seconds after they are set, and go a few seconds after they clear:
 * for each, when a node shows it (`on`) and when a node is back to healthy (`off`; whole-cluster health is
 * nodesHealthy). The run starts only once the fault shows; the next case only once it is gone.
 */
type NodePredicate = (pattern: string) => (n: k8s.V1Node) => boolean;
const matching = (p: string, n: k8s.V1Node) => isWindows(n) && globMatch(p, n.metadata!.name!);
const nodeFaultShown: Partial<Record<string, { on: NodePredicate; off?: NodePredicate }>> = {
  "node-not-ready": { on: (p) => (n) => !globMatch(p, n.metadata!.name!) || (!isNodeReady(n) && hasTaint(n, "node.kubernetes.io/not-ready")) },
  "windows-taint-missing": { on: (p) => (n) => !isWindows(n) || hasTaint(n, "os") === !globMatch(p, n.metadata!.name!) },
  "windows-build-label-missing": {
    on: (p) => (n) => !matching(p, n) || !n.metadata?.labels?.["node.kubernetes.io/windows-build"],
    off: () => (n) => !isWindows(n) || !!n.metadata?.labels?.["node.kubernetes.io/windows-build"],
  },
  "windows-build-label-lie": {
    on: (p) => (n) => !matching(p, n) || n.status?.nodeInfo?.kernelVersion === LIE_KERNEL,
    off: () => (n) => n.status?.nodeInfo?.kernelVersion !== LIE_KERNEL,
  },
  "control-plane-os-windows": {
    on: (p) => (n) => !globMatch(p, n.metadata!.name!) || n.metadata?.labels?.["kubernetes.io/os"] === "windows",
    off: (p) => (n) => !globMatch(p, n.metadata!.name!) || n.metadata?.labels?.["kubernetes.io/os"] === "linux",
  },
  "containerd-old": {
    on: (p) => (n) => !matching(p, n) || n.status?.nodeInfo?.containerRuntimeVersion === OLD_CONTAINERD,
    off: () => (n) => n.status?.nodeInfo?.containerRuntimeVersion !== OLD_CONTAINERD,
  },
};

/** Cluster variants that are not emulator faults: each sets itself up and returns the flags that point the run at it. */
const variants: Record<string, () => Promise<AppliedFault>> = {
  /** A RuntimeClass selecting a Windows build no node has, given to the run with --runtime-class. */
  "runtimeclass-missing-build": async () => {
    const api = localKubeConfig().makeApiClient(k8s.NodeV1Api);
    const name = "hc-sens-missing-build";
    await api.deleteRuntimeClass({ name }).catch(() => undefined);
    await api.createRuntimeClass({
      body: {
        apiVersion: "node.k8s.io/v1",
        kind: "RuntimeClass",
        metadata: { name, labels: { "hybrid-conformance.io/owner": "harness-tests" } },
        handler: "runhcs-wcow-process",
        scheduling: {
          nodeSelector: { "kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64", "node.kubernetes.io/windows-build": "10.0.99999" },
          tolerations: [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }],
        },
      },
    });
    return { args: ["--runtime-class", name], clear: () => api.deleteRuntimeClass({ name }).then(() => undefined) };
  },

  /**
   * kube-scheduler with a profile whose filter phase lacks NodeResourcesFit (a KubeSchedulerConfiguration
   * `plugins.filter.disabled`): pods are bound to nodes that cannot hold their requests.
   */
  "scheduler-without-noderesourcesfit": async () => {
    const config = variantFile(
      "scheduler-without-noderesourcesfit.yaml",
      [
        "apiVersion: kubescheduler.config.k8s.io/v1",
        "kind: KubeSchedulerConfiguration",
        `clientConnection: {kubeconfig: ${JSON.stringify(flagOf("kube-scheduler", "--kubeconfig"))}}`,
        "leaderElection: {leaderElect: false}",
        "profiles:",
        "  - schedulerName: default-scheduler",
        "    plugins: {filter: {disabled: [{name: NodeResourcesFit}]}}",
        "",
      ].join("\n"),
    );
    return { args: [], clear: await withFlags("kube-scheduler", [`--config=${config}`]) };
  },
  /** kube-apiserver with the RuntimeClass admission plugin disabled: a pod's RuntimeClass scheduling is never merged or checked. */
  "apiserver-without-runtimeclass-admission": async () => ({
    args: [],
    clear: await withFlags("kube-apiserver", ["--disable-admission-plugins=RuntimeClass"]),
  }),
};

export const isVariant = (fault: string) => fault in variants;

/** Turns the case's fault on (and waits until it shows); `clear` turns it off and waits for the healthy cluster. */
export async function applyFault(c: Pick<SensitivityCase, "fault" | "options">): Promise<AppliedFault> {
  const variant = variants[c.fault];
  if (variant) return variant();
  const faults = new FaultSwitch();
  const shown = nodeFaultShown[c.fault];
  try {
    await faults.add(c.fault, (c.options ?? {}) as FaultScope);
    if (shown) await nodesSettle(`the fault ${c.fault} to show on nodes ${c.options?.node ?? "*"}`, shown.on(c.options?.node ?? "*"));
  } catch (e) {
    await faults.clear();
    throw e;
  }
  return {
    args: [],
    clear: async () => {
      await faults.clear();
      if (shown?.off) await nodesSettle(`the fault ${c.fault} to be gone from nodes ${c.options?.node ?? "*"}`, shown.off(c.options?.node ?? "*"));
      if (shown) await nodesHealthy();
    },
  };
}
