// The trainers' booking page as they use it, on a phone, in Chromium, against the real local
// stack (scripts/e2e.sh): the link in their email, the page by keyboard alone, axe-core, and the
// customer's booking email in three languages. Screenshots under docs/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AXE, emails, launch, recordInvoice } from "./support.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FUNCTION = process.env.FUNCTION_URL ?? "http://127.0.0.1:9100/orders";
const SHOTS = path.join(ROOT, "docs/screenshots");
const TAG = Math.random().toString(36).slice(2, 10);
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "fi-FI" };

let browser;

before(async () => {
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
});

/// Places an order in `language` and returns its reference and the booking link from the
/// trainers' email.
let orders = 0;

async function order(language) {
  orders += 1;
  const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);
  const response = await fetch(FUNCTION, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      package: "somestartti", organization: "Tuusulan kunta", contact_name: "Anna Virtanen",
      email: `anna.${language}+${TAG}@tuusula.example`, privacy_consent: true, language,
      phone: "+358 40 123 4567", participants: 15, channels: ["facebook", "instagram"],
      preferred_dates: [day(30), day(37)], location: "Kunnantalo, valtuustosali",
      message: `Toivomme esimerkkejä kaavoituksen viestinnästä. (${orders})`,
    }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  const reference = (await response.json()).reference;
  const [notification] = (await emails(reference)).filter((e) => e.subject.startsWith("Uusi tilaus"));
  const link = notification.body.text.match(/(\S+\/booking\?token=\S+)/)[1];
  return { reference, link };
}

async function phone(options = {}) {
  const context = await browser.newContext({ ...PHONE, ...options });
  return context.newPage();
}

/// Books the order on its first wished day at 9.00, at the order's place, led by Jaana, as a
/// signed-in trainer does on a phone: the check step, then the booking.
async function bookFirstWish(link, reference) {
  const trainer = await phone();
  await signIn(trainer, link, reference);
  await trainer.goto(link);
  await trainer.check("input[name=date] >> nth=0");
  await trainer.fill("#start", "09:00");
  await trainer.check("input[name=place_offer]");
  await trainer.check("input[name=trainer][value='Jaana Pohjola']");
  await Promise.all([trainer.waitForSelector("text=Asiakas saa tämän"), trainer.click("button[type=submit]")]);
  await Promise.all([trainer.waitForURL(/done=booked/, { timeout: 30000 }), trainer.click("button[type=submit]")]);
  await trainer.context().close();
}

/// Signs `p`'s browser in as Pilvi from the order's booking link, as she does: the link shows
/// only the sign-in, her button mails her a link, its page's button signs in (a cookie).
async function signIn(p, link, reference, screenshot = false) {
  await p.goto(link);
  assert.match(await p.locator("h1").textContent(), /Kirjaudu varaussivulle/);
  assert.equal(await p.locator("text=Tuusulan kunta").count(), 0, "no order data before signing in");
  if (screenshot) await p.screenshot({ path: path.join(SHOTS, "sign-in-page-phone.png"), fullPage: true });
  await Promise.all([p.waitForLoadState("load"), p.click("button:has-text('Pilvi Nummi')")]);
  const email = (await emails(`.signin.${reference}.`)).filter((e) => e.subject === "Kirjautuminen varaussivulle").at(-1);
  assert.ok(email, "a sign-in email");
  assert.deepEqual(email.destination.to, ["pilvi.nummi@some-tyopajat.example"]);
  await p.goto(email.body.text.match(/(\S+\/booking\?signin=\S+)/)[1]);
  await Promise.all([p.waitForURL(/booking\?token=/, { timeout: 30000 }), p.click("button[type=submit]")]);
}

test("a trainer books on a phone by keyboard alone, from the link in the email", async () => {
  const { reference, link } = await order("fi");
  const p = await phone();
  await signIn(p, link, reference, true);
  await p.goto(link);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
  assert.match(await p.locator("h1").textContent(), /Tuusulan kunta/);
  await p.screenshot({ path: path.join(SHOTS, "booking-page-phone.png"), fullPage: true });
  // Nothing is chosen for the trainer: the wishes and the order's place are offered.
  assert.equal(await p.inputValue("#start"), "");
  assert.equal(await p.inputValue("#end"), "");
  assert.equal(await p.locator("input[name=date]:checked").count(), 0);
  await p.focus("input[name=date] >> nth=0");
  await p.keyboard.press("Space");
  await p.focus("#start");
  await p.keyboard.type("0900");
  await p.focus("input[name=place_offer]");
  await p.keyboard.press("Space");
  await p.focus("input[name=trainer][value='Pilvi Nummi']");
  await p.keyboard.press("Space");
  await p.keyboard.press("Tab"); // Jaana Pohjola
  await p.keyboard.press("Tab"); // the note
  await p.keyboard.type("Tervetuloa! Aloitamme kahvilla.");
  await p.keyboard.press("Tab"); // the button
  assert.equal(await p.evaluate(() => document.activeElement.type), "submit");
  // The check step: what the customer will get, then its one button, by keyboard too.
  await Promise.all([p.waitForSelector("text=Asiakas saa tämän suomeksi"), p.keyboard.press("Enter")]);
  await p.screenshot({ path: path.join(SHOTS, "booking-check-phone.png"), fullPage: true });
  await p.focus("button[type=submit]");
  await Promise.all([p.waitForURL(/done=booked/, { timeout: 30000 }), p.keyboard.press("Enter")]);
  assert.match(await p.locator("[role=status]").first().textContent(), /Varaus on tallennettu/);
  await p.screenshot({ path: path.join(SHOTS, "booking-page-booked.png"), fullPage: true });
  const booking = (await emails(reference)).filter((e) => e.subject.startsWith("Koulutus on varattu"));
  assert.equal(booking.length, 1, "one booking email");
  // The invitation inline (the event card) and as a named file.
  assert.deepEqual(booking[0].attachments.map((a) => a.contentType), ["text/calendar", "application/ics"]);
  await p.context().close();
});

test("the booking page has no serious or critical accessibility violation (axe-core)", async () => {
  const { reference, link } = await order("fi");
  for (const options of [{}, { viewport: { width: 1100, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 }]) {
    // The page forbids every script: the test's own checker is let in by the browser.
    const p = await phone({ bypassCSP: true, ...options });
    // The sign-in page first, then the booking page.
    await p.goto(link);
    await p.addScriptTag({ path: AXE });
    const signInResult = await p.evaluate(() => window.axe.run(document));
    const badSignIn = signInResult.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(badSignIn.map((v) => `${v.id}: ${v.help}`), []);
    await signIn(p, link, reference);
    await p.goto(link);
    await p.addScriptTag({ path: AXE });
    const result = await p.evaluate(() => window.axe.run(document));
    const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), []);
    await p.context().close();
  }
});

test("the customer's booking email renders in fi, sv and en", async () => {
  for (const language of ["fi", "sv", "en"]) {
    const { reference, link } = await order(language);
    await bookFirstWish(link, reference);
    const [email] = (await emails(reference)).filter((e) => e.destination.to[0].startsWith(`anna.${language}`) && e.attachments?.length);
    assert.ok(email, `${language}: the booking email`);
    const view = await browser.newPage({ viewport: { width: 700, height: 900 } });
    await view.setContent(email.body.html, { waitUntil: "load" });
    const text = await view.evaluate(() => document.body.innerText);
    assert.ok(text.includes(reference), `${language}: the reference`);
    assert.ok(text.includes("Jaana Pohjola"), `${language}: the trainer`);
    assert.ok(!/\{\{|\{%|<\/?[a-z]+[ >]/i.test(text), `${language}: no template or markup leaks into the text`);
    await view.screenshot({ path: path.join(SHOTS, `email-booking-${language}.png`), fullPage: true });
    await view.close();
  }
});

test("the customer's own page: in fi, sv and en on a phone, by keyboard, axe-clean, and once booked", async () => {
  for (const language of ["fi", "sv", "en"]) {
    const { reference, link } = await order(language);
    const [confirmation] = (await emails(reference)).filter((e) => e.destination.to[0].startsWith(`anna.${language}`));
    const page = confirmation.body.text.match(/(\S+\/order\?token=\S+)/)[1];
    const p = await phone({ bypassCSP: true });
    await p.goto(page);
    assert.equal(await p.getAttribute("html", "lang"), language);
    assert.ok((await p.textContent("h1")).includes(reference), `${language}: the reference in the heading`);
    // Keyboard alone reaches the phone number (tap-to-call).
    let focused = "";
    for (let i = 0; i < 10 && !focused.startsWith("tel:"); i += 1) {
      await p.keyboard.press("Tab");
      focused = await p.evaluate(() => document.activeElement?.getAttribute("href") ?? "");
    }
    assert.ok(focused.startsWith("tel:"), `${language}: the phone is reachable by keyboard`);
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 390), `${language}: no sideways scrolling`);
    await p.addScriptTag({ path: AXE });
    const result = await p.evaluate(() => window.axe.run(document));
    const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), [], language);
    await p.screenshot({ path: path.join(SHOTS, `order-page-${language}.png`), fullPage: true });
    if (language === "fi") {
      // A trainer books it; the customer's page then shows the day and the invitation.
      await bookFirstWish(link, reference);
      await p.goto(page);
      assert.match(await p.textContent("ol"), /Koulutus on varattu/);
      const calendar = await p.getAttribute("a[download]", "href");
      const file = await fetch(new URL(calendar, p.url()));
      assert.equal(file.status, 200);
      assert.match(await file.text(), /METHOD:REQUEST/);
      await p.screenshot({ path: path.join(SHOTS, "order-page-booked.png"), fullPage: true });
      // The customer asks for another date: a wish and a message, the check step, sent.
      const wish = new Date(Date.now() + 60 * 86400000).toISOString().slice(0, 10);
      await p.fill("#date1", wish);
      await p.fill("#message", "Valtuusto kokoontuu silloin.");
      await Promise.all([p.waitForSelector("text=Tarkista pyyntö"), p.click("form[aria-labelledby=request] button")]);
      await p.screenshot({ path: path.join(SHOTS, "order-request-check.png"), fullPage: true });
      await Promise.all([p.waitForURL(/done=requested/, { timeout: 30000 }), p.click("button[type=submit]")]);
      assert.match(await p.textContent("ol"), /Pyysit toista päivää/);
      await p.addScriptTag({ path: AXE });
      const after = await p.evaluate(() => window.axe.run(document));
      const serious = after.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      assert.deepEqual(serious.map((v) => `${v.id}: ${v.help}`), [], "the page with a request");
      await p.screenshot({ path: path.join(SHOTS, "order-page-requested.png"), fullPage: true });
      // The customer cancels (free this early): the check step, then the cancellation.
      await p.fill("#reason", "Valtuuston kokous siirtyi.");
      await Promise.all([p.waitForSelector("text=Tarkista peruutus"), p.click("form[aria-labelledby=cancel] button")]);
      await Promise.all([p.waitForURL(/done=cancelled/, { timeout: 30000 }), p.click("button[type=submit]")]);
      assert.match(await p.textContent("ol"), /Koulutus on peruttu/);
      await p.screenshot({ path: path.join(SHOTS, "order-page-cancelled.png"), fullPage: true });
      // The request's receipt and the cancellation, as the customer's phone shows them.
      const mine = (await emails(reference)).filter((e) => e.destination.to[0].startsWith("anna.fi"));
      for (const [subject, file] of [["Pyyntösi toisesta päivästä", "email-request-fi.png"], ["Koulutus on peruttu", "email-cancellation-fi.png"]]) {
        const email = mine.find((e) => e.subject.startsWith(subject));
        assert.ok(email, `the email "${subject}"`);
        const view = await browser.newPage({ viewport: { width: 390, height: 800 } });
        await view.setContent(email.body.html, { waitUntil: "load" });
        assert.ok(await view.evaluate(() => document.documentElement.scrollWidth <= 390), `${file}: fits a phone`);
        await view.screenshot({ path: path.join(SHOTS, file), fullPage: true });
        await view.close();
      }
    }
    await p.context().close();
  }
});

test("the customer's page once invoiced: the invoice on the timeline, the invoicing details read-only", async () => {
  const { reference, link } = await order("fi");
  const [confirmation] = (await emails(reference)).filter((e) => e.destination.to[0].startsWith("anna.fi"));
  const page = confirmation.body.text.match(/(\S+\/order\?token=\S+)/)[1];
  // Booked first, as an invoiced workshop is.
  await bookFirstWish(link, reference);
  const p = await phone({ bypassCSP: true });
  await p.goto(page);
  assert.ok(await p.locator("form[aria-labelledby=invoicing]").count(), "correctable before the invoice");
  await recordInvoice(reference, { number: 1000, date: "2027-04-01", due: "2027-04-15", grossCents: 62750, channel: "einvoice" });
  await p.goto(page);
  assert.match(await p.textContent("ol"), /Laskutettu 1\.4\.2027: lasku 1000, eräpäivä 15\.4\.2027, viitenumero 10003\./);
  assert.equal(await p.locator("form[aria-labelledby=invoicing]").count(), 0, "read-only once invoiced");
  assert.match(await p.textContent("main"), /Lasku on jo lähetetty/);
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 390), "no sideways scrolling");
  await p.addScriptTag({ path: AXE });
  const result = await p.evaluate(() => window.axe.run(document));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), []);
  await p.screenshot({ path: path.join(SHOTS, "order-page-invoiced.png"), fullPage: true });
  await p.context().close();
});
