// The dry run's answers turned into findings, against a loopback stand-in for the API server (the real one is in
// test/e2e/lint.spec.ts): a 422 becomes one finding per cause at its line, a refusal the static rules already
// reported is left out, a missing namespace and missing RBAC are info, and nothing but dry runs is sent.
import * as k8s from "@kubernetes/client-node";
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dryRunFindings } from "../../../lib/lint/cluster.js";
import { lint } from "../../../lib/lint/engine.js";
import { parseInput } from "../../../lib/lint/source.js";

const RESOURCES = {
  kind: "APIResourceList",
  groupVersion: "v1",
  resources: [
    { name: "pods", namespaced: true, kind: "Pod", verbs: ["create", "patch"] },
    { name: "configmaps", namespaced: true, kind: "ConfigMap", verbs: ["create", "patch"] },
  ],
};

const status = (code: number, reason: string, message: string, causes?: { field: string; message: string; reason: string }[]) =>
  JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message, ...(causes ? { details: { causes } } : {}) });

const TEXT = `apiVersion: v1
kind: Pod
metadata: {name: invalid}
spec:
  os: {name: windows}
  nodeSelector: {kubernetes.io/os: windows}
  containers:
  - name: c
    image: registry.k8s.io/e2e-test-images/agnhost:2.52
    imagePullPolicy: Sometimes
    securityContext:
      runAsUser: 1000
---
apiVersion: v1
kind: ConfigMap
metadata: {name: elsewhere, namespace: gone}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: secret-place, namespace: locked}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: fine}
`;

describe("lint dry run (against a loopback stand-in)", () => {
  let server: Server;
  let kc: k8s.KubeConfig;
  const seen: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, "http://x");
      seen.push(`${req.method} ${url.pathname}${url.searchParams.get("dryRun") ? " dryRun" : ""}`);
      res.setHeader("content-type", "application/json");
      if (req.method === "GET" && url.pathname === "/api/v1") return res.end(JSON.stringify(RESOURCES));
      if (url.pathname.endsWith("/pods/invalid")) {
        res.statusCode = 422;
        return res.end(
          status(422, "Invalid", 'Pod "invalid" is invalid', [
            { field: "spec.containers[0].securityContext.runAsUser", reason: "FieldValueForbidden", message: "Forbidden: cannot be set for a windows pod" },
            { field: "spec.containers[0].imagePullPolicy", reason: "FieldValueNotSupported", message: 'Unsupported value: "Sometimes"' },
          ]),
        );
      }
      if (url.pathname.includes("/namespaces/gone/")) {
        res.statusCode = 404;
        return res.end(status(404, "NotFound", 'namespaces "gone" not found'));
      }
      if (url.pathname.includes("/namespaces/locked/")) {
        res.statusCode = 403;
        return res.end(
          status(
            403,
            "Forbidden",
            'configmaps "secret-place" is forbidden: User "dev" cannot patch resource "configmaps" in API group "" in the namespace "locked"',
          ),
        );
      }
      res.end(JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fine", namespace: "default" } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "c", cluster: "c", user: "u", namespace: "default" }],
      currentContext: "c",
    });
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it("reports each cause at its line, leaves out what a static rule found, and marks what could not be checked", async () => {
    const sources = parseInput({ name: "app.yaml", text: TEXT });
    const statics = lint(sources);
    expect(statics.map((f) => `${f.line} ${f.rule}`)).to.deep.equal(["12 forbidden-field"]);
    const found = await dryRunFindings(kc, sources, statics);
    expect(found.map((f) => `${f.line}:${f.column} ${f.severity} ${f.rule} ${f.object} ${f.path}: ${f.message}`)).to.deep.equal([
      '10:5 error dry-run-refused Pod/invalid spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes"',
      '14:1 info dry-run-skipped ConfigMap/gone/elsewhere : the API server could not check it: namespaces "gone" not found',
      '18:1 info dry-run-skipped ConfigMap/locked/secret-place : the API server could not check it: configmaps "secret-place" is forbidden: User "dev" cannot patch resource "configmaps" in API group "" in the namespace "locked"',
    ]);
    // Only discovery reads and dry runs reached the server.
    expect(seen.filter((s) => !s.startsWith("GET ") && !s.endsWith(" dryRun"))).to.deep.equal([]);
    expect(seen.filter((s) => s.endsWith(" dryRun"))).to.have.length(4);
  });

  it("a dry run the server accepts gives no findings", async () => {
    expect(await dryRunFindings(kc, parseInput({ name: "ok.yaml", text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n" }), [])).to.deep.equal([]);
  });
});
