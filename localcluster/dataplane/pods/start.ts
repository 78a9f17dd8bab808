// The emulated kubelet's admission and start side: admit, create the sandbox, pull, create and start each
// container, record exits and restart with the kubelet's back-off.
import { randomBytes } from "node:crypto";
import { imageSizeBytes, platformMismatch, qualify, startClass } from "../images.js";
import { goDuration, realFigures } from "../timing.js";
import { containerView, podVolumes, effectiveUser, ContainerConfigError } from "./container-view.js";
import { freshProbeCounters, type PodContext } from "./context.js";
import type { HealthChecks } from "./health.js";
import type { ContainerRecord, PodRecord } from "./records.js";
import { imageID } from "./status.js";
import { workloadFor } from "../workloads/index.js";
import { runCommand } from "../commands/index.js";
import { entrypointMissing } from "../commands/availability.js";
import { effectiveArgv } from "../workloads/index.js";
import { preludeOf } from "./entrypoint.js";
import {
  privateEmptyDirs,
  withEnvRefsDropped,
  withDnsConfigIgnored,
  withHostProcessIgnored,
  withPodRunAsUserNameIgnored,
  withContainerRunAsUserNameIgnored,
  withImageDefaultUserIgnored,
  withContainerGmsaIgnored,
} from "./kubelet-faults.js";
import type * as k8s from "@kubernetes/client-node";
import { HostFilesystems } from "../hostfs.js";
import type { FaultName } from "../faults.js";

const knownWindowsUsers = new Set([
  "containeradministrator",
  "containeruser",
  "nt authority\\system",
  "nt authority\\local service",
  "nt authority\\network service",
  "administrator",
]);

const now = () => new Date().toISOString();
const rid = () => randomBytes(32).toString("hex");

export class PodStarter {
  private readonly ipsInUse = new Map<string, Set<string>>();
  /** The last host octet each node's IPAM reserved (host-local's lastReservedIP). */
  private readonly lastIP = new Map<string, number>();
  private readonly pulled = new Map<string, Set<string>>();
  /** Pulls under way, per node and image: a second pod of the same image waits for the first pull. */
  private readonly pulling = new Map<string, Promise<void>>();
  /** Images that have started a container on a node once (the first start is the slow one). */
  private readonly startedHere = new Map<string, Set<string>>();
  /** The nodes' disks that hostPath volumes reach: they outlive the pods. */
  private readonly disks = new HostFilesystems();
  /** Set once by the runtime (health and start reference each other). */
  health!: HealthChecks;

  constructor(private readonly x: PodContext) {}

  async start(r: PodRecord): Promise<void> {
    r.startTime = now();
    const podOs = r.pod.spec?.os?.name;
    const selOs = r.pod.spec?.nodeSelector?.["kubernetes.io/os"];
    if (selOs && selOs !== r.node.os)
      return this.reject(r, "PodOSSelectorNodeLabelDoesNotMatch", "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label");
    if (podOs && podOs !== r.node.os) return this.reject(r, "PodOSNotSupported", "Failed to admit pod as the OS field doesn't match node OS");

    if (!(await this.createSandbox(r))) return;
    const host = { node: r.node, disks: this.disks, fault: (name: FaultName) => !!this.x.d.faults.active(name, this.x.target(r)) };
    r.volumes = await podVolumes(r.pod, this.x.d.objects, host).catch((e) => {
      if (e instanceof ContainerConfigError) {
        void this.x.d.events.emit(r.ref, "Warning", "FailedMount", e.message);
        return undefined;
      }
      throw e;
    });
    if (!r.volumes) {
      // The kubelet retries mounts; so do we, until the object appears.
      this.x.later(r, 2000, () => this.start(r));
      return;
    }
    await this.x.d.debugging.ensure(r);
    for (const c of r.init) {
      if (!(await this.startContainer(r, c))) return;
    }
    r.initialized = true;
    for (const c of r.containers) await this.startContainer(r, c);
    this.x.status.updatePhase(r);
  }

  private reject(r: PodRecord, reason: string, message: string): void {
    void this.x.d.events.emit(r.ref, "Warning", reason, message);
    r.phase = "Failed";
    r.reason = reason;
    r.message = `Pod was rejected: ${message}`;
    // A rejected pod never had containers: the kubelet writes only phase, reason and message.
    for (const c of [...r.init, ...r.containers]) c.state = { kind: "waiting", reason: "ContainerCreating" };
    this.x.queueStatus(r);
  }

  private async createSandbox(r: PodRecord): Promise<boolean> {
    const podUser = r.pod.spec?.securityContext?.windowsOptions?.runAsUserName;
    if (r.node.os === "windows" && podUser && !this.userKnown(r, podUser)) {
      const msg = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: hcs::CreateComputeSystem ${rid().slice(0, 64)}: The user name or password is incorrect.: unknown`;
      await this.x.d.events.emit(r.ref, "Warning", "FailedCreatePodSandBox", msg);
      this.x.queueStatus(r);
      this.x.later(r, 10_000, () => this.start(r));
      return false;
    }
    r.podIP = r.pod.spec?.hostNetwork ? r.node.address : this.allocateIP(r);
    r.sandboxReady = true;
    this.x.queueStatus(r);
    return true;
  }

  private userKnown(r: PodRecord, user: string): boolean {
    if (this.x.d.faults.active("username-unknown", this.x.target(r))) return false;
    return knownWindowsUsers.has(user.toLowerCase()) || !!this.x.d.faults.active("username-unknown-accepted", this.x.target(r));
  }

  private allocateIP(r: PodRecord): string {
    const cidr = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(this.x.d.node(r.node.name)?.podCIDR ?? "")?.[1] ?? "10.244.250";
    const used = this.ipsInUse.get(r.node.name) ?? new Set<string>();
    this.ipsInUse.set(r.node.name, used);
    // An IPAM that loses track of its leases hands out an address a running pod already holds.
    const taken = [...used][0];
    if (taken && this.x.d.faults.active("pod-ip-duplicated", this.x.target(r))) return taken;
    // host-local IPAM (the IPAM of the win-bridge/win-overlay and flannel CNI configs) hands out addresses round-robin:
    // it starts after the last one it reserved (plugins/ipam/host-local/backend/allocator RangeIter), so a re-created
    // pod normally gets a new address rather than the one its predecessor just released.
    // The range is .2–.249 (host-local rangeStart/rangeEnd): .250 and up are never handed out, which is what lets
    // endpointslice-stale name an address no pod ever held (stale-endpoints.ts).
    const last = this.lastIP.get(r.node.name) ?? 1;
    for (let k = 1; k <= 248; k++) {
      const i = ((last - 2 + k) % 248) + 2;
      const ip = `${cidr}.${i}`;
      if (!used.has(ip)) {
        used.add(ip);
        this.lastIP.set(r.node.name, i);
        return ip;
      }
    }
    throw new Error(`node ${r.node.name} has no free pod IP`);
  }

  /** Gives the pod's IP back when the pod is forgotten. */
  releaseIP(r: PodRecord): void {
    if (r.podIP && !r.pod.spec?.hostNetwork) this.ipsInUse.get(r.node.name)?.delete(r.podIP);
  }

  /** Pull, create, start one container. Returns false when it did not reach running/completed. */
  private async startContainer(r: PodRecord, c: ContainerRecord): Promise<boolean> {
    if (r.gone || r.terminating) return false;
    const { events, faults } = this.x.d;
    const image = c.spec.image ?? "";
    const who = { name: c.spec.name, init: c.init };
    // Image pull.
    const pulledHere = this.pulled.get(r.node.name) ?? new Set<string>();
    this.pulled.set(r.node.name, pulledHere);
    const mismatch = platformMismatch(image, r.node.os, r.node.build);
    const pullFault = faults.active("image-pull-fails", this.x.target(r, c));
    const policy = c.spec.imagePullPolicy ?? (image.endsWith(":latest") || !image.includes(":") ? "Always" : "IfNotPresent");
    if (pullFault || mismatch || policy === "Always" || !pulledHere.has(image)) {
      await events.emit(r.ref, "Normal", "Pulling", `Pulling image "${image}"`, who);
      if (pullFault || mismatch) {
        const err =
          mismatch ??
          `failed to pull and unpack image "${qualify(image)}": failed to resolve reference "${qualify(image)}": unexpected status from HEAD request: 403 Forbidden`;
        const msg = `Failed to pull image "${image}": rpc error: code = ${mismatch ? "NotFound" : "Unknown"} desc = ${err}`;
        await events.emit(r.ref, "Warning", "Failed", msg, who);
        await events.emit(r.ref, "Warning", "Failed", "Error: ErrImagePull", who);
        c.state = { kind: "waiting", reason: "ErrImagePull", message: msg };
        this.x.queueStatus(r);
        // The kubelet then backs off; the state becomes ImagePullBackOff until a retry succeeds.
        this.x.later(r, 1000, async () => {
          c.state = { kind: "waiting", reason: "ImagePullBackOff", message: `Back-off pulling image "${image}": ErrImagePull: ${err}` };
          await events.emit(r.ref, "Normal", "BackOff", `Back-off pulling image "${image}"`, who);
          await events.emit(r.ref, "Warning", "Failed", "Error: ImagePullBackOff", who);
          this.x.queueStatus(r);
          this.x.later(r, 10_000, () => this.retryContainer(r, c));
        });
        return false;
      }
      const began = Date.now();
      const key = `${r.node.name}\u0000${image}`;
      let pull = this.pulling.get(key);
      if (!pull) {
        // With the layers already on the node (imagePullPolicy Always), a pull only re-resolves the manifest.
        const ms = pulledHere.has(image) ? this.x.d.timing.ms(realFigures.pullOverheadMs) : this.x.d.timing.pullMs(imageSizeBytes(image));
        // The node's pull, not the pod's: containerd finishes it even when the pod that asked is deleted, and other
        // pods on the node wait on it (a pod-scoped sleep never resolves once its pod is gone: every later pod hung).
        pull = new Promise<void>((res) => setTimeout(res, ms));
        this.pulling.set(key, pull);
        void pull.finally(() => this.pulling.delete(key));
      }
      await pull;
      if (r.gone) return false;
      pulledHere.add(image);
      const took = goDuration(Date.now() - began);
      await events.emit(
        r.ref,
        "Normal",
        "Pulled",
        `Successfully pulled image "${image}" in ${this.x.d.timing.realistic ? took : "412ms"} (${this.x.d.timing.realistic ? took : "412ms"} including waiting). Image size: ${imageSizeBytes(image)} bytes.`,
        who,
      );
    } else {
      await events.emit(r.ref, "Normal", "Pulled", `Container image "${image}" already present on machine`, who);
    }
    c.imageID = imageID(image);

    // Create: configuration (env, volumes) and identity checks happen here, as in the kubelet.
    try {
      // Faults in how the kubelet builds a container (env, volumes, HostProcess) rewrite its inputs; see kubelet-faults.ts.
      const t = this.x.target(r, c);
      let pod: k8s.V1Pod = { ...r.pod, status: { ...r.pod.status, podIP: r.podIP } };
      let spec = c.spec;
      if (faults.active("hostprocess-ignored", t)) ({ pod, container: spec } = withHostProcessIgnored(pod, spec));
      if (faults.active("env-refs-dropped", t)) spec = withEnvRefsDropped(spec);
      if (faults.active("dns-config-ignored", t)) pod = withDnsConfigIgnored(pod);
      if (faults.active("image-default-user-ignored", t)) spec = withImageDefaultUserIgnored(pod, spec);
      if (faults.active("runasusername-pod-level-ignored", t)) pod = withPodRunAsUserNameIgnored(pod);
      if (faults.active("runasusername-container-level-ignored", t)) spec = withContainerRunAsUserNameIgnored(spec);
      if (faults.active("gmsa-container-spec-ignored", t)) spec = withContainerGmsaIgnored(spec);
      const volumes = faults.active("emptydir-not-shared", t) ? privateEmptyDirs(r.volumes!) : r.volumes!;
      c.view = await containerView(pod, spec, r.node, volumes, this.x.d.objects, this.x.d.cluster, {
        ignoreReadOnly: !!faults.active("readonly-mount-writable", t),
      });
    } catch (e) {
      if (!(e instanceof ContainerConfigError)) throw e;
      return this.configError(r, c, e.message);
    }
    const nonRoot = c.spec.securityContext?.runAsNonRoot ?? r.pod.spec?.securityContext?.runAsNonRoot;
    if (nonRoot && !faults.active("runasnonroot-not-enforced", this.x.target(r, c))) {
      const user = effectiveUser(r.pod, c.spec, r.node.os);
      if (r.node.os === "windows" && user.toLowerCase() === "containeradministrator")
        return this.configError(
          r,
          c,
          `container's runAsUserName (ContainerAdministrator) which will be regarded as root identity and will break non-root policy (pod: "${r.ref.name}_${r.ref.namespace}(${r.ref.uid})", container: ${c.spec.name})`,
        );
      if (r.node.os === "linux" && user === "root")
        return this.configError(
          r,
          c,
          'container has runAsNonRoot and image will run as root (pod: "' + `${r.ref.name}_${r.ref.namespace}(${r.ref.uid})", container: ${c.spec.name})`,
        );
    }
    c.containerID = `containerd://${rid()}`;
    await events.emit(r.ref, "Normal", "Created", `Created container: ${c.spec.name}`, who);

    if (r.node.os === "windows" && !this.userKnown(r, c.view.userName)) {
      return this.exited(
        r,
        c,
        128,
        "StartError",
        `failed to create containerd task: failed to create shim task: hcs::CreateComputeSystem ${c.containerID.slice(13, 77)}: The user name or password is incorrect.: unknown`,
        true,
      );
    }
    const argv0 = effectiveArgv(c.view)[0];
    if (entrypointMissing(r.node.os, image, argv0)) {
      const why =
        r.node.os === "windows"
          ? `failed to create containerd task: failed to create shim task: hcs::System::CreateProcess ${c.containerID.slice(13, 77)}: The system cannot find the file specified.: unknown`
          : `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${argv0}": executable file not found in $PATH: unknown`;
      return this.exited(r, c, 128, "StartError", why, true);
    }
    if (faults.active("container-crashes", this.x.target(r, c))) {
      c.state = { kind: "running", startedAt: now() };
      await events.emit(r.ref, "Normal", "Started", `Started container ${c.spec.name}`, who);
      this.x.writeLogs(r, c, ["fatal: unrecoverable error, exiting"], "stderr");
      return this.exited(r, c, 1, "Error");
    }

    // Starting takes time on Windows: servercore's first start on a node is the slow one.
    const started = this.startedHere.get(r.node.name) ?? new Set<string>();
    this.startedHere.set(r.node.name, started);
    const startMs = this.x.d.timing.startMs(r.node.os === "windows" ? startClass(image) : "other", !started.has(image));
    started.add(image);
    if (!(await this.x.sleep(r, startMs)) || r.terminating) return false;

    c.generation++;
    c.workload = workloadFor(c.view, { logMonitorDropsFiles: !!faults.active("logmonitor-file-source-dropped", this.x.target(r, c)) });
    c.state = { kind: "running", startedAt: now() };
    // A kubelet that ignores startupProbe (startup-probe-ignored) counts the container as started at once.
    c.started = !c.spec.startupProbe || !!faults.active("startup-probe-ignored", this.x.target(r, c));
    await events.emit(r.ref, "Normal", "Started", `Started container ${c.spec.name}`, who);
    if (r.networkReadyAt === undefined && r.node.os === "windows" && !r.pod.spec?.hostNetwork)
      r.networkReadyAt = Date.now() + this.x.d.timing.ms(realFigures.podNetworkReadyMs);
    // The command's prelude (`New-Item …; Add-Content …; while ($true) {…}`) runs first, so what it writes is
    // there for the workload (LogMonitor's sources read the files and events it wrote).
    const prelude = c.workload.longRunning && !c.init ? preludeOf([...c.view.command, ...c.view.args]) : undefined;
    if (prelude) {
      const out = await runCommand({ container: c.view, net: this.x.d.net }, prelude);
      const own = c.workload.processOutput ?? ((l: string[]) => l);
      this.x.writeLogs(r, c, own(splitLines(out.stdout)));
      this.x.writeLogs(r, c, own(splitLines(out.stderr)), "stderr");
    }
    this.x.writeLogs(r, c, c.workload.startupLines());

    if (c.spec.lifecycle?.postStart && !faults.active("poststart-hook-skipped", this.x.target(r, c))) {
      const res = await this.health.hook(r, c, c.spec.lifecycle.postStart);
      if (!res.ok) {
        await events.emit(r.ref, "Warning", "FailedPostStartHook", `PostStartHook failed: ${res.detail}`, who);
        return this.exited(r, c, 137, "Error", undefined);
      }
    }

    // A container whose command completes (e.g. `cmd /c echo %USERNAME%`) runs it and exits with its code.
    if (!c.workload.longRunning) {
      const argv = [...c.view.command, ...c.view.args];
      const out = argv.length ? await runCommand({ container: c.view, net: this.x.d.net }, argv) : { stdout: "", stderr: "", exitCode: 0 };
      this.x.writeLogs(r, c, splitLines(out.stdout));
      this.x.writeLogs(r, c, splitLines(out.stderr), "stderr");
      return this.exited(r, c, out.exitCode, out.exitCode === 0 ? "Completed" : "Error");
    }
    if (c.init) return this.exited(r, c, 0, "Completed");
    this.health.schedule(r, c);
    this.x.queueStatus(r);
    return true;
  }

  private configError(r: PodRecord, c: ContainerRecord, message: string): false {
    c.state = { kind: "waiting", reason: "CreateContainerConfigError", message };
    void this.x.d.events.emit(r.ref, "Warning", "Failed", `Error: ${message}`, { name: c.spec.name, init: c.init });
    this.x.queueStatus(r);
    this.x.later(r, 10_000, () => this.retryContainer(r, c));
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
    this.x.status.updatePhase(r);
  }

  /** A container stopped: record it, then restart per restartPolicy with the kubelet's back-off. */
  exited(r: PodRecord, c: ContainerRecord, exitCode: number, reason: string, message?: string, startError = false): boolean {
    const prev = c.state;
    c.state = { kind: "terminated", exitCode, reason, message, startedAt: prev.kind === "running" ? prev.startedAt : undefined, finishedAt: now() };
    c.ready = false;
    c.started = false;
    c.generation++;
    c.workload = undefined;
    const who = { name: c.spec.name, init: c.init };
    if (startError) void this.x.d.events.emit(r.ref, "Warning", "Failed", `Error: ${message}`, who);
    const policy = r.pod.spec?.restartPolicy ?? "Always";
    const restart = c.spec.restartPolicy === "Always" || policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
    if (c.init && exitCode === 0 && c.spec.restartPolicy !== "Always") {
      this.x.queueStatus(r);
      return true;
    }
    if (!restart || r.terminating) {
      this.x.status.updatePhase(r);
      return c.init ? false : true;
    }
    this.x.queueStatus(r);
    // The kubelet restarts a container at once the first time it exits (it is not in back-off yet), then backs off
    // 10 s, 20 s, 40 s … up to 5 min, showing CrashLoopBackOff while it waits.
    if (c.restartCount === 0) {
      this.x.later(r, 500, () => this.restart(r, c));
      return false;
    }
    const backoff = Math.min(10_000 * 2 ** Math.min(c.restartCount - 1, 5), 300_000);
    this.x.later(r, 500, async () => {
      if (r.terminating) return;
      c.lastState = c.state;
      c.state = {
        kind: "waiting",
        reason: "CrashLoopBackOff",
        message: `back-off ${backoff / 1000}s restarting failed container=${c.spec.name} pod=${r.ref.name}_${r.ref.namespace}(${r.ref.uid})`,
      };
      await this.x.d.events.emit(
        r.ref,
        "Warning",
        "BackOff",
        `Back-off restarting failed container ${c.spec.name} in pod ${r.ref.name}_${r.ref.namespace}(${r.ref.uid})`,
        who,
      );
      this.x.queueStatus(r);
      this.x.later(r, backoff, () => this.restart(r, c));
    });
    return false;
  }

  private async restart(r: PodRecord, c: ContainerRecord): Promise<void> {
    if (r.terminating) return;
    if (c.state.kind !== "waiting" || !c.lastState) c.lastState = c.state;
    c.restartCount++;
    c.logs.rotate({ keepPrevious: !this.x.d.faults.active("previous-log-lost", this.x.target(r, c)) });
    c.probes = freshProbeCounters();
    await this.retryContainer(r, c);
  }
}

function splitLines(s: string): string[] {
  const t = s.replace(/\r\n/g, "\n").replace(/\n$/, "");
  return t ? t.split("\n") : [];
}
