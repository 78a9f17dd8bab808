// Which cluster to talk to: --kubeconfig, then $KUBECONFIG, then ~/.kube/config; --context picks a context.
// Every way this can be wrong becomes one line naming the file and what is wrong with it.
import * as k8s from "@kubernetes/client-node";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, delimiter } from "node:path";
import yaml from "js-yaml";
import { UserFacingError } from "../errors.js";

export interface KubeconfigChoice {
  kubeconfig?: string;
  context?: string;
}

/** The kubeconfig files that would be used, or [] when none is given or found (→ the local cluster). */
export function kubeconfigFiles(choice: KubeconfigChoice, env = process.env): string[] {
  if (choice.kubeconfig) return [choice.kubeconfig];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);
  const def = join(homedir(), ".kube", "config");
  return existsSync(def) ? [def] : [];
}

export function loadKubeConfig(files: string[], context?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  const present = files.filter((f) => existsSync(f));
  if (!present.length) throw new UserFacingError(`kubeconfig ${files.join(delimiter)}: no such file`);
  for (const f of present) {
    let doc: unknown;
    try {
      doc = yaml.load(readFileSync(f, "utf8"));
    } catch (e) {
      throw new UserFacingError(`kubeconfig ${f} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    if (!doc || typeof doc !== "object" || !("clusters" in doc || "contexts" in doc))
      throw new UserFacingError(`kubeconfig ${f} has no clusters or contexts: is it a kubeconfig file?`);
  }
  try {
    if (present.length === 1) kc.loadFromFile(present[0]);
    else {
      // client-node merges $KUBECONFIG lists itself.
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = present.join(delimiter);
      kc.loadFromDefault();
      process.env.KUBECONFIG = saved;
    }
  } catch (e) {
    throw new UserFacingError(`kubeconfig ${present.join(delimiter)} cannot be used: ${(e as Error).message.split("\n")[0]}`);
  }
  if (context) {
    if (!kc.getContextObject(context))
      throw new UserFacingError(
        `context "${context}" is not in kubeconfig ${present.join(delimiter)} (available: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(", ") || "none"
        })`,
      );
    kc.setCurrentContext(context);
  }
  const current = kc.getCurrentContext();
  if (!current || !kc.getContextObject(current))
    throw new UserFacingError(
      `kubeconfig ${present.join(delimiter)} has no current context: pass --context (available: ${
        kc
          .getContexts()
          .map((c) => c.name)
          .join(", ") || "none"
      })`,
    );
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new UserFacingError(`context "${current}" in kubeconfig ${present.join(delimiter)} names no cluster with a server address`);
  return kc;
}
