#!/usr/bin/env bash
# One page edited, `errbook build` again: two errbook binaries side by side, interleaved, on
# their own copies of the same generated site (issue 13's budget: <= 1 s at 10,000 pages).
#
#   benches/one_edit.sh BASELINE_ERRBOOK [CANDIDATE_ERRBOOK]   # candidate: target/release
#   PAGES=1000 RUNS=3 benches/one_edit.sh old/errbook
#
# Per binary: a cold build (no cache, no previous output), a warm-up edit, then RUNS rounds in
# alternating order, each appending a sentence to the first paragraph of another page and
# building again. After the last round each incremental output is compared, byte for byte,
# with a clean build of the same tree. Prints the wall and CPU time of every build, the
# medians, and the candidate/baseline ratio of each round.
# Environment: PAGES RUNS WORK
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PAGES=${PAGES:-10000}
RUNS=${RUNS:-5}
WORK=${WORK:-${TMPDIR:-/tmp}/errbook-one-edit}
BASE=$(realpath "${1:?usage: benches/one_edit.sh BASELINE_ERRBOOK [CANDIDATE_ERRBOOK]}")
if [ -n "${2:-}" ]; then
  CAND=$(realpath "$2")
else
  cargo build --release --quiet --bin errbook
  CAND=$REPO/target/release/errbook
fi
mkdir -p "$WORK"
GEN=$REPO/target/release/examples/gen_site
[ -x "$GEN" ] || cargo build --release --quiet --example gen_site
if [ ! -d "$WORK/site-$PAGES/content" ]; then
  "$GEN" --pages "$PAGES" --out "$WORK/site-$PAGES" >/dev/null
fi
echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $PAGES pages, $RUNS rounds" >&2
echo "# baseline $BASE; candidate $CAND" >&2

for who in base cand; do
  rm -rf "$WORK/$who"
  mkdir -p "$WORK/$who"
  cp -r "$WORK/site-$PAGES/content" "$WORK/site-$PAGES/errbook.toml" "$WORK/$who/"
done
bin() { if [ "$1" = base ]; then echo "$BASE"; else echo "$CAND"; fi; }

measure() { # who label -> prints "wall cpu"
  local out
  out=$(/usr/bin/time -f '%e %U %S' "$(bin "$1")" --root "$WORK/$1" build 2>&1 >/dev/null | tail -1)
  awk -v w="$1" -v l="$2" '{printf "%s %s %.2f %.2f\n", w, l, $1, $2 + $3}' <<<"$out"
}

edit_one_page() { # who round
  "$REPO/benches/edit_one_page.sh" "$WORK/$1" "$2"
}

RAW=$WORK/raw.txt
: > "$RAW"
for who in base cand; do measure "$who" cold | tee -a "$RAW" >&2; done
for round in $(seq 0 "$RUNS"); do
  order="base cand"
  [ $((round % 2)) = 1 ] && order="cand base"
  for who in $order; do
    edit_one_page "$who" "$round"
    label=edit
    [ "$round" = 0 ] && label=warmup
    measure "$who" "$label" | tee -a "$RAW" >&2
  done
done

# The incremental output must be what a clean build makes of the same tree.
for who in base cand; do
  rm -rf "$WORK/clean" && mkdir -p "$WORK/clean"
  cp -r "$WORK/$who/content" "$WORK/$who/errbook.toml" "$WORK/clean/"
  "$(bin "$who")" --root "$WORK/clean" build >/dev/null 2>&1
  if diff -r -q "$WORK/$who/public" "$WORK/clean/public" >&2; then
    echo "$who: incremental output identical to a clean build" >&2
  else
    echo "$who: INCREMENTAL OUTPUT DIFFERS FROM A CLEAN BUILD" >&2
    exit 1
  fi
done

python3 - "$RAW" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def pick(who, label, col):
    return [float(r[col]) for r in rows if r[0] == who and r[1] == label]
for label in ("cold", "edit"):
    for who, name in (("base", "baseline"), ("cand", "candidate")):
        wall, cpu = pick(who, label, 2), pick(who, label, 3)
        print(f"{label:5} {name:9} wall median {statistics.median(wall):6.2f} s ({min(wall):.2f}-{max(wall):.2f})"
              f"  CPU median {statistics.median(cpu):6.2f} s")
b, c = pick("base", "edit", 2), pick("cand", "edit", 2)
ratios = sorted(cc / bb for bb, cc in zip(b, c))
print("edit candidate/baseline per round: " + " ".join(f"{r:.2f}" for r in ratios))
EOF
