// The nodes' own disks, as far as hostPath volumes reach them: one store per node that outlives every pod, so a
// file a pod writes through a hostPath volume is still there for the next pod on that node (and on no other node).
// It lives as long as the data-plane process, as a node's disk lives as long as the node.
import type { OsName } from "./model.js";

/** Directories every node has before any pod runs: a hostPath of type Directory may name them. */
const presentDirs: Record<OsName, string[]> = {
  // A Windows Server install (C:\Windows\Temp is the system TEMP) and the kubelet's own folders (C:\k on the
  // Windows docs' kubeadm nodes, C:\var\lib\kubelet and C:\var\log everywhere the kubelet runs).
  windows: ["C:\\Windows", "C:\\Windows\\Temp", "C:\\var\\log", "C:\\var\\lib\\kubelet", "C:\\k"],
  linux: ["/tmp", "/var/log", "/var/lib/kubelet", "/etc"],
};

const dirKey = (os: OsName, path: string) => (os === "windows" ? path.replace(/\//g, "\\").replace(/\\+$/, "").toLowerCase() : path.replace(/\/+$/, ""));

export class HostFilesystems {
  /** node → host directory (canonical, lower-cased on Windows) → its files (relative path → content). */
  private readonly dirs = new Map<string, Map<string, Map<string, string>>>();

  private of(node: string, os: OsName): Map<string, Map<string, string>> {
    let d = this.dirs.get(node);
    if (!d) {
      d = new Map(presentDirs[os].map((p) => [dirKey(os, p), new Map<string, string>()]));
      this.dirs.set(node, d);
    }
    return d;
  }

  /** The files of a host directory, or undefined when the node has no such directory. */
  existing(node: string, os: OsName, path: string): Map<string, string> | undefined {
    return this.of(node, os).get(dirKey(os, path));
  }

  /** The files of a host directory, created (empty) when absent: hostPath type DirectoryOrCreate, or no type. */
  ensure(node: string, os: OsName, path: string): Map<string, string> {
    const d = this.of(node, os);
    const k = dirKey(os, path);
    if (!d.has(k)) d.set(k, new Map());
    return d.get(k)!;
  }
}
