// Drives the Collis live page with surface EMG from a "serial port", in headless Chromium
// (Debian's, through playwright-core): navigator.serial is replaced by a port whose readable
// stream yields text lines of synthetic 2-channel EMG at 1 kHz in real time — Gaussian noise
// at rest, and on the first channel a burst from BURST_ON to BURST_OFF seconds — and the
// page runs an EMG relax exercise to the end. The bars' colours are sampled every 50 ms.
// Usage: node emg.mjs BASE_URL OUT_JSON SUBJECT REST_S SECONDS BURST_ON BURST_OFF
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.COLLIS_PLAYWRIGHT || "playwright-core");
const [base, out, subject, rest, seconds, on, off] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.COLLIS_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
let done = null;
page.on("websocket", (ws) => ws.on("framereceived", (f) => {
  const m = JSON.parse(f.payload);
  if (m.type === "done") done = m;
}));
await page.addInitScript(([on, off]) => {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  let n = 0, start = null;
  const readable = new ReadableStream({
    async pull(ctrl) {
      start ??= performance.now();
      // Samples due by now (1 kHz), at most 50 at a time.
      let due;
      while ((due = Math.min(n + 50, Math.floor(performance.now() - start))) <= n) {
        await new Promise((r) => setTimeout(r, 10));
      }
      let text = "";
      for (; n < due; n++) {
        const t = n / 1000;
        const a = t >= on && t < off ? 100 : 5;
        text += `${(a * gauss()).toFixed(2)},${(5 * gauss()).toFixed(2)}\n`;
      }
      ctrl.enqueue(new TextEncoder().encode(text));
    },
  });
  const port = { open: async () => {}, close: async () => {}, readable };
  Object.defineProperty(navigator, "serial", { value: { requestPort: async () => port } });
}, [+on, +off]);
await page.goto(`${base}/live`);
await page.selectOption("#source", "emg-serial");
await page.fill("#subject", subject);
await page.selectOption("#exercise", "emg-relax");
await page.fill("#seconds", seconds);
await page.fill("#emg-rate", "1000");
await page.fill("#emg-rest", rest);
await page.uncheck("#sound");
await page.click("#start");
const samples = [];
const t0 = Date.now();
while (!(await page.$("#stored")) && Date.now() - t0 < 120000) {
  samples.push(await page.evaluate(() => ({
    bars: document.querySelectorAll("#bars .bar").length,
    colours: [...document.querySelectorAll("#bars .bar")].map((b) => b.dataset.colour),
    heights: [...document.querySelectorAll("#bars rect.level")].map((r) => +r.getAttribute("height")),
    cue: document.getElementById("cue").dataset.colour,
  })));
  await new Promise((r) => setTimeout(r, 50));
}
const result = await page.evaluate(() => document.getElementById("result").textContent);
writeFileSync(out, JSON.stringify({ done, samples, result, errors }, null, 1));
await browser.close();
