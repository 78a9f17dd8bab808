// The types cmdlets are written against, kept apart from the evaluator (runtime.ts) and the cmdlet tables
// (cmdlets.ts, webcmdlets.ts) so that none of them imports another's types in a cycle.
import type { Output } from "../output.js";
import type { CmdContext } from "../types.js";
import type { Element, Expr } from "./parser.js";
import type { ErrorRecord, PsValue } from "./values.js";

export type Edition = "desktop" | "core";

/** What a cmdlet may use of the running PowerShell: its context, host output, errors and expression evaluation. */
export interface CmdletHost {
  readonly ctx: CmdContext;
  readonly edition: Edition;
  readonly out: Output;
  hostLine(...lines: string[]): void;
  writeError(r: ErrorRecord, silent?: boolean): void;
  eval(e: Expr): Promise<PsValue>;
}

export interface ParamSpec {
  name: string;
  position?: number;
  switch?: boolean;
  /** Takes every remaining positional argument (Write-Output, Write-Host). */
  rest?: boolean;
  mandatory?: boolean;
  aliases?: string[];
}

export type CmdElement = Extract<Element, { k: "cmd" }>;

export interface BoundArgs {
  get(name: string): PsValue | undefined;
  has(name: string): boolean;
  /** -ErrorAction SilentlyContinue/Ignore: errors are recorded but not printed. */
  silent: boolean;
}

export interface CmdletDef {
  name: string;
  /** .NET class, used in FullyQualifiedErrorId. */
  cls: string;
  params: ParamSpec[];
  run(rt: CmdletHost, args: BoundArgs, input: PsValue[] | undefined, el: CmdElement): Promise<PsValue[]>;
}
