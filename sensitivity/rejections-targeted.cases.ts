// Targeted faults for Core.Rejections (and the HostProcess rules of Extend.HostProcess). These checks judge the
// real kube-apiserver's validation, which no fault in the emulator can reach; what can break them in a real
// cluster is admission that runs before validation. Each fault is a real mutating webhook (registered while it
// is on) that rewrites or refuses exactly one kind of field, as a misconfigured policy add-on would.
import type { SensitivityCase } from "./case.js";
import { REJECTIONS } from "../suites/core/rejections.titles.js";
import { HOSTPROCESS as HP } from "../suites/extended/hostprocess.titles.js";

const R = REJECTIONS;
const HP_RULES = HP.rules;
const notRejected = (field: string) => new RegExp(`pod accepted: ${field.replace(/[.[\]]/g, "\\$&")} was not rejected`);

export const cases: SensitivityCase[] = [
  {
    // spec.os is what turns the OS-specific rules on: without it neither the Windows nor the Linux rules run.
    fault: "admission-strips-os",
    kind: "targeted",
    categories: ["Core.Rejections"],
    breaks: {
      [R.os]: [notRejected("spec.os.name"), /spec\.os removed/],
      [R.forbidden]: [notRejected("spec.hostPID")],
      [R.linux]: [/pod accepted: spec\.securityContext\.windowsOptions/],
    },
  },
  {
    fault: "admission-strips-os-fields",
    kind: "targeted",
    categories: ["Core.Rejections"],
    breaks: { [R.forbidden]: [notRejected("spec.hostPID")], [R.linux]: [/pod accepted: spec\.securityContext\.windowsOptions/] },
  },
  {
    fault: "admission-fixes-hostprocess",
    kind: "targeted",
    categories: ["Core.Rejections", "Extend.HostProcess"],
    breaks: { [R.hostProcess]: [/pod accepted: .*hostProcess.* was not rejected/], [HP_RULES]: [/hostProcess/] },
  },
  {
    fault: "admission-defaults-runasusername",
    kind: "targeted",
    categories: ["Core.Rejections"],
    breaks: { [R.runAsUserName]: [/pod accepted: spec\.securityContext\.windowsOptions\.runAsUserName was not rejected/] },
  },
  {
    fault: "admission-strips-gmsa-fields",
    kind: "targeted",
    categories: ["Core.Rejections"],
    breaks: { [R.gmsa]: [notRejected("spec.securityContext.windowsOptions.gmsaCredentialSpec")] },
  },
  {
    fault: "admission-denies-runasnonroot",
    kind: "targeted",
    categories: ["Core.Rejections"],
    breaks: { [R.runAsNonRoot]: [/runAsNonRoot requires runAsUser/] },
  },
];
