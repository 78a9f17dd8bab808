// Nothing secret reaches a report: Secret data, tokens, kubeconfig credentials and GMSA credspec contents
// are replaced before anything is attached or written.

export const REDACTED = "<redacted>";

const secretKeys = /^(token|access-token|id-token|client-key-data|client-certificate-data|password|credentials|gmsaCredentialSpec|credspec)$/i;

/** Deep copy with secret-bearing fields replaced. */
export function redactObject<T>(value: T): T {
  return walk(value) as T;
}

function walk(v: unknown, parentKind?: string): unknown {
  if (Array.isArray(v)) return v.map((x) => walk(x, parentKind));
  if (!v || typeof v !== "object") return typeof v === "string" ? redactText(v) : v;
  const o = v as Record<string, unknown>;
  const kind = typeof o.kind === "string" ? o.kind : parentKind;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (kind === "Secret" && (k === "data" || k === "stringData") && x && typeof x === "object") {
      out[k] = Object.fromEntries(Object.keys(x).map((key) => [key, REDACTED]));
    } else if (secretKeys.test(k) && x !== undefined && x !== null && x !== "") {
      out[k] = REDACTED;
    } else if (k === "annotations" && x && typeof x === "object") {
      // kubectl's last-applied annotation would repeat a Secret's data verbatim.
      out[k] = Object.fromEntries(
        Object.entries(x as Record<string, string>).map(([a, val]) => [
          a,
          a === "kubectl.kubernetes.io/last-applied-configuration" ? REDACTED : redactText(val),
        ]),
      );
    } else {
      out[k] = walk(x, kind);
    }
  }
  return out;
}

/** Bearer tokens, JWTs and PEM keys in free text (logs, error messages). */
export function redactText(s: string): string {
  return s
    .replace(/(authorization:\s*bearer\s+)\S+/gi, `$1${REDACTED}`)
    .replace(/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g, REDACTED)
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED);
}
