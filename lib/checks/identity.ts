// runAsUserName checks (Extend.RunAsUserName), after upstream's security_context.go: who a container runs as
// (`echo %USERNAME%`), how an unknown user fails ("The user name or password is incorrect." on a
// FailedCreatePodSandBox event, or a container that terminates with StartError / ContainerCannotRun), and the
// kubelet's refusal of ContainerAdministrator under runAsNonRoot.
import type * as k8s from "@kubernetes/client-node";

/** What Windows answers when an account does not exist (the HCS error the runtime passes on). */
export const USER_UNKNOWN_TEXT = "The user name or password is incorrect.";
/** The kubelet's runAsNonRoot verdict on ContainerAdministrator (matched case-insensitively, as upstream does). */
export const NON_ROOT_TEXT = "container's runAsUserName (ContainerAdministrator) which will be regarded as root identity and will break non-root policy";

/** The command upstream uses to print the user a container runs as. */
export const ECHO_USERNAME = ["cmd", "/S", "/C", "echo %USERNAME%"];

/** The user name a `cmd /c echo %USERNAME%` printed (its last non-empty line). */
export function printedUser(stdout: string): string {
  const lines = stdout
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? "";
}

/** undefined when the container printed `want` (compared case-insensitively); else the problem. */
export function userProblem(where: string, printed: string, want: string): string | undefined {
  if (printed.toLowerCase() === want.toLowerCase()) return undefined;
  if (printed === "%USERNAME%") return `${where}: %USERNAME% was not expanded (is this cmd.exe?)`;
  return `${where} runs as ${printed ? `"${printed}"` : "nobody (nothing printed)"}, expected "${want}"`;
}

export interface Evidence {
  /** One line: what showed the failure, e.g. `FailedCreatePodSandBox: … The user name or password is incorrect.` */
  seen: string;
}

const firstLine = (s: string | undefined) => (s ?? "").split("\n")[0];

/**
 * Did the pod fail the way upstream accepts for an unknown runAsUserName? Either a FailedCreatePodSandBox (or a
 * container Failed) event saying "The user name or password is incorrect.", or — for `containerLevel`, where only
 * this counts — a container terminated or waiting with reason StartError or ContainerCannotRun and that message.
 */
export function unknownUserEvidence(pod: k8s.V1Pod | undefined, events: k8s.CoreV1Event[], opts: { containerLevel: boolean }): Evidence | undefined {
  for (const cs of pod?.status?.containerStatuses ?? []) {
    const t = cs.state?.terminated ?? cs.lastState?.terminated;
    const w = cs.state?.waiting;
    for (const s of [t, w]) {
      // Only with Windows' own message: a StartError for any other cause (a missing entrypoint…) proves nothing here.
      if ((s?.reason === "StartError" || s?.reason === "ContainerCannotRun") && (s.message ?? "").includes(USER_UNKNOWN_TEXT))
        return { seen: `container ${cs.name}: ${s.reason}: ${firstLine(s.message)}` };
    }
  }
  if (opts.containerLevel) return undefined;
  const e = events.find((x) => (x.reason === "FailedCreatePodSandBox" || x.reason === "Failed") && (x.message ?? "").includes(USER_UNKNOWN_TEXT));
  return e ? { seen: `${e.reason}: ${firstLine(e.message)}` } : undefined;
}

/** Did the kubelet refuse ContainerAdministrator under runAsNonRoot with upstream's message? */
export function nonRootEvidence(pod: k8s.V1Pod | undefined, events: k8s.CoreV1Event[]): Evidence | undefined {
  const want = NON_ROOT_TEXT.toLowerCase();
  const e = events.find((x) => (x.message ?? "").toLowerCase().includes(want));
  if (e) return { seen: `${e.reason}: ${firstLine(e.message)}` };
  for (const cs of pod?.status?.containerStatuses ?? []) {
    const w = cs.state?.waiting;
    if (w?.message && w.message.toLowerCase().includes(want)) return { seen: `container ${cs.name}: ${w.reason}: ${firstLine(w.message)}` };
  }
  return undefined;
}

/** A container that started although it must not have: the problem, naming it; else undefined. */
export function startedAnyway(pod: k8s.V1Pod | undefined): string | undefined {
  const running = (pod?.status?.containerStatuses ?? []).filter((c) => c.state?.running || (c.state?.terminated && c.state.terminated.reason === "Completed"));
  return running.length ? `container(s) ${running.map((c) => c.name).join(", ")} started anyway` : undefined;
}

/** The latest state of a pod in one line, for a timeout message. */
export function podLine(pod: k8s.V1Pod | undefined): string {
  if (!pod) return "the pod does not exist";
  const cs = (pod.status?.containerStatuses ?? []).map((c) => {
    const [k, v] = Object.entries(c.state ?? {})[0] ?? ["unknown", {}];
    const { reason, message } = (v ?? {}) as { reason?: string; message?: string };
    const why = [reason, firstLine(message).slice(0, 240)].filter(Boolean).join(": ");
    return `${c.name}=${k}${why ? `(${why})` : ""}`;
  });
  return `phase ${pod.status?.phase ?? "?"}${pod.spec?.nodeName ? ` on ${pod.spec.nodeName}` : ""}${cs.length ? ` [${cs.join(", ")}]` : ""}`;
}

/**
 * The user a Windows image runs as when nothing sets runAsUserName: nanoserver (and upstream's nonroot test
 * image) default to ContainerUser; servercore, server and everything built on them (IIS) to ContainerAdministrator.
 */
export function defaultUserOf(image: string): "ContainerUser" | "ContainerAdministrator" {
  const repo = image
    .split("@")[0]
    .replace(/:[^/:]*$/, "")
    .toLowerCase();
  return /(^|\/)windows\/nanoserver$|(^|\/)nonroot$/.test(repo) ? "ContainerUser" : "ContainerAdministrator";
}
