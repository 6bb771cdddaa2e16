#!/usr/bin/env bash
# Whole-build benchmark: wall time, CPU time and peak memory of `errbook build` and
# `errbook check` on the bundled content and on generated sites of 1,000 and 10,000 pages.
# Wall time is the best run's; CPU time (user + sys) is given for that run and as the least
# of all runs, since it is what stays comparable while other programs share the machine.
# Usage: benches/build.sh [runs]
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

measure() { # name root command...
  local name=$1 root=$2
  shift 2
  local best_wall="" best_rss="" best_cpu="" least_cpu=""
  for _ in $(seq "$runs"); do
    local out
    # errbook's own exit code (1 when the site has problems) is in the time report.
    out=$(/usr/bin/time -v target/release/errbook --root "$root" "$@" 2>&1 >/dev/null) || true
    local wall rss cpu
    wall=$(grep 'Elapsed (wall clock)' <<<"$out" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' <<<"$out" | awk '{print $NF}')
    status=$(grep 'Exit status' <<<"$out" | awk '{print $NF}')
    # CPU time (user + sys) varies far less than wall time when other work shares the cores.
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' <<<"$out")
    if [ -z "$best_wall" ] || [[ "$wall" < "$best_wall" ]]; then
      best_wall=$wall; best_rss=$rss; best_cpu=$cpu
    fi
    if [ -z "$least_cpu" ] || awk "BEGIN {exit !($cpu < $least_cpu)}"; then least_cpu=$cpu; fi
  done
  printf '%-30s wall %-8s (user+sys %ss; least %ss)  peak RSS %6d MiB  exit %s\n' \
    "$name" "$best_wall" "$best_cpu" "$least_cpu" $((best_rss / 1024)) "$status"
}

echo "best of $runs runs ($(nproc) cores, load average now: $(cut -d' ' -f1-3 /proc/loadavg));"
echo "check --format json writes every diagnostic"
measure "build: bundled content" . build
measure "check: bundled content" . check --format json
for n in 1000 10000; do
  measure "check: generated $n" "$work/kb$n" check --format json
done
for n in 1000 10000; do
  measure "build: generated $n" "$work/kb$n" build
done
