// Runs the rules over parsed objects and turns what they report into findings: object, field path, line in the
// file, severity and fix. Accepting (the lint-accept annotation) and --disable are applied here, once.
import { UserFacingError } from "../errors.js";
import { checkObject, formatPath, type ClusterFacts } from "./checks.js";
import type { ImageOSMap, Obj, RuntimeClassInfo } from "./pod.js";
import { ACCEPT_ANNOTATION, RULES, ruleById, type RuleId, type Severity } from "./rules.js";
import type { FieldPath, SourceObject } from "./source.js";

export interface Finding {
  rule: string;
  severity: Severity;
  /** "Deployment/web" or "Deployment/shop/web" when the manifest names a namespace. */
  object: string;
  /** The field in the API server's spelling, e.g. spec.template.spec.containers[0].image. */
  path: string;
  file: string;
  line: number;
  column: number;
  message: string;
  fix: string;
  /** Accepted on this object by the lint-accept annotation: shown, but never fails the run. */
  accepted?: boolean;
}

export interface LintOptions {
  /** Rule ids not to run at all. */
  disable?: readonly string[];
  /** Repository prefix → "windows" | "linux" | a Windows build, for images the lint cannot recognise. */
  imageOS?: ImageOSMap;
  /** The cluster's nodes and RuntimeClasses (with --kubeconfig). */
  cluster?: ClusterFacts;
}

/** Throws a one-line error naming the unknown ids (for --disable). */
export function assertRuleIds(ids: readonly string[]): void {
  const unknown = ids.filter((id) => !ruleById(id));
  if (unknown.length) throw new UserFacingError(`unknown rule ${unknown.join(", ")} (known: ${RULES.map((r) => r.id).join(", ")})`);
}

export function objectName(obj: Obj): string {
  const m = obj.metadata ?? {};
  return `${obj.kind}/${m.namespace ? `${m.namespace}/` : ""}${m.name ?? m.generateName ?? "<unnamed>"}`;
}

export function finding(src: SourceObject, rule: RuleId, path: FieldPath | string, message: string, fix: string): Finding {
  const arr = typeof path === "string" ? parseFieldPath(path) : path;
  const pos = src.locate(arr);
  return {
    rule,
    severity: ruleById(rule)!.severity,
    object: objectName(src.obj),
    path: typeof path === "string" ? path : formatPath(path),
    file: src.file,
    line: pos.line,
    column: pos.column,
    message,
    fix,
  };
}

/** "spec.containers[0].securityContext" → ["spec", "containers", 0, "securityContext"] (the API server's causes). */
export function parseFieldPath(s: string): FieldPath {
  const out: FieldPath = [];
  for (const m of s.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** The RuntimeClasses a pod can name: the cluster's, overridden by any defined in the input itself. */
export function runtimeClassesFrom(sources: readonly SourceObject[], cluster?: ClusterFacts): Map<string, RuntimeClassInfo> {
  const map = new Map<string, RuntimeClassInfo>();
  for (const rc of cluster?.runtimeClasses ?? []) map.set(rc.name, rc);
  for (const { obj } of sources) {
    if (obj.kind !== "RuntimeClass" || typeof obj.metadata?.name !== "string") continue;
    map.set(obj.metadata.name, {
      name: obj.metadata.name,
      nodeSelector: obj.scheduling?.nodeSelector ?? {},
      tolerations: Array.isArray(obj.scheduling?.tolerations) ? obj.scheduling.tolerations : [],
    });
  }
  return map;
}

/** Applies the accept annotation and --disable to raw findings of one object. */
function settle(src: SourceObject, raw: Finding[], disabled: Set<string>): Finding[] {
  const value: unknown = src.obj.metadata?.annotations?.[ACCEPT_ANNOTATION];
  const accepted = new Set(typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : []);
  const out = raw.filter((f) => !disabled.has(f.rule)).map((f) => (accepted.has(f.rule) ? { ...f, accepted: true } : f));
  const unknown = [...accepted].filter((id) => !ruleById(id));
  if (unknown.length && !disabled.has("accept-unknown-rule")) {
    out.push(
      finding(
        src,
        "accept-unknown-rule",
        ["metadata", "annotations", ACCEPT_ANNOTATION],
        `${ACCEPT_ANNOTATION} names unknown rule${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`,
        `use rule ids from docs/lint.md`,
      ),
    );
  }
  return out;
}

/** Lints parsed objects without a network: static rules, plus cluster-aware ones when opts.cluster is given. */
export function lint(sources: readonly SourceObject[], opts: LintOptions = {}): Finding[] {
  const disabled = new Set(opts.disable ?? []);
  const runtimeClasses = runtimeClassesFrom(sources, opts.cluster);
  const out: Finding[] = [];
  for (const src of sources) {
    const raw: Finding[] = [];
    checkObject(src.obj, {
      report: (rule, path, message, fix) => raw.push(finding(src, rule, path, message, fix)),
      runtimeClasses,
      imageOS: opts.imageOS ?? {},
      cluster: opts.cluster,
    });
    out.push(...settle(src, raw, disabled).sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return out;
}

/** Adds findings from elsewhere (the dry run) to an object, with the same accept/disable treatment. */
export function settleExtra(src: SourceObject, raw: Finding[], disable: readonly string[] = []): Finding[] {
  return settle(src, raw, new Set([...disable, "accept-unknown-rule"]));
}

/** Objects without a file (rendered fixtures): findings carry line 0. */
export function inMemory(objects: readonly Obj[], file: string): SourceObject[] {
  return objects.map((obj) => ({ obj, file, locate: () => ({ line: 0, column: 0 }) }));
}

/** Whether any finding that is not accepted is at or above `failOn`. */
export function fails(findings: readonly Finding[], failOn: Severity): boolean {
  const order: Severity[] = ["info", "warning", "error"];
  return findings.some((f) => !f.accepted && order.indexOf(f.severity) >= order.indexOf(failOn));
}
