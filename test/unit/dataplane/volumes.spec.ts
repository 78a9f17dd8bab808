import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { containerView, podVolumes, type NodeFacts, type VolumeHost } from "../../../localcluster/dataplane/pods/container-view.js";
import { privateEmptyDirs } from "../../../localcluster/dataplane/pods/kubelet-faults.js";
import { HostFilesystems } from "../../../localcluster/dataplane/hostfs.js";
import { run } from "./helpers.js";

const win1: NodeFacts = { name: "hc-win2022-1", os: "windows", build: "10.0.20348", address: "127.0.0.1" };
const win2: NodeFacts = { ...win1, name: "hc-win2022-2" };
const objects = {
  configMap: async (_ns: string, name: string) => (name === "cfg" ? { "settings.ini": "[s]\nmode=1\n" } : undefined),
  secret: async (_ns: string, name: string) => (name === "sec" ? { "api-key": "k" } : undefined),
};
const cluster = { dnsIP: "10.96.0.10", kubernetesServiceIP: "10.96.0.1" };
const hostTemp: k8s.V1Volume = { name: "host", hostPath: { path: "C:\\Windows\\Temp", type: "Directory" } };

function pod(name: string, volumes: k8s.V1Volume[], containers: k8s.V1Container[]): k8s.V1Pod {
  return { metadata: { name, namespace: "ns", uid: name }, spec: { volumes, containers } };
}
const app = (mounts: k8s.V1VolumeMount[], name = "app"): k8s.V1Container => ({
  name,
  image: "mcr.microsoft.com/windows/servercore:ltsc2022",
  volumeMounts: mounts,
});

/** Builds the pod's volumes and its containers' views on a node, with the given faults on. */
async function start(p: k8s.V1Pod, node: NodeFacts, disks: HostFilesystems, faults: string[] = [], mountFaults = {}) {
  const host: VolumeHost = { node, disks, fault: (n) => faults.includes(n) };
  const volumes = await podVolumes(p, objects, host);
  // emptydir-not-shared rewrites the pod's volumes before each container is built (as pods/start.ts does).
  const own = () => (faults.includes("emptydir-not-shared") ? privateEmptyDirs(volumes) : volumes);
  return Promise.all(p.spec!.containers.map((c) => containerView(p, c, node, own(), objects, cluster, mountFaults)));
}

describe("dataplane volumes: hostPath, read-only mounts, projected, shared emptyDir", () => {
  it("hostPath: a file outlives the pod that wrote it, is seen by the next pod on the node and by no pod on another node", async () => {
    const disks = new HostFilesystems();
    const mount = [{ name: "host", mountPath: "C:\\host-temp" }];
    const [writer] = await start(pod("w", [hostTemp], [app(mount)]), win1, disks);
    expect(await run(writer, ["cmd", "/c", "echo token> C:\\host-temp\\f.txt"])).to.include({ exitCode: 0 });
    const [sameNode] = await start(pod("r", [hostTemp], [app(mount)]), win1, disks);
    expect((await run(sameNode, ["cmd", "/c", "type C:\\host-temp\\F.TXT"])).stdout).to.equal("token\r\n");
    const [otherNode] = await start(pod("o", [hostTemp], [app(mount)]), win2, disks);
    expect((await run(otherNode, ["cmd", "/c", "type C:\\host-temp\\f.txt"])).exitCode).to.not.equal(0);
  });

  it("hostPath type Directory fails the mount for a folder the node lacks; DirectoryOrCreate creates it", async () => {
    const disks = new HostFilesystems();
    const missing = { name: "h", hostPath: { path: "C:\\nowhere", type: "Directory" } };
    await start(pod("m", [missing], [app([])]), win1, disks).then(
      () => expect.fail("mounted a missing directory"),
      (e: Error) => expect(e.message).to.equal('MountVolume.SetUp failed for volume "h" : hostPath type check failed: C:\\nowhere is not a directory'),
    );
    await start(pod("c", [{ ...missing, hostPath: { path: "C:\\nowhere", type: "DirectoryOrCreate" } }], [app([])]), win1, disks);
    await start(pod("m2", [missing], [app([])]), win1, disks);
  });

  it("read-only emptyDir and hostPath mounts refuse writes with Access is denied.; the read-write mount of the same emptyDir works", async () => {
    const p = pod(
      "ro",
      [{ name: "scratch", emptyDir: {} }, hostTemp],
      [
        app([{ name: "scratch", mountPath: "C:\\scratch" }], "writer"),
        app(
          [
            { name: "scratch", mountPath: "C:\\scratch", readOnly: true },
            { name: "host", mountPath: "C:\\host-temp", readOnly: true },
          ],
          "reader",
        ),
      ],
    );
    const [writer, reader] = await start(p, win1, new HostFilesystems());
    expect((await run(writer, ["cmd", "/c", "echo rw> C:\\scratch\\a.txt"])).exitCode).to.equal(0);
    expect((await run(reader, ["cmd", "/c", "type C:\\scratch\\a.txt"])).stdout).to.equal("rw\r\n");
    for (const path of ["C:\\scratch\\b.txt", "C:\\host-temp\\b.txt"])
      expect(await run(reader, ["cmd", "/c", `echo x> ${path}`])).to.deep.equal({ stdout: "", stderr: "Access is denied.\r\n", exitCode: 1 });
  });

  it("faults: hostpath-not-writable denies hostPath writes only; readonly-mount-writable drops readOnly; emptydir-not-shared separates containers", async () => {
    const [hp] = await start(
      pod(
        "h",
        [hostTemp, { name: "e", emptyDir: {} }],
        [
          app([
            { name: "host", mountPath: "C:\\h" },
            { name: "e", mountPath: "C:\\e" },
          ]),
        ],
      ),
      win1,
      new HostFilesystems(),
      ["hostpath-not-writable"],
    );
    expect((await run(hp, ["cmd", "/c", "echo x> C:\\h\\f.txt"])).stderr).to.equal("Access is denied.\r\n");
    expect((await run(hp, ["cmd", "/c", "echo x> C:\\e\\f.txt"])).exitCode).to.equal(0);
    const [ro] = await start(
      pod("r", [{ name: "e", emptyDir: {} }], [app([{ name: "e", mountPath: "C:\\e", readOnly: true }])]),
      win1,
      new HostFilesystems(),
      [],
      {
        ignoreReadOnly: true,
      },
    );
    expect((await run(ro, ["cmd", "/c", "echo x> C:\\e\\f.txt"])).exitCode).to.equal(0);
    const shared = pod("s", [{ name: "e", emptyDir: {} }], [app([{ name: "e", mountPath: "C:\\e" }], "one"), app([{ name: "e", mountPath: "C:\\e" }], "two")]);
    const [one, two] = await start(shared, win1, new HostFilesystems(), ["emptydir-not-shared"]);
    await run(one, ["cmd", "/c", "echo x> C:\\e\\f.txt"]);
    expect((await run(two, ["cmd", "/c", "type C:\\e\\f.txt"])).exitCode).to.not.equal(0);
  });

  it("projected: Secret and ConfigMap sources land in one read-only directory; projected-source-missing keeps only the first", async () => {
    const projected: k8s.V1Volume = { name: "both", projected: { sources: [{ secret: { name: "sec" } }, { configMap: { name: "cfg" } }] } };
    const mount = [{ name: "both", mountPath: "C:\\projected", readOnly: true }];
    const [c] = await start(pod("p", [projected], [app(mount)]), win1, new HostFilesystems());
    expect(c.fs.list("C:\\projected")).to.deep.equal(["api-key", "settings.ini"]);
    expect(c.fs.write("C:\\projected\\x", "y")).to.equal("read-only");
    const [broken] = await start(pod("p", [projected], [app(mount)]), win1, new HostFilesystems(), ["projected-source-missing"]);
    expect(broken.fs.list("C:\\projected")).to.deep.equal(["api-key"]);
    await start(pod("p", [{ name: "both", projected: { sources: [{ configMap: { name: "absent" } }] } }], [app(mount)]), win1, new HostFilesystems()).then(
      () => expect.fail("mounted a missing ConfigMap"),
      (e: Error) => expect(e.message).to.equal('MountVolume.SetUp failed for volume "both" : configmap "absent" not found'),
    );
  });
});
