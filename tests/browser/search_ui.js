// The search box in a real browser: Debian's chromium, headless, driven by playwright-core,
// on a built site served over HTTP (harness.js) and opened from file://.
// Usage: node search_ui.js <public dir> <expectations.json>; exits 1 with a message on failure.
"use strict";
const fs = require("fs");
const path = require("path");
const { launch, serveDir } = require("./harness");

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
  const server = await serveDir(publicDir);
  const origin = "http://127.0.0.1:" + server.address().port + "/";
  const browser = await launch();
  const errors = [];
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: origin.slice(0, -1) });
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("dialog", (d) => { errors.push("dialog opened: " + d.message()); d.dismiss(); });

    // What js/errbook.js and js/search.js add to an error page instead of repeating it in
    // every page's markup: the search hint, a copy button after each signature box (it copies
    // the box's text), the `#` anchor of each section heading, each citation's source title.
    await page.goto(origin + expect.from);
    const added = await page.evaluate(() => {
      const boxes = [...document.querySelectorAll(".signature > pre, .sig-example > pre")];
      const sections = [...document.querySelectorAll(".section > h2[id]")];
      const cites = [...document.querySelectorAll(".cite a[href^='#source-']")];
      return {
        hint: (document.querySelector(".search-label .search-hint") || {}).textContent || "",
        boxes: boxes.length,
        buttons: boxes.filter((b) => b.nextElementSibling && b.nextElementSibling.matches("button.copy")).length,
        sections: sections.length,
        anchors: sections.filter((h) => (h.querySelector("a.anchor") || {}).getAttribute?.("href") === "#" + h.id).length,
        cites: cites.length,
        titled: cites.filter((a) => {
          const link = document.querySelector(a.getAttribute("href") + " > a");
          return link && a.title === link.textContent.trim();
        }).length,
      };
    });
    check(added.hint.includes("Shift+Enter"), "no search hint in the label");
    check(added.boxes > 0 && added.buttons === added.boxes, "copy buttons: " + JSON.stringify(added));
    check(added.sections > 2 && added.anchors === added.sections, "heading anchors: " + JSON.stringify(added));
    check(added.cites > 0 && added.titled === added.cites, "citation titles: " + JSON.stringify(added));
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await page.click(".signatures button.copy");
    await page.waitForFunction(() => document.querySelector(".signatures button.copy").textContent === "Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const shown = await page.$eval(".signatures button.copy", (b) => b.previousElementSibling.textContent);
    check(copied === shown && copied.length > 0, "the copy button copied " + JSON.stringify(copied) + ", not its box");

    // `/` focuses the box (a textarea); a LiteLLM error typed into it puts its page first.
    await page.keyboard.press("/");
    check(await page.evaluate(() => document.activeElement && document.activeElement.name === "q" &&
      document.activeElement.tagName === "TEXTAREA"), "`/` did not focus the search textarea");
    await page.keyboard.type(expect.typed.text);
    const typed = await firstResult(page, expect.typed.text);
    check(typed.includes(expect.typed.slug), "typed error: first result " + typed + ", expected " + expect.typed.slug);
    check(await page.$eval("#search-results li", (li) => li.textContent.includes("·")), "no tool/category line");
    check(await page.$$eval("#search-results mark", (m) => m.length) > 0, "no highlighted term in the results");

    // ArrowDown from the end of the box moves into the results, Enter follows the focused link.
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.getAttribute("href"));
    check(focused === typed, "ArrowDown did not focus the first result");
    await Promise.all([page.waitForURL((u) => u.pathname.includes(expect.typed.slug)), page.keyboard.press("Enter")]);

    // Real pastes (the clipboard and Ctrl+V): a multi-line traceback keeps its line breaks, a
    // one-line JSON log with escaped line breaks is read like it; both find their page first
    // through a signature, and the box grows with the pasted log.
    for (const pasted of expect.pasted) {
      await page.goto(origin);
      await page.focus("[name=q]");
      const before = await page.$eval("[name=q]", (t) => t.offsetHeight);
      await page.evaluate((text) => navigator.clipboard.writeText(text), pasted.text);
      await page.keyboard.press("Control+V");
      const first = await firstResult(page, pasted.text);
      check(await page.inputValue("[name=q]") === pasted.text, "the paste lost its text: " + pasted.name);
      check(/signature/.test(await page.textContent("#search-status")), pasted.name + ": matched no signature");
      check(first.includes(pasted.slug), pasted.name + ": first result " + first + ", expected " + pasted.slug);
      check(await page.$eval("#search-results li", (li) => li.className) === "search-result-signature",
        pasted.name + ": the first result is not marked as a signature match");
      if (pasted.text.includes("\n")) {
        const after = await page.$eval("[name=q]", (t) => t.offsetHeight);
        check(after > before, "the box did not grow for a multi-line paste (" + before + " -> " + after + ")");
      }
    }

    // Shift+Enter adds a line; Enter on a short query opens the results page.
    await page.goto(origin);
    await page.focus("[name=q]");
    await page.keyboard.type("first line");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("second line");
    check(await page.inputValue("[name=q]") === "first line\nsecond line", "Shift+Enter did not add a line");
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith("/search/")), page.keyboard.press("Enter")]);
    check(await page.inputValue("[name=q]") === "first line\nsecond line", "the results page lost the line break");

    // Words only: the status says plainly that no page matches, results are "possibly related".
    await page.goto(origin);
    await page.fill("[name=q]", expect.words.text);
    await firstResult(page, expect.words.text);
    check(/^No page matches this error/.test(await page.textContent("#search-status")),
      "words-only status: " + await page.textContent("#search-status"));
    check((await page.$$eval("#search-results .search-result-meta", (m) => m.map((x) => x.textContent)))
      .every((t) => t.endsWith("possibly related")), "words-only results are not marked as possibly related");

    // Filters are filled from the index's manifest (the page itself lists no tools) and narrow
    // the results to one tool.
    await page.goto(origin);
    check(await page.$$eval("select[name=tool] option", (o) => o.length) === 1, "the page lists the tools itself");
    await page.focus("[name=q]");
    await page.selectOption("select[name=tool]", expect.filter.tool);
    await page.fill("[name=q]", expect.filter.text);
    await firstResult(page, expect.filter.text);
    const tools = await page.$$eval("#search-results .search-result-meta", (s) => s.map((x) => x.textContent.split(" · ")[0]));
    check(tools.length > 0 && tools.every((t) => t === expect.filter.tool), "tool filter let through: " + tools.join(", "));

    // The results page works when linked: /search/?q=...&tool=...
    await page.goto(origin + "search/?q=" + encodeURIComponent(expect.linked.text) + "&tool=litellm");
    const linked = await firstResult(page, expect.linked.text);
    check(linked.includes(expect.linked.slug), "search page: first result " + linked);
    check(await page.inputValue("[name=q]") === expect.linked.text, "search page did not fill the box");
    check(await page.inputValue("select[name=tool]") === "litellm", "search page did not set the tool filter");

    // A query is text, never HTML: in the box, in the status line and on the results page.
    const attack = "<img src=x onerror=\"window.__xss=1\"> 429";
    for (const url of [origin, origin + "search/?q=" + encodeURIComponent(attack)]) {
      await page.goto(url);
      if (url === origin) await page.fill("[name=q]", attack);
      await page.waitForFunction((t) => document.querySelector("form.search-form").getAttribute("data-searched") === t, attack, { timeout: 20000 });
      const status = await page.textContent("#search-status");
      check(status.includes(attack), "the status line does not show the query as text: " + status);
      check(await page.$$eval("main img, header img, #search-results img", (i) => i.length) === 0, "an <img> from the query reached the page");
      check(await page.evaluate(() => window.__xss === undefined), "the query's onerror ran");
    }

    // From disk: index files load through <script>, result links name index.html.
    await page.goto("file://" + path.join(publicDir, "index.html"));
    await page.fill("[name=q]", expect.typed.text);
    const fromDisk = await firstResult(page, expect.typed.text);
    check(fromDisk.endsWith("index.html") && fromDisk.includes(expect.typed.slug), "file://: first result " + fromDisk);

    // The validator widget on the static site, with no validator_endpoint configured, shows
    // the equivalent command instead of posting anywhere.
    await page.goto(origin + expect.widgetPage);
    check(/errbook validate litellm-proxy/.test(await page.textContent(".validator-command")), "no command shown");
    await page.fill(".validator-input", "router_settings: {}\n");
    await page.click(".validator-run");
    check(/run the command/.test(await page.textContent(".validator-status")), "the static widget did not point at the command");

    // A stale search/entry.js (a browser or proxy cache holding one from before a redeploy)
    // names a version directory that is gone: the search loads the entry again past the cache
    // and finds the page all the same.
    const stale = await context.newPage();
    stale.on("pageerror", (e) => errors.push(e.message));
    const entryLoads = [];
    await stale.route((url) => url.pathname.endsWith("/search/entry.js"), (route) => {
      const url = new URL(route.request().url());
      entryLoads.push(url.search);
      if (url.search) return route.continue();
      return route.fulfill({
        contentType: "text/javascript",
        body: 'errbookSearchLoad("entry",{"version":"0000000000000000","manifest":"0000000000000000/manifest.js"});\n',
      });
    });
    await stale.goto(origin + expect.from);
    await stale.fill("[name=q]", expect.typed.text);
    const afterStale = await firstResult(stale, expect.typed.text);
    check(afterStale.includes(expect.typed.slug), "stale entry: first result " + afterStale);
    check(entryLoads.length === 2 && entryLoads[0] === "" && entryLoads[1] !== "",
      "stale entry: expected one cached and one fresh load of entry.js, got " + JSON.stringify(entryLoads));

    check(errors.length === 0, "page errors: " + errors.join("; "));
    console.log("ok: typed, pasted (multi-line and JSON-escaped), words-only, filtered, linked, escaped, file:// and stale-entry searches");
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => { console.error("browser search test failed: " + e.message); process.exit(1); });
