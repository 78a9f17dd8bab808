// The shape every sensitivity proof is declared in, as data: the e2e specs run each case and assert it
// (test/support/sensitivity.ts), and the sensitivity matrix (check → the faults that break it; docs/sensitivity.md,
// `hybrid-conformance list --sensitivity`) is generated from the same data, never written by hand.
// Each `sensitivity/<area>.cases.ts` exports `cases: SensitivityCase[]`; nothing else lists them (they are globbed).
// The folder ships with the CLI (deploy/Dockerfile copies it; test/ is not in the image), so `list --sensitivity`
// reads the same cases the e2e tests prove.

export interface SensitivityCase {
  /**
   * The fault as set on the emulator (a FaultSwitch name, localcluster/dataplane/faults.ts), or a cluster variant
   * named in test/support/sensitivity-variants.ts (a RuntimeClass selecting a missing build, …).
   */
  fault: string;
  /** The fault's scope (namespace, pod, node, image globs), as given to FaultSwitch.add. */
  options?: Record<string, string>;
  /**
   * targeted: breaks the behaviour the failing checks name (a label lie, a stale EndpointSlice…);
   * blanket: breaks a precondition of many checks (the image cannot be pulled, the webhook is down).
   */
  kind: "targeted" | "blanket";
  /** The categories (`--category`) the run selects; every test of them must have run. */
  categories: string[];
  /**
   * The exact titles (a test's own title, without its category) that must fail, each with patterns its one-line
   * message must match; every other test passes (or is skipped as `skips` says). Empty: the fault breaks none of
   * these categories' checks (a negative proof), and the run exits 0.
   */
  breaks: Record<string, RegExp[]>;
  /** Tests that must be skipped, each with patterns its reason must match (e.g. no load-balancer controller). */
  skips?: Record<string, RegExp[]>;
  /** Why exactly these break (one line: the test's name and the matrix say it). */
  why?: string;
  /** Extra `run` flags for this case (e.g. --timeout-scale 0.05 so waits that can only time out do so quickly). */
  args?: string[];
  /** Extra environment for the run (e.g. HC_NODEPORT_FROM=pod). */
  env?: Record<string, string>;
  /** `run --grep`: the run selects only these categories' tests whose titles match; all of those must have run. */
  grep?: string;
}

/** A case's fault as the matrix and test titles name it: `name (key=value, …)`. */
export function faultLabel(c: Pick<SensitivityCase, "fault" | "options">): string {
  const o = Object.entries(c.options ?? {});
  return o.length ? `${c.fault} (${o.map(([k, v]) => `${k}=${v}`).join(", ")})` : c.fault;
}

/** A pattern matching `text` literally (for messages that must include a field path or a fixture value verbatim). */
export function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}
