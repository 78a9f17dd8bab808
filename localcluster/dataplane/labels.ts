// The emulator's own reading of a matchExpressions requirement (label selectors of NetworkPolicies, node selector
// terms the autoscaler simulates a node against), as k8s.io/apimachinery/pkg/labels selector.go defines it. The
// harness has its own copy on purpose: the emulator shares no code with what it judges.
import type * as k8s from "@kubernetes/client-node";

/** Whether the requirement admits these labels; operators other than In, NotIn, Exists, DoesNotExist (Gt/Lt: no layout here uses them) admit nothing. */
export function requirementMatches(e: k8s.V1LabelSelectorRequirement | k8s.V1NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const v = labels[e.key];
  switch (e.operator) {
    case "In":
      return v !== undefined && (e.values ?? []).includes(v);
    case "NotIn":
      return v === undefined || !(e.values ?? []).includes(v);
    case "Exists":
      return v !== undefined;
    case "DoesNotExist":
      return v === undefined;
    default:
      return false;
  }
}
