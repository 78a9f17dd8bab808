// The `gmsa-webhook-no-update-rule` fault: the GMSA webhook's ValidatingWebhookConfiguration registers pod CREATE
// only, as a hand-trimmed or copied-in registration would; the chart registers CREATE and UPDATE
// (webhookConfigurations in server.ts). While the fault is on, the data plane rewrites the live registration's rules
// to CREATE; when it is cleared, it puts UPDATE back. The fault is cluster-wide: a registration has no scope.
import * as k8s from "@kubernetes/client-node";
import { GMSA_WEBHOOK_CONFIG_NAME } from "./server.js";

export const NO_UPDATE_RULE_FAULT = "gmsa-webhook-no-update-rule";

/** The operations the GMSA validating webhook is registered for: the chart's, or CREATE alone under the fault. */
export const validatingOperations = (noUpdateRule: boolean) => (noUpdateRule ? ["CREATE"] : ["CREATE", "UPDATE"]);

/** Makes the live ValidatingWebhookConfiguration's pod rules match the fault's state; a no-op when they already do. */
export async function syncUpdateRule(kc: k8s.KubeConfig, noUpdateRule: boolean): Promise<void> {
  const adm = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
  const cfg = await adm.readValidatingWebhookConfiguration({ name: GMSA_WEBHOOK_CONFIG_NAME }).catch((e) => {
    if ((e as { code?: number }).code === 404) return undefined; // GMSA not installed on this cluster
    throw e;
  });
  if (!cfg) return;
  const want = validatingOperations(noUpdateRule);
  const same = (cfg.webhooks ?? []).every((w) => (w.rules ?? []).every((r) => (r.operations ?? []).join() === want.join()));
  if (same) return;
  for (const w of cfg.webhooks ?? []) for (const r of w.rules ?? []) r.operations = [...want];
  await adm.replaceValidatingWebhookConfiguration({ name: GMSA_WEBHOOK_CONFIG_NAME, body: cfg });
}
