// Extend.ActiveDirectory: Group Managed Service Accounts, as the GMSA docs set them up — a GMSACredentialSpec,
// a ClusterRole allowed to `use` it, a ServiceAccount and a RoleBinding — and the GMSA admission webhook's
// contract: it fills the credential spec into pods that name it, refuses service accounts without `use`,
// refuses inline contents that differ from the resource, and is registered for pod UPDATE; an existing pod's GMSA
// settings cannot be changed. Inside the pod, `nltest /query` must reach the domain (upstream's gmsa_full.go check).
//
// The credential spec comes from `--credspec <file>` for a real domain, or is the synthetic fixture
// (contoso.local), which limits the run to the webhook checks — plus, on the embedded local cluster, nltest
// against its emulated domain controller. Credential spec contents never reach a step, attachment or message.
import { expect } from "chai";
import * as allure from "allure-js-commons";
import * as k8s from "@kubernetes/client-node";
import { useTestEnv } from "../../lib/run/test-env.js";
import { runContext } from "../../lib/run/context.js";
import { loadFixtures } from "../../lib/fixtures/index.js";
import { statusOf } from "../../lib/cluster/api.js";
import {
  GMSA_WEBHOOK,
  credSpecSecrets,
  describeRefusal,
  mismatchedCredSpec,
  nltestProblem,
  queryDomain,
  credSpecDomain,
  readCredSpecFile,
  refusalOf,
  sameCredSpec,
  scrubCredSpec,
  withoutSecrets,
  type CredSpec,
} from "../../lib/checks/gmsa.js";
import { byKind, extendedSettings, oneOfKind } from "../../lib/checks/extended.js";
import { podUpdateRegistrationProblem } from "../../lib/checks/gmsa-registration.js";
import { Refused } from "../../lib/cluster/refusal.js";
import { checkStep, skipWithReason } from "../../lib/run/steps.js";
import { deploymentPods } from "../../lib/run/polled-waits.js";
import { categoryOf } from "../index.js";
import { expectedDomains, parentDomainProblem } from "../../lib/checks/gmsa-containers.js";

const CRD = "gmsacredentialspecs.windows.k8s.io";

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  before(async function () {
    const { caps } = runContext();
    if (!caps.gmsa.crd)
      return skipWithReason(this, `GMSA is not set up on this cluster: the ${CRD} CRD is not installed (install the windows-gmsa webhook chart)`);
    if (!caps.gmsa.webhook)
      return skipWithReason(this, "GMSA is not set up on this cluster: no GMSA admission webhook is registered (install the windows-gmsa webhook chart)");
    if (!extendedSettings(runContext()).credspecFile) {
      process.stderr.write(
        `      note: synthetic credential spec (fixtures/gmsa-credspec.yaml): only the webhook checks${caps.local ? ", and nltest against the local cluster's emulated domain," : ""} are meaningful; pass --credspec <file> for a real domain\n`,
      );
    }
  });
  const env = useTestEnv(CATEGORY);

  /** The credential spec in use: the user's (real domain) or the synthetic fixture's. */
  let source: { credspec: CredSpec; synthetic: boolean; secrets: string[] };
  beforeEach(async () => {
    const file = extendedSettings(env.ctx).credspecFile;
    const credspec = file
      ? readCredSpecFile(file).credspec
      : (oneOfKind(loadFixtures("gmsa-credspec"), "GMSACredentialSpec") as unknown as { credspec: CredSpec }).credspec;
    source = { credspec, synthetic: !file, secrets: credSpecSecrets(credspec) };
    await allure.description(
      file
        ? "Credential spec: the one given with --credspec (a real domain). Its contents are never shown."
        : `Credential spec: the synthetic fixtures/gmsa-credspec.yaml (no real domain). This run covers the GMSA webhook's checks${env.ctx.caps.local ? " and, on the embedded local cluster, nltest against its emulated domain controller" : ""}; pass --credspec <file> to test a real domain.`,
    );
  });

  /** The GMSA fixtures rendered together (per-run names, references rewritten), with the user's credspec when given. */
  function gmsaObjects(...extra: string[]): k8s.KubernetesObject[] {
    const objs = loadFixtures("gmsa-credspec", "gmsa-rbac", ...extra);
    (oneOfKind(objs, "GMSACredentialSpec") as unknown as { credspec: CredSpec }).credspec = structuredClone(source.credspec);
    return env.render(objs);
  }
  const credSpecName = (objs: k8s.KubernetesObject[]) => oneOfKind(objs, "GMSACredentialSpec").metadata!.name!;
  const secure = <T>(f: () => Promise<T>) => withoutSecrets(() => source?.secrets ?? [], f);

  async function setUp(objs: k8s.KubernetesObject[]): Promise<void> {
    const name = credSpecName(objs);
    await env.step(
      `create GMSACredentialSpec ${name}, ClusterRole ${oneOfKind(objs, "ClusterRole").metadata!.name} (use on it), ServiceAccount gmsa-webapp1 and its RoleBinding`,
      () =>
        env.applyAll(
          objs.filter(
            (o) =>
              ["GMSACredentialSpec", "ClusterRole", "RoleBinding"].includes(o.kind!) || (o.kind === "ServiceAccount" && o.metadata!.name === "gmsa-webapp1"),
          ),
        ),
    );
  }

  /** The docs' with-creds Deployment: created, and its pod as admitted (and, with `ready`, Ready). */
  async function withCreds(objs: k8s.KubernetesObject[], ready: boolean): Promise<k8s.V1Pod> {
    const d = oneOfKind<k8s.V1Deployment>(objs, "Deployment");
    await env.step(`deploy ${d.metadata!.name} (serviceAccountName gmsa-webapp1, gmsaCredentialSpecName ${credSpecName(objs)})`, () => env.apply(d));
    const [pod] = await env.step(`wait for its pod to be ${ready ? "Ready" : "admitted"}`, () =>
      deploymentPods(env, d.metadata!.name!, "run=with-creds", 1, { ready }),
    );
    return pod;
  }

  it("fills the credential spec contents into a pod that names its GMSACredentialSpec", () =>
    secure(async () => {
      const objs = gmsaObjects("gmsa-pod");
      await setUp(objs);
      const pod = await withCreds(objs, false);
      const name = credSpecName(objs);
      const stored = (await env.kc
        .makeApiClient(k8s.CustomObjectsApi)
        .getClusterCustomObject({ group: "windows.k8s.io", version: "v1", plural: "gmsacredentialspecs", name })) as { credspec?: unknown };
      const filled = pod.spec?.securityContext?.windowsOptions?.gmsaCredentialSpec;
      const problems: string[] = [];
      await checkStep(
        env,
        `pod ${pod.metadata!.name}: spec.securityContext.windowsOptions.gmsaCredentialSpec is set (${filled ? `${filled.length} bytes` : "empty"})`,
        problems,
        () =>
          filled
            ? undefined
            : `the GMSA webhook did not fill spec.securityContext.windowsOptions.gmsaCredentialSpec of pod ${pod.metadata!.name} (is the mutating webhook registered for pod CREATE?)`,
      );
      await checkStep(env, `… and holds exactly GMSACredentialSpec ${name}'s credspec (compared as JSON; contents not shown)`, problems, () =>
        filled && !sameCredSpec(filled, stored.credspec)
          ? `the credential spec filled into pod ${pod.metadata!.name} differs from GMSACredentialSpec ${name}'s credspec`
          : undefined,
      );
      expect(problems, problems.join("; ")).to.deep.equal([]);
    }));

  it("refuses a pod whose service account may not `use` the credential spec, with the webhook's message", () =>
    secure(async () => {
      const objs = gmsaObjects("gmsa-pod-unauthorized");
      await setUp(objs);
      const sa = byKind(objs, "ServiceAccount").find((o) => o.metadata!.name === "gmsa-unauthorized")!;
      await env.step("create ServiceAccount gmsa-unauthorized (no RoleBinding)", () => env.apply(sa));
      const pod = oneOfKind<k8s.V1Pod>(objs, "Pod");
      const want = `service account "gmsa-unauthorized" is not authorized to \`use\` GMSA cred spec "${credSpecName(objs)}"`;
      await expectRefusal(`create pod ${pod.metadata!.name} as gmsa-unauthorized`, pod, { code: 403, message: want, webhook: true });
    }));

  it("refuses a pod whose inline credential spec contents do not match the named GMSACredentialSpec", () =>
    secure(async () => {
      const objs = gmsaObjects("gmsa-pod");
      await setUp(objs);
      const pod = podFromDeployment(oneOfKind<k8s.V1Deployment>(objs, "Deployment"), "gmsa-mismatch");
      pod.spec!.securityContext!.windowsOptions!.gmsaCredentialSpec = JSON.stringify(mismatchedCredSpec(source.credspec));
      const want = `the GMSA cred spec contents for pod "gmsa-mismatch" does not match the contents of GMSA resource "${credSpecName(objs)}"`;
      await expectRefusal(`create pod gmsa-mismatch naming ${credSpecName(objs)} with other inline contents (an authorised service account)`, pod, {
        code: 422,
        message: want,
        webhook: true,
      });
    }));

  // A patch of a running pod's GMSA fields is refused by the API server's own pod-immutability validation before
  // any validating webhook is asked, so this proves the settings cannot change — not that the webhook refuses.
  // Whether the webhook is asked about UPDATEs at all is the next check.
  it("keeps an existing pod's GMSA settings: a change to the name or contents is refused (by the API server's pod immutability, before any webhook)", () =>
    secure(async () => {
      const objs = gmsaObjects("gmsa-pod");
      await setUp(objs);
      const pod = await withCreds(objs, false);
      const podName = pod.metadata!.name!;
      const before = pod.spec!.securityContext!.windowsOptions!;
      const problems: string[] = [];
      const attempts: [string, string, string][] = [
        ["gmsaCredentialSpecName", "gmsaCredentialSpecName", `${credSpecName(objs)}-other`],
        ["gmsaCredentialSpec (the contents)", "gmsaCredentialSpec", JSON.stringify(mismatchedCredSpec(source.credspec))],
      ];
      for (const [label, field, value] of attempts) {
        await checkStep(env, `change ${label} of pod ${podName}: refused`, problems, async () => {
          const outcome = await env.core
            .patchNamespacedPod(
              { name: podName, namespace: env.ns, body: [{ op: "replace", path: `/spec/securityContext/windowsOptions/${field}`, value }] },
              k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch),
            )
            .then(
              () => undefined,
              (e) => refusalOf(statusOf(e) as k8s.V1Status | undefined, (e as Error).message, source.secrets),
            );
          if (!outcome) return `the change of ${label} on pod ${podName} was accepted`;
          await env.step(`refused by ${outcome.by}: ${outcome.code} ${outcome.reason || ""}: ${outcome.message}`, () => undefined);
          if (!outcome.code || outcome.code < 400 || outcome.code >= 500)
            return `the change of ${label} failed rather than being refused: ${describeRefusal(outcome)}`;
        });
      }
      const after = (await env.core.readNamespacedPod({ name: podName, namespace: env.ns })).spec!.securityContext!.windowsOptions!;
      await checkStep(env, `pod ${podName} still carries its original GMSA settings`, problems, () =>
        after.gmsaCredentialSpecName !== before.gmsaCredentialSpecName || after.gmsaCredentialSpec !== before.gmsaCredentialSpec
          ? `pod ${podName}'s GMSA settings changed`
          : undefined,
      );
      expect(problems, problems.join("; ")).to.deep.equal([]);
    }));

  it("registers the GMSA webhook for pod UPDATE in the test's namespace, as its chart does", async () => {
    const configs = await env.step(
      "read the ValidatingWebhookConfigurations",
      async () => (await env.kc.makeApiClient(k8s.AdmissionregistrationV1Api).listValidatingWebhookConfiguration()).items,
    );
    const ns = await env.core.readNamespace({ name: env.ns });
    const problem = await env.step(`a webhook named ${GMSA_WEBHOOK} has a rule for pod UPDATE whose namespaceSelector selects ${env.ns}`, () =>
      podUpdateRegistrationProblem(configs, GMSA_WEBHOOK, { name: env.ns, labels: ns.metadata?.labels ?? {} }),
    );
    expect(problem, problem).to.equal(undefined);
  });

  it("reaches the domain from inside the pod: nltest /query completes successfully, without ERROR_NO_LOGON_SERVERS or RPC_S_SERVER_UNAVAILABLE", async function () {
    if (source.synthetic && !env.ctx.caps.local)
      return skipWithReason(
        this,
        "the synthetic credential spec (fixtures/gmsa-credspec.yaml) names a domain that does not exist here; pass --credspec <file> for a real domain to check nltest",
      );
    await secure(async () => {
      const objs = gmsaObjects("gmsa-pod");
      await setUp(objs);
      const pod = await withCreds(objs, true);
      if (source.synthetic)
        await env.step("the embedded local cluster's emulated domain controller serves the synthetic credential spec's domain", () => undefined);
      const podName = pod.metadata!.name!;
      const container = pod.spec!.containers[0].name;
      const domain = credSpecDomain(source.credspec);
      const { out, tries, resets } = await env.step(
        `nltest /query in ${podName}/${container}, retried for up to ${env.budgets.domainQueryMs / 1000} s with nltest /sc_reset between tries (upstream gmsa_full.go)`,
        () => queryDomain((argv) => env.exec(podName, container, argv), domain, { budgetMs: env.budgets.domainQueryMs }),
      );
      await allure.parameter("nltest tries", `${tries} (${resets} secure-channel reset(s))`);
      await allure.attachment(
        "nltest-query.txt",
        scrubCredSpec(`${out.stdout}${out.stderr ? `\n[stderr]\n${out.stderr}` : ""}\n[exit code ${out.exitCode}]`, source.secrets),
        "text/plain",
      );
      const problem = nltestProblem(out);
      await env.step(problem ? `nltest: ${problem}` : '"The command completed successfully"; no ERROR_NO_LOGON_SERVERS, no RPC_S_SERVER_UNAVAILABLE', () => {
        if (problem) expect.fail(`pod ${podName}: ${problem}`);
      });
    });
  });

  // upstream gmsa_kubelet.go. Synthetic specs even with --credspec: nltest /parentdomain reads the container's
  // domain-join configuration and needs no domain controller (upstream runs it with dummy specs on any node).
  it("passes pod-level and container-level credential specs to the containers: nltest /parentdomain names each one's domain, the container's spec overriding the pod's", async () => {
    const objs = env.render(loadFixtures("gmsa-container-specs"));
    const specs = byKind(objs, "GMSACredentialSpec").map((o) => ({ name: o.metadata!.name!, credspec: (o as unknown as { credspec: CredSpec }).credspec }));
    const pod = oneOfKind<k8s.V1Pod>(objs, "Pod");
    const podName = pod.metadata!.name!;
    const wants = expectedDomains(pod, specs);
    await env.step(
      `create GMSACredentialSpecs ${specs.map((s) => s.name).join(" and ")}, a ClusterRole to use both, ServiceAccount gmsa-two-specs and its RoleBinding`,
      () => env.applyAll(objs.filter((o) => o.kind !== "Pod")),
    );
    await env.step(`deploy pod ${podName}: ${wants.map((w) => `container ${w.container} gets ${w.credSpec} (${w.level} level, ${w.domain})`).join("; ")}`, () =>
      env.apply(pod),
    );
    await env.step(`wait for ${podName} to be Ready`, () => env.wait.podReady(podName));
    const problems: string[] = [];
    for (const want of wants) {
      await checkStep(env, `nltest /parentdomain in ${podName}/${want.container} names ${want.domain}`, problems, async () => {
        const out = await env.exec(podName, want.container, ["nltest", "/parentdomain"]);
        await allure.attachment(
          `nltest-parentdomain-${want.container}.txt`,
          `${out.stdout}${out.stderr ? `\n[stderr]\n${out.stderr}` : ""}\n[exit code ${out.exitCode}]`,
          "text/plain",
        );
        return parentDomainProblem(`${env.ns}/${podName}`, want, out);
      });
    }
    expect(problems, problems.join("; ")).to.deep.equal([]);
  });

  /** Creates `pod` and expects the GMSA webhook's refusal; reports who refused. */
  async function expectRefusal(what: string, pod: k8s.V1Pod, want: { code: number; message: string; webhook: boolean }): Promise<void> {
    const outcome = await env.step(what, () =>
      env.apply(pod).then(
        () => undefined,
        (e) => {
          if (e instanceof Refused) return refusalOf(e.status, e.message, source.secrets);
          throw e;
        },
      ),
    );
    if (!outcome) expect.fail(`${what}: the pod was accepted; expected ${want.code} "${want.message}" from the GMSA webhook`);
    await env.step(`refused by ${outcome.by}: ${outcome.code} ${outcome.message}`, () => {
      const problems: string[] = [];
      if (want.webhook && !outcome.message.includes(`admission webhook "${GMSA_WEBHOOK}" denied the request`))
        problems.push(`not refused by the GMSA webhook: ${describeRefusal(outcome)}`);
      else if (outcome.code !== want.code) problems.push(`refused with code ${outcome.code}, expected ${want.code}: ${describeRefusal(outcome)}`);
      else if (!outcome.message.includes(want.message)) problems.push(`refused with "${outcome.message}", expected the message to contain "${want.message}"`);
      if (problems.length) expect.fail(`${what}: ${problems.join("; ")}`);
    });
  }
});

/** The pod a Deployment's ReplicaSet would create from its template, as a standalone Pod named `name`. */
function podFromDeployment(d: k8s.V1Deployment, name: string): k8s.V1Pod {
  const t = structuredClone(d.spec!.template);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: d.metadata!.namespace, labels: { ...d.metadata!.labels, ...t.metadata?.labels }, annotations: t.metadata?.annotations },
    spec: t.spec!,
  };
}
