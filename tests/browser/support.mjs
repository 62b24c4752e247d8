// What the browser tests share: Chromium as they launch it, and the SES emulator's emails.
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.resolve("tools/package.json"));
const { chromium } = require("playwright-core");

export const AXE = require.resolve("axe-core/axe.min.js");
export const SES = process.env.SES_URL ?? "http://127.0.0.1:8105";

/// Debian's Chromium, headless, quiet, in Finnish as a Finnish user's: on Linux the browser's
/// language (and so the date inputs' pp.kk.vvvv) comes from LANG, with chromium-l10n's files.
export function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    env: { ...process.env, LANG: "fi_FI.UTF-8", LANGUAGE: "fi" },
  });
}

/// The text a date input shows when empty, from its user-agent shadow tree (`pp.kk.vvvv`).
export async function dateFormatShown(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send("DOM.getDocument", { depth: -1, pierce: true });
  const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
  const { node } = await cdp.send("DOM.describeNode", { nodeId, depth: -1, pierce: true });
  const texts = [];
  (function walk(n) {
    if (n.nodeType === 3) texts.push(n.nodeValue);
    for (const child of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) walk(child);
  })(node);
  await cdp.detach();
  return texts.join("").trim();
}

/// The emails the emulator holds that mention `filter`.
export async function emails(filter) {
  const store = await (await fetch(`${SES}/store`)).json();
  return store.emails.filter((e) => JSON.stringify(e).includes(filter));
}

export const DYNAMODB = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? "http://127.0.0.1:8100";
export const TABLE = process.env.ORDERS_TABLE ?? "orders-e2e";

/// Records an invoice on an order as `orders invoice` does (the attributes the customer's page
/// reads: number, dates, amount with VAT, channel), with one call to DynamoDB Local, which
/// checks no signature.
export async function recordInvoice(reference, { number, date, due, grossCents, channel }) {
  const response = await fetch(DYNAMODB, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "DynamoDB_20120810.UpdateItem",
      authorization: "AWS4-HMAC-SHA256 Credential=local/20261206/eu-north-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify({
      TableName: TABLE,
      Key: { pk: { S: `order#${reference}` } },
      UpdateExpression: "SET invoice_number = :n, invoice_date = :d, invoice_due_date = :due, invoice_gross_cents = :g, invoice_channel = :c",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: {
        ":n": { N: String(number) }, ":d": { S: date }, ":due": { S: due },
        ":g": { N: String(grossCents) }, ":c": { S: channel },
      },
    }),
  });
  if (!response.ok) throw new Error(`DynamoDB Local: ${response.status} ${await response.text()}`);
}
