// Core.Workloads: what a Windows admin deploys first, running on the Windows nodes. The docs' win-webserver
// Deployment; two containers sharing an emptyDir; ConfigMap and Secret as environment and volumes (Secret values are
// compared, never shown); postStart and preStop hooks, each observed through something the API exposes; resource
// requests and limits as stored and as the container sees them; the pod status fields; a rolling update.
import { expect } from "chai";
import * as allure from "allure-js-commons";
import type * as k8s from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { useTestEnv } from "../../lib/run/test-env.js";
import { renderedTargetOf } from "../../lib/fixtures/target.js";
import { buildName, placementProblems, rollingBounds } from "../../lib/checks/scheduling.js";
import {
  addressProblems,
  conditionProblems,
  containerIdentityProblems,
  downwardResourceValue,
  echoCalls,
  envProblems,
  expectedQosClass,
  fileProblems,
  listing,
  parseSet,
  qosProblems,
  resourceProblems,
  rolloutDone,
  rolloutProblems,
  secretProblems,
  startTimeProblems,
  type NodeAddressing,
} from "../../lib/checks/workloads.js";
import { cpuMillis, bytes } from "../../lib/checks/quantity.js";
import { containerStatus, isPodReady } from "../../lib/cluster/status.js";
import { categoryOf } from "../index.js";
import { submitPod } from "../../lib/checks/rejections.js";
import { STOP_SIGNAL_CASES, STOP_SIGNAL_FIELD, stopSignalDropped, stopSignalProblem, withStopSignal } from "../../lib/checks/stop-signals.js";
import { checkStep, skipWithReason } from "../../lib/run/steps.js";
import { WORKLOADS } from "./workloads.titles.js";
import { poolIndependent } from "../../lib/pools/passes.js";

const ofKind = <T extends k8s.KubernetesObject>(objs: k8s.KubernetesObject[], kind: string) => objs.find((o) => o.kind === kind) as T;
const fail = (problems: string[]) => expect(problems, problems.join("; ")).to.deep.equal([]);
/** Shown in the report; node names are excluded from the history id (they may differ between runs). */
const param = (name: string, value: string, excluded = false) => allure.parameter(name, value, excluded ? { excluded: true } : undefined);

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  /** Where a pod landed, as a step: a Windows node (of the build it was rendered for) that can run its images. */
  const landed = async (p: k8s.V1Pod, build?: string) => {
    const node = env.node(p.spec!.nodeName!);
    await env.step(`${p.metadata!.name} on ${node.name} (${node.os}${node.build ? ` ${buildName(node.build)}` : ""})`, () =>
      fail(placementProblems(p, node, { os: "windows", build })),
    );
    return node;
  };

  it(WORKLOADS.webserver, async () => {
    const objs = await env.step("deploy win-webserver (NodePort Service + Deployment of 2 PowerShell HttpListener replicas) through the scheduling guard", () =>
      env.deploy("win-webserver"),
    );
    const dep = ofKind<k8s.V1Deployment>(objs, "Deployment");
    const build = renderedTargetOf(dep)?.build;
    const image = dep.spec!.template.spec!.containers[0].image!;
    await param("build", build ?? "?");
    await param("image", image);
    const replicas = dep.spec!.replicas ?? 1;
    expect(replicas, "the docs' win-webserver runs 2 replicas").to.equal(2);
    const pods = await env.step(`${replicas} pods Ready`, () => env.wait.podsReady("app=win-webserver", replicas));
    await env.step(`Deployment win-webserver reports ${replicas}/${replicas} replicas available`, () => env.wait.deploymentAvailable(dep.metadata!.name!));
    await param("nodes", pods.map((p) => p.spec!.nodeName).join(", "), true);
    for (const p of pods) await landed(p, build);
    for (const p of pods) {
      const name = p.metadata!.name!;
      await env.step(`${name} printed "Listening at http://*:80/" (the script's banner)`, async () => {
        const log = await env.logs(name, "windowswebserver");
        expect(
          log,
          `pod ${env.ns}/${name} on node ${p.spec!.nodeName}, container windowswebserver: its log does not show "Listening at http://*:80/" (log: ${JSON.stringify(log.slice(0, 200))})`,
        ).to.contain("Listening at http://*:80/");
      });
    }
  });

  it(WORKLOADS.emptyDir, async () => {
    const pod = ofKind<k8s.V1Pod>(
      await env.step("deploy multi-container-emptydir: writer and reader containers, emptyDir at C:\\shared", () => env.deploy("multi-container-emptydir")),
      "Pod",
    );
    const name = pod.metadata!.name!;
    await param("image", pod.spec!.containers[0].image!);
    const ready = await env.step(`${name} is Ready`, () => env.wait.podReady(name));
    await param("node", ready.spec!.nodeName!, true);
    await param("build", env.node(ready.spec!.nodeName!).build ?? "?");
    await landed(ready, renderedTargetOf(pod)?.build);
    await env.step("the reader sees the file the writer created at start-up (C:\\shared\\hello.txt)", async () =>
      fail(
        fileProblems(
          `pod ${env.ns}/${name} container reader`,
          "C:\\shared\\hello.txt",
          "hello from the writer container",
          await env.readWindowsFile(name, "reader", "C:\\shared\\hello.txt"),
        ),
      ),
    );
    for (const [from, to] of [
      ["writer", "reader"],
      ["reader", "writer"],
    ]) {
      const token = `from-${from}-${randomBytes(4).toString("hex")}`;
      const path = `C:\\shared\\${from}.txt`;
      await env.step(`${from} writes ${path}; ${to} reads the same content`, async () => {
        await env.execOk(name, from, ["cmd", "/c", `echo ${token}> ${path}`]);
        fail(fileProblems(`pod ${env.ns}/${name} container ${to}`, path, token, await env.readWindowsFile(name, to, path)));
      });
    }
  });

  it(WORKLOADS.config, async () => {
    let rendered: k8s.KubernetesObject[] = [];
    const objs = await env.step("deploy config-env-volumes: ConfigMap win-config, Secret win-secret, and a pod using both as env and volumes", () =>
      env.deploy("config-env-volumes", { mutate: (o) => void (rendered = structuredClone(o)) }),
    );
    const pod = ofKind<k8s.V1Pod>(objs, "Pod");
    const name = pod.metadata!.name!;
    const cm = ofKind<k8s.V1ConfigMap>(rendered, "ConfigMap");
    const secret = ofKind<k8s.V1Secret>(rendered, "Secret");
    const secretValue = secret.stringData?.password ?? Buffer.from(secret.data?.password ?? "", "base64").toString("utf8");
    const where = `pod ${env.ns}/${name} container app`;
    await param("image", pod.spec!.containers[0].image!);
    const ready = await env.step(`${name} is Ready`, () => env.wait.podReady(name));
    await param("node", ready.spec!.nodeName!, true);
    await param("build", env.node(ready.spec!.nodeName!).build ?? "?");
    await env.step(`GREETING from configMapKeyRef ${cm.metadata!.name}/GREETING`, async () =>
      fail(envProblems(where, { GREETING: cm.data!.GREETING }, parseSet(await env.execOk(name, "app", ["cmd", "/c", "set GREETING"])))),
    );
    await env.step(`every key of ${cm.metadata!.name} through envFrom with prefix CFG_ (CFG_GREETING, CFG_LOG_LEVEL)`, async () =>
      fail(
        envProblems(
          where,
          { CFG_GREETING: cm.data!.GREETING, CFG_LOG_LEVEL: cm.data!.LOG_LEVEL },
          parseSet(await env.execOk(name, "app", ["cmd", "/c", "set CFG_"])),
        ),
      ),
    );
    await env.step(`APP_PASSWORD from secretKeyRef ${secret.metadata!.name}/password matches the Secret (value not shown)`, async () => {
      const r = await env.exec(name, "app", ["cmd", "/c", "set APP_PASSWORD"]);
      fail(
        secretProblems(
          where,
          "environment variable APP_PASSWORD",
          `key password of Secret ${secret.metadata!.name}`,
          secretValue,
          r.exitCode === 0 ? parseSet(r.stdout).APP_PASSWORD : undefined,
        ),
      );
    });
    await env.step(`ConfigMap volume at C:\\config holds one file per key (${Object.keys(cm.data!).join(", ")})`, async () => {
      const files = listing(await env.execOk(name, "app", ["powershell.exe", "-Command", "Get-ChildItem -Name C:\\config"]));
      fail(
        Object.keys(cm.data!)
          .filter((k) => !files.includes(k))
          .map((k) => `${where}: C:\\config has no file ${k} (found: ${files.join(", ") || "nothing"})`),
      );
      fail(fileProblems(where, "C:\\config\\app.ini", cm.data!["app.ini"], await env.readWindowsFile(name, "app", "C:\\config\\app.ini")));
    });
    await env.step(`Secret volume at C:\\secret: C:\\secret\\password matches the Secret (value not shown)`, async () =>
      fail(
        secretProblems(
          where,
          "file C:\\secret\\password",
          `key password of Secret ${secret.metadata!.name}`,
          secretValue,
          await env.readWindowsFile(name, "app", "C:\\secret\\password"),
        ),
      ),
    );
  });

  it(WORKLOADS.hooks, async () => {
    const handler = ofKind<k8s.V1Pod>(
      await env.step("deploy linux-client (agnhost netexec) as the hook handler: it logs every request it receives", () => env.deploy("linux-client")),
      "Pod",
    );
    const handlerName = handler.metadata!.name!;
    const handlerPod = await env.step(`${handlerName} is Ready`, () => env.wait.podReady(handlerName));
    const ip = handlerPod.status!.podIP!;
    const url = `http://${ip.includes(":") ? `[${ip}]` : ip}:8080/echo?msg=`;
    const token = `prestop-${randomBytes(4).toString("hex")}`;
    const pod = ofKind<k8s.V1Pod>(
      await env.step(`deploy lifecycle-hooks; its preStop hook also calls ${url}${token} so its run is visible in ${handlerName}'s log`, () =>
        env.deploy("lifecycle-hooks", {
          mutate: (objs) => {
            const app = ofKind<k8s.V1Pod>(objs, "Pod").spec!.containers.find((c) => c.name === "app")!;
            const [cmd, flag, script] = app.lifecycle!.preStop!.exec!.command!;
            app.lifecycle!.preStop!.exec!.command = [cmd, flag, `${script} && curl.exe -s -o NUL ${url}${token}`];
          },
        }),
      ),
      "Pod",
    );
    const name = pod.metadata!.name!;
    await param("image", pod.spec!.containers[0].image!);
    const ready = await env.step(`${name} is Ready (postStart must complete before the container counts as started)`, () => env.wait.podReady(name));
    const node = ready.spec!.nodeName!;
    await param("node", node, true);
    await param("build", env.node(node).build ?? "?");
    const where = `pod ${env.ns}/${name} on node ${node}`;
    await env.step("postStart: the observer container reads C:\\hooks\\poststart.txt, written by the app container's hook", async () =>
      fail(
        fileProblems(
          `${where}, container observer`,
          "C:\\hooks\\poststart.txt",
          "poststart",
          await env.readWindowsFile(name, "observer", "C:\\hooks\\poststart.txt"),
        ),
      ),
    );
    await env.step(`before deletion the preStop hook has not run (no ${token} in ${handlerName}'s log)`, async () => {
      expect(echoCalls(await env.logs(handlerName, "agnhost"), token), `${where}: preStop ran before the pod was deleted`).to.equal(0);
    });
    await env.step(`delete ${name} and wait until it is gone`, async () => {
      await env.core.deleteNamespacedPod({ name, namespace: env.ns });
      await env.wait.podsGone([name]);
    });
    await env.step(`preStop: ${handlerName} received GET /echo?msg=${token} from the hook`, async () => {
      const events = await env.events(name);
      const failed = events.filter((e) => e.reason === "FailedPreStopHook").map((e) => `event FailedPreStopHook: ${e.message}`);
      const killing = events.some((e) => e.reason === "Killing" && /container app\b/.test(e.message ?? ""));
      const calls = echoCalls(await env.logs(handlerName, "agnhost"), token);
      expect(
        calls,
        `${where}, container app: the preStop hook never reached handler pod ${handlerName} (${ip}): no "GET /echo?msg=${token}" in its log; ${[...failed, killing ? "event Killing: Stopping container app" : "no Killing event for container app"].join("; ")}`,
      ).to.equal(1);
      fail(failed.map((f) => `${where}: ${f}`));
    });
  });

  // What it checks is the declaration, not enforcement: no CPU burn is measured against the limit here.
  it(WORKLOADS.limits, async () => {
    const fields = ["limits.cpu", "limits.memory", "requests.cpu", "requests.memory"];
    const envName = (f: string) => f.toUpperCase().replace(".", "_");
    let want: k8s.V1ResourceRequirements = {};
    const pod = ofKind<k8s.V1Pod>(
      await env.step(`deploy resource-limits, with the downward API exposing ${fields.join(", ")} as ${fields.map(envName).join(", ")}`, () =>
        env.deploy("resource-limits", {
          mutate: (objs) => {
            const c = ofKind<k8s.V1Pod>(objs, "Pod").spec!.containers[0];
            want = structuredClone(c.resources ?? {});
            c.env = [...(c.env ?? []), ...fields.map((f) => ({ name: envName(f), valueFrom: { resourceFieldRef: { containerName: c.name, resource: f } } }))];
          },
        }),
      ),
      "Pod",
    );
    const name = pod.metadata!.name!;
    const container = pod.spec!.containers[0].name;
    await param("image", pod.spec!.containers[0].image!);
    await param("resources", `requests ${JSON.stringify(want.requests)}, limits ${JSON.stringify(want.limits)}`);
    const ready = await env.step(`${name} is Ready`, () => env.wait.podReady(name));
    const node = env.node(ready.spec!.nodeName!);
    await param("node", node.name, true);
    await param("build", node.build ?? "?");
    await env.step(`spec: requests ${JSON.stringify(want.requests)}, limits ${JSON.stringify(want.limits)} stored as written`, () =>
      fail(resourceProblems(ready, container, want)),
    );
    await env.step(`status.qosClass is ${expectedQosClass(ready.spec!)}`, () => fail(qosProblems(ready)));
    await env.step(`${node.name}'s allocatable (${node.allocatable.cpu} CPU, ${node.allocatable.memory}) covers the requests`, () => {
      const r = (want.requests ?? {}) as Record<string, string>;
      const p: string[] = [];
      if (r.cpu && cpuMillis(node.allocatable.cpu ?? "0") < cpuMillis(r.cpu))
        p.push(`pod ${env.ns}/${name} requests ${r.cpu} CPU but node ${node.name} allocates ${node.allocatable.cpu}`);
      if (r.memory && bytes(node.allocatable.memory ?? "0") < bytes(r.memory))
        p.push(`pod ${env.ns}/${name} requests ${r.memory} memory but node ${node.name} allocates ${node.allocatable.memory}`);
      fail(p);
    });
    const reported = containerStatus(ready, container)?.resources;
    await env.step(
      reported
        ? "the kubelet reports the same in status.containerStatuses[].resources"
        : "the kubelet does not report status.containerStatuses[].resources (optional)",
      () =>
        fail(
          reported
            ? resourceProblems({ ...ready, spec: { ...ready.spec!, containers: [{ name: container, resources: reported }] } }, container, want).map(
                (p) => `${p} (in status)`,
              )
            : [],
        ),
    );
    // Windows enforces limits through the container's job object, which no in-box command shows; the downward API is
    // how a Windows container reads its own requests and limits.
    await env.step(`inside the container: ${fields.map(envName).join(", ")} = ${fields.map((f) => downwardResourceValue(want, f)).join(", ")}`, async () => {
      const got = parseSet(await env.execOk(name, container, ["cmd", "/c", "set LIMITS_ & set REQUESTS_"]));
      fail(
        envProblems(
          `pod ${env.ns}/${name} on node ${node.name} container ${container}`,
          Object.fromEntries(fields.map((f) => [envName(f), downwardResourceValue(want, f)!])),
          got,
        ),
      );
    });
  });

  it(WORKLOADS.status, async () => {
    const pod = ofKind<k8s.V1Pod>(await env.step("deploy windows-client", () => env.deploy("windows-client")), "Pod");
    const name = pod.metadata!.name!;
    await param("image", pod.spec!.containers[0].image!);
    const p = await env.step(`${name} is Ready`, () => env.wait.podReady(name));
    const n = await env.core.readNode({ name: p.spec!.nodeName! });
    const node: NodeAddressing = {
      name: n.metadata!.name!,
      internalIPs: (n.status?.addresses ?? []).filter((a) => a.type === "InternalIP").map((a) => a.address),
      podCIDRs: n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []),
    };
    await param("node", node.name, true);
    await param("build", n.metadata?.labels?.["node.kubernetes.io/windows-build"] ?? "?");
    const s = p.status!;
    await env.step(
      `podIP ${s.podIP} is in node ${node.name}'s podCIDR ${node.podCIDRs.join(", ") || "(none: the CNI allocates pod IPs itself)"}; hostIP ${s.hostIP} is its InternalIP`,
      () => fail(addressProblems(p, node)),
    );
    const cs = s.containerStatuses ?? [];
    await env.step(`containerID ${cs.map((c) => c.containerID).join(", ")}; imageID ${cs.map((c) => c.imageID).join(", ")}`, () =>
      fail(containerIdentityProblems(p)),
    );
    await env.step(
      `startTime ${s.startTime ? new Date(s.startTime).toISOString() : "(unset)"} (created ${p.metadata?.creationTimestamp ? new Date(p.metadata.creationTimestamp).toISOString() : "?"})`,
      () => fail(startTimeProblems(p)),
    );
    await env.step(`qosClass ${s.qosClass} (no requests or limits: ${expectedQosClass(p.spec!)})`, () => fail(qosProblems(p)));
    await env.step(`conditions ${(s.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(", ")}`, () => fail(conditionProblems(p)));
  });

  it(WORKLOADS.rollout, async () => {
    let rendered: k8s.V1Deployment | undefined;
    const objs = await env.step("deploy win-webserver (2 replicas)", () =>
      env.deploy("win-webserver", { mutate: (o) => void (rendered = structuredClone(ofKind<k8s.V1Deployment>(o, "Deployment"))) }),
    );
    const dep = ofKind<k8s.V1Deployment>(objs, "Deployment");
    const depName = dep.metadata!.name!;
    const replicas = dep.spec!.replicas ?? 1;
    const build = renderedTargetOf(dep)?.build;
    const container = dep.spec!.template.spec!.containers[0].name;
    await param("build", build ?? "?");
    await param("image", dep.spec!.template.spec!.containers[0].image!);
    const before = await env.step(`${replicas} pods Ready`, () => env.wait.podsReady("app=win-webserver", replicas));
    await env.step(`Deployment ${depName} available`, () => env.wait.deploymentAvailable(depName));
    const oldPods = before.map((p) => p.metadata!.name!);
    const change = { name: "ROLLOUT_REVISION", value: randomBytes(3).toString("hex") };
    const bounds = rollingBounds(replicas, dep.spec!.strategy);
    await param("strategy", `RollingUpdate, maxSurge ${bounds.maxSurge}, maxUnavailable ${bounds.maxUnavailable}`);
    const next = structuredClone(rendered!);
    const c = next.spec!.template.spec!.containers.find((x) => x.name === container)!;
    c.env = [...(c.env ?? []).filter((e) => e.name !== change.name), change];
    await env.step(`update the pod template: set ${change.name}=${change.value} in container ${container}`, () => env.apply(next));
    let minReady = Number.POSITIVE_INFINITY;
    let maxLive = 0;
    const after = await env.step(`the rollout replaces ${oldPods.join(", ")} with ${replicas} new Ready pods`, () =>
      env.wait.podsMatch("app=win-webserver", "to finish the rollout", (pods) => {
        const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
        minReady = Math.min(minReady, live.filter(isPodReady).length);
        maxLive = Math.max(maxLive, live.length);
        return rolloutDone(pods, { replicas, oldPods, container, env: change });
      }),
    );
    await env.step(`Deployment ${depName} available with every replica updated`, () => env.wait.deploymentAvailable(depName));
    await param("nodes", after.map((p) => p.spec!.nodeName).join(", "), true);
    await env.step(`new pods ${after.map((p) => p.metadata!.name).join(", ")}: Ready, new template, on Windows nodes${build ? ` of build ${build}` : ""}`, () =>
      fail(rolloutProblems(after, { replicas, oldPods, container, env: change, nodes: env.ctx.caps.nodes, build })),
    );
    await env.step(
      `the strategy held during the rollout: at least ${replicas - bounds.maxUnavailable} Ready (saw ${minReady}), at most ${replicas + bounds.maxSurge} pods (saw ${maxLive})`,
      () => {
        const p: string[] = [];
        if (minReady < replicas - bounds.maxUnavailable)
          p.push(
            `deployment ${env.ns}/${depName}: only ${minReady} Ready pod(s) at one point of the rollout, maxUnavailable ${bounds.maxUnavailable} allows no fewer than ${replicas - bounds.maxUnavailable}`,
          );
        if (maxLive > replicas + bounds.maxSurge)
          p.push(
            `deployment ${env.ns}/${depName}: ${maxLive} pods at one point of the rollout, maxSurge ${bounds.maxSurge} allows at most ${replicas + bounds.maxSurge}`,
          );
        fail(p);
      },
    );
    const first = after[0].metadata!.name!;
    await env.step(`inside ${first}: ${change.name}=${change.value}`, async () =>
      fail(
        envProblems(
          `pod ${env.ns}/${first} on node ${after[0].spec!.nodeName} container ${container}`,
          { [change.name]: change.value },
          parseSet(await env.execOk(first, container, ["cmd", "/c", `set ${change.name}`])),
        ),
      ),
    );
  });

  // upstream container_stop_signals.go: server-side dry runs only (nothing is stored, nothing runs).
  // Pool-independent: no pod placed, no node judged.
  poolIndependent(
    it(WORKLOADS.stopSignal, async function () {
      const pod = ofKind<k8s.V1Pod>(env.render("windows-client"), "Pod");
      const name = pod.metadata!.name!;
      const first = await env.step(`dry-run create ${name} with ${STOP_SIGNAL_FIELD}=SIGTERM and read it back: does the API server keep the field?`, () =>
        submitPod(env.core, env.ns, withStopSignal(pod, "SIGTERM")),
      );
      if (stopSignalDropped(first))
        return skipWithReason(
          this,
          `the API server (${env.ctx.caps.server.gitVersion}) drops ${STOP_SIGNAL_FIELD} from a Windows pod (dry-run create read back without it): the ContainerStopSignals feature gate is off on this cluster`,
        );
      const problems: string[] = [];
      for (const { signal, accept } of STOP_SIGNAL_CASES)
        await checkStep(env, `${signal}: ${accept ? "accepted and kept" : `refused, NotSupported on ${STOP_SIGNAL_FIELD}`}`, problems, async () =>
          stopSignalProblem(`${env.ns}/${name}`, signal, accept, signal === "SIGTERM" ? first : await submitPod(env.core, env.ns, withStopSignal(pod, signal))),
        );
      fail(problems);
    }),
  );
});
