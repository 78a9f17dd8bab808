// upstream gmsa_kubelet.go's rule: each container's `nltest /parentdomain` names the domain of the spec that
// applies to it (container level over pod level); the fault that drops container-level specs.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { expectedDomains, parentDomainProblem } from "../../../lib/checks/gmsa-containers.js";
import { loadFixtures } from "../../../lib/fixtures/index.js";
import { withContainerGmsaIgnored } from "../../../localcluster/dataplane/pods/kubelet-faults.js";

const objs = loadFixtures("gmsa-container-specs");
const pod = objs.find((o) => o.kind === "Pod") as k8s.V1Pod;
const specs = objs
  .filter((o) => o.kind === "GMSACredentialSpec")
  .map((o) => ({ name: o.metadata!.name!, credspec: (o as unknown as { credspec: Record<string, unknown> }).credspec }));
const ok = (stdout: string) => ({ stdout, stderr: "", exitCode: 0 });

describe("GMSA credential specs per container (gmsa_kubelet.go)", () => {
  it("the fixture gives pod-domain the pod-level spec and container-domain its own", () => {
    expect(expectedDomains(pod, specs)).to.deep.equal([
      { container: "pod-domain", credSpec: "gmsa-acme", level: "pod", domain: "acme.com" },
      { container: "container-domain", credSpec: "gmsa-contoso-org", level: "container", domain: "contoso.org" },
    ]);
  });

  it("passes when nltest names the domain and completes; fails naming the container and what nltest said otherwise", () => {
    const [podLevel, own] = expectedDomains(pod, specs);
    expect(parentDomainProblem("ns/p", own, ok("contoso.org. (1)\r\nThe command completed successfully\r\n"))).to.equal(undefined);
    expect(parentDomainProblem("ns/p", own, ok("acme.com. (1)\r\nThe command completed successfully"))).to.equal(
      "pod ns/p, container container-domain (container-level spec gmsa-contoso-org, domain contoso.org): nltest /parentdomain names another domain or none (exit code 0): acme.com. (1) | The command completed successfully",
    );
    expect(
      parentDomainProblem("ns/p", podLevel, { stdout: "", stderr: "Getting parent domain failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN", exitCode: 1 }),
    ).to.match(/container pod-domain \(pod-level spec gmsa-acme, domain acme\.com\): .*exit code 1\): Getting parent domain failed/);
    expect(parentDomainProblem("ns/p", podLevel, ok("acme.com. (1)"))).to.match(/did not say "The command completed successfully"/);
  });

  it("gmsa-container-spec-ignored drops a container's own GMSA fields and leaves other containers alone", () => {
    const [plain, own] = pod.spec!.containers;
    expect(withContainerGmsaIgnored(plain)).to.equal(plain);
    const stripped = withContainerGmsaIgnored(own);
    expect(stripped.securityContext?.windowsOptions?.gmsaCredentialSpecName).to.equal(undefined);
    expect(own.securityContext?.windowsOptions?.gmsaCredentialSpecName, "the input is not changed").to.equal("gmsa-contoso-org");
  });
});
