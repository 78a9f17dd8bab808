// What the harness's own end-to-end tests share: the running local cluster (started by scripts/test.sh),
// a namespace per test that is always deleted, and the CLI.
import * as k8s from "@kubernetes/client-node";
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { repoRoot, stateDir } from "../../localcluster/paths.js";
import { waits } from "../../lib/cluster/waits.js";

export function localKubeConfig(): k8s.KubeConfig {
  const file = join(stateDir(), "kubeconfig");
  if (!existsSync(file)) throw new Error(`no local cluster: ${file} is missing (start it with \`npm run cluster:up\`, or run the tests through \`npm test\`)`);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

/**
 * A fresh namespace for one test, deleted in afterEach. The deletion is not waited for there (the namespace
 * controller takes ~10 s per namespace on the local cluster, and test names never collide); the describe's `after`
 * waits until every namespace it created is gone, so a leak still fails the spec.
 */
export function useNamespace(prefix = "hc-test"): { kc: k8s.KubeConfig; ns: () => string } {
  const kc = localKubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const deleted = new Set<string>();
  let name = "";
  beforeEach(async () => {
    name = `${prefix}-${randomBytes(3).toString("hex")}`;
    await core.createNamespace({ body: { metadata: { name, labels: { "hybrid-conformance.io/owner": "harness-tests" } } } });
  });
  afterEach(async function () {
    if (!name) return;
    await core.deleteNamespace({ name }).catch(() => undefined);
    deleted.add(name);
  });
  after(async function () {
    this.timeout(180_000);
    await Promise.all([...deleted].map((n) => waits.namespaceGone(kc, n, 170_000)));
  });
  return { kc, ns: () => name };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000): CliResult {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin/hybrid-conformance.mjs"), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const windowsTolerations = [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }];

/** Bad input must produce exactly one line on stderr, exit code 2, and no stack trace. */
export function expectOneLineError(r: CliResult, pattern: RegExp): void {
  expect(r.code, `exit code (stderr: ${r.stderr})`).to.equal(2);
  const lines = r.stderr.split("\n").filter((l) => l.trim());
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(pattern);
  expect(r.stderr).not.to.match(/^\s+at /m);
}

/**
 * `run --parallel` for the sensitivity specs: 1, measured. On a 2-core machine that also runs the local cluster,
 * worker processes cost more CPU than the concurrency saves (sensitivity-scheduling: 254 s serial, 420 s with
 * --parallel 4, same results; docs/parallel.md). HC_E2E_PARALLEL=N runs them with N workers (e.g. on a bigger machine).
 */
export const sensitivityParallel = ["--parallel", process.env.HC_E2E_PARALLEL ?? "1"];

/**
 * Every Windows node as one pool: one pass, exactly as runs were before a run became one pass per Windows pool
 * (lib/pools/passes.ts). For e2e runs whose case is not about pools: the docs layout has two Windows builds, and a
 * default run would test each (twice the Windows tests, twice the CI time). Faults on one node or build are still
 * exercised there: that node is in this pool, and the build-pinned placement tests reach it.
 */
export const onePool = ["--windows-nodes", "kubernetes.io/os=windows"];
