//! Monitoring services: MonitorStart and MonitorStop with their responses.

use crate::codec::{XmlValue, csta_struct};
use crate::error::DecodeError;
use crate::types::{ConnectionId, DeviceId, MonitorType};
use crate::xml::{XmlElement, XmlWriter};

/// What a monitor watches (`monitorObject`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MonitorObject {
    /// `<deviceObject>`: a device (the usual case).
    Device(DeviceId),
    /// `<callObject>`: a single call.
    Call(ConnectionId),
}

impl Default for MonitorObject {
    fn default() -> Self {
        MonitorObject::Device(DeviceId::default())
    }
}

impl XmlValue for MonitorObject {
    /// Accepts `deviceObject`, `callObject`, or a bare device ID as text.
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        if let Some(d) = el.child("deviceObject") {
            DeviceId::decode(d).map(MonitorObject::Device)
        } else if let Some(c) = el.child("callObject") {
            ConnectionId::decode(c).map(MonitorObject::Call)
        } else if !el.text.is_empty() {
            DeviceId::decode(el).map(MonitorObject::Device)
        } else {
            Err(DecodeError::MissingElement {
                parent: el.name.clone(),
                name: "deviceObject".into(),
            })
        }
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.start(name);
        match self {
            MonitorObject::Device(d) => d.encode("deviceObject", w),
            MonitorObject::Call(c) => c.encode("callObject", w),
        }
        w.end(name);
    }
}

csta_struct! {
    /// `MonitorStart`: starts a monitor on a device or call. Filters and
    /// media classes in the request are ignored when decoding.
    pub struct MonitorStart {
        /// `monitorObject`
        pub monitor_object: MonitorObject => "monitorObject",
        /// `monitorType`
        pub monitor_type: Option<MonitorType> => "monitorType",
    }
}

csta_struct! {
    /// `MonitorStartResponse`.
    pub struct MonitorStartResponse {
        /// `monitorCrossRefID`: routes the events of this monitor.
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
        /// `monitorExistingCalls`
        pub monitor_existing_calls: Option<bool> => "monitorExistingCalls",
    }
}

csta_struct! {
    /// `MonitorStop`: ends a monitor (sent by either side).
    pub struct MonitorStop {
        /// `monitorCrossRefID`
        pub monitor_cross_ref_id: String => "monitorCrossRefID",
    }
}

csta_struct! {
    /// `MonitorStopResponse` (empty).
    pub struct MonitorStopResponse {}
}
