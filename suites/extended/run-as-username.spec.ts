// Extend.RunAsUserName: which Windows account a container runs as — the image's default, the pod's
// securityContext.windowsOptions.runAsUserName, a container's own value overriding the pod's — and how the node
// refuses what it cannot honour: an unknown user ("The user name or password is incorrect.") and
// ContainerAdministrator under runAsNonRoot. After upstream's security_context.go and the docs' examples.
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { useTestEnv } from "../../lib/run/test-env.js";
import {
  ECHO_USERNAME,
  defaultUserOf,
  nonRootEvidence,
  podLine,
  printedUser,
  startedAnyway,
  unknownUserEvidence,
  USER_UNKNOWN_TEXT,
  userProblem,
  type Evidence,
} from "../../lib/checks/identity.js";
import { isFinished, isRunning } from "../../lib/checks/extended.js";
import { checkStep, explain } from "../../lib/run/steps.js";
import { fatalSandboxEvent, podReached } from "../../lib/run/polled-waits.js";
import { retryUntil } from "../../lib/cluster/wait.js";
import { categoryOf } from "../index.js";
import { RUN_AS_USERNAME } from "./run-as-username.titles.js";

const windowsOptions = (spec: k8s.V1PodSpec | k8s.V1Container) => ((spec.securityContext ??= {}).windowsOptions ??= {});

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  /** Runs `cmd /c echo %USERNAME%` in a running container and compares what it prints. */
  async function runsAs(pod: string, container: string, want: string, problems: string[]): Promise<void> {
    await checkStep(env, `${pod}/${container}: cmd /c echo %USERNAME% prints ${want}`, problems, async () => {
      const r = await env.exec(pod, container, ECHO_USERNAME);
      if (r.error || r.exitCode !== 0)
        return `${pod}/${container}: cmd /c echo %USERNAME% failed (exit ${r.exitCode}${r.error ? `: ${r.error}` : ""}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ""})`;
      return userProblem(`${pod}/${container}`, printedUser(r.stdout), want);
    });
  }

  const running = (name: string) => env.step(`wait for ${name} to be Running`, () => podReached(env, name, "to be Running", isRunning));

  it(RUN_AS_USERNAME.default, async () => {
    const [pod] = await env.step("deploy run-as-username-default: servercore and nanoserver, each printing %USERNAME% once", () =>
      env.deploy("run-as-username-default"),
    );
    const name = pod.metadata!.name!;
    const done = await env.step(`wait for ${name} to finish`, () => podReached(env, name, "to finish", isFinished));
    const problems: string[] = [];
    await checkStep(env, `${name} Succeeded`, problems, () => (done.status?.phase === "Succeeded" ? undefined : `${name} ended ${podLine(done)}`));
    for (const c of done.spec!.containers) {
      const want = defaultUserOf(c.image!);
      await checkStep(env, `${name}/${c.name} (${c.image}) logged ${want}`, problems, async () =>
        userProblem(`${name}/${c.name}`, printedUser(await env.logs(name, c.name)), want),
      );
    }
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });

  it(RUN_AS_USERNAME.pod, async () => {
    const objs = await env.step("deploy run-as-username-pod (ContainerUser) and a copy asking for ContainerAdministrator", () =>
      env.deploy("run-as-username-pod", {
        mutate: (o) => {
          const admin = structuredClone(o[0]) as k8s.V1Pod;
          admin.metadata!.name = "run-as-username-pod-admin";
          windowsOptions(admin.spec!).runAsUserName = "ContainerAdministrator";
          o.push(admin);
        },
      }),
    );
    const problems: string[] = [];
    for (const p of objs as k8s.V1Pod[]) {
      const name = p.metadata!.name!;
      await running(name);
      for (const c of p.spec!.containers) await runsAs(name, c.name, p.spec!.securityContext!.windowsOptions!.runAsUserName!, problems);
    }
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });

  it(RUN_AS_USERNAME.override, async () => {
    const [pod] = await env.step("deploy run-as-username-container, plus a second container that sets no runAsUserName", () =>
      env.deploy("run-as-username-container", {
        mutate: (o) => {
          const spec = (o[0] as k8s.V1Pod).spec!;
          const plain = structuredClone(spec.containers[0]);
          plain.name = "inherits-pod-level";
          delete plain.securityContext;
          spec.containers.push(plain);
        },
      }),
    );
    const name = pod.metadata!.name!;
    await running(name);
    const problems: string[] = [];
    await runsAs(name, "run-as-username-demo", "ContainerAdministrator", problems);
    await runsAs(name, "inherits-pod-level", "ContainerUser", problems);
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });

  it(RUN_AS_USERNAME.unknown, async () => {
    const objs = await env.step("deploy run-as-username-unknown: FooLish at pod level, and at container level", () => env.deploy("run-as-username-unknown"));
    const problems: string[] = [];
    for (const p of objs as k8s.V1Pod[]) {
      const name = p.metadata!.name!;
      const containerLevel = p.spec!.securityContext?.windowsOptions?.runAsUserName !== "FooLish";
      const how = containerLevel
        ? `its container terminates with StartError or ContainerCannotRun: "${USER_UNKNOWN_TEXT}"`
        : 'a FailedCreatePodSandBox event says "The user name or password is incorrect." (or its container fails to start)';
      await checkStep(env, `${name}: ${how}`, problems, async () => {
        const r = await refusal(name, (live, events) => unknownUserEvidence(live, events, { containerLevel }));
        await env.step(`seen: ${r}`, () => undefined);
      });
    }
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });

  it(RUN_AS_USERNAME.nonRoot, async () => {
    const [pod] = await env.step("deploy run-as-username-nonroot: runAsNonRoot true, runAsUserName ContainerAdministrator", () =>
      env.deploy("run-as-username-nonroot"),
    );
    const name = pod.metadata!.name!;
    const r = await env.step(
      `${name} is not started: "container's runAsUserName (ContainerAdministrator) which will be regarded as root identity and will break non-root policy"`,
      () => refusal(name, (live, events) => nonRootEvidence(live, events)),
    );
    await env.step(`seen: ${r}`, () => undefined);
  });

  /**
   * Until the pod shows the expected refusal (returns what showed it). Fails at once if a container starts after
   * all, or if the sandbox cannot be created for the pod-level user when that is not the refusal expected (the
   * node does not know ContainerUser/ContainerAdministrator either); after the pod start budget if nothing shows.
   */
  async function refusal(name: string, evidence: (live: k8s.V1Pod, events: k8s.CoreV1Event[]) => Evidence | undefined): Promise<string> {
    let outcome: { seen: string } | { wrong: string } | undefined;
    await explain(name, () =>
      retryUntil(
        `the expected start failure of ${name}`,
        env.budgets.podStartMs,
        async () => {
          const live = await env.core.readNamespacedPod({ name, namespace: env.ns });
          const events = await env.events(name);
          const started = startedAnyway(live);
          const seen = evidence(live, events);
          const sandbox = events.find(fatalSandboxEvent);
          const user = live.spec?.securityContext?.windowsOptions?.runAsUserName;
          if (started) outcome = { wrong: `${started}; expected the node to refuse it` };
          else if (seen) outcome = seen;
          else if (sandbox)
            outcome = {
              wrong: `the node does not know the pod-level user ${user ?? "(image default)"} either, so the pod sandbox cannot be created: ${sandbox.reason}: ${(sandbox.message ?? "").split("\n")[0]}`,
            };
          const warning = events.filter((e) => e.type === "Warning").pop();
          return outcome
            ? undefined
            : `no refusal yet: ${podLine(live)}${warning ? `; last warning: ${warning.reason}: ${(warning.message ?? "").split("\n")[0]}` : ""}`;
        },
        1000,
      ),
    );
    if (outcome && "wrong" in outcome) expect.fail(`${name}: ${outcome.wrong}`);
    return outcome!.seen;
  }
});
