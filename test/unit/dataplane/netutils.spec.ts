import { expect } from "chai";
import { hasOnlyCrlf, linuxContainer, MemFs, run, winContainer } from "./helpers.js";

const agnhostLinux = () => linuxContainer({ image: "registry.k8s.io/e2e-test-images/agnhost:2.52" });

describe("dataplane commands: network tools", () => {
  describe("nslookup", () => {
    it("Windows format for a cluster name (search list applied by the world)", async () => {
      const r = await run(winContainer(), ["nslookup", "kubernetes"]);
      expect(r.stdout).to.equal("Server:  UnKnown\r\nAddress:  10.96.0.10\r\n\r\nName:    kubernetes.default.svc.cluster.local\r\nAddress:  10.96.0.1\r\n\r\n");
      expect(r.exitCode).to.equal(0);
    });

    it("Windows: an external name is a non-authoritative answer; an explicit server is shown", async () => {
      const r = await run(winContainer(), ["nslookup.exe", "www.example.com", "1.1.1.1"]);
      expect(r.stdout).to.equal(
        "Server:  UnKnown\r\nAddress:  1.1.1.1\r\n\r\nNon-authoritative answer:\r\nName:    www.example.com\r\nAddress:  93.184.216.34\r\n\r\n",
      );
    });

    it("Windows failure: *** UnKnown can't find <name>: Non-existent domain", async () => {
      const r = await run(winContainer(), ["nslookup", "bogus.invalid"]);
      expect(r.stderr).to.equal("*** UnKnown can't find bogus.invalid: Non-existent domain\r\n");
      expect(r.exitCode).to.equal(1);
    });

    it("Windows SERVFAIL and timeout", async () => {
      expect((await run(winContainer(), ["nslookup", "flaky.example.com"])).stderr).to.equal("*** UnKnown can't find flaky.example.com: Server failed\r\n");
      expect((await run(winContainer(), ["nslookup", "slow.example.com"])).stderr).to.contain("DNS request timed out.\r\n");
    });

    it("several addresses are listed under Addresses:", async () => {
      const { standardWorld } = await import("./helpers.js");
      const world = standardWorld({ dns: { "multi.default.svc.cluster.local": ["10.244.1.5", "10.244.1.6"] } });
      const r = await run(winContainer(), ["nslookup", "multi.default.svc.cluster.local"], world);
      expect(r.stdout).to.contain("Addresses:  10.244.1.5\r\n\t  10.244.1.6\r\n");
    });

    it("busybox format and failure", async () => {
      const ok = await run(linuxContainer(), ["nslookup", "kubernetes.default"]);
      expect(ok.stdout).to.equal("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n");
      const bad = await run(linuxContainer(), ["nslookup", "bogus"]);
      expect(bad.stdout).to.contain("** server can't find bogus: NXDOMAIN\n");
      expect(bad.exitCode).to.equal(1);
    });

    it("agnhost ships BIND's nslookup (server#53)", async () => {
      const r = await run(agnhostLinux(), ["nslookup", "kubernetes"]);
      expect(r.stdout).to.contain("Address:\t10.96.0.10#53\n");
    });
  });

  describe("ipconfig", () => {
    it("ipconfig shows the vEthernet adapter and the pod address", async () => {
      const r = await run(winContainer(), ["ipconfig"]);
      expect(r.stdout).to.contain("\r\nWindows IP Configuration\r\n\r\n\r\nEthernet adapter vEthernet (Ethernet):\r\n\r\n");
      expect(r.stdout).to.contain("   Connection-specific DNS Suffix  . : default.svc.cluster.local\r\n");
      expect(r.stdout).to.contain("   IPv4 Address. . . . . . . . . . . : 10.244.1.5\r\n");
      expect(r.stdout).to.contain("   Default Gateway . . . . . . . . . : 10.244.1.1\r\n");
      expect(hasOnlyCrlf(r.stdout)).to.equal(true);
    });

    it("ipconfig /all lists every DNS server (dnsConfig nameservers) and the search list", async () => {
      const c = winContainer({ dns: { nameserver: "10.96.0.10", nameservers: ["10.96.0.10", "1.1.1.1"], searches: ["default.svc.cluster.local"] } });
      const r = await run(c, ["ipconfig", "/all"]);
      expect(r.stdout).to.contain("   Host Name . . . . . . . . . . . . : WIN-WEBSERVER-7\r\n");
      expect(r.stdout).to.contain("   DNS Servers . . . . . . . . . . . : 10.96.0.10\r\n                                       1.1.1.1\r\n");
      expect(r.stdout).to.contain("   DNS Suffix Search List. . . . . . : default.svc.cluster.local\r\n");
      expect(r.stdout).to.contain("   IPv4 Address. . . . . . . . . . . : 10.244.1.5(Preferred)\r\n");
    });

    it("ipconfig does not exist on Linux", async () => {
      const r = await run(linuxContainer(), ["ipconfig"]);
      expect(r.exitCode).to.equal(127);
    });
  });

  describe("nc", () => {
    it("busybox -vz: open", async () => {
      const r = await run(linuxContainer({ image: "registry.k8s.io/e2e-test-images/nginx:1.14-4" }), ["nc", "-vz", "10.244.1.5", "80", "-w", "10"]);
      expect(r).to.deep.equal({ stdout: "", stderr: "10.244.1.5 (10.244.1.5:80) open\n", exitCode: 0 });
    });

    it("busybox -vz: refused and timeout", async () => {
      const refused = await run(linuxContainer(), ["nc", "-vz", "10.244.1.5", "81"]);
      expect(refused).to.deep.equal({ stdout: "", stderr: "nc: 10.244.1.5 (10.244.1.5:81): Connection refused\n", exitCode: 1 });
      const dropped = await run(linuxContainer(), ["nc", "-vz", "-w", "2", "10.244.9.9", "80"]);
      expect(dropped.exitCode).to.equal(1);
      expect(dropped.stderr).to.equal("nc: 10.244.9.9 (10.244.9.9:80): Operation timed out\n");
    });

    it("busybox: a name that does not resolve", async () => {
      const r = await run(linuxContainer(), ["nc", "-vz", "nope", "80"]);
      expect(r.stderr).to.equal("nc: bad address 'nope'\n");
      expect(r.exitCode).to.equal(1);
    });

    it("-z without -v is silent", async () => {
      const r = await run(linuxContainer(), ["nc", "-z", "10.244.1.5", "81"]);
      expect(r).to.deep.equal({ stdout: "", stderr: "", exitCode: 1 });
    });

    it("OpenBSD nc (agnhost) wording", async () => {
      const ok = await run(agnhostLinux(), ["nc", "-vz", "10.244.1.5", "80"]);
      expect(ok.stderr).to.equal("Connection to 10.244.1.5 80 port [tcp/http] succeeded!\n");
      const no = await run(agnhostLinux(), ["nc", "-vz", "10.244.1.5", "81"]);
      expect(no.stderr).to.equal("nc: connect to 10.244.1.5 port 81 (tcp) failed: Connection refused\n");
    });
  });

  describe("wget (busybox)", () => {
    it("-qO- prints the body", async () => {
      const r = await run(linuxContainer(), ["wget", "-qO-", "http://10.244.0.9/"]);
      expect(r).to.deep.equal({ stdout: "<h1>Welcome to nginx!</h1>\n", stderr: "", exitCode: 0 });
    });

    it("-q -O - -T 5 with a cluster name", async () => {
      const r = await run(linuxContainer(), ["wget", "-q", "-O", "-", "-T", "5", "http://nginx.default.svc.cluster.local"]);
      expect(r.stdout).to.equal("<h1>Welcome to nginx!</h1>\n");
    });

    it("error messages", async () => {
      expect((await run(linuxContainer(), ["wget", "-qO-", "http://nope/"])).stderr).to.equal("wget: bad address 'nope'\n");
      expect((await run(linuxContainer(), ["wget", "-qO-", "http://10.244.0.9:81/"])).stderr).to.equal(
        "wget: can't connect to remote host (10.244.0.9): Connection refused\n",
      );
      const notFound = await run(linuxContainer(), ["wget", "-qO-", "http://10.244.0.9:8080/"]);
      expect(notFound.stderr).to.equal("wget: server returned error: HTTP/1.1 404 Not Found\n");
      expect(notFound.exitCode).to.equal(1);
      expect((await run(linuxContainer(), ["wget", "-qO-", "-T", "1", "http://10.244.9.9/"])).stderr).to.equal("wget: download timed out\n");
    });

    it("without -q it reports progress and saves to a file", async () => {
      const fs = new MemFs("linux");
      const r = await run(linuxContainer({ fs }), ["wget", "http://10.244.0.9/"]);
      expect(r.stderr).to.contain("Connecting to 10.244.0.9 (10.244.0.9:80)\n");
      expect(r.stderr).to.contain("saving to 'index.html'\n");
      expect(fs.read("/index.html")).to.equal("<h1>Welcome to nginx!</h1>\n");
    });
  });

  describe("ping (Windows)", () => {
    it("ping -n 2 localhost", async () => {
      const r = await run(winContainer(), ["ping", "-n", "2", "localhost"]);
      expect(r.stdout).to.contain("Pinging WIN-WEBSERVER-7 [::1] with 32 bytes of data:\r\nReply from ::1: time<1ms\r\nReply from ::1: time<1ms\r\n");
      expect(r.exitCode).to.equal(0);
    });

    it("an unknown host", async () => {
      const r = await run(winContainer(), ["ping", "nope"]);
      expect(r.stdout).to.equal("Ping request could not find host nope. Please check the name and try again.\r\n");
      expect(r.exitCode).to.equal(1);
    });
  });
});
