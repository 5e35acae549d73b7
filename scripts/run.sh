#!/usr/bin/env bash
# Builds callboard and starts `callboard serve` on its built-in defaults: SQLite in ./data,
# SIP on 0.0.0.0:5060 (TCP) and 0.0.0.0:5061 (TLS, self-signed certificate generated into
# ./data/tls). Extra arguments go to `callboard`, e.g. `scripts/run.sh --config my.toml`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install Rust (https://rustup.rs) first" >&2
  exit 1
fi
cargo build --release --bin callboard
# A newcomer's phones need a password; the demo one is only used when none is configured.
export CALLBOARD_SIP__PHONE_PASSWORD="${CALLBOARD_SIP__PHONE_PASSWORD:-callboard-demo}"
exec target/release/callboard serve "$@"
