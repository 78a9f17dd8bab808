// kwok plays the kubelets' node side only: it marks nodes Ready and keeps their leases fresh. Pods are left to
// our data plane (localcluster/dataplane), which emulates what the containers do. A node carrying the
// node-not-ready fault annotation is reported NotReady the way a kubelet with a broken runtime reports it.
import yaml from "js-yaml";

export const notReadyAnnotation = "fault.hybrid-conformance.io/node-not-ready";

function conditions(ready: boolean): string {
  const rows = [
    ["MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
    ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
    ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
    ready
      ? ["Ready", "True", "KubeletReady", "kubelet is posting ready status"]
      : [
          "Ready",
          "False",
          "KubeletNotReady",
          "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
        ],
  ];
  return rows
    .map(([type, status, reason, message]) =>
      [
        `- type: ${type}`,
        `  status: "${status}"`,
        `  reason: ${reason}`,
        `  message: ${JSON.stringify(message)}`,
        `  lastHeartbeatTime: {{ $now | Quote }}`,
        `  lastTransitionTime: {{ $now | Quote }}`,
      ].join("\n"),
    )
    .join("\n");
}

const faultKey = `.metadata.annotations["${notReadyAnnotation}"]`;

function stage(name: string, select: object[], template: string, delayMs?: number): object {
  return {
    apiVersion: "kwok.x-k8s.io/v1alpha1",
    kind: "Stage",
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: "v1", kind: "Node" },
      selector: { matchExpressions: select },
      ...(delayMs ? { delay: { durationMilliseconds: delayMs, jitterDurationMilliseconds: delayMs } } : {}),
      next: { statusTemplate: template },
    },
  };
}

// Addresses, nodeInfo, capacity and daemonEndpoints are written when the node is created; stages keep them.
const keep = "phase: Running\n";

export function nodeStagesYaml(): string {
  const stages = [
    stage(
      "hc-node-ready",
      [
        { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: "NotIn", values: ["True"] },
        { key: faultKey, operator: "DoesNotExist" },
      ],
      `{{ $now := Now }}\nconditions:\n${conditions(true)}\n${keep}`,
    ),
    stage(
      "hc-node-not-ready",
      [
        { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: "In", values: ["True"] },
        { key: faultKey, operator: "Exists" },
      ],
      `{{ $now := Now }}\nconditions:\n${conditions(false)}\n${keep}`,
    ),
    // Leases carry the liveness signal; this slow refresh only keeps lastHeartbeatTime plausible.
    stage(
      "hc-node-heartbeat",
      [
        { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: "In", values: ["True"] },
        { key: faultKey, operator: "DoesNotExist" },
      ],
      `{{ $now := Now }}\nconditions:\n${conditions(true)}\n${keep}`,
      300_000,
    ),
  ];
  return stages.map((s) => yaml.dump(s, { lineWidth: -1 })).join("---\n");
}
