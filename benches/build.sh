#!/usr/bin/env bash
# Whole-build benchmark: wall time and peak memory of `errbook build` on the bundled content
# and on generated sites of 1,000 and 10,000 pages. Usage: benches/build.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
work=${TMPDIR:-/tmp}/errbook-bench
mkdir -p "$work"

cargo build --release --quiet
cargo build --release --quiet --example gen_site
for n in 1000 10000; do
  target/release/examples/gen_site --pages "$n" --out "$work/kb$n" >/dev/null
done

measure() { # name root
  local best_wall="" best_rss=""
  for _ in $(seq "$runs"); do
    local out
    out=$(/usr/bin/time -v target/release/errbook --root "$2" build 2>&1 >/dev/null)
    local wall rss
    wall=$(grep 'Elapsed (wall clock)' <<<"$out" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' <<<"$out" | awk '{print $NF}')
    if [ -z "$best_wall" ] || [[ "$wall" < "$best_wall" ]]; then best_wall=$wall; best_rss=$rss; fi
  done
  printf '%-22s wall %-8s peak RSS %6d MiB\n' "$1" "$best_wall" $((best_rss / 1024))
}

echo "errbook build, best of $runs runs ($(nproc) cores)"
measure "bundled content" .
measure "generated 1,000" "$work/kb1000"
measure "generated 10,000" "$work/kb10000"
