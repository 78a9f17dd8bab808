import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { labelSelectorMatches, podUpdateRegistrationProblem } from "../../../lib/checks/gmsa-registration.js";

const NAME = "admission-webhook.windows-gmsa.sigs.k8s.io";
const ns = { name: "hc-1", labels: { "kubernetes.io/metadata.name": "hc-1" } };
/** The chart's registration, with these operations and namespaceSelector. */
const chart = (operations: string[], namespaceSelector?: k8s.V1LabelSelector): k8s.V1ValidatingWebhookConfiguration => ({
  metadata: { name: "gmsa-webhook" },
  webhooks: [
    {
      name: NAME,
      rules: [{ operations, apiGroups: [""], apiVersions: ["*"], resources: ["pods"] }],
      namespaceSelector: namespaceSelector ?? { matchExpressions: [{ key: "windows.k8s.io/disabled", operator: "NotIn", values: ["true"] }] },
      clientConfig: {},
      sideEffects: "None",
      admissionReviewVersions: ["v1"],
    },
  ],
});

describe("GMSA webhook registration for pod UPDATE", () => {
  it("accepts the chart's CREATE+UPDATE registration, and a wildcard one", () => {
    expect(podUpdateRegistrationProblem([chart(["CREATE", "UPDATE"])], NAME, ns)).to.equal(undefined);
    expect(podUpdateRegistrationProblem([chart(["*"])], NAME, ns)).to.equal(undefined);
  });

  it("names the configuration and its operations when UPDATE is missing", () => {
    expect(podUpdateRegistrationProblem([chart(["CREATE"])], NAME, ns)).to.equal(
      `the GMSA webhook ${NAME} has no rule for pod UPDATE (gmsa-webhook: operations CREATE): changes to a running pod's GMSA settings are never sent to it`,
    );
  });

  it("says when no webhook of that name is registered, or when its namespaceSelector leaves the namespace out", () => {
    expect(podUpdateRegistrationProblem([], NAME, ns)).to.match(/no ValidatingWebhookConfiguration has a webhook named/);
    const excluded = chart(["CREATE", "UPDATE"], { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["hc-1"] }] });
    expect(podUpdateRegistrationProblem([excluded], NAME, ns)).to.match(/namespaceSelector leaves out namespace hc-1 \(gmsa-webhook\)/);
  });

  it("matches label selectors as the API server does", () => {
    expect(labelSelectorMatches(undefined, {})).to.equal(true);
    expect(labelSelectorMatches({ matchLabels: { a: "1" } }, { a: "1" })).to.equal(true);
    expect(labelSelectorMatches({ matchLabels: { a: "1" } }, { a: "2" })).to.equal(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "a", operator: "Exists" }] }, {})).to.equal(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "a", operator: "DoesNotExist" }] }, {})).to.equal(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "a", operator: "In", values: ["x"] }] }, { a: "x" })).to.equal(true);
  });
});
