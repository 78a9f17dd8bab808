// CoreDNS as its image runs it: ENTRYPOINT ["/coredns"] with the pod's args (`-conf /etc/coredns/Corefile`).
// It serves DNS on 53 and, with the Corefile's `health` and `ready` plugins, HTTP "OK" on :8080/health and
// :8181/ready (the probes kubeadm's Deployment uses), and Prometheus metrics on :9153.
// Sources: github.com/coredns/coredns Dockerfile (ENTRYPOINT), plugin/health and plugin/ready READMEs.
// Name answers themselves come from the emulated network (network.ts), which asks whether a CoreDNS
// endpoint is Ready.
import type { ContainerView } from "../model.js";
import type { Workload } from "./common.js";
import { parseImage } from "./images.js";

export function coreDns(c: ContainerView): Workload {
  const version = parseImage(c.image).tag.replace(/^v/, "");
  const ok = { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "OK" };
  return {
    kind: "coredns",
    listens: [53, 8080, 8181, 9153],
    longRunning: true,
    // What CoreDNS prints at start: the server blocks from the Corefile, then its version and platform.
    startupLines: () => [".:53", `CoreDNS-${version}`, "linux/amd64"],
    handle: (req) => {
      const path = req.path.split("?")[0];
      if (req.port === 8080 && path === "/health") return { response: ok, logLines: [] };
      if (req.port === 8181 && path === "/ready") return { response: ok, logLines: [] };
      if (req.port === 9153 && path === "/metrics")
        return { response: { status: 200, headers: { "Content-Type": "text/plain; version=0.0.4" }, body: "" }, logLines: [] };
      if ([8080, 8181, 9153].includes(req.port))
        return { response: { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "404 page not found\n" }, logLines: [] };
      return undefined;
    },
  };
}
