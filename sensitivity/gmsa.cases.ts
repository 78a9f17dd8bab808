// Sensitivity of the GMSA checks to faults in the behaviour they name (Extend.ActiveDirectory).
import type { SensitivityCase } from "./case.js";

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
];
