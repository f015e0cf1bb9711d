// What the browser tests share: Debian's Chromium launched headless through playwright-core
// (COLLIS_PLAYWRIGHT, COLLIS_CHROMIUM override where they are), a page that collects its own
// errors (scripts' and the Content-Security-Policy's) and the server's WebSocket messages, and
// an exercise started on the live page.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.COLLIS_PLAYWRIGHT || "playwright-core");

/// Launches Chromium with `args` beside the quiet defaults and opens one page; each text
/// WebSocket message from the server, parsed, goes to `onMessage`.
export async function openPage({ args = [], viewport, onMessage }) {
  const browser = await chromium.launch({
    executablePath: process.env.COLLIS_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", ...args],
  });
  const page = await browser.newPage(viewport ? { viewport } : {});
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // Whatever the server's Content-Security-Policy blocks is an error of the page too.
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  page.on("websocket", (ws) => ws.on("framereceived", (f) => {
    if (typeof f.payload === "string") onMessage(JSON.parse(f.payload));
  }));
  return { browser, page, errors };
}

/// Opens the live page at `base` and starts `exercise` from `source` for `subject`, sound off;
/// `fields` fills further inputs (selector → value) before the start.
export async function startExercise(page, base, { source, subject, exercise, seconds, fields = {} }) {
  await page.goto(`${base}/live`);
  await page.selectOption("#source", source);
  await page.fill("#subject", subject);
  await page.selectOption("#exercise", exercise);
  await page.fill("#seconds", seconds);
  for (const [selector, value] of Object.entries(fields)) await page.fill(selector, value);
  await page.uncheck("#sound");
  await page.click("#start");
}
