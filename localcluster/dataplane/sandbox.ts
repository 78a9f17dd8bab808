// kwok runs `kubectl exec` commands as local processes. To make sure no real program (and so no real network
// client) ever runs, kwok starts in a private mount namespace where every bin directory is replaced by our
// shims, which forward the command to the emulated container. Absolute paths like /usr/bin/curl land on a shim too.
import { mkdirSync, writeFileSync, copyFileSync, existsSync, lstatSync, chmodSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { UserFacingError } from "../../lib/errors.js";

// Every name a test may exec. Anything else fails as "executable file not found in $PATH", as containerd says.
const commands = [
  "curl",
  "powershell",
  "pwsh",
  "cmd",
  "whoami",
  "hostname",
  "nslookup",
  "ipconfig",
  "nltest",
  "ping",
  "sh",
  "bash",
  "ash",
  "cat",
  "ls",
  "echo",
  "nc",
  "wget",
  "env",
  "printenv",
  "test",
  "sleep",
  "true",
  "false",
  "id",
  "uname",
  "agnhost",
  "grep",
  "wc",
  "head",
];
export function shimNames(): string[] {
  const win = ["curl", "powershell", "cmd", "whoami", "hostname", "nslookup", "ipconfig", "nltest", "ping"];
  return [
    ...commands,
    ...win.map((c) => `${c}.exe`),
    ...win.map((c) => `C:\\Windows\\System32\\${c}.exe`),
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
  ];
}

export const hiddenBinDirs = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"];

/** Writes the shim directory: one small script per command name, all forwarding to exec-client.mjs. */
export function writeShims(dir: string, nodeCopy: string, client: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Shims are CommonJS (a dynamic import, no top-level await): Node's ESM loader refuses files whose extension it
  // does not know, such as curl.exe; the CommonJS loader runs any extension. The package.json pins the format, so
  // a state directory inside a "type": "module" package (the default .localcluster) does not switch it to ESM.
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
  for (const name of shimNames()) {
    const file = join(dir, name);
    writeFileSync(file, `#!${nodeCopy}\nprocess.env.HC_ARGV0 = ${JSON.stringify(name)};\nimport(${JSON.stringify(client)});\n`);
    chmodSync(file, 0o755);
  }
}

/**
 * The command that starts kwok inside the sandbox: unshare a mount namespace, bind the shims over every bin
 * directory, then exec kwok. Node is reachable for the shims through a private copy.
 */
export function sandboxedCommand(stateDir: string, kwokBin: string, kwokArgs: string[]): { bin: string; args: string[] } {
  const shims = join(stateDir, "shims");
  const nodeCopy = join(stateDir, "runtime", "node");
  mkdirSync(join(stateDir, "runtime"), { recursive: true });
  if (!existsSync(nodeCopy)) copyFileSync(process.execPath, nodeCopy);
  chmodSync(nodeCopy, 0o755);
  writeShims(shims, nodeCopy, new URL("./exec-client.mjs", import.meta.url).pathname);
  // Merged-/usr systems have /bin -> usr/bin: binding over the symlink's target covers both.
  // The directory holding `mount` itself is covered last, or the remaining mounts could not run.
  const mountDir = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].find((d) => existsSync(join(d, "mount"))) ?? "/usr/bin";
  const dirs = hiddenBinDirs.filter((d) => existsSync(d) && !lstatSync(d).isSymbolicLink()).sort((a, b) => Number(a === mountDir) - Number(b === mountDir));
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = [
    "set -e",
    "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
    ...dirs.map((d) => `mount --bind ${q(shims)} ${q(d)}`),
    `export PATH=${q(shims)}`,
    `exec ${[kwokBin, ...kwokArgs].map(q).join(" ")}`,
  ].join("\n");
  const asRoot = process.getuid?.() === 0;
  return { bin: unshareBin(), args: [...(asRoot ? [] : ["--user", "--map-root-user"]), "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script] };
}

function unshareBin(): string {
  return ["/usr/bin/unshare", "/bin/unshare", "/usr/sbin/unshare"].find(existsSync) ?? "unshare";
}

/** Fails early, with the reason, where mount namespaces are not available. */
export function assertSandboxAvailable(): void {
  const asRoot = process.getuid?.() === 0;
  try {
    execFileSync(
      unshareBin(),
      [
        ...(asRoot ? [] : ["--user", "--map-root-user"]),
        "--mount",
        "--propagation",
        "private",
        "--",
        "/bin/sh",
        "-c",
        "mount --bind /tmp /mnt 2>/dev/null || mount --bind /tmp /tmp",
      ],
      {
        stdio: "pipe",
        env: { ...process.env, PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
      },
    );
  } catch (e) {
    const msg = ((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).split("\n")[0];
    throw new UserFacingError(
      `the local cluster needs a private mount namespace (unshare --mount${asRoot ? "" : " in a user namespace"}) to keep exec'd commands emulated: ${msg}`,
    );
  }
}
