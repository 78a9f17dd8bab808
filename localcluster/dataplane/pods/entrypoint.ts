// A long-running container often prints something before it settles (`sh -c "echo ready; sleep 3600"`,
// `cmd /c "echo %USERNAME% & ping -t localhost"`): that prefix is run through the command emulator at start,
// so its output reaches the logs, and the rest is the long-running part the workload stands for.
import { isLongRunning } from "../workloads/index.js";
import { unwrapLogMonitor } from "../workloads/logmonitor.js";

const shells: { match: RegExp; flag: RegExp; sep: RegExp; rebuild: (script: string) => string[] }[] = [
  { match: /^(\/bin\/|\/usr\/bin\/)?(sh|bash|ash)$/, flag: /^-c$/, sep: /\s*(?:;|&&)\s*/, rebuild: (s) => ["sh", "-c", s] },
  { match: /^(c:\\windows\\system32\\)?cmd(\.exe)?$/i, flag: /^\/c$/i, sep: /\s*&&?\s*/, rebuild: (s) => ["cmd", "/c", s] },
  { match: /^(.*\\)?(powershell|pwsh)(\.exe)?$/i, flag: /^-(c|command)$/i, sep: /\s*;\s*/, rebuild: (s) => ["powershell", "-Command", s] },
];

/** The command to run before the long-running part, or undefined when there is none. */
export function preludeOf(command: string[]): string[] | undefined {
  // LogMonitor.exe runs the command it wraps: the prelude is that command's.
  const argv = unwrapLogMonitor(command) ?? command;
  const sh = shells.find((s) => s.match.test(argv[0] ?? ""));
  if (!sh) return undefined;
  const i = argv.findIndex((a, k) => k > 0 && sh.flag.test(a));
  if (i < 0 || i + 1 >= argv.length) return undefined;
  const script = argv.slice(i + 1).join(" ");
  const statements = script.split(sh.sep).filter(Boolean);
  // Loops and conditionals are not split: too easy to cut in the wrong place. Simple statements before a
  // keep-alive loop (`…; while ($true) { Start-Sleep 3600 }`) are the prelude.
  const loop = statements.findIndex((s) => /\b(while|for|until|do)\b|\{/.test(s));
  if (loop >= 0)
    return loop > 0 && isLongRunning(statements.slice(loop).join("; ").split(/\s+/))
      ? sh.rebuild(statements.slice(0, loop).join(sh === shells[1] ? " & " : "; "))
      : undefined;
  const k = statements.findIndex((s) => isLongRunning(s.split(/\s+/)));
  if (k <= 0) return undefined;
  return sh.rebuild(statements.slice(0, k).join(sh === shells[1] ? " & " : "; "));
}
