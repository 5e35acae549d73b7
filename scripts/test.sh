#!/usr/bin/env bash
# Installs what the tests need when it is missing (SIPp as `sip-tester`, socat, python3,
# PostgreSQL, OpenLDAP slapd), starts a throwaway PostgreSQL on a loopback port, then runs the whole suite:
# formatting, clippy, and every unit, property and end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if ! command -v slapd >/dev/null 2>&1 && [ ! -x /usr/sbin/slapd ]; then
  # No default database or configuration: the tests start their own slapd.
  echo "slapd slapd/no_configuration boolean true" | $sudo debconf-set-selections
  missing+=(slapd ldap-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== throwaway PostgreSQL for the store conformance suite"
eval "$(scripts/pg-test.sh start)"
trap 'scripts/pg-test.sh stop "$PG_TEST_DIR"' EXIT
export CALLBOARD_TEST_REQUIRE_POSTGRES=1
export CALLBOARD_TEST_REQUIRE_SLAPD=1

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
echo "== all tests passed"
