// The catalogue of suites: category → spec file. `run --category` and `list` select from here, and each suite
// takes its category (its describe title, its report label) from here: categoryOf(import.meta.url).
import { fileURLToPath } from "node:url";
import { sourceOf } from "../localcluster/paths.js";
export interface SuiteEntry {
  category: string;
  suite: "core" | "extended";
  file: string;
  description: string;
  /** Every test of the category is pool-independent: it runs once per run, not once per Windows pool (lib/pools/passes.ts). */
  poolIndependent?: boolean;
}

export const catalogue: SuiteEntry[] = [
  {
    category: "Core.Nodes",
    suite: "core",
    file: "suites/core/nodes.spec.ts",
    description: "Windows nodes: Ready, labels, supported builds, runtime, taint posture",
  },
  { category: "Core.Scheduling", suite: "core", file: "suites/core/scheduling.spec.ts", description: "selectors, taints and tolerations, spec.os, capacity" },
  {
    category: "Core.Workloads",
    suite: "core",
    file: "suites/core/workloads.spec.ts",
    description: "win-webserver, multi-container pods, config, hooks, limits, rollouts",
  },
  {
    category: "Core.Network",
    suite: "core",
    file: "suites/core/network.spec.ts",
    description: "the docs' walkthrough: win-webserver by pod IP, pod to pod, hybrid, ClusterIP, FQDN, NodePort, egress, EndpointSlices",
  },
  {
    category: "Core.Probes",
    suite: "core",
    file: "suites/core/probes.spec.ts",
    description: "readiness in and out of the Service, liveness restarts, startup probe holding the others back",
  },
  {
    category: "Core.Logs",
    suite: "core",
    file: "suites/core/logs.spec.ts",
    description: "request lines in kubectl logs, previous logs after a restart, LogMonitor sources on stdout",
  },
  {
    category: "Core.Rejections",
    suite: "core",
    file: "suites/core/rejections.spec.ts",
    description: "API validation of Windows pods: forbidden fields, runAsUserName, HostProcess",
    // Server-side dry-run creates: no pod placed, no node judged.
    poolIndependent: true,
  },
  {
    category: "Core.Storage",
    suite: "core",
    file: "suites/core/storage.spec.ts",
    description:
      "hostPath read/write across pods on a node, read-only mounts refusing writes, Secret/ConfigMap/projected volumes, files shared by three containers",
  },
  {
    category: "Core.Concurrent",
    suite: "core",
    file: "suites/core/concurrent.spec.ts",
    description: "10 Windows pods started at once on one node: all Ready within the budget, each with its own pod IP",
  },
  {
    category: "Extend.RuntimeClass",
    suite: "extended",
    file: "suites/extended/runtimeclass-iis.spec.ts",
    description: "a RuntimeClass per Windows build, IIS steered by it, served through its Service; conflicting selectors refused",
  },
  {
    category: "Extend.RunAsUserName",
    suite: "extended",
    file: "suites/extended/run-as-username.spec.ts",
    description: "image default user, ContainerUser/ContainerAdministrator, container over pod, unknown user, runAsNonRoot",
  },
  {
    category: "Extend.ActiveDirectory",
    suite: "extended",
    file: "suites/extended/gmsa.spec.ts",
    description: "GMSA: webhook fills the credential spec, refuses unauthorised/mismatched/changed specs; nltest reaches the domain",
  },
  {
    category: "Extend.HostProcess",
    suite: "extended",
    file: "suites/extended/hostprocess.spec.ts",
    description: "HostProcess validation rules; a pod as NT AUTHORITY\\SYSTEM on the host, where Pod Security allows it",
  },
  {
    category: "Extend.Network",
    suite: "extended",
    file: "suites/extended/network.spec.ts",
    description: "a multi-port Service: each of its two ports reaches its own container port of Linux backends from a Windows pod",
  },
  {
    category: "Extend.NetworkPolicy",
    suite: "extended",
    file: "suites/extended/network-policy.spec.ts",
    description: "a same-namespace-only ingress policy on Windows pods: another namespace refused, the same one let in, access back without it",
  },
];

export function select(suite: "core" | "extended" | "all", categories: string[]): SuiteEntry[] {
  return catalogue.filter((e) => (suite === "all" || e.suite === suite) && (!categories.length || categories.includes(e.category)));
}

/** The category of the suite file at this module URL (compiled or source), as the catalogue names it. */
export function categoryOf(moduleUrl: string): string {
  const file = sourceOf(fileURLToPath(moduleUrl));
  const e = catalogue.find((x) => x.file === file);
  if (!e) throw new Error(`${file} is not in the suite catalogue (suites/index.ts)`);
  return e.category;
}
