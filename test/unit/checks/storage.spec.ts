import { expect } from "chai";
import { deniedWriteProblems, missingLines } from "../../../lib/checks/storage.js";

describe("checks/storage", () => {
  const at = "pod ns/p container reader";
  it("deniedWriteProblems: only Windows' exact Access is denied. passes", () => {
    expect(deniedWriteProblems(at, "C:\\ro\\x", { exitCode: 1, stdout: "", stderr: "Access is denied.\r\n" })).to.deep.equal([]);
    expect(deniedWriteProblems(at, "C:\\ro\\x", { exitCode: 0, stdout: "", stderr: "" })).to.deep.equal([
      "pod ns/p container reader: C:\\ro\\x is on a read-only mount, yet the write succeeded",
    ]);
    expect(deniedWriteProblems(at, "C:\\ro\\x", { exitCode: 1, stdout: "", stderr: "The system cannot find the path specified.\r\n" })).to.deep.equal([
      'pod ns/p container reader: writing C:\\ro\\x failed (exit 1) with "The system cannot find the path specified.", want Windows\' "Access is denied."',
    ]);
    expect(deniedWriteProblems(at, "C:\\ro\\x", { exitCode: -1, stdout: "", stderr: "", error: "exec refused" })[0]).to.match(/could not run: exec refused$/);
  });
  it("missingLines names the writers whose line is absent", () => {
    const want = { one: "one-1", two: "two-2", three: "three-3" };
    expect(missingLines(at, "C:\\s\\t.txt", want, "one-1\r\ntwo-2\r\nthree-3\r\n")).to.deep.equal([]);
    expect(missingLines(at, "C:\\s\\t.txt", want, "one-1\r\n")).to.deep.equal([
      "pod ns/p container reader: C:\\s\\t.txt lacks the lines written by two, three",
    ]);
    expect(missingLines(at, "C:\\s\\t.txt", want, undefined)).to.deep.equal(["pod ns/p container reader: C:\\s\\t.txt cannot be read"]);
  });
});

describe("checks/concurrent", () => {
  it("duplicateIPProblems names the pods sharing an IP, and pods without one", async () => {
    const { duplicateIPProblems } = await import("../../../lib/checks/concurrent.js");
    const pod = (name: string, podIP?: string) => ({ metadata: { name }, status: { podIP } });
    expect(duplicateIPProblems("ns", "n1", [pod("a", "10.0.0.2"), pod("b", "10.0.0.3")])).to.deep.equal([]);
    expect(duplicateIPProblems("ns", "n1", [pod("a", "10.0.0.2"), pod("b", "10.0.0.2"), pod("c")])).to.deep.equal([
      "pod ns/c on node n1 has no pod IP",
      "2 pods on node n1 share pod IP 10.0.0.2: ns/a, ns/b",
    ]);
  });
});
