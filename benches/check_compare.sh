#!/usr/bin/env bash
# Compares `errbook check --format json` of two binaries on one site, interleaved (old, new,
# old, new, ...) so that both see the same machine load. Prints every run and the medians.
# Usage: benches/check_compare.sh OLD_BINARY NEW_BINARY SITE_DIR [RUNS]
set -euo pipefail
old=$1 new=$2 site=$3 runs=${4:-10}
declare -a t_old t_new
run() { local s e; s=$(date +%s%N); "$1" --root "$site" check --format json >/dev/null || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
run "$old" >/dev/null; run "$new" >/dev/null   # warm the page cache
for ((i = 0; i < runs; i++)); do
  t_old+=("$(run "$old")"); t_new+=("$(run "$new")")
  echo "run $i: old ${t_old[-1]} ms, new ${t_new[-1]} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mo=$(median "${t_old[@]}"); mn=$(median "${t_new[@]}")
echo "median: old $mo ms, new $mn ms, new/old $(awk "BEGIN {printf \"%.3f\", $mn/$mo}")"
