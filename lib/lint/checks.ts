// The static rules: everything the lint can tell from the manifests alone (plus, when given, the cluster's nodes
// and RuntimeClasses). Each rule id is in rules.ts with its source; docs/lint.md explains them.
import { requirementMatches } from "../cluster/labels.js";
import { OS_LABEL } from "../fixtures/guard.js";
import { compatible, normaliseBuild, retagForBuild } from "../fixtures/images.js";
import { windowsForbiddenFields } from "../fixtures/rejections.js";
import { containers, imageFacts, podSites, selectedBuilds, selectedOS, type ImageOSMap, type Obj, type PodSite, type RuntimeClassInfo } from "./pod.js";
import type { RuleId } from "./rules.js";
import type { FieldPath } from "./source.js";

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** What the lint knows about the cluster (only with --kubeconfig, or given by the fixture gate). */
export interface ClusterFacts {
  nodes: { name: string; os: string; build?: string; ready: boolean; taints: Taint[]; labels: Record<string, string> }[];
  runtimeClasses: RuntimeClassInfo[];
}

export type Report = (rule: RuleId, path: FieldPath, message: string, fix: string) => void;

export interface CheckContext {
  report: Report;
  runtimeClasses: Map<string, RuntimeClassInfo>;
  imageOS: ImageOSMap;
  cluster?: ClusterFacts;
}

/** Field paths in the API server's spelling: spec.containers[0].securityContext.runAsUser. */
export function formatPath(path: FieldPath): string {
  return path.reduce<string>((s, seg) => (typeof seg === "number" ? `${s}[${seg}]` : s ? `${s}.${seg}` : seg), "");
}

const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------------
// The Linux-only fields, read from the Rejections suite's table (verified there against the real API server):
// "spec.securityContext.fsGroup" → pod-level ["securityContext", "fsGroup"]; "spec.containers[0].…" → every
// container (init and ephemeral ones too, as upstream's VisitContainersWithPath does).

interface ForbiddenSpot {
  level: "pod" | "container";
  field: string[];
}

const FORBIDDEN: ForbiddenSpot[] = windowsForbiddenFields.flatMap((f): ForbiddenSpot[] => {
  if (f.path.startsWith("spec.initContainers[")) return []; // the same fields, covered by "container"
  if (f.level === "container") return [{ level: "container", field: f.path.replace(/^spec\.containers\[0\]\./, "").split(".") }];
  return [{ level: "pod", field: f.path.replace(/^spec\./, "").split(".") }];
});

/**
 * Whether a forbidden field counts as set, as upstream tests the Go value (checked against the real API server in
 * test/e2e/lint.spec.ts): hostPID and hostIPC are plain bools, so only true is visible; sysctls count when
 * non-empty; every other field counts as soon as it is present — even `shareProcessNamespace: false`,
 * `hostUsers: true`, `supplementalGroups: []` or `privileged: false`.
 */
function isSet(name: string, v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (name === "hostPID" || name === "hostIPC") return v === true;
  if (name === "sysctls") return Array.isArray(v) && v.length > 0;
  return true;
}

const FIX_FOR: Record<string, string> = {
  privileged: "Windows has no privileged containers: use a HostProcess pod (securityContext.windowsOptions.hostProcess: true, hostNetwork: true)",
  runAsUser: "remove it; set securityContext.windowsOptions.runAsUserName (e.g. ContainerUser) instead",
  runAsGroup: "remove it: Windows has no GID; use windowsOptions.runAsUserName",
  readOnlyRootFilesystem: "remove it: Windows containers need write access for the registry and system processes",
};

function getIn(o: Obj | undefined, field: string[]): unknown {
  let v: any = o;
  for (const k of field) v = isObj(v) ? v[k] : undefined;
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// runAsUserName, as upstream validates it (all Invalid on …windowsOptions.runAsUserName). Only the first
// problem is reported: one fix at a time.

const NETBIOS = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/;
const DNS_DOMAIN = /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;
const USER_BAD_CHARS = /["/\\:;|=,+*?<>@[\]]/;

export function runAsUserNameProblem(v: string): string | undefined {
  if (v === "") return "runAsUserName cannot be an empty string";
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rule refuses
  if (/[\u0000-\u001f\u007f-\u009f]/.test(v)) return "runAsUserName cannot contain control characters";
  const parts = v.split("\\");
  if (parts.length > 2) return "runAsUserName cannot contain more than one backslash";
  const [domain, user] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (domain !== undefined) {
    if (Buffer.byteLength(domain) >= 256) return "runAsUserName's Domain length must be under 256 characters";
    if (!NETBIOS.test(domain) && !DNS_DOMAIN.test(domain)) return "runAsUserName's Domain doesn't match the NetBios nor the DNS format";
  }
  if (user === "") return "runAsUserName's User cannot be empty";
  if (Buffer.byteLength(user) > 104) return "runAsUserName's User length must not be longer than 104 characters";
  if (/^[. ]+$/.test(user)) return "runAsUserName's User cannot contain only periods or spaces";
  if (USER_BAD_CHARS.test(user)) return `runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`;
  return undefined;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GMSA_MAX = 64 * 1024;

// ---------------------------------------------------------------------------------------------------------

const tolerates = (tols: Obj[], t: Taint): boolean =>
  tols.some((tol) => {
    if (!isObj(tol)) return false;
    if (tol.effect && tol.effect !== t.effect) return false;
    if (!tol.key) return tol.operator === "Exists";
    if (tol.key !== t.key) return false;
    return tol.operator === "Exists" || (tol.value ?? "") === (t.value ?? "");
  });

/** Taints that keep pods off a node (PreferNoSchedule only discourages; lifecycle taints come and go). */
const LIFECYCLE = /^node\.kubernetes\.io\/(not-ready|unreachable|unschedulable|memory-pressure|disk-pressure|pid-pressure|network-unavailable|out-of-service)$/;
const blocking = (taints: Taint[]) => taints.filter((t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !LIFECYCLE.test(t.key));

/** Whether a pod's nodeSelector and required node affinity admit a node with these labels. */
function admits(spec: Obj, labels: Record<string, string>): boolean {
  const sel = isObj(spec.nodeSelector) ? spec.nodeSelector : {};
  if (Object.entries(sel).some(([k, v]) => labels[k] !== v)) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!Array.isArray(terms) || terms.length === 0) return true;
  return terms.some((term: Obj) =>
    (Array.isArray(term?.matchExpressions) ? term.matchExpressions : []).every(
      // Gt/Lt: numeric labels; assume they admit the node (the finding errs towards reporting).
      (e: Obj) => requirementMatches({ key: e.key, operator: e.operator, values: Array.isArray(e.values) ? e.values : [] }, labels) ?? true,
    ),
  );
}

/** The image tagged for `build`, or a description when no tag is known for that build. */
function retagged(image: string, build: string): string {
  try {
    return retagForBuild(image, build);
  } catch {
    return `the image tag for build ${build}`;
  }
}

const say = (ctx: CheckContext, ...args: Parameters<Report>) => ctx.report(...args);

// ---------------------------------------------------------------------------------------------------------

/** Runs every static rule (and the cluster-aware ones when ctx.cluster is given) on one object. */
export function checkObject(obj: Obj, ctx: CheckContext): void {
  for (const site of podSites(obj)) checkPod(site, ctx);
}

function checkPod(site: PodSite, ctx: CheckContext): void {
  const { spec } = site;
  const r = ctx.report;
  const at = (...rest: FieldPath) => [...site.path, ...rest];
  const rcName: string | undefined = typeof spec.runtimeClassName === "string" ? spec.runtimeClassName : undefined;
  const rc = rcName ? ctx.runtimeClasses.get(rcName) : undefined;
  const osField: unknown = spec.os?.name;
  const selected = selectedOS(site, rc);
  const ctrs = containers(site);
  const images = ctrs.filter(({ c }) => typeof c.image === "string").map((x) => ({ ...x, facts: imageFacts(x.c.image, ctx.imageOS) }));
  const windowsImage = images.find((i) => i.facts?.os === "windows");

  if (osField !== undefined && osField !== "linux" && osField !== "windows") {
    r(
      "os-name-invalid",
      at("os", "name"),
      `spec.os.name is "${String(osField)}"; the API server accepts only "linux" or "windows"`,
      "set spec.os.name to windows or linux",
    );
  }
  if (osField && selected && (osField === "windows" || osField === "linux") && selected.os !== osField) {
    r("os-conflict", selected.path, `spec.os.name is ${osField} but ${selected.by} selects ${OS_LABEL}=${selected.os}`, `make both say ${osField}`);
  }

  // What the pod is for: what it says (spec.os), else what it selects, else what its images are.
  const target = osField === "windows" || osField === "linux" ? osField : (selected?.os ?? (windowsImage ? "windows" : undefined));

  for (const img of images) {
    if (img.facts?.os === "windows" && target === "linux") {
      r(
        "windows-image-on-linux",
        [...img.path, "image"],
        `container ${img.c.name} runs the Windows image ${img.c.image} in a pod that targets Linux`,
        "target Windows (spec.os.name, nodeSelector kubernetes.io/os: windows) or use a Linux image",
      );
    }
    if (img.facts?.os === "linux" && target === "windows") {
      r(
        "linux-image-on-windows",
        [...img.path, "image"],
        `container ${img.c.name} runs the Linux image ${img.c.image} in a pod that targets Windows`,
        "use a Windows or multi-arch image, or target Linux",
      );
    }
  }

  checkHostProcess(site, ctx);
  checkWindowsOptions(site, ctx, osField === "linux");

  if (ctx.cluster) checkLandsOnWindows(site, ctx, target, selected, rc);
  if (target !== "windows") return;

  // ---- the pod targets Windows from here on
  if (!selected) {
    r(
      "os-selector-missing",
      at("nodeSelector"),
      "the pod targets Windows but does not select kubernetes.io/os=windows: the scheduler may place it on a Linux node",
      "add nodeSelector kubernetes.io/os: windows (spec.os.name does not schedule)",
    );
  }
  if (osField === undefined) {
    r(
      "os-field-missing",
      at("os"),
      "the pod targets Windows but does not set spec.os.name: windows (the API server then ignores Linux-only fields instead of rejecting them)",
      "add spec.os.name: windows",
    );
  }

  const hostProcessPod = spec.securityContext?.windowsOptions?.hostProcess === true;
  const hostProcess = (c: Obj) => (c.securityContext?.windowsOptions?.hostProcess ?? hostProcessPod) === true;

  checkBuilds(site, ctx, images, rc, hostProcess);

  // Linux-only fields: rejected with spec.os.name windows, silently ignored without it.
  const rule = osField === "windows" ? "forbidden-field" : "linux-only-field";
  const consequence =
    osField === "windows" ? "the API server rejects it for a Windows pod" : "ignored on Windows; the API server rejects it once spec.os.name is windows";
  for (const f of FORBIDDEN) {
    const name = f.field[f.field.length - 1];
    const sites = f.level === "pod" ? [{ o: spec, path: site.path, what: "" }] : ctrs.map(({ c, path }) => ({ o: c, path, what: ` (container ${c.name})` }));
    for (const s of sites) {
      if (isSet(name, getIn(s.o, f.field)))
        r(rule, [...s.path, ...f.field], `${f.field.join(".")}${s.what} is Linux-only: ${consequence}`, FIX_FOR[name] ?? "remove it from the Windows pod");
    }
  }

  if (spec.hostNetwork === true && !ctrs.every(({ c }) => hostProcess(c))) {
    r(
      "host-network",
      at("hostNetwork"),
      "hostNetwork is not possible for Windows containers (only HostProcess pods run in the host's network)",
      "remove hostNetwork, or make the pod HostProcess if it must run on the host",
    );
  }
  if (spec.dnsPolicy === "ClusterFirstWithHostNet") {
    r(
      "dns-host-net",
      at("dnsPolicy"),
      "dnsPolicy ClusterFirstWithHostNet is not supported on Windows: Windows pods always run with a container network",
      "use dnsPolicy ClusterFirst",
    );
  }
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v: Obj, i: number) => {
    if (v?.emptyDir?.medium === "Memory")
      r(
        "emptydir-memory",
        at("volumes", i, "emptyDir", "medium"),
        `emptyDir volume ${v.name} uses medium Memory, which Windows does not support`,
        "remove medium (disk-backed emptyDir)",
      );
  });
  for (const { c, path } of ctrs) {
    (Array.isArray(c.volumeMounts) ? c.volumeMounts : []).forEach((m: Obj, i: number) => {
      if (m?.mountPropagation !== undefined && m.mountPropagation !== null) {
        r(
          "mount-propagation",
          [...path, "volumeMounts", i, "mountPropagation"],
          `container ${c.name} mounts ${m.name} with mountPropagation ${m.mountPropagation}, which Windows does not support`,
          "remove mountPropagation",
        );
      }
    });
    if (Array.isArray(c.volumeDevices) && c.volumeDevices.length > 0) {
      r(
        "volume-devices",
        [...path, "volumeDevices"],
        `container ${c.name} uses volumeDevices: Windows cannot attach raw block devices to pods`,
        "use a filesystem volume (volumeMounts)",
      );
    }
    for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
      const p = c[probe];
      if (!isObj(p) || !p.exec) continue;
      const timeout = typeof p.timeoutSeconds === "number" ? p.timeoutSeconds : 1;
      if (timeout <= 1 && !hostProcess(c)) {
        const where = p.timeoutSeconds === undefined ? [...path, probe, "exec"] : [...path, probe, "timeoutSeconds"];
        r(
          "probe-exec-timeout",
          where,
          `container ${c.name}'s exec ${probe} times out after ${timeout} s${p.timeoutSeconds === undefined ? " (the default)" : ""}; starting cmd or PowerShell in a Windows container often takes longer`,
          "set timeoutSeconds: 3 or more on the probe (a Windows exec probe takes 1–2 s)",
        );
      }
      const period = typeof p.periodSeconds === "number" ? p.periodSeconds : 10;
      if (period < timeout && !hostProcess(c)) {
        r(
          "probe-exec-period",
          [...path, probe, "periodSeconds"],
          `container ${c.name}'s exec ${probe} runs every ${period} s but may take ${timeout} s; the kubelet runs a container's probe one at a time, so a slow Windows node cannot keep that period`,
          `set periodSeconds: ${timeout} or more (not below timeoutSeconds)`,
        );
      }
    }
  }

  if (ctx.cluster) {
    const tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...(rc?.tolerations ?? [])];
    const taints = new Map<string, Taint>();
    for (const n of ctx.cluster.nodes)
      if (n.os === "windows" && n.ready) for (const t of blocking(n.taints)) taints.set(`${t.key}=${t.value ?? ""}:${t.effect}`, t);
    const missing = [...taints.values()].filter((t) => !tolerates(tolerations, t));
    if (missing.length > 0) {
      const list = missing.map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`).join(", ");
      r(
        "toleration-missing",
        at("tolerations"),
        `the cluster's Windows nodes are tainted ${list}, and the pod${rc ? ` (with RuntimeClass ${rc.name})` : ""} does not tolerate it: it stays Pending`,
        `add tolerations for ${list} (or use a RuntimeClass whose scheduling carries them)`,
      );
    }
    if (rcName && !rc) {
      r(
        "runtimeclass-missing",
        at("runtimeClassName"),
        `RuntimeClass ${rcName} exists neither in the cluster nor in the input: the API server rejects the pod`,
        `create RuntimeClass ${rcName} first, or use one of: ${ctx.cluster.runtimeClasses.map((x) => x.name).join(", ") || "(none in the cluster)"}`,
      );
    }
  }
}

function checkBuilds(
  site: PodSite,
  ctx: CheckContext,
  images: { c: Obj; path: FieldPath; facts?: { build?: string } }[],
  rc: RuntimeClassInfo | undefined,
  hostProcess: (c: Obj) => boolean,
): void {
  const pins = selectedBuilds(site, rc);
  const clusterBuilds = ctx.cluster
    ? [...new Set(ctx.cluster.nodes.filter((n) => n.os === "windows" && n.ready && n.build).map((n) => normaliseBuild(n.build!)))]
    : undefined;
  for (const img of images) {
    const b = img.facts?.build;
    // HostProcess containers run as host processes: no image/host build match needed.
    if (!b || hostProcess(img.c)) continue;
    const where = [...img.path, "image"];
    for (const pin of pins) {
      const bad = pin.values.filter((v) => !compatible(b, v));
      if (bad.length > 0) {
        say(
          ctx,
          "build-mismatch",
          where,
          `container ${img.c.name} runs ${img.c.image} (made for build ${b}), which cannot run process-isolated on build ${bad.join(", ")}, selected by ${pin.by}`,
          `use ${retagged(img.c.image, bad[0])}, the tag for build ${bad[0]}`,
        );
      }
    }
    if (pins.length > 0) continue;
    const runnable = clusterBuilds?.filter((h) => compatible(b, h));
    if (clusterBuilds && clusterBuilds.length > 0 && runnable!.length === 0) {
      say(
        ctx,
        "build-mismatch",
        where,
        `container ${img.c.name} runs ${img.c.image} (made for build ${b}), which no Windows node of the cluster (builds ${clusterBuilds.join(", ")}) can run process-isolated`,
        `use ${retagged(img.c.image, clusterBuilds[0])}`,
      );
    } else if (!clusterBuilds || runnable!.length < clusterBuilds.length) {
      say(
        ctx,
        "build-unpinned",
        where,
        `container ${img.c.name} runs ${img.c.image} (made for build ${b}) but the pod does not select node.kubernetes.io/windows-build: it can land on a node of another build and fail to start`,
        `add nodeSelector node.kubernetes.io/windows-build: '${b}', or retag the image for your nodes' build and select that (e.g. ${retagged(img.c.image, "10.0.20348")} with '10.0.20348')`,
      );
    }
  }
}

function checkHostProcess(site: PodSite, ctx: CheckContext): void {
  const podHP: unknown = site.spec.securityContext?.windowsOptions?.hostProcess;
  const ctrs = containers(site);
  let count = 0;
  for (const { c, path } of ctrs) {
    const own: unknown = c.securityContext?.windowsOptions?.hostProcess;
    if (typeof podHP === "boolean" && typeof own === "boolean" && podHP !== own) {
      say(
        ctx,
        "hostprocess",
        [...path, "securityContext", "windowsOptions", "hostProcess"],
        `container ${c.name} sets hostProcess ${own} but the pod sets ${podHP}: both must be identical when both are specified`,
        "set hostProcess once, at pod level",
      );
    }
    if ((own ?? podHP) === true) count++;
  }
  if (count === 0) return;
  if (count !== ctrs.length) {
    say(
      ctx,
      "hostprocess",
      site.path,
      `${count} of ${ctrs.length} containers are HostProcess: if any container is HostProcess, all must be`,
      "set securityContext.windowsOptions.hostProcess: true at pod level",
    );
  }
  if (site.spec.hostNetwork !== true) {
    say(ctx, "hostprocess", [...site.path, "hostNetwork"], "a HostProcess pod must set hostNetwork: true", "add hostNetwork: true");
  }
}

function checkWindowsOptions(site: PodSite, ctx: CheckContext, linux: boolean): void {
  const spots = [
    { wo: site.spec.securityContext?.windowsOptions, path: [...site.path, "securityContext", "windowsOptions"], what: "the pod" },
    ...containers(site).map(({ c, path }) => ({
      wo: c.securityContext?.windowsOptions,
      path: [...path, "securityContext", "windowsOptions"],
      what: `container ${c.name}`,
    })),
  ];
  for (const { wo, path, what } of spots) {
    if (!isObj(wo)) continue;
    if (linux) {
      say(
        ctx,
        "windows-options-on-linux",
        path,
        `${what} sets windowsOptions but spec.os.name is linux: the API server rejects it`,
        "remove windowsOptions, or target Windows",
      );
      continue;
    }
    if (typeof wo.runAsUserName === "string") {
      const problem = runAsUserNameProblem(wo.runAsUserName);
      if (problem)
        say(
          ctx,
          "run-as-username",
          [...path, "runAsUserName"],
          `${what}: ${problem}`,
          "use ContainerUser, ContainerAdministrator, or DOMAIN\\user (NetBIOS or DNS domain, user ≤ 104 characters)",
        );
    }
    if (typeof wo.gmsaCredentialSpecName === "string" && (!DNS_SUBDOMAIN.test(wo.gmsaCredentialSpecName) || wo.gmsaCredentialSpecName.length > 253)) {
      say(
        ctx,
        "gmsa",
        [...path, "gmsaCredentialSpecName"],
        `${what}: gmsaCredentialSpecName "${wo.gmsaCredentialSpecName}" is not a lowercase RFC 1123 subdomain`,
        "use the GMSACredentialSpec's name as it is in the cluster (lowercase)",
      );
    }
    if (typeof wo.gmsaCredentialSpec === "string") {
      if (wo.gmsaCredentialSpec === "")
        say(
          ctx,
          "gmsa",
          [...path, "gmsaCredentialSpec"],
          `${what}: gmsaCredentialSpec cannot be an empty string`,
          "remove it and name the credential spec with gmsaCredentialSpecName",
        );
      else if (Buffer.byteLength(wo.gmsaCredentialSpec) > GMSA_MAX)
        say(
          ctx,
          "gmsa",
          [...path, "gmsaCredentialSpec"],
          `${what}: gmsaCredentialSpec size must be under 64 KiB`,
          "reference a GMSACredentialSpec with gmsaCredentialSpecName instead",
        );
    }
  }
}

/** A pod that does not select an OS, in a cluster where a Windows node would accept it. */
function checkLandsOnWindows(
  site: PodSite,
  ctx: CheckContext,
  target: string | undefined,
  selected: { os: string } | undefined,
  rc: RuntimeClassInfo | undefined,
): void {
  if (target === "windows" || selected) return;
  const tolerations = [...(Array.isArray(site.spec.tolerations) ? site.spec.tolerations : []), ...(rc?.tolerations ?? [])];
  const open = ctx.cluster!.nodes.filter(
    (n) => n.os === "windows" && n.ready && admits(site.spec, n.labels) && blocking(n.taints).every((t) => tolerates(tolerations, t)),
  );
  if (open.length === 0) return;
  const names =
    open
      .slice(0, 3)
      .map((n) => n.name)
      .join(", ") + (open.length > 3 ? ` and ${open.length - 3} more` : "");
  say(
    ctx,
    "can-land-on-windows",
    [...site.path, "nodeSelector"],
    `the pod selects no OS and the scheduler can place it on Windows node${open.length > 1 ? "s" : ""} ${names} (${open.some((n) => blocking(n.taints).length === 0) ? "untainted" : "its taints are tolerated"})`,
    "add nodeSelector kubernetes.io/os: linux (or windows, if it is a Windows workload)",
  );
}
