// The GMSA admission logic of kubernetes-sigs/windows-gmsa (admission-webhook/webhook.go and
// kube_client.go), reimplemented: same decisions, same HTTP-style codes, same messages.
//
//  mutate  (pod CREATE): for the pod's, each container's and each init container's
//          securityContext.windowsOptions that names a GMSACredentialSpec but carries no contents,
//          inline the resource's `credspec` (compacted as Go's json.Marshal does) with a JSON patch.
//  validate (pod CREATE): a named cred spec must be `use`-able by the pod's service account (403), and
//          pre-set contents must equal the resource's (422); contents without a name are refused (422).
//  validate (pod UPDATE): GMSA names and contents must not change (403).
//
// Both functions are pure apart from the two lookups in `deps`.

import { randomUUID } from "node:crypto";
import {
  admissionReviewShape,
  goDecode,
  podShape,
  type DecodedAdmissionReview,
  type DecodedContainer,
  type DecodedPod,
  type DecodedWindowsOptions,
} from "./decode.js";
import { goDeepEqual, goFormatWithoutArgs, goMarshal, goQuote, goUnmarshalObject } from "./gojson.js";
import { GMSA_CONTENTS_FIELD } from "./crd.js";

export type WebhookOperation = "mutate" | "validate";

/** What `canUse` may answer: a plain verdict, or the SubjectAccessReview's verdict with its reason. */
export type CanUseResult = boolean | { allowed: boolean; reason?: string };

export interface GmsaAdmissionDeps {
  /**
   * The GMSACredentialSpec resource (the whole object, with its `credspec` field), or undefined when it
   * does not exist. A thrown error whose message ends in "not found" also counts as missing (as upstream
   * reads client-go errors); any other error denies with 500.
   */
  getCredSpec(name: string): Promise<object | undefined>;
  /** Whether `system:serviceaccount:<namespace>:<serviceAccount>` may `use` the named cred spec. */
  canUse(namespace: string, serviceAccount: string, credSpecName: string): Promise<CanUseResult>;
}

export interface GmsaAdmissionOptions {
  /**
   * Upstream's RANDOM_HOSTNAME: on mutate, give GMSA pods without spec.hostname a random 15-character
   * one. Default false (upstream's default).
   */
  randomHostname?: boolean;
  /** Hostname source for `randomHostname` (tests); default: first 15 characters of a random UUID. */
  generateHostname?: () => string;
  /**
   * Requests for anything but a Pod: upstream denies them with 400 `expected a Pod object, got a <Kind>`
   * ("deny", the default); "allow" admits them untouched. The registered rules only send pods anyway.
   */
  nonPods?: "deny" | "allow";
  /**
   * The local cluster's webhook-misbehaviour faults, asked on each request: a webhook that does not fill the
   * credential spec (an old or broken mutating webhook), that lets every service account `use` every credential
   * spec (authorisation check skipped), or that skips comparing inline contents with the resource.
   */
  broken?: (behaviour: GmsaMisbehaviour) => boolean;
}

export type GmsaMisbehaviour = "no-fill" | "authorizes-all" | "skips-compare";

export interface AdmissionStatus {
  metadata: Record<string, never>;
  message: string;
  code?: number;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  /** base64 of a JSON patch (RFC 6902) */
  patch?: string;
  patchType?: "JSONPatch";
}

export interface AdmissionReviewResponse {
  kind: "AdmissionReview";
  apiVersion: "admission.k8s.io/v1";
  response: AdmissionResponse;
}

/** A decision plus a one-line, log-safe description of it (never holds cred spec contents). */
export interface AdmissionDecision {
  review: AdmissionReviewResponse;
  summary: string;
}

export interface JsonPatchOperation {
  op: "add";
  path: string;
  value: string;
}

type ResourceKind = "pod" | "container" | "initContainer";

interface GmsaSettings {
  options: DecodedWindowsOptions;
  kind: ResourceKind;
  name: string;
  index: number;
}

/** An admission refusal: `message` goes to the API client, `logMessage` to our log. */
class Refusal {
  constructor(
    readonly code: number,
    readonly message: string,
    readonly logMessage: string = message,
  ) {}
}

const HTTP_BAD_REQUEST = 400;
const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;
const HTTP_EXPECTATION_FAILED = 417;
const HTTP_UNPROCESSABLE_ENTITY = 422;
const HTTP_INTERNAL_SERVER_ERROR = 500;

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Visits pod-level, then container, then init container windowsOptions (upstream's order). */
function gmsaSettings(pod: DecodedPod): GmsaSettings[] {
  const out: GmsaSettings[] = [];
  const podOptions = pod.spec?.securityContext?.windowsOptions;
  if (podOptions) out.push({ options: podOptions, kind: "pod", name: pod.metadata?.name ?? "", index: -1 });
  const visit = (containers: (DecodedContainer | undefined)[] | undefined, kind: ResourceKind) => {
    (containers ?? []).forEach((c, index) => {
      const options = c?.securityContext?.windowsOptions;
      if (options) out.push({ options, kind, name: c?.name ?? "", index });
    });
  };
  visit(pod.spec?.containers, "container");
  visit(pod.spec?.initContainers, "initContainer");
  return out;
}

function decodePod(raw: unknown): DecodedPod | Refusal {
  if (raw === undefined || raw === null) {
    return new Refusal(HTTP_BAD_REQUEST, "unable to unmarshall pod JSON object: unexpected end of JSON input");
  }
  const decoded = goDecode<DecodedPod>(raw, podShape);
  if (decoded.error !== undefined) {
    return new Refusal(HTTP_BAD_REQUEST, `unable to unmarshall pod JSON object: ${decoded.error}`);
  }
  return decoded.value ?? {};
}

/** kube_client.go retrieveCredSpecContents: the cred spec's contents as Go would marshal them. */
async function retrieveCredSpecContents(deps: GmsaAdmissionDeps, name: string): Promise<string | Refusal> {
  let resource: object | undefined;
  try {
    resource = await deps.getCredSpec(name);
  } catch (err) {
    const msg = errorMessage(err);
    if (msg.endsWith("not found")) return new Refusal(HTTP_NOT_FOUND, `cred spec ${name} does not exist`);
    return new Refusal(HTTP_INTERNAL_SERVER_ERROR, `unable to retrieve the contents of cred spec ${name}: ${msg}`);
  }
  if (resource === undefined || resource === null) {
    return new Refusal(HTTP_NOT_FOUND, `cred spec ${name} does not exist`);
  }
  const fields = resource as Record<string, unknown>;
  const contents = fields[GMSA_CONTENTS_FIELD];
  if (!Object.hasOwn(fields, GMSA_CONTENTS_FIELD) || contents === undefined || contents === "") {
    return new Refusal(HTTP_EXPECTATION_FAILED, `cred spec ${name} does not have a ${GMSA_CONTENTS_FIELD} key`);
  }
  try {
    return goMarshal(contents);
  } catch (err) {
    return new Refusal(HTTP_INTERNAL_SERVER_ERROR, `unable to marshall cred spec ${name} into a JSON: ${errorMessage(err)}`);
  }
}

/** webhook.go compareCredSpecContents: equal strings, or equal once both are parsed as JSON objects. */
function compareCredSpecContents(fromResource: string, fromCRD: string): { equal: boolean; error?: string } {
  if (fromResource === fromCRD) return { equal: true };
  const a = goUnmarshalObject(fromResource);
  if (!a.ok) return { equal: false, error: `unable to parse ${goQuote(fromResource)} as a JSON object: ${a.error}` };
  const b = goUnmarshalObject(fromCRD);
  if (!b.ok) return { equal: false, error: `unable to parse CRD ${goQuote(fromCRD)} as a JSON object: ${b.error}` };
  return { equal: goDeepEqual(a.value, b.value) };
}

async function isAuthorized(deps: GmsaAdmissionDeps, namespace: string, serviceAccount: string, name: string): Promise<{ allowed: boolean; reason: string }> {
  try {
    const res = await deps.canUse(namespace, serviceAccount, name);
    if (typeof res === "boolean") return { allowed: res, reason: "" };
    return { allowed: res.allowed === true, reason: res.reason ?? "" };
  } catch (err) {
    return { allowed: false, reason: `error when checking authz access: ${errorMessage(err)}` };
  }
}

async function validateCreate(deps: GmsaAdmissionDeps, pod: DecodedPod, namespace: string, admission: GmsaAdmissionOptions): Promise<Refusal | undefined> {
  // The ServiceAccount admission plugin has normally set this before webhooks run.
  const serviceAccount = pod.spec?.serviceAccountName || "default";
  for (const { options, kind, name } of gmsaSettings(pod)) {
    const credSpecName = options.gmsaCredentialSpecName;
    const contents = options.gmsaCredentialSpec;
    if (credSpecName !== undefined) {
      const authz = admission.broken?.("authorizes-all") ? { allowed: true, reason: "" } : await isAuthorized(deps, namespace, serviceAccount, credSpecName);
      if (!authz.allowed) {
        let msg = `service account ${goQuote(serviceAccount)} is not authorized to \`use\` GMSA cred spec ${goQuote(credSpecName)}`;
        if (authz.reason !== "") msg += `, reason: ${goQuote(authz.reason)}`;
        return new Refusal(HTTP_FORBIDDEN, goFormatWithoutArgs(msg));
      }
      if (contents !== undefined && !admission.broken?.("skips-compare")) {
        const expected = await retrieveCredSpecContents(deps, credSpecName);
        if (expected instanceof Refusal) return expected;
        const cmp = compareCredSpecContents(contents, expected);
        if (!cmp.equal || cmp.error !== undefined) {
          const msg = `the GMSA cred spec contents for ${kind} ${goQuote(name)} does not match the contents of GMSA resource ${goQuote(credSpecName)}`;
          const full = cmp.error !== undefined ? `${msg}: ${cmp.error}` : msg;
          const logged = cmp.error !== undefined ? `${msg}: (contents not parseable as a JSON object; details not logged)` : msg;
          return new Refusal(HTTP_UNPROCESSABLE_ENTITY, goFormatWithoutArgs(full), logged);
        }
      }
    } else if (contents !== undefined) {
      const msg = `${kind} ${goQuote(name)} has a GMSA cred spec set, but does not define the name of the corresponding resource`;
      return new Refusal(HTTP_UNPROCESSABLE_ENTITY, goFormatWithoutArgs(msg));
    }
  }
  return undefined;
}

async function mutateCreate(deps: GmsaAdmissionDeps, pod: DecodedPod, options: GmsaAdmissionOptions): Promise<JsonPatchOperation[] | Refusal> {
  const patches: JsonPatchOperation[] = [];
  let hasGmsa = false;
  for (const { options: winOpts, kind, index } of gmsaSettings(pod)) {
    const credSpecName = winOpts.gmsaCredentialSpecName;
    if (credSpecName === undefined) continue;
    hasGmsa = true;
    // pre-set contents are left alone: validation checks them
    if (winOpts.gmsaCredentialSpec !== undefined || options.broken?.("no-fill")) continue;
    const contents = await retrieveCredSpecContents(deps, credSpecName);
    if (contents instanceof Refusal) return contents;
    const partialPath = kind === "container" ? `/containers/${index}` : kind === "initContainer" ? `/initContainers/${index}` : "";
    patches.push({ op: "add", path: `/spec${partialPath}/securityContext/windowsOptions/gmsaCredentialSpec`, value: contents });
  }
  if (hasGmsa && options.randomHostname && !pod.spec?.hostname) {
    const hostname = options.generateHostname ? options.generateHostname() : randomUUID().slice(0, 15).toLowerCase();
    patches.push({ op: "add", path: "/spec/hostname", value: hostname });
  }
  return patches;
}

function validateUpdate(pod: DecodedPod, oldPod: DecodedPod): Refusal | undefined {
  let oldContainerOptions: Map<string, DecodedWindowsOptions> | undefined;
  for (const { options, kind, name } of gmsaSettings(pod)) {
    let old: DecodedWindowsOptions | undefined;
    if (kind === "pod") {
      old = oldPod.spec?.securityContext?.windowsOptions;
    } else {
      if (oldContainerOptions === undefined) {
        oldContainerOptions = new Map();
        for (const s of gmsaSettings(oldPod)) if (s.kind !== "pod") oldContainerOptions.set(s.name, s.options);
      }
      old = oldContainerOptions.get(name);
    }
    old ??= {};
    const modified: string[] = [];
    if (options.gmsaCredentialSpecName !== old.gmsaCredentialSpecName) modified.push("name");
    if (options.gmsaCredentialSpec !== old.gmsaCredentialSpec) modified.push("contents");
    if (modified.length > 0) {
      return new Refusal(HTTP_FORBIDDEN, `cannot update an existing pod's GMSA settings (GMSA ${modified.join(" and ")} modified on ${kind} ${goQuote(name)})`);
    }
  }
  return undefined;
}

function reviewOf(response: AdmissionResponse): AdmissionReviewResponse {
  return { kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1", response };
}

function denied(uid: string, refusal: Refusal): AdmissionResponse {
  const status: AdmissionStatus = { metadata: {}, message: refusal.message };
  if (refusal.code !== 0) status.code = refusal.code;
  return { uid, allowed: false, status };
}

/** Builds the denial upstream sends when the HTTP body itself cannot be read as an AdmissionReview. */
export function badRequestReview(message: string): AdmissionDecision {
  const refusal = new Refusal(HTTP_BAD_REQUEST, message);
  return { review: reviewOf(denied("", refusal)), summary: `denied code=400: ${message}` };
}

/**
 * Runs one webhook operation on an AdmissionReview (admission.k8s.io/v1) and returns the review to send
 * back, with the request's uid, plus a log-safe summary.
 */
export async function admit(
  operation: WebhookOperation,
  review: unknown,
  deps: GmsaAdmissionDeps,
  options: GmsaAdmissionOptions = {},
): Promise<AdmissionDecision> {
  if (review === undefined) {
    return badRequestReview("unable to unmarshall JSON body as an admission review: unexpected end of JSON input");
  }
  const decoded = goDecode<DecodedAdmissionReview>(review, admissionReviewShape);
  if (decoded.error !== undefined) {
    return badRequestReview(`unable to unmarshall JSON body as an admission review: ${decoded.error}`);
  }
  const request = decoded.value?.request;
  if (request === undefined) return badRequestReview("no 'Request' field in JSON body");

  const uid = request.uid ?? "";
  const namespace = request.namespace ?? "";
  const kind = request.kind?.kind ?? "";
  const op = request.operation ?? "";
  let subject = `${kind || "<no kind>"} ${namespace}/${request.name ?? ""}`;
  const finish = (response: AdmissionResponse, refusal?: Refusal, note = ""): AdmissionDecision => {
    const verdict = refusal ? `denied code=${refusal.code}: ${refusal.logMessage}` : `allowed${note}`;
    return { review: reviewOf(response), summary: `${operation} ${op || "<no operation>"} ${subject} uid=${uid}: ${verdict}` };
  };
  const refuse = (refusal: Refusal) => finish(denied(uid, refusal), refusal);

  if (kind !== "Pod") {
    if (options.nonPods === "allow") return finish({ uid, allowed: true }, undefined, " (not a pod)");
    return refuse(new Refusal(HTTP_BAD_REQUEST, `expected a Pod object, got a ${kind}`));
  }

  const pod = decodePod(request.object);
  if (pod instanceof Refusal) return refuse(pod);
  const podName = pod.metadata?.name || request.name || (pod.metadata?.generateName ? `${pod.metadata.generateName}<generated>` : "");
  subject = `pod ${namespace}/${podName}`;

  switch (op) {
    case "CREATE": {
      if (operation === "validate") {
        const refusal = await validateCreate(deps, pod, namespace, options);
        return refusal ? refuse(refusal) : finish({ uid, allowed: true });
      }
      const patches = await mutateCreate(deps, pod, options);
      if (patches instanceof Refusal) return refuse(patches);
      if (patches.length === 0) return finish({ uid, allowed: true });
      const patch = Buffer.from(goMarshal(patches), "utf8").toString("base64");
      const paths = patches.map((p) => p.path).join(", ");
      return finish({ uid, allowed: true, patch, patchType: "JSONPatch" }, undefined, ` with ${patches.length} patch(es): ${paths}`);
    }
    case "UPDATE": {
      // updates are only validated, never mutated
      if (operation === "mutate") return finish({ uid, allowed: true });
      const oldPod = decodePod(request.oldObject);
      if (oldPod instanceof Refusal) return refuse(oldPod);
      const refusal = validateUpdate(pod, oldPod);
      return refusal ? refuse(refusal) : finish({ uid, allowed: true });
    }
    default:
      // (sic: upstream's spelling)
      return refuse(new Refusal(HTTP_BAD_REQUEST, `unpexpected operation ${op}`));
  }
}

/** The mutating webhook (/mutate) on one AdmissionReview. */
export async function mutate(review: unknown, deps: GmsaAdmissionDeps, options: GmsaAdmissionOptions = {}): Promise<AdmissionReviewResponse> {
  return (await admit("mutate", review, deps, options)).review;
}

/** The validating webhook (/validate) on one AdmissionReview. */
export async function validate(review: unknown, deps: GmsaAdmissionDeps, options: GmsaAdmissionOptions = {}): Promise<AdmissionReviewResponse> {
  return (await admit("validate", review, deps, options)).review;
}

/** Decodes the JSON patch of a mutate response (handy for callers and tests). */
export function decodePatch(response: AdmissionResponse): JsonPatchOperation[] {
  if (!response.patch) return [];
  return JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) as JsonPatchOperation[];
}
