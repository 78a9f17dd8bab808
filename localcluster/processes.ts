// Starting and stopping the cluster's components. Each is a detached process whose pid (and start time, so a
// recycled pid is never mistaken for ours) is recorded in the state file; `down` stops exactly those.
import { spawn } from "node:child_process";
import { openSync, closeSync, readFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";

export interface ComponentRecord {
  name: string;
  pid: number;
  /** /proc/<pid>/stat start time: identifies the process beyond its pid. */
  startTicks: string;
  log: string;
}

export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime), counted after the parenthesised command name, which may contain spaces.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** True when the recorded process is still the one we started. */
export function isOurs(c: ComponentRecord): boolean {
  const ticks = processStartTicks(c.pid);
  if (ticks === undefined || ticks !== c.startTicks) return false;
  try {
    // A zombie still has /proc/<pid>; it is dead for our purposes.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${c.pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

export function startComponent(name: string, bin: string, args: string[], log: string, env: NodeJS.ProcessEnv = {}, cwd?: string): ComponentRecord {
  const fd = openSync(log, "a");
  const child = spawn(bin, args, { detached: true, cwd, stdio: ["ignore", fd, fd], env: { ...process.env, ...env } });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${name} (${bin})`);
  return { name, pid: child.pid, startTicks: processStartTicks(child.pid) ?? "", log };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Only ever called on our own records. */
export async function stopComponent(c: ComponentRecord, graceMs = 5000): Promise<void> {
  if (!isOurs(c)) return;
  try {
    process.kill(c.pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isOurs(c)) {
    if (Date.now() > deadline) {
      try {
        process.kill(c.pid, "SIGKILL");
      } catch {
        return;
      }
    }
    // Polling /proc is the only way to wait for a process that is not our child (it was started by an earlier `up`).
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Fails with a clear message when something else already listens on host:port. */
export function assertPortFree(port: number, host = "127.0.0.1"): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE" ? `port ${host}:${port} is already in use` : `cannot bind ${host}:${port}: ${e.message}`)),
    );
    s.listen(port, host, () => s.close(() => resolve()));
  });
}

export function tailOf(log: string, lines = 3): string {
  if (!existsSync(log)) return "";
  const all = readFileSync(log, "utf8").trimEnd().split("\n");
  return all.slice(-lines).join(" | ");
}
