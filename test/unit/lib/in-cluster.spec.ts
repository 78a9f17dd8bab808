// In-cluster credentials, laid out as the kubelet lays them out in a pod (below HC_POD_ROOT here).
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inCluster, loadInClusterConfig, serviceAccountDir } from "../../../lib/cluster/in-cluster.js";

describe("lib/cluster in-cluster credentials", () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "hc-pod-"));
    mkdirSync(join(root, serviceAccountDir), { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  const env = () => ({ KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", HC_POD_ROOT: root });

  it("is detected from KUBERNETES_SERVICE_HOST and _PORT only", () => {
    expect(inCluster(env())).to.equal(true);
    expect(inCluster({ KUBERNETES_SERVICE_HOST: "10.96.0.1" })).to.equal(false);
    expect(inCluster({})).to.equal(false);
  });

  it("names the missing file in one line when the token is not mounted", () => {
    expect(() => loadInClusterConfig(env())).to.throw(/in-cluster credentials: KUBERNETES_SERVICE_HOST is set but .*serviceaccount\/token is missing/);
  });

  it("points at the API server, trusts the mounted CA, and reads the token from its file (rotation-safe)", () => {
    writeFileSync(join(root, serviceAccountDir, "token"), "t0ken");
    writeFileSync(join(root, serviceAccountDir, "ca.crt"), "-----BEGIN CERTIFICATE-----\n");
    writeFileSync(join(root, serviceAccountDir, "namespace"), "hybrid-conformance");
    const saved = { ...process.env };
    Object.assign(process.env, env());
    try {
      const kc = loadInClusterConfig(env());
      expect(kc.getCurrentCluster()).to.include({ server: "https://10.96.0.1:443", caFile: join(root, serviceAccountDir, "ca.crt") });
      expect(kc.getCurrentUser()?.authProvider).to.deep.equal({ name: "tokenFile", config: { tokenFile: join(root, serviceAccountDir, "token") } });
    } finally {
      process.env = saved;
    }
  });
});
