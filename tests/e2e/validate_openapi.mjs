// Validates an OpenAPI document with @apidevtools/swagger-parser (the OpenAPI 3 JSON schema,
// then $ref resolution and the spec's own rules: unique operationIds, declared path
// parameters, ...). Usage: node validate_openapi.mjs <deploy/web dir> <openapi.json>
// The parser comes from <deploy/web dir>/node_modules (deploy/dev/web-assets.sh installs it).
// Prints "valid: N operations" and exits 0, or prints the problem and exits 1.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [webDir, file] = process.argv.slice(2);
if (!webDir || !file) {
  console.error("usage: node validate_openapi.mjs <deploy/web dir> <openapi.json>");
  process.exit(2);
}
const require = createRequire(path.resolve(webDir, "package.json"));
const SwaggerParser = require("@apidevtools/swagger-parser");

try {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const api = await SwaggerParser.validate(doc);
  const methods = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
  let operations = 0;
  for (const item of Object.values(api.paths ?? {})) {
    operations += Object.keys(item).filter((m) => methods.has(m)).length;
  }
  console.log(`valid: ${api.openapi}, ${operations} operations`);
} catch (error) {
  console.error(`invalid: ${error.message}`);
  process.exit(1);
}
