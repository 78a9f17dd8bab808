// Fakes for the data-plane emulator tests: an in-memory VirtualFs, a scripted NetworkWorld that records
// every call, and ContainerView builders for a Windows and a Linux pod.

import type { ContainerView, ExecResult, HttpRequest, HttpResponse, NetError, NetworkWorld, OsName, VirtualFs } from "../../../localcluster/dataplane/model.js";
import { runCommand } from "../../../localcluster/dataplane/commands/index.js";

/** Paths are keyed the way the real ContainerFs keys them: forward slashes, no drive, lower-case on Windows. */
function key(os: OsName, p: string): string {
  let s = p.replace(/\\/g, "/");
  if (os === "windows") s = s.replace(/^[a-zA-Z]:/, "").toLowerCase();
  s = s.replace(/\/+/g, "/");
  if (!s.startsWith("/")) s = "/" + s;
  return s.length > 1 ? s.replace(/\/$/, "") : s;
}

export class MemFs implements VirtualFs {
  readonly files = new Map<string, string>();
  constructor(
    readonly os: OsName,
    files: Record<string, string> = {},
    readonly readOnly: string[] = [],
    readonly dirs: string[] = [],
  ) {
    for (const [p, c] of Object.entries(files)) this.files.set(key(os, p), c);
  }
  read(path: string): string | undefined {
    return this.files.get(key(this.os, path));
  }
  private under(prefixes: string[], k: string): boolean {
    return prefixes.some((r) => k === key(this.os, r) || k.startsWith(key(this.os, r) + "/"));
  }
  write(path: string, content: string, append = false): "ok" | "read-only" | "no-such-directory" {
    const k = key(this.os, path);
    if (this.under(this.readOnly, k)) return "read-only";
    const parent = k.slice(0, k.lastIndexOf("/")) || "/";
    const parentExists = parent === "/" || this.list(parent) !== undefined || this.under(this.dirs, parent);
    if (!parentExists) return "no-such-directory";
    this.files.set(k, (append ? (this.files.get(k) ?? "") : "") + content);
    return "ok";
  }
  list(path: string): string[] | undefined {
    const k = key(this.os, path);
    const prefix = k === "/" ? "/" : k + "/";
    const names = [...this.files.keys()].filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split("/")[0]);
    const explicit = this.dirs
      .map((d) => key(this.os, d))
      .filter((d) => d.startsWith(prefix) && d !== k)
      .map((d) => d.slice(prefix.length).split("/")[0]);
    const isDir = names.length > 0 || this.dirs.some((d) => key(this.os, d) === k) || k === "/";
    return isDir ? [...new Set([...names, ...explicit])].sort() : undefined;
  }
}

export type Handler = (req: HttpRequest) => HttpResponse;
export interface Host {
  /** Port -> handler; a port absent from the map refuses. */
  ports?: Record<number, Handler>;
  /** Every connection to this address times out (dropped packets). */
  drop?: boolean;
  reset?: boolean;
}

export interface FakeWorldSpec {
  dns?: Record<string, string[] | NetError>;
  hosts?: Record<string, Host>;
  domain?: { name: string; dc: string; reachable: boolean; established?: boolean };
}

export class FakeWorld implements NetworkWorld {
  readonly calls: Array<{ kind: "resolve" | "http" | "tcp"; target: string; req?: HttpRequest }> = [];
  constructor(readonly spec: FakeWorldSpec = {}) {}

  async resolve(from: ContainerView, name: string): Promise<{ addresses: string[]; fqdn: string } | NetError> {
    this.calls.push({ kind: "resolve", target: name });
    const dns = this.spec.dns ?? {};
    for (const candidate of [name, ...from.dns.searches.map((s) => `${name}.${s}`)]) {
      const hit = dns[candidate.toLowerCase()];
      if (hit === undefined) continue;
      return Array.isArray(hit) ? { addresses: hit, fqdn: candidate } : hit;
    }
    return { error: "dns", detail: "NXDOMAIN" };
  }

  async http(_from: ContainerView, ip: string, req: HttpRequest): Promise<HttpResponse | NetError> {
    this.calls.push({ kind: "http", target: `${ip}:${req.port}`, req });
    const h = this.spec.hosts?.[ip];
    if (!h || h.drop) return { error: "timeout" };
    if (h.reset) return { error: "reset" };
    const fn = h.ports?.[req.port];
    return fn ? fn(req) : { error: "refused" };
  }

  async tcp(_from: ContainerView, ip: string, port: number): Promise<"open" | NetError> {
    this.calls.push({ kind: "tcp", target: `${ip}:${port}` });
    const h = this.spec.hosts?.[ip];
    if (!h || h.drop) return { error: "timeout" };
    return h.ports?.[port] ? "open" : { error: "refused" };
  }

  domain(): { name: string; dc: string; reachable: boolean; established?: boolean } | undefined {
    return this.spec.domain;
  }

  /** As the emulated network does with realistic latency: a reset establishes the channel when the DC answers. */
  resetSecureChannel(): boolean {
    if (!this.spec.domain?.reachable) return false;
    this.spec.domain.established = true;
    return true;
  }
}

export const page =
  (body: string, status = 200, headers: Record<string, string> = {}): Handler =>
  () => ({ status, headers: { "Content-Type": "text/html", ...headers }, body });

export function winContainer(over: Partial<ContainerView> = {}): ContainerView {
  return {
    namespace: "default",
    pod: "win-webserver-7d9f8b6c5d-x2k4p",
    container: "windowswebserver",
    os: "windows",
    nodeName: "akswin000000",
    nodeBuild: "10.0.20348",
    image: "mcr.microsoft.com/windows/servercore:ltsc2022",
    command: [],
    args: [],
    env: {},
    podIP: "10.244.1.5",
    hostname: "WIN-WEBSERVER-7",
    userName: "ContainerAdministrator",
    dns: { nameserver: "10.96.0.10", searches: ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"] },
    limits: {},
    fs: new MemFs("windows"),
    ...over,
  };
}

export function linuxContainer(over: Partial<ContainerView> = {}): ContainerView {
  return {
    namespace: "default",
    pod: "linux-client",
    container: "client",
    os: "linux",
    nodeName: "linux-node-1",
    image: "registry.k8s.io/e2e-test-images/busybox:1.36.1-1",
    command: [],
    args: [],
    env: {},
    podIP: "10.244.0.7",
    hostname: "linux-client",
    userName: "root",
    dns: { nameserver: "10.96.0.10", searches: ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"] },
    limits: {},
    fs: new MemFs("linux"),
    ...over,
  };
}

/** The world most tests share: a Windows web server, a Linux nginx, a ClusterIP and one external host. */
export function standardWorld(extra: FakeWorldSpec = {}): FakeWorld {
  return new FakeWorld({
    dns: {
      "win-webserver.default.svc.cluster.local": ["10.96.10.20"],
      "nginx.default.svc.cluster.local": ["10.96.10.30"],
      "kubernetes.default.svc.cluster.local": ["10.96.0.1"],
      "www.example.com": ["93.184.216.34"],
      "flaky.example.com": { error: "dns", detail: "SERVFAIL" },
      "slow.example.com": { error: "dns", detail: "timeout" },
      ...extra.dns,
    },
    hosts: {
      "10.244.1.5": { ports: { 80: page("<html><body><H1>Windows Container Web Server</H1></body></html>") } },
      "10.96.10.20": { ports: { 80: page("<html><body><H1>Windows Container Web Server</H1></body></html>") } },
      "10.244.0.9": { ports: { 80: page("<h1>Welcome to nginx!</h1>\n"), 8080: page("missing\n", 404) } },
      "10.96.10.30": { ports: { 80: page("<h1>Welcome to nginx!</h1>\n") } },
      "93.184.216.34": { ports: { 80: page("<title>Example Domain</title>") } },
      "10.244.2.2": { reset: true },
      ...extra.hosts,
    },
    domain: extra.domain,
  });
}

export async function run(c: ContainerView, argv: string[], world: NetworkWorld = standardWorld(), stdin?: string): Promise<ExecResult> {
  return runCommand({ container: c, net: world, stdin, clock: () => new Date("2024-05-01T12:00:00Z") }, argv);
}

/** Windows output must use CRLF throughout: no bare LF anywhere. */
export function hasOnlyCrlf(s: string): boolean {
  return !/(^|[^\r])\n/.test(s);
}

// The win-webserver manifest from the Kubernetes docs, verbatim (with the manifest's $$ escapes).
export const DOCS_SCRIPT =
  "<#code used from https://gist.github.com/19WAS85/5424431#> ; $$listener = New-Object System.Net.HttpListener ; $$listener.Prefixes.Add('http://*:80/') ; $$listener.Start() ; $$callerCounts = @{} ; Write-Host('Listening at http://*:80/') ; while ($$listener.IsListening) { ;$$context = $$listener.GetContext() ;$$requestUrl = $$context.Request.Url ;$$clientIP = $$context.Request.RemoteEndPoint.Address ;$$response = $$context.Response ;Write-Host '' ;Write-Host('> {0}' -f $$requestUrl) ; ;$$count = 1 ;$$k=$$callerCounts.Get_Item($$clientIP) ;if ($$k -ne $$null) { $$count += $$k } ;$$callerCounts.Set_Item($$clientIP, $$count) ;$$ip=(Get-NetAdapter | Get-NetIpAddress); $$header='<html><body><H1>Windows Container Web Server</H1>' ;$$callerCountsString='' ;$$callerCounts.Keys | % { $$callerCountsString+='<p>IP {0} callerCount {1} ' -f $$ip[1].IPAddress,$$callerCounts.Item($$_) } ;$$footer='</body></html>' ;$$content='{0}{1}{2}' -f $$header,$$callerCountsString,$$footer ;Write-Output $$content ;$$buffer = [System.Text.Encoding]::UTF8.GetBytes($$content) ;$$response.ContentLength64 = $$buffer.Length ;$$response.OutputStream.Write($$buffer, 0, $$buffer.Length) ;$$response.Close() ;$$responseStatus = $$response.StatusCode ;Write-Host('< {0}' -f $$responseStatus) } ; ";
