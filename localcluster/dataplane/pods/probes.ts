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

export async function runHandler(c: ContainerRecord, h: Handler, net: NetworkWorld, kubeletIP: string, timeoutSeconds = 1): Promise<ProbeResult> {
  const ip = c.view?.podIP ?? "";
  if (h.httpGet) {
    const port = portOf(c, h.httpGet.port as number | string)!;
    const scheme = (h.httpGet.scheme ?? "HTTP").toLowerCase();
    const path = h.httpGet.path ?? "/";
    const url = `${scheme}://${h.httpGet.host ?? ip}:${port}${path}`;
    const res = c.workload?.handle(
      { method: "GET", host: h.httpGet.host ?? ip, port, path, headers: Object.fromEntries((h.httpGet.httpHeaders ?? []).map((x) => [x.name, x.value])) },
      kubeletIP,
    );
    if (!res) return { ok: false, detail: `Get "${url}": dial tcp ${ip}:${port}: connect: connection refused` };
    const s = res.response.status;
    return s >= 200 && s < 400 ? { ok: true } : { ok: false, detail: `HTTP probe failed with statuscode: ${s}` };
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
    return c.workload?.listens.includes(port) ? { ok: true } : { ok: false, detail: `timeout: failed to connect service "${ip}:${port}" within ${timeoutSeconds}s` };
  }
  return { ok: true };
}
