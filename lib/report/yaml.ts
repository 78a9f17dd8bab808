// The one YAML rendering of API objects for reports (attachments, failure bundles): plain JSON data first, so
// client-node's classes and Dates print as the API shows them; no line folding.
import yaml from "js-yaml";

export const toYaml = (o: unknown): string => yaml.dump(JSON.parse(JSON.stringify(o)), { lineWidth: -1, skipInvalid: true });
