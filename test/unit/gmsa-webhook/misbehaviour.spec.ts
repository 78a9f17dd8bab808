// The local cluster's targeted webhook faults, each breaking one rule and leaving the others as upstream decides:
// the GMSA webhook's no-fill / authorizes-all / skips-compare, and the policy-webhook variants of the sabotage
// endpoint (one rewrite or refusal each). Healthy (no fault) answers are the control.
import { expect } from "chai";
import { mutate, validate, type GmsaMisbehaviour } from "../../../localcluster/gmsa-webhook/admission.js";
import { SABOTAGE_REWRITES, deniedByPolicy, sanitizePod, DENY_RUNASNONROOT_MESSAGE } from "../../../localcluster/gmsa-webhook/sabotage.js";
import { credspecCompact, fakeDeps, pod, review } from "./fixtures.js";

const only = (b: GmsaMisbehaviour) => ({ broken: (x: GmsaMisbehaviour) => x === b });
const named = pod({ pod: { gmsaCredentialSpecName: "webapp1" } });
const mismatched = pod({ pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: '{"CmsPlugins":["Other"]}' } });
const nobody = () => fakeDeps(undefined, () => false);

describe("gmsa-webhook misbehaviour faults", () => {
  it("gmsa-webhook-no-fill: mutate admits without a patch; validation still refuses the unauthorised and the mismatch", async () => {
    expect((await mutate(review(named), fakeDeps())).response.patch, "healthy: filled").to.be.a("string");
    const r = await mutate(review(named), fakeDeps(), only("no-fill"));
    expect(r.response.allowed).to.equal(true);
    expect(r.response.patch).to.equal(undefined);
    expect((await validate(review(named), nobody(), only("no-fill"))).response.status?.code).to.equal(403);
    expect((await validate(review(mismatched), fakeDeps(), only("no-fill"))).response.status?.code).to.equal(422);
  });

  it("gmsa-webhook-authorizes-all: a service account without `use` is admitted; the contents are still compared", async () => {
    expect((await validate(review(named), nobody())).response.status?.code, "healthy: refused").to.equal(403);
    const deps = nobody();
    expect((await validate(review(named), deps, only("authorizes-all"))).response.allowed).to.equal(true);
    expect(deps.authzChecks, "no SubjectAccessReview asked").to.deep.equal([]);
    expect((await validate(review(mismatched), fakeDeps(), only("authorizes-all"))).response.status?.code).to.equal(422);
    const filled = await mutate(review(named), fakeDeps(), only("authorizes-all"));
    expect(filled.response.patch).to.be.a("string");
  });

  it("gmsa-webhook-skips-compare: other inline contents are admitted; authorisation still refuses", async () => {
    expect((await validate(review(mismatched), fakeDeps())).response.status?.code, "healthy: refused").to.equal(422);
    expect((await validate(review(mismatched), fakeDeps(), only("skips-compare"))).response.allowed).to.equal(true);
    expect((await validate(review(named), nobody(), only("skips-compare"))).response.status?.code).to.equal(403);
    expect(credspecCompact).to.be.a("string");
  });
});

const winPod = (spec: Record<string, unknown>) => ({ spec: { os: { name: "windows" }, containers: [{ name: "c", image: "servercore" }], ...spec } });
const paths = (ops: { path: string }[]) => ops.map((o) => o.path);

describe("policy-webhook fault variants (sabotage endpoint)", () => {
  it("admission-strips-os removes spec.os only", () => {
    const p = winPod({ hostPID: true, securityContext: { windowsOptions: { runAsUserName: "c\\d\\e" } } });
    expect(paths(sanitizePod(p, SABOTAGE_REWRITES["admission-strips-os"]))).to.deep.equal(["/spec/os"]);
  });

  it("admission-strips-os-fields removes Linux-only fields from Windows pods and windowsOptions from Linux pods, nothing else", () => {
    const rw = SABOTAGE_REWRITES["admission-strips-os-fields"];
    expect(paths(sanitizePod(winPod({ hostPID: true }), rw))).to.deep.equal(["/spec/hostPID"]);
    const linux = { spec: { os: { name: "linux" }, securityContext: { windowsOptions: { runAsUserName: "x" } }, containers: [{ name: "c" }] } };
    expect(paths(sanitizePod(linux, rw))).to.deep.equal(["/spec/securityContext/windowsOptions"]);
  });

  it("admission-fixes-hostprocess makes HostProcess consistent, leaving spec.os and other fields", () => {
    const p = winPod({ containers: [{ name: "c", securityContext: { windowsOptions: { hostProcess: true } } }] });
    expect(paths(sanitizePod(p, SABOTAGE_REWRITES["admission-fixes-hostprocess"]))).to.deep.equal([
      "/spec/securityContext",
      "/spec/containers/0/securityContext/windowsOptions/hostProcess",
      "/spec/hostNetwork",
    ]);
  });

  it("admission-defaults-runasusername replaces all but the built-in accounts with ContainerUser", () => {
    const rw = SABOTAGE_REWRITES["admission-defaults-runasusername"];
    const p = winPod({
      securityContext: { windowsOptions: { runAsUserName: "contoso\\web\\svc" } },
      containers: [
        { name: "a", securityContext: { windowsOptions: { runAsUserName: "NT AUTHORITY\\SYSTEM" } } },
        { name: "b", securityContext: { windowsOptions: { runAsUserName: "ContainerAdministrator" } } },
      ],
    });
    expect(sanitizePod(p, rw)).to.deep.equal([{ op: "replace", path: "/spec/securityContext/windowsOptions/runAsUserName", value: "ContainerUser" }]);
  });

  it("admission-strips-gmsa-fields removes only what validation would refuse", () => {
    const rw = SABOTAGE_REWRITES["admission-strips-gmsa-fields"];
    const ok = winPod({ securityContext: { windowsOptions: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: "{}" } } });
    expect(sanitizePod(ok, rw)).to.deep.equal([]);
    const bad = winPod({ securityContext: { windowsOptions: { gmsaCredentialSpecName: "Web_App", gmsaCredentialSpec: "{}" } } });
    expect(paths(sanitizePod(bad, rw))).to.deep.equal([
      "/spec/securityContext/windowsOptions/gmsaCredentialSpecName",
      "/spec/securityContext/windowsOptions/gmsaCredentialSpec",
    ]);
    const empty = winPod({ containers: [{ name: "c", securityContext: { windowsOptions: { gmsaCredentialSpec: "" } } }] });
    expect(paths(sanitizePod(empty, rw))).to.deep.equal(["/spec/containers/0/securityContext/windowsOptions/gmsaCredentialSpec"]);
  });

  it("admission-denies-runasnonroot refuses runAsNonRoot without runAsUser, and nothing else; other variants refuse nothing", () => {
    const rw = SABOTAGE_REWRITES["admission-denies-runasnonroot"];
    expect(deniedByPolicy(winPod({ securityContext: { runAsNonRoot: true } }), rw)).to.equal(DENY_RUNASNONROOT_MESSAGE);
    expect(deniedByPolicy(winPod({ containers: [{ name: "c", securityContext: { runAsNonRoot: true } }] }), rw)).to.equal(DENY_RUNASNONROOT_MESSAGE);
    expect(deniedByPolicy(winPod({}), rw)).to.equal(undefined);
    expect(sanitizePod(winPod({ securityContext: { runAsNonRoot: true } }), rw)).to.deep.equal([]);
    expect(deniedByPolicy(winPod({ securityContext: { runAsNonRoot: true } }), SABOTAGE_REWRITES["admission-rewrites-pods"])).to.equal(undefined);
  });

  it("admission-defaults-stopsignal replaces a Windows container's unsupported stop signal with SIGTERM, and nothing else", () => {
    const rw = SABOTAGE_REWRITES["admission-defaults-stopsignal"];
    const p = winPod({
      containers: [
        { name: "a", lifecycle: { stopSignal: "SIGQUIT" } },
        { name: "b", lifecycle: { stopSignal: "SIGKILL" } },
        { name: "c", lifecycle: { stopSignal: "SIGTERM" } },
        { name: "d" },
      ],
    });
    expect(sanitizePod(p, rw)).to.deep.equal([{ op: "replace", path: "/spec/containers/0/lifecycle/stopSignal", value: "SIGTERM" }]);
    expect(sanitizePod(p, SABOTAGE_REWRITES["admission-rewrites-pods"]).some((o) => o.path.includes("stopSignal"))).to.equal(false);
  });
});
