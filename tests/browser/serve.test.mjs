// Live reload in a real browser: `playbook serve` on a free loopback port,
// a page open in headless Chromium, a file edited underneath; the open page
// updates without a manual reload, shows the error overlay after an
// invalid edit and drops it after the fix.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const bin = process.env.PLAYBOOK_BIN || join(repo, "target", "debug", "playbook");

let root;
let server;
let base;
let browser;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "playbook-serve-"));
  cpSync(join(repo, "playbook.yaml"), join(root, "playbook.yaml"));
  cpSync(join(repo, "content"), join(root, "content"), { recursive: true });
  server = spawn(bin, ["serve", "--port", "0", "--as-of", "2026-11-28", "--root", root], { stdio: ["ignore", "pipe", "ignore"] });
  const lines = createInterface({ input: server.stdout });
  base = await new Promise((resolve, reject) => {
    lines.on("line", (line) => {
      const m = line.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve(m[0]);
    });
    server.on("exit", () => reject(new Error("serve exited")));
  });
  const path = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).stdout.trim();
  assert.ok(path, "Chromium is required");
  browser = await chromium.launch({
    executablePath: path,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (root) rmSync(root, { recursive: true, force: true });
});

function save(path, text) {
  // Like an editor's atomic save: a temporary file renamed over the original.
  writeFileSync(path + ".tmp", text);
  renameSync(path + ".tmp", path);
}

test("an open page reloads after an edit, and shows and drops the error overlay", async () => {
  const page = await browser.newPage();
  await page.goto(base + "pages/mission/");
  const file = join(root, "content", "pages", "mission.md");
  const original = readFileSync(file, "utf8");
  // Mark the page: a reload replaces the window object.
  await page.evaluate(() => { window.__notReloaded = true; });

  save(file, original.replace("\n---\n", "\n---\nA sentence typed a moment ago.\n\n"));
  await page.waitForFunction(() => document.body.textContent.includes("A sentence typed a moment ago."), null, { timeout: 10_000 });
  assert.equal(await page.evaluate(() => window.__notReloaded), undefined, "the page reloaded by itself");

  save(file, original.replace("title:", "titel:"));
  await page.waitForSelector("#playbook-overlay", { timeout: 10_000 });
  const overlay = await page.locator("#playbook-overlay").textContent();
  assert.match(overlay, /content\/pages\/mission\.md:\d+:\d+/);
  assert.match(overlay, /unknown-key/);
  // Styled by its own stylesheet: the theme's Content-Security-Policy
  // refuses inline styles.
  assert.equal(await page.locator("#playbook-overlay").evaluate((e) => getComputedStyle(e).position), "fixed");
  assert.ok((await page.textContent("main")).includes("A sentence typed a moment ago."), "the last good page stays");

  save(file, original);
  await page.waitForFunction(() => !document.getElementById("playbook-overlay") && !document.body.textContent.includes("A sentence typed"), null, { timeout: 10_000 });
  await page.close();
});
