// The kubelet-side targeted faults as rewrites of a container's inputs: each changes only its behaviour.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { privateEmptyDirs, withEnvRefsDropped, withHostProcessIgnored } from "../../../localcluster/dataplane/pods/kubelet-faults.js";
import type { Volume } from "../../../localcluster/dataplane/fs.js";

describe("kubelet faults", () => {
  it("env-refs-dropped empties valueFrom values and drops envFrom; literal values stay", () => {
    const c: k8s.V1Container = {
      name: "app",
      envFrom: [{ configMapRef: { name: "cm" } }],
      env: [
        { name: "A", value: "1" },
        { name: "B", valueFrom: { configMapKeyRef: { name: "cm", key: "k" } } },
        { name: "C", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
      ],
    };
    expect(withEnvRefsDropped(c)).to.deep.equal({
      name: "app",
      envFrom: [],
      env: [
        { name: "A", value: "1" },
        { name: "B", value: "" },
        { name: "C", value: "" },
      ],
    });
  });

  it("emptydir-not-shared gives each container fresh emptyDirs; read-only volumes stay shared", () => {
    const ro: Volume = { kind: "readOnly", files: new Map([["k", "v"]]) };
    const shared: Volume = { kind: "emptyDir", files: new Map([["x", "1"]]) };
    const mine = privateEmptyDirs(
      new Map<string, Volume>([
        ["cfg", ro],
        ["scratch", shared],
      ]),
    );
    expect(mine.get("cfg")).to.equal(ro);
    expect(mine.get("scratch")).to.not.equal(shared);
    expect([...mine.get("scratch")!.files]).to.deep.equal([]);
  });

  it("hostprocess-ignored turns a HostProcess pod into an ordinary one; other pods are untouched", () => {
    const hp: k8s.V1Pod = {
      metadata: { name: "hp" },
      spec: {
        hostNetwork: true,
        securityContext: { windowsOptions: { hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM" } },
        containers: [{ name: "c" }],
      },
    };
    const { pod, container } = withHostProcessIgnored(hp, hp.spec!.containers[0]);
    expect(pod.spec!.hostNetwork).to.equal(false);
    expect(pod.spec!.securityContext!.windowsOptions).to.deep.equal({ hostProcess: undefined, runAsUserName: undefined });
    expect(container.name).to.equal("c");
    expect(container.securityContext?.windowsOptions?.hostProcess).to.equal(undefined);
    const plain: k8s.V1Pod = { spec: { containers: [{ name: "c" }] } };
    expect(withHostProcessIgnored(plain, plain.spec!.containers[0]).pod).to.equal(plain);
  });
});

describe("previous-log-lost", () => {
  it("a restart keeps the previous log unless the fault discards it", async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { ContainerLogs } = await import("../../../localcluster/dataplane/logs.js");
    const root = mkdtempSync(join(tmpdir(), "hc-logs-"));
    try {
      const logs = new ContainerLogs(root, "ns", "p", "uid", "c");
      logs.write(["first container"]);
      logs.rotate();
      expect(readFileSync(logs.previous, "utf8")).to.match(/stdout F first container\n$/);
      logs.write(["second container"]);
      logs.rotate({ keepPrevious: false });
      expect(readFileSync(logs.previous, "utf8")).to.equal("");
      expect(readFileSync(logs.current, "utf8")).to.equal("");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
