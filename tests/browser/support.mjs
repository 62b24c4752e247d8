// What the browser tests share: Chromium as they launch it, and the SES emulator's emails.
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.resolve("tools/package.json"));
const { chromium } = require("playwright-core");

export const AXE = require.resolve("axe-core/axe.min.js");
export const SES = process.env.SES_URL ?? "http://127.0.0.1:8105";

/// Debian's Chromium, headless, in Finnish (date pickers show pp.kk.vvvv), quiet.
export function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=fi-FI"],
  });
}

/// The emails the emulator holds that mention `filter`.
export async function emails(filter) {
  const store = await (await fetch(`${SES}/store`)).json();
  return store.emails.filter((e) => JSON.stringify(e).includes(filter));
}
