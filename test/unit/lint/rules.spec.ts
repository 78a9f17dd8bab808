// Every lint rule: a manifest that fails it and one that passes it, and the rules' agreement with the tables the
// Rejections suite verifies against the real API server (lib/fixtures/rejections.ts).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import type { ClusterFacts } from "../../../lib/lint/checks.js";
import { lint, type Finding } from "../../../lib/lint/engine.js";
import { RULES } from "../../../lib/lint/rules.js";
import { parseInput } from "../../../lib/lint/source.js";
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
} from "../../../lib/fixtures/rejections.js";

const lintText = (text: string, cluster?: ClusterFacts) => lint(parseInput({ name: "t.yaml", text }), { cluster });
const rulesOf = (fs: Finding[]) => [...new Set(fs.map((f) => f.rule))].sort();

/** A Windows pod the lint finds nothing wrong with; `extra` is YAML merged under spec (indented two spaces). */
const WIN = (spec: string, meta = "") => `apiVersion: v1
kind: Pod
metadata:
  name: p${meta}
spec:
  os: {name: windows}
  nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: '10.0.20348'}
${spec}`;
const CTR = "  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022'}]";

const taint = { key: "os", value: "windows", effect: "NoSchedule" };
const facts = (windowsTaints: ClusterFacts["nodes"][number]["taints"], builds = ["10.0.20348"]): ClusterFacts => ({
  nodes: [
    { name: "linux-1", os: "linux", ready: true, taints: [], labels: { "kubernetes.io/os": "linux" } },
    ...builds.map((b, i) => ({
      name: `win-${i}`,
      os: "windows",
      build: b,
      ready: true,
      taints: windowsTaints,
      labels: { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": b },
    })),
  ],
  runtimeClasses: [
    {
      name: "windows-2022",
      nodeSelector: { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348" },
      tolerations: [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }],
    },
  ],
});
const TOL = "  tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]";

interface Case {
  rule: string;
  fails: string;
  passes: string;
  cluster?: ClusterFacts;
}

// Each rule: the failing manifest must report that rule (and the passing one must report nothing at all).
const CASES: Case[] = [
  { rule: "os-name-invalid", fails: WIN(CTR).replace("name: windows}", "name: darwin}"), passes: WIN(CTR) },
  {
    rule: "os-selector-missing",
    fails: `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: windows}\n${CTR}`,
    passes: `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: windows}\n  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: In, values: [windows]}, {key: node.kubernetes.io/windows-build, operator: In, values: ['10.0.20348']}]}]}}}\n${CTR}`,
  },
  { rule: "os-field-missing", fails: WIN(CTR).replace("  os: {name: windows}\n", ""), passes: WIN(CTR) },
  { rule: "os-conflict", fails: WIN(CTR).replace("kubernetes.io/os: windows", "kubernetes.io/os: linux"), passes: WIN(CTR) },
  {
    rule: "windows-image-on-linux",
    fails: `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: linux}\n  nodeSelector: {kubernetes.io/os: linux}\n  containers: [{name: c, image: 'mcr.microsoft.com/windows/nanoserver:ltsc2022'}]`,
    passes: `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: linux}\n  nodeSelector: {kubernetes.io/os: linux}\n  containers: [{name: c, image: 'registry.k8s.io/e2e-test-images/agnhost:2.52'}]`,
  },
  {
    rule: "linux-image-on-windows",
    fails: WIN("  containers: [{name: c, image: 'nginx:1.27-alpine'}]"),
    passes: WIN("  containers: [{name: c, image: 'registry.k8s.io/e2e-test-images/agnhost:2.52'}]"),
  },
  { rule: "build-mismatch", fails: WIN("  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2025'}]"), passes: WIN(CTR) },
  {
    rule: "build-unpinned",
    fails: WIN(CTR).replace(", node.kubernetes.io/windows-build: '10.0.20348'", ""),
    passes: WIN("  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022'}]").replace("'10.0.20348'", "'10.0.26100'"),
  },
  { rule: "forbidden-field", fails: WIN(`${CTR}\n  securityContext: {runAsUser: 1000}`), passes: WIN(`${CTR}\n  securityContext: {runAsNonRoot: true}`) },
  {
    rule: "linux-only-field",
    fails: WIN(`${CTR}\n  hostPID: true`)
      .replace("  os: {name: windows}\n", "")
      .replace("metadata:\n  name: p", "metadata:\n  name: p\n  annotations: {hybrid-conformance.io/lint-accept: os-field-missing}"),
    passes: WIN(`${CTR}\n  hostPID: false`),
  },
  {
    rule: "windows-options-on-linux",
    fails: `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: linux}\n  nodeSelector: {kubernetes.io/os: linux}\n  securityContext: {windowsOptions: {runAsUserName: ContainerUser}}\n  containers: [{name: c, image: busybox}]`,
    passes: `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: linux}\n  nodeSelector: {kubernetes.io/os: linux}\n  containers: [{name: c, image: busybox}]`,
  },
  {
    rule: "host-network",
    fails: WIN(`${CTR}\n  hostNetwork: true`),
    passes: WIN(`${CTR}\n  hostNetwork: true\n  securityContext: {windowsOptions: {hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM'}}`),
  },
  {
    rule: "emptydir-memory",
    fails: WIN(`${CTR}\n  volumes: [{name: v, emptyDir: {medium: Memory}}]`),
    passes: WIN(`${CTR}\n  volumes: [{name: v, emptyDir: {}}]`),
  },
  {
    rule: "mount-propagation",
    fails: WIN(
      "  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022', volumeMounts: [{name: v, mountPath: 'C:\\v', mountPropagation: HostToContainer}]}]\n  volumes: [{name: v, emptyDir: {}}]",
    ),
    passes: WIN(
      "  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022', volumeMounts: [{name: v, mountPath: 'C:\\v'}]}]\n  volumes: [{name: v, emptyDir: {}}]",
    ),
  },
  {
    rule: "volume-devices",
    fails: WIN("  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022', volumeDevices: [{name: v, devicePath: /dev/xvda}]}]"),
    passes: WIN("  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022', volumeDevices: []}]"),
  },
  { rule: "dns-host-net", fails: WIN(`${CTR}\n  dnsPolicy: ClusterFirstWithHostNet`), passes: WIN(`${CTR}\n  dnsPolicy: ClusterFirst`) },
  {
    rule: "run-as-username",
    fails: WIN(`${CTR}\n  securityContext: {windowsOptions: {runAsUserName: 'svc@contoso.local'}}`),
    passes: WIN(`${CTR}\n  securityContext: {windowsOptions: {runAsUserName: 'contoso\\svc'}}`),
  },
  {
    rule: "hostprocess",
    fails: WIN(`${CTR}\n  securityContext: {windowsOptions: {hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM'}}`),
    passes: WIN(`${CTR}\n  hostNetwork: true\n  securityContext: {windowsOptions: {hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM'}}`),
  },
  {
    rule: "gmsa",
    fails: WIN(`${CTR}\n  securityContext: {windowsOptions: {gmsaCredentialSpecName: gmsa-WebApp1}}`),
    passes: WIN(`${CTR}\n  securityContext: {windowsOptions: {gmsaCredentialSpecName: gmsa-webapp1}}`),
  },
  {
    rule: "probe-exec-timeout",
    fails: WIN("  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022', readinessProbe: {exec: {command: [cmd, /c, ver]}}}]"),
    passes: WIN(
      "  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022', readinessProbe: {exec: {command: [cmd, /c, ver]}, timeoutSeconds: 5}}]",
    ),
  },
  {
    rule: "probe-exec-period",
    fails: WIN(
      "  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022', readinessProbe: {exec: {command: [cmd, /c, ver]}, timeoutSeconds: 3, periodSeconds: 1}}]",
    ),
    passes: WIN(
      "  containers: [{name: c, image: 'mcr.microsoft.com/windows/servercore:ltsc2022', readinessProbe: {exec: {command: [cmd, /c, ver]}, timeoutSeconds: 3, periodSeconds: 3}}]",
    ),
  },
  { rule: "toleration-missing", fails: WIN(CTR), passes: WIN(`${CTR}\n${TOL}`), cluster: facts([taint]) },
  {
    rule: "can-land-on-windows",
    fails: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers: [{name: c, image: 'nginx:1.27'}]`,
    passes: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      nodeSelector: {kubernetes.io/os: linux}\n      containers: [{name: c, image: 'nginx:1.27'}]`,
    cluster: facts([]),
  },
  {
    rule: "runtimeclass-missing",
    fails: WIN(`${CTR}\n${TOL}\n  runtimeClassName: windows-2025`),
    passes: WIN(`${CTR}\n  runtimeClassName: windows-2022`),
    cluster: facts([taint]),
  },
  {
    rule: "accept-unknown-rule",
    fails: WIN(CTR, "\n  annotations: {hybrid-conformance.io/lint-accept: no-such-rule}"),
    passes: WIN(CTR, "\n  annotations: {hybrid-conformance.io/lint-accept: host-network}"),
  },
];

// Rules only the dry run produces: tested in dry-run.spec.ts (a loopback stand-in) and test/e2e/lint.spec.ts.
const DRY_RUN_RULES = ["dry-run-refused", "dry-run-skipped"];

describe("lint rules", () => {
  it("every rule has a failing and a passing case here (or, for the dry run, in e2e)", () => {
    expect([...CASES.map((c) => c.rule), ...DRY_RUN_RULES].sort()).to.deep.equal(RULES.map((r) => r.id).sort());
  });

  it("every rule is documented in docs/lint.md with its source", () => {
    const doc = readFileSync(new URL("../../../docs/lint.md", import.meta.url), "utf8");
    for (const r of RULES) expect(doc, r.id).to.include(`### \`${r.id}\``);
  });

  for (const c of CASES) {
    describe(c.rule, () => {
      it("fails", () => expect(rulesOf(lintText(c.fails, c.cluster))).to.include(c.rule));
      it("passes", () => expect(lintText(c.passes, c.cluster)).to.deep.equal([]));
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// The same tables the Rejections suite checks against the real API server: the lint must say what the server says.

const asText = (pod: object) => JSON.stringify(pod);

describe("lint agrees with the Rejections tables", () => {
  for (const f of windowsForbiddenFields) {
    it(`forbidden-field at ${f.path}`, () => {
      const pod = windowsPod();
      f.set(pod);
      const found = lintText(asText(pod)).filter((x) => x.rule === "forbidden-field");
      expect(found.map((x) => x.path)).to.deep.equal([f.path]);
    });
  }
  it("counts a forbidden field as set the way the server does (hostPID/hostIPC true, sysctls non-empty, others when present)", () => {
    const paths = (spec: string) =>
      lintText(WIN(`${CTR}\n${spec}`))
        .filter((x) => x.rule === "forbidden-field")
        .map((x) => x.path)
        .sort();
    expect(paths("  hostPID: false\n  hostIPC: false\n  securityContext: {sysctls: []}")).to.deep.equal([]);
    expect(paths("  shareProcessNamespace: false\n  hostUsers: true\n  securityContext: {supplementalGroups: []}")).to.deep.equal([
      "spec.hostUsers",
      "spec.securityContext.supplementalGroups",
      "spec.shareProcessNamespace",
    ]);
  });
  for (const f of windowsAllowedFields) {
    it(`allows ${f.path}`, () => {
      const pod = windowsPod();
      f.set(pod);
      expect(lintText(asText(pod)).filter((x) => x.severity === "error")).to.deep.equal([]);
    });
  }
  for (const c of runAsUserNameCases) {
    it(`runAsUserName ${c.valid ? "accepts" : "rejects"} ${c.name}`, () => {
      const pod = windowsPod();
      c.set(pod);
      const found = lintText(asText(pod)).filter((x) => x.rule === "run-as-username");
      if (c.valid) expect(found).to.deep.equal([]);
      else {
        expect(found.map((x) => x.path)).to.deep.equal([c.cause!.field]);
        expect(found[0].message).to.include(c.cause!.message!.slice(0, 40));
      }
    });
  }
  for (const c of [...hostProcessCases, ...gmsaFieldCases, ...linuxWindowsOptionsCases, ...osFieldCases]) {
    it(`${c.accepted ? "accepts" : "rejects"}: ${c.name}`, () => {
      const pod = c.base === "windows" ? windowsPod() : linuxPod();
      c.set(pod);
      const errors = lintText(asText(pod)).filter((x) => x.severity === "error");
      if (c.accepted) expect(errors).to.deep.equal([]);
      // os.name "darwin" / "" are reported on spec.os.name; the server reports NotSupported on spec.os.
      else expect(errors.map((x) => x.path).map((p) => (p === "spec.os.name" ? c.causes[0].field : p))).to.include.members(c.causes.map((x) => x.field));
    });
  }
});
