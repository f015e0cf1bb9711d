// Drives the Collis record page as a clinician would, in headless Chromium: opens a subject,
// reads the order of its sessions, enters a botulinum toxin injection (once with a side that
// does not exist, which the record refuses with its reason), a diary entry and a medication in
// the browser, opens a session's report and takes its way back to the record.
// Usage: node record.mjs BASE_URL OUT_JSON SUBJECT DATE
import { writeFileSync } from "node:fs";
import { openPage } from "./launch.mjs";

const [base, out, subject, date] = process.argv.slice(2);
const { browser, page, errors } = await openPage({ viewport: { width: 1280, height: 900 }, onMessage: () => {} });
await page.goto(`${base}/`);
await page.click(`tr.pick[data-code="${subject}"]`);
await page.waitForSelector("#sessions tbody tr");
const sessionDates = await page.evaluate(() => [...document.querySelectorAll("#sessions tbody tr")].map((tr) => tr.cells[1].textContent));
const status = () => page.evaluate(() => document.getElementById("treat-status").textContent);
// An injection with a side that does not exist: refused, the reason shown.
await page.click("text=Add a botulinum toxin injection");
await page.fill("#add-injection [name=given_on]", date);
await page.fill("#add-injection [name=product]", "incobotulinumtoxinA");
await page.fill("#add-injection [name=doses]", "splenius capitis, middle, 60");
await page.click("#add-injection button");
await page.waitForFunction(() => document.getElementById("treat-status").textContent !== "");
const refused = await status();
// The same, right.
await page.fill("#add-injection [name=doses]", "splenius capitis, left, 60\nsternocleidomastoid, right, 40");
await page.click("#add-injection button");
await page.waitForFunction(() => document.getElementById("treat-status").textContent.startsWith("Added"));
await page.click("text=Add a diary entry");
await page.fill("#add-diary [name=entry_on]", date);
await page.fill("#add-diary [name=pain]", "6");
await page.fill("#add-diary [name=twstrs_disability]", "18");
await page.click("#add-diary button");
await page.waitForFunction(() => [...document.querySelectorAll("#treatments tbody tr")].some((tr) => tr.textContent.includes("disability 18")));
await page.click("text=Add a medication");
await page.fill("#add-medication [name=name]", "trihexyphenidyl");
await page.fill("#add-medication [name=dose]", "2 mg three times a day");
await page.fill("#add-medication [name=started_on]", date);
await page.click("#add-medication button");
await page.waitForFunction(() => [...document.querySelectorAll("#treatments tbody tr")].some((tr) => tr.textContent.includes("trihexyphenidyl")));
const treatments = await page.evaluate(() => [...document.querySelectorAll("#treatments tbody tr")].map((tr) => [...tr.cells].map((c) => c.textContent)));
await page.screenshot({ path: out.replace(/\.json$/, ".png"), fullPage: true });
// The newest session's report, then the way back.
await page.click("#sessions tbody tr:first-child a");
await page.waitForSelector("p.back a");
const report = await page.evaluate(() => ({
  back: document.querySelector("p.back a").textContent,
  patient_reported: document.getElementById("patient-reported").textContent,
  session: document.querySelector(".meta").textContent,
}));
await page.click("p.back a");
await page.waitForFunction(() => !document.getElementById("subject-panel").hidden);
const back = await page.evaluate(() => ({ title: document.getElementById("subject-title").textContent, url: location.pathname + location.search }));
writeFileSync(out, JSON.stringify({ session_dates: sessionDates, refused, treatments, report, back, errors }, null, 1));
await browser.close();
