// Probe and lifecycle-hook handlers evaluated against the emulated container, with the kubelet's messages.
import type * as k8s from "@kubernetes/client-node";
import type { ContainerRecord } from "./records.js";
import type { NetworkWorld } from "../model.js";
import { runCommand } from "../commands/index.js";

export interface ProbeResult {
  ok: boolean;
  /** The kubelet's wording after "<Kind> probe failed: ". */
  detail?: string;
}

type Handler = Pick<k8s.V1Probe, "httpGet" | "tcpSocket" | "exec" | "grpc">;

function portOf(c: ContainerRecord, port: number | string | undefined): number | undefined {
  if (typeof port === "number") return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return c.spec.ports?.find((p) => p.name === port)?.containerPort;
}

export interface HandlerOptions {
  timeoutSeconds?: number;
  /** The kubelet's User-Agent: kube-probe/<minor> for probes, kube-lifecycle/<minor> for hooks. */
  userAgent?: string;
  /** Receives what the container printed while serving the request (a server logs probe requests too). */
  log?: (lines: string[]) => void;
}

export async function runHandler(c: ContainerRecord, h: Handler, net: NetworkWorld, kubeletIP: string, o: HandlerOptions = {}): Promise<ProbeResult> {
  const timeoutSeconds = o.timeoutSeconds ?? 1;
  const ip = c.view?.podIP ?? "";
  if (h.httpGet) {
    const port = portOf(c, h.httpGet.port as number | string)!;
    const scheme = (h.httpGet.scheme ?? "HTTP").toLowerCase();
    const path = h.httpGet.path ?? "/";
    const host = h.httpGet.host ?? ip;
    const url = `${scheme}://${host}:${port}${path}`;
    const headers = {
      "User-Agent": o.userAgent ?? "kube-probe/1.36",
      Accept: "*/*",
      ...Object.fromEntries((h.httpGet.httpHeaders ?? []).map((x) => [x.name, x.value])),
    };
    const req = { method: "GET", host, port, path, headers };
    let status: number | undefined;
    let failure = "connect: connection refused";
    if (host !== ip && c.view) {
      // httpGet.host names another address (e.g. a preStop hook notifying a handler pod): the kubelet dials it
      // from the node, so the request goes through the emulated network with the node's address as its source.
      const res = await net.http({ ...c.view, podIP: kubeletIP }, host, req);
      if ("status" in res) status = res.status;
      else if (res.error === "timeout" || res.error === "dns") failure = "i/o timeout";
      else if (res.error === "reset") failure = "connection reset by peer";
    } else {
      const served = c.workload?.handle(req, kubeletIP);
      if (served) o.log?.(served.logLines);
      status = served?.response.status;
    }
    if (status === undefined) return { ok: false, detail: `Get "${url}": dial tcp ${host}:${port}: ${failure}` };
    return status >= 200 && status < 400 ? { ok: true } : { ok: false, detail: `HTTP probe failed with statuscode: ${status}` };
  }
  if (h.tcpSocket) {
    const port = portOf(c, h.tcpSocket.port as number | string)!;
    return c.workload?.listens.includes(port) ? { ok: true } : { ok: false, detail: `dial tcp ${ip}:${port}: connect: connection refused` };
  }
  if (h.exec) {
    if (!c.view) return { ok: false, detail: "container not running" };
    const r = await runCommand({ container: c.view, net }, h.exec.command ?? []);
    if (r.exitCode === 0) return { ok: true };
    const out = (r.stdout + r.stderr).trim();
    return { ok: false, detail: out || `command ${JSON.stringify((h.exec.command ?? []).join(" "))} exited with ${r.exitCode}` };
  }
  if (h.grpc) {
    const port = h.grpc.port;
    return c.workload?.listens.includes(port)
      ? { ok: true }
      : { ok: false, detail: `timeout: failed to connect service "${ip}:${port}" within ${timeoutSeconds}s` };
  }
  return { ok: true };
}
