// errbook in-browser search: finds the page that explains a pasted error message.
// Plain JavaScript, no dependencies. The index is exported from errbook's tantivy index
// (src/search/export.rs); this file tokenizes exactly like src/search/analyzer.rs, matches
// signatures like src/search/signatures.rs and ranks like src/search/query.rs: keep them in step.
// The engine part also runs under node (tests and benchmarks): see the exports at the end.
(function (global) {
  "use strict";

  // ---- Analyzer (src/search/analyzer.rs) ----
  var MAX_TOKEN_CHARS = 40;
  var MAX_QUERY_TERMS = 32;
  var STOPWORDS = new Set(["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in",
    "is", "it", "of", "on", "or", "that", "the", "this", "to", "was", "with"]);
  var WORD = /^[\p{Alphabetic}\p{N}]$/u;
  var UPPER = /^\p{Uppercase}$/u;
  var LOWER = /^\p{Lowercase}$/u;
  var MARKS = /\p{M}/gu;
  var ASCII = /^[\x00-\x7f]*$/;

  function isWord(c) { return WORD.test(c); }
  function isJoiner(c) { return c === "." || c === ":" || c === "/" || c === "_" || c === "-"; }

  function fold(text) {
    return ASCII.test(text) ? text : text.normalize("NFKD").replace(MARKS, "");
  }

  function push(chars, out) {
    if (chars.length > MAX_TOKEN_CHARS) return;
    var token = chars.join("").toLowerCase();
    if (!STOPWORDS.has(token)) out.push(token);
  }

  function camelHumps(seg) {
    var humps = [], start = 0;
    for (var i = 1; i < seg.length; i++) {
      var prev = seg[i - 1], cur = seg[i];
      var nextLower = i + 1 < seg.length && LOWER.test(seg[i + 1]);
      if (UPPER.test(cur) && (LOWER.test(prev) || (UPPER.test(prev) && nextLower))) {
        humps.push(seg.slice(start, i));
        start = i;
      }
    }
    humps.push(seg.slice(start));
    return humps;
  }

  function emitCompound(compound, out) {
    var segments = [], cur = [];
    for (var i = 0; i < compound.length; i++) {
      if (isJoiner(compound[i])) {
        if (cur.length) segments.push(cur);
        cur = [];
      } else {
        cur.push(compound[i]);
      }
    }
    if (cur.length) segments.push(cur);
    if (segments.length > 1) push(compound, out);
    segments.forEach(function (seg) {
      push(seg, out);
      var humps = camelHumps(seg);
      if (humps.length > 1) humps.forEach(function (h) { push(h, out); });
    });
  }

  /** The analyzed tokens of `text`, with repeats. */
  function analyze(text) {
    var chars = Array.from(fold(String(text)));
    var out = [];
    var i = 0;
    while (i < chars.length) {
      if (!isWord(chars[i])) { i++; continue; }
      var start = i, end = i, j = i;
      while (j < chars.length) {
        if (isWord(chars[j])) { j++; end = j; }
        else if (isJoiner(chars[j])) {
          var k = j;
          while (k < chars.length && isJoiner(chars[k])) k++;
          if (k < chars.length && isWord(chars[k])) j = k; else break;
        } else break;
      }
      emitCompound(chars.slice(start, end), out);
      i = Math.max(end, start + 1);
    }
    return out;
  }

  function isFrame(trimmed) {
    return trimmed.indexOf("File \"") === 0 || (trimmed.indexOf("at ") === 0 && trimmed.indexOf("(") !== -1);
  }

  /**
   * The terms a query searches for (src/search/query.rs `terms`): distinct tokens, from the
   * last line up, stack frames skipped, capped.
   */
  function queryTerms(text, max) {
    var lines = String(text).split("\n"), kept = [], skipNextIndented = false;
    lines.forEach(function (line) {
      var trimmed = line.trimStart();
      var indented = trimmed.length < line.length;
      if (isFrame(trimmed)) { skipNextIndented = true; return; }
      if (skipNextIndented && indented) { skipNextIndented = false; return; }
      skipNextIndented = false;
      kept.push(line);
    });
    kept.reverse();
    var seen = new Set(), terms = [];
    analyze(kept.join("\n")).forEach(function (t) {
      if (!seen.has(t)) { seen.add(t); terms.push(t); }
    });
    return terms.slice(0, max || MAX_QUERY_TERMS);
  }

  // ---- Signatures (src/search/signatures.rs) ----
  function normalizeSpace(text) {
    var t = text.trim();
    return t ? t.split(/\s+/).join(" ") : "";
  }

  function lastChar(s) { var a = Array.from(s.slice(-2)); return a.length ? a[a.length - 1] : ""; }
  function firstChar(s) { return s ? String.fromCodePoint(s.codePointAt(0)) : ""; }

  function literalMatches(needle, haystack) {
    if (!needle) return false;
    var startsWord = isWord(firstChar(needle)), endsWord = isWord(lastChar(needle));
    var from = 0, at;
    while ((at = haystack.indexOf(needle, from)) !== -1) {
      var end = at + needle.length;
      var beforeOk = !startsWord || !isWord(lastChar(haystack.slice(0, at)));
      var afterOk = !endsWord || !isWord(firstChar(haystack.slice(end)));
      if (beforeOk && afterOk) return true;
      from = at + 1;
    }
    return false;
  }

  var compiled = new Map();
  function signatureMatches(sig, text) {
    // sig: [index, page, isRegex, pattern, specificity]
    if (sig[2]) {
      if (!compiled.has(sig[3])) {
        var re = null;
        try { re = new RegExp(sig[3], "i"); } catch (e) { re = null; }
        compiled.set(sig[3], re);
      }
      var r = compiled.get(sig[3]);
      return !!r && r.test(text.lines);
    }
    return literalMatches(normalizeSpace(sig[3].toLowerCase()), text.flat);
  }

  // ---- BM25 as tantivy computes it (f32 arithmetic) ----
  var f = Math.fround;
  var K1 = f(1.2), B = f(0.75);

  function idf(n, N) {
    var x = f(f(f(N - n) + 0.5) / f(f(n) + 0.5));
    return f(Math.log(f(1 + x)));
  }

  function decodePostings(b64) {
    var bin = atob(b64), out = [], i = 0, page = 0, first = true;
    function varint() {
      var n = 0, shift = 0, b;
      do { b = bin.charCodeAt(i++); n += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
      return n;
    }
    while (i < bin.length) {
      var delta = varint();
      page = first ? delta : page + delta;
      first = false;
      var tf = varint();
      var norm = bin.charCodeAt(i++);
      out.push(page, tf, norm);
    }
    return out;
  }

  function fnv32(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  /**
   * The search engine over an exported index. `load(name)` returns a promise of the data of
   * one index file (`manifest`, `s/3`, `b/0`, `m/12`); each file is loaded once.
   */
  function Engine(load) {
    this.load = load;
    this.files = new Map();
  }

  Engine.prototype.get = function (name) {
    if (!this.files.has(name)) this.files.set(name, this.load(name));
    return this.files.get(name);
  };

  Engine.prototype.manifest = function () { return this.get("manifest"); };

  /**
   * Each term's shard and what it says of the term: its page count (df) and, for a short
   * posting list, the list itself; a long list is only named (`big`) until `fill` loads it.
   */
  Engine.prototype.lookup = function (m, terms) {
    var self = this;
    return Promise.all(terms.map(function (t) {
      return self.get("s/" + (fnv32(t) % m.shards)).then(function (shard) {
        var entry = Object.prototype.hasOwnProperty.call(shard.t, t) ? shard.t[t] : null;
        if (entry === null) return { term: t, shard: shard, df: 0, list: null };
        if (typeof entry === "string") {
          var list = decodePostings(entry);
          return { term: t, shard: shard, df: list.length / 3, list: list };
        }
        return { term: t, shard: shard, df: entry[1], list: null, big: entry[0] };
      });
    }));
  };

  /** Loads the long posting lists of `found`. */
  Engine.prototype.fill = function (found) {
    var self = this;
    return Promise.all(found.map(function (p) {
      if (p.list || p.big === undefined) return p;
      return self.get("b/" + p.big).then(function (b64) { p.list = decodePostings(b64); return p; });
    }));
  };

  /** The terms ranked by (src/search/query.rs `ranking_terms`). */
  function rankingTerms(found, threshold) {
    var kept = found.filter(function (p) { return p.df > 0 && p.df <= threshold; });
    if (kept.length) return kept;
    var rarest = null;
    found.forEach(function (p) { if (p.df > 0 && (!rarest || p.df < rarest.df)) rarest = p; });
    return rarest ? [rarest] : [];
  }

  /**
   * Ranks pages for `text`: signature hits first (most specific first), then BM25.
   * options: { limit, tool, category }. Resolves to { terms, results: [{ page, score,
   * signature, specificity }] } with the results best first.
   */
  Engine.prototype.search = function (text, options) {
    var self = this;
    options = options || {};
    var limit = options.limit || 10;
    return this.manifest().then(function (m) {
      var terms = queryTerms(text, m.maxTerms);
      var filters = [];
      if (options.tool) filters.push("@tool:" + options.tool);
      if (options.category) filters.push("@category:" + options.category);
      return Promise.all([self.lookup(m, terms), self.lookup(m, filters)]).then(function (got) {
        var ranking = rankingTerms(got[0], m.common);
        return Promise.all([self.fill(ranking), self.fill(got[1])]).then(function (filled) {
          return { m: m, terms: terms, found: got[0], ranking: filled[0], filters: filled[1] };
        });
      });
    }).then(function (q) {
      var m = q.m, N = m.docs;
      var avg = f(f(m.tokens) / f(N));
      var cache = m.norms.map(function (norm) {
        return f(K1 * f(f(f(1) - B) + f(f(B * f(norm)) / avg)));
      });
      var weightFactor = f(f(1) + K1);
      var scores = new Map();
      q.ranking.forEach(function (p) {
        var n = p.list.length / 3;
        var weight = f(idf(n, N) * weightFactor);
        for (var i = 0; i < p.list.length; i += 3) {
          var tf = p.list[i + 1], norm = cache[p.list[i + 2]];
          var s = f(weight * f(tf / f(tf + norm)));
          scores.set(p.list[i], (scores.get(p.list[i]) || 0) + s);
        }
      });
      // Signatures: the unkeyed ones and those keyed on a query term, in the index's order.
      var candidates = m.g.slice();
      q.found.forEach(function (p) {
        p.shard.g.forEach(function (entry) { if (entry[0] === p.term) candidates.push(entry[1]); });
      });
      candidates.sort(function (a, b) { return a[0] - b[0]; });
      var prepared = { lines: text.replace(/\r\n/g, "\n"), flat: normalizeSpace(text.toLowerCase()) };
      var hits = new Map(), seen = new Set();
      candidates.forEach(function (sig) {
        if (seen.has(sig[0])) return;
        seen.add(sig[0]);
        if (!signatureMatches(sig, prepared)) return;
        var best = hits.get(sig[1]);
        if (!best || sig[4] > best[4]) hits.set(sig[1], sig);
      });
      var allowed = null;
      q.filters.forEach(function (p) {
        var pages = new Set();
        if (p.list) for (var i = 0; i < p.list.length; i += 3) pages.add(p.list[i]);
        allowed = allowed ? new Set(Array.from(allowed).filter(function (x) { return pages.has(x); })) : pages;
      });
      var scale = Math.pow(10, m.decimals);
      var pages = new Set(Array.from(scores.keys()).concat(Array.from(hits.keys())));
      var ranked = [];
      pages.forEach(function (page) {
        if (allowed && !allowed.has(page)) return;
        var sig = hits.get(page);
        ranked.push({
          page: page,
          score: Math.round((scores.get(page) || 0) * scale) / scale,
          signature: sig ? sig[3] : null,
          specificity: sig ? sig[4] + 1 : 0
        });
      });
      ranked.sort(function (a, b) {
        return (b.specificity - a.specificity) || (b.score - a.score) || (a.page - b.page);
      });
      return { terms: q.terms, results: ranked.slice(0, limit) };
    });
  };

  /** Title, path, tool, category, summary and slug of each ranked page. */
  Engine.prototype.metadata = function (results) {
    var self = this;
    return this.manifest().then(function (m) {
      return Promise.all(results.map(function (r) {
        return self.get("m/" + Math.floor(r.page / m.chunk)).then(function (rows) {
          var row = rows[r.page % m.chunk];
          var named = m.categories.filter(function (c) { return c[0] === row[3]; })[0];
          return { title: row[0], path: row[1], tool: row[2], category: row[3],
            categoryName: named ? named[1] : row[3], summary: row[4], slug: row[5] };
        });
      }));
    });
  };

  var engine = {
    analyze: analyze, queryTerms: queryTerms, rankingTerms: rankingTerms, fnv32: fnv32,
    decodePostings: decodePostings, Engine: Engine
  };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = engine;
    return;
  }

  /**
   * The same interface over the preview server's `GET /api/search` (errbook serve renders no
   * browser index: the in-memory tantivy index answers, and follows every edit).
   */
  function ApiEngine(url) {
    this.url = url;
  }

  ApiEngine.prototype.search = function (text, options) {
    var params = new URLSearchParams();
    params.set("q", text);
    params.set("limit", String(options.limit || 10));
    if (options.tool) params.set("tool", options.tool);
    if (options.category) params.set("category", options.category);
    return fetch(this.url + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("search answered " + response.status);
        return response.json();
      })
      .then(function (body) {
        return {
          terms: queryTerms(text),
          results: body.results.map(function (hit) {
            return { signature: hit.signature, meta: { title: hit.title, path: hit.path,
              tool: hit.tool, category: hit.category, categoryName: hit.category_name,
              summary: hit.summary, slug: hit.slug } };
          })
        };
      });
  };

  ApiEngine.prototype.metadata = function (results) {
    return Promise.resolve(results.map(function (r) { return r.meta; }));
  };

  // ---- The search box (browser only) ----
  var form = document.querySelector("form.search-form");
  // The preview server injects its live-reload script and answers /api/search itself.
  var inPreview = document.querySelector('script[src="/__errbook/live.js"]') !== null;
  if (!form || !(form.getAttribute("data-index") || inPreview)) return;
  var input = form.querySelector("input[name=q]");
  var toolSelect = form.querySelector("select[name=tool]");
  var categorySelect = form.querySelector("select[name=category]");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var indexUrl = form.getAttribute("data-index") || "";
  var base = indexUrl.slice(0, indexUrl.lastIndexOf("/") + 1);
  var root = form.getAttribute("data-root") || "";
  var fromDisk = location.protocol === "file:";

  // Index files are scripts that call errbookSearchLoad(name, data): <script> loads from
  // file:// where fetch is refused.
  var waiting = new Map();
  global.errbookSearchLoad = function (name, data) {
    var w = waiting.get(name);
    if (w) { waiting.delete(name); w.resolve(data); }
  };
  function loadScript(name) {
    return new Promise(function (resolve, reject) {
      waiting.set(name, { resolve: resolve });
      var script = document.createElement("script");
      script.src = base + name + ".js";
      script.async = true;
      script.onerror = function () { waiting.delete(name); reject(new Error("could not load " + name)); };
      script.onload = function () { script.remove(); };
      document.head.appendChild(script);
    });
  }
  var searchEngine = indexUrl ? new Engine(loadScript) : new ApiEngine("/api/search");

  // A pasted log keeps its line breaks for signature matching; the box can only show one line.
  var pasted = null;
  input.addEventListener("paste", function (event) {
    var data = event.clipboardData && event.clipboardData.getData("text");
    if (!data || data.indexOf("\n") === -1) return;
    event.preventDefault();
    pasted = { raw: data, shown: data.replace(/\s*\r?\n\s*/g, " ").trim() };
    input.value = pasted.shown;
    schedule();
  });
  function queryText() {
    return pasted && pasted.shown === input.value ? pasted.raw : input.value;
  }

  var pageLink = function (path) { return root + path + (fromDisk ? "index.html" : ""); };

  function highlight(text, terms) {
    var wanted = new Set(terms);
    var fragment = document.createDocumentFragment();
    // Word-and-joiner runs, the analyzer's compounds; everything between is plain text.
    var parts = text.split(/([\p{Alphabetic}\p{N}]+(?:[.:/_-]+[\p{Alphabetic}\p{N}]+)*)/u);
    parts.forEach(function (part, i) {
      if (!part) return;
      var hit = i % 2 === 1 && analyze(part).some(function (t) { return wanted.has(t); });
      if (hit) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(document.createTextNode(part));
      }
    });
    return fragment;
  }

  function render(results, metas, terms) {
    list.textContent = "";
    results.forEach(function (r, i) {
      var meta = metas[i];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = pageLink(meta.path);
      link.className = "search-result";
      var title = document.createElement("span");
      title.className = "search-result-title";
      title.appendChild(highlight(meta.title, terms));
      var facts = document.createElement("span");
      facts.className = "search-result-meta";
      facts.textContent = meta.tool + " · " + meta.categoryName + (r.signature ? " · signature match" : "");
      var snippet = document.createElement("span");
      snippet.className = "search-result-snippet";
      snippet.appendChild(highlight(meta.summary, terms));
      link.appendChild(title);
      link.appendChild(facts);
      link.appendChild(snippet);
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  var generation = 0, timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 80);
  }

  function run() {
    var text = queryText();
    var mine = ++generation;
    if (!text.trim()) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    var options = { limit: 10, tool: toolSelect && toolSelect.value, category: categorySelect && categorySelect.value };
    searchEngine.search(text, options).then(function (found) {
      return searchEngine.metadata(found.results).then(function (metas) {
        if (mine !== generation) return;
        render(found.results, metas, found.terms);
        var n = found.results.length;
        // The query is shown as text (textContent), never parsed as HTML.
        var shown = text.replace(/\s+/g, " ").trim();
        if (shown.length > 80) shown = shown.slice(0, 79) + "…";
        status.textContent = n === 0 ? "No page matches \u201c" + shown + "\u201d." :
          n + (n === 1 ? " result" : " results") + " for \u201c" + shown + "\u201d" +
          (found.results[0].signature ? "; the first matches the error's signature." : ".");
        form.setAttribute("data-searched", text);
      });
    }).catch(function () {
      if (mine !== generation) return;
      list.textContent = "";
      status.textContent = "The search index could not be loaded.";
    });
  }

  input.addEventListener("input", function () {
    if (pasted && pasted.shown !== input.value) pasted = null;
    schedule();
  });
  [toolSelect, categorySelect].forEach(function (select) {
    if (select) select.addEventListener("change", schedule);
  });

  // Enter opens the results page, which can be bookmarked or linked; from disk it names the
  // file, since a directory link would show a listing.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams();
    params.set("q", queryText());
    if (toolSelect && toolSelect.value) params.set("tool", toolSelect.value);
    if (categorySelect && categorySelect.value) params.set("category", categorySelect.value);
    location.href = root + "search/" + (fromDisk ? "index.html" : "") + "?" + params.toString();
  });

  // `/` focuses the box; arrows move between the box and the results; Enter follows a link.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    if (target === input && event.key === "ArrowDown") {
      event.preventDefault();
      links[0].focus();
    } else if (at !== -1) {
      event.preventDefault();
      if (event.key === "ArrowDown") links[Math.min(at + 1, links.length - 1)].focus();
      else if (at === 0) input.focus();
      else links[at - 1].focus();
    }
  });

  // The results page: run the query from the address (?q=&tool=&category=).
  var params = new URLSearchParams(location.search);
  if (params.has("q")) {
    var q = params.get("q");
    if (q.indexOf("\n") !== -1) {
      pasted = { raw: q, shown: q.replace(/\s*\r?\n\s*/g, " ").trim() };
      input.value = pasted.shown;
    } else {
      input.value = q;
    }
    if (toolSelect && params.get("tool")) toolSelect.value = params.get("tool");
    if (categorySelect && params.get("category")) categorySelect.value = params.get("category");
    run();
  }
})(typeof window !== "undefined" ? window : globalThis);
