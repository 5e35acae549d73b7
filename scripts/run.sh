#!/usr/bin/env bash
# Builds callboard and starts `callboard serve --demo` on its built-in defaults: SQLite in
# ./data, SIP on 0.0.0.0:5060 (TCP) and 0.0.0.0:5061 (TLS, self-signed certificate generated into
# ./data/tls), CSTA clients on 0.0.0.0:1040, and the demo switch's simulated lines 201-210.
# Extra arguments go to `callboard serve`, e.g. `scripts/run.sh --config my.toml`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install Rust (https://rustup.rs) first" >&2
  exit 1
fi
cargo build --release --bin callboard
# A newcomer's phones and clients need credentials; these demo ones apply only when none are
# configured (environment or ./callboard.toml).
if [ ! -f callboard.toml ]; then
  export CALLBOARD_SIP__PHONE_PASSWORD="${CALLBOARD_SIP__PHONE_PASSWORD:-callboard-demo}"
  demo_account='[{name="demo", password="demo"}]'
  export CALLBOARD_CTI__ACCOUNTS="${CALLBOARD_CTI__ACCOUNTS:-$demo_account}"
fi
exec target/release/callboard serve --demo "$@"
