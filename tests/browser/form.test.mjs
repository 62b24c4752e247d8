// The order form as people use it, in Chromium, against the real local stack: the function
// under cargo lambda watch, DynamoDB Local and the SES emulator (started by scripts/e2e.sh).
// Saves screenshots of the form and renders every email to PNG under docs/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { AXE, dateFormatShown, emails, launch } from "./support.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FUNCTION = process.env.FUNCTION_URL ?? "http://127.0.0.1:9100/orders";
const DYNAMODB = process.env.DYNAMODB_URL ?? "http://127.0.0.1:8100";
const TABLE = process.env.ORDERS_TABLE ?? "orders-e2e";
const SITE_PORT = Number(process.env.SITE_PORT ?? 8180);
const SITE = `http://127.0.0.1:${SITE_PORT}`;
const SHOTS = path.join(ROOT, "docs/screenshots");
const TAG = Math.random().toString(36).slice(2, 10);
// The pages as built with Cloudflare's always-passing test site key, served under /turnstile/.
const TURNSTILE_PAGES = fs.mkdtempSync(path.join(os.tmpdir(), "turnstile-pages-"));
const TEST_SITE_KEY = "1x00000000000000000000AA";
const DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX";
// Stands in for challenges.cloudflare.com (no internet here): as the widget does, it puts its
// token in a hidden field inside its container, and offers reset().
const FAKE_WIDGET = `(function () {
  document.querySelectorAll(".cf-turnstile").forEach(function (el) {
    if (el.getAttribute("data-action") !== "order" || !el.getAttribute("data-sitekey")) return;
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "cf-turnstile-response"; input.value = "${DUMMY_TOKEN}";
    el.appendChild(input);
  });
  window.turnstile = { reset: function () {} };
})();`;

let server, browser;

// The web/ folder as a site owner would publish it, with the form pointed at the function under test.
function serveSite() {
  const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript" };
  return http.createServer((req, res) => {
    const url = new URL(req.url, SITE);
    const name = url.pathname === "/" ? "index.html" : path.basename(url.pathname);
    const built = url.pathname.startsWith("/turnstile/") && name.endsWith(".html");
    const file = path.join(built ? TURNSTILE_PAGES : path.join(ROOT, "web"), name);
    if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    let body = fs.readFileSync(file, "utf8");
    body = body.replace('action="http://127.0.0.1:9000/orders"', `action="${FUNCTION}"`);
    res.writeHead(200, { "content-type": types[path.extname(name)] ?? "application/octet-stream" });
    res.end(body);
  }).listen(SITE_PORT, "127.0.0.1");
}

before(async () => {
  execFileSync("python3", [path.join(ROOT, "web/build.py"), "--turnstile-site-key", TEST_SITE_KEY, "--out", TURNSTILE_PAGES]);
  server = serveSite();
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function page(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: "fi-FI", ...options });
  return context.newPage();
}

function address(name) {
  return `${name}+${TAG}@tuusula.example`;
}

/// The box around some elements, in page coordinates, for a screenshot of just them.
async function around(p, selectors) {
  return p.evaluate((all) => {
    const boxes = all.map((selector) => document.querySelector(selector).getBoundingClientRect());
    const x = Math.min(...boxes.map((b) => b.left)) - 8, y = Math.min(...boxes.map((b) => b.top)) + window.scrollY - 8;
    const right = Math.max(...boxes.map((b) => b.right)) + 8, bottom = Math.max(...boxes.map((b) => b.bottom)) + window.scrollY + 8;
    return { x, y, width: right - x, height: bottom - y };
  }, selectors);
}

async function fill(p, { email, consent = true, package: pkg = "somestartti" }) {
  await p.check(`input[name=package][value=${pkg}]`);
  await p.fill("#organization", "Tuusulan kunta");
  await p.fill("#business_id", "0201256-6");
  await p.fill("#contact_name", "Anna Virtanen");
  await p.fill("#email", email);
  await p.fill("#phone", "+358 40 123 4567");
  await p.fill("#participants", "12");
  await p.check("input[name=channels][value=facebook]");
  await p.check("input[name=channels][value=instagram]");
  const date = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 10);
  await p.fill("#date-1", date);
  await p.fill("#location", "Kunnantalo, valtuustosali");
  await p.fill("#message", "Toivomme esimerkkejä kaavoituksen viestinnästä.\nKiitos!");
  await p.fill("#einvoice_address", "003701577119");
  await p.fill("#einvoice_operator", "003703575029");
  if (consent) await p.check("#privacy_consent");
}

// DynamoDB Local checks no signatures, but wants the header's shape.
async function dynamodb(action, body) {
  const response = await fetch(DYNAMODB, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `DynamoDB_20120810.${action}`,
      authorization: "AWS4-HMAC-SHA256 Credential=local/20260101/eu-north-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

async function ordersFrom(email) {
  const result = await dynamodb("Scan", {
    TableName: TABLE,
    ConsistentRead: true,
    FilterExpression: "email = :e AND kind = :k",
    ExpressionAttributeValues: { ":e": { S: email }, ":k": { S: "order" } },
  });
  return result.Items;
}

test("with JavaScript: fill, submit, see the reference; the order is stored and both emails sent", async () => {
  const p = await page();
  await p.goto(`${SITE}/index.html`);
  const email = address("anna.js");
  // The picture with plain sample data; the order itself with this run's address.
  await fill(p, { email: "anna.virtanen@tuusula.example" });
  assert.equal((await p.locator("#order-summary").textContent()).trim(), "Olet tilaamassa: Somestartti, 627,50\u00a0€ (sis. alv)");
  await p.screenshot({ path: path.join(SHOTS, "form-desktop.png"), fullPage: true });
  await p.fill("#email", email);
  await p.click("button[type=submit]");
  const reference = (await p.locator("#order-reference").textContent({ timeout: 30000 })).trim();
  assert.match(reference, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  // As the plain form's thank-you page: a heading (focused), the next step, the contact line.
  assert.equal((await p.locator("#form-status h2").textContent()).trim(), "Kiitos tilauksestasi!");
  assert.equal(await p.evaluate(() => document.activeElement.tagName), "H2");
  assert.match(await p.locator("#form-status").textContent(), /kahden arkipäivän kuluessa.*roskapostikansio/s);
  await p.screenshot({ path: path.join(SHOTS, "form-success.png"), fullPage: true, clip: await around(p, ["#form-status", "#form-contact"]) });

  const item = await dynamodb("GetItem", { TableName: TABLE, Key: { pk: { S: `order#${reference}` } }, ConsistentRead: true });
  assert.equal(item.Item?.email?.S, email);
  assert.equal(item.Item?.gross_cents?.N, "62750");
  const sent = await emails(reference);
  assert.equal(sent.length, 2, "the customer's and the trainers' email");
  await p.context().close();
});

test("with Turnstile on the page: the widget's token goes with the order", async () => {
  const p = await page();
  await p.route("https://challenges.cloudflare.com/**", (route) =>
    route.fulfill({ contentType: "text/javascript", body: FAKE_WIDGET }));
  let posted = null;
  p.on("request", (request) => {
    if (request.url() === FUNCTION && request.method() === "POST") posted = request.postData();
  });
  await p.goto(`${SITE}/turnstile/index.html`);
  await p.waitForSelector("input[name=cf-turnstile-response]", { state: "attached" });
  await fill(p, { email: address("anna.widget") });
  await p.click("button[type=submit]");
  const reference = (await p.locator("#order-reference").textContent({ timeout: 30000 })).trim();
  assert.match(reference, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.equal(JSON.parse(posted)["cf-turnstile-response"], DUMMY_TOKEN);
  await p.context().close();
});

test("without JavaScript: a plain form post lands on the function's thank-you page, in Swedish, with the reference", async () => {
  const p = await page({ javaScriptEnabled: false, viewport: { width: 800, height: 600 } });
  await p.goto(`${SITE}/sv.html`);
  const email = address("ville.nojs");
  await fill(p, { email, package: "some-haltuun" });
  await Promise.all([p.waitForURL(/\/orders\/thanks\?reference=/, { timeout: 30000 }), p.click("button[type=submit]")]);
  const url = new URL(p.url());
  const reference = url.searchParams.get("reference");
  assert.match(reference, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.equal(url.searchParams.get("lang"), "sv");
  assert.equal(await p.getAttribute("html", "lang"), "sv");
  assert.equal((await p.locator("h1").textContent()).trim(), "Tack för din beställning!");
  assert.equal((await p.locator(".reference strong").textContent()).trim(), reference);
  assert.equal((await ordersFrom(email)).length, 1);
  await p.screenshot({ path: path.join(SHOTS, "thank-you.png") });
  await p.context().close();
});

test("a refused order: a summary at the top, focused, linking to each field in page order; nothing stored", async () => {
  const p = await page();
  await p.goto(`${SITE}/index.html`);
  await fill(p, { email: `anna ${TAG} at tuusula`, consent: false });
  await p.fill("#organization", "");
  await p.click("button[type=submit]");
  const summary = p.locator("#error-summary");
  await summary.waitFor({ state: "visible", timeout: 30000 });
  assert.equal(await p.evaluate(() => document.activeElement.id), "error-summary", "the summary has focus");
  assert.equal((await summary.locator("h2").textContent()).trim(), "Tilauksessa on korjattavaa");
  const links = await summary.locator("a").evaluateAll((all) => all.map((a) => [a.getAttribute("href"), a.textContent]));
  assert.deepEqual(links.map(([href]) => href), ["#organization", "#email", "#privacy_consent"], "in the page's order");
  assert.equal(links[0][1], "Kirjoita organisaation nimi");
  assert.match(await p.title(), /^Virhe: Tilaa somekoulutus/);
  // Inline, worded as in the summary, with "Virhe:" for screen readers only.
  assert.equal((await p.locator("#email-error").textContent()).trim(), `Virhe: ${links[1][1]}`);
  const hidden = await p.locator("#email-error .visually-hidden").boundingBox();
  assert.ok(hidden.width <= 1 && hidden.height <= 1, "the prefix is not shown");
  assert.equal(await p.getAttribute("#email", "aria-invalid"), "true");
  await p.screenshot({ path: path.join(SHOTS, "form-errors.png") });
  await summary.locator("a").nth(1).click();
  assert.equal(await p.evaluate(() => document.activeElement.id), "email", "a link takes focus to its field");
  assert.equal(await p.isEnabled("button[type=submit]"), true);
  assert.equal((await emails(TAG)).filter((e) => JSON.stringify(e).includes(`anna ${TAG}`)).length, 0);
  const scan = await dynamodb("Scan", { TableName: TABLE, ConsistentRead: true });
  assert.equal(scan.Items.filter((i) => JSON.stringify(i).includes(`anna ${TAG}`)).length, 0);
  await p.context().close();
});

test("without JavaScript, a refused order's page has the summary and says to use Back", async () => {
  const p = await page({ javaScriptEnabled: false });
  await p.goto(`${SITE}/index.html`);
  await fill(p, { email: `ville ${TAG} at kerava`, consent: false });
  await Promise.all([p.waitForURL(FUNCTION, { timeout: 30000 }), p.click("button[type=submit]")]);
  assert.match(await p.title(), /^Virhe: Tilausta ei vastaanotettu/);
  assert.equal((await p.locator(".error-summary h2").textContent()).trim(), "Tilauksessa on korjattavaa");
  const items = await p.locator(".error-summary li").allTextContents();
  assert.equal(items.length, 2);
  assert.equal(items[0], "Kirjoita sähköpostiosoite muodossa nimi@kunta.fi");
  assert.equal(items[1], "Vahvista, että olet tutustunut tietosuojaselosteeseen");
  assert.match(await p.locator("main").textContent(), /Takaisin-painikkeella – täyttämäsi tiedot säilyvät/);
  await p.context().close();
});

test("the date inputs show a Finnish user's format, pp.kk.vvvv", async () => {
  const p = await page();
  await p.goto(`${SITE}/index.html`);
  assert.equal(await dateFormatShown(p, "#date-1"), "pp.kk.vvvv");
  await p.context().close();
});

// WCAG's relative luminance and contrast ratio of two CSS colours `rgb(r, g, b)`.
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, bl] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("the focus indicator has at least 3:1 contrast against every background it appears on", async () => {
  const p = await page();
  await p.goto(`${SITE}/index.html`);
  const seen = await p.evaluate(() => {
    const background = (el) => {
      for (let at = el.parentElement; at; at = at.parentElement) {
        const color = getComputedStyle(at).backgroundColor;
        if (!/rgba\(0, 0, 0, 0\)|transparent/.test(color)) return color;
      }
      return "rgb(255, 255, 255)";
    };
    const focusable = [...document.querySelectorAll(".st-order input:not([type=hidden]):not([tabindex='-1']), .st-order textarea, .st-order button, .st-order a")];
    return focusable.map((el) => {
      el.focus();
      const style = getComputedStyle(el);
      return { name: el.id || el.name || el.textContent.trim(), outline: style.outlineColor, width: style.outlineWidth, style: style.outlineStyle, behind: background(el) };
    });
  });
  assert.ok(seen.length > 20, "every focusable element of the form was tried");
  for (const { name, outline, width, style, behind } of seen) {
    assert.equal(style, "solid", `${name}: a focus outline`);
    assert.ok(parseFloat(width) >= 2, `${name}: at least 2px`);
    const ratio = contrast(outline, behind);
    assert.ok(ratio >= 3, `${name}: ${outline} on ${behind} is ${ratio.toFixed(2)}:1`);
  }
  await p.context().close();
});

test("a double click places one order and sends one pair of emails", async () => {
  const p = await page();
  await p.goto(`${SITE}/en.html`);
  const email = address("double.click");
  await fill(p, { email });
  await p.dblclick("button[type=submit]");
  await p.locator("#order-reference").waitFor({ timeout: 30000 });
  await p.waitForTimeout(500); // let a second request, if any had gone, land
  assert.equal((await ordersFrom(email)).length, 1);
  assert.equal((await emails(email)).length, 2);
  await p.context().close();
});

test("the form is readable on a phone", async () => {
  const p = await page({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await p.goto(`${SITE}/index.html`);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
  await p.screenshot({ path: path.join(SHOTS, "form-phone.png") });
  await p.context().close();
});

test("the honeypot is invisible to people and screen readers", async () => {
  const p = await page();
  await p.goto(`${SITE}/index.html`);
  const box = await p.locator("#gotcha").boundingBox();
  assert.ok(!box || box.x + box.width < 0, "off screen");
  assert.equal(await p.getAttribute(".hp", "aria-hidden"), "true");
  assert.equal(await p.getAttribute("#gotcha", "tabindex"), "-1");
  const snapshot = await p.locator("main").ariaSnapshot();
  assert.ok(!/tyhjäksi/i.test(snapshot), "not in the accessibility tree");
  await p.context().close();
});

test("no serious or critical accessibility violation on any page (axe-core)", async () => {
  const pages = ["index.html", "sv.html", "en.html", "tietosuoja.html"].map((name) => `${SITE}/${name}`);
  pages.push(`${FUNCTION}/thanks?reference=K7Q4-M2XD&lang=en`);
  // The plain form's error page, as a browser without JavaScript gets it.
  const refused = await fetch(FUNCTION, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
    body: "package=somestartti&email=x&language=sv",
  });
  assert.equal(refused.status, 422);
  pages.push(await refused.text());
  for (const name of pages) {
    // The function's own pages forbid every script (Content-Security-Policy): the test's own
    // checker is let in by the browser, not by the page.
    const p = await page({ bypassCSP: true });
    if (name.startsWith("http")) await p.goto(name);
    else await p.setContent(name);
    await p.addScriptTag({ path: AXE });
    const result = await p.evaluate(() => window.axe.run(document));
    const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), [], name);
    await p.context().close();
  }
});

test("the form is usable by keyboard alone", async () => {
  const p = await page();
  await p.goto(`${SITE}/index.html`);
  const email = address("keyboard");
  await p.focus("input[name=package][value=somestartti]");
  await p.keyboard.press("Space");
  const typeInto = async (text) => { await p.keyboard.press("Tab"); await p.keyboard.type(text); };
  await typeInto("Keravan kaupunki"); // organization
  await typeInto(""); // business id
  await typeInto("Ville Nieminen");
  await typeInto(email);
  await p.focus("#privacy_consent");
  await p.keyboard.press("Space");
  await p.keyboard.press("Tab"); // the privacy notice link
  await p.keyboard.press("Tab"); // the button
  assert.equal(await p.evaluate(() => document.activeElement.type), "submit");
  await p.keyboard.press("Enter");
  await p.locator("#order-reference").waitFor({ timeout: 30000 });
  assert.equal((await ordersFrom(email)).length, 1);
  await p.context().close();
});

test("every email's HTML renders: customer in fi, sv and en, and the trainers'", async () => {
  const references = {};
  for (const language of ["fi", "sv", "en"]) {
    const response = await fetch(FUNCTION, {
      method: "POST",
      // Plain sample data for the pictures; the key makes each run's order its own.
      headers: { "content-type": "application/json", "idempotency-key": `render-${language}-${TAG}` },
      body: JSON.stringify({
        package: "some-haltuun", organization: "Tuusulan kunta", contact_name: "Anna Virtanen",
        email: "anna.virtanen@tuusula.example", privacy_consent: true, language, participants: 15,
        workshop_language: language,
        business_id: "0201256-6", phone: "+358 40 123 4567", channels: ["facebook", "instagram"],
        preferred_dates: [new Date(Date.now() + 50 * 86400e3).toISOString().slice(0, 10)],
        location: "Kunnantalo", einvoice_address: "003701577119", einvoice_operator: "003703575029",
        billing_reference: "Viestintä / 2027", message: "Toivomme esimerkkejä kaavoituksesta.\nOsallistujia noin 15.",
      }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    references[language] = (await response.json()).reference;
  }
  const shots = [
    ["email-customer-fi.png", references.fi, (e) => !e.subject.startsWith("Uusi tilaus")],
    ["email-customer-sv.png", references.sv, (e) => !e.subject.startsWith("Uusi tilaus")],
    ["email-customer-en.png", references.en, (e) => !e.subject.startsWith("Uusi tilaus")],
    ["email-trainer.png", references.fi, (e) => e.subject.startsWith("Uusi tilaus")],
  ];
  for (const [file, reference, pick] of shots) {
    const [email] = (await emails(reference)).filter(pick);
    assert.ok(email, `${file}: email not found`);
    const p = await page({ viewport: { width: 700, height: 900 } });
    await p.setContent(email.body.html, { waitUntil: "load" });
    const text = await p.evaluate(() => document.body.innerText);
    assert.ok(text.includes(reference), `${file}: the rendered email shows its reference`);
    const total = file.endsWith("-en.png") ? "€1,129.50" : "1\u00a0129,50\u00a0€";
    assert.ok(text.includes(total), `${file}: the rendered email shows the total`);
    assert.ok(!/\{\{|\{%|<\/?[a-z]+[ >]/i.test(text), `${file}: no template or markup leaks into the text`);
    // The customer's email has the order and, under it, the details they gave; the trainers'
    // whom and what first, the invoicing details last, after the message.
    const tables = 2;
    assert.equal(await p.evaluate(() => document.querySelectorAll("table").length), tables, `${file}: tables well formed`);
    assert.ok(await p.evaluate(() => [...document.querySelectorAll("table")].every((t) => t.rows.length > 0)), `${file}: no empty table`);
    await p.screenshot({ path: path.join(SHOTS, file), fullPage: true });
    await p.context().close();
    if (file === "email-trainer.png") {
      // On a phone (390 px) the action is on the first screen, before the order's rows.
      const phone = await page({ viewport: { width: 390, height: 844 } });
      await phone.setContent(email.body.html, { waitUntil: "load" });
      const top = await phone.evaluate(() => document.querySelector("a[href*='/booking']").getBoundingClientRect().top);
      assert.ok(top < 844 / 2, `the booking button is near the top on a phone (${top} px down)`);
      const wide = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `nothing runs off a phone's screen (${wide} px wide)`);
      await phone.screenshot({ path: path.join(SHOTS, "email-trainer-phone.png"), fullPage: true });
      await phone.context().close();
    }
  }
});

test("the form embedded in another site changes nothing outside itself", async () => {
  const css = fs.readFileSync(path.join(ROOT, "web/form.css"), "utf8");
  const index = fs.readFileSync(path.join(ROOT, "web/index.html"), "utf8");
  const form = index.slice(index.indexOf('<main class="st-order">'), index.indexOf("</main>") + "</main>".length);
  assert.ok(form.includes("order-form"), "the form's markup was found");
  const host = (embedded) => `<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8">
    <style>
      body { font-family: Georgia, serif; background: rgb(250, 240, 230); margin: 8px; line-height: 1.2; }
      h1 { font-size: 40px; } a { color: rgb(1, 2, 3); } p { margin: 2px; }
      label { color: rgb(200, 0, 0); display: inline; } input { width: 90px; padding: 1px; }
      button { background: rgb(0, 128, 0); width: auto; padding: 2px; } fieldset { border: 3px dashed blue; }
    </style>
    ${embedded ? `<style>${css}</style>` : ""}</head>
    <body><h1 id="h">Kunnan sivu</h1><p id="p">Teksti ja <a id="a" href="#">linkki</a></p>
    <fieldset id="f"><label id="l">Haku <input id="i"></label><button id="b">Hae</button></fieldset>
    ${embedded ? form : ""}</body></html>`;
  const styles = async (embedded) => {
    const p = await page();
    await p.setContent(host(embedded), { waitUntil: "load" });
    const seen = await p.evaluate(() => {
      const props = ["color", "background-color", "font-family", "font-size", "line-height", "margin", "padding",
        "display", "width", "box-sizing", "border-top-style", "border-top-width", "font-weight"];
      return Object.fromEntries(["h", "p", "a", "l", "i", "b", "f"].map((id) => {
        const style = getComputedStyle(document.getElementById(id));
        return [id, Object.fromEntries(props.map((name) => [name, style.getPropertyValue(name)]))];
      }).concat([["body", Object.fromEntries(["background-color", "font-family", "margin", "line-height"]
        .map((name) => [name, getComputedStyle(document.body).getPropertyValue(name)]))]]));
    });
    await p.context().close();
    return seen;
  };
  assert.deepEqual(await styles(true), await styles(false));
});
