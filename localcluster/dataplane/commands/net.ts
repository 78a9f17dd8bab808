// Helpers every network client shares: URL parsing, address literals, name resolution.
// Resolution always goes through NetworkWorld so DNS faults and OS search rules apply uniformly.

import type { HttpResponse, NetError, OsName } from "../model.js";
import type { CmdContext } from "./types.js";

export const isIPv4 = (s: string): boolean => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && s.split(".").every((o) => Number(o) <= 255);
export const isIPv6 = (s: string): boolean => s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s);
export const isIPLiteral = (s: string): boolean => isIPv4(s) || isIPv6(s);

export type Resolved = { ok: true; ip: string; fqdn: string } | { ok: false; error: NetError };

/** Turn a host as typed by a user into an address; literals and localhost never touch DNS. */
export async function resolveHost(ctx: CmdContext, host: string): Promise<Resolved> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (isIPLiteral(bare)) return { ok: true, ip: bare, fqdn: bare };
  if (bare.toLowerCase() === "localhost") return { ok: true, ip: "127.0.0.1", fqdn: "localhost" };
  const r = await ctx.net.resolve(ctx.container, bare);
  if ("error" in r) return { ok: false, error: r };
  if (r.addresses.length === 0) return { ok: false, error: { error: "dns", detail: "NXDOMAIN" } };
  return { ok: true, ip: r.addresses[0], fqdn: r.fqdn };
}

export interface ParsedUrl {
  scheme: string;
  host: string;
  port: number;
  /** Path plus query, always starting with "/". */
  path: string;
  /** Host header value: host, plus ":port" when the port is not the scheme's default. */
  hostHeader: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/** Parse a URL the way command-line clients do: the scheme is optional and defaults to http. */
export function parseUrl(raw: string): ParsedUrl | { error: "bad-scheme"; scheme: string } | { error: "bad-url" } {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]*)(?::(\d*))?([/?][^#]*)?/.exec(raw.trim());
  if (!m || !m[2]) return { error: "bad-url" };
  const scheme = (m[1] ?? "http").toLowerCase();
  if (!(scheme in DEFAULT_PORTS)) return { error: "bad-scheme", scheme: m[1] ?? scheme };
  const port = m[3] ? Number(m[3]) : DEFAULT_PORTS[scheme];
  let path = m[4] ?? "/";
  if (path.startsWith("?")) path = "/" + path;
  const host = m[2];
  return { scheme, host, port, path, hostHeader: port === DEFAULT_PORTS[scheme] ? host : `${host}:${port}` };
}

/**
 * A ClusterIP without ready endpoints behaves like the OS's proxy makes it: kube-proxy on Linux
 * rejects (connection refused), the Windows HNS load balancer drops the SYN (timeout).
 */
export function effectiveError(os: OsName, e: NetError): NetError {
  if (e.error !== "no-endpoints") return e;
  return os === "linux" ? { error: "refused" } : { error: "timeout" };
}

export const isNetError = (r: HttpResponse | NetError | "open"): r is NetError => typeof r === "object" && "error" in r;

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  412: "Precondition Failed",
  417: "Expectation Failed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};
export const reasonPhrase = (status: number): string => REASONS[status] ?? "Unknown";

/** A case-insensitive header lookup (HTTP header names are case-insensitive). */
export function header(res: HttpResponse, name: string): string | undefined {
  const k = Object.keys(res.headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : res.headers[k];
}

/** Content-Length as the server would send it: byte length of the UTF-8 body. */
export const bodyBytes = (body: string): number => Buffer.byteLength(body, "utf8");
