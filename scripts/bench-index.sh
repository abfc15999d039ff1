#!/usr/bin/env bash
# The local index against a busy space, side by side in one run: the busy test server
# (examples/busy_space.rs: 2,000 calls an hour over four days, 300 ms a page, dates only) and
# the release binary, each question asked cold (a fresh data dir) and warm (asked again, or the
# next question over the same hours), with the requests each made (counted by the server).
#
#   search 1 day     list --since 1d --number 4155550123       (the whole day: --limit 100000)
#   other question   list --since 6h status:failed,busy       (after the day is covered)
#   search 3 days    list --since 3d --number 4155550123       (144,000 rows: --max-scan 1000000)
#   whole call       call ID --no-events, a call 30 h old; warm: the next call of that hour
#   calls 1 day      list --calls --since 1d --number 4155550123 (legs grouped into calls;
#                    the old binary has no calls: its column is its legs search of that day)
#   size             the index's bytes on disk per 100,000 rows, after the three days
#
# With OLD=/path/to/an/older/swlog the same questions are asked of it too (it has no index:
# every question is cold), e.g. a build of the commit before the index:
#   git worktree add /tmp/old <commit> && (cd /tmp/old && cargo build --release)
#   OLD=/tmp/old/target/release/swlog scripts/bench-index.sh
# Timing is wall time of one run each (RUNS=N for the median of N); the machine is shared, so
# read the ratios, not the milliseconds. Goals: warm ≤ 0.1× cold and ≤ 3 requests; another
# question ≤ 3 requests; a call 30 h old ≤ 50 requests, the next ≤ 4; cold 3 days ≤ 0.5× the
# old binary; ≤ 120 MB per 144,000 rows.
#
# Needs python3 and curl. Usage: [OLD=…] [RUNS=N] [PAGE_MS=300] scripts/bench-index.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-1}"
page_ms="${PAGE_MS:-300}"
for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench-index: $tool is missing" >&2; exit 2; }
done
cargo build --release --quiet --bin swlog --example busy_space
new=target/release/swlog
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

target/release/examples/busy_space --rows-per-hour 2000 --page-ms "$page_ms" --days 4 --port 0 \
  >"$work/server" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do [ "$(wc -l <"$work/server")" -ge 3 ] && break; sleep 0.1; done
url="$(sed -n 1p "$work/server")"
export SIGNALWIRE_PROJECT_ID="$(sed -n 2p "$work/server")"
export SIGNALWIRE_API_TOKEN="$(sed -n 3p "$work/server")"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_STATE_HOME="$work/home/state"
unset SIGNALWIRE_SPACE SWLOG_CONFIG SWLOG_BASE_URL
echo "busy space at $url: $(cat "$work/server.err")"

# run DATA_DIR BINARY ARGS… → prints "SECONDS REQUESTS"
run() {
  local data="$1" bin="$2"; shift 2
  curl -s "$url/busy/requests?reset=true" >/dev/null
  local start end
  start=$(date +%s.%N)
  XDG_DATA_HOME="$data" "$bin" --base-url "$url" "$@" >/dev/null 2>"$work/last.err" || true
  end=$(date +%s.%N)
  local n
  n=$(curl -s "$url/busy/requests" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["list"]+c["item"]+c["events"])')
  echo "$(python3 -c "print(f'{$end-$start:.2f}')") $n"
}

# median of RUNS runs: cold (fresh data dir each) then warm (the same dir, the warm question)
measure() {
  local bin="$1" label="$2" cold_q="$3" warm_q="$4" prep="$5"
  local colds=() warms=() creq=0 wreq=0 i
  for i in $(seq "$runs"); do
    local d="$work/data-${label// /_}-$i-$RANDOM"
    [ -n "$prep" ] && eval "XDG_DATA_HOME=$d $prep" >/dev/null 2>&1
    read -r t n < <(eval "run $d $bin $cold_q"); colds+=("$t"); creq=$n
    if [ -n "$warm_q" ]; then
      read -r t n < <(eval "run $d $bin $warm_q"); warms+=("$t"); wreq=$n
    fi
  done
  local cm wm
  cm=$(printf '%s\n' "${colds[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  wm=$( [ ${#warms[@]} -gt 0 ] && printf '%s\n' "${warms[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}' || echo -)
  echo "$cm $creq $wm $wreq"
}

# Two LaML calls of 30 hours ago, the older first, found in a data dir of their own.
ids=$(XDG_DATA_HOME="$work/finder" "$new" --base-url "$url" list -q --since 31h --until 30h \
  --type laml --format ndjson --limit 100000 | python3 -c '
import json, sys
roots = [r["id"] for r in map(json.loads, sys.stdin) if r.get("parent_id") is None]
print(roots[-1], roots[0])')
older="${ids% *}"; newer="${ids#* }"

day="list --since 1d --number 4155550123 --limit 100000 -q"
other="list --since 6h status:failed,busy --limit 100000 -q"
three="list --since 3d --number 4155550123 --limit 100000 --max-scan 1000000 -q"
call_old="call $older --no-events"
call_next="call $newer --no-events"
calls="list --calls --since 1d --number 4155550123 --limit 100000 -q"

printf '%-16s %18s %18s %18s %8s\n' question "old (s / requests)" "cold (s / req)" "warm (s / req)" "warm÷cold"
row() {
  local label="$1" cold_q="$2" warm_q="$3" old_q="$4"
  local oldcol="-"
  if [ -n "${OLD:-}" ]; then
    read -r ot on _ _ < <(measure "$OLD" "old-$label" "$old_q" "" "")
    oldcol="$ot / $on"
  fi
  read -r ct cn wt wn < <(measure "$new" "$label" "$cold_q" "$warm_q" "")
  local ratio
  ratio=$(python3 -c "print(f'{$wt/$ct:.3f}')" 2>/dev/null || echo -)
  printf '%-16s %18s %18s %18s %8s\n' "$label" "$oldcol" "$ct / $cn" "$wt / $wn" "$ratio"
}
row "search 1 day" "$day" "$day" "$day"
row "1 day, other q" "$day" "$other" "$other"
row "search 3 days" "$three" "$three" "$three"
row "whole call" "$call_old" "$call_next" "$call_old"
row "calls 1 day" "$calls" "$calls" "$day"

d="$work/size"
XDG_DATA_HOME="$d" "$new" --base-url "$url" $three >/dev/null 2>&1 || true
XDG_DATA_HOME="$d" "$new" index --format json | python3 -c '
import json, sys
s = json.load(sys.stdin)
b, n = s["bytes_on_disk"], s["rows"]
print("size: %.1f MB for %s rows = %.1f MB per 100,000 rows" % (b / 1e6, format(n, ","), b / n * 1e5 / 1e6))'
echo "(the 1-day-other row: cold is the day's search, warm the other question after it)"
