// Builds (or finds in the cache) the local cluster's binaries; used by .ci/run and the benchmark.
import { ensureBinaries } from "../localcluster/binaries.js";

const t = Date.now();
const bins = await ensureBinaries((l) => process.stderr.write(l + "\n"));
process.stderr.write(`binaries ready in ${((Date.now() - t) / 1000).toFixed(1)} s: ${bins["kube-apiserver"].replace(/\/[^/]+$/, "")}\n`);
