// Is the GMSA webhook asked about pod UPDATEs? Its chart registers the validating webhook for pod CREATE and
// UPDATE (windows-gmsa admission-webhook chart, ValidatingWebhookConfiguration rules), so that a change to a running
// pod's GMSA settings is judged by the webhook. The API server's own pod-immutability validation refuses such a
// patch before any validating webhook is called (registry strategy ValidateUpdate runs first), so the webhook's
// UPDATE answer cannot be observed through a patch: the registration the cluster holds is what can be judged.
import type * as k8s from "@kubernetes/client-node";
import { requirementMatches } from "../cluster/labels.js";

/** Whether a label selector (matchLabels and matchExpressions) selects these labels; an empty selector selects all. */
export function labelSelectorMatches(sel: k8s.V1LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  if (Object.entries(sel.matchLabels ?? {}).some(([k, v]) => labels[k] !== v)) return false;
  // An operator a label selector does not have selects nothing.
  return (sel.matchExpressions ?? []).every((e) => requirementMatches(e, labels) ?? false);
}

const covers = (list: string[] | undefined, value: string) => (list ?? []).some((x) => x === value || x === "*");

/** The rules of a webhook that send pod UPDATEs (core group, pods resource) to it. */
function podUpdateRules(w: k8s.V1ValidatingWebhook): k8s.V1RuleWithOperations[] {
  return (w.rules ?? []).filter((r) => covers(r.operations, "UPDATE") && covers(r.apiGroups, "") && covers(r.resources, "pods"));
}

/**
 * undefined when a validating webhook named `webhookName` is registered for pod UPDATE in a namespace with these
 * labels; otherwise why not, in one line naming the configuration.
 */
export function podUpdateRegistrationProblem(
  configs: k8s.V1ValidatingWebhookConfiguration[],
  webhookName: string,
  namespace: { name: string; labels: Record<string, string> },
): string | undefined {
  const hooks = configs.flatMap((c) => (c.webhooks ?? []).filter((w) => w.name === webhookName).map((w) => ({ config: c.metadata!.name!, w })));
  if (!hooks.length) return `no ValidatingWebhookConfiguration has a webhook named ${webhookName}: nothing validates pods for GMSA`;
  const withUpdate = hooks.filter((h) => podUpdateRules(h.w).length);
  if (!withUpdate.length) {
    const ops = hooks.map((h) => `${h.config}: operations ${[...new Set((h.w.rules ?? []).flatMap((r) => r.operations ?? []))].join(", ") || "none"}`);
    return `the GMSA webhook ${webhookName} has no rule for pod UPDATE (${ops.join("; ")}): changes to a running pod's GMSA settings are never sent to it`;
  }
  if (!withUpdate.some((h) => labelSelectorMatches(h.w.namespaceSelector, namespace.labels)))
    return `the GMSA webhook ${webhookName} is registered for pod UPDATE, but its namespaceSelector leaves out namespace ${namespace.name} (${withUpdate.map((h) => h.config).join(", ")})`;
  return undefined;
}
