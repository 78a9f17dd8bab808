// Which emulated executables an image ships. Kept apart from the registry so shells can consult it
// without importing every handler (and without an import cycle).

import type { OsName } from "../model.js";
import { carriesLogMonitor, classifyImage, type ImageFamily } from "../workloads/images.js";

/** "C:\Windows\System32\CURL.EXE" -> "curl"; "/bin/sh" -> "sh". Windows names are case-insensitive. */
export function commandName(os: OsName, argv0: string): string {
  const base = argv0.split(os === "windows" ? /[\\/]/ : /\//).pop() ?? argv0;
  return os === "windows" ? base.toLowerCase().replace(/\.(exe|com)$/, "") : base;
}

// busybox applets we emulate (busybox, alpine-based images: curlimages/curl, e2e nginx, agnhost).
const APPLETS = [
  "sh",
  "ash",
  "echo",
  "cat",
  "ls",
  "sleep",
  "test",
  "[",
  "env",
  "printenv",
  "true",
  "false",
  "hostname",
  "whoami",
  "uname",
  "wget",
  "nc",
  "nslookup",
  "grep",
  "wc",
  "head",
  "id",
];
const ALL_LINUX = [...APPLETS, "bash", "curl"];

const LINUX_TOOLS: Partial<Record<ImageFamily, string[]>> = {
  busybox: APPLETS, // busybox has no curl and no bash
  nginx: APPLETS, // the e2e nginx image is alpine-based
  curl: [...APPLETS, "curl"],
  agnhost: ALL_LINUX, // alpine + bash, curl, bind-tools, netcat-openbsd
  nonroot: APPLETS,
  pause: [], // pause ships a single static binary
};

const WIN_BASE = ["cmd", "curl", "whoami", "hostname", "ipconfig", "nslookup", "ping"];
const WIN_FULL = [...WIN_BASE, "powershell", "nltest"];
const WIN_BUSYBOX = ["sh", "uname", "wget", "cat", "ls"]; // busybox-w32 in the e2e Windows images

const WINDOWS_TOOLS: Partial<Record<ImageFamily, string[]>> = {
  servercore: WIN_FULL,
  iis: WIN_FULL,
  nanoserver: WIN_BASE, // no Windows PowerShell, no nltest
  pause: WIN_BASE,
  nonroot: WIN_BASE,
  powershell: [...WIN_BASE, "pwsh"],
  agnhost: [...WIN_FULL, "pwsh", ...WIN_BUSYBOX],
  busybox: [...WIN_FULL, "pwsh", ...WIN_BUSYBOX],
};

/** Every name the registry can run on that OS (an unknown image is assumed to have all of them). */
export const EMULATED: Record<OsName, string[]> = {
  linux: ALL_LINUX,
  windows: [...WIN_FULL, "pwsh", ...WIN_BUSYBOX, "logmonitor"],
};

/**
 * Whether a container's entrypoint is a program we know the image lacks: the runtime then fails the start
 * (StartError) instead of running it. Programs we do not emulate (agnhost, nginx, pause…) are assumed present.
 */
export function entrypointMissing(os: OsName, image: string, argv0: string | undefined): boolean {
  if (!argv0) return false;
  return EMULATED[os].includes(commandName(os, argv0)) && !isKnownCommand(os, image, argv0);
}

/**
 * Whether `argv0` exists in `image` on `os`. The exec caller uses a false answer to produce the
 * container runtime's own "executable file not found" error instead of running anything.
 */
export function isKnownCommand(os: OsName, image: string, argv0: string): boolean {
  const name = commandName(os, argv0);
  // LogMonitor is in no base image: users copy it into their own (microsoft/windows-container-tools). Only an
  // image named for it carries it (docs/local-cluster.md "Image catalogue").
  if (name === "logmonitor") return os === "windows" && carriesLogMonitor(image);
  const family = classifyImage(image).family;
  const table = (os === "windows" ? WINDOWS_TOOLS : LINUX_TOOLS)[family] ?? EMULATED[os];
  return table.includes(name);
}
