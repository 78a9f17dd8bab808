// Run-time machinery a test uses around its checks: skipping with a reason the report keeps, and steps whose
// failures name where they come from.
import * as allure from "allure-js-commons";
import { Status } from "allure-js-commons";
import { AssertionError } from "chai";
import type { TestEnv } from "./test-env.js";

/** Where mocha keeps a skip reason until the runner records it (summary.json `reason`). */
export const SKIP_REASON = "skipReason";

/**
 * Skips the running test (or, from a `before` hook, every test of the describe) with a reason that reaches the
 * Allure report (description and a skipped step), summary.json and the console.
 */
export async function skipWithReason(mochaCtx: Mocha.Context, reason: string): Promise<never> {
  const runnable = mochaCtx.currentTest ?? mochaCtx.test;
  const isHook = (mochaCtx.test as unknown as { type?: string } | undefined)?.type === "hook";
  const holder = (isHook ? mochaCtx.test?.parent : runnable) as unknown as Record<string, unknown> | undefined;
  if (holder) holder[SKIP_REASON] = reason;
  if (!isHook) {
    await allure.description(`Skipped: ${reason}`);
    await allure.logStep(`skipped: ${reason}`, Status.SKIPPED);
  }
  process.stderr.write(`      skipped: ${reason}\n`);
  mochaCtx.skip();
  throw new Error("unreachable"); // mocha's skip() throws
}

/** Runs f; a failure is rethrown with `what` in front, so a test's one-line error names the step that broke. */
export async function explain<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const err = e as Error;
    if (err && typeof err.message === "string" && !err.message.startsWith(what)) err.message = `${what}: ${err.message}`;
    throw err;
  }
}

/**
 * A step that checks something and lets the test go on: the step fails (and shows so in the report) with the
 * problems found, which are added to `problems` for the test to fail with once every step has run.
 */
export async function checkStep(
  env: TestEnv,
  name: string,
  problems: string[],
  f: () => Promise<string[] | string | undefined | void> | string[] | string | undefined | void,
): Promise<void> {
  await env
    .step(name, async () => {
      const found = await f();
      const list = found === undefined || found === null ? [] : Array.isArray(found) ? found : [found as string];
      if (list.length) throw new AssertionError(list.join("; "));
    })
    .catch((e: Error) => problems.push(e.message));
}
