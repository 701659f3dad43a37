#!/usr/bin/env bash
# bench/compare.sh [ROUNDS]
#
# Tributary against Apache Kafka 4.4 on this machine, with the same client, the same workload
# and the same commands, alternating the two brokers each round (fresh data every time):
#   - start-to-ready time (launch -> answers ApiVersions+Metadata) and idle RSS at ready
#   - ../shared/bench/kafka/perf.sh: P1-P4, L1-L2, C1-C3, E2E (see that script)
#   - F1: P2's workload (2M x 100 B, acks=all) on a topic with flush.messages=1
#   - RSS after the load
# Then medians over the rounds, per broker, and the ratios the performance issue asks for.
# With PASSES=N (default 1), perf.sh runs N-1 more times on each broker after F1, on fresh
# topics and without the warm-up (PERF_TAG=-passK, output in perf-passK/): the same steps once
# both JVMs have compiled their hot paths. The targets are judged on the first pass, as a user
# starting a broker sees it; report.py prints the later passes beside it.
# Both brokers run with the settings of the shared harness's Kafka config that differ from the
# code defaults: group.initial.rebalance.delay.ms=0 (as Kafka's stock server.properties has it;
# the consumer workloads' rates include the group join).
#
# Needs: the distribution built (mvn -B -DskipTests package), JDK 17 for the tools (the shared
# harness's default), python3. Kafka's jars are fetched by ../shared/bench/kafka/setup.sh.
# Env: ROUNDS (or $1, default 3), BENCH_OUT (default /tmp/tributary-bench), TRIBUTARY_PORT
# (29092), KAFKA_PORT (19092), PASSES (1), N_SMALL/N_LARGE/... as perf.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=$(cd "$root/../shared/bench/kafka" && pwd)
dist="$root/distribution/target/tributary"
rounds=${1:-${ROUNDS:-3}}
passes=${PASSES:-1}
out=${BENCH_OUT:-/tmp/tributary-bench}/compare-$(date +%Y%m%d-%H%M%S)
tport=${TRIBUTARY_PORT:-29092}
kport=${KAFKA_PORT:-19092}
lib=${BENCH_LIB:-${XDG_CACHE_HOME:-$HOME/.cache}/tributary-bench/kafka-lib}
tools_java=${TOOLS_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/java
mkdir -p "$out"

[ -x "$dist/bin/tributary-server-start.sh" ] || { echo "build the distribution first: mvn -B -DskipTests package" >&2; exit 1; }
ls "$lib"/kafka_2.13-*.jar >/dev/null 2>&1 || "$shared/setup.sh"

# shellcheck source=bench/lib.sh
. "$here/lib.sh"

log() { echo "[$(date +%H:%M:%S)] $*"; }
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
rss_anon_kb() { awk '/^RssAnon:/{print $2}' "/proc/$1/status"; }

kafka_start() {  # DATADIR -> sets PID READY_MS
  local dir=$1
  local t0; t0=$(date +%s%N)
  "$shared/start.sh" "$kport" "$dir" > "$dir.start.out" 2>&1 || { cat "$dir.start.out" >&2; return 1; }
  READY_MS=$(awk -F= '/^ready_ms=/{print $2}' "$dir.start.out")
  PID=$(cat "$dir/pid")
}

f1() {  # NAME BOOTSTRAP PID OUTDIR : P2's workload on a topic with flush.messages=1
  local bootstrap=$2 pid=$3 dir=$4
  local tool=("$tools_java" -Xmx512M -XX:+UseG1GC -Dlog4j2.configurationFile="$shared/config/tools-log4j2.properties" -cp "$lib/*")
  "${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic perf-f1 --partitions 1 --replication-factor 1 --config flush.messages=1 >> "$dir/topics-f1.log" 2>&1
  local c0 c1
  c0=$(cpu_ticks "$pid")
  timeout 300 "${tool[@]}" org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$bootstrap" \
    --topic perf-f1 --num-records "${N_SMALL:-2000000}" --record-size 100 --throughput -1 \
    --command-property acks=all linger.ms=5 batch.size=65536 > "$dir/F1.log" 2>&1
  c1=$(cpu_ticks "$pid")
  local line; line=$(grep '99.9th' "$dir/F1.log" | tail -n 1)
  echo "  F1 (flush.messages=1): $line"
  local rps; rps=$(echo "$line" | awk -F', ' '{split($2,b," "); print b[1]}')
  printf 'F1-100B-acksall-fsync\tproducer\tperf-f1\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t%s\t-\t-\tok\n' \
    "${N_SMALL:-2000000}" "${rps:--}" "$(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.1f", (b-a)/100}')" >> "$dir/summary.tsv"
}

for r in $(seq 1 "$rounds"); do
  for broker in tributary kafka; do
    dir="$out/$broker-r$r"
    mkdir -p "$dir"
    log "round $r: starting $broker"
    if [ "$broker" = tributary ]; then tributary_start "$dir/broker" "$tport" || exit 1; bootstrap=127.0.0.1:$tport
    else kafka_start "$dir/broker" || exit 1; bootstrap=127.0.0.1:$kport; fi
    idle=$(rss_kb "$PID"); idle_anon=$(rss_anon_kb "$PID")
    log "  ready in ${READY_MS} ms, idle RSS $((idle / 1024)) MiB (anon $((idle_anon / 1024)) MiB)"
    PERF_OUT="$dir/perf" BROKER_PID=$PID "$shared/perf.sh" "$bootstrap" > "$dir/perf.out" 2>&1
    f1 "$broker" "$bootstrap" "$PID" "$dir/perf"
    for pass in $(seq 2 "$passes"); do
      log "  pass $pass"
      PERF_OUT="$dir/perf-pass$pass" PERF_TAG="-pass$pass" N_WARMUP=0 BROKER_PID=$PID "$shared/perf.sh" "$bootstrap" \
        > "$dir/perf-pass$pass.out" 2>&1
    done
    after=$(rss_kb "$PID"); after_anon=$(rss_anon_kb "$PID")
    printf '%s\t%s\t%s\t%s\t%s\n' "$READY_MS" "$idle" "$idle_anon" "$after" "$after_anon" > "$dir/startup.tsv"
    log "  done; RSS after load $((after / 1024)) MiB (anon $((after_anon / 1024)) MiB)"
    if [ "$broker" = tributary ]; then kill -TERM "$PID"; while kill -0 "$PID" 2>/dev/null; do sleep 0.1; done
    else "$shared/stop.sh" "$dir/broker" > /dev/null; fi
    rm -rf "$dir/broker/data" "$dir/broker/logs"
  done
done

python3 "$here/report.py" "$out"
