// The profiles' layouts rendered to the Node objects `cluster up` registers: names, labels, taints as
// docs/local-cluster.md documents them; and the bad inputs that must stop `cluster up` before anything starts.
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as k8s from "@kubernetes/client-node";
import { layoutOf, loadLayout } from "../../../localcluster/topology.js";
import { profileNames } from "../../../localcluster/profiles.js";
import { nodeObject, placeNodes } from "../../../localcluster/nodes.js";
import { UserFacingError } from "../../../lib/errors.js";

function render(profile: (typeof profileNames)[number]) {
  const layout = layoutOf({ profile });
  const nodes = placeNodes(layout.nodes, 50).map((p) => nodeObject(p, 10250));
  const registered = nodes.filter((n) => layout.registered.has(n.metadata!.name!));
  return { layout, nodes, registered };
}
const os = (n: k8s.V1Node) => n.metadata!.labels!["kubernetes.io/os"];
const taints = (n: k8s.V1Node) => (n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`);
const schedulableLinux = (ns: k8s.V1Node[]) =>
  ns.filter((n) => os(n) === "linux" && !n.spec?.taints?.some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"));
const windows = (ns: k8s.V1Node[]) => ns.filter((n) => os(n) === "windows");

describe("local cluster profiles", () => {
  it("docs: today's default — tainted control plane, 2 Linux workers, 2×2022 + 1×2025 tainted os=windows:NoSchedule", () => {
    const { registered } = render("docs");
    expect(registered.map((n) => n.metadata!.name)).to.deep.equal([
      "hc-control-plane",
      "hc-linux-1",
      "hc-linux-2",
      "hc-win2022-1",
      "hc-win2022-2",
      "hc-win2025-1",
    ]);
    for (const n of windows(registered)) expect(taints(n)).to.deep.equal(["os=windows:NoSchedule"]);
    expect(taints(registered[0])).to.deep.equal(["node-role.kubernetes.io/control-plane:NoSchedule"]);
  });

  it("aks: untainted Windows pools for 2022 and 2025 with AKS's pool and OS-SKU labels and names", () => {
    const { registered } = render("aks");
    const win = windows(registered);
    expect(win.map((n) => n.metadata!.name)).to.deep.equal(["akswin22000000", "akswin22000001", "akswin25000000"]);
    for (const n of win) {
      expect(taints(n), n.metadata!.name).to.deep.equal([]);
      const l = n.metadata!.labels!;
      expect(l.agentpool).to.equal(l["kubernetes.azure.com/agentpool"]);
      expect(l["kubernetes.azure.com/os-sku"]).to.equal(l["node.kubernetes.io/windows-build"] === "10.0.26100" ? "Windows2025" : "Windows2022");
      expect(l.agentpool.length).to.be.at.most(6); // AKS limits Windows pool names to 6 characters
    }
    expect(new Set(win.map((n) => n.metadata!.labels!["node.kubernetes.io/windows-build"]))).to.deep.equal(new Set(["10.0.20348", "10.0.26100"]));
    expect(registered.some((n) => n.metadata!.labels!["node-role.kubernetes.io/control-plane"] !== undefined)).to.equal(false);
    expect(schedulableLinux(registered).map((n) => n.metadata!.labels!["kubernetes.azure.com/os-sku"])).to.deep.equal(["Ubuntu", "Ubuntu"]);
  });

  it("gke: node.kubernetes.io/os=windows:NoSchedule on every Windows node, GKE's pool labels, LTSC2022 only", () => {
    const { registered } = render("gke");
    const win = windows(registered);
    expect(win).to.have.length(2);
    for (const n of win) {
      expect(taints(n)).to.deep.equal(["node.kubernetes.io/os=windows:NoSchedule"]);
      expect(n.metadata!.labels!["cloud.google.com/gke-nodepool"]).to.equal("windows-pool");
      expect(n.metadata!.labels!["cloud.google.com/gke-os-distribution"]).to.equal("windows_ltsc");
      expect(n.metadata!.labels!["node.kubernetes.io/windows-build"]).to.equal("10.0.20348");
      expect(n.metadata!.name).to.match(/^gke-hc-windows-pool-/);
    }
  });

  it("eks: FQDN node names and hostname labels, the nodegroup label, no taint", () => {
    const { registered } = render("eks");
    for (const n of registered) {
      expect(n.metadata!.name).to.match(/^ip-10-0-\d+-\d+\.us-west-2\.compute\.internal$/);
      expect(n.metadata!.labels!["kubernetes.io/hostname"]).to.equal(n.metadata!.name);
      expect(n.metadata!.labels!["eks.amazonaws.com/nodegroup"]).to.match(/^(linux|windows)-ng$/);
      expect(taints(n)).to.deep.equal([]);
    }
    expect(windows(registered)).to.have.length(2);
  });

  it("kubeadm: the tainted control plane is the only Linux node; Windows workers tainted sku=Windows:NoSchedule", () => {
    const { registered } = render("kubeadm");
    const linux = registered.filter((n) => os(n) === "linux");
    expect(linux.map((n) => n.metadata!.name)).to.deep.equal(["hc-control-plane"]);
    expect(schedulableLinux(registered)).to.deep.equal([]);
    for (const n of windows(registered)) expect(taints(n)).to.deep.equal(["sku=Windows:NoSchedule"]);
  });

  it("autoscaled: a 2022 pool with zero registered nodes and room for two; the reserved nodes carry the pool's taint", () => {
    const { layout, nodes, registered } = render("autoscaled");
    expect(windows(registered)).to.deep.equal([]);
    expect(layout.autoscaled).to.have.length(1);
    expect(layout.autoscaled[0]).to.include({ pool: "win2022", max: 2, initial: 0 });
    const reserved = windows(nodes);
    expect(reserved.map((n) => n.metadata!.name)).to.deep.equal(["hc-win2022-as-0", "hc-win2022-as-1"]);
    for (const n of reserved) expect(taints(n)).to.deep.equal(["os=windows:NoSchedule"]);
    // Reserved nodes get their own addresses, so the kubelet certificate and forwarders cover them from the start.
    expect(new Set(placeNodes(layout.nodes, 50).map((p) => p.address)).size).to.equal(layout.nodes.length);
  });

  it("a topology file's pools set any taint and labels; profile: in the file picks a layout", () => {
    const dir = mkdtempSync(join(tmpdir(), "hc-topo-"));
    const f = join(dir, "t.yaml");
    writeFileSync(
      f,
      "pools:\n  - {name: lin, os: linux, count: 1}\n  - name: win\n    os: windows\n    build: '10.0.26100'\n    count: 2\n    labels: {team: payments}\n    taints: [{key: dedicated, value: win, effect: NoExecute}]\n",
    );
    const l = loadLayout({ file: f });
    const win = l.nodes.filter((n) => n.os === "windows");
    expect(win.map((n) => n.name)).to.deep.equal(["win-0", "win-1"]);
    expect(win[0].taints).to.deep.equal([{ key: "dedicated", value: "win", effect: "NoExecute" }]);
    expect(win[0].labels).to.deep.equal({ team: "payments" });
    writeFileSync(f, "profile: eks\n");
    expect(loadLayout({ file: f }).profile).to.equal("eks");
    expect(loadLayout({ profile: "kubeadm" }).nodes[0].name).to.equal("hc-control-plane");
  });

  describe("bad input: one line naming the mistake", () => {
    const dir = mkdtempSync(join(tmpdir(), "hc-topo-bad-"));
    const file = (text: string) => {
      const f = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(f, text);
      return f;
    };
    const failsWith = (f: () => unknown, re: RegExp) => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err, "expected a UserFacingError").to.be.instanceOf(UserFacingError);
      expect((err as Error).message).to.match(re);
      expect((err as Error).message).to.not.include("\n");
    };
    it("an unknown profile, from the flag or the file", () => {
      failsWith(() => loadLayout({ profile: "openshift" }), /--profile: unknown profile "openshift"; use one of docs, aks, gke, eks, kubeadm, autoscaled/);
      failsWith(() => loadLayout({ file: file("profile: openshift\n") }), /profile: unknown profile: use one of docs/);
    });
    it("a taint without an effect", () => {
      failsWith(
        () => loadLayout({ file: file("pools:\n  - {name: w, os: windows, build: '10.0.20348', count: 1, taints: [{key: os, value: windows}]}\n") }),
        /pools\.0\.taints\.0\.effect: a taint needs an effect/,
      );
    });
    it("a pool with zero nodes and no autoscaling", () => {
      failsWith(
        () => loadLayout({ file: file("pools:\n  - {name: w, os: windows, build: '10.0.20348', count: 0}\n") }),
        /pools\.0: a pool with zero nodes needs autoscale/,
      );
    });
    it("the toleration webhook outside the gke profile", () => {
      failsWith(() => loadLayout({ profile: "aks", tolerationWebhook: true }), /toleration webhook is a gke profile option/);
    });
  });

  it("networkPolicy: enforced by default on every profile; `networkPolicy: none` in a topology file starts without an engine; anything else is refused", () => {
    expect(loadLayout({ profile: "aks" }).networkPolicy).to.equal("enforced");
    const dir = mkdtempSync(join(tmpdir(), "hc-topology-"));
    const f = join(dir, "t.yaml");
    writeFileSync(f, "profile: eks\nnetworkPolicy: none\n");
    expect(loadLayout({ file: f }).networkPolicy).to.equal("none");
    writeFileSync(f, "networkPolicy: calico\n");
    expect(() => loadLayout({ file: f })).to.throw(/networkPolicy/);
  });

  it("loadBalancer: a cloud's controller on docs, aks, gke, eks and autoscaled; none on kubeadm; a topology file can say either", () => {
    const per = Object.fromEntries(profileNames.map((p) => [p, loadLayout({ profile: p }).loadBalancer]));
    expect(per).to.deep.equal({ docs: "cloud", aks: "cloud", gke: "cloud", eks: "cloud", kubeadm: "none", autoscaled: "cloud" });
    const dir = mkdtempSync(join(tmpdir(), "hc-topology-"));
    const f = join(dir, "t.yaml");
    writeFileSync(f, "profile: kubeadm\nloadBalancer: cloud\n");
    expect(loadLayout({ file: f }).loadBalancer).to.equal("cloud");
    // Nodes of one's own on the kubeadm profile: still kubeadm's (no controller) unless the file says otherwise.
    writeFileSync(f, "profile: kubeadm\nnodes: [{ name: cp, os: linux, role: control-plane }, { name: w, os: windows, build: '10.0.20348' }]\n");
    expect(loadLayout({ file: f }).loadBalancer).to.equal("none");
    writeFileSync(f, "loadBalancer: metallb\n");
    expect(() => loadLayout({ file: f })).to.throw(/loadBalancer/);
  });
});
