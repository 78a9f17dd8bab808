// The emulated CoreDNS: its image's entrypoint runs with the pod's args (no crash loop), it serves the
// health and ready endpoints its probes ask for, and cluster DNS answers only while one of its endpoints is Ready.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { workloadFor, effectiveArgv } from "../../../localcluster/dataplane/workloads/index.js";
import { EmulatedNetwork } from "../../../localcluster/dataplane/network.js";
import { FaultRegistry } from "../../../localcluster/dataplane/faults.js";
import { linuxContainer, winContainer } from "./helpers.js";

describe("dataplane: CoreDNS", () => {
  const coredns = linuxContainer({
    pod: "coredns-abc",
    namespace: "kube-system",
    image: "registry.k8s.io/coredns/coredns:v1.12.1",
    args: ["-conf", "/etc/coredns/Corefile"],
  });

  it("runs /coredns with the pod's args (the -conf flag is an argument, not the command) and keeps running", () => {
    expect(effectiveArgv(coredns)).to.deep.equal(["/coredns", "-conf", "/etc/coredns/Corefile"]);
    const w = workloadFor(coredns);
    expect(w.kind).to.equal("coredns");
    expect(w.longRunning).to.equal(true);
    expect(w.startupLines()).to.deep.equal([".:53", "CoreDNS-1.12.1", "linux/amd64"]);
  });

  it("answers its readiness (:8181/ready) and liveness (:8080/health) probes with OK", () => {
    const w = workloadFor(coredns);
    const get = (port: number, path: string) => w.handle({ method: "GET", path, port, headers: {}, body: "" } as never, "10.0.0.1")?.response;
    expect(get(8181, "/ready")).to.include({ status: 200, body: "OK" });
    expect(get(8080, "/health")).to.include({ status: 200, body: "OK" });
    expect(get(8181, "/nope")?.status).to.equal(404);
    expect(get(12345, "/")).to.equal(undefined);
  });

  describe("cluster DNS", () => {
    const svc = (name: string, ns: string, ip: string): k8s.V1Service => ({ metadata: { name, namespace: ns }, spec: { clusterIP: ip } });
    const slice = (svcName: string, ns: string, ready: boolean): k8s.V1EndpointSlice => ({
      addressType: "IPv4",
      metadata: { namespace: ns, labels: { "kubernetes.io/service-name": svcName } },
      endpoints: [{ addresses: ["10.244.0.2"], conditions: { ready } }],
    });
    const world = (corednsReady: boolean | undefined) =>
      new EmulatedNetwork(
        {
          services: () => [svc("kube-dns", "kube-system", "10.96.0.10"), svc("web", "default", "10.96.0.50")],
          endpointSlices: () => (corednsReady === undefined ? [] : [slice("kube-dns", "kube-system", corednsReady)]),
          nodes: () => [],
        },
        () => ({ pods: new Map() }) as never,
        new FaultRegistry(),
        { name: "www.example.com", ip: "93.184.215.14" },
      );

    it("resolves Service names while a CoreDNS endpoint is Ready", async () => {
      expect(await world(true).resolve(linuxContainer(), "web")).to.deep.equal({ addresses: ["10.96.0.50"], fqdn: "web.default.svc.cluster.local" });
    });

    it("fails every lookup, from Linux and Windows, when no CoreDNS endpoint is Ready (scaled to 0, or not ready)", async () => {
      for (const w of [world(undefined), world(false)]) {
        expect(await w.resolve(linuxContainer(), "web")).to.deep.equal({ error: "dns", detail: "timeout" });
        expect(await w.resolve(winContainer(), "web.default.svc.cluster.local")).to.deep.equal({ error: "dns", detail: "timeout" });
      }
    });
  });
});
