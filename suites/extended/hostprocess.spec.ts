// Extend.HostProcess: Windows HostProcess containers — the API's rules for them (checked with server-side dry
// runs: pod and container hostProcess agree, all containers are HostProcess, hostNetwork is true), and, where
// the cluster allows privileged pods, a HostProcess pod that really runs on its node as NT AUTHORITY\SYSTEM:
// `hostname` inside is the node's name. Where Pod Security (or an API server without --allow-privileged)
// forbids privileged pods, that test is skipped with the reason; the harness does not relabel namespaces.
import { poolIndependent } from "../../lib/pools/passes.js";
import { expect } from "chai";
import * as allure from "allure-js-commons";
import type * as k8s from "@kubernetes/client-node";
import { useTestEnv } from "../../lib/run/test-env.js";
import { hostProcessCases, windowsPod, BUILD_LABEL, renderedTargetOf } from "../../lib/fixtures/index.js";
import { describeOutcome, failureMessage, matchOutcome, submitPod } from "../../lib/checks/rejections.js";
import { accountProblem, enforceLevel, hostnameProblem, privilegedForbiddenBy, PSA_ENFORCE } from "../../lib/checks/hostprocess.js";
import { isFinished } from "../../lib/checks/extended.js";
import { statusLine } from "../../lib/cluster/refusal.js";
import { checkStep, skipWithReason } from "../../lib/run/steps.js";
import { podReached } from "../../lib/run/polled-waits.js";
import { categoryOf } from "../index.js";
import { windowsNodesUnderTest } from "../../lib/pools/pools.js";
import { HOSTPROCESS } from "./hostprocess.titles.js";

const SYSTEM = "NT AUTHORITY\\SYSTEM";
const HOSTNAME_LABEL = "kubernetes.io/hostname";

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  const namespaceLabels = async () => (await env.core.readNamespace({ name: env.ns })).metadata?.labels ?? {};

  // Pool-independent: dry-run creates only; no pod placed, no node judged.
  poolIndependent(
    it(HOSTPROCESS.rules, async () => {
      const nsLabels = await namespaceLabels();
      await env.step(`namespace ${env.ns}: ${PSA_ENFORCE}=${enforceLevel(nsLabels) ?? "(unset: the cluster's default)"}`, () => undefined);
      const problems: string[] = [];
      for (const c of hostProcessCases) {
        const title = c.accepted ? `${c.name}: passes validation` : `${c.name}: ${c.causes.map((x) => `${x.reason} on ${x.field}`).join(", ")}`;
        await checkStep(env, title, problems, async () => {
          const [rendered] = env.render([windowsPod("hostprocess-rule")]);
          const pod = rendered as k8s.V1Pod;
          c.set(pod);
          let outcome = await submitPod(env.core, env.ns, pod);
          // A 5xx is no verdict on the rules: the request never reached validation (e.g. a webhook that cannot be called).
          if (!outcome.accepted && (outcome.status?.code ?? 0) >= 500)
            return `the API server could not process the dry run: ${statusLine(outcome.status, outcome.error)}`;
          // An API server without --allow-privileged adds a Forbidden "disallowed by cluster policy" to every HostProcess
          // pod; the rules under test are the other causes.
          const causes = outcome.accepted ? [] : (outcome.status?.details?.causes ?? []);
          const policy = causes.filter((x) => /disallowed by cluster policy/.test(x.message ?? ""));
          if (!outcome.accepted && policy.length) {
            await env.step(`the API server forbids privileged pods (${policy[0].message}); checking the other causes`, () => undefined);
            const rest = causes.filter((x) => !policy.includes(x));
            if (!rest.length && c.accepted) return undefined;
            outcome = { ...outcome, status: { ...outcome.status, details: { ...outcome.status!.details, causes: rest } } };
          }
          // Pod Security admission runs after validation: its refusal of the valid pod shows validation passed.
          const psa = !outcome.accepted && c.accepted ? privilegedForbiddenBy(outcome.status, nsLabels) : undefined;
          if (psa && /Pod Security/.test(psa)) {
            await env.step(`validation passed; then ${psa}`, () => undefined);
            return undefined;
          }
          const verdict = matchOutcome(outcome, c.accepted ? { accept: true } : { reject: c.causes });
          await allure.parameter(c.name, describeOutcome(outcome).slice(0, 300));
          return verdict.ok ? undefined : failureMessage(verdict, c.name, outcome, pod);
        });
      }
      expect(problems, problems.join("; ")).to.deep.equal([]);
    }),
  );

  it(HOSTPROCESS.pod, async function () {
    const nsLabels = await namespaceLabels();
    // Pinned to one node, as upstream pins it, so the node name to compare with is known beforehand.
    let node: string | undefined;
    const objs = await env.step("render the hostprocess fixture, pinned to one Windows node", async () => {
      const [rendered] = env.render("hostprocess");
      const build = renderedTargetOf(rendered)?.build ?? (rendered as k8s.V1Pod).spec?.nodeSelector?.[BUILD_LABEL];
      node = windowsNodesUnderTest(env.ctx.caps).find((n) => n.ready && n.build === build)?.name;
      if (!node) throw new Error(`no Ready Windows node of build ${build}`);
      return [rendered as k8s.V1Pod];
    });
    const [pod] = objs;
    pod.spec!.nodeSelector = { ...pod.spec!.nodeSelector, [HOSTNAME_LABEL]: node! };

    const check = await env.step(`may this namespace run privileged pods? (${PSA_ENFORCE}=${enforceLevel(nsLabels) ?? "unset"}; dry-run create)`, () =>
      submitPod(env.core, env.ns, pod),
    );
    if (!check.accepted) {
      const forbidden = privilegedForbiddenBy(check.status, nsLabels);
      if (forbidden) return skipWithReason(this, forbidden);
      expect.fail(`the dry-run create of the HostProcess pod was refused: ${statusLine(check.status, check.error)}`);
    }

    await env.step(
      `create pod ${pod.metadata!.name} on node ${node} (hostProcess, runAsUserName ${SYSTEM}, hostNetwork): prints hostname and whoami, then exits`,
      () => env.deploy("hostprocess", { mutate: (o) => void ((o[0] as k8s.V1Pod).spec!.nodeSelector = pod.spec!.nodeSelector) }),
    );
    const name = pod.metadata!.name!;
    const done = await env.step(`wait for ${name} to finish`, () => podReached(env, name, "to finish", isFinished));
    const problems: string[] = [];
    await checkStep(env, `${name} Succeeded`, problems, () =>
      done.status?.phase === "Succeeded"
        ? undefined
        : `${name} ended in phase ${done.status?.phase}: ${done.status?.containerStatuses?.[0]?.state?.terminated?.reason ?? ""}`,
    );
    const log = (await env.logs(name, pod.spec!.containers[0].name))
      .replace(/\r\n/g, "\n")
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    await allure.attachment("hostprocess.log", log.join("\n"), "text/plain");
    await checkStep(env, `hostname "${log[0] ?? ""}" is node ${done.spec?.nodeName} (case-insensitively, at most 15 characters)`, problems, () =>
      log[0] === undefined ? "the HostProcess container printed nothing" : hostnameProblem(log[0], done.spec!.nodeName!),
    );
    await checkStep(env, `whoami "${log[1] ?? ""}" is ${SYSTEM}`, problems, () =>
      log[1] === undefined ? "whoami printed nothing" : accountProblem(log[1], SYSTEM),
    );
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });
});
