#!/usr/bin/env bash
# swlog against curl, side by side in one run, on the same loopback server:
#
#   1. one lookup:   `swlog get ID --format json`            vs  one `curl -u … URL`
#   2. 200 lookups:  `swlog get - --concurrency 16` (stdin)  vs  `xargs -P16 curl -u … URL`
#   3. a whole-window scan of 100,000 logs (a second demo server with `--logs 100000`):
#      `swlog list since:8d NUMBER`  vs  a shell loop of curl following the same `links.next`
#      (target: ≤ 1.0× the curl loop; swlog's peak RSS ≤ 80 MB, from /usr/bin/time when present)
#   4. 200 lookups with the history  vs  the same with `--no-history` (target: ≤ 1.05×: a batch
#      writes each lookup as a small SQLite transaction on a thread of its own, beside the
#      lookups), into a fresh history and into a full one (1,000 lookups, the default
#      history_limit) and a very full one (100,000 lookups; both reported, not targets). The
#      two commands alternate, run after run (HISTORY_ROUNDS rounds, default 100): timed in
#      blocks, as hyperfine does, the same binary measured anywhere from 1.13x to 1.28x on this
#      shared 2-core machine, as its load drifted between the blocks.
#
# The server is the demo server on its own (examples/demo-server.rs): the same records, the same
# Basic auth, on 127.0.0.1. Both clients get the same IDs and throw the output away. Timing is
# hyperfine's; the ratios printed are of medians. Targets: one lookup ≤ 1.2× curl, 200 lookups
# ≤ 0.5× xargs/curl.
#
# Needs: curl, xargs, python3 (for the medians); hyperfine when installed (Debian: `apt-get
# install hyperfine`), else each command is timed RUNS times in a plain loop. Builds the
# release binary and the example once and reuses target/. Usage: scripts/bench-vs-curl.sh [RUNS]   (default 30 runs of each command)
# HISTORY_ONLY=1 runs part 4 alone.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-30}"
for tool in curl xargs python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench-vs-curl: $tool is missing." >&2
    exit 2
  fi
done
if command -v hyperfine >/dev/null 2>&1; then
  have_hyperfine=1
else
  have_hyperfine=""
  echo "bench-vs-curl: hyperfine is missing: timing the commands in turn with python instead (apt-get install hyperfine for better numbers)" >&2
fi

# interleave JSON WARMUP ROUNDS NAME CMD [NAME CMD]...: runs the shell commands in turn, one
# after the other, ROUNDS times after WARMUP untimed rounds (a command that fails stops the
# bench, as in hyperfine), and writes hyperfine's JSON shape ({"results": [{"command",
# "median"}]}).
interleave() {
  python3 - "$@" <<'PY'
import json, statistics, subprocess, sys, time
out, warmup, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pairs = list(zip(sys.argv[4::2], sys.argv[5::2]))
times = {name: [] for name, _ in pairs}
for i in range(warmup + rounds):
    for name, cmd in pairs:
        t0 = time.perf_counter()
        subprocess.run(["bash", "-c", cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        if i >= warmup:
            times[name].append(time.perf_counter() - t0)
results = [{"command": n, "median": statistics.median(t), "times": t} for n, t in times.items()]
for r in results:
    print(f"  {r['command']}: median {r['median']*1000:.1f} ms over {len(r['times'])} runs")
json.dump({"results": results}, open(out, "w"))
PY
}

# measure JSON WARMUP RUNS NAME CMD [NAME CMD]...: times each shell command RUNS times after
# WARMUP untimed runs with hyperfine, or without it by `interleave`, in the same JSON shape.
measure() {
  local json="$1" warmup="$2" n="$3"
  shift 3
  if [ -n "$have_hyperfine" ]; then
    local args=()
    while [ "$#" -gt 0 ]; do args+=(-n "$1" "$2"); shift 2; done
    hyperfine --style basic --warmup "$warmup" --runs "$n" --export-json "$json" "${args[@]}"
    return
  fi
  interleave "$json" "$warmup" "$n" "$@"
}

echo "bench-vs-curl: building the release binary and the demo server (reuses target/)"
cargo build --release --quiet --bin swlog --example demo-server
swlog="$PWD/target/release/swlog"
server="$PWD/target/release/examples/demo-server"

work="$(mktemp -d)"
server_pid=""
big_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$big_pid" ] && kill "$big_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$server" >"$work/url" &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$work/url" ] && break
  sleep 0.05
done
base="$(head -n1 "$work/url")"
case "$base" in
  http://127.0.0.1:*) ;;
  *) echo "bench-vs-curl: the demo server did not start" >&2; exit 1 ;;
esac

# The demo credentials, from the one place they are defined.
project="$(sed -n 's/^pub const PROJECT_ID: &str = "\(.*\)";/\1/p' src/demo/data.rs)"
token="$(sed -n 's/^pub const TOKEN: &str = "\(.*\)";/\1/p' src/demo/data.rs)"
[ -n "$project" ] && [ -n "$token" ] || { echo "bench-vs-curl: demo credentials not found in src/demo/data.rs" >&2; exit 1; }

# swlog sees no config file and no other settings: only the environment below and --base-url.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/home/data"
export XDG_STATE_HOME="$work/home/state" XDG_CACHE_HOME="$work/home/cache"
unset SIGNALWIRE_SPACE SIGNALWIRE_SPACE_URL SIGNALWIRE_TOKEN SWLOG_BASE_URL SWLOG_CONFIG SWLOG_LOG
export SIGNALWIRE_PROJECT_ID="$project" SIGNALWIRE_API_TOKEN="$token" NO_COLOR=1
mkdir -p "$HOME"

# The records that answer at once with 200 (not the slow, live or error IDs), repeated to 200.
one="3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11"
records=(
  3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11 7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21
  c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31 0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1
  a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1 1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41
  9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c51 2c4e6a8c-0e2a-4c4e-9a6c-8e0a2c4e6a61
  6d8f0b2d-4f6b-4d8f-8b0d-2f4b6d8f0b71 8e0a2c4e-6a8c-4e0a-9c4e-6a8c0e2a4c81
  4a6c8e0a-2c4e-4a6c-8e0a-2c4e6a8c0e91 5b7d9f1b-3d5f-4b7d-9f1b-3d5f7b9d1fa1
)
for i in $(seq 0 199); do echo "${records[$((i % ${#records[@]}))]}"; done >"$work/ids"

if [ -z "${HISTORY_ONLY:-}" ]; then
# Both clients must succeed before they are timed, or the comparison means nothing.
"$swlog" --base-url "$base" get "$one" --format json >/dev/null
curl -sSf -u "$project:$token" -H 'Accept: application/json' "$base/api/voice/logs/$one" >/dev/null
count="$("$swlog" --base-url "$base" get - --concurrency 16 --format json <"$work/ids" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
[ "$count" = 200 ] || { echo "bench-vs-curl: swlog fetched $count of 200" >&2; exit 1; }

# The list server: 100,000 generated logs over the last 7 days.
"$server" --logs 100000 >"$work/big-url" &
big_pid=$!
for _ in $(seq 200); do
  [ -s "$work/big-url" ] && break
  sleep 0.05
done
big="$(head -n1 "$work/big-url")"
case "$big" in
  http://127.0.0.1:*) ;;
  *) echo "bench-vs-curl: the list demo server did not start" >&2; exit 1 ;;
esac
# curl pages the same way swlog does: page_size=1000 and the server's next links, to the end.
cat >"$work/curl-scan.sh" <<CURL
#!/usr/bin/env bash
set -eu
url="$big/api/voice/logs?page_size=1000"
while [ -n "\$url" ]; do
  url="\$(curl -sSf -u $project:$token -H Accept:application/json "\$url" | grep -o '"next":"[^"]*"' | sed 's/^"next":"//; s/"\$//')" || url=""
done
CURL
chmod +x "$work/curl-scan.sh"
scan_rows="$("$swlog" --base-url "$big" list -q --max-scan 200000 --limit 1000000 --format ndjson '+1 415 555 0123' | wc -l)"
[ "$scan_rows" -gt 0 ] || { echo "bench-vs-curl: the scan found nothing" >&2; exit 1; }
pages="$(bash -x "$work/curl-scan.sh" 2>&1 | grep -c 'curl -sSf' || true)"
echo "bench-vs-curl: the scan finds $scan_rows rows; curl reads $pages pages"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f '%M' -o "$work/rss" "$swlog" --base-url "$big" list -q --max-scan 200000 --limit 1000000 --format ndjson '+1 415 555 0123' >/dev/null
  echo "bench-vs-curl: swlog's peak RSS for the 100,000-row scan: $(( $(cat "$work/rss") / 1024 )) MB (target ≤ 80 MB)"
fi

echo "bench-vs-curl: server $base, $(nproc) cores, $runs runs each"
measure "$work/one.json" 3 "$runs" \
  "swlog get (1 ID)" "$swlog --base-url $base get $one --format json" \
  "curl (1 ID)" "curl -sSf -u $project:$token -H Accept:application/json $base/api/voice/logs/$one"

measure "$work/many.json" 2 "$runs" \
  "swlog get - --concurrency 16 (200 IDs)" \
  "$swlog --base-url $base get - --concurrency 16 --format json < $work/ids" \
  "xargs -P16 curl (200 IDs)" \
  "xargs -P16 -I{} curl -sSf -u $project:$token -H Accept:application/json $base/api/voice/logs/{} < $work/ids"

measure "$work/scan.json" 1 "$(( runs < 10 ? runs : 10 ))" \
  "swlog list (100,000 rows)" \
  "$swlog --base-url $big list -q --max-scan 200000 --limit 1000000 --format ndjson '+1 415 555 0123'" \
  "curl loop (100,000 rows)" \
  "$work/curl-scan.sh"

fi

# The history's cost in a batch: the same 200 lookups, recorded and not. Both runs write the
# same output; the history (and its cache) grows only by the 12 distinct IDs.
rounds="${HISTORY_ROUNDS:-100}"
interleave "$work/history.json" 3 "$rounds" \
  "swlog get - (200 IDs, with history)" \
  "$swlog --base-url $base get - --concurrency 16 --format json < $work/ids" \
  "swlog get - --no-history (200 IDs)" \
  "$swlog --base-url $base get - --concurrency 16 --format json --no-history < $work/ids"

# The same into a full history: 1,000 lookups made first, in a data dir of its own, and into
# one of 100,000 (an older swlog's history.json of generated failed lookups, imported at the
# first run).
fill() {
  mkdir -p "$1/swlog"
  python3 - "$1/swlog/history.json" "$2" <<'PY'
import json, sys, uuid
n = int(sys.argv[2])
entries = [{"id": str(uuid.UUID(int=(0x1000 << 112) | (4 << 76) | (8 << 60) | i)),
            "at": f"2026-01-01T{i // 3600 % 24:02}:{i // 60 % 60:02}:{i % 60:02}Z",
            "profile": "default", "space": "acme", "lookup": {"error": "not found"}}
           for i in range(n)]
json.dump({"version": 3, "entries": entries[::-1]}, open(sys.argv[1], "w"))
PY
  XDG_DATA_HOME="$1" "$swlog" history --format csv --no-header --fields id >/dev/null 2>&1
}
full="$work/full"
fill "$full" 1000
echo "bench-vs-curl: the full history holds $(XDG_DATA_HOME="$full" "$swlog" history --format csv --no-header --fields id | wc -l) lookups"
interleave "$work/history-full.json" 3 "$rounds" \
  "swlog get - (200 IDs, full history)" \
  "XDG_DATA_HOME=$full $swlog --base-url $base get - --concurrency 16 --format json < $work/ids" \
  "swlog get - --no-history (200 IDs)" \
  "XDG_DATA_HOME=$full $swlog --base-url $base get - --concurrency 16 --format json --no-history < $work/ids"
huge="$work/huge"
fill "$huge" 100000
printf 'history_limit = 100000\n' >"$work/huge-config.toml"
echo "bench-vs-curl: the very full history holds $(XDG_DATA_HOME="$huge" SWLOG_CONFIG="$work/huge-config.toml" "$swlog" history --format csv --no-header --fields id | wc -l) lookups"
interleave "$work/history-huge.json" 3 "$rounds" \
  "swlog get - (200 IDs, 100,000 in the history)" \
  "XDG_DATA_HOME=$huge SWLOG_CONFIG=$work/huge-config.toml $swlog --base-url $base get - --concurrency 16 --format json < $work/ids" \
  "swlog get - --no-history (200 IDs)" \
  "XDG_DATA_HOME=$huge SWLOG_CONFIG=$work/huge-config.toml $swlog --base-url $base get - --concurrency 16 --format json --no-history < $work/ids"

if [ -n "${HISTORY_ONLY:-}" ]; then
python3 - "$work/history.json" "$work/history-full.json" "$work/history-huge.json" <<'EOF'
import json, sys
def medians(path):
    return [r["median"] for r in json.load(open(path))["results"]]
(sh, nh), (fh, fn), (hh, hn) = (medians(p) for p in sys.argv[1:4])
print()
print("| 200 lookups, 16 at a time | with history | --no-history | with / without | target |")
print("| --- | --- | --- | --- | --- |")
ratio = sh / nh
print(f"| a fresh history | {sh*1000:.1f} ms | {nh*1000:.1f} ms | {ratio:.2f}x | <= 1.05x ({'met' if ratio <= 1.05 else 'MISSED'}) |")
print(f"| a full history (1,000 lookups) | {fh*1000:.1f} ms | {fn*1000:.1f} ms | {fh / fn:.2f}x | (reported) |")
print(f"| a history of 100,000 lookups | {hh*1000:.1f} ms | {hn*1000:.1f} ms | {hh / hn:.2f}x | (reported) |")
sys.exit(0 if ratio <= 1.05 else 1)
EOF
exit $?
fi

python3 - "$work/one.json" "$work/many.json" "$work/scan.json" "$work/history.json" "$work/history-full.json" <<'EOF'
import json, sys
def medians(path):
    return [r["median"] for r in json.load(open(path))["results"]]
(s1, c1), (sn, cn), (ss, cs), (sh, nh), (fh, fn) = (medians(p) for p in sys.argv[1:6])
rows = [("1 ID", s1, c1, 1.2), ("200 IDs, 16 at a time", sn, cn, 0.5), ("scan of 100,000 logs", ss, cs, 1.0)]
print()
print("| lookups | swlog median | curl median | swlog / curl | target |")
print("| --- | --- | --- | --- | --- |")
ok = True
for name, s, c, target in rows:
    ratio = s / c
    ok &= ratio <= target
    mark = "met" if ratio <= target else "MISSED"
    print(f"| {name} | {s*1000:.1f} ms | {c*1000:.1f} ms | {ratio:.2f}x | <= {target}x ({mark}) |")
print()
print("| 200 lookups, 16 at a time | with history | --no-history | with / without | target |")
print("| --- | --- | --- | --- | --- |")
ratio = sh / nh
ok &= ratio <= 1.05
print(f"| a fresh history | {sh*1000:.1f} ms | {nh*1000:.1f} ms | {ratio:.2f}x | <= 1.05x ({'met' if ratio <= 1.05 else 'MISSED'}) |")
print(f"| a full history (1,000 lookups) | {fh*1000:.1f} ms | {fn*1000:.1f} ms | {fh / fn:.2f}x | (reported) |")
sys.exit(0 if ok else 1)
EOF
