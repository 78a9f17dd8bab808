// The sign-off record: what a run actually tested. Cluster facts come from preflight (server version, each node's
// OS build, kernel, container runtime and kubelet); image digests come from the pods' own container statuses
// (imageID: what the runtime resolved and ran, not the tag a fixture asked for), collected at the end of each test
// before its namespace is deleted. Written to summary.json (`record`) and the Allure environment.
import * as k8s from "@kubernetes/client-node";
import type { Capabilities, NodeInfo } from "../preflight/types.js";

export interface NodeRecord {
  name: string;
  os: string;
  build?: string;
  osImage: string;
  kernel: string;
  runtime: string;
  kubelet: string;
}

export interface ImageRecord {
  /** The image as the pod spec named it (after registry overrides). */
  image: string;
  /** containerStatuses[].imageID: the digest the runtime ran. */
  imageID: string;
  /** Which nodes ran it. */
  nodes: string[];
}

export interface SignoffRecord {
  server: { version: string; platform: string };
  nodes: NodeRecord[];
  images: ImageRecord[];
}

const images = new Map<string, ImageRecord>();

/** Where a test's mocha object holds the nodes its pods ran on, until the runner records them (TestOutcome.nodes). */
export const TEST_NODES = "testNodes";

/** Notes the images the pods of a test namespace ran (called before the namespace is deleted); returns the nodes they ran on. */
export async function recordPodImages(kc: k8s.KubeConfig, namespace: string): Promise<string[]> {
  const pods = (await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace })).items;
  for (const p of pods) notePod(p);
  return [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))].sort();
}

export function notePod(p: k8s.V1Pod): void {
  for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    if (!s.imageID) continue; // never started (e.g. a refused pull): nothing ran
    const key = `${s.image}|${s.imageID}`;
    const r = images.get(key) ?? { image: s.image, imageID: s.imageID, nodes: [] };
    if (p.spec?.nodeName && !r.nodes.includes(p.spec.nodeName)) r.nodes.push(p.spec.nodeName);
    images.set(key, r);
  }
}

export function resetRecord(): void {
  images.clear();
}

/** `nodes`: as read when the record is written (lib/run/node-facts.ts), so a node added mid-run is in it. */
export function signoffRecord(caps: Capabilities, nodes: NodeInfo[] = caps.nodes): SignoffRecord {
  return {
    server: { version: caps.server.gitVersion, platform: caps.server.platform },
    nodes: nodes.map((n) => ({
      name: n.name,
      os: n.os,
      build: n.build,
      osImage: n.osImage,
      kernel: n.kernelVersion,
      runtime: n.containerRuntimeVersion,
      kubelet: n.kubeletVersion,
    })),
    images: [...images.values()]
      .map((i) => ({ ...i, nodes: [...i.nodes].sort() }))
      .sort((a, b) => a.image.localeCompare(b.image) || a.imageID.localeCompare(b.imageID)),
  };
}

/** The record as Allure environment rows (one per node and per image). */
export function recordEnvironment(r: SignoffRecord): Record<string, string> {
  const rows: Record<string, string> = {};
  for (const n of r.nodes)
    rows[`Node ${n.name}`] = `${n.os}${n.build ? ` ${n.build}` : ""} · ${n.osImage} · kernel ${n.kernel} · ${n.runtime} · kubelet ${n.kubelet}`;
  for (const i of r.images) rows[`Image ${i.image}`] = i.imageID;
  return rows;
}
