// Extend.Network (WOR's Extend.Network category): Services a Windows pod must reach beyond the docs' walkthrough.
// A multi-port Service whose two ports lead to two different container ports of Linux backends (upstream
// test/e2e/network/service.go "should serve multiport endpoints from pods"): each Service port must reach its own
// container port — the proxy programs every port of a Service on its own (one HNS load balancer per port on Windows),
// so one port can work while another does not. On a dual-stack cluster (WOR's "IPv6 and IPv4 services" cases), an
// IPv4 and an IPv6 Service — single-family each, as Windows supports them (Kubernetes docs, "IPv4/IPv6 dual-stack",
// Windows support) — must each reach the Linux backends from a Windows pod, on its ClusterIP and on its NodePort at a
// node's address of its family: the proxy programs each family on its own (kube-proxy runs one proxier per family),
// so IPv4 can work while IPv6 does not. A single-stack cluster skips it, quoting the API server's refusal.
import * as allure from "allure-js-commons";
import { useTestEnv } from "../../lib/run/test-env.js";
import { skipWithReason } from "../../lib/run/steps.js";
import { clip, podRef, reach, sameName } from "../../lib/checks/network.js";
import { clusterIPOf, nodeIPsByFamily, notDualStack } from "../../lib/checks/network/dual-stack.js";
import { categoryOf } from "../index.js";
import { EXTENDED_NETWORK } from "./network.titles.js";

const CATEGORY = categoryOf(import.meta.url);
const SERVICE = "multiport-backend";
/** netexec echoes this back on /echo; serve-hostname answers every path with its pod name instead. */
const MARKER = "multiport-http-port";
const DUAL = "dual-stack-backend";

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  it(EXTENDED_NETWORK.multiPort, async () => {
    await env.step(`deploy ${SERVICE} (Service ports 80 → 8080 netexec, 9376 → 9376 serve-hostname; 2 Linux pods) + windows-client`, () =>
      env.deploy(["multiport-service", "windows-client"]),
    );
    const backends = await env.step(`wait: both ${SERVICE} pods and windows-client Ready`, async () => {
      const [pods] = await Promise.all([env.wait.podsReady(`app=${SERVICE}`, 2), env.wait.podReady("windows-client")]);
      return pods.map((p) => p.metadata!.name!);
    });
    const client = await podRef(env, "windows-client", "servercore");
    await allure.parameter("windows-client", `${client.ip} on ${client.node} (${client.os})`, { excluded: true });
    const svc = await env.core.readNamespacedService({ name: SERVICE, namespace: env.ns });
    const ip = svc.spec!.clusterIP!;
    const isBackend = (body: string) => backends.some((b) => sameName(body, b));

    // Port 80 must reach netexec (8080): it echoes the marker; serve-hostname would answer with a pod name.
    await reach(env, {
      path: "multi-port Service, port 80 (http → 8080), from a Windows pod",
      from: client,
      to: { host: ip, port: 80, path: `/echo?msg=${MARKER}`, name: `service ${SERVICE} port http (ClusterIP) → container port 8080 (agnhost netexec)` },
      bodyCheck: (body) => (body.trim() === MARKER ? undefined : `answered ${JSON.stringify(clip(body.trim(), 80))}, not netexec's echo of ${MARKER}`),
    });
    // Port 9376 must reach serve-hostname (9376): the same request answers with a backend pod's name, not the echo.
    await reach(env, {
      path: "multi-port Service, port 9376 (hostname → 9376), from a Windows pod",
      from: client,
      to: {
        host: ip,
        port: 9376,
        path: `/echo?msg=${MARKER}`,
        name: `service ${SERVICE} port hostname (ClusterIP) → container port 9376 (agnhost serve-hostname)`,
      },
      bodyCheck: (body) =>
        isBackend(body) ? undefined : `answered ${JSON.stringify(clip(body.trim(), 80))}, not the name of a backend pod (${backends.join(", ")})`,
    });
  });

  it(EXTENDED_NETWORK.dualStack, async function () {
    const why = await env.step("ask the API server whether it serves dual-stack Services (dry-run RequireDualStack Service)", () =>
      notDualStack(env.core, env.ns),
    );
    if (why) await skipWithReason(this, why);
    await env.step(`deploy ${DUAL} (Services dual-stack-ipv4 and dual-stack-ipv6, NodePort 80 → 8080 agnhost netexec; 2 Linux pods) + windows-client`, () =>
      env.deploy(["dual-stack-service", "windows-client"]),
    );
    const backends = await env.step(`wait: both ${DUAL} pods and windows-client Ready`, async () => {
      const [pods] = await Promise.all([env.wait.podsReady(`app=${DUAL}`, 2), env.wait.podReady("windows-client")]);
      return pods;
    });
    const names = backends.map((p) => p.metadata!.name!);
    const client = await podRef(env, "windows-client", "servercore");
    await allure.parameter("windows-client", `${client.ip} on ${client.node} (${client.os})`, { excluded: true });
    // The NodePorts on the node of a backend (a Linux node, not the client's own: no hairpin through the client's host).
    const nodeName = backends[0].spec!.nodeName!;
    const nodeIPs = nodeIPsByFamily(await env.core.readNode({ name: nodeName }));
    if (typeof nodeIPs === "string") throw new Error(nodeIPs);
    const isBackend = (body: string) =>
      names.some((b) => sameName(body, b))
        ? undefined
        : `answered ${JSON.stringify(clip(body.trim(), 80))}, not the name of a backend pod (${names.join(", ")})`;

    for (const family of ["IPv4", "IPv6"] as const) {
      const name = `dual-stack-${family.toLowerCase()}`;
      const svc = await env.core.readNamespacedService({ name, namespace: env.ns });
      const clusterIP = clusterIPOf(svc, family);
      if (typeof clusterIP === "string") throw new Error(clusterIP);
      const nodePort = svc.spec!.ports![0].nodePort!;
      await reach(env, {
        path: `${family} Service, ClusterIP, from a Windows pod`,
        from: client,
        to: { host: clusterIP.ip, port: 80, path: "/hostname", name: `service ${name} (${family} ClusterIP) → agnhost netexec` },
        bodyCheck: isBackend,
      });
      await reach(env, {
        path: `${family} Service, NodePort on a node's ${family} address, from a Windows pod`,
        from: client,
        to: {
          host: family === "IPv4" ? nodeIPs.v4 : nodeIPs.v6,
          port: nodePort,
          path: "/hostname",
          name: `service ${name} (NodePort ${nodePort} on ${nodeName})`,
        },
        bodyCheck: isBackend,
      });
    }
  });
});
