// A container's file system as far as tests can see it: the pod's volumes mounted at their paths
// (emptyDir shared by the pod's containers, ConfigMap and Secret read-only) and a few image files.
import type { OsName, VirtualFs } from "./model.js";

export type Volume = { kind: "emptyDir"; files: Map<string, string> } | { kind: "readOnly"; files: Map<string, string> };

export interface Mount {
  mountPath: string;
  volume: Volume;
  readOnly: boolean;
  subPath?: string;
}

/** One notation for both OSes: lower-cased on Windows, forward slashes, no drive letter, no trailing slash. */
export function normalisePath(os: OsName, p: string): string {
  let s = p.replace(/\\/g, "/");
  if (os === "windows") s = s.replace(/^[a-zA-Z]:/, "").toLowerCase();
  s = s.replace(/\/+/g, "/");
  if (!s.startsWith("/")) s = "/" + s;
  return s.length > 1 ? s.replace(/\/$/, "") : s;
}

export class ContainerFs implements VirtualFs {
  private readonly own = new Map<string, string>();
  constructor(private readonly os: OsName, private readonly mounts: Mount[], imageFiles: Record<string, string> = {}) {
    for (const [p, c] of Object.entries(imageFiles)) this.own.set(normalisePath(os, p), c);
  }

  private locate(path: string): { volume?: Volume; readOnly: boolean; key: string } {
    const p = normalisePath(this.os, path);
    // The longest mount path wins, as with nested mounts.
    const m = [...this.mounts]
      .map((m) => ({ m, at: normalisePath(this.os, m.mountPath) }))
      .filter(({ at }) => p === at || p.startsWith(at + "/"))
      .sort((a, b) => b.at.length - a.at.length)[0];
    if (!m) return { readOnly: false, key: p };
    const rel = p.slice(m.at.length).replace(/^\//, "");
    const key = [m.m.subPath, rel].filter(Boolean).join("/");
    return { volume: m.m.volume, readOnly: m.m.readOnly || m.m.volume.kind === "readOnly", key: this.os === "windows" ? key.toLowerCase() : key };
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
