// Where things are: the repository, the running code (sources, or their compiled form in dist/), the local
// cluster's state (per checkout) and its built binaries (per machine).
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join, resolve, dirname, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Every command runs compiled JavaScript from <repo>/dist (tsconfig.build.json, scripts/build.mjs); the harness's
 * own tests import the TypeScript sources through tsx. Code that names a module by path (suite files, the
 * processes it spawns) asks here for the form this process runs in, so the two never mix.
 */
export const compiled = import.meta.url.endsWith(".js");
/** The root of the running code: <repo>/dist when compiled, the repository itself when run from sources. */
export const codeRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = compiled ? dirname(codeRoot) : codeRoot;

/** The module of a source file (repo-relative, e.g. "suites/core/nodes.spec.ts") in the form this process runs. */
export function runnable(sourceFile: string): string {
  return compiled ? join(codeRoot, sourceFile.replace(/\.ts$/, ".js")) : join(repoRoot, sourceFile);
}

/** The inverse of runnable: a running module's path → its source file, repo-relative (the id reports show). */
export function sourceOf(modulePath: string): string {
  return compiled ? relative(codeRoot, modulePath).replace(/\.js$/, ".ts") : relative(repoRoot, modulePath);
}

/**
 * Node's arguments to run a source file as a child process in the same form as this one: its compiled .js, or the
 * .ts through tsx (resolved here, lazily: tsx is a development dependency, absent where compiled code runs). ESM
 * hook only: with tsx's CommonJS hook too, mocha would require() the suites and they would see a second, empty copy
 * of the run context.
 */
export function nodeArgsFor(sourceFile: string): string[] {
  if (compiled) return [runnable(sourceFile)];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
  return ["--import", tsx, runnable(sourceFile)];
}

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
