// What phase a pod is in, from the kubelet's and cluster-autoscaler's events, so a wait can give each phase its own
// budget: scheduling (a scale-up on the way: `TriggeredScaleUp`), pulling (`Pulling` … `Pulled`), then creating,
// starting, ready on the start budget. Pulling a Windows image or provisioning a node takes minutes on a healthy
// cluster; neither may eat the start budget, and neither may keep a doomed pod waiting (see pullFailureIsFinal).
import * as k8s from "@kubernetes/client-node";

/** Per-phase budgets (ms), from the run's budgets (lib/run/budgets.ts). */
export interface PhaseBudgets {
  imagePullMs: number;
  scaleUpMs: number;
}

/**
 * A pull error nothing but a change to the pod or the registry can fix: the image or tag does not exist, has no
 * variant for the node's platform, the reference is malformed, or the registry refuses the credentials. Anything
 * else (timeouts, resets, 5xx, 429) is retried by the kubelet with back-off and may still succeed.
 */
export function pullFailureIsFinal(message: string): boolean {
  return /not found|manifest unknown|no match for platform in manifest|name unknown|invalid reference format|InvalidImageName|\b40[13]\b|forbidden|unauthorized|denied|pull access denied/i.test(
    message,
  );
}

interface Seen {
  pullingAt?: number;
  pulledAt?: number;
  scaleUpAt?: number;
  scaleUp?: string;
}

/** Events of the watched pods, as they arrive; `extraMs` says how much phase time a pod's start budget excludes. */
export class PodPhases {
  private readonly seen = new Map<string, Seen>();
  private stopped = false;
  private abort?: AbortController;

  constructor(
    private readonly kc: k8s.KubeConfig,
    private readonly ns: string,
    private readonly budgets: PhaseBudgets,
  ) {}

  start(): this {
    void this.cycle();
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  /** Feeds one event (exported for tests): the first Pulling, the last Pulled, the first TriggeredScaleUp. */
  note(e: k8s.CoreV1Event, now = Date.now()): void {
    if (e.involvedObject?.kind !== "Pod" || !e.involvedObject.name) return;
    const s = this.seen.get(e.involvedObject.name) ?? {};
    this.seen.set(e.involvedObject.name, s);
    if (e.reason === "Pulling") s.pullingAt ??= now;
    else if (e.reason === "Pulled" && s.pullingAt !== undefined) s.pulledAt = now;
    else if (e.reason === "TriggeredScaleUp") {
      s.scaleUpAt ??= now;
      s.scaleUp = e.message;
    }
  }

  /** The scale-up cluster-autoscaler announced for the pod, if any (then Unschedulable is not final). */
  scaleUpFor(pod: string): string | undefined {
    return this.seen.get(pod)?.scaleUp;
  }

  /** Whether the pod's pull has been going on longer than the pull budget (then a retrying pull is final). */
  pullBudgetSpent(pod: string, now = Date.now()): boolean {
    const s = this.seen.get(pod);
    return s?.pullingAt !== undefined && s.pulledAt === undefined && now - s.pullingAt >= this.budgets.imagePullMs;
  }

  /** Time spent pulling and waiting for a new node, each capped at its budget: not charged to the start budget. */
  extraMs(pod: string, now = Date.now()): number {
    const s = this.seen.get(pod);
    if (!s) return 0;
    const pull = s.pullingAt === undefined ? 0 : Math.min((s.pulledAt ?? now) - s.pullingAt, this.budgets.imagePullMs);
    const scale = s.scaleUpAt === undefined ? 0 : Math.min((s.pullingAt ?? now) - s.scaleUpAt, this.budgets.scaleUpMs);
    return Math.max(0, pull) + Math.max(0, scale);
  }

  /** The most phase time any watched pod earned (for waits on a selector or a Deployment). */
  maxExtraMs(now = Date.now()): number {
    return Math.max(0, ...[...this.seen.keys()].map((p) => this.extraMs(p, now)));
  }

  private async cycle(): Promise<void> {
    while (!this.stopped) {
      try {
        const core = this.kc.makeApiClient(k8s.CoreV1Api);
        const list = await core.listNamespacedEvent({ namespace: this.ns });
        // Listed events happened before the wait looked: their own timestamps say when.
        for (const e of list.items) this.note(e, eventTime(e));
        if (this.stopped) return;
        await new Promise<void>((resolve) => {
          void new k8s.Watch(this.kc)
            .watch(
              `/api/v1/namespaces/${this.ns}/events`,
              { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
              (type, obj: k8s.CoreV1Event) => {
                if (type === "ADDED" || type === "MODIFIED") this.note(obj);
              },
              () => resolve(),
            )
            .then(
              (a) => (this.stopped ? a.abort() : (this.abort = a)),
              () => resolve(),
            );
        });
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

function eventTime(e: k8s.CoreV1Event): number {
  const t = e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  const ms = t ? new Date(t as unknown as string).getTime() : NaN;
  return Number.isFinite(ms) ? Math.min(ms, Date.now()) : Date.now();
}
