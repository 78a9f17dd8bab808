// What the emulated runtime knows of an image's platforms: which run on a Windows node at all.
import { expect } from "chai";
import { imageFacts, platformMismatch } from "../../../localcluster/dataplane/images.js";

describe("emulated runtime: image platforms", () => {
  it("upstream's e2e busybox is a multi-OS manifest list (Windows variants too): it runs on Windows nodes of every build", () => {
    const img = "registry.k8s.io/e2e-test-images/busybox:1.36.1-1";
    expect(imageFacts(img)).to.deep.equal({});
    for (const build of ["10.0.17763", "10.0.20348", "10.0.26100"]) expect(platformMismatch(img, "windows", build), build).to.equal(undefined);
    expect(platformMismatch(img, "linux", undefined)).to.equal(undefined);
  });

  it("Docker Hub's busybox is Linux only: a Windows node finds no platform for it", () => {
    expect(imageFacts("busybox:1.36")).to.deep.equal({ os: "linux" });
    expect(platformMismatch("busybox:1.36", "windows", "10.0.20348")).to.match(/no match for platform in manifest/);
  });
});
