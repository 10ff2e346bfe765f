// activ web page: pick an activation, move its parameters, see f, f' and
// (switched on) f'' from the daemon's own /eval and /grad, and how
// gradients vanish.
// No framework and no chart library: the charts are a few dozen SVG
// elements, and the page must work offline from the daemon alone.

const SVG = "http://www.w3.org/2000/svg";
const MATHML = "http://www.w3.org/1998/Math/MathML";
const RANGE = { start: -10, stop: 10, step: 0.025 }; // np.arange(-10, 10, 0.025)
const COMPARE = ["sigmoid", "tanh", "relu"];
const VG_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
// The main chart's curves: the field of state.curve each is drawn from, the
// checkbox that shows it, its colour (as /plot's) and its marks. f'' is
// fetched only while its box is checked (POST /grad with order 2).
const CURVES = [
  { key: "y", box: "show-value", id: "curve-value", dot: "dot-value", color: "#1f77b4", prime: "", caption: " (blue)" },
  { key: "grad", box: "show-grad", id: "curve-grad", dot: "dot-grad", color: "#d62728", prime: "′", caption: ", derivative (red)" },
  { key: "grad2", box: "show-grad2", id: "curve-grad2", dot: "dot-grad2", color: "#2ca02c", prime: "″", caption: ", second derivative (green)" },
];

const $ = (id) => document.getElementById(id);
const state = {
  catalogue: [],
  entry: null, // the selected catalogue entry
  values: {}, // parameter name -> number or choice string
  curve: null, // {x, y, grad, grad2} of the last successful answers (grad2 null unless fetched)
  controller: null,
  gradMax: null,
};

// ---- the API ------------------------------------------------------------------

async function api(path, body, signal) {
  const init = body === undefined ? { signal } : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  };
  const res = await fetch(path, init);
  const data = await res.json();
  if (!res.ok) {
    const err = new Error(data.detail || data.title || `HTTP ${res.status}`);
    err.problem = data;
    throw err;
  }
  return data;
}

// Answers write NaN and infinities as strings; anything not a finite
// number breaks a line.
const num = (v) => (typeof v === "number" ? v : Number.NaN);

// ---- numbers on axes ----------------------------------------------------------

function niceStep(span, target) {
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

function ticks(lo, hi, target) {
  const step = niceStep(hi - lo, target);
  const out = [];
  for (let k = Math.ceil(lo / step); k <= Math.floor(hi / step) && out.length < 40; k++) {
    out.push(Math.abs(k * step) < step * 1e-9 ? 0 : k * step);
  }
  return { step, values: out };
}

function fmtTick(v, step) {
  if (v === 0) return "0";
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  if (Math.abs(v) >= 1e6 || decimals > 6) return v.toExponential(2).replace("e+", "e");
  return v.toFixed(decimals);
}

// Short, readable numbers for tables and labels: 4 significant digits.
function fmt(v) {
  if (typeof v === "string") return v;
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e");
  return String(Number(v.toPrecision(4)));
}

// ---- SVG helpers ---------------------------------------------------------------

function el(name, attrs, parent, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// A polyline path over (x[i], y[i]); non-finite y lifts the pen.
function pathData(xs, ys, sx, sy) {
  let d = "";
  let down = false;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y) || Math.abs(y) > 1e300) {
      down = false;
      continue;
    }
    d += `${down ? "L" : "M"}${sx(xs[i]).toFixed(2)} ${sy(y).toFixed(2)}`;
    down = true;
  }
  return d;
}

// Axes, grid and tick labels in a box; returns the scales.
function drawFrame(svg, box, xr, yr, xLabel, yLabel) {
  const sx = (x) => box.x0 + ((x - xr[0]) / (xr[1] - xr[0])) * (box.x1 - box.x0);
  const sy = (y) => box.y1 - ((y - yr[0]) / (yr[1] - yr[0])) * (box.y1 - box.y0);
  const g = el("g", { class: "frame", "font-size": "12", fill: "#1d2330" }, svg);
  const xt = ticks(xr[0], xr[1], 10);
  for (const v of xt.values) {
    const x = sx(v);
    el("line", { x1: x, y1: box.y0, x2: x, y2: box.y1, stroke: v === 0 ? "#9aa1ad" : "#e8eaee" }, g);
    el("line", { x1: x, y1: box.y1, x2: x, y2: box.y1 + 5, stroke: "#333" }, g);
    el("text", { x, y: box.y1 + 18, "text-anchor": "middle" }, g, fmtTick(v, xt.step));
  }
  const yt = ticks(yr[0], yr[1], 7);
  for (const v of yt.values) {
    const y = sy(v);
    el("line", { x1: box.x0, y1: y, x2: box.x1, y2: y, stroke: v === 0 ? "#9aa1ad" : "#e8eaee" }, g);
    el("line", { x1: box.x0 - 5, y1: y, x2: box.x0, y2: y, stroke: "#333" }, g);
    el("text", { x: box.x0 - 8, y: y + 4, "text-anchor": "end" }, g, fmtTick(v, yt.step));
  }
  el("rect", {
    x: box.x0, y: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0, fill: "none", stroke: "#333",
  }, g);
  el("text", { x: (box.x0 + box.x1) / 2, y: box.y1 + 36, "text-anchor": "middle", "font-size": "13" }, g, xLabel);
  el("text", {
    transform: `translate(14 ${(box.y0 + box.y1) / 2}) rotate(-90)`, "text-anchor": "middle", "font-size": "13",
  }, g, yLabel);
  return { sx, sy };
}

// ---- the main chart -------------------------------------------------------------

const CHART = { w: 860, h: 440, box: { x0: 62, x1: 844, y0: 16, y1: 396 } };

function yRange(series) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const v of s) {
      if (Number.isFinite(v) && Math.abs(v) <= 1e300) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (lo > hi) return [-1, 1];
  const pad = hi > lo ? (hi - lo) * 0.05 : lo !== 0 ? Math.abs(lo) * 0.1 : 1;
  return [lo - pad, hi + pad];
}

function drawChart() {
  const svg = $("chart");
  clear(svg);
  const c = state.curve;
  if (!c) return;
  const shown = CURVES.filter((k) => $(k.box).checked && c[k.key]);
  const yr = yRange(shown.map((k) => c[k.key]));
  el("rect", { width: CHART.w, height: CHART.h, fill: "#fff" }, svg);
  const { sx, sy } = drawFrame(svg, CHART.box, [RANGE.start, RANGE.stop], yr, "x",
    shown.map((k) => `y${k.prime}`).join(", ") || "y");
  const b = CHART.box;
  const clip = el("clipPath", { id: "chart-clip" }, svg);
  el("rect", { x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 }, clip);
  const g = el("g", { "clip-path": "url(#chart-clip)" }, svg);
  const name = state.entry.name;
  for (const k of shown) {
    el("path", { id: k.id, d: pathData(c.x, c[k.key], sx, sy), fill: "none", stroke: k.color, "stroke-width": 2.2 }, g);
  }
  drawLegend(svg, name, shown);
  const hover = el("g", { id: "hover", visibility: "hidden" }, svg);
  el("line", { y1: b.y0, y2: b.y1, stroke: "#888", "stroke-dasharray": "3 3" }, hover);
  for (const k of CURVES) el("circle", { r: 4, fill: k.color, class: k.dot }, hover);
  el("text", { class: "readout", "font-size": "12", fill: "#1d2330" }, hover);
  svg.onmousemove = (ev) => showHover(ev, sx, sy, shown);
  svg.onmouseleave = () => hover.setAttribute("visibility", "hidden");
  $("chart-label").textContent =
    `${name}${shown.map((k) => k.caption).join("")}` +
    ` for x from ${RANGE.start} to ${RANGE.stop}; y from ${fmt(yr[0])} to ${fmt(yr[1])}.` +
    " Move the pointer over the chart to read values.";
}

function drawLegend(svg, name, shown) {
  const items = shown.map((k) => [`${name}${k.prime}(x)`, k.color]);
  if (!items.length) return;
  const x = CHART.box.x0 + 12;
  const y = CHART.box.y0 + 10;
  const width = 60 + 7.5 * Math.max(...items.map((i) => i[0].length));
  const g = el("g", { class: "legend", "font-size": "13" }, svg);
  el("rect", { x, y, width, height: 10 + 20 * items.length, fill: "#fff", "fill-opacity": 0.92, stroke: "#ccc" }, g);
  items.forEach(([label, color], i) => {
    const ly = y + 16 + 20 * i;
    el("line", { x1: x + 8, y1: ly, x2: x + 36, y2: ly, stroke: color, "stroke-width": 2.2 }, g);
    el("text", { x: x + 42, y: ly + 4 }, g, label);
  });
}

function showHover(ev, sx, sy, shown) {
  const c = state.curve;
  const svg = $("chart");
  const pt = svg.createSVGPoint();
  pt.x = ev.clientX;
  pt.y = ev.clientY;
  const p = pt.matrixTransform(svg.getScreenCTM().inverse());
  const b = CHART.box;
  const hover = $("hover");
  if (p.x < b.x0 || p.x > b.x1) {
    hover.setAttribute("visibility", "hidden");
    return;
  }
  const x = RANGE.start + ((p.x - b.x0) / (b.x1 - b.x0)) * (RANGE.stop - RANGE.start);
  const i = Math.max(0, Math.min(c.x.length - 1, Math.round((x - RANGE.start) / RANGE.step)));
  const px = sx(c.x[i]);
  hover.querySelector("line").setAttribute("x1", px);
  hover.querySelector("line").setAttribute("x2", px);
  const place = (cls, show, v) => {
    const dot = hover.querySelector(cls);
    const ok = show && Number.isFinite(v);
    dot.setAttribute("visibility", ok ? "inherit" : "hidden");
    if (ok) {
      dot.setAttribute("cx", px);
      dot.setAttribute("cy", Math.max(b.y0, Math.min(b.y1, sy(v))));
    }
  };
  for (const k of CURVES) place(`.${k.dot}`, shown.includes(k), shown.includes(k) ? c[k.key][i] : NaN);
  const text = hover.querySelector(".readout");
  let s = `x = ${fmt(c.x[i])}`;
  for (const k of shown) s += `   f${k.prime} = ${fmt(c[k.key][i])}`;
  text.textContent = s;
  const right = px > (b.x0 + b.x1) / 2;
  text.setAttribute("x", right ? px - 8 : px + 8);
  text.setAttribute("y", b.y1 - 10);
  text.setAttribute("text-anchor", right ? "end" : "start");
  hover.setAttribute("visibility", "visible");
}

// ---- LaTeX to MathML ----------------------------------------------------------------
// Enough LaTeX for the registry's formulas: \frac, \sqrt, \left( \right),
// sub- and superscripts, \begin{cases}, \text, \mathrm, Greek letters and
// named functions. Anything else throws, and the plain formula is shown.

const GREEK = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", lambda: "λ", mu: "μ", pi: "π",
  sigma: "σ", tau: "τ", phi: "ϕ", varphi: "φ", Phi: "Φ", Sigma: "Σ", theta: "θ",
};
const FUNCS = new Set(["tanh", "sinh", "cosh", "ln", "log", "exp", "max", "min", "sech", "erf", "erfc"]);
const SYMBOLS = {
  cdot: "⋅", le: "≤", ge: "≥", leq: "≤", geq: "≥", top: "⊤", times: "×", infty: "∞", to: "→",
  sum: "∑", approx: "≈", neq: "≠", pm: "±",
};
const SPACES = { ",": "0.1667em", ";": "0.2778em", ":": "0.2222em", quad: "1em", qquad: "2em", " ": "0.25em" };

function mml(name, children, attrs) {
  const e = document.createElementNS(MATHML, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children || []) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return e;
}

class TexParser {
  constructor(src) {
    this.s = src;
    this.i = 0;
  }

  peek() {
    return this.s[this.i];
  }

  skipSpace() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  command() {
    // after a backslash: a letter word or one symbol
    const m = /^[A-Za-z]+/.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return m[0];
    }
    return this.s[this.i++];
  }

  braced() {
    // {...} as raw text (for \text, \mathrm, \begin)
    this.skipSpace();
    if (this.peek() !== "{") throw new Error("{ expected");
    let depth = 0;
    const start = ++this.i;
    for (; this.i < this.s.length; this.i++) {
      if (this.s[this.i] === "\\") this.i++;
      else if (this.s[this.i] === "{") depth++;
      else if (this.s[this.i] === "}") {
        if (depth-- === 0) return this.s.slice(start, this.i++);
      }
    }
    throw new Error("unbalanced {");
  }

  // A group: {...} or one atom (for \frac, ^, _ and \sqrt arguments).
  argument() {
    this.skipSpace();
    if (this.peek() === "{") {
      this.i++;
      const row = this.row(["}"]);
      this.i++;
      return row;
    }
    return this.atom();
  }

  // Atoms until one of the stop characters (not consumed) or the end.
  row(stops) {
    const items = [];
    for (;;) {
      this.skipSpace();
      if (this.i >= this.s.length) break;
      if (stops.includes(this.peek())) break;
      if (this.s.startsWith("\\\\", this.i) && stops.includes("\\\\")) break;
      if (this.s.startsWith("\\end", this.i)) break;
      items.push(this.scripts(this.atom()));
    }
    return items.length === 1 ? items[0] : mml("mrow", items);
  }

  scripts(base) {
    let sub = null;
    let sup = null;
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === "_" && !sub) {
        this.i++;
        sub = this.argument();
      } else if (c === "^" && !sup) {
        this.i++;
        sup = this.argument();
      } else if (c === "'" && !sub && !sup) {
        // a prime sits beside its letter: as a superscript it floats too high
        this.i++;
        base = mml("mrow", [base, mml("mo", ["′"], { lspace: "0", rspace: "0" })]);
      } else break;
    }
    if (sub && sup) return mml("msubsup", [base, sub, sup]);
    if (sub) return mml("msub", [base, sub]);
    if (sup) return mml("msup", [base, sup]);
    return base;
  }

  atom() {
    this.skipSpace();
    const c = this.s[this.i++];
    if (c === "\\") return this.commandAtom(this.command());
    if (c === "{") {
      const r = this.row(["}"]);
      this.i++;
      return mml("mrow", [r]);
    }
    if (/[0-9.]/.test(c)) {
      let n = c;
      while (/[0-9.]/.test(this.peek() || "")) n += this.s[this.i++];
      return mml("mn", [n]);
    }
    if (/[A-Za-z]/.test(c)) return mml("mi", [c]);
    if (c === "(") {
      // its own mrow, so a leading minus is a sign ("σ(−x)"), not a binary operator
      const inner = this.row([")"]);
      if (this.s[this.i++] !== ")") throw new Error(") expected");
      return mml("mrow", [mml("mo", ["("]), mml("mrow", [inner]), mml("mo", [")"])]);
    }
    if (c === "|") return mml("mo", ["|"], { lspace: "0", rspace: "0" }); // |x|, not a relation
    if ("+-=<>()[],/!:;".includes(c)) return mml("mo", [c === "-" ? "−" : c]);
    throw new Error(`unexpected ${c}`);
  }

  commandAtom(name) {
    if (name in GREEK) return mml("mi", [GREEK[name]]);
    if (FUNCS.has(name)) return mml("mi", [name], { mathvariant: "normal" });
    if (name in SYMBOLS) return mml("mo", [SYMBOLS[name]]);
    if (name in SPACES) return mml("mspace", [], { width: SPACES[name] });
    switch (name) {
      case "frac": return mml("mfrac", [this.argument(), this.argument()]);
      case "sqrt": return mml("msqrt", [this.argument()]);
      case "mathrm":
      case "operatorname": return mml("mi", [this.braced()], { mathvariant: "normal" });
      case "text": return mml("mtext", [this.braced().replace(/\\_/g, "_")]);
      case "left":
      case "right":
      case "big":
      case "Big": {
        this.skipSpace();
        const d = this.peek() === "\\" ? (this.i++, this.command()) : this.s[this.i++];
        return mml("mo", [d === "." ? "" : d], { stretchy: "true" });
      }
      case "begin": return this.environment(this.braced());
      case "{": return mml("mo", ["{"]);
      case "}": return mml("mo", ["}"]);
      case "|": return mml("mo", ["‖"]);
      case "_": return mml("mi", ["_"]);
      default: throw new Error(`unknown command \\${name}`);
    }
  }

  environment(env) {
    if (env !== "cases") throw new Error(`unknown environment ${env}`);
    const rows = [];
    for (;;) {
      const cells = [this.row(["&", "\\\\"])];
      this.skipSpace();
      if (this.peek() === "&") {
        this.i++;
        cells.push(this.row(["&", "\\\\"]));
      }
      // displaystyle: fractions in a case keep their full size
      rows.push(mml("mtr", cells.map((c) => mml("mtd", [c], { columnalign: "left", displaystyle: "true" }))));
      this.skipSpace();
      if (this.s.startsWith("\\\\", this.i)) {
        this.i += 2;
        continue;
      }
      if (this.s.startsWith("\\end", this.i)) {
        this.i += 4;
        this.braced();
        break;
      }
      throw new Error("unterminated cases");
    }
    const table = mml("mtable", rows, { columnspacing: "1.2em", columnalign: "left left" });
    return mml("mrow", [mml("mo", ["{"], { stretchy: "true" }), table]);
  }

  parse() {
    const r = this.row([]);
    if (this.i < this.s.length) throw new Error(`stopped at ${this.i}`);
    return r;
  }
}

function renderMath(target, latex, plain, lhs) {
  clear(target);
  try {
    const body = new TexParser(latex).parse();
    // the registry writes "name(x) = ..." only for some entries (gelu's f''
    // has an "=" only in its "w = ..." part)
    const named = /^[^=]*\(x\)\s*=/.test(latex);
    const parts = named ? [body] : [new TexParser(lhs).parse(), mml("mo", ["="]), body];
    target.appendChild(mml("math", [mml("mrow", parts)], { display: "block" }));
    target.setAttribute("aria-label", plain);
  } catch (e) {
    const code = document.createElement("code");
    code.className = "fallback";
    code.textContent = plain;
    target.appendChild(code);
  }
}

// ---- parameters ----------------------------------------------------------------------

// Slider bounds: the parameter's own where it has them, otherwise a span
// around the default; exclusive bounds are kept off by one step.
function sliderRange(p) {
  const d = typeof p.default === "number" ? p.default : 0;
  const span = Math.max(1, Math.abs(d) * 2);
  let lo = p.min ?? d - span;
  let hi = p.max ?? d + span;
  const step = niceStep(hi - lo, 200);
  lo = Math.floor(lo / step + 1e-9) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  if (p.min_exclusive) lo += step;
  if (p.max_exclusive) hi -= step;
  const r = (v) => Number(v.toPrecision(12));
  return { lo: r(lo), hi: r(hi), step: r(step) };
}

function defaultValue(p) {
  if (p.type === "choice") return p.default;
  return typeof p.default === "number" ? p.default : 0; // required: start at 0
}

function buildParams() {
  const list = $("param-list");
  clear(list);
  const params = state.entry.params;
  $("no-params").hidden = params.length > 0;
  $("reset").hidden = params.length === 0;
  for (const p of params) list.appendChild(p.type === "choice" ? choiceControl(p) : numberControl(p));
}

function numberControl(p) {
  const { lo, hi, step } = sliderRange(p);
  const wrap = document.createElement("div");
  wrap.className = "param";
  const id = `param-${p.name}`;
  const head = document.createElement("div");
  head.className = "param-head";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = p.name;
  const box = document.createElement("input");
  box.type = "number";
  box.step = "any";
  box.id = `${id}-value`;
  box.setAttribute("aria-label", `${p.name} value`);
  const slider = document.createElement("input");
  slider.type = "range";
  slider.id = id;
  slider.min = lo;
  slider.max = hi;
  slider.step = step;
  slider.dataset.param = p.name;
  const doc = document.createElement("p");
  doc.className = "doc";
  doc.id = `${id}-doc`;
  doc.textContent = `${p.doc}${p.default_text ? ` (default ${p.default_text})` : ""}`;
  slider.setAttribute("aria-describedby", doc.id);
  const bounds = document.createElement("div");
  bounds.className = "bounds";
  bounds.setAttribute("aria-hidden", "true");
  bounds.append(span(fmt(lo)), span(fmt(hi)));
  head.append(label, box);
  wrap.append(head, slider, bounds, doc);
  const set = (v, from) => {
    if (!Number.isFinite(v)) return;
    if (p.nonzero && v === 0) v = step;
    state.values[p.name] = v;
    if (from !== slider) slider.value = v;
    if (from !== box) box.value = String(Number(v.toPrecision(10)));
    scheduleUpdate();
  };
  slider.addEventListener("input", () => set(Number(slider.value), slider));
  box.addEventListener("change", () => set(Number(box.value), box));
  slider.value = state.values[p.name];
  box.value = String(Number(state.values[p.name].toPrecision(10)));
  return wrap;
}

function span(text) {
  const s = document.createElement("span");
  s.textContent = text;
  return s;
}

function choiceControl(p) {
  const wrap = document.createElement("div");
  wrap.className = "param";
  const id = `param-${p.name}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = p.name;
  label.className = "param-head";
  const sel = document.createElement("select");
  sel.id = id;
  for (const c of p.choices) sel.appendChild(new Option(c, c, false, c === state.values[p.name]));
  const doc = document.createElement("p");
  doc.className = "doc";
  doc.id = `${id}-doc`;
  doc.textContent = p.doc;
  sel.setAttribute("aria-describedby", doc.id);
  sel.addEventListener("change", () => {
    state.values[p.name] = sel.value;
    scheduleUpdate();
  });
  wrap.append(label, sel, doc);
  return wrap;
}

function resetParams() {
  for (const p of state.entry.params) state.values[p.name] = defaultValue(p);
  buildParams();
  scheduleUpdate();
}

// ---- selecting an activation ------------------------------------------------------------

function select(name, values) {
  const entry = state.catalogue.find((a) => a.name === name) || state.catalogue[0];
  state.entry = entry;
  state.values = {};
  for (const p of entry.params) {
    const v = values && values[p.name];
    state.values[p.name] = v === undefined ? defaultValue(p) : p.type === "choice" ? v : Number(v);
  }
  $("activation").value = entry.name;
  $("summary").textContent = entry.summary;
  buildParams();
  renderMath($("formula-math"), entry.formula.latex, entry.formula.text, "f(x)");
  renderMath($("derivative-math"), entry.derivative.latex, entry.derivative.text, "f'(x)");
  renderMath($("derivative2-math"), entry.second_derivative.latex, entry.second_derivative.text, "f''(x)");
  $("formula-plain").textContent = `y = ${entry.formula.text}`;
  showFacts(entry);
  scheduleUpdate();
}

function showFacts(entry) {
  const dl = $("facts");
  clear(dl);
  const add = (k, v) => {
    if (!v) return;
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    dl.append(dt, dd);
  };
  add("output range", entry.range);
  add("kinks", entry.kinks.map((k) => k.note).join("; "));
  add("kinks of f′", entry.second_derivative.kinks.map((k) => k.note).join("; "));
  add("constants", entry.constants_text);
  add("PyTorch", entry.pytorch);
  add("aliases", entry.aliases.join(", "));
  add("accuracy", `value within ${entry.ulp.value} ULP, derivative within ${entry.ulp.derivative} ULP, ` +
    `second derivative within ${entry.ulp.second_derivative} ULP: ${entry.accuracy}`);
}

function paramQuery() {
  return Object.entries(state.values).map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("");
}

function saveLocation() {
  const q = `#activation=${state.entry.name}${paramQuery()}`;
  history.replaceState(null, "", q);
  const what = $("show-grad2").checked ? "all" : "both";
  $("svg-link").href = `/plot?activation=${state.entry.name}&what=${what}${paramQuery()}`;
  $("json-link").href = `/activations/${state.entry.name}`;
}

// ---- fetching the curves ---------------------------------------------------------------

let pending = 0;
function scheduleUpdate() {
  // coalesce a burst of slider events into one request per frame
  if (pending) return;
  pending = requestAnimationFrame(() => {
    pending = 0;
    update();
  });
}

async function update() {
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  const body = { activation: state.entry.name, params: { ...state.values }, range: RANGE };
  saveLocation();
  setStatus("computing…");
  const calls = [api("/eval", body, controller.signal), api("/grad", body, controller.signal)];
  if ($("show-grad2").checked) calls.push(api("/grad", { ...body, order: 2 }, controller.signal));
  try {
    const [ev, gr, gr2] = await Promise.all(calls);
    state.curve = {
      x: ev.x.map(num), y: ev.y.map(num), grad: gr.grad.map(num), grad2: gr2 ? gr2.grad.map(num) : null,
    };
    state.gradMax = Math.max(...state.curve.grad.filter(Number.isFinite).map(Math.abs));
    document.body.dataset.points = String(ev.x.length);
    drawChart();
    setStatus(`${ev.x.length} points from POST /eval and POST /grad${gr2 ? " (order 1 and 2)" : ""}` +
      ` · params ${JSON.stringify(ev.params)}`);
    updateVanishing();
  } catch (e) {
    if (e.name === "AbortError") return;
    setStatus(e.message, true);
  }
}

function setStatus(text, error) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("error", !!error);
}

// ---- vanishing gradients ---------------------------------------------------------------

let vgController = null;
async function updateVanishing() {
  const x = Number($("vg-x").value);
  const n = Number($("vg-n").value);
  $("vg-x-out").textContent = fmt(x);
  $("vg-n-out").textContent = String(n);
  const bound = $("vg-bound");
  const sup = document.createElement("sup");
  sup.textContent = String(n);
  bound.replaceChildren("0.25", sup, ` ≈ ${fmt(0.25 ** n)}`);
  if (!state.entry) return;
  if (vgController) vgController.abort();
  vgController = new AbortController();
  const names = [state.entry.name, ...COMPARE.filter((a) => a !== state.entry.name)];
  try {
    const answers = await Promise.all(names.map((a) => api("/grad", {
      activation: a, x: [x], params: a === state.entry.name ? { ...state.values } : {},
    }, vgController.signal)));
    const rows = answers.map((r, i) => ({ name: names[i], d: num(r.grad[0]), color: VG_COLORS[i] }));
    drawVanishing(rows, n, x);
    fillTable(rows, n, x);
  } catch (e) {
    if (e.name !== "AbortError") setStatus(e.message, true);
  }
}

// log10 of |f'(x)|^k for k = 0..n; -Infinity once a derivative is 0.
function logProducts(d, n) {
  const l = Math.log10(Math.abs(d));
  return Array.from({ length: n + 1 }, (_, k) => (k === 0 ? 0 : k * l));
}

function drawVanishing(rows, n, x) {
  const svg = $("vg-chart");
  clear(svg);
  el("rect", { width: 560, height: 300, fill: "#fff" }, svg);
  const series = rows.map((r) => logProducts(r.d, n));
  let lo = Math.min(-1, ...series.flat().filter(Number.isFinite));
  let hi = Math.max(0.5, ...series.flat().filter(Number.isFinite));
  lo = Math.max(lo, -60);
  hi = Math.min(hi, 60);
  const pad = (hi - lo) * 0.06;
  const box = { x0: 56, x1: 544, y0: 12, y1: 252 };
  const { sx, sy } = drawFrame(svg, box, [0, n], [lo - pad, hi + pad], "layers", "log₁₀ gradient");
  const layers = Array.from({ length: n + 1 }, (_, k) => k);
  const clip = el("clipPath", { id: "vg-clip" }, svg);
  el("rect", { x: box.x0, y: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 }, clip);
  const g = el("g", { "clip-path": "url(#vg-clip)" }, svg);
  rows.forEach((r, i) => {
    // a zero derivative drops to the bottom edge: nothing passes
    const ys = series[i].map((v) => (v === -Infinity ? lo - pad * 2 : v));
    el("path", {
      d: pathData(layers, ys, sx, sy), fill: "none", stroke: r.color, "stroke-width": i === 0 ? 3 : 1.8,
      "stroke-dasharray": i === 0 ? "" : "6 3", "data-activation": r.name,
    }, g);
  });
  svg.setAttribute("aria-label", `Gradient left after each of ${n} layers at x = ${fmt(x)}: ` +
    rows.map((r) => `${r.name} ${fmt(Math.abs(r.d) ** n)}`).join(", "));
}

function fillTable(rows, n, x) {
  const tbody = $("vg-table").querySelector("tbody");
  clear(tbody);
  rows.forEach((r, i) => {
    const tr = document.createElement("tr");
    const product = r.d ** n;
    tr.dataset.activation = r.name;
    tr.dataset.derivative = String(r.d);
    tr.dataset.product = String(product);
    tr.dataset.layers = String(n); // tests wait on the render for the N and x they set
    tr.dataset.x = String(x);
    if (Math.abs(product) < 1e-3) tr.classList.add("vanished");
    const name = document.createElement("td");
    const dot = document.createElement("span");
    dot.className = `dot c${i}`;
    name.append(dot, r.name);
    const d = document.createElement("td");
    d.textContent = fmt(r.d);
    const p = document.createElement("td");
    p.textContent = fmt(product);
    tr.append(name, d, p);
    tbody.appendChild(tr);
  });
}

// ---- start ---------------------------------------------------------------------------------

function fromLocation() {
  const q = new URLSearchParams(location.hash.slice(1));
  const values = {};
  for (const [k, v] of q) if (k !== "activation") values[k] = v;
  return { name: q.get("activation"), values };
}

async function start() {
  try {
    const cat = await api("/activations");
    // rowwise functions (softmax) map whole rows, not single x values
    state.catalogue = cat.activations.filter((a) => a.kind === "elementwise");
    const rowwise = cat.activations.filter((a) => a.kind !== "elementwise").map((a) => a.name);
    if (rowwise.length) {
      $("rowwise-note").textContent = `${rowwise.join(" and ")} act on whole rows, so they are not plotted here; use POST /eval.`;
    }
  } catch (e) {
    setStatus(`cannot load /activations: ${e.message}`, true);
    return;
  }
  const sel = $("activation");
  for (const a of state.catalogue) sel.appendChild(new Option(a.name, a.name));
  sel.addEventListener("change", () => select(sel.value));
  $("reset").addEventListener("click", resetParams);
  $("show-value").addEventListener("change", drawChart);
  $("show-grad").addEventListener("change", drawChart);
  // f'' is fetched when first shown for these parameters, then only drawn or hidden
  $("show-grad2").addEventListener("change", () => {
    saveLocation();
    if ($("show-grad2").checked && state.curve && !state.curve.grad2) scheduleUpdate();
    else drawChart();
  });
  $("vg-x").addEventListener("input", updateVanishing);
  $("vg-n").addEventListener("input", updateVanishing);
  $("controls").addEventListener("submit", (e) => e.preventDefault());
  const loc = fromLocation();
  select(loc.name || "sigmoid", loc.values);
}

start();
