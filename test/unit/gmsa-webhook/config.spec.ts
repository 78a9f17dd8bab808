import { expect } from "chai";
import yaml from "js-yaml";
import * as k8s from "@kubernetes/client-node";
import { buildGmsaCredentialSpecCRDManifest, gmsaCrdManifest } from "../../../localcluster/gmsa-webhook/crd.js";
import { buildGmsaCredentialSpecCRD, gmsaCrd, gmsaCredentialSpecCRD } from "../../../localcluster/gmsa-webhook/crd-model.js";
import { GMSA_WEBHOOK_NAME, webhookConfigurations } from "../../../localcluster/gmsa-webhook/server.js";

describe("gmsa-webhook: GMSACredentialSpec CRD", () => {
  const crd = gmsaCrdManifest as any;

  it("is the cluster-scoped windows.k8s.io gmsacredentialspecs CRD", () => {
    expect(gmsaCrd).to.equal(gmsaCredentialSpecCRD);
    expect(crd.apiVersion).to.equal("apiextensions.k8s.io/v1");
    expect(crd.kind).to.equal("CustomResourceDefinition");
    expect(crd.metadata.name).to.equal("gmsacredentialspecs.windows.k8s.io");
    expect(crd.metadata.annotations["api-approved.kubernetes.io"]).to.match(/^https:\/\/github\.com\/kubernetes\/enhancements\//);
    expect(crd.spec.group).to.equal("windows.k8s.io");
    expect(crd.spec.scope).to.equal("Cluster");
    expect(crd.spec.names).to.deep.equal({ kind: "GMSACredentialSpec", plural: "gmsacredentialspecs" });
    expect(crd.spec.conversion).to.deep.equal({ strategy: "None" });
  });

  it("serves v1 (storage) and the deprecated v1alpha1", () => {
    const versions = crd.spec.versions.map((v: any) => ({ name: v.name, served: v.served, storage: v.storage, deprecated: v.deprecated ?? false }));
    expect(versions).to.deep.equal([
      { name: "v1alpha1", served: true, storage: false, deprecated: true },
      { name: "v1", served: true, storage: true, deprecated: false },
    ]);
  });

  it("types credspec as an object with upstream's fields, keeping unknown ones by default", () => {
    for (const v of crd.spec.versions) {
      const credspec = v.schema.openAPIV3Schema.properties.credspec;
      expect(v.schema.openAPIV3Schema.type).to.equal("object");
      expect(credspec.type).to.equal("object");
      expect(credspec["x-kubernetes-preserve-unknown-fields"]).to.equal(true);
      expect(Object.keys(credspec.properties)).to.deep.equal(["ActiveDirectoryConfig", "CmsPlugins", "DomainJoinConfig"]);
      expect(Object.keys(credspec.properties.DomainJoinConfig.properties)).to.deep.equal([
        "DnsName",
        "DnsTreeName",
        "Guid",
        "MachineAccountName",
        "NetBiosName",
        "Sid",
      ]);
      const ad = credspec.properties.ActiveDirectoryConfig.properties;
      expect(Object.keys(ad.GroupManagedServiceAccounts.items.properties)).to.deep.equal(["Name", "Scope"]);
      expect(Object.keys(ad.HostAccountConfig.properties)).to.deep.equal(["PluginGUID", "PluginInput", "PortableCcgVersion"]);
      expect(credspec.properties.CmsPlugins).to.deep.equal({ type: "array", items: { type: "string" } });
    }
  });

  it("gives upstream's exact schema (pruning unknown fields) on request", () => {
    const exact = buildGmsaCredentialSpecCRDManifest({ preserveUnknownFields: false }) as any;
    for (const v of exact.spec.versions) {
      expect(v.schema.openAPIV3Schema.properties.credspec).to.not.have.property("x-kubernetes-preserve-unknown-fields");
    }
    const typed = buildGmsaCredentialSpecCRD({ preserveUnknownFields: false });
    expect(yaml.load(k8s.dumpYaml(typed))).to.deep.equal(JSON.parse(JSON.stringify(exact)));
  });

  it("has a client-node model form that serialises to exactly the manifest (keeping the x- extension)", () => {
    expect(gmsaCrd).to.equal(gmsaCredentialSpecCRD);
    const credspec = (gmsaCrd.spec.versions[1].schema!.openAPIV3Schema!.properties as Record<string, k8s.V1JSONSchemaProps>).credspec;
    expect(credspec.x_kubernetes_preserve_unknown_fields).to.equal(true);
    // what client-node's typed APIs put on the wire
    expect(yaml.load(k8s.dumpYaml(gmsaCrd))).to.deep.equal(JSON.parse(JSON.stringify(gmsaCrdManifest)));
  });
});

describe("gmsa-webhook: webhook configurations", () => {
  const { mutating, validating } = webhookConfigurations("https://127.0.0.1:9443/", "Q0E=");

  it("registers the mutating webhook for pod CREATE at /mutate", () => {
    expect(mutating.apiVersion).to.equal("admissionregistration.k8s.io/v1");
    expect(mutating.kind).to.equal("MutatingWebhookConfiguration");
    expect(mutating.metadata?.name).to.equal("gmsa-webhook");
    expect(mutating.webhooks).to.have.length(1);
    const w = mutating.webhooks![0];
    expect(w.name).to.equal(GMSA_WEBHOOK_NAME).and.equal("admission-webhook.windows-gmsa.sigs.k8s.io");
    expect(w.clientConfig).to.deep.equal({ url: "https://127.0.0.1:9443/mutate", caBundle: "Q0E=" });
    expect(w.rules).to.deep.equal([{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["*"], resources: ["pods"] }]);
  });

  it("registers the validating webhook for pod CREATE and UPDATE at /validate", () => {
    expect(validating.kind).to.equal("ValidatingWebhookConfiguration");
    expect(validating.metadata?.name).to.equal("gmsa-webhook");
    const w = validating.webhooks![0];
    expect(w.name).to.equal(GMSA_WEBHOOK_NAME);
    expect(w.clientConfig).to.deep.equal({ url: "https://127.0.0.1:9443/validate", caBundle: "Q0E=" });
    expect(w.rules).to.deep.equal([{ operations: ["CREATE", "UPDATE"], apiGroups: [""], apiVersions: ["*"], resources: ["pods"] }]);
  });

  it("fails closed, has no side effects, speaks v1, times out after 10 s", () => {
    for (const w of [mutating.webhooks![0], validating.webhooks![0]]) {
      expect(w.failurePolicy).to.equal("Fail");
      expect(w.sideEffects).to.equal("None");
      expect(w.admissionReviewVersions).to.deep.equal(["v1"]);
      expect(w.timeoutSeconds).to.equal(10);
      expect(w).to.not.have.property("objectSelector");
    }
  });

  it("skips namespaces labelled windows.k8s.io/disabled=true (upstream chart), and optionally named ones", () => {
    for (const w of [mutating.webhooks![0], validating.webhooks![0]]) {
      expect(w.namespaceSelector).to.deep.equal({
        matchExpressions: [{ key: "windows.k8s.io/disabled", operator: "NotIn", values: ["true"] }],
      });
    }
    const named = webhookConfigurations("https://127.0.0.1:1", "", { name: "x", excludeNamespaces: ["kube-system"] });
    expect(named.mutating.metadata?.name).to.equal("x");
    expect(named.validating.webhooks![0].namespaceSelector?.matchExpressions?.[0]).to.deep.equal({
      key: "kubernetes.io/metadata.name",
      operator: "NotIn",
      values: ["kube-system"],
    });
  });
});
