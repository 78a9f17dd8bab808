// The lint's rules: id, default severity, what it catches and where the fact comes from. docs/lint.md explains each
// one; the checks themselves live in checks.ts (static) and cluster.ts (with --kubeconfig).

export type Severity = "error" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

export interface Rule {
  id: string;
  severity: Severity;
  summary: string;
  /** Where the fact comes from: the Windows docs (the seed), upstream validation, or a measured real-world figure. */
  source: string;
  /** Only runs with --kubeconfig (it reads the cluster). */
  cluster?: boolean;
}

const DOCS = "Kubernetes docs, Windows containers in Kubernetes";
const VALIDATION = "upstream pkg/apis/core/validation/validation.go";

export const RULES = [
  { id: "os-name-invalid", severity: "error", summary: "spec.os.name is neither linux nor windows", source: `${VALIDATION} (validateOS)` },
  {
    id: "os-selector-missing",
    severity: "error",
    summary: "a Windows pod does not select kubernetes.io/os=windows (nodeSelector, required node affinity or RuntimeClass)",
    source: `${DOCS}: "The scheduler does not use the value of .spec.os.name"; use a nodeSelector`,
  },
  {
    id: "os-field-missing",
    severity: "warning",
    summary: "a Windows pod does not set spec.os.name: windows",
    source: `${DOCS}: "The .spec.os.name field should be set to windows"`,
  },
  {
    id: "os-conflict",
    severity: "error",
    summary: "spec.os.name and the OS the pod selects disagree",
    source: `${DOCS} (OS field); upstream e2e pod_admission.go (PodOSNotSupported)`,
  },
  {
    id: "windows-image-on-linux",
    severity: "error",
    summary: "a Windows image in a pod that targets Linux",
    source: `${DOCS}: "a Windows container can only run on Windows"`,
  },
  {
    id: "linux-image-on-windows",
    severity: "error",
    summary: "a Linux-only image (or one mapped to linux with --image-os) in a pod that targets Windows",
    source: `${DOCS}: "a Linux container can only run on Linux"`,
  },
  {
    id: "build-mismatch",
    severity: "error",
    summary: "the image's Windows build cannot run process-isolated on the build the pod is scheduled to",
    source: `${DOCS}: "The Windows Server version used by each pod must match that of the node"; compatibility table in lib/fixtures/images.ts`,
  },
  {
    id: "build-unpinned",
    severity: "warning",
    summary: "a Windows-build-specific image without a node.kubernetes.io/windows-build selector",
    source: `${DOCS}: "set additional node labels and nodeSelector fields"`,
  },
  {
    id: "forbidden-field",
    severity: "error",
    summary: "a Linux-only field the API server rejects for spec.os.name: windows",
    source: `${VALIDATION} (validateWindows); the table the Rejections suite verifies (lib/fixtures/rejections.ts)`,
  },
  {
    id: "linux-only-field",
    severity: "warning",
    summary: "a Linux-only field on a Windows pod without spec.os (silently ignored; rejected once spec.os is set)",
    source: `${VALIDATION} (validateWindows); ${DOCS}`,
  },
  { id: "windows-options-on-linux", severity: "error", summary: "windowsOptions on a pod with spec.os.name: linux", source: `${VALIDATION} (validateLinux)` },
  {
    id: "host-network",
    severity: "error",
    summary: "hostNetwork on a Windows pod that is not HostProcess",
    source: `${DOCS}: "hostNetwork - host networking is not possible on Windows"`,
  },
  {
    id: "emptydir-memory",
    severity: "error",
    summary: "emptyDir with medium: Memory on a Windows pod",
    source: `${DOCS}: "you cannot set its volume source to memory"`,
  },
  {
    id: "mount-propagation",
    severity: "error",
    summary: "mountPropagation on a Windows container's volume mount",
    source: `${DOCS}: "mountPropagation for volume mounts as this is not supported on Windows"`,
  },
  {
    id: "volume-devices",
    severity: "error",
    summary: "volumeDevices (raw block) on a Windows container",
    source: `${DOCS}: "Windows cannot attach raw block devices to pods"`,
  },
  {
    id: "dns-host-net",
    severity: "error",
    summary: "dnsPolicy: ClusterFirstWithHostNet on a Windows pod",
    source: `${DOCS}: "ClusterFirstWithHostNet is not supported on Windows"`,
  },
  {
    id: "run-as-username",
    severity: "error",
    summary: "runAsUserName the API server rejects (format, lengths, characters)",
    source: `${VALIDATION} (validateWindowsSecurityContextOptions); cases in lib/fixtures/rejections.ts`,
  },
  {
    id: "hostprocess",
    severity: "error",
    summary: "inconsistent HostProcess settings (pod vs container, all containers, hostNetwork)",
    source: `${VALIDATION} (validateWindowsHostProcessPod)`,
  },
  {
    id: "gmsa",
    severity: "error",
    summary: "gmsaCredentialSpecName not a DNS subdomain, or gmsaCredentialSpec empty or over 64 KiB",
    source: `${VALIDATION} (validateWindowsSecurityContextOptions)`,
  },
  {
    id: "probe-exec-timeout",
    severity: "warning",
    summary: "an exec probe on a Windows container with timeoutSeconds 1 (the default)",
    source: "containerd/cri #971: exec probes can time out at the default 1 s on Windows",
  },
  {
    id: "probe-exec-period",
    severity: "warning",
    summary: "an exec probe on a Windows container whose periodSeconds is shorter than its timeoutSeconds",
    source: "kubelet pkg/kubelet/prober/worker.go: one worker per probe runs each probe to its end before the next tick",
  },
  {
    id: "toleration-missing",
    severity: "error",
    summary: "a Windows pod does not tolerate the cluster's Windows taints",
    source: `${DOCS}: "it would need both the nodeSelector and the appropriate matching toleration"`,
    cluster: true,
  },
  {
    id: "can-land-on-windows",
    severity: "error",
    summary: "a pod without an OS selector that the scheduler can place on a Windows node",
    source: `${DOCS}: "it is possible the Pod can be scheduled on any host, Windows or Linux"`,
    cluster: true,
  },
  {
    id: "runtimeclass-missing",
    severity: "error",
    summary: "runtimeClassName names a RuntimeClass that neither the cluster nor the input has",
    source: "upstream RuntimeClass admission (pods naming a missing RuntimeClass are rejected)",
    cluster: true,
  },
  {
    id: "dry-run-refused",
    severity: "error",
    summary: "the API server refused the object in a server-side dry run",
    source: "the cluster's own API server",
    cluster: true,
  },
  {
    id: "dry-run-skipped",
    severity: "info",
    summary: "the API server could not check the object (missing namespace or kind, no permission)",
    source: "the cluster's own API server",
    cluster: true,
  },
  { id: "accept-unknown-rule", severity: "warning", summary: "the lint-accept annotation names a rule that does not exist", source: "this lint" },
] as const satisfies readonly Rule[];

export type RuleId = (typeof RULES)[number]["id"];

export const ruleById = (id: string): Rule | undefined => (RULES as readonly Rule[]).find((r) => r.id === id);

/** On an object's metadata: the rules whose findings on that object are accepted, e.g. "host-network, build-unpinned". */
export const ACCEPT_ANNOTATION = "hybrid-conformance.io/lint-accept";
