// The faults that make the emulated kubelet or runtime get one container behaviour wrong, as pure rewrites of
// what the container is built from: env references dropped, emptyDir not shared, HostProcess ignored. Each
// leaves everything else as a healthy node would do it (docs/local-cluster.md lists them with what they model).
import type * as k8s from "@kubernetes/client-node";
import type { Volume } from "../fs.js";

/** env-refs-dropped: every valueFrom value arrives empty and envFrom adds nothing; literal values are kept. */
export function withEnvRefsDropped(c: k8s.V1Container): k8s.V1Container {
  return { ...c, envFrom: [], env: (c.env ?? []).map((e) => (e.valueFrom ? { name: e.name, value: "" } : e)) };
}

/** emptydir-not-shared: a container's own copy of the pod's emptyDir volumes (other volumes stay shared). */
export function privateEmptyDirs(volumes: Map<string, Volume>): Map<string, Volume> {
  return new Map([...volumes].map(([name, v]) => [name, v.kind === "emptyDir" ? { kind: "emptyDir", files: new Map() } : v]));
}

const hostProcessOf = (p: k8s.V1Pod, c: k8s.V1Container) =>
  !!(c.securityContext?.windowsOptions?.hostProcess ?? p.spec?.securityContext?.windowsOptions?.hostProcess);

/**
 * hostprocess-ignored: what a runtime without HostProcess support makes of a HostProcess container — an ordinary
 * container in the pod's own network namespace and hostname, running as the image's default user (the
 * HostProcess account, e.g. NT AUTHORITY\SYSTEM, is not a user inside an ordinary container).
 */
export function withHostProcessIgnored(p: k8s.V1Pod, c: k8s.V1Container): { pod: k8s.V1Pod; container: k8s.V1Container } {
  if (!hostProcessOf(p, c)) return { pod: p, container: c };
  const strip = (sc: k8s.V1SecurityContext | k8s.V1PodSecurityContext | undefined) =>
    sc?.windowsOptions ? { ...sc, windowsOptions: { ...sc.windowsOptions, hostProcess: undefined, runAsUserName: undefined } } : sc;
  return {
    pod: { ...p, spec: { ...p.spec!, hostNetwork: false, securityContext: strip(p.spec?.securityContext) } },
    container: { ...c, securityContext: strip(c.securityContext) },
  };
}

/**
 * dns-config-ignored: a kubelet or runtime that drops the pod's dnsConfig (the CRI sandbox gets the cluster's
 * default DNS instead): dnsPolicy None and the custom nameservers and search domains never reach the pod.
 */
export function withDnsConfigIgnored(p: k8s.V1Pod): k8s.V1Pod {
  if (p.spec?.dnsPolicy !== "None" && !p.spec?.dnsConfig) return p;
  return { ...p, spec: { ...p.spec!, dnsPolicy: "ClusterFirst", dnsConfig: undefined } };
}

type WithWindowsOptions = { securityContext?: { windowsOptions?: k8s.V1WindowsSecurityContextOptions } };
const withoutRunAsUserName = <T extends WithWindowsOptions>(x: T): T =>
  x.securityContext?.windowsOptions?.runAsUserName === undefined
    ? x
    : { ...x, securityContext: { ...x.securityContext, windowsOptions: { ...x.securityContext.windowsOptions, runAsUserName: undefined } } };

/**
 * runasusername-pod-level-ignored: the kubelet's merge of the pod's security context into each container's
 * (upstream's DetermineEffectiveSecurityContext) drops windowsOptions.runAsUserName: a container without its own
 * runs as its image's default user. The sandbox is still created as the pod-level user.
 */
export function withPodRunAsUserNameIgnored(p: k8s.V1Pod): k8s.V1Pod {
  return p.spec ? { ...p, spec: withoutRunAsUserName(p.spec) } : p;
}

/** runasusername-container-level-ignored: a container's own runAsUserName never reaches the runtime; the pod's applies. */
export function withContainerRunAsUserNameIgnored(c: k8s.V1Container): k8s.V1Container {
  return withoutRunAsUserName(c);
}

/**
 * image-default-user-ignored: a runtime that does not read the image config's User: a container without
 * runAsUserName (at either level) runs as ContainerAdministrator, whatever its image's default (nanoserver's is
 * ContainerUser).
 */
export function withImageDefaultUserIgnored(p: k8s.V1Pod, c: k8s.V1Container): k8s.V1Container {
  if (c.securityContext?.windowsOptions?.runAsUserName ?? p.spec?.securityContext?.windowsOptions?.runAsUserName) return c;
  return { ...c, securityContext: { ...c.securityContext, windowsOptions: { ...c.securityContext?.windowsOptions, runAsUserName: "ContainerAdministrator" } } };
}

/**
 * gmsa-container-spec-ignored: a kubelet that builds the container's credential spec from the pod's security
 * context only, so a container-level gmsaCredentialSpecName/gmsaCredentialSpec never replaces the pod-level one.
 */
export function withContainerGmsaIgnored(c: k8s.V1Container): k8s.V1Container {
  const w = c.securityContext?.windowsOptions;
  if (!w || (w.gmsaCredentialSpec === undefined && w.gmsaCredentialSpecName === undefined)) return c;
  return { ...c, securityContext: { ...c.securityContext, windowsOptions: { ...w, gmsaCredentialSpec: undefined, gmsaCredentialSpecName: undefined } } };
}
