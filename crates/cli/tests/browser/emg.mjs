// Drives the Collis live page with surface EMG from a "serial port", in headless Chromium
// (Debian's, through playwright-core): navigator.serial is replaced by a port whose readable
// stream yields text lines of synthetic 2-channel EMG at 1 kHz in real time — Gaussian noise
// at rest, and on the first channel a burst from BURST_ON to BURST_OFF seconds — and the
// page runs an EMG relax exercise to the end. The bars' colours are sampled every 50 ms.
// Usage: node emg.mjs BASE_URL OUT_JSON SUBJECT REST_S SECONDS BURST_ON BURST_OFF
import { writeFileSync } from "node:fs";
import { openPage, startExercise } from "./launch.mjs";

const [base, out, subject, rest, seconds, on, off] = process.argv.slice(2);

let done = null;
const { browser, page, errors } = await openPage({
  onMessage: (m) => {
    if (m.type === "done") done = m;
  },
});
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
await startExercise(page, base, {
  source: "emg-serial", subject, exercise: "emg-relax", seconds,
  fields: { "#emg-rate": "1000", "#emg-rest": rest },
});
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
