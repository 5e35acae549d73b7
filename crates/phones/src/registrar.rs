//! The registrar's decisions about one REGISTER: who the phone is (digest with the MAC as user
//! name), and what binding it asks for (contact, expiry, de-registration).

use callboard_core::Mac;
use sip_proto::{Contact, DigestError, NameAddr, SipMessage};

use crate::link::Shared;

/// Why a REGISTER is not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthFailure {
    /// Answer 401 with a fresh challenge.
    Challenge {
        /// The phone's nonce expired; it may retry without asking the user.
        stale: bool,
    },
    /// Answer 403 with this reason phrase; the text goes to the log.
    Forbidden(&'static str, String),
    /// Answer 400: the Authorization header is malformed.
    BadRequest(String),
}

/// Checks the REGISTER's digest credentials: the user name must be a MAC address and the
/// password the configured phone password.
pub(crate) fn authenticate(
    shared: &Shared,
    request: &SipMessage,
    now_secs: u64,
) -> Result<Mac, AuthFailure> {
    let credentials = match request.authorization() {
        Ok(Some(credentials)) => credentials,
        Ok(None) => return Err(AuthFailure::Challenge { stale: false }),
        Err(error) => return Err(AuthFailure::BadRequest(error.to_string())),
    };
    let mac: Mac = credentials.username.parse().map_err(|_| {
        AuthFailure::Forbidden(
            "User Name Is Not A MAC Address",
            format!(
                "digest user name `{}` is not a MAC address",
                credentials.username
            ),
        )
    })?;
    let password = &shared.settings.phone_password;
    if password.is_empty() {
        return Err(AuthFailure::Forbidden(
            "Phone Password Not Configured",
            "sip.phone_password is not set, so every phone is refused".into(),
        ));
    }
    let method = request.method().map_or("REGISTER", |m| m.as_str());
    match shared
        .authenticator
        .verify(&credentials, method, password, now_secs)
    {
        Ok(()) => Ok(mac),
        Err(error) if error.is_stale() => Err(AuthFailure::Challenge { stale: true }),
        Err(DigestError::InvalidNonce | DigestError::Replay | DigestError::WrongRealm) => {
            Err(AuthFailure::Challenge { stale: false })
        }
        Err(DigestError::WrongResponse) => Err(AuthFailure::Forbidden(
            "Wrong Password",
            format!("phone {mac} sent a wrong digest response (wrong phone password?)"),
        )),
        Err(other) => Err(AuthFailure::Forbidden(
            "Authentication Failed",
            other.to_string(),
        )),
    }
}

/// What a REGISTER asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BindingRequest {
    /// Bind (or refresh) this contact; `expires` is what the phone asked (None: no preference).
    Bind {
        /// The contact URI the phone can be reached at.
        contact: String,
        /// Requested seconds.
        expires: Option<u32>,
    },
    /// Remove the binding (`Expires: 0` or `Contact: *`).
    Unbind,
    /// No Contact: only asks for the current bindings.
    Query,
}

/// Reads the binding a REGISTER asks for.
pub(crate) fn binding_request(request: &SipMessage) -> Result<BindingRequest, String> {
    let header_expires = request.expires().map_err(|e| e.to_string())?;
    let contacts = request.contacts().map_err(|e| e.to_string())?;
    let Some(first) = contacts.first() else {
        return Ok(BindingRequest::Query);
    };
    match first {
        Contact::Star => {
            if contacts.len() == 1 && header_expires == Some(0) {
                Ok(BindingRequest::Unbind)
            } else {
                Err("`Contact: *` needs `Expires: 0` and no other contact".into())
            }
        }
        Contact::Address(address) => {
            let expires = first.expires().or(header_expires);
            if expires == Some(0) {
                Ok(BindingRequest::Unbind)
            } else {
                Ok(BindingRequest::Bind {
                    contact: address.uri.to_string(),
                    expires,
                })
            }
        }
    }
}

/// The phone's address of record (the To header), used as the To of our CSTA dialog.
pub(crate) fn address_of_record(request: &SipMessage) -> Result<NameAddr, String> {
    let mut to = request.to_header().map_err(|e| e.to_string())?;
    to.params
        .retain(|(name, _)| !name.eq_ignore_ascii_case("tag"));
    Ok(to)
}

/// Seconds granted: what the phone asked, at most `max`, and `max` when it did not ask.
pub(crate) fn granted_expiry(requested: Option<u32>, max: u32) -> u32 {
    requested.map_or(max, |r| r.min(max)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register(extra: &str) -> SipMessage {
        let text = format!(
            "REGISTER sip:test.local SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5062;branch=z9hG4bK1\r\n\
             From: <sip:201@test.local>;tag=1\r\nTo: <sip:201@test.local>\r\nCall-ID: a@b\r\n\
             CSeq: 1 REGISTER\r\n{extra}Content-Length: 0\r\n\r\n"
        );
        SipMessage::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn binding_requests() {
        assert_eq!(
            binding_request(&register(
                "Contact: <sip:201@127.0.0.1:5062;transport=tcp>\r\nExpires: 3600\r\n"
            )),
            Ok(BindingRequest::Bind {
                contact: "sip:201@127.0.0.1:5062;transport=tcp".into(),
                expires: Some(3600)
            })
        );
        assert_eq!(
            binding_request(&register(
                "Contact: <sip:201@h>;expires=60\r\nExpires: 3600\r\n"
            )),
            Ok(BindingRequest::Bind {
                contact: "sip:201@h".into(),
                expires: Some(60)
            })
        );
        assert_eq!(
            binding_request(&register("Contact: <sip:201@h>\r\nExpires: 0\r\n")),
            Ok(BindingRequest::Unbind)
        );
        assert_eq!(
            binding_request(&register("Contact: *\r\nExpires: 0\r\n")),
            Ok(BindingRequest::Unbind)
        );
        assert!(binding_request(&register("Contact: *\r\n")).is_err());
        assert_eq!(binding_request(&register("")), Ok(BindingRequest::Query));
    }

    #[test]
    fn expiry_is_capped_by_the_setting() {
        assert_eq!(granted_expiry(Some(3600), 120), 120);
        assert_eq!(granted_expiry(Some(60), 120), 60);
        assert_eq!(granted_expiry(None, 120), 120);
    }

    #[test]
    fn the_address_of_record_drops_the_tag() {
        let request = register("");
        let mut with_tag = request.clone();
        with_tag.headers.set("To", "<sip:201@test.local>;tag=xyz");
        assert_eq!(
            address_of_record(&with_tag).unwrap().to_string(),
            "<sip:201@test.local>"
        );
    }
}
