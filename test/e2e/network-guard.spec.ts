// The local cluster never dials anything but loopback. (a) Commands exec'd by absolute path land on the emulator,
// not on the machine's real tools; (b) while tests drive traffic to pod IPs, ClusterIPs, NodePorts and the external
// host, every TCP connection on this machine (/proc/net/tcp and tcp6, all processes) has a loopback remote address.
import { expect } from "chai";
import { useNamespace } from "../support/local-cluster.js";
import { Workbench, httpGet, images, linuxPod, winWebserverPod, windowsPod } from "../support/dataplane.js";
import { isConnection, isLoopback, socketOwner, tcpSockets, type TcpSocket } from "../support/sockets.js";

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
    expect(none.stderr).to.equal('OCI runtime exec failed: exec failed: unable to start container process: exec: "/usr/bin/curl": stat /usr/bin/curl: no such file or directory: unknown\n');

    // The process environment is the container's, not the simulator's.
    const env = await w.exec("lin", ["/usr/bin/env"]);
    expect(env.stdout).to.match(/^HOSTNAME=lin$/m);
    expect(env.stdout).to.not.match(/^HC_/m);
  });

  it("while traffic flows to pod IPs, ClusterIPs, NodePorts and the external host, every TCP connection of the machine stays on loopback", async () => {
    const w = wb();
    const [web, , , nginx] = await w.ready(winWebserverPod("web", { role: "web" }), windowsPod("win"), linuxPod("lin"), linuxPod("nginx", { image: images.nginx }));
    const svc = await w.service("web", { role: "web" }, 80, 80, "NodePort");
    await w.endpoints("web", [web.status!.podIP!]);
    const nodeIP = await w.nodeAddress(web.spec!.nodeName!);
    const nodePort = svc.spec!.ports![0].nodePort!;
    const apiserverPort = Number(new URL(kc.getCurrentCluster()!.server).port);

    const samples: TcpSocket[][] = [];
    const sample = () => samples.push(tcpSockets().filter(isConnection));
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

    const all = samples.flat();
    expect(samples.length).to.be.greaterThan(20);
    // The sampler sees this very test's traffic: exec streams to the API server, requests to the NodePort.
    expect(all.some((s) => s.remotePort === apiserverPort && isLoopback(s.remote)), "no connection to the API server was ever seen").to.equal(true);
    const outside = [...new Map(all.filter((s) => !isLoopback(s.remote)).map((s) => [`${s.remote}:${s.remotePort} ${s.inode}`, s])).values()];
    expect(
      outside.map((s) => `${s.state} ${s.local}:${s.localPort} -> ${s.remote}:${s.remotePort} held by ${socketOwner(s.inode)}`),
      "connections to non-loopback addresses",
    ).to.deep.equal([]);
  });
});
