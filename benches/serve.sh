#!/usr/bin/env bash
# Preview-server benchmarks (the budgets of `errbook serve`):
#  1. single-page edit → reload pushed → new content served, on the generated 10,000-page site;
#  2. wrk against POST /api/validate/errbook-toml with a typical 50-line config, on loopback.
# Usage: benches/serve.sh [edits] [wrk-seconds]     (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
edits=${1:-30}
seconds=${2:-10}
work=${TMPDIR:-/tmp}/errbook-bench
mkdir -p "$work"

cargo build --release --quiet
cargo build --release --quiet --example gen_site
# Its own copy: the edit benchmark edits (and restores) a page of it.
target/release/examples/gen_site --pages 10000 --out "$work/serve-kb10000" >/dev/null

echo "== edit → reload on 10,000 pages ($(nproc) cores)"
cargo bench --quiet --bench serve_edit -- "$work/serve-kb10000" "$edits"

echo "== wrk: POST /api/validate/errbook-toml, $(wc -l <benches/errbook-50.toml)-line config, ${seconds}s"
log=$(mktemp)
target/release/errbook --root "$work/serve-kb10000" serve --port 0 >"$log" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
until grep -q '^serving at' "$log"; do sleep 0.2; done
url=$(sed -n 's/^serving at //p' "$log")
# The same for the LiteLLM validator:
#   BODY=benches/litellm-50.yaml wrk ... "${url}api/validate/litellm-proxy"
BODY=benches/errbook-50.toml wrk -t2 -c32 -d"${seconds}s" --latency \
  -s benches/validate.lua "${url}api/validate/errbook-toml"
