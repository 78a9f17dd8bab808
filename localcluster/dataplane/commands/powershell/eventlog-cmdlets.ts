// New-Item and Write-EventLog, as the LogMonitor fixture's prelude uses them (Windows PowerShell 5.1):
//   New-Item -ItemType Directory -Force C:\logs | Out-Null
//   Write-EventLog -LogName Application -Source Application -EventId 1000 -EntryType Error -Message '…'
// Directories are implicit in the container's VirtualFs (they exist once a file is in them), so New-Item of a
// directory only answers with the DirectoryInfo; New-Item of a file writes it. Write-EventLog appends a record to
// the container's own event log (ContainerView.events), which LogMonitor's EventLog source reads.
// Sources: Microsoft.PowerShell.Management docs for New-Item and Write-EventLog (5.1).
import { normalizePath, writeFile } from "../fsview.js";
import type { CmdletDef } from "./cmdlet-types.js";
import { PsObject, toStr } from "./values.js";

const ENTRY_TYPES = ["Error", "Warning", "Information", "SuccessAudit", "FailureAudit"];

export const newItem: CmdletDef = {
  name: "New-Item",
  cls: "Microsoft.PowerShell.Commands.NewItemCommand",
  params: [
    { name: "Path", position: 0, aliases: ["LiteralPath"] },
    { name: "ItemType", aliases: ["Type"] },
    { name: "Value" },
    { name: "Force", switch: true },
  ],
  async run(rt, args) {
    const path = normalizePath("windows", toStr(args.get("Path") ?? rt.ctx.cwd ?? "C:\\"), rt.ctx.cwd);
    const dir = /^directory$/i.test(toStr(args.get("ItemType") ?? "File"));
    if (!dir) writeFile(rt.ctx.container, path, args.has("Value") ? toStr(args.get("Value") ?? "") : "", false, rt.ctx.cwd);
    const name = path.split("\\").pop() ?? path;
    return [
      new PsObject(dir ? "System.IO.DirectoryInfo" : "System.IO.FileInfo", [
        ["Mode", dir ? "d-----" : "-a----"],
        ["Name", name],
        ["FullName", path],
      ]),
    ];
  },
};

export const writeEventLog: CmdletDef = {
  name: "Write-EventLog",
  cls: "Microsoft.PowerShell.Commands.WriteEventLogCommand",
  params: [
    { name: "LogName", position: 0, mandatory: true, aliases: ["LN"] },
    { name: "Source", position: 1, mandatory: true, aliases: ["SRC"] },
    { name: "EventId", position: 3, mandatory: true, aliases: ["ID", "EID"] },
    { name: "Message", position: 4, mandatory: true, aliases: ["MSG"] },
    { name: "EntryType", position: 2, aliases: ["ET"] },
    { name: "Category" },
    { name: "RawData" },
    { name: "ComputerName" },
  ],
  async run(rt, args) {
    const entryType = ENTRY_TYPES.find((t) => t.toLowerCase() === toStr(args.get("EntryType") ?? "Information").toLowerCase()) ?? "Information";
    (rt.ctx.container.events ??= []).push({
      log: toStr(args.get("LogName") ?? ""),
      source: toStr(args.get("Source") ?? ""),
      eventId: Number(toStr(args.get("EventId") ?? 0)),
      entryType,
      message: toStr(args.get("Message") ?? ""),
      time: new Date(),
    });
    return [];
  },
};
