// page.test.mjs - activd's web page in headless Chromium (playwright-core
// driving Debian's /usr/bin/chromium; `npx playwright install` cannot
// download browsers here). Run by run.sh, which starts the daemon.
//
// Checks, as a user would see them: the page loads the catalogue and draws
// both curves from /eval and /grad over the article's grid; the formula is
// rendered; the second derivative is off at first, and its box draws it from
// POST /grad with order 2 (the path is the answer's numbers under one linear
// map) and hides it again; moving a parameter slider changes the curve; the
// vanishing-gradient panel shows sigmoid's product at most 0.25^N, tanh's 1
// at x = 0 and relu's 0 there; a bad parameter combination shows the
// server's error and the page recovers; every formula renders as MathML;
// every control has a label; no console errors. Saves a screenshot to $ARTIFACTS/page.png.

import { chromium } from "playwright-core";
import { checker } from "../common/check.mjs";

const BASE = process.env.BASE;
const ARTIFACTS = process.env.ARTIFACTS || ".";
const check = checker("browser");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // without the networking flags Chromium keeps dialling Google's hosts,
  // which this machine's closed network refuses
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});

const consoleErrors = [];
let expected422 = 0;
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
page.on("console", (m) => {
  if (m.type() !== "error") return;
  // Chromium logs every 4xx fetch; the one step that provokes 422s allows them
  if (expected422 > 0 && /status of 422/.test(m.text())) return;
  consoleErrors.push(m.text());
});
page.on("pageerror", (e) => consoleErrors.push(String(e)));

const pathPoints = (d) => (d ? d.split(/[ML]/).length - 1 : 0);
const attr = (sel, name) => page.locator(sel).getAttribute(name);
// wait until the path's d attribute differs from `old` and has n points
async function curveChanged(sel, old) {
  await page.waitForFunction(([s, o]) => {
    const p = document.querySelector(s);
    return p && p.getAttribute("d") && p.getAttribute("d") !== o;
  }, [sel, old]);
  return attr(sel, "d");
}

try {
  // ---- load ------------------------------------------------------------------
  const catalogueSeen = page.waitForResponse((r) => r.url().endsWith("/activations"));
  await page.goto(`${BASE}/`);
  check((await catalogueSeen).status() === 200, "the page fetched GET /activations");
  await page.waitForSelector("#curve-value");
  await page.waitForSelector("#curve-grad");
  const options = await page.locator("#activation option").allTextContents();
  check(options.length >= 20 && options.includes("sigmoid") && !options.includes("softmax"),
    "the picker lists the elementwise activations", options.join(","));
  check(await page.locator("#activation").inputValue() === "sigmoid", "sigmoid is selected first");
  const sigValue = await attr("#curve-value", "d");
  const sigGrad = await attr("#curve-grad", "d");
  // np.arange(-10, 10, 0.025) has 800 points, and sigmoid is finite on all
  check(pathPoints(sigValue) === 800, "value curve drawn with 800 points", pathPoints(sigValue));
  check(pathPoints(sigGrad) === 800, "derivative curve drawn with 800 points", pathPoints(sigGrad));
  const box = await page.locator("#curve-value").boundingBox();
  check(box && box.width > 600 && box.height > 250, "the value curve spans the chart", JSON.stringify(box));
  check(await page.locator("#chart .frame text").count() > 10, "the chart has tick labels");
  check(await page.locator("#formula-math math").count() === 1 && await page.locator("#derivative-math math").count() === 1,
    "formula and derivative rendered as MathML");
  check((await page.locator("#formula-plain").textContent()) === "y = 1/(1 + exp(-x))",
    "the article's title y = 1/(1 + exp(-x))");
  check(/800 points/.test(await page.locator("#status").textContent()), "status reports the answer");

  // ---- the second derivative: off at first, then from POST /grad with order 2 ----
  check(!(await page.locator("#show-grad2").isChecked()) && await page.locator("#curve-grad2").count() === 0,
    "f'' is off at first and not drawn");
  check(await page.locator("#derivative2-math math").count() === 1, "f'' formula rendered as MathML");
  const order2 = page.waitForResponse((r) => r.url().endsWith("/grad") && r.request().postDataJSON().order === 2);
  await page.check("#show-grad2");
  const g2 = await (await order2).json();
  await page.waitForSelector("#curve-grad2");
  const d2 = await attr("#curve-grad2", "d");
  check(g2.order === 2 && g2.x.length === 800 && pathPoints(d2) === 800, "f'' drawn with 800 points from the order-2 answer",
    `${g2.order} ${pathPoints(d2)}`);
  // sigma'' = sigma (1 - sigma) (1 - 2 sigma), at x = 1 (index 440)
  const s1 = 1 / (1 + Math.exp(-g2.x[440]));
  check(Math.abs(g2.grad[440] - s1 * (1 - s1) * (1 - 2 * s1)) < 1e-15, "the answer is sigmoid''", g2.grad[440]);
  // every point of the path is (x, f''(x)) of the answer under one linear map per axis
  const pts = d2.split(/[ML]/).filter(Boolean).map((p) => p.trim().split(" ").map(Number));
  const affine = (vs, ps) => {
    const lo = vs.indexOf(Math.min(...vs));
    const hi = vs.indexOf(Math.max(...vs));
    const b = (ps[hi] - ps[lo]) / (vs[hi] - vs[lo]);
    return Math.max(...vs.map((v, i) => Math.abs(ps[lo] + b * (v - vs[lo]) - ps[i])));
  };
  const offX = affine(g2.x, pts.map((p) => p[0]));
  const offY = affine(g2.grad, pts.map((p) => p[1]));
  check(offX < 0.02 && offY < 0.02, "the f'' path is the daemon's numbers, to the pixel's hundredth", `${offX} ${offY}`);
  const legend = await page.locator("#chart .legend text").allTextContents();
  check(legend.length === 3 && legend[2] === "sigmoid″(x)", "the legend names the third curve", legend.join(","));
  check(/order 1 and 2/.test(await page.locator("#status").textContent()), "status says f'' came from order 2");
  await page.uncheck("#show-grad2");
  check(await page.locator("#curve-grad2").count() === 0 && await page.locator("#chart .legend text").count() === 2 &&
    await attr("#curve-value", "d") === sigValue, "unchecked, f'' is hidden again and the chart is as before");

  // ---- a parameter slider changes the curve --------------------------------------
  await page.selectOption("#activation", "elu");
  const eluValue = await curveChanged("#curve-value", sigValue);
  check(eluValue !== sigValue, "choosing elu redraws the curve");
  const slider = page.locator("#param-alpha");
  check(await slider.count() === 1, "elu has an alpha slider");
  check(await slider.inputValue() === "1", "alpha starts at its catalogue default 1", await slider.inputValue());
  const answered = page.waitForResponse((r) => r.url().endsWith("/eval") &&
    r.request().postDataJSON().params.alpha === 3);
  await slider.focus();
  await page.keyboard.press("End"); // the slider's maximum
  const res = await answered;
  const body = await res.json();
  check(Math.abs(body.y[0] - 3 * Math.expm1(-10)) < 1e-12, "POST /eval sent alpha = 3 and got elu(-10) = 3(e^-10 - 1)", body.y[0]);
  const eluValue3 = await curveChanged("#curve-value", eluValue);
  check(eluValue3 !== eluValue, "moving the alpha slider changed the value curve");
  check(await page.locator("#param-alpha-value").inputValue() === "3", "the number box follows the slider");
  check(page.url().includes("alpha=3"), "the URL keeps the state", page.url());

  // typing a value in the number box works too
  await page.locator("#param-alpha-value").fill("0.5");
  await page.locator("#param-alpha-value").press("Enter");
  const eluValueHalf = await curveChanged("#curve-value", eluValue3);
  check(eluValueHalf !== eluValue3, "typing alpha = 0.5 changed the curve");

  // ---- hover readout ---------------------------------------------------------------
  const cb = await page.locator("#chart").boundingBox();
  await page.mouse.move(cb.x + cb.width * 0.7, cb.y + cb.height / 2);
  check(await page.locator("#hover").getAttribute("visibility") === "visible" &&
    /x = .* f = .* f′ = /.test(await page.locator("#hover .readout").textContent()),
  "hovering the chart reads out x, f and f′");

  // ---- vanishing gradients ----------------------------------------------------------
  await page.selectOption("#activation", "sigmoid");
  await page.waitForFunction(() => document.querySelector("#vg-table tbody tr")?.dataset.activation === "sigmoid");
  await page.locator("#vg-x").fill("0");
  await page.locator("#vg-n").fill("20");
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll("#vg-table tbody tr")];
    // the table of the render for x = 0 and N = 20, not an earlier one still on screen
    return rows.length === 3 && rows.every((r) => r.dataset.layers === "20" && r.dataset.x === "0");
  });
  const rows = await page.$$eval("#vg-table tbody tr", (trs) => trs.map((t) => ({ ...t.dataset, cls: t.className })));
  const row = (n) => rows.find((r) => r.activation === n);
  check(Number(row("sigmoid").derivative) === 0.25 && Number(row("sigmoid").product) <= 0.25 ** 20,
    "sigmoid: f'(0) = 0.25 and 20 layers leave 0.25^20", JSON.stringify(row("sigmoid")));
  check(row("sigmoid").cls.includes("vanished"), "sigmoid's product is marked as vanished");
  check(Number(row("tanh").product) === 1, "tanh: f'(0)^20 = 1");
  check(Number(row("relu").product) === 0, "relu: f'(0)^20 = 0 (relu'(0) = 0 by convention)");
  check(await page.locator("#vg-chart path[data-activation]").count() === 3, "the layer chart has one line per activation");
  check(/^0\.2520 ≈ 9\.095e-13$/.test(await page.locator("#vg-bound").textContent()),
    "the explanation states the 0.25^N bound", await page.locator("#vg-bound").textContent());
  await page.locator("#vg-x").fill("1");
  await page.waitForFunction(() => [...document.querySelectorAll("#vg-table tbody tr")]
    .every((r) => r.dataset.layers === "20" && r.dataset.x === "1"));
  const sig1 = await page.locator('#vg-table tr[data-activation="sigmoid"]').getAttribute("data-product");
  const relu1 = await page.locator('#vg-table tr[data-activation="relu"]').getAttribute("data-product");
  check(Number(sig1) < 0.25 ** 20 && Number(relu1) === 1, "at x = 1 sigmoid vanishes faster still, relu passes 1",
    `${sig1} ${relu1}`);
  await page.selectOption("#activation", "leaky_relu");
  await page.waitForFunction(() => document.querySelector("#vg-table tbody tr")?.dataset.activation === "leaky_relu");
  check(await page.locator("#vg-table tbody tr").count() === 4, "the selected activation is compared with sigmoid, tanh and relu");

  // ---- an error from the server is shown, and the page recovers -----------------------
  await page.selectOption("#activation", "hardtanh");
  await page.waitForSelector("#param-min_val");
  expected422 = 1;
  const rejected = page.waitForResponse((r) => r.url().endsWith("/eval") && r.status() === 422);
  await page.locator("#param-min_val-value").fill("2");
  await page.locator("#param-min_val-value").press("Enter");
  await rejected;
  await page.waitForFunction(() => document.querySelector("#status").classList.contains("error"));
  check(/min_val/.test(await page.locator("#status").textContent()), "min_val >= max_val shows the server's problem detail",
    await page.locator("#status").textContent());
  await page.click("#reset");
  await page.waitForFunction(() => !document.querySelector("#status").classList.contains("error"));
  expected422 = 0;
  check(await page.locator("#param-min_val-value").inputValue() === "-1", "reset restores the defaults");

  // ---- accessibility basics --------------------------------------------------------
  const unlabeled = await page.$$eval("input, select", (els) => els.filter((e) =>
    !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby")).map((e) => e.id));
  check(unlabeled.length === 0, "every control has a label", unlabeled.join(","));
  check(await page.locator("#chart").getAttribute("role") === "img" &&
    (await page.locator("#chart-label").textContent()).length > 20, "the chart has a text alternative");

  // ---- every formula renders (the hand-made LaTeX to MathML covers the registry) ------
  const fallbacks = [];
  for (const name of options) {
    await page.selectOption("#activation", name);
    if (await page.locator(".formulas .fallback").count()) fallbacks.push(name);
  }
  check(fallbacks.length === 0, `all ${options.length} formulas render as MathML`, fallbacks.join(","));

  // ---- the screenshot ------------------------------------------------------------------
  // a fresh page opened on a link with state in it, as someone would share it
  const shot = await context.newPage();
  shot.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  await shot.goto(`${BASE}/#activation=softplus&beta=2&threshold=20`);
  await shot.waitForSelector("#curve-value");
  await shot.waitForFunction(() => document.querySelector("#vg-table tbody tr")?.dataset.activation === "softplus");
  check(await shot.locator("#param-beta-value").inputValue() === "2", "a shared link restores the parameters");
  await shot.screenshot({ path: `${ARTIFACTS}/page.png`, fullPage: true });
  console.log(`screenshot: ${ARTIFACTS}/page.png`);
  check(consoleErrors.length === 0, "no console errors", consoleErrors.join(" | "));
} catch (e) {
  check(false, "the run completed", e.stack);
  await page.screenshot({ path: `${ARTIFACTS}/page-failure.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}

process.exit(check.done());
