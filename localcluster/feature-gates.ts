// `cluster up --feature-gates Name=true,…`: Kubernetes feature gates for the local control plane, passed as
// `--feature-gates` to kube-apiserver, kube-controller-manager and kube-scheduler (one setting for all three, as
// kubeadm's featureGates does). The emulated kubelets (kwok and the data plane) have no gates: what they do is
// what the docs say a kubelet does with the gate on. The default is none: every gate at its upstream default.
import { UserFacingError } from "../lib/errors.js";

const GATE = /^[A-Z][A-Za-z0-9]*=(true|false)$/;

/** Checks the value as the components expect it (`Name=true|false`, comma-separated); one line on a bad value. */
export function parseFeatureGates(value: string | undefined): string[] {
  if (value === undefined) return [];
  const gates = value
    .split(",")
    .map((g) => g.trim())
    .filter((g) => g);
  const bad = gates.find((g) => !GATE.test(g));
  if (bad !== undefined || !gates.length)
    throw new UserFacingError(`--feature-gates: "${bad ?? value}" is not Name=true|false (e.g. --feature-gates ContainerStopSignals=true)`);
  return gates;
}

/** The control-plane flag for the gates, or nothing. */
export const featureGateArgs = (gates: string[]): string[] => (gates.length ? [`--feature-gates=${gates.join(",")}`] : []);

/** A running cluster is reused only with the gates it was started with (asked for explicitly). */
export function assertSameFeatureGates(running: string[], wanted: string[], given: boolean): void {
  if (!given || running.join(",") === wanted.join(",")) return;
  throw new UserFacingError(
    `the local cluster is already running with feature gates ${running.join(",") || "(upstream defaults)"}; run \`cluster down\` first to start it with ${wanted.join(",")}`,
  );
}
