// Shared pieces of the workload emulator: the Workload contract, the command a container really runs
// (pod command/args over the image's ENTRYPOINT/CMD) and timestamp formats the emulated programs print.

import type { ContainerView, HttpRequest, HttpResponse } from "../model.js";
import { classifyImage, type ImageFamily } from "./images.js";

export type Clock = () => Date;

export interface Served {
  response: HttpResponse;
  logLines: string[];
}

/** What a running container serves and prints. One instance per container incarnation holds its state. */
export interface Workload {
  kind: string;
  /** TCP ports that accept connections. */
  listens: number[];
  /**
   * False when the container's command runs to completion (e.g. `cmd /c echo %USERNAME%`): the caller
   * then runs it through the command emulator and the container exits with its exit code.
   */
  longRunning: boolean;
  startupLines(): string[];
  /** How the process's own output reaches the log (LogMonitor re-emits each line as a "Process" entry); as is by default. */
  processOutput?(lines: string[]): string[];
  /** undefined when the port is not served: the caller treats that as connection refused. */
  handle(req: HttpRequest, clientIP: string): Served | undefined;
}

export interface WorkloadOptions {
  clock?: Clock;
  /** The logmonitor-file-source-dropped fault: LogMonitor pipes none of its File sources. */
  logMonitorDropsFiles?: boolean;
}

// The image's ENTRYPOINT and CMD, for images whose default process matters.
const IMAGE_DEFAULTS: Partial<Record<ImageFamily, { entrypoint: string[]; cmd: string[] }>> = {
  agnhost: { entrypoint: ["/agnhost"], cmd: ["pause"] },
  nginx: { entrypoint: [], cmd: ["nginx", "-g", "daemon off;"] },
  busybox: { entrypoint: [], cmd: ["sh"] },
  curl: { entrypoint: ["/entrypoint.sh"], cmd: ["curl"] },
  pause: { entrypoint: ["/pause"], cmd: [] },
  coredns: { entrypoint: ["/coredns"], cmd: [] }, // coredns/coredns Dockerfile: ENTRYPOINT ["/coredns"]
  servercore: { entrypoint: [], cmd: ["c:\\windows\\system32\\cmd.exe"] },
  nanoserver: { entrypoint: [], cmd: ["c:\\windows\\system32\\cmd.exe"] },
  iis: { entrypoint: ["C:\\ServiceMonitor.exe", "w3svc"], cmd: [] },
};

/** Kubernetes semantics: `command` replaces ENTRYPOINT (and drops CMD); `args` replaces CMD. */
export function effectiveArgv(c: ContainerView): string[] {
  const d = IMAGE_DEFAULTS[classifyImage(c.image).family];
  if (c.command.length) return [...c.command, ...c.args];
  return [...(d?.entrypoint ?? []), ...(c.args.length ? c.args : (d?.cmd ?? []))];
}

export const baseName = (p: string): string => (p.split(/[\\/]/).pop() ?? p).toLowerCase().replace(/\.exe$/, "");

/** Value of a Go/cobra style flag: "--port=80", "--port 80" or "-port 80". */
export function flagValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = new RegExp(`^--?${name}(?:=(.*))?$`).exec(args[i]);
    if (m) return m[1] ?? args[i + 1];
  }
  return undefined;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Go's log package prefix: "2006/01/02 15:04:05". */
export function goLogTime(d: Date): string {
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** RFC 7231 date for the Date header. */
export const httpDate = (d: Date): string => d.toUTCString();

/** "2006-01-02 15:04:05" in UTC (W3C logs, Go's time.String()). */
export function isoSpace(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function headerValue(req: HttpRequest, name: string): string | undefined {
  const k = Object.keys(req.headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : req.headers[k];
}

/** A workload that listens nowhere. */
export function idleWorkload(kind: string, longRunning: boolean, lines: string[] = []): Workload {
  return { kind, listens: [], longRunning, startupLines: () => [...lines], handle: () => undefined };
}

/** The listening port plus a refused answer for any other, so each server only writes its handler. */
export function serving(kind: string, port: number, lines: () => string[], fn: (req: HttpRequest, clientIP: string) => Served): Workload {
  return {
    kind,
    listens: [port],
    longRunning: true,
    startupLines: lines,
    handle: (req, clientIP) => (req.port === port ? fn(req, clientIP) : undefined),
  };
}
