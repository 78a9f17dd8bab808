// Builds what a container sees (env, volumes, identity, limits) from its pod, as a kubelet would,
// failing the way a kubelet does when a referenced ConfigMap or Secret is missing.
import type * as k8s from "@kubernetes/client-node";
import type { ContainerView, OsName } from "../model.js";
import { ContainerFs, type Mount, type Volume } from "../fs.js";
import type { HostFilesystems } from "../hostfs.js";
import { defaultWindowsUser } from "../images.js";

export interface ObjectSource {
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

export interface NodeFacts {
  name: string;
  os: OsName;
  build?: string;
  address: string;
  podCIDR?: string;
  /** A dual-stack node's IPv6 InternalIP and pod CIDR (localcluster/dual-stack.ts). */
  ipv6?: { address: string; podCIDR: string };
}

export class ContainerConfigError extends Error {}

/** Where a pod's volumes come from besides the API objects: its node's disk, and the faults that bend them. */
export interface VolumeHost {
  node: NodeFacts;
  disks: HostFilesystems;
  fault(name: "hostpath-not-writable" | "projected-source-missing"): boolean;
}

/** Pod-level volumes, shared by all containers of the pod (emptyDir writes are visible to each). */
export async function podVolumes(pod: k8s.V1Pod, src: ObjectSource, host?: VolumeHost): Promise<Map<string, Volume>> {
  const ns = pod.metadata!.namespace!;
  const out = new Map<string, Volume>();
  /** The files a ConfigMap or Secret projects (all keys, or the listed items); the kubelet's FailedMount when it is missing. */
  const objectFiles = async (volume: string, kind: "configmap" | "secret", name: string, items?: k8s.V1KeyToPath[], optional?: boolean) => {
    const data = kind === "configmap" ? await src.configMap(ns, name) : await src.secret(ns, name);
    // The kubelet keeps the pod in ContainerCreating with FailedMount; surfacing it as a config error is close enough.
    if (!data && !optional) throw new ContainerConfigError(`MountVolume.SetUp failed for volume "${volume}" : ${kind} "${name}" not found`);
    const list = items ?? Object.keys(data ?? {}).map((key) => ({ key, path: key }));
    return list.filter((i) => data && i.key in data).map((i): [string, string] => [i.path, data![i.key]]);
  };
  for (const v of pod.spec!.volumes ?? []) {
    if (v.emptyDir) out.set(v.name, { kind: "emptyDir", files: new Map() });
    else if (v.configMap)
      out.set(v.name, { kind: "readOnly", files: new Map(await objectFiles(v.name, "configmap", v.configMap.name!, v.configMap.items, v.configMap.optional)) });
    else if (v.secret)
      out.set(v.name, { kind: "readOnly", files: new Map(await objectFiles(v.name, "secret", v.secret.secretName!, v.secret.items, v.secret.optional)) });
    else if (v.downwardAPI) out.set(v.name, { kind: "readOnly", files: downwardFiles(pod, v.downwardAPI.items) });
    else if (v.projected) {
      // kubernetes/pkg/volume/projected: every source lands in the one read-only directory. The fault drops all but the first.
      const sources = host?.fault("projected-source-missing") ? (v.projected.sources ?? []).slice(0, 1) : (v.projected.sources ?? []);
      const files = new Map<string, string>();
      for (const s of sources) {
        const got = s.configMap
          ? await objectFiles(v.name, "configmap", s.configMap.name!, s.configMap.items, s.configMap.optional)
          : s.secret
            ? await objectFiles(v.name, "secret", s.secret.name!, s.secret.items, s.secret.optional)
            : s.downwardAPI
              ? [...downwardFiles(pod, s.downwardAPI.items)]
              : [];
        for (const [k, c] of got) files.set(k, c);
      }
      out.set(v.name, { kind: "readOnly", files });
    } else if (v.hostPath && host) {
      const type = v.hostPath.type ?? "";
      const os = host.node.os;
      const files = type === "Directory" ? host.disks.existing(host.node.name, os, v.hostPath.path) : host.disks.ensure(host.node.name, os, v.hostPath.path);
      // kubernetes/pkg/volume/hostpath: the type check fails the mount, and the kubelet retries it.
      if (!files)
        throw new ContainerConfigError(`MountVolume.SetUp failed for volume "${v.name}" : hostPath type check failed: ${v.hostPath.path} is not a directory`);
      out.set(v.name, { kind: "hostPath", files, writable: !host.fault("hostpath-not-writable") });
    } else {
      // CSI, persistent volume claims…: present but empty.
      out.set(v.name, { kind: "emptyDir", files: new Map() });
    }
  }
  return out;
}

function downwardFiles(pod: k8s.V1Pod, items: k8s.V1DownwardAPIVolumeFile[] = []): Map<string, string> {
  return new Map(items.filter((i) => i.fieldRef).map((i) => [i.path, fieldRef(pod, i.fieldRef!.fieldPath)]));
}

function fieldRef(pod: k8s.V1Pod, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === "labels" ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2]] ?? "";
  const table: Record<string, string | undefined> = {
    "metadata.name": pod.metadata?.name,
    "metadata.namespace": pod.metadata?.namespace,
    "metadata.uid": pod.metadata?.uid,
    "spec.nodeName": pod.spec?.nodeName,
    "spec.serviceAccountName": pod.spec?.serviceAccountName,
    "status.podIP": pod.status?.podIP,
    // The kubelet's podFieldSelectorRuntimeValue: every address, comma-separated (one of each family on a dual-stack node).
    "status.podIPs": pod.status?.podIPs?.map((p) => p.ip).join(","),
    "status.hostIP": pod.status?.hostIP,
  };
  return table[path] ?? "";
}

/** Parses a Kubernetes quantity into a number of base units (bytes, or cores). */
export function quantity(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q));
  if (!m) return undefined;
  const mult: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(m[1]) * (mult[m[2]] ?? 1);
}

export function effectiveUser(pod: k8s.V1Pod, c: k8s.V1Container, os: OsName): string {
  if (os === "windows") {
    return c.securityContext?.windowsOptions?.runAsUserName ?? pod.spec?.securityContext?.windowsOptions?.runAsUserName ?? defaultWindowsUser(c.image ?? "");
  }
  const uid = c.securityContext?.runAsUser ?? pod.spec?.securityContext?.runAsUser;
  return uid === undefined || uid === 0 ? "root" : String(uid);
}

export async function containerView(
  pod: k8s.V1Pod,
  c: k8s.V1Container,
  node: NodeFacts,
  volumes: Map<string, Volume>,
  src: ObjectSource,
  cluster: { dnsIP: string; kubernetesServiceIP: string },
  /** Faults of the runtime's mounts: the read-only flag dropped; each container given its own copy of an emptyDir. */
  mountFaults: { ignoreReadOnly?: boolean } = {},
): Promise<ContainerView> {
  const ns = pod.metadata!.namespace!;
  const os = node.os;
  const hostNetwork = !!pod.spec?.hostNetwork;
  const podIP = pod.status?.podIP ?? "";
  const user = effectiveUser(pod, c, os);
  // A Windows host's name is never an FQDN: on EKS the node is ip-10-0-1-23.<region>.compute.internal, the host ip-10-0-1-23.
  const hostname = hostNetwork ? (node.os === "windows" ? node.name.split(".")[0] : node.name) : (pod.spec?.hostname ?? pod.metadata!.name!);
  const env: Record<string, string> = {
    KUBERNETES_SERVICE_HOST: cluster.kubernetesServiceIP,
    KUBERNETES_SERVICE_PORT: "443",
    KUBERNETES_SERVICE_PORT_HTTPS: "443",
    KUBERNETES_PORT: `tcp://${cluster.kubernetesServiceIP}:443`,
    ...(os === "windows"
      ? {
          COMPUTERNAME: hostname.slice(0, 15).toUpperCase(),
          USERNAME: user.includes("\\") ? user.split("\\")[1] : user,
          USERDOMAIN: user.toUpperCase().startsWith("NT AUTHORITY\\") ? "NT AUTHORITY" : "User Manager",
          PATH: "C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\",
          ...(pod.spec?.securityContext?.windowsOptions?.hostProcess || c.securityContext?.windowsOptions?.hostProcess
            ? { CONTAINER_SANDBOX_MOUNT_POINT: `C:\\C\\${pod.metadata!.uid}\\` }
            : {}),
        }
      : { HOSTNAME: hostname, PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: user === "root" ? "/root" : "/" }),
  };
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const data = from.configMapRef ? await src.configMap(ns, ref.name!) : await src.secret(ns, ref.name!);
    if (!data && !ref.optional) throw new ContainerConfigError(`${from.configMapRef ? "configmap" : "secret"} "${ref.name}" not found`);
    for (const [k, v] of Object.entries(data ?? {})) env[(from.prefix ?? "") + k] = v;
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n) => env[n] ?? m);
    else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
      const ref = (e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef)!;
      const kind = e.valueFrom.configMapKeyRef ? "configmap" : "secret";
      const data = kind === "configmap" ? await src.configMap(ns, ref.name!) : await src.secret(ns, ref.name!);
      if (!data) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`${kind} "${ref.name}" not found`);
      }
      if (!(ref.key in data)) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind === "configmap" ? "ConfigMap" : "Secret"} ${ns}/${ref.name}`);
      }
      env[e.name] = data[ref.key];
    } else if (e.valueFrom?.fieldRef) env[e.name] = fieldRef(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.resourceFieldRef) {
      const r = e.valueFrom.resourceFieldRef.resource;
      const [kind, res] = r.split(".") as ["limits" | "requests", string];
      const q = quantity((c.resources?.[kind] as Record<string, string> | undefined)?.[res]);
      env[e.name] = q === undefined ? "0" : String(res === "cpu" ? Math.ceil(q) : Math.floor(q));
    }
  }
  const mounts: Mount[] = (c.volumeMounts ?? []).flatMap((m) => {
    const shared = volumes.get(m.name);
    return shared ? [{ mountPath: m.mountPath, volume: shared, readOnly: !!m.readOnly && !mountFaults.ignoreReadOnly, subPath: m.subPath }] : [];
  });
  const limits = c.resources?.limits as Record<string, string> | undefined;
  const imageFiles: Record<string, string> =
    os === "windows"
      ? { "C:\\Windows\\System32\\drivers\\etc\\hosts": "# Copyright (c) 1993-2009 Microsoft Corp.\r\n127.0.0.1 localhost\r\n" }
      : {
          "/etc/hostname": `${hostname}\n`,
          "/etc/resolv.conf": `search ${ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${cluster.dnsIP}\noptions ndots:5\n`,
        };
  return {
    namespace: ns,
    pod: pod.metadata!.name!,
    container: c.name,
    os,
    nodeName: node.name,
    nodeBuild: node.build,
    image: c.image ?? "",
    command: c.command ?? [],
    args: c.args ?? [],
    env,
    podIP,
    hostname,
    userName: user,
    dns: dnsConfig(pod, ns, cluster.dnsIP),
    gmsaCredentialSpec: c.securityContext?.windowsOptions?.gmsaCredentialSpec ?? pod.spec?.securityContext?.windowsOptions?.gmsaCredentialSpec,
    limits: { memoryBytes: quantity(limits?.memory), cpuMillis: limits?.cpu !== undefined ? Math.round(quantity(limits.cpu)! * 1000) : undefined },
    fs: new ContainerFs(os, mounts, imageFiles),
    events: [],
  };
}

function dnsConfig(pod: k8s.V1Pod, ns: string, dnsIP: string): ContainerView["dns"] {
  const policy = pod.spec?.dnsPolicy ?? "ClusterFirst";
  const clusterSearch = [`${ns}.svc.cluster.local`, "svc.cluster.local", "cluster.local"];
  if (policy === "None") {
    // The kubelet writes exactly the pod's dnsConfig (pkg/kubelet/network/dns GetPodDNS); on Windows the runtime sets
    // it on the pod's HNS endpoint, so `ipconfig /all` lists every server in order.
    const nameservers = pod.spec?.dnsConfig?.nameservers ?? [];
    return { nameserver: nameservers[0] ?? "", nameservers, searches: pod.spec?.dnsConfig?.searches ?? [] };
  }
  if (policy === "Default" || (pod.spec?.hostNetwork && policy !== "ClusterFirstWithHostNet")) return { nameserver: "127.0.0.53", searches: [] };
  return { nameserver: dnsIP, searches: [...clusterSearch, ...(pod.spec?.dnsConfig?.searches ?? [])] };
}
