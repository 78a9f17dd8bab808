// HTTPS front of the GMSA webhook, as upstream's admission-webhook/webhook.go serves it:
//   POST /mutate, POST /validate  — AdmissionReview (admission.k8s.io/v1) in, AdmissionReview out
//   /health                       — liveness (see HEALTH_STATUS)
//   /info                         — {"version": "..."}
// Other paths answer 404, other methods on the two webhook paths 405, and a Content-Type other than
// exactly `application/json` 415, all with an empty body, as upstream does.
//
// Lookups go to the cluster over plain HTTPS (kube-client.ts): the GMSACredentialSpec (windows.k8s.io/v1) and
// a LocalSubjectAccessReview for the pod's service account, as upstream's kube_client.go does.

import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import type * as k8s from "@kubernetes/client-node";
import { KubeApiError, kubeClient, type KubeClient } from "./kube-client.js";
import { admit, badRequestReview, type GmsaAdmissionDeps, type GmsaAdmissionOptions, type WebhookOperation } from "./admission.js";
import { goJsonSyntaxError, goMarshalOrdered } from "./gojson.js";
import { GMSA_GROUP, GMSA_PLURAL, GMSA_VERSION } from "./crd.js";

/** The webhook name upstream registers (deploy/gmsa-webhook.yml.tpl, charts/gmsa/templates/*webhook.yaml). */
export const GMSA_WEBHOOK_NAME = "admission-webhook.windows-gmsa.sigs.k8s.io";
/** Upstream's default name for the webhook configurations (deploy script's NAME / the chart's release). */
export const GMSA_WEBHOOK_CONFIG_NAME = "gmsa-webhook";
/** Namespaces labelled with this key set to "true" are skipped (upstream chart's namespaceSelector). */
export const GMSA_DISABLED_NAMESPACE_LABEL = "windows.k8s.io/disabled";
/**
 * Status of /health. Upstream answers 204 No Content; we answer 200 because the local cluster's start-up
 * check (localcluster/health.ts waitHealthy) accepts only 200. Nothing in admission depends on it.
 */
export const HEALTH_STATUS = 200;

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface GmsaWebhookOptions {
  /** When it returns true, admission requests are dropped (the local cluster's gmsa-webhook-down fault). */
  down?: () => boolean;
  port: number;
  host?: string;
  /** PEM text, or the path of a PEM file */
  cert: string;
  /** PEM text, or the path of a PEM file */
  key: string;
  /** Kubeconfig for the cluster lookups; required unless `deps` is given. */
  kubeconfigPath?: string;
  /** Replaces the cluster lookups (tests). */
  deps?: GmsaAdmissionDeps;
  admission?: GmsaAdmissionOptions;
  /** Receives one line per admission decision and per refused HTTP request; never cred spec contents. */
  log?: (line: string) => void;
  /** Reported by /info; upstream reports "unknown" when built without a version. */
  version?: string;
  /** Further endpoints served by the same HTTPS server (the local cluster's /sabotage/…), by first path segment; not subject to `down`. */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
}

export interface GmsaWebhookHandle {
  port: number;
  close(): Promise<void>;
}

function pem(value: string): string {
  return value.includes("-----BEGIN") ? value : readFileSync(value, "utf8");
}

/** The webhook's cluster lookups. */
export function kubeDeps(api: KubeClient): GmsaAdmissionDeps {
  const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
  return {
    async getCredSpec(name) {
      try {
        return await api.request<object>("GET", `/apis/${GMSA_GROUP}/${GMSA_VERSION}/${GMSA_PLURAL}/${encodeURIComponent(name)}`);
      } catch (err) {
        // upstream tells "missing" apart by the error text (a 404 for a missing CRD is not "not found")
        if (err instanceof KubeApiError && err.message.endsWith("not found")) return undefined;
        throw new Error(message(err));
      }
    },
    async canUse(namespace, serviceAccount, credSpecName) {
      const body: k8s.V1LocalSubjectAccessReview = {
        apiVersion: "authorization.k8s.io/v1",
        kind: "LocalSubjectAccessReview",
        metadata: { namespace },
        spec: {
          resourceAttributes: {
            namespace,
            verb: "use",
            group: GMSA_GROUP,
            version: GMSA_VERSION,
            resource: GMSA_PLURAL,
            name: credSpecName,
          },
          user: `system:serviceaccount:${namespace}:${serviceAccount}`,
          groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`],
        },
      };
      let review: k8s.V1LocalSubjectAccessReview;
      try {
        review = await api.request("POST", `/apis/authorization.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/localsubjectaccessreviews`, body);
      } catch (err) {
        throw new Error(message(err));
      }
      const status = review.status;
      return { allowed: status?.allowed === true && status?.denied !== true, reason: status?.reason ?? "" };
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("http: request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function writeJson(res: ServerResponse, value: unknown): void {
  const body = goMarshalOrdered(value);
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

function abort(res: ServerResponse, code: number, log: (line: string) => void, line: string): void {
  log(line);
  res.writeHead(code);
  res.end();
}

/** The request handler, separate from the server for reuse. */
export function createGmsaHandler(deps: GmsaAdmissionDeps, options: Pick<GmsaWebhookOptions, "admission" | "log" | "version"> = {}) {
  const log = options.log ?? (() => {});
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "https://webhook.invalid").pathname;
    const method = req.method ?? "";
    let operation: WebhookOperation;
    switch (path) {
      case "/validate":
        operation = "validate";
        break;
      case "/mutate":
        operation = "mutate";
        break;
      case "/info":
        writeJson(res, { version: options.version ?? "unknown" });
        return;
      case "/health":
        res.writeHead(HEALTH_STATUS);
        res.end();
        return;
      default:
        return abort(res, 404, log, `received ${method} request for unknown path ${path}`);
    }
    if (method.toUpperCase() !== "POST") {
      return abort(res, 405, log, `expected POST HTTP request, got a ${method} ${operation.toUpperCase()} request`);
    }
    const contentType = req.headers["content-type"] ?? "";
    if (contentType !== "application/json") {
      return abort(res, 415, log, `expected JSON content-type header for ${operation.toUpperCase()} request, got ${JSON.stringify(contentType)}`);
    }

    let decision;
    try {
      const text = new TextDecoder("utf-8").decode(await readBody(req));
      const syntaxError = goJsonSyntaxError(text);
      if (syntaxError !== undefined) {
        decision = badRequestReview(`unable to unmarshall JSON body as an admission review: ${syntaxError}`);
      } else {
        decision = await admit(operation, JSON.parse(text), deps, options.admission);
      }
    } catch (err) {
      decision = badRequestReview(`couldn't read request body: ${err instanceof Error ? err.message : String(err)}`);
    }
    log(decision.summary);
    if (!res.destroyed) writeJson(res, decision.review);
  };
}

/** Starts the webhook's HTTPS server; resolves once it listens. */
export async function startGmsaWebhook(options: GmsaWebhookOptions): Promise<GmsaWebhookHandle> {
  let deps = options.deps;
  if (!deps) {
    if (!options.kubeconfigPath) throw new Error("startGmsaWebhook: kubeconfigPath (or deps) is required");
    deps = kubeDeps(kubeClient(options.kubeconfigPath));
  }
  const handler = createGmsaHandler(deps, options);
  const log = options.log ?? (() => {});
  const server = https.createServer({ cert: pem(options.cert), key: pem(options.key) }, (req, res) => {
    const route = options.routes?.[`/${new URL(req.url ?? "/", "https://webhook.invalid").pathname.split("/")[1]}`];
    if (route) {
      route(req, res).catch((err: unknown) => {
        log(`internal error on ${req.url}: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    // The gmsa-webhook-down fault: the webhook drops admission requests as a crashed pod behind a Service would.
    if (options.down?.() && req.url !== "/health") {
      log(`dropping ${req.method} ${req.url} (fault gmsa-webhook-down)`);
      req.socket.destroy();
      return;
    }
    handler(req, res).catch((err: unknown) => {
      log(`internal error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // keep-alive connections from the apiserver, as upstream's TCP keep-alive listener
  server.keepAliveTimeout = 180_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export interface WebhookConfigurationOptions {
  /** metadata.name of both configurations (default "gmsa-webhook") */
  name?: string;
  /** Namespaces to leave alone besides those labelled windows.k8s.io/disabled=true (the chart skips its own). */
  excludeNamespaces?: string[];
}

/**
 * The Mutating- and ValidatingWebhookConfiguration registering the webhook by URL.
 * `url` is the webhook's base URL (https://127.0.0.1:<port>); `/mutate` and `/validate` are appended.
 */
export function webhookConfigurations(url: string, caBundleBase64: string, options: WebhookConfigurationOptions = {}) {
  const base = url.replace(/\/+$/, "");
  const name = options.name ?? GMSA_WEBHOOK_CONFIG_NAME;
  const matchExpressions: k8s.V1LabelSelectorRequirement[] = [];
  if (options.excludeNamespaces && options.excludeNamespaces.length > 0) {
    matchExpressions.push({ key: "kubernetes.io/metadata.name", operator: "NotIn", values: [...options.excludeNamespaces] });
  }
  matchExpressions.push({ key: GMSA_DISABLED_NAMESPACE_LABEL, operator: "NotIn", values: ["true"] });
  const common = (path: string, operations: string[]) => ({
    name: GMSA_WEBHOOK_NAME,
    clientConfig: { url: `${base}${path}`, caBundle: caBundleBase64 },
    rules: [{ operations, apiGroups: [""], apiVersions: ["*"], resources: ["pods"] }],
    failurePolicy: "Fail",
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    timeoutSeconds: 10,
    namespaceSelector: { matchExpressions: matchExpressions.map((e) => ({ ...e, values: [...(e.values ?? [])] })) },
  });
  const mutating: k8s.V1MutatingWebhookConfiguration = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name },
    webhooks: [common("/mutate", ["CREATE"])],
  };
  const validating: k8s.V1ValidatingWebhookConfiguration = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name },
    webhooks: [common("/validate", ["CREATE", "UPDATE"])],
  };
  return { mutating, validating };
}
