#!/bin/bash
# Starts a throwaway slapd with the callboard test schema for manual experiments (the Rust tests do the
# same by themselves, see crates/directory/tests/common/mod.rs).
#   start_slapd.sh [schema|reserved|FILE.ldif]   -> ldap://127.0.0.1:${LDAP_PORT:-3389}, ldaps://127.0.0.1:${LDAPS_PORT:-6636}
# Runs in a new temp dir (printed), loads the data online with ldapadd (memberOf filled), prints the PID.
# Service account: cn=sync,dc=test,dc=local / syncpw (500-entry size limit, may write); rootdn cn=admin / secret.
# Stop: kill <pid>.  Needs slapd, ldap-utils, openssl.
set -e
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA=${1:-schema}
case "$DATA" in
  schema) DATA="$HERE/data-schema.ldif" ;;
  reserved) DATA="$HERE/data-reserved.ldif" ;;
esac
P=${LDAP_PORT:-3389}; PS=${LDAPS_PORT:-6636}
D=$(mktemp -d /tmp/callboard-slapd-XXXXXX)
cp "$HERE/ectisrv3.schema" "$D/"
sed "s#@DIR@#$D#g" "$HERE/slapd.conf" > "$D/slapd.conf"
mkdir "$D/db"
# a CA and a server certificate signed by it (rustls refuses a self-signed server cert as its own CA)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/ca-key.pem" -out "$D/ca.pem" -days 30 \
  -subj "/CN=callboard test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$D/key.pem" -out "$D/cert.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' > "$D/ext.cnf"
openssl x509 -req -in "$D/cert.csr" -CA "$D/ca.pem" -CAkey "$D/ca-key.pem" -CAcreateserial \
  -out "$D/cert.pem" -days 30 -extfile "$D/ext.cnf" 2>/dev/null
slapd -f "$D/slapd.conf" -h "ldap://127.0.0.1:$P/ ldaps://127.0.0.1:$PS/" -d 0 > "$D/slapd.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do ldapsearch -x -H "ldap://127.0.0.1:$P" -b "" -s base namingContexts >/dev/null 2>&1 && break; sleep 0.05; done
ldapadd -x -H "ldap://127.0.0.1:$P" -D "cn=admin,dc=test,dc=local" -w secret -f "$DATA" > /dev/null
echo "slapd pid=$PID dir=$D ldap://127.0.0.1:$P ldaps://127.0.0.1:$PS (CA: $D/ca.pem)"
