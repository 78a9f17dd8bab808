// The pre-pull as a phase of a run (lib/run/execute.ts): the plan the CLI made, the pull budget, and an outcome
// the run can report — a pull that cannot succeed ends the run before any test, as the cluster's fault (exit 2).
import type * as k8s from "@kubernetes/client-node";
import { budgets } from "../run/budgets.js";
import type { RunOptions } from "../run/context.js";
import type { Capabilities, NodeInfo } from "../preflight/types.js";
import { imagesFor, type ImageSet } from "./images.js";
import { prepull, type PrepullRecord } from "./prepull.js";
import type { SuiteEntry } from "../../suites/index.js";

export interface PrepullPlan {
  sets: ImageSet[];
  /** The nodes the run targets. */
  nodes: NodeInfo[];
}

/** What `run --prepull` pulls: the entries' images for the builds under test, on the run's nodes. */
export function prepullPlan(entries: SuiteEntry[], caps: Capabilities, options: RunOptions, nodes: NodeInfo[] = caps.nodes): PrepullPlan {
  const builds = options.windowsBuild ? [options.windowsBuild] : caps.windowsBuilds;
  return {
    sets: imagesFor(entries, {
      builds,
      registryOverrides: options.registryOverrides,
      extraWindowsImages: options.logMonitorImage ? [options.logMonitorImage] : [],
    }),
    nodes,
  };
}

export async function prepullPhase(
  plan: PrepullPlan,
  run: { kc: k8s.KubeConfig; caps: Capabilities; options: RunOptions; runId: string; stopped?: () => boolean },
  info: (l: string) => void,
): Promise<{ record?: PrepullRecord; error?: string }> {
  const timeoutMs = budgets({ options: run.options, caps: run.caps }).imagePullMs;
  try {
    const record = await prepull({ kc: run.kc, caps: run.caps, runId: run.runId, sets: plan.sets, nodes: plan.nodes, timeoutMs, info, stopped: run.stopped });
    info(`prepull: done in ${(record.durationMs / 1000).toFixed(1)} s`);
    return { record };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    info(msg.startsWith("prepull") ? msg : `prepull: ${msg}`);
    return { error: msg.startsWith("prepull") ? msg : `prepull: ${msg}` };
  }
}
