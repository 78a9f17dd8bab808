import { expect } from "chai";
import { hasOnlyCrlf, MemFs, run, standardWorld, winContainer } from "./helpers.js";

const ps = (script: string) => ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script];

describe("dataplane commands: powershell", () => {
  describe("host switches", () => {
    it("-Command, -c and -command are case-insensitive", async () => {
      for (const sw of ["-Command", "-c", "-command", "-COMMAND"]) {
        const r = await run(winContainer(), ["powershell", sw, "Write-Output hi"]);
        expect(r.stdout, sw).to.equal("hi\r\n");
      }
    });

    it("the remaining argv is joined into the script (upstream init-container form)", async () => {
      const fs = new MemFs("windows", {});
      const r = await run(winContainer({ fs }), ["powershell", "-c", "Set-content", "-Path", "/testfile.txt", "-V", "test"]);
      expect(r.exitCode).to.equal(0);
      expect(fs.read("C:\\testfile.txt")).to.equal("test\r\n");
    });

    it("bare arguments are a command for powershell.exe", async () => {
      const r = await run(winContainer(), ["powershell", "Write-Output", "bare"]);
      expect(r.stdout).to.equal("bare\r\n");
    });

    it("-EncodedCommand takes base64 UTF-16LE", async () => {
      const encoded = Buffer.from("Write-Output encoded", "utf16le").toString("base64");
      const r = await run(winContainer(), ["powershell", "-EncodedCommand", encoded]);
      expect(r.stdout).to.equal("encoded\r\n");
    });

    it("nanoserver has no Windows PowerShell", async () => {
      const r = await run(winContainer({ image: "mcr.microsoft.com/windows/nanoserver:ltsc2022" }), ps("hostname"));
      expect(r.exitCode).to.equal(127);
      expect(r.stderr).to.contain("The system cannot find the file specified.");
    });
  });

  describe("Invoke-WebRequest", () => {
    it("formats the response object as a list, all CRLF", async () => {
      const r = await run(winContainer(), ps("Invoke-WebRequest -Uri http://10.244.1.5 -UseBasicParsing"));
      expect(r.exitCode).to.equal(0);
      expect(r.stdout).to.match(
        /^\r\nStatusCode        : 200\r\nStatusDescription : OK\r\nContent           : <html><body><H1>Windows Container Web Server<\/H1><\/body><\/html>\r\n/,
      );
      expect(r.stdout).to.contain("RawContent        : HTTP/1.1 200 OK\r\n                    Content-Length: 63\r\n");
      expect(r.stdout).to.contain("Headers           : {[Content-Length, 63], [Content-Type, text/html]}\r\n");
      expect(r.stdout).to.contain("RawContentLength  : 63\r\n");
      expect(hasOnlyCrlf(r.stdout)).to.equal(true);
    });

    it("(...).Content and .StatusCode property access", async () => {
      const a = await run(winContainer(), ps("(Invoke-WebRequest -Uri http://10.244.1.5 -UseBasicParsing).Content"));
      expect(a.stdout).to.equal("<html><body><H1>Windows Container Web Server</H1></body></html>\r\n");
      const b = await run(winContainer(), ps("(Invoke-WebRequest http://win-webserver.default.svc.cluster.local -UseBasicParsing -TimeoutSec 5).StatusCode"));
      expect(b.stdout).to.equal("200\r\n");
    });

    it("a variable holds the response between statements", async () => {
      const r = await run(winContainer(), ps("$r = Invoke-WebRequest -Uri http://10.244.0.9 -UseBasicParsing; $r.StatusCode; $r.Headers['Content-Type']"));
      expect(r.stdout).to.equal("200\r\ntext/html\r\n");
    });

    it("without -UseBasicParsing Windows PowerShell on Server Core fails on the IE engine", async () => {
      const r = await run(winContainer(), ps("Invoke-WebRequest http://10.244.1.5"));
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.contain("Invoke-WebRequest : The response content cannot be parsed because the Internet Explorer engine is not available");
      expect(r.stderr).to.contain("WebCmdletIEDomNotSupportedException,Microsoft.PowerShell.Commands.InvokeWebRequestCommand");
    });

    it("refused: 'Unable to connect to the remote server' with the error record layout", async () => {
      const r = await run(winContainer(), ps("Invoke-WebRequest http://10.244.0.9:81 -UseBasicParsing"));
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.equal(
        [
          "Invoke-WebRequest : Unable to connect to the remote server",
          "At line:1 char:1",
          "+ Invoke-WebRequest http://10.244.0.9:81 -UseBasicParsing",
          "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
          "    + CategoryInfo          : InvalidOperation: (System.Net.HttpWebRequest:HttpWebRequest) [Invoke-WebRequest], WebException",
          "    + FullyQualifiedErrorId : WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeWebRequestCommand",
          " ",
          "",
        ].join("\r\n"),
      );
    });

    it("unresolvable name, timeout and HTTP errors", async () => {
      const dns = await run(winContainer(), ps("Invoke-WebRequest http://nope -UseBasicParsing"));
      expect(dns.stderr).to.contain("Invoke-WebRequest : The remote name could not be resolved: 'nope'");
      const slow = await run(winContainer(), ps("Invoke-WebRequest http://10.244.9.9 -UseBasicParsing -TimeoutSec 5"));
      expect(slow.stderr).to.contain("Invoke-WebRequest : The operation has timed out.");
      const notFound = await run(winContainer(), ps("Invoke-WebRequest http://10.244.0.9:8080 -UseBasicParsing"));
      expect(notFound.stderr).to.contain("Invoke-WebRequest : missing");
      expect(notFound.exitCode).to.equal(1);
    });

    it("curl and iwr are aliases of Invoke-WebRequest in Windows PowerShell", async () => {
      const r = await run(winContainer(), ps("(curl http://10.244.1.5 -UseBasicParsing).StatusCode; (iwr http://10.244.1.5 -UseBasicParsing).StatusCode"));
      expect(r.stdout).to.equal("200\r\n200\r\n");
    });

    it("curl.exe still runs the native curl and sets $LASTEXITCODE", async () => {
      const r = await run(winContainer(), ps("curl.exe -s http://10.244.0.9:81; $LASTEXITCODE"));
      expect(r.stdout).to.equal("7\r\n");
    });
  });

  it("Invoke-RestMethod prints the body, and JSON as an object", async () => {
    const world = standardWorld({
      hosts: { "10.244.3.3": { ports: { 80: () => ({ status: 200, headers: { "Content-Type": "application/json" }, body: '{"name":"svc","ready":true}' }) } } },
    });
    const text = await run(winContainer(), ps("Invoke-RestMethod http://www.example.com"), world);
    expect(text.stdout).to.equal("<title>Example Domain</title>\r\n");
    const json = await run(winContainer(), ps("Invoke-RestMethod http://10.244.3.3/"), world);
    expect(json.stdout).to.equal("\r\nname  : svc\r\nready : True\r\n\r\n\r\n");
  });

  describe("Resolve-DnsName", () => {
    it("prints the record table", async () => {
      const r = await run(winContainer(), ps("Resolve-DnsName kubernetes.default.svc.cluster.local"));
      expect(r.stdout).to.equal(
        [
          "",
          "Name                                           Type   TTL   Section    IPAddress",
          "----                                           ----   ---   -------    ---------",
          "kubernetes.default.svc.cluster.local           A      5     Answer     10.96.0.1",
          "",
          "",
          "",
        ].join("\r\n"),
      );
    });

    it("NXDOMAIN: 'DNS name does not exist', exit 1", async () => {
      const r = await run(winContainer(), ps("Resolve-DnsName bogus.invalid"));
      expect(r.exitCode).to.equal(1);
      expect(r.stderr.split("\r\n")[0]).to.equal("Resolve-DnsName : bogus.invalid : DNS name does not exist");
      expect(r.stderr).to.contain("DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName");
    });

    it("SERVFAIL and timeout wording", async () => {
      const a = await run(winContainer(), ps("Resolve-DnsName flaky.example.com"));
      expect(a.stderr).to.contain("flaky.example.com : DNS server failure");
      const b = await run(winContainer(), ps("Resolve-DnsName slow.example.com"));
      expect(b.stderr).to.contain("slow.example.com : This operation returned because the timeout period expired");
    });
  });

  describe("Test-NetConnection", () => {
    it("open port: TcpTestSucceeded : True", async () => {
      const r = await run(winContainer(), ps("Test-NetConnection 10.244.0.9 -Port 80"));
      expect(r.stdout).to.contain("ComputerName     : 10.244.0.9\r\n");
      expect(r.stdout).to.contain("RemotePort       : 80\r\n");
      expect(r.stdout).to.contain("TcpTestSucceeded : True\r\n");
    });

    it("closed port: a warning and TcpTestSucceeded : False", async () => {
      const r = await run(winContainer(), ps("Test-NetConnection -ComputerName 10.244.0.9 -Port 81"));
      expect(r.stdout).to.contain("WARNING: TCP connect to (10.244.0.9 : 81) failed\r\n");
      expect(r.stdout).to.contain("TcpTestSucceeded       : False\r\n");
      expect(r.exitCode).to.equal(0);
    });

    it("-InformationLevel Quiet prints True/False", async () => {
      const a = await run(winContainer(), ps("Test-NetConnection 10.244.0.9 -Port 80 -InformationLevel Quiet"));
      expect(a.stdout).to.equal("True\r\n");
      const b = await run(winContainer(), ps("Test-NetConnection 10.244.9.9 -Port 80 -InformationLevel Quiet"));
      expect(b.stdout.endsWith("False\r\n")).to.equal(true);
    });
  });

  describe("files and output", () => {
    it("Get-Content with C:\\ optional, / or \\, any case", async () => {
      const fs = new MemFs("windows", { "C:\\Config\\App.txt": "line1\r\nline2\r\n" });
      for (const p of ["C:\\config\\app.txt", "/config/APP.txt", "\\Config\\App.txt", "c:/config/app.txt"]) {
        const r = await run(winContainer({ fs }), ps(`Get-Content ${p}`));
        expect(r.stdout, p).to.equal("line1\r\nline2\r\n");
      }
    });

    it("Get-Content of a missing file: PathNotFound, exit 1", async () => {
      const r = await run(winContainer(), ps("Get-Content C:\\nope.txt"));
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.contain("Get-Content : Cannot find path 'C:\\nope.txt' because it does not exist.");
      expect(r.stderr).to.contain("PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand");
    });

    it("Set-Content into a read-only mount: access denied", async () => {
      const fs = new MemFs("windows", {}, ["C:\\test-volume"]);
      const r = await run(winContainer({ fs }), ps("Set-Content -Path C:\\test-volume\\x.txt -Value hi"));
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.contain("Set-Content : Access to the path 'C:\\test-volume\\x.txt' is denied.");
    });

    it("Write-Output, echo and Write-Host with $env: expansion", async () => {
      const r = await run(
        winContainer({ env: { GREETING: "hello" } }),
        ps('Write-Output $env:GREETING; echo "$env:USERNAME"; Write-Host "user: $env:USERNAME"; $env:COMPUTERNAME'),
      );
      expect(r.stdout).to.equal("hello\r\nContainerAdministrator\r\nuser: ContainerAdministrator\r\nWIN-WEBSERVER-7\r\n");
    });

    it("echo with several arguments prints one per line", async () => {
      const r = await run(winContainer(), ps("echo a b"));
      expect(r.stdout).to.equal("a\r\nb\r\n");
    });

    it("hostname, whoami and [Environment]::UserName", async () => {
      const r = await run(winContainer({ userName: "ContainerUser" }), ps("hostname; whoami; [Environment]::UserName"));
      expect(r.stdout).to.equal("WIN-WEBSERVER-7\r\nuser manager\\containeruser\r\nContainerUser\r\n");
    });

    it("$(hostname) comparisons and exit codes", async () => {
      const yes = await run(winContainer(), ps("if ($env:COMPUTERNAME -ieq 'win-webserver-7') {exit 0} else {exit 1}"));
      expect(yes.exitCode).to.equal(0);
      const no = await run(winContainer(), ps("if ('other' -eq $(hostname)) {exit 0} else {exit 7}"));
      expect(no.exitCode).to.equal(7);
    });

    it("& { } script blocks and exit -1", async () => {
      const r = await run(winContainer(), ps("& {if ('someone-else' -ine (hostname)) { exit -1 }}"));
      expect(r.exitCode).to.equal(-1);
    });

    it("the HostProcess volume validation script succeeds", async () => {
      const fs = new MemFs(
        "windows",
        { "C:\\sandbox\\etc\\configmap\\text.txt": "Lorem ipsum dolor sit amet", "C:\\sandbox\\etc\\secret\\foo.txt": "bar" },
        [],
        ["C:\\sandbox\\etc\\emptydir"],
      );
      const script = [
        "if (-not(Test-Path $env:CONTAINER_SANDBOX_MOUNT_POINT\\etc\\emptydir)) {",
        '\tthrow "Cannot find emptydir volume"',
        "}",
        "$c = Get-Content -Path $env:CONTAINER_SANDBOX_MOUNT_POINT\\etc\\configmap\\text.txt",
        'if ($c -ne "Lorem ipsum dolor sit amet") { throw "configmap mismatch" }',
        "$c = Get-Content $env:CONTAINER_SANDBOX_MOUNT_POINT\\etc\\secret\\foo.txt",
        'if ($c -ne "bar") { throw "secret mismatch" }',
        'Write-Output "SUCCESS"',
      ].join("\n");
      const r = await run(winContainer({ fs, env: { CONTAINER_SANDBOX_MOUNT_POINT: "C:\\sandbox" } }), ps(script));
      expect(r).to.deep.equal({ stdout: "SUCCESS\r\n", stderr: "", exitCode: 0 });
    });

    it("throw stops the script with exit 1", async () => {
      const r = await run(winContainer(), ps("throw 'boom'; Write-Output after"));
      expect(r.exitCode).to.equal(1);
      expect(r.stdout).to.equal("");
      expect(r.stderr.split("\r\n").slice(0, 4)).to.deep.equal(["boom", "At line:1 char:1", "+ throw 'boom'; Write-Output after", "+ ~~~~~~~~~~~~"]);
    });

    it("$ErrorActionPreference = 'Stop' makes the first error fatal", async () => {
      const r = await run(winContainer(), ps("$ErrorActionPreference = 'Stop'; Get-Content C:\\nope; Write-Output after"));
      expect(r.stdout).to.equal("");
      expect(r.exitCode).to.equal(1);
    });
  });

  describe("errors", () => {
    it("an unknown cmdlet fails as PowerShell does, exit 1", async () => {
      const r = await run(winContainer(), ps("Get-Foo"));
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.equal(
        [
          "Get-Foo : The term 'Get-Foo' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
          "At line:1 char:1",
          "+ Get-Foo",
          "+ ~~~~~~~",
          "    + CategoryInfo          : ObjectNotFound: (Get-Foo:String) [], CommandNotFoundException",
          "    + FullyQualifiedErrorId : CommandNotFoundException",
          " ",
          "",
        ].join("\r\n"),
      );
    });

    it("a failed statement does not stop the script; exit code follows the last statement", async () => {
      const a = await run(winContainer(), ps("Get-Foo; Write-Output still-here"));
      expect(a.stdout).to.equal("still-here\r\n");
      expect(a.exitCode).to.equal(0);
      const b = await run(winContainer(), ps("Write-Output first; Get-Foo"));
      expect(b.exitCode).to.equal(1);
    });

    it("the error position points at the failing statement", async () => {
      const r = await run(winContainer(), ps("Write-Output ok; Nope-Cmd"));
      expect(r.stderr).to.contain("At line:1 char:18\r\n+ Write-Output ok; Nope-Cmd\r\n+                  ~~~~~~~~\r\n");
    });

    it("an unknown parameter is a binding error", async () => {
      const r = await run(winContainer(), ps("Get-Content -Bogus x"));
      expect(r.stderr).to.contain("Get-Content : A parameter cannot be found that matches parameter name 'Bogus'.");
      expect(r.stderr).to.contain("NamedParameterNotFound,Microsoft.PowerShell.Commands.GetContentCommand");
    });

    it("pwsh uses the concise error view and its own wording", async () => {
      const world = standardWorld();
      const r = await run(winContainer({ image: "mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022" }), ["pwsh", "-c", "Get-Foo"], world);
      expect(r.stderr).to.equal(
        "Get-Foo: The term 'Get-Foo' is not recognized as a name of a cmdlet, function, script file, or executable program.\r\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again.\r\n",
      );
    });

    it("&& is not a statement separator in Windows PowerShell", async () => {
      const r = await run(winContainer(), ps("hostname && whoami"));
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.contain("The token '&&' is not a valid statement separator in this version.");
    });
  });
});
