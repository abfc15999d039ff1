#!/usr/bin/env bash
# Two batches of lookups at once into one long history, against the same two batches with
# `--no-history`: each batch is `swlog get - --concurrency 16` of 400 IDs (the demo server's
# records, over and over), both started together, into a history of 20,000 lookups (an older
# swlog's history.json of generated failed lookups, imported by a first run). A round is timed
# until both batches have ended; rounds alternate with and without the history (ROUNDS, default
# 15). Prints the medians, their ratio, and any lookup that failed or notice a batch printed.
#
# Before the one store, the same two batches took 43 s and 326 s with the history against
# 2.2 s without, 13 lookups timing out behind a save that held the lock.
#
# Needs python3. Builds the release binary and the demo server once (reuses target/), unless
# SWLOG and DEMO_SERVER name binaries to use. Usage: scripts/bench-concurrent-batches.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${ROUNDS:-15}"
entries="${ENTRIES:-20000}"
if [ -z "${SWLOG:-}" ] || [ -z "${DEMO_SERVER:-}" ]; then
  echo "bench-concurrent-batches: building the release binary and the demo server (reuses target/)"
  cargo build --release --quiet --bin swlog --example demo-server
fi
swlog="${SWLOG:-$PWD/target/release/swlog}"
server="${DEMO_SERVER:-$PWD/target/release/examples/demo-server}"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
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
  *) echo "bench-concurrent-batches: the demo server did not start" >&2; exit 1 ;;
esac
project="$(sed -n 's/^pub const PROJECT_ID: &str = "\(.*\)";/\1/p' src/demo/data.rs)"
token="$(sed -n 's/^pub const TOKEN: &str = "\(.*\)";/\1/p' src/demo/data.rs)"
[ -n "$project" ] && [ -n "$token" ] || { echo "bench-concurrent-batches: demo credentials not found in src/demo/data.rs" >&2; exit 1; }
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/home/data"
export XDG_STATE_HOME="$work/home/state" XDG_CACHE_HOME="$work/home/cache"
unset SIGNALWIRE_SPACE SIGNALWIRE_SPACE_URL SIGNALWIRE_TOKEN SWLOG_BASE_URL SWLOG_CONFIG SWLOG_LOG
export SIGNALWIRE_PROJECT_ID="$project" SIGNALWIRE_API_TOKEN="$token" NO_COLOR=1
mkdir -p "$XDG_DATA_HOME/swlog"

records=(
  3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11 7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21
  c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31 0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1
  a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1 1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41
  9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c51 2c4e6a8c-0e2a-4c4e-9a6c-8e0a2c4e6a61
  6d8f0b2d-4f6b-4d8f-8b0d-2f4b6d8f0b71 8e0a2c4e-6a8c-4e0a-9c4e-6a8c0e2a4c81
  4a6c8e0a-2c4e-4a6c-8e0a-2c4e6a8c0e91 5b7d9f1b-3d5f-4b7d-9f1b-3d5f7b9d1fa1
)
for i in $(seq 0 399); do echo "${records[$((i % ${#records[@]}))]}"; done >"$work/ids"

python3 - "$XDG_DATA_HOME/swlog/history.json" "$entries" <<'PY'
import json, sys, uuid
n = int(sys.argv[2])
entries = [{"id": str(uuid.UUID(int=(0x1000 << 112) | (4 << 76) | (8 << 60) | i)),
            "at": f"2026-01-01T{i // 3600 % 24:02}:{i // 60 % 60:02}:{i % 60:02}Z",
            "profile": "default", "space": "acme", "lookup": {"error": "not found"}}
           for i in range(n)]
json.dump({"version": 3, "entries": entries[::-1]}, open(sys.argv[1], "w"))
PY
"$swlog" history --format csv --no-header --fields id >/dev/null 2>&1
# Both kinds of batch must fetch all 400 before they are timed, or the comparison means nothing.
for extra in "" --no-history; do
  count="$("$swlog" --base-url "$base" get - --concurrency 16 --format json $extra <"$work/ids" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
  [ "$count" = 400 ] || { echo "bench-concurrent-batches: swlog $extra fetched $count of 400" >&2; exit 1; }
done
echo "bench-concurrent-batches: the history holds $("$swlog" history --format csv --no-header --fields id | wc -l) lookups; server $base; $(nproc) cores; $rounds rounds"

python3 - "$swlog" "$base" "$work/ids" "$rounds" <<'PY'
import statistics, subprocess, sys, time
swlog, base, ids, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def batch(extra):
    cmd = [swlog, "--base-url", base, "get", "-", "--concurrency", "16", "--format", "json", *extra]
    return subprocess.Popen(cmd, stdin=open(ids), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
def round_of(extra):
    t0 = time.perf_counter()
    procs = [batch(extra), batch(extra)]
    ends, said = [], []
    for p in procs:
        _, err = p.communicate()
        ends.append(time.perf_counter() - t0)
        said.append((p.returncode, err.strip()))
    return max(ends), ends, said
kinds = {"with history": [], "--no-history": []}
each = {"with history": [], "--no-history": []}
problems = []
for i in range(rounds + 1):
    for name, extra in (("with history", []), ("--no-history", ["--no-history"])):
        both, ends, said = round_of(extra)
        if i == 0:
            continue  # warm-up
        kinds[name].append(both)
        each[name].extend(ends)
        for code, err in said:
            if code != 0 or err:
                problems.append(f"{name}: exit {code}: {err[:300]}")
print()
print("| two batches of 400 lookups at once | median (both ended) | slowest round | median batch |")
print("| --- | --- | --- | --- |")
for name, t in kinds.items():
    print(f"| {name} | {statistics.median(t)*1000:.0f} ms | {max(t)*1000:.0f} ms | {statistics.median(each[name])*1000:.0f} ms |")
ratio = statistics.median(kinds["with history"]) / statistics.median(kinds["--no-history"])
print(f"\nwith / without: {ratio:.2f}x over {rounds} rounds each")
print(f"failed lookups or notices: {len(problems)}")
for p in problems[:10]:
    print("  " + p)
PY
