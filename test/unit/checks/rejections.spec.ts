// Rejection matching: Status objects as the live kube-apiserver v1.36.3 returned them (recorded from dry-run
// creates of the Core.Rejections cases), and the one-line explanations a failing step gives.
import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { describeOutcome, failureMessage, matchOutcome, rewrittenPaths, show, submitPod, valueAt, type Outcome } from "../../../lib/checks/rejections.js";
import type { ExpectedCause } from "../../../lib/fixtures/rejections.js";

const invalid = (...causes: k8s.V1StatusCause[]): k8s.V1Status => ({
  kind: "Status",
  apiVersion: "v1",
  status: "Failure",
  message: `Pod "rejection-probe" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(", ")}`,
  reason: "Invalid",
  details: { name: "rejection-probe", kind: "pods", causes },
  code: 422,
});
const rejected = (status: k8s.V1Status): Outcome => ({
  accepted: false,
  status,
  error: new k8s.ApiException(status.code ?? 500, "rejected", JSON.stringify(status), {}),
});
const accepted = (pod: k8s.V1Pod): Outcome => ({ accepted: true, object: pod });

const FORBIDDEN_MSG = "cannot be set for a windows pod";
const runAsUserForbidden: k8s.V1StatusCause = {
  reason: "FieldValueForbidden",
  message: "Forbidden: cannot be set for a windows pod",
  field: "spec.securityContext.runAsUser",
};
const expectRunAsUser: ExpectedCause = { field: "spec.securityContext.runAsUser", reason: "FieldValueForbidden", message: FORBIDDEN_MSG };

const windowsPod = (sc: k8s.V1PodSecurityContext = {}): k8s.V1Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "rejection-probe" },
  spec: { os: { name: "windows" }, securityContext: sc, containers: [{ name: "app", image: "mcr.microsoft.com/windows/servercore:ltsc2022" }] },
});

describe("checks/rejections", () => {
  describe("matchOutcome: expected rejections", () => {
    it("matches 422 Invalid with exactly the expected cause (field, reason, message substring)", () => {
      const v = matchOutcome(rejected(invalid(runAsUserForbidden)), { reject: [expectRunAsUser] });
      expect(v.ok, v.explanation).to.equal(true);
      expect(v.explanation).to.equal("rejected with FieldValueForbidden on spec.securityContext.runAsUser");
      expect(v.got).to.equal('422 Invalid: spec.securityContext.runAsUser FieldValueForbidden "Forbidden: cannot be set for a windows pod"');
    });

    it("matches without a message when none is expected, and in any cause order", () => {
      const a: k8s.V1StatusCause = {
        reason: "FieldValueInvalid",
        field: "spec",
        message: 'Invalid value: "": If pod contains any hostProcess containers then all containers must be HostProcess containers',
      };
      const b: k8s.V1StatusCause = {
        reason: "FieldValueInvalid",
        field: "spec.hostNetwork",
        message: "Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers",
      };
      const v = matchOutcome(rejected(invalid(b, a)), {
        reject: [
          { field: "spec", reason: "FieldValueInvalid" },
          { field: "spec.hostNetwork", reason: "FieldValueInvalid", message: "hostNetwork must be true" },
        ],
      });
      expect(v.ok, v.explanation).to.equal(true);
    });

    it("says the pod was accepted and names the field that was not rejected", () => {
      const v = matchOutcome(accepted(windowsPod()), { reject: [expectRunAsUser] });
      expect(v.ok).to.equal(false);
      expect(v.explanation).to.equal("pod accepted: spec.securityContext.runAsUser was not rejected");
      expect(v.got).to.equal("accepted (dry run)");
    });

    it("names the field and reason it got when the reason differs on another path", () => {
      const other: k8s.V1StatusCause = { reason: "FieldValueInvalid", field: "spec.x", message: "Invalid value: 1: nope" };
      const v = matchOutcome(rejected(invalid(other)), { reject: [{ field: "spec.y", reason: "FieldValueForbidden" }] });
      expect(v.ok).to.equal(false);
      expect(v.explanation).to.equal("rejected on spec.x with FieldValueInvalid, expected FieldValueForbidden on spec.y");
    });

    it("prefers the cause on the same path when the reason differs there", () => {
      const causes = [
        { reason: "FieldValueInvalid", field: "spec.a", message: "Invalid value" },
        { reason: "FieldValueInvalid", field: "spec.os", message: 'Unsupported value: "darwin"' },
      ];
      const v = matchOutcome(rejected(invalid(...causes)), { reject: [{ field: "spec.os", reason: "FieldValueNotSupported" }] });
      expect(v.explanation).to.equal("rejected on spec.os with FieldValueInvalid, expected FieldValueNotSupported on spec.os");
    });

    it("distinguishes a wrong message on the right field and reason", () => {
      const cause = { ...runAsUserForbidden, message: "Forbidden: disallowed by cluster policy" };
      const v = matchOutcome(rejected(invalid(cause)), { reject: [expectRunAsUser] });
      expect(v.ok).to.equal(false);
      expect(v.explanation).to.equal(
        'rejected on spec.securityContext.runAsUser with FieldValueForbidden but message "Forbidden: disallowed by cluster policy", expected it to contain "cannot be set for a windows pod"',
      );
    });

    it("treats the exact field path as significant (a parent or child path is not the same field)", () => {
      const parent = { ...runAsUserForbidden, field: "spec.securityContext" };
      expect(matchOutcome(rejected(invalid(parent)), { reject: [expectRunAsUser] }).explanation).to.equal(
        "rejected on spec.securityContext with FieldValueForbidden, expected FieldValueForbidden on spec.securityContext.runAsUser",
      );
      const os = { reason: "FieldValueNotSupported", field: "spec.os.name", message: "Unsupported value" };
      expect(matchOutcome(rejected(invalid(os)), { reject: [{ field: "spec.os", reason: "FieldValueNotSupported" }] }).ok).to.equal(false);
    });

    it("fails on an extra cause: the pod was wrong in another way too", () => {
      const extra: k8s.V1StatusCause = {
        reason: "FieldValueForbidden",
        field: "spec",
        message: "Forbidden: hostProcess containers are disallowed by cluster policy",
      };
      const v = matchOutcome(rejected(invalid(runAsUserForbidden, extra)), { reject: [expectRunAsUser] });
      expect(v.ok).to.equal(false);
      expect(v.explanation).to.equal(
        "rejected with FieldValueForbidden on spec.securityContext.runAsUser as expected, but also on spec with FieldValueForbidden",
      );
    });

    it("lists the other missing causes", () => {
      const v = matchOutcome(rejected(invalid()), {
        reject: [
          { field: "spec.a", reason: "FieldValueInvalid" },
          { field: "spec.b", reason: "FieldValueRequired" },
        ],
      });
      expect(v.explanation).to.equal("rejected without the cause FieldValueInvalid on spec.a (causes: none) (also missing: FieldValueRequired on spec.b)");
    });

    it("reports a rejection that is not 422 Invalid, e.g. an admission webhook's denial", () => {
      const webhook: k8s.V1Status = {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: 'admission webhook "admission-webhook.windows-gmsa.sigs.k8s.io" denied the request: cred spec gmsa-WebApp1 does not exist',
        code: 404,
      };
      const v = matchOutcome(rejected(webhook), {
        reject: [{ field: "spec.securityContext.windowsOptions.gmsaCredentialSpecName", reason: "FieldValueInvalid" }],
      });
      expect(v.ok).to.equal(false);
      expect(v.explanation).to.match(
        /^rejected with 404 \(no reason\) "admission webhook .* does not exist", expected 422 Invalid on spec\.securityContext\.windowsOptions\.gmsaCredentialSpecName$/,
      );
      expect(v.got).to.match(/^404 \(no reason\): "admission webhook/);
    });

    it("reports a Pod Security (403 Forbidden) refusal", () => {
      const psa: k8s.V1Status = {
        kind: "Status",
        status: "Failure",
        code: 403,
        reason: "Forbidden",
        message: 'pods "x" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)',
      };
      expect(matchOutcome(rejected(psa), { reject: [expectRunAsUser] }).explanation).to.match(
        /^rejected with 403 Forbidden "pods \\"x\\" is forbidden: violates PodSecurity/,
      );
    });

    it("reports a request that failed without a Status", () => {
      const o: Outcome = { accepted: false, error: new Error("connect ECONNREFUSED 127.0.0.1:6443\n    at …") };
      const v = matchOutcome(o, { reject: [expectRunAsUser] });
      expect(v.ok).to.equal(false);
      expect(v.got).to.equal("request failed: connect ECONNREFUSED 127.0.0.1:6443");
      expect(v.explanation).to.match(/^no Status came back \(request failed: connect ECONNREFUSED/);
    });
  });

  describe("matchOutcome: expected acceptance", () => {
    it("passes an accepted pod", () => {
      expect(matchOutcome(accepted(windowsPod({ runAsNonRoot: true })), { accept: true })).to.deep.equal({
        ok: true,
        explanation: "accepted, as it must be",
        got: "accepted (dry run)",
      });
    });

    it("says where a pod that must be accepted was rejected", () => {
      const v = matchOutcome(
        rejected(
          invalid({
            reason: "FieldValueInvalid",
            field: "spec.securityContext.windowsOptions.runAsUserName",
            message: 'Invalid value: "": runAsUserName cannot be an empty string',
          }),
        ),
        { accept: true },
      );
      expect(v.ok).to.equal(false);
      expect(v.explanation).to.match(
        /^pod rejected on spec\.securityContext\.windowsOptions\.runAsUserName with FieldValueInvalid, expected it to be accepted: 422 Invalid: /,
      );
    });
  });

  describe("describeOutcome", () => {
    it("shows the Status message when there are no causes, cut when long", () => {
      const long = "x".repeat(500);
      const got = describeOutcome(rejected({ kind: "Status", code: 500, reason: "InternalError", message: long }));
      expect(got.startsWith('500 InternalError: "xxx')).to.equal(true);
      expect(got.length).to.be.lessThan(300);
    });
  });

  describe("paths and values", () => {
    it("reads cause-style paths, with indexes", () => {
      const pod = windowsPod({ runAsUser: 1000 });
      pod.spec!.initContainers = [{ name: "init", securityContext: { runAsGroup: 3000 } }];
      expect(valueAt(pod, "spec.securityContext.runAsUser")).to.equal(1000);
      expect(valueAt(pod, "spec.initContainers[0].securityContext.runAsGroup")).to.equal(3000);
      expect(valueAt(pod, "spec.containers[1].securityContext")).to.equal(undefined);
      expect(valueAt(pod, "spec.os.name.length.x")).to.equal(undefined);
    });

    it("shows values on one line, long ones cut", () => {
      expect(show(undefined)).to.equal("<unset>");
      expect(show("a\\b")).to.equal('"a\\\\b"');
      expect(show("x".repeat(100), 10)).to.equal('"xxxxxxxxx…(102 chars)');
    });

    it("finds what an admission webhook removed, changed or added", () => {
      const sent = windowsPod({ runAsUser: 1000, windowsOptions: { hostProcess: false } });
      const answer = windowsPod({ windowsOptions: { hostProcess: true } });
      delete answer.spec!.os;
      answer.spec!.hostNetwork = true;
      expect(
        rewrittenPaths(sent, answer, ["spec.securityContext.runAsUser", "spec.securityContext.windowsOptions.hostProcess", "spec.hostNetwork", "spec"]),
      ).to.deep.equal([
        "spec.securityContext.runAsUser removed",
        "spec.securityContext.windowsOptions.hostProcess changed to true",
        "spec.hostNetwork set to true",
        "spec.os removed",
      ]);
      expect(rewrittenPaths(sent, sent, ["spec.securityContext.runAsUser"])).to.deep.equal([]);
    });

    it("puts what was wrong, what was sent and what came back in one line", () => {
      const sent = windowsPod({ runAsUser: 1000 });
      const answer = windowsPod();
      delete answer.spec!.os;
      const o = accepted(answer);
      const msg = failureMessage(matchOutcome(o, { reject: [expectRunAsUser] }), "spec.securityContext.runAsUser=1000 on a windows pod", o, sent, [
        "spec.securityContext.runAsUser",
      ]);
      expect(msg).to.equal(
        "pod accepted: spec.securityContext.runAsUser was not rejected — sent spec.securityContext.runAsUser=1000 on a windows pod; got accepted (dry run); " +
          "the answer differs from what was sent (spec.securityContext.runAsUser removed, spec.os removed): an admission webhook rewrote the pod",
      );
      expect(msg).not.to.include("\n");
    });
  });

  describe("submitPod", () => {
    const fakeCore = (impl: (req: { namespace: string; body: k8s.V1Pod; dryRun?: string }) => Promise<k8s.V1Pod>) => {
      const calls: { namespace: string; body: k8s.V1Pod; dryRun?: string }[] = [];
      const core = {
        createNamespacedPod: (req: { namespace: string; body: k8s.V1Pod; dryRun?: string }) => (calls.push(req), impl(req)),
      } as unknown as k8s.CoreV1Api;
      return { core, calls };
    };

    it("creates with dryRun=All and returns the answer", async () => {
      const { core, calls } = fakeCore(async (r) => ({ ...r.body, status: { phase: "Pending" } }));
      const o = await submitPod(core, "hc-ns", windowsPod());
      expect(calls).to.have.length(1);
      expect(calls[0]).to.include({ namespace: "hc-ns", dryRun: "All" });
      expect(o.accepted).to.equal(true);
    });

    it("parses the Status of a 422 and does not retry it", async () => {
      const status = invalid(runAsUserForbidden);
      const { core, calls } = fakeCore(async () => {
        throw new k8s.ApiException(422, "HTTP-Code: 422", JSON.stringify(status), {});
      });
      const o = await submitPod(core, "hc-ns", windowsPod({ runAsUser: 1000 }));
      expect(calls).to.have.length(1);
      expect(o.accepted).to.equal(false);
      expect(!o.accepted && o.status?.details?.causes).to.deep.equal([runAsUserForbidden]);
    });

    it("keeps a non-API error as the outcome's error", async () => {
      const { core } = fakeCore(async () => {
        throw new TypeError("bad body");
      });
      const o = await submitPod(core, "hc-ns", windowsPod());
      expect(o.accepted).to.equal(false);
      expect(!o.accepted && o.status).to.equal(undefined);
      expect(describeOutcome(o)).to.equal("request failed: bad body");
    });
  });
});
