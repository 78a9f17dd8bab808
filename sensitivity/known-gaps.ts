// Checks that no targeted fault breaks yet (issue 19). This list may only shrink: test/unit/sensitivity/matrix.spec.ts
// fails when a check here now has a targeted fault (remove it from here), and when a check outside it has none (add a
// targeted case to sensitivity/*.cases.ts; a new check is never added here).
export const knownGaps: string[] = [
  "Core.Scheduling › places a pod that selects kubernetes.io/os=windows and tolerates the Windows taint on a Windows node",
  "Extend.ActiveDirectory › keeps an existing pod's GMSA settings: a change to the name or contents is refused (by the API server's pod immutability, before any webhook)",
];
