#!/usr/bin/env bash
# Starts a Tributary broker in the foreground.
#   tributary-server-start.sh [server.properties] [--override key=value]...
#   tributary-server-start.sh --create-aot-cache     (see "AOT cache" below; then exits)
# Without a file the built-in single-node defaults apply: node.id=1,
# listeners=PLAINTEXT://127.0.0.1:9092, data under ./data, plugins storage-mmap and metadata-raft.
# SIGTERM (or Ctrl-C) stops it cleanly.
#
# Environment: JAVA_HOME (JDK 25 or newer), TRIBUTARY_HEAP_OPTS, TRIBUTARY_JVM_OPTS,
# TRIBUTARY_LOG_LEVEL (trace, debug, info, warn, error, off; default info; one logger or package:
# TRIBUTARY_JVM_OPTS=-Dtributary.log.level.io.tributary.kernel.network=debug),
# TRIBUTARY_AOT (auto, the default, or off), TRIBUTARY_AOT_CACHE (default aot/tributary.aot).
#
# AOT cache: the JVM starts several times faster from an ahead-of-time cache (JDK 25, JEP 483/515:
# the kernel's classes already parsed and linked, the plugins' parsed). The cache belongs to
# one JDK and one place on disk, so it is made where the broker runs: by the build for
# distribution/target/tributary, else by --create-aot-cache, which runs a short training broker
# (127.0.0.1, a free port, a temporary data dir) and stops it. With TRIBUTARY_AOT=auto a start
# that finds no usable cache starts without one and creates it in the background (low priority,
# output in aot/create.log) for the next start. A missing, stale or rejected cache never stops the
# broker from starting; it only starts slower.
set -euo pipefail

# Shell built-ins where they do the job (no dirname, sed or cat): every program this script runs
# before the JVM adds a few milliseconds to the broker's start-up.
bin_dir=${BASH_SOURCE[0]%/*}
[ "$bin_dir" != "${BASH_SOURCE[0]}" ] || bin_dir=.
base=$(cd "$bin_dir/.." && pwd)

# The JDK a java launcher belongs to: its path without the last two parts (.../bin/java).
jdk_home() {
  local dir=${1%/*}
  echo "${dir%/*}"
}

# The major version from the JDK's release file (no JVM start); 0 when unknown.
java_major() {
  local release line
  release="$(jdk_home "$1")/release"
  if [ -r "$release" ]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=*)
          line=${line#JAVA_VERSION=\"}
          echo "${line%%[!0-9]*}"
          return
          ;;
      esac
    done < "$release"
  else
    "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2; exit}' | cut -d. -f1
  fi
}

java_bin=""
for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "$(command -v java || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then
    java_bin=$candidate
    break
  fi
done
if [ -z "$java_bin" ]; then
  echo "tributary: needs Java 25 or newer; set JAVA_HOME to a JDK 25" >&2
  exit 1
fi

heap_opts=${TRIBUTARY_HEAP_OPTS:--Xms32m -Xmx1g}
log_level=${TRIBUTARY_LOG_LEVEL:-info}

# Netty 4.2 registers JFR events for its allocator at start-up when JFR is available, which loads
# and initialises JFR (measured: ~0.2 s of CPU and ~8 MiB before the first request). Re-enable
# with TRIBUTARY_JVM_OPTS=-Dio.netty.jfr.enabled=true when profiling Netty's allocator.
#
# Memory given back when idle: a broker that went quiet after a burst (recovering 10,000
# partitions, say) kept the heap it grew, and glibc kept the C2 compiler's freed arenas (NMT: 41 MB
# at peak). After 15 s without a GC, G1 runs a concurrent cycle and shrinks the heap to 20% free;
# every 15 s the JVM trims glibc's heap. Measured on a restart over 10,000 partitions: anonymous
# memory 45 s after ready went from 219 to 99 MiB. A busy broker never meets the periodic GC (it
# runs only after 15 s without one); warm-up, P1, P3 and C1 of bench/compare.sh took 7-8 G1
# pauses in all, as before.
# The heap starts at 32 MiB: with 10,000 partitions the live heap is ~41 MB, so a 64 MiB floor
# held ~20 MiB of it idle (anonymous memory 45 s after ready: 122 MiB with -Xms64m and 30% free,
# 106 MiB with -Xms32m and 20% free). Over a whole P1-P4 run the broker took 8 young pauses
# (52 ms) instead of 5 (35 ms); start-up and idle memory without partitions are unchanged.
#
# Netty's leak detector is off: at its default level it samples one buffer in 128, takes a stack
# trace at allocation and release, and wraps the buffer in a leak-aware type. The wrapper's type
# reaching the framing code made C2 throw away the compiled read path (class_check traps in
# ByteToMessageDecoder.channelRead), and the traces were ~1% of the broker's CPU in E2E. A fresh
# broker's first E2E (20,000 records) took 9.2-12.8 s of broker CPU with it off, 12.5-14.6 s on
# (4 pairs). The tests' brokers keep Netty's default;
# TRIBUTARY_JVM_OPTS=-Dio.netty.leakDetection.level=paranoid turns it back on to hunt a leak.
#
# Netty's native epoll library is in lib/native (java.library.path), where Netty looks first:
# otherwise every start copies it out of its jar into a temporary file (~25 ms of CPU with the
# SecureRandom that names the file), which fails where /tmp does not allow executables.
#
# Logging: the kernel's own SLF4J back end (io.tributary.kernel.logging), named in slf4j.provider
# so that SLF4J does not search every jar for providers (~30 ms of start-up); SLF4J's own
# informational notes (such as "Attempting to load provider") are off, its warnings are not.
# shellcheck disable=SC2206
jvm_opts=($heap_opts
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:G1PeriodicGCInterval=15000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20
  -XX:TrimNativeHeapInterval=15000
  --enable-native-access=ALL-UNNAMED,io.tributary.kernel,io.netty.common,io.netty.transport.classes.epoll,com.github.luben.zstd_jni,org.lz4.java,snappy.java
  --sun-misc-unsafe-memory-access=allow
  -Dio.netty.jfr.enabled=false -Dio.netty.leakDetection.level=disabled
  -Dtributary.log.level="$log_level"
  -Dslf4j.provider=io.tributary.kernel.logging.ConsoleLogging -Dslf4j.internal.verbosity=WARN
  -Dtributary.plugin.path="$base/plugins"
  -Djava.library.path="$base/lib/native"
  ${TRIBUTARY_JVM_OPTS:-})
main=(--module-path "$base/lib" --add-modules ALL-MODULE-PATH -m io.tributary.kernel/io.tributary.kernel.Main)

aot_mode=${TRIBUTARY_AOT:-auto}
aot_cache=${TRIBUTARY_AOT_CACHE:-$base/aot/tributary.aot}

# What a cache was made for: this JDK, this distribution's place and jars. The JVM checks the
# same and more (and refuses a cache that does not fit); this check lets a start skip a cache it
# cannot use, and tells the auto mode when to make a new one.
aot_key() {
  {
    echo "$base"
    echo "$java_bin"
    stat -L -c '%n %s %Y' "$java_bin" "$(jdk_home "$java_bin")"/lib/server/libjvm.so \
      "$base"/lib/*.jar "$base"/plugins/*/*.jar 2>/dev/null || true
  } | cksum
}

# Reads one size-prefixed response from fd 3 (best effort, bounded in time).
read_response() {
  local size
  size=$(timeout 10 head -c 4 <&3 | od -An -tu1 | awk '{print (($1 * 256 + $2) * 256 + $3) * 256 + $4}')
  [ -n "$size" ] && timeout 10 head -c "$size" <&3 > /dev/null || true
}

# Runs a training broker with -XX:AOTCacheOutput: start, answer ApiVersions and Metadata once,
# stop (the JVM writes the cache as it exits). Writes to a temporary file and renames it, so a
# start never sees half a cache; one creation at a time (a lock directory next to the cache).
create_aot_cache() {
  local dir lock work pid="" port="" rc=1 status=""
  dir=$(dirname "$aot_cache")
  lock="$aot_cache.lock"
  mkdir -p "$dir" || return 1
  if ! mkdir "$lock" 2>/dev/null; then
    local holder
    holder=$(cat "$lock/pid" 2>/dev/null || true)
    if [ -n "$holder" ] && kill -0 "$holder" 2>/dev/null; then
      echo "tributary: the AOT cache is being created by process $holder" >&2
      return 0
    fi
    rm -rf "$lock"
    mkdir "$lock" || return 1
  fi
  echo $$ > "$lock/pid"
  work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-aot.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$work' '$lock' '$aot_cache.tmp'" EXIT
  echo "tributary: creating the AOT cache $aot_cache (a training broker on 127.0.0.1)"
  # Classes only, no method profiles (AOTRecordTraining): profiles of a start-up make the next
  # start compile start-up code with C2 while it runs (measured: ~0.25 s later to ready on two
  # busy cores), for methods that do not run again.
  # Twice at most: a training run that fails once (a busy build machine) rarely fails again.
  for attempt in 1 2; do
    rm -rf "$work/data" "$aot_cache.tmp"
    port="" status=""
    "$java_bin" "${jvm_opts[@]}" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
      -XX:AOTCacheOutput="$aot_cache.tmp" "${main[@]}" \
      --override listeners=PLAINTEXT://127.0.0.1:0 --override "log.dirs=$work/data" \
      > "$work/broker.out" 2>&1 < /dev/null &
    pid=$!
    for _ in $(seq 1 600); do
      port=$(sed -n 's/.*Listening on .*:\([0-9][0-9]*\) (PLAINTEXT).*/\1/p' "$work/broker.out" | head -n 1)
      if grep -q 'Tributary broker .* started' "$work/broker.out"; then break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if [ -n "$port" ] && kill -0 "$pid" 2>/dev/null; then
      # ApiVersions v3 and Metadata v1 (all topics), as a client's first requests.
      if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
        printf '\x00\x00\x00\x15\x00\x12\x00\x03\x00\x00\x00\x01\x00\x03aot\x00\x04aot\x021\x00' >&3
        read_response
        printf '\x00\x00\x00\x11\x00\x03\x00\x01\x00\x00\x00\x02\x00\x03aot\xff\xff\xff\xff' >&3
        read_response
        exec 3>&-
      fi
      kill -TERM "$pid"
      # 143: the JVM's status after a clean stop on SIGTERM.
      status=0
      wait "$pid" || status=$?
      case $status in 0 | 143) rc=0 ;; esac
    else
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
    if [ "$rc" -eq 0 ] && [ -s "$aot_cache.tmp" ]; then break; fi
    echo "tributary: training run $attempt failed (port ${port:-?}, exit status ${status:-?})" >&2
    rc=1
  done
  if [ "$rc" -eq 0 ] && [ -s "$aot_cache.tmp" ]; then
    # The key file also records the cache's size, so that a damaged cache counts as stale.
    echo "$(aot_key) $(stat -c %s "$aot_cache.tmp")" > "$aot_cache.key.tmp" \
      && mv -f "$aot_cache.tmp" "$aot_cache" && mv -f "$aot_cache.key.tmp" "$aot_cache.key"
    rm -f "$aot_cache.failed"
    echo "tributary: AOT cache created: $aot_cache"
    return 0
  fi
  # Remembered so that auto mode does not retry at every start for the same JDK and jars.
  aot_key > "$aot_cache.failed" || true
  echo "tributary: could not create the AOT cache (training broker on port ${port:-?}, exit status ${status:-?});" \
    "it said:" >&2
  tail -n 30 "$work/broker.out" >&2
  return 1
}

if [ "${1:-}" = "--create-aot-cache" ]; then
  create_aot_cache
  exit $?
fi

aot_opts=()
if [ "$aot_mode" != off ]; then
  key=$(aot_key)
  stored_key=""
  [ -r "$aot_cache.key" ] && IFS= read -r stored_key < "$aot_cache.key" || true
  if [ -f "$aot_cache" ] && [ "$stored_key" = "$key $(stat -c %s "$aot_cache")" ]; then
    # Quiet: should the JVM still refuse it (other JVM options), the broker starts without it.
    aot_opts=(-XX:AOTCache="$aot_cache" '-Xlog:aot*=off')
  elif [ "$aot_mode" = auto ] && [ "$(cat "$aot_cache.failed" 2>/dev/null || true)" != "$key" ] \
    && mkdir -p "$(dirname "$aot_cache")" 2>/dev/null && [ -w "$(dirname "$aot_cache")" ]; then
    nohup nice -n 10 "$base/bin/tributary-server-start.sh" --create-aot-cache >> "$(dirname "$aot_cache")/create.log" 2>&1 < /dev/null &
  fi
fi

exec "$java_bin" "${jvm_opts[@]}" "${aot_opts[@]}" "${main[@]}" "$@"
