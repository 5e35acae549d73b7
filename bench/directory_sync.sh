#!/usr/bin/env bash
# Directory sync benchmark (issue #4): N generated users (default 100,000, with CTI attributes in
# schema mode) loaded offline into a throwaway slapd on a loopback port, then
# `callboard directory sync` into a fresh store (first sync: every user new), and again (nothing
# changed). Times include reading every page from slapd, mapping, number normalisation and the
# store writes. Needs slapd and ldap-utils.
#
#   bench/directory_sync.sh [N] [STORE_URL]     defaults: 100000, SQLite in a temp dir
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
WORK=$(mktemp -d /tmp/callboard-dirsync.XXXXXX)
STORE=${2:-sqlite://$WORK/callboard.db}

cargo build --release --quiet --bin callboard
cargo build --release --quiet -p callboard-directory --example sync_bench
coproc SLAPD { target/release/examples/sync_bench "$N" --hold; }
trap 'exec {SLAPD[1]}>&- 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
while read -r tag url dn password base <&"${SLAPD[0]}"; do
  if [ "$tag" = LDAP ]; then break; fi
  echo "$tag $url $dn $password $base"
done
[ "${tag:-}" = LDAP ] || { echo "slapd did not start" >&2; exit 1; }

cat > "$WORK/callboard.toml" <<TOML
[store]
url = "$STORE"

[directory]
source = "ldap"

[directory.ldap]
url = "$url"
bind_dn = "$dn"
bind_password = "$password"
base_dn = "$base"
mode = "schema"
sync_interval_seconds = 0
TOML

for pass in "first sync (all users new)" "second sync (nothing changed)"; do
  echo "== $pass"
  start=$(date +%s.%N)
  target/release/callboard --config "$WORK/callboard.toml" directory sync
  end=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'{int(sys.argv[3]):,} users: {s:.1f} s ({int(sys.argv[3])/s:,.0f} users/s)')" "$start" "$end" "$N"
done
target/release/callboard --config "$WORK/callboard.toml" user list --format json \
  | python3 -c 'import json,sys; print("users in the store:", len(json.load(sys.stdin)))'
