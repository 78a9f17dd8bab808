import { expect } from "chai";
import { baseEnv, windowsAccount } from "../../../localcluster/dataplane/commands/identity.js";
import { linuxContainer, MemFs, run, winContainer } from "./helpers.js";

describe("dataplane commands: identity", () => {
  it("whoami on Windows is lower-case domain\\user", async () => {
    const cases: Array<[string, string]> = [
      ["ContainerAdministrator", "user manager\\containeradministrator"],
      ["ContainerUser", "user manager\\containeruser"],
      ["NT AUTHORITY\\SYSTEM", "nt authority\\system"],
      ["NT AUTHORITY\\Local Service", "nt authority\\local service"],
    ];
    for (const [user, expected] of cases) {
      const r = await run(winContainer({ userName: user }), ["whoami"]);
      expect(r.stdout, user).to.equal(`${expected}\r\n`);
    }
  });

  it("whoami.exe with a path and any case", async () => {
    const r = await run(winContainer(), ["C:\\Windows\\System32\\WHOAMI.EXE"]);
    expect(r.stdout).to.equal("user manager\\containeradministrator\r\n");
  });

  it("the image default user applies when runAsUserName is unset", async () => {
    const r = await run(winContainer({ userName: "", image: "mcr.microsoft.com/windows/nanoserver:ltsc2022" }), ["whoami"]);
    expect(r.stdout).to.equal("user manager\\containeruser\r\n");
  });

  it("whoami on Linux: root, a named uid, and an unknown uid", async () => {
    expect((await run(linuxContainer(), ["whoami"])).stdout).to.equal("root\n");
    const fs = new MemFs("linux", { "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n" });
    expect((await run(linuxContainer({ fs, userName: "65534" }), ["whoami"])).stdout).to.equal("nobody\n");
    const unknown = await run(linuxContainer({ userName: "1000" }), ["whoami"]);
    expect(unknown).to.deep.equal({ stdout: "", stderr: "whoami: unknown uid 1000\n", exitCode: 1 });
  });

  it("id on Linux", async () => {
    expect((await run(linuxContainer(), ["id"])).stdout).to.equal("uid=0(root) gid=0(root) groups=0(root)\n");
  });

  it("hostname prints the view's hostname (CRLF on Windows)", async () => {
    expect((await run(winContainer(), ["hostname"])).stdout).to.equal("WIN-WEBSERVER-7\r\n");
    expect((await run(linuxContainer(), ["hostname"])).stdout).to.equal("linux-client\n");
  });

  it("uname", async () => {
    expect((await run(linuxContainer(), ["uname"])).stdout).to.equal("Linux\n");
    expect((await run(winContainer({ image: "registry.k8s.io/e2e-test-images/busybox:1.36.1-1" }), ["uname.exe", "-o"])).stdout).to.equal("MS/Windows\r\n");
  });

  it("SYSTEM's %USERNAME% is the machine account; [Environment]::UserName is SYSTEM", () => {
    const c = winContainer({ userName: "NT AUTHORITY\\SYSTEM" });
    expect(baseEnv(c).get("username")).to.equal("WIN-WEBSERVER-7$");
    expect(windowsAccount(c).processUserName).to.equal("SYSTEM");
  });

  it("pod env overrides the defaults; Windows names are case-insensitive", () => {
    const env = baseEnv(winContainer({ env: { Path: "C:\\custom" } }));
    expect(env.get("PATH")).to.equal("C:\\custom");
    expect(env.get("computername")).to.equal("WIN-WEBSERVER-7");
    const lenv = baseEnv(linuxContainer());
    expect(lenv.get("HOME")).to.equal("/root");
    expect(lenv.get("home")).to.equal(undefined);
  });
});
