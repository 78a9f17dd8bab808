// Benchmark (not a test): linting 1,000 objects without a cluster must take under 2 s. Writes one multi-document
// file — Deployments like the docs' win-webserver, Windows Pods with probes and securityContext, Services,
// ConfigMaps, with mistakes in every fourth — and times reading, parsing and linting it in process (the limit
// applies to the slowest round, the first and cold one included; wall and CPU time, since the machine may be
// shared), then the whole CLI and, for comparison, the CLI's start-up alone (`--help`), which is the same for
// every command. Run: node --import tsx scripts/bench-lint.ts [--objects N] [--rounds N]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { lint } from "../lib/lint/engine.js";
import { loadSources } from "../lib/lint/source.js";

const arg = (name: string, def: number) => Number(process.argv[process.argv.indexOf(name) + 1]) || def;
const count = arg("--objects", 1000);
const rounds = arg("--rounds", 5);
const LIMIT_S = 2;

function object(i: number): string {
  const broken = i % 4 === 0;
  switch (i % 4 === 3 ? 3 : i % 3) {
    case 0:
      return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
  labels: {app: web-${i}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web-${i}}}
  template:
    metadata: {labels: {app: web-${i}}}
    spec:
      ${broken ? "" : "os: {name: windows}\n      "}nodeSelector:
        kubernetes.io/os: windows
        node.kubernetes.io/windows-build: '10.0.20348'
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers:
        - name: web
          image: mcr.microsoft.com/windows/servercore:${broken ? "ltsc2019" : "ltsc2022"}
          command: [powershell.exe, -command, "Start-Sleep 3600"]
          ports: [{containerPort: 80}]
          resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: "1", memory: 512Mi}}
`;
    case 1:
      return `apiVersion: v1
kind: Pod
metadata: {name: app-${i}, namespace: shop}
spec:
  os: {name: windows}
  nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: '10.0.26100'}
  securityContext:
    windowsOptions: {runAsUserName: ${broken ? "'svc@contoso.local'" : "ContainerUser"}}
  containers:
    - name: app
      image: mcr.microsoft.com/windows/nanoserver:ltsc2025
      readinessProbe: {exec: {command: [cmd, /c, ver]}, timeoutSeconds: ${broken ? 1 : 5}}
      securityContext: {${broken ? "runAsUser: 1000" : "runAsNonRoot: true"}}
      volumeMounts: [{name: data, mountPath: 'C:\\data'}]
  volumes: [{name: data, emptyDir: {}}]
`;
    case 2:
      return `apiVersion: v1
kind: Service
metadata: {name: svc-${i}}
spec:
  type: NodePort
  selector: {app: web-${i}}
  ports: [{port: 80, targetPort: 80}]
`;
    default:
      return `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg-${i}}
data: {key: value-${i}}
`;
  }
}

const dir = mkdtempSync(join(tmpdir(), "bench-lint-"));
try {
  const file = join(dir, "objects.yaml");
  writeFileSync(file, Array.from({ length: count }, (_, i) => object(i)).join("---\n"));

  const inProcess: number[] = [];
  const cpu: number[] = [];
  let findings = 0;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const sources = loadSources([file]);
    if (sources.length !== count) throw new Error(`parsed ${sources.length} objects, expected ${count}`);
    findings = lint(sources).length;
    inProcess.push((performance.now() - t) / 1000);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1e6);
  }
  const bin = join(import.meta.dirname, "..", "bin", "hybrid-conformance.mjs");
  const wall = (args: string[], status: number) => {
    const t = performance.now();
    const p = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
    if (p.status !== status) throw new Error(`${args.join(" ")} exited ${p.status}, expected ${status}: ${p.stderr.split("\n")[0]}`);
    return (performance.now() - t) / 1000;
  };

  // The input has findings on purpose: lint exits 1.
  const cli = Array.from({ length: rounds }, () => wall(["lint", "-f", file, "-o", "json"], 1));
  const startup = Array.from({ length: rounds }, () => wall(["--help"], 0));

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const worst = Math.max(...inProcess);
  process.stdout.write(
    `${count} objects, ${findings} findings, ${rounds} rounds, load average ${(await import("node:os")).loadavg()[0].toFixed(1)}\n` +
      `  read + parse + lint, in process: median ${median(inProcess).toFixed(3)} s, max ${worst.toFixed(3)} s wall (limit ${LIMIT_S} s); median ${median(cpu).toFixed(3)} s CPU\n` +
      `  whole CLI, lint -o json:         median ${median(cli).toFixed(3)} s wall\n` +
      `  CLI start-up alone (--help):     median ${median(startup).toFixed(3)} s wall\n`,
  );
  if (worst >= LIMIT_S) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
