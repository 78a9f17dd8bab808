// Network reachability checks for Core.Network: HTTP (and TCP) from a Linux or Windows pod through `kubectl exec`
// of curl / curl.exe / nc, HTTP from the runner itself (node.js http) for NodePorts, and the upstream rule that
// networking gets ~30 s to come up and must then stay up for a while. Pure helpers (command lines, output parsing,
// messages, the up-then-steady loop) are exported for unit tests; the rest wraps them around a TestEnv.
//
// Every failure names the path (what is being checked), the source (pod@node, or the runner) and the destination
// (ip:port or name:port, and what answers there), so a Windows admin knows which hop to look at.
//
// The checks live in lib/checks/network/: probe.ts (what is checked, messages), parsers.ts (command lines and
// output, DNS, EndpointSlices, the docs' page), runner-http.ts (from the runner), steady.ts (up-then-steady, reach).
export * from "./network/probe.js";
export * from "./network/parsers.js";
export * from "./network/runner-http.js";
export * from "./network/steady.js";
export * from "./network/custom-dns.js";
export * from "./network/dns-records.js";
