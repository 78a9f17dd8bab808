// The lint on the Windows docs' own examples, on every input shape (multi-document YAML, JSON, List), with
// accepting and disabling, and the three outputs.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Log } from "sarif";
import type { ClusterFacts } from "../../../lib/lint/checks.js";
import { fails, lint } from "../../../lib/lint/engine.js";
import { formatJson, formatSarif, formatText } from "../../../lib/lint/output.js";
import { loadSources, parseInput, readInputs } from "../../../lib/lint/source.js";

const data = (name: string) => fileURLToPath(new URL(`./data/${name}`, import.meta.url));
const brief = (fs: ReturnType<typeof lint>) => fs.map((f) => `${f.line} ${f.severity} ${f.rule} ${f.object} ${f.path}`);

/** The docs' recommended setup: Windows Server 2022 and 2025 workers tainted os=windows:NoSchedule. */
const DOCS_CLUSTER: ClusterFacts = {
  nodes: [
    { name: "linux-1", os: "linux", ready: true, taints: [], labels: { "kubernetes.io/os": "linux" } },
    ...["10.0.20348", "10.0.26100"].map((b, i) => ({
      name: `win-${i}`,
      os: "windows",
      build: b,
      ready: true,
      taints: [{ key: "os", value: "windows", effect: "NoSchedule" }],
      labels: { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": b },
    })),
  ],
  runtimeClasses: [],
};

describe("lint on the Windows docs' examples", () => {
  it("RuntimeClass + IIS: the ltsc2019 image on the RuntimeClass that selects build 10.0.20348, at its line", () => {
    const findings = lint(loadSources([data("docs-runtimeclass-iis.yaml")]));
    expect(brief(findings)).to.deep.equal([
      "34 warning os-field-missing Deployment/iis-2019 spec.template.spec.os",
      "38 error build-mismatch Deployment/iis-2019 spec.template.spec.containers[0].image",
    ]);
    expect(findings[1].column).to.equal(9);
    expect(findings[1].fix).to.equal("use mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022, the tag for build 10.0.20348");
    // The RuntimeClass carries the docs' toleration: against the docs' cluster, nothing about tolerations.
    expect(brief(lint(loadSources([data("docs-runtimeclass-iis.yaml")]), { cluster: DOCS_CLUSTER })).some((l) => l.includes("toleration"))).to.equal(false);
  });

  it("win-webserver against the docs' tainted cluster: missing toleration and an image no node can run, at their lines", () => {
    const findings = lint(loadSources([data("docs-win-webserver.yaml")]), { cluster: DOCS_CLUSTER });
    expect(brief(findings)).to.deep.equal([
      "35 warning os-field-missing Deployment/win-webserver spec.template.spec.os",
      "35 error toleration-missing Deployment/win-webserver spec.template.spec.tolerations",
      "38 error build-mismatch Deployment/win-webserver spec.template.spec.containers[0].image",
    ]);
    expect(findings[1].message).to.include("tainted os=windows:NoSchedule");
    expect(findings[2].message).to.include("no Windows node of the cluster (builds 10.0.20348, 10.0.26100)");
  });

  it("win-webserver offline: the unpinned ltsc2019 image is a warning, not a guess about the cluster", () => {
    expect(brief(lint(loadSources([data("docs-win-webserver.yaml")])))).to.deep.equal([
      "35 warning os-field-missing Deployment/win-webserver spec.template.spec.os",
      "38 warning build-unpinned Deployment/win-webserver spec.template.spec.containers[0].image",
    ]);
  });
});

const POD_WITH_HOSTNET = `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
spec:
  os: {name: windows}
  nodeSelector: {kubernetes.io/os: windows}
  hostNetwork: true
  containers: [{name: c, image: 'registry.k8s.io/e2e-test-images/agnhost:2.52'}]
`;

describe("lint input and findings", () => {
  it("reads multi-document YAML with empty documents and a List, with each item's own lines", () => {
    const text = `---\n# nothing here\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- ${POD_WITH_HOSTNET.split("\n").join("\n  ")}`;
    const sources = parseInput({ name: "l.yaml", text });
    expect(sources.map((s) => s.obj.kind)).to.deep.equal(["ConfigMap", "Pod"]);
    expect(brief(lint(sources))).to.deep.equal(["18 error host-network Pod/shop/p spec.hostNetwork"]);
  });

  it("reads helm template output from stdin (-): # Source comments, empty documents, files in order", () => {
    const helm = `---\n# Source: shop/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: shop}\nspec: {ports: [{port: 80}]}\n---\n# Source: shop/templates/pod.yaml\n${POD_WITH_HOSTNET}`;
    const inputs = readInputs(["-", data("docs-win-webserver.yaml")], () => helm);
    expect(inputs.map((i) => i.name)).to.deep.equal(["<stdin>", data("docs-win-webserver.yaml")]);
    const findings = lint(inputs.flatMap(parseInput));
    expect(findings.map((f) => `${f.file === "<stdin>" ? "<stdin>" : "file"}:${f.line} ${f.rule}`)).to.deep.equal([
      "<stdin>:17 host-network",
      "file:35 os-field-missing",
      "file:38 build-unpinned",
    ]);
  });

  it("reads JSON with line numbers", () => {
    const json = JSON.stringify(
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { os: { name: "windows" }, nodeSelector: { "kubernetes.io/os": "windows" }, hostPID: true, containers: [{ name: "c", image: "busybox" }] },
      },
      null,
      2,
    );
    const f = lint(parseInput({ name: "p.json", text: json }));
    expect(brief(f)).to.deep.equal([`${json.split("\n").findIndex((l) => l.includes("hostPID")) + 1} error forbidden-field Pod/p spec.hostPID`]);
  });

  it("accepts a finding on the annotated object only, and --disable drops a rule everywhere", () => {
    const accepted = POD_WITH_HOSTNET.replace("  namespace: shop\n", "  namespace: shop\n  annotations: {hybrid-conformance.io/lint-accept: host-network}\n");
    const both = lint(parseInput({ name: "a.yaml", text: `${accepted}---\n${POD_WITH_HOSTNET.replace("name: p", "name: q")}` }));
    expect(both.map((f) => [f.object, f.accepted ?? false])).to.deep.equal([
      ["Pod/shop/p", true],
      ["Pod/shop/q", false],
    ]);
    expect(fails([both[0]], "info")).to.equal(false);
    expect(fails(both, "error")).to.equal(true);
    expect(lint(parseInput({ name: "a.yaml", text: POD_WITH_HOSTNET }), { disable: ["host-network"] })).to.deep.equal([]);
  });

  it("--fail-on: a warning fails at warning and info, not at error", () => {
    const f = lint(loadSources([data("docs-win-webserver.yaml")]));
    expect([fails(f, "error"), fails(f, "warning"), fails(f, "info")]).to.deep.equal([false, true, true]);
  });

  it("--image-os maps the user's own images", () => {
    const text = POD_WITH_HOSTNET.replace("  hostNetwork: true\n", "").replace("registry.k8s.io/e2e-test-images/agnhost:2.52", "myregistry.io/shop/api:1.0");
    expect(lint(parseInput({ name: "m.yaml", text }))).to.deep.equal([]);
    expect(brief(lint(parseInput({ name: "m.yaml", text }), { imageOS: { "myregistry.io/shop": "10.0.17763" } }))).to.deep.equal([
      "9 warning build-unpinned Pod/shop/p spec.containers[0].image",
    ]);
    expect(brief(lint(parseInput({ name: "m.yaml", text }), { imageOS: { "myregistry.io/shop": "linux" } }))).to.deep.equal([
      "9 error linux-image-on-windows Pod/shop/p spec.containers[0].image",
    ]);
  });
});

describe("lint bad input (one line each; the CLI exits 2 on these, see test/e2e/lint.spec.ts)", () => {
  const msg = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
    return "no error";
  };
  it("not YAML, not an object, a List item that is not one, a missing file, an empty directory, no -f at all", () => {
    const dir = mkdtempSync(join(tmpdir(), "lint-bad-"));
    try {
      expect(msg(() => parseInput({ name: "x.yaml", text: "a: b\n  c: [\n" }))).to.match(/^UserFacingError: x\.yaml:\d+: not valid YAML or JSON: /);
      expect(msg(() => parseInput({ name: "x.yaml", text: "just some text\n" }))).to.equal(
        "UserFacingError: x.yaml:1: document 1 is not a Kubernetes object (no apiVersion and kind)",
      );
      expect(msg(() => parseInput({ name: "x.json", text: '{"apiVersion": "v1", "kind": "List", "items": [42]}' }))).to.equal(
        "UserFacingError: x.json:1: List item 0 is not a Kubernetes object",
      );
      expect(msg(() => loadSources([join(dir, "missing.yaml")]))).to.equal(`UserFacingError: ${join(dir, "missing.yaml")}: no such file or directory`);
      writeFileSync(join(dir, "notes.txt"), "not a manifest");
      expect(msg(() => loadSources([dir]))).to.equal(`UserFacingError: ${dir}: directory holds no .yaml, .yml or .json files`);
      expect(msg(() => loadSources([]))).to.equal("UserFacingError: nothing to lint: give -f FILE, -f DIR or -f - (stdin)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("lint outputs", () => {
  const findings = lint(loadSources([data("docs-runtimeclass-iis.yaml")]));

  it("text: file:line:col severity rule object path: message, then the fix, then a summary", () => {
    const lines = formatText(findings, 3).trimEnd().split("\n");
    expect(lines[2]).to.match(
      /docs-runtimeclass-iis\.yaml:38:9 error build-mismatch Deployment\/iis-2019 spec\.template\.spec\.containers\[0\]\.image: container iis runs /,
    );
    expect(lines[3]).to.match(/^ {4}fix: use mcr\.microsoft\.com/);
    expect(lines.at(-1)).to.equal("3 objects linted: 1 error, 1 warning, 0 info");
  });

  it("json: every finding with all its fields", () => {
    const doc = JSON.parse(formatJson(findings, 3));
    expect(doc.objects).to.equal(3);
    expect(doc.findings[1]).to.include({ rule: "build-mismatch", severity: "error", object: "Deployment/iis-2019", line: 38, column: 9 });
  });

  it("sarif: a 2.1.0 log with every rule and results pointing at file regions", () => {
    const log = JSON.parse(formatSarif(findings, "0.1.0")) as Log;
    expect(log.version).to.equal("2.1.0");
    const run = log.runs[0];
    expect(run.tool.driver.rules!.map((r) => r.id)).to.include.members(["build-mismatch", "forbidden-field", "toleration-missing"]);
    const r = run.results![1];
    expect(r.ruleId).to.equal("build-mismatch");
    expect(r.level).to.equal("error");
    expect(run.tool.driver.rules![r.ruleIndex!].id).to.equal("build-mismatch");
    expect(r.locations![0].physicalLocation!.region).to.deep.equal({ startLine: 38, startColumn: 9 });
    expect(r.locations![0].physicalLocation!.artifactLocation!.uri).to.match(/test\/unit\/lint\/data\/docs-runtimeclass-iis\.yaml$/);
  });
});
