// Real sockets, all on loopback: each node's kubelet address forwards to kwok, every NodePort listens on every
// node address and every load balancer on its own address, answering with the emulated backend, so a NodePort or
// LoadBalancer check from the runner is real HTTP.
import { createServer as createTcpServer, connect, type Server } from "node:net";
import { createServer as createHttpServer } from "node:http";
import type * as k8s from "@kubernetes/client-node";
import type { EmulatedNetwork } from "./network.js";
import type { HttpRequest, HttpResponse, NetError } from "./model.js";

export class KubeletForwarders {
  private readonly servers: Server[] = [];
  /** While kwok is being restarted (kwok-resync.ts): new connections wait here instead of reaching it. */
  private held?: { promise: Promise<void>; open: () => void };
  hold(): void {
    if (this.held) return;
    let open = () => {};
    const promise = new Promise<void>((r) => (open = r));
    this.held = { promise, open };
  }
  release(): void {
    this.held?.open();
    this.held = undefined;
  }
  /** kwok listens on 127.0.0.1 only; each node's own loopback address forwards there. */
  async start(addresses: string[], port: number): Promise<void> {
    for (const address of addresses) {
      const s = createTcpServer((sock) => {
        sock.on("error", () => sock.destroy());
        const pipe = () => {
          if (sock.destroyed) return;
          const up = connect(port, "127.0.0.1");
          sock.pipe(up).pipe(sock);
          const end = () => (sock.destroy(), up.destroy());
          sock.on("error", end);
          up.on("error", end);
        };
        if (this.held) void this.held.promise.then(pipe);
        else pipe();
      });
      await new Promise<void>((res, rej) => s.once("error", rej).listen(port, address, () => res()));
      this.servers.push(s);
    }
  }
  close(): void {
    for (const s of this.servers) s.close();
  }
}

/** What answers one connection to a listener: a response, a network error (the client's connection is reset), or a drop (no answer at all). */
export type ListenerAnswer = HttpResponse | NetError | "drop";
type Answer = (address: string, port: number, req: HttpRequest, clientIP: string) => Promise<ListenerAnswer>;

/**
 * Real HTTP listeners on loopback addresses, reconciled with the set wanted; each request is answered by the
 * emulated network behind it. Shared by the NodePorts and the load balancers.
 */
export class HttpListeners {
  private readonly open = new Map<string, Server>();
  /** Connections held without an answer (a drop), destroyed when their listener closes. */
  private readonly held = new Set<import("node:net").Socket>();
  constructor(
    private readonly what: string,
    private readonly answer: Answer,
    private readonly log: (l: string) => void,
  ) {}

  /** Opens the wanted `address:port` listeners and closes the rest; resolves with the ones that could not be opened, and why. */
  async sync(want: Set<string>): Promise<Map<string, string>> {
    for (const [key, srv] of this.open)
      if (!want.has(key)) {
        srv.close();
        this.open.delete(key);
      }
    const failed = new Map<string, string>();
    for (const key of want) if (!this.open.has(key)) await this.listen(key).catch((e: Error) => failed.set(key, e.message));
    return failed;
  }

  private async listen(key: string): Promise<void> {
    const [address, portStr] = key.split(":");
    const port = Number(portStr);
    const srv = createHttpServer(async (req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      await new Promise((r) => req.on("end", r));
      const out = await this.answer(
        address,
        port,
        { method: req.method ?? "GET", host: req.headers.host ?? address, port, path: req.url ?? "/", headers: req.headers as Record<string, string>, body },
        req.socket.remoteAddress ?? "127.0.0.1",
      );
      if (out === "drop") {
        // Packets lost behind the address: the client waits until its own timeout.
        this.held.add(req.socket);
        req.socket.once("close", () => this.held.delete(req.socket));
        return;
      }
      if ("error" in out) {
        // Refused or dropped behind the node: the client sees its connection reset.
        req.socket.destroy();
        return;
      }
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
    // Taken at once, so that a sync running meanwhile does not open it twice.
    this.open.set(key, srv);
    try {
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(port, address, () => {
          srv.off("error", reject);
          srv.on("error", (e) => this.log(`${this.what} ${key}: ${e.message}`));
          resolve();
        });
      });
    } catch (e) {
      if (this.open.get(key) === srv) this.open.delete(key);
      throw e;
    }
  }

  close(): void {
    for (const s of this.open.values()) s.close();
    for (const s of this.held) s.destroy();
    this.open.clear();
  }
}

export class NodePortListeners {
  private readonly listeners: HttpListeners;
  constructor(
    net: EmulatedNetwork,
    private readonly log: (l: string) => void,
  ) {
    this.listeners = new HttpListeners("NodePort", (address, port, req, clientIP) => net.fromOutside(address, port, req, clientIP), log);
  }

  /**
   * Reconciles the listeners with the Services' node ports on every node address. A port closed by a
   * fault has no listener at all, so the runner's connection is refused as by a node without the rule.
   */
  sync(services: readonly k8s.V1Service[], nodes: { name: string; address: string }[], closed: (node: string, namespace: string) => boolean): void {
    const want = new Set<string>();
    for (const s of services)
      for (const p of s.spec?.ports ?? [])
        if (p.nodePort && (p.protocol ?? "TCP") === "TCP")
          for (const n of nodes) if (!closed(n.name, s.metadata?.namespace ?? "")) want.add(`${n.address}:${p.nodePort}`);
    void this.listeners.sync(want).then((failed) => {
      for (const [key, why] of failed) this.log(`NodePort ${key} not served: ${why}`);
    });
  }

  close(): void {
    this.listeners.close();
  }
}
