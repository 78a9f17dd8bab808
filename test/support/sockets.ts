// The machine's TCP sockets as the kernel lists them (/proc/net/tcp and /proc/net/tcp6), for the network guard:
// every connection anything here opens must stay on loopback.
import { readFileSync, readdirSync, readlinkSync } from "node:fs";

export interface TcpSocket {
  family: 4 | 6;
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  state: string;
  inode: string;
}

/** Kernel TCP states (include/net/tcp_states.h). */
export const tcpStates: Record<string, string> = {
  "01": "ESTABLISHED",
  "02": "SYN_SENT",
  "03": "SYN_RECV",
  "04": "FIN_WAIT1",
  "05": "FIN_WAIT2",
  "06": "TIME_WAIT",
  "07": "CLOSE",
  "08": "CLOSE_WAIT",
  "09": "LAST_ACK",
  "0A": "LISTEN",
  "0B": "CLOSING",
  "0C": "NEW_SYN_RECV",
};

/** "0100007F" (host byte order, little-endian here) -> "127.0.0.1". */
function ipv4(hex: string): string {
  const b = Buffer.from(hex, "hex").reverse();
  return [...b].join(".");
}

/** Four little-endian 32-bit words -> the 16 address bytes, printed as IPv6 (with ::ffff:a.b.c.d for v4-mapped). */
function ipv6(hex: string): string {
  const bytes = Buffer.concat([0, 1, 2, 3].map((i) => Buffer.from(hex.slice(i * 8, i * 8 + 8), "hex").reverse()));
  if (bytes.subarray(0, 10).every((x) => x === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${[...bytes.subarray(12)].join(".")}`;
  const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => bytes.readUInt16BE(i * 2).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

function parse(file: string, family: 4 | 6): TcpSocket[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return []; // no IPv6 in this kernel
  }
  return text
    .split("\n")
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => {
      const f = l.trim().split(/\s+/);
      const [la, lp] = f[1].split(":");
      const [ra, rp] = f[2].split(":");
      const addr = family === 4 ? ipv4 : ipv6;
      return {
        family,
        local: addr(la),
        localPort: parseInt(lp, 16),
        remote: addr(ra),
        remotePort: parseInt(rp, 16),
        state: tcpStates[f[3]] ?? f[3],
        inode: f[9],
      };
    });
}

/** Every TCP socket of this network namespace (all processes). */
export function tcpSockets(): TcpSocket[] {
  return [...parse("/proc/net/tcp", 4), ...parse("/proc/net/tcp6", 6)];
}

/** 127.0.0.0/8, ::1, or an IPv4-mapped 127.x address. */
export function isLoopback(addr: string): boolean {
  if (/^127\./.test(addr)) return true;
  if (addr === "::1") return true;
  return /^::ffff:127\./.test(addr);
}

/** Connections that carry (or try to carry) traffic. */
export const isConnection = (s: TcpSocket): boolean => s.state === "ESTABLISHED" || s.state === "SYN_SENT";

function ppid(pid: number): number | undefined {
  try {
    // "pid (comm) state ppid …": comm may contain spaces and parentheses, so split after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** The given processes and all their descendants, as they are right now. */
export function processTree(roots: number[]): Set<number> {
  const parents = new Map<number, number>();
  for (const d of readdirSync("/proc")) if (/^\d+$/.test(d)) parents.set(Number(d), ppid(Number(d)) ?? 0);
  const tree = new Set(roots.filter((r) => parents.has(r)));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parents) if (!tree.has(pid) && tree.has(parent)) (tree.add(pid), (grew = true));
  }
  return tree;
}

/** Socket inodes held by these processes: inode -> pid. */
export function socketInodes(pids: Iterable<number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`, "utf8") as string);
        if (m) out.set(m[1], pid);
      }
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Which process holds a socket, for a message: "pid 123 (node …)" or "no process visible here". */
export function socketOwner(inode: string): string {
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
          return `pid ${pid} (${cmd.slice(0, 160)})`;
        }
      }
    } catch {
      // gone, or not ours to look at
    }
  }
  return "no process visible here";
}
