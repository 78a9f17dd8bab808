// Extend.Network (WOR's Extend.Network category): Services a Windows pod must reach beyond the docs' walkthrough.
// A multi-port Service whose two ports lead to two different container ports of Linux backends (upstream
// test/e2e/network/service.go "should serve multiport endpoints from pods"): each Service port must reach its own
// container port — the proxy programs every port of a Service on its own (one HNS load balancer per port on Windows),
// so one port can work while another does not. On a dual-stack cluster (WOR's IPv6 and IPv4 cases), a
// RequireDualStack Service's IPv4 and IPv6 ClusterIPs and its NodePort on a node's IPv4 and IPv6 address must each
// reach the Linux backends from a Windows pod: the proxy programs each family on its own (kube-proxy runs one proxier
// per family; winkernel one HNS load balancer per ClusterIP), so IPv4 can work while IPv6 does not.
import * as allure from "allure-js-commons";
import { useTestEnv } from "../../lib/run/test-env.js";
import { skipWithReason } from "../../lib/run/steps.js";
import { clip, podRef, reach, sameName } from "../../lib/checks/network.js";
import { clusterIPsByFamily, nodeIPsByFamily, notDualStack } from "../../lib/checks/network/dual-stack.js";
import { categoryOf } from "../index.js";

const CATEGORY = categoryOf(import.meta.url);
const SERVICE = "multiport-backend";
/** netexec echoes this back on /echo; serve-hostname answers every path with its pod name instead. */
const MARKER = "multiport-http-port";
const DUAL = "dual-stack-backend";

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  it("reaches two different container ports of Linux backends through the two ports of one multi-port Service from a Windows pod (ClusterIP, IPv4)", async () => {
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

  it("reaches Linux backends from a Windows pod through both ClusterIPs (IPv4, IPv6) of a RequireDualStack Service and its NodePort on a node's IPv4 and IPv6 address", async function () {
    const why = await env.step("ask the API server whether it serves dual-stack Services (dry-run RequireDualStack Service)", () =>
      notDualStack(env.core, env.ns),
    );
    if (why) await skipWithReason(this, why);
    await env.step(`deploy ${DUAL} (RequireDualStack NodePort Service 80 → 8080 agnhost netexec; 2 Linux pods) + windows-client`, () =>
      env.deploy(["dual-stack-service", "windows-client"]),
    );
    const backends = await env.step(`wait: both ${DUAL} pods and windows-client Ready`, async () => {
      const [pods] = await Promise.all([env.wait.podsReady(`app=${DUAL}`, 2), env.wait.podReady("windows-client")]);
      return pods;
    });
    const names = backends.map((p) => p.metadata!.name!);
    const client = await podRef(env, "windows-client", "servercore");
    await allure.parameter("windows-client", `${client.ip} on ${client.node} (${client.os})`, { excluded: true });
    const svc = await env.core.readNamespacedService({ name: DUAL, namespace: env.ns });
    const ips = clusterIPsByFamily(svc);
    if (typeof ips === "string") throw new Error(ips);
    // The NodePort on the node of a backend (a Linux node, not the client's own: no hairpin through the client's host).
    const nodeName = backends[0].spec!.nodeName!;
    const nodeIPs = nodeIPsByFamily(await env.core.readNode({ name: nodeName }));
    if (typeof nodeIPs === "string") throw new Error(nodeIPs);
    const nodePort = svc.spec!.ports![0].nodePort!;
    const isBackend = (body: string) =>
      names.some((b) => sameName(body, b))
        ? undefined
        : `answered ${JSON.stringify(clip(body.trim(), 80))}, not the name of a backend pod (${names.join(", ")})`;

    for (const [family, ip] of [
      ["IPv4", ips.v4],
      ["IPv6", ips.v6],
    ] as const)
      await reach(env, {
        path: `dual-stack Service, ${family} ClusterIP, from a Windows pod`,
        from: client,
        to: { host: ip, port: 80, path: "/hostname", name: `service ${DUAL} (${family} ClusterIP) → agnhost netexec` },
        bodyCheck: isBackend,
      });
    for (const [family, ip] of [
      ["IPv4", nodeIPs.v4],
      ["IPv6", nodeIPs.v6],
    ] as const)
      await reach(env, {
        path: `dual-stack Service, NodePort on a node's ${family} address, from a Windows pod`,
        from: client,
        to: { host: ip, port: nodePort, path: "/hostname", name: `service ${DUAL} (NodePort ${nodePort} on ${nodeName}, ${family})` },
        bodyCheck: isBackend,
      });
  });
});
