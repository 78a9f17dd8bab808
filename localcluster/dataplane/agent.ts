// The data plane process: watches the cluster, runs the emulated pods, answers exec, serves NodePorts,
// and holds the fault switches. Started by `cluster up`, stopped by `cluster down`.
import * as k8s from "@kubernetes/client-node";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { EventRecorder } from "./events.js";
import { FaultRegistry, faultCatalogue, scopeMatches } from "./faults.js";
import { EmulatedNetwork } from "./network.js";
import { PodRuntime } from "./pods/runtime.js";
import { KwokDebugging } from "./debugging.js";
import { KubeletForwarders, NodePortListeners } from "./listeners.js";
import { runCommand } from "./commands/index.js";
import { notReadyAnnotation } from "../kwok-stages.js";
import type { NodeFacts } from "./pods/container-view.js";
import type { OsName } from "./model.js";
import { SABOTAGE_CONFIG_NAME, isSabotageFault, sabotageWebhookConfiguration } from "../gmsa-webhook/sabotage.js";
import { GMSA_WEBHOOK_CONFIG_NAME } from "../gmsa-webhook/server.js";
import { NO_UPDATE_RULE_FAULT, syncUpdateRule } from "../gmsa-webhook/update-rule.js";
import { readDataPlaneConfig } from "./config.js";
import { realFigures, Timing } from "./timing.js";
import { ClusterAutoscaler } from "./autoscaler.js";
import { NodeLies } from "./node-lies.js";
import { planStale, staleAddress, syncStale } from "./stale-endpoints.js";
import { KwokResync } from "./kwok-resync.js";
import { ServiceController } from "./load-balancer.js";

export interface AgentOptions {
  kubeconfig: string;
  stateDir: string;
  port: number;
  kubeletPort: number;
  external: { name: string; ip: string };
}

/** Taints that are not a Windows pool's own: the node lifecycle's and the autoscalers' (see docs/local-cluster.md). */
const notWindowsTaint = (t: k8s.V1Taint) => t.key.startsWith("node.kubernetes.io/") && t.key !== "node.kubernetes.io/os";
export class DataPlaneAgent {
  private readonly kc = new k8s.KubeConfig();
  private informers: { stop(): Promise<void> }[] = [];
  private server?: Server;
  private runtime!: PodRuntime;
  private faults!: FaultRegistry;
  private nodePorts!: NodePortListeners;
  private readonly forwarders = new KubeletForwarders();
  /** Nodes whose Windows taints a fault removed, and those taints: exactly these come back when the fault clears. */
  private readonly untainted = new Map<string, k8s.V1Taint[]>();
  /** Node labels and nodeInfo fields a fault changed, and what comes back when it clears. */
  private readonly nodeLies = new NodeLies();
  private autoscaler?: ClusterAutoscaler;
  private kwokResync?: KwokResync;
  /** The cloud's service controller (load balancers), where the profile has one. */
  private serviceController?: ServiceController;
  private timing = new Timing();
  private nodesCache!: k8s.Informer<k8s.V1Node> & k8s.ObjectCache<k8s.V1Node>;
  private servicesCache!: k8s.Informer<k8s.V1Service> & k8s.ObjectCache<k8s.V1Service>;
  private slicesCache!: k8s.Informer<k8s.V1EndpointSlice> & k8s.ObjectCache<k8s.V1EndpointSlice>;

  constructor(
    private readonly o: AgentOptions,
    private readonly log: (l: string) => void,
  ) {
    this.kc.loadFromFile(o.kubeconfig);
  }

  async start(): Promise<void> {
    const core = this.kc.makeApiClient(k8s.CoreV1Api);
    const config = readDataPlaneConfig(this.o.stateDir);
    const timing = (this.timing = new Timing(config.timing));
    const discovery = this.kc.makeApiClient(k8s.DiscoveryV1Api);
    this.faults = new FaultRegistry(join(this.o.stateDir, "faults.json"));
    const url = `http://127.0.0.1:${this.o.port}`;

    this.nodesCache = k8s.makeInformer(this.kc, "/api/v1/nodes", () => core.listNode());
    this.servicesCache = k8s.makeInformer(this.kc, "/api/v1/services", () => core.listServiceForAllNamespaces());
    this.slicesCache = k8s.makeInformer(this.kc, "/apis/discovery.k8s.io/v1/endpointslices", () => discovery.listEndpointSliceForAllNamespaces());
    const podsInformer = k8s.makeInformer(this.kc, "/api/v1/pods", () => core.listPodForAllNamespaces());
    const policy = config.networkPolicy === "none" ? undefined : this.policyInformers(core);

    const slices = this.programmedSlices(timing.ms(realFigures.kubeProxyLagMs));
    const net = new EmulatedNetwork(
      {
        services: () => this.servicesCache.list(),
        endpointSlices: slices,
        nodes: () => this.nodesCache.list(),
        ...(policy && {
          networkPolicies: () => policy.policies.list(),
          namespaceLabels: (ns: string) => policy.namespaces.get(ns)?.metadata?.labels ?? {},
        }),
      },
      () => this.runtime,
      this.faults,
      this.o.external,
      timing,
    );
    this.nodePorts = new NodePortListeners(net, this.log);
    const logsRoot = join(this.o.stateDir, "pod-logs");
    mkdirSync(logsRoot, { recursive: true });
    this.runtime = new PodRuntime({
      kc: this.kc,
      events: new EventRecorder(this.kc, this.log),
      faults: this.faults,
      net,
      objects: {
        configMap: async (namespace, name) => (await core.readNamespacedConfigMap({ namespace, name }).catch(() => undefined))?.data ?? undefined,
        secret: async (namespace, name) => {
          const s = await core.readNamespacedSecret({ namespace, name }).catch(() => undefined);
          if (!s) return undefined;
          return Object.fromEntries([
            ...Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
            ...Object.entries(s.stringData ?? {}),
          ]);
        },
      },
      node: (name) => this.nodeFacts(name),
      nodeReady: (name) => !this.nodesCache.get(name)?.metadata?.annotations?.[notReadyAnnotation],
      logsRoot,
      cluster: { dnsIP: "10.96.0.10", kubernetesServiceIP: "10.96.0.1" },
      debugging: new KwokDebugging(this.kc, url),
      timing,
      log: this.log,
    });
    this.autoscaler = new ClusterAutoscaler(
      this.kc,
      config.autoscaled,
      (name) => !!this.nodesCache.get(name),
      timing.realistic ? timing.ms(realFigures.scaleUpMs) : 1000,
      this.log,
    );

    if (config.kwok)
      this.kwokResync = new KwokResync({
        kc: this.kc,
        stateDir: this.o.stateDir,
        command: config.kwok,
        port: this.o.kubeletPort,
        connections: this.forwarders,
        log: this.log,
      });
    if (config.loadBalancer)
      this.serviceController = new ServiceController(
        this.kc,
        config.loadBalancer.pool,
        timing.ms(realFigures.loadBalancerProvisionMs),
        (namespace, name) => this.servicesCache.get(name, namespace),
        net,
        this.faults,
        this.log,
      );

    const policyInformers = policy ? [policy.policies, policy.namespaces] : [];
    for (const inf of [this.nodesCache, this.servicesCache, this.slicesCache, podsInformer, ...policyInformers] as k8s.Informer<k8s.KubernetesObject>[]) {
      // client-node's informer stops on an error and is restarted by its owner (its README's pattern), as a
      // kubelet's reflector re-lists after an API server restart: without this the node agent went deaf for good.
      inf.on("error", (e) => {
        this.log(`watch error (restarting the watch in 1 s): ${(e as Error)?.message ?? e}`);
        this.kwokResync?.suspect(`watch error: ${(e as Error)?.message ?? e}`);
        setTimeout(
          () => void inf.start().catch((err: unknown) => this.log(`watch restart failed (will retry on its next error): ${(err as Error)?.message ?? err}`)),
          1000,
        );
      });
    }
    podsInformer.on("add", (p) => (this.runtime.onPod(p), this.autoscaler?.onPod(p)));
    podsInformer.on("update", (p) => (this.runtime.onPod(p), this.autoscaler?.onPod(p)));
    podsInformer.on("delete", (p) => this.runtime.onPodDeleted(p));
    const syncPorts = () => this.syncNodePorts();
    if (this.serviceController) {
      const sc = this.serviceController;
      this.servicesCache.on("add", (svc) => sc.onService(svc));
      this.servicesCache.on("update", (svc) => sc.onService(svc));
      this.servicesCache.on("delete", (svc) => sc.onServiceDeleted(svc));
    }
    for (const v of ["add", "update", "delete"] as const) {
      this.servicesCache.on(v, syncPorts);
      this.servicesCache.on(v, () => void this.syncStaleSlices().catch((e: unknown) => this.log(`endpointslice-stale: ${(e as Error).message}`)));
      this.nodesCache.on(v, syncPorts);
    }
    this.faults.onChange(() => this.applyFaults());

    await Promise.all([this.nodesCache.start(), this.servicesCache.start(), this.slicesCache.start(), ...policyInformers.map((i) => i.start())]);
    await podsInformer.start();
    this.informers = [this.nodesCache, this.servicesCache, this.slicesCache, podsInformer, ...policyInformers];
    // Nodes an autoscaler adds later are reached at addresses reserved now.
    const addresses = new Set([...this.nodeAddresses().map((n) => n.address), ...config.nodeAddresses]);
    await this.forwarders.start([...addresses], this.o.kubeletPort);
    this.syncNodePorts();
    await this.serve(net);
  }

  /** What a NetworkPolicy engine's agent watches: the policies, and namespaces for their labels. */
  private policyInformers(core: k8s.CoreV1Api) {
    const networking = this.kc.makeApiClient(k8s.NetworkingV1Api);
    return {
      policies: k8s.makeInformer(this.kc, "/apis/networking.k8s.io/v1/networkpolicies", () => networking.listNetworkPolicyForAllNamespaces()),
      namespaces: k8s.makeInformer(this.kc, "/api/v1/namespaces", () => core.listNamespace()),
    };
  }

  /**
   * The EndpointSlices as kube-proxy/HNS has programmed them: the informer's view itself without latency; with it,
   * each change reaches the routes `lagMs` later (in order).
   */
  private programmedSlices(lagMs: number): () => readonly k8s.V1EndpointSlice[] {
    if (!lagMs) return () => this.slicesCache.list();
    const programmed = new Map<string, k8s.V1EndpointSlice>();
    const key = (s: k8s.V1EndpointSlice) => `${s.metadata?.namespace}/${s.metadata?.name}`;
    const later = (f: () => void) => setTimeout(f, lagMs).unref();
    this.slicesCache.on("add", (s) => later(() => programmed.set(key(s), s)));
    this.slicesCache.on("update", (s) => later(() => programmed.set(key(s), s)));
    this.slicesCache.on("delete", (s) => later(() => programmed.delete(key(s))));
    return () => [...programmed.values()];
  }

  private nodeFacts(name: string): NodeFacts | undefined {
    const n = this.nodesCache.get(name);
    if (!n) return undefined;
    return {
      name,
      os: (n.metadata?.labels?.["kubernetes.io/os"] ?? "linux") as OsName,
      build: n.metadata?.labels?.["node.kubernetes.io/windows-build"],
      address: n.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "127.0.0.1",
      podCIDR: n.spec?.podCIDR,
    };
  }

  private nodeAddresses(): { name: string; address: string }[] {
    return this.nodesCache.list().flatMap((n) => {
      const a = n.status?.addresses?.find((x) => x.type === "InternalIP")?.address;
      return a?.startsWith("127.") ? [{ name: n.metadata!.name!, address: a }] : [];
    });
  }

  private syncNodePorts(): void {
    this.nodePorts.sync(this.servicesCache.list(), this.nodeAddresses(), (node, namespace) => !!this.faults.active("nodeport-closed", { node, namespace }));
  }

  /** Faults that change API objects (taints, node readiness) are applied here; the rest are consulted live. */
  private async applyFaults(): Promise<void> {
    const core = this.kc.makeApiClient(k8s.CoreV1Api);
    for (const n of this.nodesCache.list()) {
      const name = n.metadata!.name!;
      const target = { node: name };
      const notReady = !!this.faults.active("node-not-ready", target);
      const has = !!n.metadata?.annotations?.[notReadyAnnotation];
      if (notReady !== has) {
        await core.patchNode(
          { name, body: { metadata: { annotations: { [notReadyAnnotation]: notReady ? "true" : null } } } },
          k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        );
      }
      await this.nodeLies.apply(core, n, (f) => !!this.faults.active(f, target));
      if (n.metadata?.labels?.["kubernetes.io/os"] !== "windows") continue;
      // The node's Windows taints are whatever its pool set (os=windows, node.kubernetes.io/os=windows, sku=Windows…);
      // a profile without one (aks, eks) has nothing for this fault to remove.
      const taints = n.spec?.taints ?? [];
      const own = taints.filter((t) => !notWindowsTaint(t) && t.effect !== "PreferNoSchedule");
      const missing = !!this.faults.active("windows-taint-missing", target);
      let next: k8s.V1Taint[] | undefined;
      if (missing && own.length) {
        this.untainted.set(name, own);
        next = taints.filter((t) => !own.includes(t));
      } else if (!missing && this.untainted.has(name)) {
        const back = this.untainted.get(name)!;
        this.untainted.delete(name);
        next = [...taints, ...back.filter((b) => !taints.some((t) => t.key === b.key && t.effect === b.effect))];
      }
      if (next) await core.patchNode({ name, body: { spec: { taints: next } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
    }
    await this.syncSabotageWebhook();
    await this.syncStaleSlices();
    await syncUpdateRule(
      this.kc,
      this.faults.list().some((f) => f.name === NO_UPDATE_RULE_FAULT),
    );
    this.syncNodePorts();
  }

  /** endpointslice-stale: a stale slice for exactly the Services in the namespaces the fault's scope matches. */
  private async syncStaleSlices(): Promise<void> {
    const f = this.faults.list().find((x) => x.name === "endpointslice-stale");
    const plan = planStale(this.servicesCache.list(), this.slicesCache.list(), (s) => !!f && scopeMatches(f.scope, { namespace: s.metadata?.namespace }));
    if (plan.create.length || plan.remove.length) await syncStale(this.kc, plan, staleAddress(this.nodesCache.list()));
  }

  /**
   * The admission-* faults (admission-rewrites-pods and its narrower variants): their MutatingWebhookConfiguration
   * exists exactly while one of them is on.
   * The endpoint lives in the GMSA webhook's process, so the registration reuses that webhook's URL and caBundle.
   */
  private async syncSabotageWebhook(): Promise<void> {
    const adm = this.kc.makeApiClient(k8s.AdmissionregistrationV1Api);
    const active = this.faults.list().filter((f) => isSabotageFault(f.name));
    if (!active.length) {
      await adm.deleteMutatingWebhookConfiguration({ name: SABOTAGE_CONFIG_NAME }).catch((e) => {
        if ((e as { code?: number }).code !== 404) throw e;
      });
      return;
    }
    const gmsa = (await adm.readMutatingWebhookConfiguration({ name: GMSA_WEBHOOK_CONFIG_NAME })).webhooks?.[0]?.clientConfig;
    if (!gmsa?.url || !gmsa.caBundle)
      throw new Error(`cannot register ${SABOTAGE_CONFIG_NAME}: the ${GMSA_WEBHOOK_CONFIG_NAME} webhook has no URL/caBundle to share`);
    const body = sabotageWebhookConfiguration(new URL(gmsa.url).origin, gmsa.caBundle, active);
    await k8s.KubernetesObjectApi.makeApiClient(this.kc).patch(
      body,
      undefined,
      undefined,
      "hybrid-conformance-dataplane",
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  }

  private async serve(net: EmulatedNetwork): Promise<void> {
    const json = (res: import("node:http").ServerResponse, code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    this.server = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      try {
        const u = new URL(req.url ?? "/", "http://x");
        if (u.pathname === "/healthz") return json(res, 200, { ok: true });
        if (u.pathname === "/exec" && req.method === "POST") return json(res, 200, await this.exec(JSON.parse(body), net));
        if (u.pathname === "/faults" && req.method === "GET") return json(res, 200, { active: this.faults.list(), catalogue: faultCatalogue });
        if (u.pathname === "/faults" && req.method === "POST") return json(res, 201, await this.faults.add(JSON.parse(body)));
        if (u.pathname === "/faults" && req.method === "DELETE")
          return json(res, 200, { cleared: await this.faults.clear(u.searchParams.get("id") ?? undefined) });
        return json(res, 404, { error: `no such endpoint ${req.method} ${u.pathname}` });
      } catch (e) {
        const issues = (e as { issues?: { path: string[]; message: string }[] }).issues;
        if (issues) return json(res, 400, { error: issues.map((i) => `${i.path.join(".") || "fault"}: ${i.message}`).join("; ") });
        this.log(`control API error: ${(e as Error).stack}`);
        return json(res, 500, { error: (e as Error).message });
      }
    });
    await new Promise<void>((r) => this.server!.listen(this.o.port, "127.0.0.1", () => r()));
  }

  private async exec(req: { namespace: string; pod: string; container: string; argv: string[] }, net: EmulatedNetwork) {
    const found = this.runtime.find(req.namespace, req.pod, req.container);
    if (!found || found.c.state.kind !== "running" || !found.c.view) {
      // The kubelet only looks among running containers and refuses the exec with its GetExec error,
      // `container not found ("<name>")`. kwok has already started the command by now, so the refusal travels
      // as the command's stderr and exit code 126 ("cannot execute") rather than as a failed upgrade.
      return { stdout: "", stderr: `container not found (${JSON.stringify(req.container)})\n`, exitCode: 126 };
    }
    // An exec into a Windows container takes a moment to round-trip (estimate; see docs/local-cluster.md "Timing").
    if (found.r.node.os === "windows") await new Promise((res) => setTimeout(res, this.timing.ms(realFigures.windowsExecMs)));
    return runCommand({ container: found.c.view, net }, req.argv);
  }

  async stop(): Promise<void> {
    this.runtime?.stopAll();
    this.autoscaler?.stop();
    this.kwokResync?.stop();
    this.serviceController?.stop();
    this.nodePorts?.close();
    this.forwarders.close();
    this.server?.close();
    await Promise.all(this.informers.map((i) => i.stop().catch(() => undefined)));
  }
}
