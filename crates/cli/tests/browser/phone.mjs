// Drives the Collis live page as a phone would use it, in headless Chromium (Debian's, through
// playwright-core): the page's DeviceMotion listener gets synthetic motion events at 100 Hz
// (a head swaying by 1°, the phone upright at the back of the head: gravity on the device's
// +y) and
// runs a short hold-neutral exercise to the end, at a phone's width (390 px); records what of
// the live and record pages is wider than the screen (nothing should be).
// With TILT_DEG the head is held that much off upright throughout (the phone turned about its
// z axis, gravity with a component on the device's x: + = x, the head's right, up).
// Usage: node phone.mjs BASE_URL OUT_JSON SUBJECT SECONDS [TILT_DEG]
import { writeFileSync } from "node:fs";
import { openPage, startExercise } from "./launch.mjs";

const [base, out, subject, seconds, tiltDeg = "0"] = process.argv.slice(2);

let done = null;
let angles = 0;
const { browser, page, errors } = await openPage({
  viewport: { width: 390, height: 844 },
  onMessage: (m) => {
    if (m.type === "angles") angles += m.frames.length;
    if (m.type === "done") done = m;
  },
});
await startExercise(page, base, { source: "phone", subject, exercise: "hold-neutral", seconds });
// The "sensor": 100 Hz DeviceMotion events until the page reports the result. A worn phone
// is never perfectly still: the head sways ±1° about the phone's z axis (the head's tilt) at
// 0.25 Hz, with the rotation rate and gravity that go with it. (A constant gravity reads as
// the sensor lying on a table, which the analysis rightly leaves out.)
await page.evaluate((tilt) => {
  const t0 = performance.now();
  window.__motion = setInterval(() => {
    const t = (performance.now() - t0) / 1000, w = 2 * Math.PI * 0.25;
    const theta = (Math.PI / 180) * (tilt + Math.sin(w * t));
    const rate = w * Math.cos(w * t); // °/s: 1° × ω
    window.dispatchEvent(new DeviceMotionEvent("devicemotion", {
      interval: 10,
      rotationRate: { alpha: rate, beta: 0, gamma: 0 },
      accelerationIncludingGravity: { x: 9.81 * Math.sin(theta), y: 9.81 * Math.cos(theta), z: 0.02 },
      acceleration: { x: 0, y: 0, z: 0 },
    }));
  }, 10);
}, +tiltDeg);
await page.waitForSelector("#stored", { timeout: 120000 });
await page.evaluate(() => clearInterval(window.__motion));
const result = await page.evaluate(() => document.getElementById("result").textContent);
// What the page says of the hold's level against gravity (shown only when not upright).
const level = await page.evaluate(() => { const e = document.getElementById("level"); return e.hidden ? null : e.textContent; });
// Elements reaching past the screen's right edge, on the live page (with its result) and the
// record page with the subject open; a wide table inside a box that scrolls sideways (.scroll)
// does not widen the page and is not counted.
const overflow = () => page.evaluate(() => {
  const w = document.documentElement.clientWidth;
  return { page_width: document.documentElement.scrollWidth, screen_width: w,
    wider: [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > w + 1 && !e.parentElement.closest(".scroll"))
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}`).slice(0, 10) };
});
const layout = { live: await overflow() };
await page.goto(`${base}/`);
await page.click(`tr.pick[data-code="${subject}"]`);
await page.waitForSelector("#sessions tbody tr");
layout.record = await overflow();
writeFileSync(out, JSON.stringify({ done, angles, result, level, layout, errors }, null, 1));
await browser.close();
