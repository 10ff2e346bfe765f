// generate.mjs URL OUT - src/schema.ts from activd's served /openapi.json.
//
// openapi-typescript 7 with one change: the document's Tensor (a number or
// arrays of Tensors) comes out as components["schemas"]["Tensor"][] inside
// its own definition, which tsc refuses (TS2502, openapi-typescript issue
// 1603); it is emitted as TensorOf<Number>, a recursive type alias instead.
import { writeFileSync } from "node:fs";
import ts from "typescript";
import openapiTS, { astToString, COMMENT_HEADER, oapiRef } from "openapi-typescript";

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error("usage: node generate.mjs http://127.0.0.1:8080/openapi.json src/schema.ts");
  process.exit(2);
}
const ast = await openapiTS(new URL(url), {
  silent: true,
  inject: "export type TensorOf<N> = N | TensorOf<N>[];\n",
  transform(schema, { path }) {
    if (path !== "#/components/schemas/Tensor") return undefined;
    return ts.factory.createTypeReferenceNode("TensorOf", [oapiRef("#/components/schemas/Number")]);
  },
});
const header = COMMENT_HEADER.replace(" */", " * Made by clients/js/generate.mjs from activd's /openapi.json.\n */");
writeFileSync(out, header + astToString(ast));
