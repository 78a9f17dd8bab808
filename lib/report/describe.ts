// A `kubectl describe pod`-style text for the failure bundle: what a reader checks first (where the pod runs,
// each container's state and last state, conditions, the pod's own events) without reading YAML.
// Environment variables are listed by name and source only: values may be credentials.
import type * as k8s from "@kubernetes/client-node";
import { redactText } from "./redact.js";

/** An API timestamp (Date or string) as ISO 8601, or `missing` when absent. */
export const isoTime = (t: Date | string | undefined, missing = "?") => (t ? new Date(t).toISOString() : missing);
const when = (t: Date | string | undefined) => isoTime(t);

function containerState(s: k8s.V1ContainerState | undefined): string {
  if (!s) return "Waiting (no status yet)";
  if (s.running) return `Running since ${when(s.running.startedAt)}`;
  if (s.waiting) return `Waiting: ${s.waiting.reason ?? ""}${s.waiting.message ? ` — ${s.waiting.message}` : ""}`;
  if (s.terminated) {
    const t = s.terminated;
    return `Terminated: ${t.reason ?? ""} (exit code ${t.exitCode}${t.signal ? `, signal ${t.signal}` : ""}) ${when(t.startedAt)} → ${when(t.finishedAt)}${t.message ? ` — ${t.message}` : ""}`;
  }
  return "Unknown";
}

function envSource(e: k8s.V1EnvVar): string {
  const f = e.valueFrom;
  if (!f) return "(set in the manifest)";
  if (f.secretKeyRef) return `from Secret ${f.secretKeyRef.name}/${f.secretKeyRef.key}`;
  if (f.configMapKeyRef) return `from ConfigMap ${f.configMapKeyRef.name}/${f.configMapKeyRef.key}`;
  if (f.fieldRef) return `from field ${f.fieldRef.fieldPath}`;
  if (f.resourceFieldRef) return `from resource ${f.resourceFieldRef.resource}`;
  return "(from another source)";
}

function probe(p: k8s.V1Probe | undefined): string | undefined {
  if (!p) return undefined;
  const how = p.httpGet
    ? `http-get ${p.httpGet.scheme ?? "HTTP"}://:${p.httpGet.port}${p.httpGet.path ?? "/"}`
    : p.tcpSocket
      ? `tcp-socket :${p.tcpSocket.port}`
      : p.exec
        ? `exec [${(p.exec.command ?? []).join(" ")}]`
        : p.grpc
          ? `grpc :${p.grpc.port}`
          : "?";
  return `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

export function describePod(p: k8s.V1Pod, events: k8s.CoreV1Event[]): string {
  const lines: string[] = [];
  const add = (k: string, v: unknown, indent = 0) => lines.push(`${" ".repeat(indent)}${`${k}:`.padEnd(Math.max(18 - indent, k.length + 2))}${v ?? "<none>"}`);
  const s = p.status ?? {};
  add("Name", p.metadata?.name);
  add("Namespace", p.metadata?.namespace);
  add("Node", p.spec?.nodeName ? `${p.spec.nodeName}/${s.hostIP ?? "?"}` : "<none> (not scheduled)");
  add("OS (spec.os)", p.spec?.os?.name);
  add(
    "Node selector",
    Object.entries(p.spec?.nodeSelector ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(", ") || undefined,
  );
  add(
    "Tolerations",
    (p.spec?.tolerations ?? []).map((t) => `${t.key ?? "*"}${t.operator === "Exists" ? "" : `=${t.value ?? ""}`}:${t.effect ?? "*"}`).join(", ") || undefined,
  );
  add("RuntimeClass", p.spec?.runtimeClassName);
  const win = p.spec?.securityContext?.windowsOptions;
  if (win)
    add(
      "Windows options",
      [
        win.runAsUserName && `runAsUserName=${win.runAsUserName}`,
        win.gmsaCredentialSpecName && `gmsa=${win.gmsaCredentialSpecName}`,
        win.hostProcess && "hostProcess",
      ]
        .filter(Boolean)
        .join(", "),
    );
  add("Start time", s.startTime ? when(s.startTime) : undefined);
  add("Status", `${s.phase ?? "?"}${s.reason ? ` (${s.reason}${s.message ? `: ${s.message}` : ""})` : ""}`);
  add("IP", s.podIP);
  add("QoS class", s.qosClass);
  const statuses = [...(s.initContainerStatuses ?? []), ...(s.containerStatuses ?? [])];
  for (const [kind, list] of [
    ["Init containers", p.spec?.initContainers ?? []],
    ["Containers", p.spec?.containers ?? []],
  ] as const) {
    if (!list.length) continue;
    lines.push(`${kind}:`);
    for (const c of list) {
      const st = statuses.find((x) => x.name === c.name);
      lines.push(`  ${c.name}:`);
      add("Image", c.image, 4);
      add("Image ID", st?.imageID || undefined, 4);
      if (c.command?.length || c.args?.length) add("Command", [...(c.command ?? []), ...(c.args ?? [])].join(" "), 4);
      add("State", containerState(st?.state), 4);
      if (st?.lastState && Object.keys(st.lastState).some((k) => (st.lastState as Record<string, unknown>)[k]))
        add("Last state", containerState(st.lastState), 4);
      add("Ready", st?.ready ?? false, 4);
      add("Restart count", st?.restartCount ?? 0, 4);
      const req = c.resources?.requests,
        lim = c.resources?.limits;
      if (req || lim) add("Resources", `requests ${JSON.stringify(req ?? {})} limits ${JSON.stringify(lim ?? {})}`, 4);
      for (const [name, pr] of [
        ["Liveness", c.livenessProbe],
        ["Readiness", c.readinessProbe],
        ["Startup", c.startupProbe],
      ] as const)
        if (pr) add(name, probe(pr), 4);
      if (c.env?.length) add("Environment", c.env.map((e) => `${e.name} ${envSource(e)}`).join("; "), 4);
    }
  }
  lines.push("Conditions:");
  for (const c of s.conditions ?? []) lines.push(`  ${c.type.padEnd(26)}${c.status}${c.reason ? `  ${c.reason}` : ""}${c.message ? `: ${c.message}` : ""}`);
  const own = events.filter((e) => e.involvedObject.kind === "Pod" && e.involvedObject.name === p.metadata?.name);
  lines.push(own.length ? "Events:" : "Events:           <none>");
  for (const e of own) {
    const count = e.count && e.count > 1 ? ` (x${e.count})` : "";
    lines.push(
      `  ${e.type ?? ""}  ${e.reason ?? ""}${count}  ${e.source?.component ?? e.reportingComponent ?? ""}${e.source?.host ? `@${e.source.host}` : ""}: ${e.message ?? ""}`,
    );
  }
  return redactText(lines.join("\n"));
}
