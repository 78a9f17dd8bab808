// Reads what the user hands to `lint -f`: files, directories (their .yaml/.yml/.json files, recursively) and stdin
// ("-"), as multi-document YAML or JSON, with `List` objects expanded into their items. Every object keeps a way
// back to its line and column in its file. Anything that is not a manifest is a UserFacingError (one line, exit 2).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { LineCounter, isMap, isSeq, parseAllDocuments, type Document, type Node } from "yaml";
import { UserFacingError } from "../errors.js";

/** A field path inside one object: keys and list indices, e.g. ["spec", "containers", 0, "image"]. */
export type FieldPath = (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** One Kubernetes object read from a file, and how to find its fields in that file. */
export interface SourceObject {
  obj: Record<string, any>;
  /** The file as the user named it ("<stdin>" for "-"). */
  file: string;
  /** Line and column of the deepest part of `path` present in the file (the object's start when none is). */
  locate(path: FieldPath): Position;
}

const MANIFEST = /\.(ya?ml|json)$/i;

export interface Input {
  name: string;
  text: string;
}

/** Expands the -f arguments into file contents, in the order given ("-" reads `stdin`). */
export function readInputs(paths: readonly string[], stdin: () => string = () => readFileSync(0, "utf8")): Input[] {
  if (paths.length === 0) throw new UserFacingError("nothing to lint: give -f FILE, -f DIR or -f - (stdin)");
  const inputs: Input[] = [];
  for (const p of paths) {
    if (p === "-") {
      inputs.push({ name: "<stdin>", text: stdin() });
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserFacingError(code === "ENOENT" ? `${p}: no such file or directory` : `${p}: cannot read (${code})`);
    }
    const files = isDir ? manifestFiles(p) : [p];
    if (isDir && files.length === 0) throw new UserFacingError(`${p}: directory holds no .yaml, .yml or .json files`);
    for (const f of files) inputs.push({ name: f, text: readFileSync(f, "utf8") });
  }
  return inputs;
}

function manifestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return manifestFiles(p);
      return e.isFile() && MANIFEST.test(e.name) ? [p] : [];
    });
}

/**
 * Parses one file's documents into objects. Empty documents (a leading `---`, comments only) are skipped, as
 * kubectl does; a document that is not an object with apiVersion and kind is bad input.
 */
export function parseInput(input: Input): SourceObject[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(input.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  // parseAllDocuments returns an EmptyStream (no documents) for empty input, else an array.
  const list = Array.isArray(docs) ? docs : [];
  const out: SourceObject[] = [];
  list.forEach((doc, i) => {
    const err = doc.errors[0];
    if (err) throw new UserFacingError(`${input.name}:${at(err.pos[0]).line}: not valid YAML or JSON: ${err.message.split("\n")[0]}`);
    const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    if (value === null || value === undefined) return;
    const where = `${input.name}:${doc.contents ? at(doc.contents.range[0]).line : 1}`;
    if (typeof value !== "object" || Array.isArray(value) || !(value as any).apiVersion || !(value as any).kind) {
      throw new UserFacingError(`${where}: document ${i + 1} is not a Kubernetes object (no apiVersion and kind)`);
    }
    const obj = value as Record<string, any>;
    // A List (kubectl get -o yaml, `kind: List`, `…List`) is linted item by item.
    if (/List$/.test(obj.kind) && Array.isArray(obj.items)) {
      obj.items.forEach((item: unknown, j: number) => {
        if (!item || typeof item !== "object" || !(item as any).kind) throw new UserFacingError(`${where}: ${obj.kind} item ${j} is not a Kubernetes object`);
        out.push({ obj: item as Record<string, any>, file: input.name, locate: (path) => locate(doc, ["items", j, ...path], at) });
      });
      return;
    }
    out.push({ obj, file: input.name, locate: (path) => locate(doc, path, at) });
  });
  return out;
}

/** Walks the YAML node tree along `path`; a map entry is reported at its key, a list item at the item. */
function locate(doc: Document, path: FieldPath, at: (offset: number) => Position): Position {
  let node = doc.contents as Node | null;
  let best = node?.range ? at(node.range[0]) : { line: 1, column: 1 };
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
      if (!pair) break;
      const key = pair.key as Node;
      if (key?.range) best = at(key.range[0]);
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg]) {
      node = node.items[seg] as Node;
      if (node.range) best = at(node.range[0]);
    } else break;
  }
  return best;
}

/** Reads and parses every input. */
export function loadSources(paths: readonly string[], stdin?: () => string): SourceObject[] {
  return readInputs(paths, stdin).flatMap(parseInput);
}
