// LogMonitor (microsoft/windows-container-tools) as of v2.x: it starts the wrapped command, re-emits
// every stdout/stderr line as a "Process" log entry, and pipes the configured EventLog, File and ETW
// sources to stdout. Output format is JSON unless LogConfig.logFormat says "XML" (custom formats are
// not emulated and fall back to JSON). Empty process lines are dropped, as LogMonitor does.

import type { ContainerView, HttpRequest } from "../model.js";
import { listDir, normalizePath, readFile } from "../commands/fsview.js";
import type { Clock, Workload } from "./common.js";
import { w3cLine } from "./windows.js";

export const LOGMONITOR_CONFIG_PATH = "C:\\LogMonitor\\LogMonitorConfig.json";

type Format = "json" | "xml";

interface EventLogSource {
  type: "EventLog";
  channels: Array<{ name: string; level: string }>;
}
interface FileSource {
  type: "File";
  directory: string;
  filter: string;
  includeSubdirectories: boolean;
  includeFileNames: boolean;
}
interface EtwSource {
  type: "ETW";
  providers: Array<{ providerName?: string; providerGuid: string; level: string }>;
}
type Source = EventLogSource | FileSource | EtwSource;

export interface LogMonitorConfig {
  format: Format;
  sources: Source[];
}

/** LogMonitor looks keys up case-insensitively. */
function key(o: unknown, name: string): unknown {
  if (!o || typeof o !== "object") return undefined;
  const k = Object.keys(o).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : (o as Record<string, unknown>)[k];
}
const str = (v: unknown, d = ""): string => (typeof v === "string" ? v : d);
const bool = (v: unknown): boolean => v === true || (typeof v === "string" && v.toLowerCase() === "true");
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function parseSource(s: unknown): Source | undefined {
  const type = str(key(s, "type")).toLowerCase();
  if (type === "eventlog")
    return { type: "EventLog", channels: arr(key(s, "channels")).map((c) => ({ name: str(key(c, "name")), level: str(key(c, "level"), "Error").trim() })) };
  if (type === "file") {
    return {
      type: "File",
      directory: str(key(s, "directory")),
      filter: str(key(s, "filter")) || "*",
      includeSubdirectories: bool(key(s, "includeSubdirectories")),
      includeFileNames: bool(key(s, "includeFileNames")),
    };
  }
  if (type === "etw")
    return {
      type: "ETW",
      providers: arr(key(s, "providers")).map((p) => ({
        providerName: str(key(p, "providerName")) || undefined,
        providerGuid: str(key(p, "providerGuid")),
        level: str(key(p, "level"), "Error"),
      })),
    };
  return undefined;
}

/** The config from env LOGMONITOR_CONFIG (inline JSON or a path) or C:\LogMonitor\LogMonitorConfig.json. */
export function readLogMonitorConfig(c: ContainerView): LogMonitorConfig {
  const fromEnv = Object.entries(c.env).find(([k]) => k.toUpperCase() === "LOGMONITOR_CONFIG")?.[1];
  const text = fromEnv?.trim().startsWith("{") ? fromEnv : readFile(c, fromEnv ?? LOGMONITOR_CONFIG_PATH);
  try {
    const logConfig = key(JSON.parse(text ?? "{}"), "LogConfig");
    const format: Format = str(key(logConfig, "logFormat")).toLowerCase() === "xml" ? "xml" : "json";
    return {
      format,
      sources: arr(key(logConfig, "sources"))
        .map(parseSource)
        .filter((s): s is Source => !!s),
    };
  } catch {
    return { format: "json", sources: [] };
  }
}

const esc = (s: string): string => JSON.stringify(s).slice(1, -1);

/** LogMonitor's timestamp: UTC, seconds resolution, always ".000Z". */
export const lmTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, ".000Z");

/** A line of the wrapped process, as LogMonitor re-emits it (the process text is not escaped). */
export function processLine(format: Format, line: string): string {
  return format === "xml"
    ? `<Log><Source>Process</Source><LogEntry><Logline>${line}</Logline></LogEntry></Log>`
    : `{"Source":"Process","LogEntry":{"Logline":"${line}"},"SchemaVersion":"1.0.0"}`;
}

export function processLines(format: Format, lines: string[]): string[] {
  return lines.filter((l) => l !== "").map((l) => processLine(format, l));
}

function fileLine(format: Format, line: string, fileName: string): string {
  const name = fileName.replace(/\\/g, "\\\\");
  return format === "xml"
    ? `<Log><Source>File</Source><LogEntry><Logline>${line}</Logline><FileName>${name}</FileName></LogEntry></Log>`
    : `{"Source": "File","LogEntry": {"Logline": "${esc(line)}","FileName": "${name}"},"SchemaVersion":"1.0.0"}`;
}

// ---------- EventLog ----------

const LEVELS = ["critical", "error", "warning", "information", "verbose"];

// What a freshly started container's channels hold at Information level.
const STARTUP_EVENTS: Record<string, { source: string; id: number; message: (d: Date) => string }> = {
  system: { source: "Service Control Manager", id: 7036, message: () => "The Windows Event Log service entered the running state." },
  application: {
    source: "Microsoft-Windows-Security-SPP",
    id: 16384,
    message: (d) =>
      `Successfully scheduled Software Protection service for re-start at ${lmTime(new Date(d.getTime() + 100 * 365 * 86400_000))}. Reason: RulesEngine.`,
  },
};

/** Write-EventLog's entry types as EventLog levels. */
const levelOf = (entryType: string) => (/^error$/i.test(entryType) ? "Error" : /^warning$/i.test(entryType) ? "Warning" : "Information");
const atOrAbove = (level: string, configured: string) => LEVELS.indexOf(level.toLowerCase()) <= LEVELS.indexOf(configured.toLowerCase());

function eventLine(format: Format, e: { source: string; time: Date; channel: string; level: string; id: number; message: string }): string {
  const t = lmTime(e.time);
  return format === "xml"
    ? `<Log><Source>EventLog</Source><LogEntry><EventSource>${e.source}</EventSource><Time>${t}</Time><Channel>${e.channel}</Channel><Level>${e.level}</Level><EventId>${e.id}</EventId><Message>${e.message}</Message></LogEntry></Log>`
    : `{"Source": "EventLog","LogEntry": {"EventSource": "${esc(e.source)}","Time": "${t}","Channel": "${e.channel}","Level": "${e.level}","EventId": ${e.id},"Message": "${esc(e.message)}"}}`;
}

/**
 * Each configured channel's records at or above its level: what a fresh container's channel holds at start
 * (startAtOldestRecord) and what the container wrote itself (Write-EventLog), oldest first.
 */
function eventLogLines(c: ContainerView, format: Format, s: EventLogSource, when: Date): string[] {
  return s.channels.flatMap((ch) => {
    const name = ch.name[0].toUpperCase() + ch.name.slice(1).toLowerCase();
    const boot = STARTUP_EVENTS[ch.name.toLowerCase()];
    const records = [
      ...(boot ? [{ source: boot.source, time: when, level: "Information", id: boot.id, message: boot.message(when) }] : []),
      ...(c.events ?? [])
        .filter((e) => e.log.toLowerCase() === ch.name.toLowerCase())
        .map((e) => ({ source: e.source, time: e.time, level: levelOf(e.entryType), id: e.eventId, message: e.message })),
    ];
    return records.filter((r) => atOrAbove(r.level, ch.level)).map((r) => eventLine(format, { ...r, channel: name }));
  });
}

// ---------- File ----------

function wildcard(filter: string): RegExp {
  return new RegExp(
    `^${filter
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
}

/** Existing files under the source's directory that match its filter, relative to the directory. */
function matchingFiles(c: ContainerView, s: FileSource): string[] {
  const out: string[] = [];
  const re = wildcard(s.filter);
  const walk = (dir: string, rel: string) => {
    for (const e of listDir(c, dir) ?? []) {
      const full = `${dir}\\${e}`;
      const relPath = rel ? `${rel}\\${e}` : e;
      if (listDir(c, full) !== undefined) {
        if (s.includeSubdirectories) walk(full, relPath);
      } else if (re.test(e)) out.push(relPath);
    }
  };
  walk(normalizePath("windows", s.directory), "");
  return out;
}

function fileSourceLines(c: ContainerView, format: Format, s: FileSource): string[] {
  const dir = normalizePath("windows", s.directory);
  return matchingFiles(c, s).flatMap((rel) =>
    (readFile(c, `${dir}\\${rel}`) ?? "")
      .split(/\r?\n/)
      .filter((l) => l !== "")
      .map((l) => fileLine(format, l, rel)),
  );
}

// ---------- ETW ----------

function etwLine(format: Format, s: EtwSource, when: Date): string | undefined {
  const p = s.providers[0];
  if (!p) return undefined;
  const name = p.providerName ?? p.providerGuid;
  const t = lmTime(when);
  return format === "xml"
    ? `<Log><Source>ETW</Source><LogEntry><Time>${t}</Time><ProviderName>${name}</ProviderName><ProviderId>${p.providerGuid}</ProviderId><DecodingSource>DecodingSourceXMLFile</DecodingSource><Execution><ProcessId>4</ProcessId><ThreadId>1004</ThreadId></Execution><Level>Information</Level><Keyword>0x0</Keyword><EventId>1</EventId><EventData></EventData></LogEntry></Log>`
    : `{"Source":"ETW","LogEntry":{"Time":"${t}","ProviderName":"${esc(name)}","ProviderId":"${p.providerGuid}","DecodingSource":"DecodingSourceXMLFile","Execution":{"ProcessId":4,"ThreadId":1004},"Level":"Information","Keyword":"0x0","EventId":"1","EventData":{}},"SchemaVersion":"1.0.0"}`;
}

/** What the configured sources have to say when LogMonitor starts. */
export function sourceLines(c: ContainerView, cfg: LogMonitorConfig, when: Date): string[] {
  return cfg.sources.flatMap((s) => {
    if (s.type === "EventLog") return eventLogLines(c, cfg.format, s, when);
    if (s.type === "File") return fileSourceLines(c, cfg.format, s);
    return [etwLine(cfg.format, s, when)].filter((l): l is string => !!l);
  });
}

// ---------- the wrapper ----------

/** "C:\LogMonitor\LogMonitor.exe <wrapped command...>" (any case, either slash): returns the wrapped argv. */
export function unwrapLogMonitor(argv: string[]): string[] | undefined {
  if (argv.length === 0) return undefined;
  const [first, ...rest] = argv;
  const m = /^\s*"?((?:[a-z]:)?[\\/](?:[^\\/"]+[\\/])*)?logmonitor\.exe"?(\s+[\s\S]*)?$/i.exec(first);
  if (!m) return undefined;
  const inline = m[2]?.trim();
  return inline ? [...inline.split(/\s+/), ...rest] : rest;
}

/** IIS access-log lines reach stdout only through a File source watching C:\inetpub\logs. */
function watchesIisLogs(cfg: LogMonitorConfig): FileSource | undefined {
  const logFile = "c:\\inetpub\\logs\\logfiles\\w3svc1\\u_ex.log";
  return cfg.sources.find((s): s is FileSource => {
    if (s.type !== "File") return false;
    const dir = normalizePath("windows", s.directory).toLowerCase();
    const inside = logFile.startsWith(dir + "\\") && (s.includeSubdirectories || dir === "c:\\inetpub\\logs\\logfiles\\w3svc1");
    return inside && wildcard(s.filter).test("u_ex240101.log");
  });
}

export function logMonitor(c: ContainerView, inner: Workload, clock: Clock, dropFileSources = false): Workload {
  const read = readLogMonitorConfig(c);
  const cfg = dropFileSources ? { ...read, sources: read.sources.filter((s) => s.type !== "File") } : read;
  const iisLogs = inner.kind === "iis" ? watchesIisLogs(cfg) : undefined;
  const iisFile = (d: Date) => {
    const p = (n: number) => String(n).padStart(2, "0");
    const name = `u_ex${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}.log`;
    const dir = normalizePath("windows", iisLogs?.directory ?? "");
    return `C:\\inetpub\\logs\\LogFiles\\W3SVC1\\${name}`.slice(dir.length + 1);
  };
  return {
    kind: `logmonitor:${inner.kind}`,
    listens: inner.listens,
    longRunning: inner.longRunning,
    startupLines: () => [...sourceLines(c, cfg, clock()), ...processLines(cfg.format, inner.startupLines())],
    processOutput: (lines) => processLines(cfg.format, lines),
    handle: (req: HttpRequest, clientIP: string) => {
      const r = inner.handle(req, clientIP);
      if (!r) return undefined;
      const lines = processLines(cfg.format, r.logLines);
      if (iisLogs) lines.push(fileLine(cfg.format, w3cLine(c, req, clientIP, r.response.status, clock()), iisFile(clock())));
      return { response: r.response, logLines: lines };
    },
  };
}
