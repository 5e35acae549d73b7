//! ECMA-354 application session messages (Start/ResetTimer/Stop
//! ApplicationSession and their responses), used on CSTA-over-TCP links to
//! log in and keep the link alive.
//!
//! Also callboard's session-resume extension: a client that lost its
//! connection names its old session (`resumeSessionID`) and the last event
//! sequence number it saw (`lastSequenceNumber`) inside
//! `applicationSpecificInfo`; the positive response says whether the session
//! was resumed (`<extensions>…<sessionResume>`), see [`SessionResume`].

use std::fmt;

use crate::codec::{ListItem, XmlValue, csta_struct};
use crate::edition::{Edition, detect_edition};
use crate::error::DecodeError;
use crate::xml::{XmlElement, XmlWriter};

/// Namespace of callboard's private extensions (`sequenceNumber` of events,
/// `sessionResume` of [`StartApplicationSessionPosResponse`]).
pub const CALLBOARD_NAMESPACE: &str = "urn:callboard:csta";

/// Login data found in `applicationSpecificInfo`.
///
/// Clients nest it differently (Avaya: `SessionLoginInfo/userName`,
/// OpenScape Business clients: `user`), so `userName` (or `user`) and
/// `password` are searched by local name at any depth. The same holds for
/// callboard's resume extension, `resumeSessionID` and `lastSequenceNumber`
/// (a `lastSequenceNumber` that is not an unsigned integer is ignored). It is
/// written as `<SessionLoginInfo><userName/><password/><resumeSessionID/>
/// <lastSequenceNumber/></SessionLoginInfo>` (absent fields omitted). The
/// password is hidden in `Debug` output.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SessionLoginInfo {
    /// `userName` (or `user`)
    pub user_name: Option<String>,
    /// `password`
    pub password: Option<String>,
    /// `resumeSessionID`: the session a reconnecting client asks to resume
    /// (callboard extension).
    pub resume_session_id: Option<String>,
    /// `computerName`: the workstation the user logs in from (its phones follow the user,
    /// NUM3), or the account itself for a login by computer name (callboard extension).
    pub computer_name: Option<String>,
    /// `lastSequenceNumber`: the sequence number of the last event the
    /// resuming client received (callboard extension).
    pub last_sequence_number: Option<u64>,
}

impl fmt::Debug for SessionLoginInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionLoginInfo")
            .field("user_name", &self.user_name)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("resume_session_id", &self.resume_session_id)
            .field("last_sequence_number", &self.last_sequence_number)
            .finish()
    }
}

impl XmlValue for SessionLoginInfo {
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        let user_name = el
            .descendant("userName")
            .or_else(|| el.descendant("user"))
            .map(|e| e.text.clone());
        let password = el.descendant("password").map(|e| e.text.clone());
        let resume_session_id = el.descendant("resumeSessionID").map(|e| e.text.clone());
        let computer_name = el
            .descendant("computerName")
            .map(|e| e.text.trim().to_owned())
            .filter(|c| !c.is_empty());
        let last_sequence_number = el
            .descendant("lastSequenceNumber")
            .and_then(|e| e.text.parse().ok());
        Ok(SessionLoginInfo {
            user_name,
            password,
            resume_session_id,
            computer_name,
            last_sequence_number,
        })
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.start(name);
        w.start("SessionLoginInfo");
        if let Some(u) = &self.user_name {
            w.text_element("userName", u);
        }
        if let Some(p) = &self.password {
            w.text_element("password", p);
        }
        if let Some(c) = &self.computer_name {
            w.text_element("computerName", c);
        }
        if let Some(s) = &self.resume_session_id {
            w.text_element("resumeSessionID", s);
        }
        if let Some(n) = self.last_sequence_number {
            w.text_element("lastSequenceNumber", &n.to_string());
        }
        w.end("SessionLoginInfo");
        w.end(name);
    }
}

/// Outcome of a resume request (callboard extension), carried in
/// [`StartApplicationSessionPosResponse::session_resume`] as
/// `<extensions><privateData><private><sessionResume
/// xmlns="urn:callboard:csta">resumed</sessionResume></private></privateData></extensions>`.
/// Decoding looks for `sessionResume` anywhere inside `extensions`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SessionResume {
    /// `resumed`: the old session continues; the missed events follow.
    Resumed,
    /// `snapshotRequired`: the old session could not be resumed; the response
    /// carries a new session ID and the client must start its monitors again
    /// and take snapshots.
    SnapshotRequired,
    /// A value not known to this codec, kept verbatim.
    Other(String),
}

impl SessionResume {
    /// The XML spelling of the value.
    pub fn as_str(&self) -> &str {
        match self {
            SessionResume::Resumed => "resumed",
            SessionResume::SnapshotRequired => "snapshotRequired",
            SessionResume::Other(s) => s,
        }
    }
}

impl From<&str> for SessionResume {
    fn from(s: &str) -> Self {
        match s {
            "resumed" => SessionResume::Resumed,
            "snapshotRequired" => SessionResume::SnapshotRequired,
            other => SessionResume::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for SessionResume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// callboard's extensions of [`StartApplicationSessionPosResponse`], written as
/// `<extensions><privateData><private>` with elements in the `urn:callboard:csta` namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SessionExtensions {
    /// `sessionResume`: whether a requested resume succeeded (absent when none was asked).
    pub session_resume: Option<SessionResume>,
    /// `transferredPassword`: the account's new password, handed over once when an
    /// administrator asked for a "transfer at next login" (DIR4); the client stores it.
    pub transferred_password: Option<String>,
}

impl XmlValue for SessionExtensions {
    /// Reads the `extensions` element: `sessionResume` and `transferredPassword` anywhere in it.
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        Ok(SessionExtensions {
            session_resume: el
                .descendant("sessionResume")
                .map(|e| SessionResume::from(e.text.as_str())),
            transferred_password: el.descendant("transferredPassword").map(|e| e.text.clone()),
        })
    }
    /// Writes the whole `extensions` element called `name`.
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.start(name);
        w.start("privateData");
        w.start("private");
        if let Some(resume) = &self.session_resume {
            w.start_with_attrs("sessionResume", &[("xmlns", CALLBOARD_NAMESPACE)]);
            w.text(resume.as_str());
            w.end("sessionResume");
        }
        if let Some(password) = &self.transferred_password {
            w.start_with_attrs("transferredPassword", &[("xmlns", CALLBOARD_NAMESPACE)]);
            w.text(password);
            w.end("transferredPassword");
        }
        w.end("private");
        w.end("privateData");
        w.end(name);
    }
}

csta_struct! {
    /// `applicationInfo` of [`StartApplicationSession`].
    pub struct ApplicationInfo {
        /// `applicationID`; ECMA-354 requires it, but a client that leaves it out is still
        /// let in (its login is what matters).
        pub application_id: Option<String> => "applicationID",
        /// `applicationSpecificInfo` (login data)
        pub application_specific_info: Option<SessionLoginInfo> => "applicationSpecificInfo",
    }
}

/// A protocol version URI (`protocolVersion`, `actualProtocolVersion`),
/// normally an ECMA-323 namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ProtocolVersion(pub String);

impl ProtocolVersion {
    /// The version for an ECMA-323 edition (its namespace URI).
    pub fn for_edition(edition: Edition) -> Self {
        ProtocolVersion(edition.namespace().to_owned())
    }

    /// The ECMA-323 edition this version denotes, if recognised.
    pub fn edition(&self) -> Option<Edition> {
        detect_edition(&self.0)
    }
}

impl XmlValue for ProtocolVersion {
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        Ok(ProtocolVersion(el.text.clone()))
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.text_element(name, &self.0);
    }
}

impl ListItem for ProtocolVersion {
    const ITEM: &'static str = "protocolVersion";
}

csta_struct! {
    /// `StartApplicationSession`: opens a session (the login of a CSTA
    /// client).
    pub struct StartApplicationSession {
        /// `applicationInfo`
        pub application_info: ApplicationInfo => "applicationInfo",
        /// `requestedProtocolVersions/protocolVersion`
        pub requested_protocol_versions: Vec<ProtocolVersion> => "requestedProtocolVersions",
        /// `requestedSessionDuration` in seconds
        pub requested_session_duration: Option<u32> => "requestedSessionDuration",
    }
}

csta_struct! {
    /// `StartApplicationSessionPosResponse`.
    pub struct StartApplicationSessionPosResponse {
        /// `sessionID`
        pub session_id: String => "sessionID",
        /// `actualProtocolVersion`
        pub actual_protocol_version: ProtocolVersion => "actualProtocolVersion",
        /// `actualSessionDuration` in seconds
        pub actual_session_duration: Option<u32> => "actualSessionDuration",
                /// `extensions/privateData/private`: callboard's extensions (resume
        /// outcome, a transferred password); absent when there is neither.
        pub extensions: Option<SessionExtensions> => "extensions",
    }
}

csta_struct! {
    /// `errorCode` of a negative session response, e.g.
    /// `<definedError>invalidApplicationInfo</definedError>`.
    pub struct SessionErrorCode {
        /// `definedError`
        pub defined_error: Option<String> => "definedError",
        /// `implementationSpecific`
        pub implementation_specific: Option<String> => "implementationSpecific",
    }
}

csta_struct! {
    /// `StartApplicationSessionNegResponse`.
    pub struct StartApplicationSessionNegResponse {
        /// `errorCode`
        pub error_code: Option<SessionErrorCode> => "errorCode",
    }
}

csta_struct! {
    /// `ResetApplicationSessionTimer`: the session keepalive.
    pub struct ResetApplicationSessionTimer {
        /// `sessionID`
        pub session_id: String => "sessionID",
        /// `requestedSessionDuration` in seconds
        pub requested_session_duration: Option<u32> => "requestedSessionDuration",
    }
}

csta_struct! {
    /// `ResetApplicationSessionTimerPosResponse`.
    pub struct ResetApplicationSessionTimerPosResponse {
        /// `actualSessionDuration` in seconds
        pub actual_session_duration: Option<u32> => "actualSessionDuration",
    }
}

csta_struct! {
    /// `ResetApplicationSessionTimerNegResponse`.
    pub struct ResetApplicationSessionTimerNegResponse {
        /// `errorCode`
        pub error_code: Option<SessionErrorCode> => "errorCode",
    }
}

csta_struct! {
    /// `sessionEndReason` of [`StopApplicationSession`].
    pub struct SessionEndReason {
        /// `definedEndReason` (e.g. `normal`)
        pub defined_end_reason: Option<String> => "definedEndReason",
        /// `applicationEndReason`
        pub application_end_reason: Option<String> => "applicationEndReason",
    }
}

csta_struct! {
    /// `StopApplicationSession`: closes a session.
    pub struct StopApplicationSession {
        /// `sessionID`
        pub session_id: String => "sessionID",
        /// `sessionEndReason`
        pub session_end_reason: Option<SessionEndReason> => "sessionEndReason",
    }
}

csta_struct! {
    /// `StopApplicationSessionPosResponse` (empty).
    pub struct StopApplicationSessionPosResponse {}
}

csta_struct! {
    /// `StopApplicationSessionNegResponse`.
    pub struct StopApplicationSessionNegResponse {
        /// `errorCode`
        pub error_code: Option<SessionErrorCode> => "errorCode",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CstaMessage, decode, encode};

    const RESUME_LOGIN: &str = r#"<?xml version="1.0" encoding="UTF-8"?><StartApplicationSession xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session"><applicationInfo><applicationID>driver</applicationID><applicationSpecificInfo><SessionLoginInfo><userName>alice</userName><password>pw</password><resumeSessionID>0123abcd</resumeSessionID><lastSequenceNumber>18446744073709551615</lastSequenceNumber></SessionLoginInfo></applicationSpecificInfo></applicationInfo><requestedSessionDuration>60</requestedSessionDuration></StartApplicationSession>"#;

    fn resume_login() -> StartApplicationSession {
        StartApplicationSession {
            application_info: ApplicationInfo {
                application_id: Some("driver".into()),
                application_specific_info: Some(SessionLoginInfo {
                    user_name: Some("alice".into()),
                    password: Some("pw".into()),
                    resume_session_id: Some("0123abcd".into()),
                    last_sequence_number: Some(u64::MAX),
                    computer_name: None,
                }),
            },
            requested_protocol_versions: Vec::new(),
            requested_session_duration: Some(60),
        }
    }

    #[test]
    fn resume_fields_are_written_inside_session_login_info() {
        let xml = encode(&resume_login().into(), crate::Edition::Ed5);
        assert_eq!(xml, RESUME_LOGIN);
        assert_eq!(
            decode(xml.as_bytes()).unwrap().message,
            resume_login().into()
        );
    }

    #[test]
    fn resume_fields_are_found_anywhere_by_local_name() {
        let xml = r#"<StartApplicationSession xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session">
<applicationInfo><applicationID>x</applicationID><applicationSpecificInfo>
  <a:login xmlns:a="urn:vendor"><a:user>bob</a:user><a:password>pw</a:password></a:login>
  <cb:resume xmlns:cb="urn:callboard:csta"><cb:resumeSessionID> S1 </cb:resumeSessionID></cb:resume>
  <lastSequenceNumber>42</lastSequenceNumber>
</applicationSpecificInfo></applicationInfo></StartApplicationSession>"#;
        let CstaMessage::StartApplicationSession(s) = decode(xml.as_bytes()).unwrap().message
        else {
            panic!("not a StartApplicationSession")
        };
        let login = s.application_info.application_specific_info.unwrap();
        assert_eq!(login.user_name.as_deref(), Some("bob"));
        assert_eq!(login.resume_session_id.as_deref(), Some("S1"));
        assert_eq!(login.last_sequence_number, Some(42));
        let debug = format!("{login:?}");
        assert!(debug.contains("S1") && !debug.contains("\"pw\""), "{debug}");
    }

    #[test]
    fn a_bad_last_sequence_number_is_ignored() {
        for bad in ["-1", "x", "", "18446744073709551616"] {
            let xml = format!(
                "<StartApplicationSession><applicationInfo><applicationID>x</applicationID><applicationSpecificInfo><resumeSessionID>S</resumeSessionID><lastSequenceNumber>{bad}</lastSequenceNumber></applicationSpecificInfo></applicationInfo></StartApplicationSession>"
            );
            let CstaMessage::StartApplicationSession(s) = decode(xml.as_bytes()).unwrap().message
            else {
                panic!("not a StartApplicationSession")
            };
            let login = s.application_info.application_specific_info.unwrap();
            assert_eq!(login.resume_session_id.as_deref(), Some("S"));
            assert_eq!(login.last_sequence_number, None, "{bad}");
        }
    }

    #[test]
    fn session_resume_is_an_extension_of_the_positive_response() {
        let response = StartApplicationSessionPosResponse {
            session_id: "S1".into(),
            actual_protocol_version: ProtocolVersion::for_edition(crate::Edition::Ed5),
            actual_session_duration: Some(180),
            extensions: Some(SessionExtensions {
                session_resume: Some(SessionResume::SnapshotRequired),
                transferred_password: None,
            }),
        };
        let xml = encode(&response.clone().into(), crate::Edition::Ed5);
        assert!(
            xml.ends_with("<actualSessionDuration>180</actualSessionDuration><extensions><privateData><private><sessionResume xmlns=\"urn:callboard:csta\">snapshotRequired</sessionResume></private></privateData></extensions></StartApplicationSessionPosResponse>"),
            "{xml}"
        );
        assert_eq!(decode(xml.as_bytes()).unwrap().message, response.into());

        // Other private data in the extensions is skipped; no sessionResume means None.
        let xml = r#"<StartApplicationSessionPosResponse><sessionID>S</sessionID><actualProtocolVersion>v</actualProtocolVersion>
<extensions><privateData><private><vendorThing>1</vendorThing><x:sessionResume xmlns:x="urn:callboard:csta">resumed</x:sessionResume></private></privateData></extensions></StartApplicationSessionPosResponse>"#;
        let CstaMessage::StartApplicationSessionPosResponse(p) =
            decode(xml.as_bytes()).unwrap().message
        else {
            panic!("not a positive response")
        };
        assert_eq!(
            p.extensions.and_then(|e| e.session_resume),
            Some(SessionResume::Resumed)
        );
        let xml = r#"<StartApplicationSessionPosResponse><sessionID>S</sessionID><actualProtocolVersion>v</actualProtocolVersion><extensions><privateData/></extensions></StartApplicationSessionPosResponse>"#;
        let CstaMessage::StartApplicationSessionPosResponse(p) =
            decode(xml.as_bytes()).unwrap().message
        else {
            panic!("not a positive response")
        };
        assert_eq!(p.extensions.and_then(|e| e.session_resume), None);
        assert_eq!(
            SessionResume::from("later"),
            SessionResume::Other("later".into())
        );
        assert_eq!(SessionResume::Resumed.to_string(), "resumed");
    }

    #[test]
    fn a_transferred_password_and_the_computer_name_travel_as_extensions() {
        let response = StartApplicationSessionPosResponse {
            session_id: "S1".into(),
            actual_protocol_version: ProtocolVersion::for_edition(crate::Edition::Ed5),
            actual_session_duration: Some(60),
            extensions: Some(SessionExtensions {
                session_resume: None,
                transferred_password: Some("n3w<pass>".into()),
            }),
        };
        let xml = encode(&response.clone().into(), crate::Edition::Ed5);
        assert!(
            xml.contains("<transferredPassword xmlns=\"urn:callboard:csta\">n3w&lt;pass&gt;</transferredPassword>"),
            "{xml}"
        );
        assert_eq!(decode(xml.as_bytes()).unwrap().message, response.into());
        let login = r#"<StartApplicationSession><applicationInfo><applicationID>a</applicationID><applicationSpecificInfo><SessionLoginInfo><userName>ford</userName><password>p</password><computerName> WS-042 </computerName></SessionLoginInfo></applicationSpecificInfo></applicationInfo></StartApplicationSession>"#;
        let CstaMessage::StartApplicationSession(start) = decode(login.as_bytes()).unwrap().message
        else {
            panic!("not a login")
        };
        let info = start.application_info.application_specific_info.unwrap();
        assert_eq!(info.computer_name.as_deref(), Some("WS-042"));
    }
}
