// `hybrid-conformance cluster …`: the embedded local cluster (a real control plane, simulated nodes).
import { Command, Option } from "commander";
import * as k8s from "@kubernetes/client-node";
import { up, down, liveness, type UpOptions } from "../../localcluster/cluster.js";
import { startInProgress } from "../../localcluster/lock.js";
import { stateDir } from "../../localcluster/paths.js";
import { UserFacingError } from "../errors.js";
import { portArg } from "./args.js";

const say = (l: string) => process.stdout.write(l + "\n");
const info = (l: string) => process.stderr.write(l + "\n");

export function clusterCommand(): Command {
  const cluster = new Command("cluster").description(
    "the embedded local cluster: real kube-apiserver, scheduler, controller-manager and etcd; kwok-simulated Linux and Windows nodes; emulated containers",
  );

  cluster
    .command("up")
    .description("start the local cluster (builds the binaries on first use) and print the kubeconfig path")
    .option("--topology <file>", "YAML file with the nodes and/or node pools to simulate (see docs/local-cluster.md)")
    .option(
      "--profile <name>",
      "a real cluster's layout: docs (default: 1 control plane, 2 Linux, 2 Windows 2022, 1 Windows 2025, os=windows:NoSchedule), aks, gke, eks, kubeadm, autoscaled",
    )
    .option("--toleration-webhook", "gke profile: GKE's reported webhook adding the Windows toleration to pods selecting kubernetes.io/os: windows")
    .option("--latency <mode>", "none (default: everything at once) or realistic (real Windows pull/start/network times)")
    .addOption(new Option("--time-scale <factor>", "multiply every realistic figure (e.g. 0.05 for CI)").argParser(timeScaleArg))
    .addOption(new Option("--apiserver-port <port>", "fixed port for the API server (default: a free one)").argParser(portArg))
    .option("--feature-gates <gates>", "Kubernetes feature gates for the control plane, e.g. ContainerStopSignals=true (default: upstream's)")
    .option("--dual-stack", "IPv4/IPv6 dual-stack: IPv4 and IPv6 Service ranges, every node and pod with an address of each family")
    // Commander names each option as UpOptions does (--time-scale → timeScale).
    .action(async (o: Omit<UpOptions, "log">) => {
      const r = await up({ ...o, log: info });
      if (r.alreadyRunning) info("local cluster already running");
      say(r.kubeconfig);
    });

  cluster
    .command("down")
    .description("stop exactly the processes `up` started and remove the cluster's state")
    .action(async () => {
      const r = await down();
      info(r.stopped.length ? `stopped ${r.stopped.join(", ")}` : "local cluster was not running");
    });

  cluster
    .command("status")
    .description("exit 0 and list the nodes when the cluster is up; non-zero otherwise")
    .action(async () => {
      const l = await liveness();
      const starting = l.state !== "up" ? startInProgress(stateDir()) : undefined;
      if (starting) {
        say(`local cluster: starting (\`cluster up\` pid ${starting.pid}, since ${starting.since})`);
        process.exitCode = 1;
        return;
      }
      if (l.state !== "up") {
        say(l.state === "down" ? "local cluster: down" : `local cluster: not healthy (${l.why}); run \`hybrid-conformance cluster down\` to clean up`);
        process.exitCode = 1;
        return;
      }
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(l.s.kubeconfig);
      const nodes = (await kc.makeApiClient(k8s.CoreV1Api).listNode()).items;
      say(`local cluster: up (${l.s.server}${l.s.dualStack ? ", dual-stack IPv4/IPv6" : ""}), kubeconfig ${l.s.kubeconfig}`);
      say("NODE                 OS       BUILD        READY  ADDRESS     TAINTS");
      for (const n of nodes) {
        const ready = n.status?.conditions?.find((c) => c.type === "Ready")?.status ?? "?";
        const taints = (n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`).join(",") || "-";
        const addr = n.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
        say(
          `${n.metadata!.name!.padEnd(20)} ${(n.metadata?.labels?.["kubernetes.io/os"] ?? "").padEnd(8)} ${(n.metadata?.labels?.["node.kubernetes.io/windows-build"] ?? "-").padEnd(12)} ${ready.padEnd(6)} ${addr.padEnd(11)} ${taints}`,
        );
      }
      say("component logs:");
      for (const c of l.s.components) say(`  ${c.name.padEnd(24)} pid ${String(c.pid).padEnd(8)} ${c.log}`);
    });

  const fault = cluster.command("fault").description("switch the local cluster's named faults on and off");
  fault
    .command("add <name>")
    .description("switch a fault on (see `fault list` for names)")
    .option("--namespace <glob>")
    .option("--pod <glob>")
    .option("--node <glob>")
    .option("--image <glob>")
    .addOption(new Option("--times <n>", "transient: apply to the next n matching events (pulls, probes, lookups…), then clear itself").argParser(positiveInt))
    .action(async (name: string, o: Record<string, string> & { times?: number }) => {
      const { times, ...rest } = o;
      const scope = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      const r = await control("POST", "/faults", { name, scope, ...(times ? { times } : {}) });
      say(
        `fault ${r.id} on: ${r.name}${Object.keys(scope).length ? " " + JSON.stringify(scope) : " (whole cluster)"}${times ? `, for the next ${times} matching event(s)` : ""}`,
      );
    });
  fault
    .command("list")
    .description("the active faults, and every fault the cluster knows")
    .action(async () => {
      const r = await control("GET", "/faults");
      say(r.active.length ? "active:" : "active: none");
      for (const f of r.active)
        say(`  ${f.id}  ${f.name}  ${JSON.stringify(f.scope)}  since ${f.since}${f.times ? `  ${f.times - (f.hits ?? 0)} of ${f.times} event(s) left` : ""}`);
      say("available:");
      for (const [n, d] of Object.entries(r.catalogue as Record<string, string>)) say(`  ${n.padEnd(24)} ${d}`);
    });
  fault
    .command("clear [idOrName]")
    .description("switch off one fault (by id or name) or all of them")
    .action(async (id?: string) => {
      const r = await control("DELETE", `/faults${id ? `?id=${encodeURIComponent(id)}` : ""}`);
      say(r.cleared.length ? `cleared ${r.cleared.map((f: { id: string; name: string }) => `${f.id} ${f.name}`).join(", ")}` : "no matching fault was active");
    });
  return cluster;
}

function timeScaleArg(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UserFacingError(`--time-scale: ${JSON.stringify(v)} is not a number above 0`);
  return n;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserFacingError(`--times: ${JSON.stringify(v)} is not a positive whole number`);
  return n;
}

/** Talks to the running data plane's control API. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function control(method: string, path: string, body?: unknown): Promise<any> {
  let l = await liveness();
  // A component being restarted (the API server, kwok after it) reads as stale for a moment: give it 30 s.
  for (const deadline = Date.now() + 30_000; l.state === "stale" && Date.now() < deadline; l = await liveness()) await new Promise((r) => setTimeout(r, 2000));
  if (l.state !== "up") throw new UserFacingError("the local cluster is not running: start it with `hybrid-conformance cluster up`");
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${l.s.dataplaneUrl}${path}`, { method, headers: data ? { "content-type": "application/json" } : {} }, (res) => {
      let out = "";
      res.on("data", (d) => (out += d));
      res.on("end", () => {
        const parsed = JSON.parse(out || "{}");
        if ((res.statusCode ?? 500) >= 400) reject(new UserFacingError(`fault: ${parsed.error ?? out}`));
        else resolve(parsed);
      });
    });
    req.on("error", (e) => reject(new UserFacingError(`the local cluster's data plane is unreachable: ${e.message}`)));
    req.end(data);
  });
}
