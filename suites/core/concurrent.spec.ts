// Core.Concurrent: a Windows node takes many pods at once (WOR Core.Concurrent; upstream test/e2e/windows/density.go).
// Ten pods of one Deployment pinned to one Windows node are all Ready within the pod-start budget, on that node,
// each with a pod IP of its own (two pods sharing an IP is an IPAM fault that breaks Services and NetworkPolicy).
// The node's kubelet stats summary, read through the API server's node proxy, answers within 10 s and lists ten pods
// with CPU and memory above zero (upstream test/e2e/windows/kubelet_stats.go).
import { expect } from "chai";
import * as allure from "allure-js-commons";
import type * as k8s from "@kubernetes/client-node";
import { useTestEnv } from "../../lib/run/test-env.js";
import { renderedTargetOf } from "../../lib/fixtures/target.js";
import { duplicateIPProblems } from "../../lib/checks/concurrent.js";
import { nodeProxyForbidden, podStatsProblems, readStatsSummary, statsReadFailure } from "../../lib/checks/kubelet-stats.js";
import { skipWithReason } from "../../lib/run/steps.js";
import { categoryOf } from "../index.js";
import { CONCURRENT } from "./concurrent.titles.js";

const fail = (problems: string[]) => expect(problems, problems.join("; ")).to.deep.equal([]);
const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  const env = useTestEnv(CATEGORY);

  it(CONCURRENT.density, async () => {
    let node: string | undefined;
    let replicas = 0;
    const objs = await env.step("deploy concurrent-pods (a Deployment of 10 servercore pods) pinned to one Windows node", () =>
      env.deploy("concurrent-pods", {
        mutate: (objs) => {
          const dep = objs.find((o) => o.kind === "Deployment") as k8s.V1Deployment;
          const build = renderedTargetOf(dep)?.build;
          // A Ready Windows node of the build the image was rendered for.
          node = env.ctx.caps.nodes.find((n) => n.os === "windows" && n.ready && (build === undefined || n.build === build))?.name;
          expect(node, `no Ready Windows node${build ? ` of build ${build}` : ""} to pin concurrent-pods to`).to.be.a("string");
          dep.spec!.template.spec!.nodeSelector!["kubernetes.io/hostname"] = node!;
          replicas = dep.spec!.replicas ?? 1;
        },
      }),
    );
    const dep = objs.find((o) => o.kind === "Deployment") as k8s.V1Deployment;
    await allure.parameter("node", node!, { excluded: true });
    await allure.parameter("image", dep.spec!.template.spec!.containers[0].image!);
    expect(replicas, "upstream density.go starts 10 pods").to.equal(10);
    const pods = await env.step(`${replicas} pods Ready on ${node} within the pod-start budget`, () => env.wait.podsReady("app=concurrent-pods", replicas));
    await env.step(`all ${replicas} on ${node}, each with its own pod IP`, async () => {
      fail(pods.filter((p) => p.spec!.nodeName !== node).map((p) => `pod ${env.ns}/${p.metadata!.name} was pinned to ${node} but runs on ${p.spec!.nodeName}`));
      fail(duplicateIPProblems(env.ns, node!, pods));
    });
  });

  it(CONCURRENT.stats, async function () {
    let node: string | undefined;
    await env.step("deploy kubelet-stats-pods (a Deployment of 10 servercore pods) pinned to one Windows node", () =>
      env.deploy("kubelet-stats-pods", {
        mutate: (objs) => {
          const dep = objs.find((o) => o.kind === "Deployment") as k8s.V1Deployment;
          const build = renderedTargetOf(dep)?.build;
          node = env.ctx.caps.nodes.find((n) => n.os === "windows" && n.ready && (build === undefined || n.build === build))?.name;
          expect(node, `no Ready Windows node${build ? ` of build ${build}` : ""} to pin kubelet-stats-pods to`).to.be.a("string");
          dep.spec!.template.spec!.nodeSelector!["kubernetes.io/hostname"] = node!;
        },
      }),
    );
    await allure.parameter("node", node!, { excluded: true });
    const pods = await env.step(`10 pods Ready on ${node}`, () => env.wait.podsReady("app=kubelet-stats-pods", 10));
    const names = pods.map((p) => p.metadata!.name!);
    // Upstream reads it 5 times and bounds the average by 10 s (metrics-server's and kube-prometheus' default scrape
    // timeout); here each of 3 reads must answer within 10 s and list the pods.
    for (let i = 1; i <= 3; i++) {
      const read = await env.step(`stats summary of ${node}, read ${i} of 3: answers within 10 s`, async () => {
        const r = await readStatsSummary(env.core, node!).catch((e: unknown) => {
          const forbidden = nodeProxyForbidden(e, node!);
          if (forbidden) return { forbidden };
          throw new Error(statsReadFailure(e, node!));
        });
        if ("ms" in r) expect(r.ms, `node ${node}'s stats summary took ${(r.ms / 1000).toFixed(1)} s (at most 10 s)`).to.be.at.most(10_000);
        return r;
      });
      if ("forbidden" in read) return skipWithReason(this, read.forbidden);
      await env.step(`stats summary of ${node}, read ${i}: the 10 pods, each with CPU and memory above zero`, async () =>
        fail(podStatsProblems(read.summary, node!, env.ns, names)),
      );
    }
  });
});
