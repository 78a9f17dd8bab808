// Reading a pod's own DNS settings back from `ipconfig /all` (Windows Server 2022's layout) and curl.exe's
// "could not resolve host"; the emulator's dnsPolicy None pod and the dns-config-ignored rewrite.
import { expect } from "chai";
import { dnsConfigProblems, dnsServersFromIpconfig, unresolved } from "../../../lib/checks/network.js";
import { withDnsConfigIgnored } from "../../../localcluster/dataplane/pods/kubelet-faults.js";
import { run, winContainer } from "../dataplane/helpers.js";

// As `ipconfig /all` prints it in a Windows Server 2022 container with dnsPolicy None (CRLF line ends).
const IPCONFIG = [
  "",
  "Windows IP Configuration",
  "",
  "   Host Name . . . . . . . . . . . . : windows-custom-",
  "   Primary Dns Suffix  . . . . . . . : ",
  "   Node Type . . . . . . . . . . . . : Hybrid",
  "   IP Routing Enabled. . . . . . . . : No",
  "   WINS Proxy Enabled. . . . . . . . : No",
  "   DNS Suffix Search List. . . . . . : default.svc.cluster.local",
  "                                       hc-custom.example",
  "",
  "Ethernet adapter vEthernet (Ethernet):",
  "",
  "   Connection-specific DNS Suffix  . : default.svc.cluster.local",
  "   IPv4 Address. . . . . . . . . . . : 10.244.1.7(Preferred)",
  "   DNS Servers . . . . . . . . . . . : 10.96.0.10",
  "                                       1.1.1.1",
  "   NetBIOS over Tcpip. . . . . . . . : Disabled",
].join("\r\n");
const want = { nameservers: ["10.96.0.10", "1.1.1.1"], searches: ["default.svc.cluster.local", "hc-custom.example"] };

describe("custom pod DNS (dnsPolicy None)", () => {
  it("reads every DNS server of ipconfig /all in order", () => {
    expect(dnsServersFromIpconfig(IPCONFIG)).to.deep.equal(["10.96.0.10", "1.1.1.1"]);
    expect(dnsServersFromIpconfig("Windows IP Configuration")).to.deep.equal([]);
  });

  it("finds nothing missing when ipconfig shows the pod's dnsConfig, and names what is missing otherwise", () => {
    expect(dnsConfigProblems(IPCONFIG, want)).to.deep.equal([]);
    const cluster = IPCONFIG.replace("\r\n                                       1.1.1.1", "").replace("hc-custom.example", "svc.cluster.local");
    expect(dnsConfigProblems(cluster, want)).to.deep.equal([
      "DNS Servers are [10.96.0.10], expected exactly dnsConfig.nameservers [10.96.0.10, 1.1.1.1] in that order",
      "DNS Suffix Search List [default.svc.cluster.local, svc.cluster.local] lacks dnsConfig.searches hc-custom.example",
    ]);
  });

  it("tells an unresolved name (curl exit 6) from any other curl outcome", () => {
    expect(unresolved({ stdout: "", stderr: "curl: (6) Could not resolve host: kubernetezzzzzzzz", exitCode: 6 })).to.equal(true);
    expect(unresolved({ stdout: "", stderr: "curl: (28) Connection timed out after 5001 milliseconds", exitCode: 28 })).to.equal(false);
    expect(unresolved({ stdout: "", stderr: "", exitCode: 0 })).to.equal(false);
  });

  it("the emulator's ipconfig /all lists a dnsPolicy None pod's servers and searches; dns-config-ignored drops them", async () => {
    const c = winContainer({ dns: { nameserver: "10.96.0.10", nameservers: want.nameservers, searches: want.searches } });
    expect(dnsConfigProblems((await run(c, ["ipconfig", "/all"])).stdout, want)).to.deep.equal([]);
    const pod = {
      metadata: { name: "p", namespace: "hc-a" },
      spec: { containers: [], dnsPolicy: "None", dnsConfig: { nameservers: want.nameservers, searches: want.searches } },
    };
    expect(withDnsConfigIgnored(pod).spec).to.deep.include({ dnsPolicy: "ClusterFirst", dnsConfig: undefined });
    const plain = { metadata: { name: "q" }, spec: { containers: [] } };
    expect(withDnsConfigIgnored(plain)).to.equal(plain);
  });
});
