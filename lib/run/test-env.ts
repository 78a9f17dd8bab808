// A test's environment, Playwright-fixture style: declared once per describe, it gives every test a fresh,
// labelled namespace, deploys fixtures through the scheduling guard, offers named waits bound to that
// namespace, records what was applied, attaches a failure bundle when the test fails, and always cleans up.
import * as k8s from "@kubernetes/client-node";
import * as allure from "allure-js-commons";
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { runContext, labels, type RunContext } from "./context.js";
import { budgets, type Budgets } from "./budgets.js";
import { CleanupRegistry } from "./cleanup.js";
import { apply } from "../cluster/api.js";
import { explainRefusal } from "../cluster/refusal.js";
import { waits, type PodWaitOptions } from "../cluster/waits.js";
import { waitFor, type Condition, type WaitOptions } from "../cluster/wait.js";
import { execInPod, type ExecOutput } from "../cluster/exec.js";
import { loadFixtures, renderFixture } from "../fixtures/index.js";
import type { NodeInfo } from "../preflight/types.js";
import { failureBundle } from "../report/bundle.js";
import { redactObject } from "../report/redact.js";
import { TEST_NODES, recordPodImages } from "./record.js";
import { InfrastructureError } from "../cluster/errors.js";
import { PodTimeline, reportPodPhases } from "./pod-timeline.js";

export interface TestEnv {
  readonly ctx: RunContext;
  readonly kc: k8s.KubeConfig;
  readonly ns: string;
  readonly budgets: Budgets;
  readonly core: k8s.CoreV1Api;
  step<T>(name: string, f: () => Promise<T> | T): Promise<T>;
  /**
   * Renders fixtures — by name, or objects a suite loaded and adapted first — for this test: the scheduling guard,
   * the test namespace, the run's labels, per-run names for cluster-scoped objects and every reference to them.
   */
  render(fixtures: FixtureSource, opts?: { build?: string }): k8s.KubernetesObject[];
  /** Renders (as `render`), lets `mutate` adjust the objects, and applies them in order. */
  deploy(fixtures: FixtureSource, opts?: { build?: string; mutate?: (objs: k8s.KubernetesObject[]) => void }): Promise<k8s.KubernetesObject[]>;
  /**
   * Applies one object in the test namespace (it gets the run labels and is cleaned up after the test). A refusal
   * throws a Refused naming the object and the API server's one-line answer.
   */
  apply<T extends k8s.KubernetesObject>(obj: T): Promise<T>;
  /** Applies rendered objects in order (each as `apply`). */
  applyAll(objs: k8s.KubernetesObject[]): Promise<k8s.KubernetesObject[]>;
  wait: BoundWaits;
  /** Runs a command in a container of the test namespace (or of `namespace`, another one the test created). */
  exec(pod: string, container: string, command: string[], opts?: { timeoutMs?: number; namespace?: string }): Promise<ExecOutput>;
  /** Runs a command that must succeed and gives its stdout; a failure names pod, container and what the container printed. */
  execOk(pod: string, container: string, command: string[]): Promise<string>;
  /** A file's content in a Windows container (`type`), or undefined when it cannot be read (never printed). */
  readWindowsFile(pod: string, container: string, path: string): Promise<string | undefined>;
  logs(pod: string, container: string, opts?: { previous?: boolean; tailLines?: number }): Promise<string>;
  events(object?: string): Promise<k8s.CoreV1Event[]>;
  node(name: string): NodeInfo;
  /** The node a pod landed on (from the API), with its OS and build. */
  nodeOfPod(pod: string): Promise<NodeInfo>;
  track(obj: k8s.KubernetesObject): void;
}

/** Fixture files by name, or fixture objects already loaded (and adapted by the suite). */
export type FixtureSource = string | string[] | k8s.KubernetesObject[];

type BoundWaits = {
  /** The one condition-style wait (lib/cluster/wait.ts); the named waits below are conditions ready-made. Default budget: pod start. */
  for<R, T extends k8s.KubernetesObject = k8s.KubernetesObject>(condition: Condition<R, T>, o?: Partial<WaitOptions<R>>): Promise<R>;
  podReady(name: string, o?: Partial<PodWaitOptions>): Promise<k8s.V1Pod>;
  podRunning(name: string, o?: Partial<PodWaitOptions>): Promise<k8s.V1Pod>;
  podFinished(name: string, o?: Partial<PodWaitOptions>): Promise<k8s.V1Pod>;
  podScheduled(name: string, o?: Partial<PodWaitOptions>): Promise<k8s.V1Pod>;
  podUnschedulable(name: string, o?: Partial<PodWaitOptions>): Promise<{ message: string; explained: string }>;
  podMatches(name: string, what: string, test: (p: k8s.V1Pod) => boolean, o?: Partial<PodWaitOptions>): Promise<k8s.V1Pod>;
  podsReady(selector: string, count: number, o?: Partial<PodWaitOptions>): Promise<k8s.V1Pod[]>;
  podsMatch(selector: string, what: string, test: (pods: k8s.V1Pod[]) => boolean, o?: Partial<PodWaitOptions>): Promise<k8s.V1Pod[]>;
  podsGone(names: string[]): Promise<true>;
  /** The pod keeps a property for `ms` (fails the moment `broken` names a problem). */
  podHolds(name: string, what: string, ms: number, broken: (p: k8s.V1Pod) => string | undefined): Promise<k8s.V1Pod>;
  deploymentAvailable(name: string, o?: Partial<PodWaitOptions>): Promise<k8s.V1Deployment>;
  endpoints(service: string, accept: (ips: string[]) => boolean, describe: string): Promise<string[]>;
  event(object: string, reason: string, matching?: (e: k8s.CoreV1Event) => boolean): Promise<k8s.CoreV1Event>;
};

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 24)
    .replace(/-$/, "");

/**
 * The report labels of a test in this category: epic (Core or Extended), feature, category, severity — Core
 * checks gate a node pool's sign-off (critical), extended ones depend on the estate's needs (normal).
 */
export async function categoryLabels(category: string, o: { feature?: string; severity?: string } = {}): Promise<void> {
  await allure.epic(category.split(".")[0] === "Core" ? "Core" : "Extended");
  await allure.feature(o.feature ?? category);
  await allure.label("category", category);
  await allure.severity(o.severity ?? (category.startsWith("Core.") ? "critical" : "normal"));
}

/** Declares the environment for the tests of one describe block (one category). */
export function useTestEnv(category: string, feature = category): TestEnv {
  let state: { env: TestEnv; cleanup: CleanupRegistry; applied: k8s.KubernetesObject[]; timeline: PodTimeline } | undefined;
  const get = () => {
    if (!state) throw new Error("the test environment exists only inside a test");
    return state.env;
  };

  beforeEach(async function () {
    const ctx = runContext();
    const b = budgets(ctx);
    const testId = randomBytes(3).toString("hex");
    const ns = `hc-${slug(this.currentTest?.title ?? "test")}-${testId}`.replace(/--+/g, "-");
    const runLabels = { [labels.run]: ctx.runId, [labels.test]: testId, [labels.managed]: "hybrid-conformance" };
    const cleanup = new CleanupRegistry(ctx.kc);
    const applied: k8s.KubernetesObject[] = [];
    const core = ctx.kc.makeApiClient(k8s.CoreV1Api);
    await categoryLabels(category, { feature });

    const podOpts = (o?: Partial<PodWaitOptions>): PodWaitOptions => ({
      timeoutMs: b.podStartMs,
      phases: { imagePullMs: b.imagePullMs, scaleUpMs: b.scaleUpMs },
      ...o,
    });
    const env: TestEnv = {
      ctx,
      kc: ctx.kc,
      ns,
      budgets: b,
      core,
      step: (name, f) => allure.step(name, async () => f()) as Promise<never>,
      render(fixtures, opts = {}) {
        const objects =
          typeof fixtures === "string"
            ? loadFixtures(fixtures)
            : fixtures.every((f) => typeof f === "string")
              ? loadFixtures(...(fixtures as string[]))
              : (fixtures as k8s.KubernetesObject[]);
        return renderFixture(objects, {
          caps: ctx.caps,
          namespace: ns,
          labels: runLabels,
          build: opts.build ?? ctx.options.windowsBuild,
          registryOverrides: ctx.options.registryOverrides,
          nameSuffix: `${ctx.runId}-${testId}`,
        });
      },
      async deploy(fixtures, opts = {}) {
        const objs = env.render(fixtures, { build: opts.build });
        opts.mutate?.(objs);
        return env.applyAll(objs);
      },
      async applyAll(objs) {
        const out: k8s.KubernetesObject[] = [];
        for (const o of objs) out.push(await env.apply(o));
        return out;
      },
      async apply(obj) {
        const o = { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata?.labels, ...runLabels } } } as typeof obj;
        if (o.kind !== "Namespace" && !isClusterScoped(o.kind) && !o.metadata?.namespace) o.metadata!.namespace = ns;
        applied.push(o);
        cleanup.track(o);
        return explainRefusal(o, () => apply(ctx.kc, o));
      },
      wait: {
        for: (c, o) => waitFor(ctx.kc, c, { timeoutMs: b.podStartMs, ...o }),
        podReady: (n, o) => waits.podReady(ctx.kc, ns, n, podOpts(o)),
        podRunning: (n, o) => waits.podRunning(ctx.kc, ns, n, podOpts(o)),
        podFinished: (n, o) => waits.podFinished(ctx.kc, ns, n, podOpts(o)),
        podScheduled: (n, o) => waits.podScheduled(ctx.kc, ns, n, podOpts(o)),
        podUnschedulable: (n, o) => waits.podUnschedulable(ctx.kc, ns, n, podOpts(o)),
        podMatches: (n, what, t, o) => waits.podMatches(ctx.kc, ns, n, what, podOpts(o), t),
        podsReady: (s, c, o) => waits.podsReady(ctx.kc, ns, s, c, podOpts(o)),
        podsMatch: (s, what, t, o) => waits.podsMatch(ctx.kc, ns, s, what, podOpts(o), t),
        podsGone: (names) => waits.podsGone(ctx.kc, ns, names, b.podDeleteMs),
        podHolds: (n, what, ms, broken) => waits.podHolds(ctx.kc, ns, n, what, ms, broken),
        deploymentAvailable: (n, o) => waits.deploymentAvailable(ctx.kc, ns, n, podOpts(o)),
        endpoints: (svc, accept, describe) => waits.endpointsReady(ctx.kc, ns, svc, accept, describe, b.podStartMs),
        event: (obj, reason, matching) => waits.event(ctx.kc, ns, obj, reason, b.podStartMs, matching),
      },
      async exec(pod, container, command, opts = {}) {
        // A Windows container may refuse its first exec for a while after Running: retry that (not a failing command).
        const deadline = Date.now() + b.execRetryMs;
        for (;;) {
          try {
            const r = await execInPod(ctx.kc, { namespace: opts.namespace ?? ns, pod, container }, command, { timeoutMs: opts.timeoutMs ?? 60_000 });
            if (r.error === undefined || Date.now() > deadline || !/not running|container not found|unable to upgrade/i.test(r.error)) return r;
          } catch (e) {
            if (Date.now() > deadline || e instanceof InfrastructureError) throw e;
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
      },
      async execOk(pod, container, command) {
        const r = await env.exec(pod, container, command);
        const where = `pod ${ns}/${pod} container ${container}`;
        expect(r.error, `${where}: ${command.join(" ")} could not run: ${r.error}`).to.equal(undefined);
        expect(r.exitCode, `${where}: ${command.join(" ")} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`).to.equal(0);
        return r.stdout;
      },
      async readWindowsFile(pod, container, path) {
        const r = await env.exec(pod, container, ["cmd", "/c", `type ${path}`]);
        return r.exitCode === 0 && r.error === undefined ? r.stdout : undefined;
      },
      async logs(pod, container, opts = {}) {
        return core.readNamespacedPodLog({ name: pod, namespace: ns, container, previous: opts.previous, tailLines: opts.tailLines });
      },
      async events(object) {
        const l = await core.listNamespacedEvent({ namespace: ns, fieldSelector: object ? `involvedObject.name=${object}` : undefined });
        return l.items.sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion));
      },
      node(name) {
        const n = ctx.caps.nodes.find((x) => x.name === name);
        if (!n) throw new Error(`node ${name} was not seen by preflight`);
        return n;
      },
      async nodeOfPod(pod) {
        const p = await core.readNamespacedPod({ name: pod, namespace: ns });
        if (!p.spec?.nodeName) throw new Error(`pod ${ns}/${pod} is not scheduled`);
        return env.node(p.spec.nodeName);
      },
      track: (o) => cleanup.track(o),
    };
    // The namespace first, so it is the last thing removed.
    const nsObj: k8s.V1Namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: runLabels } };
    cleanup.track(nsObj);
    await apply(ctx.kc, nsObj);
    // Pods are refused ("serviceaccount default not found") until the controller-manager has created it.
    await waitFor<true, k8s.V1ServiceAccount>(
      ctx.kc,
      {
        what: `the default ServiceAccount of namespace ${ns} (created by the controller-manager)`,
        watch: { path: `/api/v1/namespaces/${ns}/serviceaccounts`, fieldSelector: "metadata.name=default" },
        judge: (sas) => (sas.length ? { done: true } : { pending: "not created yet" }),
      },
      { timeoutMs: b.serviceAccountMs },
    );
    await allure.parameter("namespace", ns, { excluded: true });
    state = { env, cleanup, applied, timeline: new PodTimeline(ctx.kc, ns).start() };
  });

  afterEach(async function () {
    if (!state) return;
    const { env, cleanup, applied, timeline } = state;
    state = undefined;
    await reportPodPhases(this.currentTest, timeline);
    const failed = this.currentTest?.state === "failed";
    // The sign-off record: the digests this test's pods ran, read before the namespace goes.
    const nodes = await recordPodImages(env.kc, env.ns).catch((e) => {
      process.stderr.write(`      could not read the image digests of ${env.ns}: ${(e as Error).message.split("\n")[0]}\n`);
      return [];
    });
    // The report card's placement: where this test's pods ran (lib/pools/report-card.ts).
    if (this.currentTest) (this.currentTest as unknown as Record<string, unknown>)[TEST_NODES] = nodes;
    if (failed) {
      const bundle = await failureBundle(env.kc, env.ns, applied.map(redactObject)).catch((e) => ({
        error: `could not collect the failure bundle: ${(e as Error).message}`,
      }));
      for (const [name, content] of Object.entries(bundle)) await allure.attachment(name, content, name.endsWith(".yaml") ? "application/yaml" : "text/plain");
    }
    if (failed && env.ctx.options.keepOnFailure) {
      await cleanup.keep();
      process.stderr.write(`      kept namespace ${env.ns} for inspection (--keep-on-failure)\n`);
      return;
    }
    // Deletion is issued now; the run's final sweep waits until every namespace is gone.
    const problems = await cleanup.run(0);
    if (problems.length) throw new Error(`cleanup of ${env.ns} incomplete: ${problems.join("; ")}`);
  });

  return new Proxy({} as TestEnv, { get: (_t, p) => (get() as unknown as Record<string | symbol, unknown>)[p] });
}

function isClusterScoped(kind: string | undefined): boolean {
  return [
    "Namespace",
    "Node",
    "RuntimeClass",
    "ClusterRole",
    "ClusterRoleBinding",
    "GMSACredentialSpec",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
  ].includes(kind ?? "");
}
