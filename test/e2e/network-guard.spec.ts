// The local cluster never dials anything but loopback. (a) Commands exec'd by absolute path land on the emulator,
// not on the machine's real tools; (b) while tests drive traffic to pod IPs, ClusterIPs, NodePorts and the external
// host, the machine's TCP sockets (/proc/net/tcp and tcp6, all processes) are sampled repeatedly, and every
// connection held by the cluster's processes or the runner has a loopback remote address (the node proxy included).
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { useNamespace } from "../support/local-cluster.js";
import { Workbench, httpGet, images, linuxPod, winWebserverPod, windowsPod } from "../support/dataplane.js";
import { isConnection, isLoopback, processTree, socketInodes, socketOwner, tcpSockets, type TcpSocket } from "../support/sockets.js";
import { readState } from "../../localcluster/state.js";
import { stateDir } from "../../localcluster/paths.js";

describe("network guard: nothing dials a non-loopback address", function () {
  this.timeout(180_000);
  const { kc, ns } = useNamespace("hc-guard");
  const wb = () => new Workbench(kc, ns());

  it("commands exec'd by absolute path (/usr/bin/curl, /bin/sh -c 'wget …') are answered by the emulator", async () => {
    const w = wb();
    const [web] = await w.ready(linuxPod("web", { image: images.nginx }), linuxPod("lin"), linuxPod("bb", { command: ["sh", "-c", "sleep 3600"] }));
    await w.service("web", { app: "web" }, 80);
    await w.endpoints("web", [web.status!.podIP!]);

    // The kubernetes Service has no port 80: the emulated kube-proxy rejects at once. A real curl on this machine
    // would have no route to 10.96.0.1 at all.
    const started = Date.now();
    const api = await w.exec("lin", ["/usr/bin/curl", "-sS", "http://10.96.0.1/"]);
    expect(api).to.include({ exitCode: 7, stdout: "", stderr: "curl: (7) Failed to connect to 10.96.0.1 port 80 after 0 ms: Couldn't connect to server\n" });
    expect(Date.now() - started).to.be.lessThan(15_000);

    // A pod IP exists only in the emulator; only the emulated nginx can answer it.
    const page = await w.exec("lin", ["/usr/bin/curl", "-s", "-w", "\n%{remote_ip}", `http://${web.status!.podIP}/`]);
    expect(page.stdout).to.contain("<h1>Welcome to nginx!</h1>");
    expect(page.stdout.split("\n").pop()).to.equal(web.status!.podIP);

    const sh = await w.exec("bb", ["/bin/sh", "-c", "wget -qO- http://web/ ; echo host=$HOSTNAME"]);
    expect(sh.exitCode).to.equal(0);
    expect(sh.stdout).to.contain("<h1>Welcome to nginx!</h1>");
    expect(sh.stdout).to.match(/host=bb\n$/);

    // busybox ships no curl, even by absolute path, whatever the machine running the cluster has in /usr/bin.
    const none = await w.exec("bb", ["/usr/bin/curl", "http://web/"]);
    expect(none.exitCode).to.equal(127);
    expect(none.stderr).to.equal(
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "/usr/bin/curl": stat /usr/bin/curl: no such file or directory: unknown\n',
    );

    // The process environment is the container's, not the simulator's.
    const env = await w.exec("lin", ["/usr/bin/env"]);
    expect(env.stdout).to.match(/^HOSTNAME=lin$/m);
    expect(env.stdout).to.not.match(/^HC_/m);
  });

  it("while traffic flows to pod IPs, ClusterIPs, NodePorts and the external host, every TCP connection of the cluster and the runner stays on loopback", async () => {
    const w = wb();
    const [web, , , nginx] = await w.ready(
      winWebserverPod("web", { role: "web" }),
      windowsPod("win"),
      linuxPod("lin"),
      linuxPod("nginx", { image: images.nginx }),
    );
    const svc = await w.service("web", { role: "web" }, 80, 80, "NodePort");
    await w.endpoints("web", [web.status!.podIP!]);
    const nodeIP = await w.nodeAddress(web.spec!.nodeName!);
    const nodePort = svc.spec!.ports![0].nodePort!;
    const apiserverPort = Number(new URL(kc.getCurrentCluster()!.server).port);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    // Ours: this test process and every process `cluster up` started, with all their descendants (kwok's exec
    // shims, anything they might start).
    const roots = [process.pid, ...readState(stateDir())!.components.map((c) => c.pid)];

    // Every sample reads all TCP sockets of the machine. A connection to a non-loopback address is attributed the
    // moment it is seen: held by one of our processes, it is a violation; held by a process outside our tree (this
    // machine is shared: other tenants' tools talk HTTPS to the outside world), it is reported but not ours.
    const samples: TcpSocket[][] = [];
    const classified = new Set<string>();
    const violations: string[] = [];
    const foreign: string[] = [];
    const show = (s: TcpSocket) => `${s.state} ${s.local}:${s.localPort} -> ${s.remote}:${s.remotePort}`;
    const sample = () => {
      const conns = tcpSockets().filter(isConnection);
      samples.push(conns);
      const outside = conns.filter((s) => !isLoopback(s.remote) && !classified.has(s.inode));
      if (!outside.length) return;
      const ours = socketInodes(processTree(roots));
      for (const s of outside) {
        classified.add(s.inode);
        if (ours.has(s.inode)) violations.push(`${show(s)} held by ${socketOwner(s.inode)}`);
        else foreign.push(`${show(s)} held by ${socketOwner(s.inode)}`);
      }
    };
    const timer = setInterval(sample, 5);
    try {
      for (let round = 0; round < 3; round++) {
        sample();
        const results = await Promise.all([
          w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${web.status!.podIP}/`]),
          w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${svc.spec!.clusterIP}/`]),
          w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${nodeIP}:${nodePort}/`]),
          w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://www.example.com/"]),
          w.exec("win", ["curl.exe", "-s", "-o", "NUL", "-w", "%{http_code}", `http://web.${ns()}.svc.cluster.local/`]),
          w.exec("win", ["powershell", "-Command", "(Invoke-WebRequest -UseBasicParsing http://www.example.com).StatusCode"]),
          w.exec("win", ["curl.exe", "-s", "-o", "NUL", "-w", "%{http_code}", `http://${nginx.status!.podIP}/`]),
        ]);
        for (const r of results) expect(r.stdout.trim(), r.stderr).to.equal("200");
        // The node proxy: kube-apiserver reaches the kubelet at the node's TEST-NET-1 ExternalIP, through the egress
        // tunnel's Unix socket, never by dialling that address.
        // client-node hands the JSON body back parsed, typed as a string.
        const summary = (await core.connectGetNodeProxyWithPath({ name: web.spec!.nodeName!, path: "stats/summary" })) as unknown as {
          node: { nodeName: string };
        };
        expect(summary.node.nodeName).to.equal(web.spec!.nodeName);
        for (let i = 0; i < 3; i++) {
          sample();
          expect((await httpGet(`http://${nodeIP}:${nodePort}/`)).status).to.equal(200);
          sample();
        }
      }
    } finally {
      clearInterval(timer);
    }
    sample();

    expect(samples.length).to.be.greaterThan(20);
    // The sampler sees our own traffic, and attribution finds our processes: the data plane's and kwok's watches on
    // the API server are held by processes of our tree.
    const ours = socketInodes(processTree(roots));
    const watched = samples.at(-1)!.filter((s) => s.remotePort === apiserverPort && ours.has(s.inode));
    expect(watched, "no connection of ours to the API server was seen").to.not.be.empty;
    expect(watched.every((s) => isLoopback(s.remote))).to.equal(true);
    expect(
      violations,
      `connections of the cluster or the runner to non-loopback addresses (other tenants' connections seen meanwhile: ${foreign.length})`,
    ).to.deep.equal([]);
  });
});
