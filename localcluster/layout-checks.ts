// Checks of the layout `cluster up` is asked for, before anything starts: a hybrid cluster needs a Windows
// node (an autoscaled Windows pool counts: it adds one when a pod needs it), and a running cluster is not
// silently reused for a different --topology or --profile.
import type { Layout } from "./topology.js";
import type { ClusterState } from "./state.js";
import { UserFacingError } from "../lib/errors.js";

export function assertHasWindowsNode(layout: Layout, source: string | undefined): void {
  if (!layout.nodes.some((n) => n.os === "windows"))
    throw new UserFacingError(
      `topology ${source ?? `(profile ${layout.profile})`}: no Windows node; a hybrid cluster needs at least one (a node or an autoscaled pool with os: windows and a build)`,
    );
}

const describe = (nodes: { name: string; os: string; build?: string }[]) =>
  nodes
    .map((n) => `${n.name}(${n.os}${n.build ? ` ${n.build}` : ""})`)
    .sort()
    .join(", ");

/** A running cluster serves `up --topology F` (or `--profile P`) only if it was started with that layout. */
export function assertSameLayout(running: ClusterState, wanted: Layout, source: string): void {
  let have = describe(running.nodes);
  let want = describe(wanted.nodes.filter((n) => wanted.registered.has(n.name)));
  const runningProfile = running.profile ?? "docs";
  if (have === want && runningProfile === wanted.profile) return;
  if (have === want) [have, want] = [`profile ${runningProfile}`, `profile ${wanted.profile}`];
  throw new UserFacingError(
    `the local cluster is already running with another layout (${have}); ${source} asks for ${want}: stop it first with \`hybrid-conformance cluster down\``,
  );
}
