//! Server-side HTTP Digest authentication for SIP (RFC 3261 §22, RFC 2617,
//! RFC 7616, RFC 8760): stateless HMAC-signed nonces, response verification
//! and replay protection.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use rand::Rng as _;
use sha2::{Digest, Sha256};

use crate::grammar::{is_token, quote, split_top_level, trim_lws, unquote};

/// A digest hash algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// `MD5` (RFC 2617), the default when no algorithm is named.
    Md5,
    /// `SHA-256` (RFC 7616, RFC 8760).
    Sha256,
}

impl DigestAlgorithm {
    /// The header token: `MD5` or `SHA-256`.
    pub fn as_str(self) -> &'static str {
        match self {
            DigestAlgorithm::Md5 => "MD5",
            DigestAlgorithm::Sha256 => "SHA-256",
        }
    }

    /// Maps a header token (case-insensitive) to an algorithm. Session
    /// variants (`MD5-sess`…) are not supported.
    pub fn from_token(token: &str) -> Option<DigestAlgorithm> {
        if token.eq_ignore_ascii_case("MD5") {
            Some(DigestAlgorithm::Md5)
        } else if token.eq_ignore_ascii_case("SHA-256") {
            Some(DigestAlgorithm::Sha256)
        } else {
            None
        }
    }

    fn hash(self, data: &str) -> String {
        match self {
            DigestAlgorithm::Md5 => hex::encode(Md5::digest(data.as_bytes())),
            DigestAlgorithm::Sha256 => hex::encode(Sha256::digest(data.as_bytes())),
        }
    }
}

/// The parameters of an `Authorization: Digest …` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestCredentials {
    /// `username`
    pub username: String,
    /// `realm`
    pub realm: String,
    /// `nonce`
    pub nonce: String,
    /// `uri` (the digest-uri; it enters the hash instead of the Request-URI)
    pub uri: String,
    /// `response` (hex)
    pub response: String,
    /// `algorithm`, if given
    pub algorithm: Option<String>,
    /// `cnonce`, if given
    pub cnonce: Option<String>,
    /// `qop`, if given
    pub qop: Option<String>,
    /// `nc` (8 hex digits), if given
    pub nc: Option<String>,
    /// `opaque`, if given
    pub opaque: Option<String>,
}

/// The parameters of a `WWW-Authenticate: Digest …` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChallenge {
    /// `realm`
    pub realm: String,
    /// `nonce`
    pub nonce: String,
    /// `algorithm`, if given
    pub algorithm: Option<String>,
    /// `qop` options (e.g. `auth`), if given
    pub qop: Option<String>,
    /// `stale=true`: the credentials were right but the nonce expired.
    pub stale: bool,
    /// `opaque`, if given
    pub opaque: Option<String>,
}

type AuthParams = Vec<(String, String)>;

/// Splits `Digest name=value, name="value"` into parameters (values unquoted).
/// `Ok(None)` if the scheme is not Digest.
fn parse_auth_params(value: &str) -> Result<Option<AuthParams>, String> {
    let value = trim_lws(value);
    let (scheme, rest) = value.split_once([' ', '\t']).unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("Digest") {
        return Ok(None);
    }
    let mut params = Vec::new();
    for piece in split_top_level(rest, b',').map_err(str::to_owned)? {
        let piece = trim_lws(piece);
        if piece.is_empty() {
            continue;
        }
        let (name, value) = piece
            .split_once('=')
            .ok_or_else(|| format!("parameter {piece:?} has no value"))?;
        let (name, value) = (trim_lws(name), trim_lws(value));
        if !is_token(name) {
            return Err(format!("invalid parameter name {name:?}"));
        }
        let value = if value.starts_with('"') {
            unquote(value).map_err(|e| format!("parameter {name}: {e}"))?
        } else if is_token(value) {
            value.to_owned()
        } else {
            return Err(format!("invalid value {value:?} for parameter {name}"));
        };
        params.push((name.to_ascii_lowercase(), value));
    }
    Ok(Some(params))
}

fn take(params: &AuthParams, name: &str) -> Option<String> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

fn required(params: &AuthParams, name: &str) -> Result<String, String> {
    take(params, name).ok_or_else(|| format!("missing {name} parameter"))
}

impl DigestCredentials {
    /// Parses an Authorization header value; `Ok(None)` if its scheme is not Digest.
    pub(crate) fn parse(value: &str) -> Result<Option<DigestCredentials>, String> {
        let Some(p) = parse_auth_params(value)? else {
            return Ok(None);
        };
        Ok(Some(DigestCredentials {
            username: required(&p, "username")?,
            realm: required(&p, "realm")?,
            nonce: required(&p, "nonce")?,
            uri: required(&p, "uri")?,
            response: required(&p, "response")?,
            algorithm: take(&p, "algorithm"),
            cnonce: take(&p, "cnonce"),
            qop: take(&p, "qop"),
            nc: take(&p, "nc"),
            opaque: take(&p, "opaque"),
        }))
    }

    /// Client side: answers `challenge` for a request with `method` and
    /// digest-uri `uri`, using qop=auth with nc=00000001 if the challenge offers
    /// it, and the challenge's algorithm (SHA-256 if it names it, else MD5).
    pub fn answer(
        challenge: &DigestChallenge,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
        cnonce: &str,
    ) -> DigestCredentials {
        let algorithm = challenge
            .algorithm
            .as_deref()
            .and_then(DigestAlgorithm::from_token)
            .unwrap_or(DigestAlgorithm::Md5);
        let auth = challenge.qop.as_deref().is_some_and(|q| {
            q.split(',')
                .any(|o| trim_lws(o).eq_ignore_ascii_case("auth"))
        });
        let mut creds = DigestCredentials {
            username: username.to_owned(),
            realm: challenge.realm.clone(),
            nonce: challenge.nonce.clone(),
            uri: uri.to_owned(),
            response: String::new(),
            algorithm: challenge
                .algorithm
                .as_ref()
                .map(|_| algorithm.as_str().to_owned()),
            cnonce: auth.then(|| cnonce.to_owned()),
            qop: auth.then(|| "auth".to_owned()),
            nc: auth.then(|| "00000001".to_owned()),
            opaque: challenge.opaque.clone(),
        };
        creds.response = expected_response(algorithm, &creds, password, method);
        creds
    }

    /// The header value: `Digest username="…", realm="…", …`.
    pub fn to_header_value(&self) -> String {
        let mut out = String::from("Digest ");
        let _ = write!(
            out,
            "username={}, realm={}, nonce={}, uri={}, response={}",
            quote(&self.username),
            quote(&self.realm),
            quote(&self.nonce),
            quote(&self.uri),
            quote(&self.response)
        );
        if let Some(a) = &self.algorithm {
            let _ = write!(out, ", algorithm={a}");
        }
        if let Some(c) = &self.cnonce {
            let _ = write!(out, ", cnonce={}", quote(c));
        }
        if let Some(q) = &self.qop {
            let _ = write!(out, ", qop={q}");
        }
        if let Some(nc) = &self.nc {
            let _ = write!(out, ", nc={nc}");
        }
        if let Some(o) = &self.opaque {
            let _ = write!(out, ", opaque={}", quote(o));
        }
        out
    }
}

impl DigestChallenge {
    /// Parses a WWW-Authenticate header value; `Ok(None)` if its scheme is not Digest.
    pub(crate) fn parse(value: &str) -> Result<Option<DigestChallenge>, String> {
        let Some(p) = parse_auth_params(value)? else {
            return Ok(None);
        };
        Ok(Some(DigestChallenge {
            realm: required(&p, "realm")?,
            nonce: required(&p, "nonce")?,
            algorithm: take(&p, "algorithm"),
            qop: take(&p, "qop"),
            stale: take(&p, "stale").is_some_and(|s| s.eq_ignore_ascii_case("true")),
            opaque: take(&p, "opaque"),
        }))
    }

    /// The header value: `Digest realm="…", nonce="…", algorithm=…, qop="auth"[, stale=true]`.
    pub fn to_header_value(&self) -> String {
        let mut out = format!(
            "Digest realm={}, nonce={}",
            quote(&self.realm),
            quote(&self.nonce)
        );
        if let Some(a) = &self.algorithm {
            let _ = write!(out, ", algorithm={a}");
        }
        if let Some(q) = &self.qop {
            let _ = write!(out, ", qop={}", quote(q));
        }
        if self.stale {
            out.push_str(", stale=true");
        }
        if let Some(o) = &self.opaque {
            let _ = write!(out, ", opaque={}", quote(o));
        }
        out
    }
}

/// Why credentials were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// A parameter needed for this qop is missing, empty or malformed.
    #[error("missing or malformed {0} parameter")]
    MissingParameter(&'static str),
    /// The credentials are for another realm.
    #[error("credentials are for another realm")]
    WrongRealm,
    /// The algorithm is not MD5 or SHA-256 (session variants included).
    #[error("unsupported algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// The qop is not `auth`.
    #[error("unsupported qop {0:?}")]
    UnsupportedQop(String),
    /// The nonce was not issued by this authenticator.
    #[error("nonce was not issued here")]
    InvalidNonce,
    /// The nonce is ours but expired: challenge again with `stale=true`.
    #[error("nonce expired")]
    StaleNonce,
    /// The nonce count did not increase (or a qop-less nonce was reused).
    #[error("replayed nonce or nonce count")]
    Replay,
    /// The response does not match the password.
    #[error("wrong response")]
    WrongResponse,
}

impl DigestError {
    /// True for [`DigestError::StaleNonce`]: re-challenge with `stale=true`.
    pub fn is_stale(&self) -> bool {
        matches!(self, DigestError::StaleNonce)
    }
}

/// The response a client with `password` computes for `creds` (RFC 2617 §3.2.2,
/// RFC 7616 §3.4.1): HA1 = H(user:realm:password), HA2 = H(method:digest-uri),
/// response = H(HA1:nonce:nc:cnonce:qop:HA2), or H(HA1:nonce:HA2) without qop.
pub(crate) fn expected_response(
    algorithm: DigestAlgorithm,
    creds: &DigestCredentials,
    password: &str,
    method: &str,
) -> String {
    let ha1 = algorithm.hash(&format!("{}:{}:{}", creds.username, creds.realm, password));
    let ha2 = algorithm.hash(&format!("{method}:{}", creds.uri));
    match (&creds.qop, &creds.nc, &creds.cnonce) {
        (Some(qop), Some(nc), Some(cnonce)) => {
            algorithm.hash(&format!("{ha1}:{}:{nc}:{cnonce}:{qop}:{ha2}", creds.nonce))
        }
        _ => algorithm.hash(&format!("{ha1}:{}:{ha2}", creds.nonce)),
    }
}

/// Compares two byte strings in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// Nonce layout before base64url: issue time (8 bytes BE), random (8), MAC (16).
const NONCE_LEN: usize = 32;
/// How many used nonces are remembered for replay detection.
const MAX_TRACKED_NONCES: usize = 65_536;

enum NonceUse {
    /// Used without qop: may not be used again.
    Once,
    /// Used with qop=auth: the highest nonce count seen.
    Counter(u32),
}

#[derive(Default)]
struct ReplayState {
    /// nonce → (issue time, use)
    used: HashMap<String, (u64, NonceUse)>,
    /// Nonces issued at or before this time were forgotten to bound memory;
    /// they count as stale so they cannot be replayed.
    forgotten_up_to: Option<u64>,
    last_prune: u64,
}

/// Issues and checks Digest challenges for one realm. Nonces are stateless
/// (time, randomness and an HMAC-SHA256 under `secret`); only used nonces are
/// remembered, for replay protection. `Send + Sync`: share it behind an `Arc`.
pub struct DigestAuthenticator {
    realm: String,
    mac: Hmac<Sha256>,
    nonce_lifetime_secs: u64,
    state: Mutex<ReplayState>,
}

impl std::fmt::Debug for DigestAuthenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestAuthenticator")
            .field("realm", &self.realm)
            .field("nonce_lifetime_secs", &self.nonce_lifetime_secs)
            .finish_non_exhaustive()
    }
}

impl DigestAuthenticator {
    /// An authenticator for `realm`, signing nonces with `secret`; nonces older
    /// than `nonce_lifetime_secs` are stale.
    pub fn new(realm: impl Into<String>, secret: [u8; 32], nonce_lifetime_secs: u64) -> Self {
        // HMAC pads keys shorter than its block with zeros, so this is HMAC(secret).
        let mut key = [0u8; 64];
        key[..32].copy_from_slice(&secret);
        DigestAuthenticator {
            realm: realm.into(),
            mac: Hmac::<Sha256>::new(&key.into()),
            nonce_lifetime_secs,
            state: Mutex::new(ReplayState::default()),
        }
    }

    /// The realm.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    fn tag(&self, issued: &[u8], random: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(issued);
        mac.update(random);
        mac.update(self.realm.as_bytes());
        mac
    }

    fn make_nonce(&self, now_unix_secs: u64) -> String {
        let issued = now_unix_secs.to_be_bytes();
        let mut random = [0u8; 8];
        rand::rng().fill_bytes(&mut random);
        let tag = self.tag(&issued, &random).finalize().into_bytes();
        let mut raw = Vec::with_capacity(NONCE_LEN);
        raw.extend_from_slice(&issued);
        raw.extend_from_slice(&random);
        raw.extend_from_slice(tag.get(..16).unwrap_or_default());
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// The issue time of one of our nonces, or `None` if it is not ours.
    fn nonce_issued(&self, nonce: &str) -> Option<u64> {
        let raw = URL_SAFE_NO_PAD.decode(nonce).ok()?;
        if raw.len() != NONCE_LEN {
            return None;
        }
        let (issued, rest) = raw.split_at(8);
        let (random, tag) = rest.split_at(8);
        self.tag(issued, random).verify_truncated_left(tag).ok()?;
        Some(u64::from_be_bytes(issued.try_into().ok()?))
    }

    /// A fresh challenge: new nonce, `qop="auth"`, the given algorithm.
    pub fn challenge(
        &self,
        algorithm: DigestAlgorithm,
        stale: bool,
        now_unix_secs: u64,
    ) -> DigestChallenge {
        DigestChallenge {
            realm: self.realm.clone(),
            nonce: self.make_nonce(now_unix_secs),
            algorithm: Some(algorithm.as_str().to_owned()),
            qop: Some("auth".to_owned()),
            stale,
            opaque: None,
        }
    }

    /// Checks `creds` for a request with `method` against `password`.
    ///
    /// The digest-uri of the credentials enters the hash (callers may also
    /// compare it with the Request-URI). A nonce must be ours (else
    /// `InvalidNonce`) and younger than the lifetime (else `StaleNonce`).
    /// With qop=auth, the nonce count of a nonce must strictly increase;
    /// without qop a nonce is good for one request (else `Replay`).
    pub fn verify(
        &self,
        creds: &DigestCredentials,
        method: &str,
        password: &str,
        now_unix_secs: u64,
    ) -> Result<(), DigestError> {
        if creds.realm != self.realm {
            return Err(DigestError::WrongRealm);
        }
        for (value, name) in [
            (&creds.username, "username"),
            (&creds.nonce, "nonce"),
            (&creds.uri, "uri"),
            (&creds.response, "response"),
        ] {
            if value.is_empty() {
                return Err(DigestError::MissingParameter(name));
            }
        }
        let algorithm = match creds.algorithm.as_deref() {
            None => DigestAlgorithm::Md5,
            Some(a) => DigestAlgorithm::from_token(a)
                .ok_or_else(|| DigestError::UnsupportedAlgorithm(a.to_owned()))?,
        };
        let nc = match creds.qop.as_deref() {
            None => None,
            Some(q) if q.eq_ignore_ascii_case("auth") => {
                if creds.cnonce.as_deref().is_none_or(str::is_empty) {
                    return Err(DigestError::MissingParameter("cnonce"));
                }
                let nc = creds
                    .nc
                    .as_deref()
                    .filter(|n| n.len() == 8)
                    .and_then(|n| u32::from_str_radix(n, 16).ok())
                    .ok_or(DigestError::MissingParameter("nc"))?;
                Some(nc)
            }
            Some(q) => return Err(DigestError::UnsupportedQop(q.to_owned())),
        };
        let issued = self
            .nonce_issued(&creds.nonce)
            .ok_or(DigestError::InvalidNonce)?;
        if now_unix_secs.saturating_sub(issued) > self.nonce_lifetime_secs {
            return Err(DigestError::StaleNonce);
        }
        let expected = expected_response(algorithm, creds, password, method);
        let given = creds.response.to_ascii_lowercase();
        if !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
            return Err(DigestError::WrongResponse);
        }
        self.record_use(&creds.nonce, issued, nc, now_unix_secs)
    }

    fn record_use(
        &self,
        nonce: &str,
        issued: u64,
        nc: Option<u32>,
        now: u64,
    ) -> Result<(), DigestError> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.forgotten_up_to.is_some_and(|t| issued <= t) {
            return Err(DigestError::StaleNonce);
        }
        if let Some((_, used)) = state.used.get_mut(nonce) {
            return match (used, nc) {
                (NonceUse::Counter(prev), Some(nc)) if nc > *prev => {
                    *prev = nc;
                    Ok(())
                }
                _ => Err(DigestError::Replay),
            };
        }
        let lifetime = self.nonce_lifetime_secs;
        if state.used.len() >= MAX_TRACKED_NONCES || now.saturating_sub(state.last_prune) > lifetime
        {
            state
                .used
                .retain(|_, (t, _)| now.saturating_sub(*t) <= lifetime);
            state.last_prune = now;
        }
        if state.used.len() >= MAX_TRACKED_NONCES {
            // Forget the older half; nonces issued up to then become stale.
            let mut times: Vec<u64> = state.used.values().map(|(t, _)| *t).collect();
            times.sort_unstable();
            let cutoff = times.get(times.len() / 2).copied().unwrap_or(now);
            state.used.retain(|_, (t, _)| *t > cutoff);
            state.forgotten_up_to = Some(state.forgotten_up_to.map_or(cutoff, |f| f.max(cutoff)));
            if issued <= cutoff {
                return Err(DigestError::StaleNonce);
            }
        }
        let used = nc.map_or(NonceUse::Once, NonceUse::Counter);
        state.used.insert(nonce.to_owned(), (issued, used));
        Ok(())
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.state.lock().map(|s| s.used.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc2617_creds() -> DigestCredentials {
        DigestCredentials {
            username: "Mufasa".into(),
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            uri: "/dir/index.html".into(),
            response: String::new(),
            algorithm: None,
            cnonce: Some("0a4f113b".into()),
            qop: Some("auth".into()),
            nc: Some("00000001".into()),
            opaque: Some("5ccc069c403ebaf9f0171e9517f40e41".into()),
        }
    }

    #[test]
    fn rfc2617_example_vector() {
        let creds = rfc2617_creds();
        assert_eq!(
            expected_response(DigestAlgorithm::Md5, &creds, "Circle Of Life", "GET"),
            "6629fae49393a05397450978507c4ef1"
        );
    }

    #[test]
    fn rfc7616_example_vectors() {
        let mut creds = DigestCredentials {
            username: "Mufasa".into(),
            realm: "http-auth@example.org".into(),
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v".into(),
            uri: "/dir/index.html".into(),
            response: String::new(),
            algorithm: Some("MD5".into()),
            cnonce: Some("f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ".into()),
            qop: Some("auth".into()),
            nc: Some("00000001".into()),
            opaque: None,
        };
        assert_eq!(
            expected_response(DigestAlgorithm::Md5, &creds, "Circle of Life", "GET"),
            "8ca523f5e9506fed4657c9700eebdbec"
        );
        creds.algorithm = Some("SHA-256".into());
        assert_eq!(
            expected_response(DigestAlgorithm::Sha256, &creds, "Circle of Life", "GET"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    #[test]
    fn nonces_are_signed_and_bound_to_realm_and_secret() {
        let a = DigestAuthenticator::new("a.example", [7; 32], 300);
        let nonce = a.challenge(DigestAlgorithm::Md5, false, 1000).nonce;
        assert_eq!(a.nonce_issued(&nonce), Some(1000));
        let other_realm = DigestAuthenticator::new("b.example", [7; 32], 300);
        assert_eq!(other_realm.nonce_issued(&nonce), None);
        let other_secret = DigestAuthenticator::new("a.example", [8; 32], 300);
        assert_eq!(other_secret.nonce_issued(&nonce), None);
        let mut tampered = nonce.into_bytes();
        if let Some(b) = tampered.get_mut(3) {
            *b = if *b == b'A' { b'B' } else { b'A' };
        }
        assert_eq!(a.nonce_issued(&String::from_utf8(tampered).unwrap()), None);
        assert_eq!(a.nonce_issued("not base64 !"), None);
        assert_eq!(a.nonce_issued(""), None);
    }

    #[test]
    fn replay_table_is_bounded_and_forgotten_nonces_are_stale() {
        let a = DigestAuthenticator::new("r", [1; 32], u64::MAX);
        for i in 0..MAX_TRACKED_NONCES as u64 {
            a.record_use(&format!("n{i}"), i, None, i).unwrap();
        }
        assert_eq!(a.tracked(), MAX_TRACKED_NONCES);
        let next = MAX_TRACKED_NONCES as u64;
        a.record_use("fresh", next, None, next).unwrap();
        assert!(a.tracked() <= MAX_TRACKED_NONCES / 2 + 1);
        // an old nonce that was forgotten cannot be replayed
        assert_eq!(
            a.record_use("n1", 1, None, next),
            Err(DigestError::StaleNonce)
        );
        assert_eq!(
            a.record_use("fresh", next, None, next),
            Err(DigestError::Replay)
        );
    }

    #[test]
    fn expired_nonces_are_pruned() {
        let a = DigestAuthenticator::new("r", [1; 32], 10);
        a.record_use("old", 0, Some(1), 0).unwrap();
        a.record_use("new", 100, Some(1), 100).unwrap();
        assert_eq!(a.tracked(), 1);
    }

    #[test]
    fn header_values_round_trip() {
        let a = DigestAuthenticator::new("realm \"x\"", [3; 32], 60);
        let mut ch = a.challenge(DigestAlgorithm::Sha256, true, 5);
        ch.opaque = Some("op".into());
        let parsed = DigestChallenge::parse(&ch.to_header_value())
            .unwrap()
            .unwrap();
        assert_eq!(parsed, ch);
        let creds = DigestCredentials::answer(&ch, "bob", "pw", "REGISTER", "sip:r", "abc");
        let parsed = DigestCredentials::parse(&creds.to_header_value())
            .unwrap()
            .unwrap();
        assert_eq!(parsed, creds);
        assert_eq!(
            DigestCredentials::parse("Basic Zm9vOmJhcg==").unwrap(),
            None
        );
        assert!(DigestCredentials::parse("Digest realm=\"r\"").is_err());
        assert!(DigestCredentials::parse("Digest username=\"unterminated").is_err());
    }
}
