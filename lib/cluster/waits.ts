// Named waits. Each watches, fails at once on a terminal state with the cause (pod, node, reason, message),
// and times out with the last state it saw.
import type * as k8s from "@kubernetes/client-node";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { waitOn, WaitFailed, WaitTimeout, type Verdict } from "./watch.js";
import { explainUnschedulable, countsOnly } from "./diagnose.js";
import { waitFor } from "./wait.js";
import { isPodReady } from "./status.js";
import { PodPhases, pullFailureIsFinal, type PhaseBudgets } from "./pod-phases.js";

/** Terminal reasons a pod does not recover from without a change to its spec or the cluster. */
export const terminalWaitingReasons = [
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "CrashLoopBackOff",
  "RunContainerError",
  "StartError",
];
const terminalWaiting = new Set(terminalWaitingReasons);

export interface PodWaitOptions {
  timeoutMs: number;
  /** Unschedulable is normally terminal; a test expecting it passes this. */
  allowUnschedulable?: boolean;
  /** Container states the caller expects (e.g. a test of a failing start). */
  allowReasons?: string[];
  /** Phase budgets: pulling and a scale-up then get their own time, and a retrying pull is not final until its budget is spent. */
  phases?: PhaseBudgets;
}

const pullWaiting = new Set(["ErrImagePull", "ImagePullBackOff"]);

/** Why a pod is stuck, in one line, or undefined if nothing terminal is visible. */
export function podTrouble(p: k8s.V1Pod, opts: Pick<PodWaitOptions, "allowUnschedulable" | "allowReasons"> = {}, phases?: PodPhases): string | undefined {
  const where = `pod ${p.metadata?.namespace}/${p.metadata?.name}${p.spec?.nodeName ? ` on node ${p.spec.nodeName}` : ""}`;
  const allowed = new Set(opts.allowReasons ?? []);
  if (p.status?.phase === "Failed" && !allowed.has(p.status.reason ?? "Failed"))
    return `${where} failed: ${p.status.reason ?? "Failed"}${p.status.message ? `: ${p.status.message}` : ""}`;
  const sched = p.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (!opts.allowUnschedulable && sched?.status === "False" && sched.reason === "Unschedulable" && !phases?.scaleUpFor(p.metadata?.name ?? ""))
    return `${where} cannot be scheduled (FailedScheduling): ${sched.message}`;
  for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    const w = cs.state?.waiting;
    // A pull the kubelet is retrying (timeout, reset, 5xx) may still succeed: final only once its budget is spent.
    const retrying =
      phases && w?.reason && pullWaiting.has(w.reason) && !pullFailureIsFinal(w.message ?? "") && !phases.pullBudgetSpent(p.metadata?.name ?? "");
    if (w?.reason && terminalWaiting.has(w.reason) && !allowed.has(w.reason) && !retrying)
      return `${where}, container ${cs.name} (${cs.image}): ${w.reason}${w.message ? `: ${w.message}` : ""}`;
    const t = cs.state?.terminated;
    if (t && t.reason === "StartError" && !allowed.has("StartError")) return `${where}, container ${cs.name}: StartError: ${t.message ?? ""}`;
  }
  return undefined;
}

export function podSummary(p: k8s.V1Pod): string {
  const cs = (p.status?.containerStatuses ?? []).map((c) => `${c.name}=${Object.keys(c.state ?? {})[0] ?? "?"}${c.ready ? "/ready" : ""}`).join(",");
  return `${p.metadata?.name} ${p.status?.phase ?? "?"}${p.spec?.nodeName ? ` on ${p.spec.nodeName}` : " (unscheduled)"}${cs ? ` [${cs}]` : ""}`;
}

async function podWait<R>(
  kc: KubeConfig,
  ns: string,
  name: string,
  what: string,
  opts: PodWaitOptions,
  test: (p: k8s.V1Pod) => Verdict<R> | undefined,
): Promise<R> {
  let last: k8s.V1Pod | undefined;
  const phases = opts.phases && new PodPhases(kc, ns, opts.phases).start();
  try {
    return await podWaitRaw(kc, ns, name, what, opts, (p) => ((last = p), test(p)), phases);
  } catch (e) {
    // cluster-autoscaler reacts to the scheduler's verdict: a scale-up announced just after it is a node on its way.
    if (phases && e instanceof WaitFailed && /cannot be scheduled/.test(e.message) && (await scaleUpAnnounced(kc, ns, name, phases))) {
      return podWait(kc, ns, name, what, opts, test);
    }
    // Name the taints the scheduler no longer names.
    if (e instanceof WaitFailed && last && countsOnly.test(e.message))
      throw new WaitFailed(what, await explainUnschedulable(kc, last, e.message.slice(what.length + 2)));
    throw await withLastWarning(kc, ns, [name], e);
  } finally {
    phases?.stop();
  }
}

async function scaleUpAnnounced(kc: KubeConfig, ns: string, pod: string, phases: PodPhases): Promise<boolean> {
  const evs = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${pod},reason=TriggeredScaleUp` })
    .catch(() => undefined);
  for (const e of evs?.items ?? []) phases.note(e);
  return !!phases.scaleUpFor(pod);
}

/** A timed-out pod wait also names the pod's latest Warning event (e.g. "Unhealthy: Readiness probe failed: …"). */
async function withLastWarning(kc: KubeConfig, ns: string, pods: string[], e: unknown): Promise<unknown> {
  if (!(e instanceof WaitTimeout) || !pods.length) return e;
  try {
    const evs = (await kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns, fieldSelector: "type=Warning" })).items
      .filter((x) => pods.includes(x.involvedObject.name ?? ""))
      .sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion));
    const w = evs[evs.length - 1];
    if (!w) return e;
    const at = w.source?.host ?? w.reportingInstance;
    e.message += `; last warning event on pod ${w.involvedObject.name}${at ? ` (node ${at})` : ""}: ${w.reason}: ${w.message}`;
    return e;
  } catch {
    return e;
  }
}

function podWaitRaw<R>(
  kc: KubeConfig,
  ns: string,
  name: string,
  what: string,
  opts: PodWaitOptions,
  test: (p: k8s.V1Pod) => Verdict<R> | undefined,
  phases?: PodPhases,
) {
  const started = Date.now();
  return waitOn<k8s.V1Pod, R>(
    kc,
    { path: `/api/v1/namespaces/${ns}/pods`, fieldSelector: `metadata.name=${name}` },
    what,
    ([p]) => {
      if (!p) return { pending: `pod ${ns}/${name} does not exist (yet)` };
      const v = test(p);
      if (v) return v;
      const trouble = podTrouble(p, opts, phases);
      return trouble ? { fail: trouble } : { pending: podSummary(p) };
    },
    opts.timeoutMs,
    phases && (() => started + opts.timeoutMs + phases.extraMs(name)),
  );
}

export const waits = {
  podReady(kc: KubeConfig, ns: string, name: string, opts: PodWaitOptions) {
    return podWait(kc, ns, name, `pod ${ns}/${name} to be Ready`, opts, (p) => (isPodReady(p) ? { done: p } : undefined));
  },
  podRunning(kc: KubeConfig, ns: string, name: string, opts: PodWaitOptions) {
    return podWait(kc, ns, name, `pod ${ns}/${name} to be Running`, opts, (p) => (p.status?.phase === "Running" ? { done: p } : undefined));
  },
  /** Succeeded or Failed: for run-to-completion pods. */
  podFinished(kc: KubeConfig, ns: string, name: string, opts: PodWaitOptions) {
    return podWait(kc, ns, name, `pod ${ns}/${name} to finish`, { ...opts, allowReasons: [...(opts.allowReasons ?? []), "Failed", "Error"] }, (p) =>
      p.status?.phase === "Succeeded" || p.status?.phase === "Failed" ? { done: p } : undefined,
    );
  },
  /** The scheduler's verdict, for tests that expect a pod NOT to be scheduled. */
  podUnschedulable(kc: KubeConfig, ns: string, name: string, opts: PodWaitOptions) {
    return podWait<{ message: string; pod: k8s.V1Pod }>(
      kc,
      ns,
      name,
      `pod ${ns}/${name} to be reported Unschedulable`,
      { ...opts, allowUnschedulable: true },
      (p) => {
        if (p.spec?.nodeName) return { fail: `pod ${ns}/${name} was scheduled onto node ${p.spec.nodeName}` };
        const c = p.status?.conditions?.find((x) => x.type === "PodScheduled" && x.status === "False" && x.reason === "Unschedulable");
        return c ? { done: { message: c.message ?? "", pod: p } } : undefined;
      },
    ).then(async ({ message, pod }) => ({ message, explained: await explainUnschedulable(kc, pod, message) }));
  },
  /** Waits until the pod is bound to a node; returns the node name. */
  podScheduled(kc: KubeConfig, ns: string, name: string, opts: PodWaitOptions) {
    return podWait(kc, ns, name, `pod ${ns}/${name} to be scheduled`, opts, (p) => (p.spec?.nodeName ? { done: p } : undefined));
  },
  /** Until the pod reaches a state matching `test`, with the usual fail-fast unless the reasons are allowed. */
  podMatches(kc: KubeConfig, ns: string, name: string, what: string, opts: PodWaitOptions, test: (p: k8s.V1Pod) => boolean) {
    return podWait(kc, ns, name, `pod ${ns}/${name} ${what}`, opts, (p) => (test(p) ? { done: p } : undefined));
  },
  /** `count` Ready pods matching a selector; fails as soon as one of them is stuck. */
  podsReady(kc: KubeConfig, ns: string, labelSelector: string, count: number, opts: PodWaitOptions) {
    let seen: string[] = [];
    const phases = opts.phases && new PodPhases(kc, ns, opts.phases).start();
    const started = Date.now();
    return waitOn<k8s.V1Pod, k8s.V1Pod[]>(
      kc,
      { path: `/api/v1/namespaces/${ns}/pods`, labelSelector },
      `${count} Ready pod(s) matching ${labelSelector} in ${ns}`,
      (pods) => {
        const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
        seen = live.map((p) => p.metadata!.name!);
        const ready = live.filter(isPodReady);
        if (ready.length >= count) return { done: ready };
        for (const p of live) {
          const t = podTrouble(p, opts, phases);
          if (t) return { fail: t };
        }
        return { pending: `${ready.length}/${count} ready: ${live.map(podSummary).join("; ") || "no pods"}` };
      },
      opts.timeoutMs,
      phases && (() => started + opts.timeoutMs + phases.maxExtraMs()),
    )
      .catch(async (e) => {
        throw await withLastWarning(kc, ns, seen, e);
      })
      .finally(() => phases?.stop());
  },
  /**
   * Until the pods matching a selector satisfy `test` (all of them, terminating ones included, are passed);
   * fails at once when a live one is stuck (unschedulable — with the taints named — or a terminal container state).
   */
  podsMatch(kc: KubeConfig, ns: string, labelSelector: string, what: string, opts: PodWaitOptions, test: (pods: k8s.V1Pod[]) => boolean) {
    let stuck: k8s.V1Pod | undefined;
    let seen: string[] = [];
    const desc = `pods matching ${labelSelector} in ${ns} ${what}`;
    const phases = opts.phases && new PodPhases(kc, ns, opts.phases).start();
    const started = Date.now();
    return waitOn<k8s.V1Pod, k8s.V1Pod[]>(
      kc,
      { path: `/api/v1/namespaces/${ns}/pods`, labelSelector },
      desc,
      (pods) => {
        seen = pods.map((p) => p.metadata!.name!);
        if (test(pods)) return { done: pods };
        for (const p of pods.filter((x) => !x.metadata?.deletionTimestamp)) {
          const t = podTrouble(p, opts, phases);
          if (t) return ((stuck = p), { fail: t });
        }
        return { pending: pods.map(podSummary).join("; ") || "no pods" };
      },
      opts.timeoutMs,
      phases && (() => started + opts.timeoutMs + phases.maxExtraMs()),
    )
      .catch(async (e) => {
        if (e instanceof WaitFailed && stuck && countsOnly.test(e.message))
          throw new WaitFailed(desc, await explainUnschedulable(kc, stuck, e.message.slice(desc.length + 2)));
        throw await withLastWarning(kc, ns, seen, e);
      })
      .finally(() => phases?.stop());
  },
  /**
   * Watches the pod for `ms` and fails at once if `broken` reports a problem; resolves with the last pod seen when
   * the window passes unbroken. `what` names the property in messages ("keeps restartCount 0 while healthy").
   */
  podHolds(kc: KubeConfig, ns: string, name: string, what: string, ms: number, broken: (p: k8s.V1Pod) => string | undefined) {
    let last: k8s.V1Pod | undefined;
    return waitFor<k8s.V1Pod, k8s.V1Pod>(
      kc,
      {
        what: `pod ${ns}/${name} ${what} for ${ms / 1000} s`,
        watch: { path: `/api/v1/namespaces/${ns}/pods`, fieldSelector: `metadata.name=${name}` },
        judge: ([p]) => {
          if (!p) return { fail: `pod ${ns}/${name} disappeared` };
          last = p;
          const problem = broken(last);
          return problem ? { fail: problem } : { pending: "holding" };
        },
      },
      {
        timeoutMs: ms,
        onTimeout: () => {
          if (!last) throw new Error(`pod ${ns}/${name}: the hold ended without a verdict`);
          return last;
        },
      },
    );
  },
  /** Until none of the named pods exists any more (deleted and gone from the API, not merely terminating). */
  podsGone(kc: KubeConfig, ns: string, names: string[], timeoutMs: number) {
    return waitOn<k8s.V1Pod, true>(
      kc,
      { path: `/api/v1/namespaces/${ns}/pods` },
      `pod(s) ${names.map((n) => `${ns}/${n}`).join(", ")} to be gone`,
      (pods) => {
        const left = pods.filter((p) => names.includes(p.metadata?.name ?? ""));
        return left.length ? { pending: `still there: ${left.map(podSummary).join("; ")}` } : { done: true };
      },
      timeoutMs,
    );
  },
  deploymentAvailable(kc: KubeConfig, ns: string, name: string, opts: PodWaitOptions) {
    const phases = opts.phases && new PodPhases(kc, ns, opts.phases).start();
    const started = Date.now();
    return waitOn<k8s.V1Deployment, k8s.V1Deployment>(
      kc,
      { path: `/apis/apps/v1/namespaces/${ns}/deployments`, fieldSelector: `metadata.name=${name}` },
      `deployment ${ns}/${name} to be available`,
      ([d]) => {
        if (!d) return { pending: "deployment not found" };
        const want = d.spec?.replicas ?? 1;
        const s = d.status ?? {};
        const progressing = s.conditions?.find((c) => c.type === "Progressing");
        if (progressing?.status === "False") return { fail: `deployment ${ns}/${name}: ${progressing.reason}: ${progressing.message}` };
        if (
          (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
          s.updatedReplicas === want &&
          s.availableReplicas === want &&
          (s.replicas ?? 0) === want
        )
          return { done: d };
        return { pending: `${s.availableReplicas ?? 0}/${want} available, ${s.updatedReplicas ?? 0} updated` };
      },
      opts.timeoutMs,
      phases && (() => started + opts.timeoutMs + phases.maxExtraMs()),
    ).finally(() => phases?.stop());
  },
  /** The Service's EndpointSlices list exactly `count` ready addresses (or satisfy `accept`). */
  endpointsReady(kc: KubeConfig, ns: string, service: string, accept: (ready: string[]) => boolean, describe: string, timeoutMs: number) {
    return waitOn<k8s.V1EndpointSlice, string[]>(
      kc,
      { path: `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, labelSelector: `kubernetes.io/service-name=${service}` },
      `EndpointSlices of service ${ns}/${service} to list ${describe}`,
      (slices) => {
        const ready = slices.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses));
        return accept(ready) ? { done: ready } : { pending: `ready addresses: [${ready.join(", ")}]` };
      },
      timeoutMs,
    );
  },
  namespaceGone(kc: KubeConfig, name: string, timeoutMs: number) {
    return waitOn<k8s.V1Namespace, true>(
      kc,
      { path: `/api/v1/namespaces`, fieldSelector: `metadata.name=${name}` },
      `namespace ${name} to be deleted`,
      ([n]) => (n ? { pending: `namespace ${name} is ${n.status?.phase}` } : { done: true }),
      timeoutMs,
    );
  },
  /** An event with this reason on the object (e.g. FailedScheduling, PodOSNotSupported); returns it. */
  event(kc: KubeConfig, ns: string, object: string, reason: string, timeoutMs: number, matching?: (e: k8s.CoreV1Event) => boolean) {
    return waitOn<k8s.CoreV1Event, k8s.CoreV1Event>(
      kc,
      { path: `/api/v1/namespaces/${ns}/events`, fieldSelector: `involvedObject.name=${object},reason=${reason}` },
      `a ${reason} event on ${ns}/${object}`,
      (evs) => {
        const e = evs.find((x) => !matching || matching(x));
        return e ? { done: e } : { pending: `${evs.length} ${reason} event(s), none matching` };
      },
      timeoutMs,
    );
  },
};
