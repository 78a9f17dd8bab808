// GMSA helpers: reading a credential spec file without echoing it, scrubbing, comparing, who refused, nltest.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  credSpecSecrets,
  describeRefusal,
  mismatchedCredSpec,
  nltestProblem,
  queryDomain,
  readCredSpecFile,
  refusalOf,
  sameCredSpec,
  scrubCredSpec,
  withoutSecrets,
} from "../../../lib/checks/gmsa.js";

const SPEC = {
  CmsPlugins: ["ActiveDirectory"],
  DomainJoinConfig: {
    Sid: "S-1-5-21-1-2-3",
    MachineAccountName: "WebApp9",
    Guid: "0f0e0d0c-0b0a-0908-0706-050403020100",
    DnsTreeName: "fabrikam.test",
    DnsName: "fabrikam.test",
    NetBiosName: "FABRIKAM",
  },
  ActiveDirectoryConfig: { GroupManagedServiceAccounts: [{ Name: "WebApp9", Scope: "fabrikam.test" }] },
};

describe("checks/gmsa", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-gmsa-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it("reads New-CredentialSpec JSON and GMSACredentialSpec manifests (also inside a multi-document file)", () => {
    expect(readCredSpecFile(file("a.json", JSON.stringify(SPEC)))).to.deep.equal({ credspec: SPEC, domain: "fabrikam.test" });
    const manifest = `apiVersion: windows.k8s.io/v1\nkind: GMSACredentialSpec\nmetadata:\n  name: x\ncredspec: ${JSON.stringify(SPEC)}\n`;
    expect(readCredSpecFile(file("b.yaml", manifest)).domain).to.equal("fabrikam.test");
    expect(readCredSpecFile(file("c.yaml", `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s}\n---\n${manifest}`)).domain).to.equal("fabrikam.test");
  });

  it("refuses unusable files by name and field, never quoting their contents", () => {
    const err = (f: string) => {
      try {
        readCredSpecFile(f);
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(err(join(dir, "missing.json"))).to.equal(`${join(dir, "missing.json")}: no such file`);
    mkdirSync(join(dir, "d"));
    expect(err(join(dir, "d"))).to.equal(`${join(dir, "d")}: is a directory`);
    const broken = err(file("broken.json", '{"DomainJoinConfig": {"Sid": "S-1-5-21-SECRET"'));
    expect(broken).to.equal(`${join(dir, "broken.json")}: not valid JSON or YAML`);
    const partial = err(file("partial.json", JSON.stringify({ CmsPlugins: ["ActiveDirectory"], DomainJoinConfig: { DnsName: "secret.example" } })));
    expect(partial).to.match(/not a usable credential spec: DomainJoinConfig.NetBiosName is missing; .*GroupManagedServiceAccounts is empty$/);
    expect(partial).not.to.include("secret.example");
    expect(err(file("other.yaml", "kind: Secret\ndata: {password: c2VjcmV0}\n"))).to.match(/a Secret, not a credential spec/);
    expect(err(file("two.yaml", "kind: A\n---\nkind: B\n"))).to.match(/holds 2 documents and 0 GMSACredentialSpec/);
  });

  it("scrubs every value and both JSON forms of a credential spec from text and from errors", async () => {
    const secrets = credSpecSecrets(SPEC);
    const json = JSON.stringify(SPEC);
    const text = `got ${json} and ${JSON.stringify(json)} and DC1.fabrikam.test for WebApp9 (S-1-5-21-1-2-3)`;
    const out = scrubCredSpec(text, secrets);
    for (const s of ["fabrikam", "WebApp9", "S-1-5-21", "0f0e0d0c", "FABRIKAM"]) expect(out).not.to.include(s);
    let caught: Error & { actual?: unknown } = new Error();
    await withoutSecrets(
      () => secrets,
      async () => {
        const e = new Error(`expected ${json}`) as Error & { actual?: unknown };
        e.actual = json;
        throw e;
      },
    ).catch((e) => (caught = e));
    expect(caught.message).not.to.include("fabrikam");
    expect(caught.stack).not.to.include("fabrikam");
    expect(caught.actual).to.equal(undefined);
  });

  it("compares credential specs as JSON and makes a valid mismatching one", () => {
    expect(sameCredSpec(JSON.stringify(SPEC), structuredClone(SPEC))).to.equal(true);
    expect(sameCredSpec(JSON.stringify({ ...SPEC, CmsPlugins: [] }), SPEC)).to.equal(false);
    expect(sameCredSpec("not json", SPEC)).to.equal(false);
    expect(sameCredSpec(undefined, SPEC)).to.equal(false);
    const other = mismatchedCredSpec(SPEC);
    expect(other.DomainJoinConfig).to.deep.include({ MachineAccountName: "WebApp9Other" });
    expect(SPEC.DomainJoinConfig.MachineAccountName).to.equal("WebApp9");
  });

  it("says who refused a request", () => {
    const webhook = refusalOf(
      {
        code: 403,
        message:
          'admission webhook "admission-webhook.windows-gmsa.sigs.k8s.io" denied the request: service account "x" is not authorized to `use` GMSA cred spec "y"',
      },
      "",
      [],
    );
    expect(webhook.by).to.equal("the GMSA admission webhook (admission-webhook.windows-gmsa.sigs.k8s.io)");
    const validation = refusalOf(
      {
        code: 422,
        reason: "Invalid",
        message:
          'Pod "p" is invalid: spec: Forbidden: pod updates may not change fields\n@@ -1 +1 @@\n-   "GMSACredentialSpec": "{\\"DnsName\\":\\"fabrikam.test\\"}"',
      },
      "",
      credSpecSecrets(SPEC),
    );
    expect(validation.by).to.equal("the API server's own validation");
    expect(validation.message).to.equal('Pod "p" is invalid: spec: Forbidden: pod updates may not change fields');
    expect(
      refusalOf(
        { code: 500, reason: "InternalError", message: 'Internal error occurred: failed calling webhook "admission-webhook.windows-gmsa.sigs.k8s.io": EOF' },
        "",
        [],
      ).by,
    ).to.equal("the API server, because it could not call the admission webhook admission-webhook.windows-gmsa.sigs.k8s.io");
    expect(refusalOf({ code: 403, reason: "Forbidden", message: 'pods "p" is forbidden: x' }, "", []).by).to.equal("an admission plugin of the API server");
    expect(describeRefusal(refusalOf(undefined, "socket hang up\nmore", []))).to.equal("? (no reason) from the API server: socket hang up");
  });

  it("applies upstream's nltest rule: success line, and neither ERROR_NO_LOGON_SERVERS nor RPC_S_SERVER_UNAVAILABLE", () => {
    const ok =
      "Flags: 30 HAS_IP  HAS_TIMESERV\nTrusted DC Name \\\\DC1.fabrikam.test\nTrusted DC Connection Status Status = 0 0x0 NERR_Success\nThe command completed successfully\n";
    expect(nltestProblem({ stdout: ok, stderr: "", exitCode: 0 })).to.equal(undefined);
    const down = "Flags: 0\nTrusted DC Name\nTrusted DC Connection Status Status = 1311 0x51f ERROR_NO_LOGON_SERVERS\nThe command completed successfully\n";
    expect(nltestProblem({ stdout: down, stderr: "", exitCode: 0 })).to.match(/^nltest \/query reports ERROR_NO_LOGON_SERVERS/);
    expect(nltestProblem({ stdout: "Status = 1722 0x6ba RPC_S_SERVER_UNAVAILABLE\nThe command completed successfully", stderr: "", exitCode: 0 })).to.match(
      /RPC_S_SERVER_UNAVAILABLE/,
    );
    expect(nltestProblem({ stdout: "I_NetLogonControl failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN", stderr: "", exitCode: 1 })).to.match(
      /did not say "The command completed successfully" \(exit code 1\)/,
    );
    expect(nltestProblem({ stdout: "", stderr: "", exitCode: -1, error: "container not found" })).to.equal("nltest could not run: container not found");
  });
});

describe("checks/gmsa queryDomain (issue 14 item 5: upstream gmsa_full.go's retry)", () => {
  const fakeClock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  };
  const noLogon = { stdout: "Flags: 0\nTrusted DC Name\nTrusted DC Connection Status Status = 1311 0x51f ERROR_NO_LOGON_SERVERS\n", stderr: "", exitCode: 1 };
  const ok = { stdout: "Flags: b0 HAS_IP HAS_TIMESERV\nThe command completed successfully\n", stderr: "", exitCode: 0 };

  it("retries nltest /query with nltest /sc_reset:<domain> between tries until the channel is up", async () => {
    const calls: string[] = [];
    let reset = false;
    const run = async (argv: string[]) => {
      calls.push(argv.join(" "));
      if (argv[1].startsWith("/sc_reset:")) return ((reset = true), ok);
      return reset ? ok : noLogon;
    };
    const r = await queryDomain(run, "contoso.local", { budgetMs: 60_000, ...fakeClock() });
    expect(nltestProblem(r.out)).to.equal(undefined);
    expect(calls).to.deep.equal(["nltest /query", "nltest /sc_reset:contoso.local", "nltest /query"]);
    expect(r).to.include({ tries: 2, resets: 1 });
  });

  it("gives up after the minute with the last answer, which still names the failure", async () => {
    const r = await queryDomain(async () => noLogon, "contoso.local", { budgetMs: 60_000, ...fakeClock() });
    expect(nltestProblem(r.out)).to.match(/ERROR_NO_LOGON_SERVERS/);
    expect(r.tries).to.be.within(55, 62);
  });
});
