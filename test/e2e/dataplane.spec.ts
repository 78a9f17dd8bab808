// The emulated data plane through the real API: what containers serve and print, what `exec` answers, how
// addresses resolve, identity and image compatibility, logs, probes and lifecycle. Everything is observed the
// way a conformance check observes a real cluster: client-node exec, pod logs, pod status, events and
// EndpointSlices, plus real HTTP from the runner to NodePorts. (Issue 3, "What to build" 1–6.)
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { useNamespace } from "../support/local-cluster.js";
import {
  Workbench,
  containerStatus,
  eventually,
  gmsaDomain,
  gmsaPod,
  grantGmsa,
  httpGet,
  images,
  isReady,
  linuxPod,
  timeoutMs,
  winWebserverPod,
  windowsPod,
} from "../support/dataplane.js";
import { waits } from "../../lib/cluster/waits.js";

const crlfOnly = (s: string) => s.includes("\r\n") && !/[^\r]\n/.test(s);
const lfOnly = (s: string) => s.includes("\n") && !s.includes("\r");

describe("emulated data plane, through the real API", function () {
  this.timeout(180_000);
  const { kc, ns } = useNamespace("hc-dp");
  const wb = () => new Workbench(kc, ns());

  // ---- 1. workloads ---------------------------------------------------------------------------------------

  describe("workloads keyed by image and command", () => {
    it("win-webserver serves the docs' page with per-caller counts to curl.exe and curl (pod IP, ClusterIP, FQDN, NodePort from the runner) and prints each request", async () => {
      const w = wb();
      const [web, win] = await w.ready(winWebserverPod("web", { role: "web" }), windowsPod("win"), linuxPod("lin"));
      const svc = await w.service("win-webserver", { role: "web" }, 80, 80, "NodePort");
      await w.endpoints("win-webserver", [web.status!.podIP!]);
      const podIP = web.status!.podIP!;
      const clusterIP = svc.spec!.clusterIP!;
      const fqdn = `win-webserver.${ns()}.svc.cluster.local`;
      const page = (...rows: number[]) =>
        `<html><body><H1>Windows Container Web Server</H1>${rows.map((n) => `<p>IP ${podIP} callerCount ${n} `).join("")}</body></html>`;

      // Callers are counted per client address: the Windows client three times, then the Linux client.
      const viaPodIP = await w.exec("win", ["curl.exe", "-s", `http://${podIP}/`]);
      expect(viaPodIP).to.include({ exitCode: 0, stdout: page(1) });
      expect((await w.exec("win", ["curl.exe", "-s", `http://${clusterIP}/`])).stdout).to.equal(page(2));
      expect((await w.exec("win", ["C:\\Windows\\System32\\curl.exe", "-s", `http://${fqdn}/`])).stdout).to.equal(page(3));
      expect((await w.exec("lin", ["curl", "-s", `http://${podIP}/`])).stdout).to.equal(page(3, 1));
      expect((await w.exec("lin", ["curl", "-s", `http://${fqdn}/`])).stdout).to.equal(page(3, 2));

      // The NodePort is a real listener on the node's loopback address: a real GET from the test process.
      const nodeIP = await w.nodeAddress(win.spec!.nodeName!);
      expect(nodeIP).to.match(/^127\./);
      const nodePort = svc.spec!.ports![0].nodePort!;
      const res = await httpGet(`http://${nodeIP}:${nodePort}/`);
      expect(res.status).to.equal(200);
      expect(res.headers.server).to.equal("Microsoft-HTTPAPI/2.0");
      // Behind a NodePort the source is SNATed to the node: a third caller.
      expect(res.body).to.equal(page(3, 2, 1));

      const log = (await w.logs("web", { container: "windowswebserver" })).split("\n");
      expect(log[0]).to.equal("Listening at http://*:80/");
      for (const url of [`http://${podIP}/`, `http://${clusterIP}/`, `http://${fqdn}/`, `http://${nodeIP}:${nodePort}/`]) expect(log).to.include(`> ${url}`);
      expect(log.filter((l) => l === "< 200")).to.have.length(6);
      expect(log).to.include(page(3, 2, 1));
    });

    it("a ClusterIP spreads requests over the ready endpoints of the Service's EndpointSlices", async () => {
      const w = wb();
      const pods = await w.ready(winWebserverPod("web-a", { role: "web" }), winWebserverPod("web-b", { role: "web" }), linuxPod("lin"));
      const ips = pods.slice(0, 2).map((p) => p.status!.podIP!);
      const svc = await w.service("web", { role: "web" }, 8000, 80);
      await w.endpoints("web", ips);
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) {
        // Service port 8000 reaches the pods' targetPort 80.
        const r = await w.exec("lin", ["curl", "-sf", `http://${svc.spec!.clusterIP}:8000/`]);
        expect(r.exitCode, r.stderr).to.equal(0);
        seen.add(/<p>IP (\S+) callerCount/.exec(r.stdout)![1]);
      }
      expect([...seen]).to.have.members(ips);
    });

    it("IIS answers its default page on :80, and 404 for anything else", async () => {
      const w = wb();
      const [iis] = await w.ready(windowsPod("iis", { image: images.iis }), linuxPod("lin"));
      const head = await w.exec("lin", ["curl", "-si", `http://${iis.status!.podIP}/`], { keepCRLF: true });
      expect(head.stdout).to.match(/^HTTP\/1\.1 200 OK\r\n/);
      expect(head.stdout).to.contain("Server: Microsoft-IIS/10.0\r\n");
      expect(head.stdout).to.contain("<title>IIS Windows Server</title>");
      const missing = await w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${iis.status!.podIP}/nope.htm`]);
      expect(missing.stdout).to.equal("404");
    });

    it("agnhost netexec and serve-hostname answer as upstream's e2e images do", async () => {
      const w = wb();
      const [netexec, serve, lin] = await w.ready(
        windowsPod("netexec", { image: images.agnhost, args: ["netexec", "--http-port=8080"] }),
        linuxPod("serve", { image: images.agnhost, args: ["serve-hostname"] }),
        linuxPod("lin"),
      );
      const n = netexec.status!.podIP!;
      expect((await w.exec("lin", ["curl", "-s", `http://${n}:8080/hostname`])).stdout).to.equal("netexec");
      expect((await w.exec("lin", ["curl", "-s", `http://${n}:8080/echo?msg=hello`])).stdout).to.equal("hello");
      const code = await w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${n}:8080/echo?msg=x&code=503`]);
      expect(code.stdout).to.equal("503");
      expect((await w.exec("lin", ["curl", "-s", `http://${serve.status!.podIP}:9376/`])).stdout).to.equal("serve");
      expect(await w.logs("netexec")).to.match(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Started HTTP server on port 8080$/m);
      expect(await w.logs("netexec")).to.match(/ GET \/hostname$/m);
      expect(await w.logs("serve")).to.match(
        new RegExp(`^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d HTTP request from ${lin.status!.podIP!.replace(/\./g, "\\.")}:\\d+$`, "m"),
      );
    });

    it("nginx serves its welcome page and writes a combined-format access line per request", async () => {
      const w = wb();
      const [nginx, lin] = await w.ready(linuxPod("nginx", { image: images.nginx }), linuxPod("lin"));
      const r = await w.exec("lin", ["curl", "-s", `http://${nginx.status!.podIP}/`]);
      expect(r.stdout).to.contain("<title>Welcome to nginx!</title>");
      expect(await w.logs("nginx")).to.match(
        new RegExp(`^${lin.status!.podIP!.replace(/\./g, "\\.")} - - \\[[^\\]]+\\] "GET / HTTP/1\\.1" 200 \\d+ "-" "curl/[\\d.]+" "-"$`, "m"),
      );
    });

    it("a LogMonitor-wrapped IIS puts its W3C access log (the configured File source) on stdout", async () => {
      const w = wb();
      await w.core.createNamespacedConfigMap({
        namespace: ns(),
        body: {
          metadata: { name: "logmonitor-config" },
          data: {
            "LogMonitorConfig.json": JSON.stringify({
              LogConfig: { sources: [{ type: "File", directory: "c:\\inetpub\\logs", filter: "*.log", includeSubdirectories: true }] },
            }),
          },
        },
      });
      const [iis] = await w.ready(
        windowsPod(
          "iis",
          {
            image: images.iisLogMonitor,
            command: ["C:\\LogMonitor\\LogMonitor.exe", "C:\\ServiceMonitor.exe", "w3svc"],
            volumeMounts: [{ name: "cfg", mountPath: "C:\\LogMonitor\\" }],
          },
          { spec: { volumes: [{ name: "cfg", configMap: { name: "logmonitor-config" } }] } },
        ),
        linuxPod("lin"),
      );
      expect((await w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${iis.status!.podIP}/`])).stdout).to.equal("200");
      const lines = (await w.logs("iis"))
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { Source: string; LogEntry: { Logline: string } });
      const file = lines.filter((l) => l.Source === "File").map((l) => l.LogEntry.Logline);
      expect(
        file.some((l) => l.includes(` GET / - 80 - `) && l.endsWith(" 200 0 0 1")),
        JSON.stringify(lines),
      ).to.equal(true);
    });
  });

  // ---- 2. exec --------------------------------------------------------------------------------------------

  describe("exec answers as a real container does", () => {
    it("Windows output ends lines with CRLF, Linux output with LF", async () => {
      const w = wb();
      await w.ready(windowsPod("win"), linuxPod("lin"));
      const win = await w.exec("win", ["cmd", "/c", "echo one& echo two"], { keepCRLF: true });
      expect(win.stdout).to.equal("one\r\ntwo\r\n");
      const ps = await w.exec("win", ["powershell", "-Command", "Write-Output a b"], { keepCRLF: true });
      expect(ps.stdout).to.equal("a\r\nb\r\n");
      expect(crlfOnly((await w.exec("win", ["ipconfig"], { keepCRLF: true })).stdout)).to.equal(true);
      const lin = await w.exec("lin", ["sh", "-c", "echo one; echo two"], { keepCRLF: true });
      expect(lin.stdout).to.equal("one\ntwo\n");
      expect(lfOnly(lin.stdout)).to.equal(true);
    });

    it("PowerShell: Invoke-WebRequest, Resolve-DnsName, Test-NetConnection, Get-Content and $env:NAME", async () => {
      const w = wb();
      const [web] = await w.ready(winWebserverPod("web", { role: "web" }), windowsPod("win", { env: [{ name: "GREETING", value: "hello-from-env" }] }));
      const svc = await w.service("web", { role: "web" }, 80);
      await w.endpoints("web", [web.status!.podIP!]);
      const ps = (script: string) => w.exec("win", ["powershell.exe", "-Command", script]);

      const iwr = await ps(`(Invoke-WebRequest -UseBasicParsing http://web).StatusCode; (Invoke-WebRequest -UseBasicParsing http://web).Content`);
      expect(iwr.exitCode).to.equal(0);
      expect(iwr.stdout).to.match(/^200\n<html><body><H1>Windows Container Web Server<\/H1>/);
      // Windows PowerShell 5.1 without -UseBasicParsing needs Internet Explorer, which Server Core lacks.
      const ie = await ps("Invoke-WebRequest http://web");
      expect(ie.exitCode).to.equal(1);
      expect(ie.stderr).to.contain("The response content cannot be parsed because the Internet Explorer engine is not available");

      const dns = await ps("Resolve-DnsName web");
      expect(dns.stdout).to.match(
        new RegExp(`^web\\.${ns()}\\.svc\\.cluster\\.local\\s+A\\s+5\\s+Answer\\s+${svc.spec!.clusterIP!.replace(/\./g, "\\.")}$`, "m"),
      );
      const nx = await ps("Resolve-DnsName no-such-service");
      expect(nx.exitCode).to.equal(1);
      expect(nx.stderr).to.contain("no-such-service : DNS name does not exist");
      expect(nx.stderr).to.contain("FullyQualifiedErrorId : DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName");

      const tnc = await ps(`Test-NetConnection ${svc.spec!.clusterIP} -Port 80`);
      expect(tnc.stdout).to.match(/^TcpTestSucceeded : True\r?$/m);
      const closed = await ps(`Test-NetConnection ${web.status!.podIP} -Port 81`);
      expect(closed.stdout).to.contain(`WARNING: TCP connect to (${web.status!.podIP} : 81) failed`);
      expect(closed.stdout).to.match(/^PingSucceeded\s+: True$/m);
      expect(closed.stdout).to.match(/^TcpTestSucceeded\s+: False$/m);
      expect((await ps("Test-NetConnection web -Port 80 -InformationLevel Quiet")).stdout).to.equal("True\n");

      expect((await ps("$env:GREETING")).stdout).to.equal("hello-from-env\n");
      // hostname prints the pod name; %COMPUTERNAME% is the upper-cased NetBIOS name.
      expect((await ps("Write-Output $env:COMPUTERNAME")).stdout).to.equal("WIN\n");
      expect((await ps("Get-Content C:\\Windows\\System32\\drivers\\etc\\hosts")).stdout).to.contain("127.0.0.1 localhost");
    });

    it("cmd /c, whoami, hostname, nslookup and ipconfig on Windows", async () => {
      const w = wb();
      const [win] = await w.ready(windowsPod("win"));
      expect((await w.exec("win", ["cmd", "/c", "echo %USERNAME%"])).stdout).to.equal("ContainerAdministrator\n");
      expect((await w.exec("win", ["cmd.exe", "/c", "type C:\\Windows\\System32\\drivers\\etc\\hosts"])).stdout).to.contain("localhost");
      expect((await w.exec("win", ["whoami"])).stdout).to.equal("user manager\\containeradministrator\n");
      expect((await w.exec("win", ["hostname"])).stdout).to.equal("win\n");
      const ns1 = await w.exec("win", ["nslookup", "kubernetes.default.svc.cluster.local"]);
      expect(ns1.stdout).to.equal("Server:  UnKnown\nAddress:  10.96.0.10\n\nName:    kubernetes.default.svc.cluster.local\nAddress:  10.96.0.1\n\n");
      const ip = await w.exec("win", ["ipconfig", "/all"]);
      expect(ip.stdout).to.contain("Windows IP Configuration");
      expect(ip.stdout).to.contain(`   IPv4 Address. . . . . . . . . . . : ${win.status!.podIP}(Preferred)`);
      expect(ip.stdout).to.contain("   DNS Servers . . . . . . . . . . . : 10.96.0.10");
      expect(ip.stdout).to.contain(`   DNS Suffix Search List. . . . . . : ${ns()}.svc.cluster.local`);
    });

    it("nltest on a GMSA pod: /query, /parentdomain and /sc_verify against the credential spec's domain", async () => {
      const w = wb();
      const gmsa = await grantGmsa(kc, ns());
      try {
        await w.ready(gmsaPod("gmsa", gmsa.credSpec), windowsPod("plain"));
        const p = await w.pod("gmsa");
        // The webhook expanded the name into the full credential spec JSON on admission.
        expect(JSON.parse(p.spec!.securityContext!.windowsOptions!.gmsaCredentialSpec!).DomainJoinConfig.DnsName).to.equal(gmsaDomain);
        const query = await w.exec("gmsa", ["nltest", "/query"]);
        expect(query.exitCode).to.equal(0);
        expect(query.stdout).to.contain("Trusted DC Connection Status Status = 0 0x0 NERR_Success");
        expect((await w.exec("gmsa", ["nltest", "/parentdomain"])).stdout).to.equal(`${gmsaDomain}. (1)\nThe command completed successfully\n`);
        const verify = await w.exec("gmsa", ["nltest", `/sc_verify:${gmsaDomain}`]);
        expect(verify.stdout).to.contain(`Trusted DC Name \\\\DC1.${gmsaDomain}`);
        expect(verify.stdout).to.contain("Trust Verification Status = 0 0x0 NERR_Success");
        // A pod without a credential spec is not domain joined.
        const plain = await w.exec("plain", ["nltest", "/parentdomain"]);
        expect(plain.exitCode).to.equal(1);
        expect(plain.stdout).to.contain("ERROR_NO_SUCH_DOMAIN");
      } finally {
        await gmsa.remove();
      }
    });

    it("Linux: sh -c, cat, nc -vz and wget", async () => {
      const w = wb();
      const [web, lin] = await w.ready(
        linuxPod("web", { image: images.nginx }),
        linuxPod("lin"),
        linuxPod("bb", { command: ["sh", "-c", "echo started; sleep 3600"] }),
      );
      const sh = await w.exec("lin", ["sh", "-c", "echo $HOSTNAME; exit 3"]);
      expect(sh).to.include({ stdout: "lin\n", exitCode: 3 });
      expect((await w.exec("lin", ["cat", "/etc/resolv.conf"])).stdout).to.equal(
        `search ${ns()}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`,
      );
      expect((await w.exec("lin", ["cat", "/etc/hostname"])).stdout).to.equal("lin\n");
      expect((await w.exec("lin", ["grep", "nameserver", "/etc/resolv.conf"])).stdout).to.equal("nameserver 10.96.0.10\n");
      expect((await w.exec("lin", ["sh", "-c", "cat /etc/resolv.conf | wc -l"])).stdout.trim()).to.equal("3");
      const open = await w.exec("lin", ["nc", "-vz", web.status!.podIP!, "80"]);
      expect(open).to.include({ exitCode: 0, stderr: `Connection to ${web.status!.podIP} 80 port [tcp/http] succeeded!\n` });
      const refused = await w.exec("lin", ["nc", "-vz", web.status!.podIP!, "81"]);
      expect(refused).to.include({ exitCode: 1, stderr: `nc: connect to ${web.status!.podIP} port 81 (tcp) failed: Connection refused\n` });
      // busybox's own nc and wget in a busybox container.
      expect((await w.exec("bb", ["nc", "-vz", web.status!.podIP!, "80"])).stderr).to.equal(`${web.status!.podIP} (${web.status!.podIP}:80) open\n`);
      const wget = await w.exec("bb", ["wget", "-qO-", `http://${web.status!.podIP}/`]);
      expect(wget.exitCode).to.equal(0);
      expect(wget.stdout).to.contain("<h1>Welcome to nginx!</h1>");
      const wgetFail = await w.exec("bb", ["wget", "-q", "-O", "-", `http://${lin.status!.podIP}:9/`]);
      expect(wgetFail).to.include({ exitCode: 1, stderr: `wget: can't connect to remote host (${lin.status!.podIP}): Connection refused\n` });
      expect(await w.logs("bb")).to.equal("started\n");
    });

    it("an unknown command fails the way each OS (and the simulated kubelet) fails it", async () => {
      const w = wb();
      await w.ready(
        windowsPod("win"),
        windowsPod("nano", { image: images.nanoserver, command: ["ping", "-t", "localhost"] }),
        linuxPod("bb", { command: ["sh", "-c", "sleep 3600"] }),
      );
      // A name no image ships: kwok cannot start it (its own text, on both OSes; see docs/local-cluster.md).
      for (const [pod, cmd] of [
        ["win", "frobnicate.exe"],
        ["bb", "frobnicate"],
      ]) {
        const r = await w.exec(pod, [cmd]);
        expect(r.exitCode).to.equal(-1);
        expect(r.error).to.contain(`exec: "${cmd}": executable file not found in $PATH`);
      }
      // A known program the image does not ship: the container runtime's own message.
      const nanoPs = await w.exec("nano", ["powershell", "-Command", "1"]);
      expect(nanoPs.exitCode).to.equal(127);
      expect(nanoPs.stderr).to.equal("failed to exec in container: hcs::System::CreateProcess powershell: The system cannot find the file specified.\n");
      const bbCurl = await w.exec("bb", ["curl", "http://x/"]);
      expect(bbCurl.exitCode).to.equal(127);
      expect(bbCurl.stderr).to.equal(
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown\n',
      );
      // Through each OS's shell.
      const cmd = await w.exec("win", ["cmd", "/c", "frobnicate"], { keepCRLF: true });
      // cmd exits 9009; kwok runs the exec as a local process, so the API reports it modulo 256 (docs/local-cluster.md).
      expect(cmd).to.include({
        exitCode: 9009 % 256,
        stderr: "'frobnicate' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n",
      });
      const sh = await w.exec("bb", ["sh", "-c", "frobnicate"]);
      expect(sh).to.include({ exitCode: 127, stderr: "sh: frobnicate: not found\n" });
    });

    it("exec into a container that is not running fails", async () => {
      const w = wb();
      await w.create(
        windowsPod("win", [{ name: "c" }, { name: "broken", image: images.servercore2019 }], {
          spec: { nodeSelector: { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348" } },
        }),
      );
      await waits.podMatches(
        kc,
        ns(),
        "win",
        "to have a running container and one stuck pulling",
        { timeoutMs, allowReasons: ["ErrImagePull", "ImagePullBackOff"] },
        (p) =>
          !!p.status?.containerStatuses?.some((c) => c.name === "c" && c.state?.running) &&
          !!p.status?.containerStatuses?.some((c) => c.name === "broken" && c.state?.waiting),
      );
      // The kubelet's refusal (it looks among running containers only); see docs/local-cluster.md for how it travels.
      const r = await w.exec("win", ["cmd", "/c", "echo hi"], { container: "broken" });
      expect(r).to.include({ exitCode: 126, stdout: "", stderr: 'container not found ("broken")\n' });
      expect((await w.exec("win", ["cmd", "/c", "echo hi"])).stdout).to.equal("hi\n");
      // A finished pod: the API server lets the request through (kubectl refuses client-side), the kubelet refuses.
      await w.finished(linuxPod("done", { command: ["sh", "-c", "echo bye"] }));
      expect(await w.exec("done", ["sh", "-c", "echo hi"])).to.include({ exitCode: 126, stderr: 'container not found ("c")\n' });
    });
  });

  // ---- 3. addressing --------------------------------------------------------------------------------------

  describe("addressing is resolved by the emulator", () => {
    it("short Service names: Linux resolves <svc> and <svc>.<ns>; Windows resolves <svc> but not <svc>.<ns>", async () => {
      const w = wb();
      const [web] = await w.ready(linuxPod("web", { image: images.nginx }), windowsPod("win"), linuxPod("lin"));
      const svc = await w.service("web", { app: "web" }, 80);
      await w.endpoints("web", [web.status!.podIP!]);
      for (const name of ["web", `web.${ns()}`, `web.${ns()}.svc.cluster.local`]) {
        const r = await w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{remote_ip}", `http://${name}/`]);
        expect(r.stdout, name).to.equal(`200 ${svc.spec!.clusterIP}`);
      }
      expect((await w.exec("win", ["curl.exe", "-s", "-o", "NUL", "-w", "%{http_code}", "http://web/"])).stdout).to.equal("200");
      expect((await w.exec("win", ["curl.exe", "-s", "-o", "NUL", "-w", "%{http_code}", `http://web.${ns()}.svc.cluster.local/`])).stdout).to.equal("200");
      const two = await w.exec("win", ["curl.exe", "-sS", `http://web.${ns()}/`]);
      expect(two).to.include({ exitCode: 6, stderr: `curl: (6) Could not resolve host: web.${ns()}\n` });
      const look = await w.exec("win", ["nslookup", `web.${ns()}`]);
      expect(look.stderr).to.equal(`*** UnKnown can't find web.${ns()}: Non-existent domain\n`);
    });

    it("egress reaches the one external host from both OSes; other external names do not resolve", async () => {
      const w = wb();
      await w.ready(windowsPod("win"), linuxPod("lin"));
      const lin = await w.exec("lin", ["curl", "-s", "http://www.example.com/"]);
      expect(lin.stdout).to.contain("<title>Example Domain</title>");
      const win = await w.exec("win", ["powershell", "-Command", "(Invoke-WebRequest -UseBasicParsing http://www.example.com).StatusCode"]);
      expect(win.stdout).to.equal("200\n");
      expect((await w.exec("lin", ["nslookup", "www.example.com"])).stdout).to.contain("Non-authoritative answer:");
      const other = await w.exec("lin", ["curl", "-sS", "http://www.example.org/"]);
      expect(other).to.include({ exitCode: 6, stderr: "curl: (6) Could not resolve host: www.example.org\n" });
    });
  });

  // ---- 4. identity and compatibility ----------------------------------------------------------------------

  describe("identity and image compatibility", () => {
    const echoUser = ["cmd", "/c", "echo %USERNAME%"];

    it("runAsUserName: the image's default user, the pod's, and the container's over the pod's", async () => {
      const w = wb();
      const cases: [string, k8s.V1Pod, string][] = [
        ["servercore-default", windowsPod("servercore-default", { command: echoUser }), "ContainerAdministrator"],
        ["nanoserver-default", windowsPod("nanoserver-default", { image: images.nanoserver, command: echoUser }), "ContainerUser"],
        [
          "pod-level",
          windowsPod("pod-level", { command: echoUser }, { spec: { securityContext: { windowsOptions: { runAsUserName: "ContainerUser" } } } }),
          "ContainerUser",
        ],
        [
          "container-over-pod",
          windowsPod(
            "container-over-pod",
            { command: echoUser, securityContext: { windowsOptions: { runAsUserName: "ContainerAdministrator" } } },
            { spec: { securityContext: { windowsOptions: { runAsUserName: "ContainerUser" } } } },
          ),
          "ContainerAdministrator",
        ],
      ];
      for (const [name, pod, user] of cases) {
        const done = await w.finished(pod);
        expect(done.status!.phase, name).to.equal("Succeeded");
        expect(containerStatus(done).state!.terminated).to.include({ exitCode: 0, reason: "Completed" });
        expect(await w.logs(name), name).to.equal(`${user}\n`);
      }
    });

    it("an unknown container user fails the start as containerd does (StartError, exit 128)", async () => {
      const w = wb();
      await w.create(windowsPod("nobody", { securityContext: { windowsOptions: { runAsUserName: "NoSuchUser" } } }));
      const p = await waits.podMatches(kc, ns(), "nobody", "to fail its start", { timeoutMs, allowReasons: ["StartError", "CrashLoopBackOff"] }, (x) => {
        const cs = x.status?.containerStatuses?.[0];
        return cs?.state?.terminated?.reason === "StartError" || cs?.lastState?.terminated?.reason === "StartError";
      });
      const cs = containerStatus(p);
      const t = cs.state!.terminated ?? cs.lastState!.terminated!;
      expect(t.exitCode).to.equal(128);
      expect(t.message).to.match(
        /^failed to create containerd task: failed to create shim task: hcs::CreateComputeSystem [0-9a-f]{64}: The user name or password is incorrect\.: unknown$/,
      );
      const ev = await w.event("nobody", "Failed", (e) => e.message!.includes("The user name or password is incorrect."));
      expect(ev.type).to.equal("Warning");
    });

    it("an unknown pod-level user fails the sandbox (FailedCreatePodSandBox) and the pod stays Pending", async () => {
      const w = wb();
      await w.create(windowsPod("nobody", {}, { spec: { securityContext: { windowsOptions: { runAsUserName: "NoSuchUser" } } } }));
      const ev = await w.event("nobody", "FailedCreatePodSandBox");
      expect(ev.type).to.equal("Warning");
      expect(ev.message).to.match(
        /^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: hcs::CreateComputeSystem [0-9a-f]+: The user name or password is incorrect\.: unknown$/,
      );
      const p = await w.pod("nobody");
      expect(p.status!.phase).to.equal("Pending");
      expect(p.status!.podIP).to.equal(undefined);
    });

    it("runAsNonRoot with ContainerAdministrator is refused with the kubelet's message (CreateContainerConfigError)", async () => {
      const w = wb();
      await w.create(windowsPod("nonroot", { securityContext: { runAsNonRoot: true, windowsOptions: { runAsUserName: "ContainerAdministrator" } } }));
      const p = await waits.podMatches(
        kc,
        ns(),
        "nonroot",
        "to be refused",
        { timeoutMs, allowReasons: ["CreateContainerConfigError"] },
        (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CreateContainerConfigError",
      );
      const msg = containerStatus(p).state!.waiting!.message!;
      expect(msg).to.equal(
        `container's runAsUserName (ContainerAdministrator) which will be regarded as root identity and will break non-root policy (pod: "nonroot_${ns()}(${p.metadata!.uid})", container: c)`,
      );
      expect((await w.event("nonroot", "Failed")).message).to.equal(`Error: ${msg}`);
    });

    it("an ltsc2019 image on a Windows Server 2022 node fails to pull: no match for platform in manifest", async () => {
      const w = wb();
      await w.create(
        windowsPod(
          "old",
          { image: images.servercore2019, command: ["ping", "-t", "localhost"] },
          { spec: { nodeSelector: { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348" } } },
        ),
      );
      const p = await waits.podMatches(kc, ns(), "old", "to fail pulling", { timeoutMs, allowReasons: ["ErrImagePull", "ImagePullBackOff"] }, (x) =>
        ["ErrImagePull", "ImagePullBackOff"].includes(x.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? ""),
      );
      expect(containerStatus(p).state!.waiting!.message).to.contain(
        '"mcr.microsoft.com/windows/servercore:ltsc2019": no match for platform in manifest: not found',
      );
      const failed = await w.event("old", "Failed", (e) => e.message!.startsWith("Failed to pull image"));
      expect(failed.message).to.equal(
        'Failed to pull image "mcr.microsoft.com/windows/servercore:ltsc2019": rpc error: code = NotFound desc = failed to pull and unpack image "mcr.microsoft.com/windows/servercore:ltsc2019": no match for platform in manifest: not found',
      );
      await w.event("old", "Failed", (e) => e.message === "Error: ErrImagePull");
      await w.event("old", "BackOff", (e) => e.message === 'Back-off pulling image "mcr.microsoft.com/windows/servercore:ltsc2019"');
      expect((await w.events("old")).map((e) => e.reason)).to.include.members(["Scheduled", "Pulling", "Failed", "BackOff"]);
    });
  });

  // ---- 5. logs --------------------------------------------------------------------------------------------

  describe("logs through the API", () => {
    it("current log with tailLines and timestamps", async () => {
      const w = wb();
      await w.ready(linuxPod("lin", { command: ["sh", "-c", "echo one; echo two; echo three; sleep 3600"] }));
      expect(await w.logs("lin")).to.equal("one\ntwo\nthree\n");
      expect(await w.logs("lin", { tailLines: 2 })).to.equal("two\nthree\n");
      const stamped = (await w.logs("lin", { timestamps: true })).split("\n").filter(Boolean);
      expect(stamped).to.have.length(3);
      for (const [i, l] of stamped.entries()) {
        const [ts, text] = [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)];
        expect(text).to.equal(["one", "two", "three"][i]);
        expect(ts).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
        expect(Math.abs(Date.parse(ts) - Date.now())).to.be.lessThan(120_000);
      }
    });

    it("follow streams lines as the container writes them", async () => {
      const w = wb();
      const [web] = await w.ready(winWebserverPod("web"), linuxPod("lin"));
      const stream = await w.follow("web", "windowswebserver");
      try {
        // Nothing may be fixed-delay here: wait for the stream to deliver what is already written, then make more.
        await eventually("the followed log to show the banner", async () => (stream.text().includes("Listening at http://*:80/") ? true : undefined));
        expect((await w.exec("lin", ["curl", "-s", `http://${web.status!.podIP}/followed`])).exitCode).to.equal(0);
        await eventually("the request to appear in the followed log", async () =>
          stream.text().includes(`> http://${web.status!.podIP}/followed`) ? true : undefined,
        );
      } finally {
        stream.stop();
      }
    });
  });

  // ---- 6. probes and lifecycle ----------------------------------------------------------------------------

  describe("probes, lifecycle hooks, configuration and resources", () => {
    it("a failing readiness probe keeps the pod NotReady and out of the EndpointSlice until it passes", async () => {
      const w = wb();
      const probe: k8s.V1Probe = { exec: { command: ["cat", "/tmp/ready"] }, periodSeconds: 1, failureThreshold: 1 };
      const [good] = await w.ready(
        linuxPod("good", { command: ["sh", "-c", "echo ok > /tmp/ready; sleep 3600"], readinessProbe: probe }, { labels: { role: "web" } }),
      );
      await w.create(linuxPod("late", { command: ["sh", "-c", "sleep 3600"], readinessProbe: probe }, { labels: { role: "web" } }));
      await w.service("web", { role: "web" }, 80);
      const unhealthy = await w.event("late", "Unhealthy");
      expect(unhealthy.message).to.equal("Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory");
      const late = await waits.podRunning(kc, ns(), "late", { timeoutMs });
      expect(isReady(late)).to.equal(false);
      expect(late.status!.conditions!.find((c) => c.type === "Ready")).to.include({ status: "False", reason: "ContainersNotReady" });
      // The endpoints controller lists it, not ready; routing uses only the ready one.
      await w.endpoints("web", [good.status!.podIP!]);
      const slices = await kc
        .makeApiClient(k8s.DiscoveryV1Api)
        .listNamespacedEndpointSlice({ namespace: ns(), labelSelector: "kubernetes.io/service-name=web" });
      const lateEp = slices.items.flatMap((s) => s.endpoints ?? []).find((e) => e.addresses.includes(late.status!.podIP!));
      expect(lateEp?.conditions?.ready).to.equal(false);

      await w.exec("late", ["sh", "-c", "echo ok > /tmp/ready"]);
      await waits.podReady(kc, ns(), "late", { timeoutMs });
      await w.endpoints("web", [good.status!.podIP!, late.status!.podIP!]);
    });

    it("a failing liveness probe restarts the container: Killing, restartCount, lastState and previous logs", async () => {
      const w = wb();
      await w.create(
        windowsPod("sick", {
          image: images.agnhost,
          args: ["netexec", "--http-port=8080"],
          livenessProbe: { httpGet: { path: "/echo?code=500", port: 8080 }, periodSeconds: 1, failureThreshold: 2 },
        }),
      );
      const unhealthy = await w.event("sick", "Unhealthy");
      expect(unhealthy.message).to.equal("Liveness probe failed: HTTP probe failed with statuscode: 500");
      const killing = await w.event("sick", "Killing");
      expect(killing.message).to.equal("Container c failed liveness probe, will be restarted");
      const p = await waits.podMatches(
        kc,
        ns(),
        "sick",
        "to be restarted once",
        { timeoutMs, allowReasons: ["CrashLoopBackOff"] },
        (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
      );
      const cs = containerStatus(p);
      expect(cs.lastState!.terminated).to.include({ reason: "Error" });
      expect(Date.parse(String(cs.lastState!.terminated!.finishedAt))).to.be.greaterThan(Date.parse(String(cs.lastState!.terminated!.startedAt)) - 1);
      const previous = await w.logs("sick", { previous: true });
      expect(previous).to.match(/Started HTTP server on port 8080\n/);
      expect(previous).to.contain("GET /echo?msg=&code=500");
    });

    it("a startup probe holds readiness back until it passes, without restarting the container", async () => {
      const w = wb();
      const started: k8s.V1Probe = { exec: { command: ["cmd", "/c", "type C:\\started.txt"] }, periodSeconds: 1, failureThreshold: 120 };
      await w.create(
        windowsPod("slow", { startupProbe: started, readinessProbe: { ...started, failureThreshold: 1 }, livenessProbe: { ...started, failureThreshold: 1 } }),
      );
      const ev = await w.event("slow", "Unhealthy");
      expect(ev.message).to.equal("Startup probe failed: The system cannot find the file specified.");
      const before = await w.pod("slow");
      expect(containerStatus(before)).to.include({ started: false, ready: false, restartCount: 0 });
      expect((await w.events("slow")).some((e) => /^(Readiness|Liveness) probe failed/.test(e.message ?? ""))).to.equal(false);

      await w.exec("slow", ["cmd", "/c", "echo started> C:\\started.txt"]);
      const ready = await waits.podReady(kc, ns(), "slow", { timeoutMs });
      expect(containerStatus(ready)).to.include({ started: true, ready: true, restartCount: 0 });
    });

    it("postStart and preStop hooks run: exec hooks write into a shared emptyDir, an httpGet preStop reaches another pod", async () => {
      const w = wb();
      const [handler] = await w.ready(linuxPod("handler"));
      const hooked = windowsPod(
        "hooked",
        [
          {
            name: "app",
            lifecycle: {
              postStart: { exec: { command: ["cmd", "/c", "echo poststart> C:\\hooks\\poststart.txt"] } },
              preStop: { httpGet: { host: handler.status!.podIP!, port: 8080, path: "/echo?msg=prestop" } },
            },
            volumeMounts: [{ name: "hooks", mountPath: "C:\\hooks" }],
          },
          { name: "observer", volumeMounts: [{ name: "hooks", mountPath: "C:\\hooks" }] },
        ],
        { spec: { volumes: [{ name: "hooks", emptyDir: {} }], terminationGracePeriodSeconds: 5 } },
      );
      await w.ready(hooked);
      expect((await w.exec("hooked", ["cmd", "/c", "type C:\\hooks\\poststart.txt"], { container: "observer" })).stdout).to.equal("poststart\n");
      expect(await w.logs("handler")).to.not.contain("msg=prestop");

      await w.core.deleteNamespacedPod({ namespace: ns(), name: "hooked" });
      await w.event("hooked", "Killing", (e) => e.message === "Stopping container app");
      await eventually("the preStop request in the handler's log", async () =>
        (await w.logs("handler")).includes("GET /echo?msg=prestop") ? true : undefined,
      );
    });

    it("ConfigMap and Secret reach the container as env and as read-only volumes", async () => {
      const w = wb();
      await w.core.createNamespacedConfigMap({
        namespace: ns(),
        body: {
          metadata: { name: "win-config" },
          data: { GREETING: "hello-from-configmap", LOG_LEVEL: "debug", "app.ini": "[app]\ngreeting=hello-from-configmap-file\n" },
        },
      });
      await w.core.createNamespacedSecret({
        namespace: ns(),
        body: { metadata: { name: "win-secret" }, type: "Opaque", stringData: { password: "not-a-real-password" } },
      });
      await w.ready(
        windowsPod(
          "app",
          {
            env: [
              { name: "GREETING", valueFrom: { configMapKeyRef: { name: "win-config", key: "GREETING" } } },
              { name: "APP_PASSWORD", valueFrom: { secretKeyRef: { name: "win-secret", key: "password" } } },
            ],
            envFrom: [{ prefix: "CFG_", configMapRef: { name: "win-config" } }],
            volumeMounts: [
              { name: "config", mountPath: "C:\\config", readOnly: true },
              { name: "secret", mountPath: "C:\\secret", readOnly: true },
            ],
          },
          {
            spec: {
              volumes: [
                { name: "config", configMap: { name: "win-config" } },
                { name: "secret", secret: { secretName: "win-secret" } },
              ],
            },
          },
        ),
      );
      expect((await w.exec("app", ["cmd", "/c", "set GREETING"])).stdout).to.equal("GREETING=hello-from-configmap\n");
      expect((await w.exec("app", ["cmd", "/c", "echo %APP_PASSWORD%"])).stdout).to.equal("not-a-real-password\n");
      expect((await w.exec("app", ["powershell", "-Command", "$env:CFG_LOG_LEVEL"])).stdout).to.equal("debug\n");
      expect((await w.exec("app", ["cmd", "/c", "type C:\\config\\app.ini"])).stdout).to.equal("[app]\ngreeting=hello-from-configmap-file\n");
      expect((await w.exec("app", ["powershell", "-Command", "Get-Content C:\\secret\\password"])).stdout).to.equal("not-a-real-password\n");
      const write = await w.exec("app", ["cmd", "/c", "echo x> C:\\config\\new.txt"]);
      expect(write.exitCode).to.not.equal(0);
    });

    it("an emptyDir is shared by the containers of a pod: written in one, read in the other", async () => {
      const w = wb();
      const mount = [{ name: "shared", mountPath: "C:\\shared" }];
      await w.ready(
        windowsPod(
          "pair",
          [
            { name: "writer", command: ["cmd", "/c", "echo hello from the writer container> C:\\shared\\hello.txt && ping -t localhost"], volumeMounts: mount },
            { name: "reader", volumeMounts: mount },
          ],
          { spec: { volumes: [{ name: "shared", emptyDir: {} }] } },
        ),
      );
      expect((await w.exec("pair", ["cmd", "/c", "type C:\\shared\\hello.txt"], { container: "reader" })).stdout).to.equal("hello from the writer container\n");
      await w.exec("pair", ["powershell", "-Command", "Set-Content C:\\shared\\back.txt 'and back'"], { container: "reader" });
      expect((await w.exec("pair", ["cmd", "/c", "type C:\\shared\\back.txt"], { container: "writer" })).stdout).to.equal("and back\n");
    });

    it("resource limits are visible from inside the container", async () => {
      const w = wb();
      await w.ready(
        linuxPod("limited", {
          command: ["sh", "-c", "sleep 3600"],
          resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        }),
        linuxPod("unlimited", { command: ["sh", "-c", "sleep 3600"] }),
      );
      expect((await w.exec("limited", ["cat", "/sys/fs/cgroup/memory.max"])).stdout).to.equal(`${256 * 1024 * 1024}\n`);
      expect((await w.exec("limited", ["cat", "/sys/fs/cgroup/cpu.max"])).stdout).to.equal("50000 100000\n");
      expect((await w.exec("unlimited", ["cat", "/sys/fs/cgroup/memory.max"])).stdout).to.equal("max\n");
      const p = await w.pod("limited");
      expect(p.status!.qosClass).to.equal("Burstable");
    });
  });
});
