// The in-process runner's retry bookkeeping: a pass on retry is "flaky" with the failed attempts' errors,
// and a failed attempt's afterEach sees it as failed (so the test environment attaches a failure bundle).
import { expect } from "chai";
import { runMocha } from "../../../lib/run/mocha-runner.js";

describe("lib/run mocha runner", () => {
  it("reports a pass on retry as flaky, keeps every failed attempt's error, and marks failed attempts failed for afterEach", async () => {
    const run = await runMocha({ files: ["test/unit/lib/fixtures/retried.fixture.cjs"], retries: 1, quiet: true });
    const byTitle = Object.fromEntries(run.outcomes.map((o) => [o.title, o]));
    expect(byTitle["passes on its second attempt"]).to.include({ state: "flaky", attempts: 2 });
    expect(byTitle["passes on its second attempt"].failedAttempts).to.deep.equal(["ErrImagePull: pod p on node w1"]);
    expect(byTitle["fails every attempt"]).to.include({ state: "failed", attempts: 2, error: "attempt 2 failed" });
    expect(byTitle["fails every attempt"].failedAttempts).to.deep.equal(["attempt 1 failed"]);
    expect((globalThis as unknown as { __hcRetried: { afterEachStates: string[] } }).__hcRetried.afterEachStates).to.deep.equal([
      "passes on its second attempt#0:failed",
      "passes on its second attempt#1:passed",
      "fails every attempt#0:failed",
      "fails every attempt#1:failed",
    ]);
  });
});
