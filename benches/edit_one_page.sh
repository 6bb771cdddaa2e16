#!/usr/bin/env bash
# Edits one page of a site the way the one-page-edit benchmarks do (benches/peers.sh,
# benches/one_edit.sh): appends a sentence to the first paragraph of the (1 + 37 * ROUND)th
# page, so that each round edits another page.
# Usage: benches/edit_one_page.sh SITE_DIR ROUND
set -euo pipefail
page=$(find "$1/content" -name '*.md' | sort | sed -n "$((1 + 37 * $2))p")
python3 - "$page" "$2" <<'PY'
import sys
path, n = sys.argv[1], sys.argv[2]
text = open(path).read()
head, sep, rest = text.partition("## What this error means\n\n")
open(path, "w").write(head + sep + f"Edited in round {n}. " + rest)
PY
