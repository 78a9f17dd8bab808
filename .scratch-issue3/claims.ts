import * as k8s from "@kubernetes/client-node";
import { localKubeConfig } from "../test/support/local-cluster.js";
import { Workbench, linuxPod, windowsPod } from "../test/support/dataplane.js";
import { waits } from "../lib/cluster/waits.js";
import { Writable } from "node:stream";
const kc = localKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const ns = "claims-" + Date.now();
await core.createNamespace({ body: { metadata: { name: ns } } });
const w = new Workbench(kc, ns);
await w.ready(linuxPod("lin"), linuxPod("ghost", { image: "example.invalid/does-not-exist:1.0", command: ["sh", "-c", "sleep 3600"] }));
// raw exec status
const st: any = await new Promise((res) => new k8s.Exec(kc).exec(ns, "lin", "c", ["sh", "-c", "exit 3"], new Writable({ write: (c, e, cb) => cb() }), new Writable({ write: (c, e, cb) => cb() }), null, false, (s) => res(s)));
console.log("STATUS", JSON.stringify(st));
// hostNetwork
await w.create(linuxPod("hn", {}, { spec: { hostNetwork: true, nodeSelector: { "kubernetes.io/os": "linux" } } }));
const hn = await waits.podReady(kc, ns, "hn", { timeoutMs: 30000 }).catch((e) => { console.log("hn", e.message); return undefined; });
console.log("hn ip", hn?.status?.podIP);
await w.service("hn", { app: "hn" }, 8080);
await new Promise((r) => setTimeout(r, 3000));
const sl = await kc.makeApiClient(k8s.DiscoveryV1Api).listNamespacedEndpointSlice({ namespace: ns });
console.log("slices", JSON.stringify(sl.items.map((s) => ({ n: s.metadata?.name, eps: s.endpoints }))));
const evs = (await core.listNamespacedEvent({ namespace: ns })).items.filter((e) => e.involvedObject.kind === "Service" || e.involvedObject.kind === "EndpointSlice");
console.log("svc events", evs.map((e) => `${e.reason}: ${e.message}`));
// metrics API
try { await kc.makeApiClient(k8s.CustomObjectsApi).listClusterCustomObject({ group: "metrics.k8s.io", version: "v1beta1", plural: "nodes" }); console.log("metrics api present"); } catch (e: any) { console.log("metrics api:", e.code); }
// LoadBalancer + ExternalName
const lb = await core.createNamespacedService({ namespace: ns, body: { metadata: { name: "lb" }, spec: { type: "LoadBalancer", selector: { app: "lin" }, ports: [{ port: 8080 }] } } });
await core.createNamespacedService({ namespace: ns, body: { metadata: { name: "ext" }, spec: { type: "ExternalName", externalName: "www.example.com" } } });
await new Promise((r) => setTimeout(r, 2000));
console.log("lb status", JSON.stringify((await core.readNamespacedService({ namespace: ns, name: "lb" })).status));
console.log(await w.exec("lin", ["nslookup", "ext"]));
console.log(await w.exec("lin", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://ext/"]));
console.log(await w.exec("lin", ["curl", "-sS", "--connect-timeout", "1", "http://10.244.200.9/"]));
console.log((await w.pod("ghost")).status?.phase);
const hnlog = await w.exec("lin", ["curl", "-sS", `http://${hn?.status?.podIP}:8080/hostname`]);
console.log("hn curl", hnlog);
await core.deleteNamespace({ name: ns });
