// Core.Scheduling: how a hybrid cluster places pods. A Windows pod that selects Windows and tolerates the Windows
// taint lands on Windows (and on the build it selects); one without the toleration is refused and the harness says
// which taint kept it out; Linux pods without any selector stay off the tainted Windows nodes; spec.os.name does
// not schedule (a Windows pod bound to a Linux node is refused by that kubelet); a pod asking for more than any
// node can give is refused as Insufficient; a busy loop under a CPU limit is measured within it by the kubelet's stats
// summary (upstream cpu_limits.go). Every verdict comes from the scheduler or the kubelet, never a sleep.
import { poolIndependent } from "../../lib/pools/passes.js";
import { expect } from "chai";
import * as allure from "allure-js-commons";
import type * as k8s from "@kubernetes/client-node";
import { useTestEnv } from "../../lib/run/test-env.js";
import { WaitFailed } from "../../lib/cluster/watch.js";
import { terminalWaitingReasons } from "../../lib/cluster/waits.js";
import { BUILD_LABEL } from "../../lib/fixtures/guard.js";
import { supportedBuilds } from "../../lib/fixtures/images.js";
import {
  beyondAllocatable,
  buildName,
  insufficientProblems,
  linuxWorker,
  noLinuxWorker,
  osRejectionProblems,
  placementProblems,
  spread,
  taintNamingProblems,
  taintText,
  windowsBuildsPresent,
  windowsLandings,
} from "../../lib/checks/scheduling.js";
import { categoryOf } from "../index.js";
import { skipWithReason } from "../../lib/run/steps.js";
import { hasLinuxWorkers, untaintedWindowsPool } from "../../lib/preflight/taints.js";
import { tolerates } from "../../lib/cluster/diagnose.js";
import { tolerationText, tolerationsAddedByAdmission } from "../../lib/cluster/admission-tolerations.js";
import { nodesUnderTest, windowsNodesUnderTest } from "../../lib/pools/pools.js";
import { SCHEDULING } from "./scheduling.titles.js";
import { cpuLimitProblems, nodeProxyForbidden, podCpuCores, readStatsSummary, statsReadFailure } from "../../lib/checks/kubelet-stats.js";
import { parseQuantity } from "../../lib/checks/quantity.js";
import { allocatableMemoryProblem, readConfigz } from "../../lib/checks/node-allocatable.js";

const podOf = (objs: k8s.KubernetesObject[]) => objs.find((o) => o.kind === "Pod") as k8s.V1Pod;
const fail = (problems: string[]) => expect(problems, problems.join("; ")).to.deep.equal([]);
/** Shown in the report; the node is excluded from the history id (it may differ between runs). */
const param = (name: string, value: string, excluded = false) => allure.parameter(name, value, excluded ? { excluded: true } : undefined);
/** A scheduling test looks only at placement: whatever its containers then do is not its concern. */
const containerTrouble = terminalWaitingReasons;

const CATEGORY = categoryOf(import.meta.url);
const skip = skipWithReason;

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);
  const caps = () => env.ctx.caps;
  // The API server adds not-ready/unreachable NoExecute tolerations to every pod: show the ones the test chose.
  const tolerationsText = (p: k8s.V1Pod) =>
    (p.spec?.tolerations ?? [])
      .filter((t) => !t.key?.startsWith("node.kubernetes.io/"))
      .map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`)
      .join(", ") || "none";
  const nodeTaints = async (name: string) => {
    const n = await env.core.readNode({ name });
    const t = (n.spec?.taints ?? []).filter((x) => x.effect !== "PreferNoSchedule");
    return t.length ? `node ${name} carries ${t.map((x) => taintText(x)).join(", ")}` : `node ${name} carries no NoSchedule taint`;
  };

  const poolSelectsBy = (key: string) => !!caps().targetPool?.selection.requirements.some((r) => r.key === key);

  it(SCHEDULING.toleration, async () => {
    const pod = podOf(
      await env.step(
        "deploy windows-client with nodeSelector kubernetes.io/os=windows and the tolerations for the Windows nodes' taints (no build selector)",
        // Unless --windows-nodes names the pool by that very label: the pod must stay on the pool.
        () => env.deploy("windows-client", { mutate: (objs) => void (poolSelectsBy(BUILD_LABEL) || delete podOf(objs).spec!.nodeSelector![BUILD_LABEL]) }),
      ),
    );
    const name = pod.metadata!.name!;
    await param("tolerations", tolerationsText(pod));
    await param("image", pod.spec!.containers[0].image!);
    const bound = await env.step(`the scheduler binds ${name} to a node`, () => env.wait.podScheduled(name, { allowReasons: containerTrouble }));
    const node = env.node(bound.spec!.nodeName!);
    await param("node", node.name, true);
    await param("build", node.build ?? node.os);
    await env.step(`${name} landed on ${node.name}: ${node.os}${node.build ? `, ${buildName(node.build)}` : ""}`, () =>
      fail(placementProblems(bound, node, { os: "windows" })),
    );
    await env.step(`the Scheduled event names ${node.name}`, async () => {
      const e = await env.wait.event(name, "Scheduled");
      expect(e.message, `pod ${env.ns}/${name}: Scheduled event says "${e.message}", not node ${node.name}`).to.contain(node.name);
    });
  });

  for (const [build, server] of Object.entries(supportedBuilds)) {
    it(SCHEDULING.build(build), async function () {
      // The builds of the pool under test (--windows-nodes, or this pass's pool: lib/pools/passes.ts).
      const present = windowsBuildsPresent(nodesUnderTest(caps()));
      const where = caps().targetPool ? `the pool under test (${caps().targetPool!.selector})` : "the cluster";
      if (!present.includes(build)) return skip(this, `${where} has no ${server} node (Windows builds present: ${present.join(", ") || "none"})`);
      const only = env.ctx.options.windowsBuild;
      if (only && only !== build) return skip(this, `--windows-build ${only} excludes ${build}`);
      await param("build", build);
      const pod = podOf(
        await env.step(`deploy windows-client pinned to build ${build} (os and build selectors, Windows tolerations, image tagged for ${build})`, () =>
          env.deploy("windows-client", { build }),
        ),
      );
      const name = pod.metadata!.name!;
      await param("image", pod.spec!.containers[0].image!);
      const bound = await env.step(`the scheduler binds ${name} to a node of build ${build}`, () =>
        env.wait.podScheduled(name, { allowReasons: containerTrouble }),
      );
      const node = env.node(bound.spec!.nodeName!);
      await param("node", node.name, true);
      await env.step(`${name} landed on ${node.name} (${node.os} ${node.build ?? "?"}, ${node.osImage})`, () =>
        fail(placementProblems(bound, node, { os: "windows", build })),
      );
    });
  }

  it(SCHEDULING.noToleration, async function () {
    const untainted = untaintedWindowsPool(nodesUnderTest(caps()));
    if (untainted) return skip(this, `${untainted}: no taint to keep a pod out`);
    const probe = podOf(env.render("windows-client"));
    delete probe.spec!.tolerations;
    const added = await env.step("dry-run create the pod without tolerations and read back what admission added", () =>
      tolerationsAddedByAdmission(env.core, probe),
    );
    const covered = caps().windowsTaints.filter((t) => tolerates(added, t as k8s.V1Taint));
    if (added.length && covered.length === caps().windowsTaints.length)
      return skip(
        this,
        `a mutating admission webhook adds the toleration ${added.map(tolerationText).join(", ")} to pods that select kubernetes.io/os=windows (dry-run create, read back): no Windows pod can be left without it`,
      );
    const pod = podOf(
      await env.step("deploy windows-client with the Windows selectors but without tolerations", () =>
        env.deploy("windows-client", { mutate: (objs) => void delete podOf(objs).spec!.tolerations }),
      ),
    );
    const name = pod.metadata!.name!;
    const build = pod.spec!.nodeSelector![BUILD_LABEL];
    await param("build", build);
    await param("image", pod.spec!.containers[0].image!);
    await param("Windows taints (preflight)", caps().windowsTaints.map(taintText).join(", ") || "none");
    const verdict = await env.step(`the scheduler refuses ${name} (PodScheduled=False, reason Unschedulable)`, () =>
      env.wait.podUnschedulable(name).catch(async (e) => {
        const bound = /scheduled onto node (\S+)/.exec((e as Error).message)?.[1];
        if (e instanceof WaitFailed && bound)
          throw new Error(`no FailedScheduling: ${(e as Error).message} although it tolerates no taint (${await nodeTaints(bound)})`);
        throw e;
      }),
    );
    await env.step(`a FailedScheduling event on ${name}: ${verdict.message}`, async () => {
      const e = await env.wait.event(name, "FailedScheduling");
      expect(e.message ?? "", `pod ${env.ns}/${name}: the FailedScheduling event does not blame a taint: ${e.message}`).to.match(/taint/i);
    });
    await env.step(`the harness names the taint: ${verdict.explained.slice(verdict.message.length).trim() || "(nothing added)"}`, () =>
      fail(taintNamingProblems(`${env.ns}/${name}`, verdict.explained, caps().windowsTaints)),
    );
    await env.step(`${name} stays Pending and unbound`, async () => {
      const p = await env.core.readNamespacedPod({ name, namespace: env.ns });
      expect(p.spec?.nodeName, `pod ${env.ns}/${name} was bound to node ${p.spec?.nodeName}`).to.equal(undefined);
      expect(p.status?.phase, `pod ${env.ns}/${name} is ${p.status?.phase}`).to.equal("Pending");
    });
  });

  it(SCHEDULING.linuxOff, async function () {
    // The pool's Windows nodes only: a Linux pod on another pool's untainted node is that pool's failure.
    const untainted = untaintedWindowsPool(nodesUnderTest(caps()));
    if (untainted) return skip(this, `${untainted}: nothing but a selector keeps a Linux pod without one off them`);
    if (!hasLinuxWorkers(caps().nodes))
      return skip(this, `${noLinuxWorker(caps().nodes)}: a Linux pod without a selector or toleration has no Linux node to land on`);
    const replicas = Math.min(Math.max(caps().nodes.length, 2), 30);
    await param("replicas", String(replicas));
    const objs = await env.step(
      `deploy a Linux Deployment (agnhost) with ${replicas} replicas — one per node — and no nodeSelector, no toleration, no spec.os`,
      () =>
        env.deploy("linux-client", {
          mutate: (objs) => {
            const pod = podOf(objs);
            const labels = { ...pod.metadata!.labels, app: "linux-no-selector" };
            const spec = { ...pod.spec! };
            delete spec.nodeSelector;
            delete spec.os;
            delete spec.tolerations;
            spec.containers = spec.containers.map((c) => ({ ...c, resources: { requests: { cpu: "10m", memory: "16Mi" } } }));
            const deployment: k8s.V1Deployment = {
              apiVersion: "apps/v1",
              kind: "Deployment",
              metadata: { name: "linux-no-selector", namespace: pod.metadata!.namespace, labels },
              spec: { replicas, selector: { matchLabels: { app: "linux-no-selector" } }, template: { metadata: { labels }, spec } },
            };
            objs.splice(objs.indexOf(pod), 1, deployment);
          },
        }),
    );
    await param("image", (objs[0] as k8s.V1Deployment).spec!.template.spec!.containers[0].image!);
    const pods = await env.step(`the scheduler places all ${replicas} pods`, () =>
      env.wait.podsMatch(
        "app=linux-no-selector",
        `to be scheduled (${replicas})`,
        (ps) => ps.filter((p) => !p.metadata?.deletionTimestamp && p.spec?.nodeName).length >= replicas,
        { allowReasons: containerTrouble },
      ),
    );
    const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
    await param("placement", spread(live), true);
    await env.step(`no pod landed on a Windows node (${spread(live)})`, async () => {
      const problems = windowsLandings(live, nodesUnderTest(caps()));
      const events = problems.length ? await env.events() : [];
      fail(
        problems.map((line) => {
          const pod = /^pod \S+\/(\S+)/.exec(line)?.[1];
          const scheduled = events.find((e) => e.involvedObject.name === pod && e.reason === "Scheduled");
          return scheduled ? `${line} (event Scheduled: ${scheduled.message})` : line;
        }),
      );
    });
  });

  // Pool-independent: the pod is bound to a Linux node; no Windows node is involved or judged.
  poolIndependent(
    it(SCHEDULING.osField, async function () {
      // A layout without Linux workers (kubeadm: the control plane is the only Linux node) skips; workers that are
      // there but not Ready are a defect, and fail.
      if (!hasLinuxWorkers(caps().nodes)) return skip(this, `${noLinuxWorker(caps().nodes)}: no Linux worker to bind a Windows pod to`);
      const worker = linuxWorker(caps().nodes);
      await env.step(`a Ready Linux worker to bind to: ${worker ? `${worker.name} (${worker.osImage})` : "none"}`, () =>
        expect(worker, noLinuxWorker(caps().nodes)).to.not.equal(undefined),
      );
      await param("node", worker!.name, true);
      const pod = podOf(
        await env.step(`deploy windows-client with spec.os.name=windows, no nodeSelector, no toleration, bound to ${worker!.name} by spec.nodeName`, () =>
          env.deploy("windows-client", {
            mutate: (objs) => {
              const spec = podOf(objs).spec!;
              delete spec.nodeSelector;
              delete spec.tolerations;
              spec.nodeName = worker!.name;
            },
          }),
        ),
      );
      const name = pod.metadata!.name!;
      await param("image", pod.spec!.containers[0].image!);
      expect(pod.spec?.os?.name, "the fixture must render spec.os.name=windows").to.equal("windows");
      const seen = await env.step(`the kubelet on ${worker!.name} refuses ${name} at admission`, () =>
        env.wait.podMatches(
          name,
          `to be refused or started by node ${worker!.name}`,
          (p) => ["Failed", "Running", "Succeeded"].includes(p.status?.phase ?? ""),
          {
            allowReasons: ["PodOSNotSupported"],
          },
        ),
      );
      if (seen.status?.reason === "PodOSNotSupported") await env.step("a PodOSNotSupported event on the pod", () => env.wait.event(name, "PodOSNotSupported"));
      await env.step(`${name}: phase ${seen.status?.phase}, reason ${seen.status?.reason ?? "(none)"}; no container created on ${worker!.name}`, async () =>
        fail(osRejectionProblems(seen, await env.events(name))),
      );
    }),
  );

  it(SCHEDULING.insufficient, async () => {
    const build = env.ctx.options.windowsBuild ?? caps().windowsBuilds[0];
    const nodes = windowsNodesUnderTest(caps()).filter((n) => n.build === build);
    const want = beyondAllocatable(nodes);
    await param("build", build);
    await param("requests", `cpu ${want.cpu}, memory ${want.memory}`);
    await env.step(`largest allocatable on build ${build}: ${want.largest}`, () => undefined);
    const pod = podOf(
      await env.step(`deploy windows-client requesting cpu ${want.cpu} and memory ${want.memory}`, () =>
        env.deploy("windows-client", {
          build,
          mutate: (objs) => void (podOf(objs).spec!.containers[0].resources = { requests: { cpu: want.cpu, memory: want.memory } }),
        }),
      ),
    );
    const name = pod.metadata!.name!;
    await param("image", pod.spec!.containers[0].image!);
    const verdict = await env.step(`the scheduler refuses ${name}`, () => env.wait.podUnschedulable(name));
    await env.step(`it reports Insufficient cpu and Insufficient memory: ${verdict.message}`, () =>
      fail(insufficientProblems(`${env.ns}/${name}`, verdict.message)),
    );
    await env.step(`a FailedScheduling event on ${name} says so too`, async () => {
      const e = await env.wait.event(name, "FailedScheduling");
      fail(insufficientProblems(`${env.ns}/${name} (event FailedScheduling)`, e.message ?? ""));
    });
  });

  it(SCHEDULING.cpuLimit, async function () {
    const pod = podOf(
      await env.step("deploy cpu-limit-busy-loop (a PowerShell loop that never waits, limits.cpu 500m)", () => env.deploy("cpu-limit-busy-loop")),
    );
    const name = pod.metadata!.name!;
    const limitCores = parseQuantity(pod.spec!.containers[0].resources!.limits!.cpu as string);
    await param("image", pod.spec!.containers[0].image!);
    const running = await env.step(`${name} is Running`, () => env.wait.podRunning(name));
    const node = running.spec!.nodeName!;
    await param("node", node, true);
    // A kubelet reports a container's CPU rate once it has two samples: poll the summary until it has one.
    const measured = await env.step(`node ${node}'s stats summary measures ${name}'s CPU`, () =>
      env.wait.for<{ cores: number } | { forbidden: string }>({
        what: `a CPU usage for ${env.ns}/${name} in node ${node}'s stats summary`,
        intervalMs: 2000,
        check: async () => {
          const r = await readStatsSummary(env.core, node).catch((e: unknown) => {
            const forbidden = nodeProxyForbidden(e, node);
            if (forbidden) return { forbidden };
            throw new Error(statsReadFailure(e, node));
          });
          if ("forbidden" in r) return { done: r };
          const u = podCpuCores(r.summary, env.ns, name);
          return "pending" in u ? u : { done: u };
        },
      }),
    );
    if ("forbidden" in measured) return skip(this, measured.forbidden);
    await env.step(`${name} uses ${measured.cores.toFixed(3)} CPU: above zero and at most 8% over its limit of ${limitCores}`, async () =>
      fail(cpuLimitProblems(node, env.ns, name, measured.cores, limitCores)),
    );
  });

  it(SCHEDULING.allocatable, async function () {
    // Each Ready Windows node of the pool under test: its own kubelet's reservations against the Node object's
    // allocatable (a node that is not Ready is Core.Nodes' finding; its kubelet may not answer at all).
    const problems: string[] = [];
    const nodes = windowsNodesUnderTest(caps());
    const ready = nodes.filter((n) => n.ready);
    if (!ready.length) problems.push(`no Ready Windows node to read the kubelet's /configz from (${nodes.map((n) => n.name).join(", ") || "none"})`);
    for (const n of ready) {
      const configz = await readConfigz(env.core, n.name).catch((e: unknown) => {
        const forbidden = nodeProxyForbidden(e, n.name);
        if (forbidden) return { forbidden: forbidden.replace("the kubelet's stats summary", "the kubelet's /configz") };
        throw new Error(statsReadFailure(e, n.name).replace("stats/summary", "configz"));
      });
      if ("forbidden" in configz) return skip(this, configz.forbidden as string);
      const node = await env.core.readNode({ name: n.name });
      const verdict = allocatableMemoryProblem(node, configz);
      await env.step(`${n.name}: allocatable memory ${verdict.stated}, capacity minus reservations ${verdict.expected}`, () => {
        if (verdict.problem) problems.push(verdict.problem);
      });
    }
    fail(problems);
  });
});
