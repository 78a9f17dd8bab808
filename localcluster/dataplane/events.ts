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
