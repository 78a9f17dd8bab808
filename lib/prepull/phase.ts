// The pre-pull as a phase of a run (lib/run/execute.ts): the plan the CLI made, the pull budget, and an outcome
// the run can report — a pull that cannot succeed ends the run before any test, as the cluster's fault (exit 2).
import type * as k8s from "@kubernetes/client-node";
import { budgets } from "../run/budgets.js";
import type { RunOptions } from "../run/context.js";
import type { Capabilities } from "../preflight/types.js";
import { imagesFor } from "./images.js";
import { prepull, type PrepullRecord, type PrepullSet } from "./prepull.js";
import type { SuiteEntry } from "../../suites/index.js";
import { windowsNodesUnderTest } from "../pools/pools.js";
import type { Pass } from "../pools/passes.js";

export interface PrepullPlan {
  sets: PrepullSet[];
}

/**
 * What `run --prepull` pulls: per pass (one per Windows pool), the entries' images for the pool's builds, on exactly
 * the pool's Windows nodes and rendered as its pass renders them (pinned to the pool, tolerating its taints); the
 * Linux helpers' images once, on the Linux nodes.
 */
export function prepullPlan(entries: SuiteEntry[], passes: Pass[], options: RunOptions): PrepullPlan {
  const images = (caps: Capabilities) =>
    imagesFor(entries, {
      builds: options.windowsBuild ? [options.windowsBuild] : caps.windowsBuilds,
      registryOverrides: options.registryOverrides,
      extraWindowsImages: options.logMonitorImage ? [options.logMonitorImage] : [],
    });
  const windows = passes.flatMap((pass, i) =>
    images(pass.caps)
      .filter((s) => s.os === "windows")
      .map((s) => ({
        ...s,
        caps: pass.caps,
        nodes: windowsNodesUnderTest(pass.caps),
        // Two pools may share a build: each its own DaemonSet.
        name: `prepull-${passes.length > 1 ? `${i + 1}-` : ""}${s.build!.replace(/\./g, "-")}`,
      })),
  );
  const first = passes[0].caps;
  const linux = images(first)
    .filter((s) => s.os === "linux")
    .map((s) => ({ ...s, caps: first, nodes: first.nodes.filter((n) => n.os !== "windows"), name: "prepull-linux" }));
  return { sets: [...windows, ...linux] };
}

export async function prepullPhase(
  plan: PrepullPlan,
  run: { kc: k8s.KubeConfig; caps: Capabilities; options: RunOptions; runId: string; stopped?: () => boolean },
  info: (l: string) => void,
): Promise<{ record?: PrepullRecord; error?: string }> {
  const timeoutMs = budgets({ options: run.options, caps: run.caps }).imagePullMs;
  try {
    const record = await prepull({ kc: run.kc, runId: run.runId, sets: plan.sets, timeoutMs, info, stopped: run.stopped });
    info(`prepull: done in ${(record.durationMs / 1000).toFixed(1)} s`);
    return { record };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    info(msg.startsWith("prepull") ? msg : `prepull: ${msg}`);
    return { error: msg.startsWith("prepull") ? msg : `prepull: ${msg}` };
  }
}
