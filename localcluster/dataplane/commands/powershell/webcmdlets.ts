// Network cmdlets: Invoke-WebRequest, Invoke-RestMethod, Resolve-DnsName, Test-NetConnection, with the
// messages of Windows PowerShell 5.1 (WebException / HttpWebRequest) or PowerShell 7 (HttpClient).

import type { HttpResponse, NetError } from "../../model.js";
import { writeFile } from "../fsview.js";
import { bodyBytes, effectiveError, header, isNetError, parseUrl, reasonPhrase, resolveHost, type ParsedUrl } from "../net.js";
import type { CmdElement, CmdletDef, CmdletHost as PsRuntime } from "./cmdlet-types.js";
import { PsError, PsObject, toStr, type ErrorRecord, type PsValue } from "./values.js";

// ---------- Invoke-WebRequest / Invoke-RestMethod ----------

type WebKind = "Invoke-WebRequest" | "Invoke-RestMethod";

const WEB_PARAMS = [
  { name: "Uri", position: 0, mandatory: true },
  { name: "UseBasicParsing", switch: true },
  { name: "TimeoutSec" },
  { name: "Method" },
  { name: "Body" },
  { name: "Headers" },
  { name: "ContentType" },
  { name: "OutFile" },
  { name: "PassThru", switch: true },
  { name: "UseDefaultCredentials", switch: true },
  { name: "DisableKeepAlive", switch: true },
  { name: "MaximumRedirection" },
  { name: "UserAgent" },
  { name: "SkipCertificateCheck", switch: true },
  { name: "SkipHttpErrorCheck", switch: true },
];

function webCmdlet(name: WebKind): CmdletDef {
  const cls = `Microsoft.PowerShell.Commands.${name.replace("-", "")}Command`;
  return { name, cls, params: WEB_PARAMS, run: (rt, args, _input, el) => webRequest(rt, name, cls, args, el) };
}

function webError(rt: PsRuntime, kind: WebKind, cls: string, message: string, el: CmdElement, fqid = "WebCmdletWebResponseException"): PsError {
  const category =
    rt.edition === "core"
      ? `InvalidOperation: (Method: GET, Request:HttpRequestMessage) [${kind}], HttpRequestException`
      : `InvalidOperation: (System.Net.HttpWebRequest:HttpWebRequest) [${kind}], WebException`;
  return new PsError({ message, command: kind, category, fqid: `${fqid},${cls}`, extent: el.x });
}

async function webRequest(rt: PsRuntime, kind: WebKind, cls: string, args: Parameters<CmdletDef["run"]>[1], el: CmdElement): Promise<PsValue[]> {
  const raw = toStr(args.get("Uri") ?? "");
  const url = parseUrl(raw);
  if ("error" in url) throw webError(rt, kind, cls, `The URI prefix is not recognized.`, el, "System.NotSupportedException");
  const resolved = await resolveHost(rt.ctx, url.host);
  if (!resolved.ok)
    throw webError(
      rt,
      kind,
      cls,
      rt.edition === "core" ? `No such host is known. (${url.host}:${url.port})` : `The remote name could not be resolved: '${url.host}'`,
      el,
    );
  const method = toStr(args.get("Method") ?? "GET").toUpperCase();
  const ua =
    rt.edition === "core"
      ? "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.20348; en-US) PowerShell/7.4.6"
      : "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.20348.2849";
  const body = args.has("Body") ? toStr(args.get("Body") ?? "") : undefined;
  const req = {
    method,
    host: url.host,
    port: url.port,
    path: url.path,
    headers: { Host: url.hostHeader, "User-Agent": toStr(args.get("UserAgent") ?? ua) },
    ...(body !== undefined ? { body } : {}),
  };
  const res = await rt.ctx.net.http(rt.ctx.container, resolved.ip, req);
  if (isNetError(res)) throw webError(rt, kind, cls, netMessage(rt, effectiveError("windows", res), url, args), el);
  if (res.status >= 400 && !args.has("SkipHttpErrorCheck")) throw webError(rt, kind, cls, httpErrorMessage(rt, res), el);
  // Windows PowerShell parses HTML with the Internet Explorer engine unless told not to; Server Core has no IE.
  if (kind === "Invoke-WebRequest" && rt.edition === "desktop" && !args.has("UseBasicParsing") && !args.has("OutFile")) {
    throw new PsError({
      message:
        "The response content cannot be parsed because the Internet Explorer engine is not available, or Internet Explorer's first-launch configuration is not complete. Specify the UseBasicParsing parameter and try again.",
      command: kind,
      category: `NotImplemented: (:) [${kind}], NotSupportedException`,
      fqid: `WebCmdletIEDomNotSupportedException,${cls}`,
      extent: el.x,
    });
  }
  if (args.has("OutFile")) {
    writeFile(rt.ctx.container, toStr(args.get("OutFile") ?? ""), res.body, false, rt.ctx.cwd);
    if (!args.has("PassThru")) return [];
  }
  return kind === "Invoke-RestMethod" ? restBody(res) : [responseObject(rt, res)];
}

function netMessage(rt: PsRuntime, e: NetError, url: ParsedUrl, args: Parameters<CmdletDef["run"]>[1]): string {
  const core = rt.edition === "core";
  if (e.error === "dns") return core ? `No such host is known. (${url.host}:${url.port})` : `The remote name could not be resolved: '${url.host}'`;
  if (e.error === "refused")
    return core
      ? `No connection could be made because the target machine actively refused it. (${url.host}:${url.port})`
      : "Unable to connect to the remote server";
  if (e.error === "reset")
    return core ? "An error occurred while sending the request." : "The underlying connection was closed: An unexpected error occurred on a receive.";
  const secs = args.has("TimeoutSec") ? Number(toStr(args.get("TimeoutSec") ?? 100)) : 100;
  return core ? `The request was canceled due to the configured HttpClient.Timeout of ${secs} seconds elapsing.` : "The operation has timed out.";
}

/** Both editions show the error response's body as the message when there is one. */
function httpErrorMessage(rt: PsRuntime, res: HttpResponse): string {
  if (res.body.trim() !== "") return res.body.replace(/\r?\n$/, "");
  return rt.edition === "core"
    ? `Response status code does not indicate success: ${res.status} (${reasonPhrase(res.status)}).`
    : `The remote server returned an error: (${res.status}) ${reasonPhrase(res.status)}.`;
}

function responseHeaders(res: HttpResponse): Array<[string, string]> {
  const h = Object.entries(res.headers);
  if (header(res, "Content-Length") === undefined) h.unshift(["Content-Length", String(bodyBytes(res.body))]);
  return h;
}

function responseObject(rt: PsRuntime, res: HttpResponse): PsObject {
  const headers = responseHeaders(res);
  const rawContent = [`HTTP/1.1 ${res.status} ${reasonPhrase(res.status)}`, ...headers.map(([k, v]) => `${k}: ${v}`), "", res.body].join("\r\n");
  const dict = new PsObject("Dictionary", headers);
  const common: Array<[string, PsValue]> = [
    ["StatusCode", res.status],
    ["StatusDescription", reasonPhrase(res.status)],
    ["Content", res.body],
    ["RawContent", rawContent],
  ];
  const tail: Array<[string, PsValue]> = [
    ["Images", []],
    ["InputFields", []],
    ["Links", []],
  ];
  const props: Array<[string, PsValue]> =
    rt.edition === "core"
      ? [...common, ["Headers", dict], ...tail, ["RawContentLength", bodyBytes(res.body)], ["RelationLink", new PsObject("Dictionary", [])]]
      : [...common, ["Forms", null], ["Headers", dict], ...tail, ["ParsedHtml", null], ["RawContentLength", bodyBytes(res.body)]];
  return new PsObject("Microsoft.PowerShell.Commands.BasicHtmlWebResponseObject", props);
}

/** Invoke-RestMethod converts JSON into objects and returns any other body as a string. */
function restBody(res: HttpResponse): PsValue[] {
  try {
    const parsed = JSON.parse(res.body) as unknown;
    return [fromJson(parsed)];
  } catch {
    return [res.body];
  }
}

function fromJson(v: unknown): PsValue {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v && typeof v === "object")
    return new PsObject(
      "System.Management.Automation.PSCustomObject",
      Object.entries(v).map(([k, x]) => [k, fromJson(x)]),
    );
  return v as PsValue;
}

// ---------- Resolve-DnsName ----------

const DNS_COLUMNS = [
  { name: "Name", width: 47 },
  { name: "Type", width: 7 },
  { name: "TTL", width: 6 },
  { name: "Section", width: 11 },
  { name: "IPAddress", width: 0 },
];

const resolveDnsName: CmdletDef = {
  name: "Resolve-DnsName",
  cls: "Microsoft.DnsClient.Commands.ResolveDnsName",
  params: [
    { name: "Name", position: 0, mandatory: true },
    { name: "Type", position: 1 },
    { name: "Server" },
    { name: "DnsOnly", switch: true },
    { name: "QuickTimeout", switch: true },
    { name: "NoHostsFile", switch: true },
    { name: "CacheOnly", switch: true },
  ],
  async run(rt, args, _input, el) {
    const name = toStr(args.get("Name") ?? "");
    const type = toStr(args.get("Type") ?? "A").toUpperCase() === "AAAA" ? "AAAA" : "A";
    const r = await rt.ctx.net.resolve(rt.ctx.container, name, type);
    if ("error" in r) {
      rt.writeError(dnsError(name, r, el), args.silent);
      return [];
    }
    // CoreDNS answers cluster names with a 5 s TTL; forwarded answers keep the upstream TTL.
    const ttl = rt.ctx.container.dns.searches.some((s) => r.fqdn.endsWith(s)) ? 5 : 300;
    return r.addresses.map(
      (a) =>
        new PsObject(
          `Microsoft.DnsClient.Commands.DnsRecord_${type}`,
          [
            ["Name", r.fqdn],
            ["Type", type],
            ["TTL", ttl],
            ["Section", "Answer"],
            ["IPAddress", a],
          ],
          "table",
          DNS_COLUMNS,
        ),
    );
  },
};

function dnsError(name: string, e: NetError, el: CmdElement): ErrorRecord {
  const detail = e.error === "dns" ? e.detail : "timeout";
  const [text, code, cat] =
    detail === "NXDOMAIN"
      ? ["DNS name does not exist", "DNS_ERROR_RCODE_NAME_ERROR", "ResourceUnavailable"]
      : detail === "SERVFAIL"
        ? ["DNS server failure", "DNS_ERROR_RCODE_SERVER_FAILURE", "ResourceUnavailable"]
        : ["This operation returned because the timeout period expired", "ERROR_TIMEOUT", "OperationTimeout"];
  return {
    message: `${name} : ${text}`,
    command: "Resolve-DnsName",
    category: `${cat}: (${name}:String) [Resolve-DnsName], Win32Exception`,
    fqid: `${code},Microsoft.DnsClient.Commands.ResolveDnsName`,
    extent: el.x,
  };
}

// ---------- Test-NetConnection ----------

const COMMON_TCP_PORTS: Record<string, number> = { http: 80, rdp: 3389, smb: 445, winrm: 5985 };

const testNetConnection: CmdletDef = {
  name: "Test-NetConnection",
  cls: "Test-NetConnection",
  params: [
    { name: "ComputerName", position: 0, aliases: ["RemoteAddress", "cn"] },
    { name: "Port", position: 1, aliases: ["RemotePort"] },
    { name: "CommonTCPPort" },
    { name: "InformationLevel" },
    { name: "TraceRoute", switch: true },
  ],
  async run(rt, args) {
    const host = toStr(args.get("ComputerName") ?? "internetbeacon.msedge.net");
    const port = args.has("Port") ? Number(toStr(args.get("Port") ?? 0)) : COMMON_TCP_PORTS[toStr(args.get("CommonTCPPort") ?? "").toLowerCase()];
    const quiet = toStr(args.get("InformationLevel") ?? "").toLowerCase() === "quiet";
    const r = await resolveHost(rt.ctx, host);
    if (!r.ok) {
      rt.hostLine(`WARNING: Name resolution of ${host} failed`);
      return quiet
        ? [false]
        : [
            new PsObject("TestNetConnectionResult", [
              ["ComputerName", host],
              ["RemoteAddress", null],
              ["InterfaceAlias", null],
              ["SourceAddress", null],
              ["PingSucceeded", false],
            ]),
          ];
    }
    const base: Array<[string, PsValue]> = [
      ["ComputerName", host],
      ["RemoteAddress", r.ip],
    ];
    const iface: Array<[string, PsValue]> = [
      ["InterfaceAlias", "vEthernet (Ethernet)"],
      ["SourceAddress", rt.ctx.container.podIP],
    ];
    if (port === undefined) return [pingResult(rt, base, iface, "open", quiet)];
    return [await tcpResult(rt, r.ip, port, base, iface, quiet)];
  },
};

// ICMP is not modelled: an address that answers (or refuses) TCP is taken to answer ping as well; a
// dropped (timed-out) path drops ping too.
function pingResult(rt: PsRuntime, base: Array<[string, PsValue]>, iface: Array<[string, PsValue]>, tcp: "open" | NetError, quiet: boolean): PsValue {
  const ok = tcp === "open" || tcp.error !== "timeout";
  if (!ok) rt.hostLine(`WARNING: Ping to ${toStr(base[1][1])} failed with status: TimedOut`);
  if (quiet) return ok;
  return new PsObject("TestNetConnectionResult", [...base, ...iface, ["PingSucceeded", ok], ["PingReplyDetails (RTT)", ok ? "0 ms" : "0 ms"]]);
}

async function tcpResult(
  rt: PsRuntime,
  ip: string,
  port: number,
  base: Array<[string, PsValue]>,
  iface: Array<[string, PsValue]>,
  quiet: boolean,
): Promise<PsValue> {
  const res = await rt.ctx.net.tcp(rt.ctx.container, ip, port);
  const tcp = isNetError(res) ? effectiveError("windows", res) : res;
  if (tcp === "open") {
    return quiet ? true : new PsObject("TestNetConnectionResult", [...base, ["RemotePort", port], ...iface, ["TcpTestSucceeded", true]]);
  }
  rt.hostLine(`WARNING: TCP connect to (${ip} : ${port}) failed`);
  const ping = pingResult(rt, base, iface, tcp, true) as boolean;
  if (quiet) return false;
  return new PsObject("TestNetConnectionResult", [
    ...base,
    ["RemotePort", port],
    ...iface,
    ["PingSucceeded", ping],
    ["PingReplyDetails (RTT)", "0 ms"],
    ["TcpTestSucceeded", false],
  ]);
}

export const WEB_CMDLETS: CmdletDef[] = [webCmdlet("Invoke-WebRequest"), webCmdlet("Invoke-RestMethod"), resolveDnsName, testNetConnection];
