// Who the process is and what it is called: whoami, hostname, uname and the default environment a
// container process starts with (Windows fills USERNAME/COMPUTERNAME itself; the pod spec only adds to it).

import type { ContainerView, ExecResult } from "../model.js";
import { defaultWindowsUser } from "../images.js";
import { classifyImage } from "../workloads/images.js";
import { readFile } from "./fsview.js";
import { Output } from "./output.js";
import { EnvMap, type Handler } from "./types.js";

export interface WindowsAccount {
  /** Domain part as Windows spells it, e.g. "User Manager", "NT AUTHORITY". */
  domain: string;
  user: string;
  /** What %USERNAME% holds: the machine account ("HOST$") for SYSTEM and NETWORK SERVICE. */
  envUserName: string;
  /** What [Environment]::UserName returns. */
  processUserName: string;
}

const CONTAINER_USERS = new Set(["containeradministrator", "containeruser"]);
const MACHINE_ACCOUNT_USERS = new Set(["system", "network service"]);

export function windowsAccount(c: ContainerView): WindowsAccount {
  const name = c.userName || defaultWindowsUser(c.image);
  const slash = name.indexOf("\\");
  const user = slash >= 0 ? name.slice(slash + 1) : name;
  let domain = slash >= 0 ? name.slice(0, slash) : "";
  if (!domain) domain = CONTAINER_USERS.has(user.toLowerCase()) ? "User Manager" : c.hostname;
  const machine = domain.toUpperCase() === "NT AUTHORITY" && MACHINE_ACCOUNT_USERS.has(user.toLowerCase());
  return {
    domain,
    user,
    envUserName: machine ? `${c.hostname}$` : user,
    processUserName: user,
  };
}

export interface LinuxAccount {
  uid: number | undefined;
  name: string | undefined;
  home: string;
}

export function linuxAccount(c: ContainerView): LinuxAccount {
  const u = c.userName || "root";
  if (!/^\d+$/.test(u)) return { uid: u === "root" ? 0 : undefined, name: u, home: u === "root" ? "/root" : `/home/${u}` };
  const uid = Number(u);
  if (uid === 0) return { uid, name: "root", home: "/root" };
  // A numeric uid has a name only if the image's /etc/passwd lists it.
  const entry = (readFile(c, "/etc/passwd") ?? "")
    .split("\n")
    .map((l) => l.split(":"))
    .find((f) => f[2] === u);
  return { uid, name: entry?.[0], home: entry?.[5] ?? "/" };
}

/** The environment a new process in this container starts with: OS defaults overlaid by the pod's env. */
export function baseEnv(c: ContainerView): EnvMap {
  const env = new EnvMap(c.os, c.os === "windows" ? windowsDefaults(c) : linuxDefaults(c));
  for (const [k, v] of Object.entries(c.env)) env.set(k, v);
  return env;
}

function windowsDefaults(c: ContainerView): Record<string, string> {
  const a = windowsAccount(c);
  const machine = a.envUserName.endsWith("$");
  return {
    ALLUSERSPROFILE: "C:\\ProgramData",
    APPDATA: `C:\\Users\\${a.user}\\AppData\\Roaming`,
    ComSpec: "C:\\Windows\\system32\\cmd.exe",
    COMPUTERNAME: c.hostname,
    LOCALAPPDATA: `C:\\Users\\${a.user}\\AppData\\Local`,
    NUMBER_OF_PROCESSORS: "2",
    OS: "Windows_NT",
    Path: "C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\",
    PATHEXT: ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC;.CPL",
    PROCESSOR_ARCHITECTURE: "AMD64",
    ProgramData: "C:\\ProgramData",
    ProgramFiles: "C:\\Program Files",
    PUBLIC: "C:\\Users\\Public",
    SystemDrive: "C:",
    SystemRoot: "C:\\Windows",
    TEMP: machine ? "C:\\Windows\\TEMP" : `C:\\Users\\${a.user}\\AppData\\Local\\Temp`,
    TMP: machine ? "C:\\Windows\\TEMP" : `C:\\Users\\${a.user}\\AppData\\Local\\Temp`,
    USERDOMAIN: machine ? "WORKGROUP" : a.domain,
    USERNAME: a.envUserName,
    USERPROFILE: machine ? "C:\\Windows\\system32\\config\\systemprofile" : `C:\\Users\\${a.user}`,
    windir: "C:\\Windows",
  };
}

function linuxDefaults(c: ContainerView): Record<string, string> {
  return {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOSTNAME: c.hostname,
    HOME: linuxAccount(c).home,
  };
}

export const whoami: Handler = async (ctx) => {
  const c = ctx.container;
  const out = new Output(c.os);
  if (c.os === "windows") {
    const a = windowsAccount(c);
    return out.line(`${a.domain}\\${a.user}`.toLowerCase()).done(0);
  }
  const a = linuxAccount(c);
  if (a.name) return out.line(a.name).done(0);
  const busyboxy = classifyImage(c.image).family !== "unknown";
  return out.errLine(busyboxy ? `whoami: unknown uid ${a.uid}` : `whoami: cannot find name for user ID ${a.uid}`).done(1);
};

export const hostname: Handler = async (ctx) => new Output(ctx.container.os).line(ctx.container.hostname).done(0);

/** uname: GNU/busybox on Linux; the busybox-w32 build that Windows e2e images ship reports MS/Windows. */
export const uname: Handler = async (ctx, argv): Promise<ExecResult> => {
  const c = ctx.container;
  const flags = argv.slice(1).join("");
  const sys = c.os === "windows" ? "Windows_NT" : "Linux";
  const out = new Output(c.os);
  if (/a/.test(flags)) return out.line(`${sys} ${c.hostname} ${c.nodeBuild ?? "6.1.0"} x86_64 ${c.os === "windows" ? "MS/Windows" : "GNU/Linux"}`).done(0);
  if (/o/.test(flags)) return out.line(c.os === "windows" ? "MS/Windows" : "GNU/Linux").done(0);
  if (/n/.test(flags)) return out.line(c.hostname).done(0);
  return out.line(sys).done(0);
};

/** id: busybox/coreutils format; a uid without a passwd entry shows bare numbers. */
export const id: Handler = async (ctx) => {
  const a = linuxAccount(ctx.container);
  const who = (n: number | undefined, name: string | undefined) => (name ? `${n}(${name})` : String(n));
  const uid = who(a.uid, a.name);
  const gid = a.uid === 0 ? "0(root)" : uid;
  return new Output(ctx.container.os).line(`uid=${uid} gid=${gid} groups=${gid}`).done(0);
};
