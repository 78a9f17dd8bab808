// Extend.RuntimeClass: the Windows docs' RuntimeClass example, one per Windows build the cluster has — a
// RuntimeClass that encapsulates the nodeSelector (os, arch, build) and the toleration for the Windows taint, an
// IIS Deployment that only names it, and the IIS page served through a Service. The RuntimeClass alone steers
// the pods: the scheduling guard's own selector and tolerations are taken off the IIS pods, so a RuntimeClass
// that selects the wrong build (or none) shows up as pods on the wrong nodes, or pods that cannot be scheduled.
// With `--runtime-class NAME` an existing RuntimeClass is tested instead of creating one per build.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { useTestEnv, type TestEnv } from "../../lib/run/test-env.js";
import { loadFixture, landedWhereExpected, BUILD_LABEL, imageBuild, compatible, releaseForBuild, windowsPod } from "../../lib/fixtures/index.js";
import { WaitExpectationFailed } from "../../lib/cluster/watch.js";
import {
  ARCH_LABEL,
  archOf,
  conflictRefusalProblem,
  iisForBuild,
  judgeRuntimeClass,
  leaveSchedulingToRuntimeClass,
  otherBuild,
} from "../../lib/checks/runtimeclass.js";
import { curlArgv, curlProblem, fetchIisPage } from "../../lib/checks/iis.js";
import { controllerSign, loadBalancerAddress, pendingState } from "../../lib/checks/load-balancer.js";
import { retryUntil } from "../../lib/cluster/wait.js";
import { byKind, extendedSettings, oneOfKind } from "../../lib/checks/extended.js";
import { Refused } from "../../lib/cluster/refusal.js";
import { checkStep, explain, skipWithReason } from "../../lib/run/steps.js";
import { deploymentPodsReady } from "../../lib/run/polled-waits.js";
import { categoryOf } from "../index.js";
import { RUNTIMECLASS } from "./runtimeclass-iis.titles.js";
import { poolIndependent } from "../../lib/pools/passes.js";

const REPLICAS = 2;

interface Target {
  build: string;
  arch: string;
  /** The RuntimeClass given with --runtime-class, when not creating one. */
  existing?: string;
}

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);
  const nodeApi = () => env.kc.makeApiClient(k8s.NodeV1Api);

  /** The builds under test: one per Ready Windows build (or --windows-build), or the build --runtime-class selects. */
  async function targets(): Promise<Target[]> {
    const { caps, options } = env.ctx;
    const given = extendedSettings(env.ctx).runtimeClass;
    if (given) {
      const rc = await nodeApi().readRuntimeClass({ name: given });
      const sel = rc.scheduling?.nodeSelector ?? {};
      const build = sel[BUILD_LABEL] ?? options.windowsBuild ?? caps.windowsBuilds[0];
      return [{ build, arch: sel[ARCH_LABEL] ?? archOf(build, caps.nodes), existing: given }];
    }
    const builds = options.windowsBuild ? [options.windowsBuild] : caps.windowsBuilds;
    return builds.map((build) => ({ build, arch: archOf(build, caps.nodes) }));
  }

  /** The fixture adapted to one build and rendered for this test; the RuntimeClass alone steers the IIS pods. */
  function iisObjects(t: Target, serviceType?: "ClusterIP"): k8s.KubernetesObject[] {
    const adapted = iisForBuild(loadFixture("iis-runtimeclass"), {
      build: t.build,
      arch: t.arch,
      handler: extendedSettings(env.ctx).runtimeHandler,
      replicas: REPLICAS,
      existingRuntimeClass: t.existing,
    });
    const objs = env.render(adapted, { build: releaseForBuild(t.build) ? t.build : undefined });
    leaveSchedulingToRuntimeClass(objs);
    if (serviceType) for (const s of byKind<k8s.V1Service>(objs, "Service")) s.spec!.type = serviceType;
    return objs;
  }

  const rcNameOf = (objs: k8s.KubernetesObject[]) => oneOfKind<k8s.V1Deployment>(objs, "Deployment").spec!.template.spec!.runtimeClassName!;
  const appOf = (objs: k8s.KubernetesObject[]) => oneOfKind(objs, "Deployment").metadata!.name!;

  /** Applies the RuntimeClass (unless an existing one is used) and returns it as the API server stored it. */
  async function runtimeClass(t: Target, objs: k8s.KubernetesObject[]): Promise<k8s.V1RuntimeClass> {
    for (const rc of byKind(objs, "RuntimeClass")) await env.apply(rc);
    const name = rcNameOf(objs);
    return explain(`RuntimeClass ${name}`, () => nodeApi().readRuntimeClass({ name }));
  }

  /** Deploys the IIS Deployment (and its RuntimeClass) for one build; returns its Ready pods. */
  async function iisRunning(t: Target, objs: k8s.KubernetesObject[]): Promise<k8s.V1Pod[]> {
    const rc = await runtimeClass(t, objs);
    const deployment = oneOfKind<k8s.V1Deployment>(objs, "Deployment");
    const app = deployment.metadata!.name!;
    await env.step(
      `deploy ${app}: ${REPLICAS} replica(s) of ${deployment.spec!.template.spec!.containers[0].image} with runtimeClassName ${rc.metadata!.name} (no nodeSelector or tolerations of its own)`,
      () => env.applyAll(objs.filter((o) => o.kind !== "RuntimeClass")),
    );
    return env.step(`wait for ${REPLICAS} Ready pod(s) of ${app}`, () =>
      explain(`IIS ${app} through RuntimeClass ${rc.metadata!.name} (${BUILD_LABEL}=${rc.scheduling?.nodeSelector?.[BUILD_LABEL] ?? "unset"})`, () =>
        deploymentPodsReady(env, app, `app=${app}`, REPLICAS),
      ),
    );
  }

  it(RUNTIMECLASS.create, async () => {
    const problems: string[] = [];
    for (const t of await targets()) {
      const objs = iisObjects(t);
      const rc = await env.step(
        t.existing ? `read the existing RuntimeClass ${t.existing} (--runtime-class)` : `create RuntimeClass ${rcNameOf(objs)} for build ${t.build}`,
        () => runtimeClass(t, objs),
      );
      const v = judgeRuntimeClass(rc, env.ctx.caps);
      await checkStep(env, `${rc.metadata!.name}: handler ${rc.handler}`, problems, () =>
        !t.existing && rc.handler !== extendedSettings(env.ctx).runtimeHandler
          ? `RuntimeClass ${rc.metadata!.name} has handler ${rc.handler}, expected ${extendedSettings(env.ctx).runtimeHandler}`
          : undefined,
      );
      await checkStep(
        env,
        `${rc.metadata!.name} selects ${describeSelector(rc)} and tolerates ${describeTolerations(rc)}; Ready nodes selected: ${v.nodes.map((n) => `${n.name} (${n.build})`).join(", ") || "none"}`,
        problems,
        () => v.problems,
      );
    }
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });

  it(RUNTIMECLASS.onBuild, async () => {
    const problems: string[] = [];
    for (const t of await targets()) {
      const objs = iisObjects(t);
      const pods = await iisRunning(t, objs);
      const stored = await nodeApi().readRuntimeClass({ name: rcNameOf(objs) });
      // The image each pod's kubelet reports it runs (status), not the tag the harness asked for (spec).
      for (const p of pods) {
        const image = p.status?.containerStatuses?.[0]?.image;
        await checkStep(env, `pod ${p.metadata!.name}: its kubelet reports image ${image ?? "(none)"}, tagged for build ${t.build}`, problems, () => {
          const b = image && imageBuild(image);
          if (!image) return `pod ${p.metadata!.name} of ${appOf(objs)}: the kubelet reports no image in its container status`;
          return !b || !compatible(b, t.build)
            ? `pod ${p.metadata!.name} of ${appOf(objs)} runs ${image}${b ? ` (build ${b})` : ""} (as its kubelet reports), which cannot run process-isolated on build ${t.build}`
            : undefined;
        });
      }
      await checkStep(env, `the RuntimeClass admission plugin merged ${stored.metadata!.name}'s nodeSelector and tolerations into each pod`, problems, () =>
        pods.flatMap((p) => mergedProblems(p, stored)),
      );
      for (const p of pods) {
        const node = await env.nodeOfPod(p.metadata!.name!);
        await checkStep(env, `pod ${p.metadata!.name} runs on ${node.name} (build ${node.build ?? "?"})`, problems, () =>
          landedWhereExpected(p, node, { os: "windows", build: t.build }),
        );
      }
    }
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });

  it(RUNTIMECLASS.clusterIP, async () => {
    const [client] = await env.step("deploy the Linux client pod (agnhost)", () => env.deploy("linux-client"));
    const clientName = client.metadata!.name!;
    const problems: string[] = [];
    for (const t of await targets()) {
      const objs = iisObjects(t, "ClusterIP");
      await iisRunning(t, objs);
      const svc = oneOfKind<k8s.V1Service>(objs, "Service");
      const name = svc.metadata!.name!;
      await env.step(`Service ${name} lists the ${REPLICAS} IIS pods as ready endpoints`, () =>
        env.wait.endpoints(name, (ips) => ips.length >= REPLICAS, `${REPLICAS} ready address(es)`),
      );
      const live = await env.core.readNamespacedService({ name, namespace: env.ns });
      const url = `http://${live.spec!.clusterIP}:${live.spec!.ports![0].port}/`;
      await env.wait.podReady(clientName);
      await checkStep(env, `curl ${url} from ${clientName} returns the IIS default page`, problems, () =>
        retryUntil(`the IIS default page of ${name} (build ${t.build}) at ${url} from the Linux pod`, env.budgets.networkUpMs, async () =>
          curlProblem(await env.exec(clientName, "agnhost", curlArgv(url))),
        ).then(() => undefined),
      );
    }
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });

  it(RUNTIMECLASS.lb, async function () {
    const settings = extendedSettings(env.ctx);
    const { loadBalancerAckMs, loadBalancerAddressMs, loadBalancerAnswerMs } = env.budgets;
    const problems: string[] = [];
    for (const t of await targets()) {
      const objs = iisObjects(t);
      const svc = oneOfKind<k8s.V1Service>(objs, "Service");
      const name = svc.metadata!.name!;
      await env.step(`create the LoadBalancer Service ${name}`, () => env.apply(svc));
      const sign = await env.step(
        `wait up to ${seconds(loadBalancerAckMs)} s for a load-balancer controller to act on ${name} (an event on it, a finalizer, a status condition or its address)`,
        () => controllerActed(env, name, loadBalancerAckMs),
      );
      if (!sign) {
        const reason = `no load-balancer controller: nothing acted on Service ${name} (type LoadBalancer) within ${seconds(loadBalancerAckMs)} s — no event on it, no finalizer, no status condition, no external address`;
        if (settings.requireLoadBalancer) expect.fail(`${reason} (--require-load-balancer)`);
        return skipWithReason(this, `${reason}; run with --require-load-balancer to make this a failure`);
      }
      const address = await env.step(
        `a load-balancer controller acted (${sign}): wait up to ${seconds(loadBalancerAddressMs)} s for the external address`,
        () => externalAddress(env, name, sign, loadBalancerAddressMs),
      );
      await iisRunning(
        t,
        objs.filter((o) => o.kind !== "Service"),
      );
      const url = `http://${address.includes(":") ? `[${address}]` : address}:${svc.spec!.ports![0].port}/`;
      await checkStep(env, `GET ${url} from the runner returns the IIS default page (within ${seconds(loadBalancerAnswerMs)} s)`, problems, () =>
        retryUntil(`the IIS default page of ${name} (build ${t.build}) at its external address ${url}`, loadBalancerAnswerMs, () =>
          fetchIisPage(url, Math.min(10_000, loadBalancerAnswerMs)),
        ).then(() => undefined),
      );
    }
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });

  // Pool-independent: admission refuses the pod before any scheduling; no node is involved or judged.
  poolIndependent(
    it(RUNTIMECLASS.conflict, async () => {
      const [t] = await targets();
      const objs = iisObjects(t);
      const rc = await env.step("the RuntimeClass", () => runtimeClass(t, objs));
      const rcBuild = rc.scheduling?.nodeSelector?.[BUILD_LABEL] ?? t.build;
      const podBuild = otherBuild(rcBuild, env.ctx.caps.windowsBuilds);
      // Rendered for the RuntimeClass's build (pinned to the pool under test like every Windows pod) — or, when that is
      // a build with no known image (a --runtime-class selecting a build no node has), for a build under test — then
      // given the conflicting build on purpose: the API server must refuse it, so it never reaches a node.
      const renderBuild = releaseForBuild(rcBuild) ? rcBuild : env.ctx.caps.windowsBuilds[0];
      const [rendered] = env.render([windowsPod("runtimeclass-conflict")], { build: renderBuild });
      const pod = rendered as k8s.V1Pod;
      pod.spec!.nodeSelector = { ...pod.spec!.nodeSelector, [BUILD_LABEL]: podBuild };
      pod.spec!.runtimeClassName = rc.metadata!.name;
      await env.step(
        `create a pod with runtimeClassName ${rc.metadata!.name} (selects ${BUILD_LABEL}=${rcBuild}) and its own nodeSelector ${BUILD_LABEL}=${podBuild}`,
        async () => {
          const outcome = await env.apply(pod).then(
            () => undefined,
            (e) => {
              if (e instanceof Refused) return e;
              throw e;
            },
          );
          await env.step(outcome ? `refused: ${outcome.message.replace(/^.*? was refused: /, "")}` : "accepted", () => undefined);
          const problem = conflictRefusalProblem(outcome?.status, BUILD_LABEL, rcBuild, podBuild);
          expect(problem, problem).to.equal(undefined);
        },
      );
    }),
  );
});

function describeSelector(rc: k8s.V1RuntimeClass): string {
  const sel = rc.scheduling?.nodeSelector ?? {};
  return (
    Object.entries(sel)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ") || "no nodeSelector"
  );
}

function describeTolerations(rc: k8s.V1RuntimeClass): string {
  const t = rc.scheduling?.tolerations ?? [];
  return t.map((x) => `${x.key ?? "*"}${x.operator === "Exists" ? "" : `=${x.value ?? ""}`}:${x.effect ?? "*"}`).join(", ") || "no taints";
}

/** What the RuntimeClass admission plugin must have added to a pod: every nodeSelector entry and toleration of the RuntimeClass. */
function mergedProblems(p: k8s.V1Pod, rc: k8s.V1RuntimeClass): string[] {
  const out: string[] = [];
  const name = `pod ${p.metadata!.name}`;
  for (const [k, v] of Object.entries(rc.scheduling?.nodeSelector ?? {})) {
    if (p.spec?.nodeSelector?.[k] !== v) out.push(`${name} lacks nodeSelector ${k}=${v} from RuntimeClass ${rc.metadata!.name}`);
  }
  const same = (a: k8s.V1Toleration, b: k8s.V1Toleration) =>
    a.key === b.key && (a.operator ?? "Equal") === (b.operator ?? "Equal") && (a.value ?? "") === (b.value ?? "") && a.effect === b.effect;
  for (const t of rc.scheduling?.tolerations ?? []) {
    if (!(p.spec?.tolerations ?? []).some((x) => same(x, t)))
      out.push(`${name} lacks the toleration ${t.key}=${t.value ?? ""}:${t.effect} from RuntimeClass ${rc.metadata!.name}`);
  }
  if (p.spec?.os?.name !== "windows") out.push(`${name} has spec.os.name=${p.spec?.os?.name}, expected windows`);
  return out;
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** The Service and the events on it, read together (a load-balancer controller shows itself in either). */
async function serviceAndEvents(env: TestEnv, name: string): Promise<{ svc?: k8s.V1Service; events: k8s.CoreV1Event[] }> {
  const svc = await env.core.readNamespacedService({ name, namespace: env.ns }).catch(() => undefined);
  return { svc, events: svc ? await env.events(name) : [] };
}

/** The first sign of a load-balancer controller on the Service within the window (lib/checks/load-balancer.ts), or undefined when none came. */
function controllerActed(env: TestEnv, name: string, timeoutMs: number): Promise<string | undefined> {
  return env.wait.for<string | undefined>(
    {
      what: `a load-balancer controller acting on Service ${env.ns}/${name}`,
      intervalMs: 1000,
      check: async () => {
        const { svc, events } = await serviceAndEvents(env, name);
        const sign = controllerSign(svc, events);
        return sign ? { done: sign } : { pending: svc ? "no event, finalizer, condition or address" : "service not found" };
      },
    },
    { timeoutMs, onTimeout: () => undefined },
  );
}

/** The LoadBalancer's address once the controller has written it; the failure names what the controller last said. */
function externalAddress(env: TestEnv, name: string, sign: string, timeoutMs: number): Promise<string> {
  return env.wait.for<string>(
    {
      what: `an external address for LoadBalancer Service ${env.ns}/${name}`,
      intervalMs: 2000,
      check: async () => {
        const { svc, events } = await serviceAndEvents(env, name);
        const a = loadBalancerAddress(svc);
        return a ? { done: a } : { pending: pendingState(svc, events) };
      },
    },
    {
      timeoutMs,
      onTimeout: (last) => {
        throw new WaitExpectationFailed(
          `Service ${name} (type LoadBalancer)`,
          `no external address within ${seconds(timeoutMs)} s, although a load-balancer controller acted on it (${sign}); ${last}`,
        );
      },
    },
  );
}
