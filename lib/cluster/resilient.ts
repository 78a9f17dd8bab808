// Puts every typed API call of a run under the one error model: the KubeConfig's API clients retry transient
// failures within the outage window, turn a lost permission into the run's InfrastructureError, and give a
// rejected call a one-line message (code, verb, resource, server message) while keeping its code and body
// for the tests that read them.
import type * as k8s from "@kubernetes/client-node";
import { callApi } from "./outage.js";
import { ApiCallError, classify } from "./errors.js";

const verbs: [RegExp, string][] = [
  [/^create/, "create"],
  [/^read/, "get"],
  [/^list/, "list"],
  [/^patch/, "patch"],
  [/^replace/, "update"],
  [/^deleteCollection/, "deletecollection"],
  [/^delete/, "delete"],
  [/^connect/, "connect"],
  [/^get/, "get"],
];

/** `createNamespacedPod({namespace: "a", body: {metadata: {name: "p"}}})` → ["create", "NamespacedPod a/p"]. */
export function describeCall(method: string, args: unknown[]): [string, string] {
  const verb = verbs.find(([re]) => re.test(method))?.[1] ?? method;
  const rest = method.replace(/^(create|read|list|patch|replace|deleteCollection|delete|connect|get)/, "").replace(/^Namespaced/, "");
  const a = (args[0] ?? {}) as { name?: string; namespace?: string; body?: { metadata?: { name?: string; namespace?: string }; kind?: string } };
  // KubernetesObjectApi passes the object itself.
  const obj = a.body ?? (a as { metadata?: { name?: string; namespace?: string }; kind?: string });
  const name = a.name ?? obj?.metadata?.name;
  const ns = a.namespace ?? obj?.metadata?.namespace;
  const kind = rest || (obj as { kind?: string })?.kind || "";
  return [verb, `${kind}${name || ns ? ` ${[ns, name].filter(Boolean).join("/")}` : ""}`.trim()];
}

const isThenable = (x: unknown): x is Promise<unknown> => !!x && typeof (x as { then?: unknown }).then === "function";

function wrapClient<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function" || typeof prop !== "string") return v;
      // Through the node proxy the status is the kubelet's answer (a 500 from its stats handler) or an optional
      // permission (get nodes/proxy): neither says the API server is down or the run lost its rights.
      if (/^connect\w*NodeProxy/.test(prop)) return v;
      return (...args: unknown[]) => {
        const first = v.apply(target, args);
        if (!isThenable(first)) return first;
        const [verb, resource] = describeCall(prop, args);
        let calls = 0;
        return callApi(verb, resource, () => (calls++ === 0 ? first : v.apply(target, args)), { raw: true }).catch((e: unknown) => {
          // client-node's ApiException message is a five-line dump with headers: one line instead.
          if (classify(e) && e instanceof Error) e.message = new ApiCallError(verb, resource, e).message;
          throw e;
        });
      };
    },
  });
}

/** Makes this KubeConfig's API clients follow the run's error model (the object itself is changed and returned). */
export function resilient(kc: k8s.KubeConfig): k8s.KubeConfig {
  const make = kc.makeApiClient.bind(kc);
  kc.makeApiClient = ((type: never) => wrapClient(make(type) as object)) as typeof kc.makeApiClient;
  return kc;
}
