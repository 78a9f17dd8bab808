// The upstream rule that networking gets ~30 s to come up and must then stay up for a while (up-then-steady, and
// its opposite, down-within), built on the one wait API; and `reach`, the check every Core.Network path uses,
// bound to a TestEnv (one try = curl/curl.exe/nc through exec, or node.js http from the runner).
import * as allure from "allure-js-commons";
import type { TestEnv } from "../../run/test-env.js";
import { waitFor } from "../../cluster/wait.js";
import { clip, describeDestination, describeSource, failureMessage, urlOf, type Attempt, type OsName, type Probe, type Source } from "./probe.js";
import { bodyProblem, clientTimeouts, curlArgv, ncArgv, parseCurl, parseNc } from "./parsers.js";
import { httpFromRunner } from "./runner-http.js";

// ---------- up within a budget, then steady ----------

export interface SteadyOptions {
  /** Budget for the first success (upstream: 30 s). */
  upMs: number;
  /** How long it must then keep succeeding (upstream: 10 s). */
  stableMs: number;
  /** Pause between tries: the bounded polling interval of the probe. */
  intervalMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SteadyResult {
  upAfterMs: number;
  attempts: number;
  steadyAttempts: number;
  last: Attempt;
}

/**
 * A path that does not answer (or not with the expected page) is a product defect: the class name says
 * "Expectation" so Allure reports the test as failed, not broken.
 */
export class ReachabilityExpectationFailed extends Error {
  constructor(
    message: string,
    readonly attempts: Attempt[],
  ) {
    super(message);
    this.name = "ReachabilityExpectationFailed";
  }
}
export const ReachabilityError = ReachabilityExpectationFailed;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Tries until the first success (within upMs), then keeps trying until it has held for stableMs; any failure in
 * that window fails the check. `judge` turns an answer into a problem (wrong page) or undefined.
 */
export async function upThenSteady(
  p: Pick<Probe, "path" | "from" | "to">,
  attempt: () => Promise<Attempt>,
  judge: (a: Attempt) => string | undefined,
  o: SteadyOptions,
): Promise<SteadyResult> {
  const clock = { now: o.now ?? Date.now, sleep: o.sleep ?? realSleep };
  const start = clock.now();
  const seen: Attempt[] = [];
  const problemOf = (a: Attempt) => (a.ok ? judge(a) : (a.error ?? "failed"));
  const tryOnce = async (): Promise<{ a: Attempt; problem?: string }> => {
    const a = await attempt();
    seen.push(a);
    return { a, problem: problemOf(a) };
  };
  let last!: Attempt;
  await waitFor(
    undefined,
    {
      what: `${p.path} to come up`,
      intervalMs: o.intervalMs,
      ...clock,
      check: async () => {
        const t = await tryOnce();
        last = t.a;
        return t.problem ? { pending: t.problem } : { done: undefined };
      },
    },
    {
      timeoutMs: o.upMs,
      onTimeout: (problem) => {
        throw new ReachabilityExpectationFailed(failureMessage(p, `no success within ${secs(o.upMs)} (${seen.length} attempt(s)); last: ${problem}`), seen);
      },
    },
  );
  const upAt = clock.now();
  let steady = 0;
  await waitFor(
    undefined,
    {
      what: `${p.path} to stay up`,
      intervalMs: o.intervalMs,
      immediate: false,
      ...clock,
      check: async () => {
        const t = await tryOnce();
        last = t.a;
        steady++;
        if (t.problem)
          throw new ReachabilityExpectationFailed(
            failureMessage(
              p,
              `came up after ${secs(upAt - start)} but failed ${secs(clock.now() - upAt)} later (attempt ${seen.length}; it must stay up for ${secs(o.stableMs)}): ${t.problem}`,
            ),
            seen,
          );
        return { pending: "up" };
      },
    },
    { timeoutMs: o.stableMs, onTimeout: () => undefined },
  );
  return { upAfterMs: upAt - start, attempts: seen.length, steadyAttempts: steady, last };
}

/** The opposite, for "the old address stops answering": the first failure within the budget. */
/**
 * Whether a failed attempt shows the destination not answering: the connection refused or timed out (curl 7/28,
 * nc, the runner's socket). An exec that failed, a name that did not resolve or an HTTP error is not "down": the
 * client never got to ask, or something answered.
 */
export function connectionDown(a: Attempt): boolean {
  if (a.ok || !a.error || /^exec failed/.test(a.error)) return false;
  return /curl: \((7|28)\)|connection refused|refused|timed? ?out|no answer within/i.test(a.error);
}

/** The first refused or timed-out connection within the budget (issue 14: not an exec error, not an HTTP error). */
export async function downWithin(
  p: Pick<Probe, "path" | "from" | "to">,
  attempt: () => Promise<Attempt>,
  o: Pick<SteadyOptions, "upMs" | "intervalMs" | "now" | "sleep">,
): Promise<Attempt> {
  let n = 0;
  let last!: Attempt;
  return waitFor<Attempt>(
    undefined,
    {
      what: `${p.path} to stop answering`,
      intervalMs: o.intervalMs,
      now: o.now,
      sleep: o.sleep,
      check: async () => {
        last = await attempt();
        n++;
        return connectionDown(last) ? { done: last } : { pending: last.ok ? "still answering" : `not a refused or timed-out connection: ${last.error}` };
      },
    },
    {
      timeoutMs: o.upMs,
      onTimeout: () => {
        throw new ReachabilityExpectationFailed(
          failureMessage(
            p,
            `no refused or timed-out connection within ${secs(o.upMs)} (${n} attempt(s); last: ${last.ok ? "answered" : last.error}); it should have stopped answering`,
          ),
          [last],
        );
      },
    },
  );
}

// ---------- bound to a test environment ----------

export type PodSource = Extract<Source, { kind: "pod" }> & { ip: string };

/** A pod as a source or a destination: its IP, node and OS from the API. */
export async function podRef(env: TestEnv, pod: string, container: string, namespace?: string): Promise<PodSource> {
  const p = await env.core.readNamespacedPod({ name: pod, namespace: namespace ?? env.ns });
  const node = p.spec?.nodeName ?? "?";
  const os = (p.spec?.os?.name ?? env.node(node).os) as OsName;
  return { kind: "pod", pod, container, node, os, ip: p.status?.podIP ?? "", hostNetwork: p.spec?.hostNetwork ?? false, ...(namespace && { namespace }) };
}

/** The run's timing for reachability checks: up within networkUpMs, steady for networkStableMs, polled every ≤ 1 s. */
export function steadyOptions(env: TestEnv, overrides: Partial<SteadyOptions> = {}): SteadyOptions {
  const b = env.budgets;
  return { upMs: b.networkUpMs, stableMs: b.networkStableMs, intervalMs: Math.min(1000, Math.max(200, b.networkStableMs / 4)), ...overrides };
}

/** One try of the probe: curl/curl.exe (or nc) through exec from a pod, node.js http from the runner. */
export function attempter(env: TestEnv, p: Probe, o: { tcp?: boolean } = {}): () => Promise<Attempt> {
  const t = clientTimeouts(env.budgets.networkUpMs);
  const from = p.from;
  if (from.kind === "runner") return () => httpFromRunner(p.to.host, p.to.port, p.to.path ?? "/", t.maxS * 1000);
  const argv = o.tcp ? ncArgv(p.to.host, p.to.port, t) : curlArgv(from.os, urlOf(p.to), t);
  return async () => {
    try {
      const out = await env.exec(from.pod, from.container, argv, { timeoutMs: (t.maxS + 15) * 1000, namespace: from.namespace });
      return o.tcp ? parseNc(out) : parseCurl(out);
    } catch (e) {
      return { ok: false, error: `exec failed: ${(e as Error).message}` };
    }
  };
}

/**
 * The check every Core.Network path uses, as one Allure step: it must come up within the network budget, then
 * stay up; the answer must be the expected page. Throws a ReachabilityError naming path, source and destination.
 */
export async function reach(env: TestEnv, p: Probe, o: { tcp?: boolean; steady?: Partial<SteadyOptions> } = {}): Promise<SteadyResult> {
  const how = o.tcp
    ? "TCP connect (nc -vz)"
    : p.from.kind === "runner"
      ? "HTTP GET from the runner"
      : p.from.kind === "pod" && p.from.os === "windows"
        ? "curl.exe"
        : "curl";
  return env.step(`${p.path}: ${describeSource(p.from)} → ${describeDestination(p.to)} [${how}]`, async () => {
    const r = await upThenSteady(p, attempter(env, p, o), (a) => bodyProblem(p, a), steadyOptions(env, o.steady));
    await allure.logStep(
      `up after ${secs(r.upAfterMs)}, then ${r.steadyAttempts} steady attempt(s); ${r.last.status ? `HTTP ${r.last.status}, ` : ""}${clip((r.last.body ?? "").replace(/\s+/g, " "), 120)}`,
    );
    return r;
  });
}
