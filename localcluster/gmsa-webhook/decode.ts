// A small typed decoder for the parts of an AdmissionReview and a Pod the GMSA webhook reads, reporting
// type mismatches with the texts Go's encoding/json gives when upstream unmarshals them into the
// k8s.io/api structs (first mismatch in document order; keys matched exactly, else case-insensitively;
// unknown keys ignored; `null` leaves a value unset).

export type Shape =
  | { t: "string"; go: string }
  | { t: "struct"; go: string; name: string; fields: Record<string, Shape> }
  | { t: "slice"; go: string; elem: Shape }
  | { t: "raw" };

interface DecodeState {
  error?: string;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "boolean":
      return "bool";
    default:
      return "object";
  }
}

function typeError(state: DecodeState, value: unknown, shape: Shape & { go: string }, struct: string | undefined, path: string[]) {
  if (state.error !== undefined) return;
  const where = struct === undefined ? "Go value" : `Go struct field ${struct}.${path.join(".")}`;
  state.error = `json: cannot unmarshal ${kindOf(value)} into ${where} of type ${shape.go}`;
}

function matchField(fields: Record<string, Shape>, key: string): string | undefined {
  if (Object.hasOwn(fields, key)) return key;
  const upper = key.toUpperCase();
  const lower = key.toLowerCase();
  return Object.keys(fields).find((f) => f.toUpperCase() === upper || f.toLowerCase() === lower);
}

function decodeValue(value: unknown, shape: Shape, struct: string | undefined, path: string[], state: DecodeState): unknown {
  if (shape.t === "raw") return value;
  if (value === null || value === undefined) return undefined;
  switch (shape.t) {
    case "string":
      if (typeof value === "string") return value;
      typeError(state, value, shape, struct, path);
      return undefined;
    case "slice":
      if (Array.isArray(value)) return value.map((v) => decodeValue(v, shape.elem, struct, path, state));
      typeError(state, value, shape, struct, path);
      return undefined;
    case "struct": {
      if (typeof value !== "object" || Array.isArray(value)) {
        typeError(state, value, shape, struct, path);
        return undefined;
      }
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        const field = matchField(shape.fields, key);
        if (field === undefined) continue;
        const decoded = decodeValue(obj[key], shape.fields[field], shape.name, [...path, field], state);
        if (decoded === undefined) delete out[field];
        else out[field] = decoded;
      }
      return out;
    }
  }
}

/** Decodes `value` (a JSON.parse result) against `shape`; `error` is Go's text for the first type mismatch. */
export function goDecode<T>(value: unknown, shape: Shape): { value: T | undefined; error?: string } {
  const state: DecodeState = {};
  const decoded = decodeValue(value, shape, undefined, [], state) as T | undefined;
  return state.error === undefined ? { value: decoded } : { value: decoded, error: state.error };
}

const s = (go = "string"): Shape => ({ t: "string", go });

const windowsOptions: Shape = {
  t: "struct",
  go: "v1.WindowsSecurityContextOptions",
  name: "WindowsSecurityContextOptions",
  fields: { gmsaCredentialSpecName: s(), gmsaCredentialSpec: s() },
};

const container: Shape = {
  t: "struct",
  go: "v1.Container",
  name: "Container",
  fields: {
    name: s(),
    securityContext: {
      t: "struct",
      go: "v1.SecurityContext",
      name: "SecurityContext",
      fields: { windowsOptions },
    },
  },
};

/** The fields of a core/v1 Pod the webhook reads. */
export const podShape: Shape = {
  t: "struct",
  go: "v1.Pod",
  name: "Pod",
  fields: {
    metadata: {
      t: "struct",
      go: "v1.ObjectMeta",
      name: "ObjectMeta",
      fields: { name: s(), generateName: s(), namespace: s() },
    },
    spec: {
      t: "struct",
      go: "v1.PodSpec",
      name: "PodSpec",
      fields: {
        initContainers: { t: "slice", go: "[]v1.Container", elem: container },
        containers: { t: "slice", go: "[]v1.Container", elem: container },
        serviceAccountName: s(),
        hostname: s(),
        securityContext: {
          t: "struct",
          go: "v1.PodSecurityContext",
          name: "PodSecurityContext",
          fields: { windowsOptions },
        },
      },
    },
  },
};

/** The fields of an admission.k8s.io/v1 AdmissionReview the webhook reads. */
export const admissionReviewShape: Shape = {
  t: "struct",
  go: "v1.AdmissionReview",
  name: "AdmissionReview",
  fields: {
    request: {
      t: "struct",
      go: "v1.AdmissionRequest",
      name: "AdmissionRequest",
      fields: {
        uid: s("types.UID"),
        kind: {
          t: "struct",
          go: "v1.GroupVersionKind",
          name: "GroupVersionKind",
          fields: { group: s(), version: s(), kind: s() },
        },
        name: s(),
        namespace: s(),
        operation: s("v1.Operation"),
        object: { t: "raw" },
        oldObject: { t: "raw" },
      },
    },
  },
};

export interface DecodedWindowsOptions {
  gmsaCredentialSpecName?: string;
  gmsaCredentialSpec?: string;
}
export interface DecodedContainer {
  name?: string;
  securityContext?: { windowsOptions?: DecodedWindowsOptions };
}
export interface DecodedPod {
  metadata?: { name?: string; generateName?: string; namespace?: string };
  spec?: {
    initContainers?: DecodedContainer[];
    containers?: DecodedContainer[];
    serviceAccountName?: string;
    hostname?: string;
    securityContext?: { windowsOptions?: DecodedWindowsOptions };
  };
}
export interface DecodedAdmissionReview {
  request?: {
    uid?: string;
    kind?: { group?: string; version?: string; kind?: string };
    name?: string;
    namespace?: string;
    operation?: string;
    object?: unknown;
    oldObject?: unknown;
  };
}
