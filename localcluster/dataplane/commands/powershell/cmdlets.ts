// The cmdlet table: parameter specs (with PowerShell's prefix matching and positional binding) and the
// file/output cmdlets. Network cmdlets live in webcmdlets.ts.

import { normalizePath, readFile, writeFile, listDir } from "../fsview.js";
import type { BoundArgs, CmdElement, CmdletDef, CmdletHost as PsRuntime, Edition, ParamSpec } from "./cmdlet-types.js";
import { flatten, outDefault, PsError, PsObject, toStr, truthy, type PsValue } from "./values.js";
import { WEB_CMDLETS } from "./webcmdlets.js";
import { newItem, writeEventLog } from "./eventlog-cmdlets.js";

const COMMON: ParamSpec[] = [
  { name: "ErrorAction", aliases: ["ea"] },
  { name: "WarningAction", aliases: ["wa"] },
  { name: "InformationAction", aliases: ["infa"] },
  { name: "ErrorVariable", aliases: ["ev"] },
  { name: "OutVariable", aliases: ["ov"] },
  { name: "Verbose", switch: true, aliases: ["vb"] },
  { name: "Debug", switch: true, aliases: ["db"] },
];

export function bindError(def: CmdletDef, message: string, fqid: string, el: CmdElement): PsError {
  return new PsError({
    message,
    command: def.name,
    category: `InvalidArgument: (:) [${def.name}], ParameterBindingException`,
    fqid: `${fqid},${def.cls}`,
    extent: el.x,
  });
}

/** Exact name or alias first, then a unique prefix; cmdlet parameters win over common ones. */
function matchParam(def: CmdletDef, name: string, el: CmdElement): ParamSpec {
  const lower = name.toLowerCase();
  for (const set of [def.params, COMMON]) {
    const exact = set.find((p) => p.name.toLowerCase() === lower || p.aliases?.some((a) => a.toLowerCase() === lower));
    if (exact) return exact;
  }
  for (const set of [def.params, COMMON]) {
    const hits = set.filter((p) => p.name.toLowerCase().startsWith(lower));
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) {
      throw bindError(
        def,
        `Parameter cannot be processed because the parameter name '${name}' is ambiguous. Possible matches include: ${hits.map((h) => `-${h.name}`).join(" ")}.`,
        "AmbiguousParameter",
        el,
      );
    }
  }
  throw bindError(def, `A parameter cannot be found that matches parameter name '${name}'.`, "NamedParameterNotFound", el);
}

export async function bindArguments(rt: PsRuntime, def: CmdletDef, el: CmdElement): Promise<BoundArgs> {
  const named = new Map<string, PsValue>();
  const positional: PsValue[] = [];
  for (let k = 0; k < el.args.length; k++) {
    const a = el.args[k];
    if (a.k === "value") {
      positional.push(await rt.eval(a.e));
      continue;
    }
    const spec = matchParam(def, a.name, el);
    if (spec.switch) {
      named.set(spec.name.toLowerCase(), a.value ? truthy(await rt.eval(a.value)) : true);
      continue;
    }
    let valueExpr = a.value;
    if (!valueExpr) {
      const next = el.args[k + 1];
      if (next?.k !== "value")
        throw bindError(
          def,
          `Missing an argument for parameter '${spec.name}'. Specify a parameter of type 'System.Object' and try again.`,
          "MissingArgument",
          el,
        );
      valueExpr = next.e;
      k++;
    }
    named.set(spec.name.toLowerCase(), await rt.eval(valueExpr));
  }
  bindPositional(def, named, positional, el);
  const missing = def.params.find((p) => p.mandatory && !named.has(p.name.toLowerCase()));
  if (missing)
    throw bindError(def, `Cannot process command because of one or more missing mandatory parameters: ${missing.name}.`, "MissingMandatoryParameter", el);
  const ea = toStr(named.get("erroraction") ?? "").toLowerCase();
  return {
    get: (n) => named.get(n.toLowerCase()),
    has: (n) => named.has(n.toLowerCase()),
    silent: ea === "silentlycontinue" || ea === "ignore",
  };
}

function bindPositional(def: CmdletDef, named: Map<string, PsValue>, positional: PsValue[], el: CmdElement): void {
  const slots = def.params
    .filter((p) => p.position !== undefined && !named.has(p.name.toLowerCase()))
    .sort((a, b) => (a.position as number) - (b.position as number));
  let k = 0;
  for (const slot of slots) {
    if (k >= positional.length) break;
    if (slot.rest) {
      named.set(slot.name.toLowerCase(), positional.slice(k));
      k = positional.length;
      break;
    }
    named.set(slot.name.toLowerCase(), positional[k++]);
  }
  if (k < positional.length) {
    throw bindError(def, `A positional parameter cannot be found that accepts argument '${toStr(positional[k])}'.`, "PositionalParameterNotFound", el);
  }
}

// ---------- aliases ----------

const ALIASES: Record<string, string> = {
  iwr: "Invoke-WebRequest",
  irm: "Invoke-RestMethod",
  tnc: "Test-NetConnection",
  gc: "Get-Content",
  cat: "Get-Content",
  type: "Get-Content",
  ac: "Add-Content",
  sc: "Set-Content",
  echo: "Write-Output",
  write: "Write-Output",
  sleep: "Start-Sleep",
  select: "Select-Object",
  ls: "Get-ChildItem",
  dir: "Get-ChildItem",
  gci: "Get-ChildItem",
  fl: "Format-List",
  ft: "Format-Table",
};

/** Windows PowerShell maps curl and wget to Invoke-WebRequest; PowerShell 7 dropped those aliases. */
export function resolveAlias(name: string, edition: Edition): string {
  const lower = name.toLowerCase();
  if (edition === "desktop" && (lower === "curl" || lower === "wget")) return "Invoke-WebRequest";
  return ALIASES[lower] ?? name;
}

export function findCmdlet(name: string): CmdletDef | undefined {
  return CMDLETS.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

// ---------- file cmdlets ----------

const fullPath = (rt: PsRuntime, p: PsValue): string => normalizePath("windows", toStr(p), rt.ctx.cwd);

function pathNotFound(rt: PsRuntime, def: { name: string; cls: string }, path: string, el: CmdElement, silent: boolean): void {
  rt.writeError(
    {
      message: `Cannot find path '${path}' because it does not exist.`,
      command: def.name,
      category: `ObjectNotFound: (${path}:String) [${def.name}], ItemNotFoundException`,
      fqid: `PathNotFound,${def.cls}`,
      extent: el.x,
    },
    silent,
  );
}

const getContent: CmdletDef = {
  name: "Get-Content",
  cls: "Microsoft.PowerShell.Commands.GetContentCommand",
  params: [
    { name: "Path", position: 0, mandatory: true, aliases: ["PSPath", "LiteralPath"] },
    { name: "Raw", switch: true },
    { name: "TotalCount", aliases: ["First", "Head"] },
    { name: "Tail", aliases: ["Last"] },
    { name: "Encoding" },
  ],
  async run(rt, args, _input, el) {
    const out: PsValue[] = [];
    for (const p of flatten([args.get("Path") ?? null])) {
      const text = readFile(rt.ctx.container, toStr(p), rt.ctx.cwd);
      if (text === undefined) {
        pathNotFound(rt, this, fullPath(rt, p), el, args.silent);
        continue;
      }
      if (args.has("Raw")) {
        out.push(text);
        continue;
      }
      const lines = text.split(/\r?\n/);
      if (lines[lines.length - 1] === "") lines.pop();
      out.push(...(args.has("TotalCount") ? lines.slice(0, Number(toStr(args.get("TotalCount") ?? 0))) : lines));
    }
    return out;
  },
};

function writeContent(name: string, cls: string, append: boolean): CmdletDef {
  return {
    name,
    cls,
    params: [
      { name: "Path", position: 0, mandatory: true, aliases: ["FilePath", "PSPath", "LiteralPath"] },
      { name: "Value", position: 1, aliases: ["InputObject"] },
      { name: "NoNewline", switch: true },
      { name: "Encoding" },
      { name: "Force", switch: true },
    ],
    async run(rt, args, input, el) {
      const values = args.has("Value") ? flatten([args.get("Value") ?? null]) : (input ?? []);
      const lines = name === "Out-File" ? outDefault(values) : values.map(toStr);
      const text = args.has("NoNewline") ? lines.join("") : lines.map((l) => l + "\r\n").join("");
      const path = fullPath(rt, args.get("Path") ?? null);
      const w = writeFile(rt.ctx.container, path, text, append, rt.ctx.cwd);
      if (w === "ok") return [];
      const denied = w === "read-only";
      rt.writeError(
        {
          message: denied ? `Access to the path '${path}' is denied.` : `Could not find a part of the path '${path}'.`,
          command: name,
          category: denied
            ? `PermissionDenied: (${path}:String) [${name}], UnauthorizedAccessException`
            : `ObjectNotFound: (${path}:String) [${name}], DirectoryNotFoundException`,
          fqid: `${denied ? "GetContentWriterUnauthorizedAccessError" : "GetContentWriterDirectoryNotFoundError"},${cls}`,
          extent: el.x,
        },
        args.silent,
      );
      return [];
    },
  };
}

const testPath: CmdletDef = {
  name: "Test-Path",
  cls: "Microsoft.PowerShell.Commands.TestPathCommand",
  params: [{ name: "Path", position: 0, mandatory: true, aliases: ["LiteralPath"] }, { name: "PathType" }],
  async run(rt, args) {
    const c = rt.ctx.container;
    return flatten([args.get("Path") ?? null]).map((p) => {
      const isFile = readFile(c, toStr(p), rt.ctx.cwd) !== undefined;
      const isDir = listDir(c, toStr(p), rt.ctx.cwd) !== undefined;
      const type = toStr(args.get("PathType") ?? "any").toLowerCase();
      return type === "leaf" ? isFile : type === "container" ? isDir : isFile || isDir;
    });
  },
};

// Directory listings print one block per directory; the VirtualFs has no timestamps, so a fixed one is shown.
const LISTING_TIME = "1/1/2024  12:00 AM";

const getChildItem: CmdletDef = {
  name: "Get-ChildItem",
  cls: "Microsoft.PowerShell.Commands.GetChildItemCommand",
  params: [
    { name: "Path", position: 0, aliases: ["LiteralPath"] },
    { name: "Name", switch: true },
    { name: "Force", switch: true },
    { name: "Recurse", switch: true },
    { name: "Filter", position: 1 },
  ],
  async run(rt, args, _input, el) {
    const c = rt.ctx.container;
    const path = fullPath(rt, args.get("Path") ?? rt.ctx.cwd);
    const entries = listDir(c, path);
    const file = entries === undefined ? readFile(c, path) : undefined;
    if (entries === undefined && file === undefined) {
      pathNotFound(rt, this, path, el, args.silent);
      return [];
    }
    const parent = path.replace(/\\[^\\]+$/, "");
    const dir = entries !== undefined ? path : /^[A-Z]:$/.test(parent) ? parent + "\\" : parent;
    const names = entries ?? [path.split("\\").pop() as string];
    if (args.has("Name")) return names;
    const rows = names.map((n) => {
      const full = `${dir.replace(/\\$/, "")}\\${n}`;
      const isDir = listDir(c, full) !== undefined;
      const len = isDir ? "" : String(Buffer.byteLength(readFile(c, full) ?? ""));
      return `${isDir ? "d-----" : "-a----"}        ${LISTING_TIME} ${len.padStart(14)} ${n}`;
    });
    return [
      "",
      `    Directory: ${dir}`,
      "",
      "",
      "Mode                 LastWriteTime         Length Name",
      "----                 -------------         ------ ----",
      ...rows,
      "",
    ];
  },
};

// ---------- output cmdlets ----------

const writeOutput: CmdletDef = {
  name: "Write-Output",
  cls: "Microsoft.PowerShell.Commands.WriteOutputCommand",
  params: [
    { name: "InputObject", position: 0, rest: true },
    { name: "NoEnumerate", switch: true },
  ],
  async run(_rt, args, input) {
    return args.has("InputObject") ? flatten([args.get("InputObject") ?? null]) : (input ?? []);
  },
};

const writeHost: CmdletDef = {
  name: "Write-Host",
  cls: "Microsoft.PowerShell.Commands.WriteHostCommand",
  params: [
    { name: "Object", position: 0, rest: true },
    { name: "NoNewline", switch: true },
    { name: "Separator" },
    { name: "ForegroundColor" },
    { name: "BackgroundColor" },
  ],
  async run(rt, args, input) {
    const items = args.has("Object") ? flatten([args.get("Object") ?? null]) : (input ?? []);
    const text = items.map(toStr).join(args.has("Separator") ? toStr(args.get("Separator") ?? " ") : " ");
    if (args.has("NoNewline")) rt.out.raw(text);
    else rt.hostLine(text);
    return [];
  },
};

const writeWarning: CmdletDef = {
  name: "Write-Warning",
  cls: "Microsoft.PowerShell.Commands.WriteWarningCommand",
  params: [{ name: "Message", position: 0, mandatory: true }],
  async run(rt, args) {
    rt.hostLine(`WARNING: ${toStr(args.get("Message") ?? "")}`);
    return [];
  },
};

const startSleep: CmdletDef = {
  name: "Start-Sleep",
  cls: "Microsoft.PowerShell.Commands.StartSleepCommand",
  params: [
    { name: "Seconds", position: 0, aliases: ["s"] },
    { name: "Milliseconds", aliases: ["ms"] },
  ],
  async run() {
    return []; // Emulated time: never block an exec.
  },
};

const selectObject: CmdletDef = {
  name: "Select-Object",
  cls: "Microsoft.PowerShell.Commands.SelectObjectCommand",
  params: [{ name: "Property", position: 0 }, { name: "ExpandProperty" }, { name: "First" }, { name: "Last" }],
  async run(_rt, args, input) {
    let items = flatten(input ?? []);
    if (args.has("First")) items = items.slice(0, Number(toStr(args.get("First") ?? 0)));
    if (args.has("Last")) items = items.slice(-Number(toStr(args.get("Last") ?? 0)));
    const expand = args.get("ExpandProperty");
    if (expand !== undefined) return flatten(items.map((i) => (i instanceof PsObject ? i.get(toStr(expand)) : null)));
    const props = args.get("Property");
    if (props === undefined) return items;
    const names = flatten([props]).map(toStr);
    return items.map(
      (i) =>
        new PsObject(
          "Selected",
          names.map((n) => [n, i instanceof PsObject ? i.get(n) : null]),
        ),
    );
  },
};

const passthrough = (name: string, cls: string, fn: (input: PsValue[]) => PsValue[]): CmdletDef => ({
  name,
  cls,
  params: [{ name: "Property", position: 0 }, { name: "Width" }, { name: "Stream", switch: true }, { name: "AutoSize", switch: true }],
  async run(_rt, _args, input) {
    return fn(flatten(input ?? []));
  },
});

const relayout = (view: "list" | "table") => (items: PsValue[]) =>
  items.map((i) => (i instanceof PsObject ? new PsObject(i.typeName, i.props, view, view === "table" ? i.columns : undefined) : i));

export const CMDLETS: CmdletDef[] = [
  ...WEB_CMDLETS,
  newItem,
  writeEventLog,
  getContent,
  writeContent("Set-Content", "Microsoft.PowerShell.Commands.SetContentCommand", false),
  writeContent("Add-Content", "Microsoft.PowerShell.Commands.AddContentCommand", true),
  writeContent("Out-File", "Microsoft.PowerShell.Commands.OutFileCommand", false),
  testPath,
  getChildItem,
  writeOutput,
  writeHost,
  writeWarning,
  startSleep,
  selectObject,
  passthrough("Out-Null", "Microsoft.PowerShell.Commands.OutNullCommand", () => []),
  passthrough("Out-String", "Microsoft.PowerShell.Commands.OutStringCommand", (i) => [outDefault(i).join("\r\n") + "\r\n"]),
  passthrough("Format-List", "Microsoft.PowerShell.Commands.FormatListCommand", relayout("list")),
  passthrough("Format-Table", "Microsoft.PowerShell.Commands.FormatTableCommand", relayout("table")),
];
