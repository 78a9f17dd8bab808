// Objects a fresh cluster needs before kwok and the data plane start: CRDs, the nodes (with their full
// status, which kwok keeps), cluster DNS, and the GMSA webhook registration.
import { readFileSync } from "node:fs";
import * as k8s from "@kubernetes/client-node";
import { gmsaCrd } from "./gmsa-webhook/crd-model.js";
import { webhookConfigurations } from "./gmsa-webhook/server.js";
import { gkeTolerationWebhookConfiguration } from "./gmsa-webhook/gke-toleration.js";

export const clusterDnsIP = "10.96.0.10";

export interface BootstrapInput {
  nodes: k8s.V1Node[];
  kwokCrds: string[];
  webhookUrl: string;
  caPem: string;
  /** gke profile option: GKE's reported toleration-adding webhook. */
  tolerationWebhook?: boolean;
}

export async function bootstrapObjects(kc: k8s.KubeConfig, input: BootstrapInput): Promise<void> {
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  // loadYaml maps keys like x-kubernetes-preserve-unknown-fields onto client-node's model, which would otherwise drop them.
  const crds = [...input.kwokCrds.map((f) => k8s.loadYaml<k8s.V1CustomResourceDefinition>(readFileSync(f, "utf8"))), gmsaCrd as k8s.V1CustomResourceDefinition];
  await Promise.all(crds.map((body) => ext.createCustomResourceDefinition({ body })));
  await Promise.all(input.nodes.map((n) => objects.create(n)));
  for (const o of dnsObjects()) await objects.create(o);
  const { mutating, validating } = webhookConfigurations(input.webhookUrl, Buffer.from(input.caPem).toString("base64"));
  await objects.create(mutating);
  await objects.create(validating);
  if (input.tolerationWebhook) await objects.create(gkeTolerationWebhookConfiguration(input.webhookUrl, Buffer.from(input.caPem).toString("base64")));
  await waitEstablished(
    ext,
    crds.map((c) => c.metadata!.name!),
  );
}

async function waitEstablished(ext: k8s.ApiextensionsV1Api, names: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const name of names) {
    for (;;) {
      const crd = await ext.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not established within 30 s`);
      // Establishing takes a few milliseconds; no watch is worth it here.
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function dnsObjects(): k8s.KubernetesObject[] {
  const labels = { "k8s-app": "kube-dns" };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "coredns", namespace: "kube-system" } },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "coredns", namespace: "kube-system" },
      data: {
        Corefile: [
          ".:53 {",
          "    errors",
          "    health { lameduck 5s }",
          "    ready",
          "    kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }",
          "    forward . /etc/resolv.conf",
          "    cache 30",
          "    loop",
          "    reload",
          "}",
        ].join("\n"),
      },
    } as k8s.V1ConfigMap,
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: "kube-system", labels: { ...labels, "kubernetes.io/name": "CoreDNS" } },
      spec: {
        clusterIP: clusterDnsIP,
        selector: labels,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
          { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
        ],
      },
    } as k8s.V1Service,
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "coredns", namespace: "kube-system", labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "coredns",
            priorityClassName: "system-cluster-critical",
            nodeSelector: { "kubernetes.io/os": "linux" },
            os: { name: "linux" },
            tolerations: [
              { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
              { key: "CriticalAddonsOnly", operator: "Exists" },
            ],
            containers: [
              {
                name: "coredns",
                image: "registry.k8s.io/coredns/coredns:v1.12.1",
                args: ["-conf", "/etc/coredns/Corefile"],
                ports: [
                  { containerPort: 53, name: "dns", protocol: "UDP" },
                  { containerPort: 53, name: "dns-tcp", protocol: "TCP" },
                  { containerPort: 9153, name: "metrics", protocol: "TCP" },
                ],
                readinessProbe: { httpGet: { path: "/ready", port: 8181 }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: "/health", port: 8080 }, initialDelaySeconds: 60, periodSeconds: 10 },
                resources: { requests: { cpu: "100m", memory: "70Mi" }, limits: { memory: "170Mi" } },
                volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
              },
            ],
            volumes: [{ name: "config-volume", configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] } }],
          },
        },
      },
    } as k8s.V1Deployment,
  ];
}
