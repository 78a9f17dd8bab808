// Kubernetes resource quantities ("500m", "512Mi", "1.5", "2e3") as numbers, and back into readable text.
// Pure: used by the scheduling and workload checks to compare requests, limits and allocatable.

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity in base units (cores for CPU, bytes for memory); throws on text that is not a quantity. */
export function parseQuantity(q: string | number): number {
  if (typeof q === "number") return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(q.trim());
  if (!m) throw new Error(`"${q}" is not a Kubernetes quantity`);
  const base = Number(m[1]);
  return m[2] ? base * 10 ** Number(m[2].slice(1)) : base * SUFFIX[m[3] ?? ""];
}

export const cpuMillis = (q: string | number) => Math.round(parseQuantity(q) * 1000);
export const bytes = (q: string | number) => Math.round(parseQuantity(q));

/** Two quantities denote the same amount ("0.5" and "500m", "1Gi" and "1024Mi"). */
export function sameQuantity(a: string | number | undefined, b: string | number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Math.abs(parseQuantity(a) - parseQuantity(b)) <= 1e-9 * Math.max(1, Math.abs(parseQuantity(a)));
}

/** 3900 → "3900m"; 4000 → "4". */
export function formatMillis(m: number): string {
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** 16106127360 → "15Gi"; odd sizes fall back to Mi or bytes. */
export function formatBytes(b: number): string {
  for (const [s, f] of [
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ] as const)
    if (b % f === 0) return `${b / f}${s}`;
  return String(b);
}
