// `--help` shows an example for every command; `--version` the package's version. Kept apart from the commands'
// definitions so each example sits next to the others and the commands stay about what they do.
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../localcluster/paths.js";

export const version: string = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

const examples: Record<string, string[]> = {
  "hybrid-conformance": [
    "hybrid-conformance run --kubeconfig ~/.kube/config --suite all   # every suite against your cluster",
    "hybrid-conformance run                                           # against the embedded local cluster",
  ],
  run: [
    "hybrid-conformance run --kubeconfig ~/.kube/config --context my-hybrid --suite all",
    "hybrid-conformance run --config hybrid-conformance.yaml --baseline last-good/summary.json   # nightly sign-off",
    "hybrid-conformance run --category Core.Network --retries 2 --keep-on-failure",
    "hybrid-conformance run --suite all --prepull --parallel 8   # images pulled on every node first, tests in parallel",
  ],
  list: ["hybrid-conformance list --suite all --category Extend.ActiveDirectory"],
  report: ["hybrid-conformance report --report-dir reports/latest --serve"],
  cleanup: [
    "hybrid-conformance cleanup                              # list every run's leftovers (a dry run)",
    "hybrid-conformance cleanup --older-than 2h --yes        # remove what runs older than 2 h left (a crashed nightly)",
    "hybrid-conformance cleanup --kept --run r1a2b3c --yes   # remove the namespaces --keep-on-failure kept",
  ],
  lint: [
    "hybrid-conformance lint -f deploy/ --kubeconfig ~/.kube/config   # your manifests against your cluster's taints, builds and API server",
    "helm template my-chart | hybrid-conformance lint -f - --output sarif > lint.sarif",
  ],
  compare: ["hybrid-conformance compare last-good/summary.json reports/latest/summary.json"],
  images: [
    "hybrid-conformance images --suite all --registry mcr.microsoft.com=registry.local/mcr",
    "hybrid-conformance images --category Core.Network --windows-build 10.0.26100 --output json",
  ],
  cluster: ["hybrid-conformance cluster up && KUBECONFIG=.localcluster/kubeconfig kubectl get nodes -o wide"],
  "cluster up": ["hybrid-conformance cluster up --topology nodes.yaml"],
  "cluster down": ["hybrid-conformance cluster down"],
  "cluster status": ["hybrid-conformance cluster status"],
  "cluster fault": ["hybrid-conformance cluster fault add dns-down --namespace 'hc-*'"],
  "cluster fault add": ["hybrid-conformance cluster fault add image-pull-fails --namespace 'hc-*' --times 1"],
  "cluster fault list": ["hybrid-conformance cluster fault list"],
  "cluster fault clear": ["hybrid-conformance cluster fault clear dns-down"],
};

/** Adds `--version` and an Examples section to every command's help (each command must have one: a unit test checks). */
export function addHelp(program: Command): void {
  program.version(version, "-V, --version", "print the version");
  const visit = (c: Command, path: string[]) => {
    const key = path.join(" ") || c.name();
    const ex = examples[key];
    if (ex) c.addHelpText("after", `\nExample${ex.length > 1 ? "s" : ""}:\n${ex.map((e) => `  ${e}`).join("\n")}\n`);
    for (const sub of c.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
}

export function commandsWithoutExample(program: Command): string[] {
  const missing: string[] = [];
  const visit = (c: Command, path: string[]) => {
    const key = path.join(" ") || c.name();
    if (!examples[key]) missing.push(key);
    for (const sub of c.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return missing;
}
