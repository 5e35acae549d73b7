//! A throwaway OpenLDAP slapd for the directory tests (and the `sync_bench` example): a temp dir
//! with the test schema, a config, a CA and a server certificate made with rcgen, listeners on
//! free loopback ports (ldap:// and ldaps://), data loaded online with `ldapadd` (so the memberof
//! overlay fills `memberOf`) or offline with `slapadd` (fast, no `memberOf`). Killed on drop.
//!
//! The files come from `tests/peers/ldap/` at the repository root and are compiled in, so a test
//! never reads anything outside its temp dir at run time.
//!
//! When slapd is not installed the tests say SKIPPED and pass, unless
//! `CALLBOARD_TEST_REQUIRE_SLAPD=1` (then a missing slapd is a failure). Install with
//! `echo "slapd slapd/no_configuration boolean true" | debconf-set-selections` and
//! `apt-get install -y --no-install-recommends slapd ldap-utils`.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use callboard_directory::{LdapSettings, Mode};

/// The test schema (ectisrv3* auxiliary classes plus AD look-alike attributes).
pub const SCHEMA: &str = include_str!("../../../../tests/peers/ldap/ectisrv3.schema");
/// slapd.conf with `@DIR@` for the server's directory.
pub const SLAPD_CONF: &str = include_str!("../../../../tests/peers/ldap/slapd.conf");
/// Schema-mode data: alice (everything), bob (CTI off), carol (no ectisrv3 class), dave (uid
/// only), groups cti-users / admins, computers PC01 / PC02.
pub const DATA_SCHEMA: &str = include_str!("../../../../tests/peers/ldap/data-schema.ldif");
/// The same people in reserved mode (settings inside extensionName).
pub const DATA_RESERVED: &str = include_str!("../../../../tests/peers/ldap/data-reserved.ldif");

/// Suffix of the test tree.
pub const BASE: &str = "dc=test,dc=local";
/// The rootdn (exempt from size limits; used only to load and to check with ldapsearch).
pub const ADMIN_DN: &str = "cn=admin,dc=test,dc=local";
/// Password of the rootdn.
pub const ADMIN_PW: &str = "secret";
/// The CTI server's service account (subject to the 500-entry size limit, may write).
pub const SYNC_DN: &str = "cn=sync,dc=test,dc=local";
/// Its password.
pub const SYNC_PW: &str = "syncpw";

/// A running slapd; killed (and its directory removed) on drop.
pub struct Slapd {
    dir: tempfile::TempDir,
    child: Child,
    /// `ldap://127.0.0.1:<port>`
    pub ldap_url: String,
    /// `ldaps://127.0.0.1:<port>`
    pub ldaps_url: String,
}

/// True when slapd and the ldap-utils are installed; otherwise says SKIPPED (or panics when
/// `CALLBOARD_TEST_REQUIRE_SLAPD=1`).
pub fn slapd_available(test: &str) -> bool {
    let found = [
        "/usr/sbin/slapd",
        "/usr/sbin/slapadd",
        "/usr/bin/ldapadd",
        "/usr/bin/ldapsearch",
    ]
    .iter()
    .all(|p| Path::new(p).exists());
    if !found {
        if std::env::var("CALLBOARD_TEST_REQUIRE_SLAPD").is_ok_and(|v| v == "1") {
            panic!(
                "{test}: slapd / ldap-utils are not installed but CALLBOARD_TEST_REQUIRE_SLAPD=1"
            );
        }
        eprintln!(
            "SKIPPED {test}: slapd / ldap-utils not installed (apt-get install slapd ldap-utils)"
        );
    }
    found
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind an ephemeral port")
        .local_addr()
        .expect("local addr")
        .port()
}

impl Slapd {
    /// Starts slapd and loads `ldif` online with `ldapadd` (memberOf is filled).
    /// None (after SKIPPED) when slapd is not installed.
    pub async fn start(test: &str, ldif: &str) -> Option<Slapd> {
        if !slapd_available(test) {
            return None;
        }
        let slapd = Slapd::launch(None);
        slapd.wait_ready().await;
        let file = slapd.dir.path().join("data.ldif");
        std::fs::write(&file, ldif).expect("write ldif");
        slapd
            .ldap_tool("ldapadd", &["-f", file.to_str().unwrap()])
            .await;
        Some(slapd)
    }

    /// Loads `ldif` offline with `slapadd` (much faster; no memberOf), then starts slapd.
    pub async fn start_offline(test: &str, ldif_path: &Path) -> Option<Slapd> {
        if !slapd_available(test) {
            return None;
        }
        let slapd = Slapd::launch(Some(ldif_path));
        slapd.wait_ready().await;
        Some(slapd)
    }

    fn launch(offline_ldif: Option<&Path>) -> Slapd {
        let dir = tempfile::Builder::new()
            .prefix("callboard-slapd-")
            .tempdir()
            .expect("temp dir");
        let d = dir.path();
        std::fs::create_dir(d.join("db")).expect("db dir");
        std::fs::write(d.join("ectisrv3.schema"), SCHEMA).expect("schema");
        let conf = SLAPD_CONF.replace("@DIR@", d.to_str().expect("utf-8 temp path"));
        std::fs::write(d.join("slapd.conf"), conf).expect("conf");
        write_certificates(d);
        if let Some(ldif) = offline_ldif {
            let out = Command::new("/usr/sbin/slapadd")
                .args(["-q", "-f"])
                .arg(d.join("slapd.conf"))
                .arg("-l")
                .arg(ldif)
                .output()
                .expect("run slapadd");
            assert!(
                out.status.success(),
                "slapadd failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let ldap_port = free_port();
        let mut ldaps_port = free_port();
        while ldaps_port == ldap_port {
            ldaps_port = free_port();
        }
        let ldap_url = format!("ldap://127.0.0.1:{ldap_port}");
        let ldaps_url = format!("ldaps://127.0.0.1:{ldaps_port}");
        let log = std::fs::File::create(d.join("slapd.log")).expect("log file");
        let child = Command::new("/usr/sbin/slapd")
            .arg("-f")
            .arg(d.join("slapd.conf"))
            .arg("-h")
            .arg(format!("{ldap_url}/ {ldaps_url}/"))
            .args(["-d", "0"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start slapd");
        Slapd {
            dir,
            child,
            ldap_url,
            ldaps_url,
        }
    }

    async fn wait_ready(&self) {
        let addr = self.ldap_url.trim_start_matches("ldap://").to_string();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if tokio::net::TcpStream::connect(&addr).await.is_ok() {
                return;
            }
            if Instant::now() > deadline {
                panic!("slapd did not start: {}", self.log());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The server's log (stderr of `slapd -d 0`).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("slapd.log")).unwrap_or_default()
    }

    /// The temp dir of this server.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// PEM file of the CA that signed the server certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Settings for the service account on the plain ldap:// port.
    pub fn settings(&self, mode: Mode) -> LdapSettings {
        let mut s = LdapSettings::new(&self.ldap_url, SYNC_DN, SYNC_PW, BASE);
        s.mode = mode;
        s.timeout = Duration::from_secs(10);
        s.write_back = true;
        s
    }

    /// Runs an ldap-utils tool as the rootdn against this server; panics on failure.
    pub async fn ldap_tool(&self, tool: &str, args: &[&str]) -> String {
        let out = self.ldap_tool_as(tool, ADMIN_DN, ADMIN_PW, args).await;
        assert!(
            out.status.success(),
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs an ldap-utils tool with the given identity; returns its output whatever the status.
    pub async fn ldap_tool_as(
        &self,
        tool: &str,
        dn: &str,
        pw: &str,
        args: &[&str],
    ) -> std::process::Output {
        tokio::process::Command::new(format!("/usr/bin/{tool}"))
            .args(["-x", "-H", &self.ldap_url, "-D", dn, "-w", pw])
            .args(args)
            .output()
            .await
            .expect("run ldap tool")
    }

    /// `ldapsearch -LLL` as the rootdn, base scope on `dn`, unwrapped lines.
    pub async fn read_attrs(&self, dn: &str, attrs: &[&str]) -> String {
        let mut args = vec![
            "-LLL",
            "-o",
            "ldif-wrap=no",
            "-s",
            "base",
            "-b",
            dn,
            "(objectClass=*)",
        ];
        args.extend_from_slice(attrs);
        self.ldap_tool("ldapsearch", &args).await
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes ca.pem, cert.pem (for 127.0.0.1 and localhost, signed by the CA) and key.pem.
fn write_certificates(dir: &Path) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "callboard test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("ca key"))
        .expect("ca cert");
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("server params");
    params
        .distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let key = KeyPair::generate().expect("server key");
    let cert = params.signed_by(&key, &ca).expect("server cert");
    std::fs::write(dir.join("ca.pem"), ca.pem()).expect("ca.pem");
    std::fs::write(dir.join("cert.pem"), cert.pem()).expect("cert.pem");
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).expect("key.pem");
}

/// LDIF for `count` generated CTI users `u000000…` under `ou=people` (plus, when `with_tree`, the
/// suffix, the service account and the OUs), every second one in reserved style too.
pub fn generated_users(count: usize, with_tree: bool) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(count * 900 + 1024);
    if with_tree {
        out.push_str(&tree_ldif());
    }
    for i in 0..count {
        let _ = write!(
            out,
            "dn: uid=u{i:06},ou=people,dc=test,dc=local\n\
             objectClass: inetOrgPerson\n\
             objectClass: ectisrv3User\n\
             objectClass: adCompatObject\n\
             uid: u{i:06}\n\
             sAMAccountName: u{i:06}\n\
             userPrincipalName: u{i:06}@test.local\n\
             cn: User {i}\n\
             sn: Number{i}\n\
             givenName: User\n\
             displayName: User Number {i}\n\
             mail: u{i:06}@test.local\n\
             telephoneNumber: +4930{i:07}\n\
             mobile: +49170{i:07}\n\
             title: Agent\n\
             l: Berlin\n\
             ectisrv3CTIEnabled: TRUE\n\
             ectisrv3SchemaVersion: 6\n\
             ectisrv3CTIPhonePrimary: {i}\n\
             ectisrv3CTILines: {a}§{b}\n\
             ectisrv3CTILinesPermissions: 2100\n\
             ectisrv3CTIServices: 776\n\
             ectisrv3CTIServices2: 6\n\
             ectisrv3UserPermissions: u{b:06};0x00000003;0x00000203;0x00000000\n\
             extensionName: ectisrv3CTIEnabled=TRUE\n\
             extensionName: ectisrv3CTIServices=776\n\n",
            a = i + 1,
            b = (i + 2) % count.max(1),
        );
    }
    out
}

/// The suffix, the service account and the three OUs.
pub fn tree_ldif() -> String {
    "dn: dc=test,dc=local\nobjectClass: dcObject\nobjectClass: organization\no: Test\ndc: test\n\n\
     dn: cn=sync,dc=test,dc=local\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: sync\nuserPassword: syncpw\n\n\
     dn: ou=people,dc=test,dc=local\nobjectClass: organizationalUnit\nou: people\n\n\
     dn: ou=groups,dc=test,dc=local\nobjectClass: organizationalUnit\nou: groups\n\n\
     dn: ou=computers,dc=test,dc=local\nobjectClass: organizationalUnit\nou: computers\n\n"
        .to_string()
}
