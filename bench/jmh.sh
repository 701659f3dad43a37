#!/usr/bin/env bash
# Runs the JMH micro-benchmarks (build first: mvn -B -DskipTests package).
#   bench/jmh.sh                      # all benchmarks, JMH defaults from the annotations
#   bench/jmh.sh RecordValidation -prof gc
# Arguments are JMH's own (a benchmark regex, -f, -wi, -i, -prof ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
java_bin=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
exec "$java_bin" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp "$cp" org.openjdk.jmh.Main "$@"
