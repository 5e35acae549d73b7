//! Errors of the directory crate, worded for the administrator who has to fix the setup:
//! which server, which DN, what went wrong, and where it helps, what to try.

use std::time::Duration;

/// What went wrong talking to the directory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DirectoryError {
    /// The settings cannot work (bad URL, empty base DN, malformed filter, ...).
    #[error("invalid LDAP settings: {message}")]
    Config {
        /// What is wrong and how it should look.
        message: String,
    },
    /// No TCP connection could be made.
    #[error("LDAP server {url} is not reachable: {reason}")]
    Connect {
        /// The configured URL.
        url: String,
        /// Human-readable cause, e.g. "connection refused".
        reason: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The TLS handshake (ldaps:// or StartTLS) failed, typically an untrusted certificate.
    #[error("TLS with LDAP server {url} failed: {message}")]
    Tls {
        /// The configured URL.
        url: String,
        /// The cause, with a hint.
        message: String,
    },
    /// The server refused the service account's credentials.
    #[error("LDAP bind as \"{dn}\" failed: {message}")]
    Bind {
        /// The bind DN that was tried.
        dn: String,
        /// Why, e.g. "invalid credentials: wrong bind DN or password".
        message: String,
    },
    /// A search failed (missing base DN, filter rejected, size limit, ...).
    #[error("LDAP search under \"{base}\" failed: {message}")]
    Search {
        /// The search base.
        base: String,
        /// The server's result code and text, explained.
        message: String,
    },
    /// A write-back modification was refused.
    #[error("LDAP write-back to \"{dn}\" failed: {message}")]
    Modify {
        /// The entry being written.
        dn: String,
        /// The server's result code and text, explained.
        message: String,
    },
    /// The entry to write back to does not exist.
    #[error("LDAP entry \"{dn}\" does not exist")]
    NotFound {
        /// The DN that was looked up.
        dn: String,
    },
    /// Write-back was requested while `write_back` is off in the settings.
    #[error("write-back to the directory is switched off ([directory.ldap] write_back = false)")]
    WriteBackDisabled,
    /// The server did not answer in time.
    #[error("LDAP server {url} did not answer the {operation} within {} s", .after.as_secs_f64())]
    Timeout {
        /// The configured URL.
        url: String,
        /// "connect", "bind", "search", "modify".
        operation: &'static str,
        /// The configured time limit.
        after: Duration,
    },
    /// The connection broke during an operation.
    #[error("connection to LDAP server {url} was lost: {message}")]
    Disconnected {
        /// The configured URL.
        url: String,
        /// What the client library reported.
        message: String,
    },
    /// The server sent something the client could not understand.
    #[error("unexpected answer from LDAP server {url}: {message}")]
    Protocol {
        /// The configured URL.
        url: String,
        /// What was unexpected.
        message: String,
    },
}

/// Explains an LDAP result code (RFC 4511 §4.1.9) with the server's diagnostic text.
pub(crate) fn explain_result(rc: u32, text: &str) -> String {
    let meaning = match rc {
        1 => "operations error",
        2 => "protocol error",
        3 => "time limit exceeded on the server",
        4 => {
            "size limit exceeded (the server returned fewer entries than match; does it support paged results?)"
        }
        7 => "authentication method not supported",
        8 => "stronger authentication required (use ldaps:// or StartTLS)",
        10 => "referral: the base DN is not held by this server",
        11 => "administrative limit exceeded",
        12 => "unavailable critical extension",
        13 => "confidentiality required (use ldaps:// or StartTLS)",
        16 => "no such attribute",
        17 => {
            "undefined attribute type (is the schema extension installed? otherwise use mode = \"reserved\")"
        }
        18 => "inappropriate matching",
        19 => "constraint violation",
        20 => "attribute or value exists",
        21 => "invalid attribute syntax",
        32 => "no such object (check base_dn / the DN)",
        34 => "invalid DN syntax",
        48 => "inappropriate authentication",
        49 => "invalid credentials: wrong bind DN or password",
        50 => "insufficient access rights (the service account may not do this)",
        51 => "server busy",
        52 => "server unavailable",
        53 => "server unwilling to perform",
        64 => "naming violation",
        65 => "object class violation (attribute not allowed for this entry)",
        80 => "other server error",
        _ => "error",
    };
    let mut out = format!("{meaning} (LDAP result {rc})");
    if let Some(ad) = active_directory_reason(text) {
        out.push_str(": ");
        out.push_str(ad);
    }
    let text = text.trim().trim_end_matches('\0');
    if !text.is_empty() {
        out.push_str("; server says: ");
        out.push_str(text);
    }
    out
}

/// Active Directory puts a sub-code into the text of a failed bind: `..., data 52e, v4563`.
fn active_directory_reason(text: &str) -> Option<&'static str> {
    let idx = text.find("data ")?;
    let code: String = text[idx + 5..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    Some(match code.to_ascii_lowercase().as_str() {
        "525" => "the account does not exist",
        "52e" => "wrong user name or password",
        "530" => "the account may not log on at this time",
        "531" => "the account may not log on from this workstation",
        "532" => "the password has expired",
        "533" => "the account is disabled",
        "701" => "the account has expired",
        "773" => "the password must be changed before the account can be used",
        "775" => "the account is locked out",
        _ => return None,
    })
}

/// A friendly reason for a failed TCP connect.
pub(crate) fn connect_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::ConnectionRefused => {
            "connection refused (is the server running and listening on this port?)".into()
        }
        ErrorKind::TimedOut => "connection timed out".into(),
        ErrorKind::HostUnreachable => "host unreachable".into(),
        ErrorKind::NetworkUnreachable => "network unreachable".into(),
        ErrorKind::ConnectionReset => "connection reset by the server".into(),
        ErrorKind::AddrNotAvailable => "address not available".into(),
        _ => {
            let text = err.to_string();
            if text.contains("lookup") || text.contains("resolve") {
                format!("the host name could not be resolved ({text})")
            } else {
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_explained() {
        let bind = explain_result(
            49,
            "80090308: LdapErr: DSID-0C090439, comment: AcceptSecurityContext error, data 52e, v4563\0",
        );
        assert!(bind.starts_with(
            "invalid credentials: wrong bind DN or password (LDAP result 49): wrong user name or password"
        ));
        assert!(bind.ends_with("v4563"));
        assert_eq!(
            explain_result(32, ""),
            "no such object (check base_dn / the DN) (LDAP result 32)"
        );
        assert!(explain_result(775, "x").contains("error (LDAP result 775)"));
        assert_eq!(
            active_directory_reason("data 775, v"),
            Some("the account is locked out")
        );
        assert_eq!(active_directory_reason("data zz"), None);
    }

    #[test]
    fn connect_reasons() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(connect_reason(&refused).starts_with("connection refused"));
        let e = DirectoryError::Connect {
            url: "ldap://127.0.0.1:3389".into(),
            reason: connect_reason(&refused),
            source: refused,
        };
        assert!(
            e.to_string().starts_with(
                "LDAP server ldap://127.0.0.1:3389 is not reachable: connection refused"
            )
        );
        let t = DirectoryError::Timeout {
            url: "ldap://h".into(),
            operation: "bind",
            after: Duration::from_millis(1500),
        };
        assert_eq!(
            t.to_string(),
            "LDAP server ldap://h did not answer the bind within 1.5 s"
        );
    }
}
