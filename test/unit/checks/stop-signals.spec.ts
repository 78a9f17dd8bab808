// upstream container_stop_signals.go's verdicts over what a dry-run create returned, and the gate-off detection.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { STOP_SIGNAL_FIELD, stopSignalDropped, stopSignalProblem, withStopSignal } from "../../../lib/checks/stop-signals.js";
import type { Outcome } from "../../../lib/checks/rejections.js";

const pod: k8s.V1Pod = { metadata: { name: "p" }, spec: { os: { name: "windows" }, containers: [{ name: "c", image: "x" }] } };
const kept = (signal?: string): Outcome => ({ accepted: true, object: signal ? withStopSignal(pod, signal) : pod });
const refused = (field = STOP_SIGNAL_FIELD, reason = "FieldValueNotSupported"): Outcome => ({
  accepted: false,
  error: new Error("422"),
  status: {
    code: 422,
    reason: "Invalid",
    details: { causes: [{ field, reason, message: 'Unsupported value: "SIGQUIT": supported values: "SIGKILL", "SIGTERM"' }] },
  },
});

describe("lifecycle.stopSignal on Windows pods (container_stop_signals.go)", () => {
  it("withStopSignal sets the first container's signal on a copy", () => {
    expect(withStopSignal(pod, "SIGKILL").spec!.containers[0].lifecycle).to.deep.equal({ stopSignal: "SIGKILL" });
    expect(pod.spec!.containers[0].lifecycle).to.equal(undefined);
  });

  it("a create accepted without the field means the server dropped it (the gate is off)", () => {
    expect(stopSignalDropped(kept())).to.equal(true);
    expect(stopSignalDropped(kept("SIGTERM"))).to.equal(false);
    expect(stopSignalDropped(refused())).to.equal(false);
  });

  it("accepted signals must be accepted and kept; refused ones NotSupported on the exact path", () => {
    expect(stopSignalProblem("ns/p", "SIGTERM", true, kept("SIGTERM"))).to.equal(undefined);
    expect(stopSignalProblem("ns/p", "SIGQUIT", false, refused())).to.equal(undefined);
    expect(stopSignalProblem("ns/p", "SIGQUIT", false, kept("SIGTERM"))).to.equal(
      `pod ns/p with ${STOP_SIGNAL_FIELD}=SIGQUIT: pod accepted: ${STOP_SIGNAL_FIELD} was not rejected (the API server's answer says stopSignal SIGTERM)`,
    );
    expect(stopSignalProblem("ns/p", "SIGKILL", true, refused())).to.match(/SIGKILL: pod rejected on spec\.containers\[0\]\.lifecycle\.stopSignal/);
    expect(stopSignalProblem("ns/p", "SIGQUIT", false, refused("spec.containers[0].lifecycle", "FieldValueInvalid"))).to.match(
      /rejected on spec\.containers\[0\]\.lifecycle with FieldValueInvalid, expected FieldValueNotSupported on spec\.containers\[0\]\.lifecycle\.stopSignal/,
    );
  });
});
