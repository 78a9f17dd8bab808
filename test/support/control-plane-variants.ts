// Cluster variants that run one control-plane component of the local cluster with other flags, for the length of
// one sensitivity case: the component is stopped and started again with its own command line plus the variant's
// flags, and on clear with exactly its old command line. Each new process is recorded in the cluster's state, so
// `cluster down` still stops it. The components are the real upstream binaries: a variant is a configuration a real
// cluster can run with (docs/local-cluster.md, "Control-plane variants", cites each).
import * as k8s from "@kubernetes/client-node";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stateDir } from "../../localcluster/paths.js";
import { readState, writeState } from "../../localcluster/state.js";
import { isOurs, startComponent, stopComponent, tailOf, type ComponentRecord } from "../../localcluster/processes.js";
import { localKubeConfig } from "./local-cluster.js";

type Component = "kube-apiserver" | "kube-scheduler";

function record(name: Component): ComponentRecord {
  const c = readState(stateDir())?.components.find((x) => x.name === name);
  if (!c || !isOurs(c)) throw new Error(`${name} of the local cluster is not running`);
  return c;
}

/** Replaces the component's process with one started from `argv`; resolves once `ready` says it serves. */
async function relaunch(name: Component, argv: string[]): Promise<void> {
  const old = record(name);
  await stopComponent(old);
  const from = statSync(old.log).size;
  const next = startComponent(name, argv[0], argv.slice(1), old.log);
  const dir = stateDir();
  const s = readState(dir)!;
  s.components = s.components.map((c) => (c.name === name ? next : c));
  writeState(dir, s);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!isOurs(next)) throw new Error(`${name} exited at start with ${argv.slice(1).join(" ")}: ${tailOf(old.log, 5)}`);
    if (await (name === "kube-apiserver" ? apiserverServes() : readFileSync(old.log, "utf8").slice(from).includes('"Starting Kubernetes Scheduler"'))) return;
    if (Date.now() > deadline) throw new Error(`${name} did not come up within 90 s (log: ${old.log})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const apiserverServes = () =>
  localKubeConfig()
    .makeApiClient(k8s.CoreV1Api)
    .listNode()
    .then(
      () => true,
      () => false,
    );

/**
 * Runs `name` with `extra` flags added to its command line; returns how to put the old command line back. A flag
 * the component already has is replaced, not repeated.
 */
export async function withFlags(name: Component, extra: string[]): Promise<() => Promise<void>> {
  const argv = readFileSync(`/proc/${record(name).pid}/cmdline`, "utf8")
    .split("\0")
    .filter(Boolean);
  const keys = new Set(extra.map((f) => f.split("=")[0]));
  await relaunch(name, [...argv.filter((a) => !keys.has(a.split("=")[0])), ...extra]);
  return () => relaunch(name, argv);
}

/** The value of `--flag=value` on the component's current command line. */
export function flagOf(name: Component, flag: string): string | undefined {
  const argv = readFileSync(`/proc/${record(name).pid}/cmdline`, "utf8").split("\0");
  return argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/** A file for a variant's configuration, in the cluster's state folder (removed with the cluster). */
export function variantFile(name: string, text: string): string {
  const dir = join(stateDir(), "variants");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
