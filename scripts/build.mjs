// Compiles the harness to dist/ (tsconfig.build.json: lib, localcluster, suites, sensitivity): every command runs
// that JavaScript, with no TypeScript transpiler loaded. Incremental (dist/.tsbuildinfo), so a rebuild after an edit
// costs a fraction of the first build. Besides tsc it copies the other files those folders load at run time
// (wor-cases.json, exec-client.mjs), removes compiled files whose source is gone (a deleted suite or case file must
// not live on in dist/: suites and cases are found by globbing), and stamps the build.
//
//   npm run build                          build if any source is newer than the last build
//   import { ensureBuilt } from this file   the same, from bin/hybrid-conformance.mjs on every start in a checkout
//
// Plain JavaScript on purpose: it runs before anything is compiled.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
/** The compiled folders (tsconfig.build.json's include) and what else decides the output. */
const SOURCE_DIRS = ["lib", "localcluster", "suites", "sensitivity"];
const CONFIGS = ["tsconfig.json", "tsconfig.build.json"];
/** Not compiled and not loaded at run time: the Go modules the cluster's binaries are built from, and docs. */
const skipDir = (rel) => rel === join("localcluster", "build");
const isAsset = (f) => !f.endsWith(".ts") && !f.endsWith(".md");
const stamp = join(dist, ".build-stamp");

function* walk(rel) {
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = join(rel, e.name);
    if (e.isDirectory()) {
      if (!skipDir(r)) {
        yield r; // a directory's mtime moves when a file in it is added, renamed or deleted
        yield* walk(r);
      }
    } else yield r;
  }
}

/** Why dist/ is out of date (the first source newer than the last build), or undefined when it is current. */
export function staleReason() {
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : -1;
  if (built < 0) return "dist/ has not been built yet";
  for (const rel of [...CONFIGS, ...SOURCE_DIRS.flatMap((d) => [d, ...walk(d)])])
    if (statSync(join(root, rel)).mtimeMs > built) return `${rel} changed since the last build`;
  return undefined;
}

/** Compiles; returns tsc's exit status (its diagnostics go to stderr, so a command's stdout stays its own). */
export function build() {
  const started = Date.now(); // the stamp gets this time: an edit made during the build still counts as newer
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  } catch {
    process.stderr.write("cannot build dist/: TypeScript is not installed (run: npm ci)\n");
    return 2;
  }
  const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: ["ignore", 2, 2] });
  if (r.status !== 0) return r.status ?? 2;
  for (const d of SOURCE_DIRS)
    for (const rel of walk(d)) {
      const to = join(dist, rel);
      if (isAsset(rel) && statSync(join(root, rel)).isFile() && (!existsSync(to) || statSync(to).mtimeMs < statSync(join(root, rel)).mtimeMs)) {
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(join(root, rel), to);
      }
    }
  for (const d of SOURCE_DIRS) if (existsSync(join(dist, d))) pruneOrphans(join(dist, d));
  writeFileSync(stamp, "");
  utimesSync(stamp, started / 1000, started / 1000);
  return 0;
}

/** Removes compiled files (x.js, x.js.map) and copied assets whose source is gone. */
function pruneOrphans(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      pruneOrphans(p);
      continue;
    }
    const rel = relative(dist, p);
    const source = rel.endsWith(".js.map") ? rel.slice(0, -7) + ".ts" : rel.endsWith(".js") ? rel.slice(0, -3) + ".ts" : rel;
    if (!existsSync(join(root, source))) rmSync(p);
  }
}

/**
 * Builds dist/ when a source is newer than the last build, under a lock (the e2e tests start many CLIs at once; only
 * one compiles, the others wait and then find dist/ current). Exits 2 with tsc's diagnostics when the build fails:
 * stale code is never run.
 */
export function ensureBuilt() {
  let why = staleReason();
  if (!why) return;
  mkdirSync(dist, { recursive: true });
  const lock = join(dist, ".build-lock");
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      if (holderGone(lock)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) {
        process.stderr.write(`hybrid-conformance: another build has held ${relative(root, lock)} for 10 minutes; remove it if no build is running\n`);
        process.exit(2);
      } else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100); // another process is compiling
    }
  }
  try {
    why = staleReason();
    if (!why) return;
    const t = Date.now();
    process.stderr.write(`hybrid-conformance: ${why}; compiling to dist/ (npm run build)…\n`);
    const status = build();
    if (status !== 0) {
      process.stderr.write("hybrid-conformance: the build failed (above); not running the previous build\n");
      process.exit(2);
    }
    process.stderr.write(`hybrid-conformance: built in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A lock whose holder died (killed mid-build) is taken over; one without its pid yet is being taken right now. */
function holderGone(lock) {
  let pid;
  try {
    pid = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return e.code === "ESRCH";
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (staleReason()) ensureBuilt();
  else process.stderr.write("dist/ is current\n");
}
