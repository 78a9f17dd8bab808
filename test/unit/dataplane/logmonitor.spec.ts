import { expect } from "chai";
import { workloadFor } from "../../../localcluster/dataplane/workloads/index.js";
import { readLogMonitorConfig, unwrapLogMonitor } from "../../../localcluster/dataplane/workloads/logmonitor.js";
import { entrypointMissing } from "../../../localcluster/dataplane/commands/availability.js";
import { DOCS_SCRIPT, hasOnlyCrlf, MemFs, run, winContainer } from "./helpers.js";
import { preludeOf } from "../../../localcluster/dataplane/pods/entrypoint.js";

const clock = () => new Date("2024-05-01T12:00:00Z");

// The documented sample: System at Information, Application at Error, IIS logs, the IIS ETW provider.
const SAMPLE = {
  LogConfig: {
    sources: [
      {
        type: "EventLog",
        startAtOldestRecord: true,
        eventFormatMultiLine: false,
        channels: [
          { name: "system", level: "Information" },
          { name: "application", level: "Error" },
        ],
      },
      { type: "File", directory: "c:\\inetpub\\logs", filter: "*.log", includeSubdirectories: true, includeFileNames: false },
      {
        type: "ETW",
        eventFormatMultiLine: false,
        providers: [{ providerName: "IIS: WWW Server", providerGuid: "3A2A4E84-4C21-4981-AE10-3FDA0D9B0F83", level: "Information" }],
      },
    ],
  },
};

const EVENTLOG_JSON =
  '{"Source": "EventLog","LogEntry": {"EventSource": "Service Control Manager","Time": "2024-05-01T12:00:00.000Z","Channel": "System","Level": "Information","EventId": 7036,"Message": "The Windows Event Log service entered the running state."}}';
const ETW_JSON =
  '{"Source":"ETW","LogEntry":{"Time":"2024-05-01T12:00:00.000Z","ProviderName":"IIS: WWW Server","ProviderId":"3A2A4E84-4C21-4981-AE10-3FDA0D9B0F83","DecodingSource":"DecodingSourceXMLFile","Execution":{"ProcessId":4,"ThreadId":1004},"Level":"Information","Keyword":"0x0","EventId":"1","EventData":{}},"SchemaVersion":"1.0.0"}';

// LogMonitor is in no base image: only an image a user built with it (named for it) carries LogMonitor.exe.
const logMonitorImage = "registry.example/servercore-logmonitor:ltsc2022";

const withConfigFile = (cfg: object, files: Record<string, string> = {}) =>
  new MemFs("windows", { "C:\\LogMonitor\\LogMonitorConfig.json": JSON.stringify(cfg), ...files });

describe("dataplane workloads: LogMonitor", () => {
  it("recognises C:\\LogMonitor\\LogMonitor.exe in any case and slash style", () => {
    expect(unwrapLogMonitor(["C:\\LogMonitor\\LogMonitor.exe", "ping", "-t", "localhost"])).to.deep.equal(["ping", "-t", "localhost"]);
    expect(unwrapLogMonitor(["c:/logmonitor/logmonitor.exe", "cmd", "/S", "/C", "ping -n 20 localhost"])).to.deep.equal([
      "cmd",
      "/S",
      "/C",
      "ping -n 20 localhost",
    ]);
    expect(unwrapLogMonitor(["C:\\LogMonitor\\LogMonitor.exe ping -t localhost"])).to.deep.equal(["ping", "-t", "localhost"]);
    expect(unwrapLogMonitor(["ping", "-t", "localhost"])).to.equal(undefined);
  });

  it("reads the config from C:\\LogMonitor\\LogMonitorConfig.json or env LOGMONITOR_CONFIG", () => {
    const fromFile = readLogMonitorConfig(winContainer({ fs: withConfigFile(SAMPLE) }));
    expect(fromFile.sources.map((s) => s.type)).to.deep.equal(["EventLog", "File", "ETW"]);
    expect(fromFile.format).to.equal("json");
    const fromEnv = readLogMonitorConfig(
      winContainer({ env: { LOGMONITOR_CONFIG: JSON.stringify({ LogConfig: { logFormat: "XML", sources: [{ type: "ETW", providers: [] }] } }) } }),
    );
    expect(fromEnv.format).to.equal("xml");
    expect(fromEnv.sources).to.have.length(1);
  });

  it("startup: one line per configured source (JSON, LogMonitor 2.x), then the wrapped process's lines", () => {
    const fs = withConfigFile(SAMPLE, { "C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex240501.log": "#Software: Microsoft Internet Information Services 10.0\r\n" });
    const w = workloadFor(winContainer({ fs, command: ["C:\\LogMonitor\\LogMonitor.exe", "ping", "-t", "localhost"] }), { clock });
    expect(w.kind).to.equal("logmonitor:ping");
    expect(w.longRunning).to.equal(true);
    expect(w.startupLines()).to.deep.equal([
      EVENTLOG_JSON,
      // The container fs keeps Windows names lower-cased, so the relative file name comes back that way.
      '{"Source": "File","LogEntry": {"Logline": "#Software: Microsoft Internet Information Services 10.0","FileName": "logfiles\\\\w3svc1\\\\u_ex240501.log"},"SchemaVersion":"1.0.0"}',
      ETW_JSON,
      '{"Source":"Process","LogEntry":{"Logline":"Pinging WIN-WEBSERVER-7 [::1] with 32 bytes of data:"},"SchemaVersion":"1.0.0"}',
      '{"Source":"Process","LogEntry":{"Logline":"Reply from ::1: time<1ms"},"SchemaVersion":"1.0.0"}',
    ]);
  });

  it("logFormat XML uses the <Log><Source>… layout", () => {
    const cfg = { LogConfig: { logFormat: "XML", sources: [SAMPLE.LogConfig.sources[0]] } };
    const w = workloadFor(winContainer({ fs: withConfigFile(cfg), command: ["C:\\LogMonitor\\LogMonitor.exe", "ping", "-t", "localhost"] }), { clock });
    expect(w.startupLines()[0]).to.equal(
      "<Log><Source>EventLog</Source><LogEntry><EventSource>Service Control Manager</EventSource><Time>2024-05-01T12:00:00.000Z</Time><Channel>System</Channel><Level>Information</Level><EventId>7036</EventId><Message>The Windows Event Log service entered the running state.</Message></LogEntry></Log>",
    );
    expect(w.startupLines()[1]).to.equal(
      "<Log><Source>Process</Source><LogEntry><Logline>Pinging WIN-WEBSERVER-7 [::1] with 32 bytes of data:</Logline></LogEntry></Log>",
    );
  });

  it("a channel configured below Information level has nothing to report at start", () => {
    const cfg = { LogConfig: { sources: [{ type: "EventLog", channels: [{ name: "application", level: "Error" }] }] } };
    const w = workloadFor(winContainer({ fs: withConfigFile(cfg), command: ["C:\\LogMonitor\\LogMonitor.exe", "ping", "-t", "localhost"] }), { clock });
    expect(w.startupLines().filter((l) => l.includes('"EventLog"'))).to.deep.equal([]);
  });

  it("wraps the docs web server: same port, Process lines per request, empty lines dropped", () => {
    const w = workloadFor(
      winContainer({ fs: withConfigFile(SAMPLE), command: ["C:\\LogMonitor\\LogMonitor.exe", "powershell.exe", "-command", DOCS_SCRIPT] }),
      { clock },
    );
    expect(w.listens).to.deep.equal([80]);
    expect(w.startupLines().slice(-1)).to.deep.equal(['{"Source":"Process","LogEntry":{"Logline":"Listening at http://*:80/"},"SchemaVersion":"1.0.0"}']);
    const out = w.handle({ method: "GET", host: "10.244.1.5", port: 80, path: "/", headers: { Host: "10.244.1.5" } }, "10.244.0.7");
    expect(out?.response.body).to.contain("callerCount 1");
    expect(out?.logLines).to.deep.equal([
      '{"Source":"Process","LogEntry":{"Logline":"> http://10.244.1.5/"},"SchemaVersion":"1.0.0"}',
      '{"Source":"Process","LogEntry":{"Logline":"<html><body><H1>Windows Container Web Server</H1><p>IP 10.244.1.5 callerCount 1 </body></html>"},"SchemaVersion":"1.0.0"}',
      '{"Source":"Process","LogEntry":{"Logline":"< 200"},"SchemaVersion":"1.0.0"}',
    ]);
  });

  it("wrapping IIS: the File source picks up W3C access-log lines", () => {
    const w = workloadFor(
      winContainer({
        image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
        fs: withConfigFile(SAMPLE),
        command: ["C:\\LogMonitor\\LogMonitor.exe", "C:\\ServiceMonitor.exe", "w3svc"],
      }),
      { clock },
    );
    expect(w.kind).to.equal("logmonitor:iis");
    const out = w.handle({ method: "GET", host: "10.244.1.5", port: 80, path: "/", headers: { Host: "10.244.1.5", "User-Agent": "curl/8.9.1" } }, "10.244.0.7");
    expect(out?.response.status).to.equal(200);
    expect(out?.logLines).to.deep.equal([
      '{"Source": "File","LogEntry": {"Logline": "2024-05-01 12:00:00 10.244.1.5 GET / - 80 - 10.244.0.7 curl/8.9.1 - 200 0 0 1","FileName": "LogFiles\\\\W3SVC1\\\\u_ex240501.log"},"SchemaVersion":"1.0.0"}',
    ]);
  });

  it("a wrapped command that completes runs through runCommand with LogMonitor's framing", async () => {
    const cfg = { LogConfig: { sources: [SAMPLE.LogConfig.sources[0]] } };
    const c = winContainer({
      image: logMonitorImage,
      fs: withConfigFile(cfg),
      command: ["C:\\LogMonitor\\LogMonitor.exe", "cmd", "/S", "/C", "echo %USERNAME%"],
    });
    expect(workloadFor(c, { clock }).longRunning).to.equal(false);
    const r = await run(c, [...c.command, ...c.args]);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.equal(`${EVENTLOG_JSON}\r\n{"Source":"Process","LogEntry":{"Logline":"ContainerAdministrator"},"SchemaVersion":"1.0.0"}\r\n`);
    expect(hasOnlyCrlf(r.stdout)).to.equal(true);
  });

  it("the wrapped command's exit code is LogMonitor's", async () => {
    const r = await run(winContainer({ image: logMonitorImage, fs: withConfigFile({ LogConfig: { sources: [] } }) }), [
      "C:\\LogMonitor\\LogMonitor.exe",
      "cmd",
      "/c",
      "exit 3",
    ]);
    expect(r.exitCode).to.equal(3);
  });

  it("plain servercore and nanoserver do not ship LogMonitor.exe; nanoserver has no PowerShell", async () => {
    for (const image of ["mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com/windows/nanoserver:ltsc2022"]) {
      const r = await run(winContainer({ image, fs: withConfigFile({ LogConfig: { sources: [] } }) }), [
        "C:\\LogMonitor\\LogMonitor.exe",
        "cmd",
        "/c",
        "exit 3",
      ]);
      expect(r.exitCode, image).to.not.equal(3);
      expect(entrypointMissing("windows", image, "C:\\LogMonitor\\LogMonitor.exe"), image).to.equal(true);
    }
    expect(entrypointMissing("windows", logMonitorImage, "C:\\LogMonitor\\LogMonitor.exe")).to.equal(false);
    expect(entrypointMissing("windows", "mcr.microsoft.com/windows/nanoserver:ltsc2022", "powershell")).to.equal(true);
    expect(entrypointMissing("windows", "mcr.microsoft.com/windows/servercore:ltsc2022", "powershell.exe")).to.equal(false);
    // Programs the emulator does not model are assumed present.
    expect(entrypointMissing("windows", "mcr.microsoft.com/windows/servercore:ltsc2022", "C:\\app\\server.exe")).to.equal(false);
  });

  describe("the fixture's prelude (fixtures/logmonitor.yaml's command)", () => {
    const command = [
      "C:\\LogMonitor\\LogMonitor.exe",
      "powershell.exe",
      "-Command",
      "New-Item -ItemType Directory -Force C:\\logs | Out-Null; Add-Content C:\\logs\\app.log 'hello from the file source'; Write-EventLog -LogName Application -Source Application -EventId 1000 -EntryType Error -Message 'hello from the event log source' -ErrorAction SilentlyContinue; while ($true) { Start-Sleep -Seconds 3600 }",
    ];
    const fixtureConfig = {
      LogConfig: {
        sources: [
          {
            type: "EventLog",
            startAtOldestRecord: true,
            channels: [
              { name: "system", level: "Information" },
              { name: "application", level: "Error" },
            ],
          },
          { type: "File", directory: "c:\\logs", filter: "*.log", includeSubdirectories: false },
        ],
      },
    };
    // The container file system has implicit directories (New-Item of a directory only answers); MemFs wants them listed.
    const fs = () => new MemFs("windows", { "C:\\LogMonitor\\LogMonitorConfig.json": JSON.stringify(fixtureConfig) }, [], ["C:\\logs"]);
    const container = () => winContainer({ image: logMonitorImage, command, args: [], fs: fs(), events: [] });

    it("is the statements before the keep-alive loop, unwrapped from LogMonitor.exe", () => {
      expect(preludeOf(command)).to.deep.equal([
        "powershell",
        "-Command",
        "New-Item -ItemType Directory -Force C:\\logs | Out-Null; Add-Content C:\\logs\\app.log 'hello from the file source'; Write-EventLog -LogName Application -Source Application -EventId 1000 -EntryType Error -Message 'hello from the event log source' -ErrorAction SilentlyContinue",
      ]);
      // A loop that is not a keep-alive is not cut.
      expect(preludeOf(["powershell", "-Command", "echo a; for ($i=0; $i -lt 3; $i++) { echo $i }"])).to.equal(undefined);
    });

    it("run first, it gives LogMonitor the container's own file line and Application event, no canned Application event", async () => {
      const c = container();
      const out = await run(c, preludeOf(command)!);
      expect(out.stderr).to.equal("");
      expect(out.exitCode).to.equal(0);
      const lines = workloadFor(c, { clock }).startupLines();
      expect(lines).to.include('{"Source": "File","LogEntry": {"Logline": "hello from the file source","FileName": "app.log"},"SchemaVersion":"1.0.0"}');
      const app = lines.filter((l) => l.includes('"Channel": "Application"'));
      expect(app).to.have.length(1);
      expect(app[0]).to.match(/"EventSource": "Application",.*"Level": "Error","EventId": 1000,"Message": "hello from the event log source"/);
      expect(lines).to.include(EVENTLOG_JSON); // the fresh container's own System record, at Information
    });

    it("without the prelude (or with the File sources dropped) the lines are not there", async () => {
      const idle = workloadFor(container(), { clock }).startupLines();
      expect(idle.join("\n")).to.not.match(/hello from/);
      const c = container();
      await run(c, preludeOf(command)!);
      const dropped = workloadFor(c, { clock, logMonitorDropsFiles: true }).startupLines();
      expect(dropped.some((l) => l.startsWith('{"Source": "File"'))).to.equal(false);
      expect(dropped.join("\n")).to.match(/hello from the event log source/);
    });

    it("an Information event is below the Application channel's Error level", async () => {
      const c = container();
      await run(c, ["powershell", "-Command", "Write-EventLog -LogName Application -Source App -EventId 1 -EntryType Information -Message 'just info'"]);
      expect(c.events).to.have.length(1);
      expect(workloadFor(c, { clock }).startupLines().join("\n")).to.not.match(/just info/);
    });
  });
});
