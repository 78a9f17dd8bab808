// Extend.Network (WOR's Extend.Network category): Services a Windows pod must reach beyond the docs' walkthrough.
// A multi-port Service whose two ports lead to two different container ports of Linux backends (upstream
// test/e2e/network/service.go "should serve multiport endpoints from pods"): each Service port must reach its own
// container port — the proxy programs every port of a Service on its own (one HNS load balancer per port on Windows),
// so one port can work while another does not. The dual-stack half of WOR's case (IPv6 ClusterIPs) is not built.
import * as allure from "allure-js-commons";
import { useTestEnv } from "../../lib/run/test-env.js";
import { clip, podRef, reach, sameName } from "../../lib/checks/network.js";
import { categoryOf } from "../index.js";
import { EXTENDED_NETWORK } from "./network.titles.js";

const CATEGORY = categoryOf(import.meta.url);
const SERVICE = "multiport-backend";
/** netexec echoes this back on /echo; serve-hostname answers every path with its pod name instead. */
const MARKER = "multiport-http-port";

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
});
