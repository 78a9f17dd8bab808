// C:\LogMonitor\LogMonitor.exe run to completion (the wrapped command exits): the configured sources'
// lines, then the wrapped process's output re-emitted as LogMonitor "Process" entries, with its exit code.
// The long-running case (a wrapped server) is the workload emulator's; both share the formatting.

import { processLines, readLogMonitorConfig, sourceLines } from "../workloads/logmonitor.js";
import { Output, splitLines } from "./output.js";
import type { Handler } from "./types.js";

export const logmonitor: Handler = async (ctx, argv) => {
  const c = ctx.container;
  const cfg = readLogMonitorConfig(c);
  const now = (ctx.clock ?? (() => new Date()))();
  const out = new Output(c.os).line(...sourceLines(c, cfg, now));
  const inner = argv.slice(1);
  if (inner.length === 0) return out.done(0);
  const res = await ctx.run(inner);
  // LogMonitor gives the child one pipe for stdout and stderr, so both arrive as Process lines.
  return out.line(...processLines(cfg.format, [...splitLines(res.stdout), ...splitLines(res.stderr)])).done(res.exitCode);
};
