import { expect } from "chai";
import { escapeArg, splitWindowsArgs, stripOuterQuotes } from "../../../localcluster/dataplane/commands/cmd.js";
import { hasOnlyCrlf, MemFs, run, winContainer } from "./helpers.js";

describe("dataplane commands: cmd.exe", () => {
  it('cmd /S /C "echo %username%" prints the default user (the SecurityContext e2e check)', async () => {
    const admin = await run(winContainer(), ["cmd", "/S", "/C", "echo %username%"]);
    expect(admin).to.deep.equal({ stdout: "ContainerAdministrator\r\n", stderr: "", exitCode: 0 });
    const user = await run(winContainer({ image: "registry.k8s.io/e2e-test-images/nonroot:1.4", userName: "ContainerUser" }), [
      "cmd",
      "/S",
      "/C",
      "echo %username%",
    ]);
    expect(user.stdout).to.equal("ContainerUser\r\n");
  });

  it("any %VAR% expands case-insensitively; an undefined one stays as typed", async () => {
    const r = await run(winContainer({ env: { MY_VAR: "value" } }), ["cmd.exe", "/c", "echo %my_var% %UNDEFINED%"]);
    expect(r.stdout).to.equal("value %UNDEFINED%\r\n");
  });

  it("echo. prints an empty line, bare echo reports the echo state", async () => {
    expect((await run(winContainer(), ["cmd", "/c", "echo."])).stdout).to.equal("\r\n");
    expect((await run(winContainer(), ["cmd", "/c", "echo"])).stdout).to.equal("ECHO is on.\r\n");
  });

  it("&& and & chains; || runs on failure", async () => {
    const r = await run(winContainer(), ["cmd", "/c", "echo one&& echo two & hostname"]);
    expect(r.stdout).to.equal("one\r\ntwo \r\nWIN-WEBSERVER-7\r\n");
    const f = await run(winContainer(), ["cmd", "/c", "type C:\\nope.txt || echo fallback"]);
    expect(f.stdout).to.equal("fallback\r\n");
  });

  it("an unknown command: cmd's message, and cmd /c exits 9009", async () => {
    const r = await run(winContainer(), ["cmd", "/c", "foo"]);
    expect(r.stderr).to.equal("'foo' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n");
    expect(r.exitCode).to.equal(9009);
  });

  it("the volumes e2e check: writing into a read-only mount prints 'Access is denied.'", async () => {
    const fs = new MemFs("windows", {}, ["C:\\test-volume"], ["C:\\test-volume"]);
    const r = await run(winContainer({ fs, image: "registry.k8s.io/pause:3.9" }), [
      "cmd",
      "/c",
      "echo windows-volume-test",
      ">",
      "C:\\test-volume\\test-file.txt",
    ]);
    expect(r.stderr).to.equal("Access is denied.\r\n");
    expect(r.exitCode).to.equal(1);
  });

  it("the volumes e2e check: write then type back (echo keeps the space before >)", async () => {
    const fs = new MemFs("windows", {}, [], ["C:\\test-volume"]);
    const c = winContainer({ fs, image: "registry.k8s.io/pause:3.9" });
    const w = await run(c, ["cmd", "/c", "echo windows-volume-test", ">", "C:\\test-volume\\test-file.txt"]);
    expect(w).to.deep.equal({ stdout: "", stderr: "", exitCode: 0 });
    const r = await run(c, ["cmd", "/c", "type", "C:\\test-volume\\test-file.txt"]);
    expect(r.stdout).to.equal("windows-volume-test \r\n");
    expect(r.stdout.trim()).to.equal("windows-volume-test");
  });

  it("a redirect into a missing directory", async () => {
    const r = await run(winContainer(), ["cmd", "/c", "echo x > C:\\nodir\\f.txt"]);
    expect(r.stderr).to.equal("The system cannot find the path specified.\r\n");
  });

  it("type of a missing file", async () => {
    const r = await run(winContainer(), ["cmd", "/c", "type", "C:\\missing.txt"]);
    expect(r.stderr).to.equal("The system cannot find the file specified.\r\n");
    expect(r.exitCode).to.equal(1);
  });

  it("hostname, whoami, ipconfig and curl.exe run as child processes", async () => {
    const r = await run(winContainer(), ["cmd", "/c", "hostname && whoami && curl.exe -s 10.244.1.5"]);
    expect(r.stdout).to.equal("WIN-WEBSERVER-7\r\nuser manager\\containeradministrator\r\n<html><body><H1>Windows Container Web Server</H1></body></html>");
    const ip = await run(winContainer(), ["cmd", "/c", "ipconfig"]);
    expect(ip.stdout).to.contain("IPv4 Address. . . . . . . . . . . : 10.244.1.5\r\n");
  });

  it("nslookup through cmd", async () => {
    const r = await run(winContainer(), ["cmd", "/c", "nslookup kubernetes.default.svc.cluster.local"]);
    expect(r.stdout).to.contain("Address:  10.96.0.1\r\n");
  });

  it("IF [NOT] a == b ( exit -1 ): the HostProcess computer-name check", async () => {
    const same = await run(winContainer(), ["cmd.exe", "/K", "IF", "NOT", "%COMPUTERNAME%", "==", "WIN-WEBSERVER-7", "(", "exit", "-1", ")"]);
    expect(same.exitCode).to.equal(0);
    const differ = await run(winContainer(), ["cmd.exe", "/K", "IF", "NOT", "%COMPUTERNAME%", "==", "other-node", "(", "exit", "-1", ")"]);
    expect(differ.exitCode).to.equal(-1);
  });

  it("IF /I, IF EXIST and ELSE", async () => {
    const fs = new MemFs("windows", { "C:\\flag.txt": "1" });
    const r = await run(winContainer({ fs }), [
      "cmd",
      "/c",
      "if /i %COMPUTERNAME%==win-webserver-7 (echo yes) else (echo no) & if exist C:\\flag.txt echo present",
    ]);
    expect(r.stdout).to.equal("yes\r\npresent\r\n");
  });

  it("exit /b N sets the exit code", async () => {
    expect((await run(winContainer(), ["cmd", "/c", "exit /b 5"])).exitCode).to.equal(5);
  });

  it("ver prints the node's Windows version", async () => {
    const r = await run(winContainer({ nodeBuild: "10.0.26100" }), ["cmd", "/c", "ver"]);
    expect(r.stdout).to.equal("\r\nMicrosoft Windows [Version 10.0.26100.2894]\r\n");
  });

  it("set NAME prints matching variables; set without a match fails", async () => {
    const r = await run(winContainer(), ["cmd", "/c", "set USERNAME"]);
    expect(r.stdout).to.equal("USERNAME=ContainerAdministrator\r\n");
    const m = await run(winContainer(), ["cmd", "/c", "set NOPE_NOPE"]);
    expect(m.stderr).to.equal("Environment variable NOPE_NOPE not defined\r\n");
  });

  it("all output is CRLF", async () => {
    const r = await run(winContainer(), ["cmd", "/c", "ipconfig /all & nslookup nope & whoami"]);
    expect(hasOnlyCrlf(r.stdout)).to.equal(true);
    expect(hasOnlyCrlf(r.stderr)).to.equal(true);
  });

  describe("command-line quoting", () => {
    it("escapeArg quotes arguments with spaces like the runtime", () => {
      expect(escapeArg("echo windows-volume-test")).to.equal('"echo windows-volume-test"');
      expect(escapeArg("plain")).to.equal("plain");
      expect(escapeArg("")).to.equal('""');
      expect(escapeArg('say "hi"')).to.equal('"say \\"hi\\""');
    });

    it("cmd /c strips the first and last quote unless they wrap an executable path", () => {
      expect(stripOuterQuotes('"echo windows-volume-test" > C:\\x.txt', false)).to.equal("echo windows-volume-test > C:\\x.txt");
      expect(stripOuterQuotes('"echo %username%"', true)).to.equal("echo %username%");
      expect(stripOuterQuotes('"C:\\Program Files\\tool.exe"', false)).to.equal('"C:\\Program Files\\tool.exe"');
    });

    it("splitWindowsArgs follows CommandLineToArgvW", () => {
      expect(splitWindowsArgs('curl.exe "http://a b" -s')).to.deep.equal(["curl.exe", "http://a b", "-s"]);
      expect(splitWindowsArgs('a\\\\"b c" d')).to.deep.equal(["a\\b c", "d"]);
      expect(splitWindowsArgs('x \\"y\\"')).to.deep.equal(["x", '"y"']);
    });
  });
});
