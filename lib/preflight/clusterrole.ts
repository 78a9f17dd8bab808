// The in-cluster ClusterRole (deploy/clusterrole.yaml), generated from the preflight's permission list
// (lib/preflight/access.ts): one source of truth, so the role grants exactly what the preflight requires.
// `npm run deploy:clusterrole` writes the file; a unit test fails when the committed file differs.
import yaml from "js-yaml";
import { permissions, type Permission } from "./access.js";

export const deployName = "hybrid-conformance";

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** One rule per API group and resource (subresources are their own resource, e.g. pods/exec), verbs sorted. */
export function rulesFor(perms: Pick<Permission, "verb" | "resource" | "group" | "subresource">[]): Rule[] {
  const by = new Map<string, Rule>();
  for (const p of perms) {
    const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
    const key = `${p.group ?? ""}|${resource}`;
    const r = by.get(key) ?? { apiGroups: [p.group ?? ""], resources: [resource], verbs: [] };
    if (!r.verbs.includes(p.verb)) r.verbs.push(p.verb);
    by.set(key, r);
  }
  return [...by.values()]
    .map((r) => ({ ...r, verbs: r.verbs.sort() }))
    .sort((a, b) => a.apiGroups[0].localeCompare(b.apiGroups[0]) || a.resources[0].localeCompare(b.resources[0]));
}

export function clusterRoleYaml(perms: Pick<Permission, "verb" | "resource" | "group" | "subresource">[] = permissions, name = deployName): string {
  const role = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name, labels: { "app.kubernetes.io/name": "hybrid-conformance" } },
    rules: rulesFor(perms),
  };
  return (
    "# GENERATED from lib/preflight/access.ts (the preflight's permission list) by `npm run deploy:clusterrole`.\n" +
    "# Do not edit: change the list, regenerate, and test/unit/lib/clusterrole.spec.ts checks the two agree.\n" +
    "# Namespaced permissions are cluster-wide here: every test creates its own namespace.\n" +
    yaml.dump(role, { lineWidth: -1, flowLevel: 3 })
  );
}
