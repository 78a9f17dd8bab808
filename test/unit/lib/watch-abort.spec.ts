// waitOn (lib/cluster/watch.ts) stops when its caller no longer needs the answer: an aborted signal rejects the wait
// at once with the signal's reason and closes its watch, against a loopback stand-in for the API server that lists
// nothing and holds every watch open (the e2e tests wait on the real one).
import * as k8s from "@kubernetes/client-node";
import { expect } from "chai";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { waitOn } from "../../../lib/cluster/watch.js";

describe("waitOn (lib/cluster/watch.ts) with an abort signal", () => {
  let server: Server;
  let kc: k8s.KubeConfig;
  const watches = new Set<ServerResponse>();
  let watchOpened: () => void = () => undefined;

  before(async () => {
    server = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (new URL(req.url!, "http://x").searchParams.get("watch") !== "true")
        return res.end(JSON.stringify({ kind: "NamespaceList", apiVersion: "v1", metadata: { resourceVersion: "7" }, items: [] }));
      watches.add(res);
      res.on("close", () => watches.delete(res));
      res.flushHeaders();
      watchOpened();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "c", cluster: "c", user: "u" }],
      currentContext: "c",
    });
  });
  after(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  const waitForNamespace = (signal?: AbortSignal) =>
    waitOn<k8s.V1Namespace, string>(
      kc,
      { path: "/api/v1/namespaces" },
      "a namespace",
      (nss) => (nss.length ? { done: nss[0].metadata!.name! } : { pending: "none yet" }),
      60_000,
      undefined,
      signal,
    );

  it("rejects with the signal's reason as soon as it is aborted, and closes the watch it opened", async () => {
    const opened = new Promise<void>((r) => (watchOpened = r));
    const ended = new AbortController();
    const wait = waitForNamespace(ended.signal).catch((e: Error) => e);
    await opened;
    expect(watches.size, "watches open while waiting").to.equal(1);
    const [watch] = watches;
    const closed = new Promise((r) => watch.on("close", r));
    const t0 = Date.now();
    ended.abort(new Error("the run ended (exit 2) before any test namespace existed"));
    const err = (await wait) as Error;
    expect(err.message).to.equal("the run ended (exit 2) before any test namespace existed");
    expect(Date.now() - t0, "ms from the abort to the rejection").to.be.below(1000);
    await closed; // the server saw the watch go (mocha's timeout bounds this)
  });

  it("rejects at once when the signal was aborted before the wait began", async () => {
    const err = (await waitForNamespace(AbortSignal.abort(new Error("already over"))).catch((e: Error) => e)) as Error;
    expect(err.message).to.equal("already over");
  });
});
