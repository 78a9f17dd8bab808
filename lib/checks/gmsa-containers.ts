// Extend.ActiveDirectory, upstream gmsa_kubelet.go: the kubelet hands each container the credential spec that
// applies to it — the pod-level one, unless the container names its own (pkg/securitycontext/util.go
// DetermineEffectiveSecurityContext: a container's GMSA name and contents replace the pod's). `nltest
// /parentdomain` in a container names the domain of the spec it got, without needing a domain controller.
import type * as k8s from "@kubernetes/client-node";
import type { ExecOutput } from "../cluster/exec.js";
import { NLTEST_OK, credSpecDomain, type CredSpec } from "./gmsa.js";

export interface ContainerDomain {
  container: string;
  /** The GMSACredentialSpec that applies to it, and where it was named. */
  credSpec: string;
  level: "pod" | "container";
  domain: string;
}

/** Each container of `pod` with the credential spec that applies to it (container level over pod level) and its domain. */
export function expectedDomains(pod: k8s.V1Pod, specs: { name: string; credspec: CredSpec }[]): ContainerDomain[] {
  const podLevel = pod.spec?.securityContext?.windowsOptions?.gmsaCredentialSpecName;
  return pod.spec!.containers.flatMap((c) => {
    const own = c.securityContext?.windowsOptions?.gmsaCredentialSpecName;
    const name = own ?? podLevel;
    const spec = specs.find((s) => s.name === name);
    return spec
      ? [{ container: c.name, credSpec: spec.name, level: own ? ("container" as const) : ("pod" as const), domain: credSpecDomain(spec.credspec) }]
      : [];
  });
}

/**
 * upstream's rule: the output starts with the domain and says "The command completed successfully". undefined
 * when it does; else one line naming the pod, the container, the spec it should have got and what nltest said.
 */
export function parentDomainProblem(pod: string, want: ContainerDomain, out: ExecOutput): string | undefined {
  const where = `pod ${pod}, container ${want.container} (${want.level}-level spec ${want.credSpec}, domain ${want.domain})`;
  if (out.error) return `${where}: nltest /parentdomain could not run: ${out.error}`;
  const text = out.stdout.trim();
  const said = `${text || out.stderr.trim() || "(no output)"}`.split(/\r?\n/).join(" | ");
  if (!text.toLowerCase().startsWith(want.domain.toLowerCase()))
    return `${where}: nltest /parentdomain names another domain or none (exit code ${out.exitCode}): ${said}`;
  if (!text.includes(NLTEST_OK)) return `${where}: nltest /parentdomain did not say "${NLTEST_OK}" (exit code ${out.exitCode}): ${said}`;
  return undefined;
}
