// Drives the Collis live page as a phone would use it, in headless Chromium (Debian's, through
// playwright-core): the page's DeviceMotion listener gets synthetic motion events at 100 Hz
// (a still head, the phone upright at the back of the head: gravity on the device's +y) and
// runs a short hold-neutral exercise to the end.
// Usage: node phone.mjs BASE_URL OUT_JSON SUBJECT SECONDS
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.COLLIS_PLAYWRIGHT || "playwright-core");
const [base, out, subject, seconds] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.COLLIS_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
let done = null;
let angles = 0;
page.on("websocket", (ws) => ws.on("framereceived", (f) => {
  const m = JSON.parse(f.payload);
  if (m.type === "angles") angles += m.frames.length;
  if (m.type === "done") done = m;
}));
await page.goto(`${base}/live`);
await page.selectOption("#source", "phone");
await page.fill("#subject", subject);
await page.selectOption("#exercise", "hold-neutral");
await page.fill("#seconds", seconds);
await page.uncheck("#sound");
await page.click("#start");
// The "sensor": 100 Hz DeviceMotion events until the page reports the result.
await page.evaluate(() => {
  window.__motion = setInterval(() => {
    const w = 0.002 * Math.sin(performance.now() / 100);
    window.dispatchEvent(new DeviceMotionEvent("devicemotion", {
      interval: 10,
      rotationRate: { alpha: w, beta: -w, gamma: w },
      accelerationIncludingGravity: { x: 0.01, y: 9.81, z: 0.02 },
      acceleration: { x: 0, y: 0, z: 0 },
    }));
  }, 10);
});
await page.waitForSelector("#stored", { timeout: 120000 });
await page.evaluate(() => clearInterval(window.__motion));
const result = await page.evaluate(() => document.getElementById("result").textContent);
writeFileSync(out, JSON.stringify({ done, angles, result, errors }, null, 1));
await browser.close();
