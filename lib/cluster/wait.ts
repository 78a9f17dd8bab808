// The one wait API, condition style (like sigs.k8s.io/e2e-framework's wait.For): a condition says what is awaited
// and judges what it sees — done, failed (a terminal state: fail at once, with the cause) or pending (with the
// state, for the timeout message). A condition either watches an API collection (lib/cluster/watch.ts: list,
// then every change) or polls what no watch can see (an HTTP answer, exec output, a log, several objects at once).
// Every wait fails the same way: "timed out after N s waiting for <what>; last seen: <state>" or "<what>: <cause>".
import type * as k8s from "@kubernetes/client-node";
import { waitOn, WaitExpectationFailed, WaitTimeout, type Verdict, type WatchTarget } from "./watch.js";

export type { Verdict, WatchTarget };

/** Watches a collection; `judge` sees every object in it after each change. */
export interface WatchCondition<T extends k8s.KubernetesObject, R> {
  what: string;
  watch: WatchTarget;
  judge: (objects: T[]) => Verdict<R>;
}

/** Polls: `check` reads what it needs each round. */
export interface PollCondition<R> {
  what: string;
  check: () => Promise<Verdict<R>> | Verdict<R>;
  /** Between rounds (the last sleep is cut to the deadline). */
  intervalMs: number;
  /** Check at once (default), or sleep an interval first. */
  immediate?: boolean;
  /** For unit tests: a fake clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface WaitOptions<R> {
  timeoutMs: number;
  /**
   * What the timeout means when it is not a failure — for "holds for a while" checks: resolve with this
   * instead (it may also throw a more specific error). Gets the last pending state.
   */
  onTimeout?: (last: string) => R;
}

export type Condition<R, T extends k8s.KubernetesObject = k8s.KubernetesObject> = WatchCondition<T, R> | PollCondition<R>;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until the condition is done; rejects at once when it fails, and on the timeout unless `onTimeout` says otherwise. */
export async function waitFor<R, T extends k8s.KubernetesObject = k8s.KubernetesObject>(
  kc: k8s.KubeConfig | undefined,
  c: Condition<R, T>,
  o: WaitOptions<R>,
): Promise<R> {
  if ("watch" in c) {
    if (!kc) throw new Error(`waiting for ${c.what}: a watch needs a kubeconfig`);
    let last = "nothing observed yet";
    try {
      return await waitOn<T, R>(
        kc,
        c.watch,
        c.what,
        (objs) => {
          const v = c.judge(objs);
          if ("pending" in v) last = v.pending;
          return v;
        },
        o.timeoutMs,
      );
    } catch (e) {
      if (e instanceof WaitTimeout && o.onTimeout) return o.onTimeout(last);
      throw e;
    }
  }
  return poll(c, o);
}

async function poll<R>(c: PollCondition<R>, o: WaitOptions<R>): Promise<R> {
  const now = c.now ?? Date.now;
  const sleep = c.sleep ?? realSleep;
  const start = now();
  let last = "nothing observed yet";
  const timedOut = () => {
    if (o.onTimeout) return o.onTimeout(last);
    throw new WaitTimeout(c.what, Math.round(o.timeoutMs / 1000), last);
  };
  if (c.immediate === false) {
    if (now() - start >= o.timeoutMs) return timedOut();
    await sleep(c.intervalMs);
  }
  for (;;) {
    const v = await c.check();
    if ("done" in v) return v.done;
    if ("fail" in v) throw new WaitExpectationFailed(c.what, v.fail);
    last = v.pending;
    const left = start + o.timeoutMs - now();
    if (left <= 0) return timedOut();
    await sleep(Math.min(c.intervalMs, left));
  }
}

/**
 * Retries `attempt` (which returns a problem, or undefined on success) every `intervalMs` until it succeeds or
 * `budgetMs` is spent; resolves with the number of attempts, or rejects with the last problem. An attempt that
 * throws counts as a problem (its first line).
 */
export async function retryUntil(what: string, budgetMs: number, attempt: () => Promise<string | undefined>, intervalMs = 2000): Promise<number> {
  let tries = 0;
  return waitFor<number>(
    undefined,
    {
      what,
      intervalMs,
      check: async () => {
        tries++;
        try {
          const p = await attempt();
          return p === undefined ? { done: tries } : { pending: p };
        } catch (e) {
          return { pending: (e as Error).message.split("\n")[0] };
        }
      },
    },
    {
      timeoutMs: budgetMs,
      onTimeout: (last) => {
        throw new WaitExpectationFailed(what, `still failing after ${tries} attempt(s) in ${Math.round(budgetMs / 1000)} s: ${last}`);
      },
    },
  );
}
