// Search budget benchmark: what a query transfers and how long ranking takes, on a built site.
// It runs the browser engine (js/search.js) under node, loading the index files the way the
// browser does, and sums the bytes of js/search.js + every index file a query loads (manifest,
// shards, long posting lists, metadata of the 10 results shown).
// A pasted log given as a file (benches/search_log.js writes a 1 MiB one) is measured too.
// Usage: node benches/search_budget.js <public dir> [log file]
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const { open } = require("../tests/browser/node_engine");

const TRACEBACK = `Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/litellm/proxy/proxy_server.py", line 3594, in chat_completion
    responses = await llm_responses
                ^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 826, in acompletion
    raise e
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 802, in acompletion
    response = await self.async_function_with_fallbacks(**kwargs)
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 2967, in async_function_with_fallbacks
    raise original_exception
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 2785, in async_function_with_fallbacks
    response = await self.async_function_with_retries(*args, **kwargs)
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 3151, in async_function_with_retries
    raise original_exception
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 3044, in async_function_with_retries
    response = await self.make_call(original_function, *args, **kwargs)
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 3160, in make_call
    response = await response
               ^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 1043, in _acompletion
    raise e
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 959, in _acompletion
    deployment = await self.async_get_available_deployment(
                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 5601, in async_get_available_deployment
    raise e
  File "/usr/local/lib/python3.11/site-packages/litellm/router.py", line 5477, in async_get_available_deployment
    raise RouterRateLimitError(
litellm.types.router.RouterRateLimitError: No deployments available for selected model, Try again in 5 seconds. Passed model=gpt-4o. pre-call-checks=False, cooldown_list=[('a1b2c3', {'exception_received': 'litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for gpt-4o', 'status_code': '429', 'timestamp': 1730000000.0, 'cooldown_time': 5})]

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/litellm/proxy/proxy_server.py", line 3620, in chat_completion
    raise ProxyException(
litellm.proxy._types.ProxyException: No deployments available for selected model
INFO:     127.0.0.1:51234 - "POST /chat/completions HTTP/1.1" 429 Too Many Requests`;

// Short queries: words and identifiers from the generated site's vocabulary, plus LiteLLM's.
const SHORT = [
  "429", "rate limit", "timeout", "permission denied", "RateLimitError",
  "additional property not allowed", "connection refused", "docker manifest unknown",
  "out of memory", "catalog_limit", "No deployments available", "error code",
];

async function measure(publicDir, query, limit) {
  const { engine, loaded } = open(publicDir);
  const started = process.hrtime.bigint();
  const found = await engine.search(query, { limit });
  await engine.metadata(found.results);
  const total = Number(process.hrtime.bigint() - started) / 1e6;
  // Ranking time without I/O: the same query again on the now-loaded files.
  const t0 = process.hrtime.bigint();
  await engine.search(query, { limit });
  const rank = Number(process.hrtime.bigint() - t0) / 1e6;
  const js = fs.readFileSync(path.join(publicDir, "js/search.js"));
  let bytes = js.length, gzip = zlib.gzipSync(js).length;
  for (const f of loaded) {
    const raw = fs.readFileSync(f.file);
    bytes += raw.length;
    gzip += zlib.gzipSync(raw).length;
  }
  return { query, files: loaded.length + 1, bytes, gzip, rankMs: rank, totalMs: total, results: found.results.length };
}

async function main() {
  const publicDir = process.argv[2];
  if (!publicDir) { console.error("usage: node benches/search_budget.js <public dir>"); process.exit(2); }
  const rows = [];
  for (const q of SHORT) rows.push(await measure(publicDir, q, 10));
  rows.push(await measure(publicDir, TRACEBACK, 10));
  const logFile = process.argv[3];
  const log = logFile ? await measure(publicDir, fs.readFileSync(logFile, "utf8"), 10) : null;
  const kb = (n) => (n / 1024).toFixed(1).padStart(6);
  console.log("query".padEnd(40), "files", "   KB  gzipKB  rank ms  results");
  if (log) rows.push(log);
  for (const r of rows) {
    const name = r.query.length > 100000 ? "pasted log (" + (r.query.length / 1048576).toFixed(2) + " MiB)" :
      r.query.length > 38 ? "40-line traceback (" + r.query.split("\n").length + " lines)" : r.query;
    console.log(name.padEnd(40), String(r.files).padStart(5), kb(r.bytes), kb(r.gzip), r.rankMs.toFixed(1).padStart(8), String(r.results).padStart(8));
  }
  const short = rows.slice(0, SHORT.length);
  console.log("max short query: " + kb(Math.max(...short.map((r) => r.bytes))) + " KB (budget 100 KB); traceback: " +
    kb(rows[SHORT.length].bytes) + " KB (budget 300 KB)" +
    (log ? "; pasted log: ranking " + log.rankMs.toFixed(1) + " ms once its files are loaded (node)" : ""));
}
main().catch((e) => { console.error(e); process.exit(2); });
