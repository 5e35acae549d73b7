//! The message enum and the top-level `decode` / `encode` functions:
//! dispatch by the root element's local name, namespace-agnostic.

use crate::call_control::*;
use crate::codec::XmlBody;
use crate::edition::{Edition, SESSION_NAMESPACE, detect_edition};
use crate::error::DecodeError;
use crate::events::*;
use crate::features::*;
use crate::monitor::*;
use crate::session::*;
use crate::system::*;
use crate::types::CstaError;
use crate::xml::{ParseLimits, XmlElement, XmlWriter, is_xml_name, parse_xml_with};

/// Declares [`CstaMessage`] from a table of
/// `Variant(Type) = "XmlName" | "alias"…, kind;` rows, where kind is
/// `csta` (service request/response), `event` or `session` (ECMA-354).
macro_rules! messages {
    ( $( $(#[$m:meta])* $variant:ident($ty:ty) = $xml:literal $(| $alias:literal)* , $kind:ident; )* ) => {
        /// One CSTA (ECMA-323) or application session (ECMA-354) message.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum CstaMessage {
            $(
                $(#[$m])*
                #[doc = concat!("`<", $xml, ">`")]
                $variant($ty),
            )*
            /// A message whose root element this codec does not know; only
            /// its local name is kept.
            Unknown {
                /// Local name of the root element.
                name: String,
            },
        }

        impl CstaMessage {
            /// Root element names of all known messages, in declaration
            /// order (the written spelling; aliases accepted when decoding
            /// are not listed).
            pub const NAMES: &'static [&'static str] = &[$($xml),*];

            /// Local name of the root element this message is written as.
            pub fn name(&self) -> &str {
                match self {
                    $( CstaMessage::$variant(_) => $xml, )*
                    CstaMessage::Unknown { name } => name,
                }
            }

            /// Whether this is an ECMA-354 application session message
            /// (written in the session namespace, not the CSTA one).
            pub fn is_session(&self) -> bool {
                match self {
                    $( CstaMessage::$variant(_) => messages!(@session $kind), )*
                    CstaMessage::Unknown { .. } => false,
                }
            }

            /// Whether this is an event report (`…Event`).
            pub fn is_event(&self) -> bool {
                match self {
                    $( CstaMessage::$variant(_) => messages!(@event $kind), )*
                    CstaMessage::Unknown { .. } => false,
                }
            }

            /// The `monitorCrossRefID` of an event report, for routing it
            /// to its monitor; `None` for other messages.
            pub fn monitor_cross_ref_id(&self) -> Option<&str> {
                match self {
                    $( CstaMessage::$variant(m) => messages!(@mcr $kind m), )*
                    CstaMessage::Unknown { .. } => None,
                }
            }

            /// Replaces the `monitorCrossRefID` of an event report (a server relays
            /// events under its own IDs); returns false for other messages.
            pub fn set_monitor_cross_ref_id(&mut self, id: String) -> bool {
                match self {
                    $( CstaMessage::$variant(m) => messages!(@mcr_set $kind m id), )*
                    CstaMessage::Unknown { .. } => false,
                }
            }

            /// Builds a message from an already parsed root element,
            /// dispatching on its local name.
            pub fn from_element(root: &XmlElement) -> Result<CstaMessage, DecodeError> {
                Ok(match root.name.as_str() {
                    $( $xml $(| $alias)* => CstaMessage::$variant(<$ty as XmlBody>::decode_body(root)?), )*
                    other => CstaMessage::Unknown { name: other.to_owned() },
                })
            }

            fn encode_body(&self, w: &mut XmlWriter) {
                match self {
                    $( CstaMessage::$variant(m) => m.encode_body(w), )*
                    CstaMessage::Unknown { .. } => {}
                }
            }
        }

        $(
            impl From<$ty> for CstaMessage {
                fn from(m: $ty) -> Self {
                    CstaMessage::$variant(m)
                }
            }
        )*
    };
    (@session session) => { true };
    (@session $other:ident) => { false };
    (@event event) => { true };
    (@event $other:ident) => { false };
    (@mcr event $m:ident) => { Some($m.monitor_cross_ref_id.as_str()) };
    (@mcr $other:ident $m:ident) => {{ let _ = $m; None }};
    (@mcr_set event $m:ident $id:ident) => {{ $m.monitor_cross_ref_id = $id; true }};
    (@mcr_set $other:ident $m:ident $id:ident) => {{ let _ = ($m, $id); false }};
}

messages! {
    // --- errors ---
    /// Negative result of any service.
    CstaErrorCode(CstaError) = "CSTAErrorCode", csta;

    // --- system status and capability exchange ---
    /// Request for the system status (also a keepalive).
    RequestSystemStatus(RequestSystemStatus) = "RequestSystemStatus", csta;
    /// Positive result of `RequestSystemStatus`.
    RequestSystemStatusResponse(RequestSystemStatusResponse) = "RequestSystemStatusResponse", csta;
    /// Unsolicited system status report.
    SystemStatus(SystemStatusMessage) = "SystemStatus", csta;
    /// Acknowledgement of `SystemStatus`.
    SystemStatusResponse(SystemStatusResponse) = "SystemStatusResponse", csta;
    /// Subscription to system notifications.
    SystemRegister(SystemRegister) = "SystemRegister", csta;
    /// Positive result of `SystemRegister`.
    SystemRegisterResponse(SystemRegisterResponse) = "SystemRegisterResponse", csta;
    /// Cancels a system registration.
    SystemRegisterCancel(SystemRegisterCancel) = "SystemRegisterCancel", csta;
    /// Positive result of `SystemRegisterCancel`.
    SystemRegisterCancelResponse(SystemRegisterCancelResponse) = "SystemRegisterCancelResponse", csta;
    /// The switching function ended a system registration.
    SystemRegisterAbort(SystemRegisterAbort) = "SystemRegisterAbort", csta;
    /// Request for the switching function's device list.
    GetSwitchingFunctionDevices(GetSwitchingFunctionDevices) = "GetSwitchingFunctionDevices", csta;
    /// Positive result of `GetSwitchingFunctionDevices`.
    GetSwitchingFunctionDevicesResponse(GetSwitchingFunctionDevicesResponse) = "GetSwitchingFunctionDevicesResponse", csta;
    /// One segment of the device list.
    SwitchingFunctionDevices(SwitchingFunctionDevices) = "SwitchingFunctionDevices", csta;
    /// The device list changed (also read from `SwitchingFunctionDevicesChanged`).
    SwitchingFunctionDevicesChanged(SwitchingFunctionDevicesChanged) = "SwFunctionDevicesChanged" | "SwitchingFunctionDevicesChanged", csta;
    /// Capabilities of a logical device.
    GetLogicalDeviceInformation(GetLogicalDeviceInformation) = "GetLogicalDeviceInformation", csta;
    /// Positive result of `GetLogicalDeviceInformation`.
    GetLogicalDeviceInformationResponse(GetLogicalDeviceInformationResponse) = "GetLogicalDeviceInformationResponse", csta;
    /// Capabilities of a physical device.
    GetPhysicalDeviceInformation(GetPhysicalDeviceInformation) = "GetPhysicalDeviceInformation", csta;
    /// Positive result of `GetPhysicalDeviceInformation`.
    GetPhysicalDeviceInformationResponse(GetPhysicalDeviceInformationResponse) = "GetPhysicalDeviceInformationResponse", csta;

    // --- monitoring ---
    /// Starts a monitor.
    MonitorStart(MonitorStart) = "MonitorStart", csta;
    /// Positive result of `MonitorStart`.
    MonitorStartResponse(MonitorStartResponse) = "MonitorStartResponse", csta;
    /// Stops a monitor.
    MonitorStop(MonitorStop) = "MonitorStop", csta;
    /// Positive result of `MonitorStop`.
    MonitorStopResponse(MonitorStopResponse) = "MonitorStopResponse", csta;

    // --- snapshots ---
    /// Calls at a device.
    SnapshotDevice(SnapshotDevice) = "SnapshotDevice", csta;
    /// Positive result of `SnapshotDevice`.
    SnapshotDeviceResponse(SnapshotDeviceResponse) = "SnapshotDeviceResponse", csta;
    /// Devices in a call.
    SnapshotCall(SnapshotCall) = "SnapshotCall", csta;
    /// Positive result of `SnapshotCall`.
    SnapshotCallResponse(SnapshotCallResponse) = "SnapshotCallResponse", csta;

    // --- call control ---
    /// Places a call.
    MakeCall(MakeCall) = "MakeCall", csta;
    /// Positive result of `MakeCall`.
    MakeCallResponse(MakeCallResponse) = "MakeCallResponse", csta;
    /// Answers an alerting call.
    AnswerCall(AnswerCall) = "AnswerCall", csta;
    /// Positive result of `AnswerCall`.
    AnswerCallResponse(AnswerCallResponse) = "AnswerCallResponse", csta;
    /// Releases a connection.
    ClearConnection(ClearConnection) = "ClearConnection", csta;
    /// Positive result of `ClearConnection`.
    ClearConnectionResponse(ClearConnectionResponse) = "ClearConnectionResponse", csta;
    /// Puts a call on hold.
    HoldCall(HoldCall) = "HoldCall", csta;
    /// Positive result of `HoldCall`.
    HoldCallResponse(HoldCallResponse) = "HoldCallResponse", csta;
    /// Takes a call off hold.
    RetrieveCall(RetrieveCall) = "RetrieveCall", csta;
    /// Positive result of `RetrieveCall`.
    RetrieveCallResponse(RetrieveCallResponse) = "RetrieveCallResponse", csta;
    /// Swaps between a held and an active call.
    AlternateCall(AlternateCall) = "AlternateCall", csta;
    /// Positive result of `AlternateCall`.
    AlternateCallResponse(AlternateCallResponse) = "AlternateCallResponse", csta;
    /// Clears the active call and retrieves the held one.
    ReconnectCall(ReconnectCall) = "ReconnectCall", csta;
    /// Positive result of `ReconnectCall`.
    ReconnectCallResponse(ReconnectCallResponse) = "ReconnectCallResponse", csta;
    /// Joins a held and an active call.
    ConferenceCall(ConferenceCall) = "ConferenceCall", csta;
    /// Positive result of `ConferenceCall`.
    ConferenceCallResponse(ConferenceCallResponse) = "ConferenceCallResponse", csta;
    /// Connects a held and an active call and leaves.
    TransferCall(TransferCall) = "TransferCall", csta;
    /// Positive result of `TransferCall`.
    TransferCallResponse(TransferCallResponse) = "TransferCallResponse", csta;
    /// Holds a call and calls another device.
    ConsultationCall(ConsultationCall) = "ConsultationCall", csta;
    /// Positive result of `ConsultationCall`.
    ConsultationCallResponse(ConsultationCallResponse) = "ConsultationCallResponse", csta;
    /// Blind transfer.
    SingleStepTransferCall(SingleStepTransferCall) = "SingleStepTransferCall", csta;
    /// Positive result of `SingleStepTransferCall`.
    SingleStepTransferCallResponse(SingleStepTransferCallResponse) = "SingleStepTransferCallResponse", csta;
    /// Adds a device to a call.
    SingleStepConferenceCall(SingleStepConferenceCall) = "SingleStepConferenceCall", csta;
    /// Positive result of `SingleStepConferenceCall`.
    SingleStepConferenceCallResponse(SingleStepConferenceCallResponse) = "SingleStepConferenceCallResponse", csta;
    /// Redirects an alerting call.
    DeflectCall(DeflectCall) = "DeflectCall", csta;
    /// Positive result of `DeflectCall`.
    DeflectCallResponse(DeflectCallResponse) = "DeflectCallResponse", csta;
    /// Picks up a call at another device.
    DirectedPickupCall(DirectedPickupCall) = "DirectedPickupCall", csta;
    /// Positive result of `DirectedPickupCall`.
    DirectedPickupCallResponse(DirectedPickupCallResponse) = "DirectedPickupCallResponse", csta;
    /// Sends DTMF.
    GenerateDigits(GenerateDigits) = "GenerateDigits", csta;
    /// Positive result of `GenerateDigits`.
    GenerateDigitsResponse(GenerateDigitsResponse) = "GenerateDigitsResponse", csta;
    /// Dials more digits on an initiated call.
    DialDigits(DialDigits) = "DialDigits", csta;
    /// Positive result of `DialDigits`.
    DialDigitsResponse(DialDigitsResponse) = "DialDigitsResponse", csta;

    // --- device features ---
    /// Reads do-not-disturb.
    GetDoNotDisturb(GetDoNotDisturb) = "GetDoNotDisturb", csta;
    /// Positive result of `GetDoNotDisturb`.
    GetDoNotDisturbResponse(GetDoNotDisturbResponse) = "GetDoNotDisturbResponse", csta;
    /// Sets do-not-disturb.
    SetDoNotDisturb(SetDoNotDisturb) = "SetDoNotDisturb", csta;
    /// Positive result of `SetDoNotDisturb`.
    SetDoNotDisturbResponse(SetDoNotDisturbResponse) = "SetDoNotDisturbResponse", csta;
    /// Reads forwarding settings.
    GetForwarding(GetForwarding) = "GetForwarding", csta;
    /// Positive result of `GetForwarding`.
    GetForwardingResponse(GetForwardingResponse) = "GetForwardingResponse", csta;
    /// Changes a forwarding setting.
    SetForwarding(SetForwarding) = "SetForwarding", csta;
    /// Positive result of `SetForwarding`.
    SetForwardingResponse(SetForwardingResponse) = "SetForwardingResponse", csta;
    /// Reads the message waiting indicator.
    GetMessageWaitingIndicator(GetMessageWaitingIndicator) = "GetMessageWaitingIndicator", csta;
    /// Positive result of `GetMessageWaitingIndicator`.
    GetMessageWaitingIndicatorResponse(GetMessageWaitingIndicatorResponse) = "GetMessageWaitingIndicatorResponse", csta;
    /// Sets the message waiting indicator.
    SetMessageWaitingIndicator(SetMessageWaitingIndicator) = "SetMessageWaitingIndicator", csta;
    /// Positive result of `SetMessageWaitingIndicator`.
    SetMessageWaitingIndicatorResponse(SetMessageWaitingIndicatorResponse) = "SetMessageWaitingIndicatorResponse", csta;

    // --- events ---
    /// Off-hook / dialling started.
    ServiceInitiatedEvent(ServiceInitiatedEvent) = "ServiceInitiatedEvent", event;
    /// Outgoing call launched.
    OriginatedEvent(OriginatedEvent) = "OriginatedEvent", event;
    /// Call alerting.
    DeliveredEvent(DeliveredEvent) = "DeliveredEvent", event;
    /// Call offered.
    OfferedEvent(OfferedEvent) = "OfferedEvent", event;
    /// Call answered.
    EstablishedEvent(EstablishedEvent) = "EstablishedEvent", event;
    /// Call held.
    HeldEvent(HeldEvent) = "HeldEvent", event;
    /// Call retrieved.
    RetrievedEvent(RetrievedEvent) = "RetrievedEvent", event;
    /// Calls conferenced.
    ConferencedEvent(ConferencedEvent) = "ConferencedEvent", event;
    /// Call transferred (also read from Yealink's `TransferedEvent`).
    TransferredEvent(TransferredEvent) = "TransferredEvent" | "TransferedEvent", event;
    /// Call diverted.
    DivertedEvent(DivertedEvent) = "DivertedEvent", event;
    /// A device left a call.
    ConnectionClearedEvent(ConnectionClearedEvent) = "ConnectionClearedEvent", event;
    /// A call ended.
    CallClearedEvent(CallClearedEvent) = "CallClearedEvent", event;
    /// A call failed.
    FailedEvent(FailedEvent) = "FailedEvent", event;
    /// A call reached the network.
    NetworkReachedEvent(NetworkReachedEvent) = "NetworkReachedEvent", event;
    /// Network capabilities of a call changed.
    NetworkCapabilitiesChangedEvent(NetworkCapabilitiesChangedEvent) = "NetworkCapabilitiesChangedEvent", event;
    /// A call was queued.
    QueuedEvent(QueuedEvent) = "QueuedEvent", event;
    /// Digits dialled.
    DigitsDialedEvent(DigitsDialedEvent) = "DigitsDialedEvent", event;
    /// DTMF sent.
    DigitsGeneratedEvent(DigitsGeneratedEvent) = "DigitsGeneratedEvent", event;
    /// Do-not-disturb changed.
    DoNotDisturbEvent(DoNotDisturbEvent) = "DoNotDisturbEvent", event;
    /// Forwarding changed.
    ForwardingEvent(ForwardingEvent) = "ForwardingEvent", event;
    /// Message waiting changed.
    MessageWaitingEvent(MessageWaitingEvent) = "MessageWaitingEvent", event;
    /// Device back in service.
    BackInServiceEvent(BackInServiceEvent) = "BackInServiceEvent", event;
    /// Device out of service.
    OutOfServiceEvent(OutOfServiceEvent) = "OutOfServiceEvent", event;

    // --- ECMA-354 application sessions ---
    /// Opens a session.
    StartApplicationSession(StartApplicationSession) = "StartApplicationSession", session;
    /// Session opened.
    StartApplicationSessionPosResponse(StartApplicationSessionPosResponse) = "StartApplicationSessionPosResponse", session;
    /// Session refused.
    StartApplicationSessionNegResponse(StartApplicationSessionNegResponse) = "StartApplicationSessionNegResponse", session;
    /// Session keepalive.
    ResetApplicationSessionTimer(ResetApplicationSessionTimer) = "ResetApplicationSessionTimer", session;
    /// Keepalive accepted.
    ResetApplicationSessionTimerPosResponse(ResetApplicationSessionTimerPosResponse) = "ResetApplicationSessionTimerPosResponse", session;
    /// Keepalive refused.
    ResetApplicationSessionTimerNegResponse(ResetApplicationSessionTimerNegResponse) = "ResetApplicationSessionTimerNegResponse", session;
    /// Closes a session.
    StopApplicationSession(StopApplicationSession) = "StopApplicationSession", session;
    /// Session closed.
    StopApplicationSessionPosResponse(StopApplicationSessionPosResponse) = "StopApplicationSessionPosResponse", session;
    /// Session close refused.
    StopApplicationSessionNegResponse(StopApplicationSessionNegResponse) = "StopApplicationSessionNegResponse", session;
}

/// Result of [`decode`]: the message and the ECMA-323 edition of the root
/// element's namespace (`None` for session messages, unknown or missing
/// namespaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded message.
    pub message: CstaMessage,
    /// Edition the peer used, for answering in kind.
    pub edition: Option<Edition>,
}

/// Decodes one CSTA XML document with the default [`ParseLimits`].
///
/// Dispatches on the root element's local name (namespaces and prefixes are
/// ignored), skips unknown child elements, and unwraps a SOAP
/// `Envelope/Body` (and `Fault/detail`) if present. Unknown roots give
/// [`CstaMessage::Unknown`].
pub fn decode(xml: &[u8]) -> Result<Decoded, DecodeError> {
    decode_with(xml, &ParseLimits::default())
}

/// [`decode`] with explicit parser limits.
pub fn decode_with(xml: &[u8], limits: &ParseLimits) -> Result<Decoded, DecodeError> {
    let doc = parse_xml_with(xml, limits)?;
    let root = unwrap_soap(&doc);
    let edition = root.namespace.as_deref().and_then(detect_edition);
    let message = CstaMessage::from_element(root)?;
    Ok(Decoded { message, edition })
}

/// Returns the CSTA element inside a SOAP envelope, or the root itself.
fn unwrap_soap(root: &XmlElement) -> &XmlElement {
    if root.name != "Envelope" {
        return root;
    }
    let Some(first) = root.child("Body").and_then(|b| b.children.first()) else {
        return root;
    };
    if first.name == "Fault" {
        if let Some(err) = first.descendant("CSTAErrorCode") {
            return err;
        }
    }
    first
}

/// Encodes a message as a complete XML document (declaration included).
///
/// CSTA messages use the default namespace of `edition`; ECMA-354 session
/// messages use [`SESSION_NAMESPACE`]. The root of an
/// [`CstaMessage::Unknown`] with a name that is not a valid XML name is
/// written as `Unknown`.
pub fn encode(msg: &CstaMessage, edition: Edition) -> String {
    let ns = if msg.is_session() {
        SESSION_NAMESPACE
    } else {
        edition.namespace()
    };
    let name = match msg.name() {
        n if is_xml_name(n) => n,
        _ => "Unknown",
    };
    let mut w = XmlWriter::document(name, ns);
    msg.encode_body(&mut w);
    w.finish(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_unknown_name_is_replaced() {
        let m = CstaMessage::Unknown {
            name: "<bad>".into(),
        };
        let xml = encode(&m, Edition::Ed5);
        assert!(xml.contains("<Unknown "));
        assert_eq!(
            decode(xml.as_bytes()).unwrap().message,
            CstaMessage::Unknown {
                name: "Unknown".into()
            }
        );
    }

    #[test]
    fn soap_wrapped_error() {
        let xml = br#"<?xml version="1.0" encoding="utf-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:csta="http://www.ecma-international.org/standards/ecma-323/csta/ed4">
 <SOAP-ENV:Body><SOAP-ENV:Fault><SOAP-ENV:faultcode>Client</SOAP-ENV:faultcode>
  <SOAP-ENV:faultstring>CSTA Error</SOAP-ENV:faultstring>
  <SOAP-ENV:detail><csta:CSTAErrorCode xmlns:csta="http://www.ecma-international.org/standards/ecma-323/csta/ed4">
   <csta:operation>Invalid CallID for this command</csta:operation></csta:CSTAErrorCode></SOAP-ENV:detail>
 </SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
        let d = decode(xml).unwrap();
        assert_eq!(d.edition, Some(Edition::Ed4));
        assert_eq!(
            d.message,
            CstaMessage::CstaErrorCode(CstaError::operation("Invalid CallID for this command"))
        );
    }
}
