// The `hybrid-conformance` command tree (parsed by main.ts; unit tests inspect it without running anything).
import { Command } from "commander";
import { clusterCommand } from "./cluster-commands.js";
import { runCommand, listCommand } from "./run-command.js";
import { reportCommand } from "./report-command.js";
import { cleanupCommand } from "./cleanup-command.js";
import { compareCommand } from "./compare-command.js";
import { lintCommand } from "../lint/command.js";
import { addHelp } from "./help.js";

export function buildProgram(): Command {
  const program = new Command("hybrid-conformance")
    .description("Conformance tests for hybrid Kubernetes clusters: a Linux control plane with Windows Server 2022/2025 workers")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError();
  program.addCommand(runCommand());
  program.addCommand(listCommand());
  program.addCommand(reportCommand());
  program.addCommand(clusterCommand());
  program.addCommand(cleanupCommand());
  program.addCommand(compareCommand());
  program.addCommand(lintCommand());
  const all = (c: Command): Command[] => c.commands.flatMap((s) => [s, ...all(s)]);
  for (const c of all(program)) c.exitOverride();
  addHelp(program);
  return program;
}
