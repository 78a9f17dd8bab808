// Targeted faults for Extend.ActiveDirectory, Extend.RunAsUserName and Extend.HostProcess: a GMSA webhook that
// gets one rule wrong, a node that gets one identity rule wrong, a runtime without HostProcess (issue 19).
import type { SensitivityCase } from "./case.js";
import { AD, USER, HP } from "./extended.cases.js";

export const cases: SensitivityCase[] = [
  {
    fault: "gmsa-webhook-no-fill",
    kind: "targeted",
    categories: ["Extend.ActiveDirectory"],
    breaks: {
      [AD.fill]: [/the GMSA webhook did not fill spec\.securityContext\.windowsOptions\.gmsaCredentialSpec of pod with-creds-/],
      // Without the contents the container joins no domain: nltest /query answers ERROR_NO_SUCH_DOMAIN.
      [AD.nltest]: [/pod with-creds-\S+: nltest \/query did not say "The command completed successfully" \(exit code 1\): .*ERROR_NO_SUCH_DOMAIN/],
      // Neither the pod-level nor the container-level spec gets its contents: no container has a domain.
      [AD.containers]: [
        /container pod-domain \(pod-level spec gmsa-acme\S*, domain acme\.com\): nltest \/parentdomain names another domain or none \(exit code 1\): .*ERROR_NO_SUCH_DOMAIN/,
        /container container-domain \(container-level spec gmsa-contoso-org\S*, domain contoso\.org\): .*ERROR_NO_SUCH_DOMAIN/,
      ],
    },
  },
  {
    fault: "gmsa-webhook-authorizes-all",
    kind: "targeted",
    categories: ["Extend.ActiveDirectory"],
    breaks: { [AD.unauthorized]: [/the pod was accepted; expected 403 "service account "gmsa-unauthorized" is not authorized to `use` GMSA cred spec/] },
  },
  {
    fault: "gmsa-webhook-skips-compare",
    kind: "targeted",
    categories: ["Extend.ActiveDirectory"],
    breaks: {
      [AD.mismatch]: [/create pod gmsa-mismatch .*: the pod was accepted; expected 422 "the GMSA cred spec contents for pod "gmsa-mismatch" does not match/],
    },
  },
  {
    fault: "username-unknown-accepted",
    kind: "targeted",
    categories: ["Extend.RunAsUserName"],
    breaks: { [USER.unknown]: [/run-as-username-unknown\S*: container\(s\) \S+ started anyway; expected the node to refuse it/] },
  },
  {
    fault: "runasnonroot-not-enforced",
    kind: "targeted",
    categories: ["Extend.RunAsUserName"],
    breaks: { [USER.nonRoot]: [/run-as-username-nonroot: container\(s\) \S+ started anyway; expected the node to refuse it/] },
  },
  {
    fault: "hostprocess-ignored",
    kind: "targeted",
    categories: ["Extend.HostProcess"],
    breaks: {
      [HP.pod]: [
        /hostname inside the HostProcess container is "hostprocess", but the pod runs on node hc-win\S+: it is not running on the host/,
        /whoami says "user manager\\containeradministrator", expected "NT AUTHORITY\\SYSTEM"/,
      ],
    },
  },
];
