// deploy/clusterrole.yaml is generated from the preflight's permission list: the committed file must be exactly
// what the generator writes now (regenerate with `npm run deploy:clusterrole`), and it grants each permission.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { clusterRoleYaml, rulesFor } from "../../../lib/preflight/clusterrole.js";
import { permissions, permissionName } from "../../../lib/preflight/access.js";

describe("deploy/clusterrole.yaml", () => {
  it("is what the generator writes from lib/preflight/access.ts (run `npm run deploy:clusterrole` after changing the list)", () => {
    expect(readFileSync("deploy/clusterrole.yaml", "utf8")).to.equal(clusterRoleYaml());
  });

  it("grants every permission the preflight asks for, and nothing more", () => {
    const role = yaml.load(readFileSync("deploy/clusterrole.yaml", "utf8")) as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    const granted = role.rules.flatMap((r) =>
      r.verbs.map(
        (v) =>
          `${v} ${r.apiGroups[0] ? `${r.resources[0].split("/")[0]}.${r.apiGroups[0]}` : r.resources[0].split("/")[0]}${r.resources[0].includes("/") ? `/${r.resources[0].split("/")[1]}` : ""}`,
      ),
    );
    expect(new Set(granted)).to.deep.equal(new Set(permissions.map(permissionName)));
    expect(role.rules.every((r) => !r.verbs.includes("*") && !r.resources.includes("*"))).to.equal(true);
  });

  it("groups verbs by API group and resource, subresources separately", () => {
    expect(
      rulesFor([
        { verb: "get", resource: "pods" },
        { verb: "create", resource: "pods", subresource: "exec" },
        { verb: "create", resource: "pods" },
      ]),
    ).to.deep.equal([
      { apiGroups: [""], resources: ["pods"], verbs: ["create", "get"] },
      { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
    ]);
  });
});
