// Targeted faults for the LoadBalancer check of Extend.RuntimeClass (issue 19): a load-balancer controller that
// acknowledges the Service but never assigns an address, and a load balancer that has its address but routes
// nothing. Both run the two checks that serve the IIS page through a Service (the ClusterIP one is the neighbour
// that must keep passing) at --timeout-scale 0.05: the address budget (upstream's 20 min) is then 60 s and the
// answer budget (upstream's 10 min) 30 s per Windows build, waits that can only time out. Run by
// test/e2e/sensitivity-extended.spec.ts, whose healthy run comes after them (clearing restores health).
import type { SensitivityCase } from "./case.js";
import { RC } from "./extended.cases.js";

const common: Pick<SensitivityCase, "kind" | "categories" | "grep" | "args"> = {
  kind: "targeted",
  categories: ["Extend.RuntimeClass"],
  grep: "serves the IIS default page",
  args: ["--timeout-scale", "0.05"],
};

export const cases: SensitivityCase[] = [
  {
    ...common,
    fault: "loadbalancer-never-assigns",
    why: "the controller acknowledges the Service (EnsuringLoadBalancer) but the cloud never provisions it: a failure naming the controller's last event, not a skip",
    breaks: {
      [RC.lb]: [
        /^Service iis-2022 \(type LoadBalancer\): no external address within 60 s, although a load-balancer controller acted on it \(event Normal EnsuringLoadBalancer from service-controller: Ensuring load balancer\)/,
        /last event: Warning SyncLoadBalancerFailed from service-controller: Error syncing load balancer: failed to ensure load balancer: the cloud refused to create the load balancer: quota exceeded/,
      ],
    },
  },
  {
    ...common,
    fault: "loadbalancer-not-routed",
    why: "the load balancer has its address but forwards nothing: the runner's GET times out; the ClusterIP path still serves",
    breaks: {
      [RC.lb]: [
        /the IIS default page of iis-2022 \(build 10\.0\.20348\) at its external address http:\/\/127\.\d+\.240\.\d+:80\/: still failing after \d+ attempt\(s\) in 30 s: .*(aborted|timeout)/i,
      ],
    },
  },
];
