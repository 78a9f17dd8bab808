// The GMSACredentialSpec CRD as a @kubernetes/client-node model (crd.ts explains the two forms). Apart from crd.ts
// so that the webhook process, which needs only the wire form, never loads client-node.
import * as k8s from "@kubernetes/client-node";
import { buildGmsaCredentialSpecCRDManifest, type GmsaCrdOptions } from "./crd.js";

/** Builds the CRD as a @kubernetes/client-node model, for its typed APIs. */
export function buildGmsaCredentialSpecCRD(options: GmsaCrdOptions = {}): k8s.V1CustomResourceDefinition {
  // JSON is YAML: loadYaml maps wire keys onto the model's attribute names
  return k8s.loadYaml<k8s.V1CustomResourceDefinition>(JSON.stringify(buildGmsaCredentialSpecCRDManifest(options)));
}

/** The CRD as a client-node model (for ApiextensionsV1Api / KubernetesObjectApi), default options. */
export const gmsaCredentialSpecCRD: k8s.V1CustomResourceDefinition = buildGmsaCredentialSpecCRD();

/** Alias of `gmsaCredentialSpecCRD`. */
export const gmsaCrd = gmsaCredentialSpecCRD;
