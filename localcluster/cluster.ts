// `cluster up | down | status`: a real control plane (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler) with kwok for the nodes, a GMSA webhook and our emulated data plane, all on loopback.
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { ensureBinaries, kubernetesVersion } from "./binaries.js";
import { generateCredentials, kubeconfigYaml } from "./credentials.js";
import { loadLayout, type Layout } from "./topology.js";
import { placeNodes, nodeObject, simulatedNodeLabel, addressBlock, loadBalancerPool } from "./nodes.js";
import { nodeStagesYaml } from "./kwok-stages.js";
import { startComponent, stopComponent, isOurs, freePort, assertPortFree, type ComponentRecord } from "./processes.js";
import { waitHealthy, httpGet } from "./health.js";
import { readState, writeState, stateFile, type ClusterState } from "./state.js";
import { stateDir, repoRoot, nodeArgsFor } from "./paths.js";
import { bootstrapObjects } from "./bootstrap.js";
import { sandboxedCommand, assertSandboxAvailable } from "./dataplane/sandbox.js";
import { UserFacingError } from "../lib/errors.js";
import { timingSchema, type TimingConfig } from "./dataplane/timing.js";
import { writeDataPlaneConfig } from "./dataplane/config.js";
import { acquireUpLock } from "./lock.js";
import { assertHasWindowsNode, assertSameLayout } from "./layout-checks.js";
import { assertSameFeatureGates, featureGateArgs, parseFeatureGates } from "./feature-gates.js";

/** How long a second `up` waits for a start in progress (a first start may build the binaries). */
const upLockWaitMs = 15 * 60_000;

export interface UpOptions {
  topology?: string;
  /** A layout of profiles.ts (or `profile:` in the topology file). */
  profile?: string;
  /** gke: register GKE's reported toleration-adding webhook. */
  tolerationWebhook?: boolean;
  latency?: string;
  timeScale?: number;
  /** Fixed apiserver port (default: a free one). */
  apiserverPort?: number;
  /** Kubernetes feature gates for the control plane (`Name=true,…`, feature-gates.ts). */
  featureGates?: string;
  log?: (line: string) => void;
}

export type Liveness = { state: "up"; s: ClusterState } | { state: "down" } | { state: "stale"; why: string };

export async function liveness(dir = stateDir()): Promise<Liveness> {
  const s = readState(dir);
  if (!s) {
    if (existsSync(stateFile(dir)) || existsSync(join(dir, "pending-components.json"))) return { state: "stale", why: "an earlier start did not finish" };
    return { state: "down" };
  }
  const dead = s.components.filter((c) => !isOurs(c));
  if (dead.length) return { state: "stale", why: `${dead.map((c) => c.name).join(", ")} not running` };
  // Every process is alive: a slow answer (a loaded machine) is not a dead cluster. Ask a few times before calling
  // it stale, since `up` stops stale state and a false verdict would stop a healthy cluster.
  const ca = readFileSync(join(dir, "pki", "ca.crt"), "utf8");
  let why = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const r = await httpGet(`${s.server}/readyz`, { ca, timeoutMs: 5000 });
      if (r.status === 200) return { state: "up", s };
      why = `apiserver /readyz answered ${r.status}`;
    } catch (e) {
      why = `apiserver unreachable: ${(e as Error).message}`;
    }
    if (attempt < 3) await new Promise((r) => setTimeout(r, 1000));
  }
  return { state: "stale", why };
}

export async function up(opts: UpOptions = {}): Promise<{ kubeconfig: string; alreadyRunning: boolean }> {
  const log = opts.log ?? (() => {});
  const dir = stateDir();
  // Validate everything the user gave us before a single process starts.
  const layout = loadLayout({ file: opts.topology, profile: opts.profile, tolerationWebhook: opts.tolerationWebhook });
  const timing = timingOf(opts);
  parseFeatureGates(opts.featureGates);
  assertHasWindowsNode(layout, opts.topology);
  // One start at a time: a start in progress is never mistaken for stale state.
  const lock = await acquireUpLock(dir, upLockWaitMs, log);
  try {
    return await upLocked(dir, layout, timing, opts, log);
  } finally {
    lock.release();
  }
}

async function upLocked(
  dir: string,
  layout: Layout,
  timing: TimingConfig,
  opts: UpOptions,
  log: (line: string) => void,
): Promise<{ kubeconfig: string; alreadyRunning: boolean }> {
  const live = await liveness(dir);
  if (live.state === "up") {
    if (opts.topology || opts.profile) assertSameLayout(live.s, layout, opts.topology ? `--topology ${opts.topology}` : `--profile ${opts.profile}`);
    assertSameFeatureGates(live.s.featureGates ?? [], parseFeatureGates(opts.featureGates), opts.featureGates !== undefined);
    return { kubeconfig: live.s.kubeconfig, alreadyRunning: true };
  }
  if (live.state === "stale") {
    log(`cleaning up stale local cluster state (${live.why})`);
    await down(dir);
  }
  if (opts.apiserverPort !== undefined)
    await assertPortFree(opts.apiserverPort).catch((e) => {
      throw new UserFacingError(`cannot start the local cluster: ${(e as Error).message}`);
    });
  assertSandboxAvailable();
  const bins = await ensureBinaries(log);

  const started: ComponentRecord[] = [];
  mkdirSync(join(dir, "logs"), { recursive: true });
  try {
    return await startAll(dir, layout, timing, bins, opts, started, log);
  } catch (e) {
    // Never leave half a cluster running.
    for (const c of started.reverse()) await stopComponent(c);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function startAll(
  dir: string,
  layout: Layout,
  timing: TimingConfig,
  bins: Awaited<ReturnType<typeof ensureBinaries>>,
  opts: UpOptions,
  started: ComponentRecord[],
  log: (line: string) => void,
) {
  const t0 = Date.now();
  const placed = placeNodes(layout.nodes, addressBlock(dir));
  const registered = placed.filter((p) => layout.registered.has(p.spec.name));
  const ports = {
    etcdClient: await freePort(),
    etcdPeer: await freePort(),
    apiserver: opts.apiserverPort ?? (await freePort()),
    kubelet: await freePort(),
    webhook: await freePort(),
    dataplane: await freePort(),
  };
  const creds = await generateCredentials(
    join(dir, "pki"),
    placed.map((p) => p.address),
  );
  const logFile = (n: string) => join(dir, "logs", `${n}.log`);
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfigs: Record<string, string> = {};
  for (const [name, user] of [
    ["admin", "hybrid-conformance-admin"],
    ["controller-manager", "system:kube-controller-manager"],
    ["scheduler", "system:kube-scheduler"],
    ["kwok", "system:kwok"],
    ["dataplane", "system:hybrid-conformance-dataplane"],
  ] as const) {
    kubeconfigs[name] = join(dir, name === "admin" ? "kubeconfig" : `kubeconfig-${name}`);
    writeFileSync(kubeconfigs[name], kubeconfigYaml(server, creds.caPem, user, creds.tokens[name]), { mode: 0o600 });
  }
  // Recorded as each starts, so a `down` after a crashed `up` still finds them.
  const track = (c: ComponentRecord) => {
    started.push(c);
    writeFileSync(join(dir, "pending-components.json"), JSON.stringify(started));
    return c;
  };

  const etcd = track(
    startComponent(
      "etcd",
      bins.etcd,
      [
        "--name=hc-etcd",
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-cluster=hc-etcd=http://127.0.0.1:${ports.etcdPeer}`,
        "--unsafe-no-fsync=true", // a throwaway test cluster: speed over durability
        "--quota-backend-bytes=1073741824",
      ],
      logFile("etcd"),
    ),
  );
  await waitHealthy(etcd, `http://127.0.0.1:${ports.etcdClient}/health`, { timeoutMs: 30_000 });

  const apiserver = track(
    startComponent(
      "kube-apiserver",
      bins["kube-apiserver"],
      [
        `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${ports.apiserver}`,
        `--tls-cert-file=${creds.apiserver.cert}`,
        `--tls-private-key-file=${creds.apiserver.key}`,
        `--client-ca-file=${creds.caCert}`,
        `--token-auth-file=${creds.tokenFile}`,
        "--authorization-mode=Node,RBAC",
        `--service-account-key-file=${creds.serviceAccountPub}`,
        `--service-account-signing-key-file=${creds.serviceAccountKey}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-cluster-ip-range=10.96.0.0/16",
        "--service-node-port-range=30000-32767",
        // A loopback advertise address cannot be written into the `kubernetes` Endpoints.
        "--endpoint-reconciler-type=none",
        "--allow-privileged=true",
        // Node Hostname addresses are names no DNS knows; kubelets (kwok) are reached by their loopback InternalIP.
        "--kubelet-preferred-address-types=InternalIP",
        "--enable-priority-and-fairness=false",
        "--profiling=false",
        // Every change made to the cluster, for debugging a run and for the suites' benchmark floor.
        `--audit-policy-file=${auditPolicy(dir)}`,
        `--audit-log-path=${join(dir, "logs", "audit.log")}`,
        "--audit-log-maxsize=200",
        `--cert-dir=${join(dir, "pki", "apiserver-generated")}`,
        ...featureGateArgs(parseFeatureGates(opts.featureGates)),
      ],
      logFile("kube-apiserver"),
    ),
  );
  await waitHealthy(apiserver, `${server}/readyz`, { ca: creds.caPem, token: creds.tokens.admin, timeoutMs: 60_000 });

  track(
    startComponent(
      "kube-controller-manager",
      bins["kube-controller-manager"],
      [
        `--kubeconfig=${kubeconfigs["controller-manager"]}`,
        `--authentication-kubeconfig=${kubeconfigs["controller-manager"]}`,
        `--authorization-kubeconfig=${kubeconfigs["controller-manager"]}`,
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=0",
        `--service-account-private-key-file=${creds.serviceAccountKey}`,
        `--root-ca-file=${creds.caCert}`,
        "--use-service-account-credentials=true",
        "--controllers=*,-nodeipam",
        "--cluster-name=hybrid-local",
        // Quick reaction to a node going NotReady, as on a tuned test cluster.
        "--node-monitor-grace-period=20s",
        ...featureGateArgs(parseFeatureGates(opts.featureGates)),
      ],
      logFile("kube-controller-manager"),
    ),
  );
  track(
    startComponent(
      "kube-scheduler",
      bins["kube-scheduler"],
      [
        `--kubeconfig=${kubeconfigs.scheduler}`,
        `--authentication-kubeconfig=${kubeconfigs.scheduler}`,
        `--authorization-kubeconfig=${kubeconfigs.scheduler}`,
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=0",
        ...featureGateArgs(parseFeatureGates(opts.featureGates)),
      ],
      logFile("kube-scheduler"),
    ),
  );

  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigs.admin);
  await bootstrapObjects(kc, {
    nodes: registered.map((p) => nodeObject(p, ports.kubelet)),
    tolerationWebhook: layout.tolerationWebhook,
    kwokCrds: bins.kwokCrds,
    webhookUrl: `https://127.0.0.1:${ports.webhook}`,
    caPem: creds.caPem,
  });

  // kwok looks up exec'd commands on its own PATH: only the data plane's shims are on it, so no real tool ever runs.
  // Its command goes into the data plane's config too: the data plane restarts kwok after an API server outage.
  const stagesFile = join(dir, "kwok-stages.yaml");
  writeFileSync(stagesFile, nodeStagesYaml());
  mkdirSync(join(dir, "kwok"), { recursive: true });
  const kwokCmd = {
    ...sandboxedCommand(dir, bins.kwok, [
      `--kubeconfig=${kubeconfigs.kwok}`,
      `--config=${stagesFile}`,
      `--manage-nodes-with-label-selector=${simulatedNodeLabel}=true`,
      "--node-ip=127.0.0.1",
      `--node-port=${ports.kubelet}`,
      `--server-address=127.0.0.1:${ports.kubelet + 0}`,
      `--tls-cert-file=${creds.kubelet.cert}`,
      `--tls-private-key-file=${creds.kubelet.key}`,
      "--node-lease-duration-seconds=40",
      "--enable-crds=Exec,Logs,ClusterExec,ClusterLogs",
    ]),
    env: { KWOK_WORKDIR: join(dir, "kwok") },
    log: logFile("kwok"),
  };
  writeDataPlaneConfig(dir, {
    profile: layout.profile,
    timing,
    autoscaled: layout.autoscaled.map((a) => ({
      pool: a.pool,
      max: a.max,
      nodes: placed.filter((p) => p.spec.pool === a.pool).map((p) => nodeObject(p, ports.kubelet)),
    })),
    nodeAddresses: placed.map((p) => p.address),
    networkPolicy: layout.networkPolicy,
    kwok: kwokCmd,
    ...(layout.loadBalancer === "cloud" && { loadBalancer: { pool: loadBalancerPool(addressBlock(dir)) } }),
  });
  // The emulator's Node processes serve a handful of requests a second: V8's young generation at the size it picks for
  // a 512 MiB process (1 MiB semi-spaces; the 64-bit default is up to 16 MiB, three of them) rather than a server's.
  // Node docs, --max-semi-space-size: "on 64-bit systems with a memory limit of 512 MiB, the max size of a semi-space
  // defaults to 1 MiB". Measured (scripts/bench-tests.ts --sections memory): docs/local-cluster.md.
  const emulatorHeap = ["--max-semi-space-size=1"];
  const webhook = track(
    startComponent(
      "gmsa-webhook",
      process.execPath,
      [
        ...emulatorHeap,
        ...nodeArgsFor("localcluster/gmsa-webhook/main.ts"),
        `--port=${ports.webhook}`,
        `--cert=${creds.webhook.cert}`,
        `--key=${creds.webhook.key}`,
        `--kubeconfig=${kubeconfigs.dataplane}`,
        `--faults-file=${join(dir, "faults.json")}`,
      ],
      logFile("gmsa-webhook"),
      {},
      repoRoot,
    ),
  );
  const dataplane = track(
    startComponent(
      "dataplane",
      process.execPath,
      [
        ...emulatorHeap,
        ...nodeArgsFor("localcluster/dataplane/main.ts"),
        `--state-dir=${dir}`,
        `--port=${ports.dataplane}`,
        `--kubeconfig=${kubeconfigs.dataplane}`,
        `--kubelet-port=${ports.kubelet}`,
      ],
      logFile("dataplane"),
      {},
      repoRoot,
    ),
  );

  const kwok = track(startComponent("kwok", kwokCmd.bin, kwokCmd.args, kwokCmd.log, kwokCmd.env));

  await waitHealthy(webhook, `https://127.0.0.1:${ports.webhook}/health`, { ca: creds.caPem, timeoutMs: 30_000 });
  await waitHealthy(dataplane, `http://127.0.0.1:${ports.dataplane}/healthz`, { timeoutMs: 30_000 });
  await waitNodesReady(kc, registered.length, [kwok, dataplane], 60_000);

  const state: ClusterState = {
    createdAt: new Date().toISOString(),
    server,
    kubeconfig: kubeconfigs.admin,
    ports,
    nodes: registered.map((p) => ({ name: p.spec.name, address: p.address, os: p.spec.os, build: p.spec.build })),
    profile: layout.profile,
    timing,
    featureGates: parseFeatureGates(opts.featureGates),
    components: started,
    dataplaneUrl: `http://127.0.0.1:${ports.dataplane}`,
  };
  writeState(dir, state);
  log(
    `local cluster (Kubernetes ${kubernetesVersion}, profile ${layout.profile}, ${registered.length} simulated nodes${timing.latency === "none" ? "" : `, ${timing.latency} latency ×${timing.timeScale}`}) up in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { kubeconfig: kubeconfigs.admin, alreadyRunning: false };
}

/** --latency/--time-scale, checked before anything starts. */
function timingOf(opts: UpOptions): TimingConfig {
  if (opts.timeScale !== undefined && !(opts.timeScale > 0)) throw new UserFacingError(`--time-scale: ${opts.timeScale} is not above 0`);
  const parsed = timingSchema.safeParse({ latency: opts.latency ?? "none", timeScale: opts.timeScale ?? 1 });
  if (!parsed.success) throw new UserFacingError(`--latency: ${JSON.stringify(opts.latency)} is not one of none, realistic`);
  return parsed.data;
}

async function waitNodesReady(kc: k8s.KubeConfig, want: number, guards: ComponentRecord[], timeoutMs: number): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  // Ready, and the node lifecycle controller has lifted its not-ready taint: only then do pods schedule.
  // (node.kubernetes.io/os is a Windows pool's own taint on GKE, not a lifecycle one.)
  const lifecycle = new Set(["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "node.kubernetes.io/network-unavailable"]);
  const ready = (n: k8s.V1Node) =>
    n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") && !n.spec?.taints?.some((t) => lifecycle.has(t.key));
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  for (;;) {
    for (const g of guards) if (!isOurs(g)) throw new UserFacingError(`${g.name} exited while nodes were registering (log: ${g.log})`);
    const nodes = (await core.listNode({ labelSelector: `${simulatedNodeLabel}=true` })).items;
    const n = nodes.filter(ready).length;
    if (n >= want) return;
    if (Date.now() > deadline) throw new UserFacingError(`only ${n}/${want} nodes became Ready within ${timeoutMs / 1000} s (see ${guards[0].log})`);
    // Nodes turn Ready within a second of kwok starting; a short poll is cheaper than a watch here.
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
}

function auditPolicy(dir: string): string {
  const f = join(dir, "audit-policy.yaml");
  writeFileSync(
    f,
    [
      "apiVersion: audit.k8s.io/v1",
      "kind: Policy",
      "omitStages: [RequestReceived]",
      "rules:",
      // Components' own chatter (status updates, leases, events) is not what anyone debugs here.
      "- level: None",
      "  users: [system:kube-controller-manager, system:kube-scheduler, system:kwok, system:hybrid-conformance-dataplane, system:apiserver]",
      "- level: None",
      "  userGroups: [system:serviceaccounts:kube-system, system:nodes]",
      // Never record what Secrets, tokens and GMSA credspecs (also inline in pods) contain: names only.
      "- level: Metadata",
      '  resources: [{group: "", resources: [secrets, serviceaccounts/token, pods]}, {group: windows.k8s.io}, {group: authentication.k8s.io}]',
      "- level: Request",
      "  verbs: [create, update, patch, delete, deletecollection]",
      "- level: Metadata",
      '  resources: [{group: "", resources: [pods/exec, pods/log]}]',
      // Every request of a non-system ServiceAccount (e.g. the harness run as one): which verbs a run issues.
      "- level: Metadata",
      "  userGroups: [system:serviceaccounts]",
      "",
    ].join("\n"),
  );
  return f;
}

/** Stops exactly the processes `up` recorded, newest first, and removes the state. */
export async function down(dir = stateDir()): Promise<{ stopped: string[] }> {
  const s = readState(dir);
  const stopped: string[] = [];
  for (const c of [...(s?.components ?? [])].reverse()) {
    if (isOurs(c)) {
      await stopComponent(c);
      stopped.push(c.name);
    }
  }
  // Components of an `up` that crashed before writing the state are recorded in the pid log.
  const pending = join(dir, "pending-components.json");
  if (existsSync(pending)) {
    for (const c of JSON.parse(readFileSync(pending, "utf8")) as ComponentRecord[])
      if (isOurs(c)) {
        await stopComponent(c);
        stopped.push(c.name);
      }
  }
  rmSync(dir, { recursive: true, force: true });
  return { stopped };
}
