//! ECMA-354 application session messages (Start/ResetTimer/Stop
//! ApplicationSession and their responses), used on CSTA-over-TCP links to
//! log in and keep the link alive.

use std::fmt;

use crate::codec::{ListItem, XmlValue, csta_struct};
use crate::edition::{Edition, detect_edition};
use crate::error::DecodeError;
use crate::xml::{XmlElement, XmlWriter};

/// Login data found in `applicationSpecificInfo`.
///
/// Clients nest it differently (Avaya: `SessionLoginInfo/userName`,
/// OpenScape Business clients: `user`), so `userName` (or `user`) and
/// `password` are searched by local name at any depth. It is written as
/// `<SessionLoginInfo><userName/><password/></SessionLoginInfo>`. The
/// password is hidden in `Debug` output.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SessionLoginInfo {
    /// `userName` (or `user`)
    pub user_name: Option<String>,
    /// `password`
    pub password: Option<String>,
}

impl fmt::Debug for SessionLoginInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionLoginInfo")
            .field("user_name", &self.user_name)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
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
        Ok(SessionLoginInfo {
            user_name,
            password,
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
        w.end("SessionLoginInfo");
        w.end(name);
    }
}

csta_struct! {
    /// `applicationInfo` of [`StartApplicationSession`].
    pub struct ApplicationInfo {
        /// `applicationID`
        pub application_id: String => "applicationID",
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
