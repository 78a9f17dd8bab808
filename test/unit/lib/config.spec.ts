// The run config file: its schema holds exactly the run command's options, each value goes through its flag's own
// parser, flags given on the command line win, and every bad file is one line naming the key and the file.
import { expect } from "chai";
import { Command } from "commander";
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../../../lib/cli/run-command.js";
import { runConfigSchema, readConfig } from "../../../lib/cli/config.js";
import { durationMs } from "../../../lib/cli/args.js";

describe("lib/cli config file", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-config-unit-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it("has a key for every run option (and no other)", () => {
    const flags = runCommand()
      .options.map((o) => o.long!.slice(2))
      .filter((f) => f !== "config");
    expect(Object.keys(runConfigSchema.shape).sort()).to.deep.equal(flags.sort());
  });

  it("fills options from the file through the flags' parsers; command-line flags override it", async () => {
    const f = file(
      "ok.yaml",
      "suite: all\ncategory: [Core.Nodes, Core.Network]\nretries: 2\ntimeout-scale: 0.5\nregistry: {mcr.microsoft.com: registry.local/mcr}\nreport-dir: out\nkeep-on-failure: true\n",
    );
    let seen: Record<string, unknown> = {};
    const cmd = runCommand();
    cmd.action((o: Record<string, unknown>) => void (seen = o));
    await new Command().addCommand(cmd).parseAsync(["node", "x", "run", "--config", f, "--retries", "1"]);
    expect(seen).to.include({ suite: "all", retries: 1, timeoutScale: 0.5, keepOnFailure: true, reportDir: join(dir, "out") });
    expect(seen.category).to.deep.equal(["Core.Nodes", "Core.Network"]);
    expect(seen.registry).to.deep.equal(["mcr.microsoft.com=registry.local/mcr"]);
  });

  it("names the key and the file for an unknown key, a wrong type, a bad value; YAML errors and a missing file are one line", () => {
    const cases: [string, RegExp][] = [
      [file("unknown.yaml", "suite: all\nparalel: 4\n"), /config file .*unknown\.yaml: unknown key "paralel"/],
      [file("type.yaml", "retries: two\n"), /config file .*type\.yaml: key "retries": expected number, got string "two"/],
      [file("bool.yaml", "keep-on-failure: {a: 1}\n"), /config file .*bool\.yaml: key "keep-on-failure": expected boolean, got a mapping/],
      [file("choice.yaml", "suite: weekly\n"), /config file .*choice\.yaml: key "suite": expected one of core, extended, all, got string "weekly"/],
      [file("syntax.yaml", "suite: [core\n"), /config file .*syntax\.yaml is not valid YAML: /],
      [file("list.yaml", "- suite\n"), /config file .*list\.yaml: expected a mapping of run options/],
      [join(dir, "missing.yaml"), /config file .*missing\.yaml: no such file/],
    ];
    for (const [f, re] of cases) {
      expect(() => readConfig(f), f).to.throw(re);
      try {
        readConfig(f);
      } catch (e) {
        expect((e as Error).message.split("\n")).to.have.length(1);
        expect((e as { exitCode?: number }).exitCode).to.equal(2);
      }
    }
  });

  it("accepts the commented example in examples/ (every option it shows, uncommented, too)", () => {
    expect(readConfig("examples/hybrid-conformance.yaml")).to.include({ suite: "all", "report-dir": "reports/nightly" });
    const uncommented = readFileSync("examples/hybrid-conformance.yaml", "utf8")
      .replace(/^# ([a-z-]+:)/gm, "$1")
      .replace(/^#( {2,}\S)/gm, "$1");
    const all = readConfig(file("uncommented.yaml", uncommented.replace(/^(runtime-class|credspec|rerun-failed|baseline|kubeconfig):.*\n/gm, "")));
    expect(Object.keys(all).length).to.be.greaterThan(15);
  });

  it("parses durations for cleanup --older-than", () => {
    expect(durationMs("0s")).to.equal(0);
    expect(durationMs("2h")).to.equal(7_200_000);
    expect(durationMs("1h30m")).to.equal(5_400_000);
    expect(() => durationMs("2 hours")).to.throw(/expected a duration/);
    expect(() => durationMs("h")).to.throw(/expected a duration/);
  });
});
