// Extend.RuntimeClass's pure checks: adapting the docs' fixture to a build, judging a RuntimeClass against the
// cluster, and matching the RuntimeClass admission plugin's refusal.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { loadFixture } from "../../../lib/fixtures/load.js";
import { renderFixture } from "../../../lib/fixtures/guard.js";
import {
  archOf,
  buildTag,
  conflictRefusalProblem,
  iisForBuild,
  judgeRuntimeClass,
  leaveSchedulingToRuntimeClass,
  otherBuild,
} from "../../../lib/checks/runtimeclass.js";
import type { Capabilities, NodeInfo } from "../../../lib/preflight/types.js";

const taint = { key: "os", value: "windows", effect: "NoSchedule" };
function node(name: string, os: string, build?: string, arch = "amd64"): NodeInfo {
  return {
    name,
    os,
    build,
    arch,
    ready: true,
    controlPlane: false,
    taints: os === "windows" ? [taint] : [],
    labels: { "kubernetes.io/os": os, "kubernetes.io/arch": arch, ...(build ? { "node.kubernetes.io/windows-build": build } : {}) },
    osImage: "",
    kernelVersion: "",
    kubeletVersion: "",
    containerRuntimeVersion: "",
    allocatable: {},
  };
}
const caps: Capabilities = {
  server: { url: "https://127.0.0.1:6443", gitVersion: "v1.36.3", platform: "linux/amd64" },
  context: "fake",
  local: true,
  nodes: [node("lin", "linux"), node("w22a", "windows", "10.0.20348"), node("w22b", "windows", "10.0.20348"), node("w25", "windows", "10.0.26100")],
  windowsBuilds: ["10.0.20348", "10.0.26100"],
  windowsTaints: [taint],
  runtimeClasses: [],
  gmsa: { crd: true, webhook: true },
};
const rc = (
  sel: Record<string, string>,
  tolerations: k8s.V1Toleration[] = [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }],
  handler = "runhcs-wcow-process",
): k8s.V1RuntimeClass => ({
  apiVersion: "node.k8s.io/v1",
  kind: "RuntimeClass",
  metadata: { name: "rc" },
  handler,
  scheduling: { nodeSelector: sel, tolerations },
});
const full = (build: string) => ({ "kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64", "node.kubernetes.io/windows-build": build });

describe("checks/runtimeclass", () => {
  it("names builds by their Server year, unknown ones by the build", () => {
    expect(buildTag("10.0.20348")).to.equal("2022");
    expect(buildTag("10.0.26100.1")).to.equal("2025");
    expect(buildTag("10.0.99999")).to.equal("10-0-99999");
  });

  it("reads the architecture of a build's Windows nodes", () => {
    expect(archOf("10.0.20348", caps.nodes)).to.equal("amd64");
    expect(archOf("10.0.20348", [node("a", "windows", "10.0.20348", "arm64")])).to.equal("arm64");
  });

  it("adapts the fixture to Server 2025: RuntimeClass, Deployment and Service renamed, image retagged by rendering", () => {
    const objs = iisForBuild(loadFixture("iis-runtimeclass"), { build: "10.0.26100", arch: "amd64", handler: "h", replicas: 3 });
    const r = objs.find((o) => o.kind === "RuntimeClass") as k8s.V1RuntimeClass;
    expect(r.metadata!.name).to.equal("windows-2025");
    expect(r.handler).to.equal("h");
    expect(r.scheduling!.nodeSelector).to.deep.equal(full("10.0.26100"));
    const d = objs.find((o) => o.kind === "Deployment") as k8s.V1Deployment;
    expect(d.metadata!.name).to.equal("iis-2025");
    expect(d.spec!.replicas).to.equal(3);
    expect(d.spec!.template.spec!.runtimeClassName).to.equal("windows-2025");
    const s = objs.find((o) => o.kind === "Service") as k8s.V1Service;
    expect([s.metadata!.name, s.spec!.selector!.app, s.spec!.type]).to.deep.equal(["iis-2025", "iis-2025", "LoadBalancer"]);
    const rendered = renderFixture(objs, { caps, namespace: "ns", labels: {}, build: "10.0.26100", nameSuffix: "r1-abc" });
    leaveSchedulingToRuntimeClass(rendered);
    const rd = rendered.find((o) => o.kind === "Deployment") as k8s.V1Deployment;
    expect(rd.spec!.template.spec!.containers[0].image).to.equal("mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2025");
    expect(rd.spec!.template.spec!.runtimeClassName).to.equal("windows-2025-r1-abc");
    expect(rd.spec!.template.spec!.nodeSelector).to.equal(undefined);
    expect(rd.spec!.template.spec!.tolerations).to.equal(undefined);
    expect(rd.spec!.template.spec!.os).to.deep.equal({ name: "windows" });
    // The guard replaced the RuntimeClass's tolerations with the cluster's Windows taints.
    expect((rendered.find((o) => o.kind === "RuntimeClass") as k8s.V1RuntimeClass).scheduling!.tolerations).to.deep.equal([
      { key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" },
    ]);
  });

  it("uses an existing RuntimeClass instead of the fixture's, and keeps the fixture's image for a build it knows no tag for", () => {
    const objs = iisForBuild(loadFixture("iis-runtimeclass"), {
      build: "10.0.99999",
      arch: "amd64",
      handler: "h",
      replicas: 2,
      existingRuntimeClass: "theirs",
    });
    expect(objs.map((o) => o.kind)).to.deep.equal(["Deployment", "Service"]);
    const d = objs[0] as k8s.V1Deployment;
    expect(d.spec!.template.spec!.runtimeClassName).to.equal("theirs");
    expect(d.metadata!.annotations!["hybrid-conformance.io/target"]).to.equal("os: windows, build: any");
    const rendered = renderFixture(objs, { caps, namespace: "ns", labels: {}, nameSuffix: "r1-abc" });
    expect((rendered[0] as k8s.V1Deployment).spec!.template.spec!.runtimeClassName).to.equal("theirs");
  });

  it("accepts the docs' RuntimeClass made consistent, and names each thing wrong with others", () => {
    const ok = judgeRuntimeClass(rc(full("10.0.20348")), caps);
    expect(ok.problems).to.deep.equal([]);
    expect(ok.nodes.map((n) => n.name)).to.deep.equal(["w22a", "w22b"]);

    expect(judgeRuntimeClass(rc(full("10.0.99999")), caps).problems).to.deep.equal([
      "RuntimeClass rc selects node.kubernetes.io/windows-build=10.0.99999, which no Ready Windows node has (Ready Windows builds: 10.0.20348, 10.0.26100)",
    ]);
    const noBuild = judgeRuntimeClass(rc({ "kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64" }), caps).problems;
    expect(noBuild).to.have.length(1);
    expect(noBuild[0]).to.match(/does not select a Windows build/);
    expect(judgeRuntimeClass(rc(full("10.0.26100"), []), caps).problems).to.deep.equal([
      "RuntimeClass rc does not tolerate the taint os=windows:NoSchedule of w25: its pods cannot be scheduled there",
    ]);
    expect(judgeRuntimeClass(rc(full("10.0.20348"), undefined, ""), caps).problems).to.deep.equal(["RuntimeClass rc names no handler"]);
    expect(judgeRuntimeClass(rc({ ...full("10.0.20348"), "kubernetes.io/arch": "arm64" }), caps).problems[0]).to.match(/selects no Ready node/);
  });

  it("picks another build for a conflicting pod", () => {
    expect(otherBuild("10.0.20348", caps.windowsBuilds)).to.equal("10.0.26100");
    expect(otherBuild("10.0.20348", ["10.0.20348"])).to.equal("10.0.17763");
  });

  it("matches the RuntimeClass admission plugin's Forbidden conflict, and explains anything else", () => {
    const key = "node.kubernetes.io/windows-build";
    const msg = `pods "x" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[${key}] = 10.0.20348; pod.spec.nodeSelector[${key}] = 10.0.26100`;
    expect(conflictRefusalProblem({ code: 403, reason: "Forbidden", message: msg }, key, "10.0.20348", "10.0.26100")).to.equal(undefined);
    expect(conflictRefusalProblem(undefined, key, "a", "b")).to.match(/^the pod was accepted; expected 403 Forbidden/);
    expect(conflictRefusalProblem({ code: 500, reason: "InternalError", message: "Internal error occurred: failed calling webhook" }, key, "a", "b")).to.match(
      /^refused with 500 InternalError: Internal error/,
    );
    expect(conflictRefusalProblem({ code: 403, reason: "Forbidden", message: "something else" }, key, "a", "b")).to.match(
      /expected the message to contain "conflict:/,
    );
  });
});
