// Benchmark of the local cluster (not a test): cold build time (optional, --cold), warm `up` to all nodes
// Ready, `down`, and the components' resident memory. Run: npm run bench:cluster [-- --cold] [-- --runs N]
import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { up, down } from "../localcluster/cluster.js";
import { readState } from "../localcluster/state.js";
import { ensureBinaries } from "../localcluster/binaries.js";

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 3;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0].toFixed(2)} s, median ${s[Math.floor(s.length / 2)].toFixed(2)} s, max ${s[s.length - 1].toFixed(2)} s (n=${s.length})`;
};

if (args.includes("--cold")) {
  // A cold build: empty binary cache and Go build cache (the module cache stays: downloads are not building).
  const cache = mkdtempSync(join(tmpdir(), "hc-bench-cache-"));
  const gocache = mkdtempSync(join(tmpdir(), "hc-bench-gocache-"));
  process.env.HC_BIN_CACHE = cache;
  process.env.GOCACHE = gocache;
  const t = Date.now();
  await ensureBinaries((l) => console.error(l));
  console.log(`cold build: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  rmSync(cache, { recursive: true, force: true });
  rmSync(gocache, { recursive: true, force: true });
  delete process.env.HC_BIN_CACHE;
  delete process.env.GOCACHE;
}

process.env.HC_LOCALCLUSTER_DIR = mkdtempSync(join(tmpdir(), "hc-bench-state-"));
await ensureBinaries();
const ups: number[] = [];
const downs: number[] = [];
let rss = "";
for (let i = 0; i < runs; i++) {
  let t = Date.now();
  await up();
  ups.push((Date.now() - t) / 1000);
  if (i === 0) {
    const s = readState(process.env.HC_LOCALCLUSTER_DIR)!;
    const rows = s.components.map((c) => {
      // kwok runs under unshare → sh → kwok; the recorded pid is the exec'd kwok itself.
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${c.pid}/status`, "utf8"))?.[1] ?? 0);
      return { name: c.name, mb: kb / 1024 };
    });
    rss = rows.map((r) => `${r.name} ${r.mb.toFixed(0)} MB`).join(", ") + `; total ${rows.reduce((a, r) => a + r.mb, 0).toFixed(0)} MB`;
    execFileSync(process.execPath, ["bin/hybrid-conformance.mjs", "cluster", "status"], { env: process.env, stdio: "ignore" });
  }
  t = Date.now();
  await down();
  downs.push((Date.now() - t) / 1000);
}
console.log(`warm up (to all nodes Ready): ${stats(ups)}`);
console.log(`down: ${stats(downs)}`);
console.log(`resident memory after up: ${rss}`);
rmSync(process.env.HC_LOCALCLUSTER_DIR, { recursive: true, force: true });
