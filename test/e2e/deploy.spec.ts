// The in-cluster deployment (deploy/): the manifests pass server-side dry-run (dryRun=All); the harness runs to
// green with nothing but the deploy ServiceAccount's token (from the TokenRequest API), loaded as in a pod — token,
// CA and namespace under /var/run/secrets/kubernetes.io/serviceaccount (here below HC_POD_ROOT), and
// KUBERNETES_SERVICE_HOST/PORT; and the same role minus one verb fails preflight naming that verb.
// The run covers a representative subset (one Core.Workloads test, one Extend.RuntimeClass and one
// Extend.ActiveDirectory test, which together use every kind of permission the role grants), not every suite.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { cli, localKubeConfig, expectOneLineError, onePool } from "../support/local-cluster.js";
import { objectsApi, fieldManager } from "../../lib/cluster/api.js";
import { waits } from "../../lib/cluster/waits.js";
import { repoRoot } from "../../localcluster/paths.js";
import { ACTIVE_DIRECTORY } from "../../suites/extended/gmsa.titles.js";
import { RUNTIMECLASS } from "../../suites/extended/runtimeclass-iis.titles.js";
import { WORKLOADS } from "../../suites/core/workloads.titles.js";
import { literal } from "../../sensitivity/case.js";

const ns = "hybrid-conformance";
const manifests = (file: string) => yaml.loadAll(readFileSync(join(repoRoot, "deploy", file), "utf8")).filter(Boolean) as k8s.KubernetesObject[];
const kubeManifests = readdirSync(join(repoRoot, "deploy")).filter((f) => f.endsWith(".yaml") && f !== "sonobuoy-plugin.yaml");
const subset = [
  "--suite",
  "all",
  "--category",
  "Core.Workloads",
  "--category",
  "Extend.RuntimeClass",
  "--category",
  "Extend.ActiveDirectory",
  "--grep",
  [WORKLOADS.status, RUNTIMECLASS.create, ACTIVE_DIRECTORY.fill].map((t) => literal(t).source).join("|"),
  // The role, not the pools: the Windows nodes as one pool (one pass).
  ...onePool,
];

describe("deploy/: in-cluster run with the generated role", function () {
  this.timeout(300_000);
  const kc = localKubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const cluster = kc.getCurrentCluster()!;
  const minus = `hybrid-conformance-minus-watch-pods-${Math.random().toString(36).slice(2, 7)}`;
  let dir: string;
  const token = async (sa: string) =>
    (await core.createNamespacedServiceAccountToken({ name: sa, namespace: ns, body: { spec: { expirationSeconds: 3600 } } })).status!.token;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hc-deploy-"));
    // The namespace, ServiceAccount, ClusterRole and binding for real (the dry run needs the namespace to exist).
    for (const f of ["namespace.yaml", "serviceaccount.yaml", "clusterrole.yaml", "clusterrolebinding.yaml"])
      for (const o of manifests(f)) await objectsApi(kc).patch(o, undefined, undefined, fieldManager, true, k8s.PatchStrategy.ServerSideApply);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const name of [minus, "hybrid-conformance"]) {
      await rbac.deleteClusterRoleBinding({ name }).catch(() => undefined);
      await rbac.deleteClusterRole({ name }).catch(() => undefined);
    }
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    await waits.namespaceGone(kc, ns, 120_000);
  });

  it("every manifest passes server-side dry-run (dryRun=All), the Sonobuoy plugin's container as a pod", async () => {
    const objs = kubeManifests.flatMap(manifests);
    expect(objs.map((o) => o.kind).sort()).to.deep.equal([
      "ClusterRole",
      "ClusterRoleBinding",
      "ConfigMap",
      "Job",
      "Namespace",
      "PersistentVolumeClaim",
      "ServiceAccount",
    ]);
    for (const o of objs) {
      const r = await objectsApi(kc)
        .patch(o, undefined, "All", fieldManager, true, k8s.PatchStrategy.ServerSideApply)
        .catch((e) => {
          throw new Error(`${o.kind} ${o.metadata?.name}: ${(e as Error).message}`);
        });
      expect(r.kind).to.equal(o.kind);
    }
    expect(
      await objectsApi(kc)
        .read({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "hybrid-conformance", namespace: ns } })
        .catch(() => undefined),
      "dry run creates nothing",
    ).to.equal(undefined);
    const plugin = yaml.load(readFileSync(join(repoRoot, "deploy", "sonobuoy-plugin.yaml"), "utf8")) as {
      "sonobuoy-config": Record<string, string>;
      spec: k8s.V1Container;
    };
    expect(plugin["sonobuoy-config"]).to.include({ driver: "Job", "result-format": "junit" });
    const pod: k8s.V1Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "sonobuoy-plugin", namespace: ns },
      spec: { restartPolicy: "Never", containers: [plugin.spec], volumes: [{ name: "results", emptyDir: {} }] },
    };
    await objectsApi(kc).create(pod, undefined, "All", fieldManager);
  });

  it("runs to green with only the ServiceAccount's token, loaded from the pod layout (no kubeconfig)", async () => {
    const root = join(dir, "pod");
    const sa = join(root, "var/run/secrets/kubernetes.io/serviceaccount");
    mkdirSync(sa, { recursive: true });
    const t = await token("hybrid-conformance");
    writeFileSync(join(sa, "token"), t!);
    writeFileSync(join(sa, "ca.crt"), Buffer.from(cluster.caData!, "base64"));
    writeFileSync(join(sa, "namespace"), ns);
    const url = new URL(cluster.server);
    const env = { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port, HC_POD_ROOT: root, KUBECONFIG: "", HOME: dir };
    const r = cli(["run", ...subset, "--report-dir", join(dir, "in-cluster")], env);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/against inClusterContext \(/);
    expect(r.stderr).to.match(/^3 passed, 0 failed, 0 skipped/m);
    expect(r.stderr + r.stdout).not.to.contain(t);
    expect(readFileSync(join(dir, "in-cluster", "summary.json"), "utf8")).not.to.contain(t);
  });

  it("fails preflight naming the verb when the role lacks one (watch pods)", async () => {
    const role = manifests("clusterrole.yaml")[0] as k8s.V1ClusterRole;
    const rules = role.rules!.map((r) => (r.resources![0] === "pods" && r.apiGroups![0] === "" ? { ...r, verbs: r.verbs.filter((v) => v !== "watch") } : r));
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "minus" } } });
    await rbac.createClusterRole({ body: { metadata: { name: minus }, rules } });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: minus },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: minus },
        subjects: [{ kind: "ServiceAccount", name: "minus", namespace: ns }],
      },
    });
    const t = await token("minus");
    const kubeconfig = join(dir, "minus.kubeconfig");
    writeFileSync(
      kubeconfig,
      yaml.dump({
        apiVersion: "v1",
        kind: "Config",
        "current-context": "minus",
        clusters: [{ name: "c", cluster: { server: cluster.server, "certificate-authority-data": cluster.caData } }],
        users: [{ name: "minus", user: { token: t } }],
        contexts: [{ name: "minus", context: { cluster: "c", user: "minus" } }],
      }),
    );
    const r = cli(["run", ...subset, "--kubeconfig", kubeconfig, "--report-dir", join(dir, "minus")]);
    expectOneLineError(r, /missing permissions for the selected suites: cannot watch pods \(user minus\)$/);
    expect(r.stderr).not.to.contain(t);
  });
});
