// curl / curl.exe (curl 8.x messages and exit codes). The response body is copied verbatim: curl
// writes bytes, it never converts line endings, so only curl's own messages follow the OS convention.

import type { HttpRequest, HttpResponse, NetError } from "../model.js";
import { writeFile } from "./fsview.js";
import { bodyBytes, effectiveError, isNetError, parseUrl, reasonPhrase, resolveHost, type ParsedUrl } from "./net.js";
import { Output } from "./output.js";
import type { CmdContext, Handler } from "./types.js";

interface CurlOptions {
  urls: string[];
  silent: boolean;
  showError: boolean;
  fail: boolean;
  failWithBody: boolean;
  output?: string;
  writeOut?: string;
  connectTimeout?: number;
  maxTime?: number;
  head: boolean;
  include: boolean;
  verbose: boolean;
  method?: string;
  data?: string;
  headers: string[];
  userAgent?: string;
}

type OptSpec = { key: keyof CurlOptions | "ignore"; value: boolean };

// Table of accepted options: short and long spellings map to one setting.
const OPTIONS: Record<string, OptSpec> = {
  "-s": { key: "silent", value: false },
  "--silent": { key: "silent", value: false },
  "-S": { key: "showError", value: false },
  "--show-error": { key: "showError", value: false },
  "-f": { key: "fail", value: false },
  "--fail": { key: "fail", value: false },
  "--fail-with-body": { key: "failWithBody", value: false },
  "-o": { key: "output", value: true },
  "--output": { key: "output", value: true },
  "-w": { key: "writeOut", value: true },
  "--write-out": { key: "writeOut", value: true },
  "--connect-timeout": { key: "connectTimeout", value: true },
  "-m": { key: "maxTime", value: true },
  "--max-time": { key: "maxTime", value: true },
  "-I": { key: "head", value: false },
  "--head": { key: "head", value: false },
  "-i": { key: "include", value: false },
  "--include": { key: "include", value: false },
  "-v": { key: "verbose", value: false },
  "--verbose": { key: "verbose", value: false },
  "-X": { key: "method", value: true },
  "--request": { key: "method", value: true },
  "-d": { key: "data", value: true },
  "--data": { key: "data", value: true },
  "--data-raw": { key: "data", value: true },
  "-H": { key: "headers", value: true },
  "--header": { key: "headers", value: true },
  "-A": { key: "userAgent", value: true },
  "--user-agent": { key: "userAgent", value: true },
  "--url": { key: "urls", value: true },
  // Accepted and irrelevant here: TLS is not verified, redirects are not followed, no retries.
  "-k": { key: "ignore", value: false },
  "--insecure": { key: "ignore", value: false },
  "-L": { key: "ignore", value: false },
  "--location": { key: "ignore", value: false },
  "-4": { key: "ignore", value: false },
  "-6": { key: "ignore", value: false },
  "--http1.1": { key: "ignore", value: false },
  "--no-keepalive": { key: "ignore", value: false },
  "--retry": { key: "ignore", value: true },
  "--retry-delay": { key: "ignore", value: true },
  "--noproxy": { key: "ignore", value: true },
  "--compressed": { key: "ignore", value: false },
  "-N": { key: "ignore", value: false },
  "--no-buffer": { key: "ignore", value: false },
};

class UsageError extends Error {}

function setOption(o: CurlOptions, spec: OptSpec, value: string | undefined): void {
  if (spec.key === "ignore") return;
  if (!spec.value) return void ((o as unknown as Record<string, boolean>)[spec.key] = true);
  const v = value as string;
  if (spec.key === "headers" || spec.key === "urls") (o[spec.key] as string[]).push(v);
  else if (spec.key === "connectTimeout" || spec.key === "maxTime") o[spec.key] = Number(v);
  else (o as unknown as Record<string, string>)[spec.key] = v;
}

export function parseCurlArgs(args: string[]): CurlOptions {
  const o: CurlOptions = {
    urls: [],
    silent: false,
    showError: false,
    fail: false,
    failWithBody: false,
    head: false,
    include: false,
    verbose: false,
    headers: [],
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("--")) {
      const spec = OPTIONS[a];
      if (!spec) throw new UsageError(`option ${a}: is unknown`);
      setOption(o, spec, spec.value ? args[++i] : undefined);
    } else if (a.startsWith("-") && a.length > 1) {
      i = parseShortGroup(o, args, i);
    } else o.urls.push(a);
  }
  return o;
}

/** "-sSfo file" style groups: a flag that takes a value eats the rest of the group or the next arg. */
function parseShortGroup(o: CurlOptions, args: string[], i: number): number {
  const group = args[i];
  for (let j = 1; j < group.length; j++) {
    const spec = OPTIONS["-" + group[j]];
    if (!spec) throw new UsageError(`option -${group[j]}: is unknown`);
    if (!spec.value) {
      setOption(o, spec, undefined);
      continue;
    }
    const rest = group.slice(j + 1);
    setOption(o, spec, rest !== "" ? rest : args[++i]);
    return i;
  }
  return i;
}

const userAgent = (ctx: CmdContext): string => (ctx.container.os === "windows" ? "curl/8.9.1" : "curl/8.11.1");

interface Attempt {
  url: ParsedUrl;
  ip?: string;
  response?: HttpResponse;
  /** curl exit code and the message curl prints for it. */
  exit: number;
  message?: string;
}

export const curl: Handler = async (ctx, argv) => {
  const out = new Output(ctx.container.os);
  let o: CurlOptions;
  try {
    o = parseCurlArgs(argv.slice(1));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return out.errLine(`curl: ${e.message}`, "curl: try 'curl --help' or 'curl --manual' for more information").done(2);
  }
  if (o.urls.length === 0) {
    return out.errLine("curl: no URL specified!", "curl: try 'curl --help' or 'curl --manual' for more information").done(2);
  }
  let exit = 0;
  for (const raw of o.urls) exit = await fetchOne(ctx, o, raw, out);
  return out.done(exit);
};

async function fetchOne(ctx: CmdContext, o: CurlOptions, raw: string, out: Output): Promise<number> {
  const attempt = await attemptRequest(ctx, o, raw);
  const showMeter = !o.silent && !o.verbose;
  if (o.verbose) verboseTrace(ctx, o, attempt, out);
  const res = attempt.response;
  let exit = attempt.exit;
  let message = attempt.message;
  if (res && res.status >= 400 && (o.fail || o.failWithBody)) {
    exit = 22;
    message = `The requested URL returned error: ${res.status}`;
  }
  const delivered = res && (exit === 0 || o.failWithBody) ? deliver(ctx, o, res, out) : { bytes: 0 };
  if (delivered.exit) {
    exit = delivered.exit;
    message = delivered.message;
  }
  if (showMeter) out.rawErr(meter(out, res ? delivered.bytes : 0, exit === 0 || exit === 22));
  if (o.writeOut !== undefined) out.raw(writeOut(o.writeOut, attempt, exit));
  if (exit !== 0 && message && (!o.silent || o.showError)) out.errLine(`curl: (${exit}) ${message}`);
  return exit;
}

async function attemptRequest(ctx: CmdContext, o: CurlOptions, raw: string): Promise<Attempt> {
  const url = parseUrl(raw);
  if ("error" in url) {
    const badScheme = url.error === "bad-scheme" ? `Protocol "${url.scheme}" not supported` : `URL rejected: Malformed input to a URL function`;
    const dummy: ParsedUrl = { scheme: "http", host: raw, port: 80, path: "/", hostHeader: raw };
    return { url: dummy, exit: url.error === "bad-scheme" ? 1 : 3, message: badScheme };
  }
  const resolved = await resolveHost(ctx, url.host);
  if (!resolved.ok) return { url, exit: 6, message: `Could not resolve host: ${url.host}` };
  const res = await ctx.net.http(ctx.container, resolved.ip, buildRequest(ctx, o, url));
  if (isNetError(res)) return { url, ip: resolved.ip, ...netFailure(ctx, o, url, res) };
  return { url, ip: resolved.ip, response: res, exit: 0 };
}

function buildRequest(ctx: CmdContext, o: CurlOptions, url: ParsedUrl): HttpRequest {
  const headers: Record<string, string> = { Host: url.hostHeader, "User-Agent": o.userAgent ?? userAgent(ctx), Accept: "*/*" };
  for (const h of o.headers) {
    const i = h.indexOf(":");
    if (i > 0) headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  if (o.data !== undefined) headers["Content-Type"] ??= "application/x-www-form-urlencoded";
  const method = o.method ?? (o.head ? "HEAD" : o.data !== undefined ? "POST" : "GET");
  return { method, host: url.host, port: url.port, path: url.path, headers, ...(o.data !== undefined ? { body: o.data } : {}) };
}

// Timing in messages is deterministic: a refused connect costs 0 ms on Linux and ~2 s on Windows
// (Windows retransmits the SYN twice after a RST); an unanswered one waits for the configured limit
// or, without one, for the OS's own SYN-retry budget.
const WINDOWS_REFUSED_MS = 2045;
const OS_CONNECT_GIVEUP_MS = { linux: 130_000, windows: 21_045 };

function netFailure(ctx: CmdContext, o: CurlOptions, url: ParsedUrl, raw: NetError): { exit: number; message: string } {
  const os = ctx.container.os;
  const e = effectiveError(os, raw);
  if (e.error === "dns") return { exit: 6, message: `Could not resolve host: ${url.host}` };
  if (e.error === "refused") {
    const ms = os === "windows" ? WINDOWS_REFUSED_MS : 0;
    return { exit: 7, message: `Failed to connect to ${url.host} port ${url.port} after ${ms} ms: Couldn't connect to server` };
  }
  if (e.error === "reset") {
    return { exit: 56, message: os === "windows" ? "Recv failure: Connection was reset" : "Recv failure: Connection reset by peer" };
  }
  const limits = [o.connectTimeout, o.maxTime].filter((n): n is number => n !== undefined && n > 0);
  if (limits.length) return { exit: 28, message: `Connection timed out after ${Math.min(...limits) * 1000 + 1} milliseconds` };
  return { exit: 28, message: `Failed to connect to ${url.host} port ${url.port} after ${OS_CONNECT_GIVEUP_MS[os]} ms: Couldn't connect to server` };
}

/** Write headers/body to stdout or the -o file. */
function deliver(ctx: CmdContext, o: CurlOptions, res: HttpResponse, out: Output): { bytes: number; exit?: number; message?: string } {
  const head = o.head || o.include ? statusAndHeaders(res) : "";
  const body = o.head ? "" : res.body;
  if (o.output === undefined || o.output === "-") {
    out.raw(head + body);
    return { bytes: bodyBytes(body) };
  }
  const w = writeFile(ctx.container, o.output, head + body, false, ctx.cwd);
  if (w === "ok") return { bytes: bodyBytes(body) };
  const why = w === "read-only" ? "Permission denied" : "No such file or directory";
  out.errLine(`Warning: Failed to open the file ${o.output}: ${why}`);
  return { bytes: 0, exit: 23, message: "Failure writing output to destination" };
}

export function statusAndHeaders(res: HttpResponse): string {
  const lines = [`HTTP/1.1 ${res.status} ${reasonPhrase(res.status)}`, ...Object.entries(res.headers).map(([k, v]) => `${k}: ${v}`)];
  return lines.join("\r\n") + "\r\n\r\n";
}

function verboseTrace(ctx: CmdContext, o: CurlOptions, a: Attempt, out: Output): void {
  if (!a.ip) return void out.errLine(`* ${a.message ?? "Could not resolve host"}`, "* Closing connection");
  out.errLine(`*   Trying ${a.ip}:${a.url.port}...`);
  if (!a.response) return void out.errLine(`* connect to ${a.ip} port ${a.url.port} failed`, "* Closing connection");
  const req = buildRequest(ctx, o, a.url);
  out.errLine(`* Connected to ${a.url.host} (${a.ip}) port ${a.url.port}`, `> ${req.method} ${a.url.path} HTTP/1.1`);
  for (const [k, v] of Object.entries(req.headers)) out.errLine(`> ${k}: ${v}`);
  out.errLine("> ", `< HTTP/1.1 ${a.response.status} ${reasonPhrase(a.response.status)}`);
  for (const [k, v] of Object.entries(a.response.headers)) out.errLine(`< ${k}: ${v}`);
  out.errLine("< ", `* Connection #0 to host ${a.url.host} left intact`);
}

// The progress meter curl prints on stderr whenever stdout is not a terminal (kubectl exec without -t).
const METER_HEAD = [
  "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current",
  "                                 Dload  Upload   Total   Spent    Left  Speed",
];

/** curl's 5-column number format (lib/progress.c max5data). */
export function max5(n: number): string {
  if (n < 100000) return String(n).padStart(5);
  if (n < 10000 * 1024) return `${String(Math.floor(n / 1024)).padStart(4)}k`;
  const mb = 1024 * 1024;
  if (n < 100 * mb) return `${String(Math.floor(n / mb)).padStart(2)}.${Math.floor((n % mb) / (mb / 10))}M`;
  return `${String(Math.floor(n / mb)).padStart(4)}M`;
}

function meterLine(pct: number, bytes: number, speed: number): string {
  const p = (n: number) => String(n).padStart(3);
  return `${p(pct)} ${max5(bytes)}  ${p(pct)} ${max5(bytes)}  ${p(0)} ${max5(0)}  ${max5(speed)}  ${max5(0)} --:--:-- --:--:-- --:--:-- ${max5(speed)}`;
}

function meter(out: Output, bytes: number, completed: boolean): string {
  const head = METER_HEAD.map((l) => l + out.eol).join("");
  const zero = "\r" + meterLine(0, 0, 0);
  // A local transfer takes about a millisecond, so the speed is bytes * 1000 per second.
  return head + zero + (completed ? "\r" + meterLine(100, bytes, bytes * 1000) : "") + out.eol;
}

function writeOut(fmt: string, a: Attempt, exit: number): string {
  const vars: Record<string, string> = {
    http_code: String(a.response?.status ?? 0).padStart(3, "0"),
    response_code: String(a.response?.status ?? 0).padStart(3, "0"),
    remote_ip: a.ip ?? "",
    remote_port: a.ip ? String(a.url.port) : "0",
    size_download: String(a.response ? bodyBytes(a.response.body) : 0),
    url_effective: `${a.url.scheme}://${a.url.hostHeader}${a.url.path}`,
    content_type: a.response?.headers["Content-Type"] ?? "",
    exitcode: String(exit),
    errormsg: a.message ?? "",
    time_total: a.response ? "0.001000" : "0.000000",
  };
  return fmt
    .replace(/%\{(\w+)\}/g, (m, k: string) => vars[k] ?? m)
    .replace(/\\([nrt\\])/g, (_, ch: string) => ({ n: "\n", r: "\r", t: "\t", "\\": "\\" })[ch] as string);
}
