// GMSA checks (Extend.ActiveDirectory): reading a user's credential spec without ever echoing it, telling who
// refused a request (the GMSA webhook, the API server's validation, an admission plugin), upstream's nltest
// verdict, and scrubbing credential spec contents from anything that could reach a report.
//
// Rule: credential spec contents (the JSON, and every value in it: SID, GUID, account and domain names) never
// appear in a step, an attachment or a message. Errors name files and fields, never values.
import type * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { REDACTED, redactText } from "../report/redact.js";
import { waitFor } from "../cluster/wait.js";

/** The GMSA webhook's name in the API server's "admission webhook … denied the request" prefix. */
export const GMSA_WEBHOOK = "admission-webhook.windows-gmsa.sigs.k8s.io";

export type CredSpec = Record<string, unknown>;

export interface UserCredSpec {
  credspec: CredSpec;
  /** DomainJoinConfig.DnsName: the domain nltest must reach. */
  domain: string;
}

function pick(o: unknown, key: string): unknown {
  if (!o || typeof o !== "object" || Array.isArray(o)) return undefined;
  const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : (o as Record<string, unknown>)[k];
}

/** Problems with a credential spec's shape, named by field (never by value). */
export function credSpecProblems(spec: unknown): string[] {
  const p: string[] = [];
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) return ["it is not a JSON object"];
  const plugins = pick(spec, "CmsPlugins");
  if (!Array.isArray(plugins) || !plugins.some((x) => typeof x === "string" && x.toLowerCase() === "activedirectory"))
    p.push('CmsPlugins does not list "ActiveDirectory"');
  const djc = pick(spec, "DomainJoinConfig");
  if (!djc || typeof djc !== "object") p.push("DomainJoinConfig is missing");
  else
    for (const f of ["DnsName", "NetBiosName", "Sid", "Guid", "MachineAccountName"])
      if (typeof pick(djc, f) !== "string" || !pick(djc, f)) p.push(`DomainJoinConfig.${f} is missing`);
  const accounts = pick(pick(spec, "ActiveDirectoryConfig"), "GroupManagedServiceAccounts");
  if (!Array.isArray(accounts) || accounts.length === 0) p.push("ActiveDirectoryConfig.GroupManagedServiceAccounts is empty");
  return p;
}

export function credSpecDomain(spec: CredSpec): string {
  return String(pick(pick(spec, "DomainJoinConfig"), "DnsName") ?? "");
}

/**
 * Reads a credential spec for a real domain: the JSON New-CredentialSpec writes (ActiveDirectoryConfig,
 * CmsPlugins, DomainJoinConfig), or a GMSACredentialSpec manifest (YAML or JSON) with them under `credspec`,
 * as GenerateCredentialSpecResource.ps1 writes it. Throws one line naming the file and the problem — parser
 * messages are not passed on, because they quote the file's contents.
 */
export function readCredSpecFile(path: string): UserCredSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : "cannot be read"}`,
    );
  }
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch {
    throw new Error(`${path}: not valid JSON or YAML`);
  }
  // A multi-document manifest may carry the GMSACredentialSpec next to other objects (RBAC, pods).
  const specs = docs.filter((d) => pick(d, "kind") === "GMSACredentialSpec");
  if (docs.length > 1 && specs.length !== 1)
    throw new Error(`${path}: holds ${docs.length} documents and ${specs.length} GMSACredentialSpec(s); expected one credential spec`);
  const doc = docs.length > 1 ? specs[0] : docs[0];
  const kind = pick(doc, "kind");
  if (kind !== undefined && kind !== "GMSACredentialSpec") throw new Error(`${path}: a ${String(kind)}, not a credential spec (JSON) or a GMSACredentialSpec`);
  const spec = kind === "GMSACredentialSpec" ? pick(doc, "credspec") : doc;
  const problems = credSpecProblems(spec);
  if (problems.length) throw new Error(`${path}: not a usable credential spec: ${problems.join("; ")}`);
  return { credspec: spec as CredSpec, domain: credSpecDomain(spec as CredSpec) };
}

/** Every string value in a credential spec (plus its JSON forms): what scrubbing removes from text. */
export function credSpecSecrets(spec: CredSpec | undefined): string[] {
  if (!spec) return [];
  const leaves: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") leaves.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(spec);
  const json = JSON.stringify(spec);
  // Longest first, so a JSON form goes before the values inside it.
  return [json, JSON.stringify(json).slice(1, -1), ...leaves.filter((s) => s.length >= 3)].sort((a, b) => b.length - a.length);
}

/** Text with credential spec contents replaced by <redacted> (plus tokens and keys, as everywhere). */
export function scrubCredSpec(text: string, secrets: string[]): string {
  let out = redactText(text);
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}

/** Runs f; any error it throws has its message and stack scrubbed of credential spec contents. */
export async function withoutSecrets<T>(secrets: () => string[], f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const err = e as Error;
    const s = secrets();
    if (err && typeof err === "object") {
      if (typeof err.message === "string") err.message = scrubCredSpec(err.message, s);
      if (typeof err.stack === "string") err.stack = scrubCredSpec(err.stack, s);
      const a = err as unknown as { actual?: unknown; expected?: unknown; showDiff?: boolean };
      if ("actual" in a || "expected" in a) {
        a.actual = undefined;
        a.expected = undefined;
        a.showDiff = false;
      }
    }
    throw err;
  }
}

/** Whether a pod's gmsaCredentialSpec (a JSON string) holds exactly the resource's credspec. */
export function sameCredSpec(podValue: string | undefined, resource: unknown): boolean {
  if (!podValue) return false;
  try {
    return isDeepStrictEqual(JSON.parse(podValue), resource);
  } catch {
    return false;
  }
}

/** A valid credential spec that differs from `spec` in one value (the GMSA account's machine account name). */
export function mismatchedCredSpec(spec: CredSpec): CredSpec {
  const copy = structuredClone(spec);
  const djc = pick(copy, "DomainJoinConfig") as Record<string, unknown>;
  const key = Object.keys(djc).find((k) => k.toLowerCase() === "machineaccountname") ?? "MachineAccountName";
  djc[key] = `${String(djc[key] ?? "")}Other`;
  return copy;
}

export interface Refusal {
  code?: number;
  reason?: string;
  /** The first line of the message, scrubbed. */
  message: string;
  /** Who refused: "the GMSA admission webhook (…)", "the API server's pod validation", … */
  by: string;
}

/** Who refused a request, read from the Status the API server returned. */
export function refusalOf(status: k8s.V1Status | undefined, fallback: string, secrets: string[]): Refusal {
  const message = scrubCredSpec((status?.message ?? fallback).split("\n")[0], secrets);
  const webhook = /admission webhook "([^"]+)" denied the request/.exec(message)?.[1];
  const failedCall = /failed calling webhook "([^"]+)"/.exec(message)?.[1];
  let by: string;
  if (webhook) by = webhook === GMSA_WEBHOOK ? `the GMSA admission webhook (${webhook})` : `the admission webhook ${webhook}`;
  else if (failedCall) by = `the API server, because it could not call the admission webhook ${failedCall}`;
  else if (/ is invalid: /.test(message) || status?.reason === "Invalid") by = "the API server's own validation";
  else if (/ is forbidden: /.test(message)) by = "an admission plugin of the API server";
  else by = "the API server";
  return { code: status?.code, reason: status?.reason, message, by };
}

export function describeRefusal(r: Refusal): string {
  return `${r.code ?? "?"} ${r.reason || "(no reason)"} from ${r.by}: ${r.message}`;
}

/** The texts upstream's GMSA test requires and forbids in `nltest /query` output. */
export const NLTEST_OK = "The command completed successfully";
export const NLTEST_BAD = ["ERROR_NO_LOGON_SERVERS", "RPC_S_SERVER_UNAVAILABLE"] as const;

/** undefined when nltest reports a working secure channel (upstream's rule); else why not, one line. */
export function nltestProblem(out: { stdout: string; stderr: string; exitCode: number; error?: string }): string | undefined {
  if (out.error) return `nltest could not run: ${out.error}`;
  const text = `${out.stdout}\n${out.stderr}`;
  const bad = NLTEST_BAD.find((b) => text.includes(b));
  if (bad === "ERROR_NO_LOGON_SERVERS")
    return "nltest /query reports ERROR_NO_LOGON_SERVERS: no domain controller of the credential spec's domain answered (secure channel down)";
  if (bad) return `nltest /query reports ${bad}: the domain controller's RPC service could not be reached`;
  if (!text.includes(NLTEST_OK))
    return `nltest /query did not say "${NLTEST_OK}" (exit code ${out.exitCode})${text.trim() ? `: ${text.trim().split("\n")[0]}` : ""}`;
  return undefined;
}

type NltestOutput = { stdout: string; stderr: string; exitCode: number; error?: string };

/**
 * upstream's gmsa_full.go: a fresh container's secure channel may not be up yet, so `nltest /query` is retried
 * every second for a minute, with `nltest /sc_reset:<domain>` between tries to repair the channel. Returns the
 * first healthy answer, or the last one when the minute is spent (the caller judges it with nltestProblem).
 */
export async function queryDomain(
  run: (argv: string[]) => Promise<NltestOutput>,
  domain: string,
  o: { budgetMs: number; intervalMs?: number; now?: () => number; sleep?: (ms: number) => Promise<void> },
): Promise<{ out: NltestOutput; tries: number; resets: number }> {
  let last!: NltestOutput;
  let tries = 0;
  let resets = 0;
  await waitFor<true>(
    undefined,
    {
      what: "nltest /query to succeed",
      intervalMs: o.intervalMs ?? 1000,
      now: o.now,
      sleep: o.sleep,
      check: async () => {
        if (tries > 0) {
          resets++;
          await run(["nltest", `/sc_reset:${domain}`]).catch(() => undefined);
        }
        tries++;
        last = await run(["nltest", "/query"]);
        return nltestProblem(last) ? { pending: nltestProblem(last)! } : { done: true };
      },
    },
    { timeoutMs: o.budgetMs, onTimeout: () => true },
  );
  return { out: last, tries, resets };
}
