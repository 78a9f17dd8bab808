import { expect } from "chai";
import { hasOnlyCrlf, linuxContainer, MemFs, run, standardWorld, winContainer } from "./helpers.js";

const curlLinux = () => linuxContainer({ image: "curlimages/curl:8.11.1" });

describe("dataplane commands: curl", () => {
  it("prints the body verbatim and exits 0 (curl.exe, URL without scheme)", async () => {
    const r = await run(winContainer(), ["curl.exe", "-s", "10.244.1.5"]);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.equal("<html><body><H1>Windows Container Web Server</H1></body></html>");
    expect(r.stderr).to.equal("");
  });

  it("resolves cluster names through the world and sends Host and User-Agent", async () => {
    const world = standardWorld();
    const r = await run(curlLinux(), ["curl", "-s", "http://nginx.default.svc.cluster.local/"], world);
    expect(r.stdout).to.equal("<h1>Welcome to nginx!</h1>\n");
    const call = world.calls.find((c) => c.kind === "http");
    expect(call?.target).to.equal("10.96.10.30:80");
    expect(call?.req?.headers.Host).to.equal("nginx.default.svc.cluster.local");
    expect(call?.req?.headers["User-Agent"]).to.match(/^curl\/8\./);
  });

  it("shows curl's progress meter on stderr when not silent (stdout is not a terminal)", async () => {
    const r = await run(curlLinux(), ["curl", "http://10.244.0.9/"]);
    expect(r.exitCode).to.equal(0);
    expect(r.stderr).to.contain("  % Total    % Received % Xferd  Average Speed");
    expect(r.stderr).to.contain("100    27  100    27    0     0  27000      0 --:--:-- --:--:-- --:--:-- 27000");
  });

  it("exit 6 with curl's message when the name does not resolve", async () => {
    const r = await run(curlLinux(), ["curl", "-sS", "http://foo/"]);
    expect(r.exitCode).to.equal(6);
    expect(r.stderr).to.equal("curl: (6) Could not resolve host: foo\n");
  });

  it("exit 6 on SERVFAIL too", async () => {
    const r = await run(curlLinux(), ["curl", "-sS", "flaky.example.com"]);
    expect(r.exitCode).to.equal(6);
    expect(r.stderr).to.contain("Could not resolve host: flaky.example.com");
  });

  it("exit 7 on a refused connection (0 ms on Linux)", async () => {
    const r = await run(curlLinux(), ["curl", "-sS", "http://10.244.0.9:81/"]);
    expect(r.exitCode).to.equal(7);
    expect(r.stderr).to.equal("curl: (7) Failed to connect to 10.244.0.9 port 81 after 0 ms: Couldn't connect to server\n");
  });

  it("exit 7 on Windows takes the ~2 s of SYN retries and ends lines with CRLF", async () => {
    const r = await run(winContainer(), ["curl.exe", "-sS", "http://10.244.0.9:81/"]);
    expect(r.exitCode).to.equal(7);
    expect(r.stderr).to.equal("curl: (7) Failed to connect to 10.244.0.9 port 81 after 2045 ms: Couldn't connect to server\r\n");
  });

  it("exit 28 with --connect-timeout when packets are dropped", async () => {
    const r = await run(curlLinux(), ["curl", "-sS", "--connect-timeout", "10", "http://10.244.9.9/"]);
    expect(r.exitCode).to.equal(28);
    expect(r.stderr).to.equal("curl: (28) Connection timed out after 10001 milliseconds\n");
  });

  it("exit 28 with -m as the limit", async () => {
    const r = await run(curlLinux(), ["curl", "-sS", "-m", "3", "http://10.244.9.9/"]);
    expect(r.stderr).to.equal("curl: (28) Connection timed out after 3001 milliseconds\n");
  });

  it("exit 28 after the OS's own give-up time without a limit", async () => {
    const r = await run(curlLinux(), ["curl", "-sS", "http://10.244.9.9/"]);
    expect(r.exitCode).to.equal(28);
    expect(r.stderr).to.contain("after 130000 ms");
  });

  it("exit 56 on a connection reset", async () => {
    const r = await run(curlLinux(), ["curl", "-sS", "http://10.244.2.2/"]);
    expect(r.exitCode).to.equal(56);
    expect(r.stderr).to.equal("curl: (56) Recv failure: Connection reset by peer\n");
  });

  it("--fail turns >= 400 into exit 22 without printing the body", async () => {
    const r = await run(curlLinux(), ["curl", "-sS", "--fail", "http://10.244.0.9:8080/"]);
    expect(r.exitCode).to.equal(22);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.equal("curl: (22) The requested URL returned error: 404\n");
  });

  it("-s hides the error message but keeps the exit code", async () => {
    const r = await run(curlLinux(), ["curl", "-sf", "http://10.244.0.9:8080/"]);
    expect(r.exitCode).to.equal(22);
    expect(r.stderr).to.equal("");
  });

  it("without --fail a 404 is a success that prints the body", async () => {
    const r = await run(curlLinux(), ["curl", "-s", "http://10.244.0.9:8080/"]);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.equal("missing\n");
  });

  it("the hybrid e2e check: cmd /c curl.exe <ip> --connect-timeout 10 --fail", async () => {
    const r = await run(winContainer(), ["cmd", "/c", "curl.exe", "10.244.0.9", "--connect-timeout", "10", "--fail"]);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.equal("<h1>Welcome to nginx!</h1>\n");
    expect(hasOnlyCrlf(r.stderr)).to.equal(true);
  });

  it("-o /dev/null -w '%{http_code}' prints only the status", async () => {
    const r = await run(curlLinux(), ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://10.244.0.9:8080/"]);
    expect(r.stdout).to.equal("404");
    expect(r.exitCode).to.equal(0);
  });

  it("-w reports 000 when nothing answered", async () => {
    const r = await run(curlLinux(), ["curl", "-s", "-w", "%{http_code}\\n", "http://10.244.0.9:81/"]);
    expect(r.stdout).to.equal("000\n");
    expect(r.exitCode).to.equal(7);
  });

  it("-o NUL on Windows discards the body", async () => {
    const r = await run(winContainer(), ["curl.exe", "-s", "-o", "NUL", "-w", "%{http_code}", "http://10.244.1.5/"]);
    expect(r.stdout).to.equal("200");
  });

  it("-o <file> writes the body into the container's file system", async () => {
    const fs = new MemFs("windows", {}, [], ["C:\\out"]);
    const r = await run(winContainer({ fs }), ["curl.exe", "-s", "-o", "c:/out/page.html", "http://10.244.1.5/"]);
    expect(r.exitCode).to.equal(0);
    expect(fs.read("C:\\out\\page.html")).to.contain("Windows Container Web Server");
  });

  it("-o into a read-only mount fails with exit 23", async () => {
    const fs = new MemFs("linux", {}, ["/ro"], ["/ro"]);
    const r = await run(linuxContainer({ image: "curlimages/curl:8.11.1", fs }), ["curl", "-sS", "-o", "/ro/x", "http://10.244.0.9/"]);
    expect(r.exitCode).to.equal(23);
    expect(r.stderr).to.contain("Failed to open the file /ro/x: Permission denied");
  });

  it("-I prints the status line and headers with CRLF", async () => {
    const r = await run(curlLinux(), ["curl", "-sI", "http://10.244.0.9/"]);
    expect(r.stdout).to.equal("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
  });

  it("-v writes a trace to stderr", async () => {
    const r = await run(curlLinux(), ["curl", "-v", "http://10.244.0.9/"]);
    expect(r.stderr).to.contain("*   Trying 10.244.0.9:80...");
    expect(r.stderr).to.contain("> GET / HTTP/1.1");
    expect(r.stderr).to.contain("< HTTP/1.1 200 OK");
    expect(r.stderr).not.to.contain("% Total");
  });

  it("accepts -k, -L and grouped short flags", async () => {
    const r = await run(curlLinux(), ["curl", "-ksSL", "https://10.244.0.9:80/"]);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.contain("Welcome to nginx");
  });

  it("a ClusterIP without endpoints is refused on Linux and times out on Windows", async () => {
    const world = standardWorld();
    world.http = async () => ({ error: "no-endpoints" });
    const l = await run(curlLinux(), ["curl", "-sS", "http://10.96.10.99/"], world);
    const w = await run(winContainer(), ["curl.exe", "-sS", "--connect-timeout", "5", "http://10.96.10.99/"], world);
    expect(l.exitCode).to.equal(7);
    expect(w.exitCode).to.equal(28);
  });

  it("usage errors: unknown option and missing URL exit 2", async () => {
    const a = await run(curlLinux(), ["curl", "--bogus", "x"]);
    expect(a.exitCode).to.equal(2);
    expect(a.stderr).to.equal("curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    const b = await run(curlLinux(), ["curl", "-s"]);
    expect(b.exitCode).to.equal(2);
    expect(b.stderr).to.contain("curl: no URL specified!");
  });

  it("an unsupported scheme is exit 1", async () => {
    const r = await run(curlLinux(), ["curl", "-sS", "gopher://x/"]);
    expect(r.exitCode).to.equal(1);
    expect(r.stderr).to.equal('curl: (1) Protocol "gopher" not supported\n');
  });

  it("busybox has no curl: sh reports not found with 127", async () => {
    const r = await run(linuxContainer(), ["sh", "-c", "curl http://10.244.0.9/"]);
    expect(r.exitCode).to.equal(127);
    expect(r.stderr).to.equal("sh: curl: not found\n");
  });
});
