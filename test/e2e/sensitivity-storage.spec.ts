// Sensitivity of Core.Storage under the emulator's mount faults: the cases are data (test/sensitivity/storage.cases.ts).
import { describeCases } from "../sensitivity/run-cases.js";
import { cases, STORAGE } from "../sensitivity/storage.cases.js";

describeCases("Core.Storage under mount faults", ["Core.Storage"], Object.values(STORAGE), cases);
