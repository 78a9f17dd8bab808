// Every command's --help ends with an example; --version prints package.json's version.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { buildProgram } from "../../../lib/cli/program.js";
import { commandsWithoutExample, version } from "../../../lib/cli/help.js";

describe("lib/cli help and version", () => {
  it("has an example for every command and subcommand", async () => {
    expect(commandsWithoutExample(await buildProgram())).to.deep.equal([]);
  });

  it("shows the example in each command's help", async () => {
    const program = await buildProgram();
    const cleanup = program.commands.find((c) => c.name() === "cleanup")!;
    let out = "";
    cleanup.configureOutput({ writeOut: (s) => (out += s) });
    cleanup.outputHelp();
    expect(out).to.match(/Examples:\n  hybrid-conformance cleanup /);
  });

  it("reports package.json's version", async () => {
    expect(version).to.equal(JSON.parse(readFileSync("package.json", "utf8")).version);
    expect((await buildProgram()).version()).to.equal(version);
  });
});
