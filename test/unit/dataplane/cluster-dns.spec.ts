// The emulated cluster DNS beyond ClusterIP names (DNS spec 2.4 and 2.5, as CoreDNS's kubernetes plugin answers):
// a headless Service's per-pod names from the EndpointSlice endpoints' hostnames, ExternalName CNAMEs resolved to
// their target, what Windows' nslookup prints for them and how the harness reads it; the faults headless-dns-stale
// and externalname-not-resolved, each breaking its record only, and clearing.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { EmulatedNetwork } from "../../../localcluster/dataplane/network.js";
import { FaultRegistry } from "../../../localcluster/dataplane/faults.js";
import { runCommand } from "../../../localcluster/dataplane/commands/index.js";
import { addressProblem, cnameProblem, nslookupArgv, parseNslookup } from "../../../lib/checks/network.js";
import { linuxContainer, winContainer } from "./helpers.js";

const ns = "hc-a";
const svc = (name: string, spec: k8s.V1ServiceSpec): k8s.V1Service => ({ metadata: { name, namespace: ns }, spec });
const services = [
  svc("kube-dns", { clusterIP: "10.96.0.10" }),
  svc("win-sts", { clusterIP: "None", ports: [{ port: 80 }] }),
  svc("web", { clusterIP: "10.96.0.50", ports: [{ port: 80 }] }),
  svc("external-web", { type: "ExternalName", externalName: "www.example.com" }),
  svc("nowhere", { type: "ExternalName", externalName: "db.corp.invalid" }),
  svc("alias-of-web", { type: "ExternalName", externalName: `web.${ns}.svc.cluster.local` }),
];
const ep = (ip: string, hostname?: string, ready = true): k8s.V1Endpoint => ({
  addresses: [ip],
  ...(hostname && { hostname }),
  conditions: { ready },
});
const slices = (endpoints: k8s.V1Endpoint[]): k8s.V1EndpointSlice[] => [
  { addressType: "IPv4", metadata: { namespace: "kube-system", labels: { "kubernetes.io/service-name": "kube-dns" } }, endpoints: [ep("10.244.0.2")] },
  { addressType: "IPv4", metadata: { namespace: ns, labels: { "kubernetes.io/service-name": "win-sts" } }, endpoints },
];

function world(faults = new FaultRegistry()) {
  let endpoints = [ep("10.244.3.2", "win-sts-0"), ep("10.244.4.3", "win-sts-1"), ep("10.244.4.9")];
  const net = new EmulatedNetwork(
    {
      services: () => services.map((s) => (s.metadata!.name === "kube-dns" ? { ...s, metadata: { ...s.metadata, namespace: "kube-system" } } : s)),
      endpointSlices: () => slices(endpoints),
      nodes: () => [],
    },
    () => ({ pods: new Map() }) as never,
    faults,
    { name: "www.example.com", ip: "93.184.215.14" },
  );
  return { net, faults, recreate: (e: k8s.V1Endpoint[]) => void (endpoints = e) };
}
const client = winContainer({ namespace: ns, dns: { nameserver: "10.96.0.10", searches: [`${ns}.svc.cluster.local`, "svc.cluster.local", "cluster.local"] } });
const fqdn = (name: string) => `${name}.${ns}.svc.cluster.local`;

describe("dataplane: cluster DNS (headless per-pod names, ExternalName)", () => {
  it("answers a headless Service with every ready endpoint and each endpoint by its hostname (or dashed address)", async () => {
    const { net } = world();
    expect(await net.resolve(client, fqdn("win-sts"))).to.deep.equal({ addresses: ["10.244.3.2", "10.244.4.3", "10.244.4.9"], fqdn: fqdn("win-sts") });
    expect(await net.resolve(client, `win-sts-1.${fqdn("win-sts")}`)).to.deep.equal({ addresses: ["10.244.4.3"], fqdn: `win-sts-1.${fqdn("win-sts")}` });
    expect(await net.resolve(client, `10-244-4-9.${fqdn("win-sts")}`)).to.deep.include({ addresses: ["10.244.4.9"] });
    // Per-endpoint names exist only under headless Services, and only for ready endpoints.
    expect(await net.resolve(client, `win-sts-0.${fqdn("web")}`)).to.deep.equal({ error: "dns", detail: "NXDOMAIN" });
  });

  it("follows a re-created pod to its new IP; headless-dns-stale keeps the first answer until cleared", async () => {
    const name = `win-sts-0.${fqdn("win-sts")}`;
    const healthy = world();
    await healthy.net.resolve(client, name);
    healthy.recreate([ep("10.244.3.3", "win-sts-0"), ep("10.244.4.3", "win-sts-1")]);
    expect(await healthy.net.resolve(client, name)).to.deep.include({ addresses: ["10.244.3.3"] });

    const stale = world();
    await stale.faults.add({ name: "headless-dns-stale", scope: { namespace: "hc-*" } });
    await stale.net.resolve(client, name);
    stale.recreate([ep("10.244.3.3", "win-sts-0"), ep("10.244.4.3", "win-sts-1")]);
    expect(await stale.net.resolve(client, name)).to.deep.include({ addresses: ["10.244.3.2"] });
    // Only per-pod names: the Service's own name and ClusterIP names are answered fresh.
    expect(await stale.net.resolve(client, fqdn("win-sts"))).to.deep.include({ addresses: ["10.244.3.3", "10.244.4.3"] });
    expect(await stale.net.resolve(client, fqdn("web"))).to.deep.include({ addresses: ["10.96.0.50"] });
    await stale.faults.clear("headless-dns-stale");
    expect(await stale.net.resolve(client, name)).to.deep.include({ addresses: ["10.244.3.3"] });
  });

  it("answers an ExternalName Service with a CNAME resolved to its target; a target it cannot resolve is NXDOMAIN", async () => {
    const { net } = world();
    expect(await net.resolve(client, fqdn("external-web"))).to.deep.equal({
      addresses: ["93.184.215.14"],
      fqdn: "www.example.com",
      aliases: [fqdn("external-web")],
    });
    expect(await net.resolve(client, fqdn("alias-of-web"))).to.deep.equal({ addresses: ["10.96.0.50"], fqdn: fqdn("web"), aliases: [fqdn("alias-of-web")] });
    expect(await net.resolve(client, fqdn("nowhere"))).to.deep.equal({ error: "dns", detail: "NXDOMAIN" });
  });

  it("externalname-not-resolved: the alias is NXDOMAIN while the external name and Service names resolve; cleared, it answers", async () => {
    const { net, faults } = world();
    await faults.add({ name: "externalname-not-resolved", scope: { namespace: "hc-*" } });
    expect(await net.resolve(client, fqdn("external-web"))).to.deep.equal({ error: "dns", detail: "NXDOMAIN" });
    expect(await net.resolve(client, "www.example.com")).to.deep.include({ addresses: ["93.184.215.14"] });
    expect(await net.resolve(client, fqdn("web"))).to.deep.include({ addresses: ["10.96.0.50"] });
    await faults.clear("externalname-not-resolved");
    expect(await net.resolve(client, fqdn("external-web"))).to.deep.include({ fqdn: "www.example.com" });
  });

  it("prints Windows nslookup's answer (Name, Address, Aliases) and the BIND canonical-name line; the harness reads them", async () => {
    const { net } = world();
    const win = await runCommand({ container: client, net }, nslookupArgv(fqdn("external-web")));
    expect(win.stdout).to.match(/Name:    www\.example\.com\r?\nAddress:  93\.184\.215\.14\r?\nAliases:  external-web\.hc-a\.svc\.cluster\.local/);
    const answer = parseNslookup(win);
    expect(answer).to.deep.equal({ name: "www.example.com", addresses: ["93.184.215.14"], aliases: [fqdn("external-web")] });
    expect(cnameProblem(fqdn("external-web"), "www.example.com", answer)).to.equal(undefined);
    const linux = await runCommand({ container: linuxContainer({ namespace: ns, dns: client.dns }), net }, ["nslookup", fqdn("external-web")]);
    expect(linux.stdout).to.include(`${fqdn("external-web")}\tcanonical name = www.example.com.`);

    const pod = await runCommand({ container: client, net }, nslookupArgv(`win-sts-1.${fqdn("win-sts")}`));
    expect(addressProblem("x", parseNslookup(pod), ["10.244.4.3"])).to.equal(undefined);
    expect(addressProblem("x", parseNslookup(pod), ["10.244.4.4"])).to.equal("x resolves to [10.244.4.3], expected [10.244.4.4]");
  });

  it("reads Windows nslookup's multi-address answers and failures", () => {
    const stdout = [
      "Server:  UnKnown",
      "Address:  10.96.0.10",
      "",
      "Non-authoritative answer:",
      "Name:    www.example.com",
      "Addresses:  2606:2800:21f:cb07:6820:80da:af6b:8b2c",
      "\t  93.184.215.14",
      "Aliases:  external-web.hc-a.svc.cluster.local",
      "",
    ].join("\r\n");
    expect(parseNslookup({ stdout, stderr: "" })).to.deep.equal({
      name: "www.example.com",
      addresses: ["2606:2800:21f:cb07:6820:80da:af6b:8b2c", "93.184.215.14"],
      aliases: ["external-web.hc-a.svc.cluster.local"],
    });
    const nx = parseNslookup({
      stdout: "Server:  UnKnown\r\nAddress:  10.96.0.10\r\n\r\n",
      stderr: "*** UnKnown can't find external-web.hc-a.svc.cluster.local.: Non-existent domain\r\n",
    });
    expect(cnameProblem("external-web.hc-a.svc.cluster.local", "www.example.com", nx)).to.equal(
      "external-web.hc-a.svc.cluster.local does not resolve: *** UnKnown can't find external-web.hc-a.svc.cluster.local.: Non-existent domain",
    );
    expect(cnameProblem("a.b", "www.example.com", { name: "a.b", addresses: ["10.0.0.1"], aliases: [] })).to.match(/answers as a\.b .*not as a CNAME/);
  });
});
