// What a reachability check is about: where a request starts (a pod, or the runner), where it goes, what answers,
// and the one-line failure message naming all three, so a Windows admin knows which hop to look at.
import { hostname } from "node:os";

export type OsName = "linux" | "windows";

/** Where a request starts: a container (possibly on the host network), or the machine running the harness. */
export type Source =
  | {
      kind: "pod";
      pod: string;
      container: string;
      node: string;
      os: OsName;
      ip?: string;
      hostNetwork?: boolean;
      /** Set when the pod is not in the test's own namespace (then messages name it). */
      namespace?: string;
    }
  | { kind: "runner"; host: string };

/** Where it goes: an address (or DNS name) and port, and what is expected to answer there. */
export interface Destination {
  /** IP literal or DNS name, as it goes into the URL. */
  host: string;
  port: number;
  path?: string;
  /** What answers, for humans: "pod win-webserver-7d9-abc", "service win-webserver (ClusterIP)". */
  name: string;
  /** The full URL when it is not plain http://host:port/path (e.g. an https --external-url). */
  url?: string;
}

export interface Probe {
  /** The path under test, as a Windows admin would name it: "Service ClusterIP from a Linux pod". */
  path: string;
  from: Source;
  to: Destination;
  /** The response must contain this text (the page, not just an open port). */
  bodyIncludes?: string;
  /** Or satisfy this (e.g. a case-insensitive host name compare); returns a problem or undefined. */
  bodyCheck?: (body: string) => string | undefined;
}

/** One try: did it answer, and how. */
export interface Attempt {
  ok: boolean;
  status?: number;
  body?: string;
  /** Why it failed, as the client said it (curl's message, the socket error). */
  error?: string;
}

export const runnerSource = (): Source => ({ kind: "runner", host: hostname() });

export function describeSource(s: Source): string {
  if (s.kind === "runner") return `the runner (${s.host}, outside the cluster)`;
  return `${s.namespace ? `${s.namespace}/` : ""}${s.pod}@${s.node}${s.hostNetwork ? " (host network)" : ""}`;
}

export function describeDestination(d: Destination): string {
  return `${hostPort(d.host, d.port)}${d.path && d.path !== "/" ? d.path : ""} (${d.name})`;
}

const hostPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

export function urlOf(d: Destination): string {
  if (d.url) return d.url;
  return `http://${hostPort(d.host, d.port)}${d.path ?? "/"}`;
}

/** "<path>: <source> → <destination>: <what went wrong>" — the one shape every network failure takes. */
export function failureMessage(p: Pick<Probe, "path" | "from" | "to">, what: string): string {
  return `${p.path}: ${describeSource(p.from)} → ${describeDestination(p.to)}: ${what}`;
}

export const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
