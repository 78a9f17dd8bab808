// Entry point of the data plane process (see agent.ts).
import { Command } from "commander";
import { DataPlaneAgent } from "./agent.js";

const opts = new Command()
  .requiredOption("--kubeconfig <file>")
  .requiredOption("--state-dir <dir>")
  .requiredOption("--port <n>", "control API port on 127.0.0.1", Number)
  .requiredOption("--kubelet-port <n>", "kwok's kubelet port", Number)
  // `cluster up` passes its environment on: HC_EXTERNAL_HOST=name=ip changes the host without a flag of its own.
  .option("--external-host <name=ip>", "the one external host pods may reach", process.env.HC_EXTERNAL_HOST || "www.example.com=93.184.215.14")
  .parse()
  .opts();

const [name, ip] = String(opts.externalHost).split("=");
const log = (l: string) => process.stdout.write(`${new Date().toISOString()} ${l}\n`);
const agent = new DataPlaneAgent(
  { kubeconfig: opts.kubeconfig, stateDir: opts.stateDir, port: opts.port, kubeletPort: opts.kubeletPort, external: { name, ip } },
  log,
);
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    void agent.stop().finally(() => process.exit(0));
  });
}
agent.start().then(
  () => log("data plane ready"),
  (e) => {
    log(`data plane failed to start: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
