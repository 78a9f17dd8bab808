// `hybrid-conformance run` and `list`: the flags, then the run's phases (lib/run/plan, target, lib/preflight,
// lib/run/execute, lib/report/reporter), and exit 0 / 1 / 2 / 3.
import { Command, Option } from "commander";
import { join, resolve } from "node:path";
import { catalogue, select } from "../../suites/index.js";
import type { RunOptions } from "../run/context.js";
import { runMocha } from "../run/mocha-runner.js";
import { plan } from "../run/plan.js";
import { target } from "../run/target.js";
import { preflight } from "../preflight/preflight.js";
import { execute } from "../run/execute.js";
import { defaultParallelism } from "../run/parallel.js";
import { report, defaultReporters, type Reporter } from "../report/reporter.js";
import { UserFacingError } from "../errors.js";
import { withConfigFile } from "./config.js";
import { describePools } from "../pools/pools.js";
import { passesFor } from "../pools/passes.js";
import type { LabelSelector } from "../pools/selector.js";
import { readSummary, compareRuns } from "../report/compare.js";
import { assertWritableDir, assertWritableFileLocation } from "./paths.js";
import { defaultOutageWindowMs } from "../cluster/outage.js";
import { prepullPlan } from "../prepull/phase.js";
import { build, category, credspecFile, dnsLabel, dnsSubdomain, parallelArg, positive, registryOverride, retriesArg, windowsNodesArg } from "./args.js";
import { parseAutoscaledPool, type AutoscaledPool } from "../pools/autoscaled.js";

const categories = catalogue.map((c) => c.category);
const info = (l: string) => process.stderr.write(l + "\n");

interface RunFlags {
  logmonitorImage?: string;
  kubeconfig?: string;
  context?: string;
  local?: boolean;
  profile?: string;
  suite: "core" | "extended" | "all";
  category?: string[];
  grep?: string;
  windowsBuild?: string;
  windowsNodes?: LabelSelector;
  autoscaledPool?: AutoscaledPool[];
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
  baseline?: string;
  parallel?: number;
  apiOutageWindow?: number;
  prepull?: boolean;
}

export function runCommand(): Command {
  return withConfigFile(new Command("run"))
    .description("run the conformance suites against a cluster (the embedded local cluster when no kubeconfig is given or found)")
    .option("--kubeconfig <file>", "kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)")
    .option("--context <name>", "kubeconfig context to use")
    .option("--local", "target the embedded local cluster (started if needed, stopped afterwards if this run started it)")
    .option("--profile <name>", "layout of the local cluster this run starts: docs (default), aks, gke, eks, kubeadm, autoscaled")
    .addOption(new Option("--suite <suite>", "which suites").choices(["core", "extended", "all"]).default("core"))
    .option("--category <name>", `only this category (repeatable): ${categories.join(", ")}`, category(categories))
    .option("--grep <regex>", "only tests whose title matches")
    .option("--windows-build <build>", "test this Windows build only (e.g. 10.0.26100)", build)
    .option(
      "--windows-nodes <selector>",
      "test one Windows node pool: a label selector (e.g. agentpool=win25); every Windows pod lands on it and node checks judge only it (default: every discovered pool, one pass each)",
      windowsNodesArg,
    )
    .option(
      "--autoscaled-pool <spec>",
      "a Windows pool that scales from zero (repeatable): build=10.0.20348[,taint=os=windows:NoSchedule][,label=agentpool=win22]; with no Ready node it is grown by one (TriggeredScaleUp, then the node Ready) before the tests",
      parseAutoscaledPool,
    )
    .option("--report-dir <dir>", "where allure-results/, the HTML report, junit.xml and summary.json go", "reports/latest")
    .option("--keep-on-failure", "keep a failed test's namespace for inspection")
    .option("--timeout-scale <n>", "multiply every wait budget (default 1; 0.2 on the local cluster)", positive)
    .option("--registry <from=to>", "registry override, e.g. mcr.microsoft.com=registry.local/mcr (repeatable)", registryOverride)
    .option("--external-url <url>", "egress target reached from inside Windows pods", "http://www.example.com/")
    .option("--air-gapped", "the cluster has no egress: egress checks are skipped with that reason")
    .option("--retries <n>", "re-run a failed test up to n times in a fresh namespace; a pass on retry is reported flaky", retriesArg)
    .option("--fail-on-flaky", "exit 1 when a test passed only on retry (release sign-off: a flaky node pool is not signed off)")
    .option("--rerun-failed <summary.json>", "run only the tests that failed (or were flaky) in that earlier run")
    .option(
      "--baseline <summary.json>",
      "compare with this earlier run (regressions, fixes, new/removed/slower tests, changed cluster facts); exit 1 on a regression",
    )
    .option("--history-file <file>", "Allure history (JSONL) carried across runs for trends (default: <report-dir>/history.jsonl)")
    .option(
      "--runtime-handler <name>",
      "Extend.RuntimeClass: handler of the RuntimeClasses the harness creates (default runhcs-wcow-process)",
      dnsLabel("a RuntimeClass handler", 63),
    )
    .option("--runtime-class <name>", "Extend.RuntimeClass: test this existing RuntimeClass instead of creating one per Windows build", dnsSubdomain)
    .option("--require-load-balancer", "Extend.RuntimeClass: fail (rather than skip) when no load-balancer controller acts on a LoadBalancer Service")
    .option(
      "--logmonitor-image <image>",
      "Core.Logs: a Windows image that carries C:\\LogMonitor\\LogMonitor.exe (no Microsoft image does); without it the LogMonitor test is skipped",
    )
    .option(
      "--credspec <file>",
      "Extend.ActiveDirectory: credential spec of a real domain (New-CredentialSpec JSON or a GMSACredentialSpec manifest); default: a synthetic one",
      credspecFile,
    )
    .option(
      "--parallel <n>",
      "run n tests at once, each in its own namespace (default: 2 per schedulable Windows node, at most 8; with the embedded local cluster at most 1 per 2 CPUs; 1 = one at a time)",
      parallelArg,
    )
    .option(
      "--api-outage-window <seconds>",
      `how long the API server may be unreachable before the run ends as an infrastructure error (exit 2; default ${defaultOutageWindowMs / 1000})`,
      positive,
    )
    .option("--prepull", "pull every image the tests use on every targeted node first (a DaemonSet per Windows build), so no test waits on a pull")
    .action(async (flags: RunFlags) => {
      process.exitCode = await run(flags);
    });
}

export function listCommand(): Command {
  return new Command("list")
    .description("list what would run, with categories, without touching a cluster")
    .addOption(new Option("--suite <suite>", "which suites").choices(["core", "extended", "all"]).default("core"))
    .option("--category <name>", "only this category (repeatable)", category(categories))
    .option("--grep <regex>", "only tests whose title matches")
    .option("--sensitivity", "for each check, the faults proven to break it (targeted or blanket; docs/sensitivity.md)")
    .addOption(new Option("--compare <tool>", "instead: another tool's test cases beside the checks that cover them").choices(["wor"]))
    .action(async (flags: { suite: "core" | "extended" | "all"; category?: string[]; grep?: string; sensitivity?: boolean; compare?: "wor" }) => {
      if (flags.compare) return void process.stdout.write((await import("../compare/wor.js")).worTable() + "\n");
      const entries = select(flags.suite, flags.category ?? []);
      if (flags.sensitivity) {
        const { sensitivityListing } = await import("../../sensitivity/matrix.js");
        process.stdout.write(await sensitivityListing(entries, flags.grep));
        return;
      }
      const r = await runMocha({ files: entries.map((e) => e.file), grep: flags.grep, dryRun: true });
      for (const e of entries) {
        const tests = r.outcomes.filter((o) => o.category === e.category);
        process.stdout.write(`${e.category} (${e.suite}, ${tests.length} tests) — ${e.description}\n`);
        for (const t of tests) process.stdout.write(`  ${t.fullTitle.split(" › ").slice(1).join(" › ")}\n`);
      }
    });
}

/** Flags → the options the suites read (lib/run/context.ts). */
function runOptions(flags: RunFlags, reportDir: string): RunOptions {
  return {
    suite: flags.suite,
    categories: flags.category ?? [],
    grep: flags.grep,
    windowsBuild: flags.windowsBuild,
    reportDir,
    keepOnFailure: !!flags.keepOnFailure,
    timeoutScale: flags.timeoutScale,
    registryOverrides: Object.fromEntries((flags.registry ?? []).map((r) => r.split("=") as [string, string])),
    externalUrl: flags.airGapped ? undefined : flags.externalUrl,
    logMonitorImage: flags.logmonitorImage,
    extended: {
      runtimeHandler: flags.runtimeHandler,
      runtimeClass: flags.runtimeClass,
      requireLoadBalancer: !!flags.requireLoadBalancer,
      credspecFile: flags.credspec,
    },
  };
}

/** plan → target → preflight → execute → report. */
async function run(flags: RunFlags, reporters: Reporter[] = defaultReporters): Promise<number> {
  const p = plan({ suite: flags.suite, categories: flags.category ?? [], rerunFailed: flags.rerunFailed }, info);
  if (!p) return 0;
  if (flags.runtimeHandler && flags.runtimeClass)
    throw new UserFacingError(
      "--runtime-handler sets the handler of the RuntimeClasses the harness creates; with --runtime-class the existing RuntimeClass's own handler is used: give one of them",
    );
  // Before any cluster contact: a report path that cannot be written fails now, in one line.
  const reportDir = assertWritableDir("--report-dir", flags.reportDir);
  if (flags.historyFile) assertWritableFileLocation("--history-file", flags.historyFile);
  // Read now: the baseline may be the summary.json this run is about to overwrite.
  const baseline = flags.baseline ? readSummary(flags.baseline, "--baseline") : undefined;
  const t = await target(flags, info);
  try {
    const extended = p.entries.some((e) => e.suite === "extended");
    const options = runOptions(flags, reportDir);
    const caps = await preflight(t.kc, {
      local: t.local,
      windowsBuild: flags.windowsBuild,
      windowsNodes: flags.windowsNodes,
      runtimeClass: flags.runtimeClass,
      extended,
      autoscaledPools: flags.autoscaledPool,
      timeoutScale: flags.timeoutScale,
      registryOverrides: options.registryOverrides,
      info,
    });
    for (const l of describePools(caps)) info(l);
    const paths = {
      dir: reportDir,
      allureResults: join(reportDir, "allure-results"),
      historyFile: resolve(flags.historyFile ?? join(reportDir, "history.jsonl")),
    };
    const passes = passesFor(caps, flags.windowsBuild);
    const result = await execute(
      {
        kc: t.kc,
        caps,
        options,
        prepull: flags.prepull ? prepullPlan(p.entries, passes, options) : undefined,
        entries: p.entries,
        passes,
        only: p.only,
        retries: flags.retries,
        failOnFlaky: !!flags.failOnFlaky,
        allureResults: paths.allureResults,
        parallel: flags.parallel ?? defaultParallelism(caps),
        outageWindowMs: (flags.apiOutageWindow ?? defaultOutageWindowMs / 1000) * 1000,
        extended,
        kubectl: `kubectl${flags.kubeconfig ? ` --kubeconfig ${flags.kubeconfig}` : t.kubeconfigFile ? ` --kubeconfig ${t.kubeconfigFile}` : ""} --context ${t.kc.getCurrentContext()}`,
      },
      info,
    );
    if (baseline) result.comparison = compareRuns(baseline, { runId: result.runId, tests: result.outcomes, record: result.record });
    await report(result, paths, reporters);
    // The cluster, not the product, ended the run: one line, exit 2 (the reports above are written).
    if (result.infrastructureError) throw new UserFacingError(result.infrastructureError);
    return result.comparison?.regressions.length ? Math.max(result.exitCode, 1) : result.exitCode;
  } finally {
    await t.release();
  }
}
