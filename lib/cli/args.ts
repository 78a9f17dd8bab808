// Option-value parsers shared by the commands; commander turns their InvalidArgumentError into one line naming the option.
import { InvalidArgumentError } from "commander";
import { parseSelector, type LabelSelector } from "../pools/selector.js";
import { resolve } from "node:path";
import { readCredSpecFile } from "../checks/gmsa.js";

export function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`expected a port number, got ${JSON.stringify(v)}`);
  return n;
}

export function positive(v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a positive number, got ${JSON.stringify(v)}`);
  return n;
}

/** A repeatable --category: one of `known`. */
export function category(known: string[]) {
  return (v: string, prev: string[] = []): string[] => {
    if (!known.includes(v)) throw new InvalidArgumentError(`unknown category ${JSON.stringify(v)} (known: ${known.join(", ")})`);
    return [...prev, v];
  };
}

export function dnsLabel(what: string, max: number) {
  return (v: string): string => {
    if (v.length > max || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v))
      throw new InvalidArgumentError(`expected ${what} (lowercase letters, digits and '-', at most ${max}), got ${JSON.stringify(v)}`);
    return v;
  };
}

export function dnsSubdomain(v: string): string {
  if (v.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v))
    throw new InvalidArgumentError(`expected a RuntimeClass name (a DNS subdomain), got ${JSON.stringify(v)}`);
  return v;
}

/** A credential spec file that reads as one (its contents are never echoed); resolved to an absolute path. */
export function credspecFile(v: string): string {
  try {
    readCredSpecFile(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return resolve(v);
}

export function build(v: string): string {
  if (!/^10\.0\.\d{5}$/.test(v)) throw new InvalidArgumentError(`expected a Windows build like 10.0.20348, got ${JSON.stringify(v)}`);
  return v;
}

/** A repeatable --registry from=to. */
export function registryOverride(v: string, prev: string[] = []): string[] {
  if (!/^[^=]+=[^=]+$/.test(v)) throw new InvalidArgumentError(`expected from=to, got ${JSON.stringify(v)}`);
  return [...prev, v];
}

export function retriesArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError(`expected an integer 0..10, got ${JSON.stringify(v)}`);
  return n;
}

/** A duration: "0s", "90m", "2h", "1h30m", "7d" (cleanup --older-than, --wait). */
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(v: string): number {
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== v)
    throw new InvalidArgumentError(`expected a duration like 0s, 90m, 2h or 1h30m, got ${JSON.stringify(v)}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * unitMs[p[2]], 0);
}

/** --parallel: tests at once, 1..64. */
export function parallelArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError(`expected an integer 1..64, got ${JSON.stringify(v)}`);
  return n;
}

/** `--windows-nodes`: a label selector (lib/pools/selector.ts), checked before any cluster contact. */
export function windowsNodesArg(v: string): LabelSelector {
  try {
    return parseSelector(v);
  } catch (e) {
    throw new InvalidArgumentError(`expected a label selector such as agentpool=win25: ${(e as Error).message}`);
  }
}
