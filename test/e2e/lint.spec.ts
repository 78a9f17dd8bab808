// `hybrid-conformance lint` against the real kube-apiserver of the local cluster: every API-forbidden field (and
// every other validation rule the lint mirrors) gives the same verdict from the lint and from a server-side dry run,
// so the two never disagree; the CLI with --kubeconfig reads the cluster's real taints and builds, reports the
// server's own refusals, and answers bad input with one line and exit 2. Dry runs store nothing; the one namespace
// created here (for the dry runs of pods) is deleted afterwards.
import * as k8s from "@kubernetes/client-node";
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { submitPod } from "../../lib/checks/rejections.js";
import { waits } from "../../lib/cluster/waits.js";
import {
  gmsaFieldCases,
  hostProcessCases,
  linuxPod,
  linuxWindowsOptionsCases,
  osFieldCases,
  runAsUserNameCases,
  windowsAllowedFields,
  windowsForbiddenFields,
  windowsPod,
} from "../../lib/fixtures/rejections.js";
import { lint } from "../../lib/lint/engine.js";
import { parseInput } from "../../lib/lint/source.js";
import { stateDir } from "../../localcluster/paths.js";
import { cli, expectOneLineError, localKubeConfig } from "../support/local-cluster.js";

// The lint's rules that mirror API validation; their error findings are what the server must refuse.
const VALIDATION_RULES = new Set(["forbidden-field", "run-as-username", "hostprocess", "gmsa", "windows-options-on-linux", "os-name-invalid"]);

/** The same field present with the value that upstream treats as unset (plain bools, *bool true-only, empty lists) or not. */
const HARMLESS: { path: string; set: (p: k8s.V1Pod) => void }[] = [
  { path: "spec.hostPID=false", set: (p) => void (p.spec!.hostPID = false) },
  { path: "spec.hostIPC=false", set: (p) => void (p.spec!.hostIPC = false) },
  { path: "spec.shareProcessNamespace=false", set: (p) => void (p.spec!.shareProcessNamespace = false) },
  { path: "spec.hostUsers=true", set: (p) => void (p.spec!.hostUsers = true) },
  { path: "spec.securityContext.sysctls=[]", set: (p) => void (p.spec!.securityContext = { sysctls: [] }) },
  { path: "spec.securityContext.supplementalGroups=[]", set: (p) => void (p.spec!.securityContext = { supplementalGroups: [] }) },
  { path: "spec.containers[0].securityContext.privileged=false", set: (p) => void (p.spec!.containers[0].securityContext = { privileged: false }) },
  {
    path: "spec.containers[0].securityContext.readOnlyRootFilesystem=false",
    set: (p) => void (p.spec!.containers[0].securityContext = { readOnlyRootFilesystem: false }),
  },
  { path: "spec.containers[0].securityContext.capabilities={}", set: (p) => void (p.spec!.containers[0].securityContext = { capabilities: {} }) },
];

interface Probe {
  name: string;
  pod: k8s.V1Pod;
}

function probes(): Probe[] {
  const out: Probe[] = [];
  const add = (name: string, base: "windows" | "linux", set: (p: k8s.V1Pod) => void) => {
    const pod = base === "windows" ? windowsPod(`lint-${out.length}`) : linuxPod(`lint-${out.length}`);
    set(pod);
    out.push({ name, pod });
  };
  for (const f of windowsForbiddenFields) add(`forbidden ${f.path}`, "windows", f.set);
  for (const f of windowsAllowedFields) add(`allowed ${f.path}`, "windows", f.set);
  for (const h of HARMLESS) add(`present but unset ${h.path}`, "windows", h.set);
  for (const c of runAsUserNameCases) add(`runAsUserName ${c.name}`, "windows", c.set);
  for (const c of [...hostProcessCases, ...gmsaFieldCases, ...linuxWindowsOptionsCases, ...osFieldCases]) add(c.name, c.base, c.set);
  return out;
}

describe("lint against the real API server", function () {
  this.timeout(240_000);
  const kc = localKubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const ns = `hc-lint-${Date.now().toString(36)}`;
  const kubeconfig = join(stateDir(), "kubeconfig");
  const data = (name: string) => fileURLToPath(new URL(`../unit/lint/data/${name}`, import.meta.url));
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hc-lint-"));
    // HostProcess pods need a namespace whose Pod Security level is privileged.
    await core.createNamespace({
      body: { metadata: { name: ns, labels: { "hybrid-conformance.io/owner": "harness-tests", "pod-security.kubernetes.io/enforce": "privileged" } } },
    });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    await waits.namespaceGone(kc, ns, 110_000);
  });

  it("gives the server's verdict on every validation case: same pods refused, at the same fields", async () => {
    const all = probes();
    const disagreements: string[] = [];
    // A few at a time: the machine is shared.
    for (let i = 0; i < all.length; i += 8) {
      await Promise.all(
        all.slice(i, i + 8).map(async ({ name, pod }) => {
          const outcome = await submitPod(core, ns, pod);
          const server = outcome.accepted ? [] : (outcome.status?.details?.causes ?? []).map((c) => c.field ?? "");
          if (!outcome.accepted && server.length === 0)
            disagreements.push(`${name}: server refused without causes: ${outcome.status?.message ?? (outcome.error as Error).message}`);
          const findings = lint(parseInput({ name: "pod.json", text: JSON.stringify(pod) })).filter(
            (f) => f.severity === "error" && VALIDATION_RULES.has(f.rule),
          );
          // The lint reports an invalid os.name on spec.os.name; the server's NotSupported names spec.os.
          const linted = findings.map((f) => (f.rule === "os-name-invalid" && !server.includes("spec.os.name") ? "spec.os" : f.path));
          const a = [...new Set(server)].sort().join(", ");
          const b = [...new Set(linted)].sort().join(", ");
          if (a !== b) disagreements.push(`${name}: server ${a || "accepts"}; lint ${b || "accepts"}`);
        }),
      );
    }
    expect(disagreements).to.deep.equal([]);
    expect(all.length).to.be.greaterThan(70);
  });

  it("with --kubeconfig: the docs' examples get the cluster's real taint and builds, the dry run accepts them", () => {
    const r = cli(["lint", "-f", data("docs-win-webserver.yaml"), "-f", data("docs-runtimeclass-iis.yaml"), "--kubeconfig", kubeconfig, "-o", "json"]);
    expect(r.code, r.stderr).to.equal(1);
    const found = (JSON.parse(r.stdout).findings as { rule: string; line: number; file: string; message: string }[]).map(
      (f) => `${f.file.split("/").pop()}:${f.line} ${f.rule}`,
    );
    expect(found).to.deep.equal([
      "docs-runtimeclass-iis.yaml:34 os-field-missing",
      "docs-runtimeclass-iis.yaml:38 build-mismatch",
      "docs-win-webserver.yaml:35 os-field-missing",
      "docs-win-webserver.yaml:35 toleration-missing",
      "docs-win-webserver.yaml:38 build-mismatch",
    ]);
    expect(r.stdout).to.include("tainted os=windows:NoSchedule");
    expect(r.stdout).to.include("no Windows node of the cluster (builds 10.0.20348, 10.0.26100)");
  });

  it("with --kubeconfig: the server's refusals and what it could not check become findings at their lines", () => {
    const f = join(dir, "app.yaml");
    writeFileSync(
      f,
      [
        "apiVersion: v1\nkind: Pod\nmetadata: {name: refused}\nspec:\n  os: {name: windows}\n  nodeSelector: {kubernetes.io/os: windows}\n" +
          "  tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]\n  containers:\n  - name: c\n    image: registry.k8s.io/e2e-test-images/agnhost:2.52\n    securityContext:\n      runAsUser: 1000\n",
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: elsewhere, namespace: no-such-namespace-${ns}}\ndata: {a: b}\n`,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: tolerant}\nspec:\n  tolerations: [{key: os, operator: Exists}]\n  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.52}]\n",
      ].join("---\n"),
    );
    // forbidden-field disabled: the same mistake must then come from the API server itself.
    const r = cli(["lint", "-f", f, "--kubeconfig", kubeconfig, "--disable", "forbidden-field"]);
    expect(r.code, r.stderr).to.equal(1);
    const lines = r.stdout.split("\n").filter((l) => !l.startsWith("    fix:"));
    expect(lines.find((l) => l.includes("dry-run-refused"))).to.match(
      /app\.yaml:12:7 error dry-run-refused Pod\/refused spec\.containers\[0\]\.securityContext\.runAsUser: .*cannot be set for a windows pod/,
    );
    expect(lines.find((l) => l.includes("dry-run-skipped"))).to.match(
      /app\.yaml:14:1 info dry-run-skipped ConfigMap\/no-such-namespace-.*\/elsewhere: the API server could not check it: namespaces "no-such-namespace-/,
    );
    expect(lines.find((l) => l.includes("can-land-on-windows"))).to.match(
      /app\.yaml:\d+:\d+ error can-land-on-windows Pod\/tolerant spec\.nodeSelector: .*Windows nodes hc-win2022-1, hc-win2022-2, hc-win2025-1 \(its taints are tolerated\)/,
    );
    // Nothing was stored.
    return core.readNamespacedPod({ name: "refused", namespace: "default" }).then(
      () => expect.fail("the dry run stored a pod"),
      (e: { code?: number }) => expect(e.code).to.equal(404),
    );
  });

  // The messages of every kind of bad input are unit-tested (test/unit/lint/engine.spec.ts); here, that each kind of
  // failure (ours, commander's, the cluster's) reaches the user as one line and exit 2.
  it("bad input: one line, exit 2", () => {
    writeFileSync(join(dir, "not-yaml.yaml"), "kind: [unclosed\n");
    expectOneLineError(cli(["lint", "-f", join(dir, "not-yaml.yaml")]), /not-yaml\.yaml:\d+: not valid YAML or JSON/);
    expectOneLineError(
      cli(["lint", "-f", data("docs-win-webserver.yaml"), "--output", "xml"]),
      /argument 'xml' is invalid\. Allowed choices are text, json, sarif/,
    );
    // A cluster that is not there: still one line.
    const dead = join(dir, "dead-kubeconfig");
    writeFileSync(
      dead,
      "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:65533'}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: t}}]\n",
    );
    expectOneLineError(
      cli(["lint", "-f", data("docs-win-webserver.yaml"), "--kubeconfig", dead]),
      /cannot reach the API server at https:\/\/127\.0\.0\.1:65533: connection refused/,
    );
  });
});
