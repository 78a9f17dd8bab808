import { expect } from "chai";
import { goDeepEqual, goFormatWithoutArgs, goJsonSyntaxError, goMarshal, goQuote, goUnmarshalObject } from "../../../localcluster/gmsa-webhook/gojson.js";
import { admissionReviewShape, goDecode, podShape } from "../../../localcluster/gmsa-webhook/decode.js";
import { decodeVectors, errorfWithoutArgsVectors, marshalVectors, quoteVectors, unmarshalObjectVectors } from "./go-vectors.js";

describe("gmsa-webhook: Go-compatible JSON and quoting", () => {
  describe("goMarshal matches Go's json.Marshal of decoded JSON", () => {
    for (const [input, expected] of marshalVectors) {
      it(`marshals ${input.slice(0, 60)}`, () => {
        expect(goMarshal(JSON.parse(input))).to.equal(expected);
      });
    }
  });

  describe("goQuote matches strconv.Quote / %q", () => {
    for (const [input, expected] of quoteVectors) {
      it(`quotes ${JSON.stringify(input)}`, () => {
        expect(goQuote(input)).to.equal(expected);
      });
    }
  });

  describe("goUnmarshalObject matches json.Unmarshal into map[string]interface{}", () => {
    for (const [input, expected] of unmarshalObjectVectors) {
      it(`reads ${JSON.stringify(input)}`, () => {
        const r = goUnmarshalObject(input);
        const got = r.ok ? (r.value === null ? "OK nil" : "OK") : r.error;
        expect(got).to.equal(expected);
      });
    }
  });

  it("reports exceeded nesting depth as Go does (10000 levels)", () => {
    expect(goJsonSyntaxError("[".repeat(10001))).to.equal("invalid character '[' exceeded max depth");
    expect(goJsonSyntaxError("[".repeat(10000) + "]".repeat(10000))).to.equal(undefined);
  });

  describe("goFormatWithoutArgs matches fmt.Errorf(msg) with no arguments", () => {
    for (const [input, expected] of errorfWithoutArgsVectors) {
      it(`formats ${JSON.stringify(input)}`, () => {
        expect(goFormatWithoutArgs(input)).to.equal(expected);
      });
    }
  });

  describe("goDecode type errors match json.Unmarshal into the k8s.io/api structs", () => {
    for (const [target, input, expected] of decodeVectors) {
      it(`${target}: ${input.slice(0, 70)}`, () => {
        const r = goDecode(JSON.parse(input), target === "pod" ? podShape : admissionReviewShape);
        expect(r.error ?? "").to.equal(expected);
      });
    }

    it("matches field names case-insensitively, as Go does", () => {
      const r = goDecode<{ spec?: { serviceAccountName?: string } }>({ Spec: { ServiceAccountName: "sa" } }, podShape);
      expect(r.value?.spec?.serviceAccountName).to.equal("sa");
    });
  });

  describe("goDeepEqual matches reflect.DeepEqual on decoded JSON", () => {
    it("ignores key order and number spelling", () => {
      expect(goDeepEqual(JSON.parse('{"a":1,"b":[1.0,{"c":"d"}]}'), JSON.parse('{"b":[1,{"c":"d"}],"a":1e0}'))).to.equal(true);
    });
    it("tells a nil map from an empty one", () => {
      expect(goDeepEqual(null, {})).to.equal(false);
      expect(goDeepEqual(null, null)).to.equal(true);
    });
    it("sees differing values, lengths and types", () => {
      expect(goDeepEqual({ a: [1, 2] }, { a: [1] })).to.equal(false);
      expect(goDeepEqual({ a: "1" }, { a: 1 })).to.equal(false);
      expect(goDeepEqual({ a: 1 }, { a: 1, b: null })).to.equal(false);
    });
  });
});
