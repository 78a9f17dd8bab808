// Moved: the sensitivity cases ship with the CLI (`list --sensitivity` reads them in the in-cluster image, which has
// no test/). Declare cases in sensitivity/<area>.cases.ts; this re-export only keeps older imports compiling, and
// test/unit/sensitivity/matrix.spec.ts fails while any *.cases.ts is still here.
export * from "../../sensitivity/case.js";
