// contract.test.mjs - activd behind Stoplight Prism, the validating proxy a
// generated client's author would put in front of it. Run by run.sh, which
// starts the daemon ($DAEMON) and saves its /openapi.json ($DOC).
//
// 1. Every curl line in a code block of README.md and docs/api.md, read
//    mechanically (a new example is covered without editing this file),
//    goes through `prism proxy --errors`: Prism must not reject the request
//    (it answers its own problem then), must find no violation in the
//    answer (sl-violations header), and the status must be the daemon's own.
//    A binary body (`--data-binary @-` after python3 struct.pack) is sent to
//    the daemon directly, because Prism re-encodes bodies as text; its
//    answer must hold the numbers the JSON form gives for the same query,
//    and its query must pass Prism. So must / and every file of the page.
// 2. Every problem type of the document's Problem.type enum: GET
//    /problems/<type> through the proxy, and one request that provokes it.
//    A request the document allows goes through the --errors proxy; one the
//    document itself forbids goes through a second proxy without --errors,
//    which must report the request violation and none in the answer.
//    Prism cannot carry two of them (its body parser answers malformed JSON
//    itself; an undocumented method has no operation to check against):
//    those are sent directly and checked with Ajv against the document.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { checker } from "../common/check.mjs";

const DAEMON = process.env.DAEMON;
const DOC = process.env.DOC;
const ROOT = process.env.ROOT;
const OOM = process.env.OOM === "1";
const SOURCES = ["README.md", "docs/api.md"];
const PRISM_ERROR = "https://stoplight.io/prism/errors";
const check = checker("prism");

// ---- reading the examples ------------------------------------------------------

// Shell words of one logical line: quotes, backslash-newline joins, and the
// operators | ; && as their own tokens; a # at a word's start ends the line.
function shellWords(line) {
  const out = [];
  let word = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let s = "";
      for (i++; i < line.length && line[i] !== '"'; i++) s += line[i] === "\\" ? line[++i] : line[i];
      if (i >= line.length) throw new Error(`unclosed " in: ${line}`);
      word = (word ?? "") + s;
    } else if (c === "\\" && line[i + 1] === "\n") {
      i++;
    } else if (/\s/.test(c)) {
      if (word !== null) out.push(word), (word = null);
    } else if (c === "#" && word === null) {
      break;
    } else if (c === "|" || c === ";" || (c === "&" && line[i + 1] === "&")) {
      if (word !== null) out.push(word), (word = null);
      if (c === "&") i++;
      out.push({ op: c });
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== null) out.push(word);
  return out;
}

// The commands of a fenced sh block: lines joined while they end in \ or |.
function commands(block) {
  const lines = [];
  for (const raw of block.split("\n")) {
    if (lines.length && /[\\|]\s*$/.test(lines[lines.length - 1])) lines[lines.length - 1] += "\n" + raw;
    else lines.push(raw);
  }
  return lines.filter((l) => l.trim() && !l.trim().startsWith("#"));
}

// A python3 -c 'struct.pack("<3d", -1, 0, 1)' stage: the bytes it writes.
function structBytes(argv) {
  const m = argv[0] === "python3" && argv[1] === "-c" && /struct\.pack\("<(\d+)([df])",\s*([^)]*)\)/.exec(argv[2]);
  if (!m) throw new Error(`cannot compute the body of: ${argv.join(" ")}`);
  const values = m[3].split(",").map(Number);
  if (values.length !== Number(m[1]) || values.some(Number.isNaN)) throw new Error(`odd struct.pack: ${m[0]}`);
  const a = m[2] === "d" ? Float64Array.from(values) : Float32Array.from(values);
  return { bytes: Buffer.from(a.buffer), values, dtype: m[2] === "d" ? "float64" : "float32" };
}

// One curl stage (and the stage before it, for @-) as a request.
function curlRequest(argv, stdin, where) {
  const r = { where, method: "GET", headers: {}, body: undefined, binary: null };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-s" || a === "-S" || a === "-i" || a === "-sS") continue;
    if (a === "-o") i++;
    else if (a === "--json") {
      r.body = argv[++i];
      r.headers["Content-Type"] = "application/json";
      r.headers.Accept = "application/json";
      r.method = "POST";
    } else if (a === "-H") {
      const [k, ...v] = argv[++i].split(":");
      r.headers[k.trim()] = v.join(":").trim();
    } else if (a === "--data-binary" || a === "-d") {
      const d = argv[++i];
      if (d === "@-") {
        if (!stdin) throw new Error(`${where}: @- without a stage before it`);
        r.binary = structBytes(stdin);
        r.body = r.binary.bytes;
      } else r.body = d;
      r.method = "POST";
    } else if (a === "-X") r.method = argv[++i];
    else if (!a.startsWith("-") && r.url === undefined) r.url = a;
    else throw new Error(`${where}: curl option ${a} not understood by this test`);
  }
  const u = new URL(/^https?:/.test(r.url) ? r.url : `http://${r.url}`);
  if (u.host !== "localhost:8080" && u.host !== "127.0.0.1:8080") throw new Error(`${where}: not the daemon: ${r.url}`);
  r.path = u.pathname + u.search;
  return r;
}

// The fenced blocks of a Markdown file, paired in order: [lang, first line, text].
function fencedBlocks(text) {
  const blocks = [];
  let open = null;
  text.split("\n").forEach((l, k) => {
    const m = /^```(\S*)/.exec(l);
    if (!m) {
      if (open) open.lines.push(l);
    } else if (open) {
      blocks.push(open);
      open = null;
    } else open = { lang: m[1], line: k + 2, lines: [] };
  });
  return blocks;
}

function examples() {
  const found = [];
  for (const file of SOURCES) {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    for (const b of fencedBlocks(text)) {
      if (!["", "sh", "bash", "shell"].includes(b.lang)) continue;
      for (const cmd of commands(b.lines.join("\n"))) {
        const line = b.line + b.lines.findIndex((l) => l && cmd.startsWith(l));
        const words = shellWords(cmd);
        // split into commands (; &&), each into pipeline stages (|)
        let stages = [[]];
        const flush = (all) => {
          stages.forEach((argv, k) => {
            if (argv[0] === "curl") all.push(curlRequest(argv, stages[k - 1], `${file}:${line}`));
          });
          stages = [[]];
        };
        for (const w of words) {
          if (typeof w === "string") stages[stages.length - 1].push(w);
          else if (w.op === "|") stages.push([]);
          else flush(found);
        }
        flush(found);
      }
    }
  }
  return found;
}

// ---- Prism -----------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const children = [];
async function startPrism(errors) {
  const port = await freePort();
  const cli = path.join(path.dirname(new URL(import.meta.url).pathname), "node_modules/@stoplight/prism-cli/dist/index.js");
  const args = [cli, "proxy", DOC, DAEMON, "-h", "127.0.0.1", "-p", String(port), ...(errors ? ["--errors"] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let log = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism did not start in 120 s:\n${log}`)), 120000);
    const seen = (d) => {
      log += d;
      if (log.includes("Prism is listening")) clearTimeout(timer), resolve();
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.once("exit", (code) => clearTimeout(timer) || reject(new Error(`prism exited ${code}:\n${log}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  return `http://127.0.0.1:${port}`;
}

async function send(base, r) {
  const res = await fetch(base + r.path, { method: r.method, headers: r.headers, body: r.body });
  const buf = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get("content-type") || "";
  let json;
  if (/json/.test(type)) {
    try {
      json = JSON.parse(buf.toString("utf8"));
    } catch {
      json = undefined;
    }
  }
  let violations = [];
  const sl = res.headers.get("sl-violations");
  if (sl) violations = JSON.parse(sl);
  return { status: res.status, type, headers: res.headers, buf, json, violations };
}

const isPrismError = (a) => typeof a.json?.type === "string" && a.json.type.startsWith(PRISM_ERROR);
const describe = (a) =>
  `${a.status} ${a.type} ${isPrismError(a) ? JSON.stringify(a.json.validation ?? a.json.detail) : ""} ` +
  `${a.violations.length ? `violations ${JSON.stringify(a.violations)}` : ""}`.trim();
const requestViolations = (a) => a.violations.filter((v) => v.location?.[0] === "request");
const responseViolations = (a) => a.violations.filter((v) => v.location?.[0] !== "request");

// ---- the run -----------------------------------------------------------------------

const doc = JSON.parse(readFileSync(DOC, "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ ...doc, $id: "doc" });
const problemSchema = ajv.getSchema("doc#/components/schemas/Problem");

// what provokes each problem type; `strict`: the document allows the request
const json = (body) => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
const PROVOKE = {
  "malformed-json": { direct: true, path: "/eval", method: "POST", headers: { "Content-Type": "application/json" }, body: '{"activation":' },
  "malformed-query": { strict: true, path: "/eval?activation=relu&x=1,abc" },
  "not-found": { strict: true, path: "/activations/sigmiod" },
  "method-not-allowed": { direct: true, path: "/eval", method: "DELETE" },
  "too-large": { strict: true, path: "/eval?activation=relu&start=0&stop=1&num=16777217" },
  "unsupported-media-type": { path: "/eval", method: "POST", headers: { "Content-Type": "text/plain" }, body: "1,2" },
  "unknown-activation": { strict: true, path: "/eval", ...json({ activation: "sigmoyd", x: [1] }) },
  "missing-field": { strict: true, path: "/eval", ...json({ activation: "threshold", x: [1] }) },
  "unknown-field": { strict: true, path: "/plot?activation=sigmoid&x=1" },
  "wrong-type": { path: "/eval", ...json({ activation: "relu", x: [1, true] }) },
  "invalid-value": { strict: true, path: "/eval", ...json({ activation: "relu", x: [1e39], dtype: "float32" }) },
  "not-rectangular": { strict: true, path: "/eval", ...json({ activation: "relu", x: [[1, 2], [3]] }) },
  "invalid-parameter": { strict: true, path: "/eval", ...json({ activation: "softplus", x: [1], params: { beta: 0 } }) },
  "shape-mismatch": { strict: true, path: "/grad", ...json({ activation: "tanh", x: [1, 2], grad_output: [1] }) },
  "conflicting-fields": { strict: true, path: "/eval?activation=relu&x=1&start=0&stop=1&step=1" },
  // 5 KB of JSON (as Prism forwards it) over run.sh's --max-buffer 4096
  unavailable: { strict: true, path: "/eval", ...json({ activation: "relu", x: new Array(500).fill(0.123456789) }) },
  // 16Mi numbers printed need ~440 MB more than run.sh's ulimit -v leaves
  internal: { strict: true, oom: true, path: "/eval?activation=relu&start=0&stop=1&num=16777216" },
};

try {
  const strict = await startPrism(true);
  const lenient = await startPrism(false);

  // ---- 1. the examples --------------------------------------------------------------
  const reqs = examples();
  check(reqs.length >= 30 && SOURCES.every((f) => reqs.some((r) => r.where.startsWith(f))),
    `${reqs.length} curl examples read from ${SOURCES.join(" and ")}`);
  for (const r of reqs) {
    const what = `${r.where} ${r.method} ${r.path}`;
    if (r.binary) {
      const a = await send(DAEMON, r);
      const q = new URLSearchParams(r.path.split("?")[1]);
      const n = r.binary.values.length;
      const size = q.get("dtype") === "float32" ? 4 : 8;
      const got = size === 8 ? new Float64Array(a.buf.buffer, a.buf.byteOffset, a.buf.length / 8)
        : new Float32Array(a.buf.buffer, a.buf.byteOffset, a.buf.length / 4);
      check(a.status === 200 && a.type === "application/octet-stream" && a.headers.get("x-activ-count") === String(n) &&
        a.buf.length === n * size, `${what} (binary, direct): ${n} values back`, `${a.status} ${a.type} ${a.buf.length} bytes`);
      // the JSON form of the same query through the proxy gives the same numbers
      q.set("x", r.binary.values.join(","));
      const route = r.path.split("?")[0];
      const j = await send(strict, { path: `${route}?${q}`, method: "GET", headers: {} });
      const ys = j.json?.[route === "/grad" ? "grad" : "y"];
      check(j.status === 200 && !j.violations.length && Array.isArray(ys) && ys.every((y, k) => Object.is(y, got[k])),
        `${what}: the same numbers as GET ${route}?${q} through the proxy`, `${describe(j)} ${JSON.stringify(ys)} vs ${[...got]}`);
      // its query and media type pass the document (Prism garbles the body itself)
      const p = await send(strict, r);
      check(!isPrismError(p) && !p.violations.length, `${what}: Prism accepts the binary form's query`, describe(p));
      continue;
    }
    const d = await send(DAEMON, r);
    const a = await send(strict, r);
    if (isPrismError(a) && d.status >= 400 && d.status < 500) {
      // an example of an error that the document forbids as well (num=1 where
      // num >= 2): both must fault the same field, and the daemon's answer
      // must still be one the document allows
      const field = d.json?.parameter ?? (d.json?.pointer ?? "").split("/").pop();
      const faulted = (a.json.validation ?? []).map((v) => v.location?.[v.location.length - 1]);
      const l = await send(lenient, r);
      check(faulted.includes(field) && l.status === d.status && requestViolations(l).length > 0 &&
        !responseViolations(l).length,
      `${what}: ${d.status} for ${field}, which the document forbids too (through the proxy without --errors)`,
      `daemon faults ${field}, the document ${faulted.join(",")}; ${describe(l)}`);
      continue;
    }
    check(!isPrismError(a) && !a.violations.length && a.status === d.status && a.status < 500,
      `${what}: ${a.status} through the proxy`, `${describe(a)}; direct: ${d.status}`);
  }

  // the web page's files, as the page fetches them
  const page = ["/", ...readdirSync(path.join(ROOT, "server/www")).map((f) => `/static/${f}`)];
  for (const p of page) {
    const a = await send(strict, { path: p, method: "GET", headers: {} });
    check(a.status === 200 && !a.violations.length && !isPrismError(a), `GET ${p} through the proxy`, describe(a));
  }

  // the binary form's contract: activation is required there, though the
  // document marks it optional for the JSON form's sake
  const bin = { path: "/eval", method: "POST", headers: { "Content-Type": "application/octet-stream" },
    body: Buffer.from(Float64Array.of(1).buffer) };
  const nb = await send(DAEMON, bin);
  check(nb.status === 422 && nb.json?.type === "/problems/missing-field" && nb.json?.parameter === "activation" &&
    problemSchema(nb.json), "binary POST /eval without activation: 422 missing-field naming it", describe(nb));

  // ---- 2. every problem type --------------------------------------------------------
  const types = doc.components.schemas.Problem.properties.type.enum ?? [];
  const slugs = types.map((t) => t.replace(/^\/problems\//, ""));
  check(slugs.length >= 10 && slugs.every((s) => PROVOKE[s]) && Object.keys(PROVOKE).every((s) => slugs.includes(s)),
    `every one of the document's ${slugs.length} problem types has a request that provokes it`,
    `document: ${slugs.join(",")}; provoked: ${Object.keys(PROVOKE).join(",")}`);
  for (const slug of slugs) {
    const t = await send(strict, { path: `/problems/${slug}`, method: "GET", headers: {} });
    check(t.status === 200 && t.json?.type === `/problems/${slug}` && !t.violations.length && !isPrismError(t),
      `GET /problems/${slug} through the proxy`, describe(t));
    const p = PROVOKE[slug];
    if (!p) continue;
    if (p.oom && !OOM) {
      check.skip(`${slug}: a sanitizer build cannot run under ulimit -v`);
      continue;
    }
    const r = { method: "GET", headers: {}, ...p };
    const via = p.direct ? "directly, Ajv" : p.strict ? "the --errors proxy" : "the proxy without --errors";
    const a = await send(p.direct ? DAEMON : p.strict ? strict : lenient, r);
    const what = `${slug}: ${r.method} ${r.path.slice(0, 60)} through ${via}`;
    const right = a.status === t.json?.status && a.json?.type === `/problems/${slug}` &&
      a.type === "application/problem+json" && !isPrismError(a);
    if (p.direct) {
      const ok = problemSchema(a.json);
      check(right && ok, what, `${describe(a)} ${JSON.stringify(problemSchema.errors)}`);
    } else if (p.strict) {
      check(right && !a.violations.length, what, describe(a));
    } else {
      check(right && requestViolations(a).length > 0 && !responseViolations(a).length,
        `${what}: the document forbids the request too, and allows the answer`, describe(a));
    }
    if (slug === "unavailable") check(a.headers.get("retry-after") === "1", "503 carries Retry-After: 1");
  }
  const none = await send(strict, { path: "/problems/no-such-type", method: "GET", headers: {} });
  check(none.status === 404 && none.json?.type === "/problems/not-found" && !none.violations.length,
    "GET /problems/no-such-type is a 404 the document allows", describe(none));
} catch (e) {
  check(false, "the run completed", e.stack);
} finally {
  for (const c of children) c.kill();
}

process.exit(check.done());
