// Checks of the layout `cluster up` is asked for, before anything starts: a hybrid cluster needs a Windows
// node, and a running cluster is not silently reused for a different --topology.
import type { Topology } from "./topology.js";
import type { ClusterState } from "./state.js";
import { UserFacingError } from "../lib/errors.js";

export function assertHasWindowsNode(t: Topology, source: string | undefined): void {
  if (!t.nodes.some((n) => n.os === "windows"))
    throw new UserFacingError(`topology ${source ?? "(default)"}: no Windows node; a hybrid cluster needs at least one (a node with os: windows and a build)`);
}

const layoutOf = (nodes: { name: string; os: string; build?: string }[]) =>
  nodes.map((n) => `${n.name}(${n.os}${n.build ? ` ${n.build}` : ""})`).sort().join(", ");

/** A running cluster serves `up --topology F` only if it has exactly F's nodes. */
export function assertSameLayout(running: ClusterState, wanted: Topology, source: string): void {
  const have = layoutOf(running.nodes);
  const want = layoutOf(wanted.nodes);
  if (have !== want)
    throw new UserFacingError(`the local cluster is already running with another layout (${have}); --topology ${source} asks for ${want}: stop it first with \`hybrid-conformance cluster down\``);
}
