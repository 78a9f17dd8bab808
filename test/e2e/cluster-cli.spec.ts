// `hybrid-conformance cluster up | down | status` as a user meets it: lifecycle, idempotence, stale state,
// and bad input answered with one line and exit code 2, leaving nothing running. Uses its own state
// directory so the shared test cluster is untouched.
import { expect } from "chai";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, expectOneLineError } from "../support/local-cluster.js";

/** Processes whose command line mentions `needle` (our state dir): what a failed `up` must not leave behind. */
function processesMentioning(needle: string): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, "utf8").includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("cluster CLI", function () {
  this.timeout(240_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hc-cli-"));
    env = { HC_LOCALCLUSTER_DIR: join(dir, "state") };
  });
  afterEach(() => {
    cli(["cluster", "down"], env);
    rmSync(dir, { recursive: true, force: true });
  });

  it("status exits non-zero when no cluster runs", () => {
    const r = cli(["cluster", "status"], env);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain("local cluster: down");
  });

  it("rejects a malformed topology file with one line, exit 2, and starts nothing", () => {
    const f = join(dir, "topology.yaml");
    writeFileSync(f, "nodes:\n  - name: a\n   os: linux\n");
    expectOneLineError(cli(["cluster", "up", "--topology", f], env), /topology file .*topology\.yaml: bad indentation/);
    expect(processesMentioning(dir)).to.deep.equal([]);
    expect(existsSync(env.HC_LOCALCLUSTER_DIR!)).to.equal(false);
  });

  it("names the offending field of an invalid topology", () => {
    const f = join(dir, "topology.yaml");
    writeFileSync(f, "nodes:\n  - name: win\n    os: windows\n");
    expectOneLineError(cli(["cluster", "up", "--topology", f], env), /nodes\.0: a Windows node needs a build/);
  });

  describe("with a port already taken", () => {
    let blocker: Server;
    let port: number;
    before(async () => {
      blocker = createServer();
      await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
      port = (blocker.address() as { port: number }).port;
    });
    after(() => blocker.close());
    it("refuses with one line naming the port, and starts nothing", () => {
      expectOneLineError(cli(["cluster", "up", "--apiserver-port", String(port)], env), new RegExp(`port 127\\.0\\.0\\.1:${port} is already in use`));
      expect(processesMentioning(dir)).to.deep.equal([]);
    });
  });

  it("explains a missing Go toolchain when the binaries must be built", () => {
    const r = cli(["cluster", "up"], { ...env, HC_BIN_CACHE: join(dir, "empty-cache"), PATH: "/nonexistent" });
    expectOneLineError(r, /the Go toolchain \('go'\) was not found on PATH/);
    expect(processesMentioning(dir)).to.deep.equal([]);
  });

  it("rejects an unknown flag, and a fault command while no cluster runs, with one line and exit 2", () => {
    expectOneLineError(cli(["cluster", "up", "--bogus"], env), /unknown option '--bogus'/);
    expectOneLineError(cli(["cluster", "fault", "list"], env), /local cluster is not running/);
  });

  it("starts, reports, is a no-op when started twice, recovers from a crash, and stops exactly what it started", () => {
    const f = join(dir, "topology.yaml");
    writeFileSync(f, "nodes:\n  - {name: cp, os: linux, role: control-plane}\n  - {name: win, os: windows, build: '10.0.26100'}\n");
    const first = cli(["cluster", "up", "--topology", f], env);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout.trim()).to.equal(join(env.HC_LOCALCLUSTER_DIR!, "kubeconfig"));

    const status = cli(["cluster", "status"], env);
    expect(status.code).to.equal(0);
    expect(status.stdout).to.match(/^win\s+windows\s+10\.0\.26100\s+True/m);
    expect(status.stdout).to.match(/kube-apiserver\s+pid \d+\s+\S+kube-apiserver\.log/);

    // An unknown fault name: one line naming the known faults, exit 2, and nothing switched on.
    expectOneLineError(
      cli(["cluster", "fault", "add", "no-such-fault"], env),
      /^hybrid-conformance: fault: name: Invalid option: expected one of .*"dns-down"/,
    );
    const faults = cli(["cluster", "fault", "list"], env);
    expect(faults.code, faults.stderr).to.equal(0);
    expect(faults.stdout).to.match(/^active: none$/m);

    const second = cli(["cluster", "up", "--topology", f], env);
    expect(second.code).to.equal(0);
    expect(second.stderr).to.contain("already running");
    expect(second.stdout.trim()).to.equal(first.stdout.trim());

    // A crash: the API server dies. status notices; up cleans the rest and starts afresh.
    const state = JSON.parse(readFileSync(join(env.HC_LOCALCLUSTER_DIR!, "state.json"), "utf8"));
    const pids: number[] = state.components.map((c: { pid: number }) => c.pid);
    process.kill(state.components.find((c: { name: string }) => c.name === "kube-apiserver").pid, "SIGKILL");
    const stale = cli(["cluster", "status"], env);
    expect(stale.code).to.equal(1);
    expect(stale.stdout).to.match(/not healthy \(kube-apiserver not running\)/);
    const again = cli(["cluster", "up", "--topology", f], env);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.contain("cleaning up stale local cluster state");
    for (const pid of pids)
      expect(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/status`, "utf8").includes("zombie"), `old pid ${pid} still running`).to.equal(false);

    const down = cli(["cluster", "down"], env);
    expect(down.code).to.equal(0);
    expect(down.stderr).to.match(/stopped kwok, dataplane, gmsa-webhook, kube-scheduler, kube-controller-manager, kube-apiserver, etcd/);
    expect(processesMentioning(dir)).to.deep.equal([]);
    expect(existsSync(env.HC_LOCALCLUSTER_DIR!)).to.equal(false);
  });
});
