// Output assembly for emulated commands. Handlers write logical lines; the OS decides the line ending,
// because Windows console programs end lines with CRLF while Linux ones use LF. Raw bytes (an HTTP body
// that curl copies verbatim) bypass the conversion.

import type { ExecResult, OsName } from "../model.js";

export const eolFor = (os: OsName): string => (os === "windows" ? "\r\n" : "\n");

/** Rewrite every line ending of `text` to the OS's convention (idempotent for CRLF input). */
export function toOsText(os: OsName, text: string): string {
  return os === "windows" ? text.replace(/\r?\n/g, "\r\n") : text.replace(/\r\n/g, "\n");
}

export class Output {
  stdout = "";
  stderr = "";
  constructor(readonly os: OsName) {}

  get eol(): string {
    return eolFor(this.os);
  }
  /** One or more stdout lines, each terminated with the OS line ending. */
  line(...lines: string[]): this {
    for (const l of lines) this.stdout += toOsText(this.os, l) + this.eol;
    return this;
  }
  /** One or more stderr lines, each terminated with the OS line ending. */
  errLine(...lines: string[]): this {
    for (const l of lines) this.stderr += toOsText(this.os, l) + this.eol;
    return this;
  }
  /** Bytes copied verbatim to stdout (HTTP bodies, file contents). */
  raw(text: string): this {
    this.stdout += text;
    return this;
  }
  rawErr(text: string): this {
    this.stderr += text;
    return this;
  }
  /** Append another command's output unchanged (it already used the right endings). */
  append(r: ExecResult): this {
    this.stdout += r.stdout;
    this.stderr += r.stderr;
    return this;
  }
  done(exitCode: number): ExecResult {
    return { stdout: this.stdout, stderr: this.stderr, exitCode };
  }
}

export function result(stdout: string, stderr: string, exitCode: number): ExecResult {
  return { stdout, stderr, exitCode };
}

/** Split command output into lines, dropping the trailing empty one a final newline leaves. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const ls = text.split(/\r?\n/);
  if (ls[ls.length - 1] === "") ls.pop();
  return ls;
}
