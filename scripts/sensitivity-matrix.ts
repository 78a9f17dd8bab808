// Generates docs/sensitivity.md from sensitivity/*.cases.ts and the suites' checks.
//   node --import tsx scripts/sensitivity-matrix.ts           # print the markdown
//   node --import tsx scripts/sensitivity-matrix.ts --write   # write docs/sensitivity.md
//   node --import tsx scripts/sensitivity-matrix.ts --json    # the rows and the markdown (for the unit test)
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../localcluster/paths.js";
import { fullMatrix, renderMarkdown } from "../sensitivity/matrix.js";

const rows = await fullMatrix();
const markdown = renderMarkdown(rows);
if (process.argv.includes("--write")) writeFileSync(join(repoRoot, "docs", "sensitivity.md"), markdown);
else if (process.argv.includes("--json")) process.stdout.write(JSON.stringify({ rows, markdown }));
else process.stdout.write(markdown);
