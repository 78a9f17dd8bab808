// The shape every sensitivity proof is declared in, as data: the e2e specs run each case and assert it, and the
// sensitivity matrix (check → the faults that break it) is generated from the same data, never written by hand.
// Each `test/sensitivity/<area>.cases.ts` exports `cases: SensitivityCase[]`; nothing else lists them.

export interface SensitivityCase {
  /** The fault as set on the emulator (a FaultSwitch name), or a topology, profile or webhook variant. */
  fault: string;
  /** The fault's options (node pattern, …), as given to FaultSwitch.add. */
  options?: Record<string, string>;
  /**
   * targeted: breaks the behaviour the failing checks name (a label lie, a stale EndpointSlice…);
   * blanket: breaks a precondition of many checks (the image cannot be pulled, the webhook is down).
   */
  kind: "targeted" | "blanket";
  /** The categories (`--category`) the run selects; every test of them must have run. */
  categories: string[];
  /** The exact titles that must fail, each with patterns its one-line message must match; every other test passes. */
  breaks: Record<string, RegExp[]>;
}
