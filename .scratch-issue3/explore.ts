import * as k8s from "@kubernetes/client-node";
import { localKubeConfig } from "../test/support/local-cluster.js";
import { waits } from "../lib/cluster/waits.js";
import { execInPod } from "../lib/cluster/exec.js";
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

const kc = localKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const ns = process.argv[2] ?? "explore";
const tol = [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }];
async function main() {
  await core.createNamespace({ body: { metadata: { name: ns } } }).catch(() => undefined);
  const docs = yaml.loadAll(readFileSync("fixtures/win-webserver.yaml", "utf8")) as any[];
  const svc = docs[0]; const dep = docs[1];
  dep.spec.template.spec.tolerations = tol;
  dep.spec.template.spec.os = { name: "windows" };
  await core.createNamespacedService({ namespace: ns, body: svc }).catch((e) => console.log(e.message));
  await apps.createNamespacedDeployment({ namespace: ns, body: dep }).catch((e) => console.log(e.message));
  await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: "wc" }, spec: { os: { name: "windows" }, nodeSelector: { "kubernetes.io/os": "windows" }, tolerations: tol, containers: [{ name: "c", image: "mcr.microsoft.com/windows/servercore:ltsc2022", command: ["ping", "-t", "localhost"] }] } } }).catch((e) => console.log(e.message));
  await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: "lc" }, spec: { os: { name: "linux" }, nodeSelector: { "kubernetes.io/os": "linux" }, containers: [{ name: "c", image: "registry.k8s.io/e2e-test-images/agnhost:2.52", args: ["netexec", "--http-port=8080"] }] } } }).catch((e) => console.log(e.message));
  await waits.deploymentAvailable(kc, ns, "win-webserver", { timeoutMs: 60000 });
  await waits.podReady(kc, ns, "wc", { timeoutMs: 60000 });
  await waits.podReady(kc, ns, "lc", { timeoutMs: 60000 });
  const s = await core.readNamespacedService({ namespace: ns, name: "win-webserver" });
  const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: "app=win-webserver" })).items;
  console.log("svc", s.spec?.clusterIP, s.spec?.ports?.[0].nodePort, pods.map((p) => `${p.metadata?.name} ${p.status?.podIP} ${p.spec?.nodeName}`));
  const cmds: [string, string[]][] = JSON.parse(process.argv[3] ?? "[]");
  for (const [pod, argv] of cmds) {
    const sub = (x: string) => x.replace("$CIP", s.spec!.clusterIP!).replace("$PIP", pods[0].status!.podIP!).replace("$NS", ns);
    const r = await execInPod(kc, { namespace: ns, pod, container: "c" }, argv.map(sub), { keepCRLF: true });
    console.log(`--- ${pod} ${JSON.stringify(argv.map(sub))} => exit ${r.exitCode} ${r.error ?? ""}`);
    console.log("STDOUT:", JSON.stringify(r.stdout));
    console.log("STDERR:", JSON.stringify(r.stderr));
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
