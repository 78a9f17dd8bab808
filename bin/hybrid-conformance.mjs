#!/usr/bin/env node
// The `hybrid-conformance` command. TypeScript sources run through tsx's loader, registered here.
import { register } from "tsx/esm/api";

register();
await import("../lib/cli/main.ts");
