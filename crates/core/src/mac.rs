//! MAC addresses of desk phones, which double as the phones' SIP digest user names (PH2).

use std::fmt;
use std::str::FromStr;

/// A phone's 48-bit MAC address. Parsed from 12 hex digits in any case, with or without `:` or
/// `-` separators; always printed canonically as 12 upper-case hex digits (`000413A1B2C3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac([u8; 6]);

/// Why a text is not a MAC address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a MAC address (expected 12 hex digits, optionally separated by `:` or `-`)")]
pub struct MacError(pub String);

impl Mac {
    /// The six bytes of the address.
    pub fn octets(&self) -> [u8; 6] {
        self.0
    }
}

impl FromStr for Mac {
    type Err = MacError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let mut digits = [0u8; 12];
        let mut count = 0;
        for ch in trimmed.chars() {
            if ch == ':' || ch == '-' {
                continue;
            }
            let value = ch.to_digit(16).ok_or_else(|| MacError(text.to_owned()))?;
            if count == 12 {
                return Err(MacError(text.to_owned()));
            }
            digits[count] = value as u8;
            count += 1;
        }
        if count != 12 {
            return Err(MacError(text.to_owned()));
        }
        let mut octets = [0u8; 6];
        for (i, octet) in octets.iter_mut().enumerate() {
            *octet = (digits[2 * i] << 4) | digits[2 * i + 1];
        }
        Ok(Mac(octets))
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for octet in self.0 {
            write!(f, "{octet:02X}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for Mac {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_common_spelling() {
        for text in [
            "000413a1b2c3",
            "000413A1B2C3",
            "00:04:13:A1:B2:C3",
            "00-04-13-a1-b2-c3",
            " 000413A1B2C3 ",
        ] {
            let mac: Mac = text.parse().unwrap();
            assert_eq!(mac.to_string(), "000413A1B2C3", "{text}");
        }
    }

    #[test]
    fn rejects_wrong_lengths_and_characters() {
        for text in [
            "",
            "000413a1b2c",
            "000413a1b2c3d",
            "00041xa1b2c3",
            "alice",
            "00:04:13:a1:b2:c3:d4",
        ] {
            assert!(text.parse::<Mac>().is_err(), "{text}");
        }
    }
}
