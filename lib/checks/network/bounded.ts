// Checks against many nodes (NodePort on every node, the runner's reach to every kubelet) run concurrently but
// bounded: on a 200-node pool an unbounded fan-out is 200 exec streams through the API server at once (the
// host-network vantage) or 200 sockets from the runner. 32 at a time keeps a 6-node cluster fully parallel and
// a 200-node one to ceil(200/32) = 7 waves (wall time vs 6 nodes: npm run bench:scale; not yet measured, docs/pools.md).
import pLimit from "p-limit";

export const NODE_CHECK_CONCURRENCY = 32;

/** Promise.allSettled over `items`, at most `limit` of `f` running at once; results in the items' order. */
export function settleBounded<T, R>(items: readonly T[], f: (item: T) => Promise<R>, limit = NODE_CHECK_CONCURRENCY): Promise<PromiseSettledResult<R>[]> {
  const run = pLimit(limit);
  return Promise.allSettled(items.map((item) => run(() => f(item))));
}
