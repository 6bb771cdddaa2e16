// Search timing in a real browser: Debian's chromium (headless) loads a built site over HTTP,
// a query is typed into the box, and the bench reports, per query, the bytes the browser
// transferred for search (js/search.js and index files, from Resource Timing) and the time
// from the last index file arriving to the results being drawn in #search-results.
// A pasted log given as a file (benches/search_log.js writes a 1 MiB one) is measured too,
// against its own budget.
// Usage: node benches/search_browser.js <public dir> [log file]   (needs `npm ci` in tests/browser)
"use strict";
const fs = require("fs");
const path = require("path");
const { launch, serveDir } = require("../tests/browser/harness");

const QUERIES = [
  "429", "rate limit", "permission denied", "RateLimitError", "connection refused",
  "docker manifest unknown", "error code", "No deployments available",
];

async function main() {
  const publicDir = path.resolve(process.argv[2]);
  const traceback = fs.readFileSync(path.join(__dirname, "search_budget.js"), "utf8")
    .split("const TRACEBACK = `")[1].split("`;")[0];
  const server = await serveDir(publicDir);
  const origin = "http://127.0.0.1:" + server.address().port + "/";
  const browser = await launch();
  console.log("query".padEnd(32), "files", "    KB", " draw after last file (ms)");
  const draws = [];
  const logFile = process.argv[3];
  const log = logFile ? fs.readFileSync(logFile, "utf8") : null;
  let logDraw = null, logTotal = null;
  for (const query of QUERIES.concat([traceback], log ? [log] : [])) {
    const context = await browser.newContext(); // a cold cache for every query
    const page = await context.newPage();
    await page.goto(origin);
    await page.evaluate(() => {
      window.__drawn = 0;
      new MutationObserver(() => { window.__drawn = performance.now(); })
        .observe(document.getElementById("search-results"), { childList: true });
    });
    if (query === log) {
      // As a paste lands: the value at once, then one input event (page.fill would type the
      // 1 MiB through the editor for longer than the timeout).
      await page.evaluate((text) => {
        const box = document.querySelector("[name=q]");
        window.__pasted = performance.now();
        box.value = text;
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }, query);
    } else {
      await page.fill("[name=q]", query);
    }
    await page.waitForSelector("#search-results li a", { timeout: 20000 });
    await page.waitForTimeout(300);
    const r = await page.evaluate(() => {
      const entries = performance.getEntriesByType("resource")
        .filter((e) => /\/search\/[0-9a-f]+\/|\/js\/search\.js/.test(e.name));
      const index = entries.filter((e) => /\/search\/[0-9a-f]+\//.test(e.name));
      const last = Math.max(...index.map((e) => e.responseEnd));
      return { files: entries.length, bytes: entries.reduce((s, e) => s + e.encodedBodySize, 0), draw: window.__drawn - last,
        total: window.__drawn - (window.__pasted || 0) };
    });
    if (query === log) { logDraw = r.draw; logTotal = r.total; } else draws.push(r.draw);
    const name = query === log ? "pasted log (" + (log.length / 1048576).toFixed(2) + " MiB)" :
      query.includes("\n") ? "40-line traceback" : query;
    console.log(name.padEnd(32), String(r.files).padStart(5), (r.bytes / 1024).toFixed(1).padStart(6), r.draw.toFixed(1).padStart(10));
    await context.close();
  }
  console.log("max draw after the last index file: " + Math.max(...draws).toFixed(1) + " ms (budget 50 ms)" +
    (logDraw === null ? "" : "; pasted log: " + logDraw.toFixed(1) + " ms (budget 200 ms), " +
      logTotal.toFixed(1) + " ms from the paste to the results (index files loading in between, the " +
      "80 ms typing pause included)"));
  await browser.close();
  server.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
