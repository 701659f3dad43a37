#!/usr/bin/env bash
# Starts a Tributary broker in the foreground.
#   tributary-server-start.sh [server.properties] [--override key=value]...
# Without a file the built-in single-node defaults apply: node.id=1,
# listeners=PLAINTEXT://127.0.0.1:9092, data under ./data, plugins storage-mmap and metadata-raft.
# SIGTERM (or Ctrl-C) stops it cleanly.
#
# Environment: JAVA_HOME (JDK 25 or newer), TRIBUTARY_HEAP_OPTS, TRIBUTARY_JVM_OPTS,
# TRIBUTARY_LOG_LEVEL (trace, debug, info, warn, error; default info).
set -euo pipefail

base=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The major version from the JDK's release file (no JVM start); 0 when unknown.
java_major() {
  local release
  release="$(dirname "$(dirname "$1")")/release"
  if [ -r "$release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
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

heap_opts=${TRIBUTARY_HEAP_OPTS:--Xms64m -Xmx1g}
log_level=${TRIBUTARY_LOG_LEVEL:-info}

# shellcheck disable=SC2086
exec "$java_bin" $heap_opts \
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
  --enable-native-access=ALL-UNNAMED,io.tributary.kernel,io.netty.common,io.netty.transport.classes.epoll,com.github.luben.zstd_jni,org.lz4.java,snappy.java \
  --sun-misc-unsafe-memory-access=allow \
  -Dorg.slf4j.simpleLogger.defaultLogLevel="$log_level" \
  -Dorg.slf4j.simpleLogger.showDateTime=true \
  -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd'T'HH:mm:ss.SSS" \
  -Dorg.slf4j.simpleLogger.showShortLogName=true \
  -Dtributary.plugin.path="$base/plugins" \
  ${TRIBUTARY_JVM_OPTS:-} \
  --module-path "$base/lib" --add-modules ALL-MODULE-PATH \
  -m io.tributary.kernel/io.tributary.kernel.Main "$@"
