// The check titles of Core.Nodes, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).
import { supportedBuilds } from "../../lib/fixtures/images.js";

export const NODES = {
  ready: "has Windows nodes that are Ready",
  labels: "labels Windows nodes as upstream does (os, arch, windows-build)",
  build: `runs a supported Windows Server build (${Object.keys(supportedBuilds).join(", ")})`,
  controlPlane: "runs the control plane on Linux",
  runtime: "uses a supported container runtime on Windows nodes (containerd ≥ 1.7)",
  posture: "keeps Linux workloads off Windows nodes by taint (os=windows:NoSchedule) or reports the selector-only posture",
} as const;
