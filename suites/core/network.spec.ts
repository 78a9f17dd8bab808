// Core.Network: the Windows docs' walkthrough ("Getting started: Deploying a Windows workload"), end to end. Each
// test deploys the docs' win-webserver (a Deployment of 2 + a NodePort Service) with the client pods it needs and
// curls it one way a workload will be reached — every path its own test, so a report says which path is broken.
// Upstream's lessons (test/e2e/windows/hybrid_network.go, service.go): networking gets ~30 s to come up and must
// then stay up; names are compared case-insensitively; Windows pods use FQDNs.
import { expect } from "chai";
import * as allure from "allure-js-commons";
import * as k8s from "@kubernetes/client-node";
import { useTestEnv, type TestEnv } from "../../lib/run/test-env.js";
import { remove } from "../../lib/cluster/api.js";
import {
  WEB_PAGE_TITLE,
  asHostNetworkClient,
  callerCounts,
  chooseNodePortVantage,
  clusterDomainFrom,
  downWithin,
  endpointSliceProblems,
  failureMessage,
  hasRequestFor,
  hostnameIs,
  nodeAddresses,
  podRef,
  reach,
  requestLines,
  runnerSource,
  searchesFromIpconfig,
  searchesFromResolvConf,
  serviceFqdn,
  steadyOptions,
  attempter,
  upThenSteady,
  dnsConfigProblems,
  unresolved,
  nslookupArgv,
  parseNslookup,
  addressProblem,
  cnameProblem,
  sameName,
  bodyProblem,
  type Destination,
  type PodSource,
  type Probe,
} from "../../lib/checks/network.js";
import { categoryOf } from "../index.js";
import { skipWithReason } from "../../lib/run/steps.js";
import { settleBounded } from "../../lib/checks/network/bounded.js";
import { isPodReady } from "../../lib/cluster/status.js";
import { isIP } from "node:net";

const SERVICE = "win-webserver";
const SERVER_CONTAINER = "windowswebserver";

interface Walkthrough {
  servers: PodSource[];
  linux?: PodSource;
  windows?: PodSource;
  service: k8s.V1Service;
}

/** Deploys the docs' win-webserver and the clients a test asks for, and waits until all of it is Ready. */
async function walkthrough(env: TestEnv, o: { linux?: boolean; windows?: boolean; spread?: boolean } = {}): Promise<Walkthrough> {
  const fixtures = ["win-webserver", ...(o.linux ? ["linux-client"] : []), ...(o.windows ? ["windows-client"] : [])];
  await env.step(`deploy ${fixtures.join(" + ")}`, () =>
    env.deploy(fixtures, {
      mutate: o.spread
        ? (objs) => {
            // Prefer one replica per Windows node, so two Windows pods on different nodes exist where the cluster allows.
            const d = objs.find((x) => x.kind === "Deployment") as k8s.V1Deployment;
            d.spec!.template.spec!.topologySpreadConstraints = [
              { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: SERVICE } } },
            ];
          }
        : undefined,
    }),
  );
  const pods = await env.step("wait: both win-webserver replicas Ready", () => env.wait.podsReady(`app=${SERVICE}`, 2));
  const servers = await Promise.all(pods.map((p) => podRef(env, p.metadata!.name!, SERVER_CONTAINER)));
  const linux = o.linux
    ? await env.step("wait: linux-client Ready", async () => (await env.wait.podReady("linux-client"), podRef(env, "linux-client", "agnhost")))
    : undefined;
  const windows = o.windows
    ? await env.step("wait: windows-client Ready", async () => (await env.wait.podReady("windows-client"), podRef(env, "windows-client", "servercore")))
    : undefined;
  for (const p of [...servers, ...(linux ? [linux] : []), ...(windows ? [windows] : [])])
    await allure.parameter(p.pod, `${p.ip} on ${p.node} (${p.os})`, { excluded: true });
  const service = await env.core.readNamespacedService({ name: SERVICE, namespace: env.ns });
  return { servers, linux, windows, service };
}

const podDest = (p: PodSource, port = 80, path?: string): Destination => ({ host: p.ip, port, path, name: `pod ${p.pod} on ${p.node}` });
const clusterIPDest = (s: k8s.V1Service): Destination => ({
  host: s.spec!.clusterIP!,
  port: s.spec!.ports![0].port,
  name: `service ${s.metadata!.name} ClusterIP`,
});
const page = { bodyIncludes: WEB_PAGE_TITLE };

/** The cluster DNS suffix the pod was given (its search list holds <ns>.svc.<domain>); cluster.local if unreadable. */
async function clusterDomain(env: TestEnv, from: PodSource): Promise<string> {
  const out = await env.exec(from.pod, from.container, from.os === "windows" ? ["ipconfig", "/all"] : ["cat", "/etc/resolv.conf"]);
  const searches = from.os === "windows" ? searchesFromIpconfig(out.stdout) : searchesFromResolvConf(out.stdout);
  const domain = clusterDomainFrom(searches, env.ns);
  await allure.parameter(
    "cluster domain",
    domain ? `${domain} (from ${from.pod}'s DNS search list)` : "cluster.local (assumed: the pod's search list does not show it)",
  );
  return domain ?? "cluster.local";
}

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  it("serves the web page on each Windows pod's IP from a Linux pod", async () => {
    const w = await walkthrough(env, { linux: true });
    for (const s of w.servers) await reach(env, { path: "Windows pod IP from a Linux pod", from: w.linux!, to: podDest(s), ...page });
  });

  it("reaches a Windows pod on another node from a Windows pod (pod to pod)", async function () {
    const w = await walkthrough(env, { windows: true, spread: true });
    // Sources: the Windows client, then each replica (servercore ships curl.exe); destinations: the replicas.
    const pair = [w.windows!, ...w.servers].flatMap((src) =>
      w.servers.filter((d) => d.pod !== src.pod && d.node.toLowerCase() !== src.node.toLowerCase()).map((dst) => ({ src, dst })),
    )[0];
    if (!pair) {
      await skipWithReason(
        this,
        `all Windows pods landed on node ${w.servers[0].node}: the cluster has no second Ready Windows node of this build to schedule on`,
      );
    }
    await reach(env, { path: "Windows pod to Windows pod on another node", from: pair.src, to: podDest(pair.dst), ...page });
  });

  it("connects from a Linux pod to a Windows pod (hybrid, Linux → Windows, up within 30 s and steady)", async () => {
    const w = await walkthrough(env, { linux: true });
    await reach(env, { path: "Linux pod to Windows pod (TCP)", from: w.linux!, to: podDest(w.servers[0]) }, { tcp: true });
  });

  it("connects from a Windows pod to a Linux pod (hybrid, Windows → Linux, up within 30 s and steady)", async () => {
    const w = await walkthrough(env, { linux: true, windows: true });
    // agnhost netexec answers /hostname with the pod's name: compared case-insensitively (upstream's gotcha).
    await reach(env, {
      path: "Windows pod to Linux pod",
      from: w.windows!,
      to: { host: w.linux!.ip, port: 8080, path: "/hostname", name: `pod linux-client on ${w.linux!.node}` },
      bodyCheck: hostnameIs("linux-client"),
    });
  });

  it("serves the web page on the Service ClusterIP from a Linux pod", async () => {
    const w = await walkthrough(env, { linux: true });
    await reach(env, { path: "Service ClusterIP from a Linux pod", from: w.linux!, to: clusterIPDest(w.service), ...page });
  });

  it("serves the web page on the Service ClusterIP from a Windows client pod", async () => {
    const w = await walkthrough(env, { windows: true });
    await reach(env, { path: "Service ClusterIP from a Windows pod", from: w.windows!, to: clusterIPDest(w.service), ...page });
  });

  // A backend calling its own Service may be load-balanced to itself: the hairpin path, which kube-proxy (and
  // the Windows HNS load balancer) must handle separately from client traffic.
  it("serves the web page on the Service ClusterIP from the Service's own Windows backends (hairpin)", async () => {
    const w = await walkthrough(env, { windows: true });
    for (const from of w.servers) await reach(env, { path: "Service ClusterIP from its own backend (hairpin)", from, to: clusterIPDest(w.service), ...page });
  });

  it("serves the web page on the Service DNS name (<svc>.<ns>.svc.<domain>) from a Linux pod", async () => {
    const w = await walkthrough(env, { linux: true });
    const fqdn = serviceFqdn(SERVICE, env.ns, await clusterDomain(env, w.linux!));
    await reach(env, {
      path: "Service FQDN from a Linux pod",
      from: w.linux!,
      to: { host: fqdn, port: 80, name: `service ${SERVICE} by DNS name, ClusterIP ${w.service.spec!.clusterIP}` },
      ...page,
    });
  });

  it("serves the web page on the Service DNS name (<svc>.<ns>.svc.<domain>) from a Windows pod", async () => {
    const w = await walkthrough(env, { windows: true });
    // Windows does not devolve partially qualified names the way Linux resolvers do: always the FQDN.
    const fqdn = serviceFqdn(SERVICE, env.ns, await clusterDomain(env, w.windows!));
    await reach(env, {
      path: "Service FQDN from a Windows pod",
      from: w.windows!,
      to: { host: fqdn, port: 80, name: `service ${SERVICE} by DNS name, ClusterIP ${w.service.spec!.clusterIP}` },
      ...page,
    });
  });

  it("serves the web page on the NodePort from outside the cluster (every node)", async () => {
    const w = await walkthrough(env);
    const nodePort = w.service.spec?.ports?.[0].nodePort;
    expect(nodePort, `service ${SERVICE} has no nodePort: ${JSON.stringify(w.service.spec?.ports)}`).to.be.a("number");
    const ready = new Set(env.ctx.caps.nodes.filter((n) => n.ready).map((n) => n.name));
    const nodes = nodeAddresses((await env.core.listNode()).items).filter((n) => ready.has(n.name));
    const vantage = await chooseNodePortVantage(nodes, 3000);
    const fromText = vantage.from === "runner" ? "the runner (outside the cluster)" : "a host-network Linux pod (instead of the runner)";
    await allure.parameter("NodePort checked from", `${fromText}: ${vantage.why}`);
    await allure.description(`NodePort ${nodePort} checked on every Ready node from ${fromText}. Why: ${vantage.why}.`);
    let from = runnerSource();
    if (vantage.from === "host-network pod") {
      await env.step("deploy a host-network Linux pod (linux-client on the host network) as the outside vantage point", () =>
        env.deploy("linux-client", { mutate: (objs) => asHostNetworkClient(objs) }),
      );
      await env.wait.podReady("hostnet-client");
      from = await podRef(env, "hostnet-client", "agnhost");
    }
    await env.step(`NodePort ${nodePort} on ${nodes.length} node(s) from ${fromText}`, async () => {
      // All nodes concurrently (bounded: lib/checks/network/bounded.ts): each must come up within the budget and stay up.
      const results = await settleBounded(nodes, (n) => {
        const p: Probe = {
          path: `NodePort from ${vantage.from === "runner" ? "outside the cluster" : "a host-network pod"}`,
          from,
          to: { host: n.ip, port: nodePort!, name: `node ${n.name} (${n.os}), service ${SERVICE}` },
          ...page,
        };
        return upThenSteady(p, attempter(env, p), (a) => bodyProblem(p, a), steadyOptions(env));
      });
      for (const [i, r] of results.entries()) {
        if (r.status === "fulfilled")
          await allure.logStep(`${nodes[i].name} ${nodes[i].ip}:${nodePort}: up after ${r.value.upAfterMs} ms, ${r.value.steadyAttempts} steady attempt(s)`);
        else await allure.logStep(`${nodes[i].name} ${nodes[i].ip}:${nodePort}: ${(r.reason as Error).message}`, allure.Status.FAILED);
      }
      const failures = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []));
      expect(failures, failures.join("\n")).to.deep.equal([]);
    });
  });

  it("reaches an external address from inside a Windows pod (egress)", async function () {
    const url = env.ctx.options.externalUrl;
    if (!url) {
      await skipWithReason(
        this,
        "the run is marked --air-gapped, so the cluster is not expected to reach external addresses (pass --external-url without --air-gapped to check egress)",
      );
    }
    const w = await walkthrough(env, { windows: true });
    const u = new URL(url!);
    await reach(env, {
      path: "egress from a Windows pod",
      from: w.windows!,
      to: {
        host: u.hostname,
        port: Number(u.port || (u.protocol === "https:" ? 443 : 80)),
        path: u.pathname,
        name: "the external address (--external-url)",
        url: url!,
      },
    });
  });

  it("lists exactly the ready Windows pods in the Service's EndpointSlices", async () => {
    const w = await walkthrough(env);
    const want = w.servers.map((s) => s.ip).sort();
    await env.step(`EndpointSlices of ${SERVICE} list the ready pods ${want.join(", ")}`, () =>
      env.wait.endpoints(SERVICE, (ips) => [...ips].sort().join() === want.join(), `exactly the ready pods [${want.join(", ")}]`),
    );
    await env.step("each endpoint names its pod and a Windows node; backends carry kubernetes.io/os=windows", async () => {
      const slices = (
        await env.ctx.kc
          .makeApiClient(k8s.DiscoveryV1Api)
          .listNamespacedEndpointSlice({ namespace: env.ns, labelSelector: `kubernetes.io/service-name=${SERVICE}` })
      ).items;
      await allure.attachment(
        "endpointslices.json",
        JSON.stringify(
          slices.map((s) => ({ name: s.metadata?.name, endpoints: s.endpoints, ports: s.ports })),
          null,
          2,
        ),
        "application/json",
      );
      const windowsNodes = env.ctx.caps.nodes.filter((n) => n.os === "windows").map((n) => n.name);
      const problems = endpointSliceProblems(
        slices,
        w.servers.map((s) => ({ name: s.pod, ip: s.ip, node: s.node })),
        windowsNodes,
      );
      for (const s of w.servers)
        if (env.node(s.node).labels["kubernetes.io/os"] !== "windows")
          problems.push(`backend ${s.pod} runs on ${s.node}, which is not labelled kubernetes.io/os=windows`);
      expect(problems, problems.join("\n")).to.deep.equal([]);
    });
  });

  it("restores routing when the Service is deleted and recreated", async () => {
    const w = await walkthrough(env, { windows: true });
    const before = clusterIPDest(w.service);
    await reach(env, { path: "Service ClusterIP before the Service is deleted", from: w.windows!, to: before, ...page });
    await env.step(`delete service ${SERVICE} (ClusterIP ${before.host})`, () =>
      remove(env.kc, { apiVersion: "v1", kind: "Service", metadata: { name: SERVICE, namespace: env.ns } }),
    );
    await env.step(`the old ClusterIP ${before.host} stops answering`, () => {
      const p: Probe = { path: "deleted Service's ClusterIP", from: w.windows!, to: { ...before, name: `deleted service ${SERVICE}` } };
      return downWithin(p, attempter(env, p), steadyOptions(env));
    });
    await env.step(`recreate service ${SERVICE} from the fixture`, () =>
      env.deploy("win-webserver", { mutate: (objs) => void objs.splice(0, objs.length, ...objs.filter((o) => o.kind === "Service")) }),
    );
    const again = await env.core.readNamespacedService({ name: SERVICE, namespace: env.ns });
    const want = w.servers.map((s) => s.ip).sort();
    await env.step("the recreated Service's EndpointSlices list both replicas", () =>
      env.wait.endpoints(SERVICE, (ips) => [...ips].sort().join() === want.join(), `[${want.join(", ")}]`),
    );
    await reach(env, { path: "recreated Service's ClusterIP from a Windows pod", from: w.windows!, to: clusterIPDest(again), ...page });
  });

  it("answers with the docs' page, counts each caller and logs each request (win-webserver's caller counts and request lines)", async () => {
    const w = await walkthrough(env, { windows: true });
    const [target, other] = w.servers;
    // Two Windows callers (the client and the other replica), two requests each, each with its own path.
    const callers = [w.windows!, other];
    let lastBody = "";
    const paths: string[] = [];
    for (const from of callers) {
      for (const n of [1, 2]) {
        const path = `/hc/${from.pod}/${n}`;
        paths.push(path);
        const p: Probe = { path: "docs' web server, request from a Windows pod", from, to: podDest(target, 80, path), ...page };
        const r = await reach(env, p, { steady: { stableMs: 0 } });
        lastBody = r.last.body ?? "";
      }
    }
    await env.step(`the page counts ${callers.length} callers with 2 requests each`, async () => {
      const rows = callerCounts(lastBody);
      await allure.attachment("last-response.html", lastBody, "text/html");
      const counts = rows.map((r) => r.count).sort();
      const p = { path: "caller counts on the docs' page", from: callers[callers.length - 1], to: podDest(target) };
      expect(counts, failureMessage(p, `expected one row per caller with callerCount 2 each ([2, 2]), the page shows ${JSON.stringify(rows)}`)).to.deep.equal([
        2, 2,
      ]);
    });
    await env.step(`each request line (${paths.join(", ")}) is in ${target.pod}'s log`, async () => {
      let log = "";
      let missing = paths;
      // Logs reach the API a moment after the response: poll (bounded) until they are all there.
      const check = async () => {
        log = await env.logs(target.pod, SERVER_CONTAINER);
        const lines = requestLines(log);
        missing = paths.filter((p) => !hasRequestFor(lines, p));
        return missing.length ? { pending: `missing ${missing.join(", ")}` } : { done: undefined };
      };
      await env.wait.for(
        { what: `request lines in the log of ${target.pod}`, intervalMs: 500, check },
        { timeoutMs: env.budgets.networkUpMs, onTimeout: () => undefined },
      );
      await allure.attachment(`${target.pod}.log`, log, "text/plain");
      const p = { path: "request lines in the docs' web server log", from: callers[0], to: podDest(target) };
      expect(
        missing,
        failureMessage(
          p,
          `request line(s) for ${missing.join(", ")} missing from the log of ${target.pod} (${log.split("\n").filter(Boolean).length} line(s) logged)`,
        ),
      ).to.deep.equal([]);
    });
  });

  it("gives a Windows pod with dnsPolicy None exactly its own nameservers and search domains, which resolve its names (and a bogus name fails)", async () => {
    // Upstream test/e2e/windows/dns.go: the first nameserver is the cluster's DNS Service, so the search list makes a
    // short name resolve; ipconfig /all must list what dnsConfig asked for; a bogus name is the negative control.
    const dns = await env.core.readNamespacedService({ name: "kube-dns", namespace: "kube-system" });
    const pod = "windows-custom-dns";
    const want = { nameservers: [dns.spec!.clusterIP!, "1.1.1.1"], searches: ["default.svc.cluster.local", "hc-custom.example"] };
    await env.step(`deploy ${pod} (dnsPolicy None; nameservers ${want.nameservers.join(", ")}; searches ${want.searches.join(", ")})`, () =>
      env.deploy(pod, { mutate: (objs) => void ((objs[0] as k8s.V1Pod).spec!.dnsConfig!.nameservers = want.nameservers) }),
    );
    await env.step(`wait: ${pod} Ready`, () => env.wait.podReady(pod));
    const from = await podRef(env, pod, "servercore");
    const where = `${env.ns}/${pod}@${from.node}`;
    const ipconfig = await env.step(`ipconfig /all in ${pod}`, () => env.exec(pod, "servercore", ["ipconfig", "/all"]));
    const problems = dnsConfigProblems(ipconfig.stdout, want);
    expect(problems, `pod dnsConfig not applied in ${where} (ipconfig /all): ${problems.join("; ")}`).to.deep.equal([]);
    // The short name resolves through the pod's own search list (curl.exe -k https://kubernetes:443, as upstream):
    // retried within the network budget, since a Windows pod's network comes up a little after it is Running.
    const curl = (host: string) => ["curl.exe", "-k", "-s", "-S", "-o", "NUL", "--connect-timeout", "5", "--max-time", "10", `https://${host}:443/`];
    const short: Probe = {
      path: "short name through the pod's own search list",
      from,
      to: { host: "kubernetes", port: 443, name: "service default/kubernetes" },
    };
    await env.step(`${where}: "kubernetes" resolves through search domain default.svc.cluster.local`, () =>
      upThenSteady(
        short,
        async () => {
          const out = await env.exec(pod, "servercore", curl("kubernetes"), { timeoutMs: 30_000 });
          return unresolved(out) ? { ok: false, error: `name not resolved: ${out.stderr.trim()}` } : { ok: true };
        },
        () => undefined,
        steadyOptions(env, { stableMs: 0 }),
      ),
    );
    const bogus = "kubernetezzzzzzzz";
    const neg = await env.step(`${where}: the bogus name "${bogus}" does not resolve (negative control)`, () =>
      env.exec(pod, "servercore", curl(bogus), { timeoutMs: 30_000 }),
    );
    expect(
      unresolved(neg),
      `negative control: ${where} resolved the bogus name ${bogus} (curl.exe exit ${neg.exitCode}): lookups are not going to the pod's own nameservers`,
    ).to.equal(true);
  });

  it("keeps each StatefulSet pod's name and DNS record (<pod>.<svc>.<ns>.svc.<domain>) behind a headless Service across deletion and re-creation, and routes to it again", async () => {
    // WOR / upstream statefulset.go "should provide basic identity": a re-created pod comes back under its old name;
    // its own DNS name (DNS spec 2.4, from the EndpointSlice endpoint's hostname) must then lead to the new pod.
    const SET = "win-sts";
    const names = [`${SET}-0`, `${SET}-1`];
    await env.step(`deploy statefulset-headless (headless Service ${SET} + StatefulSet of 2 Windows web servers) + windows-client`, () =>
      env.deploy(["statefulset-headless", "windows-client"]),
    );
    const [first] = await env.step(`wait: ${names.join(", ")} and windows-client Ready`, () =>
      Promise.all([env.wait.podsReady(`app=${SET}`, 2), env.wait.podReady("windows-client")]),
    );
    const client = await podRef(env, "windows-client", "servercore");
    const domain = await clusterDomain(env, client);

    const identity = async (when: string) => {
      const pods = await Promise.all(names.map((n) => podRef(env, n, "windowswebserver")));
      const want = pods.map((p) => p.ip).sort();
      await env.step(`${when}: the headless Service's endpoints are the pods' IPs ${want.join(", ")}`, () =>
        env.wait.endpoints(SET, (ips) => [...ips].sort().join() === want.join(), `exactly ${names.join(", ")} at [${want.join(", ")}]`),
      );
      for (const p of pods) {
        await allure.parameter(`${p.pod} (${when})`, `${p.ip} on ${p.node}`, { excluded: true });
        // `hostname` answers once the exec reaches the new container; only a wrong name fails at once.
        const host = await env.wait.for<string>(
          {
            what: `hostname in ${p.pod}`,
            intervalMs: 500,
            check: async () => {
              const out = await env.exec(p.pod, p.container, ["hostname"]);
              const name = out.stdout.trim();
              if (!name) return { pending: `exec gave no host name (exit ${out.exitCode}${out.error ? `, ${out.error}` : ""}: ${out.stderr.trim()})` };
              return { done: name };
            },
          },
          { timeoutMs: env.budgets.networkUpMs, onTimeout: (last) => `none: ${last}` },
        );
        expect(
          sameName(host, p.pod),
          `${env.ns}/${p.pod}@${p.node} (${when}) reports host name ${host.startsWith("none: ") ? `(${host})` : JSON.stringify(host)}, not its pod name`,
        ).to.equal(true);
        const fqdn = `${p.pod}.${SET}.${env.ns}.svc.${domain}`;
        const where = `nslookup ${fqdn} from ${env.ns}/${client.pod}@${client.node}`;
        const problem = await env.step(`${when}: ${fqdn} resolves to ${p.pod}'s IP ${p.ip} (${where})`, () =>
          env.wait.for<string | undefined>(
            {
              what: `${fqdn} to resolve to ${p.ip}`,
              intervalMs: 500,
              check: async () => {
                const problem = addressProblem(fqdn, parseNslookup(await env.exec(client.pod, client.container, nslookupArgv(fqdn))), [p.ip]);
                return problem ? { pending: problem } : { done: undefined };
              },
            },
            { timeoutMs: env.budgets.networkUpMs, onTimeout: (last) => last },
          ),
        );
        expect(problem, `StatefulSet pod DNS record (${when}): ${where}: ${problem} (${p.pod}'s IP)`).to.equal(undefined);
        await reach(
          env,
          {
            path: `StatefulSet pod by its own DNS name (${when})`,
            from: client,
            to: { host: fqdn, port: 80, name: `pod ${p.pod} on ${p.node}, IP ${p.ip}, through headless service ${SET}` },
            // The docs' page shows the answering pod's own IP: it must be this pod's, not a predecessor's or a sibling's.
            bodyCheck: (body) => (body.includes(`IP ${p.ip} `) ? undefined : `answered without ${p.pod}'s IP ${p.ip}: ${JSON.stringify(body.slice(0, 160))}`),
            // As created, one answer is the baseline; after re-creation the path must come up and then stay up.
          },
          when === "as created" ? { steady: { stableMs: 0 } } : {},
        );
      }
    };
    await identity("as created");
    const before = new Set(first.map((p) => p.metadata!.uid!));
    await env.step(`delete pods ${names.join(", ")}`, () =>
      Promise.all(names.map((name) => remove(env.kc, { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: env.ns } }))),
    );
    await env.step(`wait: the StatefulSet re-creates ${names.join(", ")} (new pods, same names), Ready`, () =>
      env.wait.podsMatch(`app=${SET}`, `re-created as ${names.join(", ")} and Ready`, (ps) =>
        names.every((n) => ps.some((p) => p.metadata?.name === n && !before.has(p.metadata.uid!) && !p.metadata.deletionTimestamp && isPodReady(p))),
      ),
    );
    await identity("re-created");
  });

  it("resolves an ExternalName Service from a Windows pod: a CNAME to the external name, which resolves to its addresses", async function () {
    // WOR / upstream dns.go "should provide DNS for ExternalName services": the Service's cluster name is an alias of
    // an outside name, so it needs a cluster whose DNS can resolve outside names — the one --external-url names.
    const url = env.ctx.options.externalUrl;
    if (!url) {
      await skipWithReason(
        this,
        "the run is marked --air-gapped: an ExternalName Service aliases a name outside the cluster, which an air-gapped cluster's DNS cannot resolve (pass --external-url without --air-gapped to check it)",
      );
    }
    const target = new URL(url!).hostname.toLowerCase();
    if (isIP(target)) {
      await skipWithReason(this, `--external-url names the IP address ${target}: an ExternalName Service needs a DNS name (pass a URL with a host name)`);
    }
    const SVC = "external-web";
    await env.step(`deploy externalname-service (${SVC} → ${target}) + windows-client`, () =>
      env.deploy(["externalname-service", "windows-client"], {
        mutate: (objs) => void ((objs.find((o) => o.kind === "Service") as k8s.V1Service).spec!.externalName = target),
      }),
    );
    await env.step("wait: windows-client Ready", () => env.wait.podReady("windows-client"));
    const client = await podRef(env, "windows-client", "servercore");
    const fqdn = serviceFqdn(SVC, env.ns, await clusterDomain(env, client));
    const where = `nslookup ${fqdn} from ${env.ns}/${client.pod}@${client.node}`;
    // Retried within the network budget: a Windows pod's network comes up a little after it is Running.
    let last = "";
    const problem = await env.step(`${fqdn} is a CNAME to ${target}, which has addresses (${where})`, () =>
      env.wait.for<string | undefined>(
        {
          what: `${fqdn} to resolve through its CNAME`,
          intervalMs: 500,
          check: async () => {
            const out = await env.exec(client.pod, client.container, nslookupArgv(fqdn));
            last = `${out.stdout}${out.stderr}`;
            const problem = cnameProblem(fqdn, target, parseNslookup(out));
            return problem ? { pending: problem } : { done: undefined };
          },
        },
        { timeoutMs: env.budgets.networkUpMs, onTimeout: (last) => last },
      ),
    );
    await allure.attachment("nslookup.txt", last, "text/plain");
    expect(problem, `ExternalName service ${SVC} → ${target}: ${where}: ${problem}`).to.equal(undefined);
  });
});
