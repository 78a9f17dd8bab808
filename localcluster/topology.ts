// The simulated nodes: a layout chosen by profile (profiles.ts), overridable by a YAML file (`--topology`) that
// lists nodes one by one and/or node pools (count, labels, taints, an autoscaling maximum).
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { z } from "zod";
import { UserFacingError } from "../lib/errors.js";
import { profileNames, profileLayout, type ProfileName } from "./profiles.js";

export const windowsBuilds = {
  "10.0.20348": { osImage: "Windows Server 2022 Datacenter", kernel: "10.0.20348.3207", release: "ltsc2022" },
  "10.0.26100": { osImage: "Windows Server 2025 Datacenter", kernel: "10.0.26100.3194", release: "ltsc2025" },
  "10.0.17763": { osImage: "Windows Server 2019 Datacenter", kernel: "10.0.17763.6893", release: "ltsc2019" },
} as const;
export type WindowsBuild = keyof typeof windowsBuilds;

const taintSchema = z
  .object({
    key: z.string().min(1),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], { message: "a taint needs an effect: NoSchedule, PreferNoSchedule or NoExecute" }),
  })
  .strict();
export type Taint = z.infer<typeof taintSchema>;

/** Node names: DNS-1123 subdomains, so FQDN names (EKS's ip-10-0-1-23.us-west-2.compute.internal) are allowed. */
const nodeName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a DNS-1123 subdomain")
  .max(253);

const machine = {
  os: z.enum(["linux", "windows"]),
  build: z.enum(Object.keys(windowsBuilds) as [WindowsBuild, ...WindowsBuild[]]).optional(),
  cpu: z.string().default("4"),
  memory: z.string().default("16Gi"),
  pods: z.number().int().positive().default(110),
  labels: z.record(z.string(), z.string()).default({}),
};
const buildMatchesOs = (n: { os: string; build?: string }) => (n.os === "windows") === (n.build !== undefined);
const buildMessage = { message: "a Windows node needs a build, a Linux node must not have one" };

const nodeSchema = z
  .object({
    name: nodeName,
    role: z.enum(["control-plane", "worker"]).default("worker"),
    ...machine,
    /** When given, replaces the default taints (control-plane NoSchedule; os=windows:NoSchedule on Windows). */
    taints: z.array(taintSchema).optional(),
  })
  .strict()
  .refine(buildMatchesOs, buildMessage)
  .refine((n) => !(n.os === "windows" && n.role === "control-plane"), { message: "the control plane runs on Linux" });

const poolSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label")
      .max(40),
    ...machine,
    count: z.number().int().min(0),
    /** The pool's taints, exactly (none when omitted). */
    taints: z.array(taintSchema).default([]),
    /** Node names: "<pool>-<n>" unless given; {i} is replaced by the node's index (0-based). */
    nameFormat: z.string().optional(),
    /** A cluster-autoscaler node group: grows by one node when a pending pod fits this pool and no other node. */
    autoscale: z.object({ max: z.number().int().positive() }).strict().optional(),
  })
  .strict()
  .refine(buildMatchesOs, buildMessage)
  .refine((p) => p.count > 0 || p.autoscale !== undefined, { message: "a pool with zero nodes needs autoscale: {max: N} (or count ≥ 1)" })
  .refine((p) => !p.autoscale || p.autoscale.max >= p.count, { message: "autoscale.max must be at least count" });

const topologySchema = z
  .object({
    profile: z.enum(profileNames, { message: `unknown profile: use one of ${profileNames.join(", ")}` }).optional(),
    /** gke only: GKE's reported mutating webhook adding the Windows toleration (reported, not verified). */
    tolerationWebhook: z.boolean().optional(),
    /** Whether a NetworkPolicy engine runs (Calico/Antrea/Cilium: enforced), or none does (kubenet, a CNI without policy). */
    networkPolicy: z.enum(["enforced", "none"]).optional(),
    /** Whether a load-balancer controller serves Services of type LoadBalancer (a cloud's), or none does (bare kubeadm). */
    loadBalancer: z.enum(["cloud", "none"]).optional(),
    nodes: z.array(nodeSchema).optional(),
    pools: z.array(poolSchema).optional(),
  })
  .strict();

export type NodeSpec = z.infer<typeof nodeSchema> & { taints: Taint[]; pool?: string };
export type PoolSpec = z.infer<typeof poolSchema>;
export type TopologyFile = z.infer<typeof topologySchema>;
export type TopologyInput = z.input<typeof topologySchema>;

/** One pool that cluster-autoscaler may grow: the nodes it can add, in order. */
export interface AutoscaledPool {
  pool: string;
  max: number;
  /** Nodes registered at start-up (count), then the ones the autoscaler may add. */
  nodes: NodeSpec[];
  initial: number;
}

export interface Layout {
  profile: ProfileName;
  /** Every node the cluster may ever have, registered ones first. */
  nodes: NodeSpec[];
  /** Names of the nodes registered at start-up. */
  registered: Set<string>;
  autoscaled: AutoscaledPool[];
  tolerationWebhook: boolean;
  networkPolicy: "enforced" | "none";
  loadBalancer: "cloud" | "none";
}

export interface LayoutRequest {
  file?: string;
  profile?: string;
  tolerationWebhook?: boolean;
}

/** The default taints of a node listed one by one (pool nodes carry exactly their pool's taints). */
function defaultTaints(n: z.infer<typeof nodeSchema>): Taint[] {
  if (n.taints) return n.taints;
  if (n.role === "control-plane") return [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }];
  if (n.os === "windows") return [{ key: "os", value: "windows", effect: "NoSchedule" }];
  return [];
}

function poolNodes(p: PoolSpec): NodeSpec[] {
  const total = p.autoscale ? p.autoscale.max : p.count;
  return Array.from({ length: total }, (_, i) => ({
    name: (p.nameFormat ?? `${p.name}-{i}`).replaceAll("{i}", String(i)),
    role: "worker" as const,
    os: p.os,
    build: p.build,
    cpu: p.cpu,
    memory: p.memory,
    pods: p.pods,
    labels: p.labels,
    taints: p.taints,
    pool: p.name,
  }));
}

/** Turns a validated topology file (or a bare profile) into the layout the cluster starts. Pure. */
export function layoutOf(t: TopologyFile): Layout {
  const profile = t.profile ?? "docs";
  const base: TopologyInput = t.nodes || t.pools ? t : profileLayout(profile);
  const pools = (base.pools ?? []).map((p) => poolSchema.parse(p));
  const listed = (base.nodes ?? []).map((n) => nodeSchema.parse(n)).map((n) => ({ ...n, taints: defaultTaints(n) }));
  const autoscaled = pools.filter((p) => p.autoscale).map((p) => ({ pool: p.name, max: p.autoscale!.max, nodes: poolNodes(p), initial: p.count }));
  const nodes = [...listed, ...pools.flatMap(poolNodes)];
  const registered = new Set([
    ...listed.map((n) => n.name),
    ...pools.flatMap((p) =>
      poolNodes(p)
        .slice(0, p.count)
        .map((n) => n.name),
    ),
  ]);
  if (new Set(nodes.map((n) => n.name)).size !== nodes.length) throw new UserFacingError("topology: node names must be unique");
  if (nodes.length > 200) throw new UserFacingError("topology: at most 200 nodes");
  if (registered.size === 0) throw new UserFacingError("topology: no node to start with");
  const tolerationWebhook = t.tolerationWebhook ?? false;
  if (tolerationWebhook && profile !== "gke") throw new UserFacingError(`topology: the toleration webhook is a gke profile option, not ${profile}'s`);
  const loadBalancer = t.loadBalancer ?? profileLayout(profile).loadBalancer ?? "cloud";
  return { profile, nodes, registered, autoscaled, tolerationWebhook, networkPolicy: t.networkPolicy ?? "enforced", loadBalancer };
}

function firstIssue(e: z.ZodError, where: string): UserFacingError {
  const issue = e.issues[0];
  const at = issue.path.length ? issue.path.join(".") + ": " : "";
  return new UserFacingError(`${where}: ${at}${issue.message}`);
}

/** Reads and validates the user's topology file and flags; every mistake is one line (exit 2), before anything starts. */
export function loadLayout(req: LayoutRequest = {}): Layout {
  let raw: unknown = {};
  if (req.file) {
    try {
      raw = yaml.load(readFileSync(req.file, "utf8")) ?? {};
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0];
      throw new UserFacingError(`topology file ${req.file}: ${msg}`);
    }
  }
  const parsed = topologySchema.safeParse(raw);
  if (!parsed.success) throw firstIssue(parsed.error, `topology file ${req.file}`);
  const t = parsed.data;
  if (req.profile !== undefined) {
    if (!(profileNames as readonly string[]).includes(req.profile))
      throw new UserFacingError(`--profile: unknown profile ${JSON.stringify(req.profile)}; use one of ${profileNames.join(", ")}`);
    if (t.profile && t.profile !== req.profile) throw new UserFacingError(`--profile ${req.profile} contradicts profile: ${t.profile} in ${req.file}`);
    t.profile = req.profile as ProfileName;
  }
  if (req.tolerationWebhook) t.tolerationWebhook = true;
  try {
    return layoutOf(t);
  } catch (e) {
    if (e instanceof z.ZodError) throw firstIssue(e, `profile ${t.profile ?? "docs"}`);
    throw e;
  }
}
