// In-cluster credentials, as the kubelet lays them out in a pod: KUBERNETES_SERVICE_HOST/PORT in the environment,
// and the ServiceAccount's token, CA and namespace under /var/run/secrets/kubernetes.io/serviceaccount.
// The token is read from its file on every request (client-node's tokenFile provider), so a projected token
// that the kubelet rotates during a long run keeps working. HC_POD_ROOT stands in for `/` (tests lay the files out
// in a temporary directory).
import * as k8s from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserFacingError } from "../errors.js";

export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/** True when the process looks like it runs in a pod (the API server's address in the environment). */
export function inCluster(env = process.env): boolean {
  return !!env.KUBERNETES_SERVICE_HOST && !!env.KUBERNETES_SERVICE_PORT;
}

export function loadInClusterConfig(env = process.env): k8s.KubeConfig {
  const root = env.HC_POD_ROOT ?? "";
  const dir = join(root || "/", serviceAccountDir);
  for (const f of ["token", "ca.crt"])
    if (!existsSync(join(dir, f)))
      throw new UserFacingError(
        `in-cluster credentials: KUBERNETES_SERVICE_HOST is set but ${join(dir, f)} is missing (is automountServiceAccountToken off? or pass --kubeconfig)`,
      );
  const kc = new k8s.KubeConfig();
  kc.loadFromCluster(root);
  return kc;
}
