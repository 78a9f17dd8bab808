// Log content checks for Core.Logs: what LogMonitor (microsoft/windows-container-tools) writes to stdout, read
// against the sources its LogMonitorConfig.json configures. Pure functions; the suites fetch logs through the
// TestEnv. (The docs' web server's request lines are read by requestLines() in network.ts.)

export interface ConfiguredSource {
  type: "EventLog" | "File" | "ETW";
  /** EventLog channel names (lower-case), File directory, ETW provider names. */
  names: string[];
}

/** The sources a LogMonitorConfig.json configures (keys are case-insensitive, as LogMonitor reads them). */
export function configuredSources(configJson: string): ConfiguredSource[] {
  const key = (o: unknown, name: string): unknown => {
    if (!o || typeof o !== "object") return undefined;
    const k = Object.keys(o).find((x) => x.toLowerCase() === name.toLowerCase());
    return k === undefined ? undefined : (o as Record<string, unknown>)[k];
  };
  const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const sources = arr(key(key(JSON.parse(configJson), "LogConfig"), "sources"));
  return sources.flatMap((s): ConfiguredSource[] => {
    const type = str(key(s, "type")).toLowerCase();
    if (type === "eventlog") return [{ type: "EventLog", names: arr(key(s, "channels")).map((c) => str(key(c, "name")).toLowerCase()) }];
    if (type === "file") return [{ type: "File", names: [str(key(s, "directory")).toLowerCase()] }];
    if (type === "etw")
      return [{ type: "ETW", names: arr(key(s, "providers")).map((p) => str(key(p, "providerName") ?? key(p, "providerGuid")).toLowerCase()) }];
    return [];
  });
}

export interface LogMonitorEntry {
  source: string;
  /** EventLog channel, File name, ETW provider. */
  detail?: string;
  text?: string;
  raw: string;
}

/** LogMonitor's stdout lines (JSON by default, XML when logFormat says so); other lines are skipped. */
export function logMonitorEntries(log: string): LogMonitorEntry[] {
  const out: LogMonitorEntry[] = [];
  for (const raw of log.replace(/\r\n/g, "\n").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("{")) {
      try {
        const o = JSON.parse(line) as { Source?: string; LogEntry?: Record<string, unknown> };
        if (!o.Source) continue;
        const e = o.LogEntry ?? {};
        const detail = (e.Channel ?? e.FileName ?? e.ProviderName) as string | undefined;
        out.push({ source: o.Source, detail, text: (e.Message ?? e.Logline) as string | undefined, raw: line });
      } catch {
        // a process line that merely starts with "{"
      }
      continue;
    }
    const xml = /^<Log><Source>(\w+)<\/Source>/.exec(line);
    if (xml) {
      const tag = (t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(line)?.[1];
      out.push({ source: xml[1], detail: tag("Channel") ?? tag("FileName") ?? tag("ProviderName"), text: tag("Message") ?? tag("Logline"), raw: line });
    }
  }
  return out;
}

/** Which configured sources show up in the entries, and entries from sources nobody configured (Process lines aside). */
export function sourcesSeen(entries: LogMonitorEntry[], configured: ConfiguredSource[]): { seen: string[]; unexpected: string[] } {
  const seen = new Set<string>();
  const unexpected: string[] = [];
  for (const e of entries) {
    if (e.source === "Process") continue;
    const c = configured.find((s) => s.type.toLowerCase() === e.source.toLowerCase());
    if (!c) {
      unexpected.push(`${e.source}${e.detail ? ` (${e.detail})` : ""}`);
      continue;
    }
    if (c.type === "EventLog" && e.detail && !c.names.includes(e.detail.toLowerCase())) {
      unexpected.push(`EventLog channel ${e.detail}, which is not configured (configured: ${c.names.join(", ")})`);
      continue;
    }
    seen.add(c.type === "EventLog" && e.detail ? `EventLog/${e.detail}` : c.type);
  }
  return { seen: [...seen].sort(), unexpected };
}

/** A line the LogMonitor fixture's own command writes, and the source that must carry it to stdout. */
export interface OwnLine {
  source: "File" | "EventLog";
  text: string;
}

/**
 * The lines the container's command writes itself: `Add-Content <file> '<text>'` for a File source and
 * `Write-EventLog … -Message '<text>'` for an EventLog source (single- or double-quoted literals).
 */
export function ownLines(command: string): OwnLine[] {
  const quoted = `'([^']*)'|"([^"]*)"`;
  const out: OwnLine[] = [];
  for (const m of command.matchAll(new RegExp(`\\bAdd-Content\\s+\\S+\\s+(?:-Value\\s+)?(?:${quoted})`, "gi")))
    out.push({ source: "File", text: m[1] ?? m[2] });
  for (const m of command.matchAll(new RegExp(`\\bWrite-EventLog\\b[^;]*?-Message\\s+(?:${quoted})`, "gi")))
    out.push({ source: "EventLog", text: m[1] ?? m[2] });
  return out;
}

/** What is missing from LogMonitor's stdout: a configured source with no entry, or an own line its source did not carry. */
export function logMonitorGaps(entries: LogMonitorEntry[], configured: ConfiguredSource[], own: OwnLine[]): string[] {
  const gaps: string[] = [];
  for (const s of configured)
    if (!entries.some((e) => e.source.toLowerCase() === s.type.toLowerCase())) gaps.push(`no entry from the ${s.type} source (${s.names.join(", ")})`);
  for (const l of own)
    if (!entries.some((e) => e.source.toLowerCase() === l.source.toLowerCase() && (e.text ?? "").includes(l.text)))
      gaps.push(`the container's own ${l.source} line "${l.text}" is not there`);
  return gaps;
}
