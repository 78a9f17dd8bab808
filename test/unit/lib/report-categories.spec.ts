// Our failure categories, matched by Allure Report 3's own matcher (the code that builds the report's
// Categories tab), against the messages the harness really produces.
import { expect } from "chai";
import { normalizeCategoriesConfig, matchCategory } from "@allurereport/core-api";
import { categories } from "../../../lib/report/allure.js";
import { WaitTimeout, WaitExpectationFailed } from "../../../lib/cluster/watch.js";

const classify = (status: "failed" | "broken", message: string): string | undefined =>
  matchCategory(normalizeCategoriesConfig(categories as never), { status, labels: [], message, flaky: false })?.name;

describe("lib/report categories", () => {
  it("a wait that ran out of time or a lost API server is an infrastructure problem", () => {
    expect(classify("broken", new WaitTimeout("pod ns/p to be Ready", 60, "Pending").message)).to.equal("Infrastructure problems");
    expect(classify("broken", "cannot reach the API server at https://10.0.0.1:6443: connection refused")).to.equal("Infrastructure problems");
    expect(classify("broken", "request to https://127.0.0.1:6443/api failed, reason: socket hang up")).to.equal("Infrastructure problems");
  });

  it("a bug in the harness is a harness error", () => {
    expect(classify("broken", "TypeError: Cannot read properties of undefined (reading 'status')")).to.equal("Harness errors");
  });

  it("the cluster reaching a state the check forbids is a product defect; a multi-line message still classifies", () => {
    const e = new WaitExpectationFailed("pod ns/web to be Ready", "pod ns/web on node hc-win2022-1, container c (img): CrashLoopBackOff: back-off 10s");
    expect(classify("failed", e.message)).to.equal("Product defects (the cluster)");
    expect(classify("failed", "expected the NodePort to answer\nbut node hc-win2022-1 refused the connection")).to.equal("Product defects (the cluster)");
    expect(classify("failed", "first line\ntimed out after 30 s waiting for endpoints")).to.equal("Infrastructure problems");
  });

  it("a broken test that is neither infrastructure nor harness falls to Allure's own default category", () => {
    expect(classify("broken", "something unforeseen")).to.equal("Test errors");
  });
});
