// Every named fault of the local cluster (localcluster/dataplane/faults.ts): switched on, it breaks the behaviour
// it names the way the real failure looks (statuses, events, error output, exit codes); a neighbouring behaviour
// keeps working; cleared, the healthy behaviour is back. Faults are scoped to the test's namespace or to one node
// wherever they can be, and every fault a test switched on is cleared in afterEach. (Issue 3, item 7.)
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { cli, expectOneLineError, useNamespace } from "../support/local-cluster.js";
import {
  FaultSwitch,
  Workbench,
  containerStatus,
  eventually,
  gmsaDomain,
  gmsaPod,
  grantGmsa,
  httpError,
  httpGet,
  images,
  isReady,
  linuxPod,
  timeoutMs,
  winWebserverPod,
  windowsPod,
} from "../support/dataplane.js";
import { loadCases } from "../../sensitivity/matrix.js";
import { waits } from "../../lib/cluster/waits.js";
import { waitOn } from "../../lib/cluster/watch.js";
import { faultCatalogue } from "../../localcluster/dataplane/faults.js";

/** The faults this file covers, one describe each: checked against the catalogue so a new fault needs a test. */
const covered = [
  "dns-down",
  "service-routing-broken",
  "nodeport-closed",
  "pod-network-partition",
  "egress-blocked",
  "image-pull-fails",
  "container-crashes",
  "readiness-never",
  "liveness-fails",
  "logs-empty",
  "logmonitor-file-source-dropped",
  "node-not-ready",
  "windows-taint-missing",
  "gmsa-webhook-down",
  "gmsa-domain-unreachable",
  "gmsa-webhook-no-update-rule",
  "username-unknown",
  "admission-rewrites-pods",
];
/**
 * Faults whose own proof (broken behaviour, neighbours intact, healthy after clearing) is a targeted case of
 * sensitivity/*.cases.ts, run by a test/e2e/sensitivity-*.spec.ts: read from those cases, not listed by hand.
 */
const provenBySensitivityCases = async () =>
  new Set((await loadCases()).flatMap((f) => f.cases.filter((c) => c.kind === "targeted" && Object.keys(c.breaks).length).map((c) => c.fault)));

/** Waits until the node satisfies `test`, watching it. */
function nodeMatches(kc: k8s.KubeConfig, name: string, what: string, test: (n: k8s.V1Node) => boolean): Promise<k8s.V1Node> {
  return waitOn<k8s.V1Node, k8s.V1Node>(
    kc,
    { path: "/api/v1/nodes", fieldSelector: `metadata.name=${name}` },
    `node ${name} ${what}`,
    ([n]) =>
      n && test(n) ? { done: n } : { pending: JSON.stringify({ conditions: n?.status?.conditions?.find((c) => c.type === "Ready"), taints: n?.spec?.taints }) },
    timeoutMs,
  );
}

const readyCondition = (n: k8s.V1Node) => n.status?.conditions?.find((c) => c.type === "Ready");
const hasWindowsTaint = (n: k8s.V1Node) => (n.spec?.taints ?? []).some((t) => t.key === "os" && t.value === "windows" && t.effect === "NoSchedule");

describe("faults on demand", function () {
  this.timeout(180_000);
  const { kc, ns } = useNamespace("hc-fault");
  const wb = () => new Workbench(kc, ns());
  const faults = new FaultSwitch();
  afterEach(async () => {
    await faults.clear();
  });

  it("the catalogue lists exactly the faults tested here, and `cluster fault list` shows them and the active ones", async () => {
    const proven = await provenBySensitivityCases();
    expect(
      Object.keys(faultCatalogue).filter((f) => !covered.includes(f) && !proven.has(f)),
      "faults with no proof here and no targeted sensitivity case",
    ).to.deep.equal([]);
    expect(
      covered.filter((f) => !(f in faultCatalogue)),
      "described here but not in the catalogue",
    ).to.deep.equal([]);
    expect(Object.keys(await FaultSwitch.catalogue())).to.have.members(Object.keys(faultCatalogue));
    const id = await faults.add("logs-empty", { namespace: ns() }, "cli");
    const list = cli(["cluster", "fault", "list"]);
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.match(new RegExp(`^  ${id}  logs-empty  \\{"namespace":"${ns()}"\\}  since `, "m"));
    for (const name of covered) expect(list.stdout).to.match(new RegExp(`^  ${name} +\\S`, "m"));
    await faults.remove(id, "cli");
    expect((await FaultSwitch.active()).map((f) => f.id)).to.not.include(id);
  });

  it("`cluster fault add --times N` makes a fault transient: listed with what is left, refused (one line, exit 2) for faults that are states", async () => {
    const add = cli(["cluster", "fault", "add", "container-crashes", "--namespace", ns(), "--times", "2"]);
    expect(add.code, add.stderr).to.equal(0);
    expect(add.stdout).to.match(/^fault (\S+) on: container-crashes \{"namespace":"[^"]+"\}, for the next 2 matching event\(s\)$/m);
    const id = /^fault (\S+) on/.exec(add.stdout)![1];
    try {
      expect(cli(["cluster", "fault", "list"]).stdout).to.match(new RegExp(`^  ${id}  container-crashes .*  2 of 2 event\\(s\\) left$`, "m"));
    } finally {
      cli(["cluster", "fault", "clear", id]);
    }
    expectOneLineError(
      cli(["cluster", "fault", "add", "node-not-ready", "--times", "1"]),
      /^hybrid-conformance: fault: times: only these faults can be transient: image-pull-fails, /,
    );
    expectOneLineError(cli(["cluster", "fault", "add", "dns-down", "--times", "0"]), /--times: "0" is not a positive whole number/);
    expect(await FaultSwitch.active()).to.deep.equal([]);
  });

  describe("dns-down", () => {
    it("cluster DNS stops answering: lookups time out (Linux) or SERVFAIL (Windows); addresses still route; cleared, names resolve", async () => {
      const w = wb();
      const [web] = await w.ready(linuxPod("web", { image: images.nginx }), linuxPod("lin"), windowsPod("win"));
      const svc = await w.service("web", { app: "web" }, 80);
      await w.endpoints("web", [web.status!.podIP!]);
      const id = await faults.add("dns-down", { namespace: ns() }, "cli");

      const look = await w.exec("lin", ["nslookup", "web"]);
      expect(look).to.include({
        exitCode: 1,
        stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n;; connection timed out; no servers could be reached\n\n",
      });
      expect(await w.exec("lin", ["curl", "-sS", "http://web/"])).to.include({ exitCode: 6, stderr: "curl: (6) Could not resolve host: web\n" });
      const rd = await w.exec("win", ["powershell", "-Command", "Resolve-DnsName web"]);
      expect(rd.exitCode).to.equal(1);
      expect(rd.stderr).to.contain("web : DNS server failure");
      expect(rd.stderr).to.contain("DNS_ERROR_RCODE_SERVER_FAILURE,Microsoft.DnsClient.Commands.ResolveDnsName");
      expect((await w.exec("win", ["nslookup", "web"])).stderr).to.equal("*** UnKnown can't find web: Server failed\n");

      // Not broken: traffic by address.
      expect((await w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${svc.spec!.clusterIP}/`])).stdout).to.equal("200");

      await faults.remove(id, "cli");
      expect((await w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://web/"])).stdout).to.equal("200");
      expect((await w.exec("win", ["powershell", "-Command", "(Resolve-DnsName web).IPAddress"])).stdout).to.equal(`${svc.spec!.clusterIP}\n`);
    });
  });

  describe("service-routing-broken", () => {
    it("ClusterIP traffic is dropped (connect timeouts); pod IPs and DNS still work; cleared, the ClusterIP answers", async () => {
      const w = wb();
      const [web] = await w.ready(winWebserverPod("web", { role: "web" }), linuxPod("lin"), windowsPod("win"));
      const svc = await w.service("web", { role: "web" }, 80);
      await w.endpoints("web", [web.status!.podIP!]);
      const cip = svc.spec!.clusterIP!;
      await faults.add("service-routing-broken", { namespace: ns() });

      expect(await w.exec("lin", ["curl", "-sS", "--connect-timeout", "2", `http://${cip}/`])).to.include({
        exitCode: 28,
        stderr: "curl: (28) Connection timed out after 2001 milliseconds\n",
      });
      expect(await w.exec("win", ["curl.exe", "-sS", `http://${cip}/`])).to.include({
        exitCode: 28,
        stderr: `curl: (28) Failed to connect to ${cip} port 80 after 21045 ms: Couldn't connect to server\n`,
      });
      const iwr = await w.exec("win", ["powershell", "-Command", "Invoke-WebRequest -UseBasicParsing http://web"]);
      expect(iwr.exitCode).to.equal(1);
      expect(iwr.stderr).to.match(/^Invoke-WebRequest : The operation has timed out\.\n/);

      // Not broken: the pod itself, and the name still resolves to the ClusterIP.
      expect((await w.exec("lin", ["curl", "-s", `http://${web.status!.podIP}/`])).stdout).to.contain("Windows Container Web Server");
      expect((await w.exec("lin", ["nslookup", "web"])).stdout).to.contain(`Address: ${cip}`);

      await faults.clear();
      expect((await w.exec("lin", ["curl", "-s", `http://${cip}/`])).stdout).to.contain("Windows Container Web Server");
    });
  });

  describe("nodeport-closed", () => {
    it("NodePorts refuse connections from the runner and from pods; the ClusterIP still works; cleared, the runner gets the page again", async () => {
      const w = wb();
      const [web] = await w.ready(winWebserverPod("web", { role: "web" }), linuxPod("lin"));
      const svc = await w.service("web", { role: "web" }, 80, 80, "NodePort");
      await w.endpoints("web", [web.status!.podIP!]);
      const nodeIP = await w.nodeAddress(web.spec!.nodeName!);
      const url = `http://${nodeIP}:${svc.spec!.ports![0].nodePort}/`;
      await eventually("the NodePort to answer", async () => ((await httpGet(url)).status === 200 ? true : undefined));
      await faults.add("nodeport-closed", { namespace: ns() });

      expect(await httpError(url)).to.equal("ECONNREFUSED");
      const inside = await w.exec("lin", ["curl", "-sS", url]);
      expect(inside).to.include({
        exitCode: 7,
        stderr: `curl: (7) Failed to connect to ${nodeIP} port ${svc.spec!.ports![0].nodePort} after 0 ms: Couldn't connect to server\n`,
      });

      expect((await w.exec("lin", ["curl", "-s", `http://${svc.spec!.clusterIP}/`])).stdout).to.contain("Windows Container Web Server");

      await faults.clear();
      const back = await eventually("the NodePort to answer again", async () => {
        const r = await httpGet(url);
        return r.status === 200 ? r : undefined;
      });
      expect(back.body).to.contain("Windows Container Web Server");
    });
  });

  describe("pod-network-partition", () => {
    it("Linux and Windows pods cannot reach each other (both directions time out); same-OS traffic flows; cleared, they can", async () => {
      const w = wb();
      const [lin, lin2, , win2] = await w.ready(linuxPod("lin"), linuxPod("lin2"), windowsPod("win"), winWebserverPod("win2"));
      await faults.add("pod-network-partition", { namespace: ns() });

      const toWin = await w.exec("lin", ["curl", "-sS", "-m", "2", `http://${win2.status!.podIP}/`]);
      expect(toWin).to.include({ exitCode: 28, stderr: "curl: (28) Connection timed out after 2001 milliseconds\n" });
      const toLin = await w.exec("win", ["curl.exe", "-sS", "--connect-timeout", "3", `http://${lin2.status!.podIP}:8080/hostname`]);
      expect(toLin).to.include({ exitCode: 28, stderr: "curl: (28) Connection timed out after 3001 milliseconds\n" });
      const tnc = await w.exec("win", ["powershell", "-Command", `Test-NetConnection ${lin.status!.podIP} -Port 8080 -InformationLevel Quiet`]);
      expect(tnc.stdout).to.equal(
        `WARNING: TCP connect to (${lin.status!.podIP} : 8080) failed\nWARNING: Ping to ${lin.status!.podIP} failed with status: TimedOut\nFalse\n`,
      );

      // Same-OS traffic is not partitioned.
      expect((await w.exec("lin", ["curl", "-s", `http://${lin2.status!.podIP}:8080/hostname`])).stdout).to.equal("lin2");
      expect((await w.exec("win", ["curl.exe", "-s", `http://${win2.status!.podIP}/`])).stdout).to.contain("Windows Container Web Server");

      await faults.clear();
      expect((await w.exec("lin", ["curl", "-s", `http://${win2.status!.podIP}/`])).stdout).to.contain("Windows Container Web Server");
      expect((await w.exec("win", ["curl.exe", "-s", `http://${lin2.status!.podIP}:8080/hostname`])).stdout).to.equal("lin2");
    });
  });

  describe("egress-blocked", () => {
    it("connections to the external host time out (the name still resolves); in-cluster traffic flows; cleared, egress works", async () => {
      const w = wb();
      const [, lin2] = await w.ready(linuxPod("lin"), linuxPod("lin2"), windowsPod("win"));
      await faults.add("egress-blocked", { namespace: ns() });

      expect(await w.exec("lin", ["curl", "-sS", "--connect-timeout", "5", "http://www.example.com/"])).to.include({
        exitCode: 28,
        stderr: "curl: (28) Connection timed out after 5001 milliseconds\n",
      });
      const iwr = await w.exec("win", ["powershell", "-Command", "Invoke-WebRequest -UseBasicParsing http://www.example.com -TimeoutSec 5"]);
      expect(iwr.stderr).to.match(/^Invoke-WebRequest : The operation has timed out\.\n/);
      expect((await w.exec("lin", ["nslookup", "www.example.com"])).exitCode).to.equal(0);

      expect((await w.exec("lin", ["curl", "-s", `http://${lin2.status!.podIP}:8080/hostname`])).stdout).to.equal("lin2");

      await faults.clear();
      expect((await w.exec("lin", ["curl", "-s", "http://www.example.com/"])).stdout).to.contain("<title>Example Domain</title>");
      expect((await w.exec("win", ["curl.exe", "-s", "-o", "NUL", "-w", "%{http_code}", "http://www.example.com/"])).stdout).to.equal("200");
    });
  });

  describe("image-pull-fails", () => {
    it("pulls of matching images fail with 403 (ErrImagePull, then ImagePullBackOff); other images pull; cleared, the pod starts", async () => {
      const w = wb();
      await faults.add("image-pull-fails", { namespace: ns(), image: "*nginx*" });
      await w.create(linuxPod("web", { image: images.nginx }));
      const p = await waits.podMatches(
        kc,
        ns(),
        "web",
        "to back off pulling",
        { timeoutMs, allowReasons: ["ErrImagePull", "ImagePullBackOff"] },
        (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff",
      );
      const ref = `${images.nginx}`;
      expect(containerStatus(p).state!.waiting!.message).to.equal(
        `Back-off pulling image "${ref}": ErrImagePull: failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": unexpected status from HEAD request: 403 Forbidden`,
      );
      const failed = await w.event("web", "Failed", (e) => e.message!.startsWith("Failed to pull image"));
      expect(failed.message).to.equal(
        `Failed to pull image "${ref}": rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": unexpected status from HEAD request: 403 Forbidden`,
      );
      await w.event("web", "Failed", (e) => e.message === "Error: ImagePullBackOff");
      expect(p.status!.phase).to.equal("Pending");

      // Not broken: another image in the same namespace.
      await w.ready(linuxPod("other"));

      await faults.clear();
      const up = await waits.podReady(kc, ns(), "web", { timeoutMs, allowReasons: ["ErrImagePull", "ImagePullBackOff"] });
      expect(containerStatus(up).imageID).to.match(/@sha256:[0-9a-f]{64}$/);
    });
  });

  describe("container-crashes", () => {
    it("matching containers exit 1 right after starting (CrashLoopBackOff); other pods run; cleared, the container stays up", async () => {
      const w = wb();
      await faults.add("container-crashes", { namespace: ns(), pod: "crasher" });
      await w.create(linuxPod("crasher"));
      const p = await waits.podMatches(
        kc,
        ns(),
        "crasher",
        "to crash-loop",
        { timeoutMs, allowReasons: ["CrashLoopBackOff"] },
        (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff",
      );
      const cs = containerStatus(p);
      // As a kubelet does: the first exit is restarted at once, the second one backs off 10 s.
      expect(cs.restartCount).to.equal(1);
      expect(cs.lastState!.terminated).to.include({ exitCode: 1, reason: "Error" });
      expect(cs.state!.waiting!.message).to.match(/^back-off 10s restarting failed container=c pod=crasher_/);
      expect(await w.logs("crasher")).to.equal("fatal: unrecoverable error, exiting\n");
      await w.event("crasher", "BackOff", (e) => e.message!.startsWith("Back-off restarting failed container c in pod crasher_"));

      const [steady] = await w.ready(linuxPod("steady"));
      expect(containerStatus(steady).restartCount).to.equal(0);

      await faults.clear();
      const up = await waits.podReady(kc, ns(), "crasher", { timeoutMs, allowReasons: ["CrashLoopBackOff"] });
      expect(containerStatus(up).restartCount).to.equal(2);
      expect((await w.exec("crasher", ["hostname"])).stdout).to.equal("crasher\n");
    });
  });

  describe("readiness-never", () => {
    it("readiness probes fail: the pod goes NotReady and leaves the EndpointSlice, without restarts; cleared, it is back", async () => {
      const w = wb();
      const probe = { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 1, failureThreshold: 1 };
      const [web] = await w.ready(linuxPod("web", { readinessProbe: probe }, { labels: { role: "web" } }));
      await w.service("web", { role: "web" }, 8080);
      await w.endpoints("web", [web.status!.podIP!]);
      await faults.add("readiness-never", { namespace: ns() });

      const unready = await waits.podMatches(kc, ns(), "web", "to become NotReady", { timeoutMs }, (p) => !isReady(p));
      expect(unready.status!.conditions!.find((c) => c.type === "Ready")).to.include({ status: "False", reason: "ContainersNotReady" });
      expect((await w.event("web", "Unhealthy")).message).to.equal("Readiness probe failed: HTTP probe failed with statuscode: 503");
      await w.endpoints("web", []);

      // Not broken: the container keeps running and serving.
      expect(containerStatus(await w.pod("web"))).to.include({ restartCount: 0 });
      expect(containerStatus(await w.pod("web")).state!.running).to.exist;
      expect((await w.exec("web", ["curl", "-s", `http://${web.status!.podIP}:8080/hostname`])).stdout).to.equal("web");

      await faults.clear();
      await waits.podReady(kc, ns(), "web", { timeoutMs });
      await w.endpoints("web", [web.status!.podIP!]);
    });
  });

  describe("liveness-fails", () => {
    it("liveness probes fail and the container is killed and restarted; containers without one are left alone; cleared, it runs Ready", async () => {
      const w = wb();
      const probe = { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 1, failureThreshold: 1 };
      await w.ready(windowsPod("probed", { image: images.agnhost, args: ["netexec", "--http-port=8080"], livenessProbe: probe }), windowsPod("unprobed"));
      await faults.add("liveness-fails", { namespace: ns() });

      expect((await w.event("probed", "Unhealthy")).message).to.equal("Liveness probe failed: HTTP probe failed with statuscode: 500");
      expect((await w.event("probed", "Killing")).message).to.equal("Container c failed liveness probe, will be restarted");
      await faults.clear();

      const up = await waits.podReady(kc, ns(), "probed", { timeoutMs, allowReasons: ["CrashLoopBackOff"] });
      const cs = containerStatus(up);
      expect(cs.restartCount).to.equal(1);
      expect(cs.lastState!.terminated).to.include({ reason: "Error" });
      expect(await w.logs("probed", { previous: true })).to.contain("Started HTTP server on port 8080");
      expect(containerStatus(await w.pod("unprobed")).restartCount).to.equal(0);
    });
  });

  describe("logs-empty", () => {
    it("matching containers write nothing to their logs but still serve; other pods log; cleared, new lines appear", async () => {
      const w = wb();
      await faults.add("logs-empty", { namespace: ns(), pod: "quiet" });
      const [quiet, loud] = await w.ready(linuxPod("quiet", { image: images.nginx }), linuxPod("loud", { image: images.nginx }), linuxPod("lin"));
      for (const p of [quiet, loud])
        expect((await w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${p.status!.podIP}/`])).stdout).to.equal("200");
      expect(await w.logs("quiet")).to.equal("");
      expect(await w.logs("loud")).to.match(/"GET \/ HTTP\/1\.1" 200/);

      await faults.clear();
      await w.exec("lin", ["curl", "-s", `http://${quiet.status!.podIP}/after`]);
      expect(await w.logs("quiet")).to.match(/^\S+ - - \[[^\]]+\] "GET \/after HTTP\/1\.1" 404 /);
    });
  });

  describe("logmonitor-file-source-dropped", () => {
    it("LogMonitor in matching containers pipes no File source; its EventLog source still does, other pods keep theirs; cleared, a new pod has its file line", async () => {
      const w = wb();
      const config = JSON.stringify({
        LogConfig: {
          sources: [
            { type: "EventLog", channels: [{ name: "application", level: "Error" }] },
            { type: "File", directory: "c:\\logs", filter: "*.log" },
          ],
        },
      });
      const lm = (name: string) =>
        windowsPod(name, {
          image: "registry.example/servercore-logmonitor:ltsc2022",
          env: [{ name: "LOGMONITOR_CONFIG", value: config }],
          command: [
            "C:\\LogMonitor\\LogMonitor.exe",
            "powershell.exe",
            "-Command",
            "Add-Content C:\\logs\\app.log 'file line'; Write-EventLog -LogName Application -Source App -EventId 1 -EntryType Error -Message 'event line'; while ($true) { Start-Sleep -Seconds 3600 }",
          ],
        });
      await faults.add("logmonitor-file-source-dropped", { namespace: ns(), pod: "dropped" });
      await w.ready(lm("dropped"), lm("kept"));
      const dropped = await w.logs("dropped");
      expect(dropped).to.not.match(/"Source": "File"/);
      expect(dropped).to.match(/"Channel": "Application".*"Message": "event line"/);
      expect(await w.logs("kept")).to.match(/"Source": "File","LogEntry": \{"Logline": "file line","FileName": "app\.log"\}/);

      await faults.clear();
      await w.ready(lm("after"));
      expect(await w.logs("after")).to.match(/"Logline": "file line"/);
    });
  });

  describe("node-not-ready", () => {
    const node = "hc-linux-2";
    it("the node reports Ready=False (runtime network not ready) and takes no new pods; other nodes stay Ready; cleared, it is Ready and the pod lands", async () => {
      const w = wb();
      await faults.add("node-not-ready", { node });
      const down = await nodeMatches(kc, node, "to be NotReady", (n) => readyCondition(n)?.status === "False");
      expect(readyCondition(down)).to.include({
        reason: "KubeletNotReady",
        message:
          "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
      });
      await nodeMatches(kc, node, "to be tainted not-ready", (n) =>
        (n.spec?.taints ?? []).some((t) => t.key === "node.kubernetes.io/not-ready" && t.effect === "NoSchedule"),
      );
      await w.create(linuxPod("pinned", {}, { spec: { nodeSelector: { "kubernetes.io/os": "linux", "kubernetes.io/hostname": node } } }));
      const { message } = await waits.podUnschedulable(kc, ns(), "pinned", { timeoutMs });
      expect(message).to.match(/untolerated taint/);

      const other = await w.core.readNode({ name: "hc-linux-1" });
      expect(readyCondition(other)!.status).to.equal("True");
      await w.ready(linuxPod("elsewhere", {}, { spec: { nodeSelector: { "kubernetes.io/os": "linux", "kubernetes.io/hostname": "hc-linux-1" } } }));

      await faults.clear();
      await nodeMatches(
        kc,
        node,
        "to be Ready again",
        (n) => readyCondition(n)?.status === "True" && !(n.spec?.taints ?? []).some((t) => t.key.startsWith("node.kubernetes.io/")),
      );
      const p = await waits.podReady(kc, ns(), "pinned", { timeoutMs, allowUnschedulable: true });
      expect(p.spec!.nodeName).to.equal(node);
    });
  });

  describe("windows-taint-missing", () => {
    const node = "hc-win2022-1";
    it("the os=windows:NoSchedule taint goes from that node, so an untolerating Windows pod lands there; other nodes keep it; cleared, it is back", async () => {
      const w = wb();
      const untolerating = (name: string) => windowsPod(name, {}, { spec: { tolerations: [] } });
      await faults.add("windows-taint-missing", { node });
      await nodeMatches(kc, node, "to lose the Windows taint", (n) => !hasWindowsTaint(n));
      await w.create(untolerating("stray"));
      const p = await waits.podReady(kc, ns(), "stray", { timeoutMs });
      expect(p.spec!.nodeName).to.equal(node);

      for (const other of ["hc-win2022-2", "hc-win2025-1"]) expect(hasWindowsTaint(await w.core.readNode({ name: other })), other).to.equal(true);

      await faults.clear();
      await nodeMatches(kc, node, "to be tainted again", hasWindowsTaint);
      await w.create(untolerating("stray2"));
      const { explained } = await waits.podUnschedulable(kc, ns(), "stray2", { timeoutMs });
      expect(explained).to.contain(`os=windows:NoSchedule on hc-win2022-1, hc-win2022-2, hc-win2025-1`);
    });
  });

  describe("gmsa-webhook-down (cluster-wide)", () => {
    it("every pod admission fails closed (failurePolicy Fail); other objects are admitted; cleared, pods are admitted", async () => {
      const w = wb();
      const id = await faults.add("gmsa-webhook-down");
      try {
        const err = await w.create(linuxPod("refused")).then(
          () => undefined,
          (e: { code?: number; body?: string }) => e,
        );
        expect(err, "the pod was admitted").to.exist;
        expect(err!.code).to.equal(500);
        const status = JSON.parse(err!.body!) as k8s.V1Status;
        expect(status.message).to.match(
          /^Internal error occurred: failed calling webhook "admission-webhook\.windows-gmsa\.sigs\.k8s\.io": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/mutate\?timeout=10s": (EOF|.*connection reset by peer)/,
        );
        await w.core.createNamespacedConfigMap({ namespace: ns(), body: { metadata: { name: "still-admitted" }, data: { a: "b" } } });
      } finally {
        await faults.remove(id);
      }
      await w.ready(linuxPod("admitted"));
    });
  });

  describe("gmsa-webhook-no-update-rule (cluster-wide)", () => {
    it("the GMSA validating webhook is registered for pod CREATE only; pod creation is still admitted and filled; cleared, UPDATE is registered again", async () => {
      const w = wb();
      const adm = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
      const ops = async () => {
        const v = await adm.readValidatingWebhookConfiguration({ name: "gmsa-webhook" });
        const m = await adm.readMutatingWebhookConfiguration({ name: "gmsa-webhook" });
        return {
          validating: v.webhooks!.flatMap((h) => h.rules!.flatMap((r) => r.operations!)),
          mutating: m.webhooks!.flatMap((h) => h.rules!.flatMap((r) => r.operations!)),
        };
      };
      expect(await ops()).to.deep.equal({ validating: ["CREATE", "UPDATE"], mutating: ["CREATE"] });
      const gmsa = await grantGmsa(kc, ns());
      const id = await faults.add("gmsa-webhook-no-update-rule");
      try {
        expect(await ops()).to.deep.equal({ validating: ["CREATE"], mutating: ["CREATE"] });
        // Not broken: a GMSA pod is still admitted, its credential spec filled by the mutating webhook.
        const pod = await w.create(gmsaPod("gmsa", gmsa.credSpec));
        expect(pod.spec!.securityContext!.windowsOptions!.gmsaCredentialSpec).to.be.a("string").and.not.equal("");
      } finally {
        await faults.remove(id);
        await gmsa.remove();
      }
      expect(await ops()).to.deep.equal({ validating: ["CREATE", "UPDATE"], mutating: ["CREATE"] });
    });
  });

  describe("gmsa-domain-unreachable", () => {
    it("no domain controller answers: nltest reports ERROR_NO_LOGON_SERVERS (inside a 'successful' run, as real nltest does); cleared, NERR_Success", async () => {
      const w = wb();
      const gmsa = await grantGmsa(kc, ns());
      try {
        await w.ready(gmsaPod("gmsa", gmsa.credSpec));
        await faults.add("gmsa-domain-unreachable", { namespace: ns() });
        const verify = await w.exec("gmsa", ["nltest", `/sc_verify:${gmsaDomain}`]);
        expect(verify.exitCode).to.equal(0);
        expect(verify.stdout).to.equal(
          "Flags: 80\nTrusted DC Name\nTrusted DC Connection Status Status = 1311 0x51f ERROR_NO_LOGON_SERVERS\nTrust Verification Status = 1311 0x51f ERROR_NO_LOGON_SERVERS\nThe command completed successfully\n",
        );
        expect((await w.exec("gmsa", ["nltest", "/query"])).stdout).to.contain("ERROR_NO_LOGON_SERVERS");
        // Not broken: the credential spec is there, and the machine still knows its domain.
        expect((await w.exec("gmsa", ["nltest", "/parentdomain"])).stdout).to.equal(`${gmsaDomain}. (1)\nThe command completed successfully\n`);

        await faults.clear();
        const ok = await w.exec("gmsa", ["nltest", `/sc_verify:${gmsaDomain}`]);
        expect(ok.stdout).to.contain("Trusted DC Connection Status Status = 0 0x0 NERR_Success");
        expect(ok.stdout).to.not.contain("ERROR_NO_LOGON_SERVERS");
      } finally {
        await gmsa.remove();
      }
    });
  });

  describe("username-unknown", () => {
    it("Windows users are unknown to the node: the sandbox (pod user) or the start (container user) fails; Linux pods run; cleared, the pod starts", async () => {
      const w = wb();
      await faults.add("username-unknown", { namespace: ns() });
      await w.create(windowsPod("pod-user", {}, { spec: { securityContext: { windowsOptions: { runAsUserName: "ContainerUser" } } } }));
      await w.create(windowsPod("default-user"));
      const sandbox = await w.event("pod-user", "FailedCreatePodSandBox");
      expect(sandbox.message).to.match(/The user name or password is incorrect\.: unknown$/);
      const p = await waits.podMatches(kc, ns(), "default-user", "to fail its start", { timeoutMs, allowReasons: ["StartError", "CrashLoopBackOff"] }, (x) => {
        const cs = x.status?.containerStatuses?.[0];
        return (cs?.state?.terminated ?? cs?.lastState?.terminated)?.reason === "StartError";
      });
      const cs = containerStatus(p);
      expect((cs.state!.terminated ?? cs.lastState!.terminated)!.message).to.match(
        /hcs::CreateComputeSystem [0-9a-f]{64}: The user name or password is incorrect\.: unknown$/,
      );

      await w.ready(linuxPod("lin"));

      await faults.clear();
      const up = await waits.podReady(kc, ns(), "pod-user", { timeoutMs });
      expect((await w.exec("pod-user", ["cmd", "/c", "echo %USERNAME%"])).stdout).to.equal("ContainerUser\n");
      expect(containerStatus(up).restartCount).to.equal(0);
    });
  });

  describe("admission-rewrites-pods", () => {
    it("a real mutating webhook strips spec.os and Linux-only fields from the namespace's pods, so validation never rejects them; runAsUserName is still checked; cleared, the registration is gone and the pod is rejected", async () => {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const adm = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
      const pod = windowsPod("linux-fields", {}, { spec: { securityContext: { runAsUser: 1000 }, hostPID: true } });
      const dryRun = (body: k8s.V1Pod) => core.createNamespacedPod({ namespace: ns(), body, dryRun: "All" });
      const status = (e: unknown) => JSON.parse((e as { body: string }).body) as k8s.V1Status;
      await faults.add("admission-rewrites-pods", { namespace: ns() });
      const reg = await adm.readMutatingWebhookConfiguration({ name: "hc-fault-admission-rewrites-pods" });
      expect(reg.webhooks?.[0]?.namespaceSelector).to.deep.equal({
        matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [ns()] }],
      });
      // The apiserver picks the new registration up from its informer within moments.
      const stored = await eventually("the webhook to rewrite the pod", () => dryRun(pod).catch(() => undefined));
      expect(stored.spec?.os).to.equal(undefined);
      expect(stored.spec?.hostPID).to.equal(undefined);
      expect(stored.spec?.securityContext?.runAsUser).to.equal(undefined);
      const bad = windowsPod("bad-user", {}, { spec: { securityContext: { windowsOptions: { runAsUserName: "contoso\\web\\svc" } } } });
      const e1 = await dryRun(bad).then(() => undefined, status);
      expect(e1?.details?.causes?.map((c) => c.field)).to.deep.equal(["spec.securityContext.windowsOptions.runAsUserName"]);

      await faults.clear();
      await adm.readMutatingWebhookConfiguration({ name: "hc-fault-admission-rewrites-pods" }).then(
        () => expect.fail("the registration is still there"),
        (e: { code?: number }) => expect(e.code).to.equal(404),
      );
      const e2 = await dryRun(pod).then(() => undefined, status);
      expect(e2?.code).to.equal(422);
      expect(e2?.details?.causes?.map((c) => c.field).sort()).to.deep.equal(["spec.hostPID", "spec.securityContext.runAsUser"]);
    });
  });
});
