// The one watch loop every named wait uses: list, evaluate, watch from that resourceVersion, evaluate on
// every change, re-list when the watch ends; fail at once when the predicate reports a terminal state.
import * as k8s from "@kubernetes/client-node";
import * as https from "node:https";
import * as http from "node:http";
import { record, signature } from "./recorder.js";
import { judge as judgeApiFailure, noteSuccess, downMs, onFatal } from "./outage.js";
import { ApiCallError } from "./errors.js";

export type Verdict<R> = { done: R } | { fail: string } | { pending: string };

export class WaitTimeout extends Error {
  constructor(what: string, seconds: number, last: string) {
    super(`timed out after ${seconds} s waiting for ${what}; last seen: ${last}`);
    this.name = "WaitTimeout";
  }
}
/**
 * The cluster reached a terminal state the test did not want: a product defect, so reports show it as a
 * failed expectation (Allure classifies errors by an "Expectation"/"Assertion" class name), not as broken.
 */
export class WaitExpectationFailed extends Error {
  constructor(what: string, why: string) {
    super(`${what}: ${why}`);
    this.name = "WaitExpectationFailed";
  }
}
export const WaitFailed = WaitExpectationFailed;

export interface WatchTarget {
  /** API path of the collection, e.g. /api/v1/namespaces/ns/pods. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export async function waitOn<T extends k8s.KubernetesObject, R>(
  kc: k8s.KubeConfig,
  target: WatchTarget,
  what: string,
  judge: (objects: T[]) => Verdict<R>,
  timeoutMs: number,
  /** Consulted when the budget runs out: a later deadline (ms since epoch) when a slow phase earned more time. */
  extend?: () => number,
  /** The caller no longer needs the answer (e.g. the process it waits on has ended): reject with its reason now. */
  signal?: AbortSignal,
): Promise<R> {
  const w = new k8s.Watch(kc);
  const started = Date.now();
  let deadline = started + timeoutMs;
  let last = "nothing observed yet";
  const current = new Map<string, T>();
  const key = (o: T) => `${o.metadata?.namespace}/${o.metadata?.name}`;

  const downAtStart = downMs();
  return new Promise<R>((resolve, reject) => {
    let finished = false;
    let abort: AbortController | undefined;
    const finish = (f: () => void) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      stopListening();
      abort?.abort();
      f();
    };
    // The run ended (API gone past the outage window, permissions lost): stop waiting now.
    const stopFatal = onFatal((e) => finish(() => reject(e)));
    const aborted = () => finish(() => reject(signal!.reason));
    signal?.addEventListener("abort", aborted);
    const stopListening = () => (stopFatal(), signal?.removeEventListener("abort", aborted));
    const evaluate = () => {
      let v: Verdict<R>;
      try {
        v = judge([...current.values()]);
      } catch (e) {
        return finish(() => reject(e));
      }
      if ("done" in v) {
        record({
          op: "wait",
          path: target.path,
          labelSelector: target.labelSelector,
          fieldSelector: target.fieldSelector,
          signature: signature([...current.values()]),
        });
        finish(() => resolve(v.done));
      } else if ("fail" in v) finish(() => reject(new WaitFailed(what, v.fail)));
      else last = v.pending;
    };
    // The budget counts time the cluster was there to answer: time lost to an API outage is added back. A slow
    // phase (a pull, a scale-up) may also earn a later deadline through `extend`.
    let extendedMs = 0;
    const expire = () => {
      const lost = downMs() - downAtStart - extendedMs;
      if (lost > 0) {
        extendedMs += lost;
        timer = setTimeout(expire, lost);
        return;
      }
      const until = extend?.() ?? 0;
      if (until > Date.now() + 10) {
        deadline = until;
        timer = setTimeout(expire, until - Date.now());
        return;
      }
      finish(() => reject(new WaitTimeout(what, Math.round((Date.now() - started) / 1000), last)));
    };
    let timer = setTimeout(expire, timeoutMs);
    if (signal?.aborted) aborted();

    const cycle = async (): Promise<void> => {
      if (finished) return;
      try {
        const list = await listRaw<T>(kc, target);
        noteSuccess();
        current.clear();
        for (const o of list.items) current.set(key(o), o);
        evaluate();
        if (finished) return;
        abort = await w.watch(
          target.path,
          { resourceVersion: list.resourceVersion, allowWatchBookmarks: true, labelSelector: target.labelSelector, fieldSelector: target.fieldSelector },
          (type, obj: T) => {
            if (type === "BOOKMARK" || type === "ERROR") return;
            if (type === "DELETED") current.delete(key(obj));
            else current.set(key(obj), obj);
            evaluate();
          },
          () => {
            // Watches end (server timeout, 30 s client inactivity, 410 Gone): list again and carry on.
            if (!finished && Date.now() < deadline + extendedMs) void cycle();
          },
        );
        if (finished) abort.abort(); // it ended while the watch was being opened
      } catch (e) {
        if (finished) return;
        const err = e as { code?: number; message?: string };
        let verdict: "retry" | "fail";
        try {
          verdict = judgeApiFailure(e, "list", target.path);
        } catch (fatal) {
          return finish(() => reject(fatal));
        }
        if (err.code === 404 && target.path.includes("/namespaces/")) {
          // The namespace is gone (or not there yet): nothing matches; the judge decides, the wait goes on.
          current.clear();
          evaluate();
        } else if (verdict === "fail" && err.code !== 404) {
          // 401/403/422…: asking again gives the same answer.
          return finish(() => reject(new ApiCallError("list", target.path, e)));
        }
        last = new ApiCallError("list", target.path, e).message;
        // Transient (bounded by the outage window) or a resource not served yet: list again shortly.
        if (!finished) setTimeout(() => void cycle(), 500);
      }
    };
    void cycle();
  });
}

/** A list through the raw REST path (works for any resource, including CRDs). */
export async function listRaw<T>(kc: k8s.KubeConfig, target: WatchTarget): Promise<{ items: T[]; resourceVersion: string }> {
  const body = (await getRaw(kc, target.path, { labelSelector: target.labelSelector, fieldSelector: target.fieldSelector })) as {
    items?: T[];
    metadata?: { resourceVersion?: string };
  };
  return { items: body.items ?? [], resourceVersion: body.metadata?.resourceVersion ?? "" };
}

/** GET an API path with the kubeconfig's credentials; rejects with {code, message} like client-node's errors. */
export async function getRaw(kc: k8s.KubeConfig, path: string, query: Record<string, string | undefined> = {}): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("no current cluster in kubeconfig");
  const url = new URL(cluster.server.replace(/\/$/, "") + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  const opts: https.RequestOptions = { method: "GET", headers: { accept: "application/json" } };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? https.request : http.request)(url, opts, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (data += d));
      res.on("end", () => {
        let parsed: { message?: string };
        try {
          parsed = JSON.parse(data);
        } catch {
          parsed = { message: data.slice(0, 200) };
        }
        if ((res.statusCode ?? 500) >= 400) reject(Object.assign(new Error(parsed.message ?? `HTTP ${res.statusCode}`), { code: res.statusCode, body: data }));
        else resolve(parsed);
      });
    });
    req.on("error", reject);
    req.end();
  });
}
