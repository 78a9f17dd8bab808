// Targeted sensitivity (issue 19) of Core.Workloads and Core.Rejections: each fault of
// sensitivity/{workloads,rejections}-targeted.cases.ts breaks the one behaviour a check names.
import { describeTargeted } from "../support/sensitivity-targeted.js";
import { cases as workloads } from "../../sensitivity/workloads-targeted.cases.js";
import { cases as rejections } from "../../sensitivity/rejections-targeted.cases.js";

describeTargeted("sensitivity: targeted faults for Workloads and Rejections", [...workloads, ...rejections]);
