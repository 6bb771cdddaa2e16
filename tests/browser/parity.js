// Prints, for each query in the JSON array on stdin, the slugs of the browser engine's top
// results as a JSON array of arrays. Usage: node parity.js <public dir> <limit> < queries.json
"use strict";
const { open } = require("./node_engine");

async function main() {
  const [publicDir, limit] = process.argv.slice(2);
  const queries = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const { engine } = open(publicDir);
  const out = [];
  for (const q of queries) {
    const found = await engine.search(q, { limit: Number(limit) });
    const metas = await engine.metadata(found.results);
    out.push(found.results.map((r, i) => ({ slug: metas[i].slug, score: r.score, signature: r.signature, match: r.match })));
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(2); });
