// The `hybrid-conformance` command tree (parsed by main.ts; unit tests inspect it without running anything).
// Each command's module is loaded only when that command runs, so `lint` in a CI job does not pay for the
// Kubernetes client, mocha and Allure that `run` needs.
import { Command } from "commander";
import { addHelp } from "./help.js";

/** Every command, loaded on demand: its name and how to build it. */
const commands: Record<string, () => Promise<Command[]>> = {
  run: async () => {
    const m = await import("./run-command.js");
    return [m.runCommand(), m.listCommand()];
  },
  report: async () => [(await import("./report-command.js")).reportCommand()],
  cluster: async () => [(await import("./cluster-commands.js")).clusterCommand()],
  cleanup: async () => [(await import("./cleanup-command.js")).cleanupCommand()],
  compare: async () => [(await import("./compare-command.js")).compareCommand()],
  images: async () => [(await import("./images-command.js")).imagesCommand()],
  lint: async () => [(await import("../lint/command.js")).lintCommand()],
};
const moduleOf: Record<string, string> = { list: "run" };

/** The whole tree; with `only` (the command about to run), just that command, for a fast start. */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command("hybrid-conformance")
    .description("Conformance tests for hybrid Kubernetes clusters: a Linux control plane with Windows Server 2022/2025 workers")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError();
  const key = only && (moduleOf[only] ?? only);
  // `--version` needs no command at all (the e2e tests and scripts ask it often).
  const chosen = key && key in commands ? [commands[key]] : only === "--version" || only === "-V" ? [] : Object.values(commands);
  for (const load of chosen) for (const c of await load()) program.addCommand(c);
  const all = (c: Command): Command[] => c.commands.flatMap((s) => [s, ...all(s)]);
  for (const c of all(program)) c.exitOverride();
  addHelp(program);
  return program;
}
