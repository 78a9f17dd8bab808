// Core.Nodes: the Windows node pool as the API reports it — Ready, labelled as upstream labels it, on a
// supported Windows Server build, with a supported container runtime — and the taint/selector posture.
import { poolIndependent } from "../../lib/pools/passes.js";
import { expect } from "chai";
import * as allure from "allure-js-commons";
import { runContext } from "../../lib/run/context.js";
import { checkNodes } from "../../lib/checks/nodes.js";
import { categoryOf } from "../index.js";
import { categoryLabels } from "../../lib/run/test-env.js";
import { nodesUnderTest, windowsNodesUnderTest } from "../../lib/pools/pools.js";
import { NODES } from "./nodes.titles.js";

const CATEGORY = categoryOf(import.meta.url);

describe(CATEGORY, () => {
  // No test environment (nothing is deployed): the labels alone. Without Ready Windows nodes nothing else can pass.
  beforeEach(() => categoryLabels(CATEGORY, { severity: "blocker" }));
  const caps = () => runContext().caps;
  // With --windows-nodes, the pool under test only.
  const windows = () => windowsNodesUnderTest(caps());

  it(NODES.ready, async () => {
    await allure.step(`${windows().length} Windows node(s) found`, async () => {
      expect(windows(), "no Windows nodes").not.to.be.empty;
    });
    for (const n of windows()) {
      await allure.step(`${n.name} (build ${n.build ?? "?"}) is Ready`, async () => {
        expect(n.ready, `node ${n.name} is not Ready`).to.equal(true);
      });
    }
  });

  it(NODES.labels, async () => {
    for (const n of windows()) {
      await allure.step(`${n.name}: kubernetes.io/os, kubernetes.io/arch, node.kubernetes.io/windows-build`, async () => {
        const problems = checkNodes.labels(n);
        expect(problems, problems.join("; ")).to.deep.equal([]);
      });
    }
  });

  it(NODES.build, async () => {
    for (const n of windows()) {
      await allure.parameter(n.name, `${n.build} ${n.osImage}`);
      await allure.step(`${n.name}: build ${n.build}, kernel ${n.kernelVersion}, ${n.osImage}`, async () => {
        const problems = checkNodes.build(n);
        expect(problems, problems.join("; ")).to.deep.equal([]);
      });
    }
  });

  // Pool-independent: the control plane is the cluster's, whichever Windows pool is under test.
  poolIndependent(
    it(NODES.controlPlane, async () => {
      const cp = caps().nodes.filter((n) => n.controlPlane);
      await allure.step(`control-plane nodes: ${cp.map((n) => `${n.name} (${n.os})`).join(", ") || "none visible (managed control plane)"}`, async () => {
        const wrong = cp.filter((n) => n.os !== "linux");
        expect(
          wrong.map((n) => `${n.name} runs ${n.os}`),
          "control plane must run on Linux",
        ).to.deep.equal([]);
      });
      const server = caps().server.platform;
      await allure.step(`API server platform ${server}`, async () => {
        expect(server, `the API server reports platform ${server}`).to.match(/^linux\//);
      });
    }),
  );

  it(NODES.runtime, async () => {
    for (const n of windows()) {
      await allure.step(`${n.name}: ${n.containerRuntimeVersion}`, async () => {
        const problems = checkNodes.runtime(n);
        expect(problems, problems.join("; ")).to.deep.equal([]);
      });
    }
  });

  it(NODES.posture, async () => {
    const posture = checkNodes.posture(nodesUnderTest(caps()));
    await allure.step(posture.summary, async () => {
      await allure.attachment("taint-posture.txt", posture.detail.join("\n"), "text/plain");
      expect(posture.problems, posture.problems.join("; ")).to.deep.equal([]);
    });
  });
});
