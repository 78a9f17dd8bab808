import { expect } from "chai";
import { admit, decodePatch, mutate, validate, type AdmissionReviewResponse } from "../../../localcluster/gmsa-webhook/admission.js";
import { credSpecResource, credspec, credspecCompact, fakeDeps, pod, review } from "./fixtures.js";

const UID = "705ab4f5-6393-11e8-b7cc-42010a800002";
const POD_PATH = "/spec/securityContext/windowsOptions/gmsaCredentialSpec";

function expectAllowed(r: AdmissionReviewResponse): void {
  expect(r.kind).to.equal("AdmissionReview");
  expect(r.apiVersion).to.equal("admission.k8s.io/v1");
  expect(r.response.uid).to.equal(UID);
  expect(r.response.allowed, r.response.status?.message).to.equal(true);
  expect(r.response).to.not.have.property("status");
}

function expectDenied(r: AdmissionReviewResponse, code: number, message: string, uid = UID): void {
  expect(r.response.uid).to.equal(uid);
  expect(r.response.allowed).to.equal(false);
  expect(r.response.status).to.deep.equal({ metadata: {}, message, code });
  expect(r.response).to.not.have.property("patch");
}

/** Applies the "add" operations of a JSON patch to a copy of `doc` (all our patches are adds). */
function applyPatch(doc: unknown, r: AdmissionReviewResponse): any {
  const out = structuredClone(doc) as any;
  for (const op of decodePatch(r.response)) {
    expect(op.op).to.equal("add");
    const parts = op.path.split("/").slice(1);
    let target = out;
    for (const p of parts.slice(0, -1)) target = target[p];
    target[parts[parts.length - 1]] = op.value;
  }
  return out;
}

describe("gmsa-webhook admission: mutate", () => {
  it("inlines the compacted cred spec for a pod-level name, as a base64 JSONPatch", async () => {
    const deps = fakeDeps();
    const r = await mutate(review(pod({ pod: { gmsaCredentialSpecName: "webapp1" } })), deps);
    expectAllowed(r);
    expect(r.response.patchType).to.equal("JSONPatch");
    // byte for byte what upstream's json.Marshal of []map[string]string gives
    const raw = Buffer.from(r.response.patch!, "base64").toString("utf8");
    expect(raw).to.equal(JSON.stringify([{ op: "add", path: POD_PATH, value: credspecCompact }]));
    expect(deps.credSpecLookups).to.deep.equal(["webapp1"]);
    expect(deps.authzChecks, "mutate does no authorization").to.deep.equal([]);
  });

  it("patches containers and init containers at their indexes, pod first, then containers, then init containers", async () => {
    const p = pod({
      pod: { gmsaCredentialSpecName: "webapp1" },
      containers: [undefined, { gmsaCredentialSpecName: "webapp1" }, { gmsaCredentialSpecName: "other" }],
      initContainers: [{ gmsaCredentialSpecName: "other" }],
    });
    const otherSpec = { CmsPlugins: ["ActiveDirectory"], DomainJoinConfig: { DnsName: "b.example", Sid: "S-1" } };
    const deps = fakeDeps({ webapp1: credSpecResource("webapp1"), other: credSpecResource("other", otherSpec) });
    const r = await mutate(review(p), deps);
    expectAllowed(r);
    const otherCompact = '{"CmsPlugins":["ActiveDirectory"],"DomainJoinConfig":{"DnsName":"b.example","Sid":"S-1"}}';
    expect(decodePatch(r.response)).to.deep.equal([
      { op: "add", path: POD_PATH, value: credspecCompact },
      { op: "add", path: "/spec/containers/1/securityContext/windowsOptions/gmsaCredentialSpec", value: credspecCompact },
      { op: "add", path: "/spec/containers/2/securityContext/windowsOptions/gmsaCredentialSpec", value: otherCompact },
      { op: "add", path: "/spec/initContainers/0/securityContext/windowsOptions/gmsaCredentialSpec", value: otherCompact },
    ]);
    const patched = applyPatch(p, r);
    expect(patched.spec.containers[1].securityContext.windowsOptions).to.deep.equal({
      gmsaCredentialSpecName: "webapp1",
      gmsaCredentialSpec: credspecCompact,
    });
    expect(JSON.parse(patched.spec.initContainers[0].securityContext.windowsOptions.gmsaCredentialSpec)).to.deep.equal(otherSpec);
  });

  it("leaves pre-set contents alone (validation checks them) and does not look them up", async () => {
    const deps = fakeDeps();
    const r = await mutate(review(pod({ pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: "{}" } })), deps);
    expectAllowed(r);
    expect(r.response).to.not.have.property("patch");
    expect(r.response).to.not.have.property("patchType");
    expect(deps.credSpecLookups).to.deep.equal([]);
  });

  it("admits pods without GMSA settings untouched", async () => {
    const deps = fakeDeps();
    const r = await mutate(review(pod({ containers: [{}, undefined] })), deps);
    expectAllowed(r);
    expect(r.response).to.not.have.property("patch");
    expect(deps.credSpecLookups).to.deep.equal([]);
  });

  it("denies with 404 when the named cred spec does not exist", async () => {
    const r = await mutate(review(pod({ containers: [{ gmsaCredentialSpecName: "missing" }] })), fakeDeps());
    expectDenied(r, 404, "cred spec missing does not exist");
  });

  it('treats a lookup error ending in "not found" as missing (404), others as 500', async () => {
    const deps = fakeDeps({
      a: new Error('gmsacredentialspecs.windows.k8s.io "a" not found'),
      b: new Error("the server could not find the requested resource"),
    });
    expectDenied(await mutate(review(pod({ pod: { gmsaCredentialSpecName: "a" } })), deps), 404, "cred spec a does not exist");
    expectDenied(
      await mutate(review(pod({ pod: { gmsaCredentialSpecName: "b" } })), deps),
      500,
      "unable to retrieve the contents of cred spec b: the server could not find the requested resource",
    );
  });

  it("denies with 417 when the resource has no credspec (or an empty one)", async () => {
    const noField = { apiVersion: "windows.k8s.io/v1", kind: "GMSACredentialSpec", metadata: { name: "empty" } };
    const deps = fakeDeps({ empty: noField, blank: credSpecResource("blank", "") });
    expectDenied(await mutate(review(pod({ pod: { gmsaCredentialSpecName: "empty" } })), deps), 417, "cred spec empty does not have a credspec key");
    expectDenied(await mutate(review(pod({ pod: { gmsaCredentialSpecName: "blank" } })), deps), 417, "cred spec blank does not have a credspec key");
  });

  it("compacts credspecs as Go does: sorted keys, HTML-safe escapes", async () => {
    const spec = { z: "a<b>&c", a: { y: 1.5, b: [true, null] } };
    const r = await mutate(review(pod({ pod: { gmsaCredentialSpecName: "x" } })), fakeDeps({ x: credSpecResource("x", spec) }));
    expect(decodePatch(r.response)[0].value).to.equal('{"a":{"b":[true,null],"y":1.5},"z":"a\\u003cb\\u003e\\u0026c"}');
  });

  it("does not mutate updates", async () => {
    const deps = fakeDeps();
    const p = pod({ pod: { gmsaCredentialSpecName: "webapp1" } });
    const r = await mutate(review(p, { operation: "UPDATE", oldObject: p }), deps);
    expectAllowed(r);
    expect(r.response).to.not.have.property("patch");
    expect(deps.credSpecLookups).to.deep.equal([]);
  });

  it("with randomHostname, names GMSA pods without a hostname (15 lower-case characters)", async () => {
    const opts = { randomHostname: true };
    const withGmsa = await mutate(review(pod({ pod: { gmsaCredentialSpecName: "webapp1" } })), fakeDeps(), opts);
    const host = decodePatch(withGmsa.response).find((p) => p.path === "/spec/hostname");
    expect(host?.value).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]$/);
    const preset = await mutate(review(pod({ hostname: "mine", pod: { gmsaCredentialSpecName: "webapp1" } })), fakeDeps(), opts);
    expect(decodePatch(preset.response).map((p) => p.path)).to.deep.equal([POD_PATH]);
    const noGmsa = await mutate(review(pod()), fakeDeps(), opts);
    expect(noGmsa.response).to.not.have.property("patch");
    const fixed = await mutate(review(pod({ pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: "{}" } })), fakeDeps(), {
      randomHostname: true,
      generateHostname: () => "host-1",
    });
    expect(decodePatch(fixed.response)).to.deep.equal([{ op: "add", path: "/spec/hostname", value: "host-1" }]);
  });
});

describe("gmsa-webhook admission: validate CREATE", () => {
  it("admits a named cred spec the service account may use, checking `use` for it", async () => {
    const deps = fakeDeps();
    const r = await validate(review(pod({ serviceAccountName: "sa1", pod: { gmsaCredentialSpecName: "webapp1" } }), { namespace: "ns1" }), deps);
    expectAllowed(r);
    expect(deps.authzChecks).to.deep.equal([["ns1", "sa1", "webapp1"]]);
    expect(deps.credSpecLookups, "no contents, so nothing to compare").to.deep.equal([]);
  });

  it('checks the "default" service account when the pod names none', async () => {
    const deps = fakeDeps();
    await validate(review(pod({ containers: [{ gmsaCredentialSpecName: "webapp1" }] }), { namespace: "team-a" }), deps);
    expect(deps.authzChecks).to.deep.equal([["team-a", "default", "webapp1"]]);
  });

  it("denies with 403 when the service account may not use the cred spec", async () => {
    const deps = fakeDeps(undefined, () => false);
    const r = await validate(review(pod({ serviceAccountName: "sa1", pod: { gmsaCredentialSpecName: "webapp1" } })), deps);
    expectDenied(r, 403, 'service account "sa1" is not authorized to `use` GMSA cred spec "webapp1"');
  });

  it("appends the authorizer's reason, quoted", async () => {
    const deps = fakeDeps(undefined, () => ({ allowed: false, reason: 'no RBAC policy matched "use"' }));
    const r = await validate(review(pod({ containers: [{ gmsaCredentialSpecName: "webapp1" }] })), deps);
    expectDenied(r, 403, 'service account "default" is not authorized to `use` GMSA cred spec "webapp1", reason: "no RBAC policy matched \\"use\\""');
  });

  it("denies with 403 and the error as reason when the access review fails", async () => {
    const deps = fakeDeps(undefined, () => new Error("connection refused"));
    const r = await validate(review(pod({ serviceAccountName: "sa1", pod: { gmsaCredentialSpecName: "webapp1" } })), deps);
    expectDenied(
      r,
      403,
      'service account "sa1" is not authorized to `use` GMSA cred spec "webapp1", reason: "error when checking authz access: connection refused"',
    );
  });

  it("keeps upstream's fmt.Errorf(msg) quirk: a % in the message is read as a verb", async () => {
    const deps = fakeDeps(undefined, () => ({ allowed: false, reason: "quota 100% used" }));
    const r = await validate(review(pod({ serviceAccountName: "sa1", pod: { gmsaCredentialSpecName: "webapp1" } })), deps);
    expectDenied(r, 403, 'service account "sa1" is not authorized to `use` GMSA cred spec "webapp1", reason: "quota 100%!u(MISSING)sed"');
  });

  it("admits pre-set contents equal to the resource's, byte for byte or as JSON", async () => {
    const same = await validate(review(pod({ pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: credspecCompact } })), fakeDeps());
    expectAllowed(same);
    const reordered = JSON.stringify(credspec, null, 2);
    const deps = fakeDeps();
    const semantic = await validate(review(pod({ containers: [{ gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: reordered }] })), deps);
    expectAllowed(semantic);
    expect(deps.credSpecLookups).to.deep.equal(["webapp1"]);
  });

  it("denies with 422 when pre-set contents differ, naming the pod, container or init container", async () => {
    const other = JSON.stringify({ ...credspec, CmsPlugins: [] });
    const deps = fakeDeps();
    expectDenied(
      await validate(review(pod({ name: "web", pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: other } })), deps),
      422,
      'the GMSA cred spec contents for pod "web" does not match the contents of GMSA resource "webapp1"',
    );
    expectDenied(
      await validate(review(pod({ containers: [undefined, { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: other }] })), deps),
      422,
      'the GMSA cred spec contents for container "c1" does not match the contents of GMSA resource "webapp1"',
    );
    expectDenied(
      await validate(review(pod({ initContainers: [{ gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: other }] })), deps),
      422,
      'the GMSA cred spec contents for initContainer "i0" does not match the contents of GMSA resource "webapp1"',
    );
  });

  it("denies with 422 and Go's parse error when pre-set contents are not a JSON object", async () => {
    const deps = fakeDeps();
    expectDenied(
      await validate(review(pod({ pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: "not json" } })), deps),
      422,
      'the GMSA cred spec contents for pod "p" does not match the contents of GMSA resource "webapp1": ' +
        "unable to parse \"not json\" as a JSON object: invalid character 'o' in literal null (expecting 'u')",
    );
    expectDenied(
      await validate(review(pod({ pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: '["a"]' } })), deps),
      422,
      'the GMSA cred spec contents for pod "p" does not match the contents of GMSA resource "webapp1": ' +
        'unable to parse "[\\"a\\"]" as a JSON object: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
    // `null` parses (to a nil map) but does not equal the resource's object
    expectDenied(
      await validate(review(pod({ pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: "null" } })), deps),
      422,
      'the GMSA cred spec contents for pod "p" does not match the contents of GMSA resource "webapp1"',
    );
  });

  it("reports a resource whose credspec is not an object as an unparseable CRD", async () => {
    const deps = fakeDeps({ odd: credSpecResource("odd", ["x"]) });
    expectDenied(
      await validate(review(pod({ pod: { gmsaCredentialSpecName: "odd", gmsaCredentialSpec: "{}" } })), deps),
      422,
      'the GMSA cred spec contents for pod "p" does not match the contents of GMSA resource "odd": ' +
        'unable to parse CRD "[\\"x\\"]" as a JSON object: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  });

  it("denies with 422 contents set without a name", async () => {
    const deps = fakeDeps();
    expectDenied(
      await validate(review(pod({ pod: { gmsaCredentialSpec: credspecCompact } })), deps),
      422,
      'pod "p" has a GMSA cred spec set, but does not define the name of the corresponding resource',
    );
    expectDenied(
      await validate(review(pod({ containers: [{ gmsaCredentialSpec: "{}" }] })), deps),
      422,
      'container "c0" has a GMSA cred spec set, but does not define the name of the corresponding resource',
    );
    expectDenied(
      await validate(review(pod({ initContainers: [{ gmsaCredentialSpec: "{}" }] })), deps),
      422,
      'initContainer "i0" has a GMSA cred spec set, but does not define the name of the corresponding resource',
    );
  });

  it("denies with 404 a missing cred spec when contents are set (and only then, as upstream)", async () => {
    const deps = fakeDeps({});
    expectDenied(
      await validate(review(pod({ pod: { gmsaCredentialSpecName: "missing", gmsaCredentialSpec: "{}" } })), deps),
      404,
      "cred spec missing does not exist",
    );
    // name only: upstream validates authorization but not existence (mutation has already failed for it)
    expectAllowed(await validate(review(pod({ pod: { gmsaCredentialSpecName: "missing" } })), deps));
  });

  it("checks authorization before existence and contents", async () => {
    const deps = fakeDeps({}, () => false);
    const r = await validate(review(pod({ pod: { gmsaCredentialSpecName: "missing", gmsaCredentialSpec: "{}" } })), deps);
    expectDenied(r, 403, 'service account "default" is not authorized to `use` GMSA cred spec "missing"');
    expect(deps.credSpecLookups).to.deep.equal([]);
  });

  it("stops at the first failing setting: pod, then containers, then init containers", async () => {
    const deps = fakeDeps(undefined, (_ns, _sa, name) => name !== "forbidden");
    const p = pod({
      containers: [{ gmsaCredentialSpecName: "webapp1" }, { gmsaCredentialSpecName: "forbidden" }],
      initContainers: [{ gmsaCredentialSpec: "{}" }],
    });
    expectDenied(await validate(review(p), deps), 403, 'service account "default" is not authorized to `use` GMSA cred spec "forbidden"');
    expect(deps.authzChecks.map((c) => c[2])).to.deep.equal(["webapp1", "forbidden"]);
  });

  it("admits pods without GMSA settings without any lookup", async () => {
    const deps = fakeDeps();
    expectAllowed(await validate(review(pod({ containers: [{}, undefined], initContainers: [undefined] })), deps));
    expect(deps.authzChecks).to.deep.equal([]);
  });
});

describe("gmsa-webhook admission: validate UPDATE", () => {
  const base = () =>
    pod({
      pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: credspecCompact },
      containers: [{ gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: credspecCompact }, undefined],
      initContainers: [{ gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: credspecCompact }],
    });
  const update = (newPod: unknown, oldPod: unknown) => review(newPod, { operation: "UPDATE", oldObject: oldPod });

  it("admits updates that keep GMSA settings, without lookups", async () => {
    const deps = fakeDeps();
    const changed = base() as any;
    changed.metadata.labels = { a: "b" };
    expectAllowed(await validate(update(changed, base()), deps));
    expect(deps.authzChecks).to.deep.equal([]);
    expect(deps.credSpecLookups).to.deep.equal([]);
  });

  it("denies with 403 a changed pod-level name", async () => {
    const p = base() as any;
    p.spec.securityContext.windowsOptions.gmsaCredentialSpecName = "other";
    expectDenied(await validate(update(p, base()), fakeDeps()), 403, `cannot update an existing pod's GMSA settings (GMSA name modified on pod "p")`);
  });

  it("denies with 403 changed container contents", async () => {
    const p = base() as any;
    p.spec.containers[0].securityContext.windowsOptions.gmsaCredentialSpec = "{}";
    expectDenied(
      await validate(update(p, base()), fakeDeps()),
      403,
      `cannot update an existing pod's GMSA settings (GMSA contents modified on container "c0")`,
    );
  });

  it("denies with 403 changed init container name and contents", async () => {
    const p = base() as any;
    p.spec.initContainers[0].securityContext.windowsOptions = { gmsaCredentialSpecName: "x", gmsaCredentialSpec: "{}" };
    expectDenied(
      await validate(update(p, base()), fakeDeps()),
      403,
      `cannot update an existing pod's GMSA settings (GMSA name and contents modified on initContainer "i0")`,
    );
  });

  it("denies GMSA settings added to a container that had none", async () => {
    const p = base() as any;
    p.spec.containers[1].securityContext = { windowsOptions: { gmsaCredentialSpecName: "webapp1" } };
    expectDenied(await validate(update(p, base()), fakeDeps()), 403, `cannot update an existing pod's GMSA settings (GMSA name modified on container "c1")`);
  });

  it("only looks at the new pod's settings: dropping windowsOptions altogether passes (as upstream)", async () => {
    const p = base() as any;
    delete p.spec.securityContext;
    expectAllowed(await validate(update(p, base()), fakeDeps()));
  });

  it("denies with 400 an update without the old object", async () => {
    expectDenied(
      await validate(review(base(), { operation: "UPDATE" }), fakeDeps()),
      400,
      "unable to unmarshall pod JSON object: unexpected end of JSON input",
    );
  });
});

describe("gmsa-webhook admission: requests", () => {
  it("denies anything but a Pod with 400, as upstream; or admits it with nonPods: allow", async () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } };
    for (const fn of [mutate, validate]) {
      expectDenied(await fn(review(deployment, { kind: "Deployment" }), fakeDeps()), 400, "expected a Pod object, got a Deployment");
      expectAllowed(await fn(review(deployment, { kind: "Deployment" }), fakeDeps(), { nonPods: "allow" }));
    }
  });

  it("denies with 400 a review without a request (empty uid)", async () => {
    expectDenied(await validate({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }, fakeDeps()), 400, "no 'Request' field in JSON body", "");
  });

  it("denies with 400 malformed reviews and pods, with Go's decode errors", async () => {
    expectDenied(
      await mutate("x", fakeDeps()),
      400,
      "unable to unmarshall JSON body as an admission review: json: cannot unmarshal string into Go value of type v1.AdmissionReview",
      "",
    );
    const bad = pod() as any;
    bad.spec.containers[0].securityContext = { windowsOptions: { gmsaCredentialSpecName: 42 } };
    expectDenied(
      await validate(review(bad), fakeDeps()),
      400,
      "unable to unmarshall pod JSON object: json: cannot unmarshal number into Go struct field WindowsSecurityContextOptions.spec.containers.securityContext.windowsOptions.gmsaCredentialSpecName of type string",
    );
  });

  it("denies other operations with 400 (upstream's spelling), after reading the object", async () => {
    expectDenied(await validate(review(null, { operation: "DELETE" }), fakeDeps()), 400, "unable to unmarshall pod JSON object: unexpected end of JSON input");
    expectDenied(await validate(review(pod(), { operation: "CONNECT" }), fakeDeps()), 400, "unpexpected operation CONNECT");
  });

  it("echoes the request uid", async () => {
    const r = await validate(review(pod(), { uid: "abc-123" }), fakeDeps());
    expect(r.response.uid).to.equal("abc-123");
  });

  it("treats null GMSA fields as unset", async () => {
    const p = pod() as any;
    p.spec.containers[0].securityContext = { windowsOptions: { gmsaCredentialSpecName: null, gmsaCredentialSpec: null } };
    expectAllowed(await validate(review(p), fakeDeps()));
  });

  it("never puts cred spec contents into the log summary", async () => {
    const secret = '{"DomainJoinConfig":{"Sid":"S-1-SECRET"}'; // not valid JSON: echoed in the API message
    const d1 = await admit("validate", review(pod({ pod: { gmsaCredentialSpecName: "webapp1", gmsaCredentialSpec: secret } })), fakeDeps());
    expect(d1.review.response.status?.message).to.include("S-1-SECRET");
    expect(d1.summary).to.not.include("S-1-SECRET");
    expect(d1.summary).to.include("denied code=422");
    const d2 = await admit("mutate", review(pod({ pod: { gmsaCredentialSpecName: "webapp1" } })), fakeDeps());
    expect(d2.summary).to.not.include("S-1-5-21");
    expect(d2.summary).to.match(/^mutate CREATE pod ns1\/p uid=\S+: allowed with 1 patch\(es\)/);
  });
});
