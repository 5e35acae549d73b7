//! Talking to the server with ldap3's async API on tokio: connect (plain, ldaps:// or
//! StartTLS over rustls), bind, RFC 2696 paged subtree searches that never chase referrals,
//! Active Directory ranged attribute retrieval, and the write-back modification.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use ldap3::asn1::{PL, StructureTag, parse_tag, parse_uint};
use ldap3::controls::{PagedResults, RawControl};
use ldap3::result::LdapError;
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapResult, Mod, Scope, SearchResult};

use crate::entry::Entry;
use crate::error::{DirectoryError, connect_reason, explain_result};
use crate::mapping::{
    self, CtiField, PROXY_ADDRESSES, RESERVED_ATTRIBUTE, computer_from_entry, group_from_entry,
    proxy_address_to_add, requested_attributes, user_from_entry,
};
use crate::model::{CtiAttributes, SkippedEntry, Snapshot};
use crate::settings::{LdapSettings, Mode, ObjectKind, Progress};

const PAGED_RESULTS_OID: &str = "1.2.840.113556.1.4.319";

/// An open, bound connection.
struct Session {
    ldap: Ldap,
    url: String,
    timeout: Duration,
}

impl Session {
    async fn open(settings: &LdapSettings) -> Result<Session, DirectoryError> {
        settings.validate()?;
        let url = settings.url.trim().to_string();
        let mut conn_settings = LdapConnSettings::new()
            .set_conn_timeout(settings.timeout)
            .set_starttls(settings.starttls)
            .set_no_tls_verify(!settings.tls_verify);
        if settings.tls_verify {
            if let Some(ca_file) = &settings.tls_ca_file {
                conn_settings = conn_settings.set_config(client_config_with_ca(ca_file)?);
            }
        }
        let (conn, mut ldap) = LdapConnAsync::with_settings(conn_settings, &url)
            .await
            .map_err(|e| connect_error(&url, settings.timeout, e))?;
        let driver_url = url.clone();
        tokio::spawn(async move {
            if let Err(e) = conn.drive().await {
                tracing::debug!(url = driver_url, error = %e, "LDAP connection ended with an error");
            }
        });
        let session_url = url.clone();
        if !settings.bind_dn.trim().is_empty() {
            let result = ldap
                .with_timeout(settings.timeout)
                .simple_bind(settings.bind_dn.trim(), &settings.bind_password)
                .await
                .map_err(|e| op_error(&url, settings.timeout, "bind", e))?;
            if result.rc != 0 {
                return Err(DirectoryError::Bind {
                    dn: settings.bind_dn.trim().to_string(),
                    message: explain_result(result.rc, &result.text),
                });
            }
        }
        Ok(Session {
            ldap,
            url: session_url,
            timeout: settings.timeout,
        })
    }

    async fn close(mut self) {
        let _ = self.ldap.unbind().await;
    }

    /// One search request; `controls` go with it.
    async fn search_once(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
        controls: Vec<RawControl>,
    ) -> Result<SearchResult, DirectoryError> {
        let attrs: Vec<String> = attrs.iter().map(|a| a.to_string()).collect();
        self.ldap
            .with_controls(controls)
            .with_timeout(self.timeout)
            .search(base, scope, filter, attrs)
            .await
            .map_err(|e| op_error(&self.url, self.timeout, "search", e))
    }

    /// Paged subtree search. `on_page` gets each page's entries (search references, i.e.
    /// referrals, are skipped: they are never chased).
    async fn paged_search(
        &mut self,
        base: &str,
        filter: &str,
        attrs: &[&str],
        page_size: i32,
        mut on_page: impl FnMut(Vec<Entry>) -> Result<(), DirectoryError>,
    ) -> Result<(), DirectoryError> {
        let mut cookie = Vec::new();
        loop {
            let control: RawControl = PagedResults {
                size: page_size,
                cookie: std::mem::take(&mut cookie),
            }
            .into();
            let SearchResult(raw_entries, result) = self
                .search_once(base, Scope::Subtree, filter, attrs, vec![control])
                .await?;
            check_search_result(base, &result)?;
            let mut entries = Vec::with_capacity(raw_entries.len());
            let mut references = 0usize;
            for raw in raw_entries {
                if raw.is_ref() {
                    references += 1;
                    continue;
                }
                if raw.is_intermediate() {
                    continue;
                }
                match Entry::from_ber(raw.0) {
                    Some(entry) => entries.push(entry),
                    None => {
                        return Err(DirectoryError::Protocol {
                            url: self.url.clone(),
                            message: format!(
                                "a search result entry under \"{base}\" could not be decoded"
                            ),
                        });
                    }
                }
            }
            if references > 0 {
                tracing::debug!(
                    base,
                    references,
                    "ignored search references (referrals are not chased)"
                );
            }
            for entry in &mut entries {
                self.complete_ranges(entry).await?;
            }
            on_page(entries)?;
            cookie = paged_cookie(&result.ctrls.iter().map(|c| &c.1).collect::<Vec<_>>());
            if cookie.is_empty() {
                return Ok(());
            }
        }
    }

    /// Fetches the remaining values of attributes the server sent in ranges (AD returns at most
    /// MaxValRange, 1500 by default, values of `member` per request).
    async fn complete_ranges(&mut self, entry: &mut Entry) -> Result<(), DirectoryError> {
        for pending in entry.take_pending() {
            let mut next = Some(pending);
            let mut rounds = 0;
            while let Some(p) = next.take() {
                rounds += 1;
                if rounds > 100_000 {
                    break;
                }
                let attr = format!("{};range={}-*", p.name, p.next);
                let dn = entry.dn().to_string();
                let SearchResult(raw, result) = self
                    .search_once(
                        &dn,
                        Scope::Base,
                        "(objectClass=*)",
                        &[attr.as_str()],
                        Vec::new(),
                    )
                    .await?;
                check_search_result(&dn, &result)?;
                let Some(more) = raw
                    .into_iter()
                    .filter(|r| !r.is_ref() && !r.is_intermediate())
                    .find_map(|r| Entry::from_ber(r.0))
                else {
                    break;
                };
                next = entry.merge_range(more, &p.name);
            }
        }
        Ok(())
    }

    /// Reads one entry (base scope); Ok(None) when it does not exist.
    async fn read_entry(
        &mut self,
        dn: &str,
        attrs: &[&str],
    ) -> Result<Option<Entry>, DirectoryError> {
        let SearchResult(raw, result) = self
            .search_once(dn, Scope::Base, "(objectClass=*)", attrs, Vec::new())
            .await?;
        if result.rc == 32 {
            return Ok(None);
        }
        check_search_result(dn, &result)?;
        Ok(raw
            .into_iter()
            .filter(|r| !r.is_ref() && !r.is_intermediate())
            .find_map(|r| Entry::from_ber(r.0)))
    }

    async fn modify(
        &mut self,
        dn: &str,
        mods: Vec<Mod<String>>,
    ) -> Result<LdapResult, DirectoryError> {
        self.ldap
            .with_timeout(self.timeout)
            .modify(dn, mods)
            .await
            .map_err(|e| op_error(&self.url, self.timeout, "modify", e))
    }
}

fn check_search_result(base: &str, result: &LdapResult) -> Result<(), DirectoryError> {
    match result.rc {
        0 => Ok(()),
        10 => Err(DirectoryError::Search {
            base: base.to_string(),
            message: format!(
                "{}; the server refers to {} (referrals are not followed: point url/base_dn at a server that holds this naming context)",
                explain_result(result.rc, &result.text),
                if result.refs.is_empty() {
                    "another server".to_string()
                } else {
                    result.refs.join(", ")
                }
            ),
        }),
        rc => Err(DirectoryError::Search {
            base: base.to_string(),
            message: explain_result(rc, &result.text),
        }),
    }
}

/// The cookie of the paged-results response control (empty = last page). Decoded by hand so
/// that a malformed control ends the search instead of panicking.
fn paged_cookie(controls: &[&RawControl]) -> Vec<u8> {
    let Some(value) = controls
        .iter()
        .find(|c| c.ctype == PAGED_RESULTS_OID)
        .and_then(|c| c.val.as_deref())
    else {
        return Vec::new();
    };
    let Ok((_, tag)) = parse_tag(value) else {
        return Vec::new();
    };
    let PL::C(parts) = tag.payload else {
        return Vec::new();
    };
    let mut parts = parts.into_iter();
    let size_ok = matches!(parts.next(), Some(StructureTag { payload: PL::P(ref s), .. }) if parse_uint(s).is_ok());
    match (size_ok, parts.next()) {
        (
            true,
            Some(StructureTag {
                payload: PL::P(cookie),
                ..
            }),
        ) => cookie,
        _ => Vec::new(),
    }
}

fn client_config_with_ca(
    path: &std::path::Path,
) -> Result<Arc<rustls::ClientConfig>, DirectoryError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let config_err = |message: String| DirectoryError::Config { message };
    let pem = std::fs::read(path).map_err(|e| {
        config_err(format!(
            "tls_ca_file {} cannot be read: {e}",
            path.display()
        ))
    })?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| config_err(format!("tls_ca_file {}: {e}", path.display())))?;
        roots
            .add(cert)
            .map_err(|e| config_err(format!("tls_ca_file {}: {e}", path.display())))?;
    }
    if roots.is_empty() {
        return Err(config_err(format!(
            "tls_ca_file {} contains no PEM certificate",
            path.display()
        )));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| config_err(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Maps a failure of the connect phase (TCP, TLS, StartTLS).
fn connect_error(url: &str, timeout: Duration, err: LdapError) -> DirectoryError {
    match err {
        LdapError::Io { source } => {
            if let Some(tls) = source
                .get_ref()
                .and_then(|e| e.downcast_ref::<rustls::Error>())
            {
                return tls_error(url, tls.to_string());
            }
            if source.kind() == std::io::ErrorKind::InvalidData
                || source.kind() == std::io::ErrorKind::UnexpectedEof
            {
                return tls_error(url, source.to_string());
            }
            DirectoryError::Connect {
                url: url.to_string(),
                reason: connect_reason(&source),
                source,
            }
        }
        LdapError::Timeout { .. } => DirectoryError::Timeout {
            url: url.to_string(),
            operation: "connect",
            after: timeout,
        },
        LdapError::Rustls { source } => tls_error(url, source.to_string()),
        LdapError::DNSName { source } => {
            tls_error(url, format!("the host name is not valid for TLS: {source}"))
        }
        LdapError::LdapResult { result } => tls_error(
            url,
            format!(
                "StartTLS was refused: {}",
                explain_result(result.rc, &result.text)
            ),
        ),
        LdapError::UrlParsing { source } => DirectoryError::Config {
            message: format!("url \"{url}\" is not a valid LDAP URL: {source}"),
        },
        LdapError::UnknownScheme(s) => DirectoryError::Config {
            message: format!("url \"{url}\": unknown scheme {s} (use ldap:// or ldaps://)"),
        },
        other => DirectoryError::Disconnected {
            url: url.to_string(),
            message: other.to_string(),
        },
    }
}

fn tls_error(url: &str, cause: String) -> DirectoryError {
    let hint = if cause.contains("not valid for name") {
        " (use the host name the certificate was issued for in url, or for a test server set tls_verify = false)"
    } else if cause.contains("certificate") || cause.contains("Certificate") {
        " (the server certificate is not trusted: install its CA, set tls_ca_file, or for a test server set tls_verify = false)"
    } else {
        ""
    };
    DirectoryError::Tls {
        url: url.to_string(),
        message: format!("{cause}{hint}"),
    }
}

/// Maps a failure of an operation on an open connection.
fn op_error(
    url: &str,
    timeout: Duration,
    operation: &'static str,
    err: LdapError,
) -> DirectoryError {
    match err {
        LdapError::Timeout { .. } => DirectoryError::Timeout {
            url: url.to_string(),
            operation,
            after: timeout,
        },
        LdapError::FilterParsing => DirectoryError::Config {
            message: "a search filter could not be parsed (check user_filter / group_filter / computer_filter)".to_string(),
        },
        other => DirectoryError::Disconnected {
            url: url.to_string(),
            message: format!("during the {operation}: {other}"),
        },
    }
}

/// Reads every CTI user, group and computer below `settings.base_dn`, page by page.
///
/// Users are read with the user filter, then groups, then computers (see
/// [`LdapSettings::user_filter_for_mode`] for the defaults); `progress` is called after every page
/// with the number of entries of the current kind read so far. Referrals (which Active Directory
/// returns for the partitions below a domain root) are never chased. An entry that matches but
/// cannot be used (no login name) is listed in [`Snapshot::skipped`]; malformed attribute values
/// are ignored with a warning in the log. The future is `Send`, so a scheduled sync can run in
/// a spawned task.
pub async fn read_directory(
    settings: &LdapSettings,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Snapshot, DirectoryError> {
    let mut session = Session::open(settings).await?;
    let result = read_all(&mut session, settings, progress).await;
    session.close().await;
    result
}

async fn read_all(
    session: &mut Session,
    settings: &LdapSettings,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Snapshot, DirectoryError> {
    let mut snapshot = Snapshot::default();
    let base = settings.base_dn.trim();
    let mode = settings.mode;
    let page = settings.effective_page_size();
    for kind in [ObjectKind::User, ObjectKind::Group, ObjectKind::Computer] {
        let filter = match kind {
            ObjectKind::User => settings.user_filter_for_mode(),
            ObjectKind::Group => settings.group_filter_for_mode(),
            ObjectKind::Computer => settings.computer_filter_for_mode(),
        };
        let attrs = requested_attributes(kind, mode);
        let mut read = 0usize;
        let started = std::time::Instant::now();
        session
            .paged_search(base, filter, &attrs, page, |entries| {
                read += entries.len();
                for entry in entries {
                    let skipped = |reason: String| SkippedEntry {
                        dn: entry.dn().to_string(),
                        kind,
                        reason,
                    };
                    match kind {
                        ObjectKind::User => match user_from_entry(&entry, mode) {
                            Ok(u) => snapshot.users.push(u),
                            Err(r) => snapshot.skipped.push(skipped(r)),
                        },
                        ObjectKind::Group => match group_from_entry(&entry, mode) {
                            Ok(g) => snapshot.groups.push(g),
                            Err(r) => snapshot.skipped.push(skipped(r)),
                        },
                        ObjectKind::Computer => match computer_from_entry(&entry, mode) {
                            Ok(c) => snapshot.computers.push(c),
                            Err(r) => snapshot.skipped.push(skipped(r)),
                        },
                    }
                }
                progress(Progress {
                    kind,
                    read,
                    done: false,
                });
                Ok(())
            })
            .await?;
        progress(Progress {
            kind,
            read,
            done: true,
        });
        tracing::info!(
            kind = kind.as_str(),
            entries = read,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "directory read"
        );
    }
    Ok(snapshot)
}

/// Writes CTI settings back to one entry (a patch: see [`write_back_clearing`]), and makes sure
/// `proxyAddresses` holds `sip_address` when one is given.
pub async fn write_back(
    settings: &LdapSettings,
    dn: &str,
    kind: ObjectKind,
    cti: &CtiAttributes,
    sip_address: Option<&str>,
) -> Result<(), DirectoryError> {
    write_back_clearing(settings, dn, kind, cti, &[], sip_address).await
}

/// Writes CTI settings back to the entry `dn`.
///
/// - Patch semantics: `Some` values and non-empty lists are written, `None` and empty lists are
///   left as they are in the directory, the fields in `clear` are removed (a `Some("")` text is
///   removed too). Fields that do not exist for `kind` are ignored.
/// - Schema mode replaces the `ectisrv3*` attributes; if the server refuses them because the
///   entry lacks the auxiliary class (OpenLDAP), the class (`ectisrv3User` / `ectisrv3Group` /
///   `ectisrv3Computer`) is added in the same modification.
/// - Reserved mode reads `extensionName`, then deletes exactly the old values of the settings
///   being changed and adds the new ones in one modification, so values of other applications
///   are never rewritten; if the attribute changed in between, it is read again once.
/// - `sip_address` (with or without `sip:`) is added to `proxyAddresses` when no equal SIP address
///   is there (see [`mapping::proxy_address_to_add`]); other values are kept.
///
/// Refused with [`DirectoryError::WriteBackDisabled`] unless `settings.write_back` is on.
pub async fn write_back_clearing(
    settings: &LdapSettings,
    dn: &str,
    kind: ObjectKind,
    cti: &CtiAttributes,
    clear: &[CtiField],
    sip_address: Option<&str>,
) -> Result<(), DirectoryError> {
    if !settings.write_back {
        return Err(DirectoryError::WriteBackDisabled);
    }
    let mut session = Session::open(settings).await?;
    let result = write_entry(
        &mut session,
        settings.mode,
        dn,
        kind,
        cti,
        clear,
        sip_address,
    )
    .await;
    session.close().await;
    result
}

async fn write_entry(
    session: &mut Session,
    mode: Mode,
    dn: &str,
    kind: ObjectKind,
    cti: &CtiAttributes,
    clear: &[CtiField],
    sip_address: Option<&str>,
) -> Result<(), DirectoryError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = session
            .read_entry(dn, &["objectClass", RESERVED_ATTRIBUTE, PROXY_ADDRESSES])
            .await?
            .ok_or_else(|| DirectoryError::NotFound { dn: dn.to_string() })?;
        let mut mods: Vec<Mod<String>> = Vec::new();
        match mode {
            Mode::Schema => {
                for change in mapping::schema_changes(kind, cti, clear) {
                    mods.push(Mod::Replace(
                        change.attribute.to_string(),
                        change.values.into_iter().collect(),
                    ));
                }
            }
            Mode::Reserved => {
                let changes =
                    mapping::reserved_changes(&current.texts(RESERVED_ATTRIBUTE), kind, cti, clear);
                if !changes.remove.is_empty() {
                    mods.push(Mod::Delete(
                        RESERVED_ATTRIBUTE.to_string(),
                        set(changes.remove),
                    ));
                }
                if !changes.add.is_empty() {
                    mods.push(Mod::Add(RESERVED_ATTRIBUTE.to_string(), set(changes.add)));
                }
            }
        }
        if let Some(addr) = sip_address {
            if let Some(value) = proxy_address_to_add(&current.texts(PROXY_ADDRESSES), addr) {
                mods.push(Mod::Add(PROXY_ADDRESSES.to_string(), set(vec![value])));
            }
        }
        if mods.is_empty() {
            return Ok(());
        }
        let aux = kind.auxiliary_class();
        let has_aux = current
            .texts("objectClass")
            .iter()
            .any(|c| c.eq_ignore_ascii_case(aux));
        let ectisrv3_mods = mode == Mode::Schema
            && mods.iter().any(
                |m| matches!(m, Mod::Replace(a, v) if a.starts_with("ectisrv3") && !v.is_empty()),
            );
        let retry_mods = (ectisrv3_mods && !has_aux).then(|| {
            let mut with_class = vec![Mod::Add(
                "objectClass".to_string(),
                set(vec![aux.to_string()]),
            )];
            with_class.extend(mods.iter().map(clone_mod));
            with_class
        });
        let result = session.modify(dn, mods).await?;
        let result = match (result.rc, retry_mods) {
            (65, Some(retry)) => {
                tracing::info!(
                    dn,
                    class = aux,
                    "adding the auxiliary class for the ectisrv3 attributes"
                );
                session.modify(dn, retry).await?
            }
            (_, _) => result,
        };
        match result.rc {
            0 => return Ok(()),
            16 | 20 if mode == Mode::Reserved && attempt < 2 => {
                tracing::info!(dn, "extensionName changed while writing; reading it again");
                continue;
            }
            32 => return Err(DirectoryError::NotFound { dn: dn.to_string() }),
            rc => {
                return Err(DirectoryError::Modify {
                    dn: dn.to_string(),
                    message: explain_result(rc, &result.text),
                });
            }
        }
    }
}

fn set(values: Vec<String>) -> HashSet<String> {
    values.into_iter().collect()
}

fn clone_mod(m: &Mod<String>) -> Mod<String> {
    match m {
        Mod::Add(a, v) => Mod::Add(a.clone(), v.clone()),
        Mod::Delete(a, v) => Mod::Delete(a.clone(), v.clone()),
        Mod::Replace(a, v) => Mod::Replace(a.clone(), v.clone()),
        Mod::Increment(a, v) => Mod::Increment(a.clone(), v.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(val: Option<Vec<u8>>) -> RawControl {
        RawControl {
            ctype: PAGED_RESULTS_OID.to_string(),
            crit: false,
            val,
        }
    }

    #[test]
    fn futures_are_send_so_a_sync_can_be_spawned() {
        fn is_send<T: Send>(_: &T) {}
        let settings = LdapSettings::default();
        let mut progress = |_: Progress| {};
        let read = read_directory(&settings, &mut progress);
        is_send(&read);
        let cti = CtiAttributes::default();
        let write = write_back(&settings, "cn=x", ObjectKind::User, &cti, None);
        is_send(&write);
    }

    #[test]
    fn paged_cookie_is_decoded_without_panicking() {
        let good: RawControl = PagedResults {
            size: 0,
            cookie: b"next".to_vec(),
        }
        .into();
        assert_eq!(paged_cookie(&[&good]), b"next");
        let last: RawControl = PagedResults {
            size: 0,
            cookie: Vec::new(),
        }
        .into();
        assert!(paged_cookie(&[&last]).is_empty());
        for garbage in [
            None,
            Some(vec![]),
            Some(vec![0x30]),
            Some(vec![0x04, 0x01, 0x00]),
            Some(vec![0x30, 0x03, 0x02, 0x01, 0x00]),
        ] {
            assert!(paged_cookie(&[&control(garbage)]).is_empty());
        }
        assert!(paged_cookie(&[]).is_empty());
    }
}
