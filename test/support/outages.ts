// What the reliability tests do to the shared local cluster: stop its API server (and start it again with the
// very same command line, recorded in the cluster's state so `cluster down` still stops it), and make
// ServiceAccount identities whose ClusterRole is generated from the preflight's one permission list.
import * as k8s from "@kubernetes/client-node";
import { readFileSync, writeFileSync, openSync, closeSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { stateDir } from "../../localcluster/paths.js";
import { readState, writeState } from "../../localcluster/state.js";
import { isOurs, processStartTicks, stopComponent } from "../../localcluster/processes.js";
import { permissionsFor, type Permission } from "../../lib/preflight/access.js";

export interface StoppedApiserver {
  args: string[];
  log: string;
}

/** SIGKILLs the local cluster's kube-apiserver (as a crash would) and returns how to start it again. */
export async function killApiserver(): Promise<StoppedApiserver> {
  const s = readState(stateDir())!;
  const c = s.components.find((x) => x.name === "kube-apiserver")!;
  if (!isOurs(c)) throw new Error("kube-apiserver is not running");
  const args = readFileSync(`/proc/${c.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  process.kill(c.pid, "SIGKILL");
  await stopComponent(c, 0);
  return { args, log: c.log };
}

/** Starts the API server again with its old command line and records the new process in the cluster's state. */
export async function restartApiserver(saved: StoppedApiserver, kc: k8s.KubeConfig): Promise<void> {
  const fd = openSync(saved.log, "a");
  const child = spawn(saved.args[0], saved.args.slice(1), { detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  child.unref();
  const dir = stateDir();
  const s = readState(dir)!;
  s.components = s.components.map((c) => (c.name === "kube-apiserver" ? { ...c, pid: child.pid!, startTicks: processStartTicks(child.pid!) ?? "" } : c));
  writeState(dir, s);
  // Ready again: /readyz through the client (bounded; a crashed start shows in its log).
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await kc
      .makeApiClient(k8s.CoreV1Api)
      .listNode()
      .then(
        () => true,
        () => false,
      );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`kube-apiserver did not come back within 90 s (log: ${saved.log})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A ClusterRole with exactly these permissions (one rule each: the list is the role). */
export function clusterRoleFrom(name: string, perms: Permission[]): k8s.V1ClusterRole {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name, labels: { "hybrid-conformance.io/owner": "harness-tests" } },
    rules: perms.map((p) => ({ apiGroups: [p.group ?? ""], resources: [p.subresource ? `${p.resource}/${p.subresource}` : p.resource], verbs: [p.verb] })),
  };
}

export interface Identity {
  kubeconfig: string;
  user: string;
  remove(): Promise<void>;
  /** Takes the role away (the binding is deleted). */
  revoke(): Promise<void>;
}

/**
 * A ServiceAccount bound (cluster-wide) to a ClusterRole generated from `perms`, and a kubeconfig file with a
 * token for it, written to `file`.
 */
export async function serviceAccountWith(admin: k8s.KubeConfig, name: string, perms: Permission[] = permissionsFor(true), file: string): Promise<Identity> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
  const ns = "default";
  await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name, labels: { "hybrid-conformance.io/owner": "harness-tests" } } } });
  await rbac.createClusterRole({ body: clusterRoleFrom(name, perms) });
  const bind = () =>
    rbac.createClusterRoleBinding({
      body: {
        metadata: { name, labels: { "hybrid-conformance.io/owner": "harness-tests" } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
      },
    });
  await bind();
  const token = (await core.createNamespacedServiceAccountToken({ name, namespace: ns, body: { spec: { expirationSeconds: 3600 } } })).status!.token;
  const cluster = admin.getCurrentCluster()!;
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: local, cluster: {server: "${cluster.server}", certificate-authority-data: ${cluster.caData}}}]`,
      `users: [{name: ${name}, user: {token: "${token}"}}]`,
      `contexts: [{name: ${name}, context: {cluster: local, user: ${name}}}]`,
      `current-context: ${name}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  const ignore = () => undefined;
  return {
    kubeconfig: file,
    user: `system:serviceaccount:${ns}:${name}`,
    revoke: async () => void (await rbac.deleteClusterRoleBinding({ name }).catch(ignore)),
    remove: async () => {
      await rbac.deleteClusterRoleBinding({ name }).catch(ignore);
      await rbac.deleteClusterRole({ name }).catch(ignore);
      await core.deleteNamespacedServiceAccount({ name, namespace: ns }).catch(ignore);
    },
  };
}

/** The API requests a user made, from the local cluster's audit log: "verb resource[.group][/subresource]". */
export function auditedRequests(user: string): { verb: string; resource: string; group: string; subresource?: string; code: number }[] {
  const log = join(stateDir(), "logs", "audit.log");
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => l.includes(user))
    .map(
      (l) =>
        JSON.parse(l) as {
          user: { username: string };
          verb: string;
          objectRef?: { resource: string; apiGroup?: string; subresource?: string };
          responseStatus?: { code: number };
        },
    )
    .filter((e) => e.user.username === user && e.objectRef)
    .map((e) => ({
      verb: e.verb,
      resource: e.objectRef!.resource,
      group: e.objectRef!.apiGroup ?? "",
      subresource: e.objectRef!.subresource,
      code: e.responseStatus?.code ?? 0,
    }));
}
