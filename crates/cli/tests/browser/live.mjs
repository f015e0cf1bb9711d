// Drives the Collis live page in headless Chromium (Debian's, through playwright-core) with a
// fake webcam fed from a .y4m file: runs a hold-neutral exercise to completion, records every
// angle the server sent to the page, and takes screenshots of the record and live pages.
// Usage: node live.mjs BASE_URL OUT_DIR Y4M SUBJECT SECONDS
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.COLLIS_PLAYWRIGHT || "playwright-core");
const [base, out, y4m, subject, seconds] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.COLLIS_CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${y4m}`, "--autoplay-policy=no-user-gesture-required",
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
const frames = [];
let done = null;
page.on("websocket", (ws) => ws.on("framereceived", (f) => {
  if (typeof f.payload !== "string") return;
  const m = JSON.parse(f.payload);
  if (m.type === "angles") frames.push(...m.frames);
  if (m.type === "done") done = m;
}));
await page.goto(`${base}/live`);
await page.selectOption("#source", "webcam");
await page.fill("#subject", subject);
await page.selectOption("#exercise", "hold-neutral");
await page.fill("#seconds", seconds);
await page.uncheck("#sound");
await page.click("#start");
// While it runs: the dials move and the status says so.
await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Running"), null, { timeout: 60000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: `${out}/live.png` });
await page.waitForSelector("#stored", { timeout: 120000 });
await page.screenshot({ path: `${out}/live-done.png` });
const shown = await page.evaluate(() => ({
  status: document.getElementById("status").textContent,
  result: document.getElementById("result").textContent,
  rotation: document.getElementById("value-rotation").textContent,
}));
// The record page with the new session and its progress chart.
await page.goto(`${base}/`);
await page.click(`tr.pick[data-code="${subject}"]`);
await page.waitForSelector("#sessions tbody tr");
await page.waitForTimeout(500);
await page.screenshot({ path: `${out}/record.png` });
writeFileSync(`${out}/browser.json`, JSON.stringify({ frames, done, shown, errors }, null, 1));
await browser.close();
