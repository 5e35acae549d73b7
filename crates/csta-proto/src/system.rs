//! System status and capability exchange services: the phone start-up path
//! (RequestSystemStatus, SystemStatus, SystemRegister(Cancel/Abort),
//! GetSwitchingFunctionDevices, SwitchingFunctionDevices and the
//! devices-changed notification) plus logical/physical device information.

use crate::codec::{ListItem, csta_struct};
use crate::types::{DeviceCategory, DeviceId, SystemStatus};

csta_struct! {
    /// `RequestSystemStatus`: asks the other side for its system status
    /// (also used as a keepalive). No parameters.
    pub struct RequestSystemStatus {}
}

csta_struct! {
    /// `RequestSystemStatusResponse`.
    pub struct RequestSystemStatusResponse {
        /// `systemStatus`
        pub system_status: SystemStatus => "systemStatus",
    }
}

csta_struct! {
    /// `SystemStatus`: unsolicited status report (e.g. sent by OpenScape
    /// Voice right after connect). Answered with [`SystemStatusResponse`].
    pub struct SystemStatusMessage {
        /// `sysStatRegisterID` (written first, as OpenScape Voice does)
        pub sys_stat_register_id: Option<String> => "sysStatRegisterID",
        /// `systemStatus`
        pub system_status: SystemStatus => "systemStatus",
    }
}

csta_struct! {
    /// `SystemStatusResponse` (empty).
    pub struct SystemStatusResponse {}
}

csta_struct! {
    /// `requestTypes` of [`SystemRegister`]: which notifications to receive.
    pub struct RequestTypes [default_when_missing] {
        /// `systemStatus`
        pub system_status: Option<bool> => "systemStatus",
        /// `requestSystemStatus`
        pub request_system_status: Option<bool> => "requestSystemStatus",
        /// `switchingFunctionCapsChanged`
        pub switching_function_caps_changed: Option<bool> => "switchingFunctionCapsChanged",
        /// `switchingFunctionDevicesChanged`
        pub switching_function_devices_changed: Option<bool> => "switchingFunctionDevicesChanged",
    }
}

csta_struct! {
    /// `SystemRegister`: subscribes to system notifications.
    pub struct SystemRegister {
        /// `requestTypes` (an absent element reads as all unset).
        pub request_types: RequestTypes => "requestTypes",
    }
}

csta_struct! {
    /// `SystemRegisterResponse`.
    pub struct SystemRegisterResponse {
        /// `sysStatRegisterID`
        pub sys_stat_register_id: String => "sysStatRegisterID",
    }
}

csta_struct! {
    /// `SystemRegisterCancel`: ends a system status registration.
    pub struct SystemRegisterCancel {
        /// `sysStatRegisterID`
        pub sys_stat_register_id: String => "sysStatRegisterID",
    }
}

csta_struct! {
    /// `SystemRegisterCancelResponse` (empty).
    pub struct SystemRegisterCancelResponse {}
}

csta_struct! {
    /// `SystemRegisterAbort`: the switching function ended a registration.
    pub struct SystemRegisterAbort {
        /// `sysStatRegisterID`
        pub sys_stat_register_id: String => "sysStatRegisterID",
    }
}

csta_struct! {
    /// `GetSwitchingFunctionDevices`: asks for the devices (identities) of
    /// the switching function; the list follows in
    /// [`SwitchingFunctionDevices`] messages.
    pub struct GetSwitchingFunctionDevices {
        /// `requestedDeviceID`
        pub requested_device_id: Option<DeviceId> => "requestedDeviceID",
        /// `requestedDeviceCategory`
        pub requested_device_category: Option<DeviceCategory> => "requestedDeviceCategory",
    }
}

csta_struct! {
    /// `GetSwitchingFunctionDevicesResponse`.
    pub struct GetSwitchingFunctionDevicesResponse {
        /// `serviceCrossRefID`: ties the following
        /// [`SwitchingFunctionDevices`] messages to this request.
        pub service_cross_ref_id: Option<String> => "serviceCrossRefID",
    }
}

csta_struct! {
    /// One `device` entry of a `deviceList`.
    pub struct SwitchingFunctionDevice {
        /// `deviceID`
        pub device_id: DeviceId => "deviceID",
        /// `deviceCategory`
        pub device_category: Option<DeviceCategory> => "deviceCategory",
        /// `deviceModelName`
        pub device_model_name: Option<String> => "deviceModelName",
    }
}

impl ListItem for SwitchingFunctionDevice {
    const ITEM: &'static str = "device";
}

csta_struct! {
    /// `SwitchingFunctionDevices`: one segment of the device list, sent by
    /// the switching function after [`GetSwitchingFunctionDevices`].
    pub struct SwitchingFunctionDevices {
        /// `serviceCrossRefID` from the response to the request.
        pub service_cross_ref_id: String => "serviceCrossRefID",
        /// `segmentID`
        pub segment_id: Option<u32> => "segmentID",
        /// `lastSegment` (see [`SwitchingFunctionDevices::is_last_segment`]).
        pub last_segment: Option<bool> => "lastSegment",
        /// `deviceList/device`
        pub device_list: Vec<SwitchingFunctionDevice> => "deviceList",
    }
}

impl SwitchingFunctionDevices {
    /// Whether this is the last segment; a missing `lastSegment` counts as
    /// the last one.
    pub fn is_last_segment(&self) -> bool {
        self.last_segment.unwrap_or(true)
    }
}

csta_struct! {
    /// The devices-changed notification. Written as `SwFunctionDevicesChanged`
    /// (the ECMA-285 name, also used by Yealink and estos);
    /// `SwitchingFunctionDevicesChanged` is accepted when decoding.
    pub struct SwitchingFunctionDevicesChanged {
        /// `sysStatRegisterID`
        pub sys_stat_register_id: Option<String> => "sysStatRegisterID",
        /// `deviceList/device`, if the sender includes the new list.
        pub device_list: Vec<SwitchingFunctionDevice> => "deviceList",
    }
}
