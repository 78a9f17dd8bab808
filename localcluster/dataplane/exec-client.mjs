// Runs inside kwok for every `kubectl exec`: kwok found this shim on its PATH under the command's name.
// It forwards the command to the data plane, which answers as the emulated container would.
// Plain JavaScript, no dependencies: it starts once per exec and must start fast.
import { request } from "node:http";
import { basename, dirname } from "node:path";

// The shim runs as a script, so argv[1] is the path kwok executed: a bin directory when the command was given by
// absolute path (/usr/bin/curl, bound over by the shims), the shim directory when it was looked up on PATH.
const script = process.argv[1] ?? "";
const absolute = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"].includes(dirname(script));
const argv0 = absolute ? script : process.env.HC_ARGV0 || basename(script);
const args = process.argv.slice(2);
const body = JSON.stringify({
  namespace: process.env.HC_POD_NAMESPACE,
  pod: process.env.HC_POD_NAME,
  container: process.env.HC_CONTAINER,
  argv: [argv0, ...args],
});
const req = request(
  `${process.env.HC_DATAPLANE_URL}/exec`,
  { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
  (res) => {
    let data = "";
    res.setEncoding("utf8");
    res.on("data", (d) => (data += d));
    res.on("end", () => {
      try {
        const r = JSON.parse(data);
        process.stdout.write(r.stdout ?? "");
        process.stderr.write(r.stderr ?? "");
        process.exitCode = r.exitCode ?? 1;
      } catch {
        process.stderr.write(`exec: data plane answered ${res.statusCode}: ${data}\n`);
        process.exitCode = 126;
      }
    });
  },
);
req.on("error", (e) => {
  process.stderr.write(`exec: data plane unreachable: ${e.message}\n`);
  process.exitCode = 126;
});
req.end(body);
