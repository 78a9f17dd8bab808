// The gke profile's optional webhook: GKE is reported (kpack #604; not verified against GKE itself) to add the
// toleration for its node.kubernetes.io/os=windows:NoSchedule taint to pods that select kubernetes.io/os: windows.
// Served by the GMSA webhook's HTTPS server (same process and certificate) at POST /gke-windows-toleration, and
// registered by `cluster up --profile gke --toleration-webhook` as its own MutatingWebhookConfiguration.
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, writeReview } from "./review-io.js";
import type * as k8s from "@kubernetes/client-node";

export const GKE_TOLERATION_PATH = "/gke-windows-toleration";
export const GKE_TOLERATION_CONFIG_NAME = "hc-gke-windows-toleration";
export const gkeWindowsToleration: k8s.V1Toleration = { key: "node.kubernetes.io/os", operator: "Equal", value: "windows", effect: "NoSchedule" };

type PatchOp = { op: "add"; path: string; value: unknown };

/** The JSON patch for one pod: the toleration, when the pod selects Windows and does not tolerate the taint yet. Pure. */
export function tolerationPatch(pod: k8s.V1Pod | undefined): PatchOp[] {
  if (pod?.spec?.nodeSelector?.["kubernetes.io/os"] !== "windows") return [];
  const tolerations = pod.spec.tolerations ?? [];
  const t = gkeWindowsToleration;
  const covered = tolerations.some(
    (x) => (x.operator === "Exists" && (!x.key || x.key === t.key)) || (x.key === t.key && (x.value ?? "") === t.value && (!x.effect || x.effect === t.effect)),
  );
  if (covered) return [];
  return tolerations.length ? [{ op: "add", path: "/spec/tolerations/-", value: t }] : [{ op: "add", path: "/spec/tolerations", value: [t] }];
}

export function gkeTolerationHandler(log: (line: string) => void = () => {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      res.writeHead(405);
      res.end();
      return;
    }
    const review = JSON.parse(await readBody(req)) as { request?: { uid?: string; namespace?: string; object?: k8s.V1Pod } };
    const r = review.request ?? {};
    const ops = tolerationPatch(r.object);
    const response: Record<string, unknown> = { uid: r.uid ?? "", allowed: true };
    if (ops.length) {
      response.patchType = "JSONPatch";
      response.patch = Buffer.from(JSON.stringify(ops)).toString("base64");
      log(
        `gke-windows-toleration: added the ${gkeWindowsToleration.key} toleration to pod ${r.namespace ?? ""}/${r.object?.metadata?.name ?? r.object?.metadata?.generateName ?? ""}`,
      );
    }
    writeReview(res, response);
  };
}

export function gkeTolerationWebhookConfiguration(baseUrl: string, caBundle: string): k8s.V1MutatingWebhookConfiguration {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name: GKE_TOLERATION_CONFIG_NAME, labels: { "app.kubernetes.io/managed-by": "hybrid-conformance-localcluster" } },
    webhooks: [
      {
        name: "windows-toleration.gke.profiles.hybrid-conformance.io",
        clientConfig: { url: `${baseUrl.replace(/\/+$/, "")}${GKE_TOLERATION_PATH}`, caBundle },
        rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "Namespaced" }],
        namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system"] }] },
        failurePolicy: "Ignore",
        sideEffects: "None",
        admissionReviewVersions: ["v1"],
        timeoutSeconds: 5,
        reinvocationPolicy: "IfNeeded",
      },
    ],
  };
}
