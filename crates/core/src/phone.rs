//! The phone inventory (PH4): what callboard knows about each desk phone, and the phone model
//! recognised from the SIP User-Agent header.

use std::fmt;
use std::str::FromStr;

use crate::Mac;

/// What an administrator decided about a phone. Kept apart from whether it is connected, so the
/// CLI (another process) and the server never overwrite each other's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminState {
    /// The phone may register and be controlled.
    Enabled,
    /// Seen once while automatic commissioning was off; refused until an admin enables it.
    Pending,
    /// Refused by an administrator.
    Disabled,
}

impl AdminState {
    /// The stored and printed name.
    pub fn as_str(&self) -> &'static str {
        match self {
            AdminState::Enabled => "enabled",
            AdminState::Pending => "pending",
            AdminState::Disabled => "disabled",
        }
    }
}

impl FromStr for AdminState {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "enabled" => Ok(AdminState::Enabled),
            "pending" => Ok(AdminState::Pending),
            "disabled" => Ok(AdminState::Disabled),
            other => Err(format!("unknown admin state `{other}`")),
        }
    }
}

/// The status shown in the inventory: the admin decision first, then whether the phone is
/// registered with a working CSTA dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PhoneStatus {
    /// Registered and its CSTA dialog is up: it can be monitored and controlled.
    Online,
    /// Known but not reachable (not registered, registration expired, dialog dead).
    Offline,
    /// Waiting for an administrator to enable it.
    Pending,
    /// Refused by an administrator.
    Disabled,
}

impl fmt::Display for PhoneStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PhoneStatus::Online => "online",
            PhoneStatus::Offline => "offline",
            PhoneStatus::Pending => "pending",
            PhoneStatus::Disabled => "disabled",
        })
    }
}

/// The transport a phone registered over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// SIP over plain TCP.
    Tcp,
    /// SIP over TLS.
    Tls,
}

impl Transport {
    /// The name used in SIP `Via` and `transport=` parameters.
    pub fn sip_name(&self) -> &'static str {
        match self {
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
        }
    }
}

impl FromStr for Transport {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "tcp" => Ok(Transport::Tcp),
            "tls" => Ok(Transport::Tls),
            other => Err(format!("unknown transport `{other}`")),
        }
    }
}

/// Vendor, model and firmware of a phone, as far as its User-Agent tells.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PhoneModel {
    /// `snom`, `Yealink`, `Mitel`, or the first word of an unknown User-Agent.
    pub vendor: String,
    /// The model name (`D785`, `T46G`, `6867i`), empty when unknown.
    pub model: String,
    /// The firmware version, when the User-Agent carries one.
    pub firmware: Option<String>,
}

impl PhoneModel {
    /// Recognises the User-Agent forms of the phones in seed 003:
    /// `snomD785/10.1.54.13`, `snom370-SIP 8.7.5.35`, `Yealink SIP-T46G 28.73.98.4`,
    /// `Mitel 6867i/5.1.0.1024`, `Aastra 6867i/4.1.0.2023`. Anything else keeps its first word as
    /// vendor and the rest as model.
    pub fn from_user_agent(user_agent: &str) -> PhoneModel {
        let ua = user_agent.trim();
        if ua.is_empty() {
            return PhoneModel::default();
        }
        let lower = ua.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("snom") {
            // snomD785/10.1.54.13 or snom370-SIP 8.7.5.35
            let original_rest = &ua[4..4 + rest.len()];
            let (model_part, firmware) = split_model_firmware(original_rest);
            let model = model_part.trim_end_matches("-SIP").trim_end_matches("-sip");
            return PhoneModel {
                vendor: "snom".into(),
                model: model.trim().to_owned(),
                firmware,
            };
        }
        if lower.starts_with("yealink") {
            // Yealink SIP-T46G 28.73.98.4
            let mut words = ua.split_whitespace().skip(1);
            let model = words.next().unwrap_or("");
            let model = model
                .strip_prefix("SIP-")
                .or_else(|| model.strip_prefix("SIP_"))
                .unwrap_or(model);
            return PhoneModel {
                vendor: "Yealink".into(),
                model: model.to_owned(),
                firmware: words.next().map(str::to_owned),
            };
        }
        for prefix in ["mitel", "aastra"] {
            if lower.starts_with(prefix) {
                let rest = ua[prefix.len()..].trim_start();
                let (model, firmware) = split_model_firmware(rest);
                return PhoneModel {
                    vendor: "Mitel".into(),
                    model: model.trim().to_owned(),
                    firmware,
                };
            }
        }
        let (vendor, rest) = ua.split_once([' ', '/']).unwrap_or((ua, ""));
        PhoneModel {
            vendor: vendor.to_owned(),
            model: rest.trim().to_owned(),
            firmware: None,
        }
    }
}

/// Splits `D785/10.1.54.13` or `370-SIP 8.7.5.35` into model and firmware.
fn split_model_firmware(text: &str) -> (&str, Option<String>) {
    match text.split_once(['/', ' ']) {
        Some((model, firmware)) if !firmware.trim().is_empty() => {
            (model, Some(firmware.trim().to_owned()))
        }
        Some((model, _)) => (model, None),
        None => (text, None),
    }
}

/// One phone of the inventory (PH4), as stored and listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneRecord {
    /// The phone's MAC address, also its SIP user name.
    pub mac: Mac,
    /// Vendor, model and firmware from the last User-Agent.
    pub model: PhoneModel,
    /// The last User-Agent header as sent.
    pub user_agent: String,
    /// `ip:port` the phone last registered from.
    pub last_address: Option<String>,
    /// Transport of the last registration.
    pub transport: Option<Transport>,
    /// Identities (lines) the phone reported through `SwitchingFunctionDevices`.
    pub identities: Vec<String>,
    /// When the phone was first seen (Unix milliseconds).
    pub first_seen_ms: i64,
    /// When the phone last registered successfully (Unix milliseconds).
    pub last_registration_ms: Option<i64>,
    /// The administrator's decision.
    pub admin_state: AdminState,
    /// Registered with a working CSTA dialog right now.
    pub online: bool,
}

impl PhoneRecord {
    /// The status shown in the inventory.
    pub fn status(&self) -> PhoneStatus {
        match self.admin_state {
            AdminState::Disabled => PhoneStatus::Disabled,
            AdminState::Pending => PhoneStatus::Pending,
            AdminState::Enabled if self.online => PhoneStatus::Online,
            AdminState::Enabled => PhoneStatus::Offline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(ua: &str) -> (String, String, Option<String>) {
        let m = PhoneModel::from_user_agent(ua);
        (m.vendor, m.model, m.firmware)
    }

    #[test]
    fn recognises_vendor_user_agents() {
        assert_eq!(
            model("snomD785/10.1.54.13"),
            ("snom".into(), "D785".into(), Some("10.1.54.13".into()))
        );
        assert_eq!(
            model("snom370-SIP 8.7.5.35"),
            ("snom".into(), "370".into(), Some("8.7.5.35".into()))
        );
        assert_eq!(
            model("Yealink SIP-T46G 28.73.98.4"),
            ("Yealink".into(), "T46G".into(), Some("28.73.98.4".into()))
        );
        assert_eq!(
            model("Mitel 6867i/5.1.0.1024"),
            ("Mitel".into(), "6867i".into(), Some("5.1.0.1024".into()))
        );
        assert_eq!(
            model("Aastra 6867i/4.1.0.2023"),
            ("Mitel".into(), "6867i".into(), Some("4.1.0.2023".into()))
        );
        assert_eq!(
            model("sipp-uacsta-phone"),
            ("sipp-uacsta-phone".into(), "".into(), None)
        );
        assert_eq!(model(""), ("".into(), "".into(), None));
    }

    #[test]
    fn status_puts_the_admin_decision_first() {
        let mut record = PhoneRecord {
            mac: "000413A1B2C3".parse().unwrap(),
            model: PhoneModel::default(),
            user_agent: String::new(),
            last_address: None,
            transport: None,
            identities: vec![],
            first_seen_ms: 0,
            last_registration_ms: None,
            admin_state: AdminState::Enabled,
            online: true,
        };
        assert_eq!(record.status(), PhoneStatus::Online);
        record.online = false;
        assert_eq!(record.status(), PhoneStatus::Offline);
        record.online = true;
        record.admin_state = AdminState::Disabled;
        assert_eq!(record.status(), PhoneStatus::Disabled);
        record.admin_state = AdminState::Pending;
        assert_eq!(record.status(), PhoneStatus::Pending);
    }
}
