#!/usr/bin/env bash
# The many-partitions check of issue 4 at full size, outside the suite (which runs 1,000):
# a broker process with one topic of N partitions (default 10,000) starts, takes one record
# per partition, serves a fetch of all of them, restarts cleanly and does it again. Prints
# the timings, the broker's RSS (anonymous and file-backed), its mappings and open files, and its
# memory again after IDLE_SECONDS (default 45) of idleness, when it has given back what it can.
#   bench/many-partitions.sh [N]
# Builds what it needs (tests and the distribution). Needs about 2 GB of disk for 10,000
# partitions (sparse segment files) and ulimit -n above N + a few hundred.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
cd "$here"
mvn -B -q -pl tests -am verify \
  -Dtest=io.tributary.tests.ManyPartitionsTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.extraArgs="-Dtributary.test.partitions=$n -Dtributary.test.idleSeconds=${IDLE_SECONDS:-45}"
grep -ho "[0-9]* partitions: [^<]*" tests/target/surefire-reports/TEST-io.tributary.tests.ManyPartitionsTest.xml
