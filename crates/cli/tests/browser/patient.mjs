// Drives the Collis patient view (/live?view=patient&…) in headless Chromium as a patient
// would: the therapist's link opens it with the subject and exercise set, the patient reads
// the task, presses Start and follows the box. A fake webcam plays a .y4m file. Records what
// the patient could see (visible settings, dials, the cue and the countdown every half second,
// the result, anything wider than the screen) and takes screenshots while running and at the end.
// Usage: node patient.mjs BASE_URL OUT_DIR Y4M SUBJECT SECONDS WIDTH HEIGHT
// Writes OUT_DIR/patient-WIDTH.json, patient-WIDTH-running.png and patient-WIDTH-done.png.
import { writeFileSync } from "node:fs";
import { openPage } from "./launch.mjs";

const [base, out, y4m, subject, seconds, width, height] = process.argv.slice(2);
let done = null;
const { browser, page, errors } = await openPage({
  args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${y4m}`, "--autoplay-policy=no-user-gesture-required"],
  viewport: { width: +width, height: +height },
  onMessage: (m) => { if (m.type === "done") done = m; },
});
const q = new URLSearchParams({ view: "patient", subject, exercise: "hold-neutral", seconds, source: "webcam" });
await page.goto(`${base}/live?${q}`);
// What is on the screen for the patient: visible means laid out with a size.
const seen = () => page.evaluate(() => {
  const visible = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const w = document.documentElement.clientWidth;
  return {
    task: document.getElementById("task-text").textContent,
    settings_visible: ["zone", "t-rot", "exercise", "source", "emg-channels"].filter((id) => visible(document.getElementById(id))),
    fps_visible: visible(document.getElementById("fps")),
    dials_visible: [...document.querySelectorAll(".dial")].filter(visible).map((d) => d.querySelector("line").id.replace("needle-", "")),
    cue: document.getElementById("cue").textContent,
    cue_visible: visible(document.getElementById("cue")),
    cue_font_px: parseFloat(getComputedStyle(document.getElementById("cue")).fontSize),
    countdown: visible(document.getElementById("countdown")) ? document.getElementById("countdown").textContent : null,
    // The cue and the dials shown are wholly on the screen (not scrolled away).
    in_view: [document.getElementById("cue"), ...[...document.querySelectorAll(".dial")].filter(visible)]
      .every((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }),
    overflow: [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > w + 1 && !e.parentElement.closest(".scroll"))
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}`).slice(0, 10),
  };
});
const before = await seen();
// The keyboard alone starts it: the Start button takes the focus and Enter presses it.
await page.focus("#start");
await page.keyboard.press("Enter");
const running = [];
while (!(await page.$("#result h2")) && running.length < 240) {
  running.push(await seen());
  if (running.length === 12) await page.screenshot({ path: `${out}/patient-${width}-running.png` });
  await page.waitForTimeout(500);
}
await page.waitForSelector("#result h2", { timeout: 120000 });
await page.waitForTimeout(300);
await page.screenshot({ path: `${out}/patient-${width}-done.png`, fullPage: true });
const result = await page.evaluate(() => document.getElementById("result").textContent);
const after = await seen();
writeFileSync(`${out}/patient-${width}.json`, JSON.stringify({ before, running, after, result, done, errors }, null, 1));
await browser.close();
