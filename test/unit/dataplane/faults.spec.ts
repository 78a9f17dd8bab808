// The fault registry's rules: scope globs, and transient faults that clear themselves after N matching events.
import { expect } from "chai";
import { FaultRegistry, faultSchema, globMatch } from "../../../localcluster/dataplane/faults.js";

describe("dataplane faults: registry", () => {
  it("matches scopes by anchored, case-insensitive globs", () => {
    expect(globMatch("*iis*", "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022")).to.equal(true);
    expect(globMatch("hc-win2022-?", "hc-win2022-1")).to.equal(true);
    expect(globMatch("hc-win2022", "hc-win2022-1")).to.equal(false);
    expect(globMatch("a.b", "axb")).to.equal(false);
  });

  it("a transient fault applies to its next N matching events only, then clears itself and says so", async () => {
    const r = new FaultRegistry();
    const changes: number[] = [];
    r.onChange((fs) => void changes.push(fs.length));
    await r.add({ name: "image-pull-fails", scope: { image: "*servercore*" }, times: 2 });
    expect(r.active("image-pull-fails", { image: "busybox" }), "a non-matching pull does not use it up").to.equal(undefined);
    expect(r.active("image-pull-fails", { image: "mcr.microsoft.com/windows/servercore:ltsc2022" })?.hits).to.equal(1);
    expect(r.list()).to.have.length(1);
    expect(r.active("image-pull-fails", { image: "mcr.microsoft.com/windows/servercore:ltsc2022" })?.hits).to.equal(2);
    expect(r.list()).to.have.length(0);
    expect(r.active("image-pull-fails", { image: "mcr.microsoft.com/windows/servercore:ltsc2022" })).to.equal(undefined);
    expect(changes.at(-1)).to.equal(0);
  });

  it("a fault without times stays on until cleared", async () => {
    const r = new FaultRegistry();
    await r.add({ name: "dns-down" });
    for (let i = 0; i < 5; i++) expect(r.active("dns-down", { namespace: "x" })).not.to.equal(undefined);
    expect(await r.clear("dns-down")).to.have.length(1);
    expect(r.active("dns-down", {})).to.equal(undefined);
  });

  it("refuses times on faults that are states rather than events, and unknown fields", () => {
    const e = faultSchema.safeParse({ name: "node-not-ready", times: 1 });
    expect(e.success).to.equal(false);
    expect(e.error!.issues[0].path).to.deep.equal(["times"]);
    expect(e.error!.issues[0].message).to.contain("only these faults can be transient");
    expect(faultSchema.safeParse({ name: "dns-down", times: 0 }).success).to.equal(false);
    expect(faultSchema.safeParse({ name: "dns-down", tims: 1 }).success).to.equal(false);
    expect(faultSchema.safeParse({ name: "liveness-fails", times: 3 }).success).to.equal(true);
  });
});
