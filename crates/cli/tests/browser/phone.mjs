// Drives the Collis live page as a phone would use it, in headless Chromium (Debian's, through
// playwright-core): the page's DeviceMotion listener gets synthetic motion events at 100 Hz
// (a still head, the phone upright at the back of the head: gravity on the device's +y) and
// runs a short hold-neutral exercise to the end.
// Usage: node phone.mjs BASE_URL OUT_JSON SUBJECT SECONDS
import { writeFileSync } from "node:fs";
import { openPage, startExercise } from "./launch.mjs";

const [base, out, subject, seconds] = process.argv.slice(2);

let done = null;
let angles = 0;
const { browser, page, errors } = await openPage({
  onMessage: (m) => {
    if (m.type === "angles") angles += m.frames.length;
    if (m.type === "done") done = m;
  },
});
await startExercise(page, base, { source: "phone", subject, exercise: "hold-neutral", seconds });
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
