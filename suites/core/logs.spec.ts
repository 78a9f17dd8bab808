// Core.Logs: what a Windows admin reads with `kubectl logs`. The docs' web server writes a request line for every
// request it answers; a killed container's log stays readable with --previous; and LogMonitor, the tool the docs
// recommend for Windows logs, pipes the sources its LogMonitorConfig.json configures to the container's stdout.
import { expect } from "chai";
import * as allure from "allure-js-commons";
import type * as k8s from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { useTestEnv, type TestEnv } from "../../lib/run/test-env.js";
import { WEB_PAGE_TITLE, hasRequestFor, podRef, reach, requestLines, type PodSource } from "../../lib/checks/network.js";
import { containerSummary, isRunning, isStarted, restarts } from "../../lib/checks/probes.js";
import { configuredSources, logMonitorEntries, logMonitorGaps, ownLines, sourcesSeen } from "../../lib/checks/logs.js";
import { categoryOf } from "../index.js";
import { skipWithReason } from "../../lib/run/steps.js";
import { LOGS } from "./logs.titles.js";

/** Log lines reach the API a moment after they are written: poll (bounded by the log-arrival budget) until `ok`. */
async function logUntil(env: TestEnv, pod: string, container: string, ok: (log: string) => boolean, o: { previous?: boolean } = {}): Promise<string> {
  let log = "";
  return env.wait.for<string>(
    {
      what: `the log of ${pod}[${container}]`,
      intervalMs: 500,
      check: async () => ((log = await env.logs(pod, container, o)), ok(log) ? { done: log } : { pending: "not there yet" }),
    },
    { timeoutMs: env.budgets.logArrivalMs, onTimeout: () => log },
  );
}

/** Requests from a Windows client to a server pod's IP, each on its own path; returns the paths. */
async function requests(env: TestEnv, from: PodSource, to: PodSource, tag: string, n: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 1; i <= n; i++) {
    const path = `/hc/${tag}/${i}`;
    paths.push(path);
    await reach(
      env,
      { path: "request to the docs' web server", from, to: { host: to.ip, port: 80, path, name: `pod ${to.pod} on ${to.node}` }, bodyIncludes: WEB_PAGE_TITLE },
      { steady: { stableMs: 0 } },
    );
  }
  return paths;
}

const lineCount = (log: string) => log.split("\n").filter((l) => l.trim()).length;

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  it(LOGS.requestLines, async () => {
    await env.step("deploy win-webserver + windows-client", () => env.deploy(["win-webserver", "windows-client"]));
    const [server] = await env.step("wait: win-webserver replicas Ready", () => env.wait.podsReady("app=win-webserver", 2));
    await env.wait.podReady("windows-client");
    const to = await podRef(env, server.metadata!.name!, "windowswebserver");
    const from = await podRef(env, "windows-client", "servercore");
    const paths = await requests(env, from, to, `logs-${randomBytes(3).toString("hex")}`, 3);
    await env.step(`kubectl logs ${to.pod} shows a request line for each of ${paths.join(", ")}`, async () => {
      const log = await logUntil(env, to.pod, to.container, (l) => paths.every((p) => hasRequestFor(requestLines(l), p)));
      await allure.attachment(`${to.pod}.log`, log, "text/plain");
      const missing = paths.filter((p) => !hasRequestFor(requestLines(log), p));
      expect(
        missing,
        `log of ${env.ns}/${to.pod}[${to.container}] on ${to.node}: no request line ("> http://${to.ip}<path>") for ${missing.join(", ")} after requests from ${from.pod}@${from.node}; the log has ${lineCount(log)} line(s)`,
      ).to.deep.equal([]);
    });
  });

  it(LOGS.previousLogs, async () => {
    const pod = "probes-liveness";
    const c = "windowswebserver";
    await env.step(`deploy ${pod} (the docs' web server with a liveness probe the test can break) + windows-client`, () => env.deploy([pod, "windows-client"]));
    await env.wait.podReady("windows-client");
    await env.step(`wait: ${pod} running with its container started`, () =>
      env.wait.podMatches(pod, "to be running with its container started", (x) => isRunning(x, c) && isStarted(x, c)),
    );
    await env.step("the first container stays up (no restart yet)", () =>
      env.wait.podHolds(pod, "keeps its first container while healthy", 3000, (x) =>
        restarts(x, c) > 0 || !isRunning(x, c) ? `was killed or restarted before the test restarted it: ${containerSummary(x, c)}` : undefined,
      ),
    );
    const to = await podRef(env, pod, c);
    const from = await podRef(env, "windows-client", "servercore");
    const paths = await requests(env, from, to, `before-restart-${randomBytes(3).toString("hex")}`, 2);
    await env.step("the first container logged the requests", async () => {
      const log = await logUntil(env, pod, c, (l) => paths.every((p) => hasRequestFor(requestLines(l), p)));
      const missing = paths.filter((p) => !hasRequestFor(requestLines(log), p));
      expect(missing, `log of ${env.ns}/${pod}[${c}]: no request line for ${missing.join(", ")}; the log has ${lineCount(log)} line(s)`).to.deep.equal([]);
    });

    await env.step("break the liveness probe (create C:\\unhealthy.txt) so the kubelet restarts the container", async () => {
      const r = await env.exec(pod, c, ["cmd", "/c", "echo unhealthy> C:\\unhealthy.txt"]);
      expect(r.exitCode, `exec in ${env.ns}/${pod}: ${r.error ?? r.stderr}`).to.equal(0);
    });
    await env.step(`wait: ${pod} restarted and running again`, () =>
      env.wait.podMatches(pod, "to be restarted", (x: k8s.V1Pod) => restarts(x, c) >= 1 && isRunning(x, c), {
        timeoutMs: env.budgets.containerRestartMs,
        allowReasons: ["CrashLoopBackOff", "Error"],
      }),
    );
    await env.step("kubectl logs --previous shows the first container's request lines; the current log does not", async () => {
      const prev = await logUntil(env, pod, c, (l) => paths.every((p) => hasRequestFor(requestLines(l), p)), { previous: true });
      const now = await env.logs(pod, c);
      await allure.attachment(`${pod}-previous.log`, prev, "text/plain");
      await allure.attachment(`${pod}-current.log`, now, "text/plain");
      const missing = paths.filter((p) => !hasRequestFor(requestLines(prev), p));
      expect(
        missing,
        `kubectl logs --previous ${env.ns}/${pod} -c ${c}: no request line for ${missing.join(", ")}; the previous log has ${lineCount(prev)} line(s)`,
      ).to.deep.equal([]);
      const leaked = paths.filter((p) => hasRequestFor(requestLines(now), p));
      expect(
        leaked,
        `the current log of ${env.ns}/${pod}[${c}] still shows the first container's requests ${leaked.join(", ")}: it is not a new container's log`,
      ).to.deep.equal([]);
    });
  });

  it(LOGS.logMonitor, async function () {
    const image = env.ctx.options.logMonitorImage;
    if (!image)
      return skipWithReason(
        this,
        "no image with LogMonitor given: LogMonitor.exe ships in no Microsoft image (users add it to their own); pass --logmonitor-image <image> to test it",
      );
    const objs = await env.step(`deploy logmonitor (LogMonitor.exe wrapping PowerShell; EventLog and File sources) from ${image}`, () =>
      env.deploy("logmonitor", {
        mutate: (objs) => {
          const pod = objs.find((o) => o.kind === "Pod") as k8s.V1Pod;
          for (const c of pod.spec!.containers) c.image = image;
        },
      }),
    );
    const cm = objs.find((o) => o.kind === "ConfigMap") as k8s.V1ConfigMap;
    const configured = configuredSources(cm.data!["LogMonitorConfig.json"]);
    await allure.parameter("configured sources", configured.map((s) => `${s.type} (${s.names.join(", ")})`).join("; "));
    await env.step("wait: logmonitor Ready", () => env.wait.podReady("logmonitor"));
    const pod = objs.find((o) => o.kind === "Pod") as k8s.V1Pod;
    const own = ownLines([...(pod.spec!.containers[0].command ?? []), ...(pod.spec!.containers[0].args ?? [])].join(" "));
    await allure.parameter("lines the container writes", own.map((l) => `${l.source}: ${l.text}`).join("; "));
    await env.step(
      "kubectl logs logmonitor shows an entry from every configured source, the container's own lines, and nothing from other sources",
      async () => {
        const log = await logUntil(env, "logmonitor", "app", (l) => logMonitorGaps(logMonitorEntries(l), configured, own).length === 0);
        await allure.attachment("logmonitor.log", log, "text/plain");
        const entries = logMonitorEntries(log);
        const { seen, unexpected } = sourcesSeen(entries, configured);
        await allure.logStep(`sources seen on stdout: ${seen.join(", ") || "none"}`);
        const gaps = logMonitorGaps(entries, configured, own);
        expect(gaps, `log of ${env.ns}/logmonitor[app] (${lineCount(log)} line(s)): ${gaps.join("; ")}`).to.deep.equal([]);
        expect(unexpected, `log of ${env.ns}/logmonitor[app] has entries from sources that are not configured`).to.deep.equal([]);
      },
    );
  });
});
