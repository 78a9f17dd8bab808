// How long things take on the emulated nodes. `--latency none` (the default): everything at once, as before.
// `--latency realistic`: the figures real Windows nodes show (sources in docs/local-cluster.md "Timing"), each
// multiplied by `--time-scale` (0.05 for CI). Pure: the callers schedule the waits.
import { z } from "zod";

export const timingSchema = z
  .object({
    latency: z.enum(["none", "realistic"]),
    timeScale: z.number().positive(),
  })
  .strict();
export type TimingConfig = z.infer<typeof timingSchema>;

export const noLatency: TimingConfig = { latency: "none", timeScale: 1 };

/** Real-world figures in milliseconds, before scaling. One place for each; docs/local-cluster.md cites them. */
export const realFigures = {
  /** Download + extraction rate of Windows layers: servercore (1.73 GB) lands at ~7 min, inside the 5–15 min reported. */
  pullBytesPerSecond: 4_000_000,
  /** Fixed cost of a pull (registry round trips, manifest resolution). */
  pullOverheadMs: 1_500,
  /** servercore/IIS: first start on a node 15–19 s, warm ~5 s; nanoserver 3–4 s. */
  servercoreFirstStartMs: 17_000,
  servercoreWarmStartMs: 5_000,
  nanoserverStartMs: 3_500,
  /** Other (Linux, multi-OS e2e) images. */
  otherStartMs: 500,
  /** The pod cannot connect out for 4–5 s after Running. */
  podNetworkReadyMs: 4_500,
  /** kube-proxy/HNS programming after an EndpointSlice change: seconds. */
  kubeProxyLagMs: 3_000,
  /** Round trip of an exec into a Windows container (estimate, no measured source). */
  windowsExecMs: 700,
  /** One exec probe in this many overruns a 1 s timeout on Windows containerd. */
  execProbeTimeoutEvery: 10,
  /** cluster-autoscaler: a new Windows VM joins Ready after minutes. */
  scaleUpMs: 240_000,
  /** A cloud load balancer provisioned: Service created to its external address (AKS, measured by Microsoft: ~2 min). */
  loadBalancerProvisionMs: 120_000,
} as const;

export class Timing {
  constructor(readonly cfg: TimingConfig = noLatency) {}

  get realistic(): boolean {
    return this.cfg.latency === "realistic";
  }

  /** A real figure, scaled; zero without latency. */
  ms(figure: number): number {
    return this.realistic ? Math.round(figure * this.cfg.timeScale) : 0;
  }

  pullMs(sizeBytes: number): number {
    return this.ms(realFigures.pullOverheadMs + (sizeBytes / realFigures.pullBytesPerSecond) * 1000);
  }

  startMs(kind: "servercore" | "nanoserver" | "other", firstOnNode: boolean): number {
    if (kind === "servercore") return this.ms(firstOnNode ? realFigures.servercoreFirstStartMs : realFigures.servercoreWarmStartMs);
    return this.ms(kind === "nanoserver" ? realFigures.nanoserverStartMs : realFigures.otherStartMs);
  }
}

/**
 * The kubelet's duration format in "Successfully pulled image … in 3m2.1s (…)": Go's time.Duration.String()
 * (e.g. 412ms, 4.2s, 3m2.1s), rounded to what the kubelet prints.
 */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalS = ms / 1000;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS - h * 3600 - m * 60;
  const sec = `${Number(s.toFixed(3))}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}
