// HostProcess verdicts: hostname against the node name, the account, and why privileged pods are refused.
import { expect } from "chai";
import { accountProblem, enforceLevel, hostnameProblem, privilegedForbiddenBy } from "../../../lib/checks/hostprocess.js";

describe("checks/hostprocess", () => {
  it("compares hostname with the node name case-insensitively, allowing the 15-character ComputerName", () => {
    expect(hostnameProblem("HC-WIN2022-1\r\n", "hc-win2022-1")).to.equal(undefined);
    expect(hostnameProblem("akswin22000000", "akswin22000000")).to.equal(undefined);
    expect(hostnameProblem("AKSNPWIN2200000", "aksnpwin220000000a")).to.equal(undefined);
    expect(hostnameProblem("hostprocess", "hc-win2022-1")).to.equal(
      'hostname inside the HostProcess container is "hostprocess", but the pod runs on node hc-win2022-1: it is not running on the host',
    );
  });

  it("checks the account whoami prints", () => {
    expect(accountProblem("nt authority\\system\r\n", "NT AUTHORITY\\SYSTEM")).to.equal(undefined);
    expect(accountProblem("user manager\\containeradministrator", "NT AUTHORITY\\SYSTEM")).to.equal(
      'whoami says "user manager\\containeradministrator", expected "NT AUTHORITY\\SYSTEM"',
    );
  });

  it("tells Pod Security's and the API server's refusals apart from any other failure", () => {
    const psa = {
      code: 403,
      reason: "Forbidden",
      message:
        'pods "hostprocess" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)',
    };
    expect(privilegedForbiddenBy(psa, { "pod-security.kubernetes.io/enforce": "baseline" })).to.match(
      /^Pod Security forbids HostProcess pods in the test namespace \(pod-security.kubernetes.io\/enforce=baseline\): pods "hostprocess" is forbidden: violates PodSecurity/,
    );
    expect(privilegedForbiddenBy(psa)).to.match(/the cluster's default enforce level/);
    const policy = {
      code: 422,
      reason: "Invalid",
      message: "Pod is invalid",
      details: { causes: [{ field: "spec", reason: "FieldValueForbidden", message: "Forbidden: hostProcess containers are disallowed by cluster policy" }] },
    };
    expect(privilegedForbiddenBy(policy)).to.match(/--allow-privileged=false/);
    expect(privilegedForbiddenBy({ code: 500, reason: "InternalError", message: 'Internal error occurred: failed calling webhook "x"' })).to.equal(undefined);
    expect(privilegedForbiddenBy(undefined)).to.equal(undefined);
    expect(enforceLevel({ "pod-security.kubernetes.io/enforce": "restricted" })).to.equal("restricted");
  });
});
