// Shared fixtures for the GMSA webhook unit tests: pods, admission reviews and fake lookups.
import type { CanUseResult, GmsaAdmissionDeps } from "../../../localcluster/gmsa-webhook/admission.js";

/** A cred spec as GenerateCredentialSpecResource.ps1 would write it, keys deliberately out of order. */
export const credspec = {
  DomainJoinConfig: {
    Sid: "S-1-5-21-2126449477-2524075714-3094792973",
    MachineAccountName: "WebApp1",
    Guid: "244818ae-87ac-4fcd-92ec-e79e5252348a",
    DnsTreeName: "contoso.com",
    DnsName: "contoso.com",
    NetBiosName: "CONTOSO",
  },
  CmsPlugins: ["ActiveDirectory"],
  ActiveDirectoryConfig: {
    GroupManagedServiceAccounts: [
      { Name: "WebApp1", Scope: "contoso.com" },
      { Name: "WebApp1", Scope: "CONTOSO" },
    ],
  },
};

/** The same cred spec as Go's json.Marshal writes it: compact, keys sorted at every level. */
export const credspecCompact =
  '{"ActiveDirectoryConfig":{"GroupManagedServiceAccounts":[{"Name":"WebApp1","Scope":"contoso.com"},{"Name":"WebApp1","Scope":"CONTOSO"}]},' +
  '"CmsPlugins":["ActiveDirectory"],' +
  '"DomainJoinConfig":{"DnsName":"contoso.com","DnsTreeName":"contoso.com","Guid":"244818ae-87ac-4fcd-92ec-e79e5252348a","MachineAccountName":"WebApp1","NetBiosName":"CONTOSO","Sid":"S-1-5-21-2126449477-2524075714-3094792973"}}';

export const credSpecResource = (name: string, spec: unknown = credspec): Record<string, unknown> => ({
  apiVersion: "windows.k8s.io/v1",
  kind: "GMSACredentialSpec",
  metadata: { name },
  credspec: spec,
});

export interface WinOpts {
  gmsaCredentialSpecName?: string;
  gmsaCredentialSpec?: string;
}

export interface PodOptions {
  name?: string;
  namespace?: string;
  serviceAccountName?: string;
  hostname?: string;
  pod?: WinOpts;
  containers?: (WinOpts | undefined)[];
  initContainers?: (WinOpts | undefined)[];
}

const container = (name: string, opts: WinOpts | undefined) => ({
  name,
  image: "mcr.microsoft.com/windows/servercore:ltsc2022",
  ...(opts ? { securityContext: { windowsOptions: { ...opts } } } : {}),
});

/** A Windows pod with GMSA settings where asked. Containers are named c0, c1, …; init containers i0, … */
export function pod(o: PodOptions = {}): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: o.name ?? "p", namespace: o.namespace ?? "ns1" },
    spec: {
      ...(o.serviceAccountName !== undefined ? { serviceAccountName: o.serviceAccountName } : {}),
      ...(o.hostname !== undefined ? { hostname: o.hostname } : {}),
      ...(o.pod ? { securityContext: { windowsOptions: { ...o.pod } } } : {}),
      ...(o.initContainers ? { initContainers: o.initContainers.map((w, i) => container(`i${i}`, w)) } : {}),
      containers: (o.containers ?? [undefined]).map((w, i) => container(`c${i}`, w)),
      os: { name: "windows" },
    },
  };
}

export interface ReviewOptions {
  uid?: string;
  operation?: string;
  namespace?: string;
  kind?: string;
  oldObject?: unknown;
}

export function review(object: unknown, o: ReviewOptions = {}): Record<string, unknown> {
  const meta = (object as { metadata?: { name?: string } } | undefined)?.metadata;
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: o.uid ?? "705ab4f5-6393-11e8-b7cc-42010a800002",
      kind: { group: "", version: "v1", kind: o.kind ?? "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      requestKind: { group: "", version: "v1", kind: o.kind ?? "Pod" },
      requestResource: { group: "", version: "v1", resource: "pods" },
      name: meta?.name ?? "",
      namespace: o.namespace ?? "ns1",
      operation: o.operation ?? "CREATE",
      userInfo: { username: "admin", groups: ["system:masters", "system:authenticated"] },
      object,
      ...(o.oldObject !== undefined ? { oldObject: o.oldObject } : {}),
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "CreateOptions" },
    },
  };
}

export interface FakeDeps extends GmsaAdmissionDeps {
  credSpecLookups: string[];
  authzChecks: [string, string, string][];
}

/**
 * Fake lookups: `resources` maps cred spec names to resources (or to an Error to throw); `authorized`
 * decides `canUse` (default: everyone may use everything).
 */
export function fakeDeps(
  resources: Record<string, object | Error> = { webapp1: credSpecResource("webapp1") },
  authorized: (ns: string, sa: string, name: string) => CanUseResult | Error = () => true,
): FakeDeps {
  const deps: FakeDeps = {
    credSpecLookups: [],
    authzChecks: [],
    async getCredSpec(name) {
      deps.credSpecLookups.push(name);
      const r = resources[name];
      if (r instanceof Error) throw r;
      return r;
    },
    async canUse(ns, sa, name) {
      deps.authzChecks.push([ns, sa, name]);
      const r = authorized(ns, sa, name);
      if (r instanceof Error) throw r;
      return r;
    },
  };
  return deps;
}
