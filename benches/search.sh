#!/usr/bin/env bash
# Search benchmarks on the generated 10,000-page site:
# 1. the share of `errbook build` spent building and exporting the search index (best of N
#    runs, from the stage times the build prints);
# 2. bytes a query transfers and ranking time, with the browser engine under node;
# 3. time from the last index file arriving to results drawn, in headless chromium.
# 4. a pasted 1 MiB log and a 3-word query answered by `errbook search` (warm cache), and
#    `errbook check` on the site: best and median of alternating runs, beside the binary in
#    $BASELINE (another errbook build, e.g. of main) when it is set, in the same run.
# Usage: benches/search.sh [runs]   (needs node, /usr/bin/chromium and `npm ci` in tests/browser)
#        BASELINE=/path/to/errbook benches/search.sh [runs]
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
  # "of which search index (tantivy, export) N ms" (the stage runs beside the checks); older
  # builds printed one "search index: <part> N ms" per part.
  search=$(grep -oE 'of which search index \([^)]*\) [0-9]+ ms' <<<"$line" | grep -oE '[0-9]+ ms$' ||
    grep -oE 'search index: [a-z]+ [0-9]+ ms' <<<"$line" | grep -oE '[0-9]+ ms')
  search=$(awk '{s+=$1} END {print s}' <<<"$search")
  share=$(awk -v s="$search" -v t="$total" 'BEGIN {printf "%.1f", 100 * s / t}')
  echo "  total ${total} ms, search index ${search} ms (${share}%)"
  if [ -z "$best" ] || awk -v a="$share" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$share; fi
done
echo "  best share: ${best}% (budget 20%)"

log=${TMPDIR:-/tmp}/errbook-search-bench/log-1mib.txt
node benches/search_log.js "$log" >/dev/null

# Milliseconds of one run of a command (its output discarded).
ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
# Best and median of a list of numbers.
stats() { sort -n | awk '{a[NR]=$1} END {printf "best %d ms, median %d ms (%d runs)", a[1], a[int((NR+1)/2)], NR}'; }

# Alternates the commands (this errbook, then $BASELINE) so both see the same load.
alternate() {
  local label=$1 n=$2
  shift 2
  local ours=() theirs=()
  "$@" "target/release/errbook" >/dev/null 2>&1 || true # warm the cache and the disk
  [ -n "${BASELINE:-}" ] && { "$@" "$BASELINE" >/dev/null 2>&1 || true; }
  for _ in $(seq "$n"); do
    ours+=("$(ms "$@" target/release/errbook)")
    [ -n "${BASELINE:-}" ] && theirs+=("$(ms "$@" "$BASELINE")")
  done
  echo "  $label: $(printf '%s\n' "${ours[@]}" | stats)"
  if [ -n "${BASELINE:-}" ]; then
    echo "  $label, baseline: $(printf '%s\n' "${theirs[@]}" | stats)"
  fi
}
# The baseline gets its own copy of the site: each errbook keeps its search cache in the site's
# .errbook/, and one build's cache is stale for the other, so sharing one would time rebuilds.
if [ -n "${BASELINE:-}" ]; then
  rm -rf "$site-baseline"
  cp -a "$site" "$site-baseline"
  rm -rf "$site-baseline/.errbook"
fi
# Sets $r to the site the errbook in $1 works on (no subshell: it would be timed).
root() { r=$site; if [ "$1" = "${BASELINE:-}" ]; then r=$site-baseline; fi; }
search_log() { root "$1"; "$1" --root "$r" search --json - <"$log"; }
search_words() { root "$1"; "$1" --root "$r" search --json "rate limit exceeded"; }
check_site() { root "$1"; "$1" --root "$r" check --format json; }

echo "== errbook search and check on the site (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
alternate "search: a pasted 1 MiB log" $((runs * 7)) search_log
alternate "search: 3 words" $((runs * 7)) search_words
alternate "check --format json" "$runs" check_site

echo "== transfer per query (node, the browser engine's own loads)"
node benches/search_budget.js "$site/public" "$log"
echo "== headless chromium"
node benches/search_browser.js "$site/public" "$log"
