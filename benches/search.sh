#!/usr/bin/env bash
# Search benchmarks on the generated 10,000-page site:
# 1. the share of `errbook build` spent building and exporting the search index (best of N
#    runs, from the stage times the build prints);
# 2. bytes a query transfers and ranking time, with the browser engine under node;
# 3. time from the last index file arriving to results drawn, in headless chromium.
# Usage: benches/search.sh [runs]   (needs node, /usr/bin/chromium and `npm ci` in tests/browser)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
# Its own directory: benches/build.sh rebuilds errbook-bench/ and would swap the output away.
site=${TMPDIR:-/tmp}/errbook-search-bench/kb10000

cargo build --release --quiet
cargo build --release --quiet --example gen_site
target/release/examples/gen_site --pages 10000 --out "$site" >/dev/null

echo "== build: search index share of the whole build (best of $runs, $(nproc) cores)"
best=""
for _ in $(seq "$runs"); do
  # A cold index every time: the build reuses a cached index while the content is unchanged.
  rm -rf "$site/.errbook"
  line=$(target/release/errbook --root "$site" build 2>&1 >/dev/null | grep '^built ')
  total=$(sed -E 's/.* in ([0-9]+) ms \(.*/\1/' <<<"$line")
  search=$(grep -oE 'search index[^,]* [0-9]+ ms' <<<"$line" | grep -oE '[0-9]+ ms' | awk '{s+=$1} END {print s}')
  share=$(awk -v s="$search" -v t="$total" 'BEGIN {printf "%.1f", 100 * s / t}')
  echo "  total ${total} ms, search index ${search} ms (${share}%)"
  if [ -z "$best" ] || awk -v a="$share" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$share; fi
done
echo "  best share: ${best}% (budget 20%)"

echo "== transfer per query (node, the browser engine's own loads)"
node benches/search_budget.js "$site/public"
echo "== headless chromium"
node benches/search_browser.js "$site/public"
