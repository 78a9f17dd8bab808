// The one wait API's poll conditions (watch conditions run against the cluster in the e2e tests): done, a
// terminal failure at once, the timeout message, onTimeout for "holds for a while", and the first-round delay.
import { expect } from "chai";
import { waitFor } from "../../../lib/cluster/wait.js";
import { WaitExpectationFailed, WaitTimeout } from "../../../lib/cluster/watch.js";

/** A fake clock: sleeping advances it. */
function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe("waitFor (lib/cluster/wait.ts), poll conditions", () => {
  it("checks at once, then every interval, until done", async () => {
    const c = fakeClock();
    const seen: number[] = [];
    const r = await waitFor(
      undefined,
      { what: "x", intervalMs: 1000, ...c, check: () => (seen.push(c.now()), seen.length === 3 ? { done: "ok" } : { pending: "not yet" }) },
      { timeoutMs: 10_000 },
    );
    expect(r).to.equal("ok");
    expect(seen).to.deep.equal([0, 1000, 2000]);
  });

  it("fails at once on a terminal verdict, naming what it waited for and why", async () => {
    const c = fakeClock();
    const err = (await waitFor(
      undefined,
      { what: "pod ns/p to be Ready", intervalMs: 1000, ...c, check: () => ({ fail: "ErrImagePull" }) },
      { timeoutMs: 10_000 },
    ).catch((e: Error) => e)) as Error;
    expect(err).to.be.instanceOf(WaitExpectationFailed);
    expect(err.message).to.equal("pod ns/p to be Ready: ErrImagePull");
    expect(c.now()).to.equal(0);
  });

  it("times out with the last state seen, the last sleep cut to the deadline", async () => {
    const c = fakeClock();
    let n = 0;
    const err = (await waitFor(
      undefined,
      { what: "the thing", intervalMs: 3000, ...c, check: () => ({ pending: `round ${++n}` }) },
      { timeoutMs: 10_000 },
    ).catch((e: Error) => e)) as Error;
    expect(err).to.be.instanceOf(WaitTimeout);
    expect(err.message).to.equal("timed out after 10 s waiting for the thing; last seen: round 5");
    expect(c.now()).to.equal(10_000);
  });

  it("resolves through onTimeout when the timeout is the success (a property held), and fails the moment it breaks", async () => {
    const c = fakeClock();
    expect(
      await waitFor(
        undefined,
        { what: "stays up", intervalMs: 1000, ...c, check: () => ({ pending: "up" }) },
        { timeoutMs: 5000, onTimeout: (last) => `held (${last})` },
      ),
    ).to.equal("held (up)");
    const c2 = fakeClock();
    const err = (await waitFor(
      undefined,
      { what: "stays up", intervalMs: 1000, ...c2, check: () => (c2.now() >= 2000 ? { fail: "went down" } : { pending: "up" }) },
      { timeoutMs: 5000, onTimeout: () => "held" },
    ).catch((e: Error) => e)) as Error;
    expect(err.message).to.equal("stays up: went down");
  });

  it("with immediate: false sleeps an interval before the first check, and may time out without checking", async () => {
    const c = fakeClock();
    const seen: number[] = [];
    await waitFor(
      undefined,
      { what: "x", intervalMs: 1000, immediate: false, ...c, check: () => (seen.push(c.now()), { pending: "p" }) },
      { timeoutMs: 3000, onTimeout: () => undefined },
    );
    expect(seen).to.deep.equal([1000, 2000, 3000]);
    let checked = false;
    await waitFor(
      undefined,
      { what: "x", intervalMs: 1000, immediate: false, ...c, check: () => ((checked = true), { pending: "p" }) },
      { timeoutMs: 0, onTimeout: () => undefined },
    );
    expect(checked).to.equal(false);
  });
});
