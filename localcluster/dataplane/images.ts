// What the emulated runtime knows about an image: which OS it is built for, which Windows build,
// and the user a Windows container runs as by default. Unknown images run as a no-op workload of the node's OS.
import type { OsName } from "./model.js";
import { classifyImage, parseImage, splitReference, type ImageFamily } from "./workloads/images.js";

const windowsTagBuilds: Record<string, string> = {
  ltsc2019: "10.0.17763",
  "1809": "10.0.17763",
  ltsc2022: "10.0.20348",
  ltsc2025: "10.0.26100",
};

export interface ImageFacts {
  /** undefined: a multi-OS manifest list (e.g. the e2e test images), runs anywhere. */
  os?: OsName;
  /** For a Windows image: the build its tag targets. */
  build?: string;
}

/**
 * The one default-user table: who a Windows container runs as when the pod sets no runAsUserName. nanoserver's
 * image config says ContainerUser; servercore's says ContainerAdministrator; the e2e nonroot image and the Windows
 * pause image (microsoft/windows-pause-image-base ends with `USER ContainerUser`) run as ContainerUser.
 */
const windowsDefaultUsers: Partial<Record<ImageFamily, string>> = { nanoserver: "ContainerUser", nonroot: "ContainerUser", pause: "ContainerUser" };

export function defaultWindowsUser(image: string): string {
  return windowsDefaultUsers[classifyImage(image).family] ?? "ContainerAdministrator";
}

export function imageFacts(image: string): ImageFacts {
  const { family, tag } = classifyImage(image);
  if (family === "servercore" || family === "iis" || family === "nanoserver") {
    const release = /(ltsc\d{4}|1809)/i.exec(tag)?.[1]?.toLowerCase();
    return { os: "windows", build: release ? windowsTagBuilds[release] : undefined };
  }
  // The e2e test images are manifest lists with Windows variants: they run on either OS. Docker Hub's busybox is
  // Linux only; upstream's e2e busybox (registry.k8s.io/e2e-test-images/busybox) has Windows variants too.
  if (family === "agnhost" || family === "pause" || family === "nonroot") return {};
  if (family === "busybox" && /(^|\/)e2e-test-images\/busybox$/.test(parseImage(image).repo)) return {};
  return { os: "linux" };
}

/**
 * Process isolation: a Windows container must match its host's build; Windows Server 2025 also runs 2022
 * images. A mismatch surfaces the way containerd reports a manifest list without a matching platform.
 */
export function platformMismatch(image: string, nodeOs: OsName, nodeBuild: string | undefined): string | undefined {
  const f = imageFacts(image);
  const noMatch = `failed to pull and unpack image "${qualify(image)}": no match for platform in manifest: not found`;
  if (f.os && f.os !== nodeOs) return noMatch;
  if (f.os === "windows" && f.build && nodeBuild) {
    const ok = f.build === nodeBuild || (nodeBuild === "10.0.26100" && f.build === "10.0.20348");
    if (!ok) return noMatch;
  }
  return undefined;
}

/** The fully qualified reference containerd reports: docker.io/library/ and :latest filled in. */
export function qualify(image: string): string {
  const { registry, path, tag, digest } = splitReference(image);
  const repo = registry ? `${registry}/${path}` : `docker.io/${path.includes("/") ? path : `library/${path}`}`;
  return `${repo}${tag || digest ? (tag ? `:${tag}` : "") : ":latest"}${digest ? `@${digest}` : ""}`;
}

/**
 * Compressed size the kubelet reports in "Image size: N bytes" (and what a realistic pull downloads): the
 * Windows base images' published sizes, roughly; a small Linux image otherwise.
 */
export function imageSizeBytes(image: string): number {
  const family = classifyImage(image).family;
  if (family === "nanoserver") return 121_847_602;
  if (family === "servercore" || family === "iis") return 1_734_829_104;
  return 14_212_930;
}

/** How fast a container of this image starts on Windows (timing.ts figures). */
export function startClass(image: string): "servercore" | "nanoserver" | "other" {
  const family = classifyImage(image).family;
  return family === "servercore" || family === "iis" ? "servercore" : family === "nanoserver" ? "nanoserver" : "other";
}
