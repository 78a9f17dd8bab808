// Path options are checked before the cluster is contacted: a report directory that cannot be written must
// cost the user seconds, not a whole run (and never a spinning `mkdir` under /proc).
import { accessSync, constants, mkdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { UserFacingError } from "../errors.js";

/** Kernel pseudo-filesystems: writes there are never a report, and some of them make recursive mkdir loop. */
const pseudoFilesystems = ["/proc", "/sys", "/dev"];

/** The deepest part of `path` that exists (bounded: every step goes one level up). */
function existingAncestor(path: string): string {
  let p = path;
  for (;;) {
    try {
      statSync(p);
      return p;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") return p; // EACCES and the like: the caller's checks name it
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

/**
 * A directory the run will create files in: refuses pseudo-filesystems, a path below a file, and a directory
 * (or nearest existing parent) that cannot be written — proven by writing a probe file, since root ignores modes.
 * Returns the absolute path; creates nothing that was not there unless `create` is set.
 */
export function assertWritableDir(flag: string, given: string, create = true): string {
  const abs = resolve(given);
  const say = (why: string) => new UserFacingError(`${flag.includes(" ") ? flag : `${flag} ${given}`}: ${why}`);
  const anc = existingAncestor(abs);
  let real: string;
  try {
    real = realpathSync(anc);
  } catch {
    real = anc;
  }
  const under = pseudoFilesystems.find((p) => real === p || real.startsWith(p + sep) || abs === p || abs.startsWith(p + sep));
  if (under) throw say(`is on the kernel's ${under} pseudo-filesystem, not a place for reports; choose a normal directory`);
  let st;
  try {
    st = statSync(anc);
  } catch (e) {
    throw say(`cannot be used (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!st.isDirectory()) throw say(anc === abs ? "is a file, not a directory" : `${anc} is a file, so nothing can be created below it`);
  try {
    accessSync(anc, constants.W_OK | constants.X_OK);
  } catch (e) {
    const where = anc === abs ? "" : `${anc} `;
    throw say((e as NodeJS.ErrnoException).code === "EROFS" ? `${where}is on a read-only filesystem` : `${where || "the directory "}is not writable`);
  }
  if (!create) return abs;
  try {
    mkdirSync(abs, { recursive: true });
    const probe = join(abs, `.hc-write-probe-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw say(
      code === "EROFS"
        ? "is on a read-only filesystem"
        : code === "EACCES" || code === "EPERM"
          ? "is not writable"
          : `cannot be written (${code ?? (e as Error).message})`,
    );
  }
  return abs;
}

/** A file the run will write: its directory must be writable (created if missing). */
export function assertWritableFileLocation(flag: string, given: string): string {
  const abs = resolve(given);
  try {
    if (statSync(abs).isDirectory()) throw new UserFacingError(`${flag} ${given}: is a directory, expected a file`);
  } catch (e) {
    if (e instanceof UserFacingError) throw e;
  }
  assertWritableDir(`${flag} ${given}: its directory`, dirname(abs));
  return abs;
}
