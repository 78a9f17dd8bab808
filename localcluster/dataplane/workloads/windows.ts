// Windows workloads: the docs' PowerShell HttpListener web server (win-webserver), IIS, and ping.

import type { ContainerView, HttpRequest } from "../model.js";
import { readFile } from "../commands/fsview.js";
import { bodyBytes } from "../commands/net.js";
import { headerValue, httpDate, isoSpace, serving, type Clock, type Served, type Workload } from "./common.js";

// ---------- win-webserver (System.Net.HttpListener script) ----------

export function listenerPort(script: string): number {
  const m = /Prefixes\.Add\(\s*['"]https?:\/\/[^:'"]*:(\d+)/i.exec(script);
  return m ? Number(m[1]) : 80;
}

/** The request URL as HttpListener reports it: .NET's Uri lower-cases the host and drops port 80. */
function listenerUrl(req: HttpRequest): string {
  const hostHeader = headerValue(req, "Host") ?? `${req.host}:${req.port}`;
  const [host, port] = hostHeader.toLowerCase().split(/:(?=\d+$)/);
  const p = Number(port ?? req.port);
  return `http://${host}${p === 80 ? "" : `:${p}`}${req.path}`;
}

export function winWebServer(c: ContainerView, script: string, clock: Clock): Workload {
  const port = listenerPort(script);
  const banner = /Write-Host\(\s*'(Listening at [^']*)'\s*\)/.exec(script)?.[1] ?? `Listening at http://*:${port}/`;
  // $callerCounts is a hashtable keyed by the client address; insertion order stands in for its hash order.
  const callerCounts = new Map<string, number>();
  return serving(
    "win-webserver",
    port,
    () => [banner],
    (req, clientIP) => {
      callerCounts.set(clientIP, (callerCounts.get(clientIP) ?? 0) + 1);
      // The script prints the pod's own address ($ip[1], the adapter's IPv4) next to every caller's count.
      const rows = [...callerCounts.values()].map((n) => `<p>IP ${c.podIP} callerCount ${n} `).join("");
      const content = `<html><body><H1>Windows Container Web Server</H1>${rows}</body></html>`;
      return {
        response: {
          status: 200,
          headers: { "Content-Length": String(bodyBytes(content)), Server: "Microsoft-HTTPAPI/2.0", Date: httpDate(clock()) },
          body: content,
        },
        logLines: ["", `> ${listenerUrl(req)}`, content, "< 200"],
      };
    },
  );
}

// ---------- IIS ----------

const IIS_START = [
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
  '<html xmlns="http://www.w3.org/1999/xhtml">',
  "<head>",
  '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />',
  "<title>IIS Windows Server</title>",
  '<style type="text/css">',
  "<!--",
  "body {",
  "\tcolor:#000000;",
  "\tbackground-color:#0072C6;",
  "\tmargin:0;",
  "}",
  "",
  "#container {",
  "\tmargin-left:auto;",
  "\tmargin-right:auto;",
  "\ttext-align:center;",
  "\t}",
  "",
  "a img {",
  "\tborder:none;",
  "}",
  "",
  "-->",
  "</style>",
  "</head>",
  "<body>",
  '<div id="container">',
  '<a href="http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409"><img src="iisstart.png" alt="IIS" width="960" height="600" /></a>',
  "</div>",
  "</body>",
  "</html>",
].join("\r\n");

const IIS_404 = [
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
  '<html xmlns="http://www.w3.org/1999/xhtml">',
  "<head>",
  '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>',
  "<title>404 - File or directory not found.</title>",
  "</head>",
  "<body>",
  '<div id="header"><h1>Server Error</h1></div>',
  '<div id="content">',
  ' <div class="content-container"><fieldset>',
  "  <h2>404 - File or directory not found.</h2>",
  "  <h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>",
  " </fieldset></div>",
  "</div>",
  "</body>",
  "</html>",
  "",
].join("\r\n");

const DEFAULT_DOCUMENTS = ["Default.htm", "Default.asp", "index.htm", "index.html", "iisstart.htm"];

/** A file under C:\inetpub\wwwroot (the image ships iisstart.htm; tests may add their own). */
function wwwroot(c: ContainerView, path: string): string | undefined {
  const clean = decodeURIComponent(path.split("?")[0]);
  const fromFs = (p: string) => readFile(c, `C:\\inetpub\\wwwroot\\${p.replace(/\//g, "\\")}`);
  if (clean.endsWith("/")) {
    for (const doc of DEFAULT_DOCUMENTS) {
      const hit = fromFs(clean.slice(1) + doc) ?? (clean === "/" && doc === "iisstart.htm" ? IIS_START : undefined);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
  return fromFs(clean.slice(1)) ?? (clean.toLowerCase() === "/iisstart.htm" ? IIS_START : undefined);
}

/** One W3C extended log line as IIS writes it under C:\inetpub\logs\LogFiles\W3SVC1. */
export function w3cLine(c: ContainerView, req: HttpRequest, clientIP: string, status: number, when: Date): string {
  const [stem, query] = req.path.split("?");
  const ua = (headerValue(req, "User-Agent") ?? "-").replace(/ /g, "+");
  return `${isoSpace(when)} ${c.podIP} ${req.method} ${stem} ${query || "-"} ${req.port} - ${clientIP} ${ua} - ${status} 0 0 1`;
}

export function iis(c: ContainerView, clock: Clock): Workload {
  return serving(
    "iis",
    80,
    () => [],
    (req): Served => {
      const body = wwwroot(c, req.path);
      const status = body === undefined ? 404 : 200;
      const text = body ?? IIS_404;
      const headers = { "Content-Type": "text/html", Server: "Microsoft-IIS/10.0", Date: httpDate(clock()), "Content-Length": String(bodyBytes(text)) };
      // IIS writes nothing to stdout; its access log goes to W3C files (LogMonitor's File source reads them).
      return { response: { status, headers, body: req.method === "HEAD" ? "" : text }, logLines: [] };
    },
  );
}

// ---------- ping (a common keep-alive command) ----------

/** The first lines `ping [-t|-n N] localhost` prints; a container only shows what it has written so far. */
export function pingLines(c: ContainerView, argv: string[]): string[] {
  const target = argv.slice(1).find((a) => !a.startsWith("-") && !/^\d+$/.test(a)) ?? "localhost";
  const local = target.toLowerCase() === "localhost";
  const shown = local ? `${c.hostname} [::1]` : target;
  const from = local ? "::1" : target;
  return ["", `Pinging ${shown} with 32 bytes of data:`, `Reply from ${from}: time<1ms`];
}
