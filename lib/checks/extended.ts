// What the Extend.* suites share: their run options with defaults, picking objects out of a rendered fixture, and
// pod phases they wait for. (Rendering and deploying are env methods; waits are env.wait and lib/run/polled-waits.)
import type * as k8s from "@kubernetes/client-node";
import type { RunContext } from "../run/context.js";

/** containerd's process-isolation handler on Windows nodes (the runtime a plain Windows pod gets). */
export const DEFAULT_RUNTIME_HANDLER = "runhcs-wcow-process";

export interface ExtendedSettings {
  /** Handler of the RuntimeClasses the harness creates. */
  runtimeHandler: string;
  /** An existing RuntimeClass to test instead of creating one per Windows build. */
  runtimeClass?: string;
  /** A cluster without a load-balancer controller fails the LoadBalancer test instead of skipping it. */
  requireLoadBalancer: boolean;
  /** A credential spec for a real domain (read by the CLI); undefined: the synthetic fixture. */
  credspecFile?: string;
}

export function extendedSettings(ctx: RunContext): ExtendedSettings {
  const x = ctx.options.extended ?? {};
  return {
    runtimeHandler: x.runtimeHandler ?? DEFAULT_RUNTIME_HANDLER,
    runtimeClass: x.runtimeClass,
    requireLoadBalancer: x.requireLoadBalancer ?? false,
    credspecFile: x.credspecFile,
  };
}

export const byKind = <T extends k8s.KubernetesObject = k8s.KubernetesObject>(objs: k8s.KubernetesObject[], kind: string): T[] =>
  objs.filter((o) => o.kind === kind) as T[];

export const oneOfKind = <T extends k8s.KubernetesObject = k8s.KubernetesObject>(objs: k8s.KubernetesObject[], kind: string): T => {
  const found = byKind<T>(objs, kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0];
};

export const isRunning = (p: k8s.V1Pod) => p.status?.phase === "Running" && (p.status.containerStatuses ?? []).every((c) => !!c.state?.running);
export const isFinished = (p: k8s.V1Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
