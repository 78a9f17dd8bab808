// `run --config FILE` (or $HYBRID_CONFORMANCE_CONFIG): a YAML file holding `run` options, for nightly CI and
// in-cluster Jobs. Its keys are the flags' names without the dashes (`report-dir: reports/nightly`); a repeatable
// flag takes a list, `registry` a map from → to. The schema checks types (zod); every value then goes through the
// very parser its flag uses, so a file and a command line accept exactly the same values. Flags given on the
// command line override the file. Relative paths in the file are relative to the file.
import { type Command, Option, InvalidArgumentError } from "commander";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import yaml from "js-yaml";
import { z } from "zod";
import { UserFacingError } from "../errors.js";

const text = z.string().min(1);
const list = z.union([text, z.array(text)]);

export const runConfigSchema = z
  .object({
    kubeconfig: text,
    context: text,
    local: z.boolean(),
    profile: text,
    suite: z.enum(["core", "extended", "all"]),
    category: list,
    grep: text,
    "windows-build": text,
    "windows-nodes": text,
    "autoscaled-pool": list,
    "report-dir": text,
    "keep-on-failure": z.boolean(),
    "timeout-scale": z.number(),
    registry: z.record(text, text),
    "external-url": text,
    "air-gapped": z.boolean(),
    retries: z.number(),
    "fail-on-flaky": z.boolean(),
    "rerun-failed": text,
    "history-file": text,
    baseline: text,
    "runtime-handler": text,
    "runtime-class": text,
    "require-load-balancer": z.boolean(),
    credspec: text,
    parallel: z.number(),
    "api-outage-window": z.number(),
    prepull: z.boolean(),
    "logmonitor-image": text,
  })
  .partial()
  .strict();

export type RunConfig = z.infer<typeof runConfigSchema>;

/** Keys whose values are paths: resolved against the config file's directory. */
const pathKeys = new Set(["kubeconfig", "report-dir", "rerun-failed", "history-file", "baseline", "credspec"]);

/** Adds `--config` to the run command and, before its action, fills in every option not given on the command line. */
export function withConfigFile(cmd: Command): Command {
  cmd.addOption(
    new Option("--config <file>", "YAML file with run options (keys are the flag names, e.g. `suite: all`); flags override it").env(
      "HYBRID_CONFORMANCE_CONFIG",
    ),
  );
  cmd.hook("preAction", (c) => {
    const file = c.getOptionValue("config") as string | undefined;
    if (file) applyConfig(c, file, readConfig(file));
  });
  return cmd;
}

export function readConfig(file: string): RunConfig {
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (e) {
    throw new UserFacingError(`config file ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = yaml.load(raw);
  } catch (e) {
    throw new UserFacingError(`config file ${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc === undefined || doc === null) return {};
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new UserFacingError(
      `config file ${file}: expected a mapping of run options (e.g. \`suite: all\`), got ${Array.isArray(doc) ? "a list" : typeof doc}`,
    );
  const r = runConfigSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue.code === "unrecognized_keys")
      throw new UserFacingError(
        `config file ${file}: unknown key "${issue.keys[0]}" (run \`hybrid-conformance run --help\` for the options; keys are the flag names without --)`,
      );
    const key = String(issue.path[0]);
    const got = (doc as Record<string, unknown>)[key];
    const expected = issue.code === "invalid_type" ? issue.expected : issue.code === "invalid_value" ? `one of ${issue.values.join(", ")}` : issue.message;
    throw new UserFacingError(`config file ${file}: key "${key}": expected ${expected}, got ${describe(got)}`);
  }
  return r.data;
}

const describe = (v: unknown) => (Array.isArray(v) ? "a list" : v === null ? "null" : typeof v === "object" ? "a mapping" : `${typeof v} ${JSON.stringify(v)}`);

/** Sets each file value through its flag's own parser, unless the flag was given on the command line. */
function applyConfig(cmd: Command, file: string, config: RunConfig): void {
  for (const [key, value] of Object.entries(config) as [string, unknown][]) {
    const opt = cmd.options.find((o) => o.long === `--${key}`);
    if (!opt) throw new UserFacingError(`config file ${file}: unknown key "${key}"`); // schema and flags disagree: caught by a unit test
    const attr = opt.attributeName();
    if (cmd.getOptionValueSource(attr) === "cli") continue;
    const strings =
      key === "registry"
        ? Object.entries(value as Record<string, string>).map(([f, t]) => `${f}=${t}`)
        : Array.isArray(value)
          ? value.map(String)
          : [String(value)];
    let parsed: unknown = opt.isBoolean() ? value : undefined;
    if (!opt.isBoolean()) {
      try {
        for (const s of strings) {
          const v = pathKeys.has(key) ? resolve(dirname(file), s) : s;
          if (opt.argChoices && !opt.argChoices.includes(v))
            throw new InvalidArgumentError(`expected one of ${opt.argChoices.join(", ")}, got ${JSON.stringify(v)}`);
          parsed = opt.parseArg ? opt.parseArg(v, parsed as never) : v;
        }
      } catch (e) {
        throw new UserFacingError(`config file ${file}: key "${key}": ${(e as Error).message}`);
      }
    }
    cmd.setOptionValueWithSource(attr, parsed, "config");
  }
}
