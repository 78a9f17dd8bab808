// Events as a kubelet records them: source kubelet on the node, involvedObject the pod (and container fieldPath).
import * as k8s from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
}

export class EventRecorder {
  private readonly core: k8s.CoreV1Api;
  constructor(
    kc: k8s.KubeConfig,
    private readonly log: (l: string) => void,
  ) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
  }

  async emit(pod: PodRef, type: "Normal" | "Warning", reason: string, message: string, container?: { name: string; init?: boolean }): Promise<void> {
    const now = new Date();
    const body: k8s.CoreV1Event = {
      metadata: { name: `${pod.name}.${randomBytes(8).toString("hex")}`, namespace: pod.namespace },
      involvedObject: {
        apiVersion: "v1",
        kind: "Pod",
        namespace: pod.namespace,
        name: pod.name,
        uid: pod.uid,
        ...(container ? { fieldPath: `spec.${container.init ? "initContainers" : "containers"}{${container.name}}` } : {}),
      },
      reason,
      message,
      type,
      source: { component: "kubelet", host: pod.nodeName },
      reportingComponent: "kubelet",
      reportingInstance: pod.nodeName,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await this.core.createNamespacedEvent({ namespace: pod.namespace, body });
    } catch (e) {
      // The namespace may be terminating; an event lost then matters to nobody.
      this.log(`event ${reason} for ${pod.namespace}/${pod.name} not recorded: ${(e as Error).message.split("\n")[0]}`);
    }
  }
}

/**
 * An event as a controller records it on an object it manages (the service controller on a Service,
 * cluster-autoscaler on a pod): source the controller's component, no host.
 */
export async function recordControllerEvent(
  core: k8s.CoreV1Api,
  component: string,
  obj: k8s.KubernetesObject & { kind: string },
  type: "Normal" | "Warning",
  reason: string,
  message: string,
  log: (l: string) => void,
): Promise<void> {
  const ns = obj.metadata!.namespace!;
  const now = new Date();
  await core
    .createNamespacedEvent({
      namespace: ns,
      body: {
        metadata: { name: `${obj.metadata!.name}.${randomBytes(8).toString("hex")}`, namespace: ns },
        involvedObject: { apiVersion: obj.apiVersion ?? "v1", kind: obj.kind, namespace: ns, name: obj.metadata!.name, uid: obj.metadata!.uid },
        reason,
        message,
        type,
        source: { component },
        reportingComponent: component,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    })
    .catch((e) => log(`${component}: event ${reason} for ${ns}/${obj.metadata!.name} not recorded: ${(e as Error).message.split("\n")[0]}`));
}
