// Regenerates lib/compare/wor-cases.json from a checkout of kubernetes-sigs/windows-operational-readiness:
//   node --import tsx scripts/wor-cases.ts <path to its git directory or work tree>
// Reads specifications/*/spec.yaml at that checkout's HEAD (git show), so a bare mirror works too.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { parse } from "yaml";

const dir = process.argv[2];
if (!dir) throw new Error("usage: scripts/wor-cases.ts <windows-operational-readiness checkout>");
const git = (...a: string[]) => execFileSync("git", ["-C", dir, ...a], { encoding: "utf8" });
const commit = git("rev-parse", "HEAD").trim();
const files = git("ls-tree", "-r", "--name-only", "HEAD", "specifications/")
  .split("\n")
  .filter((f) => f.endsWith("/spec.yaml"));
const categories = files.map((file) => {
  const spec = parse(git("show", `HEAD:${file}`)) as { category: string; testCases?: { description: string; focus: string[] }[] | null };
  return {
    category: spec.category,
    file,
    // YAML folds long descriptions over lines; one space each, as WOR prints them.
    cases: (spec.testCases ?? []).map((c) => ({ description: c.description.split(/\s+/).join(" "), focus: c.focus })),
  };
});
const out = {
  source: {
    repo: "kubernetes-sigs/windows-operational-readiness",
    commit,
    files: "specifications/*/spec.yaml",
    note: "Active test cases only (commented-out cases in the YAML are not part of WOR's runs). Regenerate: node --import tsx scripts/wor-cases.ts <checkout>",
  },
  categories,
};
writeFileSync(new URL("../lib/compare/wor-cases.json", import.meta.url), JSON.stringify(out, null, 2) + "\n");
process.stdout.write(`${categories.reduce((n, c) => n + c.cases.length, 0)} WOR test cases in ${categories.length} categories at ${commit}\n`);
