# Shell functions bench/compare.sh and bench/jit-steps.sh share; source it after setting
# dist (a built distribution) and shared (../shared/bench/kafka).

# tributary_start DIR PORT -> sets PID and READY_MS (launch until probe.py sees ApiVersions and
# Metadata answered). The broker runs from $dist with the shared harness's settings, its data in
# DIR/data and its output in DIR/broker.out; TRIBUTARY_JVM_OPTS in the environment reaches it.
tributary_start() {
  local dir=$1 port=$2 t0 pid=""
  mkdir -p "$dir"
  t0=$(date +%s%N)
  (cd "$dir" && setsid nohup "$dist/bin/tributary-server-start.sh" \
      --override "listeners=PLAINTEXT://127.0.0.1:$port" --override "log.dirs=$dir/data" \
      --override "group.initial.rebalance.delay.ms=0" \
      > "$dir/broker.out" 2>&1 < /dev/null &)
  for _ in $(seq 1 200); do
    pid=$(pgrep -f -- "log.dirs=$dir/data" | head -n 1) && [ -n "$pid" ] && break
    sleep 0.01
  done
  python3 "$shared/probe.py" "127.0.0.1:$port" --wait 60 --pid "$pid" --interval 5 >/dev/null \
    || { echo "Tributary did not start; see $dir/broker.out" >&2; tail -n 20 "$dir/broker.out" >&2; return 1; }
  READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  PID=$pid
}

# cpu_ticks PID [TID]: user + system CPU of a process (or one of its threads) in clock ticks.
cpu_ticks() {
  awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1${2:+/task/$2}/stat"
}
