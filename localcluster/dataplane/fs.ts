// A container's file system as far as tests can see it: the pod's volumes mounted at their paths
// (emptyDir shared by the pod's containers, ConfigMap, Secret and projected read-only, hostPath shared with the
// node's other pods) and a few image files.
import type { OsName, VirtualFs } from "./model.js";

export type Volume =
  | { kind: "emptyDir"; files: Map<string, string> }
  | { kind: "readOnly"; files: Map<string, string> }
  /** A directory of the node's own disk (hostfs.ts), shared with every pod that mounts it; `writable` false when its ACL refuses the container. */
  | { kind: "hostPath"; files: Map<string, string>; writable: boolean };

export interface Mount {
  mountPath: string;
  volume: Volume;
  readOnly: boolean;
  subPath?: string;
}

/**
 * The one path normaliser. Windows paths are case-insensitive, the drive prefix is optional and "/" equals "\",
 * so "c:/Test-Volume/x", "\test-volume\x" and "C:\test-volume\x" name the same file.
 * Canonical forms: "C:\dir\file" on Windows, "/dir/file" on Linux.
 */
export function normalizePath(os: OsName, path: string, cwd?: string): string {
  return os === "windows" ? normalizeWindows(path, cwd ?? "C:\\") : normalizeLinux(path, cwd ?? "/");
}

function normalizeWindows(path: string, cwd: string): string {
  let p = path.trim().replace(/\//g, "\\");
  if (/^[a-zA-Z]:/.test(p)) p = p[0].toUpperCase() + ":\\" + p.slice(2);
  else if (p.startsWith("\\")) p = "C:" + p;
  else p = normalizeWindows(cwd, "C:\\") + "\\" + p;
  const [drive, ...rest] = p.split("\\");
  return drive + "\\" + resolveDots(rest).join("\\");
}

function normalizeLinux(path: string, cwd: string): string {
  const p = path.startsWith("/") ? path : cwd.replace(/\/+$/, "") + "/" + path;
  return "/" + resolveDots(p.split("/")).join("/");
}

/** Drop empty and "." segments and apply "..", never climbing above the root. */
function resolveDots(segments: string[]): string[] {
  const out: string[] = [];
  for (const s of segments) {
    if (s === "" || s === ".") continue;
    if (s === "..") out.pop();
    else out.push(s);
  }
  return out;
}

/** The key a file is stored under: the canonical path with forward slashes, no drive, lower-cased on Windows. */
function storageKey(os: OsName, p: string): string {
  const n = normalizePath(os, p);
  return os === "windows" ? n.slice(2).replace(/\\/g, "/").toLowerCase() : n;
}

export class ContainerFs implements VirtualFs {
  private readonly own = new Map<string, string>();
  constructor(
    private readonly os: OsName,
    private readonly mounts: Mount[],
    imageFiles: Record<string, string> = {},
  ) {
    for (const [p, c] of Object.entries(imageFiles)) this.own.set(storageKey(os, p), c);
  }

  private locate(path: string): { volume?: Volume; readOnly: boolean; key: string } {
    const p = storageKey(this.os, path);
    // The longest mount path wins, as with nested mounts.
    const m = [...this.mounts]
      .map((m) => ({ m, at: storageKey(this.os, m.mountPath) }))
      .filter(({ at }) => p === at || p.startsWith(at + "/"))
      .sort((a, b) => b.at.length - a.at.length)[0];
    if (!m) return { readOnly: false, key: p };
    const rel = p.slice(m.at.length).replace(/^\//, "");
    const key = [m.m.subPath, rel].filter(Boolean).join("/");
    const v = m.m.volume;
    return {
      volume: v,
      readOnly: m.m.readOnly || v.kind === "readOnly" || (v.kind === "hostPath" && !v.writable),
      key: this.os === "windows" ? key.toLowerCase() : key,
    };
  }

  read(path: string): string | undefined {
    const l = this.locate(path);
    if (!l.volume) return this.own.get(l.key);
    for (const [k, v] of l.volume.files) if ((this.os === "windows" ? k.toLowerCase() : k) === l.key) return v;
    return undefined;
  }

  write(path: string, content: string, append = false): "ok" | "read-only" | "no-such-directory" {
    const l = this.locate(path);
    if (l.readOnly) return "read-only";
    const files = l.volume?.files ?? this.own;
    const prev = append ? (files.get(l.key) ?? "") : "";
    files.set(l.key, prev + content);
    return "ok";
  }

  remove(path: string): "ok" | "read-only" | "not-found" {
    const l = this.locate(path);
    if (l.readOnly) return "read-only";
    const files = l.volume?.files ?? this.own;
    const key = [...files.keys()].find((k) => (this.os === "windows" ? k.toLowerCase() : k) === l.key);
    if (key === undefined) return "not-found";
    files.delete(key);
    return "ok";
  }

  list(path: string): string[] | undefined {
    const l = this.locate(path);
    const files = l.volume?.files ?? this.own;
    const prefix = l.key ? l.key + "/" : "";
    const names = [...files.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split("/")[0]);
    return names.length || l.volume ? [...new Set(names)].sort() : undefined;
  }
}
