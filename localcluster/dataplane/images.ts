// What the emulated runtime knows about an image: which OS it is built for, which Windows build,
// and the user it runs as by default. Unknown images run as a no-op workload of the node's OS.
import type { OsName } from "./model.js";
import { classifyImage } from "./workloads/images.js";

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
  defaultUser: string;
}

export function imageFacts(image: string): ImageFacts {
  const { family, tag } = classifyImage(image);
  if (family === "servercore" || family === "iis" || family === "nanoserver") {
    const release = /(ltsc\d{4}|1809)/i.exec(tag)?.[1]?.toLowerCase();
    return { os: "windows", build: release ? windowsTagBuilds[release] : undefined, defaultUser: family === "nanoserver" ? "ContainerUser" : "ContainerAdministrator" };
  }
  // The e2e test images are manifest lists with Windows variants: they run on either OS.
  if (family === "agnhost" || family === "pause" || family === "nonroot") return { defaultUser: family === "nonroot" ? "ContainerUser" : "ContainerAdministrator" };
  return { os: "linux", defaultUser: "root" };
}

export function splitImage(image: string): [string, string | undefined] {
  const at = image.indexOf("@");
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(":");
  return colon > ref.lastIndexOf("/") ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, undefined];
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

export function qualify(image: string): string {
  const first = image.split("/")[0];
  const hasRegistry = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const withRepo = hasRegistry ? image : `docker.io/${image.includes("/") ? image : `library/${image}`}`;
  return splitImage(withRepo)[1] || withRepo.includes("@") ? withRepo : `${withRepo}:latest`;
}
