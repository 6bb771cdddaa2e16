// The search box in a real browser: Debian's chromium, headless, driven by playwright-core,
// on a built site served over HTTP (a tiny static server here) and opened from file://.
// Usage: node search_ui.js <public dir> <expectations.json>; exits 1 with a message on failure.
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");
const { serve } = require("./static_server");

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The first result once the results for `text` are drawn (typing draws results on the way). */
async function firstResult(page, text) {
  await page.waitForFunction((t) => {
    const form = document.querySelector("form.search-form");
    return form.getAttribute("data-searched") === t && document.querySelector("#search-results li a");
  }, text, { timeout: 20000 });
  return page.$eval("#search-results li a", (a) => a.getAttribute("href"));
}

async function main() {
  const publicDir = path.resolve(process.argv[2]);
  const expect = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
  const server = await serve(publicDir);
  const origin = "http://127.0.0.1:" + server.address().port + "/";
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const errors = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("dialog", (d) => { errors.push("dialog opened: " + d.message()); d.dismiss(); });

    // `/` focuses the box; a LiteLLM error typed into it puts its page first.
    await page.goto(origin + expect.from);
    await page.keyboard.press("/");
    check(await page.evaluate(() => document.activeElement && document.activeElement.name === "q"),
      "`/` did not focus the search box");
    await page.keyboard.type(expect.typed.text);
    const typed = await firstResult(page, expect.typed.text);
    check(typed.includes(expect.typed.slug), "typed error: first result " + typed + ", expected " + expect.typed.slug);
    check(await page.$eval("#search-results li", (li) => li.textContent.includes("·")), "no tool/category line");
    check(await page.$$eval("#search-results mark", (m) => m.length) > 0, "no highlighted term in the results");

    // ArrowDown moves into the results, Enter follows the focused link.
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.getAttribute("href"));
    check(focused === typed, "ArrowDown did not focus the first result");
    await Promise.all([page.waitForURL((u) => u.pathname.includes(expect.typed.slug)), page.keyboard.press("Enter")]);

    // A multi-line paste keeps its line breaks for signature matching.
    await page.goto(origin);
    await page.focus("input[name=q]");
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData("text/plain", text);
      const input = document.querySelector("input[name=q]");
      input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, expect.pasted.text);
    const pasted = await firstResult(page, expect.pasted.text);
    check(/signature/.test(await page.textContent("#search-status")), "the pasted error matched no signature");
    check(pasted.includes(expect.pasted.slug), "pasted error: first result " + pasted + ", expected " + expect.pasted.slug);

    // Filters narrow the results to one tool.
    await page.goto(origin);
    await page.selectOption("select[name=tool]", expect.filter.tool);
    await page.fill("input[name=q]", expect.filter.text);
    await firstResult(page, expect.filter.text);
    const tools = await page.$$eval("#search-results .search-result-meta", (s) => s.map((x) => x.textContent.split(" · ")[0]));
    check(tools.length > 0 && tools.every((t) => t === expect.filter.tool), "tool filter let through: " + tools.join(", "));

    // The results page works when linked: /search/?q=...
    await page.goto(origin + "search/?q=" + encodeURIComponent(expect.linked.text));
    const linked = await firstResult(page, expect.linked.text);
    check(linked.includes(expect.linked.slug), "search page: first result " + linked);
    check(await page.inputValue("input[name=q]") === expect.linked.text, "search page did not fill the box");

    // A query is text, never HTML: in the box, in the status line and on the results page.
    const attack = "<img src=x onerror=\"window.__xss=1\"> 429";
    for (const url of [origin, origin + "search/?q=" + encodeURIComponent(attack)]) {
      await page.goto(url);
      if (url === origin) await page.fill("input[name=q]", attack);
      await page.waitForFunction((t) => document.querySelector("form.search-form").getAttribute("data-searched") === t, attack, { timeout: 20000 });
      const status = await page.textContent("#search-status");
      check(status.includes(attack), "the status line does not show the query as text: " + status);
      check(await page.$$eval("main img, header img, #search-results img", (i) => i.length) === 0, "an <img> from the query reached the page");
      check(await page.evaluate(() => window.__xss === undefined), "the query's onerror ran");
    }

    // From disk: index files load through <script>, result links name index.html.
    await page.goto("file://" + path.join(publicDir, "index.html"));
    await page.fill("input[name=q]", expect.typed.text);
    const fromDisk = await firstResult(page, expect.typed.text);
    check(fromDisk.endsWith("index.html") && fromDisk.includes(expect.typed.slug), "file://: first result " + fromDisk);

    // The validator widget on the static site, with no validator_endpoint configured, shows
    // the equivalent command instead of posting anywhere.
    await page.goto(origin + expect.widgetPage);
    check(/errbook validate litellm-proxy/.test(await page.textContent(".validator-command")), "no command shown");
    await page.fill(".validator-input", "router_settings: {}\n");
    await page.click(".validator-run");
    check(/run the command/.test(await page.textContent(".validator-status")), "the static widget did not point at the command");

    check(errors.length === 0, "page errors: " + errors.join("; "));
    console.log("ok: typed, pasted, filtered, linked, escaped and file:// searches found their pages");
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => { console.error("browser search test failed: " + e.message); process.exit(1); });
