//! Logical and physical device feature services (do not disturb,
//! forwarding, message waiting), snapshot services, and the device
//! information queries of capability exchange.

use crate::codec::{ListItem, XmlValue, csta_struct, decode_items, encode_items};
use crate::error::DecodeError;
use crate::types::{
    ConnectionId, DeviceCategory, DeviceId, ForwardingType, LocalConnectionState, Party,
};
use crate::xml::{XmlElement, XmlWriter};

csta_struct! {
    /// `GetDoNotDisturb`.
    pub struct GetDoNotDisturb {
        /// `device`
        pub device: DeviceId => "device",
    }
}

csta_struct! {
    /// `GetDoNotDisturbResponse`.
    pub struct GetDoNotDisturbResponse {
        /// `doNotDisturbOn`
        pub do_not_disturb_on: bool => "doNotDisturbOn",
    }
}

csta_struct! {
    /// `SetDoNotDisturb`.
    pub struct SetDoNotDisturb {
        /// `device`
        pub device: DeviceId => "device",
        /// `doNotDisturbOn`
        pub do_not_disturb_on: bool => "doNotDisturbOn",
    }
}

csta_struct! {
    /// `SetDoNotDisturbResponse` (empty).
    pub struct SetDoNotDisturbResponse {}
}

csta_struct! {
    /// `GetForwarding`.
    pub struct GetForwarding {
        /// `device`
        pub device: DeviceId => "device",
    }
}

csta_struct! {
    /// One `forwardListItem` of a `forwardingList`.
    pub struct ForwardListItem {
        /// `forwardingType`
        pub forwarding_type: ForwardingType => "forwardingType",
        /// `forwardStatus`
        pub forward_status: bool => "forwardStatus",
        /// `forwardDN`
        pub forward_dn: Option<DeviceId> => "forwardDN",
        /// `ringCount`
        pub ring_count: Option<u32> => "ringCount",
        /// `ringDuration`
        pub ring_duration: Option<u32> => "ringDuration",
    }
}

impl ListItem for ForwardListItem {
    const ITEM: &'static str = "forwardListItem";
}

csta_struct! {
    /// `GetForwardingResponse`.
    pub struct GetForwardingResponse {
        /// `forwardingList/forwardListItem`
        pub forwarding_list: Vec<ForwardListItem> => "forwardingList",
    }
}

csta_struct! {
    /// `SetForwarding`.
    pub struct SetForwarding {
        /// `device`
        pub device: DeviceId => "device",
        /// `forwardingType`
        pub forwarding_type: ForwardingType => "forwardingType",
        /// `activateForward`
        pub activate_forward: bool => "activateForward",
        /// `forwardDN`
        pub forward_dn: Option<DeviceId> => "forwardDN",
        /// `ringCount`
        pub ring_count: Option<u32> => "ringCount",
        /// `ringDuration`
        pub ring_duration: Option<u32> => "ringDuration",
    }
}

csta_struct! {
    /// `SetForwardingResponse` (empty).
    pub struct SetForwardingResponse {}
}

csta_struct! {
    /// `GetMessageWaitingIndicator`.
    pub struct GetMessageWaitingIndicator {
        /// `device`
        pub device: DeviceId => "device",
    }
}

csta_struct! {
    /// `GetMessageWaitingIndicatorResponse`.
    pub struct GetMessageWaitingIndicatorResponse {
        /// `messageWaitingOn`
        pub message_waiting_on: bool => "messageWaitingOn",
    }
}

csta_struct! {
    /// `SetMessageWaitingIndicator`.
    pub struct SetMessageWaitingIndicator {
        /// `device`
        pub device: DeviceId => "device",
        /// `messageWaitingOn`
        pub message_waiting_on: bool => "messageWaitingOn",
    }
}

csta_struct! {
    /// `SetMessageWaitingIndicatorResponse` (empty).
    pub struct SetMessageWaitingIndicatorResponse {}
}

/// The `crossRefIDorSnapshotData` choice of a snapshot response: either the
/// data itself or a cross reference under which it follows in separate
/// messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotData<T> {
    /// `<serviceCrossRefID>`
    ServiceCrossRefId(String),
    /// `<snapshotData>` with its items.
    Data(Vec<T>),
}

impl<T> Default for SnapshotData<T> {
    fn default() -> Self {
        SnapshotData::Data(Vec::new())
    }
}

impl<T: XmlValue + ListItem> XmlValue for SnapshotData<T> {
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        if let Some(data) = el.child("snapshotData") {
            decode_items(data).map(SnapshotData::Data)
        } else if let Some(id) = el.child("serviceCrossRefID") {
            Ok(SnapshotData::ServiceCrossRefId(id.text.clone()))
        } else {
            Ok(SnapshotData::Data(Vec::new()))
        }
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.start(name);
        match self {
            SnapshotData::ServiceCrossRefId(id) => w.text_element("serviceCrossRefID", id),
            SnapshotData::Data(items) if items.is_empty() => w.empty("snapshotData"),
            SnapshotData::Data(items) => {
                w.start("snapshotData");
                encode_items(items, w);
                w.end("snapshotData");
            }
        }
        w.end(name);
    }
    fn when_missing() -> Option<Self> {
        Some(SnapshotData::default())
    }
}

csta_struct! {
    /// `SnapshotDevice`: asks for the calls at a device.
    pub struct SnapshotDevice {
        /// `snapshotObject`
        pub snapshot_object: DeviceId => "snapshotObject",
    }
}

csta_struct! {
    /// `localCallState` of a device snapshot entry.
    pub struct LocalCallState {
        /// `compoundCallState/localConnectionState`
        pub compound_call_state: Vec<LocalConnectionState> => "compoundCallState",
    }
}

csta_struct! {
    /// One `snapshotDeviceResponseInfo`: a call at the device.
    pub struct SnapshotDeviceResponseInfo {
        /// `connectionIdentifier`
        pub connection_identifier: ConnectionId => "connectionIdentifier",
        /// `localCallState`
        pub local_call_state: Option<LocalCallState> => "localCallState",
    }
}

impl ListItem for SnapshotDeviceResponseInfo {
    const ITEM: &'static str = "snapshotDeviceResponseInfo";
}

csta_struct! {
    /// `SnapshotDeviceResponse`.
    pub struct SnapshotDeviceResponse {
        /// `crossRefIDorSnapshotData`
        pub cross_ref_id_or_snapshot_data: SnapshotData<SnapshotDeviceResponseInfo> => "crossRefIDorSnapshotData",
    }
}

csta_struct! {
    /// `SnapshotCall`: asks for the devices in a call.
    pub struct SnapshotCall {
        /// `snapshotObject`
        pub snapshot_object: ConnectionId => "snapshotObject",
    }
}

csta_struct! {
    /// One `snapshotCallResponseInfo`: a device in the call.
    pub struct SnapshotCallResponseInfo {
        /// `deviceOnCall`
        pub device_on_call: Party => "deviceOnCall",
        /// `callIdentifier`
        pub call_identifier: Option<ConnectionId> => "callIdentifier",
        /// `localConnectionState`
        pub local_connection_state: Option<LocalConnectionState> => "localConnectionState",
    }
}

impl ListItem for SnapshotCallResponseInfo {
    const ITEM: &'static str = "snapshotCallResponseInfo";
}

csta_struct! {
    /// `SnapshotCallResponse`.
    pub struct SnapshotCallResponse {
        /// `crossRefIDorSnapshotData`
        pub cross_ref_id_or_snapshot_data: SnapshotData<SnapshotCallResponseInfo> => "crossRefIDorSnapshotData",
    }
}

csta_struct! {
    /// `GetLogicalDeviceInformation`.
    pub struct GetLogicalDeviceInformation {
        /// `device`
        pub device: DeviceId => "device",
    }
}

csta_struct! {
    /// `GetLogicalDeviceInformationResponse` (the commonly used subset;
    /// capability lists and filters are skipped when decoding).
    pub struct GetLogicalDeviceInformationResponse {
        /// `deviceCategory`
        pub device_category: Option<DeviceCategory> => "deviceCategory",
        /// `shortFormDeviceID`
        pub short_form_device_id: Option<DeviceId> => "shortFormDeviceID",
        /// `hasPhysicalElement`
        pub has_physical_element: Option<bool> => "hasPhysicalElement",
        /// `appearanceAddressable`
        pub appearance_addressable: Option<bool> => "appearanceAddressable",
        /// `maxActiveCalls`
        pub max_active_calls: Option<u32> => "maxActiveCalls",
        /// `maxHeldCalls`
        pub max_held_calls: Option<u32> => "maxHeldCalls",
        /// `maxFwdSettings`
        pub max_fwd_settings: Option<u32> => "maxFwdSettings",
        /// `maxDevicesInConf`
        pub max_devices_in_conf: Option<u32> => "maxDevicesInConf",
    }
}

csta_struct! {
    /// `GetPhysicalDeviceInformation`.
    pub struct GetPhysicalDeviceInformation {
        /// `device`
        pub device: DeviceId => "device",
    }
}

csta_struct! {
    /// `GetPhysicalDeviceInformationResponse` (the commonly used subset).
    pub struct GetPhysicalDeviceInformationResponse {
        /// `deviceCategory`
        pub device_category: Option<DeviceCategory> => "deviceCategory",
        /// `deviceModelName`
        pub device_model_name: Option<String> => "deviceModelName",
        /// `maxDisplays`
        pub max_displays: Option<u32> => "maxDisplays",
        /// `maxButtons`
        pub max_buttons: Option<u32> => "maxButtons",
        /// `maxLamps`
        pub max_lamps: Option<u32> => "maxLamps",
        /// `maxRingPatterns`
        pub max_ring_patterns: Option<u32> => "maxRingPatterns",
    }
}
