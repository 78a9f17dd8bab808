// The commands' view of a container's files. Every command goes through normalizePath (fs.ts, the one path
// normaliser) before it reaches the VirtualFs.

import type { ContainerView, OsName } from "../model.js";
import { normalizePath } from "../fs.js";

export { normalizePath };

/** Windows "NUL" (any case, any directory) and Linux "/dev/null" swallow writes. */
export function isNullDevice(os: OsName, path: string): boolean {
  if (os === "linux") return path === "/dev/null";
  const base = path.replace(/\//g, "\\").split("\\").pop() ?? "";
  return /^nul(\.[^.]*)?$/i.test(base) || /^\\\\\.\\nul$/i.test(path);
}

const baseName = (entry: string): string =>
  entry
    .replace(/[\\/]+$/, "")
    .split(/[\\/]/)
    .pop() ?? entry;

/** On Windows, find the stored spelling of a path by walking its parents case-insensitively. */
function resolveCase(c: ContainerView, norm: string): string {
  const [drive, ...rest] = norm.split("\\");
  let current = drive + "\\";
  for (const seg of rest) {
    const entries = c.fs.list(current) ?? [];
    const hit = entries.map(baseName).find((e) => e.toLowerCase() === seg.toLowerCase());
    current = (current.endsWith("\\") ? current : current + "\\") + (hit ?? seg);
  }
  return current;
}

/** Read a file: synthetic kernel files first (they mirror the container spec), then the VirtualFs. */
export function readFile(c: ContainerView, path: string, cwd?: string): string | undefined {
  const norm = normalizePath(c.os, path, cwd);
  const synthetic = c.os === "linux" ? linuxSyntheticFile(c, norm) : undefined;
  if (synthetic?.authoritative) return synthetic.content;
  const direct = c.fs.read(norm);
  if (direct !== undefined) return direct;
  if (c.os === "windows") {
    const cased = resolveCase(c, norm);
    if (cased !== norm) return c.fs.read(cased);
  }
  return synthetic?.content;
}

export function writeFile(c: ContainerView, path: string, content: string, append = false, cwd?: string): "ok" | "read-only" | "no-such-directory" {
  if (isNullDevice(c.os, path)) return "ok";
  const norm = normalizePath(c.os, path, cwd);
  return c.fs.write(c.os === "windows" ? resolveCase(c, norm) : norm, content, append);
}

/** Deletes a file; "not-found" also when the VirtualFs cannot delete at all. */
export function deleteFile(c: ContainerView, path: string, cwd?: string): "ok" | "read-only" | "not-found" {
  const norm = normalizePath(c.os, path, cwd);
  return c.fs.remove?.(c.os === "windows" ? resolveCase(c, norm) : norm) ?? "not-found";
}

export function listDir(c: ContainerView, path: string, cwd?: string): string[] | undefined {
  const norm = normalizePath(c.os, path, cwd);
  const direct = c.fs.list(norm) ?? (c.os === "windows" ? c.fs.list(resolveCase(c, norm)) : undefined);
  return direct?.map(baseName);
}

/** Whether the path names a directory (the VirtualFs lists it) rather than a file. */
export function isDirectory(c: ContainerView, path: string, cwd?: string): boolean {
  return listDir(c, path, cwd) !== undefined;
}

// cgroup v2 files come from the container's limits, which is exactly what the kubelet wrote there.
function linuxSyntheticFile(c: ContainerView, norm: string): { content: string; authoritative: boolean } | undefined {
  switch (norm) {
    case "/sys/fs/cgroup/memory.max":
      return { content: `${c.limits.memoryBytes ?? "max"}\n`, authoritative: true };
    case "/sys/fs/cgroup/cpu.max": {
      // CFS quota over the default 100ms period: 500m -> "50000 100000".
      const quota = c.limits.cpuMillis === undefined ? "max" : String(c.limits.cpuMillis * 100);
      return { content: `${quota} 100000\n`, authoritative: true };
    }
    case "/etc/hostname":
      return { content: `${c.hostname}\n`, authoritative: false };
    case "/etc/resolv.conf":
      return { content: resolvConf(c), authoritative: false };
    default:
      return undefined;
  }
}

function resolvConf(c: ContainerView): string {
  const servers = c.dns.nameservers ?? [c.dns.nameserver];
  const lines = [...(c.dns.searches.length ? [`search ${c.dns.searches.join(" ")}`] : []), ...servers.map((s) => `nameserver ${s}`), "options ndots:5"];
  return lines.join("\n") + "\n";
}
