#!/usr/bin/env bash
# Stops every Tributary broker started from this machine (SIGTERM: clean shutdown).
set -euo pipefail
pids=$(pgrep -f 'io.tributary.kernel/io.tributary.kernel.Main' || true)
if [ -z "$pids" ]; then
  echo "No Tributary broker to stop" >&2
  exit 1
fi
kill -TERM $pids
