// kwok serves `kubectl exec` and `kubectl logs` for a pod once it has an Exec and a Logs object naming it:
// exec runs our shim with the pod's identity in its environment; logs are read from our CRI log files.
import * as k8s from "@kubernetes/client-node";
import type { PodRecord } from "./pods/records.js";

export class KwokDebugging {
  private readonly objects: k8s.KubernetesObjectApi;
  constructor(
    kc: k8s.KubeConfig,
    private readonly dataplaneUrl: string,
  ) {
    this.objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  }

  async ensure(r: PodRecord): Promise<void> {
    const meta = (kind: string) => ({
      apiVersion: "kwok.x-k8s.io/v1alpha1",
      kind,
      metadata: {
        name: r.ref.name,
        namespace: r.ref.namespace,
        // Garbage-collected with the pod.
        ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: r.ref.name, uid: r.ref.uid }],
      },
    });
    const all = [...r.init, ...r.containers];
    const exec = {
      ...meta("Exec"),
      spec: {
        execs: all.map((c) => ({
          containers: [c.spec.name],
          local: {
            envs: [
              { name: "HC_POD_NAMESPACE", value: r.ref.namespace },
              { name: "HC_POD_NAME", value: r.ref.name },
              { name: "HC_CONTAINER", value: c.spec.name },
              { name: "HC_DATAPLANE_URL", value: this.dataplaneUrl },
            ],
          },
        })),
      },
    };
    const logs = {
      ...meta("Logs"),
      spec: { logs: all.map((c) => ({ containers: [c.spec.name], logsFile: c.logs.current, previousLogsFile: c.logs.previous, follow: true })) },
    };
    for (const o of [exec, logs]) await this.createOwned(o, r.ref.uid);
  }

  /**
   * Creates the object; when one of that name exists it must be this pod's. A StatefulSet re-creates a pod under the
   * same name while the old pod's objects still wait for the garbage collector: left in place, they would be
   * collected moments later and the new pod would have no exec or logs ("no exec found for container").
   */
  private async createOwned(o: k8s.KubernetesObject, uid: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.objects.create(o);
        return;
      } catch (e) {
        if ((e as { code?: number }).code !== 409) throw e;
      }
      const existing = await this.objects.read({ ...o, metadata: { name: o.metadata!.name!, namespace: o.metadata!.namespace! } }).catch(() => undefined);
      if (existing?.metadata?.ownerReferences?.some((ref) => ref.uid === uid)) return;
      await this.objects.delete(existing ?? o).catch((e: { code?: number }) => {
        if (e.code !== 404) throw e;
      });
    }
    throw new Error(`${o.kind} ${o.metadata!.namespace}/${o.metadata!.name}: still held by an earlier pod of that name after 5 attempts`);
  }
}
