// Runs errbook's browser search engine (js/search.js of a built site) under node, reading the
// index files from disk the way the browser loads them, and counting the bytes it loads.
"use strict";
const fs = require("fs");
const path = require("path");

/** An engine over the site built in `publicDir`; `loaded` lists every file it read. */
function open(publicDir) {
  const engine = require(path.resolve(publicDir, "js/search.js"));
  const html = fs.readFileSync(path.join(publicDir, "index.html"), "utf8");
  const match = html.match(/data-index="([^"]*entry\.js)"/);
  if (!match) throw new Error("no data-index on the home page");
  // The entry point names the current version's directory.
  const entryFile = path.join(publicDir, match[1]);
  let entry;
  new Function("errbookSearchLoad", fs.readFileSync(entryFile, "utf8"))((n, d) => { if (n === "entry") entry = d; });
  if (!entry) throw new Error("search/entry.js names no version");
  const base = path.join(path.dirname(entryFile), entry.version);
  const loaded = [];
  const load = (name) => new Promise((resolve, reject) => {
    const file = path.join(base, name + ".js");
    fs.readFile(file, "utf8", (err, text) => {
      if (err) return reject(err);
      loaded.push({ name, bytes: Buffer.byteLength(text), file });
      let data;
      new Function("errbookSearchLoad", text)((n, d) => { if (n === name) data = d; });
      resolve(data);
    });
  });
  return { engine: new engine.Engine(load), analyze: engine.analyze, loaded, base };
}

module.exports = { open };
