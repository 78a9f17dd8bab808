// `cluster up --feature-gates`: checked before anything starts, passed as one flag, a running cluster reused only with its gates.
import { expect } from "chai";
import { assertSameFeatureGates, featureGateArgs, parseFeatureGates } from "../../../localcluster/feature-gates.js";

describe("local cluster feature gates", () => {
  it("parses Name=true|false lists and refuses anything else in one line", () => {
    expect(parseFeatureGates(undefined)).to.deep.equal([]);
    expect(parseFeatureGates("ContainerStopSignals=true, Foo=false")).to.deep.equal(["ContainerStopSignals=true", "Foo=false"]);
    expect(() => parseFeatureGates("ContainerStopSignals")).to.throw(/--feature-gates: "ContainerStopSignals" is not Name=true\|false/);
    expect(() => parseFeatureGates("ContainerStopSignals=yes")).to.throw(/is not Name=true\|false/);
    expect(() => parseFeatureGates(",")).to.throw(/is not Name=true\|false/);
  });
  it("becomes one --feature-gates flag, or none", () => {
    expect(featureGateArgs([])).to.deep.equal([]);
    expect(featureGateArgs(["A=true", "B=false"])).to.deep.equal(["--feature-gates=A=true,B=false"]);
  });
  it("refuses to reuse a running cluster started with other gates, only when gates are asked for", () => {
    expect(() => assertSameFeatureGates([], [], false)).to.not.throw();
    expect(() => assertSameFeatureGates(["A=true"], [], false)).to.not.throw();
    expect(() => assertSameFeatureGates(["A=true"], ["A=true"], true)).to.not.throw();
    expect(() => assertSameFeatureGates([], ["A=true"], true)).to.throw(/already running with feature gates \(upstream defaults\); run `cluster down` first/);
  });
});
