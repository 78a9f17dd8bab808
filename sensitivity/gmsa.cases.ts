// Sensitivity of the GMSA checks to faults in the behaviour they name (Extend.ActiveDirectory).
import type { SensitivityCase } from "./case.js";
import { AD } from "./extended.cases.js";

export const GMSA_UPDATE_RULE = "registers the GMSA webhook for pod UPDATE in the test's namespace, as its chart does";

export const cases: SensitivityCase[] = [
  {
    // The webhook is never asked about pod UPDATEs. The immutability check still passes: the API server refuses a
    // changed GMSA field itself, before any validating webhook (what that check's title says it proves).
    fault: "gmsa-webhook-no-update-rule",
    kind: "targeted",
    categories: ["Extend.ActiveDirectory"],
    breaks: {
      [GMSA_UPDATE_RULE]: [/the GMSA webhook admission-webhook\.windows-gmsa\.sigs\.k8s\.io has no rule for pod UPDATE \(gmsa-webhook: operations CREATE\)/],
    },
  },
  {
    // The kubelet builds every container's credential spec from the pod's security context: the container that
    // names its own spec gets the pod-level domain; the container without one is unaffected.
    fault: "gmsa-container-spec-ignored",
    kind: "targeted",
    categories: ["Extend.ActiveDirectory"],
    breaks: {
      [AD.containers]: [
        /^pod hc-\S+\/gmsa-two-specs, container container-domain \(container-level spec gmsa-contoso-org\S*, domain contoso\.org\): nltest \/parentdomain names another domain or none \(exit code 0\): acme\.com\. \(1\)/,
      ],
    },
  },
];
