// What the Extend.* suites share: their run options with defaults, rendering fixture objects the suite had to
// adapt first (a RuntimeClass per build, a user's credential spec) the way env.deploy renders fixture files,
// skipping a test with a reason the report keeps, and errors that say which step they come from.
import * as k8s from "@kubernetes/client-node";
import * as allure from "allure-js-commons";
import { AssertionError } from "chai";
import { Status } from "allure-js-commons";
import { statusOf } from "../cluster/api.js";
import { podSummary, podTrouble } from "../cluster/waits.js";
import { WaitExpectationFailed } from "../cluster/watch.js";
import { renderFixture } from "../fixtures/guard.js";
import { loadFixtures } from "../fixtures/load.js";
import { labels, type RunContext } from "../run/context.js";
import type { TestEnv } from "../run/test-env.js";

/** containerd's process-isolation handler on Windows nodes (the runtime a plain Windows pod gets). */
export const DEFAULT_RUNTIME_HANDLER = "runhcs-wcow-process";

export interface ExtendedSettings {
  /** Handler of the RuntimeClasses the harness creates. */
  runtimeHandler: string;
  /** An existing RuntimeClass to test instead of creating one per Windows build. */
  runtimeClass?: string;
  /** A LoadBalancer Service must get an external IP: no skip. */
  requireLoadBalancer: boolean;
  /** A credential spec for a real domain (read by the CLI); undefined: the synthetic fixture. */
  credspecFile?: string;
}

export function extendedSettings(ctx: RunContext): ExtendedSettings {
  const x = ctx.options.extended ?? {};
  return {
    runtimeHandler: x.runtimeHandler ?? DEFAULT_RUNTIME_HANDLER,
    runtimeClass: x.runtimeClass,
    requireLoadBalancer: x.requireLoadBalancer ?? false,
    credspecFile: x.credspecFile,
  };
}

/** The test id env.deploy uses: the last segment of the test's namespace name. */
function testIdOf(ns: string): string {
  return ns.slice(ns.lastIndexOf("-") + 1);
}

/**
 * Renders already-loaded (and adapted) fixture objects exactly as env.deploy renders fixture files: the
 * scheduling guard, the run's labels, per-run names for cluster-scoped objects and every reference to them.
 */
export function renderForTest(env: TestEnv, objects: k8s.KubernetesObject[], opts: { build?: string } = {}): k8s.KubernetesObject[] {
  const ctx = env.ctx;
  const testId = testIdOf(env.ns);
  return renderFixture(objects, {
    caps: ctx.caps,
    namespace: env.ns,
    labels: { [labels.run]: ctx.runId, [labels.test]: testId, [labels.managed]: "hybrid-conformance" },
    build: opts.build ?? ctx.options.windowsBuild,
    registryOverrides: ctx.options.registryOverrides,
    nameSuffix: `${ctx.runId}-${testId}`,
  });
}

/**
 * An API refusal as one line (client-node's own message starts "HTTP-Code: 500" and carries the whole body).
 * Where a test did not expect it, it is a product defect: the class name makes reports show a failed expectation.
 */
export class RefusalExpectationFailed extends Error {
  constructor(
    readonly what: string,
    readonly status: k8s.V1Status | undefined,
    detail: string,
  ) {
    super(`${what} was refused: ${detail}`);
    this.name = "RefusalExpectationFailed";
  }
}
export const Refused = RefusalExpectationFailed;
export type Refused = RefusalExpectationFailed;

/** The first line of what the API server said, with its code and reason. */
export function statusLine(status: k8s.V1Status | undefined, e?: unknown): string {
  if (!status || typeof status !== "object") {
    const m = (e as Error | undefined)?.message ?? String(e);
    return m.split("\n")[0];
  }
  return `${status.code ?? "?"} ${status.reason || "(no reason)"}: ${(status.message ?? "").split("\n")[0]}`;
}

/** env.apply, but a refusal throws a Refused naming the object and the API server's one-line answer. */
export async function applyExplained<T extends k8s.KubernetesObject>(env: TestEnv, obj: T): Promise<T> {
  try {
    return await env.apply(obj);
  } catch (e) {
    const status = statusOf(e);
    throw new Refused(`${obj.kind} ${obj.metadata?.name}`, typeof status === "object" ? status : undefined, statusLine(typeof status === "object" ? status : undefined, e));
  }
}

/** Applies rendered objects in order (each is tracked for cleanup by env.apply). */
export async function applyAll(env: TestEnv, objects: k8s.KubernetesObject[]): Promise<k8s.KubernetesObject[]> {
  const out: k8s.KubernetesObject[] = [];
  for (const o of objects) out.push(await applyExplained(env, o));
  return out;
}

/**
 * Until `count` pods of a Deployment are Ready. Fails at once, with the cause, when a pod is stuck (image pull,
 * scheduling, start errors: the named waits' rules) or when its ReplicaSet cannot create pods at all (an
 * admission webhook refusing them: the Deployment's ReplicaFailure condition or a FailedCreate event).
 * Polls every second: it reads pods, the Deployment and events together.
 */
export async function deploymentPodsReady(env: TestEnv, deployment: string, selector: string, count: number, timeoutMs = env.budgets.podStartMs): Promise<k8s.V1Pod[]> {
  return deploymentPods(env, deployment, selector, count, { ready: true, timeoutMs });
}

/** Like deploymentPodsReady; with `ready: false` it is done as soon as the pods exist (admission passed). */
export async function deploymentPods(env: TestEnv, deployment: string, selector: string, count: number, opts: { ready: boolean; timeoutMs?: number }): Promise<k8s.V1Pod[]> {
  const apps = env.kc.makeApiClient(k8s.AppsV1Api);
  const timeoutMs = opts.timeoutMs ?? env.budgets.podStartMs;
  const what = `${count} ${opts.ready ? "Ready " : ""}pod(s) of deployment ${env.ns}/${deployment}`;
  const deadline = Date.now() + timeoutMs;
  let last = "nothing observed yet";
  for (;;) {
    const pods = (await env.core.listNamespacedPod({ namespace: env.ns, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
    const ready = opts.ready ? pods.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) : pods;
    if (ready.length >= count) return ready;
    for (const p of pods) {
      const t = podTrouble(p);
      if (t) throw new WaitExpectationFailed(what, t);
    }
    const d = await apps.readNamespacedDeployment({ name: deployment, namespace: env.ns }).catch(() => undefined);
    const failure = d?.status?.conditions?.find((c) => c.type === "ReplicaFailure" && c.status === "True");
    if (failure) throw new WaitExpectationFailed(what, `the ReplicaSet cannot create pods (${failure.reason}): ${(failure.message ?? "").split("\n")[0]}`);
    const failedCreate = (await env.core.listNamespacedEvent({ namespace: env.ns, fieldSelector: "reason=FailedCreate" })).items.find((e) => e.involvedObject.kind === "ReplicaSet" && e.involvedObject.name?.startsWith(`${deployment}-`));
    if (failedCreate) throw new WaitExpectationFailed(what, `ReplicaSet ${failedCreate.involvedObject.name} cannot create pods (FailedCreate): ${(failedCreate.message ?? "").split("\n")[0]}`);
    last = `${ready.length}/${count} ready: ${pods.map(podSummary).join("; ") || "no pods yet"}`;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; last seen: ${last}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export const byKind = <T extends k8s.KubernetesObject = k8s.KubernetesObject>(objs: k8s.KubernetesObject[], kind: string): T[] =>
  objs.filter((o) => o.kind === kind) as T[];

export const oneOfKind = <T extends k8s.KubernetesObject = k8s.KubernetesObject>(objs: k8s.KubernetesObject[], kind: string): T => {
  const found = byKind<T>(objs, kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0];
};

/** Where mocha keeps a skip reason until the runner records it (summary.json `reason`). */
export const SKIP_REASON = "skipReason";

/**
 * Skips the running test (or, from a `before` hook, every test of the describe) with a reason that reaches the
 * Allure report (description and a skipped step), summary.json and the console.
 */
export async function skipWithReason(mochaCtx: Mocha.Context, reason: string): Promise<never> {
  const runnable = mochaCtx.currentTest ?? mochaCtx.test;
  const isHook = (mochaCtx.test as unknown as { type?: string } | undefined)?.type === "hook";
  const holder = (isHook ? mochaCtx.test?.parent : runnable) as unknown as Record<string, unknown> | undefined;
  if (holder) holder[SKIP_REASON] = reason;
  if (!isHook) {
    await allure.description(`Skipped: ${reason}`);
    await allure.logStep(`skipped: ${reason}`, Status.SKIPPED);
  }
  process.stderr.write(`      skipped: ${reason}\n`);
  mochaCtx.skip();
  throw new Error("unreachable"); // mocha's skip() throws
}

/** Runs f; a failure is rethrown with `what` in front, so a test's one-line error names the step that broke. */
export async function explain<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const err = e as Error;
    if (err && typeof err.message === "string" && !err.message.startsWith(what)) err.message = `${what}: ${err.message}`;
    throw err;
  }
}

/** Mocha's own type, re-exported so suites need not import it. */
export type MochaContext = Mocha.Context;

/**
 * A step that checks something and lets the test go on: the step fails (and shows so in the report) with the
 * problems found, which are added to `problems` for the test to fail with once every step has run.
 */
export async function checkStep(env: TestEnv, name: string, problems: string[], f: () => Promise<string[] | string | undefined | void> | string[] | string | undefined | void): Promise<void> {
  await env
    .step(name, async () => {
      const found = await f();
      const list = found === undefined || found === null ? [] : Array.isArray(found) ? found : [found as string];
      if (list.length) throw new AssertionError(list.join("; "));
    })
    .catch((e: Error) => problems.push(e.message));
}

/** A sandbox the runtime cannot create because the pod's user does not exist: retrying will not help. */
export const fatalSandboxEvent = (e: k8s.CoreV1Event) => e.reason === "FailedCreatePodSandBox" && /The user name or password is incorrect/i.test(e.message ?? "");

/**
 * Until a pod satisfies `test` (e.g. Running, Succeeded). Fails at once with the cause on the named waits'
 * terminal states (unless `allowReasons` expects them) and on a fatal event (default: a sandbox that cannot be
 * created for an unknown user); a timeout names the last state and the last warning event. Polls every second:
 * it reads the pod and its events together.
 */
export async function podReached(
  env: TestEnv,
  name: string,
  what: string,
  test: (p: k8s.V1Pod) => boolean,
  opts: { allowReasons?: string[]; timeoutMs?: number; fatalEvent?: (e: k8s.CoreV1Event) => boolean } = {},
): Promise<k8s.V1Pod> {
  const timeoutMs = opts.timeoutMs ?? env.budgets.podStartMs;
  const fatal = opts.fatalEvent ?? fatalSandboxEvent;
  const title = `pod ${env.ns}/${name} ${what}`;
  const deadline = Date.now() + timeoutMs;
  let last = "nothing observed yet";
  for (;;) {
    const p = await env.core.readNamespacedPod({ name, namespace: env.ns }).catch((e) => {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    });
    if (p && test(p)) return p;
    const trouble = p && podTrouble(p, { allowReasons: opts.allowReasons });
    if (trouble) throw new WaitExpectationFailed(title, trouble);
    const warnings = (await env.events(name)).filter((e) => e.type === "Warning");
    const bad = warnings.find(fatal);
    if (bad) throw new WaitExpectationFailed(title, `${bad.reason}: ${(bad.message ?? "").split("\n")[0]}`);
    const w = warnings[warnings.length - 1];
    last = `${p ? podSummary(p) : "the pod does not exist (yet)"}${w ? `; last warning: ${w.reason}: ${(w.message ?? "").split("\n")[0]}` : ""}`;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${title}; last seen: ${last}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export const isRunning = (p: k8s.V1Pod) => p.status?.phase === "Running" && (p.status.containerStatuses ?? []).every((c) => !!c.state?.running);
export const isFinished = (p: k8s.V1Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

/**
 * env.deploy with refusals explained: renders the fixture files exactly as env.deploy does, lets `mutate` adjust
 * the rendered objects, and applies them one by one, so a refusal names the object and the API server's answer.
 */
export async function deployFixture(
  env: TestEnv,
  fixtures: string | string[],
  opts: { build?: string; mutate?: (objs: k8s.KubernetesObject[]) => void } = {},
): Promise<k8s.KubernetesObject[]> {
  const objs = renderForTest(env, loadFixtures(...(Array.isArray(fixtures) ? fixtures : [fixtures])), { build: opts.build });
  opts.mutate?.(objs);
  return applyAll(env, objs);
}
