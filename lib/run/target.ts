// Phase 1 of a run: the cluster under test — the kubeconfig given or found, else the embedded local cluster
// (started if needed; `release` stops it again if this run started it).
import * as k8s from "@kubernetes/client-node";
import { kubeconfigFiles, loadKubeConfig, type KubeconfigChoice } from "../cluster/kubeconfig.js";
import { up, down, liveness } from "../../localcluster/cluster.js";
import { UserFacingError } from "../errors.js";

export interface Target {
  kc: k8s.KubeConfig;
  /** The embedded local cluster (its own context name), whether started here or not. */
  local: boolean;
  /** Stops what `target` started; a no-op otherwise. */
  release(): Promise<void>;
}

export async function target(choice: KubeconfigChoice & { local?: boolean; profile?: string }, info: (l: string) => void): Promise<Target> {
  const files = choice.local ? [] : kubeconfigFiles(choice);
  if (!files.length) {
    if (choice.context) throw new UserFacingError(`--context ${choice.context} given, but no kubeconfig was given or found`);
    const already = (await liveness()).state === "up";
    const r = await up({ log: info, profile: choice.profile });
    if (!r.alreadyRunning) info(`started the embedded local cluster (real control plane, simulated nodes): ${r.kubeconfig}`);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(r.kubeconfig);
    const release = async () => {
      if (!already) await down().catch(() => undefined);
    };
    return { kc, local: true, release };
  }
  if (choice.profile) throw new UserFacingError("--profile chooses the local cluster's layout: use it with --local (or without a kubeconfig)");
  const kc = loadKubeConfig(files, choice.context);
  return { kc, local: kc.getCurrentContext() === "hybrid-local", release: async () => undefined };
}
