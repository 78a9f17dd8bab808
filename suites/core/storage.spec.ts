// Core.Storage: what a Windows pod's volumes do (WOR Core.Storage, upstream test/e2e/windows/volumes.go). A hostPath
// volume reaches the node's own disk: a file written there outlives the pod, and the next pod on that node reads it.
// Read-only mounts (emptyDir and hostPath) refuse writes with Windows' "Access is denied." while the read-write
// mount of the same emptyDir works. Secret, ConfigMap and projected volumes carry their keys (Secret values are
// compared, never shown). Three containers of one pod write the same files at once and each sees all of it.
import { expect } from "chai";
import * as allure from "allure-js-commons";
import type * as k8s from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { useTestEnv } from "../../lib/run/test-env.js";
import { renderedTargetOf } from "../../lib/fixtures/target.js";
import { placementProblems } from "../../lib/checks/scheduling.js";
import { fileProblems, listing, secretProblems } from "../../lib/checks/workloads.js";
import { deniedWriteProblems, missingLines } from "../../lib/checks/storage.js";
import { categoryOf } from "../index.js";
import { STORAGE } from "./storage.titles.js";

const ofKind = <T extends k8s.KubernetesObject>(objs: k8s.KubernetesObject[], kind: string, name?: string) =>
  objs.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name)) as T;
const fail = (problems: string[]) => expect(problems, problems.join("; ")).to.deep.equal([]);
const param = (name: string, value: string, excluded = false) => allure.parameter(name, value, excluded ? { excluded: true } : undefined);
/** Keeps only the named objects of a fixture (the hostPath fixture's two pods are deployed one after the other). */
const only =
  (...names: string[]) =>
  (objs: k8s.KubernetesObject[]) =>
    void objs.splice(0, objs.length, ...objs.filter((o) => names.includes(o.metadata!.name!)));

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  /** Ready on a Windows node of the build it was rendered for; its image, node and build are report parameters. */
  const readyPod = async (pod: k8s.V1Pod) => {
    const name = pod.metadata!.name!;
    await param("image", pod.spec!.containers[0].image!);
    const ready = await env.step(`${name} is Ready`, () => env.wait.podReady(name));
    const node = env.node(ready.spec!.nodeName!);
    fail(placementProblems(ready, node, { os: "windows", build: renderedTargetOf(pod)?.build }));
    await param("node", node.name, true);
    await param("build", node.build ?? "?");
    return ready;
  };

  it(STORAGE.hostPath, async () => {
    const file = `hc-${env.ns}-${randomBytes(3).toString("hex")}.txt`;
    const token = `written-by-hostpath-writer-${randomBytes(4).toString("hex")}`;
    const inPod = `C:\\host-temp\\${file}`;
    const writer = ofKind<k8s.V1Pod>(
      await env.step("deploy hostpath-writer: the node's C:\\Windows\\Temp mounted at C:\\host-temp", () =>
        env.deploy("hostpath-read-write", { mutate: only("hostpath-writer") }),
      ),
      "Pod",
    );
    const landed = await readyPod(writer);
    const node = landed.spec!.nodeName!;
    let written = false;
    let reader: string | undefined;
    try {
      await env.step(`hostpath-writer writes ${inPod} (C:\\Windows\\Temp\\${file} on ${node}) and reads it back`, async () => {
        const r = await env.exec("hostpath-writer", "app", ["cmd", "/c", `echo ${token}> ${inPod}`]);
        written = r.exitCode === 0 && r.error === undefined;
        expect(
          written,
          `pod ${env.ns}/hostpath-writer on node ${node}: writing ${inPod} (hostPath C:\\Windows\\Temp) failed (exit ${r.exitCode}): ${(r.error ?? r.stderr).trim()}`,
        ).to.equal(true);
        fail(fileProblems(`pod ${env.ns}/hostpath-writer on node ${node}`, inPod, token, await env.readWindowsFile("hostpath-writer", "app", inPod)));
      });
      await env.step("delete hostpath-writer and wait until it is gone", async () => {
        await env.core.deleteNamespacedPod({ name: "hostpath-writer", namespace: env.ns });
        await env.wait.podsGone(["hostpath-writer"]);
      });
      await env.step(`deploy hostpath-reader pinned to ${node}`, () =>
        env.deploy("hostpath-read-write", {
          mutate: (objs) => {
            only("hostpath-reader")(objs);
            ofKind<k8s.V1Pod>(objs, "Pod").spec!.nodeSelector!["kubernetes.io/hostname"] = node;
          },
        }),
      );
      reader = "hostpath-reader";
      const second = await env.wait.podReady(reader);
      expect(second.spec!.nodeName, `pod ${env.ns}/${reader} was pinned to ${node} but runs on ${second.spec!.nodeName}`).to.equal(node);
      await env.step(`hostpath-reader on ${node} reads the file the deleted writer left on the host`, async () =>
        fail(
          fileProblems(
            `pod ${env.ns}/${reader} on node ${node} (written by the deleted pod hostpath-writer)`,
            `${inPod} (C:\\Windows\\Temp\\${file} on the host)`,
            token,
            await env.readWindowsFile(reader!, "app", inPod),
          ),
        ),
      );
    } finally {
      // Leave nothing on the node: whichever pod still runs removes the file.
      const cleaner = reader ?? (written ? "hostpath-writer" : undefined);
      if (cleaner && written) {
        await env.step(`remove C:\\Windows\\Temp\\${file} from ${node}`, async () => {
          await env.execOk(cleaner, "app", ["cmd", "/c", `del ${inPod}`]);
          expect(await env.readWindowsFile(cleaner, "app", inPod), `pod ${env.ns}/${cleaner} on node ${node}: ${inPod} is still there after del`).to.equal(
            undefined,
          );
        });
      }
    }
  });

  it(STORAGE.readOnly, async () => {
    const pod = ofKind<k8s.V1Pod>(
      await env.step("deploy readonly-mounts: writer mounts the emptyDir read-write; reader mounts it and C:\\Windows\\Temp read-only", () =>
        env.deploy("readonly-mounts"),
      ),
      "Pod",
    );
    const name = pod.metadata!.name!;
    const ready = await readyPod(pod);
    const node = ready.spec!.nodeName!;
    const token = `rw-${randomBytes(4).toString("hex")}`;
    const where = (c: string) => `pod ${env.ns}/${name} on node ${node}, container ${c}`;
    await env.step("writer (read-write mount) writes C:\\scratch\\from-writer.txt; reader (read-only mount) reads it", async () => {
      await env.execOk(name, "writer", ["cmd", "/c", `echo ${token}> C:\\scratch\\from-writer.txt`]);
      fail(fileProblems(where("reader"), "C:\\scratch\\from-writer.txt", token, await env.readWindowsFile(name, "reader", "C:\\scratch\\from-writer.txt")));
    });
    await env.step('reader cannot write the read-only emptyDir: "Access is denied."', async () => {
      const path = "C:\\scratch\\from-reader.txt";
      const r = await env.exec(name, "reader", ["cmd", "/c", `echo denied> ${path}`]);
      fail(deniedWriteProblems(where("reader") + " (emptyDir scratch, readOnly: true)", path, r));
    });
    await env.step('reader cannot write the read-only hostPath C:\\Windows\\Temp: "Access is denied."', async () => {
      const path = `C:\\host-temp\\hc-${env.ns}-denied.txt`;
      const r = await env.exec(name, "reader", ["cmd", "/c", `echo denied> ${path}`]);
      // A write that wrongly went through must not stay on the node.
      if (r.exitCode === 0 && r.error === undefined) await env.exec(name, "reader", ["cmd", "/c", `del ${path}`]);
      fail(deniedWriteProblems(where("reader") + " (hostPath C:\\Windows\\Temp, readOnly: true)", path, r));
    });
  });

  it(STORAGE.projected, async () => {
    let rendered: k8s.KubernetesObject[] = [];
    const objs = await env.step("deploy projected-volumes: ConfigMap storage-config, Secret storage-secret, and a pod mounting each and both projected", () =>
      env.deploy("projected-volumes", { mutate: (o) => void (rendered = structuredClone(o)) }),
    );
    const pod = ofKind<k8s.V1Pod>(objs, "Pod");
    const name = pod.metadata!.name!;
    const cm = ofKind<k8s.V1ConfigMap>(rendered, "ConfigMap");
    const secret = ofKind<k8s.V1Secret>(rendered, "Secret");
    const secretValue = secret.stringData?.["api-key"] ?? Buffer.from(secret.data?.["api-key"] ?? "", "base64").toString("utf8");
    const ready = await readyPod(pod);
    const node = ready.spec!.nodeName!;
    const where = `pod ${env.ns}/${name} on node ${node}, container app`;
    const secretFile = async (path: string, volume: string) =>
      fail(
        secretProblems(
          where,
          `file ${path} (${volume})`,
          `key api-key of Secret ${secret.metadata!.name}`,
          secretValue,
          await env.readWindowsFile(name, "app", path),
        ),
      );
    await env.step("ConfigMap volume: C:\\config\\settings.ini", async () =>
      fail(
        fileProblems(
          `${where} (configMap volume)`,
          "C:\\config\\settings.ini",
          cm.data!["settings.ini"],
          await env.readWindowsFile(name, "app", "C:\\config\\settings.ini"),
        ),
      ),
    );
    await env.step("Secret volume: C:\\secret\\api-key matches the Secret (value not shown)", () => secretFile("C:\\secret\\api-key", "secret volume"));
    await env.step("projected volume at C:\\projected holds both sources' keys (api-key, settings.ini)", async () => {
      const files = listing(await env.execOk(name, "app", ["powershell.exe", "-Command", "Get-ChildItem -Name C:\\projected"]));
      fail(
        [`api-key (Secret ${secret.metadata!.name})`, `settings.ini (ConfigMap ${cm.metadata!.name})`]
          .filter((f) => !files.includes(f.split(" ")[0]))
          .map((f) => `${where} (projected volume both): C:\\projected has no file ${f}; found: ${files.join(", ") || "nothing"}`),
      );
      await secretFile("C:\\projected\\api-key", "projected volume, Secret source");
      fail(
        fileProblems(
          `${where} (projected volume, ConfigMap source)`,
          "C:\\projected\\settings.ini",
          cm.data!["settings.ini"],
          await env.readWindowsFile(name, "app", "C:\\projected\\settings.ini"),
        ),
      );
    });
  });

  it(STORAGE.shared, async () => {
    const pod = ofKind<k8s.V1Pod>(
      await env.step("deploy shared-files-three-containers: containers one, two and three share an emptyDir at C:\\shared", () =>
        env.deploy("shared-files-three-containers"),
      ),
      "Pod",
    );
    const name = pod.metadata!.name!;
    const ready = await readyPod(pod);
    const node = ready.spec!.nodeName!;
    const containers = pod.spec!.containers.map((c) => c.name);
    const line = Object.fromEntries(containers.map((c) => [c, `${c}-${randomBytes(4).toString("hex")}`]));
    await env.step(`${containers.join(", ")} each append a line to C:\\shared\\together.txt and write C:\\shared\\<name>.txt, all at once`, async () => {
      await Promise.all(
        containers.map((c) => env.execOk(name, c, ["cmd", "/c", `echo ${line[c]}>> C:\\shared\\together.txt && echo ${line[c]}> C:\\shared\\${c}.txt`])),
      );
    });
    for (const c of containers) {
      await env.step(`${c} reads every container's line in C:\\shared\\together.txt and the other two's files`, async () => {
        const where = `pod ${env.ns}/${name} on node ${node}, container ${c}`;
        fail(missingLines(where, "C:\\shared\\together.txt", line, await env.readWindowsFile(name, c, "C:\\shared\\together.txt")));
        for (const other of containers.filter((o) => o !== c)) {
          fail(
            fileProblems(
              `${where} (written by ${other})`,
              `C:\\shared\\${other}.txt`,
              line[other],
              await env.readWindowsFile(name, c, `C:\\shared\\${other}.txt`),
            ),
          );
        }
      });
    }
  });
});
