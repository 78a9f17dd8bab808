import { expect } from "chai";
import type { HttpRequest } from "../../../localcluster/dataplane/model.js";
import { effectiveArgv, workloadFor } from "../../../localcluster/dataplane/workloads/index.js";
import { isLongRunning } from "../../../localcluster/dataplane/workloads/index.js";
import { listenerPort } from "../../../localcluster/dataplane/workloads/windows.js";
import { DOCS_SCRIPT, linuxContainer, MemFs, winContainer } from "./helpers.js";

const clock = () => new Date("2024-05-01T12:00:00.250Z");

const get = (host: string, port = 80, path = "/", headers: Record<string, string> = {}): HttpRequest => ({
  method: "GET",
  host,
  port,
  path,
  headers: { Host: port === 80 ? host : `${host}:${port}`, ...headers },
});

describe("dataplane workloads", () => {
  describe("win-webserver (PowerShell HttpListener)", () => {
    const images = [
      "mcr.microsoft.com/windows/servercore:ltsc2019",
      "mcr.microsoft.com/windows/servercore:ltsc2022",
      "mcr.microsoft.com/windows/nanoserver:ltsc2025",
    ];

    for (const image of images) {
      it(`is detected from the script on ${image}`, () => {
        const w = workloadFor(winContainer({ image, command: ["powershell.exe", "-command", DOCS_SCRIPT] }), { clock });
        expect(w.kind).to.equal("win-webserver");
        expect(w.listens).to.deep.equal([80]);
        expect(w.longRunning).to.equal(true);
        expect(w.startupLines()).to.deep.equal(["Listening at http://*:80/"]);
      });
    }

    it("serves the page with one <p> per distinct caller, each showing the pod's own IP", () => {
      const w = workloadFor(winContainer({ command: ["powershell.exe", "-command", DOCS_SCRIPT] }), { clock });
      const first = w.handle(get("10.244.1.5"), "10.244.0.7");
      expect(first?.response.status).to.equal(200);
      expect(first?.response.body).to.equal("<html><body><H1>Windows Container Web Server</H1><p>IP 10.244.1.5 callerCount 1 </body></html>");
      w.handle(get("10.244.1.5"), "10.244.0.8");
      const third = w.handle(get("10.244.1.5"), "10.244.0.7");
      expect(third?.response.body).to.equal(
        "<html><body><H1>Windows Container Web Server</H1><p>IP 10.244.1.5 callerCount 2 <p>IP 10.244.1.5 callerCount 1 </body></html>",
      );
    });

    it("prints the script's stdout lines per request", () => {
      const w = workloadFor(winContainer({ command: ["powershell.exe", "-command", DOCS_SCRIPT] }), { clock });
      const out = w.handle(get("10.244.1.5", 80, "/index"), "10.244.0.7");
      expect(out?.logLines).to.deep.equal([
        "",
        "> http://10.244.1.5/index",
        "<html><body><H1>Windows Container Web Server</H1><p>IP 10.244.1.5 callerCount 1 </body></html>",
        "< 200",
      ]);
    });

    it("the URL keeps a non-default port and lower-cases the host (System.Uri)", () => {
      const script = DOCS_SCRIPT.replace("http://*:80/", "http://*:8080/");
      expect(listenerPort(script)).to.equal(8080);
      const w = workloadFor(winContainer({ command: ["powershell.exe", "-command", script] }), { clock });
      expect(w.listens).to.deep.equal([8080]);
      const out = w.handle(get("WIN-WEBSERVER.default.svc.cluster.local", 8080), "10.244.0.7");
      expect(out?.logLines[1]).to.equal("> http://win-webserver.default.svc.cluster.local:8080/");
    });

    it("another port is refused (undefined)", () => {
      const w = workloadFor(winContainer({ command: ["powershell.exe", "-command", DOCS_SCRIPT] }), { clock });
      expect(w.handle(get("10.244.1.5", 81), "10.244.0.7")).to.equal(undefined);
    });

    it("a restart is a new workload with fresh counts", () => {
      const c = winContainer({ command: ["powershell.exe", "-command", DOCS_SCRIPT] });
      workloadFor(c, { clock }).handle(get("10.244.1.5"), "10.244.0.7");
      const again = workloadFor(c, { clock }).handle(get("10.244.1.5"), "10.244.0.7");
      expect(again?.response.body).to.contain("callerCount 1 ");
    });
  });

  describe("Windows images without a server", () => {
    it("servercore with ping -t listens on nothing, keeps running, prints ping's header", () => {
      const w = workloadFor(winContainer({ command: ["ping", "-t", "localhost"] }), { clock });
      expect(w.listens).to.deep.equal([]);
      expect(w.longRunning).to.equal(true);
      expect(w.startupLines()).to.deep.equal(["", "Pinging WIN-WEBSERVER-7 [::1] with 32 bytes of data:", "Reply from ::1: time<1ms"]);
      expect(w.handle(get("10.244.1.5"), "10.244.0.7")).to.equal(undefined);
    });

    it("cmd /c echo runs to completion (the caller runs it through runCommand)", () => {
      const w = workloadFor(winContainer({ command: ["cmd", "/S", "/C", "echo %username%"] }), { clock });
      expect(w.longRunning).to.equal(false);
      expect(w.listens).to.deep.equal([]);
    });

    it("a sleep loop keeps a container running", () => {
      const w = workloadFor(winContainer({ command: ["powershell", "-c", "while ($true) { Start-Sleep 30 }"] }), { clock });
      expect(w.longRunning).to.equal(true);
    });

    it("servercore with no command runs cmd.exe, which exits at once", () => {
      expect(workloadFor(winContainer(), { clock }).longRunning).to.equal(false);
    });
  });

  describe("IIS", () => {
    const iisImage = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022";

    it("serves the default page on :80", () => {
      const w = workloadFor(winContainer({ image: iisImage }), { clock });
      expect(w.kind).to.equal("iis");
      expect(w.listens).to.deep.equal([80]);
      const r = w.handle(get("10.244.1.5"), "10.244.0.7");
      expect(r?.response.status).to.equal(200);
      expect(r?.response.body).to.contain("<title>IIS Windows Server</title>");
      expect(r?.response.headers.Server).to.equal("Microsoft-IIS/10.0");
      expect(r?.logLines).to.deep.equal([]);
    });

    it("404 for other paths; files under C:\\inetpub\\wwwroot are served", () => {
      const fs = new MemFs("windows", { "C:\\inetpub\\wwwroot\\health.html": "ok" });
      const w = workloadFor(winContainer({ image: iisImage, fs }), { clock });
      const missing = w.handle(get("10.244.1.5", 80, "/nope"), "10.244.0.7");
      expect(missing?.response.status).to.equal(404);
      expect(missing?.response.body).to.contain("404 - File or directory not found.");
      expect(w.handle(get("10.244.1.5", 80, "/health.html"), "10.244.0.7")?.response.body).to.equal("ok");
    });
  });

  describe("agnhost", () => {
    const agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.52";

    it("netexec: default port 8080, /hostname, /clientip, /echo, / with Go log lines", () => {
      const w = workloadFor(linuxContainer({ image: agnhost, args: ["netexec"] }), { clock });
      expect(w.listens).to.deep.equal([8080]);
      expect(w.startupLines()).to.deep.equal(["2024/05/01 12:00:00 Started HTTP server on port 8080"]);
      const h = w.handle(get("10.244.0.7", 8080, "/hostname"), "10.244.1.5");
      expect(h?.response.body).to.equal("linux-client");
      expect(h?.logLines).to.deep.equal(["2024/05/01 12:00:00 GET /hostname"]);
      expect(w.handle(get("10.244.0.7", 8080, "/clientip"), "10.244.1.5")?.response.body).to.match(/^10\.244\.1\.5:\d+$/);
      expect(w.handle(get("10.244.0.7", 8080, "/echo?msg=hello%20there"), "10.244.1.5")?.response.body).to.equal("hello there");
      expect(w.handle(get("10.244.0.7", 8080, "/echo?msg=x&code=503"), "10.244.1.5")?.response.status).to.equal(503);
      expect(w.handle(get("10.244.0.7", 8080, "/"), "10.244.1.5")?.response.body).to.equal("NOW: 2024-05-01 12:00:00.25 +0000 UTC m=+0.000000000");
    });

    it("netexec --http-port=80 and --http-port 9090 (command form)", () => {
      expect(workloadFor(linuxContainer({ image: agnhost, args: ["netexec", "--http-port=80"] })).listens).to.deep.equal([80]);
      expect(workloadFor(linuxContainer({ image: agnhost, command: ["/agnhost", "netexec", "--http-port", "9090"] })).listens).to.deep.equal([9090]);
    });

    it("netexec on Windows reports the full pod name as hostname (os.Hostname)", () => {
      const w = workloadFor(winContainer({ image: agnhost, args: ["netexec", "--http-port=8080"] }), { clock });
      expect(w.handle(get("10.244.1.5", 8080, "/hostname"), "10.244.0.7")?.response.body).to.equal("win-webserver-7d9f8b6c5d-x2k4p");
    });

    it("serve-hostname: 9376 by default, --port overrides, body is the pod name", () => {
      const w = workloadFor(linuxContainer({ image: agnhost, args: ["serve-hostname"] }), { clock });
      expect(w.listens).to.deep.equal([9376]);
      expect(w.startupLines()).to.deep.equal(["2024/05/01 12:00:00 Serving on port 9376."]);
      const r = w.handle(get("10.244.0.7", 9376), "10.244.1.5");
      expect(r?.response.body).to.equal("linux-client");
      expect(r?.logLines[0]).to.match(/^2024\/05\/01 12:00:00 HTTP request from 10\.244\.1\.5:\d+$/);
      expect(workloadFor(linuxContainer({ image: agnhost, args: ["serve-hostname", "--port=8080"] })).listens).to.deep.equal([8080]);
    });

    it("test-webserver: a file server over / on :80 (directory listing, files, 404)", () => {
      const fs = new MemFs("windows", { "C:\\Windows\\hello.txt": "hi", "C:\\agnhost.exe": "MZ" });
      const w = workloadFor(winContainer({ image: agnhost, args: ["test-webserver"], fs }), { clock });
      expect(w.listens).to.deep.equal([80]);
      const root = w.handle(get("10.244.1.5"), "10.244.0.9");
      expect(root?.response.status).to.equal(200);
      // The container fs stores Windows names lower-cased; Go's FileServer lists them sorted.
      expect(root?.response.body).to.equal('<pre>\n<a href="agnhost.exe">agnhost.exe</a>\n<a href="windows/">windows/</a>\n</pre>\n');
      expect(w.handle(get("10.244.1.5", 80, "/Windows/hello.txt"), "10.244.0.9")?.response.body).to.equal("hi");
      const missing = w.handle(get("10.244.1.5", 80, "/nope"), "10.244.0.9");
      expect(missing?.response.status).to.equal(404);
      expect(missing?.response.body).to.equal("404 page not found\n");
    });

    it("pause (also the image default) serves nothing but keeps running", () => {
      for (const args of [["pause"], []]) {
        const w = workloadFor(linuxContainer({ image: agnhost, args }), { clock });
        expect(w.listens).to.deep.equal([]);
        expect(w.longRunning).to.equal(true);
      }
    });
  });

  describe("Linux images", () => {
    it("nginx serves the welcome page and logs in combined format", () => {
      const w = workloadFor(linuxContainer({ image: "registry.k8s.io/e2e-test-images/nginx:1.14-4" }), { clock });
      expect(w.listens).to.deep.equal([80]);
      const r = w.handle(get("10.244.0.9", 80, "/", { "User-Agent": "curl/8.9.1" }), "10.244.1.5");
      expect(r?.response.body).to.contain("<title>Welcome to nginx!</title>");
      expect(r?.logLines).to.deep.equal(['10.244.1.5 - - [01/May/2024:12:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.9.1" "-"']);
      expect(w.handle(get("10.244.0.9", 80, "/missing"), "10.244.1.5")?.response.status).to.equal(404);
    });

    it("nginx with a command override is no longer a server", () => {
      const w = workloadFor(linuxContainer({ image: "nginx", command: ["sh", "-c", "sleep 3600"] }), { clock });
      expect(w.listens).to.deep.equal([]);
      expect(w.longRunning).to.equal(true);
    });

    it("busybox, curl and pause serve nothing", () => {
      for (const image of ["busybox:1.36", "curlimages/curl:8.11.1", "registry.k8s.io/pause:3.9"]) {
        expect(workloadFor(linuxContainer({ image })).listens, image).to.deep.equal([]);
      }
      expect(workloadFor(linuxContainer({ image: "registry.k8s.io/pause:3.9" })).longRunning).to.equal(true);
      expect(workloadFor(linuxContainer({ image: "busybox:1.36" })).longRunning).to.equal(false);
    });

    it("busybox httpd -f -p 8080 -h /www serves files", () => {
      const fs = new MemFs("linux", { "/www/index.html": "<p>busybox</p>" });
      const w = workloadFor(linuxContainer({ fs, command: ["sh", "-c", "httpd -f -p 8080 -h /www"] }), { clock });
      expect(w.listens).to.deep.equal([8080]);
      expect(w.handle(get("10.244.0.7", 8080), "10.244.1.5")?.response.body).to.equal("<p>busybox</p>");
      expect(w.handle(get("10.244.0.7", 8080, "/x"), "10.244.1.5")?.response.status).to.equal(404);
    });
  });

  describe("effective command and long-running rules", () => {
    it("command replaces ENTRYPOINT; args alone replace CMD", () => {
      expect(effectiveArgv(linuxContainer({ image: "registry.k8s.io/e2e-test-images/agnhost:2.52", args: ["netexec"] }))).to.deep.equal([
        "/agnhost",
        "netexec",
      ]);
      expect(effectiveArgv(linuxContainer({ image: "busybox", command: ["sleep"], args: ["10"] }))).to.deep.equal(["sleep", "10"]);
      expect(effectiveArgv(linuxContainer({ image: "busybox" }))).to.deep.equal(["sh"]);
    });

    it("isLongRunning", () => {
      expect(isLongRunning(["sleep", "infinity"])).to.equal(true);
      expect(isLongRunning(["sleep", "5"])).to.equal(false);
      expect(isLongRunning(["sh", "-c", "while true; do sleep 1; done"])).to.equal(true);
      expect(isLongRunning(["ping", "-n", "20", "localhost"])).to.equal(false);
      expect(isLongRunning(["tail", "-f", "/dev/null"])).to.equal(true);
      expect(isLongRunning(["echo", "hi"])).to.equal(false);
      expect(isLongRunning([])).to.equal(true);
    });
  });
});
