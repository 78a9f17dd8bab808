// Durations on the command line and in config files: "0s", "90m", "2h", "1h30m", "7d".
import { InvalidArgumentError } from "commander";

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(v: string): number {
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== v) throw new InvalidArgumentError(`expected a duration like 0s, 90m, 2h or 1h30m, got ${JSON.stringify(v)}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * unitMs[p[2]], 0);
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}
