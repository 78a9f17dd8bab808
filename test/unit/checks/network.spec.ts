// lib/checks/network.ts without a cluster: command lines, output parsing, messages, the up-then-steady loop
// (with a fake clock), EndpointSlice comparison, DNS search lists, the docs' page, and the runner-side HTTP check
// against a real loopback server.
import { expect } from "chai";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type * as k8s from "@kubernetes/client-node";
import {
  ReachabilityError,
  asHostNetworkClient,
  bodyProblem,
  callerCounts,
  chooseNodePortVantage,
  clientTimeouts,
  clusterDomainFrom,
  curlArgv,
  describeDestination,
  describeSource,
  downWithin,
  connectionDown,
  endpointSliceProblems,
  failureMessage,
  hasRequestFor,
  hostnameIs,
  httpFromRunner,
  ncArgv,
  nodeAddresses,
  parseCurl,
  parseNc,
  requestLines,
  sameName,
  searchesFromIpconfig,
  searchesFromResolvConf,
  serviceFqdn,
  upThenSteady,
  urlOf,
  type Attempt,
  type Probe,
} from "../../../lib/checks/network.js";

const linuxClient = { kind: "pod" as const, pod: "linux-client", container: "agnhost", node: "hc-linux-1", os: "linux" as const, ip: "10.244.1.5" };
const probe: Probe = {
  path: "Service ClusterIP from a Linux pod",
  from: linuxClient,
  to: { host: "10.96.0.12", port: 80, name: "service win-webserver ClusterIP" },
  bodyIncludes: "Windows Container Web Server",
};

/** A fake clock: sleeping advances it, attempts take `cost` ms. */
function fakeTime(cost = 0) {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), tick: () => (t += cost) };
}

describe("checks/network", () => {
  describe("messages name path, source and destination", () => {
    it("pod sources read pod@node, the runner says so, destinations read ip:port (what)", () => {
      expect(describeSource(linuxClient)).to.equal("linux-client@hc-linux-1");
      expect(describeSource({ ...linuxClient, pod: "hostnet-client", hostNetwork: true })).to.equal("hostnet-client@hc-linux-1 (host network)");
      expect(describeSource({ kind: "runner", host: "ci-7" })).to.equal("the runner (ci-7, outside the cluster)");
      expect(describeDestination(probe.to)).to.equal("10.96.0.12:80 (service win-webserver ClusterIP)");
      expect(describeDestination({ host: "10.1.2.3", port: 8080, path: "/hostname", name: "pod linux-client" })).to.equal(
        "10.1.2.3:8080/hostname (pod linux-client)",
      );
      expect(failureMessage(probe, "timed out")).to.equal(
        "Service ClusterIP from a Linux pod: linux-client@hc-linux-1 → 10.96.0.12:80 (service win-webserver ClusterIP): timed out",
      );
    });

    it("builds URLs, bracketing IPv6 and keeping an explicit URL", () => {
      expect(urlOf({ host: "10.0.0.1", port: 80, name: "x" })).to.equal("http://10.0.0.1:80/");
      expect(urlOf({ host: "fd00::5", port: 30080, path: "/a", name: "x" })).to.equal("http://[fd00::5]:30080/a");
      expect(urlOf({ host: "example.com", port: 443, name: "x", url: "https://example.com/" })).to.equal("https://example.com/");
      expect(serviceFqdn("win-webserver", "hc-ns")).to.equal("win-webserver.hc-ns.svc.cluster.local");
      expect(serviceFqdn("win-webserver", "hc-ns", "corp.example")).to.equal("win-webserver.hc-ns.svc.corp.example");
    });
  });

  describe("client commands", () => {
    it("scales upstream's --connect-timeout 10 with the network budget", () => {
      expect(clientTimeouts(30_000)).to.deep.equal({ connectS: 10, maxS: 15 });
      expect(clientTimeouts(6_000)).to.deep.equal({ connectS: 2, maxS: 7 });
      expect(clientTimeouts(1_000).connectS).to.equal(1);
    });

    it("uses curl on Linux and curl.exe on Windows, with --fail, --connect-timeout and a status trailer", () => {
      const t = { connectS: 10, maxS: 15 };
      const l = curlArgv("linux", "http://10.0.0.1:80/", t);
      expect(l[0]).to.equal("curl");
      expect(l).to.include.members(["--fail", "--connect-timeout", "10", "--max-time", "15", "http://10.0.0.1:80/"]);
      expect(l[l.indexOf("-w") + 1]).to.equal("\\nHC-HTTP-STATUS:%{http_code}");
      expect(curlArgv("windows", "http://x/", t)[0]).to.equal("curl.exe");
      expect(ncArgv("10.0.0.9", 80, t)).to.deep.equal(["nc", "-vz", "-w", "10", "10.0.0.9", "80"]);
    });

    it("reads curl's body, status and error line (CRLF or LF)", () => {
      expect(parseCurl({ stdout: "<html>page</html>\nHC-HTTP-STATUS:200", stderr: "", exitCode: 0 })).to.deep.equal({
        ok: true,
        status: 200,
        body: "<html>page</html>",
      });
      expect(parseCurl({ stdout: "body\r\nHC-HTTP-STATUS:200", stderr: "", exitCode: 0 }).body).to.equal("body");
      const refused = parseCurl({
        stdout: "\nHC-HTTP-STATUS:000",
        stderr: "curl: (7) Failed to connect to 10.0.0.1 port 80 after 2045 ms: Couldn't connect to server\r\n",
        exitCode: 7,
      });
      expect(refused).to.deep.include({ ok: false, status: undefined });
      expect(refused.error).to.equal("curl: (7) Failed to connect to 10.0.0.1 port 80 after 2045 ms: Couldn't connect to server (exit 7)");
      expect(parseCurl({ stdout: "\nHC-HTTP-STATUS:503", stderr: "curl: (22) The requested URL returned error: 503\n", exitCode: 22 })).to.deep.include({
        ok: false,
        status: 503,
      });
      expect(parseCurl({ stdout: "", stderr: "", exitCode: -1, error: "container not found" }).error).to.equal("exec failed: container not found");
      expect(
        parseCurl({ stdout: "", stderr: 'OCI runtime exec failed: exec: "curl": executable file not found in $PATH: unknown\n', exitCode: 127 }).error,
      ).to.match(/executable file not found.*\(exit 127\)/);
    });

    it("reads nc -vz", () => {
      expect(parseNc({ stdout: "", stderr: "Connection to 10.0.0.9 80 port [tcp/http] succeeded!\n", exitCode: 0 }).ok).to.equal(true);
      expect(parseNc({ stdout: "", stderr: "nc: connect to 10.0.0.9 port 80 (tcp) timed out: Operation now in progress\n", exitCode: 1 }).error).to.equal(
        "nc: connect to 10.0.0.9 port 80 (tcp) timed out: Operation now in progress (exit 1)",
      );
    });
  });

  describe("the page, not just an open port", () => {
    it("wants the fixture's page text", () => {
      expect(bodyProblem(probe, { ok: true, status: 200, body: "<H1>Windows Container Web Server</H1>" })).to.equal(undefined);
      expect(bodyProblem(probe, { ok: true, status: 200, body: "<h1>nginx</h1>" })).to.match(
        /answered HTTP 200 but not with the expected page \(no "Windows Container Web Server"/,
      );
      expect(bodyProblem(probe, { ok: false, error: "x" })).to.equal(undefined);
    });

    it("compares host names case-insensitively (Windows upper-cases and shortens them)", () => {
      expect(sameName("LINUX-CLIENT\r\n", "linux-client")).to.equal(true);
      expect(hostnameIs("linux-client")("Linux-Client")).to.equal(undefined);
      expect(hostnameIs("linux-client")("other")).to.match(/answered with host name "other", expected linux-client \(compared case-insensitively\)/);
    });

    it("reads the docs' caller counts and request lines", () => {
      const body = "<html><body><H1>Windows Container Web Server</H1><p>IP 10.244.3.2 callerCount 2 <p>IP 10.244.3.2 callerCount 1 </body></html>";
      expect(callerCounts(body)).to.deep.equal([
        { ip: "10.244.3.2", count: 2 },
        { ip: "10.244.3.2", count: 1 },
      ]);
      const log = "Listening at http://*:80/\r\n\r\n> http://10.244.3.2/hc/windows-client/1\r\n<html>...</html>\r\n< 200\r\n> http://10.244.3.2:8080/hc/X/2\n";
      const lines = requestLines(log);
      expect(lines).to.deep.equal(["http://10.244.3.2/hc/windows-client/1", "http://10.244.3.2:8080/hc/X/2"]);
      expect(hasRequestFor(lines, "/hc/windows-client/1")).to.equal(true);
      expect(hasRequestFor(lines, "/hc/X/2")).to.equal(true);
      expect(hasRequestFor(lines, "/hc/x/2")).to.equal(false);
      expect(hasRequestFor(lines, "/hc/windows-client")).to.equal(false);
    });
  });

  describe("up within the budget, then steady", () => {
    const opts = (t: ReturnType<typeof fakeTime>) => ({ upMs: 30_000, stableMs: 10_000, intervalMs: 1000, now: t.now, sleep: t.sleep });
    const seq = (t: ReturnType<typeof fakeTime>, results: Attempt[]) => {
      let i = 0;
      return async () => (t.tick(), results[Math.min(i++, results.length - 1)]);
    };
    const ok: Attempt = { ok: true, status: 200, body: "Windows Container Web Server" };
    const down: Attempt = { ok: false, error: "curl: (28) Connection timed out after 10001 milliseconds (exit 28)" };
    const judge = (a: Attempt) => bodyProblem(probe, a);

    it("passes when it comes up late but within the budget and then holds", async () => {
      const t = fakeTime();
      const r = await upThenSteady(probe, seq(t, [down, down, down, ok]), judge, opts(t));
      expect(r.upAfterMs).to.equal(3000);
      expect(r.steadyAttempts).to.equal(10);
      expect(r.attempts).to.equal(14);
    });

    it("fails with path, source, destination and the last error when it never comes up", async () => {
      const t = fakeTime(2000);
      const err = await upThenSteady(probe, seq(t, [down]), judge, opts(t)).catch((e) => e);
      expect(err).to.be.instanceOf(ReachabilityError);
      expect(err.message).to.match(
        /^Service ClusterIP from a Linux pod: linux-client@hc-linux-1 → 10\.96\.0\.12:80 \(service win-webserver ClusterIP\): no success within 30 s \(\d+ attempt\(s\)\); last: curl: \(28\)/,
      );
      expect(t.now()).to.be.within(30_000, 33_000);
    });

    it("fails when it drops during the steady window", async () => {
      const t = fakeTime();
      const err = await upThenSteady(probe, seq(t, [ok, ok, ok, down]), judge, opts(t)).catch((e) => e);
      expect(err.message).to.match(/came up after 0 s but failed 3 s later \(attempt 4; it must stay up for 10 s\): curl: \(28\)/);
    });

    it("treats the wrong page as a failure, not as up", async () => {
      const t = fakeTime();
      const err = await upThenSteady(probe, seq(t, [{ ok: true, status: 200, body: "It works!" }]), judge, { ...opts(t), upMs: 3000 }).catch((e) => e);
      expect(err.message).to.match(/no success within 3 s .* not with the expected page/);
    });

    it("stableMs 0 returns on the first success", async () => {
      const t = fakeTime();
      const r = await upThenSteady(probe, seq(t, [ok]), judge, { ...opts(t), stableMs: 0 });
      expect(r.attempts).to.equal(1);
    });

    it("downWithin waits for the first failure and complains if it keeps answering", async () => {
      const t = fakeTime();
      expect((await downWithin(probe, seq(t, [ok, ok, down]), opts(t))).ok).to.equal(false);
      const err = await downWithin(probe, seq(t, [ok]), { ...opts(t), upMs: 5000 }).catch((e) => e);
      expect(err.message).to.match(/: no refused or timed-out connection within 5 s \(\d+ attempt\(s\); last: answered\)/);
    });

    it("downWithin counts only a refused or timed-out connection, not an exec error or an HTTP error (issue 14 item 6)", async () => {
      const t = fakeTime();
      const execError = { ok: false, error: "exec failed: the exec stream closed without a status: exit code unknown" };
      const http503 = { ok: false, status: 503, error: "curl: (22) The requested URL returned error: 503 (exit 22)" };
      const refused = { ok: false, error: "curl: (7) Failed to connect to 10.96.0.10 port 80 after 0 ms: Couldn't connect to server (exit 7)" };
      expect((await downWithin(probe, seq(t, [execError, http503, refused]), opts(t))).error).to.match(/curl: \(7\)/);
      const err = await downWithin(probe, seq(t, [execError]), { ...opts(t), upMs: 5000 }).catch((e) => e);
      expect(err.message).to.match(/no refused or timed-out connection within 5 s .*last: exec failed/);
      expect(connectionDown({ ok: false, error: "curl: (28) Connection timed out after 5001 milliseconds (exit 28)" })).to.equal(true);
      expect(connectionDown({ ok: false, error: "connection refused (ECONNREFUSED)" })).to.equal(true);
    });
  });

  describe("EndpointSlices", () => {
    const pods = [
      { name: "win-webserver-a", ip: "10.244.3.2", node: "hc-win2022-1" },
      { name: "win-webserver-b", ip: "10.244.4.2", node: "hc-win2022-2" },
    ];
    const ep = (ip: string, name: string, node: string, ready = true): k8s.V1Endpoint => ({
      addresses: [ip],
      conditions: { ready },
      nodeName: node,
      targetRef: { kind: "Pod", name },
    });
    const slice = (...endpoints: k8s.V1Endpoint[]): k8s.V1EndpointSlice => ({ addressType: "IPv4", metadata: { name: "win-webserver-x1" }, endpoints });
    const win = ["hc-win2022-1", "HC-WIN2022-2"];

    it("accepts exactly the ready pods, node names compared case-insensitively", () => {
      expect(
        endpointSliceProblems([slice(ep("10.244.3.2", "win-webserver-a", "HC-WIN2022-1"), ep("10.244.4.2", "win-webserver-b", "hc-win2022-2"))], pods, win),
      ).to.deep.equal([]);
      // A not-ready endpoint is not a ready one.
      expect(
        endpointSliceProblems(
          [
            slice(
              ep("10.244.3.2", "win-webserver-a", "hc-win2022-1"),
              ep("10.244.4.2", "win-webserver-b", "hc-win2022-2"),
              ep("10.244.5.9", "old", "hc-win2022-2", false),
            ),
          ],
          pods,
          win,
        ),
      ).to.deep.equal([]);
    });

    it("names a missing pod, an extra address, a wrong node and a Linux node", () => {
      const problems = endpointSliceProblems(
        [slice(ep("10.244.3.2", "win-webserver-a", "hc-linux-1"), ep("10.244.9.9", "stranger", "hc-win2022-1"))],
        pods,
        win,
      );
      expect(problems.join("\n")).to.match(/10\.244\.9\.9 \(stranger\) as ready, but it is not one of the ready pods/);
      expect(problems.join("\n")).to.match(/10\.244\.3\.2 \(win-webserver-a\) says node hc-linux-1, the pod runs on hc-win2022-1/);
      expect(problems.join("\n")).to.match(/is on node hc-linux-1, which is not a Windows node/);
      expect(problems.join("\n")).to.match(/ready pod win-webserver-b \(10\.244\.4\.2 on hc-win2022-2\) is missing/);
    });

    it("flags duplicates", () => {
      const s = slice(ep("10.244.3.2", "win-webserver-a", "hc-win2022-1"), ep("10.244.4.2", "win-webserver-b", "hc-win2022-2"));
      expect(endpointSliceProblems([s, s], pods, win)).to.include("10.244.3.2 is listed 2 times");
    });
  });

  describe("DNS names", () => {
    it("reads the cluster domain from a Linux resolv.conf", () => {
      const text = "search hc-x.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n";
      expect(searchesFromResolvConf(text)).to.deep.equal(["hc-x.svc.cluster.local", "svc.cluster.local", "cluster.local"]);
      expect(clusterDomainFrom(searchesFromResolvConf(text), "hc-x")).to.equal("cluster.local");
      expect(clusterDomainFrom(["hc-x.svc.corp.example."], "hc-x")).to.equal("corp.example");
      expect(clusterDomainFrom(["example.com"], "hc-x")).to.equal(undefined);
    });

    it("reads the DNS suffix search list from Windows ipconfig /all", () => {
      const text = [
        "Windows IP Configuration",
        "",
        "   Host Name . . . . . . . . . . . . : WINDOWS-CLIENT",
        "   DNS Suffix Search List. . . . . . : hc-x.svc.cluster.local",
        "                                       svc.cluster.local",
        "                                       cluster.local",
        "",
        "Ethernet adapter vEthernet (Ethernet):",
      ].join("\r\n");
      expect(searchesFromIpconfig(text)).to.deep.equal(["hc-x.svc.cluster.local", "svc.cluster.local", "cluster.local"]);
      expect(clusterDomainFrom(searchesFromIpconfig(text), "HC-X")).to.equal("cluster.local");
      expect(searchesFromIpconfig("nothing here")).to.deep.equal([]);
    });
  });

  describe("NodePort from the runner", () => {
    let server: http.Server;
    let port: number;
    before(async () => {
      server = http.createServer((req, res) => {
        if (req.url === "/fail") return void res.writeHead(503).end("down");
        res.writeHead(200, { "content-type": "text/html" }).end("<H1>Windows Container Web Server</H1>");
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      port = (server.address() as AddressInfo).port;
    });
    after(() => server.close());

    it("fetches the page over real HTTP and reports errors as the socket names them", async () => {
      expect(await httpFromRunner("127.0.0.1", port, "/", 2000)).to.deep.equal({ ok: true, status: 200, body: "<H1>Windows Container Web Server</H1>" });
      expect(await httpFromRunner("127.0.0.1", port, "/fail", 2000)).to.deep.include({ ok: false, status: 503, error: "HTTP 503" });
      const closed = await new Promise<number>((r) => {
        const s = http.createServer().listen(0, "127.0.0.1", () => {
          const p = (s.address() as AddressInfo).port;
          s.close(() => r(p));
        });
      });
      expect((await httpFromRunner("127.0.0.1", closed, "/", 2000)).error).to.equal("connection refused (ECONNREFUSED)");
    });

    it("checks from the runner when every node address answers on its kubelet port, else from a host-network pod", async () => {
      const nodes = [{ name: "n1", os: "windows", ip: "127.0.0.1", kubeletPort: port }];
      expect((await chooseNodePortVantage(nodes, 1000, undefined)).from).to.equal("runner");
      const unreachable = await chooseNodePortVantage([...nodes, { name: "n2", os: "linux", ip: "127.0.0.1", kubeletPort: 1 }], 1000, undefined);
      expect(unreachable.from).to.equal("host-network pod");
      expect(unreachable.why).to.match(/cannot reach node address\(es\) n2 127\.0\.0\.1:1 \(connection refused/);
      expect((await chooseNodePortVantage(nodes, 1000, "pod")).from).to.equal("host-network pod");
    });

    it("reads node addresses (InternalIP, else ExternalIP) and kubelet ports from Node objects", () => {
      const node = (name: string, addresses: k8s.V1NodeAddress[]): k8s.V1Node => ({
        metadata: { name, labels: { "kubernetes.io/os": "windows" } },
        status: { addresses, daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
      });
      expect(
        nodeAddresses([
          node("a", [
            { type: "Hostname", address: "a" },
            { type: "InternalIP", address: "10.0.0.4" },
          ]),
          node("b", [{ type: "ExternalIP", address: "1.2.3.4" }]),
          node("c", []),
        ]),
      ).to.deep.equal([
        { name: "a", os: "windows", ip: "10.0.0.4", kubeletPort: 10250 },
        { name: "b", os: "windows", ip: "1.2.3.4", kubeletPort: 10250 },
      ]);
    });

    it("turns linux-client into a host-network helper that opens no port", () => {
      const objs = [
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "linux-client", labels: { app: "linux-client" } },
          spec: { containers: [{ name: "agnhost", args: ["netexec"], ports: [{ containerPort: 8080 }] }] },
        },
      ];
      asHostNetworkClient(objs);
      const pod = objs[0] as unknown as k8s.V1Pod;
      expect(pod.metadata!.name).to.equal("hostnet-client");
      expect(pod.spec).to.deep.include({ hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" });
      expect(pod.spec!.containers[0]).to.deep.equal({ name: "agnhost", args: ["pause"] });
    });
  });
});
