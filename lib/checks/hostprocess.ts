// HostProcess checks (Extend.HostProcess), after upstream's host_process.go: a HostProcess container runs on
// the host, so `hostname` inside is the node's name (compared case-insensitively; Windows' ComputerName is at
// most 15 characters) and `whoami` the host account it asked for. Where privileged pods are not allowed — Pod
// Security on the namespace, or an API server without --allow-privileged — the pod cannot exist, and the test
// says which of the two forbids it.
import type * as k8s from "@kubernetes/client-node";

export const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";

/** undefined when `hostname` (as printed inside the pod) names `node`; else the problem. */
export function hostnameProblem(hostname: string, node: string): string | undefined {
  const h = hostname.trim().toLowerCase();
  const n = node.toLowerCase();
  if (h === n) return undefined;
  // A NetBIOS computer name is cut at 15 characters.
  if (n.length > 15 && h === n.slice(0, 15)) return undefined;
  return `hostname inside the HostProcess container is "${hostname.trim()}", but the pod runs on node ${node}: it is not running on the host`;
}

/** undefined when `whoami` printed the account (case-insensitively, as Windows prints it lower-case); else the problem. */
export function accountProblem(whoami: string, want: string): string | undefined {
  const got = whoami.trim().split(/\r?\n/).pop()?.trim() ?? "";
  return got.toLowerCase() === want.toLowerCase() ? undefined : `whoami says "${got}", expected "${want}"`;
}

/**
 * Why privileged (HostProcess) pods are not allowed here, read from a refused create (a dry run): Pod Security
 * admission's "violates PodSecurity", or validation's "disallowed by cluster policy"; undefined when the
 * refusal is something else (then it is a failure, not a reason to skip).
 */
export function privilegedForbiddenBy(status: k8s.V1Status | undefined, nsLabels: Record<string, string> = {}): string | undefined {
  const msg = status?.message ?? "";
  const causes = (status?.details?.causes ?? []).map((c) => c.message ?? "").join("; ");
  if (/violates PodSecurity/i.test(msg)) {
    const level = nsLabels[PSA_ENFORCE];
    return `Pod Security forbids HostProcess pods in the test namespace (${level ? `${PSA_ENFORCE}=${level}` : "the cluster's default enforce level"}): ${msg.split("\n")[0]}`;
  }
  if (/disallowed by cluster policy/i.test(`${msg} ${causes}`))
    return "the API server does not allow privileged pods (--allow-privileged=false): hostProcess containers are disallowed by cluster policy";
  return undefined;
}

/** The enforce level a namespace's labels ask Pod Security admission for, if any. */
export function enforceLevel(nsLabels: Record<string, string> | undefined): string | undefined {
  return nsLabels?.[PSA_ENFORCE];
}
