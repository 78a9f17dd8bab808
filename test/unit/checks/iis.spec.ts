// Recognising the IIS default page and the retry helper used for reachability.
import { expect } from "chai";
import { curlArgv, curlProblem, iisPageProblem } from "../../../lib/checks/iis.js";
import { retryUntil } from "../../../lib/cluster/wait.js";

const PAGE =
  '<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n<title>IIS Windows Server</title>\r\n</head><body><img src="iisstart.png" /></body></html>';

describe("checks/iis", () => {
  it("recognises the IIS default page, and says what else came back", () => {
    expect(iisPageProblem(PAGE)).to.equal(undefined);
    expect(iisPageProblem("<html><title>404 - File or directory not found.</title></html>")).to.equal(
      'the page\'s title is "404 - File or directory not found.", not the IIS default page\'s "IIS Windows Server"',
    );
    expect(iisPageProblem("")).to.equal("the answer was empty");
    expect(iisPageProblem("hello")).to.match(/not the IIS default page \(starts: "hello"\)/);
  });

  it("reads curl's outcome", () => {
    expect(curlArgv("http://10.96.0.10/")).to.deep.equal(["curl", "-sS", "--fail", "--max-time", "10", "http://10.96.0.10/"]);
    expect(curlProblem({ stdout: PAGE, stderr: "", exitCode: 0 })).to.equal(undefined);
    expect(curlProblem({ stdout: "", stderr: "curl: (7) Failed to connect to 10.96.0.10 port 80: Connection refused\n", exitCode: 7 })).to.equal(
      "curl exited 7: curl: (7) Failed to connect to 10.96.0.10 port 80: Connection refused",
    );
    expect(curlProblem({ stdout: "", stderr: "", exitCode: -1, error: "container not found" })).to.equal("exec failed: container not found");
  });

  it("retries until the first success, and fails with the last problem when the budget is spent", async () => {
    let n = 0;
    expect(await retryUntil("x", 1000, async () => (++n < 3 ? `try ${n}` : undefined), 1)).to.equal(3);
    let err: Error | undefined;
    await retryUntil("the page", 30, async () => "refused", 10).catch((e) => (err = e));
    expect(err?.message).to.match(/^the page: still failing after \d+ attempt\(s\) in 0 s: refused$/);
    let thrown = 0;
    expect(
      await retryUntil(
        "y",
        1000,
        async () => {
          if (thrown++ === 0) throw new Error("boom\nmore");
          return undefined;
        },
        1,
      ),
    ).to.equal(2);
  });
});
