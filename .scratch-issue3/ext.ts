import * as k8s from "@kubernetes/client-node";
import { localKubeConfig } from "../test/support/local-cluster.js";
import { Workbench, linuxPod } from "../test/support/dataplane.js";
const kc = localKubeConfig();
await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: "ext" } } });
const w = new Workbench(kc, "ext");
await w.ready(linuxPod("lin"));
console.log(await w.exec("lin", ["curl", "-s", "-w", "\n%{remote_ip}", "http://egress.example.net/"]));
console.log(await w.exec("lin", ["curl", "-sS", "http://www.example.com/"]));
