// A static file server on 127.0.0.1 for a generated report (`report --serve`, and the browser tests): loopback
// only, nothing opened, paths confined to the report directory.
import { createServer, type Server } from "node:http";
import { createReadStream, existsSync, statSync } from "node:fs";
import { join, normalize, extname, resolve, sep } from "node:path";

const types: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".txt": "text/plain",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".yaml": "text/plain",
};

export async function serveDir(dir: string, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    let file: string;
    try {
      file = join(root, normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if ((file !== root && !file.startsWith(root + sep)) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok());
  });
  const bound = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${bound}/`, close: () => new Promise((r) => server.close(() => r())) };
}
