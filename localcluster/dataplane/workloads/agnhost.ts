// agnhost (registry.k8s.io/e2e-test-images/agnhost) subcommands: netexec, serve-hostname,
// test-webserver (a static file server over the container's root), pause.

import type { ContainerView, HttpRequest, HttpResponse } from "../model.js";
import { listDir, readFile } from "../commands/fsview.js";
import { bodyBytes } from "../commands/net.js";
import { flagValue, goLogTime, httpDate, idleWorkload, isoSpace, serving, type Clock, type Served, type Workload } from "./common.js";

/** os.Hostname(): the pod name, also on Windows where `hostname` shows the 15-character NetBIOS name. */
function goHostname(c: ContainerView): string {
  if (c.os === "windows" && c.hostname.toLowerCase() === c.pod.slice(0, 15).toLowerCase()) return c.pod;
  return c.hostname;
}

function text(status: number, body: string, clock: Clock, extra: Record<string, string> = {}): HttpResponse {
  const headers: Record<string, string> = { Date: httpDate(clock()), "Content-Length": String(bodyBytes(body)), ...extra };
  if (body !== "") headers["Content-Type"] ??= "text/plain; charset=utf-8";
  return { status, headers, body };
}

/** Go's time.Time.String(): nanoseconds without trailing zeros, plus the monotonic reading. */
function goTimeString(now: Date, started: Date): string {
  const ms = now.getUTCMilliseconds();
  const frac = ms ? "." + String(ms).padStart(3, "0").replace(/0+$/, "") : "";
  const mono = ((now.getTime() - started.getTime()) / 1000).toFixed(9);
  return `${isoSpace(now)}${frac} +0000 UTC m=+${mono}`;
}

/** Ephemeral source ports as a client OS would hand them out, deterministic per workload. */
function portCounter(): () => number {
  let next = 40000;
  return () => next++;
}

export function netexec(c: ContainerView, args: string[], clock: Clock): Workload {
  const port = Number(flagValue(args, "http-port") ?? 8080);
  const started = clock();
  const srcPort = portCounter();
  const log = (msg: string) => `${goLogTime(clock())} ${msg}`;
  return serving(
    "agnhost-netexec",
    port,
    () => [log(`Started HTTP server on port ${port}`)],
    (req, clientIP): Served => {
      const [path, query = ""] = req.path.split("?");
      const q = new URLSearchParams(query);
      switch (path) {
        case "/hostname":
        case "/hostName":
          return { response: text(200, goHostname(c), clock), logLines: [log(`GET ${path}`)] };
        case "/clientip":
          return { response: text(200, `${clientIP}:${srcPort()}`, clock), logLines: [log("GET /clientip")] };
        case "/echo": {
          const code = q.get("code") ?? "";
          const status = /^\d+$/.test(code) ? Number(code) : 200;
          return { response: text(status, q.get("msg") ?? "", clock), logLines: [log(`GET /echo?msg=${q.get("msg") ?? ""}&code=${code}`)] };
        }
        case "/healthz":
          return { response: text(200, "", clock), logLines: [log("GET /healthz")] };
        case "/dial":
        case "/shell":
          // These make the server act as a client; the emulator answers requests synchronously, so it
          // reports the attempt as failed the way netexec reports a failing dial.
          return { response: text(417, JSON.stringify({ errors: ["dial not emulated"] }), clock), logLines: [log(`GET ${req.path}`)] };
        default:
          return { response: text(200, `NOW: ${goTimeString(clock(), started)}`, clock), logLines: [log("GET /")] };
      }
    },
  );
}

export function serveHostname(c: ContainerView, args: string[], clock: Clock): Workload {
  const port = Number(flagValue(args, "port") ?? 9376);
  const srcPort = portCounter();
  const log = (msg: string) => `${goLogTime(clock())} ${msg}`;
  return serving(
    "agnhost-serve-hostname",
    port,
    () => [log(`Serving on port ${port}.`)],
    (_req, clientIP) => ({
      response: text(200, goHostname(c), clock),
      logLines: [log(`HTTP request from ${clientIP}:${srcPort()}`)],
    }),
  );
}

const TEST_WEBSERVER_HEADERS = {
  "Cache-Control": "private",
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Credentials": "true",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Allow-Headers": "DNT,X-Mx-ReqToken,Keep-Alive,User-Agent,X-Requested-With,Cache-Control,Content-Type",
};

/** test-webserver is http.FileServer over "/": directories list as <pre> links, files are served, else 404. */
export function testWebserver(c: ContainerView, args: string[], clock: Clock): Workload {
  const port = Number(flagValue(args, "port") ?? 80);
  const root = c.os === "windows" ? "C:\\" : "/";
  return serving(
    "agnhost-test-webserver",
    port,
    () => [],
    (req: HttpRequest): Served => {
      const path = decodeURIComponent(req.path.split("?")[0]);
      const fsPath = c.os === "windows" ? root + path.slice(1).replace(/\//g, "\\") : path;
      const entries = listDir(c, fsPath);
      if (entries) {
        const links = [...entries].sort().map((e) => {
          const child = (fsPath.endsWith("/") || fsPath.endsWith("\\") ? fsPath : fsPath + (c.os === "windows" ? "\\" : "/")) + e;
          const name = listDir(c, child) ? `${e}/` : e;
          return `<a href="${encodeURI(name)}">${name}</a>`;
        });
        const body = ["<pre>", ...links, "</pre>", ""].join("\n");
        return { response: text(200, body, clock, { ...TEST_WEBSERVER_HEADERS, "Content-Type": "text/html; charset=utf-8" }), logLines: [] };
      }
      const file = readFile(c, fsPath);
      if (file === undefined) return { response: text(404, "404 page not found\n", clock, TEST_WEBSERVER_HEADERS), logLines: [] };
      return { response: text(200, file, clock, TEST_WEBSERVER_HEADERS), logLines: [] };
    },
  );
}

export function agnhost(c: ContainerView, argv: string[], clock: Clock): Workload {
  const [sub = "pause", ...args] = argv;
  switch (sub) {
    case "netexec":
      return netexec(c, args, clock);
    case "serve-hostname":
      return serveHostname(c, args, clock);
    case "test-webserver":
      return testWebserver(c, args, clock);
    case "pause":
      return idleWorkload("agnhost-pause", true, ["Paused"]);
    default:
      // Other subcommands (porter, liveness, webhook, ...) are not emulated: they run and serve nothing.
      return idleWorkload(`agnhost-${sub}`, true);
  }
}
