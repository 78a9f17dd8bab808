// Preflight: can we reach the cluster, who are we, what is there — and is it worth running at all?
// Every failure is a UserFacingError (one line, exit 2) naming the server and what to do.
import * as k8s from "@kubernetes/client-node";
import { UserFacingError } from "../errors.js";
import type { Capabilities, NodeInfo } from "./types.js";
import { isNodeReady } from "../cluster/status.js";
import { linuxTaintsOf, windowsTaintsOf } from "./taints.js";
import { discoverPools } from "../pools/pools.js";

/** Turns a transport or HTTP failure from the API into one actionable line. */
export function apiFailure(server: string, e: unknown, doing: string): UserFacingError {
  const err = e as { code?: number | string; cause?: { code?: string; message?: string }; message?: string; body?: string };
  const code = err.code;
  // fetch (undici) nests the system error: "fetch failed" ← cause ← cause { code: ECONNREFUSED }.
  const chain: string[] = [];
  for (let c: unknown = e, i = 0; c && i < 6; c = (c as { cause?: unknown }).cause, i++) {
    const x = c as { code?: unknown; message?: string };
    chain.push(`${typeof x.code === "string" ? x.code : ""} ${x.message ?? ""}`);
  }
  const sys =
    (typeof code === "string" ? code : undefined) ??
    /\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|CERT_\w+|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT)\b/.exec(
      chain.join(" "),
    )?.[1];
  if (sys === "ECONNREFUSED") return new UserFacingError(`cannot reach the API server at ${server}: connection refused (is the cluster running?)`);
  if (sys === "ENOTFOUND") return new UserFacingError(`cannot reach the API server at ${server}: host name not found`);
  if (sys === "ETIMEDOUT" || /timed? ?out/i.test(err.message ?? "")) return new UserFacingError(`cannot reach the API server at ${server}: timed out`);
  if (sys && /CERT|SIGNATURE/.test(sys))
    return new UserFacingError(`cannot trust the API server at ${server}: TLS ${sys} (check certificate-authority-data in the kubeconfig)`);
  if (code === 401)
    return new UserFacingError(
      `the API server at ${server} rejected the credentials (401 Unauthorized) while ${doing}: the token or certificate is invalid or expired`,
    );
  if (code === 403) {
    let msg = "";
    try {
      msg = (JSON.parse(err.body ?? "{}") as { message?: string }).message ?? "";
    } catch {
      /* not JSON */
    }
    return new UserFacingError(`permission denied while ${doing} (403 Forbidden)${msg ? `: ${msg}` : ""}`);
  }
  return new UserFacingError(`the API server at ${server} failed while ${doing}: ${(err.message ?? String(e)).split("\n")[0]}`);
}

export function nodeInfo(n: k8s.V1Node): NodeInfo {
  const l = n.metadata?.labels ?? {};
  const info = n.status?.nodeInfo;
  return {
    name: n.metadata!.name!,
    os: l["kubernetes.io/os"] ?? info?.operatingSystem ?? "unknown",
    build: l["node.kubernetes.io/windows-build"],
    arch: l["kubernetes.io/arch"] ?? info?.architecture ?? "unknown",
    ready: isNodeReady(n),
    controlPlane: "node-role.kubernetes.io/control-plane" in l || "node-role.kubernetes.io/master" in l,
    taints: (n.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    labels: l,
    osImage: info?.osImage ?? "",
    kernelVersion: info?.kernelVersion ?? "",
    kubeletVersion: info?.kubeletVersion ?? "",
    containerRuntimeVersion: info?.containerRuntimeVersion ?? "",
    internalIP: n.status?.addresses?.find((a) => a.type === "InternalIP")?.address,
    externalIP: n.status?.addresses?.find((a) => a.type === "ExternalIP")?.address,
    allocatable: (n.status?.allocatable ?? {}) as Record<string, string>,
  };
}

export async function discover(kc: k8s.KubeConfig, local: boolean): Promise<Capabilities> {
  const server = kc.getCurrentCluster()!.server;
  const version = await kc
    .makeApiClient(k8s.VersionApi)
    .getCode()
    .catch((e) => {
      throw apiFailure(server, e, "reading the server version");
    });
  const nodes = (
    await kc
      .makeApiClient(k8s.CoreV1Api)
      .listNode()
      .catch((e) => {
        throw apiFailure(server, e, "listing nodes");
      })
  ).items.map(nodeInfo);
  const windows = nodes.filter((n) => n.os === "windows" && n.ready);

  const runtimeClasses = (
    await kc
      .makeApiClient(k8s.NodeV1Api)
      .listRuntimeClass()
      .catch(() => ({ items: [] as k8s.V1RuntimeClass[] }))
  ).items.map((r) => ({
    name: r.metadata!.name!,
    handler: r.handler,
    nodeSelector: r.scheduling?.nodeSelector ?? {},
  }));
  const crd = await kc
    .makeApiClient(k8s.ApiextensionsV1Api)
    .readCustomResourceDefinition({ name: "gmsacredentialspecs.windows.k8s.io" })
    .then(
      () => true,
      () => false,
    );
  const hooks = await kc
    .makeApiClient(k8s.AdmissionregistrationV1Api)
    .listMutatingWebhookConfiguration()
    .then(
      (l) => l.items.some((c) => (c.webhooks ?? []).some((w) => /gmsa/i.test(w.name))),
      () => false,
    );

  return {
    server: { url: server, gitVersion: version.gitVersion, platform: version.platform },
    context: kc.getCurrentContext(),
    local,
    nodes,
    windowsBuilds: [...new Set(windows.map((n) => n.build).filter((b): b is string => !!b))].sort(),
    windowsTaints: windowsTaintsOf(nodes),
    linuxTaints: linuxTaintsOf(nodes),
    pools: discoverPools(nodes),
    runtimeClasses,
    gmsa: { crd, webhook: hooks },
  };
}

/** A cluster the harness cannot test: no Ready Windows node (optionally of the requested build). */
export function assertTestable(caps: Capabilities, windowsBuild?: string): void {
  const win = caps.nodes.filter((n) => n.os === "windows");
  if (!win.length)
    throw new UserFacingError(
      `the cluster at ${caps.server.url} has no Windows nodes (${caps.nodes.length} node(s), all ${[...new Set(caps.nodes.map((n) => n.os))].join("/")}): nothing to test`,
    );
  if (!win.some((n) => n.ready))
    throw new UserFacingError(`none of the cluster's ${win.length} Windows node(s) is Ready (${win.map((n) => n.name).join(", ")})`);
  if (windowsBuild && !caps.windowsBuilds.includes(windowsBuild))
    throw new UserFacingError(`--windows-build ${windowsBuild}: no Ready Windows node has that build (found: ${caps.windowsBuilds.join(", ") || "none"})`);
}
