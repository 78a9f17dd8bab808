// What the data-plane and fault end-to-end tests share: pod builders for the images the fixtures use, a
// per-namespace workbench (create, exec, logs, events) over the real API, real HTTP from the runner, the
// fault switches (control API and CLI), and the GMSA objects a domain-joined pod needs.
import * as k8s from "@kubernetes/client-node";
import { request } from "node:http";
import { Writable } from "node:stream";
import { randomBytes } from "node:crypto";
import { execInPod, type ExecOutput } from "../../lib/cluster/exec.js";
import { waits, type PodWaitOptions } from "../../lib/cluster/waits.js";
import { control } from "../../lib/cli/cluster-commands.js";
import { cli, windowsTolerations } from "./local-cluster.js";

export const timeoutMs = 60_000;

export const images = {
  servercore: "mcr.microsoft.com/windows/servercore:ltsc2022",
  servercore2019: "mcr.microsoft.com/windows/servercore:ltsc2019",
  nanoserver: "mcr.microsoft.com/windows/nanoserver:ltsc2022",
  iis: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
  /** A user-built IIS image with LogMonitor added: no Microsoft image ships LogMonitor.exe. */
  iisLogMonitor: "registry.example/iis-logmonitor:windowsservercore-ltsc2022",
  agnhost: "registry.k8s.io/e2e-test-images/agnhost:2.52",
  busybox: "busybox:1.36",
  nginx: "registry.k8s.io/e2e-test-images/nginx:1.14-4",
  curl: "curlimages/curl:8.11.1",
} as const;

/** `ping -t localhost`: the Windows docs' "stay up forever". */
export const keepAliveWindows = ["ping", "-t", "localhost"];

export interface PodOptions {
  labels?: Record<string, string>;
  /** Merged over the generated spec (containers are given separately). */
  spec?: Partial<k8s.V1PodSpec>;
}

/**
 * A Windows pod that schedules onto the Windows nodes (os field, selector, toleration of the os=windows taint).
 * A container without an image is servercore, running `ping -t localhost` unless it has a command; a container
 * with an image runs that image's own entrypoint unless told otherwise.
 */
export function windowsPod(name: string, containers: Partial<k8s.V1Container> | Partial<k8s.V1Container>[] = {}, o: PodOptions = {}): k8s.V1Pod {
  const list = (Array.isArray(containers) ? containers : [containers]).map((c): k8s.V1Container => ({
    name: "c",
    ...(c.image ? {} : { image: images.servercore, ...(c.command || c.args ? {} : { command: keepAliveWindows }) }),
    ...c,
  }));
  return {
    metadata: { name, labels: { app: name, ...o.labels } },
    spec: { os: { name: "windows" }, nodeSelector: { "kubernetes.io/os": "windows" }, tolerations: windowsTolerations, containers: list, ...o.spec },
  };
}

/**
 * A Linux pod. A container without an image is agnhost netexec (it ships curl, nc, nslookup, wget and serves
 * HTTP on :8080), or busybox when it has a command.
 */
export function linuxPod(name: string, containers: Partial<k8s.V1Container> | Partial<k8s.V1Container>[] = {}, o: PodOptions = {}): k8s.V1Pod {
  const list = (Array.isArray(containers) ? containers : [containers]).map((c): k8s.V1Container => ({
    name: "c",
    ...(c.image ? {} : c.command ? { image: images.busybox } : { image: images.agnhost, args: ["netexec", "--http-port=8080"] }),
    ...c,
  }));
  return {
    metadata: { name, labels: { app: name, ...o.labels } },
    spec: { os: { name: "linux" }, nodeSelector: { "kubernetes.io/os": "linux" }, containers: list, ...o.spec },
  };
}

/** The Windows docs' win-webserver script (fixtures/win-webserver.yaml), verbatim. */
export const winWebserverScript =
  "<#code used from https://gist.github.com/19WAS85/5424431#> ; $listener = New-Object System.Net.HttpListener ; $listener.Prefixes.Add('http://*:80/') ; $listener.Start() ; $callerCounts = @{} ; Write-Host('Listening at http://*:80/') ; while ($listener.IsListening) { ;$context = $listener.GetContext() ;$requestUrl = $context.Request.Url ;$clientIP = $context.Request.RemoteEndPoint.Address ;$response = $context.Response ;Write-Host '' ;Write-Host('> {0}' -f $requestUrl) ; ;$count = 1 ;$k=$callerCounts.Get_Item($clientIP) ;if ($k -ne $null) { $count += $k } ;$callerCounts.Set_Item($clientIP, $count) ;$ip=(Get-NetAdapter | Get-NetIpAddress); $header='<html><body><H1>Windows Container Web Server</H1>' ;$callerCountsString='' ;$callerCounts.Keys | % { $callerCountsString+='<p>IP {0} callerCount {1} ' -f $ip[1].IPAddress,$callerCounts.Item($_) } ;$footer='</body></html>' ;$content='{0}{1}{2}' -f $header,$callerCountsString,$footer ;Write-Output $content ;$buffer = [System.Text.Encoding]::UTF8.GetBytes($content) ;$response.ContentLength64 = $buffer.Length ;$response.OutputStream.Write($buffer, 0, $buffer.Length) ;$response.Close() ;$responseStatus = $response.StatusCode ;Write-Host('< {0}' -f $responseStatus) } ; ";

export function winWebserverPod(name: string, labels: Record<string, string> = {}): k8s.V1Pod {
  return windowsPod(name, { name: "windowswebserver", command: ["powershell.exe", "-command", winWebserverScript] }, { labels });
}

export interface ExecOptions {
  container?: string;
  keepCRLF?: boolean;
}

/** One test namespace seen through the API: create things, wait for them, exec, read logs and events. */
export class Workbench {
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  constructor(
    readonly kc: k8s.KubeConfig,
    readonly ns: string,
  ) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.apps = kc.makeApiClient(k8s.AppsV1Api);
  }

  async create(pod: k8s.V1Pod): Promise<k8s.V1Pod> {
    return this.core.createNamespacedPod({ namespace: this.ns, body: pod });
  }

  /** Creates the pods and waits until every one is Ready; returns them as last seen. */
  async ready(...pods: k8s.V1Pod[]): Promise<k8s.V1Pod[]> {
    for (const p of pods) await this.create(p);
    return Promise.all(pods.map((p) => waits.podReady(this.kc, this.ns, p.metadata!.name!, { timeoutMs })));
  }

  /** Creates a run-to-completion pod and waits for it to finish. */
  async finished(pod: k8s.V1Pod, opts: Partial<PodWaitOptions> = {}): Promise<k8s.V1Pod> {
    await this.create({ ...pod, spec: { restartPolicy: "Never", ...pod.spec! } });
    return waits.podFinished(this.kc, this.ns, pod.metadata!.name!, { timeoutMs, ...opts });
  }

  pod(name: string): Promise<k8s.V1Pod> {
    return this.core.readNamespacedPod({ namespace: this.ns, name });
  }

  exec(pod: string, argv: string[], o: ExecOptions = {}): Promise<ExecOutput> {
    return execInPod(this.kc, { namespace: this.ns, pod, container: o.container ?? "c" }, argv, { keepCRLF: o.keepCRLF });
  }

  async logs(pod: string, o: { container?: string; previous?: boolean; tailLines?: number; timestamps?: boolean } = {}): Promise<string> {
    const { container = "c", ...rest } = o;
    return (await this.core.readNamespacedPodLog({ namespace: this.ns, name: pod, container, ...rest })) ?? "";
  }

  /** Follows a container's log; `text()` is what arrived so far, `stop()` ends the stream. */
  async follow(pod: string, container = "c"): Promise<{ text: () => string; stop: () => void }> {
    let text = "";
    const sink = new Writable({ write: (chunk, _e, cb) => ((text += chunk.toString()), cb()) });
    // client-node pipes the response body into the sink without an error handler on the body: aborting the
    // request would surface as an uncaught AbortError. The body announces itself through the sink's 'pipe' event.
    sink.on("pipe", (body) => body.on("error", () => undefined));
    const ctl = await new k8s.Log(this.kc).log(this.ns, pod, container, sink, { follow: true });
    return { text: () => text, stop: () => ctl.abort() };
  }

  /** The pod's events in the order they were written. */
  async events(pod: string): Promise<k8s.CoreV1Event[]> {
    const evs = (await this.core.listNamespacedEvent({ namespace: this.ns, fieldSelector: `involvedObject.name=${pod}` })).items;
    return evs.sort((a, b) => Number(a.metadata!.resourceVersion) - Number(b.metadata!.resourceVersion));
  }

  event(pod: string, reason: string, matching?: (e: k8s.CoreV1Event) => boolean): Promise<k8s.CoreV1Event> {
    return waits.event(this.kc, this.ns, pod, reason, timeoutMs, matching);
  }

  async service(
    name: string,
    selector: Record<string, string>,
    port: number,
    targetPort: number | string = port,
    type: "ClusterIP" | "NodePort" = "ClusterIP",
  ): Promise<k8s.V1Service> {
    return this.core.createNamespacedService({
      namespace: this.ns,
      body: { metadata: { name }, spec: { type, selector, ports: [{ port, targetPort: targetPort as never }] } },
    });
  }

  /** Waits until the Service's EndpointSlices list exactly these addresses as ready. */
  endpoints(service: string, ips: string[]): Promise<string[]> {
    return waits.endpointsReady(
      this.kc,
      this.ns,
      service,
      (r) => r.length === ips.length && ips.every((ip) => r.includes(ip)),
      `exactly [${ips.join(", ")}]`,
      timeoutMs,
    );
  }

  async nodeAddress(node: string): Promise<string> {
    const n = await this.core.readNode({ name: node });
    return n.status!.addresses!.find((a) => a.type === "InternalIP")!.address;
  }
}

/** The container's status (the first container unless named). */
export function containerStatus(p: k8s.V1Pod, name?: string): k8s.V1ContainerStatus {
  const all = [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])];
  const cs = name ? all.find((c) => c.name === name) : p.status?.containerStatuses?.[0];
  if (!cs) throw new Error(`pod ${p.metadata?.name} has no status for container ${name ?? "(first)"}`);
  return cs;
}

export { isPodReady as isReady } from "../../lib/cluster/status.js";

// ---- real HTTP from the runner ----------------------------------------------------------------------------

export interface RunnerResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A real HTTP GET from the test process; rejects with the socket error (its `code`, e.g. ECONNREFUSED). */
export function httpGet(url: string, timeout = 5000): Promise<RunnerResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", agent: false, timeout }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`GET ${url} timed out`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

/** The error a runner's request ends with, or undefined when it got an answer. */
export async function httpError(url: string): Promise<string | undefined> {
  try {
    await httpGet(url);
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).message;
  }
}

/**
 * Retries `probe` until it returns a value (not undefined) or the deadline passes. For state that is not an API
 * object (a socket listener coming back), where no watch can tell us; each attempt is a real observation.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}${last ? `; last error: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setImmediate(r));
  }
}

// ---- faults -----------------------------------------------------------------------------------------------

export interface FaultScope {
  namespace?: string;
  pod?: string;
  node?: string;
  image?: string;
}

/**
 * Switches faults on through the control API or the CLI and clears exactly those it switched on (call
 * `clear()` in afterEach). The CLI path is what a user types: `hybrid-conformance cluster fault add …`.
 */
export class FaultSwitch {
  private readonly ids: string[] = [];

  async add(name: string, scope: FaultScope = {}, via: "api" | "cli" = "api"): Promise<string> {
    let id: string;
    if (via === "cli") {
      const flags = Object.entries(scope).flatMap(([k, v]) => [`--${k}`, v!]);
      const r = cli(["cluster", "fault", "add", name, ...flags]);
      if (r.code !== 0) throw new Error(`cluster fault add ${name} failed (${r.code}): ${r.stderr}`);
      const m = /^fault (\S+) on: /.exec(r.stdout);
      if (!m) throw new Error(`unexpected output of cluster fault add: ${r.stdout}`);
      id = m[1];
    } else {
      id = ((await control("POST", "/faults", { name, scope })) as { id: string }).id;
    }
    this.ids.push(id);
    return id;
  }

  /** A transient fault: on for the next `times` matching events, then it clears itself. */
  async addTransient(name: string, scope: FaultScope, times: number): Promise<string> {
    const id = ((await control("POST", "/faults", { name, scope, times })) as { id: string }).id;
    this.ids.push(id);
    return id;
  }

  async remove(id: string, via: "api" | "cli" = "api"): Promise<void> {
    if (via === "cli") {
      const r = cli(["cluster", "fault", "clear", id]);
      if (r.code !== 0 || !r.stdout.includes(`cleared ${id}`)) throw new Error(`cluster fault clear ${id}: ${r.stdout}${r.stderr}`);
    } else {
      const r = (await control("DELETE", `/faults?id=${encodeURIComponent(id)}`)) as { cleared: { id: string }[] };
      if (!r.cleared.some((f) => f.id === id)) throw new Error(`fault ${id} was not active`);
    }
    this.ids.splice(this.ids.indexOf(id), 1);
  }

  /** Clears every fault this switch turned on and is still on. */
  async clear(): Promise<void> {
    for (const id of this.ids.splice(0)) await control("DELETE", `/faults?id=${encodeURIComponent(id)}`);
  }

  static async active(): Promise<{ id: string; name: string; scope: FaultScope }[]> {
    return ((await control("GET", "/faults")) as { active: { id: string; name: string; scope: FaultScope }[] }).active;
  }

  static async catalogue(): Promise<Record<string, string>> {
    return ((await control("GET", "/faults")) as { catalogue: Record<string, string> }).catalogue;
  }
}

// ---- GMSA -------------------------------------------------------------------------------------------------

export const gmsaDomain = "contoso.local";

/**
 * A GMSACredentialSpec (cluster-scoped, so named per test), a ClusterRole granting `use` on it and a RoleBinding
 * for the namespace's default ServiceAccount, as the GMSA docs set them up. `remove()` deletes the cluster-scoped
 * objects (the namespace takes the binding with it).
 */
export async function grantGmsa(kc: k8s.KubeConfig, ns: string): Promise<{ credSpec: string; remove: () => Promise<void> }> {
  const credSpec = `gmsa-webapp1-${randomBytes(3).toString("hex")}`;
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  await custom.createClusterCustomObject({
    group: "windows.k8s.io",
    version: "v1",
    plural: "gmsacredentialspecs",
    body: {
      apiVersion: "windows.k8s.io/v1",
      kind: "GMSACredentialSpec",
      metadata: { name: credSpec },
      credspec: {
        ActiveDirectoryConfig: {
          GroupManagedServiceAccounts: [
            { Name: "WebApp1", Scope: "CONTOSO" },
            { Name: "WebApp1", Scope: gmsaDomain },
          ],
        },
        CmsPlugins: ["ActiveDirectory"],
        DomainJoinConfig: {
          DnsName: gmsaDomain,
          DnsTreeName: gmsaDomain,
          Guid: "5c4b5c0e-3c56-4c47-9d2e-6f0f3a9d1b21",
          MachineAccountName: "WebApp1",
          NetBiosName: "CONTOSO",
          Sid: "S-1-5-21-3623811015-3361044348-30300820-1013",
        },
      },
    },
  });
  await rbac.createClusterRole({
    body: {
      metadata: { name: credSpec },
      rules: [{ apiGroups: ["windows.k8s.io"], resources: ["gmsacredentialspecs"], verbs: ["use"], resourceNames: [credSpec] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: ns,
    body: {
      metadata: { name: `use-${credSpec}` },
      subjects: [{ kind: "ServiceAccount", name: "default", namespace: ns }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: credSpec },
    },
  });
  return {
    credSpec,
    remove: async () => {
      await custom.deleteClusterCustomObject({ group: "windows.k8s.io", version: "v1", plural: "gmsacredentialspecs", name: credSpec }).catch(() => undefined);
      await rbac.deleteClusterRole({ name: credSpec }).catch(() => undefined);
    },
  };
}

/** A Windows pod whose credential spec the GMSA webhook fills in on admission. */
export function gmsaPod(name: string, credSpec: string): k8s.V1Pod {
  return windowsPod(name, {}, { spec: { securityContext: { windowsOptions: { gmsaCredentialSpecName: credSpec } } } });
}
