#!/bin/bash
# Manual check of crates/directory against Active Directory: a throwaway Samba AD DC (realm TEST.LOCAL)
# in a network namespace that has ONLY loopback (nothing Samba does can leave the machine), reached from
# the host through socat bridges on 127.0.0.1:3891 (LDAP) and 127.0.0.1:3637 (LDAPS).
# Adapted from the shared recipe (REAL-PEERS.md §3); adds the full ectisrv3 schema (ad-schema-*.ldif
# beside this file) and CTI test data in BOTH modes on the same objects:
#   alice  CTI on (attributes and extensionName), proxyAddresses SMTP:, foreign extensionName value
#   bob    CTI off
#   group  cti-users (alice, bob, and BULK generated users -> AD returns member;range=0-1499)
#   PC01   computer, CTI on
# Needs root and: samba samba-ad-dc samba-ad-provision samba-dsdb-modules winbind krb5-user ldb-tools
#                 ldap-utils socat
# Usage: run_samba_ad.sh start | stop        (BULK=1600 by default; BULK=0 for a quick start)
set -e
NS=adtest
T=/tmp/samba-ad
HERE="$(cd "$(dirname "$0")" && pwd)"
X="ip netns exec $NS"
BULK=${BULK:-1600}
ADMIN=(-D 'Administrator@test.local' -w 'Passw0rd!Test')
stop() {
  [ -f $T/bridge.pid ] && kill "$(cat $T/bridge.pid)" 2>/dev/null || true
  [ -f $T/bridge636.pid ] && kill "$(cat $T/bridge636.pid)" 2>/dev/null || true
  [ -f $T/samba.job.pid ] && kill -TERM "$(cat $T/samba.job.pid)" 2>/dev/null || true
  for _ in $(seq 1 50); do [ -z "$(ip netns pids $NS 2>/dev/null)" ] && break; sleep 0.1; done
}
if [ "$1" = stop ]; then stop; ip netns del $NS 2>/dev/null || true; rm -rf /etc/netns/$NS; exit 0; fi
[ "$1" = start ] || { echo "usage: $0 start|stop"; exit 2; }

stop
ip netns list | grep -qw $NS || ip netns add $NS
$X ip link set lo up
mkdir -p /etc/netns/$NS
printf 'nameserver 127.0.0.1\n' > /etc/netns/$NS/resolv.conf
printf '127.0.0.1 localhost\n127.0.0.1 dc1.test.local dc1\n' > /etc/netns/$NS/hosts

rm -rf $T
$X samba-tool domain provision --realm=TEST.LOCAL --domain=TEST --server-role=dc \
   --dns-backend=SAMBA_INTERNAL --use-rfc2307 --adminpass='Passw0rd!Test' \
   --host-name=dc1 --host-ip=127.0.0.1 --targetdir=$T \
   --option="interfaces=lo" --option="bind interfaces only=yes" --option="dns forwarder = 127.0.0.1" > $T.provision.log 2>&1
sed -i -e '/^\tlog file = /d' -e 's#^\tidmap_ldb:use rfc2307 = yes#&\n\tldap server require strong auth = no\n\tpid directory = '$T'/run\n\tncalrpc dir = '$T'/ncalrpc\n\twinbindd socket directory = '$T'/winbindd\n\tlog file = '$T'/log.%m#' $T/etc/smb.conf
mkdir -p $T/run $T/ncalrpc $T/winbindd $T/cache
$X samba -s $T/etc/smb.conf -i > $T/samba.log 2>&1 &
echo $! > $T/samba.job.pid
for _ in $(seq 1 300); do $X ldapsearch -x -H ldap://127.0.0.1 -b "" -s base defaultNamingContext >/dev/null 2>&1 && break; sleep 0.1; done

C="-s $T/etc/smb.conf"
$X samba-tool user create alice 'Passw0rd!A' --given-name=Alice --surname=Anders --mail-address=alice@test.local --telephone-number=+49301234101 $C >/dev/null
$X samba-tool user create bob   'Passw0rd!B' --given-name=Bob --surname=Berg --telephone-number=1002 $C >/dev/null
$X samba-tool user create cti-sync 'Passw0rd!S' $C >/dev/null
$X samba-tool group add cti-users $C >/dev/null
$X samba-tool group addmembers cti-users alice,bob $C >/dev/null
$X samba-tool computer create PC01 $C >/dev/null
for f in ad-schema-1-attrs.ldif ad-schema-2-classes.ldif ad-schema-3-aux.ldif; do
  $X ldbmodify -H $T/private/sam.ldb --option="dsdb:schema update allowed=true" "$HERE/$f" >/dev/null
done

socat TCP-LISTEN:3891,bind=127.0.0.1,reuseaddr,fork EXEC:"ip netns exec $NS socat STDIO TCP\:127.0.0.1\:389" > $T/bridge.log 2>&1 &
echo $! > $T/bridge.pid
socat TCP-LISTEN:3637,bind=127.0.0.1,reuseaddr,fork EXEC:"ip netns exec $NS socat STDIO TCP\:127.0.0.1\:636" > $T/bridge636.log 2>&1 &
echo $! > $T/bridge636.pid
sleep 0.3

ldapmodify -x -H ldap://127.0.0.1:3891 "${ADMIN[@]}" >/dev/null <<'LDIF'
dn: CN=Alice Anders,CN=Users,DC=test,DC=local
changetype: modify
replace: ectisrv3CTIEnabled
ectisrv3CTIEnabled: TRUE
-
replace: ectisrv3CTIServices
ectisrv3CTIServices: 776
-
replace: ectisrv3CTILines
ectisrv3CTILines: 201§202
-
replace: ectisrv3UserPermissions
ectisrv3UserPermissions: bob;0x00000003;0x00000203;0x00000000
ectisrv3UserPermissions: dave;0x00000001;0x00000000;0x00000000
-
replace: ectisrv3CTIPhonePrimary
ectisrv3CTIPhonePrimary: 101
-
replace: extensionName
extensionName: otherapp:setting=1
extensionName: ectisrv3CTIEnabled=TRUE
extensionName: ectisrv3CTIServices=776
extensionName: ectisrv3CTILines=201§202
extensionName: ectisrv3CTIPhonePrimary=101
-
replace: proxyAddresses
proxyAddresses: SMTP:alice@test.local
-
replace: company
company: Example GmbH
-

dn: CN=Bob Berg,CN=Users,DC=test,DC=local
changetype: modify
replace: ectisrv3CTIEnabled
ectisrv3CTIEnabled: FALSE
-
replace: extensionName
extensionName: ectisrv3CTIEnabled=FALSE
-

dn: CN=cti-users,CN=Users,DC=test,DC=local
changetype: modify
replace: ectisrv3CTIEnabled
ectisrv3CTIEnabled: TRUE
-
replace: ectisrv3CTIServices
ectisrv3CTIServices: 4096
-
replace: extensionName
extensionName: ectisrv3CTIEnabled=TRUE
extensionName: ectisrv3CTIServices=4096
-

dn: CN=PC01,CN=Computers,DC=test,DC=local
changetype: modify
replace: ectisrv3CTIEnabled
ectisrv3CTIEnabled: TRUE
-
replace: ectisrv3CTIPhonePrimary
ectisrv3CTIPhonePrimary: 301
-
replace: extensionName
extensionName: ectisrv3CTIEnabled=TRUE
extensionName: ectisrv3CTIPhonePrimary=301
-
LDIF

if [ "$BULK" -gt 0 ]; then
  # BULK CTI users (account disabled, no password) for paging (AD MaxPageSize 1000) and all of them in
  # cti-users, so that 'member' comes back in ranges of 1500
  L=$T/bulk.ldif; : > $L
  for i in $(seq 1 "$BULK"); do
    printf 'dn: CN=bulk%05d,CN=Users,DC=test,DC=local\nobjectClass: user\nsAMAccountName: bulk%05d\nectisrv3CTIEnabled: TRUE\nextensionName: ectisrv3CTIEnabled=TRUE\n\n' "$i" "$i" >> $L
  done
  ldapadd -x -H ldap://127.0.0.1:3891 "${ADMIN[@]}" -f $L > /dev/null
  { printf 'dn: CN=cti-users,CN=Users,DC=test,DC=local\nchangetype: modify\nadd: member\n'
    for i in $(seq 1 "$BULK"); do printf 'member: CN=bulk%05d,CN=Users,DC=test,DC=local\n' "$i"; done
    printf -- '-\n'; } > $T/bulk-members.ldif
  ldapmodify -x -H ldap://127.0.0.1:3891 "${ADMIN[@]}" -f $T/bulk-members.ldif > /dev/null
fi
echo "Samba AD up: ldap://127.0.0.1:3891, ldaps://127.0.0.1:3637 (Administrator@test.local / Passw0rd!Test)"
