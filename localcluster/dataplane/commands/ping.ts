// Windows ping.exe. ICMP is not modelled: a resolvable address replies unless the path to it drops
// packets (NetworkWorld reports a TCP timeout). "-t" (ping forever) prints the first four replies.

import { isIPv4, resolveHost } from "./net.js";
import { Output } from "./output.js";
import type { Handler } from "./types.js";

function parsePing(argv: string[]): { count: number; host?: string } {
  let count = 4;
  let host: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === "-n" || a === "/n") count = Number(argv[++i]) || 4;
    else if (a === "-w" || a === "/w" || a === "-l" || a === "/l" || a === "-i" || a === "/i") i++;
    else if (!/^[-/]/.test(a)) host = argv[i];
  }
  return { count, host };
}

export const ping: Handler = async (ctx, argv) => {
  const c = ctx.container;
  const out = new Output(c.os);
  const { count, host } = parsePing(argv);
  if (!host)
    return out
      .line(
        "",
        "Usage: ping [-t] [-a] [-n count] [-l size] [-f] [-i TTL] [-v TOS]",
        "            [-r count] [-s count] [[-j host-list] | [-k host-list]]",
        "            [-w timeout] [-R] [-S srcaddr] [-c compartment] [-p]",
        "            [-4] [-6] target_name",
      )
      .done(1);
  const local = host.toLowerCase() === "localhost";
  const r = local ? { ok: true as const, ip: "::1", fqdn: c.hostname } : await resolveHost(ctx, host);
  if (!r.ok) return out.line(`Ping request could not find host ${host}. Please check the name and try again.`).done(1);
  const shown = local ? `${c.hostname} [::1]` : isIPv4(host) ? host : `${host} [${r.ip}]`;
  const probe = local ? "open" : await ctx.net.tcp(c, r.ip, 80);
  const reachable = probe === "open" || !isTimeout(probe);
  const reply = local ? "Reply from ::1: time<1ms" : `Reply from ${r.ip}: bytes=32 time<1ms TTL=128`;
  out.line("", `Pinging ${shown} with 32 bytes of data:`, ...Array(count).fill(reachable ? reply : "Request timed out."));
  const got = reachable ? count : 0;
  out.line(
    "",
    `Ping statistics for ${r.ip}:`,
    `    Packets: Sent = ${count}, Received = ${got}, Lost = ${count - got} (${Math.round(((count - got) / count) * 100)}% loss),`,
  );
  if (reachable) out.line("Approximate round trip times in milli-seconds:", "    Minimum = 0ms, Maximum = 0ms, Average = 0ms");
  return out.done(reachable ? 0 : 1);
};

const isTimeout = (r: unknown): boolean => typeof r === "object" && r !== null && (r as { error?: string }).error === "timeout";
