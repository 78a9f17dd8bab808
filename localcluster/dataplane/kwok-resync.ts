// After an API server outage, kwok serves exec and logs for new pods only once its informers re-list. They are
// client-go reflectors, which retry a lost watch with backoff (tools/cache/reflector.go: 0.8 s doubling to 30 s),
// so for up to ~30 s after the API server is back kwok answers "no exec found" / "no logs found" for a pod whose
// Exec and Logs objects it has not seen. A real kubelet serves exec and logs from its own containers, with no API
// object in between, so that delay is an artefact of the emulator. The data plane therefore restarts kwok (same
// command line, new record in the cluster's state) as soon as the API server answers again, and holds every
// kubelet connection from the moment the outage is seen until the new kwok listens: no exec reaches a stale kwok.
import * as k8s from "@kubernetes/client-node";
import { connect } from "node:net";
import { readState, writeState } from "../state.js";
import { startComponent, stopComponent } from "../processes.js";

/** How `cluster up` started kwok; the data plane starts it again the same way (dataplane-config.json). */
export interface KwokCommand {
  bin: string;
  args: string[];
  env: Record<string, string>;
  log: string;
}

/** The kubelet connections (localcluster/dataplane/listeners.ts KubeletForwarders). */
export interface HeldConnections {
  hold(): void;
  release(): void;
}

export interface KwokResyncOptions {
  kc: k8s.KubeConfig;
  stateDir: string;
  command: KwokCommand;
  /** kwok's server port on 127.0.0.1. */
  port: number;
  connections: HeldConnections;
  log: (l: string) => void;
}

/** kwok's own start-up (unshare, the binary, its first list of nodes and pods) on a loaded two-core machine. */
const kwokListensWithinMs = 60_000;

export class KwokResync {
  private busy = false;
  private stopped = false;
  private readonly health: k8s.Health;
  constructor(private readonly o: KwokResyncOptions) {
    this.health = new k8s.Health(o.kc);
  }

  /** A data-plane watch failed: if the API server is unreachable, kwok's informers are about to back off too. */
  suspect(cause: string): void {
    if (this.busy || this.stopped) return;
    this.busy = true;
    void this.resync(cause)
      .catch((e: unknown) => this.o.log(`kwok resync failed: ${(e as Error).message}`))
      .finally(() => {
        this.o.connections.release();
        this.busy = false;
      });
  }

  stop(): void {
    this.stopped = true;
  }

  private async resync(cause: string): Promise<void> {
    if (await this.apiReady()) return; // the watch ended for another reason: kwok's reconnect at once
    this.o.connections.hold();
    this.o.log(`API server unreachable (${cause}): kubelet connections held until kwok is restarted`);
    for (let delay = 250; !(await this.apiReady()); delay = Math.min(delay * 2, 1000)) {
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, delay));
    }
    if (this.stopped) return;
    await this.restartKwok();
  }

  private async apiReady(): Promise<boolean> {
    return this.health.readyz({ signal: AbortSignal.timeout(2000) }).catch(() => false);
  }

  private async restartKwok(): Promise<void> {
    const { stateDir, command: c } = this.o;
    const old = readState(stateDir)?.components.find((x) => x.name === "kwok");
    if (!old) return this.o.log("API server back, but no kwok in the cluster's state (still starting?): left alone");
    const t0 = Date.now();
    await stopComponent(old);
    // Spawned and recorded in one synchronous step, so a `cluster down` always finds the kwok that runs.
    const next = startComponent("kwok", c.bin, c.args, c.log, c.env);
    const s = readState(stateDir);
    if (s) writeState(stateDir, { ...s, components: s.components.map((x) => (x.name === "kwok" ? next : x)) });
    await this.listening();
    this.o.log(`API server back: kwok restarted (pid ${next.pid}) in ${Date.now() - t0} ms, so its exec and logs see every pod`);
  }

  /** Resolves once kwok accepts connections on its port (bounded: released anyway after kwokListensWithinMs). */
  private async listening(): Promise<void> {
    const deadline = Date.now() + kwokListensWithinMs;
    while (Date.now() < deadline && !this.stopped) {
      const ok = await new Promise<boolean>((res) => {
        const s = connect(this.o.port, "127.0.0.1");
        s.once("connect", () => (s.destroy(), res(true)));
        s.once("error", () => res(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.o.log(`kwok did not listen on 127.0.0.1:${this.o.port} within ${kwokListensWithinMs / 1000} s of its restart`);
  }
}
