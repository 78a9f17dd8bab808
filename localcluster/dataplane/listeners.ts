// Real sockets, all on loopback: each node's kubelet address forwards to kwok, and every NodePort listens on
// every node address, answering with the emulated backend, so a NodePort check from the runner is real HTTP.
import { createServer as createTcpServer, connect, type Server } from "node:net";
import { createServer as createHttpServer } from "node:http";
import type * as k8s from "@kubernetes/client-node";
import type { EmulatedNetwork } from "./network.js";

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

export class NodePortListeners {
  private readonly open = new Map<string, Server>();
  constructor(
    private readonly net: EmulatedNetwork,
    private readonly log: (l: string) => void,
  ) {}

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
    for (const [key, srv] of this.open)
      if (!want.has(key)) {
        srv.close();
        this.open.delete(key);
      }
    for (const key of want) if (!this.open.has(key)) this.listen(key);
  }

  private listen(key: string): void {
    const [address, portStr] = key.split(":");
    const port = Number(portStr);
    const srv = createHttpServer(async (req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      await new Promise((r) => req.on("end", r));
      const out = await this.net.fromOutside(
        address,
        port,
        { method: req.method ?? "GET", host: req.headers.host ?? address, port, path: req.url ?? "/", headers: req.headers as Record<string, string>, body },
        req.socket.remoteAddress ?? "127.0.0.1",
      );
      if ("error" in out) {
        // Refused or dropped behind the node: the client sees its connection reset.
        req.socket.destroy();
        return;
      }
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
    srv.on("error", (e) => this.log(`NodePort ${key} not served: ${e.message}`));
    srv.listen(port, address);
    this.open.set(key, srv);
  }

  close(): void {
    for (const s of this.open.values()) s.close();
    this.open.clear();
  }
}
