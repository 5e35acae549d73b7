//! Digest authentication end to end, with responses computed independently
//! of the crate (straight from RFC 2617 §3.2.2 with the md-5/sha2 crates).

use md5::Md5;
use sha2::{Digest, Sha256};
use sip_proto::{
    DigestAlgorithm, DigestAuthenticator, DigestChallenge, DigestCredentials, DigestError,
    SipMessage,
};

const SECRET: [u8; 32] = [42; 32];
const NOW: u64 = 1_700_000_000;

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Credentials for `challenge` with qop=auth, response computed by hand.
fn client_creds(
    challenge: &DigestChallenge,
    password: &str,
    method: &str,
    nc: &str,
    hash: fn(&str) -> String,
) -> DigestCredentials {
    let (user, uri, cnonce) = ("alice", "sip:pbx.example.com", "0a4f113b");
    let ha1 = hash(&format!("{user}:{}:{password}", challenge.realm));
    let ha2 = hash(&format!("{method}:{uri}"));
    let response = hash(&format!(
        "{ha1}:{}:{nc}:{cnonce}:auth:{ha2}",
        challenge.nonce
    ));
    DigestCredentials {
        username: user.into(),
        realm: challenge.realm.clone(),
        nonce: challenge.nonce.clone(),
        uri: uri.into(),
        response,
        algorithm: challenge.algorithm.clone(),
        cnonce: Some(cnonce.into()),
        qop: Some("auth".into()),
        nc: Some(nc.into()),
        opaque: None,
    }
}

fn auth() -> DigestAuthenticator {
    DigestAuthenticator::new("pbx.example.com", SECRET, 300)
}

#[test]
fn md5_and_sha256_responses_verify() {
    let a = auth();
    let ch = a.challenge(DigestAlgorithm::Md5, false, NOW);
    assert_eq!(ch.algorithm.as_deref(), Some("MD5"));
    assert_eq!(ch.qop.as_deref(), Some("auth"));
    let creds = client_creds(&ch, "secret", "REGISTER", "00000001", md5_hex);
    assert_eq!(a.verify(&creds, "REGISTER", "secret", NOW + 10), Ok(()));

    let ch = a.challenge(DigestAlgorithm::Sha256, false, NOW);
    assert_eq!(ch.algorithm.as_deref(), Some("SHA-256"));
    let creds = client_creds(&ch, "secret", "REGISTER", "00000001", sha256_hex);
    assert_eq!(a.verify(&creds, "REGISTER", "secret", NOW + 10), Ok(()));
}

#[test]
fn verify_through_header_text() {
    let a = auth();
    let ch = a.challenge(DigestAlgorithm::Md5, false, NOW);
    let response = format!(
        "SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: {}\r\nContent-Length: 0\r\n\r\n",
        ch.to_header_value()
    );
    let parsed = SipMessage::parse(response.as_bytes())
        .unwrap()
        .www_authenticate()
        .unwrap()
        .unwrap();
    assert_eq!(parsed, ch);
    let creds = client_creds(&parsed, "pw", "REGISTER", "00000001", md5_hex);
    let request = format!(
        "REGISTER sip:pbx.example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\
         To: <sip:alice@pbx.example.com>\r\nFrom: <sip:alice@pbx.example.com>;tag=1\r\n\
         Call-ID: c\r\nCSeq: 2 REGISTER\r\nAuthorization: {}\r\nContent-Length: 0\r\n\r\n",
        creds.to_header_value()
    );
    let m = SipMessage::parse(request.as_bytes()).unwrap();
    let got = m.authorization().unwrap().unwrap();
    assert_eq!(got, creds);
    assert_eq!(a.verify(&got, "REGISTER", "pw", NOW), Ok(()));
    // the crate's own client helper agrees with the hand computation
    let helper = DigestCredentials::answer(
        &ch,
        "alice",
        "pw",
        "REGISTER",
        "sip:pbx.example.com",
        "0a4f113b",
    );
    assert_eq!(helper.response, creds.response);
}

#[test]
fn legacy_responses_without_qop_verify_once() {
    let a = auth();
    let ch = a.challenge(DigestAlgorithm::Md5, false, NOW);
    let ha1 = md5_hex("alice:pbx.example.com:pw");
    let ha2 = md5_hex("INVITE:sip:bob@pbx.example.com");
    let creds = DigestCredentials {
        username: "alice".into(),
        realm: "pbx.example.com".into(),
        nonce: ch.nonce.clone(),
        uri: "sip:bob@pbx.example.com".into(),
        response: md5_hex(&format!("{ha1}:{}:{ha2}", ch.nonce)).to_uppercase(),
        algorithm: None,
        cnonce: None,
        qop: None,
        nc: None,
        opaque: None,
    };
    assert_eq!(a.verify(&creds, "INVITE", "pw", NOW), Ok(()));
    assert_eq!(
        a.verify(&creds, "INVITE", "pw", NOW),
        Err(DigestError::Replay)
    );
}

#[test]
fn nonce_counts_must_increase() {
    let a = auth();
    let ch = a.challenge(DigestAlgorithm::Md5, false, NOW);
    let c1 = client_creds(&ch, "pw", "REGISTER", "00000001", md5_hex);
    let c2 = client_creds(&ch, "pw", "REGISTER", "00000002", md5_hex);
    let c5 = client_creds(&ch, "pw", "REGISTER", "00000005", md5_hex);
    assert_eq!(a.verify(&c1, "REGISTER", "pw", NOW), Ok(()));
    assert_eq!(
        a.verify(&c1, "REGISTER", "pw", NOW),
        Err(DigestError::Replay)
    );
    assert_eq!(a.verify(&c5, "REGISTER", "pw", NOW), Ok(()));
    assert_eq!(
        a.verify(&c2, "REGISTER", "pw", NOW),
        Err(DigestError::Replay)
    );
    // a wrong password does not advance the counter
    let c6 = client_creds(&ch, "wrong", "REGISTER", "00000006", md5_hex);
    assert_eq!(
        a.verify(&c6, "REGISTER", "pw", NOW),
        Err(DigestError::WrongResponse)
    );
    let c6 = client_creds(&ch, "pw", "REGISTER", "00000006", md5_hex);
    assert_eq!(a.verify(&c6, "REGISTER", "pw", NOW), Ok(()));
}

#[test]
fn rejections() {
    let a = auth();
    let ch = a.challenge(DigestAlgorithm::Md5, false, NOW);
    let good = client_creds(&ch, "pw", "REGISTER", "00000001", md5_hex);

    let stale = a.verify(&good, "REGISTER", "pw", NOW + 301).unwrap_err();
    assert_eq!(stale, DigestError::StaleNonce);
    assert!(stale.is_stale());
    assert!(!DigestError::WrongResponse.is_stale());

    assert_eq!(
        a.verify(&good, "INVITE", "pw", NOW),
        Err(DigestError::WrongResponse)
    );
    assert_eq!(
        a.verify(&good, "REGISTER", "other", NOW),
        Err(DigestError::WrongResponse)
    );

    let mut c = good.clone();
    c.realm = "elsewhere".into();
    assert_eq!(
        a.verify(&c, "REGISTER", "pw", NOW),
        Err(DigestError::WrongRealm)
    );

    let forged = DigestAuthenticator::new("pbx.example.com", [1; 32], 300).challenge(
        DigestAlgorithm::Md5,
        false,
        NOW,
    );
    let c = client_creds(&forged, "pw", "REGISTER", "00000001", md5_hex);
    assert_eq!(
        a.verify(&c, "REGISTER", "pw", NOW),
        Err(DigestError::InvalidNonce)
    );
    let mut c = good.clone();
    c.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093".into();
    assert_eq!(
        a.verify(&c, "REGISTER", "pw", NOW),
        Err(DigestError::InvalidNonce)
    );

    for (alg, want) in [("MD5-sess", "MD5-sess"), ("SHA-512-256", "SHA-512-256")] {
        let mut c = good.clone();
        c.algorithm = Some(alg.into());
        assert_eq!(
            a.verify(&c, "REGISTER", "pw", NOW),
            Err(DigestError::UnsupportedAlgorithm(want.into()))
        );
    }
    let mut c = good.clone();
    c.qop = Some("auth-int".into());
    assert_eq!(
        a.verify(&c, "REGISTER", "pw", NOW),
        Err(DigestError::UnsupportedQop("auth-int".into()))
    );

    let mut c = good.clone();
    c.cnonce = None;
    assert_eq!(
        a.verify(&c, "REGISTER", "pw", NOW),
        Err(DigestError::MissingParameter("cnonce"))
    );
    let mut c = good.clone();
    c.nc = Some("1".into());
    assert_eq!(
        a.verify(&c, "REGISTER", "pw", NOW),
        Err(DigestError::MissingParameter("nc"))
    );
    let mut c = good.clone();
    c.username.clear();
    assert_eq!(
        a.verify(&c, "REGISTER", "pw", NOW),
        Err(DigestError::MissingParameter("username"))
    );

    // after all those failures the good credentials still work once
    assert_eq!(a.verify(&good, "REGISTER", "pw", NOW), Ok(()));
}

#[test]
fn stale_challenge_and_sharing_across_threads() {
    let a = std::sync::Arc::new(auth());
    assert_eq!(a.realm(), "pbx.example.com");
    let ch = a.challenge(DigestAlgorithm::Sha256, true, NOW);
    assert!(ch.stale);
    assert!(ch.to_header_value().contains("stale=true"));
    let handles: Vec<_> = (1..=4u32)
        .map(|i| {
            let a = a.clone();
            let ch = ch.clone();
            std::thread::spawn(move || {
                let c = client_creds(&ch, "pw", "REGISTER", &format!("{i:08x}"), sha256_hex);
                a.verify(&c, "REGISTER", "pw", NOW).is_ok()
            })
        })
        .collect();
    let ok = handles
        .into_iter()
        .map(|h| h.join().unwrap_or(false))
        .filter(|ok| *ok)
        .count();
    // the counts race: whichever arrives first wins, later lower ones are replays
    assert!((1..=4).contains(&ok));
}
