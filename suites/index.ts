// The catalogue of suites: category → spec file. `run --category` and `list` select from here.
export interface SuiteEntry {
  category: string;
  suite: "core" | "extended";
  file: string;
  description: string;
}

export const catalogue: SuiteEntry[] = [
  { category: "Core.Nodes", suite: "core", file: "suites/core/nodes.spec.ts", description: "Windows nodes: Ready, labels, supported builds, runtime, taint posture" },
  { category: "Core.Scheduling", suite: "core", file: "suites/core/scheduling.spec.ts", description: "selectors, taints and tolerations, spec.os, capacity" },
  { category: "Core.Workloads", suite: "core", file: "suites/core/workloads.spec.ts", description: "win-webserver, multi-container pods, config, hooks, limits, rollouts" },
  { category: "Core.Rejections", suite: "core", file: "suites/core/rejections.spec.ts", description: "API validation of Windows pods: forbidden fields, runAsUserName, HostProcess" },
];

export function select(suite: "core" | "extended" | "all", categories: string[]): SuiteEntry[] {
  return catalogue.filter((e) => (suite === "all" || e.suite === suite) && (!categories.length || categories.includes(e.category)));
}
