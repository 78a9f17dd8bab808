// The run's view of the API server's health. Transient failures are retried with backoff while the server has
// been unreachable for less than the outage window; past it — or when the harness loses its permissions — the
// run is over: every later call fails at once with the same InfrastructureError, and listeners (the runner) stop.
import { classify, isPermissionDenied, ApiCallError, InfrastructureError } from "./errors.js";

export const defaultOutageWindowMs = 60_000;

const state = {
  windowMs: defaultOutageWindowMs,
  server: "the API server",
  /** When the current outage began (first transient failure since the last success). */
  downSince: undefined as number | undefined,
  /** Sum of all outages so far: waits extend their deadlines by the time the API was away. */
  downTotalMs: 0,
  fatal: undefined as InfrastructureError | undefined,
  listeners: [] as ((e: InfrastructureError) => void)[],
};

export function configureOutage(o: { windowMs?: number; server?: string }): void {
  if (o.windowMs !== undefined) state.windowMs = o.windowMs;
  if (o.server) state.server = o.server;
}

/** Forget everything (a new run, or cleanup getting its own budget after the run ended). */
export function resetOutage(windowMs = state.windowMs): void {
  Object.assign(state, { windowMs, downSince: undefined, downTotalMs: 0, fatal: undefined });
}

export const outageWindowMs = () => state.windowMs;
export const fatalError = () => state.fatal;
export function onFatal(f: (e: InfrastructureError) => void): () => void {
  state.listeners.push(f);
  return () => (state.listeners = state.listeners.filter((x) => x !== f));
}

/** Time the API was unreachable so far, including an outage still going on. */
export function downMs(now = Date.now()): number {
  return state.downTotalMs + (state.downSince !== undefined ? now - state.downSince : 0);
}

function declare(e: InfrastructureError): InfrastructureError {
  if (!state.fatal) {
    state.fatal = e;
    for (const f of state.listeners) f(e);
  }
  return state.fatal;
}

/** A fatal infrastructure error seen elsewhere (a parallel worker): this process ends its run the same way. */
export function declareFatal(message: string): InfrastructureError {
  return declare(new InfrastructureError(message));
}

export function noteSuccess(now = Date.now()): void {
  if (state.downSince !== undefined) state.downTotalMs += now - state.downSince;
  state.downSince = undefined;
}

/**
 * Looks at a failed call. Returns "retry" for a transient failure still inside the window; throws the run's
 * InfrastructureError when the window is exceeded or permissions are gone; otherwise returns "fail"
 * (a permanent answer the caller or its test handles).
 */
export function judge(e: unknown, verb: string, resource: string, now = Date.now()): "retry" | "fail" {
  if (state.fatal) throw state.fatal;
  if (isPermissionDenied(e)) {
    throw declare(new InfrastructureError(`lost permission on ${state.server}: ${new ApiCallError(verb, resource, e).message}`));
  }
  if (classify(e) !== "transient") return "fail";
  state.downSince ??= now;
  const down = now - state.downSince;
  if (down >= state.windowMs)
    throw declare(
      new InfrastructureError(
        `the API server ${state.server} has been unreachable for ${Math.round(down / 1000)} s (outage window ${Math.round(state.windowMs / 1000)} s); last error: ${new ApiCallError(verb, resource, e).message}`,
      ),
    );
  return "retry";
}

/** Throws the run's InfrastructureError if there is one: a call after the end of the run must not start. */
export function assertUsable(): void {
  if (state.fatal) throw state.fatal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one API call: transient failures retried with capped exponential backoff (bounded by the outage
 * window), permanent ones thrown at once as a one-line ApiCallError (or passed through with `raw`, for
 * callers that read the status themselves).
 */
export async function callApi<T>(verb: string, resource: string, f: () => Promise<T>, opts: { raw?: boolean } = {}): Promise<T> {
  let delay = 200;
  for (;;) {
    assertUsable();
    try {
      const r = await f();
      noteSuccess();
      return r;
    } catch (e) {
      if (judge(e, verb, resource) === "fail") {
        if (classify(e) === "permanent") noteSuccess(); // the server answered
        throw opts.raw || classify(e) === undefined ? e : new ApiCallError(verb, resource, e);
      }
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 1000); // capped low: the end of an outage (or of the window) is noticed within a second
  }
}
