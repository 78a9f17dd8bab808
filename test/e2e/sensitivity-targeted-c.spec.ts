// Targeted sensitivity (issue 19) of Extend.ActiveDirectory, Extend.RunAsUserName, Extend.HostProcess, Core.Probes
// and Core.Logs: each fault of sensitivity/{extended,probes-logs}-targeted.cases.ts breaks the one behaviour a check names.
import { describeTargeted } from "../support/sensitivity-targeted.js";
import { cases as extended } from "../../sensitivity/extended-targeted.cases.js";
import { cases as probesLogs } from "../../sensitivity/probes-logs-targeted.cases.js";

describeTargeted("sensitivity: targeted faults for ActiveDirectory, RunAsUserName, HostProcess, Probes and Logs", [...extended, ...probesLogs]);
