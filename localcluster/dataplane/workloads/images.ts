// Image classification shared by the workload emulator (what a container serves) and the
// command emulator (which binaries an image ships). One place, so both agree on what an image is.

export type ImageFamily =
  | "servercore" // mcr.microsoft.com/windows/servercore, .../windows/server, .../windows
  | "iis" // mcr.microsoft.com/windows/servercore/iis
  | "nanoserver"
  | "powershell" // mcr.microsoft.com/powershell (pwsh on nanoserver/servercore)
  | "agnhost"
  | "nginx"
  | "busybox"
  | "curl" // curlimages/curl (alpine + curl)
  | "pause"
  | "nonroot" // e2e-test-images/nonroot
  | "unknown";

export interface ImageRef {
  /** Repository path without registry host and tag, lower-cased, e.g. "windows/servercore". */
  repo: string;
  tag: string;
  family: ImageFamily;
}

export interface ImageReference {
  /** Registry host when the reference names one (a first segment with a dot or a port, or localhost). */
  registry?: string;
  /** Repository path as written, without registry, tag and digest. */
  path: string;
  tag?: string;
  digest?: string;
}

/** The one image-reference parser: "registry/path/name:tag@digest" into its parts. */
export function splitReference(image: string): ImageReference {
  const at = image.indexOf("@");
  const ref = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const colon = ref.lastIndexOf(":");
  const hasTag = colon > ref.lastIndexOf("/");
  const name = hasTag ? ref.slice(0, colon) : ref;
  const tag = hasTag ? ref.slice(colon + 1) : undefined;
  const parts = name.split("/");
  const registry = parts.length > 1 && /[.:]|^localhost$/i.test(parts[0]) ? parts.shift() : undefined;
  return { registry, path: parts.join("/"), tag, digest };
}

/** Repository path (lower-cased, no registry host) and tag ("latest" when none is written). */
export function parseImage(image: string): { repo: string; tag: string } {
  const { path, tag } = splitReference(image);
  return { repo: path.toLowerCase(), tag: tag ?? "latest" };
}

/**
 * An image a user built with LogMonitor in it: its repository's last segment names it (e.g.
 * registry.example/servercore-logmonitor:ltsc2022). It is servercore underneath, with C:\LogMonitor\LogMonitor.exe.
 */
export function carriesLogMonitor(image: string): boolean {
  return /logmonitor/.test(parseImage(image).repo.split("/").pop() ?? "");
}

// Ordered: the first match wins, so more specific repositories come first.
const FAMILY_RULES: Array<[RegExp, ImageFamily]> = [
  [/(^|\/)[^/]*iis[^/]*logmonitor[^/]*$|(^|\/)[^/]*logmonitor[^/]*iis[^/]*$/, "iis"], // a user's IIS image with LogMonitor added
  [/(^|\/)[^/]*logmonitor[^/]*$/, "servercore"], // a user's servercore image with LogMonitor added
  [/(^|\/)windows\/servercore\/iis$/, "iis"],
  [/(^|\/)windows\/(servercore|server)$/, "servercore"],
  [/(^|\/)windows$/, "servercore"],
  [/(^|\/)windows\/nanoserver$/, "nanoserver"],
  [/(^|\/)powershell$/, "powershell"],
  [/(^|\/)agnhost$/, "agnhost"],
  [/(^|\/)nginx(-unprivileged)?$/, "nginx"],
  [/(^|\/)busybox$/, "busybox"],
  [/(^|\/)curlimages\/curl$/, "curl"],
  [/(^|\/)pause(-windows)?$/, "pause"],
  [/(^|\/)nonroot$/, "nonroot"],
];

export function classifyImage(image: string): ImageRef {
  const { repo, tag } = parseImage(image);
  const rule = FAMILY_RULES.find(([re]) => re.test(repo));
  return { repo, tag, family: rule ? rule[1] : "unknown" };
}
