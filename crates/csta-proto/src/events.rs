//! Event reports (call control, call associated, logical/physical device
//! features, device maintenance). Every event starts with the
//! `monitorCrossRefID` of the monitor it belongs to. Party fields that are
//! missing read as [`Party::NotKnown`]; `cause` and `localConnectionInfo`
//! are optional because phones do not always send them.

use crate::codec::csta_struct;
use crate::types::{
    ConnectionId, ConnectionListItem, DeviceId, EventCause, ForwardingType, LocalConnectionState,
    Party,
};

csta_struct! {
    /// `ServiceInitiatedEvent`: a device went off-hook / started dialling.
    pub struct ServiceInitiatedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `initiatedConnection`
        pub initiated_connection: ConnectionId => "initiatedConnection",
        /// `initiatingDevice`
        pub initiating_device: Party => "initiatingDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `OriginatedEvent`: an outgoing call was launched.
    pub struct OriginatedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `originatedConnection`
        pub originated_connection: ConnectionId => "originatedConnection",
        /// `callingDevice`
        pub calling_device: Party => "callingDevice",
        /// `calledDevice`
        pub called_device: Party => "calledDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `DeliveredEvent`: a call is alerting.
    pub struct DeliveredEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `connection`
        pub connection: ConnectionId => "connection",
        /// `alertingDevice`
        pub alerting_device: Party => "alertingDevice",
        /// `callingDevice`
        pub calling_device: Party => "callingDevice",
        /// `calledDevice`
        pub called_device: Party => "calledDevice",
        /// `lastRedirectionDevice`
        pub last_redirection_device: Party => "lastRedirectionDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `OfferedEvent`: a call is offered to a device before alerting.
    pub struct OfferedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `offeredConnection`
        pub offered_connection: ConnectionId => "offeredConnection",
        /// `offeredDevice`
        pub offered_device: Party => "offeredDevice",
        /// `callingDevice`
        pub calling_device: Party => "callingDevice",
        /// `calledDevice`
        pub called_device: Party => "calledDevice",
        /// `lastRedirectionDevice`
        pub last_redirection_device: Party => "lastRedirectionDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `EstablishedEvent`: a call was answered.
    pub struct EstablishedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `establishedConnection`
        pub established_connection: ConnectionId => "establishedConnection",
        /// `answeringDevice`
        pub answering_device: Party => "answeringDevice",
        /// `callingDevice`
        pub calling_device: Party => "callingDevice",
        /// `calledDevice`
        pub called_device: Party => "calledDevice",
        /// `lastRedirectionDevice`
        pub last_redirection_device: Party => "lastRedirectionDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `HeldEvent`.
    pub struct HeldEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `heldConnection`
        pub held_connection: ConnectionId => "heldConnection",
        /// `holdingDevice`
        pub holding_device: Party => "holdingDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `RetrievedEvent`.
    pub struct RetrievedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `retrievedConnection`
        pub retrieved_connection: ConnectionId => "retrievedConnection",
        /// `retrievingDevice`
        pub retrieving_device: Party => "retrievingDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `ConferencedEvent`: two calls were joined.
    pub struct ConferencedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `primaryOldCall`
        pub primary_old_call: ConnectionId => "primaryOldCall",
        /// `secondaryOldCall`
        pub secondary_old_call: Option<ConnectionId> => "secondaryOldCall",
        /// `conferencingDevice`
        pub conferencing_device: Party => "conferencingDevice",
        /// `addedParty`
        pub added_party: Party => "addedParty",
        /// `conferenceConnections/connectionListItem`
        pub conference_connections: Vec<ConnectionListItem> => "conferenceConnections",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `TransferredEvent` (Yealink's misspelt `TransferedEvent` is read too).
    pub struct TransferredEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `primaryOldCall`
        pub primary_old_call: ConnectionId => "primaryOldCall",
        /// `secondaryOldCall`
        pub secondary_old_call: Option<ConnectionId> => "secondaryOldCall",
        /// `transferringDevice`
        pub transferring_device: Party => "transferringDevice",
        /// `transferredToDevice`
        pub transferred_to_device: Party => "transferredToDevice",
        /// `transferredConnections/connectionListItem`
        pub transferred_connections: Vec<ConnectionListItem> => "transferredConnections",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `DivertedEvent`: a call left a device (deflection, forwarding, pickup).
    pub struct DivertedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `connection`
        pub connection: ConnectionId => "connection",
        /// `divertingDevice`
        pub diverting_device: Party => "divertingDevice",
        /// `newDestination`
        pub new_destination: Party => "newDestination",
        /// `callingDevice`
        pub calling_device: Option<Party> => "callingDevice",
        /// `calledDevice`
        pub called_device: Option<Party> => "calledDevice",
        /// `lastRedirectionDevice`
        pub last_redirection_device: Party => "lastRedirectionDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `ConnectionClearedEvent`: a device left a call.
    pub struct ConnectionClearedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `droppedConnection`
        pub dropped_connection: ConnectionId => "droppedConnection",
        /// `releasingDevice`
        pub releasing_device: Party => "releasingDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `CallClearedEvent`: a whole call ended.
    pub struct CallClearedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `clearedCall`
        pub cleared_call: ConnectionId => "clearedCall",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `FailedEvent`: a call could not be completed (busy, cancelled, …).
    pub struct FailedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `failedConnection`
        pub failed_connection: ConnectionId => "failedConnection",
        /// `failingDevice`
        pub failing_device: Party => "failingDevice",
        /// `callingDevice`
        pub calling_device: Party => "callingDevice",
        /// `calledDevice`
        pub called_device: Party => "calledDevice",
        /// `lastRedirectionDevice`
        pub last_redirection_device: Party => "lastRedirectionDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `NetworkReachedEvent`: an outgoing call left the switch.
    pub struct NetworkReachedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `outboundConnection`
        pub outbound_connection: ConnectionId => "outboundConnection",
        /// `networkInterfaceUsed`
        pub network_interface_used: Party => "networkInterfaceUsed",
        /// `callingDevice`
        pub calling_device: Party => "callingDevice",
        /// `calledDevice`
        pub called_device: Party => "calledDevice",
        /// `lastRedirectionDevice`
        pub last_redirection_device: Party => "lastRedirectionDevice",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `progressIndicator` of [`NetworkCapabilitiesChangedEvent`].
    pub struct ProgressIndicator {
        /// `progressLocation`
        pub progress_location: Option<String> => "progressLocation",
        /// `progressDescription`
        pub progress_description: Option<String> => "progressDescription",
    }
}

csta_struct! {
    /// `NetworkCapabilitiesChangedEvent`.
    pub struct NetworkCapabilitiesChangedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `outboundConnection`
        pub outbound_connection: ConnectionId => "outboundConnection",
        /// `networkInterfaceUsed`
        pub network_interface_used: Party => "networkInterfaceUsed",
        /// `calledDevice`
        pub called_device: Party => "calledDevice",
        /// `progressIndicator`
        pub progress_indicator: Option<ProgressIndicator> => "progressIndicator",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `QueuedEvent`: a call was put into a queue.
    pub struct QueuedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `queuedConnection`
        pub queued_connection: ConnectionId => "queuedConnection",
        /// `queue`
        pub queue: Party => "queue",
        /// `callingDevice`
        pub calling_device: Party => "callingDevice",
        /// `calledDevice`
        pub called_device: Party => "calledDevice",
        /// `lastRedirectionDevice`
        pub last_redirection_device: Party => "lastRedirectionDevice",
        /// `numberQueued`
        pub number_queued: Option<u32> => "numberQueued",
        /// `callsInFront`
        pub calls_in_front: Option<u32> => "callsInFront",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `DigitsDialedEvent`: digits dialled on an initiated call.
    pub struct DigitsDialedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `dialingConnection`
        pub dialing_connection: ConnectionId => "dialingConnection" | "diallingConnection",
        /// `dialingDevice`
        pub dialing_device: Party => "dialingDevice" | "diallingDevice",
        /// `dialingSequence`
        pub dialing_sequence: DeviceId => "dialingSequence" | "diallingSequence",
        /// `localConnectionInfo`
        pub local_connection_info: Option<LocalConnectionState> => "localConnectionInfo",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `DigitsGeneratedEvent`: DTMF digits were sent on a connection.
    pub struct DigitsGeneratedEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `connection`
        pub connection: ConnectionId => "connection",
        /// `digitGeneratedList`
        pub digit_generated_list: String => "digitGeneratedList",
    }
}

csta_struct! {
    /// `DoNotDisturbEvent`.
    pub struct DoNotDisturbEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `device`
        pub device: Party => "device",
        /// `doNotDisturbOn`
        pub do_not_disturb_on: bool => "doNotDisturbOn",
    }
}

csta_struct! {
    /// `ForwardingEvent`.
    pub struct ForwardingEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `device`
        pub device: Party => "device",
        /// `forwardingType`
        pub forwarding_type: Option<ForwardingType> => "forwardingType",
        /// `forwardStatus`
        pub forward_status: bool => "forwardStatus",
        /// `forwardTo`
        pub forward_to: Option<DeviceId> => "forwardTo",
        /// `ringCount`
        pub ring_count: Option<u32> => "ringCount",
        /// `ringDuration`
        pub ring_duration: Option<u32> => "ringDuration",
    }
}

csta_struct! {
    /// `MessageWaitingEvent`.
    pub struct MessageWaitingEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `targetDevice`
        pub target_device: Party => "targetDevice",
        /// `deviceForMessage`
        pub device_for_message: Option<Party> => "deviceForMessage",
        /// `messageWaitingOn`
        pub message_waiting_on: bool => "messageWaitingOn",
    }
}

csta_struct! {
    /// `BackInServiceEvent`: a device (or its monitor) is usable again.
    pub struct BackInServiceEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `device`
        pub device: Party => "device",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}

csta_struct! {
    /// `OutOfServiceEvent`: a device is not usable.
    pub struct OutOfServiceEvent {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `device`
        pub device: Party => "device",
        /// `cause`
        pub cause: Option<EventCause> => "cause",
    }
}
