// Pairs a phone as the head sensor over HTTPS, in headless Chromium with two browser contexts
// (no shared cookies): the computer opens the live page with the server's token and starts a
// session with the paired-phone source, which shows a QR code; the "phone" opens the address
// it encodes, lands on the sensor page and streams synthetic DeviceMotion events (a head
// swaying by 1°, as phone.mjs); the computer's page shows the feedback and the result.
// Chromium trusts the server's own certificate by its public key (the SPKI hash computed here
// from the certificate file), as a phone trusts it once accepted. Also records that the code
// is spent (a third context gets 410) and that the paired phone cannot read the record.
// Usage: node pair.mjs BASE_URL OUT_DIR TOKEN CERT_PEM SUBJECT SECONDS
import { readFileSync, writeFileSync } from "node:fs";
import { X509Certificate, createHash } from "node:crypto";
import { openPage } from "./launch.mjs";

const [base, out, token, certFile, subject, seconds] = process.argv.slice(2);
const spki = createHash("sha256")
  .update(new X509Certificate(readFileSync(certFile)).publicKey.export({ type: "spki", format: "der" }))
  .digest("base64");
const frames = [];
let done = null;
const { browser, page, errors } = await openPage({
  args: [`--ignore-certificate-errors-spki-list=${spki}`],
  viewport: { width: 1280, height: 900 },
  onMessage: (m) => {
    if (m.type === "angles") frames.push(...m.frames);
    if (m.type === "done") done = m;
  },
});
// The computer: the live page with the token, a hold-neutral session on the paired phone.
await page.goto(`${base}/live?token=${token}`);
await page.selectOption("#source", "paired-phone");
await page.fill("#subject", subject);
await page.selectOption("#exercise", "hold-neutral");
await page.fill("#seconds", seconds);
await page.uncheck("#sound");
await page.click("#start");
await page.waitForFunction(() => document.getElementById("pair-url").textContent.startsWith("https://"), null, { timeout: 30000 });
const url = await page.evaluate(() => document.getElementById("pair-url").textContent);
await page.locator("#pair-qr svg").screenshot({ path: `${out}/qr.png` });
await page.screenshot({ path: `${out}/pair.png` });

// The phone: its own context (no token, no cookies), the address from the QR code.
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
const sensor = await phone.newPage();
const phoneErrors = [];
sensor.on("pageerror", (e) => phoneErrors.push(String(e)));
await sensor.goto(url);
const landed = await sensor.evaluate(() => ({ path: location.pathname, secure: window.isSecureContext, protocol: location.protocol }));
await sensor.click("#start");
await sensor.evaluate(() => {
  const t0 = performance.now();
  window.__motion = setInterval(() => {
    const t = (performance.now() - t0) / 1000, w = 2 * Math.PI * 0.25;
    const theta = (Math.PI / 180) * Math.sin(w * t);
    window.dispatchEvent(new DeviceMotionEvent("devicemotion", {
      interval: 10,
      rotationRate: { alpha: w * Math.cos(w * t), beta: 0, gamma: 0 },
      accelerationIncludingGravity: { x: 9.81 * Math.sin(theta), y: 9.81 * Math.cos(theta), z: 0.02 },
      acceleration: { x: 0, y: 0, z: 0 },
    }));
  }, 10);
});
await page.waitForSelector("#result h2", { timeout: 120000 });
await sensor.waitForFunction(() => /Finished|Ended/.test(document.getElementById("status").textContent), null, { timeout: 30000 }).catch(() => {});
await sensor.evaluate(() => clearInterval(window.__motion));
await sensor.screenshot({ path: `${out}/sensor.png` });
const phoneStatus = await sensor.evaluate(() => document.getElementById("status").textContent);
const result = await page.evaluate(() => document.getElementById("result").textContent);
// The paired phone reaches its sensor page, not the record.
const phoneRecord = await sensor.evaluate(() => fetch("/api/subjects").then((r) => r.status));
// The code is spent: another browser opening it is turned away, and has no sensor page.
const stranger = await (await browser.newContext()).newPage();
const again = await stranger.goto(url);
const reuse = { status: again.status(), text: await stranger.evaluate(() => document.body.textContent) };
const strangerSensor = (await stranger.goto(`${base}/sensor`)).status();
writeFileSync(`${out}/pair.json`, JSON.stringify({
  url, landed, phone_status: phoneStatus, result, done, frames: frames.length, phone_record: phoneRecord,
  reuse, stranger_sensor: strangerSensor, errors, phone_errors: phoneErrors,
}, null, 1));
await browser.close();
