#!/usr/bin/env bash
# bench/jit-steps.sh [NAME]
#
# One fresh Tributary broker through the harness's steps, in the harness's order and sizes (warm-up,
# P1-P4, L1, L2, C1-C3, E2E; see ../shared/bench/kafka/perf.sh), printing per step the broker's CPU
# and the part of it its JIT compiler threads (C1, C2) used, in ms:
#   NAME warmup=1740/730 P1=2820/1180 ... total=23510
# Much of each step's CPU is the JIT compiling what became hot during it, and that is what moves
# the P1-P3 ratios between harness runs (bench/PERFORMANCE.md, the broker CPU target); run a few
# brokers per variant, alternating, to compare JVM options or code.
#
# Env: XOPTS      extra JVM options for the broker (e.g. -XX:CICompilerCount=3)
#      LOGCOMP=1  the broker writes -XX:+LogCompilation to OUT/comp.xml and this script each step's
#                 start to OUT/marks, for: python3 bench/jit-report.py OUT [STEP...]
#      STEPS      produce (warm-up to L1 only) or all (the default)
#      PORT (29092), BENCH_OUT (/tmp/tributary-bench), DIST (distribution/target/tributary),
#      BENCH_LIB and TOOLS_JAVA_HOME as bench/compare.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=$(cd "$root/../shared/bench/kafka" && pwd)
name=${1:-run}
dist=${DIST:-$root/distribution/target/tributary}
port=${PORT:-29092}
out=${BENCH_OUT:-/tmp/tributary-bench}/jit-$name-$(date +%Y%m%d-%H%M%S)
lib=${BENCH_LIB:-${XDG_CACHE_HOME:-$HOME/.cache}/tributary-bench/kafka-lib}
tools_java=${TOOLS_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/java
steps=${STEPS:-all}

[ -x "$dist/bin/tributary-server-start.sh" ] || { echo "build the distribution first: mvn -B -DskipTests package" >&2; exit 1; }
ls "$lib"/kafka_2.13-*.jar >/dev/null 2>&1 || "$shared/setup.sh"
mkdir -p "$out"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

jvm_opts=${XOPTS:-}
if [ "${LOGCOMP:-0}" = 1 ]; then
  jvm_opts="-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=$out/comp.xml $jvm_opts"
fi
TRIBUTARY_JVM_OPTS=$jvm_opts tributary_start "$out" "$port" || exit 1
pid=$PID
trap 'kill -TERM "$pid" 2>/dev/null; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; rm -rf "$out/data"' EXIT

tool=("$tools_java" -Xmx512M -XX:+UseG1GC -Dlog4j2.configurationFile="$shared/config/tools-log4j2.properties" -cp "$lib/*")
bootstrap=127.0.0.1:$port

# CPU ticks of the broker's JIT compiler threads.
jit_ticks() {
  local sum=0 task
  for task in /proc/"$pid"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      C1* | C2*) sum=$((sum + $(cpu_ticks "$pid" "${task##*/}"))) ;;
    esac
  done
  echo "$sum"
}
tick_ms=$((1000 / $(getconf CLK_TCK)))

line=$name
step() {  # step NAME TOOL-CLASS ARGS...
  local step_name=$1 cpu0 jit0; shift
  date +%s%N >> "$out/marks"
  echo "$step_name" >> "$out/marks.names"
  cpu0=$(cpu_ticks "$pid"); jit0=$(jit_ticks)
  timeout 600 "${tool[@]}" "org.apache.kafka.tools.$@" > "$out/$step_name.log" 2>&1 \
    || echo "$step_name failed; see $out/$step_name.log" >&2
  line="$line $step_name=$(( ($(cpu_ticks "$pid") - cpu0) * tick_ms ))/$(( ($(jit_ticks) - jit0) * tick_ms ))"
}
produce() {  # produce NAME TOPIC N SIZE RATE ACKS LINGER
  step "$1" ProducerPerformance --bootstrap-server "$bootstrap" --topic "$2" --num-records "$3" \
    --record-size "$4" --throughput "$5" --command-property "acks=$6" "linger.ms=$7" batch.size=65536
}
consume() {  # consume NAME TOPIC N
  step "$1" ConsumerPerformance --bootstrap-server "$bootstrap" --topic "$2" --num-records "$3" \
    --timeout 10000 --group "jit-$1-$$"
}

for spec in perf-1p:1 perf-6p:6 perf-1k:1 perf-lat:1 perf-e2e:1 perf-warmup:1; do
  timeout 60 "${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
    --topic "${spec%%:*}" --partitions "${spec##*:}" --replication-factor 1 >> "$out/topics.log" 2>&1 \
    || { echo "could not create ${spec%%:*}; see $out/topics.log" >&2; exit 1; }
done

produce warmup perf-warmup 500000 100 -1 1 5
produce P1 perf-1p 2000000 100 -1 1 5
produce P2 perf-1p 2000000 100 -1 all 5
produce P3 perf-6p 2000000 100 -1 1 5
produce P4 perf-1k 500000 1024 -1 1 5
produce L1 perf-lat 200000 100 20000 1 0
if [ "$steps" != produce ]; then
  produce L2 perf-lat 200000 100 20000 1 5
  consume C1 perf-1p 4000000
  consume C2 perf-6p 2000000
  consume C3 perf-1k 500000
  step E2E EndToEndLatency --bootstrap-server "$bootstrap" --topic perf-e2e --num-records 20000 \
    --producer-acks 1 --record-size 100
fi
date +%s%N >> "$out/marks"
echo end >> "$out/marks.names"
echo "$line total=$(( $(cpu_ticks "$pid") * tick_ms ))"
echo "(broker CPU / JIT CPU per step, ms; logs in $out)"
