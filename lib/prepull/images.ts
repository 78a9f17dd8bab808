// Which images the selected tests pull, per Windows build: for `hybrid-conformance images` (air-gapped mirroring)
// and `run --prepull`. One source of truth: the fixtures a suite file names, rendered by the scheduling guard
// (lib/fixtures/guard.ts) for each build — the same retagging and registry overrides the tests' pods get.
import type * as k8s from "@kubernetes/client-node";
import { readFileSync } from "node:fs";
import {
  listFixtures,
  loadFixture,
  renderFixture,
  isWorkload,
  renderedTargetOf,
  targetOf,
  TARGET_ANNOTATION,
  supportedBuilds,
  formatTarget,
} from "../fixtures/index.js";
import type { Capabilities } from "../preflight/types.js";
import type { SuiteEntry } from "../../suites/index.js";
import { runnable } from "../../localcluster/paths.js";

/** The images one OS (and Windows build) needs. */
export interface ImageSet {
  os: "windows" | "linux";
  /** The Windows build the images are tagged for; undefined for Linux. */
  build?: string;
  images: string[];
}

/**
 * The fixtures a suite file deploys: every quoted fixture name in its source ("win-webserver", 'linux-client').
 * Suites pass fixture names as literals to env.deploy/env.render/loadFixture, so reading the file finds them all
 * without a second list to keep in step. The file read is the one the run loads (compiled: tsc keeps the literals).
 */
export function fixturesOf(entry: Pick<SuiteEntry, "file">): string[] {
  const known = new Set(listFixtures());
  const source = readFileSync(runnable(entry.file), "utf8");
  const named = [...source.matchAll(/["'`]([a-z0-9][a-z0-9-]*)["'`]/g)].map((m) => m[1]).filter((n) => known.has(n));
  return [...new Set(named)].sort();
}

/**
 * Every image the entries' fixtures pull, per Windows build (and once for Linux), after retagging for the build and
 * the registry overrides. `extra` are images a run option adds (--logmonitor-image), pulled on Windows nodes.
 */
export function imagesFor(
  entries: Pick<SuiteEntry, "file">[],
  o: { builds: string[]; registryOverrides?: Record<string, string>; extraWindowsImages?: string[] },
): ImageSet[] {
  const fixtures = [...new Set(entries.flatMap(fixturesOf))].sort();
  const linux = new Set<string>();
  const windows = new Map<string, Set<string>>(o.builds.map((b) => [b, new Set(o.extraWindowsImages ?? [])]));
  for (const name of fixtures) {
    // Only workloads pull; a pinned RuntimeClass would contradict the lifted pin below.
    const objects = loadFixture(name).filter(isWorkload).map(unpinned);
    for (const build of o.builds) {
      const rendered = renderFixture(objects, { caps: offlineCaps(build), namespace: "images", labels: {}, build, registryOverrides: o.registryOverrides });
      for (const obj of rendered.filter(isWorkload)) {
        const target = renderedTargetOf(obj);
        for (const image of podImages(obj)) (target?.os === "linux" ? linux : windows.get(build)!).add(image);
      }
    }
  }
  const sets: ImageSet[] = o.builds.map((build) => ({ os: "windows", build, images: [...windows.get(build)!].sort() }));
  if (linux.size) sets.push({ os: "linux", images: [...linux].sort() });
  return sets;
}

/** The supported Windows builds, for listing without a cluster. */
export const allBuilds = (): string[] => Object.keys(supportedBuilds);

/**
 * A fixture pinned to one build (iis-runtimeclass) is adapted to each build under test by its suite; listing
 * renders it for every build the same way, by its own target with the pin lifted.
 */
function unpinned(obj: k8s.KubernetesObject): k8s.KubernetesObject {
  const t = isWorkload(obj) ? targetOf(obj) : undefined;
  if (!t || t.os !== "windows" || !t.build || t.build === "any") return obj;
  const copy = structuredClone(obj) as k8s.KubernetesObject & { spec?: { template?: { spec?: k8s.V1PodSpec } } };
  copy.metadata!.annotations = { ...copy.metadata!.annotations, [TARGET_ANNOTATION]: formatTarget({ os: "windows", build: "any" }) };
  // Its own build selector goes with the pin (rendering sets the requested one).
  for (const spec of [copy.spec?.template?.spec, (copy as k8s.V1Pod).spec].filter(Boolean) as k8s.V1PodSpec[]) {
    if (spec.nodeSelector) delete spec.nodeSelector["node.kubernetes.io/windows-build"];
  }
  return copy;
}

/** The images of a rendered workload's pod template (or Pod): init containers and containers. */
function podImages(obj: k8s.KubernetesObject): string[] {
  const o = obj as { kind?: string; spec?: { template?: { spec?: k8s.V1PodSpec }; jobTemplate?: { spec?: { template?: { spec?: k8s.V1PodSpec } } } } };
  const spec = o.kind === "Pod" ? (obj as k8s.V1Pod).spec : o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image).filter((i): i is string => !!i);
}

/** What rendering reads from preflight, for a cluster of one Windows build with no taints (listing is offline). */
function offlineCaps(build: string): Capabilities {
  return {
    server: { url: "", gitVersion: "", platform: "" },
    context: "",
    local: false,
    nodes: [],
    windowsBuilds: [build],
    windowsTaints: [],
    linuxTaints: [],
    runtimeClasses: [],
    gmsa: { crd: false, webhook: false },
  };
}
