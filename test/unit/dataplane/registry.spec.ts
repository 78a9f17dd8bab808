import { expect } from "chai";
import { commandName, isKnownCommand, normalizePath, runCommand } from "../../../localcluster/dataplane/commands/index.js";
import { isNullDevice, readFile } from "../../../localcluster/dataplane/commands/fsview.js";
import { classifyImage } from "../../../localcluster/dataplane/workloads/images.js";
import { linuxContainer, MemFs, run, standardWorld, winContainer } from "./helpers.js";

describe("dataplane commands: registry and paths", () => {
  it("isKnownCommand follows what each image ships", () => {
    expect(isKnownCommand("linux", "busybox:1.36", "curl")).to.equal(false);
    expect(isKnownCommand("linux", "curlimages/curl:8.11.1", "curl")).to.equal(true);
    expect(isKnownCommand("linux", "registry.k8s.io/e2e-test-images/agnhost:2.52", "/bin/bash")).to.equal(true);
    expect(isKnownCommand("linux", "registry.k8s.io/pause:3.9", "sh")).to.equal(false);
    expect(isKnownCommand("linux", "busybox", "python3")).to.equal(false);
    expect(isKnownCommand("windows", "mcr.microsoft.com/windows/servercore:ltsc2022", "PowerShell.exe")).to.equal(true);
    expect(isKnownCommand("windows", "mcr.microsoft.com/windows/nanoserver:ltsc2022", "powershell")).to.equal(false);
    expect(isKnownCommand("windows", "mcr.microsoft.com/windows/nanoserver:ltsc2022", "curl.exe")).to.equal(true);
    expect(isKnownCommand("windows", "mcr.microsoft.com/windows/servercore:ltsc2022", "ipconfig")).to.equal(true);
    expect(isKnownCommand("linux", "nginx", "ipconfig")).to.equal(false);
  });

  it("commandName strips directories, and on Windows case and .exe", () => {
    expect(commandName("windows", "C:\\Windows\\System32\\CURL.EXE")).to.equal("curl");
    expect(commandName("windows", "c:/windows/system32/cmd.exe")).to.equal("cmd");
    expect(commandName("linux", "/usr/bin/curl")).to.equal("curl");
  });

  it("an unknown executable gets the runtime's error (the caller may replace it)", async () => {
    const l = await run(linuxContainer(), ["python3", "-V"]);
    expect(l.exitCode).to.equal(127);
    expect(l.stderr).to.contain('exec: "python3": executable file not found in $PATH');
    const w = await run(winContainer(), ["notepad.exe"]);
    expect(w.stderr).to.contain("The system cannot find the file specified.");
  });

  it("an empty argv is rejected", async () => {
    expect((await run(linuxContainer(), [])).exitCode).to.equal(127);
  });

  it("runCommand never sleeps and needs no clock", async () => {
    const r = await runCommand({ container: linuxContainer(), net: standardWorld() }, ["sh", "-c", "sleep 100000; echo ok"]);
    expect(r.stdout).to.equal("ok\n");
  });

  it("normalizePath: Windows paths with or without C:, / or \\, dots", () => {
    expect(normalizePath("windows", "\\test-volume\\x.txt")).to.equal("C:\\test-volume\\x.txt");
    expect(normalizePath("windows", "c:/test-volume/sub/../x.txt")).to.equal("C:\\test-volume\\x.txt");
    expect(normalizePath("windows", "x.txt", "C:\\work")).to.equal("C:\\work\\x.txt");
    expect(normalizePath("windows", "C:")).to.equal("C:\\");
    expect(normalizePath("linux", "data//x/./y")).to.equal("/data/x/y");
  });

  it("readFile on Windows is case-insensitive even for a case-sensitive store", () => {
    const store = new Map([["C:\\Config\\App.txt", "v"]]);
    const fs = {
      read: (p: string) => store.get(p),
      write: () => "ok" as const,
      list: (p: string) => (p === "C:\\" ? ["Config"] : p === "C:\\Config" ? ["App.txt"] : undefined),
    };
    expect(readFile(winContainer({ fs }), "c:/config/APP.TXT")).to.equal("v");
  });

  it("null devices", () => {
    expect(isNullDevice("windows", "NUL")).to.equal(true);
    expect(isNullDevice("windows", "c:\\out\\nul")).to.equal(true);
    expect(isNullDevice("linux", "/dev/null")).to.equal(true);
    expect(isNullDevice("linux", "NUL")).to.equal(false);
  });

  it("Linux /etc/resolv.conf and /etc/hostname are synthesised when the image has none", async () => {
    const r = await run(linuxContainer(), ["cat", "/etc/resolv.conf", "/etc/hostname"]);
    expect(r.stdout).to.equal("search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\nlinux-client\n");
    const own = await run(linuxContainer({ fs: new MemFs("linux", { "/etc/hostname": "custom\n" }) }), ["cat", "/etc/hostname"]);
    expect(own.stdout).to.equal("custom\n");
  });

  it("classifyImage", () => {
    expect(classifyImage("mcr.microsoft.com/windows/servercore:ltsc2022").family).to.equal("servercore");
    expect(classifyImage("mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022").family).to.equal("iis");
    expect(classifyImage("mcr.microsoft.com/windows/nanoserver:ltsc2025").family).to.equal("nanoserver");
    expect(classifyImage("registry.k8s.io/e2e-test-images/agnhost:2.52").family).to.equal("agnhost");
    expect(classifyImage("nginx").family).to.equal("nginx");
    expect(classifyImage("docker.io/library/busybox:1.36@sha256:abc").family).to.equal("busybox");
    expect(classifyImage("curlimages/curl:8.11.1").family).to.equal("curl");
    expect(classifyImage("registry.k8s.io/pause:3.9").family).to.equal("pause");
    expect(classifyImage("localhost:5000/team/app:v1").family).to.equal("unknown");
  });
});
