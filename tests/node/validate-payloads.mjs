// Validates webhook bodies against the request body schema an OpenAPI 3.1 document declares for
// the webhook, with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
// Usage: node validate-payloads.mjs <openapi.json> <webhook> <method> <bodies.json>
// where bodies.json is a JSON array of the raw bodies (strings). Exit 0 = all valid.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [documentFile, webhook, method, bodiesFile] = process.argv.slice(2);
const document = JSON.parse(readFileSync(documentFile, "utf8"));
const schema = document.webhooks?.[webhook]?.[method.toLowerCase()]?.requestBody?.content?.["application/json"]?.schema;
if (!schema) {
  console.error(`the document declares no JSON body for webhook ${webhook} (${method})`);
  process.exit(1);
}

// OpenAPI keywords such as "example" are not JSON Schema's: allow them, but check every format we know.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const integer = (bits) => ({ type: "number", validate: (n) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1) });
ajv.addFormat("int32", integer(32));
ajv.addFormat("int64", integer(64));
ajv.addFormat("float", { type: "number", validate: Number.isFinite });
ajv.addFormat("double", { type: "number", validate: Number.isFinite });

// The body schema refers to #/components/...: give it the document's components to resolve against.
const validate = ajv.compile({ ...schema, components: document.components });
const bodies = JSON.parse(readFileSync(bodiesFile, "utf8"));
let failed = 0;
for (const body of bodies) {
  if (!validate(JSON.parse(body))) {
    failed++;
    console.error(`invalid: ${body}\n${JSON.stringify(validate.errors, null, 2)}`);
  }
}
if (failed > 0 || bodies.length === 0) {
  process.exit(1);
}
console.log(`valid ${bodies.length}`);
