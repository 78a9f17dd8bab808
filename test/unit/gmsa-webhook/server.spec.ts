import { expect } from "chai";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { kubeClient } from "../../../localcluster/gmsa-webhook/kube-client.js";
import { HEALTH_STATUS, kubeDeps, startGmsaWebhook, type GmsaWebhookHandle } from "../../../localcluster/gmsa-webhook/server.js";
import { credSpecResource, credspecCompact, fakeDeps, pod, review } from "./fixtures.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, ca: string, method: string, path: string, body?: string, contentType = "application/json"): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method,
        ca,
        headers: body === undefined ? {} : { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A throwaway self-signed serving certificate for 127.0.0.1. */
function makeCert(dir: string): { cert: string; key: string; certFile: string; keyFile: string } {
  const certFile = join(dir, "tls.crt");
  const keyFile = join(dir, "tls.key");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), certFile, keyFile };
}

interface FakeApiServer {
  port: number;
  requests: { method: string; url: string; body: string; authorization?: string }[];
  close(): Promise<void>;
}

/** Just enough kube-apiserver (HTTPS, serving `tls`) for the webhook's two lookups. */
async function fakeApiServer(tls: { cert: string; key: string }): Promise<FakeApiServer> {
  const requests: FakeApiServer["requests"] = [];
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method ?? "", url: req.url ?? "", body, authorization: req.headers.authorization });
      const json = (code: number, value: unknown) => {
        res.writeHead(code, { "Content-Type": "application/json" });
        res.end(JSON.stringify(value));
      };
      const m = /^\/apis\/windows\.k8s\.io\/v1\/gmsacredentialspecs\/([^/?]+)/.exec(req.url ?? "");
      if (req.method === "GET" && m) {
        if (m[1] === "webapp1") return json(200, credSpecResource("webapp1"));
        if (m[1] === "nocrd") {
          res.writeHead(404, { "Content-Type": "text/plain" });
          return res.end("404 page not found\n");
        }
        return json(404, {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: `gmsacredentialspecs.windows.k8s.io "${m[1]}" not found`,
          reason: "NotFound",
          details: { name: m[1], group: "windows.k8s.io", kind: "gmsacredentialspecs" },
          code: 404,
        });
      }
      const lsar = /^\/apis\/authorization\.k8s\.io\/v1\/namespaces\/([^/]+)\/localsubjectaccessreviews/.exec(req.url ?? "");
      if (req.method === "POST" && lsar) {
        const sar = JSON.parse(body);
        const allowed = sar.spec.resourceAttributes.name === "webapp1";
        return json(201, { ...sar, status: allowed ? { allowed: true, reason: "RBAC: allowed" } : { allowed: false } });
      }
      json(404, { kind: "Status", apiVersion: "v1", status: "Failure", message: "the server could not find the requested resource", code: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function kubeconfigFor(dir: string, apiPort: number, caPem: string): string {
  const file = join(dir, "kubeconfig");
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: fake\n  cluster:\n    server: https://127.0.0.1:${apiPort}\n    certificate-authority-data: ${Buffer.from(caPem).toString("base64")}`,
      "users:",
      "- name: webhook\n  user:\n    token: test-token",
      "contexts:",
      "- name: fake\n  context:\n    cluster: fake\n    user: webhook",
      "current-context: fake",
      "",
    ].join("\n"),
  );
  return file;
}

describe("gmsa-webhook: HTTPS server", function () {
  this.timeout(30_000);
  let dir: string;
  let tls: ReturnType<typeof makeCert>;
  let webhook: GmsaWebhookHandle;
  let logs: string[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "gmsa-webhook-test-"));
    tls = makeCert(dir);
    logs = [];
    webhook = await startGmsaWebhook({
      port: 0,
      host: "127.0.0.1",
      cert: tls.certFile,
      key: tls.key,
      deps: fakeDeps(),
      log: (l) => logs.push(l),
    });
  });
  after(async () => {
    await webhook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("mutates a pod over HTTPS, answering an AdmissionReview shaped as upstream's JSON", async () => {
    const body = JSON.stringify(review(pod({ pod: { gmsaCredentialSpecName: "webapp1" } }), { uid: "u-1" }));
    const r = await request(webhook.port, tls.cert, "POST", "/mutate", body);
    expect(r.status).to.equal(200);
    expect(r.headers["content-type"]).to.equal("application/json");
    const patch = Buffer.from(
      JSON.stringify([{ op: "add", path: "/spec/securityContext/windowsOptions/gmsaCredentialSpec", value: credspecCompact }]),
    ).toString("base64");
    expect(r.body).to.equal(
      `{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"uid":"u-1","allowed":true,"patch":"${patch}","patchType":"JSONPatch"}}`,
    );
    expect(logs.at(-1)).to.match(/^mutate CREATE pod ns1\/p uid=u-1: allowed with 1 patch\(es\)/);
  });

  it("validates over HTTPS and reports a denial in status", async () => {
    const body = JSON.stringify(review(pod({ containers: [{ gmsaCredentialSpecName: "missing", gmsaCredentialSpec: "{}" }] }), { uid: "u-2" }));
    const r = await request(webhook.port, tls.cert, "POST", "/validate", body);
    expect(r.status).to.equal(200);
    expect(r.body).to.equal(
      '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"uid":"u-2","allowed":false,"status":{"metadata":{},"message":"cred spec missing does not exist","code":404}}}',
    );
    expect(logs.at(-1)).to.equal("validate CREATE pod ns1/p uid=u-2: denied code=404: cred spec missing does not exist");
  });

  it("answers malformed and empty bodies with a 400 review carrying Go's parse error", async () => {
    const bad = await request(webhook.port, tls.cert, "POST", "/validate", '{"request": nope}');
    expect(JSON.parse(bad.body).response).to.deep.equal({
      uid: "",
      allowed: false,
      status: {
        metadata: {},
        message: "unable to unmarshall JSON body as an admission review: invalid character 'o' in literal null (expecting 'u')",
        code: 400,
      },
    });
    const empty = await request(webhook.port, tls.cert, "POST", "/mutate", "");
    expect(JSON.parse(empty.body).response.status.message).to.equal("unable to unmarshall JSON body as an admission review: unexpected end of JSON input");
  });

  it("refuses wrong methods (405), content types (415) and paths (404) with empty bodies", async () => {
    const get = await request(webhook.port, tls.cert, "GET", "/validate");
    expect([get.status, get.body]).to.deep.equal([405, ""]);
    const text = await request(webhook.port, tls.cert, "POST", "/mutate", "{}", "text/plain");
    expect([text.status, text.body]).to.deep.equal([415, ""]);
    const charset = await request(webhook.port, tls.cert, "POST", "/mutate", "{}", "application/json; charset=utf-8");
    expect(charset.status, "upstream compares the header exactly").to.equal(415);
    const nowhere = await request(webhook.port, tls.cert, "POST", "/admit", "{}");
    expect([nowhere.status, nowhere.body]).to.deep.equal([404, ""]);
  });

  it("serves /health and /info", async () => {
    const health = await request(webhook.port, tls.cert, "GET", "/health");
    expect(health.status).to.equal(HEALTH_STATUS);
    const info = await request(webhook.port, tls.cert, "GET", "/info");
    expect([info.status, info.body]).to.deep.equal([200, '{"version":"unknown"}']);
  });
});

describe("gmsa-webhook: cluster lookups (plain HTTPS)", function () {
  this.timeout(30_000);
  let dir: string;
  let api: FakeApiServer;
  let deps: ReturnType<typeof kubeDeps>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "gmsa-webhook-kube-"));
    const tls = makeCert(dir);
    api = await fakeApiServer(tls);
    deps = kubeDeps(kubeClient(kubeconfigFor(dir, api.port, tls.cert)));
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads the cluster-scoped GMSACredentialSpec through windows.k8s.io/v1", async () => {
    expect(await deps.getCredSpec("webapp1")).to.deep.equal(credSpecResource("webapp1"));
    expect(api.requests.at(-1)).to.include({ method: "GET", url: "/apis/windows.k8s.io/v1/gmsacredentialspecs/webapp1", authorization: "Bearer test-token" });
  });

  it("returns undefined for a missing cred spec, and throws client-go's text when the CRD is missing", async () => {
    expect(await deps.getCredSpec("missing")).to.equal(undefined);
    let err: Error | undefined;
    try {
      await deps.getCredSpec("nocrd");
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.equal("the server could not find the requested resource");
  });

  it("asks a LocalSubjectAccessReview whether the service account may `use` the cred spec", async () => {
    expect(await deps.canUse("ns1", "sa1", "webapp1")).to.deep.equal({ allowed: true, reason: "RBAC: allowed" });
    const last = api.requests.at(-1)!;
    expect(last.method).to.equal("POST");
    expect(last.url).to.match(/^\/apis\/authorization\.k8s\.io\/v1\/namespaces\/ns1\/localsubjectaccessreviews/);
    const body = JSON.parse(last.body);
    expect(body.kind).to.equal("LocalSubjectAccessReview");
    expect(body.metadata).to.deep.equal({ namespace: "ns1" });
    expect(body.spec).to.deep.equal({
      resourceAttributes: {
        namespace: "ns1",
        verb: "use",
        group: "windows.k8s.io",
        version: "v1",
        resource: "gmsacredentialspecs",
        name: "webapp1",
      },
      user: "system:serviceaccount:ns1:sa1",
      groups: ["system:serviceaccounts", "system:serviceaccounts:ns1"],
    });
    expect(await deps.canUse("ns1", "sa1", "other")).to.deep.equal({ allowed: false, reason: "" });
  });
});

describe("gmsa-webhook: main.ts", function () {
  this.timeout(60_000);
  let dir: string;
  let api: FakeApiServer;
  let child: ChildProcess | undefined;
  let tls: ReturnType<typeof makeCert>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "gmsa-webhook-main-"));
    tls = makeCert(dir);
    api = await fakeApiServer(tls);
  });
  after(async () => {
    if (child && child.exitCode === null && child.pid) child.kill("SIGKILL");
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves, logs one line per decision without contents, and exits 0 on SIGTERM", async () => {
    const kubeconfig = kubeconfigFor(dir, api.port, tls.cert);
    child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repoRoot, "localcluster/gmsa-webhook/main.ts"),
        "--port=0",
        `--cert=${tls.certFile}`,
        `--key=${tls.keyFile}`,
        "--kubeconfig",
        kubeconfig,
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child!.on("exit", (code) => r(code)));

    const port = await new Promise<number>((res, rej) => {
      const timer = setInterval(() => {
        const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) {
          clearInterval(timer);
          res(Number(m[1]));
        } else if (child!.exitCode !== null) {
          clearInterval(timer);
          rej(new Error(`main.ts exited early: ${stderr}`));
        }
      }, 50);
    });

    const mutateBody = JSON.stringify(review(pod({ serviceAccountName: "sa1", pod: { gmsaCredentialSpecName: "webapp1" } }), { uid: "m-1" }));
    const m = await request(port, tls.cert, "POST", "/mutate", mutateBody);
    const patch = JSON.parse(Buffer.from(JSON.parse(m.body).response.patch, "base64").toString());
    expect(patch[0].value).to.equal(credspecCompact);

    const validateBody = JSON.stringify(review(pod({ serviceAccountName: "sa1", containers: [{ gmsaCredentialSpecName: "other" }] }), { uid: "v-1" }));
    const v = await request(port, tls.cert, "POST", "/validate", validateBody);
    expect(JSON.parse(v.body).response.status).to.deep.equal({
      metadata: {},
      message: 'service account "sa1" is not authorized to `use` GMSA cred spec "other"',
      code: 403,
    });

    child.kill("SIGTERM");
    expect(await exited).to.equal(0);
    const decisions = stdout.split("\n").filter((l) => / uid=/.test(l));
    expect(decisions).to.have.length(2);
    expect(decisions[0]).to.match(
      /^\S+Z mutate CREATE pod ns1\/p uid=m-1: allowed with 1 patch\(es\): \/spec\/securityContext\/windowsOptions\/gmsaCredentialSpec$/,
    );
    expect(decisions[1]).to.match(/^\S+Z validate CREATE pod ns1\/p uid=v-1: denied code=403: service account "sa1" is not authorized/);
    expect(stdout).to.not.include("S-1-5-21");
    expect(stdout).to.not.include("contoso");
  });
});
