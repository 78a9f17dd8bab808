import { expect } from "chai";
import { linuxContainer, MemFs, run } from "./helpers.js";

describe("dataplane commands: sh -c", () => {
  it("echo with $VAR expansion from the pod env and the default HOSTNAME", async () => {
    const r = await run(linuxContainer({ env: { GREETING: "hello" } }), ["sh", "-c", "echo $GREETING from ${HOSTNAME}"]);
    expect(r).to.deep.equal({ stdout: "hello from linux-client\n", stderr: "", exitCode: 0 });
  });

  it("/bin/sh and bash are accepted, quotes keep spaces", async () => {
    const r = await run(linuxContainer({ image: "registry.k8s.io/e2e-test-images/agnhost:2.52" }), ["/bin/bash", "-c", "echo 'a  b' \"c  d\""]);
    expect(r.stdout).to.equal("a  b c  d\n");
  });

  it("; && || and $? behave as in POSIX sh", async () => {
    const r = await run(linuxContainer(), ["sh", "-c", "false; echo rc=$?; false && echo no || echo yes; true && echo ok"]);
    expect(r.stdout).to.equal("rc=1\nyes\nok\n");
    expect(r.exitCode).to.equal(0);
  });

  it("exit N ends the script with that code", async () => {
    const r = await run(linuxContainer(), ["sh", "-c", "echo before; exit 3; echo after"]);
    expect(r).to.deep.equal({ stdout: "before\n", stderr: "", exitCode: 3 });
  });

  it("the exit code is the last command's", async () => {
    const r = await run(linuxContainer(), ["sh", "-c", "true; false"]);
    expect(r.exitCode).to.equal(1);
  });

  it("> and >> write through the container file system; cat reads back", async () => {
    const fs = new MemFs("linux", {}, [], ["/data"]);
    const r = await run(linuxContainer({ fs }), ["sh", "-c", "echo one > /data/f; echo two >> /data/f; cat /data/f"]);
    expect(r.stdout).to.equal("one\ntwo\n");
    expect(fs.read("/data/f")).to.equal("one\ntwo\n");
  });

  it("a redirect into a read-only volume fails like busybox ash", async () => {
    const fs = new MemFs("linux", {}, ["/config"], ["/config"]);
    const r = await run(linuxContainer({ fs }), ["sh", "-c", "echo x > /config/a"]);
    expect(r.exitCode).to.equal(1);
    expect(r.stderr).to.equal("sh: can't create /config/a: Read-only file system\n");
  });

  it("2>&1 merges stderr into stdout and 2>/dev/null drops it", async () => {
    const a = await run(linuxContainer(), ["sh", "-c", "cat /missing 2>&1"]);
    expect(a.stdout).to.equal("cat: can't open '/missing': No such file or directory\n");
    const b = await run(linuxContainer(), ["sh", "-c", "cat /missing 2>/dev/null"]);
    expect(b.stderr).to.equal("");
    expect(b.exitCode).to.equal(1);
  });

  it("test -f / [ -d ] and if/then/else/fi", async () => {
    const fs = new MemFs("linux", { "/etc/config/a.txt": "x" });
    const r = await run(linuxContainer({ fs }), [
      "sh",
      "-c",
      "test -f /etc/config/a.txt && echo file; if [ -d /etc/config ]; then echo dir; else echo nodir; fi; [ -f /nope ] || echo missing",
    ]);
    expect(r.stdout).to.equal("file\ndir\nmissing\n");
  });

  it("string and numeric tests", async () => {
    const r = await run(linuxContainer({ env: { N: "5" } }), ["sh", "-c", '[ "$N" -gt 3 ] && [ "$N" = 5 ] && [ -n "$N" ] && [ -z "$EMPTY" ] && echo ok']);
    expect(r.stdout).to.equal("ok\n");
  });

  it("sleep returns at once (emulated time)", async () => {
    const started = Date.now();
    const r = await run(linuxContainer(), ["sh", "-c", "sleep 3600; echo woke"]);
    expect(r.stdout).to.equal("woke\n");
    expect(Date.now() - started).to.be.lessThan(1000);
  });

  it("cat of the cgroup files reflects the limits", async () => {
    const limited = linuxContainer({ limits: { memoryBytes: 268435456, cpuMillis: 500 } });
    const r = await run(limited, ["cat", "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/cpu.max"]);
    expect(r.stdout).to.equal("268435456\n50000 100000\n");
    const open = await run(linuxContainer(), ["sh", "-c", "cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/cpu.max"]);
    expect(open.stdout).to.equal("max\nmax 100000\n");
  });

  it("ls lists a directory, one name per line", async () => {
    const fs = new MemFs("linux", { "/etc/config/b": "1", "/etc/config/a": "2" });
    const r = await run(linuxContainer({ fs }), ["sh", "-c", "ls /etc/config"]);
    expect(r.stdout).to.equal("a\nb\n");
  });

  it("ls of a missing path: busybox wording, exit 1", async () => {
    const r = await run(linuxContainer(), ["sh", "-c", "ls /nope"]);
    expect(r.stderr).to.equal("ls: /nope: No such file or directory\n");
    expect(r.exitCode).to.equal(1);
  });

  it("$(command) substitution and pipes into grep", async () => {
    const r = await run(linuxContainer(), ["sh", "-c", "echo host=$(hostname); echo abc | grep -q b && echo matched"]);
    expect(r.stdout).to.equal("host=linux-client\nmatched\n");
  });

  it("VAR=value prefixes set the child's environment only", async () => {
    const r = await run(linuxContainer(), ["sh", "-c", "FOO=bar printenv FOO; echo [$FOO]"]);
    expect(r.stdout).to.equal("bar\n[]\n");
  });

  it("unknown commands: ash, bash and dash wording, exit 127", async () => {
    const ash = await run(linuxContainer(), ["sh", "-c", "nosuch"]);
    expect(ash.stderr).to.equal("sh: nosuch: not found\n");
    const bash = await run(linuxContainer({ image: "ubuntu:22.04" }), ["bash", "-c", "nosuch"]);
    expect(bash.stderr).to.equal("bash: line 1: nosuch: command not found\n");
    const dash = await run(linuxContainer({ image: "ubuntu:22.04" }), ["sh", "-c", "nosuch"]);
    expect(dash.stderr).to.equal("sh: 1: nosuch: not found\n");
    expect(dash.exitCode).to.equal(127);
  });

  it("a syntax error exits 2", async () => {
    const r = await run(linuxContainer(), ["sh", "-c", "echo 'unterminated"]);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.contain("Unterminated quoted string");
  });

  it("curl inside sh works where the image ships it", async () => {
    const r = await run(linuxContainer({ image: "curlimages/curl:8.11.1" }), ["sh", "-c", "curl -s http://10.244.0.9/ && echo done"]);
    expect(r.stdout).to.equal("<h1>Welcome to nginx!</h1>\ndone\n");
  });

  it("env prints the process environment", async () => {
    const r = await run(linuxContainer({ env: { A: "1" } }), ["env"]);
    expect(r.stdout).to.contain("A=1\n");
    expect(r.stdout).to.contain("HOSTNAME=linux-client\n");
  });

  it("direct exec of echo and true/false", async () => {
    expect((await run(linuxContainer(), ["echo", "-n", "x"])).stdout).to.equal("x");
    expect((await run(linuxContainer(), ["false"])).exitCode).to.equal(1);
  });
});
