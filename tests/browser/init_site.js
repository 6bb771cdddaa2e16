// A site made by `errbook init`, in a real browser: Debian's chromium, headless, driven by
// playwright-core. Typing an error into the search box lists the expected page first, over
// HTTP and from file://.
// Usage: node init_site.js <public dir> <error text> <expected path>; exits 1 on failure.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");
const { chromium } = require("playwright-core");

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

function serve(dir) {
  const server = http.createServer((req, res) => {
    let file = path.join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); return res.end("not found"); }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function firstResult(page, text) {
  await page.waitForFunction((t) => {
    const form = document.querySelector("form.search-form");
    return form && form.getAttribute("data-searched") === t && document.querySelector("#search-results li a");
  }, text, { timeout: 20000 });
  return page.$eval("#search-results li a", (a) => a.getAttribute("href"));
}

async function main() {
  const [publicDir, text, expected] = [path.resolve(process.argv[2]), process.argv[3], process.argv[4]];
  const server = await serve(publicDir);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
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
