// The cloud's service controller (k8s.io/cloud-provider controllers/service/controller.go, as cloud-controller-manager
// runs it on AKS, EKS and GKE) with a load balancer that is a real listener on a loopback address of the cluster's
// own pool. For every Service of type LoadBalancer without a loadBalancerClass it does what upstream does, in order:
// event `EnsuringLoadBalancer`, the `service.kubernetes.io/load-balancer-cleanup` finalizer, the cloud call (here:
// the provisioning time, then listeners opened on the address), event `EnsuredLoadBalancer`, and the address written
// to status.loadBalancer.ingress. A failed call is `SyncLoadBalancerFailed` and retried with upstream's back-off
// (5 s doubling to 300 s). A Service deleted (or no longer of type LoadBalancer) gets `DeletingLoadBalancer`, its
// address released and its finalizer removed, then `DeletedLoadBalancer`. Traffic to the address goes to a node and
// on to a ready endpoint, as a NodePort request does (network.ts fromLoadBalancer).
import * as k8s from "@kubernetes/client-node";
import type { EmulatedNetwork } from "./network.js";
import type { FaultRegistry } from "./faults.js";
import { HttpListeners, type ListenerAnswer } from "./listeners.js";
import { recordControllerEvent } from "./events.js";

/** upstream servicehelper.LoadBalancerCleanupFinalizer */
export const LB_FINALIZER = "service.kubernetes.io/load-balancer-cleanup";
/** The component upstream's service controller records its events as. */
export const SERVICE_CONTROLLER = "service-controller";
/** upstream minRetryDelay / maxRetryDelay of the service queue. */
const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 300_000;

/** Whether upstream's service controller takes this Service: type LoadBalancer, no loadBalancerClass (another controller's), not being deleted. */
export function wantsLoadBalancer(svc: k8s.V1Service): boolean {
  return svc.spec?.type === "LoadBalancer" && !svc.spec.loadBalancerClass && !svc.metadata?.deletionTimestamp;
}

/** The listeners (`address:port`) the load balancer of a Service needs: its TCP ports on its address. */
export function listenerKeys(svc: k8s.V1Service, address: string): string[] {
  return (svc.spec?.ports ?? []).filter((p) => (p.protocol ?? "TCP") === "TCP").map((p) => `${address}:${p.port}`);
}

interface Balancer {
  uid: string;
  namespace: string;
  name: string;
  address?: string;
  /** The address is written to the Service's status (the listeners are open). */
  assigned: boolean;
  timer?: NodeJS.Timeout;
  failures: number;
}

export class ServiceController {
  private readonly core: k8s.CoreV1Api;
  private readonly balancers = new Map<string, Balancer>();
  /** Services whose load balancer is being deleted (informer updates during it are not a second deletion). */
  private readonly removing = new Set<string>();
  private readonly listeners: HttpListeners;

  constructor(
    kc: k8s.KubeConfig,
    private readonly pool: readonly string[],
    private readonly provisionMs: number,
    private readonly service: (namespace: string, name: string) => k8s.V1Service | undefined,
    net: EmulatedNetwork,
    private readonly faults: FaultRegistry,
    private readonly log: (l: string) => void,
  ) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.listeners = new HttpListeners("LoadBalancer", (address, port, req) => this.answer(address, port, req, net), log);
  }

  /** Informer add/update of a Service. */
  onService(svc: k8s.V1Service): void {
    const uid = svc.metadata?.uid;
    if (!uid) return;
    const b = this.balancers.get(uid);
    if (wantsLoadBalancer(svc)) {
      if (!b) this.ensure(svc);
      // Ports changed on a Service that has its load balancer: the listeners follow.
      else if (b.address) void this.syncListeners();
      return;
    }
    if (b || svc.metadata?.finalizers?.includes(LB_FINALIZER)) void this.remove(svc);
  }

  /** Informer delete: the Service is gone (its finalizer was removed, or it never had one). */
  onServiceDeleted(svc: k8s.V1Service): void {
    const b = svc.metadata?.uid ? this.balancers.get(svc.metadata.uid) : undefined;
    if (b) this.forget(b);
  }

  private ensure(svc: k8s.V1Service): void {
    // After a restart of the data plane, a Service keeps the address it has (the cloud's load balancer outlives its controller).
    const had = svc.status?.loadBalancer?.ingress?.map((i) => i.ip).find((ip) => ip && this.pool.includes(ip));
    const b: Balancer = { uid: svc.metadata!.uid!, namespace: svc.metadata!.namespace!, name: svc.metadata!.name!, address: had, assigned: false, failures: 0 };
    this.balancers.set(b.uid, b);
    void this.sync(b, svc);
  }

  /** One pass of upstream's syncLoadBalancerIfNeeded for a Service that wants a load balancer. */
  private async sync(b: Balancer, svc: k8s.V1Service): Promise<void> {
    await this.event(svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer");
    if (!svc.metadata?.finalizers?.includes(LB_FINALIZER)) {
      const problem = await this.patchFinalizers(svc, [...(svc.metadata?.finalizers ?? []), LB_FINALIZER]);
      if (problem) return this.failed(b, svc, `failed to add load balancer cleanup finalizer: ${problem}`);
    }
    // The cloud call takes the provisioning time (once; a retry finds the cloud's work done); then the load
    // balancer exists, or the call failed.
    b.timer = setTimeout(() => void this.provisioned(b), b.failures ? 0 : this.provisionMs);
  }

  /** A failed sync: upstream's event, and the Service requeued with the rate limiter's back-off. */
  private async failed(b: Balancer, svc: k8s.V1Service, error: string): Promise<void> {
    await this.event(svc, "Warning", "SyncLoadBalancerFailed", `Error syncing load balancer: ${error}`);
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** b.failures++);
    b.timer = setTimeout(() => {
      const now = this.service(b.namespace, b.name);
      if (now && now.metadata?.uid === b.uid && wantsLoadBalancer(now) && this.balancers.get(b.uid) === b) void this.sync(b, now);
    }, delay);
  }

  private async provisioned(b: Balancer): Promise<void> {
    b.timer = undefined;
    const svc = this.service(b.namespace, b.name);
    if (!svc || svc.metadata?.uid !== b.uid || !wantsLoadBalancer(svc) || this.balancers.get(b.uid) !== b) return;
    const problem = await this.provision(b, svc);
    if (problem) return this.failed(b, svc, `failed to ensure load balancer: ${problem}`);
    await this.event(svc, "Normal", "EnsuredLoadBalancer", "Ensured load balancer");
    await this.core
      .patchNamespacedServiceStatus(
        { namespace: b.namespace, name: b.name, body: { status: { loadBalancer: { ingress: [{ ip: b.address, ipMode: "VIP" }] } } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
      )
      .then(
        () => (b.assigned = true),
        (e) => this.log(`service controller: status of ${b.namespace}/${b.name} not written: ${(e as Error).message.split("\n")[0]}`),
      );
  }

  /** The cloud's EnsureLoadBalancer: an address from the pool and a listener per port; a problem (one line) when it fails. */
  private async provision(b: Balancer, svc: k8s.V1Service): Promise<string | undefined> {
    if (this.faults.active("loadbalancer-never-assigns", { namespace: b.namespace }))
      return "the cloud refused to create the load balancer: quota exceeded for public IP addresses in this region";
    b.address ??= this.pool.find((a) => ![...this.balancers.values()].some((x) => x !== b && x.address === a));
    if (!b.address) return `no free address in the load balancer pool (${this.pool.length} addresses, all in use)`;
    const failed = await this.syncListeners();
    const mine = listenerKeys(svc, b.address).filter((k) => failed.has(k));
    return mine.length ? `cannot listen on ${mine.map((k) => `${k}: ${failed.get(k)}`).join("; ")}` : undefined;
  }

  private async remove(svc: k8s.V1Service): Promise<void> {
    const uid = svc.metadata!.uid!;
    if (this.removing.has(uid)) return;
    this.removing.add(uid);
    try {
      await this.removeOnce(svc);
    } finally {
      this.removing.delete(uid);
    }
  }

  private async removeOnce(svc: k8s.V1Service): Promise<void> {
    const b = this.balancers.get(svc.metadata!.uid!);
    if (b?.timer) clearTimeout(b.timer);
    if (b) this.balancers.delete(b.uid);
    if (!svc.metadata?.finalizers?.includes(LB_FINALIZER) && !b?.address) return;
    await this.event(svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer");
    await this.syncListeners();
    if (svc.metadata?.finalizers?.includes(LB_FINALIZER)) {
      const problem = await this.patchFinalizers(
        svc,
        svc.metadata.finalizers.filter((f) => f !== LB_FINALIZER),
      );
      if (problem) {
        // Retried as upstream requeues it: a finalizer left behind would keep the Service (and its namespace) forever.
        this.log(`service controller: finalizer of ${svc.metadata.namespace}/${svc.metadata.name} not removed (retrying): ${problem}`);
        setTimeout(() => {
          const now = this.service(svc.metadata!.namespace!, svc.metadata!.name!);
          if (now && now.metadata?.uid === svc.metadata!.uid && now.metadata?.finalizers?.includes(LB_FINALIZER) && !wantsLoadBalancer(now))
            void this.remove(now);
        }, RETRY_MIN_MS).unref();
        return;
      }
    }
    await this.event(svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer");
    if (!svc.metadata?.deletionTimestamp && svc.status?.loadBalancer?.ingress?.length)
      await this.core
        .patchNamespacedServiceStatus(
          { namespace: svc.metadata!.namespace!, name: svc.metadata!.name!, body: { status: { loadBalancer: { ingress: null } } } },
          k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        )
        .catch(() => undefined);
  }

  private forget(b: Balancer): void {
    if (b.timer) clearTimeout(b.timer);
    this.balancers.delete(b.uid);
    void this.syncListeners();
  }

  /** Listeners for every balancer with an address, on the Service's current ports; returns those that failed to open. */
  private syncListeners(): Promise<Map<string, string>> {
    const want = new Set<string>();
    for (const b of this.balancers.values()) {
      const svc = b.address ? this.service(b.namespace, b.name) : undefined;
      if (svc && b.address) for (const k of listenerKeys(svc, b.address)) want.add(k);
    }
    return this.listeners.sync(want);
  }

  /** Ports changed on an assigned Service: its listeners follow. */
  resync(): void {
    void this.syncListeners();
  }

  private async answer(address: string, port: number, req: import("./model.js").HttpRequest, net: EmulatedNetwork): Promise<ListenerAnswer> {
    const b = [...this.balancers.values()].find((x) => x.address === address && x.assigned);
    const svc = b && this.service(b.namespace, b.name);
    if (!b || !svc) return "drop";
    if (this.faults.active("loadbalancer-not-routed", { namespace: b.namespace })) return "drop";
    return net.fromLoadBalancer(svc, port, req);
  }

  /** Writes the Service's finalizers; the problem (one line) when the API refused. */
  private async patchFinalizers(svc: k8s.V1Service, finalizers: string[]): Promise<string | undefined> {
    return this.core
      .patchNamespacedService(
        { namespace: svc.metadata!.namespace!, name: svc.metadata!.name!, body: { metadata: { finalizers } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
      )
      .then(
        () => undefined,
        (e) => (e as Error).message.split("\n")[0],
      );
  }

  private event(svc: k8s.V1Service, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    return recordControllerEvent(this.core, SERVICE_CONTROLLER, { ...svc, apiVersion: "v1", kind: "Service" }, type, reason, message, this.log);
  }

  stop(): void {
    for (const b of this.balancers.values()) if (b.timer) clearTimeout(b.timer);
    this.listeners.close();
  }
}
