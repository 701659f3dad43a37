#!/usr/bin/env bash
# bench/start-times.sh [N] [DIST...]
#
# Start-to-ready of Tributary, N fresh brokers (default 8) per distribution, the distributions
# alternating start by start so that the machine's drift falls on all of them alike; ready as the
# harness counts it (lib.sh's tributary_start: launch until ApiVersions and Metadata are answered).
# Prints one line per distribution: its path, the median and every start's ms. To compare a
# change, build the commit before it in a git worktree and pass both distributions.
#
# Env: PORT (29192), BENCH_OUT (/tmp/tributary-bench); DIST defaults to distribution/target/tributary.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=$(cd "$root/../shared/bench/kafka" && pwd)
n=${1:-8}
shift || true
dists=("$@")
[ ${#dists[@]} -gt 0 ] || dists=("$root/distribution/target/tributary")
port=${PORT:-29192}
out=${BENCH_OUT:-/tmp/tributary-bench}/starts-$(date +%Y%m%d-%H%M%S)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

declare -A times
for i in $(seq 1 "$n"); do
  for d in "${!dists[@]}"; do
    dist=${dists[$d]}
    dir=$out/$d-$i
    tributary_start "$dir" "$port" || exit 1
    times[$d]="${times[$d]:-} $READY_MS"
    kill "$PID"
    while kill -0 "$PID" 2>/dev/null; do sleep 0.05; done
    rm -rf "$dir/data"
  done
done
for d in "${!dists[@]}"; do
  # shellcheck disable=SC2086
  median=$(printf '%s\n' ${times[$d]} | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}')
  echo "${dists[$d]}: median $median ms (${times[$d]# })"
done
