// `hybrid-conformance run` and `list`: select suites, find the cluster (the embedded one by default),
// preflight it, run the suites, write the reports, and exit 0 / 1 / 2 / 3.
import { Command, Option, InvalidArgumentError } from "commander";
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { catalogue, select } from "../../suites/index.js";
import { kubeconfigFiles, loadKubeConfig } from "../cluster/kubeconfig.js";
import { discover, assertTestable } from "../preflight/discover.js";
import { assertAllowed, permissionsFor } from "../preflight/access.js";
import { setRunContext, type RunOptions } from "../run/context.js";
import { runMocha, type TestOutcome } from "../run/mocha-runner.js";
import { sweepRun, leftovers } from "../run/cleanup.js";
import { assertWritableDir, assertWritableFileLocation } from "./paths.js";
import { resilient } from "../cluster/resilient.js";
import { configureOutage, resetOutage, onFatal, fatalError, defaultOutageWindowMs } from "../cluster/outage.js";
import { junitXml } from "../report/junit.js";
import { writeAllureExtras, generateHtml, finalizeResults } from "../report/allure.js";
import { up, down, liveness } from "../../localcluster/cluster.js";
import { UserFacingError } from "../errors.js";
import { readCredSpecFile } from "../checks/gmsa.js";

const categories = catalogue.map((c) => c.category);
const info = (l: string) => process.stderr.write(l + "\n");

function positive(v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a positive number, got ${JSON.stringify(v)}`);
  return n;
}
function category(v: string, prev: string[] = []): string[] {
  if (!categories.includes(v)) throw new InvalidArgumentError(`unknown category ${JSON.stringify(v)} (known: ${categories.join(", ")})`);
  return [...prev, v];
}
function dnsLabel(what: string, max: number) {
  return (v: string): string => {
    if (v.length > max || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v)) throw new InvalidArgumentError(`expected ${what} (lowercase letters, digits and '-', at most ${max}), got ${JSON.stringify(v)}`);
    return v;
  };
}
function dnsSubdomain(v: string): string {
  if (v.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v)) throw new InvalidArgumentError(`expected a RuntimeClass name (a DNS subdomain), got ${JSON.stringify(v)}`);
  return v;
}
function credspecFile(v: string): string {
  try {
    readCredSpecFile(v); // never echoes the contents
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return resolve(v);
}
function build(v: string): string {
  if (!/^10\.0\.\d{5}$/.test(v)) throw new InvalidArgumentError(`expected a Windows build like 10.0.20348, got ${JSON.stringify(v)}`);
  return v;
}

interface RunFlags {
  kubeconfig?: string;
  context?: string;
  local?: boolean;
  suite: "core" | "extended" | "all";
  category?: string[];
  grep?: string;
  windowsBuild?: string;
  reportDir: string;
  keepOnFailure?: boolean;
  timeoutScale?: number;
  registry?: string[];
  externalUrl?: string;
  airGapped?: boolean;
  retries?: number;
  failOnFlaky?: boolean;
  rerunFailed?: string;
  historyFile?: string;
  runtimeHandler?: string;
  runtimeClass?: string;
  requireLoadBalancer?: boolean;
  credspec?: string;
  apiOutageWindow?: number;
}

/** Cleanup's own budget once the run ended on an infrastructure error: one more short try, then name the leftovers. */
const cleanupAfterOutageMs = 5_000;

export function runCommand(): Command {
  return new Command("run")
    .description("run the conformance suites against a cluster (the embedded local cluster when no kubeconfig is given or found)")
    .option("--kubeconfig <file>", "kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)")
    .option("--context <name>", "kubeconfig context to use")
    .option("--local", "target the embedded local cluster (started if needed, stopped afterwards if this run started it)")
    .addOption(new Option("--suite <suite>", "which suites").choices(["core", "extended", "all"]).default("core"))
    .option("--category <name>", `only this category (repeatable): ${categories.join(", ")}`, category)
    .option("--grep <regex>", "only tests whose title matches")
    .option("--windows-build <build>", "test this Windows build only (e.g. 10.0.26100)", build)
    .option("--report-dir <dir>", "where allure-results/, the HTML report, junit.xml and summary.json go", "reports/latest")
    .option("--keep-on-failure", "keep a failed test's namespace for inspection")
    .option("--timeout-scale <n>", "multiply every wait budget (default 1; 0.2 on the local cluster)", positive)
    .option("--registry <from=to>", "registry override, e.g. mcr.microsoft.com=registry.local/mcr (repeatable)", (v: string, p: string[] = []) => {
      if (!/^[^=]+=[^=]+$/.test(v)) throw new InvalidArgumentError(`expected from=to, got ${JSON.stringify(v)}`);
      return [...p, v];
    })
    .option("--external-url <url>", "egress target reached from inside Windows pods", "http://www.example.com/")
    .option("--air-gapped", "the cluster has no egress: egress checks are skipped with that reason")
    .option("--retries <n>", "re-run a failed test up to n times in a fresh namespace; a pass on retry is reported flaky", (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError(`expected an integer 0..10, got ${JSON.stringify(v)}`);
      return n;
    })
    .option("--fail-on-flaky", "exit 1 when a test passed only on retry (release sign-off: a flaky node pool is not signed off)")
    .option("--rerun-failed <summary.json>", "run only the tests that failed (or were flaky) in that earlier run")
    .option("--history-file <file>", "Allure history (JSONL) carried across runs for trends (default: <report-dir>/history.jsonl)")
    .option("--runtime-handler <name>", "Extend.RuntimeClass: handler of the RuntimeClasses the harness creates (default runhcs-wcow-process)", dnsLabel("a RuntimeClass handler", 63))
    .option("--runtime-class <name>", "Extend.RuntimeClass: test this existing RuntimeClass instead of creating one per Windows build", dnsSubdomain)
    .option("--require-load-balancer", "Extend.RuntimeClass: fail (rather than skip) when a LoadBalancer Service gets no external address")
    .option("--credspec <file>", "Extend.ActiveDirectory: credential spec of a real domain (New-CredentialSpec JSON or a GMSACredentialSpec manifest); default: a synthetic one", credspecFile)
    .option("--api-outage-window <seconds>", `how long the API server may be unreachable before the run ends as an infrastructure error (exit 2; default ${defaultOutageWindowMs / 1000})`, positive)
    .action(async (flags: RunFlags) => {
      process.exitCode = await run(flags);
    });
}

export function listCommand(): Command {
  return new Command("list")
    .description("list what would run, with categories, without touching a cluster")
    .addOption(new Option("--suite <suite>", "which suites").choices(["core", "extended", "all"]).default("core"))
    .option("--category <name>", "only this category (repeatable)", category)
    .option("--grep <regex>", "only tests whose title matches")
    .action(async (flags: { suite: "core" | "extended" | "all"; category?: string[]; grep?: string }) => {
      const entries = select(flags.suite, flags.category ?? []);
      const r = await runMocha({ files: entries.map((e) => e.file), grep: flags.grep, dryRun: true });
      for (const e of entries) {
        const tests = r.outcomes.filter((o) => o.category === e.category);
        process.stdout.write(`${e.category} (${e.suite}, ${tests.length} tests) — ${e.description}\n`);
        for (const t of tests) process.stdout.write(`  ${t.fullTitle.split(" › ").slice(1).join(" › ")}\n`);
      }
    });
}

async function target(flags: RunFlags): Promise<{ kc: k8s.KubeConfig; local: boolean; startedLocal: boolean }> {
  const files = flags.local ? [] : kubeconfigFiles(flags);
  if (!files.length) {
    if (flags.context) throw new UserFacingError(`--context ${flags.context} given, but no kubeconfig was given or found`);
    const already = (await liveness()).state === "up";
    const r = await up({ log: info });
    localKubeconfig = r.kubeconfig;
    if (!r.alreadyRunning) info(`started the embedded local cluster (real control plane, simulated nodes): ${r.kubeconfig}`);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(r.kubeconfig);
    return { kc, local: true, startedLocal: !already };
  }
  const kc = loadKubeConfig(files, flags.context);
  return { kc, local: kc.getCurrentContext() === "hybrid-local", startedLocal: false };
}

async function run(flags: RunFlags): Promise<number> {
  const only = flags.rerunFailed ? failedIn(flags.rerunFailed) : undefined;
  const entries = select(flags.suite, flags.category ?? []).filter((e) => !only || only.some((t) => t.startsWith(`${e.category} › `)));
  if (only && !only.length) {
    info(`nothing to re-run: ${flags.rerunFailed} records no failed test`);
    return 0;
  }
  if (!entries.length) throw new UserFacingError(`no suite matches --suite ${flags.suite}${flags.category ? ` --category ${flags.category.join(",")}` : ""}`);
  if (flags.runtimeHandler && flags.runtimeClass)
    throw new UserFacingError("--runtime-handler sets the handler of the RuntimeClasses the harness creates; with --runtime-class the existing RuntimeClass's own handler is used: give one of them");
  // Before any cluster contact: a path that cannot be written fails now, not after the run.
  const reportDir = assertWritableDir("--report-dir", flags.reportDir);
  if (flags.historyFile) assertWritableFileLocation("--history-file", flags.historyFile);
  const { kc, local, startedLocal } = await target(flags);
  let interrupted = false;
  try {
    const caps = await discover(kc, local);
    assertTestable(caps, flags.windowsBuild);
    if (flags.runtimeClass && !caps.runtimeClasses.some((r) => r.name === flags.runtimeClass))
      throw new UserFacingError(`--runtime-class ${flags.runtimeClass}: no such RuntimeClass on the cluster (found: ${caps.runtimeClasses.map((r) => r.name).join(", ") || "none"})`);
    const extended = entries.some((e) => e.suite === "extended");
    await assertAllowed(kc, permissionsFor(extended));
    const runId = `r${Date.now().toString(36)}`;
    // From here on every API call follows the outage window; the preflight above fails fast instead.
    resetOutage(flags.apiOutageWindow !== undefined ? flags.apiOutageWindow * 1000 : defaultOutageWindowMs);
    configureOutage({ server: caps.server.url });
    resilient(kc);
    const options: RunOptions = {
      suite: flags.suite,
      categories: flags.category ?? [],
      grep: flags.grep,
      windowsBuild: flags.windowsBuild,
      reportDir,
      keepOnFailure: !!flags.keepOnFailure,
      timeoutScale: flags.timeoutScale ?? (local ? 0.2 : 1),
      registryOverrides: Object.fromEntries((flags.registry ?? []).map((r) => r.split("=") as [string, string])),
      externalUrl: flags.airGapped ? undefined : flags.externalUrl,
      extended: { runtimeHandler: flags.runtimeHandler, runtimeClass: flags.runtimeClass, requireLoadBalancer: !!flags.requireLoadBalancer, credspecFile: flags.credspec },
    };
    setRunContext({ runId, kc, caps, options });
    const resultsDir = join(reportDir, "allure-results");
    // allure-mocha never empties its directory: a report must only show this run.
    rmSync(resultsDir, { recursive: true, force: true });
    mkdirSync(resultsDir, { recursive: true });
    info(`run ${runId}: ${entries.map((e) => e.category).join(", ")} against ${caps.context} (${caps.server.gitVersion}; Windows builds ${caps.windowsBuilds.join(", ")})`);

    // SIGINT/SIGTERM: stop after the current test, remove everything this run created, exit 3.
    let runner: { abort(): void } | undefined;
    let sweeping: Promise<unknown> | undefined;
    const onSignal = (sig: string) => {
      if (interrupted) {
        info(`${sig} again: leaving now; remove leftovers with: kubectl delete ns -l hybrid-conformance.io/run=${runId}`);
        process.exit(3);
      }
      interrupted = true;
      info(`${sig}: stopping after the current step and cleaning up run ${runId}…`);
      runner?.abort();
      sweeping = sweepRun(kc, runId, 120_000, extended);
    };
    const handlers = { SIGINT: () => onSignal("SIGINT"), SIGTERM: () => onSignal("SIGTERM") };
    process.on("SIGINT", handlers.SIGINT);
    process.on("SIGTERM", handlers.SIGTERM);
    // API gone past the window or permissions lost: stop after the current test (which fails as broken).
    const stopOnFatal = onFatal(() => runner?.abort());
    const started = Date.now();
    const result = await runMocha({ files: entries.map((e) => e.file), grep: flags.grep, only, retries: flags.retries, resultsDir, onRunner: (r) => (runner = r) });
    stopOnFatal();
    if (sweeping) await sweeping;
    // Whatever a test still left (an interrupt mid-test, a crashed hook) goes now; after an infrastructure
    // error, cleanup gets its own short budget and names what it could not remove.
    const infra = fatalError();
    if (infra) resetOutage(cleanupAfterOutageMs);
    const swept = await sweepRun(kc, runId, infra ? cleanupAfterOutageMs : 120_000, extended);
    const left = leftovers(kubectlFor(flags, kc, local));
    if (swept.problems.length) info(`warning: cleanup of run ${runId} incomplete: ${swept.problems.join("; ")}`);
    for (const l of left) info(`leftover: ${l.kind} ${l.namespace ? `${l.namespace}/` : ""}${l.name}; remove with: ${l.command}`);
    process.off("SIGINT", handlers.SIGINT);
    process.off("SIGTERM", handlers.SIGTERM);

    const failed = result.outcomes.some((o) => o.state === "failed" || (flags.failOnFlaky && o.state === "flaky"));
    const code = infra ? 2 : interrupted ? 3 : failed ? 1 : 0;
    writeReports(reportDir, result.outcomes, { runId, caps, code, started, interrupted, infrastructureError: infra?.message, leftovers: left });
    writeAllureExtras(resultsDir, caps, runId);
    finalizeResults(resultsDir, result.outcomes.filter((o) => o.state === "flaky").map((o) => o.fullTitle));
    const html = join(reportDir, "html");
    await generateHtml(resultsDir, html, `hybrid-conformance ${caps.context}`, resolve(flags.historyFile ?? join(reportDir, "history.jsonl"))).catch((e) =>
      info(`the HTML report could not be generated: ${(e as Error).message.split("\n")[0]}`),
    );
    const c = count(result.outcomes);
    info(`${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.flaky ? `, ${c.flaky} flaky` : ""}${c.broken ? `, ${c.broken} broken (infrastructure)` : ""}${interrupted ? " (interrupted)" : ""} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    info(`report: ${existsSync(join(html, "index.html")) ? join(html, "index.html") : "(no HTML)"}; junit: ${join(reportDir, "junit.xml")}; summary: ${join(reportDir, "summary.json")}`);
    if (infra) throw new UserFacingError(infra.message);
    return code;
  } finally {
    setRunContext(undefined);
    if (startedLocal) await down().catch(() => undefined);
  }
}

export function count(outcomes: TestOutcome[]) {
  return {
    passed: outcomes.filter((o) => o.state === "passed").length,
    failed: outcomes.filter((o) => o.state === "failed").length,
    skipped: outcomes.filter((o) => o.state === "skipped").length,
    flaky: outcomes.filter((o) => o.state === "flaky").length,
    broken: outcomes.filter((o) => o.state === "broken").length,
  };
}

/** Full titles of the tests that failed (or only passed on retry) in an earlier run's summary.json. */
function failedIn(file: string): string[] {
  let summary: { tests?: TestOutcome[] };
  try {
    summary = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UserFacingError(`--rerun-failed ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not a summary.json written by hybrid-conformance"}`);
  }
  if (!Array.isArray(summary.tests)) throw new UserFacingError(`--rerun-failed ${file}: not a summary.json written by hybrid-conformance (no "tests")`);
  return summary.tests.filter((t) => t.state === "failed" || t.state === "flaky").map((t) => t.fullTitle);
}

/** The kubectl invocation that reaches the cluster this run used (for the leftovers' commands). */
function kubectlFor(flags: RunFlags, kc: k8s.KubeConfig, local: boolean): string {
  const file = flags.kubeconfig ?? (local && !kubeconfigFiles(flags).length ? localKubeconfig : undefined);
  return `kubectl${file ? ` --kubeconfig ${file}` : ""} --context ${kc.getCurrentContext()}`;
}
let localKubeconfig: string | undefined;

function writeReports(
  dir: string,
  outcomes: TestOutcome[],
  meta: { runId: string; caps: import("../preflight/types.js").Capabilities; code: number; started: number; interrupted: boolean; infrastructureError?: string; leftovers: import("../run/cleanup.js").Leftover[] },
) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "junit.xml"), junitXml(outcomes));
  const summary = {
    runId: meta.runId,
    startedAt: new Date(meta.started).toISOString(),
    durationMs: Date.now() - meta.started,
    exitCode: meta.code,
    interrupted: meta.interrupted,
    ...(meta.infrastructureError ? { infrastructureError: meta.infrastructureError } : {}),
    counts: count(outcomes),
    leftovers: meta.leftovers,
    cluster: {
      context: meta.caps.context,
      server: meta.caps.server.url,
      version: meta.caps.server.gitVersion,
      local: meta.caps.local,
      nodes: meta.caps.nodes.map((n) => ({ name: n.name, os: n.os, build: n.build, ready: n.ready, runtime: n.containerRuntimeVersion })),
    },
    tests: outcomes,
  };
  writeFileSync(join(dir, "summary.json"), JSON.stringify(summary, null, 2));
}
