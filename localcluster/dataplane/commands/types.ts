// Types shared by the command families. A handler is one emulated executable.

import type { ExecContext, ExecResult, OsName } from "../model.js";

/** Process environment. Windows variable names are case-insensitive, Linux ones are not. */
export class EnvMap {
  private readonly vars = new Map<string, { name: string; value: string }>();
  constructor(
    readonly os: OsName,
    init: Record<string, string> = {},
  ) {
    for (const [k, v] of Object.entries(init)) this.set(k, v);
  }
  private key(name: string): string {
    return this.os === "windows" ? name.toUpperCase() : name;
  }
  get(name: string): string | undefined {
    return this.vars.get(this.key(name))?.value;
  }
  set(name: string, value: string): void {
    // Windows keeps the first spelling of a name, as SetEnvironmentVariable does.
    const prev = this.vars.get(this.key(name));
    this.vars.set(this.key(name), { name: prev?.name ?? name, value });
  }
  delete(name: string): void {
    this.vars.delete(this.key(name));
  }
  entries(): Array<[string, string]> {
    return [...this.vars.values()].map((v) => [v.name, v.value] as [string, string]);
  }
  clone(): EnvMap {
    return new EnvMap(this.os, Object.fromEntries(this.entries()));
  }
}

/** What a handler sees: the exec context plus the process state a shell passes to its children. */
export interface CmdContext extends ExecContext {
  env: EnvMap;
  cwd: string;
  /** Run another command in the same container as a child process (inherits env and cwd). */
  run(argv: string[], opts?: { stdin?: string; env?: EnvMap }): Promise<ExecResult>;
}

export type Handler = (ctx: CmdContext, argv: string[]) => Promise<ExecResult>;
