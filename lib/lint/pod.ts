// What a pod (or a workload's pod template) is aimed at: the OS it declares, the OS and Windows builds it selects
// (nodeSelector, required node affinity, RuntimeClass scheduling), and what its images are made for. Facts about
// images come from lib/fixtures/images.ts, the same table the fixtures are rendered with.
import { BUILD_LABEL, OS_LABEL } from "../fixtures/guard.js";
import { imageBuild, parseImage } from "../fixtures/images.js";
import type { FieldPath } from "./source.js";

export type Obj = Record<string, any>;

/** One pod spec inside an object, with the path to it ("spec" for a Pod, "spec.template.spec" for a Deployment…). */
export interface PodSite {
  spec: Obj;
  path: FieldPath;
}

export function podSites(obj: Obj): PodSite[] {
  const spec = obj.spec;
  if (!spec || typeof spec !== "object") return [];
  switch (obj.kind) {
    case "Pod":
      return [{ spec, path: ["spec"] }];
    case "PodTemplate":
      return obj.template?.spec ? [{ spec: obj.template.spec, path: ["template", "spec"] }] : [];
    case "CronJob":
      return spec.jobTemplate?.spec?.template?.spec
        ? [{ spec: spec.jobTemplate.spec.template.spec, path: ["spec", "jobTemplate", "spec", "template", "spec"] }]
        : [];
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "ReplicationController":
    case "Job":
      return spec.template?.spec ? [{ spec: spec.template.spec, path: ["spec", "template", "spec"] }] : [];
    default:
      return [];
  }
}

export interface ContainerSite {
  c: Obj;
  path: FieldPath;
}

export function containers(site: PodSite): ContainerSite[] {
  const out: ContainerSite[] = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    const arr = site.spec[list];
    if (Array.isArray(arr)) arr.forEach((c, i) => c && typeof c === "object" && out.push({ c, path: [...site.path, list, i] }));
  }
  return out;
}

/** A constraint on a node label: the values it allows and where in the manifest it is set. */
export interface Selection {
  values: string[];
  path: FieldPath;
  by: string;
}

/** Where a pod's RuntimeClass (from the input or the cluster) pins it, and the tolerations it adds. */
export interface RuntimeClassInfo {
  name: string;
  nodeSelector: Record<string, string>;
  tolerations: Obj[];
}

/** Every constraint the pod puts on `label`; a pod can only land where all of them allow. */
export function selections(site: PodSite, label: string, runtimeClass?: RuntimeClassInfo): Selection[] {
  const out: Selection[] = [];
  const sel = site.spec.nodeSelector;
  if (sel && typeof sel[label] === "string") out.push({ values: [sel[label]], path: [...site.path, "nodeSelector", label], by: "its nodeSelector" });
  const terms = site.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (Array.isArray(terms) && terms.length > 0) {
    // Terms are ORed: the affinity constrains the label only when every term does.
    const perTerm = terms.map((t: Obj, ti: number) => {
      const exprs: Obj[] = Array.isArray(t?.matchExpressions) ? t.matchExpressions : [];
      const ei = exprs.findIndex((e) => e?.key === label && e.operator === "In" && Array.isArray(e.values));
      return ei < 0
        ? undefined
        : {
            values: exprs[ei].values as string[],
            path: [
              ...site.path,
              "affinity",
              "nodeAffinity",
              "requiredDuringSchedulingIgnoredDuringExecution",
              "nodeSelectorTerms",
              ti,
              "matchExpressions",
              ei,
              "values",
            ],
          };
    });
    if (perTerm.every((x) => x))
      out.push({ values: [...new Set(perTerm.flatMap((x) => x!.values))], path: perTerm[0]!.path, by: "its required node affinity" });
  }
  const rcValue = runtimeClass?.nodeSelector[label];
  if (rcValue) out.push({ values: [rcValue], path: [...site.path, "runtimeClassName"], by: `RuntimeClass ${runtimeClass!.name}` });
  return out;
}

/** The single OS the pod's scheduling constraints allow, if they allow exactly one. */
export function selectedOS(site: PodSite, runtimeClass?: RuntimeClassInfo): { os: string; path: FieldPath; by: string } | undefined {
  for (const s of selections(site, OS_LABEL, runtimeClass)) if (s.values.length === 1) return { os: s.values[0], path: s.path, by: s.by };
  return undefined;
}

export const selectedBuilds = (site: PodSite, runtimeClass?: RuntimeClassInfo): Selection[] => selections(site, BUILD_LABEL, runtimeClass);

// ---------------------------------------------------------------------------------------------------------
// Images

export interface ImageFacts {
  os: "windows" | "linux";
  /** For Windows-build-specific images: the build (10.0.x) they were made for. */
  build?: string;
}

/** User knowledge: repository prefix → "windows", "linux" or a Windows build ("10.0.20348"). */
export type ImageOSMap = Record<string, string>;

// Linux distributions' own images and tag flavours; none of them has a Windows variant.
const LINUX_REPOS = /(^|\/)(alpine|ubuntu|debian|centos|fedora|rockylinux|almalinux|amazonlinux|archlinux|opensuse\/[^/]+)$|(^|\/)distroless\//;
const LINUX_TAG = /(^|[-_.])(alpine|bookworm|bullseye|buster|jammy|noble|focal|ubi\d*)([-_.\d]|$)/;

/**
 * What an image is made for, or undefined for multi-arch and unknown images (the runtime picks per node).
 * A Windows base repository is recognised the same way images.ts recognises it in a build tag: by asking it
 * about the repository with a bare build tag, so the list of Windows repositories stays in one place.
 */
export function imageFacts(image: string, userMap: ImageOSMap = {}): ImageFacts | undefined {
  const ref = parseImage(image);
  let best: string | undefined;
  for (const prefix of Object.keys(userMap)) {
    if ((ref.repository === prefix || ref.repository.startsWith(`${prefix}/`) || image.startsWith(prefix)) && (!best || prefix.length > best.length))
      best = prefix;
  }
  if (best) {
    const v = userMap[best];
    return v === "linux" ? { os: "linux" } : v === "windows" ? { os: "windows", build: imageBuild(image) } : { os: "windows", build: v };
  }
  const build = imageBuild(image);
  if (build) return { os: "windows", build };
  if (imageBuild(`${ref.repository}:ltsc2022`)) return { os: "windows" };
  if (LINUX_REPOS.test(ref.repository) || (ref.tag && LINUX_TAG.test(ref.tag))) return { os: "linux" };
  return undefined;
}
