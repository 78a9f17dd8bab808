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
  | "coredns" // coredns/coredns
  | "unknown";

export interface ImageRef {
  /** Repository path without registry host and tag, lower-cased, e.g. "windows/servercore". */
  repo: string;
  tag: string;
  family: ImageFamily;
}

/** Split "registry/path/name:tag@digest" into repo path and tag. */
export function parseImage(image: string): { repo: string; tag: string } {
  const noDigest = image.split("@")[0];
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.indexOf(":", lastSlash + 1);
  const name = colon >= 0 ? noDigest.slice(0, colon) : noDigest;
  const tag = colon >= 0 ? noDigest.slice(colon + 1) : "latest";
  const parts = name.toLowerCase().split("/");
  // The first segment is a registry host when it looks like one (has a dot or a port, or is localhost).
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) parts.shift();
  return { repo: parts.join("/"), tag };
}

// Ordered: the first match wins, so more specific repositories come first.
const FAMILY_RULES: Array<[RegExp, ImageFamily]> = [
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
  [/(^|\/)coredns\/coredns$/, "coredns"],
];

export function classifyImage(image: string): ImageRef {
  const { repo, tag } = parseImage(image);
  const rule = FAMILY_RULES.find(([re]) => re.test(repo));
  return { repo, tag, family: rule ? rule[1] : "unknown" };
}
