//! Common CSTA data types: device and connection identifiers, party fields,
//! the string enumerations (states, causes, status values) and the CSTA
//! error code.

use std::fmt;

use crate::codec::{ListItem, XmlBody, XmlValue, csta_enum, csta_struct};
use crate::error::DecodeError;
use crate::xml::{XmlElement, XmlWriter, is_xml_name};

/// Child elements that wrap a device identifier in the variants seen in the
/// wild (`<callingDevice><deviceIdentifier>…`, `<deviceID><staticID>…`,
/// Yealink's `<newDestination><device>…`).
const DEVICE_WRAPPERS: [&str; 4] = ["deviceIdentifier", "staticID", "dynamicID", "device"];

/// A CSTA device identifier, kept as opaque text (`sip:201@pbx`, `201`,
/// `N<302118840101>;displayNumber=…`), with the optional `typeOfNumber`
/// attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DeviceId {
    /// The identifier text, exactly as sent.
    pub value: String,
    /// The `typeOfNumber` attribute, if present.
    pub type_of_number: Option<String>,
}

impl DeviceId {
    /// A device identifier without `typeOfNumber`.
    pub fn new(value: impl Into<String>) -> Self {
        DeviceId {
            value: value.into(),
            type_of_number: None,
        }
    }

    /// The identifier text.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl From<&str> for DeviceId {
    fn from(s: &str) -> Self {
        DeviceId::new(s)
    }
}

impl From<String> for DeviceId {
    fn from(s: String) -> Self {
        DeviceId::new(s)
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl XmlValue for DeviceId {
    /// Reads the element's text, or descends into a wrapping child such as
    /// `deviceIdentifier` if the element has one.
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        let mut el = el;
        while let Some(inner) = DEVICE_WRAPPERS.iter().find_map(|n| el.child(n)) {
            el = inner;
        }
        Ok(DeviceId {
            value: el.text.clone(),
            type_of_number: el.attr("typeOfNumber").map(str::to_owned),
        })
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        match &self.type_of_number {
            Some(t) => w.start_with_attrs(name, &[("typeOfNumber", t)]),
            None => w.start(name),
        }
        w.text(&self.value);
        w.end(name);
    }
}

/// A connection: call ID plus device ID (`<callID>` + `<deviceID>`). Call
/// IDs are opaque strings (snom uses negative numbers, Yealink `12|13` for
/// conferences, OpenScape 32 hex digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ConnectionId {
    /// The `callID` child.
    pub call_id: Option<String>,
    /// The `deviceID` child.
    pub device_id: Option<DeviceId>,
}

impl ConnectionId {
    /// A connection with both call ID and device ID.
    pub fn new(call_id: impl Into<String>, device_id: impl Into<DeviceId>) -> Self {
        ConnectionId {
            call_id: Some(call_id.into()),
            device_id: Some(device_id.into()),
        }
    }
}

impl XmlValue for ConnectionId {
    /// Also accepts a bare call ID as the element text, which Yealink phones
    /// tolerate in requests.
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        let call_id = match el.child("callID") {
            Some(c) => Some(c.text.clone()),
            None if !el.text.is_empty() => Some(el.text.clone()),
            None => None,
        };
        let device_id = el.child("deviceID").map(DeviceId::decode).transpose()?;
        Ok(ConnectionId { call_id, device_id })
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.start(name);
        if let Some(c) = &self.call_id {
            w.text_element("callID", c);
        }
        if let Some(d) = &self.device_id {
            d.encode("deviceID", w);
        }
        w.end(name);
    }
}

/// A party field of an event (`callingDevice`, `alertingDevice`,
/// `lastRedirectionDevice`, …): a device or a reason why none is given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Party {
    /// `<deviceIdentifier>…</deviceIdentifier>` (also a bare text value).
    Device(DeviceId),
    /// `<numberDialed>…</numberDialed>` (redirection device fields).
    NumberDialed(DeviceId),
    /// `<notKnown/>` (also an empty party element).
    #[default]
    NotKnown,
    /// `<restricted/>`
    Restricted,
    /// `<notRequired/>`
    NotRequired,
    /// `<notSpecified/>`
    NotSpecified,
}

impl Party {
    /// A party given by its device identifier.
    pub fn device(id: impl Into<DeviceId>) -> Self {
        Party::Device(id.into())
    }

    /// The device identifier, if the party is known.
    pub fn device_id(&self) -> Option<&DeviceId> {
        match self {
            Party::Device(d) | Party::NumberDialed(d) => Some(d),
            _ => None,
        }
    }
}

impl XmlValue for Party {
    /// A missing party element reads as [`Party::NotKnown`].
    fn when_missing() -> Option<Self> {
        Some(Party::NotKnown)
    }
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        for child in &el.children {
            match child.name.as_str() {
                "deviceIdentifier" => return DeviceId::decode(child).map(Party::Device),
                "numberDialed" => return DeviceId::decode(child).map(Party::NumberDialed),
                "notKnown" => return Ok(Party::NotKnown),
                "restricted" => return Ok(Party::Restricted),
                "notRequired" => return Ok(Party::NotRequired),
                "notSpecified" => return Ok(Party::NotSpecified),
                _ => {}
            }
        }
        if el.text.is_empty() && el.children.is_empty() {
            Ok(Party::NotKnown)
        } else {
            DeviceId::decode(el).map(Party::Device)
        }
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.start(name);
        match self {
            Party::Device(d) => d.encode("deviceIdentifier", w),
            Party::NumberDialed(d) => d.encode("numberDialed", w),
            Party::NotKnown => w.empty("notKnown"),
            Party::Restricted => w.empty("restricted"),
            Party::NotRequired => w.empty("notRequired"),
            Party::NotSpecified => w.empty("notSpecified"),
        }
        w.end(name);
    }
}

/// The far end of a connection in a connection list (`endpoint`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Endpoint {
    /// `<deviceID>…</deviceID>`
    Device(DeviceId),
    /// `<notKnown/>`
    #[default]
    NotKnown,
    /// `<restricted/>`
    Restricted,
}

impl XmlValue for Endpoint {
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        if let Some(d) = el.child("deviceID") {
            DeviceId::decode(d).map(Endpoint::Device)
        } else if el.child("restricted").is_some() {
            Ok(Endpoint::Restricted)
        } else if el.child("notKnown").is_some() || el.text.is_empty() {
            Ok(Endpoint::NotKnown)
        } else {
            DeviceId::decode(el).map(Endpoint::Device)
        }
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.start(name);
        match self {
            Endpoint::Device(d) => d.encode("deviceID", w),
            Endpoint::NotKnown => w.empty("notKnown"),
            Endpoint::Restricted => w.empty("restricted"),
        }
        w.end(name);
    }
}

csta_struct! {
    /// One `connectionListItem` of a connection list (conference and
    /// transfer results and events).
    pub struct ConnectionListItem {
        /// `newConnection`
        pub new_connection: Option<ConnectionId> => "newConnection",
        /// `oldConnection`
        pub old_connection: Option<ConnectionId> => "oldConnection",
        /// `endpoint`
        pub endpoint: Option<Endpoint> => "endpoint",
    }
}

impl ListItem for ConnectionListItem {
    const ITEM: &'static str = "connectionListItem";
}

csta_enum! {
    /// State of a connection (`localConnectionInfo`, `localConnectionState`).
    #[derive(Default)]
    pub enum LocalConnectionState {
        #[default]
        Null = "null",
        Initiated = "initiated",
        Alerting = "alerting",
        Connected = "connected",
        Hold = "hold",
        Queued = "queued",
        Fail = "fail",
    }
}

impl ListItem for LocalConnectionState {
    const ITEM: &'static str = "localConnectionState";
}

csta_enum! {
    /// Status of the switching function (`systemStatus`). The ECMA-285 name
    /// `messagesLost` is written; `messageLost` is accepted as well.
    /// Defaults to `normal`.
    #[derive(Default)]
    pub enum SystemStatus {
        Initializing = "initializing",
        Enabled = "enabled",
        #[default]
        Normal = "normal",
        MessagesLost = "messagesLost" | "messageLost",
        Disabled = "disabled",
        PartiallyDisabled = "partiallyDisabled",
        OverloadImminent = "overloadImminent",
        OverloadReached = "overloadReached",
        OverloadRelieved = "overloadRelieved",
    }
}

csta_enum! {
    /// Kind of call forwarding (`forwardingType`); defaults to immediate.
    #[derive(Default)]
    pub enum ForwardingType {
        #[default]
        Immediate = "forwardImmediate",
        Busy = "forwardBusy",
        NoAnswer = "forwardNoAns",
        BusyInternal = "forwardBusyInt",
        BusyExternal = "forwardBusyExt",
        DoNotDisturb = "forwardDND",
        ImmediateInternal = "forwardImmInt",
        ImmediateExternal = "forwardImmExt",
        NoAnswerInternal = "forwardNoAnsInt",
        NoAnswerExternal = "forwardNoAnsExt",
        DoNotDisturbInternal = "forwardDNDInt",
        DoNotDisturbExternal = "forwardDNDExt",
    }
}

csta_enum! {
    /// Category of a device (`deviceCategory`, `requestedDeviceCategory`).
    pub enum DeviceCategory {
        Acd = "acd",
        Group = "group",
        NetworkInterface = "networkInterface",
        Park = "park",
        RouteingDevice = "routeingDevice",
        Station = "station",
        VoiceUnit = "voiceUnit",
        Conference = "conference",
        OtherCategory = "other",
    }
}

csta_enum! {
    /// Kind of monitor (`monitorType`).
    pub enum MonitorType {
        Call = "call",
        Device = "device",
    }
}

csta_enum! {
    /// Whether MakeCall prompts the calling user first (`autoOriginate`).
    pub enum AutoOriginate {
        Prompt = "prompt",
        DoNotPrompt = "doNotPrompt",
    }
}

csta_enum! {
    /// Purpose of a consultation call (`consultOptions`).
    pub enum ConsultOptions {
        Unrestricted = "unrestricted",
        ConsultOnly = "consultOnly",
        TransferOnly = "transferOnly",
        ConferenceOnly = "conferenceOnly",
    }
}

csta_enum! {
    /// How a device joins a call (`participationType`).
    pub enum ParticipationType {
        Active = "active",
        Silent = "silent",
    }
}

csta_enum! {
    /// Reason given with an event (`cause`); the names of the ECMA-285
    /// EventCause enumeration.
    pub enum EventCause {
        AcdBusy = "aCDBusy",
        AcdForward = "aCDForward",
        AcdSaturated = "aCDSaturated",
        Activation = "activation",
        ActiveParticipation = "activeParticipation",
        AlertTimeExpired = "alertTimeExpired",
        Alternate = "alternate",
        AutoWork = "autoWork",
        Babble = "babble",
        BadAttribute = "badAttribute",
        BadGrammar = "badGrammar",
        BadVoice = "badVoice",
        BadUri = "badUri",
        Blocked = "blocked",
        Busy = "busy",
        BusyOverflow = "busyOverflow",
        CalendarOverflow = "calendarOverflow",
        CallBack = "callBack",
        CallCancelled = "callCancelled",
        CallForward = "callForward",
        CallForwardImmediate = "callForwardImmediate",
        CallForwardBusy = "callForwardBusy",
        CallForwardNoAnswer = "callForwardNoAnswer",
        CallInterception = "callInterception",
        CallInterceptionBusy = "callInterceptionBusy",
        CallInterceptionForwarded = "callInterceptionForwarded",
        CallInterceptionNoAnswer = "callInterceptionNoAnswer",
        CallInterceptionResourcesNotAvailable = "callInterceptionResourcesNotAvailable",
        CallNotAnswered = "callNotAnswered",
        CallPickup = "callPickup",
        CampOn = "campOn",
        CampOnTrunks = "campOnTrunks",
        CapacityOverflow = "capacityOverflow",
        CharacterCountReached = "characterCountReached",
        Conference = "conference",
        Consultation = "consultation",
        DestDetected = "destDetected",
        DestNotObtainable = "destNotObtainable",
        DestOutOfOrder = "destOutOfOrder",
        Distributed = "distributed",
        DistributionDelay = "distributionDelay",
        DoNotDisturb = "doNotDisturb",
        DtmfDigitDetected = "dTMFDigitDetected",
        DuplicateDtmf = "duplicateDTMF",
        DurationExceeded = "durationExceeded",
        EarlyStop = "earlyStop",
        EmptyQueue = "emptyQueue",
        EndOfMessageDetected = "endOfMessageDetected",
        EnteringDistribution = "enteringDistribution",
        ForcedPause = "forcedPause",
        ForcedTransition = "forcedTransition",
        IncompatibleDestination = "incompatibleDestination",
        InterDigitTimeout = "interDigitTimeout",
        Intrude = "intrude",
        InvalidAccountCode = "invalidAccountCode",
        InvalidConnection = "invalidConnection",
        InvalidConnectionState = "invalidConnectionState",
        InvalidNumberFormat = "invalidNumberFormat",
        JoinCall = "joinCall",
        KeyOperation = "keyOperation",
        KeyOperationInUse = "keyOperationInUse",
        LawfulInterception = "lawfulInterception",
        Lockout = "lockout",
        Maintenance = "maintenance",
        MakeCall = "makeCall",
        MakeConnection = "makeConnection",
        MakePredictiveCall = "makePredictiveCall",
        MaxTimeout = "maxTimeout",
        MessageDurationExceeded = "messageDurationExceeded",
        MessageSizeExceeded = "messageSizeExceeded",
        MultipleAlerting = "multipleAlerting",
        MultipleQueuing = "multipleQueuing",
        NetworkCongestion = "networkCongestion",
        NetworkDialling = "networkDialling",
        NetworkNotObtainable = "networkNotObtainable",
        NetworkOutOfOrder = "networkOutOfOrder",
        NetworkSignal = "networkSignal",
        NewCall = "newCall",
        NextMessage = "nextMessage",
        NoAudioSaved = "noAudioSaved",
        NoAvailableAgents = "noAvailableAgents",
        NoQueue = "noQueue",
        Normal = "normal",
        NormalClearing = "normalClearing",
        NoRule = "noRule",
        NoSpeechDetected = "noSpeechDetected",
        NotAvaliableBearerService = "notAvaliableBearerService",
        NotSupportedBearerService = "notSupportedBearerService",
        NumberChanged = "numberChanged",
        NumberUnallocated = "numberUnallocated",
        OutOfGrammar = "outOfGrammar",
        Overflow = "overflow",
        Override = "override",
        Park = "park",
        PathReplacement = "pathReplacement",
        QueueCleared = "queueCleared",
        QueueTimeOverflow = "queueTimeOverflow",
        Recall = "recall",
        RecallBusy = "recallBusy",
        RecallForwarded = "recallForwarded",
        RecallNoAnswer = "recallNoAnswer",
        RecallResourcesNotAvailable = "recallResourcesNotAvailable",
        Redirected = "redirected",
        RemainsInQueue = "remainsInQueue",
        ReorderTone = "reorderTone",
        Reserved = "reserved",
        ResourcesNotAvailable = "resourcesNotAvailable",
        SelectedTrunkBusy = "selectedTrunkBusy",
        SilentParticipation = "silentParticipation",
        SingleStepConference = "singleStepConference",
        SingleStepTransfer = "singleStepTransfer",
        SpeechDetected = "speechDetected",
        Suspend = "suspend",
        SwitchingFunctionTerminated = "switchingFunctionTerminated",
        TerminationCharacterReceived = "terminationCharacterReceived",
        Timeout = "timeout",
        Transfer = "transfer",
        TrunksBusy = "trunksBusy",
        UnauthorisedBearerService = "unauthorisedBearerService",
        UnknownOverflow = "unknownOverflow",    }
}

csta_enum! {
    /// Category of a CSTA error: the name of the single child of
    /// `<CSTAErrorCode>`.
    pub enum ErrorCategory {
        Operation = "operation",
        Security = "security",
        StateIncompatibility = "stateIncompatibility",
        SystemResourceAvailability = "systemResourceAvailability",
        SubscribedResourceAvailability = "subscribedResourceAvailability",
        PerformanceManagement = "performanceManagement",
        PrivateData = "privateData",
        Unspecified = "unspecified",
    }
}

/// A negative CSTA result (`<CSTAErrorCode>`): a category and its value,
/// e.g. `operation` / `invalidCallID`. The value is empty for
/// `<unspecified/>` and other empty category elements.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CstaError {
    /// The category element.
    pub category: ErrorCategory,
    /// The text of the category element (may be empty).
    pub value: String,
}

impl Default for CstaError {
    fn default() -> Self {
        CstaError::unspecified()
    }
}

impl fmt::Display for CstaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            f.write_str(self.category.as_str())
        } else {
            write!(f, "{}/{}", self.category, self.value)
        }
    }
}

impl CstaError {
    /// An error of any category.
    pub fn new(category: ErrorCategory, value: impl Into<String>) -> Self {
        CstaError {
            category,
            value: value.into(),
        }
    }

    /// An `operation` error with the given value.
    pub fn operation(value: impl Into<String>) -> Self {
        CstaError::new(ErrorCategory::Operation, value)
    }

    /// A `stateIncompatibility` error with the given value.
    pub fn state_incompatibility(value: impl Into<String>) -> Self {
        CstaError::new(ErrorCategory::StateIncompatibility, value)
    }

    /// A `systemResourceAvailability` error with the given value.
    pub fn system_resource_availability(value: impl Into<String>) -> Self {
        CstaError::new(ErrorCategory::SystemResourceAvailability, value)
    }

    /// A `security` error with the given value.
    pub fn security(value: impl Into<String>) -> Self {
        CstaError::new(ErrorCategory::Security, value)
    }

    /// `<unspecified/>`.
    pub fn unspecified() -> Self {
        CstaError::new(ErrorCategory::Unspecified, "")
    }

    /// `operation/generic`.
    pub fn generic() -> Self {
        CstaError::operation("generic")
    }

    /// `operation/serviceNotSupported`.
    pub fn service_not_supported() -> Self {
        CstaError::operation("serviceNotSupported")
    }

    /// `operation/privilegeViolationSpecifiedDevice`.
    pub fn privilege_violation_specified_device() -> Self {
        CstaError::operation("privilegeViolationSpecifiedDevice")
    }

    /// `operation/invalidMonitorCrossRefID`.
    pub fn invalid_monitor_cross_ref_id() -> Self {
        CstaError::operation("invalidMonitorCrossRefID")
    }

    /// `operation/invalidDeviceID`.
    pub fn invalid_device_id() -> Self {
        CstaError::operation("invalidDeviceID")
    }

    /// `operation/invalidCallID`.
    pub fn invalid_call_id() -> Self {
        CstaError::operation("invalidCallID")
    }

    /// `operation/invalidConnectionID`.
    pub fn invalid_connection_id() -> Self {
        CstaError::operation("invalidConnectionID")
    }

    /// `operation/invalidParameterValue`.
    pub fn invalid_parameter_value() -> Self {
        CstaError::operation("invalidParameterValue")
    }

    /// `operation/requestIncompatibleWithObject`.
    pub fn request_incompatible_with_object() -> Self {
        CstaError::operation("requestIncompatibleWithObject")
    }

    /// `operation/objectNotKnown`.
    pub fn object_not_known() -> Self {
        CstaError::operation("objectNotKnown")
    }

    /// `operation/invalidCrossRefID`.
    pub fn invalid_cross_ref_id() -> Self {
        CstaError::operation("invalidCrossRefID")
    }

    /// `stateIncompatibility/invalidObjectState`.
    pub fn invalid_object_state() -> Self {
        CstaError::state_incompatibility("invalidObjectState")
    }

    /// `stateIncompatibility/invalidConnectionState`.
    pub fn invalid_connection_state() -> Self {
        CstaError::state_incompatibility("invalidConnectionState")
    }

    /// `stateIncompatibility/noActiveCall`.
    pub fn no_active_call() -> Self {
        CstaError::state_incompatibility("noActiveCall")
    }

    /// `stateIncompatibility/noHeldCall`.
    pub fn no_held_call() -> Self {
        CstaError::state_incompatibility("noHeldCall")
    }

    /// `stateIncompatibility/noCallToAnswer`.
    pub fn no_call_to_answer() -> Self {
        CstaError::state_incompatibility("noCallToAnswer")
    }

    /// `stateIncompatibility/noCallToClear`.
    pub fn no_call_to_clear() -> Self {
        CstaError::state_incompatibility("noCallToClear")
    }

    /// `systemResourceAvailability/resourceBusy`.
    pub fn resource_busy() -> Self {
        CstaError::system_resource_availability("resourceBusy")
    }

    /// `systemResourceAvailability/resourceOutOfService`.
    pub fn resource_out_of_service() -> Self {
        CstaError::system_resource_availability("resourceOutOfService")
    }

    /// `systemResourceAvailability/deviceOutOfService`.
    pub fn device_out_of_service() -> Self {
        CstaError::system_resource_availability("deviceOutOfService")
    }

    /// `systemResourceAvailability/overallMonitorLimitExceeded`.
    pub fn overall_monitor_limit_exceeded() -> Self {
        CstaError::system_resource_availability("overallMonitorLimitExceeded")
    }
}

impl XmlBody for CstaError {
    /// The first child names the category; a document without any child
    /// counts as `unspecified`.
    fn decode_body(el: &XmlElement) -> Result<Self, DecodeError> {
        Ok(match el.children.first() {
            Some(c) => CstaError::new(ErrorCategory::from(c.name.as_str()), c.text.clone()),
            None => CstaError::unspecified(),
        })
    }
    /// A category that is not a valid XML name is written as `unspecified`.
    fn encode_body(&self, w: &mut XmlWriter) {
        let name = match self.category.as_str() {
            n if is_xml_name(n) => n,
            _ => ErrorCategory::Unspecified.as_str(),
        };
        if self.value.is_empty() {
            w.empty(name);
        } else {
            w.text_element(name, &self.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse_xml;

    fn el(s: &str) -> XmlElement {
        parse_xml(s.as_bytes()).unwrap()
    }

    #[test]
    fn device_id_variants() {
        let d = DeviceId::decode(&el(r#"<d typeOfNumber="dialingNumber">201</d>"#)).unwrap();
        assert_eq!(d.value, "201");
        assert_eq!(d.type_of_number.as_deref(), Some("dialingNumber"));
        let d =
            DeviceId::decode(&el("<d><deviceIdentifier>sip:1@x</deviceIdentifier></d>")).unwrap();
        assert_eq!(d, DeviceId::new("sip:1@x"));
        let d =
            DeviceId::decode(&el("<newDestination><device>300</device></newDestination>")).unwrap();
        assert_eq!(d.as_str(), "300");
        let d = DeviceId::decode(&el("<deviceID><staticID>7</staticID></deviceID>")).unwrap();
        assert_eq!(d.to_string(), "7");
    }

    #[test]
    fn connection_id_variants() {
        let c = ConnectionId::decode(&el(
            "<c><callID>-12</callID><deviceID>sip:1@x</deviceID></c>",
        ))
        .unwrap();
        assert_eq!(c, ConnectionId::new("-12", "sip:1@x"));
        let c = ConnectionId::decode(&el("<c>12|13</c>")).unwrap();
        assert_eq!(c.call_id.as_deref(), Some("12|13"));
        assert_eq!(c.device_id, None);
        let c = ConnectionId::decode(&el("<c/>")).unwrap();
        assert_eq!(c, ConnectionId::default());
    }

    #[test]
    fn party_variants() {
        assert_eq!(
            Party::decode(&el("<p><notKnown/></p>")).unwrap(),
            Party::NotKnown
        );
        assert_eq!(
            Party::decode(&el("<p><restricted/></p>")).unwrap(),
            Party::Restricted
        );
        assert_eq!(Party::decode(&el("<p/>")).unwrap(), Party::NotKnown);
        assert_eq!(
            Party::decode(&el("<p><numberDialed>0815</numberDialed></p>")).unwrap(),
            Party::NumberDialed(DeviceId::new("0815"))
        );
        assert_eq!(
            Party::decode(&el("<p>201</p>")).unwrap(),
            Party::device("201")
        );
        assert_eq!(
            Party::decode(&el("<p><deviceIdentifier>201</deviceIdentifier></p>"))
                .unwrap()
                .device_id()
                .map(DeviceId::as_str),
            Some("201")
        );
    }

    #[test]
    fn enums() {
        assert_eq!(EventCause::from("newCall"), EventCause::NewCall);
        assert_eq!(EventCause::AcdBusy.as_str(), "aCDBusy");
        assert_eq!(EventCause::from("zzz"), EventCause::Other("zzz".into()));
        assert_eq!(
            SystemStatus::from("messageLost"),
            SystemStatus::MessagesLost
        );
        assert_eq!(SystemStatus::MessagesLost.to_string(), "messagesLost");
        assert_eq!(
            ForwardingType::from("forwardNoAns"),
            ForwardingType::NoAnswer
        );
        for c in EventCause::KNOWN {
            assert_eq!(&EventCause::from(c.as_str()), c);
        }
    }

    #[test]
    fn error_code() {
        let e =
            CstaError::decode_body(&el("<CSTAErrorCode><unspecified/></CSTAErrorCode>")).unwrap();
        assert_eq!(e, CstaError::unspecified());
        let e = CstaError::decode_body(&el(
            "<CSTAErrorCode><operation>invalidCallID</operation></CSTAErrorCode>",
        ))
        .unwrap();
        assert_eq!(e, CstaError::invalid_call_id());
        assert_eq!(e.to_string(), "operation/invalidCallID");
        let e = CstaError::decode_body(&el(
            "<CSTAErrorCode><privateErrorCode>9</privateErrorCode></CSTAErrorCode>",
        ))
        .unwrap();
        assert_eq!(e.category, ErrorCategory::Other("privateErrorCode".into()));
        assert_eq!(
            CstaError::decode_body(&el("<CSTAErrorCode/>")).unwrap(),
            CstaError::unspecified()
        );
    }
}
