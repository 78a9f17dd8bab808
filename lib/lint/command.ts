// `hybrid-conformance lint`: checks Windows workloads' manifests before they reach a cluster. Offline by default;
// --kubeconfig adds the cluster's taints, builds and RuntimeClasses and a server-side dry run of every object.
// Exit 0 clean, 1 findings at or above --fail-on, 2 bad input (one line, from main.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../localcluster/paths.js";
import { Command, InvalidArgumentError, Option } from "commander";
import { UserFacingError } from "../errors.js";
import { assertRuleIds, fails, lint, type Finding } from "./engine.js";
import { formatJson, formatSarif, formatText, OUTPUTS, type OutputFormat } from "./output.js";
import { SEVERITIES, type Severity } from "./rules.js";
import { loadSources } from "./source.js";

interface LintFlags {
  filename: string[];
  output: OutputFormat;
  failOn: Severity;
  disable: string[];
  imageOs: Record<string, string>;
  kubeconfig?: string;
  context?: string;
  dryRun: boolean;
}

const collect = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

function imageOs(v: string, prev: Record<string, string> = {}): Record<string, string> {
  const m = /^([^=]+)=(windows|linux|10\.0\.\d{5})$/.exec(v);
  if (!m) throw new InvalidArgumentError(`expected <image prefix>=windows|linux|<Windows build>, e.g. myregistry.io/app=10.0.20348; got ${JSON.stringify(v)}`);
  return { ...prev, [m[1]]: m[2] };
}

const VERSION = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

export function lintCommand(): Command {
  return new Command("lint")
    .description("check Windows workload manifests (YAML or JSON, multi-document, List objects) for mistakes before they reach a cluster")
    .option("-f, --filename <path>", "file, directory (recursive .yaml/.yml/.json) or - for stdin (repeatable)", collect, [])
    .addOption(new Option("-o, --output <format>", "text, json or sarif").choices(OUTPUTS).default("text"))
    .addOption(new Option("--fail-on <severity>", "exit 1 when a finding is at or above this severity").choices(SEVERITIES).default("error"))
    .option("--disable <rule>", "do not run this rule (repeatable or comma-separated; ids in docs/lint.md)", collect, [])
    .option("--image-os <prefix=os>", "what an image the lint cannot recognise is made for: windows, linux or a Windows build (repeatable)", imageOs, {})
    .option("--kubeconfig <file>", "also check against this cluster: its Windows taints, builds, RuntimeClasses, and a server-side dry run")
    .option("--context <name>", "kubeconfig context to use (with --kubeconfig)")
    .option("--no-dry-run", "with --kubeconfig: read the cluster, but do not send the objects for a server-side dry run")
    .action(async (flags: LintFlags) => {
      process.exitCode = await runLint(flags);
    });
}

async function runLint(flags: LintFlags): Promise<number> {
  assertRuleIds(flags.disable);
  if (flags.context && !flags.kubeconfig)
    throw new UserFacingError(`--context ${flags.context} given without --kubeconfig: lint reads a cluster only when told which`);
  const sources = loadSources(flags.filename);
  // The Kubernetes client is loaded only when a cluster is asked for: offline linting starts faster without it.
  const online = flags.kubeconfig ? { ...(await import("../cluster/kubeconfig.js")), ...(await import("./cluster.js")) } : undefined;
  const kc = online?.loadKubeConfig([flags.kubeconfig!], flags.context);
  const cluster = online && kc ? await online.clusterFacts(kc) : undefined;
  const findings: Finding[] = lint(sources, { disable: flags.disable, imageOS: flags.imageOs, cluster });
  if (online && kc && flags.dryRun && !flags.disable.includes("dry-run-refused"))
    findings.push(...(await online.dryRunFindings(kc, sources, findings, flags.disable)));
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  const out =
    flags.output === "json"
      ? formatJson(findings, sources.length)
      : flags.output === "sarif"
        ? formatSarif(findings, VERSION)
        : formatText(findings, sources.length);
  process.stdout.write(out);
  return fails(findings, flags.failOn) ? 1 : 0;
}
