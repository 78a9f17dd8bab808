// Is there a load-balancer controller, and what did it do? Read from the cluster, never assumed. On real clusters
// a controller acts on a new Service of type LoadBalancer within seconds, long before the cloud has built anything:
// - the cloud's service controller (cloud-controller-manager on AKS, EKS, GKE; kube-vip's and k3s's providers)
//   records `EnsuringLoadBalancer` on the Service and adds the `service.kubernetes.io/load-balancer-cleanup`
//   finalizer before its cloud call (k8s.io/cloud-provider controllers/service/controller.go);
// - MetalLB's controller records `IPAllocated` (or `AllocationFailed`) on it; the AWS Load Balancer Controller adds
//   its `service.k8s.aws/resources` finalizer and records its reconcile events;
// - Cilium's LB IPAM writes a status condition and the address itself.
// The API server adds no finalizer, condition or address to a Service, and the only other controllers that record
// events on Services are the endpoint(slice) controllers. So any of those signs means a controller is there; none
// of them within the acknowledgement window means there is none (bare kubeadm, kind, minikube without a tunnel).
import type * as k8s from "@kubernetes/client-node";

/** Event sources that report on Services without being a load-balancer controller. */
const notLoadBalancer = /^endpoint/i;

const sourceOf = (e: k8s.CoreV1Event) => e.source?.component || e.reportingComponent || "unknown component";

/** The events a controller recorded on this Service (by uid), oldest first. */
export function controllerEvents(svc: k8s.V1Service, events: readonly k8s.CoreV1Event[]): k8s.CoreV1Event[] {
  const time = (e: k8s.CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0).getTime();
  return events
    .filter((e) => e.involvedObject?.kind === "Service" && e.involvedObject.uid === svc.metadata?.uid && !notLoadBalancer.test(sourceOf(e)))
    .sort((a, b) => time(a) - time(b));
}

/** One event as the failure names it: `Warning SyncLoadBalancerFailed from service-controller: …`. */
export function describeEvent(e: k8s.CoreV1Event): string {
  return `${e.type ?? "Normal"} ${e.reason ?? "(no reason)"} from ${sourceOf(e)}: ${(e.message ?? "").split("\n")[0]}`;
}

/** The address a LoadBalancer Service is reachable at (IP, else hostname), once the load balancer exists. */
export function loadBalancerAddress(svc: k8s.V1Service | undefined): string | undefined {
  const ingress = svc?.status?.loadBalancer?.ingress ?? [];
  return ingress.map((i) => i.ip ?? i.hostname).find((a): a is string => !!a);
}

/** The first sign that a load-balancer controller acted on the Service (one line), or undefined when there is none. */
export function controllerSign(svc: k8s.V1Service | undefined, events: readonly k8s.CoreV1Event[]): string | undefined {
  if (!svc) return undefined;
  const address = loadBalancerAddress(svc);
  if (address) return `its external address ${address}`;
  const [first] = controllerEvents(svc, events);
  if (first) return `event ${describeEvent(first)}`;
  const finalizer = svc.metadata?.finalizers?.[0];
  if (finalizer) return `finalizer ${finalizer}`;
  const condition = svc.status?.conditions?.[0];
  if (condition) return `status condition ${condition.type}=${condition.status}${condition.reason ? ` (${condition.reason})` : ""}`;
  return undefined;
}

/** What the Service shows while its address is pending: the controller's latest event, else its status. */
export function pendingState(svc: k8s.V1Service | undefined, events: readonly k8s.CoreV1Event[]): string {
  if (!svc) return "service not found";
  const last = controllerEvents(svc, events).at(-1);
  return last ? `last event: ${describeEvent(last)}` : `status.loadBalancer: ${JSON.stringify(svc.status?.loadBalancer ?? {})}`;
}
