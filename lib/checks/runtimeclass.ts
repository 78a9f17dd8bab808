// RuntimeClass checks (Extend.RuntimeClass), as pure functions: adapting the docs' iis-runtimeclass fixture to
// one Windows build, judging whether a RuntimeClass steers pods onto Ready nodes of one build and tolerates the
// Windows taints, and matching the RuntimeClass admission plugin's refusal of a conflicting pod.
import type * as k8s from "@kubernetes/client-node";
import { tolerates } from "../cluster/diagnose.js";
import { BUILD_LABEL, OS_LABEL } from "../fixtures/guard.js";
import { WINDOWS_RELEASES, normaliseBuild, releaseForBuild } from "../fixtures/images.js";
import { TARGET_ANNOTATION } from "../fixtures/target.js";
import type { Capabilities, NodeInfo } from "../preflight/types.js";
import { intentTaints, taintText } from "../preflight/taints.js";

export const ARCH_LABEL = "kubernetes.io/arch";

/** "10.0.20348" → "2022"; a build the harness knows no release for → the build with dots as dashes. */
export function buildTag(build: string): string {
  const r = releaseForBuild(build);
  return r ? r.server.replace(/^\D*/, "") : normaliseBuild(build).replace(/\./g, "-");
}

/** The architecture of the Ready Windows nodes of a build (amd64 when they disagree and one is amd64). */
export function archOf(build: string, nodes: NodeInfo[]): string {
  const archs = [...new Set(nodes.filter((n) => n.os === "windows" && n.ready && n.build === build).map((n) => n.arch))].sort();
  return archs.includes("amd64") || archs.length === 0 ? "amd64" : archs[0];
}

export interface IisTarget {
  build: string;
  arch: string;
  handler: string;
  replicas: number;
  /** Use this existing RuntimeClass (its build is `build`) instead of the fixture's. */
  existingRuntimeClass?: string;
}

/**
 * Adapts the iis-runtimeclass fixture (RuntimeClass windows-2022, Deployment iis-2022, Service iis) to one build:
 * the RuntimeClass becomes windows-<year> with the given handler and a nodeSelector on os, arch and build; the
 * Deployment iis-<year> runs the IIS image of that build (rendering retags it) through that RuntimeClass; the
 * Service iis-<year> selects it. With `existingRuntimeClass` the fixture's RuntimeClass is dropped and the
 * Deployment names the existing one. A build the harness knows no image for keeps the fixture's image.
 */
export function iisForBuild(fixture: readonly k8s.KubernetesObject[], t: IisTarget): k8s.KubernetesObject[] {
  const tag = buildTag(t.build);
  const app = `iis-${tag}`;
  const rcName = t.existingRuntimeClass ?? `windows-${tag}`;
  const imageBuild = releaseForBuild(t.build) ? normaliseBuild(t.build) : undefined;
  const out: k8s.KubernetesObject[] = [];
  for (const original of fixture) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a fixture object of any kind, adapted field by field
    const o = structuredClone(original) as k8s.KubernetesObject & Record<string, any>;
    if (o.kind === "RuntimeClass") {
      if (t.existingRuntimeClass) continue;
      o.metadata!.name = rcName;
      o.handler = t.handler;
      o.scheduling = { ...o.scheduling, nodeSelector: { [OS_LABEL]: "windows", [ARCH_LABEL]: t.arch, [BUILD_LABEL]: normaliseBuild(t.build) } };
    } else if (o.kind === "Deployment") {
      o.metadata!.name = app;
      o.metadata!.labels = { ...o.metadata!.labels, app };
      o.metadata!.annotations = { ...o.metadata!.annotations, [TARGET_ANNOTATION]: `os: windows, build: ${imageBuild ?? "any"}` };
      o.spec.replicas = t.replicas;
      o.spec.selector = { matchLabels: { app } };
      o.spec.template.metadata = { ...o.spec.template.metadata, name: app, labels: { ...o.spec.template.metadata?.labels, app } };
      o.spec.template.spec.runtimeClassName = rcName;
    } else if (o.kind === "Service") {
      o.metadata!.name = app;
      o.spec.selector = { app };
    }
    out.push(o);
  }
  return out;
}

/**
 * After rendering: the RuntimeClass alone must steer the pods (the docs' point), so the scheduling guard's own
 * nodeSelector and tolerations come off the pod template again; spec.os stays.
 */
export function leaveSchedulingToRuntimeClass(objs: k8s.KubernetesObject[]): void {
  for (const o of objs) {
    if (o.kind !== "Deployment") continue;
    const spec = (o as k8s.V1Deployment).spec!.template.spec!;
    delete spec.nodeSelector;
    delete spec.tolerations;
  }
}

export interface RuntimeClassVerdict {
  /** One line per problem, naming the RuntimeClass and what is wrong. */
  problems: string[];
  /** The Ready nodes its nodeSelector selects. */
  nodes: NodeInfo[];
  /** The Windows build it selects, if any. */
  build?: string;
}

/**
 * Does this RuntimeClass do what the docs' RuntimeClass does: name a handler, select Windows nodes of one build
 * (and an architecture) that exist and are Ready, and tolerate every NoSchedule/NoExecute taint those nodes have?
 */
export function judgeRuntimeClass(rc: k8s.V1RuntimeClass, caps: Pick<Capabilities, "nodes" | "windowsBuilds">): RuntimeClassVerdict {
  const name = `RuntimeClass ${rc.metadata?.name}`;
  const problems: string[] = [];
  if (!rc.handler) problems.push(`${name} names no handler`);
  const sel = rc.scheduling?.nodeSelector ?? {};
  if (sel[OS_LABEL] !== "windows") problems.push(`${name} does not select ${OS_LABEL}=windows (nodeSelector: ${JSON.stringify(sel)})`);
  const build = sel[BUILD_LABEL];
  if (!build) problems.push(`${name} does not select a Windows build (${BUILD_LABEL}): its pods may land on a node whose build does not match their image`);
  else if (!caps.windowsBuilds.includes(build))
    problems.push(
      `${name} selects ${BUILD_LABEL}=${build}, which no Ready Windows node has (Ready Windows builds: ${caps.windowsBuilds.join(", ") || "none"})`,
    );
  if (!sel[ARCH_LABEL]) problems.push(`${name} does not select an architecture (${ARCH_LABEL}), as the docs' RuntimeClass does`);
  const nodes = caps.nodes.filter((n) => n.ready && Object.entries(sel).every(([k, v]) => n.labels[k] === v));
  if (!nodes.length && (!build || caps.windowsBuilds.includes(build)))
    problems.push(
      `${name} selects no Ready node (nodeSelector: ${
        Object.entries(sel)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ") || "none"
      })`,
    );
  const tolerations = (rc.scheduling?.tolerations ?? []) as k8s.V1Toleration[];
  const untolerated = new Map<string, string[]>();
  for (const n of nodes) {
    for (const t of intentTaints(n)) {
      if (!tolerates(tolerations, t as k8s.V1Taint)) untolerated.set(taintText(t), [...(untolerated.get(taintText(t)) ?? []), n.name]);
    }
  }
  for (const [t, on] of untolerated) problems.push(`${name} does not tolerate the taint ${t} of ${on.join(", ")}: its pods cannot be scheduled there`);
  return { problems, nodes, build };
}

/** A Windows build other than `build` for a pod to ask for: another build of the cluster, else a known one. */
export function otherBuild(build: string, clusterBuilds: string[]): string {
  return clusterBuilds.find((b) => b !== build) ?? WINDOWS_RELEASES.map((r) => r.build).find((b) => b !== build)!;
}

/**
 * The RuntimeClass admission plugin's refusal of a pod whose nodeSelector contradicts its RuntimeClass's:
 * 403 Forbidden, `conflict: runtimeClass.scheduling.nodeSelector[K] = A; pod.spec.nodeSelector[K] = B`.
 * Returns a problem, or undefined when the refusal is the expected one.
 */
export function conflictRefusalProblem(status: k8s.V1Status | undefined, key: string, rcValue: string, podValue: string): string | undefined {
  const want = `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${rcValue}; pod.spec.nodeSelector[${key}] = ${podValue}`;
  if (!status) return `the pod was accepted; expected 403 Forbidden "${want}"`;
  const got = `${status.code ?? "?"} ${status.reason ?? "(no reason)"}: ${(status.message ?? "").split("\n")[0]}`;
  if (status.code !== 403 || status.reason !== "Forbidden") return `refused with ${got}; expected 403 Forbidden "${want}"`;
  if (!(status.message ?? "").includes(want)) return `refused with ${got}; expected the message to contain "${want}"`;
  return undefined;
}
