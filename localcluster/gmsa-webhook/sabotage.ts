// The `admission-rewrites-pods` fault: a misbehaving policy webhook that silently "sanitizes" pods so the API
// server never gets to reject them. It is a real mutating admission webhook: while the fault is on, the data
// plane registers a MutatingWebhookConfiguration (see `sabotageWebhookConfiguration`) pointing by URL at
// POST /sabotage/<fault id> on the GMSA webhook's HTTPS server (same process, same CA-signed serving certificate), and the
// real kube-apiserver calls it on every pod CREATE in the fault's namespaces — dry-run requests included
// (sideEffects: None) — before its own validation runs. The webhook answers with a JSON patch that:
//   - removes spec.os from every pod (so neither the Windows nor the Linux OS-specific validation runs);
//   - on Windows pods (spec.os.name, nodeSelector kubernetes.io/os or a HostProcess setting says so) removes the
//     Linux-only fields upstream forbids there: spec.{hostUsers,hostPID,hostIPC,shareProcessNamespace}, the pod
//     securityContext's and every container's Linux-only securityContext fields;
//   - makes HostProcess settings consistent: any hostProcess=true makes the pod-level hostProcess true, drops
//     the containers' own hostProcess values (they inherit it) and sets hostNetwork=true.
// It never touches windowsOptions.runAsUserName or the GMSA fields, so their validation still answers.
// Each active fault gets its own webhook entry calling POST /sabotage/<fault id>: the registration narrows the
// namespaces, and the handler re-checks that fault's full scope (namespace/pod/node/image globs) against the live
// fault file on each request, so clearing the fault takes effect at once.
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, writeReview } from "./review-io.js";
import type * as k8s from "@kubernetes/client-node";

export const SABOTAGE_FAULT = "admission-rewrites-pods";

/**
 * What one misbehaving policy webhook does to a pod. The all-in-one `admission-rewrites-pods` does the first
 * three; each narrower fault does one thing, so a sensitivity run can break one validation rule at a time.
 */
export type Rewrite =
  | "strip-os"
  | "strip-linux-fields"
  | "fix-hostprocess"
  | "strip-windows-options-on-linux"
  | "default-runasusername"
  | "strip-invalid-gmsa-fields"
  | "deny-runasnonroot"
  | "default-stopsignal";

/** Every fault served by the sabotage endpoint, and what its webhook does. */
export const SABOTAGE_REWRITES = {
  [SABOTAGE_FAULT]: ["strip-os", "strip-linux-fields", "fix-hostprocess"],
  "admission-strips-os": ["strip-os"],
  "admission-strips-os-fields": ["strip-linux-fields", "strip-windows-options-on-linux"],
  "admission-fixes-hostprocess": ["fix-hostprocess"],
  "admission-defaults-runasusername": ["default-runasusername"],
  "admission-strips-gmsa-fields": ["strip-invalid-gmsa-fields"],
  "admission-denies-runasnonroot": ["deny-runasnonroot"],
  "admission-defaults-stopsignal": ["default-stopsignal"],
} as const satisfies Record<string, readonly Rewrite[]>;
export type SabotageFault = keyof typeof SABOTAGE_REWRITES;
export const isSabotageFault = (name: string): name is SabotageFault => Object.hasOwn(SABOTAGE_REWRITES, name);

/** The accounts a "default user" policy leaves alone; any other runAsUserName becomes ContainerUser. */
const BUILT_IN_USERS = /^(ContainerUser|ContainerAdministrator|NT AUTHORITY\\.+)$/i;
/** What a Linux-minded policy says to a Windows pod asking for runAsNonRoot (it wants a numeric runAsUser). */
export const DENY_RUNASNONROOT_MESSAGE = "policy require-numeric-user: runAsNonRoot requires runAsUser to be set to a non-zero UID";
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const SABOTAGE_PATH = "/sabotage";
export const SABOTAGE_CONFIG_NAME = "hc-fault-admission-rewrites-pods";
export const RUN_LABEL = "hybrid-conformance.io/run";

const SPEC_LINUX_ONLY = ["hostUsers", "hostPID", "hostIPC", "shareProcessNamespace"];
const POD_SC_LINUX_ONLY = [
  "appArmorProfile",
  "seLinuxOptions",
  "seccompProfile",
  "fsGroup",
  "fsGroupChangePolicy",
  "sysctls",
  "runAsUser",
  "runAsGroup",
  "supplementalGroups",
  "supplementalGroupsPolicy",
  "seLinuxChangePolicy",
];
const CONTAINER_SC_LINUX_ONLY = [
  "appArmorProfile",
  "seLinuxOptions",
  "seccompProfile",
  "capabilities",
  "readOnlyRootFilesystem",
  "privileged",
  "allowPrivilegeEscalation",
  "procMount",
  "runAsUser",
  "runAsGroup",
];
const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

export type PatchOp = { op: "remove"; path: string } | { op: "add" | "replace"; path: string; value: unknown };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);

const ALL_OF_REWRITES_PODS: readonly Rewrite[] = SABOTAGE_REWRITES[SABOTAGE_FAULT];

/** The JSON patch that "sanitizes" one pod (wire-format JSON, as in an AdmissionReview). Pure. */
export function sanitizePod(pod: unknown, rewrites: readonly Rewrite[] = ALL_OF_REWRITES_PODS): PatchOp[] {
  const does = (r: Rewrite) => rewrites.includes(r);
  const spec = obj(obj(pod)?.spec);
  if (!spec) return [];
  const ops: PatchOp[] = [];
  const podSC = obj(spec.securityContext);
  const podWin = obj(podSC?.windowsOptions);
  const containers = CONTAINER_LISTS.flatMap((list) =>
    (Array.isArray(spec[list]) ? (spec[list] as unknown[]) : []).map((c, i) => ({ path: `/spec/${list}/${i}`, sc: obj(obj(c)?.securityContext) })),
  );
  const hostProcess = podWin?.hostProcess === true || containers.some((c) => obj(c.sc?.windowsOptions)?.hostProcess === true);
  const windows = obj(spec.os)?.name === "windows" || obj(spec.nodeSelector)?.["kubernetes.io/os"] === "windows" || hostProcess;

  if (windows && does("strip-linux-fields")) {
    for (const k of SPEC_LINUX_ONLY) if (spec[k] !== undefined) ops.push({ op: "remove", path: `/spec/${k}` });
    for (const k of POD_SC_LINUX_ONLY) if (podSC?.[k] !== undefined) ops.push({ op: "remove", path: `/spec/securityContext/${k}` });
    for (const c of containers)
      for (const k of CONTAINER_SC_LINUX_ONLY) if (c.sc?.[k] !== undefined) ops.push({ op: "remove", path: `${c.path}/securityContext/${k}` });
  }
  if (!windows && does("strip-windows-options-on-linux")) {
    if (podSC?.windowsOptions !== undefined) ops.push({ op: "remove", path: "/spec/securityContext/windowsOptions" });
    for (const c of containers) if (c.sc?.windowsOptions !== undefined) ops.push({ op: "remove", path: `${c.path}/securityContext/windowsOptions` });
  }
  if (does("default-runasusername")) {
    for (const [path, opts] of [
      ["/spec/securityContext", podWin] as const,
      ...containers.map((c) => [c.path + "/securityContext", obj(c.sc?.windowsOptions)] as const),
    ])
      if (typeof opts?.runAsUserName === "string" && !BUILT_IN_USERS.test(opts.runAsUserName))
        ops.push({ op: "replace", path: `${path}/windowsOptions/runAsUserName`, value: "ContainerUser" });
  }
  if (does("strip-invalid-gmsa-fields")) {
    for (const [path, opts] of [
      ["/spec/securityContext", podWin] as const,
      ...containers.map((c) => [c.path + "/securityContext", obj(c.sc?.windowsOptions)] as const),
    ]) {
      const name = opts?.gmsaCredentialSpecName;
      const contents = opts?.gmsaCredentialSpec;
      const badName = typeof name === "string" && !DNS_SUBDOMAIN.test(name);
      if (badName) ops.push({ op: "remove", path: `${path}/windowsOptions/gmsaCredentialSpecName` });
      if (typeof contents === "string" && (badName || contents === "" || Buffer.byteLength(contents) > 64 * 1024))
        ops.push({ op: "remove", path: `${path}/windowsOptions/gmsaCredentialSpec` });
    }
  }
  if (windows && does("default-stopsignal")) {
    // A "Windows-safe" policy: any stop signal Windows does not support becomes SIGTERM, before validation sees it.
    CONTAINER_LISTS.forEach((list) =>
      (Array.isArray(spec[list]) ? (spec[list] as unknown[]) : []).forEach((c, i) => {
        const signal = obj(obj(c)?.lifecycle)?.stopSignal;
        if (typeof signal === "string" && signal !== "SIGTERM" && signal !== "SIGKILL")
          ops.push({ op: "replace", path: `/spec/${list}/${i}/lifecycle/stopSignal`, value: "SIGTERM" });
      }),
    );
  }
  if (hostProcess && does("fix-hostprocess")) {
    if (!podSC) ops.push({ op: "add", path: "/spec/securityContext", value: { windowsOptions: { hostProcess: true } } });
    else if (!podWin) ops.push({ op: "add", path: "/spec/securityContext/windowsOptions", value: { hostProcess: true } });
    else if (podWin.hostProcess !== true) ops.push({ op: "add", path: "/spec/securityContext/windowsOptions/hostProcess", value: true });
    for (const c of containers)
      if (obj(c.sc?.windowsOptions)?.hostProcess !== undefined) ops.push({ op: "remove", path: `${c.path}/securityContext/windowsOptions/hostProcess` });
    if (spec.hostNetwork !== true) ops.push({ op: "add", path: "/spec/hostNetwork", value: true });
  }
  if (spec.os !== undefined && does("strip-os")) ops.push({ op: "remove", path: "/spec/os" });
  return ops;
}

/** The policy's refusal, or undefined: a Windows pod (or container) asking for runAsNonRoot without a runAsUser. */
export function deniedByPolicy(pod: unknown, rewrites: readonly Rewrite[]): string | undefined {
  if (!rewrites.includes("deny-runasnonroot")) return undefined;
  const spec = obj(obj(pod)?.spec);
  const scs = [
    obj(spec?.securityContext),
    ...CONTAINER_LISTS.flatMap((l) => (Array.isArray(spec?.[l]) ? (spec![l] as unknown[]) : []).map((c) => obj(obj(c)?.securityContext))),
  ];
  return scs.some((sc) => sc?.runAsNonRoot === true && sc.runAsUser === undefined) ? DENY_RUNASNONROOT_MESSAGE : undefined;
}

/** What the fault's scope is matched against. */
export interface SabotageTarget {
  namespace?: string;
  pod?: string;
  node?: string;
  images: string[];
}

/** POST /sabotage/<fault id>: an AdmissionReview (admission.k8s.io/v1) in, an allowing review with the patch out. */
export function sabotageHandler(active: (faultId: string, t: SabotageTarget) => SabotageFault | undefined, log: (line: string) => void = () => {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      res.writeHead(405);
      res.end();
      return;
    }
    const faultId = decodeURIComponent(new URL(req.url ?? "/", "https://webhook.invalid").pathname.slice(SABOTAGE_PATH.length + 1));
    const review = JSON.parse(await readBody(req)) as {
      request?: { uid?: string; kind?: { kind?: string }; operation?: string; namespace?: string; name?: string; object?: k8s.V1Pod; dryRun?: boolean };
    };
    const r = review.request ?? {};
    const pod = r.object;
    const response: Record<string, unknown> = { uid: r.uid ?? "", allowed: true };
    const target: SabotageTarget = {
      namespace: r.namespace,
      pod: pod?.metadata?.name ?? r.name,
      node: pod?.spec?.nodeName,
      images: CONTAINER_LISTS.flatMap((l) => ((pod?.spec as Obj | undefined)?.[l] as { image?: string }[] | undefined) ?? []).flatMap((c) =>
        c.image ? [c.image] : [],
      ),
    };
    let summary = "left alone (fault not active for it)";
    const fault = r.kind?.kind === "Pod" && r.operation === "CREATE" ? active(faultId, target) : undefined;
    const denial = fault ? deniedByPolicy(pod, SABOTAGE_REWRITES[fault]) : undefined;
    if (denial) {
      Object.assign(response, { allowed: false, status: { code: 403, message: denial } });
      summary = `denied: ${denial}`;
    } else if (fault) {
      const ops = sanitizePod(pod, SABOTAGE_REWRITES[fault]);
      if (ops.length) {
        response.patchType = "JSONPatch";
        response.patch = Buffer.from(JSON.stringify(ops)).toString("base64");
      }
      summary = ops.length ? `rewrote ${ops.map((o) => `${o.op} ${o.path}`).join(", ")}` : "nothing to rewrite";
    }
    log(
      `sabotage (fault ${faultId || "?"} ${fault ?? ""}) ${r.operation ?? "?"} pod ${r.namespace ?? ""}/${target.pod ?? ""}${r.dryRun ? " (dry run)" : ""}: ${summary}`,
    );
    writeReview(res, response);
  };
}

const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];
const isGlob = (s: string) => /[*?]/.test(s);

/**
 * Which namespaces the apiserver sends to the webhook for one fault: an exact namespace by name; a namespace
 * glob, every namespace but the system ones (the handler applies the glob); no namespace scope, every namespace
 * a harness run created (labelled hybrid-conformance.io/run).
 */
export function sabotageNamespaceSelector(scope: { namespace?: string }): k8s.V1LabelSelector {
  if (scope.namespace && !isGlob(scope.namespace))
    return { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [scope.namespace] }] };
  if (scope.namespace) return { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: SYSTEM_NAMESPACES }] };
  return { matchExpressions: [{ key: RUN_LABEL, operator: "Exists" }] };
}

/**
 * The registration: one webhook per active fault of this name, each calling `<base>/sabotage/<fault id>`. failurePolicy
 * Ignore, as a policy add-on is usually installed: if the endpoint is gone, pods are admitted untouched.
 */
export function sabotageWebhookConfiguration(
  baseUrl: string,
  caBundle: string,
  faults: { id: string; name: string; scope: { namespace?: string } }[],
): k8s.V1MutatingWebhookConfiguration {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: {
      name: SABOTAGE_CONFIG_NAME,
      labels: { "app.kubernetes.io/managed-by": "hybrid-conformance-localcluster", "hybrid-conformance.io/fault": SABOTAGE_FAULT },
    },
    webhooks: faults.map((f) => ({
      name: `${f.id}.${f.name}.faults.hybrid-conformance.io`,
      clientConfig: { url: `${baseUrl.replace(/\/+$/, "")}${SABOTAGE_PATH}/${encodeURIComponent(f.id)}`, caBundle },
      rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "Namespaced" }],
      namespaceSelector: sabotageNamespaceSelector(f.scope),
      failurePolicy: "Ignore",
      sideEffects: "None",
      admissionReviewVersions: ["v1"],
      timeoutSeconds: 5,
      reinvocationPolicy: "Never",
    })),
  };
}
