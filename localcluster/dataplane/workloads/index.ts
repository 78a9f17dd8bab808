// What a container serves and prints, keyed by its image and the command it really runs.
// Pure: no sockets, no Kubernetes API. The caller keeps one Workload per running container.

import type { ContainerView } from "../model.js";
import { agnhost } from "./agnhost.js";
import { baseName, effectiveArgv, idleWorkload, type Clock, type Workload, type WorkloadOptions } from "./common.js";
import { classifyImage } from "./images.js";
import { busyboxHttpd, nginx } from "./linux.js";
import { logMonitor, unwrapLogMonitor } from "./logmonitor.js";
import { iis, pingLines, winWebServer } from "./windows.js";
import { coreDns } from "./coredns.js";

export type { Served, Workload, WorkloadOptions, Clock } from "./common.js";
export { classifyImage, parseImage, type ImageFamily, type ImageRef } from "./images.js";
export { effectiveArgv } from "./common.js";
export { readLogMonitorConfig, LOGMONITOR_CONFIG_PATH } from "./logmonitor.js";

/**
 * The workload for a freshly started container. `opts.clock` stamps log lines and Date headers
 * (defaults to the wall clock; tests inject a fixed one).
 */
export function workloadFor(c: ContainerView, opts: WorkloadOptions = {}): Workload {
  const clock = opts.clock ?? (() => new Date());
  const argv = effectiveArgv(c);
  const wrapped = c.os === "windows" ? unwrapLogMonitor(argv) : undefined;
  if (wrapped) return logMonitor(c, program(c, wrapped, clock), clock, opts.logMonitorDropsFiles);
  return program(c, argv, clock);
}

function program(c: ContainerView, argv: string[], clock: Clock): Workload {
  const text = argv.join(" ");
  const words = text.split(/\s+/).filter(Boolean);
  const exe = baseName(argv[0] ?? "");
  const family = classifyImage(c.image).family;
  if (/System\.Net\.HttpListener/i.test(text)) return winWebServer(c, text, clock);
  if (exe === "agnhost") return agnhost(c, argv.slice(1), clock);
  if (family === "nginx" && words.slice(0, 3).some((w) => baseName(w) === "nginx")) return nginx(c, clock);
  if (exe === "servicemonitor" && /w3svc/i.test(text)) return iis(c, clock);
  if (exe === "pause") return idleWorkload("pause", true);
  if (exe === "coredns") return coreDns(c);
  const httpd = words.findIndex((w) => baseName(w) === "httpd");
  if (httpd >= 0 && words.includes("-f")) return busyboxHttpd(c, words.slice(httpd + 1), clock);
  const ping = words.findIndex((w) => baseName(w) === "ping");
  if (ping >= 0 && c.os === "windows") return idleWorkload("ping", isLongRunning(words), pingLines(c, words.slice(ping)));
  return idleWorkload(argv.length ? "command" : "idle", isLongRunning(words));
}

// A keep-alive lasting at least this long counts as "runs until deleted".
const LONG_SECONDS = 60;

/**
 * Whether a command keeps the container running (servers aside). Infinite loops, `ping -t`, long sleeps
 * and an empty command (an unknown image's own entrypoint, assumed to be a service) do; anything else,
 * including a bare shell with no stdin, runs to completion.
 */
export function isLongRunning(words: string[]): boolean {
  if (words.length === 0) return true;
  const text = words.join(" ");
  const checks: Array<[RegExp, (m: RegExpExecArray) => boolean]> = [
    [/\bping(?:\.exe)?\b.*\s[-/]t\b/i, () => true],
    [/\bping(?:\.exe)?\b.*\s[-/]n\s+(\d+)/i, (m) => Number(m[1]) >= LONG_SECONDS],
    [/\bsleep\s+(infinity|\d+)/i, (m) => m[1] === "infinity" || Number(m[1]) >= LONG_SECONDS],
    [/\bStart-Sleep\b(?:\s+-(?:s|seconds))?\s+(\d+)/i, (m) => Number(m[1]) >= LONG_SECONDS],
    [/\bwhile\s*(?:\(\s*)?(?:true|\$true|1|:)\b/i, () => true],
    [/\bfor\s*\(\s*;\s*;\s*\)/, () => true],
    [/\btimeout(?:\.exe)?\s+\/t\s+-1\b/i, () => true],
    [/\btail\s+(-\w*f\b|--follow)/, () => true],
  ];
  return checks.some(([re, ok]) => {
    const m = re.exec(text);
    return m !== null && ok(m);
  });
}
