#!/usr/bin/env bash
# Registration storm (issue #2 benchmark): N SIPp phones, one TCP connection each (-t tn),
# register with digest and each gets its CSTA dialog (INVITE, SystemRegister,
# GetSwitchingFunctionDevices with two identities). Reports REGISTER/s, time until all are
# online, and callboard's RSS per registered phone.
#
#   bench/registration_storm.sh [N] [RATE]      defaults: N=5000, RATE=2000 new phones/s
#
# Loopback only; every process is bounded by `timeout`. Needs sipp (sip-tester) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
RATE=${2:-2000}
PASSWORD=bench-secret
WORK=$(mktemp -d /tmp/callboard-storm.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SIPP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cargo build --release --quiet --bin callboard
python3 - "$N" "$PASSWORD" > "$WORK/users.csv" <<'PY'
import sys
n, password = int(sys.argv[1]), sys.argv[2]
print("SEQUENTIAL")
for i in range(n):
    mac = "0004%08X" % i
    print(f"{mac};[authentication username={mac} password={password}]")
PY
cp tests/peers/sipp/phone_register_csv.xml tests/peers/sipp/phone_csta.xml "$WORK/"
sed -i 's/KEEPALIVE_LIMIT/1000000/' "$WORK/phone_csta.xml"

CALLBOARD_SIP__TCP_LISTEN=127.0.0.1:$PORT CALLBOARD_SIP__TLS_LISTEN= \
CALLBOARD_SIP__PHONE_PASSWORD=$PASSWORD CALLBOARD_SIP__KEEPALIVE=600 \
CALLBOARD_SIP__MAX_CONNECTIONS=20000 CALLBOARD_LOG__LEVEL=warn \
  target/release/callboard serve --data-dir "$WORK/data" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
  sleep 0.1
done
rss_kb() { awk '/VmRSS/ {print $2}' /proc/$SERVER/status; }
RSS_BEFORE=$(rss_kb)

START=$(date +%s.%N)
(cd "$WORK" && timeout 300 sipp 127.0.0.1:$PORT -sf phone_register_csv.xml -inf users.csv \
   -oocsf phone_csta.xml -t tn -max_socket 19000 -i 127.0.0.1 -p $SIPP_PORT \
   -key ua "snomD785/10.1.54.13" -key line1 201 -key line2 202 -key host pbx.example \
   -m "$N" -l "$N" -r "$RATE" -d 600000 -timeout 280s -nostdin -trace_err > sipp.out 2>&1) &
SIPP=$!

# Poll the database (read-only) until every phone is online.
python3 - "$WORK/data/callboard.db" "$N" "$START" > "$WORK/progress.txt" <<'PY'
import sqlite3, sys, time
db, n, start = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.time() + 240
while time.time() < deadline:
    try:
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        online, = c.execute("select count(*) from phones where online = 1 and identities like '%202%'").fetchone()
        c.close()
    except sqlite3.Error:
        online = 0
    if online >= n:
        print(f"all_online_s={time.time() - start:.2f}")
        break
    time.sleep(0.2)
else:
    print(f"timeout online={online}")
PY
cat "$WORK/progress.txt"
RSS_AFTER=$(rss_kb)
python3 - "$WORK/data/callboard.db" "$N" "$RSS_BEFORE" "$RSS_AFTER" <<'PY'
import sqlite3, sys
db, n, before, after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
first, last, count = c.execute("select min(last_registration_ms), max(last_registration_ms), count(*) from phones where last_registration_ms is not null").fetchone()
span = max((last - first) / 1000, 0.001)
print(f"phones_registered={count} registration_span_s={span:.2f} registrations_per_s={count / span:.0f} register_requests_per_s={2 * count / span:.0f}")
print(f"rss_before_kb={before} rss_all_online_kb={after} rss_per_phone_kb={(after - before) / n:.1f}")
PY
kill $SIPP 2>/dev/null || true
wait $SIPP 2>/dev/null || true
echo "work dir: $WORK"
