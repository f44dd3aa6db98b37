// Validates an OpenAPI document against the official OpenAPI JSON Schema (3.0/3.1) and checks
// that every $ref resolves. Usage: node validate-openapi.mjs <file>. Exit 0 = valid.
import { Validator } from "@seriousme/openapi-schema-validator";

const file = process.argv[2];
const validator = new Validator();
const result = await validator.validate(file);
if (!result.valid) {
  console.error(JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
try {
  validator.resolveRefs();
} catch (e) {
  console.error(`unresolved reference: ${e.message}`);
  process.exit(1);
}
console.log(`valid OpenAPI ${validator.version}`);
