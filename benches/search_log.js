// Writes the 1 MiB log the search benchmarks paste: lines of the real LiteLLM messages in
// tests/search/quality/*.json, picked by a fixed pseudo-random sequence and given clock
// prefixes, newest last, ending in a router error whose page the bundled site has.
// Usage: node benches/search_log.js <out file> [bytes]
"use strict";
const fs = require("fs");
const path = require("path");

const out = process.argv[2];
const size = Number(process.argv[3] || 1024 * 1024);
if (!out) {
  console.error("usage: node benches/search_log.js <out file> [bytes]");
  process.exit(2);
}
const dir = path.join(__dirname, "../tests/search/quality");
const lines = [];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  for (const c of JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"))) lines.push(...c.text.split("\n"));
}
// A small linear congruential generator: the same log on every machine.
let state = 7;
const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
const last = "litellm.types.router.RouterRateLimitError: No deployments available for selected model, " +
  "Try again in 5 seconds. Passed model=gpt-4o. pre-call-checks=False, cooldown_list=[('8f1a', " +
  "{'exception_received': 'litellm.RateLimitError', 'status_code': '429'})]";
const body = [];
let bytes = Buffer.byteLength(last) + 1;
for (let i = 0; ; i++) {
  const clock = [i / 3600 % 24, i / 60 % 60, i % 60].map((n) => String(Math.floor(n)).padStart(2, "0")).join(":");
  const line = clock + " - " + lines[next() % lines.length];
  const add = Buffer.byteLength(line) + 1;
  if (bytes + add > size) break;
  body.push(line);
  bytes += add;
}
body.push(last);
fs.writeFileSync(out, body.join("\n") + "\n");
console.log(out + ": " + bytes + " bytes, " + body.length + " lines");
