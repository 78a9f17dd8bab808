// Is the IIS default page being served? Recognising the page, and fetching it — with curl from a pod in the
// cluster, or from the runner for a load balancer's external address — retried within a budget the way upstream
// polls (every 2 s, lib/cluster/wait.ts retryUntil) until it first succeeds, with the last failure as the reason when it never does.
import type { ExecOutput } from "../cluster/exec.js";

/** The title of IIS's iisstart.htm, the page a fresh servercore/iis container serves on "/". */
export const IIS_TITLE = "<title>IIS Windows Server</title>";

/** undefined when `body` is the IIS default page; else what is wrong with it, one line. */
export function iisPageProblem(body: string): string | undefined {
  if (body.includes(IIS_TITLE)) return undefined;
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  if (title !== undefined) return `the page's title is "${title}", not the IIS default page's "IIS Windows Server"`;
  const shown = body.replace(/\s+/g, " ").trim();
  return shown ? `the answer is not the IIS default page (starts: "${shown.slice(0, 80)}")` : "the answer was empty";
}

/** curl as upstream's Linux helpers run it: quiet but with errors, failing on HTTP errors, bounded in time. */
export function curlArgv(url: string, maxSeconds = 10): string[] {
  return ["curl", "-sS", "--fail", "--max-time", String(maxSeconds), url];
}

/** One line for a curl run that did not produce the page. */
export function curlProblem(r: ExecOutput): string | undefined {
  if (r.error) return `exec failed: ${r.error}`;
  if (r.exitCode !== 0) return `curl exited ${r.exitCode}${r.stderr.trim() ? `: ${r.stderr.trim().split("\n")[0]}` : ""}`;
  return iisPageProblem(r.stdout);
}

/** GET from the runner (outside the cluster): the problem, or undefined when the IIS page came back. */
export async function fetchIisPage(url: string, timeoutMs = 10_000): Promise<string | undefined> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  if (res.status !== 200) return `HTTP ${res.status} from ${url}`;
  return iisPageProblem(body);
}
