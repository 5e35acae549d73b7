//! Which CSTA services each phone model supports (PH5), from the vendor tables of seed 003
//! (snom from firmware 8.7.3/8.7.4, Yealink from xx.73.98.4, Mitel 6800 from 4.1.0 SP2).
//! Unsupported services are refused with `serviceNotSupported` without bothering the phone;
//! AlternateCall, which none of them has, is emulated with HoldCall + RetrieveCall. Phones of
//! other vendors get every service passed through (they answer for themselves).

use callboard_core::PhoneModel;

/// How a phone handles one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// The phone does it.
    Native,
    /// callboard emulates it with other services (AlternateCall = HoldCall + RetrieveCall).
    Emulated,
    /// Refused with `serviceNotSupported`.
    Unsupported,
}

/// The vendors with a capability table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// snom 3xx/7xx/8xx/Dxxx.
    Snom,
    /// Yealink T4x.
    Yealink,
    /// Mitel (Aastra) 6800/6900.
    Mitel,
    /// Anything else: services pass through.
    Other,
}

impl Vendor {
    /// The vendor of a phone model.
    pub fn of(model: &PhoneModel) -> Vendor {
        match model.vendor.to_ascii_lowercase().as_str() {
            "snom" => Vendor::Snom,
            "yealink" => Vendor::Yealink,
            "mitel" | "aastra" => Vendor::Mitel,
            _ => Vendor::Other,
        }
    }
}

/// Minimum firmware per service: `None` means the vendor never supports it.
fn minimum(vendor: Vendor, service: &str) -> Option<Option<&'static [u32]>> {
    const SNOM_873: &[u32] = &[8, 7, 3];
    const SNOM_874: &[u32] = &[8, 7, 4];
    const YEALINK: &[u32] = &[73, 98, 4];
    const MITEL: &[u32] = &[4, 1, 0];
    let table: &[(&str, Option<&'static [u32]>)] = match vendor {
        Vendor::Snom => &[
            ("MakeCall", Some(SNOM_873)),
            ("AnswerCall", Some(SNOM_873)),
            ("ClearConnection", Some(SNOM_873)),
            ("HoldCall", Some(SNOM_873)),
            ("RetrieveCall", Some(SNOM_873)),
            ("ConferenceCall", Some(SNOM_873)),
            ("TransferCall", Some(SNOM_873)),
            ("GenerateDigits", Some(SNOM_873)),
            ("ConsultationCall", Some(SNOM_874)),
            ("SingleStepTransferCall", Some(SNOM_874)),
            ("DeflectCall", Some(SNOM_874)),
            ("GetDoNotDisturb", Some(SNOM_874)),
            ("SetDoNotDisturb", Some(SNOM_874)),
            ("GetForwarding", Some(SNOM_874)),
            ("SetForwarding", Some(SNOM_874)),
            // Not in seed 003's snom table; passed through, the phone answers for itself.
            ("GetMessageWaitingIndicator", Some(SNOM_873)),
            ("SetMessageWaitingIndicator", Some(SNOM_873)),
            ("MonitorStart", Some(SNOM_873)),
            ("MonitorStop", Some(SNOM_874)),
            ("GetSwitchingFunctionDevices", Some(SNOM_873)),
            ("SnapshotDevice", Some(SNOM_873)),
            ("SystemRegister", Some(SNOM_874)),
            ("SystemRegisterCancel", Some(SNOM_874)),
            ("RequestSystemStatus", Some(SNOM_873)),
        ],
        Vendor::Yealink => &[
            ("MakeCall", Some(YEALINK)),
            ("AnswerCall", Some(YEALINK)),
            ("ClearConnection", Some(YEALINK)),
            ("HoldCall", Some(YEALINK)),
            ("RetrieveCall", Some(YEALINK)),
            ("ReconnectCall", Some(YEALINK)),
            ("ConferenceCall", Some(YEALINK)),
            ("TransferCall", Some(YEALINK)),
            ("GenerateDigits", Some(YEALINK)),
            ("ConsultationCall", Some(YEALINK)),
            ("SingleStepTransferCall", Some(YEALINK)),
            ("DeflectCall", Some(YEALINK)),
            ("GetDoNotDisturb", Some(YEALINK)),
            ("SetDoNotDisturb", Some(YEALINK)),
            ("GetForwarding", Some(YEALINK)),
            ("SetForwarding", Some(YEALINK)),
            ("GetMessageWaitingIndicator", Some(YEALINK)),
            ("MonitorStart", Some(YEALINK)),
            ("MonitorStop", Some(YEALINK)),
            ("GetSwitchingFunctionDevices", Some(YEALINK)),
            ("SnapshotDevice", Some(YEALINK)),
            ("RequestSystemStatus", Some(YEALINK)),
        ],
        Vendor::Mitel => &[
            ("MakeCall", Some(MITEL)),
            ("AnswerCall", Some(MITEL)),
            ("ClearConnection", Some(MITEL)),
            ("HoldCall", Some(MITEL)),
            ("RetrieveCall", Some(MITEL)),
            ("ConferenceCall", Some(MITEL)),
            ("TransferCall", Some(MITEL)),
            ("GenerateDigits", Some(MITEL)),
            ("ConsultationCall", Some(MITEL)),
            ("SingleStepTransferCall", Some(MITEL)),
            ("DeflectCall", Some(MITEL)),
            ("GetDoNotDisturb", Some(MITEL)),
            ("SetDoNotDisturb", Some(MITEL)),
            ("GetForwarding", Some(MITEL)),
            ("SetForwarding", Some(MITEL)),
            // Not in seed 003's Mitel table; passed through.
            ("GetMessageWaitingIndicator", Some(MITEL)),
            ("SetMessageWaitingIndicator", Some(MITEL)),
            ("MonitorStart", Some(MITEL)),
            ("MonitorStop", Some(MITEL)),
            ("GetSwitchingFunctionDevices", Some(MITEL)),
            ("SnapshotDevice", Some(MITEL)),
            ("SnapshotCall", Some(MITEL)),
            ("RequestSystemStatus", Some(MITEL)),
        ],
        Vendor::Other => return Some(None),
    };
    table
        .iter()
        .find(|(name, _)| *name == service)
        .map(|(_, min)| *min)
}

/// Dotted numbers of a firmware version; Yealink's `28.73.98.4` drops the model prefix.
fn version_numbers(vendor: Vendor, firmware: &str) -> Vec<u32> {
    let numbers: Vec<u32> = firmware
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match vendor {
        Vendor::Yealink if numbers.len() >= 4 => numbers[1..].to_vec(),
        _ => numbers,
    }
}

/// How `model` handles `service` (a CSTA request's root element name).
pub fn support(model: &PhoneModel, service: &str) -> Support {
    let vendor = Vendor::of(model);
    if service == "AlternateCall" && vendor != Vendor::Other {
        return Support::Emulated;
    }
    match minimum(vendor, service) {
        None => Support::Unsupported,
        Some(None) => Support::Native,
        Some(Some(min)) => match &model.firmware {
            // An unknown firmware is given the benefit of the doubt.
            None => Support::Native,
            Some(firmware) => {
                let have = version_numbers(vendor, firmware);
                if have.is_empty() || have.as_slice() >= min {
                    Support::Native
                } else {
                    Support::Unsupported
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(ua: &str) -> PhoneModel {
        PhoneModel::from_user_agent(ua)
    }

    #[test]
    fn snom_follows_the_firmware_table() {
        let new = model("snomD785/10.1.54.13");
        let old = model("snom370-SIP 8.7.3.25");
        assert_eq!(support(&new, "ConsultationCall"), Support::Native);
        assert_eq!(
            support(&old, "ConsultationCall"),
            Support::Unsupported,
            "needs 8.7.4"
        );
        assert_eq!(support(&old, "MakeCall"), Support::Native);
        assert_eq!(support(&new, "DialDigits"), Support::Unsupported);
        assert_eq!(support(&new, "DirectedPickupCall"), Support::Unsupported);
        assert_eq!(support(&new, "AlternateCall"), Support::Emulated);
        assert_eq!(
            support(&model("snom320/7.3.4"), "MakeCall"),
            Support::Unsupported
        );
    }

    #[test]
    fn yealink_lacks_system_register_and_compares_without_the_model_prefix() {
        let t46 = model("Yealink SIP-T46G 28.73.98.4");
        assert_eq!(support(&t46, "SystemRegister"), Support::Unsupported);
        assert_eq!(support(&t46, "MakeCall"), Support::Native);
        assert_eq!(
            support(&t46, "SetMessageWaitingIndicator"),
            Support::Unsupported
        );
        assert_eq!(support(&t46, "AlternateCall"), Support::Emulated);
        let old = model("Yealink SIP-T46G 28.72.0.10");
        assert_eq!(support(&old, "MakeCall"), Support::Unsupported);
    }

    #[test]
    fn mitel_and_unknown_vendors() {
        let mitel = model("Mitel 6867i/5.1.0.1024");
        assert_eq!(support(&mitel, "SnapshotCall"), Support::Native);
        assert_eq!(support(&mitel, "SystemRegister"), Support::Unsupported);
        assert_eq!(
            support(&model("Aastra 6867i/4.0.0.100"), "MakeCall"),
            Support::Unsupported
        );
        let other = model("Acme Phone 1.0");
        assert_eq!(support(&other, "DialDigits"), Support::Native);
        assert_eq!(support(&other, "AlternateCall"), Support::Native);
    }
}
