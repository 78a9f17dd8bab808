// The extended suite (Extend.RuntimeClass, Extend.RunAsUserName, Extend.ActiveDirectory, Extend.HostProcess):
// under each fault exactly the tests that depend on the broken thing fail, each naming the cause. The LoadBalancer
// test runs: the local cluster's docs profile has a cloud's load-balancer controller (localcluster/dataplane/load-balancer.ts);
// its own faults are in sensitivity/load-balancer.cases.ts.
//
// - gmsa-webhook-down: the webhook is registered with failurePolicy Fail for every pod CREATE, so every test that
//   creates a pod (or dry-runs one) fails naming the webhook — the LoadBalancer test after its address came —; the
//   RuntimeClass checks that create no pod pass.
//   The UPDATE registration check reads the webhook configuration only: it passes.
// - gmsa-domain-unreachable: only nltest inside the GMSA pod.
// - username-unknown, scoped to the RunAsUserName fixtures' pods (run-as-username-*): the node knows none of their
//   users, so every RunAsUserName test fails — the refusal tests too, since their pod-level users are unknown.
// - image-pull-fails for '*iis*': the IIS Deployments of Extend.RuntimeClass, and the GMSA nltest test, whose
//   workload is the GMSA docs' IIS Deployment. The GMSA admission tests need no running container and pass.
// - runtimeclass-missing-build (a RuntimeClass selecting a build no node has, given with --runtime-class): its
//   check, and the IIS tests that use it (FailedScheduling); the conflict test still sees the admission's Forbidden.
import type { SensitivityCase } from "./case.js";

export const RC = {
  create: "creates a RuntimeClass per Windows build that selects os, arch and build and tolerates the Windows taint",
  onBuild: "runs IIS through the RuntimeClass on nodes of that build only, with the image tag matching the build",
  clusterIP: "serves the IIS default page through the Service's ClusterIP to a Linux pod",
  lb: "serves the IIS default page on the LoadBalancer Service's external address (skipped where the cluster has no load balancer)",
  conflict: "rejects a pod whose own nodeSelector conflicts with its RuntimeClass (Forbidden)",
};
export const USER = {
  default: "runs each container as its image's default user when runAsUserName is not set (servercore: ContainerAdministrator, nanoserver: ContainerUser)",
  pod: "runs every container as the pod-level runAsUserName (ContainerUser, as in the docs; and ContainerAdministrator)",
  override: "lets a container's runAsUserName (ContainerAdministrator) override the pod's (ContainerUser); a container without one keeps the pod's",
  unknown:
    'fails a container whose runAsUserName does not exist on the node ("FooLish"): FailedCreatePodSandBox or StartError, "The user name or password is incorrect."',
  nonRoot: "refuses to start ContainerAdministrator under runAsNonRoot, with the kubelet's message",
};
export const AD = {
  fill: "fills the credential spec contents into a pod that names its GMSACredentialSpec",
  unauthorized: "refuses a pod whose service account may not `use` the credential spec, with the webhook's message",
  mismatch: "refuses a pod whose inline credential spec contents do not match the named GMSACredentialSpec",
  update: "keeps an existing pod's GMSA settings: a change to the name or contents is refused (by the API server's pod immutability, before any webhook)",
  updateRule: "registers the GMSA webhook for pod UPDATE in the test's namespace, as its chart does",
  nltest: "reaches the domain from inside the pod: nltest /query completes successfully, without ERROR_NO_LOGON_SERVERS or RPC_S_SERVER_UNAVAILABLE",
  containers:
    "passes pod-level and container-level credential specs to the containers: nltest /parentdomain names each one's domain, the container's spec overriding the pod's",
};
export const HP = {
  rules: "enforces the HostProcess rules: pod and container hostProcess agree, all containers HostProcess, hostNetwork true (dry run)",
  pod: "runs a HostProcess pod on the host as NT AUTHORITY\\SYSTEM: hostname is the node's name, and the pod Succeeds (where privileged pods are allowed)",
};

export const extendedCategories = ["Extend.RuntimeClass", "Extend.RunAsUserName", "Extend.ActiveDirectory", "Extend.HostProcess"];
const categories = extendedCategories;
const WEBHOOK = /failed calling webhook "admission-webhook\.windows-gmsa\.sigs\.k8s\.io"/;
const USER_UNKNOWN = /The user name or password is incorrect\./;
// The kubelet reports ErrImagePull, then ImagePullBackOff a moment later: either names the IIS image.
const IIS_PULL = [/(ErrImagePull|ImagePullBackOff): .*"mcr\.microsoft\.com\/windows\/servercore\/iis:windowsservercore-ltsc20\d\d"/];
const MISSING_BUILD = "10.0.99999";
const UNSCHEDULABLE = [
  new RegExp(`through RuntimeClass hc-sens-missing-build \\(node\\.kubernetes\\.io/windows-build=${MISSING_BUILD.replace(/\./g, "\\.")}\\)`),
  /cannot be scheduled \(FailedScheduling\): 0\/\d+ nodes are available: .*didn't match Pod's node affinity\/selector/,
];

export const cases: SensitivityCase[] = [
  {
    fault: "gmsa-webhook-down",
    kind: "blanket",
    categories,
    why: "every test that creates a pod fails naming the webhook; the RuntimeClass object checks pass",
    breaks: {
      ...Object.fromEntries(
        [RC.onBuild, RC.clusterIP, RC.lb, ...Object.values(USER), ...Object.values(AD).filter((t) => t !== AD.updateRule), ...Object.values(HP)].map((t) => [
          t,
          [WEBHOOK],
        ]),
      ),
      // Who refused is named: the API server, because it could not call the webhook.
      [AD.unauthorized]: [WEBHOOK, /not refused by the GMSA webhook: 500 InternalError from the API server, because it could not call the admission webhook/],
    },
  },
  {
    fault: "gmsa-domain-unreachable",
    kind: "targeted",
    categories,
    why: "only nltest fails, with ERROR_NO_LOGON_SERVERS",
    breaks: { [AD.nltest]: [/nltest \/query reports ERROR_NO_LOGON_SERVERS: no domain controller of the credential spec's domain answered/] },
  },
  {
    fault: "username-unknown",
    options: { pod: "run-as-username-*" },
    kind: "blanket",
    categories,
    why: 'every RunAsUserName test fails with "The user name or password is incorrect."; nothing else',
    breaks: {
      // Seen as the finished pod, or (when the first container's status lands before the phase) as its StartError.
      [USER.default]: [/run-as-username-default/, /StartError/, USER_UNKNOWN],
      [USER.pod]: [/run-as-username-pod-\S+ to be Running: FailedCreatePodSandBox: /, USER_UNKNOWN],
      [USER.override]: [/run-as-username-container-demo to be Running: FailedCreatePodSandBox: /, USER_UNKNOWN],
      [USER.unknown]: [/run-as-username-unknown-container: the node does not know the pod-level user ContainerUser either/, USER_UNKNOWN],
      [USER.nonRoot]: [/run-as-username-nonroot: the node does not know the pod-level user ContainerAdministrator either/, USER_UNKNOWN],
    },
  },
  {
    fault: "image-pull-fails",
    options: { image: "*iis*" },
    kind: "blanket",
    categories,
    why: "the IIS tests and the GMSA nltest test (an IIS workload) fail with ErrImagePull (or ImagePullBackOff) of the IIS image",
    breaks: {
      [RC.onBuild]: [/^IIS iis-2022 through RuntimeClass /, ...IIS_PULL],
      [RC.clusterIP]: IIS_PULL,
      // The load balancer gets its address (the Service needs no pod); its IIS pods never start.
      [RC.lb]: IIS_PULL,
      [AD.nltest]: [/deployment \S+\/with-creds/, ...IIS_PULL],
    },
  },
  {
    fault: "runtimeclass-missing-build",
    kind: "targeted",
    categories,
    why: "a RuntimeClass (--runtime-class) selecting a build no node has: its check and the IIS tests fail naming the build",
    breaks: {
      [RC.create]: [
        new RegExp(
          `RuntimeClass hc-sens-missing-build selects node\\.kubernetes\\.io/windows-build=10\\.0\\.99999, which no Ready Windows node has \\(Ready Windows builds: 10\\.0\\.20348, 10\\.0\\.26100\\)`,
        ),
      ],
      [RC.onBuild]: UNSCHEDULABLE,
      [RC.clusterIP]: UNSCHEDULABLE,
      [RC.lb]: UNSCHEDULABLE,
    },
  },
];
