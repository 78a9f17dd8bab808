// kube-apiserver's egress tunnel to the kubelets, as konnectivity-server provides it on GKE and AKS: an HTTP CONNECT
// proxy on a Unix socket (EgressSelectorConfiguration `cluster`, proxyProtocol HTTPConnect, transport uds). Every
// kubelet request kube-apiserver makes (exec, attach, logs, port-forward and the node proxy, with --kubelet-preferred-
// address-types picking the node's ExternalIP) arrives here as `CONNECT <ExternalIP>:<kubelet port>`, and is piped
// to that node's kubelet front on its loopback InternalIP. ExternalIPs are TEST-NET-1 addresses that nobody dials.
// Anything else (a pod or service proxy, another port) is refused: the tunnel only ever dials a node's loopback.
import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";

/** The socket in the cluster's state directory; a Unix socket path is limited to 107 bytes (sun_path). */
export function kubeletTunnelSocket(stateDir: string): string {
  const path = join(stateDir, "konnectivity.sock");
  if (Buffer.byteLength(path) > 107) throw new Error(`the state directory's path is too long for a Unix socket (${path}): use a shorter HC_LOCALCLUSTER_DIR`);
  return path;
}

export interface TunnelOptions {
  socket: string;
  /** Node ExternalIP → the node's loopback InternalIP. */
  routes: Record<string, string>;
  kubeletPort: number;
  log: (line: string) => void;
}

export class KubeletTunnel {
  private server?: Server;
  private readonly open = new Set<Socket>();
  constructor(private readonly o: TunnelOptions) {}

  async start(): Promise<void> {
    if (existsSync(this.o.socket)) rmSync(this.o.socket); // left by a data plane that was killed
    const server = createServer((_req, res) => res.writeHead(405, { "content-type": "text/plain" }).end("CONNECT only\n"));
    server.on("connect", (req, client: Socket, head: Buffer) => this.tunnel(req.url ?? "", client, head));
    await new Promise<void>((res, rej) => server.once("error", rej).listen(this.o.socket, () => res()));
    this.server = server;
  }

  /** Where `host:port` goes, or why it is refused. */
  route(target: string): { address: string; port: number } | { refused: string } {
    const m = /^(.+):(\d+)$/.exec(target);
    if (!m) return { refused: `not host:port: ${target}` };
    const [, host, port] = m;
    const address = this.o.routes[host.replace(/^\[|\]$/g, "")];
    if (!address) return { refused: `${host} is no node's address` };
    if (Number(port) !== this.o.kubeletPort) return { refused: `port ${port} is not the kubelet's (${this.o.kubeletPort})` };
    return { address, port: Number(port) };
  }

  private tunnel(target: string, client: Socket, head: Buffer): void {
    client.on("error", () => client.destroy());
    const r = this.route(target);
    if ("refused" in r) {
      this.o.log(`kubelet tunnel: CONNECT ${target} refused: ${r.refused}`);
      client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${r.refused}\n`);
      return;
    }
    const up = connect(r.port, r.address);
    this.open.add(client);
    const end = () => (client.destroy(), up.destroy(), this.open.delete(client));
    up.once("connect", () => {
      client.write("HTTP/1.1 200 Connection established\r\n\r\n");
      if (head.length) up.write(head);
      client.pipe(up).pipe(client);
    });
    up.on("error", (e) => {
      if (!client.writableEnded && up.connecting) client.end(`HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\n\r\n${e.message}\n`);
      end();
    });
    client.on("close", end);
    up.on("close", end);
  }

  close(): void {
    for (const s of this.open) s.destroy();
    this.server?.close();
    if (existsSync(this.o.socket)) rmSync(this.o.socket, { force: true });
  }
}
