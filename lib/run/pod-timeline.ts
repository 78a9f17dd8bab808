// Where a test's pod time went: scheduling, pulling, creating, starting, waiting for readiness. Watched live for
// the test's namespace (pods and the kubelet's events), timed by arrival in milliseconds — event timestamps carry
// whole seconds only. Per container the first Pulling/Pulled/Created/Started count (a restart is not a start-up).
import * as k8s from "@kubernetes/client-node";

export interface PhaseTimes {
  schedulingMs: number;
  pullingMs: number;
  creatingMs: number;
  startingMs: number;
  readinessMs: number;
}

/** A test's phases: each summed over its pods (pod time, not wall time: pods start side by side). */
export interface TestPhases extends PhaseTimes {
  pods: number;
}

/** Where mocha keeps a test's phases until the runner records them (summary.json `phases`). */
export const TEST_PHASES = "podPhases";

interface ContainerSeen {
  pulling?: number;
  pulled?: number;
  created?: number;
  started?: number;
}
interface PodSeen {
  seen: number;
  scheduled?: number;
  ready?: number;
  containers: Map<string, ContainerSeen>;
}

export class PodTimeline {
  private readonly pods = new Map<string, PodSeen>();
  private readonly aborts: AbortController[] = [];
  private stopped = false;

  constructor(
    private readonly kc?: k8s.KubeConfig,
    private readonly ns?: string,
  ) {}

  start(): this {
    void this.follow(`/api/v1/namespaces/${this.ns}/pods`, (p: k8s.V1Pod) => this.notePod(p));
    void this.follow(`/api/v1/namespaces/${this.ns}/events`, (e: k8s.CoreV1Event) => this.noteEvent(e));
    return this;
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
  }

  private pod(name: string, now: number): PodSeen {
    let p = this.pods.get(name);
    if (!p) this.pods.set(name, (p = { seen: now, containers: new Map() }));
    return p;
  }

  notePod(p: k8s.V1Pod, now = Date.now()): void {
    const s = this.pod(p.metadata!.name!, now);
    if (p.spec?.nodeName) s.scheduled ??= now;
    if (p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) s.ready ??= now;
  }

  noteEvent(e: k8s.CoreV1Event, now = Date.now()): void {
    if (e.involvedObject?.kind !== "Pod" || !e.involvedObject.name) return;
    const s = this.pod(e.involvedObject.name, now);
    if (e.reason === "Scheduled") s.scheduled ??= now;
    const container = /\{(.+)\}$/.exec(e.involvedObject.fieldPath ?? "")?.[1];
    if (!container) return;
    const c = s.containers.get(container) ?? {};
    s.containers.set(container, c);
    if (e.reason === "Pulling") c.pulling ??= now;
    else if (e.reason === "Pulled") c.pulled ??= now;
    else if (e.reason === "Created") c.created ??= now;
    else if (e.reason === "Started") c.started ??= now;
  }

  /** Per pod, and summed for the test. */
  phases(): { total: TestPhases; pods: Record<string, PhaseTimes> } {
    const pods: Record<string, PhaseTimes> = {};
    const d = (a?: number, b?: number) => (a !== undefined && b !== undefined ? Math.max(0, b - a) : 0);
    for (const [name, p] of this.pods) {
      const cs = [...p.containers.values()];
      const lastStart = Math.max(...cs.map((c) => c.started ?? -Infinity));
      pods[name] = {
        schedulingMs: d(p.seen, p.scheduled),
        pullingMs: cs.reduce((t, c) => t + d(c.pulling, c.pulled), 0),
        // From the image being there (or the pod bound, for the first container) to the container created.
        creatingMs: cs.reduce((t, c) => t + d(c.pulled ?? p.scheduled, c.created), 0),
        startingMs: cs.reduce((t, c) => t + d(c.created, c.started), 0),
        readinessMs: Number.isFinite(lastStart) ? d(lastStart, p.ready) : 0,
      };
    }
    const list = Object.values(pods);
    const sum = (k: keyof PhaseTimes) => list.reduce((t, x) => t + x[k], 0);
    return {
      total: {
        pods: list.length,
        schedulingMs: sum("schedulingMs"),
        pullingMs: sum("pullingMs"),
        creatingMs: sum("creatingMs"),
        startingMs: sum("startingMs"),
        readinessMs: sum("readinessMs"),
      },
      pods,
    };
  }

  /** Watch (without a resourceVersion a watch starts with every existing object as ADDED); resumed until stop(). */
  private async follow<T extends k8s.KubernetesObject>(path: string, note: (o: T) => void): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        void new k8s.Watch(this.kc!)
          .watch(
            path,
            {},
            (type, obj: T) => (type === "ADDED" || type === "MODIFIED" ? note(obj) : undefined),
            () => resolve(),
          )
          .then(
            (a) => (this.stopped ? a.abort() : this.aborts.push(a)),
            () => resolve(),
          );
      });
      if (!this.stopped) await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Ends the timeline at a test's end: the phases go to the report — Allure parameters (summed) and a per-pod
 * attachment — and onto the mocha test, where the runner picks them up for summary.json.
 */
const names = { schedulingMs: "scheduling", pullingMs: "pulling", creatingMs: "creating", startingMs: "starting", readinessMs: "readiness" } as const;

/**
 * A test's phases as Allure parameters ("pod time: pulling" …). Added to the results after the run
 * (lib/report/allure.ts finalizeResults): allure-mocha takes no parameters from an afterEach.
 */
export function phaseParameters(phases: TestPhases): { name: string; value: string }[] {
  return Object.entries(names).map(([k, label]) => ({ name: `pod time: ${label}`, value: secs(phases[k as keyof PhaseTimes]) }));
}

export async function reportPodPhases(test: Mocha.Test | undefined, timeline: PodTimeline): Promise<void> {
  timeline.stop();
  const { total, pods } = timeline.phases();
  if (!total.pods) return;
  if (test) (test as unknown as Record<string, unknown>)[TEST_PHASES] = total;
  const allure = await import("allure-js-commons");
  const rows = Object.entries(pods).map(
    ([pod, t]) =>
      `${pod}: ${Object.entries(names)
        .map(([k, l]) => `${l} ${secs(t[k as keyof PhaseTimes])}`)
        .join(", ")}`,
  );
  await allure.attachment("pod phases", rows.join("\n") + "\n", "text/plain");
}
