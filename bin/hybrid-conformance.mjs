#!/usr/bin/env node
// The `hybrid-conformance` command: the compiled harness in dist/, no TypeScript transpiler at run time. In a checkout
// (tsconfig.build.json present) a source edited since the last build is compiled first, with a line on stderr, so an
// edit is never silently ignored; an installed package or the container image carries dist/ only and skips the check.
import { existsSync } from "node:fs";

if (existsSync(new URL("../tsconfig.build.json", import.meta.url))) (await import("../scripts/build.mjs")).ensureBuilt();
await import("../dist/lib/cli/main.js");
