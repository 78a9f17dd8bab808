// The API error model (transient vs permanent, one-line messages), the outage window, leftovers and their
// commands, path validation, and the one permission list.
import { expect } from "chai";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiException } from "@kubernetes/client-node";
import { classify, isPermissionDenied, ApiCallError, InfrastructureError } from "../../../lib/cluster/errors.js";
import { callApi, judge, resetOutage, configureOutage, fatalError, downMs, noteSuccess } from "../../../lib/cluster/outage.js";
import { describeCall } from "../../../lib/cluster/resilient.js";
import { assertWritableDir } from "../../../lib/cli/paths.js";
import { permissions, permissionsFor, permissionName } from "../../../lib/preflight/access.js";
import { CleanupRegistry, leftovers } from "../../../lib/run/cleanup.js";
import { cordonedNodes, countsOnly } from "../../../lib/cluster/diagnose.js";

const refused = () =>
  Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" }) });
const rbac403 = () =>
  new ApiException(
    403,
    "Forbidden",
    {
      kind: "Status",
      code: 403,
      message: 'pods is forbidden: User "system:serviceaccount:hc:runner" cannot create resource "pods" in API group "" in the namespace "hc-x"',
    },
    { "audit-id": "x" },
  );

describe("lib/cluster error model", () => {
  afterEach(() => resetOutage(60_000));

  it("classifies connection failures, 429 and 5xx as transient; 401, 403, 404, 409, 422 as permanent; others as not an API failure", () => {
    expect(classify(refused())).to.equal("transient");
    expect(classify({ code: "ECONNRESET" })).to.equal("transient");
    for (const c of [429, 500, 503, 504]) expect(classify({ code: c }), String(c)).to.equal("transient");
    for (const c of [400, 401, 403, 404, 409, 422]) expect(classify({ code: c }), String(c)).to.equal("permanent");
    // A webhook that cannot be called (failurePolicy: Fail): the server answered this request with a 500.
    const webhook = {
      code: 500,
      body: {
        kind: "Status",
        code: 500,
        reason: "InternalError",
        message: 'Internal error occurred: failed calling webhook "admission.gmsa.windows.k8s.io": context deadline exceeded',
      },
    };
    expect(classify(webhook)).to.equal("permanent");
    expect(classify(new Error("Unexpected server response: 403"))).to.equal("permanent");
    expect(classify(new TypeError("x is not a function"))).to.equal(undefined);
  });

  it("tells an RBAC denial (permission lost) from an admission webhook's 403 a test may expect", () => {
    expect(isPermissionDenied(rbac403())).to.equal(true);
    expect(isPermissionDenied(new ApiException(401, "Unauthorized", { message: "Unauthorized" }, {}))).to.equal(true);
    const webhook = new ApiException(
      403,
      "Forbidden",
      { message: 'admission webhook "admission.gmsa" denied the request: service account "a" is not authorized to `use` GMSA cred spec "b"' },
      {},
    );
    expect(isPermissionDenied(webhook)).to.equal(false);
  });

  it("writes an API failure as one line: code, verb, resource, server message — never client-node's header dump", () => {
    const e = new ApiCallError("patch", "namespaces hc-x", rbac403());
    expect(e.message).to.equal(
      '403 Forbidden: patch namespaces hc-x: pods is forbidden: User "system:serviceaccount:hc:runner" cannot create resource "pods" in API group "" in the namespace "hc-x"',
    );
    expect(e.message).not.to.match(/\n|Headers|HTTP-Code/);
    expect(new ApiCallError("list", "/api/v1/nodes", refused()).message).to.equal("API unreachable: list /api/v1/nodes: connection refused");
  });

  it("names the verb and object of a typed client call", () => {
    expect(describeCall("createNamespacedPod", [{ namespace: "a", body: { metadata: { name: "p" } } }])).to.deep.equal(["create", "Pod a/p"]);
    expect(describeCall("readNode", [{ name: "n1" }])).to.deep.equal(["get", "Node n1"]);
    expect(describeCall("patch", [{ kind: "Namespace", metadata: { name: "hc-x" } }])).to.deep.equal(["patch", "Namespace hc-x"]);
  });

  it("retries a transient failure with backoff and never retries a permanent one", async () => {
    let n = 0;
    expect(await callApi("get", "x", async () => (++n < 3 ? Promise.reject(refused()) : "ok"))).to.equal("ok");
    expect(n).to.equal(3);
    let m = 0;
    const err = await callApi("create", "pods hc-x/p", async () => {
      m++;
      throw new ApiException(422, "Unprocessable", { message: 'Pod "p" is invalid' }, {});
    }).catch((e) => e);
    expect(m).to.equal(1);
    expect(err).to.be.instanceOf(ApiCallError);
    expect(err.message).to.equal('422 Unprocessable Entity: create pods hc-x/p: Pod "p" is invalid');
  });

  it("ends the run when the API stays away past the outage window: one InfrastructureError naming the server and the time, then every call fails at once", async () => {
    resetOutage(400);
    configureOutage({ server: "https://127.0.0.1:6443" });
    const t0 = Date.now();
    let calls = 0;
    const err = await callApi("list", "pods", async () => {
      calls++;
      throw refused();
    }).catch((e) => e);
    expect(err).to.be.instanceOf(InfrastructureError);
    expect(err.message).to.match(
      /^the API server https:\/\/127\.0\.0\.1:6443 has been unreachable for \d+ s \(outage window 0 s\); last error: API unreachable: list pods: connection refused$/,
    );
    expect(Date.now() - t0).to.be.within(400, 3000);
    expect(calls).to.be.within(2, 5); // backoff, not a spin
    expect(fatalError()).to.equal(err);
    let after = 0;
    expect(await callApi("get", "x", async () => ++after).catch((e) => e)).to.equal(err);
    expect(after).to.equal(0);
  });

  it("an outage inside the window is forgiven on the next success, and its length is added to waits' budgets", () => {
    resetOutage(10_000);
    expect(judge(refused(), "get", "x", 1_000)).to.equal("retry");
    expect(judge(refused(), "get", "x", 5_000)).to.equal("retry");
    noteSuccess(6_000);
    expect(downMs(7_000)).to.equal(5_000);
    expect(judge(refused(), "get", "x", 20_000)).to.equal("retry"); // a new outage starts its own window
    expect(fatalError()).to.equal(undefined);
  });

  it("a lost permission ends the run at once, without retrying", () => {
    resetOutage(60_000);
    expect(() => judge(rbac403(), "create", "pods hc-x/p")).to.throw(
      InfrastructureError,
      /^lost permission on .*: 403 Forbidden: create pods hc-x\/p: pods is forbidden/,
    );
  });
});

describe("lib/run leftovers", () => {
  it("names what was created and not confirmed deleted, with the exact kubectl command (objects inside a leftover namespace go with it)", () => {
    const reg = new CleanupRegistry(undefined as never);
    reg.track({ apiVersion: "v1", kind: "Namespace", metadata: { name: "hc-leftover-ns" } });
    reg.track({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "hc-leftover-ns" } });
    reg.track({ apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name: "hc-rc-leftover" } });
    const mine = leftovers("kubectl --context c").filter((l) => /leftover/.test(l.name));
    expect(mine).to.deep.equal([
      { kind: "Namespace", name: "hc-leftover-ns", command: "kubectl --context c delete namespace hc-leftover-ns --ignore-not-found" },
      { kind: "RuntimeClass", name: "hc-rc-leftover", command: "kubectl --context c delete runtimeclass.node.k8s.io hc-rc-leftover --ignore-not-found" },
    ]);
  });
});

describe("lib/cli path options", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "hc-paths-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses /proc, /sys and a path below a file, naming the path and why; accepts and creates a normal directory", () => {
    expect(() => assertWritableDir("--report-dir", "/proc/forbidden")).to.throw(/^--report-dir \/proc\/forbidden: is on the kernel's \/proc pseudo-filesystem/);
    expect(() => assertWritableDir("--report-dir", "/sys/x/y")).to.throw(/\/sys pseudo-filesystem/);
    writeFileSync(join(dir, "file"), "");
    expect(() => assertWritableDir("--report-dir", join(dir, "file", "sub"))).to.throw(/file is a file, so nothing can be created below it$/);
    expect(() => assertWritableDir("--report-dir", join(dir, "file"))).to.throw(/is a file, not a directory$/);
    expect(assertWritableDir("--report-dir", join(dir, "a", "b"))).to.equal(join(dir, "a", "b"));
  });
});

describe("lib/preflight permission list", () => {
  it("lists each permission once; extended suites add to, never replace, what every run needs", () => {
    const names = permissions.map((p) => `${permissionName(p)}${p.namespaced ? " (namespaced)" : ""}`);
    expect(new Set(names).size).to.equal(names.length);
    const base = permissionsFor(false);
    expect(base.every((p) => p.suites === "all")).to.equal(true);
    expect(permissionsFor(true)).to.include.members(base);
    // Server-side apply is a patch: an identity that may only create cannot run the suites.
    expect(base.map(permissionName)).to.include.members(["patch namespaces", "create namespaces", "list namespaces", "patch pods", "create pods/exec"]);
  });
});

describe("lib/cluster unschedulable diagnosis", () => {
  it("names the cordoned nodes the pod could have used when the scheduler only counts them", () => {
    const node = (name: string, os: string, unschedulable: boolean) => ({ metadata: { name, labels: { "kubernetes.io/os": os } }, spec: { unschedulable } });
    const pod = { spec: { containers: [], nodeSelector: { "kubernetes.io/os": "windows" } } };
    const nodes = [
      node("hc-win2022-1", "windows", true),
      node("hc-win2022-2", "windows", false),
      node("hc-win2025-1", "windows", true),
      node("hc-linux-1", "linux", true),
    ];
    expect(cordonedNodes(pod, nodes)).to.deep.equal(["hc-win2022-1", "hc-win2025-1"]);
    expect(countsOnly.test("0/6 nodes are available: 3 node(s) were unschedulable, 3 node(s) didn't match Pod's node affinity/selector.")).to.equal(true);
    expect(countsOnly.test("0/6 nodes are available: 6 Insufficient cpu.")).to.equal(false);
  });
});
