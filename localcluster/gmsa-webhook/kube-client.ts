// The webhook's two cluster calls over plain HTTPS: a kubeconfig's server, CA and bearer token (what `cluster up`
// writes), keep-alive, JSON in and out. Not @kubernetes/client-node: importing it alone takes a Node process from
// ~40 MB to ~125 MB resident (every generated model and API class) for two requests (docs/local-cluster.md).
import { readFileSync } from "node:fs";
import https from "node:https";
import { parse } from "yaml";

export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
  ) {
    super(statusMessage(code, body));
  }
}

/**
 * The message client-go would give for a failed request, which upstream matches on ("... not found"): the Status
 * message when the body is a Status, else client-go's generic text for the code.
 */
export function statusMessage(code: number, body: string): string {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status?.message === "string" && status.message !== "") return status.message;
  } catch {
    // not a Status
  }
  if (code === 404) return "the server could not find the requested resource";
  return `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding (code ${code})`;
}

export interface KubeClient {
  request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T>;
}

interface Named<T> {
  name: string;
  [k: string]: T | string;
}

/** A client for the kubeconfig's current context: server, CA (data or file), bearer token (value or file). */
export function kubeClient(kubeconfigPath: string): KubeClient {
  const cfg = parse(readFileSync(kubeconfigPath, "utf8")) as {
    "current-context"?: string;
    contexts?: Named<{ cluster: string; user: string }>[];
    clusters?: Named<{ server: string; "certificate-authority-data"?: string; "certificate-authority"?: string }>[];
    users?: Named<{ token?: string; tokenFile?: string }>[];
  };
  const pick = <T>(list: Named<T>[] | undefined, name: string | undefined, key: string): T => {
    const found = list?.find((x) => x.name === name)?.[key] as T | undefined;
    if (!found) throw new Error(`${kubeconfigPath}: no ${key} named ${name ?? "(none)"}`);
    return found;
  };
  const context = pick(cfg.contexts, cfg["current-context"], "context");
  const cluster = pick(cfg.clusters, context.cluster, "cluster");
  const user = pick(cfg.users, context.user, "user");
  const ca = cluster["certificate-authority-data"]
    ? Buffer.from(cluster["certificate-authority-data"], "base64")
    : cluster["certificate-authority"]
      ? readFileSync(cluster["certificate-authority"])
      : undefined;
  const token = user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, "utf8").trim() : undefined);
  const agent = new https.Agent({ keepAlive: true, ca });
  const server = new URL(cluster.server);
  return {
    request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise<T>((resolve, reject) => {
        const req = https.request(
          {
            agent,
            method,
            hostname: server.hostname,
            port: server.port || 443,
            path,
            headers: {
              Accept: "application/json",
              ...(token ? { Authorization: `Bearer ${token}` } : {}),
              ...(payload ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("error", reject);
            res.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              const code = res.statusCode ?? 0;
              if (code < 200 || code >= 300) return reject(new KubeApiError(code, text));
              try {
                resolve(JSON.parse(text) as T);
              } catch (e) {
                reject(new Error(`${method} ${path}: the server's answer is not JSON: ${(e as Error).message}`));
              }
            });
          },
        );
        req.on("error", reject);
        req.end(payload);
      });
    },
  };
}
