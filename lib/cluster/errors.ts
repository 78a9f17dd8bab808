// The one error model for API calls: what is transient (retried within the outage window), what is permanent
// (never retried), and how any API failure reads to a person — one line: code, verb, resource, server message.

export type ApiErrorKind = "transient" | "permanent";

const transientSystem =
  /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|UND_ERR_\w+|socket hang up|other side closed|fetch failed)\b/;

/** The HTTP status of a failed call, whatever client produced it (client-node ApiException, getRaw, websocket upgrade). */
export function statusCodeOf(e: unknown): number | undefined {
  const err = e as { code?: unknown; statusCode?: unknown; message?: string };
  if (typeof err?.code === "number") return err.code;
  if (typeof err?.statusCode === "number") return err.statusCode;
  // ws: "Unexpected server response: 403"
  const m = /Unexpected server response: (\d{3})/.exec(err?.message ?? "");
  return m ? Number(m[1]) : undefined;
}

/** The error's cause chain as text (undici nests the system error two levels down). */
function chainText(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, i = 0; c && i < 6; c = (c as { cause?: unknown }).cause, i++) {
    const x = c as { code?: unknown; message?: string };
    parts.push(`${typeof x.code === "string" ? x.code : ""} ${x.message ?? ""}`);
  }
  return parts.join(" ");
}

/**
 * transient: connection refused/reset, timeouts, 429, 5xx (an API server starting up answers 500/503);
 * permanent: every other HTTP status (401, 403, 404, 409, 422 …). Anything else is not an API failure.
 */
export function classify(e: unknown): ApiErrorKind | undefined {
  const code = statusCodeOf(e);
  // An admission webhook that cannot be called (failurePolicy: Fail) is the server's answer to this request, given
  // with a 500: the API server is up, and asking again only asks the broken webhook again (kubectl does not retry).
  if (code !== undefined && code >= 500 && /failed calling webhook/.test(serverMessage(e))) return "permanent";
  if (code !== undefined) return code === 429 || code >= 500 ? "transient" : "permanent";
  return transientSystem.test(chainText(e)) ? "transient" : undefined;
}

export const isTransient = (e: unknown) => classify(e) === "transient";

/** The server's own message, from a V1Status body (string or parsed) or the error text. */
export function serverMessage(e: unknown): string {
  const err = e as { body?: unknown; message?: string };
  let body = err?.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      /* not JSON */
    }
  }
  const m = (body as { message?: string } | undefined)?.message;
  if (typeof m === "string" && m) return m.split("\n")[0];
  const sys = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|UND_ERR_\w+|socket hang up)\b/.exec(chainText(e))?.[1];
  if (sys) return sys === "ECONNREFUSED" ? "connection refused" : sys;
  // client-node's ApiException message is a multi-line dump: keep only what the server said.
  const text = (err?.message ?? String(e)).replace(/^HTTP-Code: \d+\s*Message:\s*/, "");
  return text.split("\n")[0];
}

const reasons: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** An RBAC denial (not an admission webhook's or a policy's 403, which tests may expect). */
export function isPermissionDenied(e: unknown): boolean {
  const code = statusCodeOf(e);
  if (code === 401) return true;
  // A websocket upgrade (exec) refused with 403 carries no body: only RBAC refuses the exec subresource.
  return code === 403 && /cannot [\w-]+ resource|Unexpected server response: 403/.test(serverMessage(e));
}

/** A failed API call as one line: `403 Forbidden: patch namespaces/hc-x: <server message>`. */
export class ApiCallError extends Error {
  readonly code?: number;
  readonly body?: unknown;
  constructor(
    readonly verb: string,
    readonly resource: string,
    readonly original: unknown,
  ) {
    const code = statusCodeOf(original);
    super(`${code !== undefined ? `${code} ${reasons[code] ?? "error"}` : "API unreachable"}: ${verb} ${resource}: ${serverMessage(original)}`);
    this.name = "ApiCallError";
    this.code = code;
    this.body = (original as { body?: unknown })?.body;
  }
}

/**
 * The run cannot go on because of the cluster, not the product: the API server stayed unreachable past the
 * outage window, or the harness lost its permissions. Reports show tests hit by it as broken (infrastructure).
 */
export class InfrastructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InfrastructureError";
  }
}
