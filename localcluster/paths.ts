// Where the local cluster keeps its state (per checkout) and its built binaries (per machine).
import { homedir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Per-checkout state: kubeconfig, credentials, pids, logs. Git-ignored. */
export function stateDir(): string {
  return process.env.HC_LOCALCLUSTER_DIR ? resolve(process.env.HC_LOCALCLUSTER_DIR) : join(repoRoot, ".localcluster");
}

/** Per-machine binary cache, shared by every checkout; keyed inside by what the binaries were built from. */
export function binaryCacheRoot(): string {
  if (process.env.HC_BIN_CACHE) return resolve(process.env.HC_BIN_CACHE);
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "hybrid-conformance", "bin");
}

export const buildModulesDir = join(repoRoot, "localcluster", "build");
