// The check titles of Core.Rejections, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const REJECTIONS = {
  forbidden: "rejects every Linux-only field on a Windows pod with Forbidden on that exact path",
  runAsNonRoot: "accepts runAsNonRoot on a Windows pod (negative control)",
  linux: "rejects windowsOptions on a Linux pod with Forbidden",
  os: "rejects an invalid spec.os.name (NotSupported on spec.os, Required when empty)",
  runAsUserName: "applies each runAsUserName rule: Invalid on the exact path, valid names accepted",
  hostProcess: "applies the HostProcess rules: pod and containers agree, all containers HostProcess, hostNetwork true",
  gmsa: "validates the GMSA fields: credential spec name is a DNS subdomain, contents non-empty and under 64 KiB",
} as const;
