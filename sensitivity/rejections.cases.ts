// Core.Rejections: with the admission-rewrites-pods fault — a real mutating admission webhook that strips spec.os
// and the Linux-only fields and "fixes" HostProcess settings before validation — exactly the tests whose
// rejections depend on that validation fail, each failure naming every field the API server should have rejected,
// while the negative control and the checks the webhook leaves alone (runAsUserName, GMSA) still pass.
import { literal, type SensitivityCase } from "./case.js";
import { hostProcessCases, linuxWindowsOptionsCases, osFieldCases, windowsForbiddenFields } from "../lib/fixtures/rejections.js";
import { SABOTAGE_FAULT } from "../localcluster/gmsa-webhook/sabotage.js";
import { REJECTIONS } from "../suites/core/rejections.titles.js";

const T = REJECTIONS;
const accepted = (fields: string) => literal(`pod accepted: ${fields} was not rejected`);

export const cases: SensitivityCase[] = [
  {
    fault: SABOTAGE_FAULT,
    kind: "targeted",
    categories: ["Core.Rejections"],
    why: "a webhook rewrites pods before validation, so only the rejections that validation makes are missed",
    breaks: {
      [T.forbidden]: [
        new RegExp(`^${windowsForbiddenFields.length} of ${windowsForbiddenFields.length + 1} checks failed: `),
        ...windowsForbiddenFields.map((f) => accepted(f.path)),
        literal("an admission webhook rewrote the pod"),
      ],
      [T.linux]: linuxWindowsOptionsCases.map((c) => accepted(c.causes[0].field)),
      [T.os]: [...osFieldCases.map((c) => accepted(c.causes[0].field)), literal("spec.os removed")],
      [T.hostProcess]: [
        /^4 of 5 checks failed: /,
        ...hostProcessCases.filter((x) => !x.accepted).map((c) => accepted(c.causes.map((x) => x.field).join(", "))),
      ],
    },
  },
];
