// CLI entry of the GMSA webhook stand-in:
//   node --import tsx localcluster/gmsa-webhook/main.ts --port N --cert F --key F --kubeconfig F
//        [--host 127.0.0.1] [--random-hostname]
// Logs one line per admission decision to stdout (never cred spec contents); exits 0 on SIGTERM/SIGINT.
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { startGmsaWebhook } from "./server.js";
import { SABOTAGE_PATH, isSabotageFault, sabotageHandler, type SabotageFault, type SabotageTarget } from "./sabotage.js";
import { scopeMatches, type Fault } from "../dataplane/faults.js";
import type { GmsaMisbehaviour } from "./admission.js";
import { GKE_TOLERATION_PATH, gkeTolerationHandler } from "./gke-toleration.js";

function fail(message: string): never {
  process.stderr.write(`gmsa-webhook: ${message}\n`);
  process.exit(2);
}

/** Reads the data plane's fault file on each request: small, and always current. */
function faultActive(file: string, name: string): () => boolean {
  return () => {
    try {
      return (JSON.parse(readFileSync(file, "utf8")) as { name: string }[]).some((f) => f.name === name);
    } catch {
      return false;
    }
  };
}

/** The sabotage fault with this id, if it is still on and its scope covers the pod (any of its images). */
function sabotageActive(file: string): (faultId: string, t: SabotageTarget) => SabotageFault | undefined {
  return (faultId, t) => {
    let faults: Fault[];
    try {
      faults = JSON.parse(readFileSync(file, "utf8")) as Fault[];
    } catch {
      return undefined;
    }
    const images = t.images.length ? t.images : [undefined];
    const f = faults.find((f) => f.id === faultId && isSabotageFault(f.name) && images.some((image) => scopeMatches(f.scope ?? {}, { ...t, image })));
    return f && isSabotageFault(f.name) ? f.name : undefined;
  };
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string", default: "127.0.0.1" },
        cert: { type: "string" },
        key: { type: "string" },
        kubeconfig: { type: "string" },
        "random-hostname": { type: "boolean", default: false },
        "faults-file": { type: "string" },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const port = Number(values.port);
  if (values.port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) fail("--port N is required (0..65535)");
  if (!values.cert || !values.key) fail("--cert and --key are required");
  if (!values.kubeconfig) fail("--kubeconfig is required");

  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const webhook = await startGmsaWebhook({
    port,
    host: values.host,
    cert: values.cert,
    key: values.key,
    kubeconfigPath: values.kubeconfig,
    admission: {
      randomHostname: values["random-hostname"],
      ...(values["faults-file"] ? { broken: (b: GmsaMisbehaviour) => faultActive(values["faults-file"]!, `gmsa-webhook-${b}`)() } : {}),
    },
    down: values["faults-file"] ? faultActive(values["faults-file"], "gmsa-webhook-down") : undefined,
    // The gke profile's toleration webhook answers here too; it is called only when `cluster up` registered it.
    routes: {
      [GKE_TOLERATION_PATH]: gkeTolerationHandler(log),
      ...(values["faults-file"] ? { [SABOTAGE_PATH]: sabotageHandler(sabotageActive(values["faults-file"]), log) } : {}),
    },
    log,
  });
  log(`gmsa-webhook listening on https://${values.host}:${webhook.port} (POST /mutate, POST /validate, /health)`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`received ${signal}, shutting down`);
    webhook.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`gmsa-webhook: error while closing: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
