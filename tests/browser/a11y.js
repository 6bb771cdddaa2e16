// Accessibility in a real browser: axe-core's WCAG 2.1 A and AA rules on built pages in
// Debian's chromium (light and dark colour schemes), served over HTTP.
// Usage: node a11y.js <public dir> <pages.json>; pages.json is a list of
//   {"name", "path", "scheme": "light"|"dark", "width": optional viewport width, "waitFor": optional CSS selector}.
// Exits 1 listing every violation (rule, impact, the elements and axe's summary of each).
"use strict";
const fs = require("fs");
const path = require("path");
const { launch, serveDir } = require("./harness");

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

async function main() {
  const publicDir = path.resolve(process.argv[2]);
  const pages = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
  const server = await serveDir(publicDir);
  const origin = "http://127.0.0.1:" + server.address().port + "/";
  const browser = await launch();
  const failures = [];
  try {
    for (const spec of pages) {
      const page = await browser.newPage({ colorScheme: spec.scheme, viewport: { width: spec.width || 1280, height: 900 } });
      await page.goto(origin + spec.path);
      if (spec.waitFor) await page.waitForSelector(spec.waitFor, { timeout: 20000 });
      await page.addScriptTag({ content: AXE });
      const result = await page.evaluate((tags) => window.axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      }), TAGS);
      const checked = result.passes.length + result.violations.length;
      console.log(`${spec.name} (${spec.scheme}): ${result.violations.length} violations, ${checked} rules applied`);
      for (const v of result.violations) {
        const nodes = v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`);
        failures.push(`${spec.name} (${spec.scheme}): ${v.id} [${v.impact}] on ${v.nodes.length} element(s): ${v.help}\n${nodes.join("\n")}`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  if (failures.length) {
    console.error(failures.join("\n"));
    process.exit(1);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
