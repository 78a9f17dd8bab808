// `hybrid-conformance images`: every image the selected tests pull, per Windows build, for mirroring into an
// air-gapped registry. Offline: the fixtures rendered for each build (lib/prepull/images.ts), no cluster contact.
import { Command, Option } from "commander";
import { catalogue } from "../../suites/index.js";
import { plan } from "../run/plan.js";
import { allBuilds, imagesFor } from "../prepull/images.js";
import { build, category, registryOverride } from "./args.js";

const categories = catalogue.map((c) => c.category);

interface ImagesFlags {
  suite: "core" | "extended" | "all";
  category?: string[];
  windowsBuild?: string;
  registry?: string[];
  logmonitorImage?: string;
  output: "text" | "json";
}

export function imagesCommand(): Command {
  return new Command("images")
    .description("list every image the selected tests pull, per Windows build (to mirror them for an air-gapped cluster); touches no cluster")
    .addOption(new Option("--suite <suite>", "which suites").choices(["core", "extended", "all"]).default("core"))
    .option("--category <name>", `only this category (repeatable): ${categories.join(", ")}`, category(categories))
    .option("--windows-build <build>", `only this Windows build (default: every supported build, ${allBuilds().join(", ")})`, build)
    .option("--registry <from=to>", "registry override, as for run (repeatable)", registryOverride)
    .option("--logmonitor-image <image>", "as for run: the Core.Logs LogMonitor image, pulled on Windows nodes")
    .addOption(new Option("--output <format>", "text or json").choices(["text", "json"]).default("text"))
    .action((flags: ImagesFlags) => {
      const p = plan({ suite: flags.suite, categories: flags.category ?? [] }, () => undefined)!;
      const sets = imagesFor(p.entries, {
        builds: flags.windowsBuild ? [flags.windowsBuild] : allBuilds(),
        registryOverrides: Object.fromEntries((flags.registry ?? []).map((r) => r.split("=") as [string, string])),
        extraWindowsImages: flags.logmonitorImage ? [flags.logmonitorImage] : [],
      });
      if (flags.output === "json") {
        process.stdout.write(JSON.stringify(sets, null, 2) + "\n");
        return;
      }
      for (const s of sets) {
        process.stdout.write(s.os === "windows" ? `Windows ${s.build}:\n` : "Linux:\n");
        for (const i of s.images.length ? s.images : ["(none)"]) process.stdout.write(`  ${i}\n`);
      }
    });
}
