// Drives the Collis live page in headless Chromium (Debian's, through playwright-core) with a
// fake webcam fed from a .y4m file: runs a hold-neutral exercise to completion, records every
// angle the server sent to the page and what the page showed while it ran, takes screenshots
// of the record and live pages, and opens the session's report.
// Usage: node live.mjs BASE_URL OUT_DIR Y4M SUBJECT SECONDS [EXERCISE (hold-neutral)]
import { writeFileSync } from "node:fs";
import { openPage, startExercise } from "./launch.mjs";

const [base, out, y4m, subject, seconds, exercise = "hold-neutral"] = process.argv.slice(2);

const frames = [];
let done = null;
const { browser, page, errors } = await openPage({
  args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${y4m}`, "--autoplay-policy=no-user-gesture-required"],
  viewport: { width: 1280, height: 900 },
  onMessage: (m) => {
    if (m.type === "angles") frames.push(...m.frames);
    if (m.type === "done") done = m;
  },
});
await startExercise(page, base, { source: "webcam", subject, exercise, seconds });
// While it runs: the dials move and the status says so.
await page.waitForFunction(() => /^(Running|Step)/.test(document.getElementById("status").textContent), null, { timeout: 60000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: `${out}/live.png` });
// What the patient sees while it runs: the preview as drawn (mirrored?), where the rotation
// needle points (its tip's x: + is the screen's right), the value and the reference said.
const running = await page.evaluate(() => ({
  preview_transform: getComputedStyle(document.getElementById("preview")).transform,
  rotation_needle_x: +document.getElementById("needle-rotation").getAttribute("x2"),
  rotation: document.getElementById("value-rotation").textContent,
  instructions: document.getElementById("instructions").textContent,
}));
// The cue as the patient reads it, every half second until the result.
const cues = [];
while (!(await page.$("#result h2")) && cues.length < 240) {
  cues.push(await page.evaluate(() => ({
    status: document.getElementById("status").textContent,
    cue: document.getElementById("cue").textContent,
    colour: document.getElementById("cue").dataset.colour,
  })));
  await page.waitForTimeout(500);
}
await page.waitForSelector("#result h2", { timeout: 120000 });
await page.screenshot({ path: `${out}/live-done.png` });
const shown = await page.evaluate(() => ({
  status: document.getElementById("status").textContent,
  result: document.getElementById("result").textContent,
  rotation: document.getElementById("value-rotation").textContent,
}));
let report = null;
if (done.session_id != null) {
  // The record page with the new session and its progress chart.
  await page.goto(`${base}/`);
  await page.click(`tr.pick[data-code="${subject}"]`);
  await page.waitForSelector("#sessions tbody tr");
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/record.png` });
  // The session's report, styled by its one inline style sheet (allowed by its hash).
  await page.goto(`${base}/api/sessions/${done.session_id}/report`);
  report = await page.evaluate(() => ({
    subject: document.getElementById("subject").textContent,
    font_size: getComputedStyle(document.body).fontSize,
  }));
}
writeFileSync(`${out}/browser.json`, JSON.stringify({ frames, done, shown, running, cues, report, errors }, null, 1));
await browser.close();
