// Prints what static/js/search.js makes of texts, for the analyzer parity test:
// stdin {"texts": [...], "ranking": [{"terms": [[term, df], ...], "threshold": n}, ...]}
// stdout {"tokens": [[...]], "terms": [[...]], "ranking": [[...]], "shards": [fnv32 of each text],
//         "normalized": [{"lines", "spaced", "joined"}]}
"use strict";
const path = require("path");
const engine = require(path.join(__dirname, "../../static/js/search.js"));
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify({
  tokens: input.texts.map((t) => engine.analyze(t)),
  terms: input.texts.map((t) => engine.queryTerms(t)),
  shards: input.texts.map((t) => engine.fnv32(t)),
  normalized: input.texts.map((t) => {
    const n = engine.normalize(t);
    return { lines: n.lines, spaced: n.spaced, joined: n.joined };
  }),
  ranking: input.ranking.map((r) =>
    engine.rankingTerms(r.terms.map(([term, df]) => ({ term, df })), r.threshold).map((p) => p.term)),
}));
