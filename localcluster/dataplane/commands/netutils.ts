// Network diagnostics: nslookup, ipconfig, nc, wget. Each prints what the real tool of that image prints
// (Windows nslookup/ipconfig, busybox applets, or the BIND/OpenBSD tools that the agnhost image installs).

import type { ContainerView, NetError } from "../model.js";
import { classifyImage } from "../workloads/images.js";
import { writeFile } from "./fsview.js";
import { bodyBytes, effectiveError, isIPLiteral, isNetError, parseUrl, reasonPhrase, resolveHost } from "./net.js";
import { Output } from "./output.js";
import type { CmdContext, Handler } from "./types.js";

// ---------- nslookup ----------

type NslookupFlavor = "windows" | "busybox" | "bind";

function nslookupFlavor(c: ContainerView): NslookupFlavor {
  if (c.os === "windows") return "windows";
  const f = classifyImage(c.image).family;
  return f === "agnhost" || f === "unknown" ? "bind" : "busybox";
}

/** Cluster names are answered authoritatively by CoreDNS; anything else is forwarded. */
function isClusterName(c: ContainerView, fqdn: string): boolean {
  const domains = [...c.dns.searches].sort((a, b) => a.length - b.length);
  const root = domains[0];
  return root !== undefined && fqdn.replace(/\.$/, "").toLowerCase().endsWith(root.toLowerCase());
}

export const nslookup: Handler = async (ctx, argv) => {
  const c = ctx.container;
  const flavor = nslookupFlavor(c);
  const args = argv.slice(1).filter((a) => !a.startsWith("-"));
  const out = new Output(c.os);
  if (args.length === 0) return out.errLine("Usage: nslookup HOST [DNS_SERVER]").done(1);
  const [name, server = c.dns.nameserver] = args;
  const r = isIPLiteral(name) ? { addresses: [name], fqdn: name } : await ctx.net.resolve(c, name, "A");
  serverHeader(out, flavor, server);
  if ("error" in r) return nslookupFailure(out, flavor, name, r);
  if (!isClusterName(c, r.fqdn) && !isIPLiteral(name)) out.line("Non-authoritative answer:");
  const aliases = "aliases" in r ? (r.aliases ?? []) : [];
  if (flavor === "windows") windowsAnswer(out, r.fqdn, r.addresses, aliases);
  else {
    // BIND and busybox print the CNAME first: "<alias>\tcanonical name = <target>."
    for (const a of aliases) out.line(`${a}\tcanonical name = ${r.fqdn}.`);
    for (const a of r.addresses) out.line(`Name:\t${r.fqdn}`, `Address: ${a}`);
  }
  out.line("");
  return out.done(0);
};

function serverHeader(out: Output, flavor: NslookupFlavor, server: string): void {
  // Windows prints the server's PTR name; no reverse zone answers here, so it shows "UnKnown" as it does then.
  if (flavor === "windows") out.line("Server:  UnKnown", `Address:  ${server}`, "");
  else out.line(`Server:\t\t${server}`, `Address:\t${server}${flavor === "bind" ? "#53" : ":53"}`, "");
}

/** Windows nslookup: the canonical name and its addresses, then the names that led to it under "Aliases:". */
function windowsAnswer(out: Output, fqdn: string, addresses: string[], aliases: string[]): void {
  out.line(`Name:    ${fqdn}`);
  if (addresses.length === 1) out.line(`Address:  ${addresses[0]}`);
  else out.line(`Addresses:  ${addresses[0]}`, ...addresses.slice(1).map((a) => `\t  ${a}`));
  if (aliases.length) out.line(`Aliases:  ${aliases[0]}`, ...aliases.slice(1).map((a) => `\t  ${a}`));
}

function nslookupFailure(out: Output, flavor: NslookupFlavor, name: string, e: NetError): ReturnType<Output["done"]> {
  const detail = e.error === "dns" ? e.detail : "timeout";
  if (flavor === "windows") {
    if (detail === "timeout") return out.errLine("DNS request timed out.", "    timeout was 2 seconds.", "*** Request to UnKnown timed-out").done(1);
    const why = detail === "NXDOMAIN" ? "Non-existent domain" : "Server failed";
    return out.errLine(`*** UnKnown can't find ${name}: ${why}`).done(1);
  }
  if (detail === "timeout") return out.line(";; connection timed out; no servers could be reached", "").done(1);
  return out.line(`** server can't find ${name}: ${detail}`, "").done(1);
}

// ---------- ipconfig ----------

function ipv4Facts(ip: string): { mask: string; gateway: string; mac: string; linkLocal: string } {
  const o = ip.split(".").map(Number);
  const hex = (n: number) => (n ?? 0).toString(16).padStart(2, "0");
  return {
    mask: "255.255.255.0",
    gateway: `${o[0]}.${o[1]}.${o[2]}.1`,
    mac: `00-15-5D-${hex(o[1])}-${hex(o[2])}-${hex(o[3])}`.toUpperCase(),
    linkLocal: `fe80::${hex(o[0])}${hex(o[1])}:${hex(o[2])}${hex(o[3])}:5dff:fe${hex(o[3])}:${hex(o[2])}${hex(o[1])}%17`,
  };
}

const CONTINUATION = " ".repeat(39);

export const ipconfig: Handler = async (ctx, argv) => {
  const c = ctx.container;
  const all = argv.slice(1).some((a) => a.toLowerCase() === "/all" || a.toLowerCase() === "-all");
  const f = ipv4Facts(c.podIP);
  const suffix = c.dns.searches[0] ?? "";
  const out = new Output(c.os).line("", "Windows IP Configuration", "");
  if (all) windowsIpHeader(out, c);
  else out.line("");
  out.line("Ethernet adapter vEthernet (Ethernet):", "");
  out.line(`   Connection-specific DNS Suffix  . : ${suffix}`);
  if (!all) {
    out.line(`   Link-local IPv6 Address . . . . . : ${f.linkLocal}`, `   IPv4 Address. . . . . . . . . . . : ${c.podIP}`);
    return out.line(`   Subnet Mask . . . . . . . . . . . : ${f.mask}`, `   Default Gateway . . . . . . . . . : ${f.gateway}`).done(0);
  }
  const servers = c.dns.nameservers ?? [c.dns.nameserver];
  out.line(
    "   Description . . . . . . . . . . . : Hyper-V Virtual Ethernet Container Adapter",
    `   Physical Address. . . . . . . . . : ${f.mac}`,
    "   DHCP Enabled. . . . . . . . . . . : No",
    "   Autoconfiguration Enabled . . . . : Yes",
    `   Link-local IPv6 Address . . . . . : ${f.linkLocal}(Preferred)`,
    `   IPv4 Address. . . . . . . . . . . : ${c.podIP}(Preferred)`,
    `   Subnet Mask . . . . . . . . . . . : ${f.mask}`,
    `   Default Gateway . . . . . . . . . : ${f.gateway}`,
    `   DNS Servers . . . . . . . . . . . : ${servers[0] ?? ""}`,
    ...servers.slice(1).map((s) => CONTINUATION + s),
    "   NetBIOS over Tcpip. . . . . . . . : Disabled",
    "   Connection-specific DNS Suffix Search List :",
    ...c.dns.searches.map((s) => CONTINUATION + s),
  );
  return out.done(0);
};

function windowsIpHeader(out: Output, c: ContainerView): void {
  const [first = "", ...rest] = c.dns.searches;
  out.line(
    `   Host Name . . . . . . . . . . . . : ${c.hostname}`,
    "   Primary Dns Suffix  . . . . . . . : ",
    "   Node Type . . . . . . . . . . . . : Hybrid",
    "   IP Routing Enabled. . . . . . . . : No",
    "   WINS Proxy Enabled. . . . . . . . : No",
    `   DNS Suffix Search List. . . . . . : ${first}`,
    ...rest.map((s) => CONTINUATION + s),
    "",
  );
}

// ---------- nc ----------

interface NcArgs {
  verbose: boolean;
  zero: boolean;
  udp: boolean;
  wait?: number;
  host?: string;
  port?: number;
}

function parseNc(argv: string[]): NcArgs {
  const a: NcArgs = { verbose: false, zero: false, udp: false };
  const positional: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const t = argv[i];
    if (!t.startsWith("-") || t === "-") {
      positional.push(t);
      continue;
    }
    for (let j = 1; j < t.length; j++) {
      const f = t[j];
      if (f === "v") a.verbose = true;
      else if (f === "z") a.zero = true;
      else if (f === "u") a.udp = true;
      else if (f === "w") {
        a.wait = Number(t.slice(j + 1) || argv[++i]);
        break;
      }
    }
  }
  a.host = positional[0];
  a.port = positional[1] !== undefined ? Number(positional[1]) : undefined;
  return a;
}

const SERVICES: Record<number, string> = { 22: "ssh", 53: "domain", 80: "http", 443: "https", 8080: "http-alt" };

export const nc: Handler = async (ctx, argv) => {
  const c = ctx.container;
  const a = parseNc(argv);
  const out = new Output(c.os);
  const openbsd = ["agnhost", "unknown"].includes(classifyImage(c.image).family);
  if (!a.host || a.port === undefined || Number.isNaN(a.port)) {
    return out
      .errLine(
        openbsd
          ? "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]"
          : "BusyBox v1.36.1 multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect",
      )
      .done(1);
  }
  const r = await resolveHost(ctx, a.host);
  if (!r.ok) {
    return out.errLine(openbsd ? `nc: getaddrinfo for host "${a.host}" port ${a.port}: Name does not resolve` : `nc: bad address '${a.host}'`).done(1);
  }
  // A UDP "connection" never fails: nothing answers a datagram socket's connect().
  const res = a.udp ? "open" : await ctx.net.tcp(c, r.ip, a.port);
  const e = isNetError(res) ? effectiveError(c.os, res) : undefined;
  if (!e) {
    if (a.verbose)
      out.errLine(
        openbsd
          ? `Connection to ${a.host} ${a.port} port [${a.udp ? "udp" : "tcp"}/${SERVICES[a.port] ?? "*"}] succeeded!`
          : `${a.host} (${r.ip}:${a.port}) open`,
      );
    return out.done(0);
  }
  if (!a.verbose && !openbsd) return out.done(1);
  const why = e.error === "refused" ? "Connection refused" : e.error === "reset" ? "Connection reset by peer" : "Operation timed out";
  if (openbsd) {
    out.errLine(
      e.error === "timeout"
        ? `nc: connect to ${a.host} port ${a.port} (tcp) timed out: Operation now in progress`
        : `nc: connect to ${a.host} port ${a.port} (tcp) failed: ${why}`,
    );
  } else out.errLine(`nc: ${a.host} (${r.ip}:${a.port}): ${why}`);
  return out.done(1);
};

// ---------- wget (busybox) ----------

interface WgetArgs {
  quiet: boolean;
  output?: string;
  timeout?: number;
  spider: boolean;
  url?: string;
}

function parseWget(argv: string[]): WgetArgs {
  const a: WgetArgs = { quiet: false, spider: false };
  for (let i = 1; i < argv.length; i++) {
    const t = argv[i];
    if (t === "--spider") a.spider = true;
    else if (t === "-q" || t === "--quiet") a.quiet = true;
    else if (t === "-O" || t === "--output-document") a.output = argv[++i];
    else if (t === "-T" || t === "--timeout") a.timeout = Number(argv[++i]);
    else if (/^-[qO]+/.test(t)) {
      if (t.includes("q")) a.quiet = true;
      const o = t.indexOf("O");
      if (o >= 0) a.output = t.slice(o + 1) || argv[++i];
    } else if (t.startsWith("-T")) a.timeout = Number(t.slice(2));
    else if (!t.startsWith("-")) a.url = t;
  }
  return a;
}

export const wget: Handler = async (ctx, argv) => {
  const c = ctx.container;
  const a = parseWget(argv);
  const out = new Output(c.os);
  if (!a.url) return out.errLine("BusyBox v1.36.1 multi-call binary.", "", "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]").done(1);
  const url = parseUrl(a.url);
  if ("error" in url) return out.errLine(`wget: not an http or ftp url: ${a.url}`).done(1);
  const r = await resolveHost(ctx, url.host);
  if (!r.ok) return out.errLine(`wget: bad address '${url.host}'`).done(1);
  if (!a.quiet) out.errLine(`Connecting to ${url.hostHeader} (${r.ip}:${url.port})`);
  const req = {
    method: a.spider ? "HEAD" : "GET",
    host: url.host,
    port: url.port,
    path: url.path,
    headers: { Host: url.hostHeader, "User-Agent": "Wget", Connection: "close" },
  };
  const res = await ctx.net.http(c, r.ip, req);
  if (isNetError(res)) return out.errLine(wgetNetMessage(effectiveError(c.os, res), r.ip)).done(1);
  if (res.status >= 400) return out.errLine(`wget: server returned error: HTTP/1.1 ${res.status} ${reasonPhrase(res.status)}`).done(1);
  if (a.spider) return (a.quiet ? out : out.errLine("remote file exists")).done(0);
  return saveWget(ctx, a, url.path, res.body, out);
};

function wgetNetMessage(e: NetError, ip: string): string {
  if (e.error === "refused") return `wget: can't connect to remote host (${ip}): Connection refused`;
  if (e.error === "reset") return "wget: error getting response: Connection reset by peer";
  return "wget: download timed out";
}

function saveWget(ctx: CmdContext, a: WgetArgs, path: string, body: string, out: Output): ReturnType<Output["done"]> {
  const target = a.output ?? (path.split("?")[0].split("/").pop() || "index.html");
  const toStdout = target === "-";
  if (!a.quiet) out.errLine(toStdout ? "writing to stdout" : `saving to '${target}'`);
  if (toStdout) out.raw(body);
  else {
    const w = writeFile(ctx.container, target, body, false, ctx.cwd);
    if (w !== "ok") return out.errLine(`wget: can't open '${target}': ${w === "read-only" ? "Read-only file system" : "No such file or directory"}`).done(1);
  }
  if (!a.quiet) {
    const size = String(bodyBytes(body)).padStart(6);
    out.errLine(`${(toStdout ? "-" : target).padEnd(20)} 100% |********************************| ${size}  0:00:00 ETA`);
    out.errLine(toStdout ? "written to stdout" : `'${target}' saved`);
  }
  return out.done(0);
}
