// runAsUserName verdicts, after upstream's security_context.go.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import {
  defaultUserOf,
  nonRootEvidence,
  podLine,
  printedUser,
  startedAnyway,
  unknownUserEvidence,
  userProblem,
  USER_UNKNOWN_TEXT,
} from "../../../lib/checks/identity.js";

const pod = (statuses: k8s.V1ContainerStatus[], phase = "Pending"): k8s.V1Pod => ({
  metadata: { name: "p" },
  spec: { containers: [], nodeName: "w1" },
  status: { phase, containerStatuses: statuses },
});
const cs = (name: string, state: k8s.V1ContainerState): k8s.V1ContainerStatus => ({ name, state, image: "i", imageID: "", ready: false, restartCount: 0 });
const ev = (reason: string, message: string): k8s.CoreV1Event => ({ reason, message, involvedObject: {}, metadata: {} });

describe("checks/identity", () => {
  it("reads the user cmd printed and compares it case-insensitively", () => {
    expect(printedUser("ContainerUser\r\n")).to.equal("ContainerUser");
    expect(printedUser("\r\nfoo\r\nContainerAdministrator\r\n\r\n")).to.equal("ContainerAdministrator");
    expect(userProblem("p/c", "containeruser", "ContainerUser")).to.equal(undefined);
    expect(userProblem("p/c", "ContainerAdministrator", "ContainerUser")).to.equal('p/c runs as "ContainerAdministrator", expected "ContainerUser"');
    expect(userProblem("p/c", "%USERNAME%", "ContainerUser")).to.match(/was not expanded/);
    expect(userProblem("p/c", "", "ContainerUser")).to.match(/nobody/);
  });

  it("knows each image's default user", () => {
    expect(defaultUserOf("mcr.microsoft.com/windows/nanoserver:ltsc2022")).to.equal("ContainerUser");
    expect(defaultUserOf("registry.local/mcr/windows/nanoserver:ltsc2025")).to.equal("ContainerUser");
    expect(defaultUserOf("registry.k8s.io/e2e-test-images/nonroot:1.4")).to.equal("ContainerUser");
    expect(defaultUserOf("mcr.microsoft.com/windows/servercore:ltsc2022")).to.equal("ContainerAdministrator");
    expect(defaultUserOf("mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022")).to.equal("ContainerAdministrator");
  });

  it("accepts either upstream signal of an unknown pod-level user; only the container's state at container level", () => {
    const sandbox = ev("FailedCreatePodSandBox", `Failed to create pod sandbox: rpc error: ... ${USER_UNKNOWN_TEXT}: unknown`);
    expect(unknownUserEvidence(pod([]), [sandbox], { containerLevel: false })?.seen).to.match(/^FailedCreatePodSandBox: Failed to create pod sandbox/);
    expect(unknownUserEvidence(pod([]), [sandbox], { containerLevel: true })).to.equal(undefined);
    const startError = pod(
      [cs("c", { terminated: { exitCode: 128, reason: "StartError", message: `hcs::CreateComputeSystem x: ${USER_UNKNOWN_TEXT}: unknown` } })],
      "Failed",
    );
    expect(unknownUserEvidence(startError, [], { containerLevel: true })?.seen).to.match(/^container c: StartError: hcs/);
    expect(
      unknownUserEvidence(pod([cs("c", { waiting: { reason: "ContainerCannotRun", message: `${USER_UNKNOWN_TEXT}` } })]), [], { containerLevel: true })?.seen,
    ).to.equal(`container c: ContainerCannotRun: ${USER_UNKNOWN_TEXT}`);
    // A start error for another cause (a missing entrypoint) is no evidence of an unknown user.
    const notFound = "hcs::System::CreateProcess x: The system cannot find the file specified.: unknown";
    expect(
      unknownUserEvidence(pod([cs("c", { terminated: { exitCode: 128, reason: "StartError", message: notFound } })]), [], { containerLevel: true }),
    ).to.equal(undefined);
    expect(unknownUserEvidence(pod([cs("c", { waiting: { reason: "ContainerCannotRun" } })]), [], { containerLevel: true })).to.equal(undefined);
    expect(unknownUserEvidence(pod([]), [ev("FailedCreatePodSandBox", "network not ready")], { containerLevel: false })).to.equal(undefined);
  });

  it("finds the kubelet's runAsNonRoot refusal in events or the waiting state, case-insensitively", () => {
    const msg =
      'Error: container\'s runAsUserName (ContainerAdministrator) which will be regarded as root identity and will break non-root policy (pod: "p_ns(uid)", container: c)';
    expect(nonRootEvidence(pod([]), [ev("Failed", msg)])?.seen).to.match(/^Failed: Error: container's runAsUserName/);
    expect(nonRootEvidence(pod([cs("c", { waiting: { reason: "CreateContainerConfigError", message: msg.toUpperCase() } })]), [])?.seen).to.match(
      /^container c: CreateContainerConfigError/,
    );
    expect(nonRootEvidence(pod([]), [ev("Failed", "something else")])).to.equal(undefined);
  });

  it("notices a container that started although it must not have", () => {
    expect(startedAnyway(pod([cs("c", { running: {} })], "Running"))).to.equal("container(s) c started anyway");
    expect(startedAnyway(pod([cs("c", { waiting: { reason: "CreateContainerConfigError" } })]))).to.equal(undefined);
    expect(podLine(pod([cs("c", { waiting: { reason: "ContainerCreating" } })]))).to.equal("phase Pending on w1 [c=waiting(ContainerCreating)]");
  });
});
