// Checks that no targeted fault breaks yet (issue 19). This list may only shrink: test/unit/sensitivity/matrix.spec.ts
// fails when a check here now has a targeted fault (remove it from here), and when a check outside it has none (add a
// targeted case to sensitivity/*.cases.ts; a new check is never added here).
import { SCHEDULING } from "../suites/core/scheduling.titles.js";
import { ACTIVE_DIRECTORY } from "../suites/extended/gmsa.titles.js";
export const knownGaps: string[] = [`Core.Scheduling › ${SCHEDULING.toleration}`, `Extend.ActiveDirectory › ${ACTIVE_DIRECTORY.update}`];
