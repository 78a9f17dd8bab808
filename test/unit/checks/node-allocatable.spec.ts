// A Windows node's allocatable memory against its kubelet's /configz (upstream memory_limits.go's arithmetic).
import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { allocatableMemoryProblem } from "../../../lib/checks/node-allocatable.js";

const node = (capacity: string, allocatable: string): k8s.V1Node => ({
  metadata: { name: "akswin000000" },
  status: { capacity: { memory: capacity }, allocatable: { memory: allocatable } },
});
const configz = {
  kubeletconfig: {
    kubeReserved: { cpu: "100m", memory: "2250Mi" },
    systemReserved: {},
    evictionHard: { "memory.available": "500Mi", "nodefs.available": "10%" },
  },
};

describe("checks: node allocatable memory", () => {
  it("passes when allocatable = capacity − systemReserved − kubeReserved − evictionSoft − evictionHard", () => {
    expect(allocatableMemoryProblem(node("16Gi", `${16384 - 2250 - 500}Mi`), configz)).to.deep.equal({ expected: "13634Mi", stated: "13634Mi" });
    const soft = { kubeletconfig: { ...configz.kubeletconfig, systemReserved: { memory: "1Gi" }, evictionSoft: { "memory.available": "100Mi" } } };
    expect(allocatableMemoryProblem(node("16Gi", `${16384 - 1024 - 2250 - 100 - 500}Mi`), soft).problem).to.equal(undefined);
  });

  it("fails naming the node, both figures and the arithmetic when a reservation is not subtracted", () => {
    const v = allocatableMemoryProblem(node("16Gi", "16Gi"), configz);
    expect(v.problem).to.equal(
      "node akswin000000 states allocatable memory 16Gi (16384Mi), but its kubelet's /configz gives capacity 16Gi − systemReserved 0 − kubeReserved 2250Mi − evictionSoft 0 − evictionHard 500Mi = 13634Mi",
    );
  });

  it("fails when the node states no memory figures", () => {
    expect(allocatableMemoryProblem({ metadata: { name: "n" }, status: {} }, configz).problem).to.equal("node n states no memory capacity");
  });
});
