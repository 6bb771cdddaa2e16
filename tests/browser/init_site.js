// A site made by `errbook init`, in a real browser: Debian's chromium, headless, driven by
// playwright-core. Typing an error into the search box lists the expected page first, over
// HTTP and from file://.
// Usage: node init_site.js <public dir> <error text> <expected path>; exits 1 on failure.
"use strict";
const path = require("path");
const { launch, serveDir } = require("./harness");

async function firstResult(page, text) {
  await page.waitForFunction((t) => {
    const form = document.querySelector("form.search-form");
    return form && form.getAttribute("data-searched") === t && document.querySelector("#search-results li a");
  }, text, { timeout: 20000 });
  return page.$eval("#search-results li a", (a) => a.getAttribute("href"));
}

async function main() {
  const [publicDir, text, expected] = [path.resolve(process.argv[2]), process.argv[3], process.argv[4]];
  const server = await serveDir(publicDir);
  const browser = await launch();
  const errors = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    for (const url of ["http://127.0.0.1:" + server.address().port + "/", "file://" + path.join(publicDir, "index.html")]) {
      await page.goto(url);
      await page.fill("[name=q]", text);
      const first = await firstResult(page, text);
      if (!first.includes(expected)) throw new Error(url + ": first result " + first + ", expected " + expected);
      await Promise.all([page.waitForURL((u) => u.pathname.includes(expected)), page.click("#search-results li a")]);
    }
    if (errors.length) throw new Error("page errors: " + errors.join("; "));
    console.log("ok: the init site's search found " + expected + " over HTTP and from file://");
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => { console.error("init site browser test failed: " + e.message); process.exit(1); });
