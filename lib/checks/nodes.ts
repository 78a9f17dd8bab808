// Node checks, as pure functions over what preflight saw: each returns the problems it found, one line each,
// naming the node and the value that is wrong.
import type { NodeInfo } from "../preflight/types.js";
import { supportedBuilds } from "../fixtures/images.js";
import { intentTaints, taintText, untaintedWindowsPool } from "../preflight/taints.js";

function semver(v: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export const checkNodes = {
  labels(n: NodeInfo): string[] {
    const p: string[] = [];
    if (n.labels["kubernetes.io/os"] !== "windows")
      p.push(`node ${n.name}: label kubernetes.io/os is ${JSON.stringify(n.labels["kubernetes.io/os"])}, want "windows"`);
    if (!n.labels["kubernetes.io/arch"]) p.push(`node ${n.name}: label kubernetes.io/arch is missing`);
    if (!n.labels["node.kubernetes.io/windows-build"]) p.push(`node ${n.name}: label node.kubernetes.io/windows-build is missing`);
    return p;
  },
  build(n: NodeInfo): string[] {
    const p: string[] = [];
    if (!n.build || !supportedBuilds[n.build])
      p.push(
        `node ${n.name}: Windows build ${n.build ?? "unknown"} is not supported (supported: ${Object.entries(supportedBuilds)
          .map(([b, name]) => `${b} ${name}`)
          .join(", ")})`,
      );
    else if (!n.kernelVersion.startsWith(n.build)) p.push(`node ${n.name}: label says build ${n.build} but the kernel reports ${n.kernelVersion}`);
    return p;
  },
  runtime(n: NodeInfo): string[] {
    const [name, version = ""] = n.containerRuntimeVersion.split("://");
    if (name !== "containerd")
      return [`node ${n.name}: container runtime ${n.containerRuntimeVersion || "unknown"} is not supported on Windows (containerd is)`];
    const v = semver(version);
    if (!v || v[0] < 1 || (v[0] === 1 && v[1] < 7)) return [`node ${n.name}: containerd ${version} is older than the supported 1.7`];
    return [];
  },
  /**
   * How Linux workloads are kept off Windows nodes. The docs recommend a taint (os=windows:NoSchedule); AKS and EKS
   * pools carry none by default and rely on nodeSelector: that posture is reported, not failed. A pool where some
   * Windows nodes carry a taint and others do not is inconsistent, and each untainted node is a problem.
   */
  posture(nodes: NodeInfo[]): { summary: string; detail: string[]; problems: string[] } {
    const win = nodes.filter((n) => n.os === "windows");
    const tainted = win.filter((n) => intentTaints(n).length > 0);
    const detail = win.map((n) => `${n.name}: ${n.taints.map(taintText).join(", ") || "no taints"}`);
    if (!tainted.length) return { summary: `selector-only posture: ${untaintedWindowsPool(nodes) ?? "Windows nodes carry no taint"}`, detail, problems: [] };
    const taints = [...new Set(tainted.flatMap((n) => intentTaints(n).map(taintText)))].join(", ");
    const problems = win
      .filter((n) => !tainted.includes(n))
      .map(
        (n) =>
          `node ${n.name} has no NoSchedule taint while other Windows nodes carry ${taints}: Linux pods without a nodeSelector can be scheduled onto it (the Windows docs recommend os=windows:NoSchedule)`,
      );
    return { summary: `${tainted.length}/${win.length} Windows node(s) tainted against Linux workloads (${taints})`, detail, problems };
  },
};
