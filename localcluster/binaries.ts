// Builds the control plane and kwok from the Go modules in localcluster/build/, once per machine:
// the result is cached outside git under a key made of everything the build depends on.
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryCacheRoot, buildModulesDir } from "./paths.js";
import { UserFacingError } from "../lib/errors.js";

const run = promisify(execFile);

export const kubernetesVersion = "v1.36.3";
const [, major, minor] = /^v(\d+)\.(\d+)/.exec(kubernetesVersion)!;

// Without these the binaries report v0.0.0-master; the apiserver's /version must say what it is.
const versionLdflags = [
  "-s",
  "-w",
  ...["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${kubernetesVersion}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ]),
].join(" ");

interface ModuleBuild {
  module: string;
  /** binary name → Go package */
  binaries: Record<string, string>;
  ldflags: string;
  /** Files copied from a module's source into the cache, e.g. kwok's CRDs: module → [relative path → target name]. */
  assets?: { module: string; files: Record<string, string> };
}

const builds: ModuleBuild[] = [
  {
    module: "k8s",
    binaries: {
      etcd: "go.etcd.io/etcd/server/v3",
      "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
      "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
      "kube-scheduler": "k8s.io/kubernetes/cmd/kube-scheduler",
    },
    ldflags: versionLdflags,
  },
  {
    module: "kwok",
    binaries: { kwok: "sigs.k8s.io/kwok/cmd/kwok" },
    ldflags: "-s -w",
    assets: {
      module: "sigs.k8s.io/kwok",
      files: Object.fromEntries(["execs", "logs", "clusterexecs", "clusterlogs"].map((k) => [`kustomize/crd/bases/kwok.x-k8s.io_${k}.yaml`, `crd-${k}.yaml`])),
    },
  },
];

export interface Binaries {
  etcd: string;
  "kube-apiserver": string;
  "kube-controller-manager": string;
  "kube-scheduler": string;
  kwok: string;
  /** kwok's CRD manifests, copied from its module at build time. */
  kwokCrds: string[];
}

async function goVersion(): Promise<string> {
  try {
    const { stdout } = await run("go", ["env", "GOVERSION"]);
    return stdout.trim();
  } catch {
    throw new UserFacingError("the Go toolchain ('go') was not found on PATH: it is needed once per machine to build the local cluster's binaries (Go ≥ 1.26)");
  }
}

function cacheKey(b: ModuleBuild, gover: string): string {
  const dir = join(buildModulesDir, b.module);
  const h = createHash("sha256");
  h.update(readFileSync(join(dir, "go.mod")));
  h.update(readFileSync(join(dir, "go.sum")));
  h.update(JSON.stringify({ gover, b }));
  return h.digest("hex").slice(0, 16);
}

/** Returns the cached binaries, building whatever is missing. `log` reports progress on a cold machine. */
export async function ensureBinaries(log: (line: string) => void = () => {}): Promise<Binaries> {
  const cacheBase = binaryCacheRoot();
  const out: Partial<Binaries> = {};
  let gover: string | undefined;
  for (const b of builds) {
    // The key needs the Go version; probe it only once, and only when there is something to check.
    gover ??= await goVersion();
    const dir = join(cacheBase, `${b.module}-${cacheKey(b, gover)}`);
    if (!existsSync(join(dir, ".complete"))) await buildInto(b, dir, log);
    for (const name of Object.keys(b.binaries)) (out as Record<string, string>)[name] = join(dir, name);
    if (b.assets) out.kwokCrds = Object.values(b.assets.files).map((f) => join(dir, f));
  }
  return out as Binaries;
}

async function buildInto(b: ModuleBuild, dir: string, log: (line: string) => void): Promise<void> {
  const moduleDir = join(buildModulesDir, b.module);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const started = Date.now();
  log(`building ${Object.keys(b.binaries).join(", ")} from ${moduleDir} (first run on this machine; cached afterwards in ${dir})`);
  try {
    for (const [name, pkg] of Object.entries(b.binaries)) {
      await run("go", ["build", "-trimpath", "-ldflags", b.ldflags, "-o", join(tmp, name), pkg], {
        cwd: moduleDir,
        maxBuffer: 64 << 20,
        env: { ...process.env, CGO_ENABLED: "0" },
      });
    }
    if (b.assets) {
      const { stdout } = await run("go", ["list", "-m", "-f", "{{.Dir}}", b.assets.module], { cwd: moduleDir });
      for (const [src, target] of Object.entries(b.assets.files)) cpSync(join(stdout.trim(), src), join(tmp, target));
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const err = e as { stderr?: string; message: string };
    const firstLine = (err.stderr || err.message).split("\n").find((l) => l.trim()) ?? err.message;
    throw new UserFacingError(`building the local cluster's ${b.module} binaries failed: ${firstLine.trim()}`);
  }
  writeFileSync(join(tmp, ".complete"), `${new Date().toISOString()} ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
