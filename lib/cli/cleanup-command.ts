// `hybrid-conformance cleanup`: the reaper. Lists, and with --yes removes, what runs left on a cluster — found by
// the run label only (`hybrid-conformance.io/run`), so nothing the harness did not create is ever touched.
// A dry run is the default: removing is an explicit act (`--yes`), as with `helm uninstall --dry-run`'s opposite —
// someone pointing it at a shared production cluster first sees exactly what would go.
import { Command, Option } from "commander";
import type * as k8s from "@kubernetes/client-node";
import { findLeftovers, removeLeftovers, describeObject, type Leftover } from "../run/leftovers.js";
import { labels } from "../run/context.js";
import { kubeconfigFiles, loadKubeConfig } from "../cluster/kubeconfig.js";
import { inCluster, loadInClusterConfig } from "../cluster/in-cluster.js";
import { liveness } from "../../localcluster/cluster.js";
import { apiFailure } from "../preflight/discover.js";
import { UserFacingError } from "../errors.js";
import { formatAge } from "./duration.js";
import { durationMs } from "./args.js";

const say = (l: string) => process.stdout.write(l + "\n");

interface CleanupFlags {
  kubeconfig?: string;
  context?: string;
  run?: string;
  olderThan?: number;
  kept?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  wait: number;
}

export function cleanupCommand(): Command {
  return new Command("cleanup")
    .description(
      "list what earlier runs left on the cluster (crashed runs, namespaces kept by --keep-on-failure) and, with --yes, remove it; only objects carrying the run label are ever looked at",
    )
    .option("--kubeconfig <file>", "kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config, then in-cluster credentials, then the running local cluster)")
    .option("--context <name>", "kubeconfig context to use")
    .option("--run <id>", "only this run's objects (the id `run` printed, e.g. r1a2b3c4d)")
    .option("--older-than <duration>", "only runs created more than this long ago (e.g. 2h, 30m, 0s), from the run's oldest object", durationMs)
    .option("--kept", "the namespaces (and cluster-scoped objects) --keep-on-failure kept; without it they are left alone")
    .addOption(new Option("--dry-run", "only print what would be removed (the default)").conflicts("yes"))
    .option("--yes", "remove what is listed (needs --run, --older-than or --kept)")
    .addOption(
      new Option("--wait <duration>", "how long to wait for deletions to finish before explaining what holds them")
        .argParser(durationMs)
        .default(120_000, "2m"),
    )
    .action(async (flags: CleanupFlags) => {
      process.exitCode = await cleanup(flags);
    });
}

async function cleanup(flags: CleanupFlags): Promise<number> {
  if (flags.yes && !flags.run && flags.olderThan === undefined && !flags.kept)
    throw new UserFacingError("cleanup --yes needs a selection: --run ID, --older-than DURATION or --kept (a bare --yes could remove a run still in progress)");
  const kc = await clusterForMaintenance(flags);
  const server = kc.getCurrentCluster()!.server;
  const selector = [flags.run ? `${labels.run}=${flags.run}` : labels.run, flags.kept ? `${labels.kept}=true` : `!${labels.kept}`].join(",");
  const unlisted: string[] = [];
  const all = await findLeftovers(kc, selector, unlisted).catch((e) => {
    throw apiFailure(server, e, "listing the objects runs left");
  });
  if (unlisted.length) process.stderr.write(`not checked (no permission to list them): ${unlisted.join(", ")}\n`);
  const now = Date.now();
  const runs = groupByRun(all).filter((r) => flags.olderThan === undefined || now - r.created >= flags.olderThan);
  const chosen = runs.flatMap((r) => r.items);
  if (!chosen.length) {
    say(`nothing to remove${describeSelection(flags)}`);
    return 0;
  }
  for (const r of runs) {
    say(`run ${r.runId} (created ${new Date(r.created).toISOString()}, ${formatAge(now - r.created)} ago):`);
    for (const l of r.items)
      say(`  ${describeObject(l.obj)}${l.kept ? " (kept by --keep-on-failure)" : ""}${l.obj.metadata?.deletionTimestamp ? " (being deleted)" : ""}`);
  }
  if (!flags.yes) {
    say(`would remove ${chosen.length} object(s) of ${runs.length} run(s)${describeSelection(flags)}; add --yes to remove them`);
    return 0;
  }
  const problems = await removeLeftovers(
    kc,
    chosen.map((l) => l.obj),
    flags.wait,
  );
  for (const p of problems) process.stderr.write(`not removed: ${p}\n`);
  say(`removed ${chosen.length - problems.length} of ${chosen.length} object(s) of ${runs.length} run(s)`);
  return problems.length ? 1 : 0;
}

/** A run's creation time is its oldest object's (the API server's clock, whatever the run id looks like). */
function groupByRun(all: Leftover[]): { runId: string; created: number; items: Leftover[] }[] {
  const by = new Map<string, Leftover[]>();
  for (const l of all) by.set(l.runId, [...(by.get(l.runId) ?? []), l]);
  return [...by]
    .map(([runId, items]) => ({ runId, items, created: Math.min(...items.map((l) => new Date(l.obj.metadata?.creationTimestamp ?? Date.now()).getTime())) }))
    .sort((a, b) => a.created - b.created);
}

function describeSelection(f: CleanupFlags): string {
  const parts = [f.run && `run ${f.run}`, f.olderThan !== undefined && `older than ${formatAge(f.olderThan)}`, f.kept && "kept by --keep-on-failure"].filter(
    Boolean,
  );
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** The cluster to clean: a kubeconfig, else in-cluster credentials, else the running local cluster (never started for this). */
async function clusterForMaintenance(flags: { kubeconfig?: string; context?: string }): Promise<k8s.KubeConfig> {
  const files = kubeconfigFiles(flags);
  if (files.length) return loadKubeConfig(files, flags.context);
  if (inCluster()) return loadInClusterConfig();
  const l = await liveness();
  if (l.state !== "up")
    throw new UserFacingError("no kubeconfig given or found, no in-cluster credentials, and the embedded local cluster is not running: pass --kubeconfig");
  return loadKubeConfig([l.s.kubeconfig], flags.context);
}
