// The contract between the emulated data plane's parts: the pod agent (lifecycle, probes, logs),
// the command emulator (what `kubectl exec` answers) and the workload emulator (what a container serves).
// Nothing here ever dials a socket: every address is resolved against the cluster's API objects.

export type OsName = "linux" | "windows";

/** A running (or not) container as the emulator sees it. */
export interface ContainerView {
  namespace: string;
  pod: string;
  container: string;
  os: OsName;
  nodeName: string;
  /** Windows build of the node, e.g. "10.0.20348"; undefined on Linux. */
  nodeBuild?: string;
  image: string;
  command: string[];
  args: string[];
  /** Resolved environment (spec env, ConfigMap/Secret refs, downward API, KUBERNETES_* service vars). */
  env: Record<string, string>;
  podIP: string;
  /** What `hostname` prints: the pod name (Linux), upper-cased and cut to 15 chars on Windows; the node name for hostNetwork/HostProcess. */
  hostname: string;
  /** Effective user: Windows runAsUserName (or the image default), "root" or a uid on Linux. */
  userName: string;
  /** Cluster DNS server and search path as written into the pod's resolv.conf / adapter.
   *  `nameservers` (optional, added for dnsPolicy None / dnsConfig) lists every server in order;
   *  when absent the list is just `[nameserver]`. */
  dns: { nameserver: string; searches: string[]; nameservers?: string[] };
  /** GMSA: the credspec JSON the container got (via webhook or inline), if any. */
  gmsaCredentialSpec?: string;
  /** Memory / CPU limits in bytes / millicores, if set. */
  limits: { memoryBytes?: number; cpuMillis?: number };
  /** Container file system: volumes (emptyDir shared across the pod, ConfigMap, Secret) and the image's own files. */
  fs: VirtualFs;
  /** Windows event log records written inside this container (Write-EventLog), oldest first. */
  events?: EventRecord[];
}

/** One Windows event log record, as Write-EventLog writes it. */
export interface EventRecord {
  /** Channel (log) name as given, e.g. "Application". */
  log: string;
  source: string;
  eventId: number;
  /** Error, Warning, Information, SuccessAudit, FailureAudit. */
  entryType: string;
  message: string;
  time: Date;
}

export interface VirtualFs {
  read(path: string): string | undefined;
  write(path: string, content: string, append?: boolean): "ok" | "read-only" | "no-such-directory";
  list(path: string): string[] | undefined;
  /** Deletes a file (cmd's `del`); optional so simple fakes need not implement it. */
  remove?(path: string): "ok" | "read-only" | "not-found";
}

export interface HttpRequest {
  method: string;
  host: string; // as written by the client (IP or name)
  port: number;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
export type NetError =
  | { error: "refused" } // nothing listens at that port
  | { error: "timeout" } // packets dropped (partition, egress blocked, no route)
  | { error: "reset" }
  | { error: "no-endpoints" } // a ClusterIP with no ready endpoints: connection refused/timeout depending on OS
  | { error: "dns"; detail: "NXDOMAIN" | "SERVFAIL" | "timeout" };

/** Name and address resolution plus reachability, answered from the API objects and the active faults. */
export interface NetworkWorld {
  /**
   * Resolve a DNS name from a container (applies the OS's search-path rules and dns faults). Through a CNAME, `fqdn`
   * is the canonical name (the target) and `aliases` holds the name that was asked for.
   */
  resolve(from: ContainerView, name: string, type?: "A" | "AAAA"): Promise<{ addresses: string[]; fqdn: string; aliases?: string[] } | NetError>;
  /** Send an HTTP request from a container to an IP (names must be resolved first by the caller). */
  http(from: ContainerView, ip: string, req: HttpRequest): Promise<HttpResponse | NetError>;
  /** Open a TCP connection from a container and close it at once (nc -z, Test-NetConnection). */
  tcp(from: ContainerView, ip: string, port: number): Promise<"open" | NetError>;
  /** The GMSA domain reachable from this container, for nltest. */
  domain(from: ContainerView): { name: string; dc: string; reachable: boolean; established?: boolean } | undefined;
  /** `nltest /sc_reset`: re-establishes the secure channel when the DC is reachable. */
  resetSecureChannel?(from: ContainerView): boolean;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** What one exec needs: the container, the network, and (for the shell) a way to run further commands. */
export interface ExecContext {
  container: ContainerView;
  net: NetworkWorld;
  stdin?: string;
  /** Optional clock for timestamps a command prints (LogMonitor lines); defaults to the wall clock. */
  clock?: () => Date;
}
