// Waits that read several objects each round (pods with their Deployment and events, a pod with its events), so
// no single watch sees what they judge: polled every second through the one wait API (env.wait.for).
import * as k8s from "@kubernetes/client-node";
import { podSummary, podTrouble } from "../cluster/waits.js";
import type { Verdict } from "../cluster/wait.js";
import { isPodReady } from "../cluster/status.js";
import type { TestEnv } from "./test-env.js";

/**
 * Until `count` pods of a Deployment are Ready. Fails at once, with the cause, when a pod is stuck (image pull,
 * scheduling, start errors: the named waits' rules) or when its ReplicaSet cannot create pods at all (an
 * admission webhook refusing them: the Deployment's ReplicaFailure condition or a FailedCreate event).
 * Polls every second: it reads pods, the Deployment and events together.
 */
export async function deploymentPodsReady(
  env: TestEnv,
  deployment: string,
  selector: string,
  count: number,
  timeoutMs = env.budgets.podStartMs,
): Promise<k8s.V1Pod[]> {
  return deploymentPods(env, deployment, selector, count, { ready: true, timeoutMs });
}

/** Like deploymentPodsReady; with `ready: false` it is done as soon as the pods exist (admission passed). */
export async function deploymentPods(
  env: TestEnv,
  deployment: string,
  selector: string,
  count: number,
  opts: { ready: boolean; timeoutMs?: number },
): Promise<k8s.V1Pod[]> {
  const apps = env.kc.makeApiClient(k8s.AppsV1Api);
  const check = async (): Promise<Verdict<k8s.V1Pod[]>> => {
    const pods = (await env.core.listNamespacedPod({ namespace: env.ns, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
    const ready = opts.ready ? pods.filter(isPodReady) : pods;
    if (ready.length >= count) return { done: ready };
    for (const p of pods) {
      const t = podTrouble(p);
      if (t) return { fail: t };
    }
    const d = await apps.readNamespacedDeployment({ name: deployment, namespace: env.ns }).catch(() => undefined);
    const failure = d?.status?.conditions?.find((c) => c.type === "ReplicaFailure" && c.status === "True");
    if (failure) return { fail: `the ReplicaSet cannot create pods (${failure.reason}): ${(failure.message ?? "").split("\n")[0]}` };
    const failedCreate = (await env.core.listNamespacedEvent({ namespace: env.ns, fieldSelector: "reason=FailedCreate" })).items.find(
      (e) => e.involvedObject.kind === "ReplicaSet" && e.involvedObject.name?.startsWith(`${deployment}-`),
    );
    if (failedCreate)
      return { fail: `ReplicaSet ${failedCreate.involvedObject.name} cannot create pods (FailedCreate): ${(failedCreate.message ?? "").split("\n")[0]}` };
    return { pending: `${ready.length}/${count} ready: ${pods.map(podSummary).join("; ") || "no pods yet"}` };
  };
  // Polled every second: it reads pods, the Deployment and events together.
  return env.wait.for(
    { what: `${count} ${opts.ready ? "Ready " : ""}pod(s) of deployment ${env.ns}/${deployment}`, intervalMs: 1000, check },
    { timeoutMs: opts.timeoutMs ?? env.budgets.podStartMs },
  );
}

/** A sandbox the runtime cannot create because the pod's user does not exist: retrying will not help. */
export const fatalSandboxEvent = (e: k8s.CoreV1Event) =>
  e.reason === "FailedCreatePodSandBox" && /The user name or password is incorrect/i.test(e.message ?? "");

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
  const fatal = opts.fatalEvent ?? fatalSandboxEvent;
  const check = async (): Promise<Verdict<k8s.V1Pod>> => {
    const p = await env.core.readNamespacedPod({ name, namespace: env.ns }).catch((e) => {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    });
    if (p && test(p)) return { done: p };
    const trouble = p && podTrouble(p, { allowReasons: opts.allowReasons });
    if (trouble) return { fail: trouble };
    const warnings = (await env.events(name)).filter((e) => e.type === "Warning");
    const bad = warnings.find(fatal);
    if (bad) return { fail: `${bad.reason}: ${(bad.message ?? "").split("\n")[0]}` };
    const w = warnings[warnings.length - 1];
    return { pending: `${p ? podSummary(p) : "the pod does not exist (yet)"}${w ? `; last warning: ${w.reason}: ${(w.message ?? "").split("\n")[0]}` : ""}` };
  };
  // Polled every second: it reads the pod and its events together.
  return env.wait.for({ what: `pod ${env.ns}/${name} ${what}`, intervalMs: 1000, check }, { timeoutMs: opts.timeoutMs ?? env.budgets.podStartMs });
}
