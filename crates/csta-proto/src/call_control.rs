//! Call control services (ECMA-269 clause 17) with their positive
//! responses: MakeCall, AnswerCall, ClearConnection, Hold/Retrieve,
//! Alternate/Reconnect, Conference/Transfer, ConsultationCall, single-step
//! transfer and conference, DeflectCall, DirectedPickupCall, GenerateDigits
//! and DialDigits.

use crate::codec::csta_struct;
use crate::types::{
    AutoOriginate, ConnectionId, ConnectionListItem, ConsultOptions, DeviceId, EventCause,
    ParticipationType,
};

csta_struct! {
    /// `MakeCall`: calls `called_directory_number` from `calling_device`.
    pub struct MakeCall {
        /// `callingDevice`
        pub calling_device: DeviceId => "callingDevice",
        /// `calledDirectoryNumber`
        pub called_directory_number: DeviceId => "calledDirectoryNumber",
        /// `autoOriginate`
        pub auto_originate: Option<AutoOriginate> => "autoOriginate",
    }
}

csta_struct! {
    /// `MakeCallResponse`.
    pub struct MakeCallResponse {
        /// `callingDevice`: the new connection at the calling device.
        pub calling_device: ConnectionId => "callingDevice",
    }
}

csta_struct! {
    /// `AnswerCall`.
    pub struct AnswerCall {
        /// `callToBeAnswered`
        pub call_to_be_answered: ConnectionId => "callToBeAnswered",
    }
}

csta_struct! {
    /// `AnswerCallResponse` (empty).
    pub struct AnswerCallResponse {}
}

csta_struct! {
    /// `ClearConnection`: releases one connection from a call.
    pub struct ClearConnection {
        /// `connectionToBeCleared`
        pub connection_to_be_cleared: ConnectionId => "connectionToBeCleared",
        /// `reason`
        pub reason: Option<EventCause> => "reason",
    }
}

csta_struct! {
    /// `ClearConnectionResponse` (empty).
    pub struct ClearConnectionResponse {}
}

csta_struct! {
    /// `HoldCall`.
    pub struct HoldCall {
        /// `callToBeHeld`
        pub call_to_be_held: ConnectionId => "callToBeHeld",
        /// `connectionReservation`
        pub connection_reservation: Option<bool> => "connectionReservation",
    }
}

csta_struct! {
    /// `HoldCallResponse` (empty).
    pub struct HoldCallResponse {}
}

csta_struct! {
    /// `RetrieveCall`.
    pub struct RetrieveCall {
        /// `callToBeRetrieved`
        pub call_to_be_retrieved: ConnectionId => "callToBeRetrieved",
    }
}

csta_struct! {
    /// `RetrieveCallResponse` (empty).
    pub struct RetrieveCallResponse {}
}

csta_struct! {
    /// `AlternateCall`: holds the active call and retrieves the held one.
    pub struct AlternateCall {
        /// `heldCall`
        pub held_call: ConnectionId => "heldCall",
        /// `activeCall`
        pub active_call: ConnectionId => "activeCall",
    }
}

csta_struct! {
    /// `AlternateCallResponse` (empty).
    pub struct AlternateCallResponse {}
}

csta_struct! {
    /// `ReconnectCall`: clears the active call and retrieves the held one.
    pub struct ReconnectCall {
        /// `activeCall`
        pub active_call: ConnectionId => "activeCall",
        /// `heldCall`
        pub held_call: ConnectionId => "heldCall",
    }
}

csta_struct! {
    /// `ReconnectCallResponse` (empty).
    pub struct ReconnectCallResponse {}
}

csta_struct! {
    /// `ConferenceCall`: joins a held and an active call.
    pub struct ConferenceCall {
        /// `heldCall`
        pub held_call: ConnectionId => "heldCall",
        /// `activeCall`
        pub active_call: ConnectionId => "activeCall",
    }
}

csta_struct! {
    /// `ConferenceCallResponse`.
    pub struct ConferenceCallResponse {
        /// `conferenceCall`
        pub conference_call: ConnectionId => "conferenceCall",
        /// `connections/connectionListItem`
        pub connections: Vec<ConnectionListItem> => "connections",
    }
}

csta_struct! {
    /// `TransferCall`: connects the held and the active party and drops the
    /// transferring device.
    pub struct TransferCall {
        /// `heldCall`
        pub held_call: ConnectionId => "heldCall",
        /// `activeCall`
        pub active_call: ConnectionId => "activeCall",
    }
}

csta_struct! {
    /// `TransferCallResponse`.
    pub struct TransferCallResponse {
        /// `transferredCall`
        pub transferred_call: ConnectionId => "transferredCall",
        /// `connections/connectionListItem`
        pub connections: Vec<ConnectionListItem> => "connections",
    }
}

csta_struct! {
    /// `ConsultationCall`: holds `existing_call` and calls `consulted_device`.
    pub struct ConsultationCall {
        /// `existingCall`
        pub existing_call: ConnectionId => "existingCall",
        /// `consultedDevice`
        pub consulted_device: DeviceId => "consultedDevice",
        /// `consultOptions`
        pub consult_options: Option<ConsultOptions> => "consultOptions",
    }
}

csta_struct! {
    /// `ConsultationCallResponse`.
    pub struct ConsultationCallResponse {
        /// `initiatedCall`
        pub initiated_call: ConnectionId => "initiatedCall",
    }
}

csta_struct! {
    /// `SingleStepTransferCall`: blind transfer of the active call.
    pub struct SingleStepTransferCall {
        /// `activeCall`
        pub active_call: ConnectionId => "activeCall",
        /// `transferredTo`
        pub transferred_to: DeviceId => "transferredTo",
    }
}

csta_struct! {
    /// `SingleStepTransferCallResponse`.
    pub struct SingleStepTransferCallResponse {
        /// `transferredCall`
        pub transferred_call: ConnectionId => "transferredCall",
    }
}

csta_struct! {
    /// `SingleStepConferenceCall`: adds a device to an active call.
    pub struct SingleStepConferenceCall {
        /// `activeCall`
        pub active_call: ConnectionId => "activeCall",
        /// `deviceToJoin`
        pub device_to_join: DeviceId => "deviceToJoin",
        /// `participationType`
        pub participation_type: Option<ParticipationType> => "participationType",
    }
}

csta_struct! {
    /// `SingleStepConferenceCallResponse`.
    pub struct SingleStepConferenceCallResponse {
        /// `conferencedCall`
        pub conferenced_call: ConnectionId => "conferencedCall",
        /// `connections/connectionListItem`
        pub connections: Vec<ConnectionListItem> => "connections",
    }
}

csta_struct! {
    /// `DeflectCall`: redirects an alerting call to `new_destination`.
    pub struct DeflectCall {
        /// `callToBeDiverted`
        pub call_to_be_diverted: ConnectionId => "callToBeDiverted",
        /// `newDestination`
        pub new_destination: DeviceId => "newDestination",
    }
}

csta_struct! {
    /// `DeflectCallResponse` (empty).
    pub struct DeflectCallResponse {}
}

csta_struct! {
    /// `DirectedPickupCall`: picks up a call alerting at another device.
    pub struct DirectedPickupCall {
        /// `callToBePickedUp`
        pub call_to_be_picked_up: ConnectionId => "callToBePickedUp",
        /// `requestingDevice`
        pub requesting_device: DeviceId => "requestingDevice",
    }
}

csta_struct! {
    /// `DirectedPickupCallResponse`.
    pub struct DirectedPickupCallResponse {
        /// `pickedCall`
        pub picked_call: Option<ConnectionId> => "pickedCall",
    }
}

csta_struct! {
    /// `GenerateDigits`: sends DTMF on a connection.
    pub struct GenerateDigits {
        /// `connectionToSendDigits`
        pub connection_to_send_digits: ConnectionId => "connectionToSendDigits",
        /// `charactersToSend`
        pub characters_to_send: String => "charactersToSend",
    }
}

csta_struct! {
    /// `GenerateDigitsResponse` (empty).
    pub struct GenerateDigitsResponse {}
}

csta_struct! {
    /// `DialDigits`: dials further digits on an initiated call. Written with
    /// the ECMA-285 spelling `diallingConnection` / `diallingSequence`;
    /// `dialingConnection` / `dialingSequence` are accepted too.
    pub struct DialDigits {
        /// `diallingConnection`
        pub dialling_connection: ConnectionId => "diallingConnection" | "dialingConnection",
        /// `diallingSequence`
        pub dialling_sequence: DeviceId => "diallingSequence" | "dialingSequence",
    }
}

csta_struct! {
    /// `DialDigitsResponse` (empty).
    pub struct DialDigitsResponse {}
}
