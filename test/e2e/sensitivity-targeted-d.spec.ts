// Targeted sensitivity (issue 19) of the last known gaps: each fault or cluster variant of
// sensitivity/gaps-targeted.cases.ts breaks the one behaviour a check names.
import { describeTargeted } from "../support/sensitivity-targeted.js";
import { cases } from "../../sensitivity/gaps-targeted.cases.js";

describeTargeted("sensitivity: targeted faults for the last known gaps (RunAsUserName identities, …)", cases);
