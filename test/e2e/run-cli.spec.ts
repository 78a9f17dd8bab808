// `hybrid-conformance run` meets bad input the way a new user produces it: each case is one clear line on
// stderr, exit code 2, no stack trace, and nothing created on the cluster. SIGINT mid-run cleans up and exits 3.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, localKubeConfig, expectOneLineError } from "../support/local-cluster.js";
import { repoRoot } from "../../localcluster/paths.js";
import { waitOn } from "../../lib/cluster/watch.js";
import { freePort } from "../../localcluster/processes.js";

async function harnessNamespaces(kc: k8s.KubeConfig): Promise<string[]> {
  return (await kc.makeApiClient(k8s.CoreV1Api).listNamespace({ labelSelector: "hybrid-conformance.io/run" })).items.map((n) => n.metadata!.name!);
}

describe("run CLI: bad input and interruption", function () {
  this.timeout(240_000);
  const kc = localKubeConfig();
  const server = kc.getCurrentCluster()!.server;
  const ca = kc.getCurrentCluster()!.caData!;
  let dir: string;
  const kubeconfig = (name: string, opts: { server?: string; token?: string; context?: string }) => {
    const f = join(dir, name);
    writeFileSync(
      f,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: c, cluster: {server: "${opts.server ?? server}", certificate-authority-data: ${ca}}}]`,
        `users: [{name: u, user: {token: "${opts.token ?? "x"}"}}]`,
        `contexts: [{name: ${opts.context ?? "ctx"}, context: {cluster: c, user: u}}]`,
        `current-context: ${opts.context ?? "ctx"}`,
        "",
      ].join("\n"),
    );
    return f;
  };
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-run-cli-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => expect(await harnessNamespaces(kc), "namespaces left behind").to.deep.equal([]));

  it("a kubeconfig that does not exist", () => expectOneLineError(cli(["run", "--kubeconfig", join(dir, "nope")]), /kubeconfig .*nope: no such file/));

  it("a kubeconfig that is not YAML", () => {
    const f = join(dir, "broken");
    writeFileSync(f, "apiVersion: v1\nclusters: [\n");
    expectOneLineError(cli(["run", "--kubeconfig", f]), /kubeconfig .*broken is not valid YAML/);
  });

  it("a context that is not in the kubeconfig", () =>
    expectOneLineError(cli(["run", "--kubeconfig", kubeconfig("ctx", {}), "--context", "prod"]), /context "prod" is not in kubeconfig .* \(available: ctx\)/));

  it("an unreachable API server", async () => {
    const port = await freePort(); // nothing listens there
    expectOneLineError(
      cli(["run", "--kubeconfig", kubeconfig("down", { server: `https://127.0.0.1:${port}` })]),
      new RegExp(`cannot reach the API server at https://127\\.0\\.0\\.1:${port}: connection refused`),
    );
  });

  it("an expired or invalid token", () =>
    expectOneLineError(
      cli(["run", "--kubeconfig", kubeconfig("badtoken", { token: "expired-token" })]),
      /rejected the credentials \(401 Unauthorized\).*invalid or expired/,
    ));

  it("a service account without the permissions the suites need", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const id = Math.random().toString(36).slice(2, 8);
    const ns = `hc-rbac-probe-${id}`;
    const role = `hc-rbac-probe-reader-${id}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    try {
      await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "reader" } } });
      // Enough to connect and look at nodes, not enough to run tests.
      await rbac.createClusterRole({ body: { metadata: { name: role }, rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list"] }] } });
      await rbac.createClusterRoleBinding({
        body: {
          metadata: { name: role },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
          subjects: [{ kind: "ServiceAccount", name: "reader", namespace: ns }],
        },
      });
      const token = (await core.createNamespacedServiceAccountToken({ name: "reader", namespace: ns, body: { spec: { expirationSeconds: 600 } } })).status!
        .token;
      const r = cli(["run", "--kubeconfig", kubeconfig("reader", { token })]);
      expectOneLineError(r, /missing permissions for the selected suites: cannot .*create namespaces.*create pods\/exec.* \(user u\)/);
      expect(r.stderr).not.to.contain(token);
    } finally {
      await rbac.deleteClusterRoleBinding({ name: role }).catch(() => undefined);
      await rbac.deleteClusterRole({ name: role }).catch(() => undefined);
      await core.deleteNamespace({ name: ns }).catch(() => undefined);
    }
  });

  it("an unknown category, an unknown suite, a bad flag", () => {
    expectOneLineError(cli(["run", "--category", "Core.Nope"]), /unknown category "Core\.Nope" \(known: Core\.Nodes/);
    expectOneLineError(cli(["run", "--suite", "weekly"]), /argument 'weekly' is invalid\. Allowed choices are core, extended, all/);
    expectOneLineError(cli(["run", "--frobnicate"]), /unknown option '--frobnicate'/);
    expectOneLineError(cli(["run", "--timeout-scale", "-1"]), /expected a positive number/);
  });

  it("a reader that closes the pipe early (`list | head -1`) gets no stack trace", () => {
    const r = spawnSync("bash", ["-c", `"${process.execPath}" bin/hybrid-conformance.mjs list --suite all | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(r.stdout).to.match(/^Core\.Nodes \(core, \d+ tests\)/);
    expect(r.stderr.trim()).to.equal("exit=0");
  });

  it("a cluster without Windows nodes", async () => {
    const state = join(dir, "linux-only");
    const topo = join(dir, "linux.yaml");
    // `cluster up` refuses a layout without Windows nodes: start with one, then remove its Node (as a pool scaled to 0 would).
    writeFileSync(
      topo,
      "nodes:\n  - {name: cp, os: linux, role: control-plane}\n  - {name: w, os: linux}\n  - {name: win, os: windows, build: '10.0.20348'}\n",
    );
    const env = { HC_LOCALCLUSTER_DIR: state };
    const up = cli(["cluster", "up", "--topology", topo], env);
    expect(up.code, up.stderr).to.equal(0);
    try {
      const small = new k8s.KubeConfig();
      small.loadFromFile(join(state, "kubeconfig"));
      await small.makeApiClient(k8s.CoreV1Api).deleteNode({ name: "win" });
      expectOneLineError(cli(["run", "--kubeconfig", join(state, "kubeconfig")], env), /has no Windows nodes \(2 node\(s\), all linux\): nothing to test/);
    } finally {
      cli(["cluster", "down"], env);
    }
  });

  it("SIGINT in the middle of a run: cleanup finishes, nothing is left, exit 3", async () => {
    const reportDir = join(dir, "interrupted");
    const child = spawn(process.execPath, [join(repoRoot, "bin/hybrid-conformance.mjs"), "run", "--category", "Core.Workloads", "--report-dir", reportDir], {
      cwd: repoRoot,
      env: { ...process.env, KUBECONFIG: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number>((res) => child.on("exit", (code) => res(code ?? -1)));
    // Interrupt once the run has created its first namespace (i.e. it is mid-test).
    await waitOn<k8s.V1Namespace, true>(
      kc,
      { path: "/api/v1/namespaces", labelSelector: "hybrid-conformance.io/run" },
      "a harness namespace",
      (nss) => (nss.length ? { done: true } : { pending: "none yet" }),
      120_000,
    );
    child.kill("SIGINT");
    const code = await exited;
    expect(code, stderr).to.equal(3);
    expect(stderr).to.match(/SIGINT: stopping after the current step and cleaning up run r\w+/);
    expect(await harnessNamespaces(kc)).to.deep.equal([]);
    const summary = JSON.parse(readFileSync(join(reportDir, "summary.json"), "utf8"));
    expect(summary).to.include({ exitCode: 3, interrupted: true });
  });
});
