import * as k8s from "@kubernetes/client-node";
import { localKubeConfig } from "../test/support/local-cluster.js";
import { Workbench, linuxPod } from "../test/support/dataplane.js";
const kc = localKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const ns = "done-" + Date.now();
await core.createNamespace({ body: { metadata: { name: ns } } });
const w = new Workbench(kc, ns);
const p = await w.finished(linuxPod("done", { command: ["sh", "-c", "echo bye"] }));
console.log(p.status?.phase);
try { console.log(await w.exec("done", ["sh", "-c", "echo hi"])); } catch (e) { console.log("ERR", e); }
await core.deleteNamespace({ name: ns });
