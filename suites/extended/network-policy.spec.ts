// Extend.NetworkPolicy (WOR's NetworkPolicy category; the Kubernetes docs' "Network Policies" page): a policy that
// lets into the Windows win-webserver pods only traffic from their own namespace. On Windows nodes NetworkPolicy is
// enforced by the CNI's policy agent (Calico or Antrea), not by Windows: a cluster without one accepts the policy
// and enforces nothing. That is detected, not guessed: a deny-all probe policy on a Linux pod must stop a client
// from another namespace; if it does not, the cluster has no policy engine and the check is skipped, saying so.
import * as allure from "allure-js-commons";
import type * as k8s from "@kubernetes/client-node";
import { useTestEnv, type TestEnv } from "../../lib/run/test-env.js";
import { remove } from "../../lib/cluster/api.js";
import { waits } from "../../lib/cluster/waits.js";
import {
  WEB_PAGE_TITLE,
  attempter,
  downWithin,
  podRef,
  reach,
  steadyOptions,
  ReachabilityExpectationFailed,
  type PodSource,
  type Probe,
} from "../../lib/checks/network.js";
import { categoryOf } from "../index.js";
import { skipWithReason } from "../../lib/run/steps.js";
import { NETWORK_POLICY } from "./network-policy.titles.js";

const SERVER = "win-webserver";
const CLIENT = "linux-client";
const CATEGORY = categoryOf(import.meta.url);

interface Layout {
  servers: PodSource[];
  same: PodSource;
  other: PodSource;
  otherNs: string;
}

/** The docs' win-webserver and linux-client in the test namespace, and a second linux-client in a namespace of its own. */
async function layout(env: TestEnv): Promise<Layout> {
  const otherNs = `${env.ns.slice(0, 56)}-other`;
  await env.step(`deploy win-webserver + linux-client in ${env.ns}, and linux-client in ${otherNs}`, async () => {
    await env.apply<k8s.V1Namespace>({ apiVersion: "v1", kind: "Namespace", metadata: { name: otherNs } });
    await env.deploy(["win-webserver", CLIENT]);
    const [client] = env.render(CLIENT);
    client.metadata!.namespace = otherNs;
    await env.apply(client);
  });
  const pods = await env.step("wait: both win-webserver replicas and both clients Ready", async () => {
    const opts = { timeoutMs: env.budgets.podStartMs, phases: { imagePullMs: env.budgets.imagePullMs, scaleUpMs: env.budgets.scaleUpMs } };
    const [servers] = await Promise.all([env.wait.podsReady(`app=${SERVER}`, 2), env.wait.podReady(CLIENT), waits.podReady(env.kc, otherNs, CLIENT, opts)]);
    return servers;
  });
  const servers = await Promise.all(pods.map((p) => podRef(env, p.metadata!.name!, "windowswebserver")));
  const same = await podRef(env, CLIENT, "agnhost");
  const other = await podRef(env, CLIENT, "agnhost", otherNs);
  for (const p of [...servers, same, other]) await allure.parameter(`${p.namespace ?? env.ns}/${p.pod}`, `${p.ip} on ${p.node} (${p.os})`, { excluded: true });
  return { servers, same, other, otherNs };
}

const serverDest = (s: PodSource) => ({ host: s.ip, port: 80, name: `Windows pod ${s.pod} on ${s.node}` });
/**
 * A policy from the fixture, ready for apply. client-node serializes a NetworkPolicy through its typed model, whose
 * ingress rule names `from` as `_from` (a reserved word): the YAML's `from` would be dropped silently, turning the
 * rule into "allow all". So the rendered rules are moved to the model's name.
 */
function policy(env: TestEnv, name: string): k8s.V1NetworkPolicy {
  const p = env.render("network-policy").find((o) => o.metadata?.name === name) as k8s.V1NetworkPolicy;
  for (const rule of p.spec?.ingress ?? []) {
    const raw = rule as { from?: k8s.V1NetworkPolicyPeer[] };
    if (raw.from) [rule._from, raw.from] = [raw.from, undefined];
  }
  return p;
}

/**
 * Whether the cluster enforces NetworkPolicy at all: a deny-all ingress policy on the Linux client must stop the
 * other namespace's client within the network budget. Returns why not, or undefined when it is enforced.
 */
async function enforcementMissing(env: TestEnv, l: Layout): Promise<string | undefined> {
  const p: Probe = {
    path: "probe: deny-all policy on a Linux pod",
    from: l.other,
    to: { host: l.same.ip, port: 8080, path: "/hostname", name: `Linux pod ${CLIENT} on ${l.same.node}` },
  };
  await reach(env, { ...p, path: "probe: Linux pod before any policy" }, { steady: { stableMs: 0 } });
  const probe = policy(env, "deny-all-ingress-probe");
  await env.step("apply NetworkPolicy deny-all-ingress-probe (isolates linux-client)", () => env.apply(probe));
  try {
    await env.step(`probe: does ${CLIENT} stop answering ${l.otherNs}/${CLIENT}?`, () => downWithin(p, attempter(env, p), steadyOptions(env)));
    return undefined;
  } catch (e) {
    if (!(e instanceof ReachabilityExpectationFailed)) throw e;
    const secs = Math.round(env.budgets.networkUpMs / 1000);
    return `the cluster does not enforce NetworkPolicy: with a deny-all ingress policy on Linux pod ${env.ns}/${CLIENT} (node ${l.same.node}), ${l.otherNs}/${CLIENT} still reached it for ${secs} s (no policy engine: e.g. kubenet, or a CNI installed without network policy)`;
  } finally {
    await env.step("remove the probe policy", () => remove(env.kc, probe));
  }
}

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  it(NETWORK_POLICY.sameNamespace, async function () {
    const l = await layout(env);
    for (const s of l.servers)
      await reach(env, { path: "Windows pod from another namespace, before any policy", from: l.other, to: serverDest(s), bodyIncludes: WEB_PAGE_TITLE });
    const why = await enforcementMissing(env, l);
    if (why) await skipWithReason(this, why);
    const allow = policy(env, "allow-same-namespace");
    await env.step("apply NetworkPolicy allow-same-namespace on the win-webserver pods", () => env.apply(allow));
    for (const s of l.servers) {
      const p: Probe = { path: "Windows pod under allow-same-namespace, from another namespace", from: l.other, to: serverDest(s) };
      await env.step(`${l.otherNs}/${CLIENT} is refused by ${s.pod} on ${s.node}`, async () => {
        try {
          await downWithin(p, attempter(env, p), steadyOptions(env));
        } catch (e) {
          if (!(e instanceof ReachabilityExpectationFailed)) throw e;
          // The cluster enforces policies (the probe showed it), but not for this Windows pod: its node's agent did not.
          throw new ReachabilityExpectationFailed(
            `${e.message}; the cluster enforces NetworkPolicy (the deny-all probe on a Linux pod held), but not for Windows pod ${s.pod} on node ${s.node}`,
            e.attempts,
          );
        }
      });
      await reach(env, {
        path: "Windows pod under allow-same-namespace, from its own namespace",
        from: l.same,
        to: serverDest(s),
        bodyIncludes: WEB_PAGE_TITLE,
      });
    }
    await env.step("delete NetworkPolicy allow-same-namespace", () => remove(env.kc, allow));
    for (const s of l.servers)
      await reach(env, {
        path: "Windows pod from another namespace, after the policy is removed",
        from: l.other,
        to: serverDest(s),
        bodyIncludes: WEB_PAGE_TITLE,
      });
  });
});
