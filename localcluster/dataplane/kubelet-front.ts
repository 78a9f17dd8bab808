// Each node's kubelet endpoint (its loopback InternalIP, the kubelet port): TLS is terminated here with the kubelet's
// serving certificate, /stats/summary and /configz are answered from the emulator (kubelet-stats.ts), and every other
// request goes to kwok unchanged: plain requests through http-proxy-3, connection upgrades (SPDY and WebSocket
// streams for exec, attach and port-forward) piped as they are, since http-proxy-3 forwards only WebSocket GETs.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { connect as tlsConnect } from "node:tls";
import { readFileSync } from "node:fs";
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import type * as k8s from "@kubernetes/client-node";
import { createProxyServer } from "http-proxy-3";
import type { FaultRegistry } from "./faults.js";
import type { PodRecord } from "./pods/records.js";
import { kubeletConfigz, statsSummary } from "./kubelet-stats.js";
import { memoryMi } from "../nodes.js";
import { kubeReservedCpuMillis, memoryReservations } from "../kubelet-reservations.js";

export interface KubeletFrontOptions {
  kwokPort: number;
  tls: { cert: string; key: string };
  profile: string;
  /** The node whose InternalIP this is. */
  nodeAt: (address: string) => k8s.V1Node | undefined;
  pods: () => Iterable<PodRecord>;
  faults: FaultRegistry;
  log: (line: string) => void;
}

export class KubeletFront {
  private readonly servers = new Map<string, Server>();
  private readonly tls: { cert: Buffer; key: Buffer };
  private readonly proxy;

  constructor(private readonly o: KubeletFrontOptions) {
    this.tls = { cert: readFileSync(o.tls.cert), key: readFileSync(o.tls.key) };
    // kwok's serving certificate is the one presented here: the hop to it is loopback, so it is not verified again.
    this.proxy = createProxyServer({ target: `https://127.0.0.1:${o.kwokPort}`, secure: false });
    this.proxy.on("error", (e: Error, _req: IncomingMessage, res: ServerResponse | Socket) => {
      if ("writeHead" in res && !res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`kubelet unreachable: ${e.message}\n`);
      else res.destroy();
    });
  }

  /** Hands a raw connection to `address:<kubelet port>` to that node's TLS server. */
  accept(address: string, socket: Socket): void {
    let s = this.servers.get(address);
    if (!s) {
      s = createServer(this.tls, (req, res) => this.request(address, req, res));
      s.on("upgrade", (req: IncomingMessage, sock: Duplex, head: Buffer) => this.upgrade(req, sock, head));
      s.on("tlsClientError", () => undefined);
      this.servers.set(address, s);
    }
    s.emit("connection", socket);
  }

  private request(address: string, req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0];
    const node = this.o.nodeAt(address);
    if (node && req.method === "GET" && (path === "/stats/summary" || path === "/stats/summary/")) return this.summary(node, res);
    if (node && req.method === "GET" && path === "/configz") return this.configz(node, res);
    this.proxy.web(req, res);
  }

  private summary(node: k8s.V1Node, res: ServerResponse): void {
    const name = node.metadata!.name!;
    if (this.o.faults.active("kubelet-stats-unavailable", { node: name }))
      return void res
        .writeHead(500, { "content-type": "text/plain; charset=utf-8" })
        .end("Internal Error: failed to get pod stats: failed to list pod stats: rpc error: code = Unavailable desc = connection error\n");
    const body = statsSummary(
      {
        name,
        os: node.metadata?.labels?.["kubernetes.io/os"] ?? "linux",
        cpuMillis: cpuMillis(node.status?.capacity?.cpu ?? "1"),
        memoryBytes: (memoryMi(node.status?.capacity?.memory ?? "") ?? 0) * 2 ** 20,
        startTime: node.metadata?.creationTimestamp ? new Date(node.metadata.creationTimestamp).toISOString() : new Date().toISOString(),
      },
      [...this.o.pods()],
      {
        now: Date.now(),
        limitIgnored: (r) => !!this.o.faults.active("cpu-limit-not-enforced", { node: name, namespace: r.ref.namespace, pod: r.ref.name }),
      },
    );
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  private configz(node: k8s.V1Node, res: ServerResponse): void {
    const os = node.metadata?.labels?.["kubernetes.io/os"] ?? "linux";
    const pods = Number(node.status?.capacity?.pods ?? 110);
    const r = memoryReservations(this.o.profile, os, memoryMi(node.status?.capacity?.memory ?? "") ?? 0, pods);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(kubeletConfigz(os, r, kubeReservedCpuMillis, pods)));
  }

  /** An upgrade (exec, attach, port-forward): the request goes to kwok as it came, then bytes flow both ways. */
  private upgrade(req: IncomingMessage, sock: Duplex, head: Buffer): void {
    const up = tlsConnect({ port: this.o.kwokPort, host: "127.0.0.1", rejectUnauthorized: false });
    const end = () => (sock.destroy(), up.destroy());
    up.on("error", end);
    sock.on("error", end);
    up.once("secureConnect", () => {
      const headers: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${headers.join("\r\n")}\r\n\r\n`);
      if (head.length) up.write(head);
      sock.pipe(up).pipe(sock);
    });
  }

  close(): void {
    this.proxy.close();
    for (const s of this.servers.values()) s.close();
  }
}

function cpuMillis(q: string): number {
  const m = /^(\d+)(m?)$/.exec(q);
  return m ? Number(m[1]) * (m[2] ? 1 : 1000) : 1000;
}
