#!/usr/bin/env bash
# What the inspector costs while it sits there: the release binary in a real terminal (a tmux
# pane, 120x40) on the demo data, with a record on screen.
#
#   first frame   from exec to the first frame on the pane (median of 5 starts)
#   idle CPU      utime+stime (/proc/PID/stat) used over 10 s with a record shown and no input
#   peak RSS      VmHWM (/proc/PID/status) after the record is shown
#   binary size   of target/release/swlog (stripped, thin LTO)
#
# Targets: idle CPU ≤ 0.1 s per 10 s, peak RSS ≤ 20 MB, first frame ≤ 50 ms.
#
# The first frame is timed from outside, so the number is an upper bound: a wrapper writes the
# time just before it execs swlog, and the script polls `tmux capture-pane` (each poll takes a
# few milliseconds) until the pane shows the inspector's border. It includes tmux's own time to
# take the bytes and redraw, and up to one poll interval.
#
# Needs tmux and python3. Usage: scripts/idle-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in tmux python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "idle-cost: $tool is missing (apt-get install $tool)" >&2; exit 2; }
done

echo "idle-cost: building the release binary (reuses target/)"
cargo build --release --quiet --bin swlog
swlog="$PWD/target/release/swlog"

work="$(mktemp -d)"
socket="swlog-idle-$$"
cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# No config, history or log from the user's home.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/home/data"
export XDG_STATE_HOME="$work/home/state" XDG_CACHE_HOME="$work/home/cache"
unset SWLOG_LOG SWLOG_CONFIG
mkdir -p "$HOME"

ticks="$(getconf CLK_TCK)"
record="3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11"

# Starts swlog in a fresh pane; the wrapper records the time (ns, CLOCK_REALTIME) before exec.
start() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  rm -f "$work/t0"
  # A tmux server that is still going away can refuse the new session: try again then.
  for _ in 1 2 3; do
    tmux -L "$socket" -f /dev/null new-session -d -x 120 -y 40 \
      "python3 -c 'import os,sys,time; open(sys.argv[1],\"w\").write(str(time.time_ns())); os.execv(sys.argv[2], sys.argv[2:])' $work/t0 $swlog --demo" \
      2>/dev/null && return 0
    sleep 0.2
  done
  echo "idle-cost: tmux could not start a session" >&2
  return 1
}

screen() { tmux -L "$socket" capture-pane -p 2>/dev/null || true; }

# Prints the ms from exec to the first frame.
first_frame() {
  start
  python3 - "$socket" "$work/t0" <<'EOF'
import os, subprocess, sys, time
socket, t0_file = sys.argv[1], sys.argv[2]
deadline = time.time() + 10
while time.time() < deadline:
    shown = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p"],
                           capture_output=True, text=True).stdout
    if "┌" in shown:
        seen = time.time_ns()
        t0 = int(open(t0_file).read())
        print(f"{(seen - t0) / 1e6:.1f}")
        sys.exit(0)
sys.exit("no frame within 10 s")
EOF
}

frames=()
for _ in 1 2 3 4 5; do frames+=("$(first_frame)"); done
first_ms="$(printf '%s\n' "${frames[@]}" | sort -n | sed -n 3p)"

# The idle run: show a record, let it settle, then measure 10 s without input.
start
for _ in $(seq 200); do screen | grep -q "┌" && break; sleep 0.05; done
pid="$(tmux -L "$socket" display-message -p '#{pane_pid}')"
tmux -L "$socket" send-keys -l "$record"
tmux -L "$socket" send-keys Enter
for _ in $(seq 200); do screen | grep -q "┌ $record" && break; sleep 0.05; done
screen | grep -q "┌ $record" || { echo "idle-cost: the record was not shown" >&2; screen >&2; exit 1; }
sleep 1
cpu() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat"; }
before="$(cpu)"
sleep 10
after="$(cpu)"
idle="$(python3 -c "print(f'{$after - $before:.2f}')")"
hwm_kb="$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")"
rss_mb="$(python3 -c "print(f'{$hwm_kb / 1024:.1f}')")"
size_mb="$(python3 -c "import os; print(f'{os.path.getsize(\"$swlog\") / 1024 / 1024:.1f}')")"

echo
echo "| measure | value | target |"
echo "| --- | --- | --- |"
echo "| first frame (median of 5, upper bound) | ${first_ms} ms (all: ${frames[*]}) | <= 50 ms |"
echo "| CPU while idle for 10 s, record shown | ${idle} s | <= 0.1 s |"
echo "| peak RSS (VmHWM), record shown | ${rss_mb} MB | <= 20 MB |"
echo "| release binary | ${size_mb} MB | |"
python3 -c "import sys; sys.exit(0 if $first_ms <= 50 and $idle <= 0.1 and $rss_mb <= 20 else 1)"
