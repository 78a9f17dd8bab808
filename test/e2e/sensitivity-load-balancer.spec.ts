// Targeted sensitivity (issue 19) of the LoadBalancer check: each fault of sensitivity/load-balancer.cases.ts breaks
// it and not the ClusterIP path beside it; cleared, Extend.RuntimeClass passes again, the LoadBalancer test included.
import { describeTargeted } from "../support/sensitivity-targeted.js";
import { cases } from "../../sensitivity/load-balancer.cases.js";

describeTargeted("sensitivity: targeted faults for the LoadBalancer check", cases);
