#!/usr/bin/env bash
# Fan-out benchmark of issue #3: event deliveries per second and latency to 1,000 and 10,000
# CSTA clients, events from the demo switch. Usage: bench/fanout.sh [clients...]
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release --quiet -p callboard-bench --bin fanout
for clients in "${@:-1000 10000}"; do
  target/release/fanout --clients "$clients" "${FANOUT_ARGS[@]:-}"
done
