//! The configuration file (`callboard.toml`) and its environment overrides.
//!
//! Everything has a built-in default. A TOML file (`--config`, else `./callboard.toml` when
//! present) overrides the defaults, and environment variables named
//! `CALLBOARD_<SECTION>__<KEY>` override the file. Problems are collected, one per key, each
//! naming the key and where its value came from, instead of stopping at the first.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use callboard_core::Mac;
use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Value};
use figment::{Figment, Provider};
use serde::{Deserialize, Serialize};

/// The prefix of environment overrides.
pub const ENV_PREFIX: &str = "CALLBOARD_";

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The SIP side: registrar listeners and phone settings.
    pub sip: SipConfig,
    /// TLS certificate used by every TLS listener.
    pub tls: TlsConfig,
    /// Logging.
    pub log: LogConfig,
    /// The database.
    pub store: StoreConfig,
    /// The CSTA XML client interface.
    pub cti: CtiConfig,
    /// The demo switch (simulated lines).
    pub demo: DemoConfig,
    /// Where users, groups and computers come from, and login policy.
    pub directory: DirectoryConfig,
    /// Location rules for telephone numbers.
    pub numbers: NumbersConfig,
}

/// `[directory]`: the user source (DIR5) and the login policy (DIR4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DirectoryConfig {
    /// `internal` (the store) or `ldap` (synchronised from LDAP / Active Directory).
    pub source: String,
    /// Failed logins in a row before an account is locked.
    pub max_failed_logins: u32,
    /// How long a locked account stays locked, in seconds.
    pub lockout_seconds: u32,
    /// argon2id memory cost of password hashes, in KiB.
    pub argon2_memory_kib: u32,
    /// argon2id iterations.
    pub argon2_iterations: u32,
    /// `[directory.ldap]`: the LDAP / Active Directory server.
    pub ldap: LdapConfig,
}

impl Default for DirectoryConfig {
    fn default() -> Self {
        DirectoryConfig {
            source: "internal".into(),
            max_failed_logins: 5,
            lockout_seconds: 900,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            ldap: LdapConfig::default(),
        }
    }
}

/// `[directory.ldap]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LdapConfig {
    /// `ldap://host:389` or `ldaps://host:636`.
    pub url: String,
    /// DN (or AD user principal) to bind with.
    pub bind_dn: String,
    /// Its password.
    pub bind_password: String,
    /// Where users, groups and computers are searched.
    pub base_dn: String,
    /// LDAP filter of the users to take; empty: the mode's default.
    pub user_filter: String,
    /// LDAP filter of the groups to take; empty: the mode's default.
    pub group_filter: String,
    /// LDAP filter of the computers to take; empty: the mode's default.
    pub computer_filter: String,
    /// `schema` (ectisrv3* attributes) or `reserved` (everything in `extensionName`).
    pub mode: String,
    /// Seconds between automatic synchronisations; 0: only `callboard directory sync`.
    pub sync_interval_seconds: u32,
    /// Write each user's SIP address back to the directory (`proxyAddresses`).
    pub write_back: bool,
    /// Verify the server's TLS certificate (ldaps://).
    pub tls_verify: bool,
    /// Entries per page of paged searches.
    pub page_size: u32,
}

impl Default for LdapConfig {
    fn default() -> Self {
        LdapConfig {
            url: String::new(),
            bind_dn: String::new(),
            bind_password: String::new(),
            base_dn: String::new(),
            user_filter: String::new(),
            group_filter: String::new(),
            computer_filter: String::new(),
            mode: "schema".into(),
            sync_interval_seconds: 3600,
            write_back: false,
            tls_verify: true,
            page_size: 500,
        }
    }
}

/// `[numbers]`: location rules for telephone numbers (NUM1–NUM2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NumbersConfig {
    /// Country code of this location, without `+` (e.g. `49`).
    pub country_code: String,
    /// Area code of this location, without national prefix (e.g. `30`).
    pub area_code: String,
    /// Prefix for international calls (e.g. `00`).
    pub international_prefix: String,
    /// Prefix for national calls (e.g. `0`).
    pub national_prefix: String,
    /// Code to get an outside line from the PBX (e.g. `0`; `""` when none).
    pub external_access_code: String,
    /// Numbers up to this many digits are internal extensions.
    pub extension_length: u32,
    /// Bind lines to users whose numbers match them (NUM2); per user it can be switched off
    /// for each business number.
    pub auto_line_binding: bool,
    /// The PBX's own number, to which extensions are appended for the public number (direct
    /// dial-in): `123456` makes extension `201` the number `+4930123456201`. `""`: unknown.
    pub base_number: String,
}

impl NumbersConfig {
    /// The location rules of this configuration.
    pub fn rules(&self) -> callboard_core::numbers::LocationRules {
        callboard_core::numbers::LocationRules {
            country_code: self.country_code.clone(),
            area_code: self.area_code.clone(),
            international_prefix: self.international_prefix.clone(),
            national_prefix: self.national_prefix.clone(),
            external_access_code: self.external_access_code.clone(),
            extension_length: self.extension_length as usize,
            auto_line_binding: self.auto_line_binding,
            base_number: self.base_number.clone(),
        }
    }
}

impl Default for NumbersConfig {
    fn default() -> Self {
        NumbersConfig {
            country_code: "49".into(),
            area_code: "30".into(),
            international_prefix: "00".into(),
            national_prefix: "0".into(),
            external_access_code: "0".into(),
            extension_length: 3,
            auto_line_binding: true,
            base_number: String::new(),
        }
    }
}

/// `[cti]`: the CSTA XML client listener (CL2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CtiConfig {
    /// Listener for CSTA XML over TCP; `""` disables it.
    pub tcp_listen: String,
    /// Listener for CSTA XML over TLS; `""` (default) disables it.
    pub tls_listen: String,
    /// How long a disconnected client session is kept for resuming, in seconds.
    pub session_retention_seconds: u32,
    /// Most events a resuming session may have missed; beyond that it must snapshot.
    pub session_retention_events: u32,
    /// ECMA-323 edition of what the server sends: `ed3`, `ed4`, `ed5` or `ed6`.
    pub edition: String,
    /// Events queued per client before a client that does not read is cut off.
    pub client_queue: u32,
    /// Most simultaneous client connections per listener.
    pub max_connections: usize,
    /// Client accounts (`[[cti.accounts]]` with `name` and `password`).
    pub accounts: Vec<CtiAccount>,
}

impl Default for CtiConfig {
    fn default() -> Self {
        CtiConfig {
            tcp_listen: "0.0.0.0:1040".into(),
            tls_listen: String::new(),
            session_retention_seconds: 120,
            session_retention_events: 10_000,
            edition: "ed5".into(),
            client_queue: 10_000,
            max_connections: 20_000,
            accounts: Vec::new(),
        }
    }
}

/// One client account of `[[cti.accounts]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CtiAccount {
    /// Login name.
    pub name: String,
    /// Password.
    pub password: String,
}

/// `[demo]`: the built-in simulated switch (`serve --demo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DemoConfig {
    /// Run the simulator (also switched on by `serve --demo`).
    pub enabled: bool,
    /// Simulated line numbers, e.g. `"201-210"` or `"201,205,300-302"`.
    pub lines: String,
    /// Calls the simulated lines make per minute (0: only calls that clients make).
    pub calls_per_minute: f64,
    /// Seed of the simulator's random choices; the same seed gives the same calls.
    pub seed: u64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            enabled: false,
            lines: "201-210".into(),
            calls_per_minute: 6.0,
            seed: 1,
        }
    }
}

/// `[sip]`: the registrar for desk phones (PH1–PH4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SipConfig {
    /// LAN listener for SIP over TCP; `""` disables it.
    pub tcp_listen: String,
    /// LAN listener for SIP over TLS; `""` disables it.
    pub tls_listen: String,
    /// WAN listener for SIP over TCP; `""` (default) disables it.
    pub wan_tcp_listen: String,
    /// WAN listener for SIP over TLS; `""` (default) disables it.
    pub wan_tls_listen: String,
    /// Public `host:port` advertised (Via, Contact) on the WAN listeners.
    pub wan_address: String,
    /// Password every phone uses with its MAC address as digest user name.
    pub phone_password: String,
    /// Digest realm offered to phones.
    pub realm: String,
    /// Digest algorithms offered in a 401, most preferred first (`MD5`, `SHA-256`).
    #[serde(deserialize_with = "list_or_comma_separated")]
    pub digest_algorithms: Vec<String>,
    /// Take unknown phones into service at their first registration.
    pub auto_commission: bool,
    /// Registration expiry granted to phones, in seconds (the most a phone gets).
    pub expires: u32,
    /// Interval of the CSTA keepalive (`RequestSystemStatus`), in seconds.
    pub keepalive: u32,
    /// Time a phone gets to answer a CSTA request, in seconds.
    pub request_timeout: u32,
    /// A connection that has not registered within this many seconds is closed.
    pub idle_timeout: u32,
    /// A message that has begun must be complete within this many seconds.
    pub message_timeout: u32,
    /// Most simultaneous phone connections per listener.
    pub max_connections: usize,
    /// Largest SIP header block accepted, in bytes.
    pub max_header_bytes: usize,
    /// Largest SIP body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for SipConfig {
    fn default() -> Self {
        SipConfig {
            tcp_listen: "0.0.0.0:5060".into(),
            tls_listen: "0.0.0.0:5061".into(),
            wan_tcp_listen: String::new(),
            wan_tls_listen: String::new(),
            wan_address: String::new(),
            phone_password: String::new(),
            realm: "callboard".into(),
            digest_algorithms: vec!["MD5".into()],
            auto_commission: true,
            expires: 3600,
            keepalive: 60,
            request_timeout: 10,
            idle_timeout: 60,
            message_timeout: 10,
            max_connections: 10_000,
            max_header_bytes: 16 * 1024,
            max_body_bytes: 64 * 1024,
        }
    }
}

/// `[tls]`: the certificate of the TLS listeners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM certificate chain; `""` uses a self-signed one generated into `<data dir>/tls/`.
    pub cert: String,
    /// PEM private key matching `cert`.
    pub key: String,
}

/// `[log]`: diagnostics (ADM4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `error`, `warn`, `info`, `debug`, `trace`, or a tracing filter like `info,callboard_phones=debug`.
    pub level: String,
    /// Directory of the log files; `""` logs to standard error.
    pub dir: String,
    /// A log file is rotated when it grows beyond this many MB.
    pub max_file_mb: u64,
    /// Log files kept (the current one included).
    pub max_files: u32,
    /// Delete the log files once a day (at midnight UTC).
    pub delete_daily: bool,
    /// Only log phone-related messages of these MAC addresses (empty: all phones).
    #[serde(deserialize_with = "list_or_comma_separated")]
    pub mac_filter: Vec<String>,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".into(),
            dir: String::new(),
            max_file_mb: 10,
            max_files: 5,
            delete_daily: false,
            mac_filter: Vec::new(),
        }
    }
}

/// `[store]`: the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST:PORT/DATABASE`; `""` means
    /// `sqlite://<data dir>/callboard.db`.
    pub url: String,
}

/// Accepts `["A", "B"]` or `"A, B"` (the form an environment variable naturally has).
fn list_or_comma_separated<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrText {
        List(Vec<String>),
        Text(String),
    }
    Ok(match ListOrText::deserialize(deserializer)? {
        ListOrText::List(list) => list,
        ListOrText::Text(text) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// One problem with one configuration key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// The key, as `section.key`.
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// Where the value came from (file or environment variable).
    pub origin: Option<String>,
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)?;
        if let Some(origin) = &self.origin {
            write!(f, " (from {origin})")?;
        }
        Ok(())
    }
}

/// All problems found while loading the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigIssue>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration ({} problem(s)):", self.0.len())?;
        for issue in &self.0 {
            writeln!(f, "  {issue}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The configuration.
    pub config: Config,
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// Things worth telling that are not errors (e.g. no phone password set).
    pub warnings: Vec<String>,
}

/// The environment variable that overrides `section.key`.
pub fn env_var_name(key: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        key.replace('.', "__").to_ascii_uppercase()
    )
}

impl Config {
    /// Loads defaults, then `explicit_file` (which must exist) or `./callboard.toml` (when
    /// present), then `CALLBOARD_*` environment variables from `env`.
    pub fn load(
        explicit_file: Option<&Path>,
        env: &BTreeMap<String, String>,
    ) -> Result<Loaded, ConfigErrors> {
        let file = match explicit_file {
            Some(path) if !path.exists() => {
                return Err(ConfigErrors(vec![ConfigIssue {
                    key: "--config".into(),
                    message: format!("{} does not exist", path.display()),
                    origin: None,
                }]));
            }
            Some(path) => Some(path.to_path_buf()),
            None => Some(PathBuf::from("callboard.toml")).filter(|p| p.exists()),
        };
        let text = match &file {
            Some(path) => std::fs::read_to_string(path).map_err(|e| {
                ConfigErrors(vec![ConfigIssue {
                    key: "--config".into(),
                    message: format!("cannot read {}: {e}", path.display()),
                    origin: None,
                }])
            })?,
            None => String::new(),
        };
        let origin = file
            .as_ref()
            .map_or_else(|| "built-in".to_owned(), |p| p.display().to_string());
        let config = Self::from_sources(&text, &origin, env)?;
        let warnings = config.warnings();
        Ok(Loaded {
            config,
            file,
            warnings,
        })
    }

    /// Builds the configuration from TOML text (named `origin` in messages) and environment
    /// overrides, reporting every bad key.
    pub fn from_sources(
        toml_text: &str,
        origin: &str,
        env: &BTreeMap<String, String>,
    ) -> Result<Config, ConfigErrors> {
        let mut issues = Vec::new();
        if let Err(error) = toml_text.parse::<toml::Table>() {
            issues.push(ConfigIssue {
                key: "(file)".into(),
                message: format!("not valid TOML: {}", error.to_string().trim()),
                origin: Some(origin.to_owned()),
            });
            return Err(ConfigErrors(issues));
        }
        let defaults = Serialized::defaults(Config::default());
        let known: BTreeMap<String, Value> = defaults
            .data()
            .map(|d| d.into_values().flat_map(flatten).collect())
            .unwrap_or_default();
        // Read from the given map instead of the process environment, so tests stay pure.
        let env_provider = EnvOverrides {
            values: env
                .iter()
                .filter_map(|(name, value)| Some((env_key(name)?, value.clone())))
                .collect(),
            text_keys: known
                .iter()
                .filter(|(_, value)| matches!(value, Value::String(..)))
                .map(|(key, _)| key.clone())
                .collect(),
        };
        let user = Figment::new()
            .merge(Toml::string(toml_text))
            .merge(&env_provider);
        let user_values = match user.data() {
            Ok(data) => data.into_values().flat_map(flatten).collect::<Vec<_>>(),
            Err(error) => {
                issues.push(ConfigIssue {
                    key: "(file)".into(),
                    message: error.to_string(),
                    origin: Some(origin.to_owned()),
                });
                return Err(ConfigErrors(issues));
            }
        };
        let origin_of = |key: &str| {
            let var = env_var_name(key);
            if env.contains_key(&var) {
                var
            } else {
                origin.to_owned()
            }
        };
        let mut good_values = Vec::new();
        for (key, value) in &user_values {
            if !known.contains_key(key) {
                let section = key.split('.').next().unwrap_or(key);
                let message = if known.keys().any(|k| k.starts_with(&format!("{section}."))) {
                    "unknown key".to_owned()
                } else {
                    format!("unknown section `{section}`")
                };
                issues.push(ConfigIssue {
                    key: key.clone(),
                    message,
                    origin: Some(origin_of(key)),
                });
                continue;
            }
            let single = Figment::from(Serialized::defaults(Config::default()))
                .merge(Serialized::default(key, value.clone()));
            match single.extract::<Config>() {
                Ok(_) => good_values.push((key.clone(), value.clone())),
                Err(error) => issues.push(ConfigIssue {
                    key: key.clone(),
                    message: describe_kind(&error.kind),
                    origin: Some(origin_of(key)),
                }),
            }
        }
        // The keys that parsed, on top of the defaults, also get the checks of their values,
        // so one run reports every problem.
        let config: Config = good_values
            .into_iter()
            .fold(
                Figment::from(Serialized::defaults(Config::default())),
                |figment, (key, value)| figment.merge(Serialized::default(&key, value)),
            )
            .extract()
            .map_err(|e| {
                ConfigErrors(vec![ConfigIssue {
                    key: "(config)".into(),
                    message: e.to_string(),
                    origin: Some(origin.to_owned()),
                }])
            })?;
        let reported: BTreeSet<String> = issues.iter().map(|i| i.key.clone()).collect();
        issues.extend(
            config
                .validate()
                .into_iter()
                .filter(|(key, _)| !reported.contains(key))
                .map(|(key, message)| ConfigIssue {
                    origin: Some(origin_of(&key)),
                    key,
                    message,
                }),
        );
        if issues.is_empty() {
            Ok(config)
        } else {
            Err(ConfigErrors(issues))
        }
    }

    /// Checks values that parse but make no sense; one `(key, message)` per problem.
    pub fn validate(&self) -> Vec<(String, String)> {
        let mut issues = Vec::new();
        let mut check = |key: &str, ok: bool, message: &str| {
            if !ok {
                issues.push((key.to_owned(), message.to_owned()));
            }
        };
        for (key, value) in [
            ("sip.tcp_listen", &self.sip.tcp_listen),
            ("sip.tls_listen", &self.sip.tls_listen),
            ("sip.wan_tcp_listen", &self.sip.wan_tcp_listen),
            ("sip.wan_tls_listen", &self.sip.wan_tls_listen),
        ] {
            check(
                key,
                value.is_empty() || value.parse::<SocketAddr>().is_ok(),
                &format!("`{value}` is not an address like 0.0.0.0:5060 (or \"\" to disable)"),
            );
        }
        let wan = &self.sip.wan_address;
        check(
            "sip.wan_address",
            wan.is_empty() || valid_host_port(wan),
            &format!("`{wan}` is not host:port (e.g. sip.example.com:5061)"),
        );
        check(
            "sip.realm",
            !self.sip.realm.is_empty() && !self.sip.realm.contains('"'),
            "must be a non-empty text without `\"`",
        );
        check(
            "sip.expires",
            self.sip.expires >= 1,
            "must be at least 1 second",
        );
        check(
            "sip.keepalive",
            self.sip.keepalive >= 1,
            "must be at least 1 second",
        );
        check(
            "sip.request_timeout",
            self.sip.request_timeout >= 1,
            "must be at least 1 second",
        );
        check(
            "sip.idle_timeout",
            self.sip.idle_timeout >= 1,
            "must be at least 1 second",
        );
        check(
            "sip.message_timeout",
            self.sip.message_timeout >= 1,
            "must be at least 1 second",
        );
        check(
            "sip.max_connections",
            self.sip.max_connections >= 1,
            "must be at least 1",
        );
        check(
            "sip.max_header_bytes",
            (1024..=1024 * 1024).contains(&self.sip.max_header_bytes),
            "must be between 1024 and 1048576",
        );
        check(
            "sip.max_body_bytes",
            (1024..=16 * 1024 * 1024).contains(&self.sip.max_body_bytes),
            "must be between 1024 and 16777216",
        );
        check(
            "tls.cert",
            self.tls.cert.is_empty() == self.tls.key.is_empty(),
            "tls.cert and tls.key must be set together",
        );
        check(
            "log.level",
            valid_log_filter(&self.log.level),
            &format!(
                "`{}` is not a log level (error, warn, info, debug, trace) or filter",
                self.log.level
            ),
        );
        check(
            "log.max_file_mb",
            self.log.max_file_mb >= 1,
            "must be at least 1",
        );
        check(
            "log.max_files",
            self.log.max_files >= 1,
            "must be at least 1",
        );
        let algorithms = &self.sip.digest_algorithms;
        check(
            "sip.digest_algorithms",
            !algorithms.is_empty()
                && algorithms
                    .iter()
                    .all(|a| sip_proto::DigestAlgorithm::from_token(a).is_some())
                && algorithms
                    .iter()
                    .enumerate()
                    .all(|(i, a)| !algorithms[..i].iter().any(|b| b.eq_ignore_ascii_case(a))),
            &format!(
                "{algorithms:?} must name \"MD5\" and/or \"SHA-256\", each once, most preferred first"
            ),
        );
        for mac in &self.log.mac_filter {
            check(
                "log.mac_filter",
                mac.parse::<Mac>().is_ok(),
                &format!("`{mac}` is not a MAC address (12 hex digits)"),
            );
        }
        for (key, value) in [
            ("cti.tcp_listen", &self.cti.tcp_listen),
            ("cti.tls_listen", &self.cti.tls_listen),
        ] {
            check(
                key,
                value.is_empty() || value.parse::<SocketAddr>().is_ok(),
                &format!("`{value}` is not an address like 0.0.0.0:1040 (or \"\" to disable)"),
            );
        }
        check(
            "cti.edition",
            self.cti.edition.parse::<csta_proto::Edition>().is_ok(),
            &format!("`{}` is not one of ed3, ed4, ed5, ed6", self.cti.edition),
        );
        check(
            "cti.session_retention_events",
            self.cti.session_retention_events >= 1,
            "must be at least 1",
        );
        check(
            "cti.client_queue",
            self.cti.client_queue >= 16,
            "must be at least 16",
        );
        check(
            "cti.max_connections",
            self.cti.max_connections >= 1,
            "must be at least 1",
        );
        let mut names = std::collections::HashSet::new();
        for account in &self.cti.accounts {
            check(
                "cti.accounts",
                !account.name.trim().is_empty() && !account.password.is_empty(),
                "every account needs a name and a password",
            );
            check(
                "cti.accounts",
                names.insert(account.name.as_str()),
                &format!("account `{}` is listed twice", account.name),
            );
        }
        check(
            "demo.lines",
            callboard_sim::SimSettings::parse_lines(&self.demo.lines).is_ok(),
            &format!(
                "`{}` is not a list of line numbers like 201-210",
                self.demo.lines
            ),
        );
        check(
            "demo.calls_per_minute",
            self.demo.calls_per_minute.is_finite() && self.demo.calls_per_minute >= 0.0,
            "must be a number >= 0",
        );
        check(
            "directory.source",
            matches!(self.directory.source.as_str(), "internal" | "ldap"),
            &format!("`{}` is not `internal` or `ldap`", self.directory.source),
        );
        check(
            "directory.max_failed_logins",
            self.directory.max_failed_logins >= 1,
            "must be at least 1",
        );
        check(
            "directory.argon2_memory_kib",
            (8..=4 * 1024 * 1024).contains(&self.directory.argon2_memory_kib),
            "must be between 8 and 4194304",
        );
        check(
            "directory.argon2_iterations",
            self.directory.argon2_iterations >= 1,
            "must be at least 1",
        );
        let ldap = &self.directory.ldap;
        if self.directory.source == "ldap" {
            check(
                "directory.ldap.url",
                ldap.url.starts_with("ldap://") || ldap.url.starts_with("ldaps://"),
                &format!("`{}` is not an ldap:// or ldaps:// URL", ldap.url),
            );
            check(
                "directory.ldap.base_dn",
                !ldap.base_dn.trim().is_empty(),
                "is required for the ldap source",
            );
        }
        check(
            "directory.ldap.mode",
            matches!(ldap.mode.as_str(), "schema" | "reserved"),
            &format!("`{}` is not `schema` or `reserved`", ldap.mode),
        );
        check(
            "directory.ldap.page_size",
            (1..=10_000).contains(&ldap.page_size),
            "must be between 1 and 10000",
        );
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        let mut numbers_fields_ok = (1..=15).contains(&self.numbers.extension_length);
        for (key, value, may_be_empty) in [
            ("numbers.country_code", &self.numbers.country_code, false),
            ("numbers.area_code", &self.numbers.area_code, true),
            (
                "numbers.international_prefix",
                &self.numbers.international_prefix,
                false,
            ),
            (
                "numbers.national_prefix",
                &self.numbers.national_prefix,
                true,
            ),
            (
                "numbers.external_access_code",
                &self.numbers.external_access_code,
                true,
            ),
        ] {
            let ok = digits(value) && (may_be_empty || !value.is_empty());
            numbers_fields_ok &= ok;
            check(key, ok, &format!("`{value}` must be digits only"));
        }
        check(
            "numbers.extension_length",
            (1..=15).contains(&self.numbers.extension_length),
            "must be between 1 and 15",
        );
        // The rules as a whole, once their fields are fine one by one (so a bad country
        // code is not blamed on the base number too).
        if numbers_fields_ok {
            if let Err(error) = self.numbers.rules().validate() {
                // Blamed on the setting the rules name (a country code that is no E.164 code,
                // a base number outside the country, …).
                let key = match &error {
                    callboard_core::numbers::NumberError::InvalidRule { field, .. } => {
                        format!("numbers.{field}")
                    }
                    _ => "numbers.base_number".to_owned(),
                };
                check(&key, false, &error.to_string());
            }
        }
        let url = &self.store.url;
        check(
            "store.url",
            url.is_empty()
                || url.starts_with("sqlite://")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"),
            &format!(
                "`{url}` is not supported (use sqlite://PATH, postgres://USER:PASSWORD@HOST:PORT/DATABASE, or \"\" for the data directory)"
            ),
        );
        issues
    }

    /// Advice that is not an error.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.sip.phone_password.is_empty() {
            warnings.push(format!(
                "sip.phone_password is not set: every phone will be refused (set it in [sip] or {})",
                env_var_name("sip.phone_password")
            ));
        }
        if !self.sip.wan_address.is_empty()
            && self.sip.wan_tcp_listen.is_empty()
            && self.sip.wan_tls_listen.is_empty()
        {
            warnings.push("sip.wan_address is set but no WAN listener is enabled".into());
        }
        warnings
    }

    /// The parsed MAC filter of the logs.
    pub fn log_mac_filter(&self) -> Vec<Mac> {
        self.log
            .mac_filter
            .iter()
            .filter_map(|m| m.parse().ok())
            .collect()
    }
}

/// A level (`info`) or a list of `target=level` directives with an optional bare default level.
fn valid_log_filter(text: &str) -> bool {
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    let is_level = |s: &str| LEVELS.contains(&s.trim().to_ascii_lowercase().as_str());
    !text.trim().is_empty()
        && text
            .split(',')
            .all(|directive| match directive.split_once('=') {
                Some((target, level)) => !target.trim().is_empty() && is_level(level),
                None => is_level(directive),
            })
        && tracing_subscriber::EnvFilter::try_new(text).is_ok()
}

fn valid_host_port(text: &str) -> bool {
    if text.parse::<SocketAddr>().is_ok() {
        return true;
    }
    match text.rsplit_once(':') {
        Some((host, port)) => {
            !host.is_empty()
                && port.parse::<u16>().is_ok_and(|p| p > 0)
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        }
        None => false,
    }
}

fn describe_kind(kind: &figment::error::Kind) -> String {
    use figment::error::Kind;
    match kind {
        Kind::InvalidType(actual, expected) => format!("expected {expected}, found {actual}"),
        Kind::InvalidValue(actual, expected) => format!("expected {expected}, found {actual}"),
        other => other.to_string(),
    }
}

/// Flattens nested dictionaries into `section.key` leaves.
fn flatten(dict: Dict) -> Vec<(String, Value)> {
    fn walk(prefix: &str, dict: Dict, out: &mut Vec<(String, Value)>) {
        for (key, value) in dict {
            let path = if prefix.is_empty() {
                key
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                Value::Dict(_, inner) => walk(&path, inner, out),
                other => out.push((path, other)),
            }
        }
    }
    let mut out = Vec::new();
    walk("", dict, &mut out);
    out
}

/// `CALLBOARD_SIP__TCP_LISTEN` → `sip.tcp_listen`; `None` for other variables, for the ones
/// the command line reads itself (`CALLBOARD_CONFIG`, `CALLBOARD_DATA_DIR`) and for
/// `CALLBOARD_TEST_*`, which the test suite reserves for itself.
fn env_key(name: &str) -> Option<String> {
    if name.starts_with("CALLBOARD_TEST_") {
        return None;
    }
    let rest = name.strip_prefix(ENV_PREFIX)?.to_ascii_lowercase();
    if rest.is_empty() || rest == "config" || rest == "data_dir" {
        return None;
    }
    Some(rest.replace("__", "."))
}

/// Environment overrides as `(section.key, raw value)`. A key whose setting is text takes the
/// value as it is (`CALLBOARD_NUMBERS__COUNTRY_CODE=43` is the text `43`); other values are
/// parsed like figment's `Env` provider does (`true`, numbers, `[a, b]` arrays, else text).
struct EnvOverrides {
    values: Vec<(String, String)>,
    text_keys: BTreeSet<String>,
}

impl Provider for &EnvOverrides {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named("environment variable(s)")
    }

    fn data(&self) -> Result<figment::value::Map<figment::Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        for (key, raw) in &self.values {
            let parsed: Value = if self.text_keys.contains(key) {
                Value::from(raw.clone())
            } else {
                raw.parse().unwrap_or_else(|_| Value::from(raw.clone()))
            };
            let nested = key.split('.').rev().fold(parsed, |inner, part| {
                let mut level = Dict::new();
                level.insert(part.to_owned(), inner);
                Value::from(level)
            });
            if let Value::Dict(_, level) = nested {
                merge_dict(&mut dict, level);
            }
        }
        Ok(figment::Profile::Default.collect(dict))
    }
}

fn merge_dict(into: &mut Dict, from: Dict) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Dict(_, existing)), Value::Dict(_, incoming)) => {
                merge_dict(existing, incoming)
            }
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// The complete commented example printed by `callboard config example`. A test checks that it
/// names every key and parses to exactly the built-in defaults.
pub const EXAMPLE: &str = include_str!("../callboard.example.toml");

#[cfg(test)]
mod tests;
