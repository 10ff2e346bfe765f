// client.test.ts - the TypeScript client against a running activd ($BASE).
// run.sh type-checks and compiles it with tsc first, so the expected type
// errors in typeErrors() are tests too: tsc fails if the generated types
// stop rejecting those calls.
//
// Checks: src/schema.ts is what openapi-typescript generates from the served
// document today; eval, grad (with grad_output, and order 2), a range,
// aliases and parameters give the daemon's numbers; an unknown activation,
// a bad parameter and softmax with order 2 are thrown as ActivdProblem
// carrying the problem document.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ActivdProblem, createActivd } from "../src/index.js";

const BASE = process.env.BASE ?? "http://127.0.0.1:8080";
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."); // clients/js
let passed = 0;
let failed = 0;

function check(ok: boolean, what: string, detail?: unknown): void {
  if (ok) {
    passed++;
    console.log(`ok   ${what}`);
  } else {
    failed++;
    console.log(`FAIL ${what}${detail === undefined ? "" : `: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`}`);
  }
}

async function problemOf(call: Promise<unknown>): Promise<ActivdProblem | unknown> {
  try {
    await call;
    return undefined;
  } catch (e) {
    return e;
  }
}

const activd = createActivd(BASE, { requestId: "js-client-test" });

// Compile-time checks: each line must stay a type error (never run).
async function typeErrors(): Promise<void> {
  // @ts-expect-error the field is activation, not name
  await activd.eval({ name: "relu", x: [1] });
  // @ts-expect-error the document allows no other field (additionalProperties: false)
  await activd.eval({ activation: "relu", x: [1], grad_output: [1] });
  // @ts-expect-error dtype is float64 or float32
  await activd.eval({ activation: "relu", x: [1], dtype: "float16" });
  // @ts-expect-error order is 1 or 2
  await activd.grad({ activation: "relu", x: [1], order: 3 });
  // @ts-expect-error an eval answer has y, not grad
  (await activd.eval({ activation: "relu", x: [1] })).grad;
  // @ts-expect-error no such path in the document
  await activd.raw.GET("/evaluate");
}
void typeErrors;

try {
  // ---- the checked-in types are today's ----------------------------------------------
  const tmp = mkdtempSync(path.join(tmpdir(), "activd-js-"));
  try {
    const fresh = path.join(tmp, "schema.ts");
    execFileSync(process.execPath, [path.join(here, "generate.mjs"), `${BASE}/openapi.json`, fresh], { stdio: "inherit" });
    const same = readFileSync(fresh, "utf8") === readFileSync(path.join(here, "src/schema.ts"), "utf8");
    check(same, "src/schema.ts is what generate.mjs makes from the served /openapi.json",
      "stale: run `make js-client-types` and commit src/schema.ts");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // ---- calls ----------------------------------------------------------------------------
  const s = await activd.eval({ activation: "sigmoid", x: [-1, 0, 1] });
  check(JSON.stringify(s.y) === "[0.2689414213699951,0.5,0.7310585786300049]" && s.dtype === "float64",
    "eval sigmoid [-1, 0, 1]", s);

  const t = await activd.grad({ activation: "tanh", x: [[0, 20]] });
  const g = t.grad as number[][];
  check(g[0]?.[0] === 1 && (g[0]?.[1] ?? 0) > 0 && (g[0]?.[1] ?? 1) < 1e-16, "grad tanh [[0, 20]]: 1 and 1 - tanh(20)^2 > 0", t);

  // tanh''(x) = -2 tanh(x) (1 - tanh(x)^2): 0 at 0, odd
  const t2 = await activd.grad({ activation: "tanh", x: [0, 0.5, -0.5], order: 2 });
  const g2 = t2.grad as number[];
  const want2 = -2 * Math.tanh(0.5) * (1 - Math.tanh(0.5) ** 2);
  check(t2.order === 2 && g2[0] === 0 && Math.abs((g2[1] ?? 0) - want2) < 1e-15 && g2[2] === -(g2[1] ?? 0),
    "grad tanh with order 2: f''(0) = 0, f''(-x) = -f''(x), order echoed", t2);

  const l = await activd.eval({ activation: "LeakyReLU", x: [-2, 3], params: { negative_slope: 0.2 } });
  check(l.activation === "leaky_relu" && l.params.negative_slope === 0.2 && JSON.stringify(l.y) === "[-0.4,3]",
    "eval LeakyReLU by alias with negative_slope 0.2", l);

  const r = await activd.eval({ activation: "sigmoid", range: { start: -10, stop: 10, step: 0.025 } });
  check(Array.isArray(r.x) && r.x.length === 800 && Array.isArray(r.y) && r.y.length === 800 && r.x[0] === -10,
    "eval over the article's grid: 800 x and 800 y", { x: Array.isArray(r.x) ? r.x.length : r.x });

  const sm = await activd.grad({ activation: "softmax", x: [[1, 2, 3]], grad_output: [[1, 0, 0]] });
  const row = (sm.grad as number[][])[0] ?? [];
  check(row.length === 3 && Math.abs(row.reduce((a, b) => a + b, 0)) < 1e-15 && (row[0] ?? 0) > 0,
    "grad softmax with grad_output: the vector-Jacobian product sums to 0", sm);

  const q = await activd.raw.GET("/eval", {
    params: { query: { activation: "leaky_relu", x: "-1,0,2", params: { negative_slope: "0.2" } } },
  });
  check(JSON.stringify(q.data?.y) === "[-0.2,0,2]" && q.data?.params.negative_slope === 0.2,
    "raw GET /eval with the params query object sent as negative_slope=0.2", q.data ?? q.error);

  const cat = await activd.activations();
  const gelu = await activd.activation("GELU");
  check(cat.count === cat.activations.length && cat.count >= 20 && gelu.name === "gelu" &&
    gelu.params.some((p) => p.name === "approximate"), "the catalogue and one entry by alias", { count: cat.count, gelu: gelu.name });

  // ---- errors surface with their problem document ------------------------------------------
  const e1 = await problemOf(activd.eval({ activation: "sigmoyd", x: [1] }));
  check(e1 instanceof ActivdProblem && e1.status === 422 && e1.problem.type === "/problems/unknown-activation" &&
    (e1.problem.suggestions ?? []).includes("sigmoid") && e1.problem.request_id === "js-client-test",
  "an unknown activation throws ActivdProblem 422 with suggestions and the request id",
  e1 instanceof ActivdProblem ? e1.problem : String(e1));

  const e3 = await problemOf(activd.grad({ activation: "softmax", x: [[1, 2]], grad_output: [[1, 0]], order: 2 }));
  check(e3 instanceof ActivdProblem && e3.problem.type === "/problems/invalid-value" && e3.problem.pointer === "/order",
    "softmax with order 2 throws invalid-value pointing at /order", e3 instanceof ActivdProblem ? e3.problem : String(e3));

  const e2 = await problemOf(activd.eval({ activation: "softplus", x: [1], params: { beta: 0 } }));
  check(e2 instanceof ActivdProblem && e2.problem.type === "/problems/invalid-parameter" &&
    e2.problem.pointer === "/params/beta" && /beta/.test(e2.message),
  "beta = 0 throws invalid-parameter pointing at /params/beta", e2 instanceof ActivdProblem ? e2.problem : String(e2));
} catch (e) {
  check(false, "the run completed", e instanceof Error ? e.stack : e);
}

console.log(`js client: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
