//! Connection settings (`[directory.ldap]`), the two storage modes, and the default search
//! filters.
//!
//! The default filters are written so that the same text works on Active Directory and on
//! OpenLDAP: a filter term naming an attribute or object class the server does not know
//! evaluates to *Undefined* on OpenLDAP, which is harmless inside an OR but would drop every
//! entry inside a NOT, so the defaults never negate a class that only one of them has.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::DirectoryError;

/// Where the CTI settings of an object live in the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// The schema is extended: every setting is its own `ectisrv3*` attribute (config: `"schema"`).
    #[default]
    Schema,
    /// The schema is not extended: every setting is one value `ectisrv3<Name>=<value>` of the
    /// multi-valued reserved attribute `extensionName` (config: `"reserved"`).
    Reserved,
}

impl Mode {
    /// Parses the configuration spelling: `"schema"` or `"reserved"` (case-insensitive).
    pub fn parse(text: &str) -> Result<Mode, DirectoryError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "schema" => Ok(Mode::Schema),
            "reserved" => Ok(Mode::Reserved),
            other => Err(DirectoryError::Config {
                message: format!("mode must be \"schema\" or \"reserved\", not \"{other}\""),
            }),
        }
    }

    /// The configuration spelling: `"schema"` or `"reserved"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Schema => "schema",
            Mode::Reserved => "reserved",
        }
    }
}

/// The three kinds of directory objects the CTI server reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A person who logs in (AD `user`, OpenLDAP `inetOrgPerson`).
    User,
    /// A group of users (AD `group`, OpenLDAP `groupOfNames` / `groupOfUniqueNames`).
    Group,
    /// A computer with phones beside it (AD `computer`).
    Computer,
}

impl ObjectKind {
    /// `"user"`, `"group"` or `"computer"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::User => "user",
            ObjectKind::Group => "group",
            ObjectKind::Computer => "computer",
        }
    }

    /// The auxiliary object class that carries this kind's `ectisrv3*` attributes in schema mode
    /// (added to an entry on write-back when the server says the attributes are not allowed).
    pub fn auxiliary_class(self) -> &'static str {
        match self {
            ObjectKind::User => "ectisrv3User",
            ObjectKind::Group => "ectisrv3Group",
            ObjectKind::Computer => "ectisrv3Computer",
        }
    }
}

/// Progress of [`read_directory`](crate::read_directory): how many entries of one kind have been
/// read so far. Reported after every page and once more when the kind is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The kind being read (users first, then groups, then computers).
    pub kind: ObjectKind,
    /// Entries of this kind received so far (including entries later skipped as unusable).
    pub read: usize,
    /// True on the last report for this kind.
    pub done: bool,
}

/// Default user filter in schema mode. Active Directory users are `objectCategory=person` plus
/// `objectClass=user` (computers are `objectClass=user` too, so the category matters); OpenLDAP
/// users are `inetOrgPerson`. Only users with `ectisrv3CTIEnabled=TRUE` are read.
pub const DEFAULT_USER_FILTER_SCHEMA: &str = "(&(|(&(objectCategory=person)(objectClass=user))(objectClass=inetOrgPerson))(ectisrv3CTIEnabled=TRUE))";
/// Default group filter in schema mode: AD `group`, or `groupOfNames` / `groupOfUniqueNames`,
/// with `ectisrv3CTIEnabled=TRUE`.
pub const DEFAULT_GROUP_FILTER_SCHEMA: &str = "(&(|(objectClass=group)(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))(ectisrv3CTIEnabled=TRUE))";
/// Default computer filter in schema mode: AD `computer` with `ectisrv3CTIEnabled=TRUE`.
pub const DEFAULT_COMPUTER_FILTER_SCHEMA: &str =
    "(&(objectClass=computer)(ectisrv3CTIEnabled=TRUE))";
/// Default user filter in reserved mode: as in schema mode, but the enable flag is the
/// `extensionName` value `ectisrv3CTIEnabled=TRUE` (or `=1`).
pub const DEFAULT_USER_FILTER_RESERVED: &str = "(&(|(&(objectCategory=person)(objectClass=user))(objectClass=inetOrgPerson))(|(extensionName=ectisrv3CTIEnabled=TRUE)(extensionName=ectisrv3CTIEnabled=1)))";
/// Default group filter in reserved mode.
pub const DEFAULT_GROUP_FILTER_RESERVED: &str = "(&(|(objectClass=group)(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))(|(extensionName=ectisrv3CTIEnabled=TRUE)(extensionName=ectisrv3CTIEnabled=1)))";
/// Default computer filter in reserved mode.
pub const DEFAULT_COMPUTER_FILTER_RESERVED: &str = "(&(objectClass=computer)(|(extensionName=ectisrv3CTIEnabled=TRUE)(extensionName=ectisrv3CTIEnabled=1)))";

/// Default page size for RFC 2696 paged results (Active Directory caps pages at 1000).
pub const DEFAULT_PAGE_SIZE: u32 = 500;
/// Default time limit for connecting and for each answer of the server.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How to reach and read the directory; the `[directory.ldap]` section of the configuration.
///
/// An empty filter means "the default for the mode" (see [`LdapSettings::user_filter_for_mode`]).
/// An empty `bind_dn` with an empty `bind_password` means an anonymous read; a `bind_dn` with an
/// empty password is refused (many servers would treat it as an *unauthenticated* bind that
/// "succeeds" without checking anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdapSettings {
    /// `ldap://host[:port]` (plain, or StartTLS when `starttls`) or `ldaps://host[:port]`.
    pub url: String,
    /// DN (or, on Active Directory, `user@domain` / `DOMAIN\user`) of the service account.
    pub bind_dn: String,
    /// Password of the service account.
    pub bind_password: String,
    /// Subtree searched for users, groups and computers, e.g. `DC=example,DC=com`.
    pub base_dn: String,
    /// LDAP filter selecting the users; empty = default for the mode.
    pub user_filter: String,
    /// LDAP filter selecting the groups; empty = default for the mode.
    pub group_filter: String,
    /// LDAP filter selecting the computers; empty = default for the mode.
    pub computer_filter: String,
    /// Schema extension or reserved field.
    pub mode: Mode,
    /// Entries per page (RFC 2696); 0 means [`DEFAULT_PAGE_SIZE`].
    pub page_size: u32,
    /// Time limit for the TCP/TLS connect and for each answer of the server.
    pub timeout: Duration,
    /// Verify the server certificate for `ldaps://` and StartTLS (against the system roots, or
    /// `tls_ca_file` when set). Turn off only for test servers with a self-signed certificate.
    pub tls_verify: bool,
    /// PEM file with the CA certificate(s) to trust instead of the system roots (for example the
    /// enterprise CA of an Active Directory domain). Only used when `tls_verify` is on.
    pub tls_ca_file: Option<PathBuf>,
    /// Upgrade an `ldap://` connection with StartTLS before binding.
    pub starttls: bool,
    /// Whether the CTI server may write its settings back (checked by the caller; the crate's
    /// [`write_back`](crate::write_back) refuses to run when it is off).
    pub write_back: bool,
}

impl Default for LdapSettings {
    fn default() -> Self {
        LdapSettings {
            url: String::new(),
            bind_dn: String::new(),
            bind_password: String::new(),
            base_dn: String::new(),
            user_filter: String::new(),
            group_filter: String::new(),
            computer_filter: String::new(),
            mode: Mode::Schema,
            page_size: DEFAULT_PAGE_SIZE,
            timeout: DEFAULT_TIMEOUT,
            tls_verify: true,
            tls_ca_file: None,
            starttls: false,
            write_back: false,
        }
    }
}

impl LdapSettings {
    /// Settings with the given server, account and base, everything else at its default.
    pub fn new(
        url: impl Into<String>,
        bind_dn: impl Into<String>,
        bind_password: impl Into<String>,
        base_dn: impl Into<String>,
    ) -> Self {
        LdapSettings {
            url: url.into(),
            bind_dn: bind_dn.into(),
            bind_password: bind_password.into(),
            base_dn: base_dn.into(),
            ..LdapSettings::default()
        }
    }

    /// The user filter in effect: `user_filter`, or the default for `mode` when it is empty.
    pub fn user_filter_for_mode(&self) -> &str {
        pick(
            &self.user_filter,
            self.mode,
            DEFAULT_USER_FILTER_SCHEMA,
            DEFAULT_USER_FILTER_RESERVED,
        )
    }

    /// The group filter in effect: `group_filter`, or the default for `mode` when it is empty.
    pub fn group_filter_for_mode(&self) -> &str {
        pick(
            &self.group_filter,
            self.mode,
            DEFAULT_GROUP_FILTER_SCHEMA,
            DEFAULT_GROUP_FILTER_RESERVED,
        )
    }

    /// The computer filter in effect: `computer_filter`, or the default for `mode` when empty.
    pub fn computer_filter_for_mode(&self) -> &str {
        pick(
            &self.computer_filter,
            self.mode,
            DEFAULT_COMPUTER_FILTER_SCHEMA,
            DEFAULT_COMPUTER_FILTER_RESERVED,
        )
    }

    /// The page size in effect (never 0, at most `i32::MAX`).
    pub fn effective_page_size(&self) -> i32 {
        if self.page_size == 0 {
            DEFAULT_PAGE_SIZE as i32
        } else {
            i32::try_from(self.page_size).unwrap_or(i32::MAX)
        }
    }

    /// Checks what can be checked without a server: the URL scheme and host, the base DN, the
    /// password rule, balanced parentheses in the filters.
    pub fn validate(&self) -> Result<(), DirectoryError> {
        let config = |message: String| Err(DirectoryError::Config { message });
        let url = self.url.trim();
        let lower = url.to_ascii_lowercase();
        let rest = if let Some(rest) = lower.strip_prefix("ldaps://") {
            if self.starttls {
                return config(format!(
                    "url {url}: StartTLS is for ldap:// URLs; ldaps:// is already encrypted"
                ));
            }
            rest
        } else if let Some(rest) = lower.strip_prefix("ldap://") {
            rest
        } else {
            return config(format!(
                "url \"{url}\" must start with ldap:// or ldaps:// (for example ldaps://dc1.example.com)"
            ));
        };
        let host = rest.split(['/', '?']).next().unwrap_or("");
        if host.is_empty() {
            return config(format!("url \"{url}\" names no server"));
        }
        if self.base_dn.trim().is_empty() {
            return config("base_dn is empty (for example DC=example,DC=com)".to_string());
        }
        if !self.bind_dn.trim().is_empty() && self.bind_password.is_empty() {
            return config(format!(
                "bind_password is empty for bind_dn \"{}\"; an empty password would be an unauthenticated bind",
                self.bind_dn
            ));
        }
        for (name, filter) in [
            ("user_filter", self.user_filter_for_mode()),
            ("group_filter", self.group_filter_for_mode()),
            ("computer_filter", self.computer_filter_for_mode()),
        ] {
            if !filter_looks_valid(filter) {
                return config(format!(
                    "{name} \"{filter}\" is not a valid LDAP filter (it must be enclosed in balanced parentheses)"
                ));
            }
        }
        if self.timeout.is_zero() {
            return config("timeout must be more than 0 seconds".to_string());
        }
        Ok(())
    }
}

fn pick<'a>(configured: &'a str, mode: Mode, schema: &'a str, reserved: &'a str) -> &'a str {
    if !configured.trim().is_empty() {
        configured.trim()
    } else if mode == Mode::Schema {
        schema
    } else {
        reserved
    }
}

/// A cheap sanity check (the server does the real parsing): enclosed in parentheses that balance,
/// ignoring `\28`-style escapes.
fn filter_looks_valid(filter: &str) -> bool {
    if !filter.starts_with('(') || !filter.ends_with(')') {
        return false;
    }
    let mut depth = 0i32;
    for c in filter.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> LdapSettings {
        LdapSettings::new("ldap://127.0.0.1:389", "cn=a,dc=x", "pw", "dc=x")
    }

    #[test]
    fn defaults_follow_the_mode() {
        let mut s = valid();
        assert_eq!(s.user_filter_for_mode(), DEFAULT_USER_FILTER_SCHEMA);
        s.mode = Mode::Reserved;
        assert_eq!(s.group_filter_for_mode(), DEFAULT_GROUP_FILTER_RESERVED);
        s.computer_filter = " (cn=pc*) ".into();
        assert_eq!(s.computer_filter_for_mode(), "(cn=pc*)");
        assert_eq!(s.effective_page_size(), 500);
        s.page_size = 0;
        assert_eq!(s.effective_page_size(), 500);
        s.page_size = u32::MAX;
        assert_eq!(s.effective_page_size(), i32::MAX);
    }

    #[test]
    fn validation_catches_config_mistakes() {
        assert!(valid().validate().is_ok());
        for (mutate, needle) in [
            (
                Box::new(|s: &mut LdapSettings| s.url = "http://x".into())
                    as Box<dyn Fn(&mut LdapSettings)>,
                "must start with",
            ),
            (
                Box::new(|s: &mut LdapSettings| s.url = "ldap://".into()),
                "names no server",
            ),
            (
                Box::new(|s: &mut LdapSettings| s.base_dn = " ".into()),
                "base_dn",
            ),
            (
                Box::new(|s: &mut LdapSettings| s.bind_password = String::new()),
                "unauthenticated",
            ),
            (
                Box::new(|s: &mut LdapSettings| s.user_filter = "(uid=x".into()),
                "user_filter",
            ),
            (
                Box::new(|s: &mut LdapSettings| s.group_filter = "cn=x".into()),
                "group_filter",
            ),
            (
                Box::new(|s: &mut LdapSettings| {
                    s.url = "ldaps://h".into();
                    s.starttls = true;
                }),
                "StartTLS",
            ),
            (
                Box::new(|s: &mut LdapSettings| s.timeout = Duration::ZERO),
                "timeout",
            ),
        ] {
            let mut s = valid();
            mutate(&mut s);
            let err = s.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{err} should mention {needle}");
        }
        let mut anonymous = valid();
        anonymous.bind_dn.clear();
        anonymous.bind_password.clear();
        assert!(anonymous.validate().is_ok());
    }

    #[test]
    fn mode_parses() {
        assert_eq!(Mode::parse("Schema").unwrap(), Mode::Schema);
        assert_eq!(Mode::parse("reserved").unwrap(), Mode::Reserved);
        assert!(Mode::parse("both").is_err());
        assert_eq!(Mode::Reserved.as_str(), "reserved");
    }
}
