// Targeted faults for Core.Rejections (and the HostProcess rules of Extend.HostProcess). These checks judge the
// real kube-apiserver's validation, which no fault in the emulator can reach; what can break them in a real
// cluster is admission that runs before validation. Each fault is a real mutating webhook (registered while it
// is on) that rewrites or refuses exactly one kind of field, as a misconfigured policy add-on would.
import type { SensitivityCase } from "./case.js";

const R = {
  forbidden: "rejects every Linux-only field on a Windows pod with Forbidden on that exact path",
  runAsNonRoot: "accepts runAsNonRoot on a Windows pod (negative control)",
  linux: "rejects windowsOptions on a Linux pod with Forbidden",
  os: "rejects an invalid spec.os.name (NotSupported on spec.os, Required when empty)",
  runAsUserName: "applies each runAsUserName rule: Invalid on the exact path, valid names accepted",
  hostProcess: "applies the HostProcess rules: pod and containers agree, all containers HostProcess, hostNetwork true",
  gmsa: "validates the GMSA fields: credential spec name is a DNS subdomain, contents non-empty and under 64 KiB",
};
const HP_RULES = "enforces the HostProcess rules: pod and container hostProcess agree, all containers HostProcess, hostNetwork true (dry run)";
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
