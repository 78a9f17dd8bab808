// Container logs in the CRI format kwok's log server reads: "<RFC3339Nano> stdout F <line>".
// Current and previous (after a restart) files per container; kwok serves follow, tail and timestamps from them.
import { appendFileSync, mkdirSync, renameSync, existsSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export class ContainerLogs {
  readonly current: string;
  readonly previous: string;
  constructor(root: string, namespace: string, pod: string, uid: string, container: string) {
    const dir = join(root, `${namespace}_${pod}_${uid}`, container);
    mkdirSync(dir, { recursive: true });
    this.current = join(dir, "current.log");
    this.previous = join(dir, "previous.log");
    if (!existsSync(this.current)) writeFileSync(this.current, "");
  }

  write(lines: string[], stream: "stdout" | "stderr" = "stdout"): void {
    if (!lines.length) return;
    const ts = new Date()
      .toISOString()
      .replace("Z", "000000Z")
      .replace(/\.(\d{3})000000Z$/, ".$1000000Z");
    appendFileSync(this.current, lines.map((l) => `${ts} ${stream} F ${l}\n`).join(""));
  }

  /**
   * A restart: the old container's log becomes "previous", the new one starts empty. Without `keepPrevious` (the
   * previous-log-lost fault) the dead container's log is gone, as when the kubelet removes dead containers at once.
   */
  rotate(o: { keepPrevious?: boolean } = {}): void {
    renameSync(this.current, this.previous);
    if (o.keepPrevious === false) writeFileSync(this.previous, "");
    writeFileSync(this.current, "");
  }

  static removePod(root: string, namespace: string, pod: string, uid: string): void {
    rmSync(join(root, `${namespace}_${pod}_${uid}`), { recursive: true, force: true });
  }
}
