// Mocha's spec output plus a closing "N passed, N failed, N skipped" line (what CI reads), and the counts
// in a JSON file when MOCHA_COUNTS_FILE is set, so several mocha runs can be summed.
const Mocha = require("mocha");
const fs = require("node:fs");
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      const counts = { passed: s.passes, failed: s.failures, skipped: s.pending };
      if (process.env.MOCHA_COUNTS_FILE) fs.writeFileSync(process.env.MOCHA_COUNTS_FILE, JSON.stringify(counts));
      console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    });
  }
}
module.exports = CountingReporter;
