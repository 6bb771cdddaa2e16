// errbook in-browser search: finds the page that explains a pasted error message.
// Plain JavaScript, no dependencies. The index is exported from errbook's tantivy index
// (src/search/export.rs); this file normalizes a paste like src/search/normalize.rs, tokenizes
// exactly like src/search/analyzer.rs, matches signatures like src/search/signatures.rs and
// src/search/partial.rs and ranks like src/search/query.rs: keep them in step.
// The engine part also runs under node (tests and benchmarks): see the exports at the end.
(function (global) {
  "use strict";

  // ---- Analyzer (src/search/analyzer.rs) ----
  var MAX_TOKEN_CHARS = 40;
  var MAX_QUERY_TERMS = 32;
  var STOPWORDS = new Set(["a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "doesn",
    "for", "from", "how", "i", "in", "is", "it", "my", "of", "on", "or", "that", "the", "this", "to",
    "was", "why", "with", "work", "working", "works"]);
  var WORD = /^[\p{Alphabetic}\p{N}]$/u;
  var UPPER = /^\p{Uppercase}$/u;
  var LOWER = /^\p{Lowercase}$/u;
  var HAS_UPPER = /\p{Uppercase}/u;
  var MARKS = /\p{M}/gu;
  var ASCII = /^[\x00-\x7f]*$/;
  // A compound: word characters joined by runs of `. : / _ -` (joiners count only between words).
  var COMPOUND = /[\p{Alphabetic}\p{N}]+(?:[.:\/_-]+[\p{Alphabetic}\p{N}]+)*/gu;
  var JOINERS = /[.:\/_-]+/;
  var SURROGATE_PAIRS = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

  function isWord(c) { return WORD.test(c); }

  /** Length in code points, as Rust counts characters. */
  function chars(s) {
    if (ASCII.test(s)) return s.length;
    var pairs = s.match(SURROGATE_PAIRS);
    return s.length - (pairs ? pairs.length : 0);
  }

  // Line by line, the ASCII ones as they are (src/search/analyzer.rs `fold`).
  function fold(text) {
    if (ASCII.test(text)) return text;
    return text.split("\n").map(function (line) {
      return ASCII.test(line) ? line : line.normalize("NFKD").replace(MARKS, "");
    }).join("\n");
  }

  function push(token, emit) {
    if (chars(token) > MAX_TOKEN_CHARS) return;
    var lower = token.toLowerCase();
    if (!STOPWORDS.has(lower)) emit(lower);
  }

  function camelHumps(seg) {
    if (!HAS_UPPER.test(seg)) return null;
    var cs = Array.from(seg), humps = [], start = 0;
    for (var i = 1; i < cs.length; i++) {
      var prev = cs[i - 1], cur = cs[i];
      var nextLower = i + 1 < cs.length && LOWER.test(cs[i + 1]);
      if (UPPER.test(cur) && (LOWER.test(prev) || (UPPER.test(prev) && nextLower))) {
        humps.push(cs.slice(start, i).join(""));
        start = i;
      }
    }
    if (!humps.length) return null;
    humps.push(cs.slice(start).join(""));
    return humps;
  }

  function emitCompound(compound, emit) {
    var segments = compound.split(JOINERS).filter(function (x) { return x; });
    if (segments.length > 1) push(compound, emit);
    segments.forEach(function (seg) {
      push(seg, emit);
      var humps = camelHumps(seg);
      if (humps) humps.forEach(function (h) { push(h, emit); });
    });
  }

  function eachToken(text, emit) {
    var folded = fold(String(text));
    var re = new RegExp(COMPOUND.source, "gu"), m;
    while ((m = re.exec(folded))) emitCompound(m[0], emit);
  }

  /** The analyzed tokens of `text`, with repeats. */
  function analyze(text) {
    var out = [];
    eachToken(text, function (t) { out.push(t); });
    return out;
  }

  /** Every distinct token of `text`, added to `into` (a Set); each distinct compound once. */
  function distinctTokens(text, into) {
    var folded = fold(String(text)), seen = new Set();
    var re = new RegExp(COMPOUND.source, "gu"), m;
    while ((m = re.exec(folded))) {
      if (seen.has(m[0])) continue;
      seen.add(m[0]);
      emitCompound(m[0], function (t) { into.add(t); });
    }
    return into;
  }

  // ---- Normalization (src/search/normalize.rs) ----
  var WRAP_MIN_CHARS = 60;
  var LEVELS = "TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|CRITICAL|FATAL|" +
    "trace|debug|info|notice|warning|warn|error|critical|fatal";
  var SPACE_CLASS = "[\\t\\u000B\\u000C \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]";
  var ESCAPE = /\\+(?:r\\+n|[rn]|t|["'\/]|u00[0-7][0-9A-Fa-f]|x1[bB]|033)/g;
  var ANSI = /\x1B\[[0-?]*[ -\/]*[@-~]|\x1B|\[[0-9]{1,3}(?:;[0-9]{1,3})*m/g;
  var PREFIX = new RegExp("^(?:" + [
    "\\[?[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?\\]?[ \\t]*(?:[-|][ \\t]+)?",
    "\\[?[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?\\]?[ \\t]*(?:[-|][ \\t]+)?",
    "[A-Za-z0-9_. ]{1,40}:(?:" + LEVELS + "): [A-Za-z0-9_./\\\\-]+:[0-9]+ - ",
    "\\[?(?:" + LEVELS + ")[ \\t]*\\]?(?::[A-Za-z0-9_.]+:|[ \\t]*[-:|][ \\t]*|[ \\t]+)",
    "[A-Za-z0-9][A-Za-z0-9_.-]*[ \\t]*\\|[ \\t]?"
  ].join("|") + ")");
  var SPACES = new RegExp(SPACE_CLASS + "+", "g");
  var LEADING_SPACES = new RegExp("^" + SPACE_CLASS + "+");
  var EDGE_SPACES = new RegExp("^" + SPACE_CLASS + "+|" + SPACE_CLASS + "+$", "g");
  var SPACE_START = new RegExp("^" + SPACE_CLASS);

  function decodeEscape(escape) {
    var body = escape.replace(/^\\+/, "");
    switch (body[0]) {
      case "r": case "n": return "\n";
      case "t": return " ";
      case "\"": case "'": case "/": return body[0];
      case "x": case "0": return "\x1b";
      default: return String.fromCharCode(parseInt(body.slice(1), 16));
    }
  }

  function cleanLine(line) {
    var rest = line;
    for (var i = 0; i < 6; i++) {
      var trimmed = rest.replace(LEADING_SPACES, "");
      var m = PREFIX.exec(trimmed);
      if (m && m[0].length > 0) rest = trimmed.slice(m[0].length); else break;
    }
    var indented = SPACE_START.test(rest);
    var collapsed = rest.replace(EDGE_SPACES, "").replace(SPACES, " ");
    return indented && collapsed ? " " + collapsed : collapsed;
  }

  function unindent(line) { return line.charAt(0) === " " ? line.slice(1) : line; }
  function firstChar(s) { return s ? String.fromCodePoint(s.codePointAt(0)) : ""; }
  function lastChar(s) {
    if (!s) return "";
    var c = s.charCodeAt(s.length - 1);
    return c >= 0xDC00 && c <= 0xDFFF && s.length > 1 ? s.slice(-2) : s.slice(-1);
  }

  function joinWraps(lines) {
    var joined = "", junctions = [], previous = null;
    lines.forEach(function (line) {
      var trimmed = unindent(line);
      if (!trimmed) { previous = null; return; }
      if (previous !== null) {
        var wrap = chars(previous) >= WRAP_MIN_CHARS && isWord(lastChar(previous)) &&
          line.charAt(0) !== " " && isWord(firstChar(line));
        if (wrap) junctions.push(joined.length); else joined += " ";
      }
      joined += trimmed;
      previous = trimmed;
    });
    return { joined: junctions.length ? joined : null, junctions: junctions };
  }

  /** The normalized forms of a paste: { lines, spaced, joined (or null) }. */
  function normalize(text) {
    var t = String(text).replace(/\r\n?/g, "\n").replace(ESCAPE, decodeEscape).replace(ANSI, "");
    var lines = t.split("\n").map(cleanLine);
    var spaced = lines.map(unindent).filter(function (l) { return l; }).join(" ");
    var wraps = joinWraps(lines);
    return { lines: lines.join("\n"), spaced: spaced, joined: wraps.joined, junctions: wraps.junctions };
  }

  function forms(n) { return n.joined === null ? [n.lines, n.spaced] : [n.lines, n.spaced, n.joined]; }

  // ---- Query terms (src/search/query.rs) ----
  var EQUIVALENTS = [
    [[["429"], ["rate", "limit"], ["ratelimit"], ["ratelimiterror"], ["too", "many", "requests"]], ["429", "rate", "limit"]],
    [[["401"], ["authentication"], ["authenticationerror"], ["unauthorized"]], ["401", "authentication"]],
    [[["408"], ["504"], ["timeout"], ["timed", "out"]], ["408", "504", "timeout"]]
  ];

  function withEquivalents(terms) {
    EQUIVALENTS.forEach(function (row) {
      var triggered = row[0].some(function (trigger) {
        return trigger.every(function (t) { return terms.indexOf(t) !== -1; });
      });
      if (triggered) row[1].forEach(function (t) { if (terms.indexOf(t) === -1) terms.push(t); });
    });
    return terms;
  }

  function isFrame(trimmed) {
    return trimmed.indexOf("File \"") === 0 || (trimmed.indexOf("at ") === 0 && trimmed.indexOf("(") !== -1);
  }

  /** Distinct tokens of normalized lines, from the last line up, stack frames skipped, capped. */
  function termsOfLines(text, max) {
    var lines = String(text).split("\n"), kept = [], skipNextIndented = false;
    lines.forEach(function (line) {
      var trimmed = line.trimStart();
      var indented = trimmed.length < line.length;
      if (isFrame(trimmed)) { skipNextIndented = true; return; }
      if (skipNextIndented && indented) { skipNextIndented = false; return; }
      skipNextIndented = false;
      kept.push(line);
    });
    // Line by line from the last, stopping at the cap (no token spans a line break).
    var seen = new Set(), terms = [], limit = max || MAX_QUERY_TERMS;
    for (var i = kept.length - 1; i >= 0 && terms.length < limit; i--) {
      eachToken(kept[i], function (t) {
        if (terms.length < limit && !seen.has(t)) { seen.add(t); terms.push(t); }
      });
    }
    return terms;
  }

  /** The terms a query searches for (src/search/query.rs `terms`). */
  function queryTerms(text, max) {
    return withEquivalents(termsOfLines(normalize(text).lines, max));
  }

  // ---- Signatures (src/search/signatures.rs, src/search/partial.rs) ----
  var MIN_LEAD_CHARS = 16;
  var TAIL_CHARS = 8192;
  var SIGNATURE = 2, PARTIAL = 1, WORDS = 0;
  var MATCH_NAMES = ["words", "partial", "signature"];

  function literalMatches(needle, haystack) {
    if (!needle) return false;
    var startsWord = isWord(firstChar(needle)), endsWord = isWord(lastChar(needle));
    var from = 0, at;
    while ((at = haystack.indexOf(needle, from)) !== -1) {
      var end = at + needle.length;
      var beforeOk = !startsWord || !isWord(lastChar(haystack.slice(Math.max(0, at - 2), at)));
      var afterOk = !endsWord || !isWord(firstChar(haystack.slice(end, end + 2)));
      if (beforeOk && afterOk) return true;
      from = at + 1;
    }
    return false;
  }

  /** `text` without its trailing characters in `set` (a string of them). */
  function trimEnd(text, set) {
    var end = text.length;
    while (end > 0 && set.indexOf(text[end - 1]) !== -1) end--;
    return end === text.length ? text : text.slice(0, end);
  }

  function trimCut(text) {
    var rest = text;
    for (;;) {
      var before = rest.length;
      rest = trimEnd(rest, " \n");
      ["...", "\u2026", "[truncated]", "(truncated)"].forEach(function (marker) {
        if (rest.slice(-marker.length) === marker) rest = rest.slice(0, -marker.length);
      });
      rest = trimEnd(rest, "\"'}])");
      if (rest.length === before) return rest;
    }
  }

  /** The last TAIL_CHARS code points of `text`. */
  function tail(text) {
    var i = text.length, n = 0;
    while (i > 0 && n < TAIL_CHARS) {
      var c = text.charCodeAt(i - 1);
      i -= c >= 0xDC00 && c <= 0xDFFF && i > 1 && text.charCodeAt(i - 2) >= 0xD800 &&
        text.charCodeAt(i - 2) <= 0xDBFF ? 2 : 1;
      n++;
    }
    return text.slice(i);
  }

  function literalPartial(literal, text) {
    var ends = [], at = 0;
    for (var ch of literal) { at += ch.length; ends.push(at); }
    for (var count = ends.length - 1; count >= 0; count--) {
      if (count + 1 < MIN_LEAD_CHARS) break;
      var end = ends[count];
      if (end === literal.length) continue;
      var prefix = literal.slice(0, end);
      if (text.length >= prefix.length && text.slice(text.length - prefix.length) === prefix) {
        var before = text.slice(0, text.length - prefix.length);
        if (!isWord(firstChar(prefix)) || !isWord(lastChar(before))) return true;
      }
    }
    return false;
  }

  var AROUND = /[\p{Alphabetic}\p{N}.:\/_-]/u;

  /**
   * Every distinct token of a prepared paste in any of its forms: those of its lines, and
   * those a terminal wrap joined (only the text around each junction differs).
   */
  function pasteTokens(text) {
    var n = text.normalized;
    // No token spans a line break: each distinct line is read once.
    var tokens = distinctTokens(text.distinctLines, new Set());
    if (n.joined !== null) {
      n.junctions.forEach(function (at) {
        var start = at, end = at;
        while (start > 0 && AROUND.test(n.joined[start - 1])) start--;
        while (end < n.joined.length && AROUND.test(n.joined[end])) end++;
        distinctTokens(n.joined.slice(start, end), tokens);
      });
    }
    return tokens;
  }

  /** A paste prepared once for every signature. */
  function MatchText(text) {
    var n = normalize(text);
    this.normalized = n;
    this.forms = forms(n);
    this.lower = this.forms.map(function (f) { return f.toLowerCase(); });
    this.tails = this.forms.map(function (f) { return tail(trimCut(f)); });
    this.lowerTails = this.tails.map(function (t) { return t.toLowerCase(); });
    // Whether a form holds a literal run, remembered: signatures share runs.
    this.held = this.lower.map(function () { return new Map(); });
    // A log repeats its lines (their prefixes are gone once normalized): tokens and literal
    // runs, which hold no line break, are looked for in each distinct line once.
    this.distinctLines = Array.from(new Set(n.lines.split("\n"))).join("\n");
    this.distinctLower = this.distinctLines.toLowerCase();
  }

  var compiled = new Map();
  function compile(pattern) {
    if (!compiled.has(pattern)) {
      var re = null;
      try { re = new RegExp(pattern, "i"); } catch (e) { re = null; }
      compiled.set(pattern, re);
    }
    return compiled.get(pattern);
  }
  var needles = new Map();
  function needle(pattern) {
    if (!needles.has(pattern)) needles.set(pattern, normalize(pattern).spaced.toLowerCase());
    return needles.get(pattern);
  }

  function literalPartialMatch(lit, text) {
    var lead = Array.from(lit).slice(0, MIN_LEAD_CHARS).join("");
    for (var i = 1; i < text.lowerTails.length; i++) {
      if (text.lowerTails[i].indexOf(lead) !== -1 && literalPartial(lit, text.lowerTails[i])) return true;
    }
    return false;
  }

  function regexPartialMatch(sig, text) {
    if (!sig[6]) return false;
    var lead = sig[7] || "";
    var withLead = text.lowerTails.map(function (t) { return t.indexOf(lead) !== -1; });
    if (withLead.indexOf(true) === -1) return false;
    var partial = compile(sig[6]);
    if (!partial) return false;
    for (var i = 0; i < text.tails.length; i++) if (withLead[i] && partial.test(text.tails[i])) return true;
    return false;
  }

  /**
   * How a signature entry [index, page, isRegex, pattern, specificity, runs, partial, lead,
   * terms] matches. `complete` says the paste holds every one of the signature's terms;
   * without them only a partial match (a cut-off paste) is tried.
   */
  function signatureMatch(sig, text, complete) {
    var i;
    if (!sig[2]) {
      var lit = needle(sig[3]);
      if (complete) {
        for (i = 1; i < text.lower.length; i++) if (literalMatches(lit, text.lower[i])) return SIGNATURE;
      }
      return literalPartialMatch(lit, text) ? PARTIAL : WORDS;
    }
    if (complete) {
      // Runs hold no whitespace: `lines` and `spaced` hold the same ones, `joined` may hold more.
      var runs = sig[5] || [];
      var has = function (n) {
        return runs.every(function (r) {
          var held = text.held[n];
          if (!held.has(r)) held.set(r, (n === 0 ? text.distinctLower : text.lower[n]).indexOf(r) !== -1);
          return held.get(r);
        });
      };
      var inLines = has(0);
      var inJoined = inLines || (text.lower.length > 2 && has(2));
      for (i = 0; i < text.forms.length; i++) {
        if (!(i < 2 ? inLines : inJoined)) continue;
        var re = compile(sig[3]);
        if (re && re.test(text.forms[i])) return SIGNATURE;
      }
    }
    return regexPartialMatch(sig, text) ? PARTIAL : WORDS;
  }

  // ---- BM25 as tantivy computes it (f32 arithmetic) ----
  var f = Math.fround;
  var K1 = f(1.2), B = f(0.75);

  function idf(n, N) {
    var x = f(f(f(N - n) + 0.5) / f(f(n) + 0.5));
    return f(Math.log(f(1 + x)));
  }

  function decodeBase64(b64) {
    return typeof atob === "function" ? atob(b64) : Buffer.from(b64, "base64").toString("latin1");
  }

  function decodePostings(b64) {
    var bin = decodeBase64(b64), out = [], i = 0, page = 0, first = true;
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

  var encoder = typeof TextEncoder !== "undefined" ? new TextEncoder() : null;
  function fnv32(text) {
    var h = 0x811c9dc5, i;
    if (ASCII.test(text)) {
      for (i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
      return h >>> 0;
    }
    var bytes = encoder.encode(text);
    for (i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  /** The key filter (src/search/export.rs `KeyFilter`): may `term` be a signature key? */
  function KeyFilter(b64, bits, hashes) {
    this.bytes = decodeBase64(b64);
    this.bits = bits;
    this.hashes = hashes;
  }
  KeyFilter.prototype.mayContain = function (term) {
    var h1 = fnv32(term);
    var h2 = (Math.imul((h1 ^ (h1 >>> 16)) >>> 0, 0x85ebca6b) | 1) >>> 0;
    for (var i = 0; i < this.hashes; i++) {
      var bit = ((h1 + Math.imul(i, h2)) >>> 0) % this.bits;
      if (!(this.bytes.charCodeAt(bit >>> 3) & (1 << (bit & 7)))) return false;
    }
    return true;
  };

  /**
   * The search engine over an exported index. `load(name)` returns a promise of the data of
   * one index file (`manifest`, `s/3`, `b/0`, `m/12`, `k`); each file is loaded once.
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

  /** The tools and categories that have pages: { tools: [id], categories: [[id, name]] }. */
  Engine.prototype.facets = function () {
    return this.manifest().then(function (m) { return { tools: m.tools, categories: m.categories }; });
  };

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

  /**
   * The shards holding the signatures keyed on the paste's other tokens: the key filter says
   * which tokens may be keys, and only their shards load.
   */
  Engine.prototype.keyShards = function (m, tokens) {
    if (!tokens.length) return Promise.resolve([]);
    var self = this;
    return this.get("k").then(function (b64) {
      if (!self.keyFilter) self.keyFilter = new KeyFilter(b64, m.keys.bits, m.keys.hashes);
      var maybe = tokens.filter(function (t) { return self.keyFilter.mayContain(t); });
      return Promise.all(maybe.map(function (t) {
        return self.get("s/" + (fnv32(t) % m.shards)).then(function (shard) { return { term: t, shard: shard }; });
      }));
    });
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
   * Ranks pages for `text`: signature hits first (most specific first), then partial hits,
   * then BM25. options: { limit, tool, category }. Resolves to { terms, results: [{ page,
   * score, signature, specificity, match }] } with the results best first.
   */
  Engine.prototype.search = function (text, options) {
    var self = this;
    options = options || {};
    var limit = options.limit || 10;
    var prepared = new MatchText(text);
    return this.manifest().then(function (m) {
      var n = prepared.normalized;
      var terms = withEquivalents(termsOfLines(n.lines, m.maxTerms));
      var tokens = pasteTokens(prepared);
      var others = [];
      tokens.forEach(function (t) { if (terms.indexOf(t) === -1) others.push(t); });
      var filters = [];
      if (options.tool) filters.push("@tool:" + options.tool);
      if (options.category) filters.push("@category:" + options.category);
      return Promise.all([self.lookup(m, terms), self.lookup(m, filters), self.keyShards(m, others)])
        .then(function (got) {
          var ranking = rankingTerms(got[0], m.common);
          return Promise.all([self.fill(ranking), self.fill(got[1])]).then(function (filled) {
            return { m: m, terms: terms, tokens: tokens, found: got[0].concat(got[2]),
              ranking: filled[0], filters: filled[1] };
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
      // Signatures: the unkeyed ones and those keyed on any token of the paste, in the
      // index's order.
      var candidates = m.g.slice();
      q.found.forEach(function (p) {
        p.shard.g.forEach(function (entry) { if (entry[0] === p.term) candidates.push(entry[1]); });
      });
      candidates.sort(function (a, b) { return a[0] - b[0]; });
      var hits = new Map(), seen = new Set();
      candidates.forEach(function (sig) {
        if (seen.has(sig[0])) return;
        seen.add(sig[0]);
        var complete = (sig[8] || []).every(function (t) { return q.tokens.has(t); });
        var how = signatureMatch(sig, prepared, complete);
        if (how === WORDS) return;
        var best = hits.get(sig[1]);
        if (!best || how > best.how || (how === best.how && sig[4] > best.sig[4])) {
          hits.set(sig[1], { sig: sig, how: how });
        }
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
        var hit = hits.get(page);
        ranked.push({
          page: page,
          score: Math.round((scores.get(page) || 0) * scale) / scale,
          signature: hit ? hit.sig[3] : null,
          specificity: hit ? hit.sig[4] : 0,
          how: hit ? hit.how : WORDS,
          match: MATCH_NAMES[hit ? hit.how : WORDS]
        });
      });
      ranked.sort(function (a, b) {
        return (b.how - a.how) || (b.specificity - a.specificity) || (b.score - a.score) || (a.page - b.page);
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
          // [title, tool, category, summary, slug]
          var row = rows[r.page % m.chunk];
          var named = m.categories.filter(function (c) { return c[0] === row[2]; })[0];
          return { title: row[0], path: row[1] + "/" + row[4] + "/", tool: row[1], category: row[2],
            categoryName: named ? named[1] : row[2], summary: row[3], slug: row[4] };
        });
      }));
    });
  };

  var engine = {
    analyze: analyze, queryTerms: queryTerms, rankingTerms: rankingTerms, fnv32: fnv32,
    decodePostings: decodePostings, normalize: normalize, MatchText: MatchText,
    signatureMatch: signatureMatch, KeyFilter: KeyFilter, matchNames: MATCH_NAMES, Engine: Engine
  };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = engine;
    return;
  }

  /**
   * The same interface over the preview server's `/api/search` (errbook serve renders no
   * browser index: the in-memory tantivy index answers, and follows every edit). A long paste
   * is posted as the request body rather than put in the address.
   */
  function ApiEngine(url) {
    this.url = url;
  }

  ApiEngine.prototype.search = function (text, options) {
    var params = new URLSearchParams();
    params.set("limit", String(options.limit || 10));
    if (options.tool) params.set("tool", options.tool);
    if (options.category) params.set("category", options.category);
    var init = { headers: { Accept: "application/json" } };
    if (text.length > 2000) {
      init.method = "POST";
      init.body = text;
    } else {
      params.set("q", text);
    }
    return fetch(this.url + "?" + params.toString(), init)
      .then(function (response) {
        if (!response.ok) throw new Error("search answered " + response.status);
        return response.json();
      })
      .then(function (body) {
        return {
          terms: queryTerms(text),
          results: body.results.map(function (hit) {
            return { signature: hit.signature, match: hit.match, meta: { title: hit.title, path: hit.path,
              tool: hit.tool, category: hit.category, categoryName: hit.category_name,
              summary: hit.summary, slug: hit.slug } };
          })
        };
      });
  };

  ApiEngine.prototype.metadata = function (results) {
    return Promise.resolve(results.map(function (r) { return r.meta; }));
  };

  ApiEngine.prototype.facets = function () {
    return fetch(this.url + "/facets", { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("facets answered " + response.status);
        return response.json();
      });
  };

  // ---- The search box (browser only) ----
  var form = document.querySelector("form.search-form");
  // The preview server injects its live-reload script and answers /api/search itself.
  var inPreview = document.querySelector('script[src="/__errbook/live.js"]') !== null;
  if (!form || !(form.getAttribute("data-index") || inPreview)) return;
  var input = form.querySelector("[name=q]");
  var toolSelect = form.querySelector("select[name=tool]");
  var categorySelect = form.querySelector("select[name=category]");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  // The index's entry point (search/entry.js): a fixed URL naming the current version's
  // directory, so pages need not change when the index does.
  var entryUrl = form.getAttribute("data-index") || "";
  var searchDir = entryUrl.slice(0, entryUrl.lastIndexOf("/") + 1);
  var root = form.getAttribute("data-root") || "";
  var fromDisk = location.protocol === "file:";
  // Longer texts are searched in place: the results page would carry them in its address.
  var MAX_LINKED_CHARS = 2000;
  // The keys below work once this script runs: the label names them then (pages do not carry
  // the hint, so it is not in every page's bytes, nor shown where it would not hold).
  var label = form.querySelector("label[for='" + input.id + "']");
  if (label && !label.querySelector(".search-hint")) {
    label.insertAdjacentHTML("beforeend", ' <span class="search-hint">(paste an error message or a whole log; ' +
      "press <kbd>/</kbd>; Enter searches, Shift+Enter adds a line)</span>");
  }

  // Index files are scripts that call errbookSearchLoad(name, data): <script> loads from
  // file:// where fetch is refused.
  var waiting = new Map();
  global.errbookSearchLoad = function (name, data) {
    var w = waiting.get(name);
    if (w) { waiting.delete(name); w.resolve(data); }
  };
  function loadScript(name, src) {
    return new Promise(function (resolve, reject) {
      waiting.set(name, { resolve: resolve });
      var script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onerror = function () { waiting.delete(name); reject(new Error("could not load " + name)); };
      script.onload = function () { script.remove(); };
      document.head.appendChild(script);
    });
  }
  // The current version's directory, from the entry. A cached entry older than the deployed
  // site names a version that is gone: when a file fails to load, the entry is loaded again
  // past any cache (once per failure) and, if it names another version, the files loaded so
  // far are dropped so that no query mixes two versions.
  var version = null;
  function loadEntry(bust) {
    var loading = loadScript("entry", entryUrl + (bust ? "?" + Date.now() : "")).then(function (e) {
      return searchDir + e.version + "/";
    });
    // An entry that failed to load is tried again by the next search.
    loading.catch(function () { if (version === loading) version = null; });
    version = loading;
    return loading;
  }
  function loadIndexFile(name) {
    var dir = version || loadEntry(false);
    return dir.then(function (d) {
      return loadScript(name, d + name + ".js").catch(function (err) {
        return loadEntry(true).then(function (fresh) {
          if (fresh === d) throw err;
          searchEngine.files.clear();
          // Before anything else is loaded, the manifest can be taken from the new version.
          if (name === "manifest") return searchEngine.get("manifest");
          throw new Error("the search index was updated; search again");
        });
      });
    });
  }
  var searchEngine = entryUrl ? new Engine(loadIndexFile) : new ApiEngine("/api/search");

  // The filters list the tools and categories the index knows, loaded on first use so a page
  // view that never searches loads nothing.
  var facets = null;
  function fillFilters() {
    if (!facets) {
      facets = searchEngine.facets().then(function (got) {
        function fill(select, values) {
          if (!select) return;
          var chosen = select.value || select.getAttribute("data-value") || "";
          values.forEach(function (v) {
            var option = document.createElement("option");
            option.value = v[0];
            option.textContent = v[1];
            select.appendChild(option);
          });
          select.value = chosen;
        }
        fill(toolSelect, got.tools.map(function (t) { return [t, t]; }));
        fill(categorySelect, got.categories);
      }).catch(function () { facets = null; });
    }
    return facets;
  }
  ["focusin", "pointerover", "touchstart"].forEach(function (type) {
    form.addEventListener(type, fillFilters, { once: true, passive: true });
  });

  // The box grows with its text, up to a height the stylesheet caps. A text this long fills
  // the box at any width: measuring it would lay out every line (a pasted 1 MiB log, 0.4 s).
  var FILLS_BOX_CHARS = 4000;
  function grow() {
    var cap = getComputedStyle(input).maxHeight;
    if (input.value.length > FILLS_BOX_CHARS && cap !== "none") {
      input.style.height = cap;
      return;
    }
    input.style.height = "auto";
    input.style.height = input.scrollHeight + "px";
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

  var MATCH_LABELS = { signature: "signature match", partial: "partial match (the text looks cut off)",
    words: "possibly related" };

  function render(results, metas, terms) {
    list.textContent = "";
    results.forEach(function (r, i) {
      var meta = metas[i];
      var item = document.createElement("li");
      item.className = "search-result-" + r.match;
      var link = document.createElement("a");
      link.href = pageLink(meta.path);
      link.className = "search-result";
      var title = document.createElement("span");
      title.className = "search-result-title";
      title.appendChild(highlight(meta.title, terms));
      var facts = document.createElement("span");
      facts.className = "search-result-meta";
      facts.textContent = meta.tool + " · " + meta.categoryName + " · " + MATCH_LABELS[r.match];
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

  /** The status line: whether a page matches the error, said plainly. */
  function describe(results, shown) {
    var n = results.length;
    var quoted = "\u201c" + shown + "\u201d";
    if (n === 0) return "No page matches " + quoted + ".";
    var first = results[0].match;
    var count = n + (n === 1 ? " result" : " results");
    if (first === "signature") return count + " for " + quoted + "; the first matches the error's signature.";
    if (first === "partial") {
      return count + " for " + quoted + "; the first matches the start of a signature (the text looks cut off).";
    }
    return "No page matches this error. " + (n === 1 ? "1 page shares" : n + " pages share") +
      " words with " + quoted + " (possibly related).";
  }

  var generation = 0, timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 80);
  }

  function run() {
    var text = input.value;
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
        // The query is shown as text (textContent), never parsed as HTML.
        var shown = text.replace(/\s+/g, " ").trim();
        if (shown.length > 80) shown = shown.slice(0, 79) + "…";
        status.textContent = describe(found.results, shown);
        form.setAttribute("data-searched", text);
      });
    }).catch(function () {
      if (mine !== generation) return;
      list.textContent = "";
      status.textContent = "The search index could not be loaded.";
    });
  }

  input.addEventListener("input", function () {
    grow();
    schedule();
  });
  [toolSelect, categorySelect].forEach(function (select) {
    if (select) select.addEventListener("change", schedule);
  });

  // Enter searches (Shift+Enter adds a line): a short query opens the results page, which can
  // be bookmarked or linked (from disk it names the file, since a directory link would show a
  // listing); a long paste is searched where it is.
  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.altKey ||
      event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    if (input.value.length > MAX_LINKED_CHARS) {
      clearTimeout(timer);
      run();
    } else if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams();
    params.set("q", input.value);
    if (toolSelect && toolSelect.value) params.set("tool", toolSelect.value);
    if (categorySelect && categorySelect.value) params.set("category", categorySelect.value);
    location.href = root + "search/" + (fromDisk ? "index.html" : "") + "?" + params.toString();
  });

  // `/` focuses the box; arrows move between the box and the results (ArrowDown leaves the
  // box from its end, so a multi-line paste can still be walked line by line); Enter follows
  // a link.
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
    var atEnd = input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
    if (target === input && event.key === "ArrowDown" && atEnd) {
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
    input.value = params.get("q");
    grow();
    var wanted = [[toolSelect, params.get("tool")], [categorySelect, params.get("category")]];
    var needsFacets = wanted.some(function (w) { return w[0] && w[1]; });
    wanted.forEach(function (w) { if (w[0] && w[1]) w[0].setAttribute("data-value", w[1]); });
    (needsFacets ? fillFilters() : Promise.resolve()).then(run);
  }
})(typeof window !== "undefined" ? window : globalThis);
