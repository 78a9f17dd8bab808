// Linux servers: nginx (default site, access log on stdout) and busybox httpd.

import type { ContainerView, HttpRequest } from "../model.js";
import { readFile } from "../commands/fsview.js";
import { bodyBytes } from "../commands/net.js";
import { flagValue, headerValue, httpDate, serving, type Clock, type Served, type Workload } from "./common.js";

const NGINX_VERSION = "1.14.2"; // what the e2e nginx:1.14 image runs

export const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const nginx404 = `<html>
<head><title>404 Not Found</title></head>
<body bgcolor="white">
<center><h1>404 Not Found</h1></center>
<hr><center>nginx/${NGINX_VERSION}</center>
</body>
</html>
`;

/** nginx's "combined" log format, as the official image writes it to stdout. */
function accessLog(req: HttpRequest, clientIP: string, status: number, bytes: number, when: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  const t = `${p(when.getUTCDate())}/${months[when.getUTCMonth()]}/${when.getUTCFullYear()}:${p(when.getUTCHours())}:${p(when.getUTCMinutes())}:${p(when.getUTCSeconds())} +0000`;
  const ua = headerValue(req, "User-Agent") ?? "-";
  return `${clientIP} - - [${t}] "${req.method} ${req.path} HTTP/1.1" ${status} ${bytes} "-" "${ua}" "-"`;
}

export function nginx(c: ContainerView, clock: Clock): Workload {
  return serving(
    "nginx",
    80,
    () => [],
    (req, clientIP): Served => {
      const path = req.path.split("?")[0];
      const custom = readFile(c, `/usr/share/nginx/html${path.endsWith("/") ? path + "index.html" : path}`);
      const body = custom ?? (path === "/" || path === "/index.html" ? NGINX_WELCOME : undefined);
      const status = body === undefined ? 404 : 200;
      const text = body ?? nginx404;
      const headers = {
        Server: `nginx/${NGINX_VERSION}`,
        Date: httpDate(clock()),
        "Content-Type": "text/html",
        "Content-Length": String(bodyBytes(text)),
        Connection: "keep-alive",
      };
      return { response: { status, headers, body: req.method === "HEAD" ? "" : text }, logLines: [accessLog(req, clientIP, status, bodyBytes(text), clock())] };
    },
  );
}

const BUSYBOX_404 = "<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n";

/** busybox `httpd [-f] -p PORT [-h HOME]`: serves files under HOME (default: the working directory "/"). */
export function busyboxHttpd(c: ContainerView, argv: string[], clock: Clock): Workload {
  const port = Number((flagValue(argv, "p") ?? "80").split(":").pop());
  const home = (flagValue(argv, "h") ?? "/").replace(/\/$/, "");
  return serving(
    "busybox-httpd",
    port,
    () => [],
    (req): Served => {
      const path = req.path.split("?")[0];
      const target = home + (path.endsWith("/") ? path + "index.html" : path);
      const file = readFile(c, target);
      const status = file === undefined ? 404 : 200;
      const text = file ?? BUSYBOX_404;
      return {
        response: { status, headers: { Date: httpDate(clock()), "Content-Type": "text/html", "Content-Length": String(bodyBytes(text)) }, body: text },
        logLines: [],
      };
    },
  );
}
