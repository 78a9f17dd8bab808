// The emulated kubelet + container runtime for every pod bound to a simulated node: admission, sandbox,
// image pulls, container start, probes, restarts, hooks, termination — with the events and statuses a real
// node produces. What a container *does* comes from workloads/ and commands/.
import * as k8s from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import type { NetworkWorld } from "../model.js";
import type { EventRecorder } from "../events.js";
import { ContainerLogs } from "../logs.js";
import type { FaultRegistry } from "../faults.js";
import { platformMismatch, qualify } from "../images.js";
import { containerView, podVolumes, effectiveUser, ContainerConfigError, type NodeFacts, type ObjectSource } from "./container-view.js";
import type { ContainerRecord, ContainerState, PodRecord } from "./records.js";
import { podStatus, imageID } from "./status.js";
import { runHandler } from "./probes.js";
import { workloadFor } from "../workloads/index.js";
import { runCommand } from "../commands/index.js";
import { preludeOf } from "./entrypoint.js";

export interface RuntimeDeps {
  kc: k8s.KubeConfig;
  events: EventRecorder;
  faults: FaultRegistry;
  net: NetworkWorld;
  objects: ObjectSource;
  node(name: string): NodeFacts | undefined;
  nodeReady(name: string): boolean;
  logsRoot: string;
  cluster: { dnsIP: string; kubernetesServiceIP: string };
  /** Registers kwok's Exec/Logs objects for the pod so `kubectl exec/logs` reach us. */
  debugging: { ensure(r: PodRecord): Promise<void> };
  log(line: string): void;
}

const knownWindowsUsers = new Set(["containeradministrator", "containeruser", "nt authority\\system", "nt authority\\local service", "nt authority\\network service", "administrator"]);

const now = () => new Date().toISOString();
const rid = () => randomBytes(32).toString("hex");

export class PodRuntime {
  readonly pods = new Map<string, PodRecord>();
  private readonly core: k8s.CoreV1Api;
  private readonly ipsInUse = new Map<string, Set<string>>();
  private readonly pulled = new Map<string, Set<string>>();
  private readonly statusQueue = new Set<string>();
  private flushing: Promise<void> | undefined;

  constructor(private readonly d: RuntimeDeps) {
    this.core = d.kc.makeApiClient(k8s.CoreV1Api);
  }

  /** Informer add/update. */
  onPod(pod: k8s.V1Pod): void {
    const uid = pod.metadata?.uid;
    const nodeName = pod.spec?.nodeName;
    if (!uid || !nodeName) return;
    const node = this.d.node(nodeName);
    if (!node) return;
    let r = this.pods.get(uid);
    if (!r) {
      if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return; // finished before we (re)started
      r = this.newRecord(pod, node);
      this.pods.set(uid, r);
      void this.guard(r, () => this.start(r!));
    }
    const known = r.pod !== pod && !!r.pod.status;
    r.pod = pod;
    // Like the kubelet's status manager (needsReconcile in pkg/kubelet/status/status_manager.go): when the API's
    // Ready condition differs from what this node agent knows — e.g. the node lifecycle controller marked the pod
    // NotReady while the node's lease lapsed during an API outage — it writes its status again.
    if (known && !r.terminating && this.d.nodeReady(r.node.name)) {
      const ready = (st: k8s.V1PodStatus | undefined) => st?.conditions?.find((c) => c.type === "Ready")?.status;
      const have = ready(pod.status);
      if (have && have !== ready(podStatus(r, pod.status))) void this.writeStatus(uid);
    }
    if (pod.metadata?.deletionTimestamp && !r.terminating) {
      r.terminating = true;
      void this.guard(r, () => this.terminate(r!));
    }
  }

  /** Informer delete: the object is gone from the API. */
  onPodDeleted(pod: k8s.V1Pod): void {
    const r = this.pods.get(pod.metadata?.uid ?? "");
    if (r) this.forget(r);
  }

  private newRecord(pod: k8s.V1Pod, node: NodeFacts): PodRecord {
    const ref = { namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, uid: pod.metadata!.uid!, nodeName: node.name };
    const rec = (spec: k8s.V1Container, init: boolean): ContainerRecord => ({
      spec,
      init,
      state: { kind: "waiting", reason: init ? "PodInitializing" : "ContainerCreating" },
      ready: false,
      started: false,
      restartCount: 0,
      logs: new ContainerLogs(this.d.logsRoot, ref.namespace, ref.name, ref.uid, spec.name),
      probes: { readinessFails: 0, readinessOk: 0, livenessFails: 0, startupOk: false, startupFails: 0 },
      generation: 0,
    });
    return {
      ref,
      pod,
      node,
      init: (pod.spec?.initContainers ?? []).map((c) => rec(c, true)),
      containers: (pod.spec?.containers ?? []).map((c) => rec(c, false)),
      phase: "Pending",
      sandboxReady: false,
      initialized: !(pod.spec?.initContainers?.length),
      terminating: false,
      gone: false,
      timers: new Set(),
      conditionTimes: {},
    };
  }

  private async guard(r: PodRecord, f: () => Promise<void>): Promise<void> {
    try {
      await f();
    } catch (e) {
      if (!r.gone) this.d.log(`pod ${r.ref.namespace}/${r.ref.name}: ${(e as Error).stack ?? e}`);
    }
  }

  private later(r: PodRecord, ms: number, f: () => Promise<void> | void): void {
    if (r.gone) return;
    const t = setTimeout(() => {
      r.timers.delete(t);
      if (!r.gone) void this.guard(r, async () => f());
    }, ms);
    r.timers.add(t);
  }

  private target(r: PodRecord, c?: ContainerRecord) {
    return { namespace: r.ref.namespace, pod: r.ref.name, node: r.node.name, image: c?.spec.image };
  }

  // ---- start-up -------------------------------------------------------------------------------------------

  private async start(r: PodRecord): Promise<void> {
    r.startTime = now();
    const podOs = r.pod.spec?.os?.name;
    const selOs = r.pod.spec?.nodeSelector?.["kubernetes.io/os"];
    if (selOs && selOs !== r.node.os) return this.reject(r, "PodOSSelectorNodeLabelDoesNotMatch", "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label");
    if (podOs && podOs !== r.node.os) return this.reject(r, "PodOSNotSupported", "Failed to admit pod as the OS field doesn't match node OS");

    if (!(await this.createSandbox(r))) return;
    r.volumes = await podVolumes(r.pod, this.d.objects).catch((e) => {
      if (e instanceof ContainerConfigError) {
        void this.d.events.emit(r.ref, "Warning", "FailedMount", e.message);
        return undefined;
      }
      throw e;
    });
    if (!r.volumes) {
      // The kubelet retries mounts; so do we, until the object appears.
      this.later(r, 2000, () => this.start(r));
      return;
    }
    await this.d.debugging.ensure(r);
    for (const c of r.init) {
      if (!(await this.startContainer(r, c))) return;
    }
    r.initialized = true;
    for (const c of r.containers) await this.startContainer(r, c);
    this.updatePhase(r);
  }

  private reject(r: PodRecord, reason: string, message: string): void {
    void this.d.events.emit(r.ref, "Warning", reason, message);
    r.phase = "Failed";
    r.reason = reason;
    r.message = `Pod was rejected: ${message}`;
    // A rejected pod never had containers: the kubelet writes only phase, reason and message.
    for (const c of [...r.init, ...r.containers]) c.state = { kind: "waiting", reason: "ContainerCreating" };
    this.queueStatus(r);
  }

  private async createSandbox(r: PodRecord): Promise<boolean> {
    const podUser = r.pod.spec?.securityContext?.windowsOptions?.runAsUserName;
    if (r.node.os === "windows" && podUser && !this.userKnown(r, podUser)) {
      const msg = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: hcs::CreateComputeSystem ${rid().slice(0, 64)}: The user name or password is incorrect.: unknown`;
      await this.d.events.emit(r.ref, "Warning", "FailedCreatePodSandBox", msg);
      this.queueStatus(r);
      this.later(r, 10_000, () => this.start(r));
      return false;
    }
    r.podIP = r.pod.spec?.hostNetwork ? r.node.address : this.allocateIP(r);
    r.sandboxReady = true;
    this.queueStatus(r);
    return true;
  }

  private userKnown(r: PodRecord, user: string): boolean {
    if (this.d.faults.active("username-unknown", this.target(r))) return false;
    return knownWindowsUsers.has(user.toLowerCase());
  }

  private allocateIP(r: PodRecord): string {
    const cidr = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(this.nodeCidr(r))?.[1] ?? "10.244.250";
    const used = this.ipsInUse.get(r.node.name) ?? new Set<string>();
    this.ipsInUse.set(r.node.name, used);
    for (let i = 2; i < 255; i++) {
      const ip = `${cidr}.${i}`;
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
    throw new Error(`node ${r.node.name} has no free pod IP`);
  }

  private nodeCidr(r: PodRecord): string {
    return this.d.node(r.node.name)?.podCIDR ?? "";
  }

  /** Pull, create, start one container. Returns false when it did not reach running/completed. */
  private async startContainer(r: PodRecord, c: ContainerRecord): Promise<boolean> {
    if (r.gone || r.terminating) return false;
    const image = c.spec.image ?? "";
    const who = { name: c.spec.name, init: c.init };
    // Image pull.
    const pulledHere = this.pulled.get(r.node.name) ?? new Set<string>();
    this.pulled.set(r.node.name, pulledHere);
    const mismatch = platformMismatch(image, r.node.os, r.node.build);
    const pullFault = this.d.faults.active("image-pull-fails", this.target(r, c));
    const policy = c.spec.imagePullPolicy ?? (image.endsWith(":latest") || !image.includes(":") ? "Always" : "IfNotPresent");
    if (pullFault || mismatch || policy === "Always" || !pulledHere.has(image)) {
      await this.d.events.emit(r.ref, "Normal", "Pulling", `Pulling image "${image}"`, who);
      if (pullFault || mismatch) {
        const err = mismatch ?? `failed to pull and unpack image "${qualify(image)}": failed to resolve reference "${qualify(image)}": unexpected status from HEAD request: 403 Forbidden`;
        const msg = `Failed to pull image "${image}": rpc error: code = ${mismatch ? "NotFound" : "Unknown"} desc = ${err}`;
        await this.d.events.emit(r.ref, "Warning", "Failed", msg, who);
        await this.d.events.emit(r.ref, "Warning", "Failed", "Error: ErrImagePull", who);
        c.state = { kind: "waiting", reason: "ErrImagePull", message: msg };
        this.queueStatus(r);
        // The kubelet then backs off; the state becomes ImagePullBackOff until a retry succeeds.
        this.later(r, 1000, async () => {
          c.state = { kind: "waiting", reason: "ImagePullBackOff", message: `Back-off pulling image "${image}": ErrImagePull: ${err}` };
          await this.d.events.emit(r.ref, "Normal", "BackOff", `Back-off pulling image "${image}"`, who);
          await this.d.events.emit(r.ref, "Warning", "Failed", "Error: ImagePullBackOff", who);
          this.queueStatus(r);
          this.later(r, 10_000, () => this.retryContainer(r, c));
        });
        return false;
      }
      pulledHere.add(image);
      await this.d.events.emit(r.ref, "Normal", "Pulled", `Successfully pulled image "${image}" in 412ms (412ms including waiting). Image size: ${imageSize(image)} bytes.`, who);
    } else {
      await this.d.events.emit(r.ref, "Normal", "Pulled", `Container image "${image}" already present on machine`, who);
    }
    c.imageID = imageID(image);

    // Create: configuration (env, volumes) and identity checks happen here, as in the kubelet.
    try {
      c.view = await containerView({ ...r.pod, status: { ...r.pod.status, podIP: r.podIP } }, c.spec, r.node, r.volumes!, this.d.objects, this.d.cluster);
    } catch (e) {
      if (!(e instanceof ContainerConfigError)) throw e;
      return this.configError(r, c, e.message);
    }
    const nonRoot = c.spec.securityContext?.runAsNonRoot ?? r.pod.spec?.securityContext?.runAsNonRoot;
    if (nonRoot) {
      const user = effectiveUser(r.pod, c.spec, r.node.os);
      if (r.node.os === "windows" && user.toLowerCase() === "containeradministrator")
        return this.configError(r, c, `container's runAsUserName (ContainerAdministrator) which will be regarded as root identity and will break non-root policy (pod: "${r.ref.name}_${r.ref.namespace}(${r.ref.uid})", container: ${c.spec.name})`);
      if (r.node.os === "linux" && user === "root")
        return this.configError(r, c, "container has runAsNonRoot and image will run as root (pod: \"" + `${r.ref.name}_${r.ref.namespace}(${r.ref.uid})", container: ${c.spec.name})`);
    }
    c.containerID = `containerd://${rid()}`;
    await this.d.events.emit(r.ref, "Normal", "Created", `Created container: ${c.spec.name}`, who);

    if (r.node.os === "windows" && !this.userKnown(r, c.view.userName)) {
      return this.exited(r, c, 128, "StartError", `failed to create containerd task: failed to create shim task: hcs::CreateComputeSystem ${c.containerID.slice(13, 77)}: The user name or password is incorrect.: unknown`, true);
    }
    if (this.d.faults.active("container-crashes", this.target(r, c))) {
      c.state = { kind: "running", startedAt: now() };
      await this.d.events.emit(r.ref, "Normal", "Started", `Started container ${c.spec.name}`, who);
      this.writeLogs(r, c, ["fatal: unrecoverable error, exiting"], "stderr");
      return this.exited(r, c, 1, "Error");
    }

    c.generation++;
    c.workload = workloadFor(c.view);
    c.state = { kind: "running", startedAt: now() };
    c.started = !c.spec.startupProbe;
    await this.d.events.emit(r.ref, "Normal", "Started", `Started container ${c.spec.name}`, who);
    this.writeLogs(r, c, c.workload.startupLines());

    if (c.spec.lifecycle?.postStart) {
      const res = await this.hook(r, c, c.spec.lifecycle.postStart);
      if (!res.ok) {
        await this.d.events.emit(r.ref, "Warning", "FailedPostStartHook", `PostStartHook failed: ${res.detail}`, who);
        return this.exited(r, c, 137, "Error", undefined);
      }
    }

    // A container whose command completes (e.g. `cmd /c echo %USERNAME%`) runs it and exits with its code.
    if (!c.workload.longRunning) {
      const argv = [...c.view.command, ...c.view.args];
      const out = argv.length ? await runCommand({ container: c.view, net: this.d.net }, argv) : { stdout: "", stderr: "", exitCode: 0 };
      this.writeLogs(r, c, splitLines(out.stdout));
      this.writeLogs(r, c, splitLines(out.stderr), "stderr");
      return this.exited(r, c, out.exitCode, out.exitCode === 0 ? "Completed" : "Error");
    }
    if (c.init) return this.exited(r, c, 0, "Completed");
    const prelude = preludeOf([...c.view.command, ...c.view.args]);
    if (prelude) {
      const out = await runCommand({ container: c.view, net: this.d.net }, prelude);
      this.writeLogs(r, c, splitLines(out.stdout));
      this.writeLogs(r, c, splitLines(out.stderr), "stderr");
    }
    this.scheduleProbes(r, c);
    this.queueStatus(r);
    return true;
  }

  private configError(r: PodRecord, c: ContainerRecord, message: string): false {
    c.state = { kind: "waiting", reason: "CreateContainerConfigError", message };
    void this.d.events.emit(r.ref, "Warning", "Failed", `Error: ${message}`, { name: c.spec.name, init: c.init });
    this.queueStatus(r);
    this.later(r, 10_000, () => this.retryContainer(r, c));
    return false;
  }

  private async retryContainer(r: PodRecord, c: ContainerRecord): Promise<void> {
    if (r.terminating) return;
    const idx = r.init.indexOf(c);
    if (await this.startContainer(r, c)) {
      if (c.init && idx >= 0) {
        for (const next of r.init.slice(idx + 1)) if (!(await this.startContainer(r, next))) return;
        r.initialized = true;
        for (const m of r.containers) await this.startContainer(r, m);
      }
    }
    this.updatePhase(r);
  }

  /** A container stopped: record it, then restart per restartPolicy with the kubelet's back-off. */
  private exited(r: PodRecord, c: ContainerRecord, exitCode: number, reason: string, message?: string, startError = false): boolean {
    const prev = c.state;
    c.state = { kind: "terminated", exitCode, reason, message, startedAt: prev.kind === "running" ? prev.startedAt : undefined, finishedAt: now() };
    c.ready = false;
    c.started = false;
    c.generation++;
    c.workload = undefined;
    const who = { name: c.spec.name, init: c.init };
    if (startError) void this.d.events.emit(r.ref, "Warning", "Failed", `Error: ${message}`, who);
    const policy = r.pod.spec?.restartPolicy ?? "Always";
    const restart = c.spec.restartPolicy === "Always" || policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
    if (c.init && exitCode === 0 && c.spec.restartPolicy !== "Always") {
      this.queueStatus(r);
      return true;
    }
    if (!restart || r.terminating) {
      this.updatePhase(r);
      return c.init ? false : true;
    }
    this.queueStatus(r);
    // The kubelet restarts a container at once the first time it exits (it is not in back-off yet), then backs off
    // 10 s, 20 s, 40 s … up to 5 min, showing CrashLoopBackOff while it waits.
    if (c.restartCount === 0) {
      this.later(r, 500, () => this.restart(r, c));
      return false;
    }
    const backoff = Math.min(10_000 * 2 ** Math.min(c.restartCount - 1, 5), 300_000);
    this.later(r, 500, async () => {
      if (r.terminating) return;
      c.lastState = c.state;
      c.state = { kind: "waiting", reason: "CrashLoopBackOff", message: `back-off ${backoff / 1000}s restarting failed container=${c.spec.name} pod=${r.ref.name}_${r.ref.namespace}(${r.ref.uid})` };
      await this.d.events.emit(r.ref, "Warning", "BackOff", `Back-off restarting failed container ${c.spec.name} in pod ${r.ref.name}_${r.ref.namespace}(${r.ref.uid})`, who);
      this.queueStatus(r);
      this.later(r, backoff, () => this.restart(r, c));
    });
    return false;
  }

  private async restart(r: PodRecord, c: ContainerRecord): Promise<void> {
    if (r.terminating) return;
    if (c.state.kind !== "waiting" || !c.lastState) c.lastState = c.state;
    c.restartCount++;
    c.logs.rotate();
    c.probes = { readinessFails: 0, readinessOk: 0, livenessFails: 0, startupOk: false, startupFails: 0 };
    await this.retryContainer(r, c);
  }

  private writeLogs(r: PodRecord, c: ContainerRecord, lines: string[], stream: "stdout" | "stderr" = "stdout"): void {
    if (this.d.faults.active("logs-empty", this.target(r, c))) return;
    c.logs.write(lines, stream);
  }

  /** Called by the data plane when a workload served a request and printed something. */
  containerOutput(r: PodRecord, c: ContainerRecord, lines: string[]): void {
    this.writeLogs(r, c, lines);
  }

  // ---- probes ---------------------------------------------------------------------------------------------

  private scheduleProbes(r: PodRecord, c: ContainerRecord): void {
    const gen = c.generation;
    const alive = () => !r.gone && !r.terminating && c.generation === gen && c.state.kind === "running";
    const who = { name: c.spec.name };
    const loop = (kind: "startup" | "readiness" | "liveness", probe: k8s.V1Probe | undefined, step: () => Promise<void>) => {
      if (!probe && kind !== "readiness") return;
      const first = (probe?.initialDelaySeconds ?? 0) * 1000;
      const period = (probe?.periodSeconds ?? 10) * 1000;
      const tick = async () => {
        if (!alive()) return;
        await step();
        if (alive()) this.later(r, period, tick);
      };
      this.later(r, first, tick);
    };
    loop("startup", c.spec.startupProbe, async () => {
      if (c.probes.startupOk) return;
      const p = c.spec.startupProbe!;
      const res = await this.probe(r, c, p);
      if (res.ok) {
        if (++c.probes.startupFails, (c.probes.startupOk = true)) c.started = true;
        this.queueStatus(r);
        return;
      }
      c.probes.startupFails++;
      await this.d.events.emit(r.ref, "Warning", "Unhealthy", `Startup probe failed: ${res.detail}`, who);
      if (c.probes.startupFails >= (p.failureThreshold ?? 3)) await this.kill(r, c, "failed startup probe");
    });
    loop("readiness", c.spec.readinessProbe, async () => {
      if (!c.started) return; // readiness waits for the startup probe
      const p = c.spec.readinessProbe;
      const fault = this.d.faults.active("readiness-never", this.target(r, c));
      const res = fault ? { ok: false, detail: "HTTP probe failed with statuscode: 503" } : p ? await this.probe(r, c, p) : { ok: true };
      if (res.ok) {
        c.probes.readinessFails = 0;
        if (++c.probes.readinessOk >= (p?.successThreshold ?? 1) && !c.ready) {
          c.ready = true;
          this.queueStatus(r);
        }
      } else {
        c.probes.readinessOk = 0;
        if (p || fault) await this.d.events.emit(r.ref, "Warning", "Unhealthy", `Readiness probe failed: ${res.detail}`, who);
        if (++c.probes.readinessFails >= (p?.failureThreshold ?? 1) && c.ready) {
          c.ready = false;
          this.queueStatus(r);
        }
      }
    });
    loop("liveness", c.spec.livenessProbe, async () => {
      if (!c.started) return;
      const p = c.spec.livenessProbe!;
      const fault = this.d.faults.active("liveness-fails", this.target(r, c));
      const res = fault ? { ok: false, detail: "HTTP probe failed with statuscode: 500" } : await this.probe(r, c, p);
      if (res.ok) {
        c.probes.livenessFails = 0;
        return;
      }
      await this.d.events.emit(r.ref, "Warning", "Unhealthy", `Liveness probe failed: ${res.detail}`, who);
      if (++c.probes.livenessFails >= (p.failureThreshold ?? 3)) await this.kill(r, c, "failed liveness probe");
    });
  }

  /** Runs a probe the way the kubelet does; what the container prints while answering goes to its log. */
  private probe(r: PodRecord, c: ContainerRecord, p: k8s.V1Probe) {
    return runHandler(c, p, this.d.net, r.node.address, { timeoutSeconds: p.timeoutSeconds, log: (lines) => this.writeLogs(r, c, lines) });
  }

  private hook(r: PodRecord, c: ContainerRecord, h: k8s.V1LifecycleHandler) {
    return runHandler(c, h, this.d.net, r.node.address, { userAgent: "kube-lifecycle/1.36", log: (lines) => this.writeLogs(r, c, lines) });
  }

  /** The kubelet kills a container that failed its liveness or startup probe; restartPolicy decides what follows. */
  private async kill(r: PodRecord, c: ContainerRecord, why: string): Promise<void> {
    await this.d.events.emit(r.ref, "Normal", "Killing", `Container ${c.spec.name} ${why}, will be restarted`, { name: c.spec.name });
    if (c.spec.lifecycle?.preStop) await this.hook(r, c, c.spec.lifecycle.preStop);
    // Windows reports the process's own exit code after CTRL_SHUTDOWN_EVENT; Linux reports SIGKILL's 137.
    this.exited(r, c, r.node.os === "windows" ? 1 : 137, "Error");
    c.probes = { readinessFails: 0, readinessOk: 0, livenessFails: 0, startupOk: false, startupFails: 0 };
    this.updatePhase(r);
  }

  private updatePhase(r: PodRecord): void {
    if (r.phase === "Failed" && r.reason) return this.queueStatus(r); // rejected
    const all = r.containers;
    const policy = r.pod.spec?.restartPolicy ?? "Always";
    const terminated = all.filter((c) => c.state.kind === "terminated");
    if (all.some((c) => c.state.kind === "running") || (r.initialized && all.some((c) => c.lastState))) r.phase = "Running";
    if (policy !== "Always" && terminated.length === all.length && all.length) {
      const failed = terminated.some((c) => c.state.kind === "terminated" && c.state.exitCode !== 0);
      if (policy === "Never" || !failed) r.phase = failed ? "Failed" : "Succeeded";
    }
    if (r.phase === "Succeeded" || r.phase === "Failed") r.sandboxReady = false;
    this.queueStatus(r);
  }

  // ---- termination ----------------------------------------------------------------------------------------

  private async terminate(r: PodRecord): Promise<void> {
    const grace = (r.pod.metadata?.deletionGracePeriodSeconds ?? r.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    const deadline = Date.now() + grace;
    await Promise.all(
      r.containers
        .filter((c) => c.state.kind === "running")
        .map(async (c) => {
          await this.d.events.emit(r.ref, "Normal", "Killing", `Stopping container ${c.spec.name}`, { name: c.spec.name });
          if (c.spec.lifecycle?.preStop) {
            // preStop runs within the grace period; past it, the kubelet kills the container anyway.
            const hook = this.hook(r, c, c.spec.lifecycle.preStop);
            const res = await Promise.race([hook, new Promise<undefined>((res) => this.later(r, Math.max(0, deadline - Date.now()), () => res(undefined)))]);
            if (res && !res.ok) await this.d.events.emit(r.ref, "Warning", "FailedPreStopHook", `PreStopHook failed: ${res.detail}`, { name: c.spec.name });
          }
          c.state = { kind: "terminated", exitCode: r.node.os === "windows" ? 1067 : 0, reason: r.node.os === "windows" ? "Error" : "Completed", startedAt: c.state.kind === "running" ? c.state.startedAt : undefined, finishedAt: now() };
          c.ready = false;
          c.workload = undefined;
        }),
    );
    this.queueStatus(r);
    await this.flushStatus();
    try {
      // Options go in the body only: a body replaces the query parameters entirely.
      await this.core.deleteNamespacedPod({ name: r.ref.name, namespace: r.ref.namespace, body: { gracePeriodSeconds: 0, preconditions: { uid: r.ref.uid } } });
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code !== 404 && code !== 409) throw e;
    }
    this.forget(r);
  }

  private forget(r: PodRecord): void {
    if (r.gone) return;
    r.gone = true;
    for (const t of r.timers) clearTimeout(t);
    r.timers.clear();
    if (r.podIP && !r.pod.spec?.hostNetwork) this.ipsInUse.get(r.node.name)?.delete(r.podIP);
    this.pods.delete(r.ref.uid);
    ContainerLogs.removePod(this.d.logsRoot, r.ref.namespace, r.ref.name, r.ref.uid);
  }

  // ---- status ---------------------------------------------------------------------------------------------

  /**
   * Status writes are coalesced and serialised per pod: many transitions in one tick become one PATCH, and a
   * write never overtakes an earlier one (the status is computed when the write starts, so it is the newest).
   */
  queueStatus(r: PodRecord): void {
    if (r.gone) return;
    this.statusQueue.add(r.ref.uid);
    this.flushing ??= new Promise<void>((res) => setImmediate(res)).then(() => this.flushStatus());
  }

  async flushStatus(): Promise<void> {
    const uids = [...this.statusQueue];
    this.statusQueue.clear();
    this.flushing = undefined;
    await Promise.all(uids.map((uid) => this.writeStatus(uid)));
  }

  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  private async writeStatus(uid: string): Promise<void> {
    const running = this.inFlight.get(uid);
    if (running) {
      this.again.add(uid);
      return running;
    }
    const p = this.patchStatus(uid).finally(() => {
      this.inFlight.delete(uid);
      if (this.again.delete(uid)) void this.writeStatus(uid);
    });
    this.inFlight.set(uid, p);
    return p;
  }

  private async patchStatus(uid: string): Promise<void> {
    const r = this.pods.get(uid);
    if (!r || r.gone) return;
    // A kubelet on a NotReady node writes nothing; the node lifecycle controller owns its pods' status then.
    if (!this.d.nodeReady(r.node.name)) return;
    const status = podStatus(r, r.pod.status);
    try {
      await this.core.patchNamespacedPodStatus(
        { name: r.ref.name, namespace: r.ref.namespace, body: [{ op: "replace", path: "/status", value: status }] },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch),
      );
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code === 404) return this.forget(r);
      this.d.log(`status of ${r.ref.namespace}/${r.ref.name} not written: ${(e as Error).message.split("\n")[0]}`);
    }
  }

  /** Lookup used by exec and the network: the record of a running container. */
  find(namespace: string, pod: string, container?: string): { r: PodRecord; c: ContainerRecord } | undefined {
    for (const r of this.pods.values()) {
      if (r.ref.namespace !== namespace || r.ref.name !== pod || r.gone) continue;
      const c = container ? [...r.containers, ...r.init].find((x) => x.spec.name === container) : r.containers[0];
      return c ? { r, c } : undefined;
    }
    return undefined;
  }

  stopAll(): void {
    for (const r of this.pods.values()) for (const t of r.timers) clearTimeout(t);
  }
}

function splitLines(s: string): string[] {
  const t = s.replace(/\r\n/g, "\n").replace(/\n$/, "");
  return t ? t.split("\n") : [];
}

function imageSize(image: string): number {
  return /windows|servercore|nanoserver/i.test(image) ? (/nanoserver/i.test(image) ? 121_847_602 : 1_734_829_104) : 14_212_930;
}
