// Writes deploy/clusterrole.yaml from the preflight's permission list (lib/preflight/clusterrole.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { clusterRoleYaml } from "../lib/preflight/clusterrole.js";
import { repoRoot } from "../localcluster/paths.js";

const file = join(repoRoot, "deploy", "clusterrole.yaml");
writeFileSync(file, clusterRoleYaml());
process.stdout.write(`wrote ${file}\n`);
