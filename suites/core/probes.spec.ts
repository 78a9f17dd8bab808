// Core.Probes: the kubelet's probes on Windows containers. Each fixture's probe checks a file that the test creates
// or deletes with `kubectl exec`, so the test decides when a probe passes or fails: a failing readiness probe takes
// the pod out of its Service's EndpointSlice and a passing one brings it back; a failing liveness probe gets the
// container killed and restarted (restartCount, the previous container's log); a startup probe holds the other two
// back until it passes. The exec probes run every 3 s with a 3 s timeout, a pace a Windows node keeps; every wait
// on a probe is computed from the probe's own fields (lib/run/budgets.ts probeWindowMs).
import { expect } from "chai";
import * as allure from "allure-js-commons";
import type * as k8s from "@kubernetes/client-node";
import { useTestEnv, type TestEnv } from "../../lib/run/test-env.js";
import { containerSummary, isRunning, isStarted, killedFor, probeFailures, restarts } from "../../lib/checks/probes.js";
import { probePeriodsMs, probeReactionMs, probeWindowMs } from "../../lib/run/budgets.js";
import { containerStatus, isPodReady } from "../../lib/cluster/status.js";
import { categoryOf } from "../index.js";
import { PROBES } from "./probes.titles.js";

/** Runs a command that must succeed (creating or deleting a probe's marker file). */
async function run(env: TestEnv, pod: string, container: string, command: string[]): Promise<void> {
  await env.step(`exec in ${pod}[${container}]: ${command.join(" ")}`, async () => {
    const r = await env.exec(pod, container, command);
    expect(
      r.exitCode,
      `exec ${JSON.stringify(command.join(" "))} in ${env.ns}/${pod}[${container}] failed (exit ${r.exitCode}): ${r.error ?? r.stderr.trim()}`,
    ).to.equal(0);
  });
}

/** Waits for the kubelet's Unhealthy event of one probe kind. */
function unhealthy(env: TestEnv, pod: string, kind: "Liveness" | "Readiness" | "Startup"): Promise<k8s.CoreV1Event> {
  return env.step(`a "${kind} probe failed" (Unhealthy) event on ${pod}`, () =>
    env.wait.event(pod, "Unhealthy", (e) => (e.message ?? "").startsWith(`${kind} probe failed`)),
  );
}

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  it(PROBES.readiness, async () => {
    const pod = "probes-readiness-exec";
    const svc = "probes-readiness-exec";
    await env.step(`deploy ${pod} (readiness: cmd /c type C:\\ready.txt, every 3 s) and its Service`, () => env.deploy(pod));
    const p = await env.step(`wait: ${pod} Ready (the container wrote C:\\ready.txt)`, () => env.wait.podReady(pod));
    const ip = p.status!.podIP!;
    await env.step(`${ip} is a ready endpoint of service ${svc}`, () => env.wait.endpoints(svc, (ips) => ips.includes(ip), `ready pod ${pod} (${ip})`));

    await run(env, pod, "app", ["cmd", "/c", "del C:\\ready.txt"]);
    // The kubelet's reaction window: period × threshold + timeout, plus the run's slack.
    const readiness = p.spec!.containers[0].readinessProbe;
    const window = (verdict: "failure" | "success") => probeWindowMs(env.budgets, readiness, verdict);
    await env.step(`${pod} turns NotReady`, () =>
      env.wait.podMatches(pod, "to turn NotReady after its readiness probe fails", (x) => !isPodReady(x), { timeoutMs: window("failure") }),
    );
    await unhealthy(env, pod, "Readiness");
    await env.step(`${ip} leaves the ready endpoints of service ${svc}`, () =>
      env.wait.endpoints(svc, (ips) => !ips.includes(ip), `no ready address ${ip} (pod ${pod} is NotReady)`),
    );
    await env.step(`${pod} stays NotReady (and is not restarted) while the probe keeps failing`, () =>
      env.wait.podHolds(pod, "stays NotReady while its readiness probe fails", probePeriodsMs(readiness, 1), (x) =>
        isPodReady(x)
          ? `turned Ready although C:\\ready.txt is gone: ${containerSummary(x, "app")}`
          : restarts(x, "app") > 0
            ? `was restarted; a readiness probe must not restart: ${containerSummary(x, "app")}`
            : undefined,
      ),
    );

    await run(env, pod, "app", ["cmd", "/c", "echo ready> C:\\ready.txt"]);
    await env.step(`${pod} turns Ready again`, () =>
      env.wait.podMatches(pod, "to turn Ready again once its readiness probe passes", isPodReady, { timeoutMs: window("success") }),
    );
    await env.step(`${ip} is back among the ready endpoints of service ${svc}`, () =>
      env.wait.endpoints(svc, (ips) => ips.includes(ip), `ready pod ${pod} (${ip}) again`),
    );
  });

  it(PROBES.liveness, async () => {
    const pod = "probes-liveness";
    const c = "windowswebserver";
    await env.step(`deploy ${pod} (the docs' web server; liveness: cmd /c if exist C:\\unhealthy.txt exit 1, every 3 s)`, () => env.deploy(pod));
    const started = await env.step(`wait: ${pod} running with its container started`, () =>
      env.wait.podMatches(pod, "to be running with its container started", (x) => isRunning(x, c) && isStarted(x, c)),
    );
    const liveness = started.spec!.containers.find((x) => x.name === c)?.livenessProbe;
    await env.step("the container is not restarted while its liveness probe passes", () =>
      // As long as a failing liveness probe would take to get it killed: a probe that fails anyway shows here.
      env.wait.podHolds(pod, "keeps restartCount 0 while healthy", probeReactionMs(liveness, "failure"), (x) =>
        restarts(x, c) > 0 || !isRunning(x, c) ? `was killed or restarted although its liveness probe should pass: ${containerSummary(x, c)}` : undefined,
      ),
    );

    await run(env, pod, c, ["cmd", "/c", "echo unhealthy> C:\\unhealthy.txt"]);
    const after = await env.step(`${pod} is restarted (restartCount ≥ 1) and running again`, () =>
      env.wait.podMatches(pod, "to be restarted after its liveness probe fails", (x) => restarts(x, c) >= 1 && isRunning(x, c), {
        // The probe's failure window for the kill, then the restart (back-off included).
        timeoutMs: probeWindowMs(env.budgets, liveness, "failure") + env.budgets.containerRestartMs,
        allowReasons: ["CrashLoopBackOff", "Error"],
      }),
    );
    await unhealthy(env, pod, "Liveness");
    await env.step("the kubelet says it killed the container for its liveness probe", async () => {
      const ev = killedFor(await env.events(pod), "liveness");
      expect(
        ev,
        `no "Killing ... failed liveness probe" event on ${env.ns}/${pod}; events: ${(await env.events(pod)).map((e) => `${e.reason}: ${e.message}`).join(" | ")}`,
      ).to.exist;
      await allure.logStep(`${ev!.reason}: ${ev!.message}`);
    });
    await env.step("the killed container is recorded as the last state", async () => {
      const last = containerStatus(after, c)?.lastState?.terminated;
      expect(last, `pod ${env.ns}/${pod}[${c}] has no lastState.terminated after a restart: ${JSON.stringify(containerStatus(after, c))}`).to.exist;
      await allure.logStep(`lastState.terminated: reason ${last!.reason}, exit code ${last!.exitCode}`);
    });
    await env.step("the previous container's log is readable (kubectl logs --previous)", async () => {
      const prev = await env.logs(pod, c, { previous: true });
      await allure.attachment(`${pod}-previous.log`, prev, "text/plain");
      expect(
        prev,
        `kubectl logs --previous ${env.ns}/${pod} -c ${c}: expected the killed web server's "Listening at" line, got ${JSON.stringify(prev.slice(0, 300))}`,
      ).to.match(/Listening at/);
    });
    await env.step("the restarted container is healthy again (fresh file system, no C:\\unhealthy.txt)", () =>
      env.wait.podHolds(pod, "stays up after its restart", probeReactionMs(liveness, "failure"), (x) =>
        restarts(x, c) > 1 || !isRunning(x, c) ? `was killed or restarted again: ${containerSummary(x, c)}` : undefined,
      ),
    );
  });

  it(PROBES.startup, async () => {
    const pod = "probes-startup";
    const c = "app";
    await env.step(`deploy ${pod} (startup: cmd /c type C:\\started.txt every 3 s; readiness would pass, liveness would fail)`, () => env.deploy(pod));
    const running = await env.step(`wait: ${pod} Running`, () => env.wait.podRunning(pod));
    const probes = running.spec!.containers.find((x) => x.name === c)!;
    // Held back for as long as an unheld readiness probe would take to pass or an unheld liveness probe to kill,
    // which must end well before the startup probe's own deadline (period × failureThreshold) kills the container.
    const hold = Math.max(probeReactionMs(probes.readinessProbe, "first-success"), probeReactionMs(probes.livenessProbe, "failure"));
    const startupDeadline = probePeriodsMs(probes.startupProbe, probes.startupProbe?.failureThreshold ?? 3);
    if (hold >= startupDeadline / 2)
      expect.fail(`fixture ${pod}: the startup probe's deadline (${startupDeadline} ms) leaves no room to watch it hold the other probes back for ${hold} ms`);
    await env.step(`while the startup probe fails (${hold} ms): not started, not Ready, not restarted`, () =>
      env.wait.podHolds(pod, "is held back by its startup probe", hold, (x) => {
        if (isStarted(x, c)) return `container reported started before its startup probe could pass: ${containerSummary(x, c)}`;
        if (isPodReady(x)) return `pod turned Ready before its startup probe passed (the readiness probe was not held back): ${containerSummary(x, c)}`;
        if (restarts(x, c) > 0)
          return `container was restarted before its startup probe passed (the liveness probe was not held back): ${containerSummary(x, c)}`;
        return undefined;
      }),
    );
    await env.step("only the startup probe has run (Unhealthy events name the Startup probe only)", async () => {
      const events = await env.events(pod);
      expect(probeFailures(events, "Startup"), `no "Startup probe failed" event on ${env.ns}/${pod}`).not.to.be.empty;
      const others = [...probeFailures(events, "Liveness"), ...probeFailures(events, "Readiness")].map((e) => e.message);
      expect(others, `probes ran before the startup probe passed on ${env.ns}/${pod}: ${others.join(" | ")}`).to.deep.equal([]);
    });

    await run(env, pod, c, ["cmd", "/c", "echo started> C:\\started.txt"]);
    const ready = await env.step(`${pod} starts and turns Ready`, () =>
      env.wait.podMatches(pod, "to turn Ready once its startup probe passes", (x) => isPodReady(x) && isStarted(x, c), {
        timeoutMs: probeWindowMs(env.budgets, probes.startupProbe, "success") + probeWindowMs(env.budgets, probes.readinessProbe, "first-success"),
      }),
    );
    expect(restarts(ready, c), `pod ${env.ns}/${pod} was restarted on its way to Ready: ${containerSummary(ready, c)}`).to.equal(0);
    await env.step("now that liveness runs, it passes: no restart", () =>
      env.wait.podHolds(pod, "keeps running with restartCount 0 once started", probeReactionMs(probes.livenessProbe, "failure"), (x) =>
        restarts(x, c) > 0 || !isRunning(x, c)
          ? `was killed or restarted after its startup probe passed: ${containerSummary(x, c)}`
          : !isPodReady(x)
            ? `turned NotReady: ${containerSummary(x, c)}`
            : undefined,
      ),
    );
  });
});
