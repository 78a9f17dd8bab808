// Core.Rejections: the API server refuses Windows pods that carry what Windows cannot honour, with the exact
// Status upstream validation gives (422 Invalid, details.causes[] reason + field path), and accepts what Windows
// allows. Every case is a server-side dry-run create (dryRun=All): the whole admission chain and validation run,
// nothing is stored and nothing starts. One Allure step per case; a test runs all its steps and then fails with
// every mismatch, each naming the field, what was sent and what came back.
import * as allure from "allure-js-commons";
import type * as k8s from "@kubernetes/client-node";
import { useTestEnv } from "../../lib/run/test-env.js";
import { toYaml } from "../../lib/report/yaml.js";
import {
  gmsaFieldCases,
  hostProcessCases,
  linuxPod,
  linuxWindowsOptionsCases,
  osFieldCases,
  runAsUserNameCases,
  runAsUserNamePath,
  windowsAllowedFields,
  windowsForbiddenFields,
  windowsPod,
  type ExpectedCause,
  type RejectionCase,
} from "../../lib/fixtures/rejections.js";
import { failureMessage, matchOutcome, show, submitPod, valueAt, type Expectation } from "../../lib/checks/rejections.js";
import { categoryOf } from "../index.js";
import { REJECTIONS } from "./rejections.titles.js";

type Setter = (pod: k8s.V1Pod) => void;

interface Case {
  /** The Allure step's title. */
  step: string;
  base: "windows" | "linux";
  set?: Setter;
  expect: Expectation;
  /** Paths whose sent values the failure message quotes (and compares with the answer). */
  paths: string[];
  /** Extra check on an accepted answer; returns a problem or undefined. */
  accepted?: (sent: k8s.V1Pod, answer: k8s.V1Pod) => string | undefined;
}

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  /** A base pod rendered through the scheduling guard for this cluster and test namespace. */
  function basePod(base: "windows" | "linux"): k8s.V1Pod {
    const [pod] = env.render([base === "windows" ? windowsPod() : linuxPod()]);
    return pod as k8s.V1Pod;
  }

  /** What was sent, in one line: the values at the case's paths (those set) and the pod's OS. */
  const sentText = (pod: k8s.V1Pod, base: string, paths: string[]) => {
    const fields = paths.filter((p) => p !== "spec" && valueAt(pod, p) !== undefined).map((p) => `${p}=${show(valueAt(pod, p))}`);
    const os = paths.includes("spec.os.name") ? "" : ` (spec.os.name=${show(pod.spec?.os?.name)})`;
    return `${fields.length ? fields.join(", ") : "nothing extra"} on a ${base} pod${os}`;
  };

  /** Runs each case as one step; fails the test afterwards with every mismatch (the first line names them all). */
  async function runCases(cases: Case[]): Promise<void> {
    const failures: string[] = [];
    for (const c of cases) {
      await env
        .step(c.step, async () => {
          const pod = basePod(c.base);
          c.set?.(pod);
          const outcome = await submitPod(env.core, env.ns, pod);
          const verdict = matchOutcome(outcome, c.expect);
          let problem = verdict.ok ? undefined : failureMessage(verdict, sentText(pod, c.base, c.paths), outcome, pod, c.paths);
          if (!problem && outcome.accepted && c.accepted) problem = c.accepted(pod, outcome.object);
          await allure.parameter("answer", verdict.got.slice(0, 400));
          if (problem) {
            await allure.attachment("sent-pod.yaml", toYaml(pod), "application/yaml");
            await allure.attachment(
              "answer.yaml",
              toYaml(outcome.accepted ? outcome.object : (outcome.status ?? { error: String(outcome.error) })),
              "application/yaml",
            );
            throw new Error(problem);
          }
        })
        .catch((e: Error) => failures.push(`[${c.step}] ${e.message}`));
    }
    if (failures.length) throw new Error(`${failures.length} of ${cases.length} checks failed: ${failures.join(" | ")}`);
  }

  const rejects = (causes: ExpectedCause[]): Expectation => ({ reject: causes });
  const fromCase = (c: RejectionCase, paths = c.causes.map((x) => x.field)): Case => ({
    step: c.accepted ? `${c.name}: accepted` : `${c.name}: ${c.causes.map((x) => `${x.reason} on ${x.field}`).join(", ")}`,
    base: c.base,
    set: c.set,
    expect: c.accepted ? { accept: true } : rejects(c.causes),
    paths,
  });

  it(REJECTIONS.forbidden, async () => {
    await runCases([
      { step: "control: the base Windows pod, without any of them, is accepted", base: "windows", expect: { accept: true }, paths: [] },
      ...windowsForbiddenFields.map((f): Case => ({
        step: `${f.level === "pod" ? "pod" : f.path.startsWith("spec.initContainers") ? "init container" : "container"}: ${f.path} → ${f.reason}`,
        base: "windows",
        set: f.set,
        expect: rejects([{ field: f.path, reason: f.reason, message: f.message }]),
        paths: [f.path],
      })),
    ]);
  });

  it(REJECTIONS.runAsNonRoot, async () => {
    await runCases(
      windowsAllowedFields.map((f) => ({
        step: `${f.level}: ${f.path}=true is accepted and kept`,
        base: "windows",
        set: f.set,
        expect: { accept: true },
        paths: [f.path],
        accepted: (sent, answer) =>
          valueAt(answer, f.path) === valueAt(sent, f.path)
            ? undefined
            : `accepted, but the answer has ${f.path}=${show(valueAt(answer, f.path))} (sent ${show(valueAt(sent, f.path))})`,
      })),
    );
  });

  it(REJECTIONS.linux, async () => {
    await runCases(linuxWindowsOptionsCases.map((c) => fromCase(c)));
  });

  it(REJECTIONS.os, async () => {
    await runCases(osFieldCases.map((c) => fromCase(c, ["spec.os.name"])));
  });

  it(REJECTIONS.runAsUserName, async () => {
    await runCases(
      runAsUserNameCases.map((c) => {
        const path = runAsUserNamePath(c.level);
        return {
          step: `${c.valid ? "accepts" : "rejects"} ${c.name}: ${show(c.value, 48)} (${c.level})`,
          base: "windows" as const,
          set: c.set,
          expect: c.valid ? ({ accept: true } as const) : rejects([c.cause!]),
          paths: [path],
        };
      }),
    );
  });

  it(REJECTIONS.hostProcess, async () => {
    // As upstream's HostProcess e2e tests do: the namespace admits privileged pods, so Pod Security admission does
    // not refuse the valid HostProcess pod (validation, which these cases check, runs before it anyway).
    await env.step("namespace enforces Pod Security level privileged", () =>
      env.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: env.ns, labels: { "pod-security.kubernetes.io/enforce": "privileged" } } }),
    );
    const paths = [
      "spec.hostNetwork",
      "spec.securityContext.windowsOptions.hostProcess",
      "spec.containers[0].securityContext.windowsOptions.hostProcess",
      "spec.containers[1].securityContext.windowsOptions.hostProcess",
    ];
    await runCases(hostProcessCases.map((c) => fromCase(c, paths)));
  });

  it(REJECTIONS.gmsa, async () => {
    await runCases(gmsaFieldCases.map((c) => fromCase(c)));
  });
});
