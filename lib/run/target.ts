// Phase 1 of a run: the cluster under test — the kubeconfig given or found, else the embedded local cluster
// (started if needed; `release` stops it again if this run started it).
import * as k8s from "@kubernetes/client-node";
import { kubeconfigFiles, loadKubeConfig, type KubeconfigChoice } from "../cluster/kubeconfig.js";
import { up, down } from "../../localcluster/cluster.js";
import { UserFacingError } from "../errors.js";
import { inCluster, loadInClusterConfig } from "../cluster/in-cluster.js";

export interface Target {
  kc: k8s.KubeConfig;
  /** The embedded local cluster (its own context name), whether started here or not. */
  local: boolean;
  /** The kubeconfig file kubectl needs to reach this cluster when it is not the default one (the local cluster's). */
  kubeconfigFile?: string;
  /** Stops what `target` started; a no-op otherwise. */
  release(): Promise<void>;
}

export async function target(choice: KubeconfigChoice & { local?: boolean; profile?: string }, info: (l: string) => void): Promise<Target> {
  const files = choice.local ? [] : kubeconfigFiles(choice);
  // In a pod (the deploy/ Job, the Sonobuoy plugin): the ServiceAccount's credentials.
  if (!files.length && !choice.local && inCluster()) return { kc: loadInClusterConfig(), local: false, release: async () => undefined };
  if (!files.length) {
    if (choice.context) throw new UserFacingError(`--context ${choice.context} given, but no kubeconfig was given or found`);
    const r = await up({ log: info, profile: choice.profile });
    if (!r.alreadyRunning) info(`started the embedded local cluster (real control plane, simulated nodes): ${r.kubeconfig}`);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(r.kubeconfig);
    const release = async () => {
      // Only what this run started: a cluster that was already up (started by the user or a test harness) stays.
      if (!r.alreadyRunning) await down().catch(() => undefined);
    };
    return { kc, local: true, kubeconfigFile: r.kubeconfig, release };
  }
  if (choice.profile) throw new UserFacingError("--profile chooses the local cluster's layout: use it with --local (or without a kubeconfig)");
  const kc = loadKubeConfig(files, choice.context);
  return { kc, local: kc.getCurrentContext() === "hybrid-local", release: async () => undefined };
}
