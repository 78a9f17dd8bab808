// How a matchExpressions requirement judges a set of labels: label selectors (webhooks' namespaceSelector) and
// node selector terms (required node affinity) share In, NotIn, Exists and DoesNotExist
// (k8s.io/apimachinery/pkg/labels selector.go).

/** Whether the requirement admits these labels; undefined for an operator it does not know (Gt, Lt: the caller decides). */
export function requirementMatches(e: { key: string; operator: string; values?: string[] }, labels: Record<string, string>): boolean | undefined {
  const has = e.key in labels;
  const values = e.values ?? [];
  switch (e.operator) {
    case "In":
      return has && values.includes(labels[e.key]);
    case "NotIn":
      return !has || !values.includes(labels[e.key]);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      return undefined;
  }
}
