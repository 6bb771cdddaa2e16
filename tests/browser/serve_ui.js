// The preview server in a real browser: Debian's chromium, headless, driven by playwright-core,
// against a running `errbook serve`. Checks the validator widget, search over /api/search, live
// reload after an edit, and the error overlay while a page is broken.
// Usage: node serve_ui.js <server url> <site dir> <expectations.json>; exits 1 on failure.
"use strict";
const fs = require("fs");
const path = require("path");
const { launch } = require("./harness");

const WAIT = 30000;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Runs `change` and waits for the page to be reloaded by the server's reload event. */
async function reloadedAfter(page, change) {
  await page.evaluate(() => { window.__beforeReload = true; });
  change();
  await page.waitForFunction(() => window.__beforeReload === undefined && document.readyState === "complete",
    null, { timeout: WAIT });
}

async function widget(page, origin, w, errors) {
  await page.goto(origin + w.page);
  const hostile = "# <img src=x onerror=\"window.__xss=1\">\n";
  const config = hostile + w.broken;
  await page.fill(".validator-input", config);
  await page.click(".validator-run");
  await page.waitForSelector(".validator-finding", { timeout: WAIT });
  const findings = await page.$$eval(".validator-finding", (items) => items.map((li) => ({
    at: li.querySelector(".validator-at").textContent,
    rule: (li.querySelector("a.validator-rule") || { textContent: "" }).textContent,
    href: (li.querySelector("a.validator-rule") || { getAttribute: () => "" }).getAttribute("href"),
  })));
  const line = config.split("\n").findIndex((l) => l.includes(w.at)) + 1;
  const finding = findings.find((f) => f.rule === "Why: " + w.rule);
  check(finding, "no " + w.rule + " finding: " + JSON.stringify(findings));
  check(finding.at.startsWith("line " + line + ":"), "finding at " + finding.at + ", expected line " + line);
  const entry = "/validators/litellm-proxy/#" + w.rule;
  check(finding.href === entry, "the finding links to " + finding.href + ", expected " + entry);
  check(await page.$eval("#validator-line-" + line, (row) => row.className.includes("validator-line-error")),
    "line " + line + " is not highlighted");
  check(/problems? found/.test(await page.textContent(".validator-status")), "status: " + await page.textContent(".validator-status"));

  // The finding's line button selects that line in the textarea, to fix it in place.
  await page.click(".validator-error .validator-at");
  const selected = await page.$eval(".validator-input", (t) => t.value.slice(t.selectionStart, t.selectionEnd));
  check(selected === config.split("\n")[line - 1], "the line button selected " + JSON.stringify(selected));

  // The config is shown as text: the comment's <img> never becomes an element.
  check(await page.$$eval(".validator img", (i) => i.length) === 0, "an <img> from the config reached the page");
  check(await page.evaluate(() => window.__xss === undefined), "the config's onerror ran");

  // The config with the fix has no error left (notes on its environment variables remain).
  await page.fill(".validator-input", w.good);
  await page.click(".validator-run");
  await page.waitForFunction(() => /found\.$/.test(document.querySelector(".validator-status").textContent) &&
    !document.querySelector(".validator-error"), null, { timeout: WAIT });
  check(await page.$$eval(".validator-line-error", (l) => l.length) === 0, "a line still marked as an error");

  // An alias bomb is refused with the server's message, not a list of findings.
  await page.fill(".validator-input", w.bomb);
  await page.click(".validator-run");
  await page.waitForFunction(() => /too many|too deep|expands/.test(document.querySelector(".validator-status").textContent),
    null, { timeout: WAIT });

  // The "Show" menu asks for everything: the info notes (os.environ references) appear too.
  const shown = async () => page.$$eval(".validator-finding", (items) => items.length);
  await page.fill(".validator-input", config);
  await page.click(".validator-run");
  await page.waitForSelector(".validator-finding", { timeout: WAIT });
  const atWarning = await shown();
  check(await page.$$eval(".validator-info", (l) => l.length) === 0, "info notes shown at the default level");
  await page.selectOption(".validator-level", "info");
  await page.click(".validator-run");
  await page.waitForFunction((n) => document.querySelectorAll(".validator-finding").length > n, atWarning, { timeout: WAIT });
  check(await page.$$eval(".validator-info", (l) => l.length) > 0, "no info note at level info");
  await page.selectOption(".validator-level", "warning");

  // The rule link opens the rule's entry on the validator page, which links on to the page that
  // explains the rule.
  await page.click(".validator-run");
  await page.waitForSelector(".validator-finding a.validator-rule", { timeout: WAIT });
  const [response] = await Promise.all([
    page.waitForNavigation({ timeout: WAIT }),
    page.click(".validator-finding a.validator-rule"),
  ]);
  check(response && response.status() === 200, "the rule's entry answered " + (response && response.status()));
  check(page.url().includes("/validators/litellm-proxy/#" + w.rule), "the rule link went to " + page.url());
  const [explained] = await Promise.all([
    page.waitForNavigation({ timeout: WAIT }),
    page.click("tr[id='" + w.rule + "'] td:last-child a"),
  ]);
  check(explained && explained.status() === 200, "the explaining page answered " + (explained && explained.status()));
  check(page.url().includes(w.page), "the rule's entry linked to " + page.url() + ", not " + w.page);
  check(errors.length === 0, "page errors: " + errors.join("; "));
}

async function search(page, origin, s) {
  await page.goto(origin);
  await page.fill("[name=q]", s.text);
  await page.waitForFunction((t) => document.querySelector("form.search-form").getAttribute("data-searched") === t &&
    document.querySelector("#search-results li a"), s.text, { timeout: WAIT });
  const first = await page.$eval("#search-results li a", (a) => a.getAttribute("href"));
  check(first.includes(s.slug), "preview search: first result " + first + ", expected " + s.slug);
  check(/signature/.test(await page.textContent("#search-status")), "the message matched no signature in the preview");

  // The category filter goes to the server too.
  await page.selectOption("select[name=category]", s.category);
  await page.waitForFunction((name) => {
    const metas = Array.from(document.querySelectorAll("#search-results .search-result-meta"));
    return metas.length > 0 && metas.every((m) => m.textContent.split(" · ")[1] === name);
  }, s.categoryName, { timeout: WAIT });
}

async function liveReload(page, origin, siteDir, r) {
  const file = path.join(siteDir, r.file);
  const original = fs.readFileSync(file, "utf8");
  await page.goto(origin + r.page);
  const title = "Edited in the browser test";
  await reloadedAfter(page, () => fs.writeFileSync(file, original.replace(/^title: .*$/m, "title: '" + title + "'")));
  check((await page.textContent("h1")).includes(title), "after the edit the page shows " + await page.textContent("h1"));
  check(await page.$("#errbook-overlay") === null, "an overlay after a good edit");

  // A page without its closing `---`: the overlay names the file and the last good build stays.
  await reloadedAfter(page, () => fs.writeFileSync(file, original.replace(/\n---\n/, "\n")));
  const overlay = await page.textContent("#errbook-overlay");
  check(overlay.includes(r.file), "the overlay does not name " + r.file + ": " + overlay);
  check((await page.textContent("h1")).includes(title), "the last good page is not shown under the overlay");

  // Fixed: the overlay goes.
  await reloadedAfter(page, () => fs.writeFileSync(file, original));
  check(await page.$("#errbook-overlay") === null, "the overlay stayed after the fix");
  check(!(await page.textContent("h1")).includes(title), "the restored page still shows the edit");
}

async function main() {
  const origin = process.argv[2].replace(/\/?$/, "/");
  const siteDir = path.resolve(process.argv[3]);
  const expect = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
  const browser = await launch();
  const errors = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("dialog", (d) => { errors.push("dialog opened: " + d.message()); d.dismiss(); });
    // The Content-Security-Policy must let the site's own scripts run.
    page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) errors.push(m.text()); });

    await widget(page, origin, expect.widget, errors);
    await search(page, origin, expect.search);
    await liveReload(page, origin, siteDir, expect.reload);
    check(errors.length === 0, "page errors: " + errors.join("; "));
    console.log("ok: validator widget, preview search, live reload and overlay work in chromium");
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error("browser preview test failed: " + e.message); process.exit(1); });
