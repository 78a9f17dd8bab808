// The GMSACredentialSpec CustomResourceDefinition, as kubernetes-sigs/windows-gmsa ships it
// (admission-webhook/deploy/gmsa-crd.yml, identical to charts/gmsa/crds/crds.yaml).
//
// One addition: by default `credspec` also carries `x-kubernetes-preserve-unknown-fields: true`, so fields
// outside upstream's listed ones directly under `credspec` are kept rather than pruned (nested objects with
// listed properties still prune). Pass `{ preserveUnknownFields: false }` for upstream's exact schema.
//
// Two forms: the wire/YAML form here (`gmsaCrdManifest`, keys as in upstream's YAML) and the @kubernetes/client-node
// model form (`gmsaCredentialSpecCRD` / `gmsaCrd`, crd-model.ts: the webhook process does not load client-node). client-node's typed APIs (ApiextensionsV1Api,
// KubernetesObjectApi) serialise from model attribute names and silently drop unknown keys: handed the wire
// form, they would drop `x-kubernetes-preserve-unknown-fields` (the model calls it
// `x_kubernetes_preserve_unknown_fields`). Use the model form with client-node, the manifest for YAML/raw JSON.

export const GMSA_GROUP = "windows.k8s.io";
export const GMSA_PLURAL = "gmsacredentialspecs";
export const GMSA_KIND = "GMSACredentialSpec";
export const GMSA_CRD_NAME = `${GMSA_PLURAL}.${GMSA_GROUP}`;
/** The version upstream's webhook reads cred specs with, and the storage version. */
export const GMSA_VERSION = "v1";
/** The field holding the credential spec itself. */
export const GMSA_CONTENTS_FIELD = "credspec";

export interface GmsaCrdOptions {
  /** Keep unknown fields under `credspec` (default true); false gives upstream's schema verbatim. */
  preserveUnknownFields?: boolean;
}

const str = () => ({ type: "string" });

function credspecSchema(preserveUnknownFields: boolean): Record<string, unknown> {
  return {
    description: "GMSA Credential Spec",
    type: "object",
    ...(preserveUnknownFields ? { "x-kubernetes-preserve-unknown-fields": true } : {}),
    properties: {
      ActiveDirectoryConfig: {
        type: "object",
        properties: {
          GroupManagedServiceAccounts: {
            type: "array",
            items: {
              type: "object",
              properties: { Name: str(), Scope: str() },
            },
          },
          HostAccountConfig: {
            type: "object",
            properties: { PluginGUID: str(), PluginInput: str(), PortableCcgVersion: str() },
          },
        },
      },
      CmsPlugins: { type: "array", items: str() },
      DomainJoinConfig: {
        type: "object",
        properties: {
          DnsName: str(),
          DnsTreeName: str(),
          Guid: str(),
          MachineAccountName: str(),
          NetBiosName: str(),
          Sid: str(),
        },
      },
    },
  };
}

function version(name: string, storage: boolean, deprecated: boolean, preserve: boolean) {
  return {
    name,
    served: true,
    storage,
    ...(deprecated ? { deprecated: true } : {}),
    schema: {
      openAPIV3Schema: {
        type: "object",
        properties: { [GMSA_CONTENTS_FIELD]: credspecSchema(preserve) },
      },
    },
  };
}

/** Builds the CRD (apiextensions.k8s.io/v1) in wire form: the JSON/YAML the apiserver reads. */
export function buildGmsaCredentialSpecCRDManifest(options: GmsaCrdOptions = {}) {
  const preserve = options.preserveUnknownFields ?? true;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: GMSA_CRD_NAME,
      annotations: {
        "api-approved.kubernetes.io": "https://github.com/kubernetes/enhancements/tree/master/keps/sig-windows/689-windows-gmsa",
      },
    },
    spec: {
      group: GMSA_GROUP,
      versions: [version("v1alpha1", false, true, preserve), version("v1", true, false, preserve)],
      conversion: { strategy: "None" },
      names: { kind: GMSA_KIND, plural: GMSA_PLURAL },
      scope: "Cluster",
    },
  };
}

/** The CRD in wire form (for YAML, kubectl, raw JSON requests), default options. */
export const gmsaCrdManifest = buildGmsaCredentialSpecCRDManifest();
