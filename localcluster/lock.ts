// One `cluster up` at a time per state directory. The lock file (next to the state directory, which `up` and
// `down` remove) names the process that holds it; a second `up` waits for that start to end rather than
// treating it as stale, and a lock whose holder is gone is taken over. Nothing here ever stops a process.
import { openSync, writeSync, closeSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { processStartTicks } from "./processes.js";
import { UserFacingError } from "../lib/errors.js";

export const lockFile = (dir: string) => `${dir.replace(/\/+$/, "")}.lock`;

interface Holder {
  pid: number;
  startTicks: string;
  since: string;
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Holder;
  } catch {
    return undefined;
  }
}

const alive = (h: Holder) => processStartTicks(h.pid) === h.startTicks;

/** The live process starting the cluster in `dir`, if any (for `status`). */
export function startInProgress(dir: string): Holder | undefined {
  const h = readHolder(lockFile(dir));
  return h && h.pid !== process.pid && alive(h) ? h : undefined;
}

function tryTake(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  writeSync(fd, JSON.stringify({ pid: process.pid, startTicks: processStartTicks(process.pid) ?? "", since: new Date().toISOString() } satisfies Holder));
  closeSync(fd);
  return true;
}

/**
 * Takes the lock, waiting (up to `waitMs`) while another live `up` holds it. Returns a release function and
 * whether it had to wait (the caller then re-reads the cluster's state: the other start may have finished it).
 */
export async function acquireUpLock(dir: string, waitMs: number, log: (l: string) => void): Promise<{ release: () => void; waited: boolean }> {
  const file = lockFile(dir);
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + waitMs;
  let waited = false;
  for (;;) {
    if (tryTake(file)) return { release: () => rmSync(file, { force: true }), waited };
    const h = readHolder(file);
    if (!h || !alive(h)) {
      // Its holder is gone (killed mid-start): the lock is stale, the state it left is handled by `up`.
      // A holder that is still writing the file reads as undefined for an instant: only remove a lock that stays so.
      await new Promise((r) => setTimeout(r, 100));
      const again = readHolder(file);
      if (!again || !alive(again)) rmSync(file, { force: true });
      continue;
    }
    if (!waited) log(`another \`cluster up\` (pid ${h.pid}, since ${h.since}) is starting this local cluster: waiting for it`);
    waited = true;
    if (Date.now() > deadline)
      throw new UserFacingError(
        `another \`cluster up\` (pid ${h.pid}, since ${h.since}) is still starting the local cluster after ${Math.round(waitMs / 1000)} s; try again when it has finished`,
      );
    // The other process is not our child: polling its lock file is the only way to see it finish.
    await new Promise((r) => setTimeout(r, 250));
  }
}
