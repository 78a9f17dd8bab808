// Option-value parsers shared by the commands; commander turns their InvalidArgumentError into one line naming the option.
import { InvalidArgumentError } from "commander";

export function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`expected a port number, got ${JSON.stringify(v)}`);
  return n;
}
