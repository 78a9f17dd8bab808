import { expect } from "chai";
import { FakeWorld, run, winContainer } from "./helpers.js";

const credspec = (dns: string, netbios: string) =>
  JSON.stringify({
    CmsPlugins: ["ActiveDirectory"],
    DomainJoinConfig: {
      Sid: "S-1-5-21-1",
      MachineAccountName: "gmsa-e2e",
      Guid: "00000000-0000-0000-0000-000000000000",
      DnsTreeName: dns,
      DnsName: dns,
      NetBiosName: netbios,
    },
  });

const gmsa = (dns = "contoso.com") => winContainer({ gmsaCredentialSpec: credspec(dns, dns.split(".")[0].toUpperCase()) });
const up = new FakeWorld({ domain: { name: "contoso.com", dc: "DC1.contoso.com", reachable: true } });
const down = new FakeWorld({ domain: { name: "contoso.com", dc: "DC1.contoso.com", reachable: false } });

describe("dataplane commands: nltest", () => {
  it("/query with a reachable domain", async () => {
    const r = await run(gmsa(), ["nltest", "/query"], up);
    expect(r).to.deep.equal({
      stdout:
        "Flags: 30 HAS_IP  HAS_TIMESERV\r\nTrusted DC Name \\\\DC1.contoso.com\r\nTrusted DC Connection Status Status = 0 0x0 NERR_Success\r\nThe command completed successfully\r\n",
      stderr: "",
      exitCode: 0,
    });
  });

  it("/QUERY is case-insensitive, and runs through cmd and powershell", async () => {
    const a = await run(gmsa(), ["cmd", "/c", "nltest /QUERY"], up);
    expect(a.stdout).to.contain("The command completed successfully");
    const b = await run(gmsa(), ["powershell", "-c", "nltest.exe /query"], up);
    expect(b.stdout).to.contain("NERR_Success");
  });

  it("/parentdomain prints the credspec's domain", async () => {
    const r = await run(gmsa("acme.com"), ["nltest", "/PARENTDOMAIN"], up);
    expect(r.stdout).to.equal("acme.com. (1)\r\nThe command completed successfully\r\n");
    expect(r.stdout.startsWith("acme.com")).to.equal(true);
  });

  it("no credspec: ERROR_NO_SUCH_DOMAIN, exit 1", async () => {
    const q = await run(winContainer(), ["nltest", "/query"], up);
    expect(q).to.deep.equal({ stdout: "I_NetLogonControl failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\r\n", stderr: "", exitCode: 1 });
    const p = await run(winContainer(), ["nltest", "/parentdomain"], up);
    expect(p.stdout).to.equal("Getting parent domain failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\r\n");
    expect(p.exitCode).to.equal(1);
  });

  it("unreachable DC: ERROR_NO_LOGON_SERVERS inside a 'successful' call, as real nltest reports it", async () => {
    const r = await run(gmsa(), ["nltest", "/query"], down);
    expect(r.stdout).to.equal(
      "Flags: 0\r\nTrusted DC Name\r\nTrusted DC Connection Status Status = 1311 0x51f ERROR_NO_LOGON_SERVERS\r\nThe command completed successfully\r\n",
    );
    // The GMSA e2e check therefore needs both conditions: success line present AND no error code.
    const healthy = r.stdout.includes("The command completed successfully") && !r.stdout.includes("ERROR_NO_LOGON_SERVERS");
    expect(healthy).to.equal(false);
  });

  it("/sc_query:<domain> and /sc_verify:<domain>", async () => {
    const q = await run(gmsa(), ["nltest", "/sc_query:contoso.com"], up);
    expect(q.stdout).to.contain("Trusted DC Name \\\\DC1.contoso.com\r\n");
    const v = await run(gmsa(), ["nltest", "/sc_verify:CONTOSO"], up);
    expect(v.stdout).to.contain("Flags: b0 HAS_IP  HAS_TIMESERV\r\n");
    expect(v.stdout).to.contain("Trust Verification Status = 0 0x0 NERR_Success\r\n");
    const other = await run(gmsa(), ["nltest", "/sc_query:fabrikam.com"], up);
    expect(other.stdout).to.equal("I_NetLogonControl failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\r\n");
  });

  it("a credspec for another domain than the reachable one cannot reach a DC", async () => {
    const r = await run(gmsa("fabrikam.com"), ["nltest", "/query"], up);
    expect(r.stdout).to.contain("ERROR_NO_LOGON_SERVERS");
  });

  it("nanoserver has no nltest", async () => {
    const r = await run(
      winContainer({ image: "mcr.microsoft.com/windows/nanoserver:ltsc2022", gmsaCredentialSpec: credspec("contoso.com", "CONTOSO") }),
      ["nltest", "/query"],
      up,
    );
    expect(r.exitCode).to.equal(127);
  });

  it("realistic latency: /query fails until /sc_reset re-establishes the secure channel (upstream's gmsa_full.go retry)", async () => {
    const fresh = new FakeWorld({ domain: { name: "contoso.com", dc: "DC1.contoso.com", reachable: true, established: false } });
    const before = await run(gmsa(), ["nltest", "/query"], fresh);
    expect(before.stdout).to.contain("ERROR_NO_LOGON_SERVERS");
    const reset = await run(gmsa(), ["nltest", "/sc_reset:contoso.com"], fresh);
    expect(reset).to.deep.equal({
      stdout:
        "Flags: 30 HAS_IP  HAS_TIMESERV\r\nTrusted DC Name \\\\DC1.contoso.com\r\nTrusted DC Connection Status Status = 0 0x0 NERR_Success\r\nThe command completed successfully\r\n",
      stderr: "",
      exitCode: 0,
    });
    const after = await run(gmsa(), ["nltest", "/query"], fresh);
    expect(after.stdout).to.contain("NERR_Success");
    expect(after.stdout).to.not.contain("ERROR_NO_LOGON_SERVERS");
  });

  it("/sc_reset with the domain controller unreachable fails with ERROR_NO_LOGON_SERVERS, exit 1", async () => {
    const r = await run(gmsa(), ["nltest", "/sc_reset:contoso.com"], down);
    expect(r).to.deep.equal({ stdout: "I_NetLogonControl failed: Status = 1311 0x51f ERROR_NO_LOGON_SERVERS\r\n", stderr: "", exitCode: 1 });
  });
});
