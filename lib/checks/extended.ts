// What the Extend.* suites share: their run options with defaults, rendering fixture objects the suite had to
// adapt first (a RuntimeClass per build, a user's credential spec) the way env.deploy renders fixture files,
// skipping a test with a reason the report keeps, and errors that say which step they come from.
import type * as k8s from "@kubernetes/client-node";
import * as allure from "allure-js-commons";
import { Status } from "allure-js-commons";
import { renderFixture } from "../fixtures/guard.js";
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

/** Applies rendered objects in order (each is tracked for cleanup by env.apply). */
export async function applyAll(env: TestEnv, objects: k8s.KubernetesObject[]): Promise<k8s.KubernetesObject[]> {
  const out: k8s.KubernetesObject[] = [];
  for (const o of objects) out.push(await env.apply(o));
  return out;
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
