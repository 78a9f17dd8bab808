// Readiness of a freshly started component: its health endpoint answers, and the process is still alive.
import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import { isOurs, tailOf, type ComponentRecord } from "./processes.js";
import { UserFacingError } from "../lib/errors.js";

export function httpGet(url: string, opts: { ca?: string; token?: string; timeoutMs?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === "https:" ? httpsRequest : httpRequest)(
      u,
      { ca: opts.ca, headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {}, timeout: opts.timeoutMs ?? 2000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Polls a health endpoint until it answers 200. A process that exits meanwhile fails the wait at once,
 * quoting the end of its log: a crashed component must never look like a slow one.
 */
export async function waitHealthy(c: ComponentRecord, url: string, opts: { ca?: string; token?: string; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: string;
  let delay = 25;
  for (;;) {
    if (!isOurs(c)) throw new UserFacingError(`${c.name} exited during start-up: ${tailOf(c.log) || "no output"} (log: ${c.log})`);
    try {
      const r = await httpGet(url, opts);
      if (r.status >= 200 && r.status < 300) return;
      last = `HTTP ${r.status} ${r.body.slice(0, 200).replace(/\s+/g, " ")}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new UserFacingError(`${c.name} did not become healthy within ${opts.timeoutMs / 1000} s (${url}: ${last}; log: ${c.log})`);
    // A health endpoint has no watch; back off gently while the component starts.
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}
