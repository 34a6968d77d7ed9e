// End-to-end tests of the built sample site, as a reader uses it: opened
// from file:// in headless Chromium, navigated by clicking, searched,
// printed, checked with axe-core; every page through the Nu HTML checker;
// the calendar feeds through an independent iCalendar parser and RRULE
// engine. They fail, never skip, when a tool is missing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import ICAL from "ical.js";
import rrulePkg from "rrule";

const { rrulestr } = rrulePkg;
const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const AS_OF = "2026-11-28";
const bin = process.env.PLAYBOOK_BIN || join(repo, "target", "debug", "playbook");
const shots = process.env.SCREENSHOTS_DIR || null;

let site;
let browser;

function chromiumPath() {
  const found = spawnSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" });
  const path = found.stdout.trim();
  assert.ok(path, "Chromium is required: install the Debian package `chromium`");
  return path;
}

function url(path) {
  return pathToFileURL(join(site, path)).href;
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

before(async () => {
  site = mkdtempSync(join(tmpdir(), "playbook-site-"));
  execFileSync(bin, ["build", "--root", repo, "--out", site, "--as-of", AS_OF, "-q"], { stdio: "inherit" });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

async function newPage(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return { page, context, errors };
}

test("navigates from the home page to a job description by clicking", async () => {
  const { page, context, errors } = await newPage();
  await page.goto(url("index.html"));
  assert.equal(await page.title(), "Acme Social Media Playbook");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Roles" }).click();
  await page.waitForURL(/roles\/index\.html$/);
  assert.equal(await page.locator("h1").textContent(), "Roles");
  await page.locator(".org-node", { hasText: "Social Media Manager" }).first().click();
  await page.waitForURL(/roles\/social-media-manager\/index\.html$/);
  assert.equal(await page.locator("h1").textContent(), "Social Media Manager");
  // A link inside the Markdown body leads on to another entity.
  await page.locator(".prose a", { hasText: "Head of Marketing" }).first().click();
  await page.waitForURL(/roles\/head-of-marketing\/index\.html$/);
  // And "referenced by" leads back.
  await page.locator(".backlinks a", { hasText: "Social Media Manager" }).click();
  await page.waitForURL(/roles\/social-media-manager\/index\.html$/);
  if (shots) await page.screenshot({ path: join(shots, "role.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test("searches from file:// without a server", async () => {
  const { page, context, errors } = await newPage();
  await page.goto(url("index.html"));
  await page.locator("#site-search").fill("pricing");
  await page.locator("#site-search").press("Enter");
  await page.waitForURL(/search\/index\.html\?q=pricing/);
  await page.locator("#search-results li").first().waitFor();
  const titles = await page.locator("#search-results li a").allTextContents();
  assert.ok(titles.length > 0, "results for pricing");
  // Typing refines the results; prefixes and typos still match.
  await page.locator("#search-input").fill("folowers");
  await page.waitForFunction(() => document.querySelector("#search-status").textContent.includes("folowers"));
  const fuzzy = await page.locator("#search-results li a").allTextContents();
  assert.ok(fuzzy.some((t) => /follower/i.test(t)), `fuzzy match: ${fuzzy}`);
  await page.locator("#search-input").fill("weekly report");
  await page.waitForFunction(() => document.querySelector("#search-status").textContent.includes("weekly report"));
  const first = page.locator("#search-results li a").first();
  const target = await first.getAttribute("href");
  await first.click();
  await page.waitForURL((u) => u.href.includes(target.replace("../", "").split("#")[0]));
  if (shots) await page.screenshot({ path: join(shots, "search.png") });
  assert.deepEqual(errors, []);
  await context.close();
});

test("the Content-Security-Policy allows everything the site does and stops inline scripts", async () => {
  const { page, context, errors } = await newPage();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const pages = [
    "index.html",
    "roles/social-media-manager/index.html",
    "metrics/total-followers/index.html",
    "budgets/social-media-2026/index.html",
    "schedule/index.html",
    "goals/index.html",
  ];
  for (const path of pages) {
    await page.goto(url(path));
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.match(policy, /default-src 'none'; script-src 'self'; style-src 'self'/, path);
    // The stylesheet applied.
    assert.equal(await page.locator(".skip-link").evaluate((e) => getComputedStyle(e).position), "absolute", path);
    assert.deepEqual(await page.evaluate(() => window.__violations), [], path);
  }
  // Search runs its scripts under the policy.
  await page.goto(url("search/index.html") + "?q=pricing");
  await page.locator("#search-results li").first().waitFor();
  assert.deepEqual(await page.evaluate(() => window.__violations), [], "search");
  assert.deepEqual(errors, []);
  // A script written into the page (as injected markup would be) does not run.
  const ran = await page.evaluate(async () => {
    const s = document.createElement("script");
    s.textContent = "window.__inline = true";
    document.head.append(s);
    await new Promise((r) => setTimeout(r, 100));
    return window.__inline === true;
  });
  assert.equal(ran, false);
  assert.ok((await page.evaluate(() => window.__violations)).some((v) => v.startsWith("script-src")));
  await context.close();
});

test("pages read well without JavaScript", async () => {
  const { page, context } = await newPage({ javaScriptEnabled: false });
  await page.goto(url("goals/grow-audience/index.html"));
  assert.equal(await page.locator("h1").textContent(), "Grow an engaged audience");
  assert.ok((await page.locator("table").count()) > 0, "cascade tables are plain HTML");
  await page.goto(url("schedule/index.html"));
  assert.ok((await page.locator("table.calendar").count()) > 3, "month grids without scripts");
  await context.close();
});

test("prints a job description without navigation", async () => {
  const { page, context } = await newPage();
  await page.goto(url("roles/social-media-manager/index.html"));
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".site-nav").evaluate((e) => getComputedStyle(e).display), "none");
  assert.equal(await page.locator(".site-header").evaluate((e) => getComputedStyle(e).display), "none");
  assert.equal(await page.locator(".site-footer").evaluate((e) => getComputedStyle(e).display), "none");
  const pdf = await page.pdf({ format: "A4", printBackground: false });
  assert.ok(pdf.length > 10_000, "a real PDF");
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pages >= 1 && pages <= 6, `a job description prints on a few pages, not ${pages}`);
  if (shots) writeFileSync(join(shots, "job.pdf"), pdf);
  await context.close();
});

test("is responsive and honours dark mode", async () => {
  const { page, context } = await newPage({ viewport: { width: 375, height: 800 }, colorScheme: "dark" });
  await page.goto(url("budgets/social-media-2026/index.html"));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling on a phone (${overflow}px)`);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, "rgb(20, 23, 26)", "dark background");
  if (shots) await page.screenshot({ path: join(shots, "budget-dark-phone.png"), fullPage: true });
  await context.close();
});

test("has no serious or critical accessibility findings (axe-core)", async () => {
  const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const pages = [
    "index.html",
    "goals/index.html",
    "goals/grow-audience/index.html",
    "metrics/total-followers/index.html",
    "campaigns/index.html",
    "campaigns/spring-launch/index.html",
    "budgets/social-media-2026/index.html",
    "personas/index.html",
    "personas/busy-brand-owner/index.html",
    "roles/index.html",
    "roles/social-media-manager/index.html",
    "jobs/index.html",
    "routing/index.html",
    "raci/index.html",
    "schedule/index.html",
    "search/index.html",
    "pages/mission/index.html",
    // 404.html links absolutely to the base URL (it is served at any
    // depth), so from file:// it has no stylesheet; the Nu checker covers it.
  ];
  const findings = [];
  for (const scheme of ["light", "dark"]) {
    // axe-core goes in as an inline script, which the site's policy refuses.
    const { page, context } = await newPage({ colorScheme: scheme, bypassCSP: true });
    for (const p of pages) {
      await page.goto(url(p));
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
      for (const v of result.violations) {
        if (v.impact === "serious" || v.impact === "critical") {
          findings.push(`${scheme} ${p}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
        }
      }
    }
    await context.close();
  }
  assert.deepEqual(findings, []);
});

test("every page passes the Nu HTML checker", () => {
  const jar = require.resolve("vnu-jar/build/dist/vnu.jar");
  const r = spawnSync("java", ["-jar", jar, "--errors-only", "--skip-non-html", "--format", "text", site], { encoding: "utf8" });
  assert.equal(r.error, undefined, "Java is required for the Nu HTML checker");
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

/// Expands every VEVENT of an .ics with ical.js (which reads our VTIMEZONE)
/// and with rrule.js (from the raw DTSTART/RRULE/EXDATE text), up to `until`.
function expandBoth(text, until) {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const vtz of cal.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  }
  const results = [];
  for (const vevent of cal.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    if (!event.isRecurring()) continue;
    const ours = [];
    const it = event.iterator();
    for (let next = it.next(); next && next.toJSDate() <= until; next = it.next()) {
      ours.push(next.toJSDate().toISOString());
    }
    const lines = text.replace(/\r\n /g, "").split("\r\n");
    const start = event.startDate;
    const uid = event.uid;
    const block = lines.slice(lines.indexOf(`UID:${uid}`) - 1);
    const rule = block.find((l) => l.startsWith("RRULE:"));
    const exdates = block.slice(0, block.indexOf("END:VEVENT")).filter((l) => l.startsWith("EXDATE"));
    const dtstart = block.find((l) => l.startsWith("DTSTART"));
    // rrule.js does not read VALUE=DATE: give it all-day dates as midnight UTC.
    const dateToUtc = (line) =>
      line.replace(/;VALUE=DATE:/, ":").replace(/(:|,)(\d{8})(?=,|$)/g, "$1$2T000000Z");
    const set = rrulestr([dtstart, rule, ...exdates].map(dateToUtc).join("\n"), { forceset: true });
    const independent = set
      .between(new Date(Date.UTC(1970, 0, 1)), until, true)
      .map((d) => {
        // All-day rules compare by date; timed ones as instants (rrule.js
        // resolves TZID rules to real instants itself, with Intl).
        if (start.isDate) return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString();
        return d.toISOString();
      });
    const oursNormalised = start.isDate
      ? ours.map((iso) => {
          const t = ICAL.Time.fromJSDate(new Date(iso), false);
          return new Date(Date.UTC(t.year, t.month - 1, t.day)).toISOString();
        })
      : ours;
    results.push({ uid, ours: oursNormalised, independent });
  }
  return results;
}

test("calendar feeds parse and their recurrences match an independent RRULE engine", () => {
  const until = new Date(Date.UTC(2026, 11, 31, 23, 59, 59));
  const feeds = walk(site).filter((p) => p.endsWith(".ics"));
  assert.ok(feeds.length >= 3, "calendar and duty feeds");
  let compared = 0;
  for (const feed of feeds) {
    const text = readFileSync(feed, "utf8");
    assert.ok(!/[^\r]\n/.test(text), `${feed}: CRLF only`);
    for (const line of text.split("\r\n")) {
      assert.ok(Buffer.byteLength(line, "utf8") <= 75, `${feed}: folded at 75 octets: ${line}`);
    }
    for (const { uid, ours, independent } of expandBoth(text, until)) {
      assert.ok(ours.length > 0, `${uid} has occurrences`);
      assert.deepEqual(ours, independent, `${uid}: occurrences differ`);
      compared++;
    }
  }
  assert.ok(compared >= 8, `recurring events compared: ${compared}`);
});

test("the schedule page shows the same occurrences as the feed", () => {
  const text = readFileSync(join(site, "calendars", "editorial.ics"), "utf8");
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const vtz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  const weekly = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v)).find((e) => /Weekly report to stakeholders/i.test(e.summary));
  assert.ok(weekly, "the weekly report is in the feed");
  const days = [];
  const it = weekly.iterator();
  for (let t = it.next(); t && t.year <= 2026; t = it.next()) days.push(`${t.year}-${String(t.month).padStart(2, "0")}-${String(t.day).padStart(2, "0")}`);
  const html = readFileSync(join(site, "schedule", "index.html"), "utf8");
  // Count grid cells that list the event: each occurrence appears once in its month grid.
  const inGrid = (html.match(new RegExp(`</span> ${weekly.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</li>`, "g")) || []).length;
  assert.equal(inGrid, days.length, `${weekly.summary}: ${days.length} occurrences in the feed`);
});
