// Sensitivity of Core.Concurrent: the cases are data (test/sensitivity/concurrent.cases.ts).
import { describeCases } from "../sensitivity/run-cases.js";
import { cases, CONCURRENT } from "../sensitivity/concurrent.cases.js";

describeCases("Core.Concurrent under IPAM faults", ["Core.Concurrent"], Object.values(CONCURRENT), cases);
