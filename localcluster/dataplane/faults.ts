// Named faults, switched on and off at run time for the whole cluster or a namespace/pod/node/image pattern.
// Each one makes a behaviour fail the way the real failure looks; docs/local-cluster.md lists them.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { z } from "zod";

export const faultCatalogue = {
  "dns-down": "cluster DNS answers nothing: lookups time out (SERVFAIL from Windows' resolver)",
  "service-routing-broken": "traffic to Service ClusterIPs is dropped (kube-proxy rules missing); pod IPs still work",
  "service-port-unrouted":
    "the service proxy programs only the first port of a multi-port Service (one load-balancer rule per Service port, the others missing): connections to its other ports time out",
  "ipv6-service-unrouted":
    "on a dual-stack cluster the service proxy programs no IPv6 rules: connections to a Service's IPv6 ClusterIP and to NodePorts on nodes' IPv6 addresses time out; the IPv4 ClusterIP and NodePorts, and pod IPs of both families, still work",
  "dns-config-ignored":
    "the kubelet drops the pod's dnsConfig: a dnsPolicy None pod gets the cluster's default DNS (kube-dns and the cluster search path), not its own nameservers and search domains",
  "headless-dns-stale":
    "the cluster DNS keeps serving the first answer it gave for a headless Service's per-pod name (<pod>.<svc>.<ns>.svc): a re-created pod's name still resolves to its old IP",
  "externalname-not-resolved": "the cluster DNS answers NXDOMAIN for ExternalName Services (no CNAME to the external name); every other name resolves",
  "nodeport-closed": "NodePorts refuse connections, from outside and from inside the cluster",
  "pod-network-partition": "packets between Linux and Windows pods are dropped, in both directions",
  "pod-to-pod-dropped":
    "packets between pods on two different nodes that both match the scope are dropped, both directions (the overlay route between those nodes is missing); same-node traffic and every other node pair flow",
  "endpointslice-stale":
    "a second controller keeps an EndpointSlice for each Service of the matching namespaces that lists a deleted pod's address as ready (deleted on clear)",
  "egress-blocked": "connections from pods to the external host time out",
  "loadbalancer-never-assigns":
    "the cloud's service controller acknowledges a LoadBalancer Service (EnsuringLoadBalancer, its cleanup finalizer) but the cloud never provisions it: SyncLoadBalancerFailed, retried with back-off, and no external address",
  "loadbalancer-not-routed":
    "the load balancer gets its external address but forwards nothing (no healthy backend node): connections to the address are dropped and time out",
  "networkpolicy-not-enforced":
    "NetworkPolicies are not programmed for matching destination pods (scope by node: the policy agent is down on that node); everything gets in",
  "image-pull-fails": "image pulls fail with ErrImagePull / ImagePullBackOff (registry answers 403)",
  "container-crashes": "containers exit with code 1 right after starting (CrashLoopBackOff)",
  "readiness-never": "readiness probes fail, so pods stay NotReady and out of EndpointSlices",
  "liveness-fails": "liveness probes fail, so containers are restarted",
  "logs-empty": "containers write nothing to stdout/stderr",
  "logmonitor-file-source-dropped":
    "LogMonitor pipes none of its File sources to stdout (its EventLog and ETW sources and the process's own lines still come through)",
  "node-not-ready": "matching nodes report Ready=False (container runtime network not ready)",
  "windows-taint-missing":
    "the Windows taints of matching Windows nodes (os=windows:NoSchedule on the docs profile; whatever the pool sets) are removed; nothing to remove where a profile sets none",
  "windows-build-label-missing": "matching Windows nodes lose their node.kubernetes.io/windows-build label (restored on clear)",
  "windows-build-label-lie": "matching Windows nodes report a Windows Server 2019 kernel (10.0.17763) while their windows-build label still names their build",
  "containerd-old": "matching Windows nodes report containerd 1.6.28 as their container runtime (nodeInfo.containerRuntimeVersion)",
  "allocatable-ignores-reservations":
    "matching Windows nodes state their whole memory capacity as allocatable, as a kubelet that subtracts neither its reservations nor its eviction threshold; /configz still reports them; restored on clear",
  "control-plane-os-windows":
    "matching control-plane nodes report Windows (kubernetes.io/os=windows, nodeInfo.operatingSystem windows), as a kubelet on a Windows host would; restored on clear",
  "gmsa-webhook-down": "the GMSA admission webhook drops every request (the apiserver's failurePolicy Fail applies)",
  "gmsa-domain-unreachable": "no domain controller answers: nltest fails with ERROR_NO_LOGON_SERVERS",
  "gmsa-webhook-no-update-rule":
    "the GMSA webhook's ValidatingWebhookConfiguration registers pod CREATE only (the chart registers CREATE and UPDATE): changes to a running pod are never sent to it; cluster-wide",
  "username-unknown": "every runAsUserName is unknown to the node: containers fail to start",
  "hostpath-not-writable": "hostPath directories refuse writes from matching pods (the host folder's ACL denies the container's user): Access is denied.",
  "readonly-mount-writable": "the runtime drops a volumeMount's readOnly flag: writes to read-only emptyDir and hostPath mounts succeed",
  "projected-source-missing": "projected volumes carry only their first source: the other Secrets, ConfigMaps and downward API files are missing",
  "pod-ip-unreported":
    "the CNI result carries no IP for matching pods' sandboxes: the kubelet reports no status.podIP/podIPs although the pod runs (so no EndpointSlice lists it)",
  "pod-ip-duplicated": "the node's IPAM hands a new pod an address another running pod of that node already holds",
  "emptydir-not-shared": "each container of a matching pod gets its own copy of the pod's emptyDir volumes: what one writes, the others never see",
  "admission-rewrites-pods":
    "a misbehaving policy webhook silently 'sanitizes' pods on CREATE, so the API server never rejects them: a real MutatingWebhookConfiguration " +
    "(hc-fault-admission-rewrites-pods, failurePolicy Ignore, registered while the fault is on) sends pods to the webhook process's POST /sabotage/<fault id>, " +
    "which removes spec.os, removes the Linux-only fields (spec.hostPID/hostIPC/hostUsers/shareProcessNamespace, pod and container securityContext) " +
    "from Windows pods and makes HostProcess consistent (pod-level hostProcess, hostNetwork true); runAsUserName and GMSA fields are left alone. " +
    "Scope: an exact namespace is selected by name; without a namespace, every namespace labelled hybrid-conformance.io/run; pod/node/image/namespace globs are checked by the webhook",
  // Narrower policy-webhook misbehaviours, registered and scoped as admission-rewrites-pods is (one rule each).
  "admission-strips-os": "a policy webhook removes spec.os from every pod on CREATE, so no OS-specific validation runs",
  "admission-strips-os-fields":
    "a policy webhook removes the Linux-only fields from Windows pods and windowsOptions from Linux pods on CREATE, so their Forbidden never comes",
  "admission-fixes-hostprocess": "a policy webhook makes HostProcess settings consistent on CREATE (pod-level hostProcess, hostNetwork true)",
  "admission-defaults-runasusername":
    "a policy webhook replaces every runAsUserName but ContainerUser, ContainerAdministrator and NT AUTHORITY\\* with ContainerUser",
  "admission-strips-gmsa-fields":
    "a policy webhook removes GMSA fields API validation would refuse (a name that is no DNS subdomain, empty or >64 KiB contents)",
  "admission-denies-runasnonroot":
    "a Linux-minded policy webhook denies pods with runAsNonRoot but no runAsUser, which every Windows pod asking for runAsNonRoot is",
  "admission-defaults-stopsignal":
    "a policy webhook replaces every lifecycle.stopSignal of a Windows pod but SIGTERM and SIGKILL with SIGTERM, so an unsupported signal is never refused",
  // The GMSA webhook misbehaving in one rule each (cluster-wide, like gmsa-webhook-down).
  "gmsa-webhook-no-fill": "the GMSA mutating webhook admits pods without filling in the credential spec contents",
  "gmsa-webhook-authorizes-all": "the GMSA validating webhook lets every service account `use` every credential spec (no SubjectAccessReview)",
  "gmsa-webhook-skips-compare": "the GMSA validating webhook admits inline credential spec contents without comparing them with the GMSACredentialSpec",
  // The emulated kubelet and runtime getting one behaviour wrong.
  "env-refs-dropped":
    "env values from valueFrom (configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef) arrive empty and envFrom adds nothing; literal values still arrive",
  "poststart-hook-skipped": "the kubelet never runs postStart hooks (the container starts as if it had none)",
  "username-unknown-accepted": "the node starts containers whose runAsUserName does not exist, as that name, instead of failing them",
  "runasnonroot-not-enforced": "the kubelet does not verify runAsNonRoot: ContainerAdministrator (or root) starts anyway",
  "startup-probe-ignored":
    "the kubelet ignores startupProbe (an older kubelet with the StartupProbe feature gate off): containers count as started at once, readiness and liveness probes run from the start",
  "runasusername-pod-level-ignored":
    "the kubelet's merge of the pod's security context into each container's drops runAsUserName: a container without its own runs as its image's default user (the sandbox still gets the pod's user)",
  "runasusername-container-level-ignored": "a container's own runAsUserName never reaches the runtime: the pod-level one (or the image's default) applies",
  "image-default-user-ignored":
    "the runtime does not read the image config's User: a container without runAsUserName runs as ContainerAdministrator, whatever its image's default (nanoserver: ContainerUser)",
  "previous-log-lost": "on a container restart the dead container's log is discarded: `kubectl logs --previous` shows nothing",
  "gmsa-container-spec-ignored":
    "the kubelet gives every container the pod-level GMSA credential spec and ignores the one a container names itself (none where the pod names none)",
  "hostprocess-ignored":
    "the runtime ignores HostProcess (containerd before 1.6): the pod runs as an ordinary container, with the pod's hostname and the image's default user",
  "kubelet-stats-unavailable":
    "the kubelet cannot collect stats (its container runtime's stats call fails): /stats/summary on matching nodes answers 500 Internal Error",
  "cpu-limit-not-enforced":
    "the runtime sets no CPU rate cap on matching pods' containers (no job object CPU limit): a busy loop runs at a full core whatever its limit",
} as const;
export type FaultName = keyof typeof faultCatalogue;

/**
 * Faults checked once per event (a pull, a container start, a probe, a lookup, a connection), so `times` means
 * something. The others are states synced continuously (node conditions, taints, listeners) or evaluated by
 * another process (the webhooks), or checked twice per connection (the partition).
 */
export const transientFaults: readonly FaultName[] = [
  "image-pull-fails",
  "container-crashes",
  "username-unknown",
  "username-unknown-accepted",
  "readiness-never",
  "liveness-fails",
  "dns-down",
  "egress-blocked",
  "service-routing-broken",
  "gmsa-domain-unreachable",
];

const scopeSchema = z
  .object({
    namespace: z.string().min(1).optional(),
    pod: z.string().min(1).optional(),
    node: z.string().min(1).optional(),
    image: z.string().min(1).optional(),
  })
  .strict();
export const faultSchema = z
  .object({
    name: z.enum(Object.keys(faultCatalogue) as [FaultName, ...FaultName[]]),
    scope: scopeSchema.default({}),
    /** A transient fault: it applies to its next `times` matching checks (a pull, a probe, a lookup…), then clears itself. */
    times: z.number().int().positive().optional(),
  })
  .strict()
  .refine((f) => f.times === undefined || transientFaults.includes(f.name), {
    path: ["times"],
    message: `only these faults can be transient: ${transientFaults.join(", ")}`,
  });
export type Fault = z.infer<typeof faultSchema> & { id: string; since: string; hits?: number };
export type FaultScope = z.infer<typeof scopeSchema>;

/** A shell-style glob (`*`, `?`) anchored at both ends. */
export function globMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const re = new RegExp(
    "^" +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".") +
      "$",
    "i",
  );
  return re.test(value);
}

export interface FaultTarget {
  namespace?: string;
  pod?: string;
  node?: string;
  image?: string;
}

export function scopeMatches(scope: FaultScope, t: FaultTarget): boolean {
  return (Object.keys(scope) as (keyof FaultScope)[]).every((k) => globMatch(scope[k]!, t[k]));
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private seq = 0;
  private readonly listeners: ((f: Fault[]) => void | Promise<void>)[] = [];
  constructor(private readonly file?: string) {
    if (file && existsSync(file)) this.faults = (JSON.parse(readFileSync(file, "utf8")) as Fault[]) ?? [];
    this.seq = this.faults.length;
  }

  list(): Fault[] {
    return [...this.faults];
  }

  /** The first active fault of this name whose scope matches the target. A match uses up one of a transient fault's times. */
  active(name: FaultName, t: FaultTarget): Fault | undefined {
    const f = this.faults.find((f) => f.name === name && scopeMatches(f.scope, t));
    if (f?.times !== undefined) {
      f.hits = (f.hits ?? 0) + 1;
      if (f.hits >= f.times) this.faults = this.faults.filter((x) => x !== f);
      void this.changed();
    }
    return f;
  }

  any(name: FaultName): boolean {
    return this.faults.some((f) => f.name === name);
  }

  onChange(cb: (f: Fault[]) => void | Promise<void>): void {
    this.listeners.push(cb);
  }

  async add(input: unknown): Promise<Fault> {
    const parsed = faultSchema.parse(input);
    const f: Fault = { ...parsed, id: `f${++this.seq}`, since: new Date().toISOString() };
    this.faults.push(f);
    await this.changed();
    return f;
  }

  /** Clears all faults, or those whose id or name is given. Returns what was removed. */
  async clear(idOrName?: string): Promise<Fault[]> {
    const gone = this.faults.filter((f) => idOrName === undefined || f.id === idOrName || f.name === idOrName);
    this.faults = this.faults.filter((f) => !gone.includes(f));
    await this.changed();
    return gone;
  }

  private async changed(): Promise<void> {
    if (this.file) writeFileSync(this.file, JSON.stringify(this.faults, null, 2));
    for (const l of this.listeners) await l(this.list());
  }
}
