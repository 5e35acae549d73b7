//! Telephone numbers (NUM1–NUM3): the pure number logic of callboard, with no I/O.
//!
//! # The three forms of a number
//!
//! * **Stored** ([`StoredNumber`]): every public number is kept *supercanonical*
//!   ([`Supercanonical`]): `+`, country code, area code, subscriber number, digits only
//!   (`+49301234567`). Two kinds of numbers cannot be written that way and are stored as they are
//!   dialled: internal extensions of a PBX whose own number is not configured
//!   ([`StoredNumber::Internal`], e.g. `201`) and service numbers such as emergency numbers and
//!   directory enquiries ([`StoredNumber::Service`], e.g. `110`, `11833`), and feature codes
//!   with `*` or `#` (`*21#`).
//! * **Dialable** ([`LocationRules::dialable`]): what the PBX needs from this location: the
//!   extension alone, or the external access code followed by the shortest public form.
//! * **Display** ([`LocationRules::display`]): `+49 (30) 123456`: country code, the area code in
//!   parentheses when it is known, the subscriber number (and `-ext` for an extension of the
//!   location's own PBX).
//!
//! # Location rules
//!
//! [`LocationRules`] (the `[numbers]` configuration section) says where callboard's PBX is:
//! country and area code, international and national prefixes, external access code (the digit
//! for an outside line), the length of internal extensions, the global switch for automatic line
//! binding and, optionally, the PBX's own number (`base_number`) that extensions are appended to.
//!
//! # Reading numbers
//!
//! Two readers exist because the same digits mean different things in the two places they come
//! from. [`LocationRules::normalize`] reads what a person or a directory *wrote*: `030 123456`
//! is a national number (Berlin). [`LocationRules::normalize_dialed`] reads what the PBX *dials*
//! from this location, the inverse of [`LocationRules::dialable`]: in Germany, with the external
//! access code `0`, the same digits `030123456` are an outside line followed by the local
//! number `30123456`. The rules of each are documented on the method.
//!
//! # Line binding and roaming
//!
//! [`bind_lines`] gives a user the lines whose numbers match the user's business numbers
//! (automatic line binding, NUM2) plus the manually assigned 1st and 2nd phone;
//! [`roaming_lines`] and [`login_lines`] add the phones of the computer a user logs in from
//! (roaming and terminal servers, NUM3).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod binding;
mod tables;

pub use binding::{UserNumbers, bind_lines, login_lines, roaming_lines};

/// E.164: an international number has at most 15 digits, country code included.
pub const MAX_DIGITS: usize = 15;

/// The shortest national significant number (digits after the country code) that callboard
/// accepts. The shortest numbers in use anywhere (small island states) have four digits; three
/// still admits national short codes written internationally (`+49 115`).
pub const MIN_NATIONAL_DIGITS: usize = 3;

/// How much of a rejected input an error message repeats.
const SHOWN_CHARS: usize = 64;

/// Why a text is not a telephone number (or a `[numbers]` rule is unusable). Every message names
/// the offending input (cut to its first 64 characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Nothing but white space was given.
    #[error("empty telephone number")]
    Empty,
    /// A character that has no place in a telephone number, such as a letter.
    #[error(
        "`{input}` is not a telephone number: `{found}` is not allowed (only digits, a leading `+`, \
         spaces, `-`, `/`, `.` and parentheses; or a feature code of digits with `*` or `#`, \
         such as `*21#`)"
    )]
    InvalidCharacters {
        /// The input as written.
        input: String,
        /// The first character that is not allowed.
        found: char,
    },
    /// A `+` anywhere but at the very start.
    #[error("`{input}` is not a telephone number: `+` may only stand at its start")]
    MisplacedPlus {
        /// The input as written.
        input: String,
    },
    /// An unclosed, unopened or nested parenthesis.
    #[error("`{input}` is not a telephone number: its parentheses do not match")]
    UnbalancedParentheses {
        /// The input as written.
        input: String,
    },
    /// Separators only, or a lone `+`.
    #[error("`{input}` is not a telephone number: it contains no digits")]
    NoDigits {
        /// The input as written.
        input: String,
    },
    /// An international number that starts with no E.164 country code (a `0`, or a spare
    /// range such as `28x`, `83x`, `89x`).
    #[error("`{input}` is not a telephone number: it starts with no valid country code")]
    InvalidCountryCode {
        /// The input as written.
        input: String,
    },
    /// Too few digits after the country code, or a prefix without a number behind it.
    #[error(
        "`{input}` is too short: a public number needs at least {MIN_NATIONAL_DIGITS} digits after \
         the country code"
    )]
    TooShort {
        /// The input as written.
        input: String,
    },
    /// More than 15 digits in international form.
    #[error(
        "`{input}` is too long: {digits} digits in international form, E.164 allows at most \
         {MAX_DIGITS}"
    )]
    TooLong {
        /// The input as written.
        input: String,
        /// How many digits the international form would have.
        digits: usize,
    },
    /// A dialled string that is neither an extension nor starts with the external access code.
    #[error(
        "`{input}` cannot be dialled from this location: it is longer than an internal extension \
         and does not start with the external access code `{access_code}`"
    )]
    NotDialable {
        /// The dialled digits as given.
        input: String,
        /// The location's external access code.
        access_code: String,
    },
    /// A `[numbers]` setting that the rules cannot work with.
    #[error("invalid [numbers] {field} `{value}`: {reason}")]
    InvalidRule {
        /// The setting's key.
        field: &'static str,
        /// Its value.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// The input as repeated in an error message: at most [`SHOWN_CHARS`] characters.
fn shown(input: &str) -> String {
    let mut chars = input.chars();
    let mut text: String = chars.by_ref().take(SHOWN_CHARS).collect();
    if chars.next().is_some() {
        text.push('…');
    }
    text
}

/// A number in supercanonical form: `+`, country code, area code, subscriber number, digits
/// only (`+49301234567`). At most 15 digits (E.164), a country code that exists in the E.164
/// plan, and at least [`MIN_NATIONAL_DIGITS`] digits after it.
///
/// Parsing with [`FromStr`] is strict (exactly that text, no separators); use
/// [`LocationRules::normalize`] for what people write.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Supercanonical(String);

impl Supercanonical {
    /// Builds the number from its digits (without the `+`); `input` names the original text in
    /// errors.
    fn from_digits(digits: &str, input: &str) -> Result<Self, NumberError> {
        if digits.is_empty() {
            return Err(NumberError::NoDigits {
                input: shown(input),
            });
        }
        if let Some(found) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(NumberError::InvalidCharacters {
                input: shown(input),
                found,
            });
        }
        if digits.len() > MAX_DIGITS {
            return Err(NumberError::TooLong {
                input: shown(input),
                digits: digits.len(),
            });
        }
        let Some(len) = tables::country_code_len(digits) else {
            return Err(if digits.len() < 3 && !digits.starts_with('0') {
                NumberError::TooShort {
                    input: shown(input),
                }
            } else {
                NumberError::InvalidCountryCode {
                    input: shown(input),
                }
            });
        };
        if digits.len() < len + MIN_NATIONAL_DIGITS {
            return Err(NumberError::TooShort {
                input: shown(input),
            });
        }
        Ok(Supercanonical(format!("+{digits}")))
    }

    /// The number as stored: `+` and digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// All digits, without the `+`.
    pub fn digits(&self) -> &str {
        self.0.get(1..).unwrap_or_default()
    }

    /// The country code (`49`).
    pub fn country_code(&self) -> &str {
        let digits = self.digits();
        let len = tables::country_code_len(digits).unwrap_or(0);
        digits.get(..len).unwrap_or_default()
    }

    /// The national significant number: everything after the country code (`301234567`).
    pub fn national_number(&self) -> &str {
        let digits = self.digits();
        let len = tables::country_code_len(digits).unwrap_or(0);
        digits.get(len..).unwrap_or_default()
    }
}

impl FromStr for Supercanonical {
    type Err = NumberError;

    /// Accepts exactly `+` followed by the digits of a valid international number.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(NumberError::Empty);
        }
        match text.strip_prefix('+') {
            Some(digits) => Supercanonical::from_digits(digits, text),
            None => match text.chars().find(|c| !c.is_ascii_digit()) {
                Some(found) => Err(NumberError::InvalidCharacters {
                    input: shown(text),
                    found,
                }),
                None => Err(NumberError::InvalidCountryCode { input: shown(text) }),
            },
        }
    }
}

impl TryFrom<String> for Supercanonical {
    type Error = NumberError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Supercanonical> for String {
    fn from(number: Supercanonical) -> Self {
        number.0
    }
}

impl AsRef<str> for Supercanonical {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Supercanonical {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A number in the form callboard stores it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StoredNumber {
    /// A public number, `+` country area subscriber.
    Supercanonical(Supercanonical),
    /// An internal extension (`201`) of a location whose PBX number is not configured, so that
    /// it cannot be written supercanonically.
    Internal(String),
    /// A service number dialled as it is: emergency (`110`, `112`), directory enquiries
    /// (`11833`), … and feature codes with `*` or `#` (`*21#`).
    Service(String),
}

impl StoredNumber {
    /// The stored text: `+49301234567`, `201` or `110`.
    pub fn as_str(&self) -> &str {
        match self {
            StoredNumber::Supercanonical(number) => number.as_str(),
            StoredNumber::Internal(digits) | StoredNumber::Service(digits) => digits,
        }
    }

    /// The supercanonical number, when this is one.
    pub fn supercanonical(&self) -> Option<&Supercanonical> {
        match self {
            StoredNumber::Supercanonical(number) => Some(number),
            _ => None,
        }
    }
}

impl fmt::Display for StoredNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Supercanonical> for StoredNumber {
    fn from(number: Supercanonical) -> Self {
        StoredNumber::Supercanonical(number)
    }
}

/// The `[numbers]` location rules: where the PBX is and how it dials.
///
/// The defaults describe a PBX in Berlin, Germany: country code `49`, area code `30`,
/// international prefix `00`, national prefix `0`, external access code `0`, three-digit
/// extensions, automatic line binding on, PBX number unknown (`base_number = ""`).
///
/// Other countries, for reference: Austria `43` / `00` / `0` (Vienna `1`); Switzerland `41` /
/// `00` / `0` (Zürich `44`); UK `44` / `00` / `0` (London `20`); USA and Canada `1` / `011` /
/// `1` (New York `212`, external access usually `9`). Countries with closed numbering, where
/// every number is dialled in full (Italy, Denmark, …), leave `area_code` and `national_prefix`
/// empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LocationRules {
    /// The location's country code, without `+` (`49`).
    pub country_code: String,
    /// The location's area code, without the national prefix (`30`); empty where there are no
    /// area codes.
    pub area_code: String,
    /// The prefix for calls abroad (`00`; `011` in NANP).
    pub international_prefix: String,
    /// The prefix for calls to another area of the same country (`0`; `1` in NANP); empty where
    /// there is none.
    pub national_prefix: String,
    /// The digits that get an outside line from the PBX (`0`); empty when the PBX needs none.
    pub external_access_code: String,
    /// Numbers of up to this many digits are internal extensions (`3`).
    pub extension_length: usize,
    /// The global switch of automatic line binding (NUM2).
    pub auto_line_binding: bool,
    /// The PBX's own number, to which extensions are appended for the public number (direct
    /// dial-in): `123456` means extension `201` is `+4930123456201`. Written in any form
    /// [`LocationRules::normalize`] reads (`123456`, `030 123456`, `+49 30 123456`). Empty when
    /// unknown; extensions then stay [`StoredNumber::Internal`] and never match a public number.
    pub base_number: String,
}

impl Default for LocationRules {
    fn default() -> Self {
        LocationRules {
            country_code: "49".into(),
            area_code: "30".into(),
            international_prefix: "00".into(),
            national_prefix: "0".into(),
            external_access_code: "0".into(),
            extension_length: 3,
            auto_line_binding: true,
            base_number: String::new(),
        }
    }
}

/// The digits of a text and the shape of how they were written.
#[derive(Debug, Default)]
struct Scanned {
    /// Whether the text began with `+`.
    plus: bool,
    /// All digits, except a `(0)` group in an international number.
    digits: String,
    /// When the text starts with a digit: how many digits stand before the first separator.
    lead_group: Option<usize>,
    /// When the text (without `+`) starts with `(`: the digits inside those parentheses.
    lead_paren: Option<String>,
}

/// Reads the characters of a number: digits, one leading `+`, separators (white space, `-`,
/// `/`, `.`) and non-nested parentheses; a `tel:` URI (RFC 3966) with an optional `;ext=`
/// parameter, whose digits are appended.
/// The longest feature code kept.
const MAX_FEATURE_CODE: usize = 32;

/// A feature code as phones dial it: digits, `*` and `#` only, with at least one `*` or `#`
/// and at least one digit (`*21#`, `#31#0301234`, `*8`); separators are not allowed in it.
fn feature_code(input: &str) -> Option<String> {
    let text = input.trim();
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || c == '*' || c == '#');
    let marked = text.contains(['*', '#']);
    let has_digit = text.chars().any(|c| c.is_ascii_digit());
    (allowed && marked && has_digit && text.len() <= MAX_FEATURE_CODE).then(|| text.to_owned())
}

fn scan(input: &str) -> Result<Scanned, NumberError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(NumberError::Empty);
    }
    let (number, extension) = match text.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => {
            let uri = text.get(4..).unwrap_or_default();
            let mut parts = uri.split(';');
            let number = parts.next().unwrap_or_default();
            let extension = parts.find_map(|param| {
                let (name, value) = param.split_once('=')?;
                name.trim().eq_ignore_ascii_case("ext").then_some(value)
            });
            (number.trim(), extension)
        }
        _ => (text, None),
    };
    let invalid = |found| NumberError::InvalidCharacters {
        input: shown(input),
        found,
    };
    let mut scanned = Scanned::default();
    let mut in_paren: Option<String> = None;
    let mut seen_anything = false;
    let mut lead_open = false;
    for ch in number.chars() {
        match ch {
            '+' if !seen_anything && !scanned.plus => {
                scanned.plus = true;
                continue;
            }
            '+' => {
                return Err(NumberError::MisplacedPlus {
                    input: shown(input),
                });
            }
            '0'..='9' => {
                if !seen_anything && !scanned.plus {
                    lead_open = true;
                    scanned.lead_group = Some(0);
                }
                if lead_open {
                    scanned.lead_group = scanned.lead_group.map(|n| n + 1);
                }
                scanned.digits.push(ch);
                if let Some(group) = in_paren.as_mut() {
                    group.push(ch);
                }
            }
            '(' => {
                if in_paren.is_some() {
                    return Err(NumberError::UnbalancedParentheses {
                        input: shown(input),
                    });
                }
                lead_open = false;
                in_paren = Some(String::new());
                if !seen_anything && !scanned.plus {
                    scanned.lead_paren = Some(String::new());
                }
            }
            ')' => {
                let Some(group) = in_paren.take() else {
                    return Err(NumberError::UnbalancedParentheses {
                        input: shown(input),
                    });
                };
                if scanned.plus && group == "0" {
                    // `+49 (0)30 …`: the national prefix, shown for callers inside the
                    // country, is not part of the international number.
                    scanned.digits.pop();
                }
                if let Some(lead) = scanned.lead_paren.as_mut() {
                    if lead.is_empty() {
                        *lead = group;
                    }
                }
            }
            '-' | '/' | '.' => lead_open = false,
            c if c.is_whitespace() => lead_open = false,
            other => return Err(invalid(other)),
        }
        seen_anything = true;
    }
    if in_paren.is_some() {
        return Err(NumberError::UnbalancedParentheses {
            input: shown(input),
        });
    }
    if let Some(extension) = extension {
        let extension = extension.trim();
        if let Some(found) = extension.chars().find(|c| !c.is_ascii_digit()) {
            return Err(invalid(found));
        }
        scanned.digits.push_str(extension);
    }
    if scanned.digits.is_empty() {
        return Err(NumberError::NoDigits {
            input: shown(input),
        });
    }
    Ok(scanned)
}

impl LocationRules {
    /// Checks that the rules are usable: all settings digits only; a country code that exists
    /// in E.164; an area code not starting with the national prefix, and only together with a
    /// national prefix; an international prefix that differs from the national prefix and does
    /// not start with it the other way round (the national prefix may be a prefix of the
    /// international one, as `0` of `00`); extensions of at most 15 digits; a base number that
    /// is a number of the location's own country.
    pub fn validate(&self) -> Result<(), NumberError> {
        let rule = |field, value: &str, reason| NumberError::InvalidRule {
            field,
            value: shown(value),
            reason,
        };
        let digits_only = |field, value: &str| {
            if value.bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                Err(rule(field, value, "digits only"))
            }
        };
        digits_only("country_code", &self.country_code)?;
        digits_only("area_code", &self.area_code)?;
        digits_only("international_prefix", &self.international_prefix)?;
        digits_only("national_prefix", &self.national_prefix)?;
        digits_only("external_access_code", &self.external_access_code)?;
        let probe = format!("{}1", self.country_code);
        if tables::country_code_len(&probe) != Some(self.country_code.len()) {
            return Err(rule(
                "country_code",
                &self.country_code,
                "not an E.164 country code",
            ));
        }
        if self.international_prefix.is_empty() {
            return Err(rule(
                "international_prefix",
                &self.international_prefix,
                "must not be empty",
            ));
        }
        if !self.national_prefix.is_empty()
            && self.national_prefix.starts_with(&self.international_prefix)
        {
            return Err(rule(
                "national_prefix",
                &self.national_prefix,
                "must not start with the international prefix",
            ));
        }
        if !self.area_code.is_empty() {
            if self.national_prefix.is_empty() {
                return Err(rule(
                    "area_code",
                    &self.area_code,
                    "an area code needs a national prefix (leave both empty for closed numbering)",
                ));
            }
            if self.area_code.starts_with(&self.national_prefix) {
                return Err(rule(
                    "area_code",
                    &self.area_code,
                    "write the area code without the national prefix",
                ));
            }
        }
        if self.extension_length > MAX_DIGITS {
            return Err(rule(
                "extension_length",
                &self.extension_length.to_string(),
                "at most 15",
            ));
        }
        if !self.base_number.trim().is_empty() {
            match self.base_digits() {
                Some(base) if base.starts_with(&self.country_code) => {}
                _ => {
                    return Err(rule(
                        "base_number",
                        &self.base_number,
                        "not a public number of the location's own country",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Normalizes what a user or a directory wrote into the stored form.
    ///
    /// Separators (white space, `-`, `/`, `.`, parentheses) are dropped, `tel:` URIs are read
    /// (`;ext=` appended), anything else that is not a digit or a leading `+` is an error. Then,
    /// in this order:
    ///
    /// 1. `+…` is international: `+49 (30) 123456` → `+4930123456`; a `(0)` group is dropped
    ///    (`+49 (0)30 123456`).
    /// 2. A first group that is exactly the external access code, followed by more digits, is
    ///    an outside line, and the rest is read as dialled from this location
    ///    ([`LocationRules::normalize_dialed`]): `0 030 123456` → `+4930123456`,
    ///    `0 123456` → `+4930123456`.
    /// 3. A service number of the location's country is kept as it is: `110`, `112`, `11833`.
    /// 4. Up to `extension_length` digits not starting with the external access code are an
    ///    internal extension: `201` → `+4930123456201` when `base_number` is set, else
    ///    [`StoredNumber::Internal`].
    /// 5. A leading parenthesised group without the national prefix is the area code:
    ///    `(30) 123456` → `+4930123456`, `(212) 555-1234` → `+12125551234`.
    /// 6. International prefix: `0049 30 123456` → `+4930123456`.
    /// 7. National prefix: `030 123456` → `+4930123456`; in NANP (`1`) also ten digits without
    ///    it: `212 555 1234` → `+12125551234`.
    /// 8. Otherwise a local number of the location's area: `123456` → `+4930123456`.
    /// 9. When the text cannot be read so, and it is the external access code followed by the
    ///    international or national prefix, it is read as dialled (`000431234567` →
    ///    `+431234567`, `00891234567` → `+49891234567` since `89` starts no country code);
    ///    otherwise the first error stands.
    ///
    /// Before all that, a feature code (digits with `*` or `#`, e.g. `*21#`, `#31#`) is kept as
    /// it is, as a service number.
    ///
    /// International results must have a valid country code, at least 3 digits after it and at
    /// most 15 digits in all.
    pub fn normalize(&self, input: &str) -> Result<StoredNumber, NumberError> {
        if let Some(code) = feature_code(input) {
            return Ok(StoredNumber::Service(code));
        }
        let scanned = scan(input)?;
        let digits = scanned.digits.as_str();
        if scanned.plus {
            return Supercanonical::from_digits(digits, input).map(StoredNumber::from);
        }
        let access = self.external_access_code.as_str();
        if !access.is_empty() && scanned.lead_group == Some(access.len()) {
            if let Some(rest) = digits.strip_prefix(access).filter(|rest| !rest.is_empty()) {
                return self
                    .public_digits(rest, input)
                    .map(StoredNumber::Supercanonical);
            }
        }
        if tables::is_service_number(&self.country_code, digits) {
            return Ok(StoredNumber::Service(digits.to_owned()));
        }
        if self.is_extension(digits) {
            return Ok(self.internal(digits));
        }
        if let Some(area) = &scanned.lead_paren {
            let national = &self.national_prefix;
            if !area.is_empty() && (national.is_empty() || !area.starts_with(national.as_str())) {
                let full = format!("{}{digits}", self.country_code);
                return Supercanonical::from_digits(&full, input).map(StoredNumber::from);
            }
        }
        match self.public_digits(digits, input) {
            Ok(number) => Ok(StoredNumber::Supercanonical(number)),
            Err(error) => match digits.strip_prefix(access) {
                Some(rest) if !access.is_empty() && self.starts_with_prefix(rest) => self
                    .public_digits(rest, input)
                    .map(StoredNumber::Supercanonical)
                    .map_err(|_| error),
                _ => Err(error),
            },
        }
    }

    /// Reads a string as the PBX dials it from this location: the inverse of
    /// [`LocationRules::dialable`], e.g. for numbers reported by the PBX.
    ///
    /// `+…` is international as in [`LocationRules::normalize`]; a service number stays as it is;
    /// up to `extension_length` digits not starting with the external access code are an
    /// extension; anything longer must start with the external access code, and what follows
    /// it is international (`0 0043 1 234567`), national (`0 089 1234567`) or local
    /// (`0 123456`) as in [`LocationRules::normalize`] steps 6–8. Separators are allowed.
    pub fn normalize_dialed(&self, input: &str) -> Result<StoredNumber, NumberError> {
        if let Some(code) = feature_code(input) {
            return Ok(StoredNumber::Service(code));
        }
        let scanned = scan(input)?;
        let digits = scanned.digits.as_str();
        if scanned.plus {
            return Supercanonical::from_digits(digits, input).map(StoredNumber::from);
        }
        if tables::is_service_number(&self.country_code, digits) {
            return Ok(StoredNumber::Service(digits.to_owned()));
        }
        if self.is_extension(digits) {
            return Ok(self.internal(digits));
        }
        let access = self.external_access_code.as_str();
        match digits.strip_prefix(access) {
            Some("") => Err(NumberError::TooShort {
                input: shown(input),
            }),
            Some(rest) => self
                .public_digits(rest, input)
                .map(StoredNumber::Supercanonical),
            None => Err(NumberError::NotDialable {
                input: shown(input),
                access_code: access.to_owned(),
            }),
        }
    }

    /// The string the PBX dials from this location: the first of these forms that
    /// [`LocationRules::normalize_dialed`] reads back as the same number (so a local number
    /// whose short form would collide with a service number, `9` `99` → `999` in London, is
    /// dialled in its national form instead), the international form when none does:
    ///
    /// * an internal extension as it is (`201`), and so a number of the PBX's own range
    ///   (`base_number` followed by up to `extension_length` digits) as its extension;
    /// * a service number as it is (`110`, `11833`): the manual gives service numbers "directly
    ///   as dialable numbers", PBXs route emergency numbers without an outside line, and other
    ///   service numbers are reached by the PBX's external rules for numbers longer than an
    ///   extension;
    /// * the same area: access code + subscriber (`0` `123456`);
    /// * the same country, another area: access code + national prefix + area + subscriber
    ///   (`0` `0` `89 1234567`); without area codes (closed numbering): access code + national
    ///   number;
    /// * another country: access code + international prefix + country code + national number
    ///   (`0` `00` `43 1 234567`).
    pub fn dialable(&self, number: &StoredNumber) -> String {
        let number = match number {
            StoredNumber::Internal(digits) | StoredNumber::Service(digits) => {
                return digits.clone();
            }
            StoredNumber::Supercanonical(number) => number,
        };
        let access = &self.external_access_code;
        let country = number.country_code();
        let national = number.national_number();
        let international = format!("{access}{}{country}{national}", self.international_prefix);
        let mut candidates = Vec::with_capacity(3);
        if country == self.country_code {
            if let Some(extension) = self.extension_of(number) {
                candidates.push(extension.to_owned());
            }
            match national.strip_prefix(self.area_code.as_str()) {
                Some(subscriber) if !subscriber.is_empty() => {
                    candidates.push(format!("{access}{subscriber}"));
                }
                _ => {}
            }
            if !self.area_code.is_empty() {
                candidates.push(format!("{access}{}{national}", self.national_prefix));
            }
        }
        let wanted = StoredNumber::Supercanonical(number.clone());
        candidates
            .into_iter()
            .find(|candidate| self.normalize_dialed(candidate).as_ref() == Ok(&wanted))
            .unwrap_or(international)
    }

    /// The display form: `+49 (30) 123456`: country code, the area code in parentheses when
    /// known (the location's own, or from callboard's small table for DE, AT, CH, UK, FR and
    /// NANP), then the subscriber number; an extension of the PBX's own range is set off with
    /// `-` (`+49 (30) 123456-201`, DIN 5008). Without a known area code: `+43 7242123456`.
    /// Internal and service numbers are shown as they are. [`LocationRules::normalize`] reads
    /// every display form back to the same number.
    pub fn display(&self, number: &StoredNumber) -> String {
        let number = match number {
            StoredNumber::Internal(digits) | StoredNumber::Service(digits) => {
                return digits.clone();
            }
            StoredNumber::Supercanonical(number) => number,
        };
        let country = number.country_code();
        let national = number.national_number();
        let (head, extension) = match self.extension_of(number) {
            Some(extension) => (
                national
                    .len()
                    .checked_sub(extension.len())
                    .and_then(|end| national.get(..end))
                    .unwrap_or(national),
                Some(extension),
            ),
            None => (national, None),
        };
        let own_area = (country == self.country_code && !self.area_code.is_empty())
            .then(|| {
                head.strip_prefix(self.area_code.as_str())
                    .filter(|subscriber| !subscriber.is_empty())
                    .map(|_| self.area_code.len())
            })
            .flatten();
        let area_len = own_area.or_else(|| tables::area_code_len(country, head));
        let mut text = format!("+{country} ");
        let split = area_len
            .and_then(|len| Some((head.get(..len)?, head.get(len..)?)))
            // `(0)` would read back as a dropped national prefix.
            .filter(|(area, _)| !area.starts_with('0'));
        match split {
            Some((area, subscriber)) => {
                text.push('(');
                text.push_str(area);
                text.push_str(") ");
                text.push_str(subscriber);
            }
            None => text.push_str(head),
        }
        if let Some(extension) = extension {
            text.push('-');
            text.push_str(extension);
        }
        text
    }

    /// Whether a line whose configured number is `line_number` is the line of `user_number`
    /// (automatic line binding). The line's number is read with [`LocationRules::normalize`]
    /// (so `201`, `+4930123456201` and `+49 (30) 123456-201` are all fine) and the two stored
    /// forms must be equal. An extension and a public number are equal only through
    /// `base_number` (`201` ≡ `+4930123456201` when `base_number` is `123456`); without a
    /// configured PBX number they never match, rather than guess from trailing digits and bind
    /// someone else's line. Service numbers and unreadable line numbers never match.
    pub fn line_matches(&self, line_number: &str, user_number: &StoredNumber) -> bool {
        if matches!(user_number, StoredNumber::Service(_)) {
            return false;
        }
        match self.normalize(line_number) {
            Ok(StoredNumber::Service(_)) | Err(_) => false,
            Ok(line) => line == *user_number,
        }
    }

    /// Whether `digits` starts with the international or the (non-empty) national prefix.
    fn starts_with_prefix(&self, digits: &str) -> bool {
        [&self.international_prefix, &self.national_prefix]
            .into_iter()
            .any(|prefix| !prefix.is_empty() && digits.starts_with(prefix.as_str()))
    }

    /// The public number of extension `extension` of the PBX's own range, when `base_number`
    /// is configured.
    pub fn extension_number(&self, extension: &str) -> Option<Supercanonical> {
        let base = self.base_digits()?;
        if extension.is_empty() || !extension.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Supercanonical::from_digits(&format!("{base}{extension}"), extension).ok()
    }

    /// Whether `digits` is an internal extension: at most `extension_length` (and 15) digits,
    /// not starting with the external access code.
    fn is_extension(&self, digits: &str) -> bool {
        let access = &self.external_access_code;
        digits.len() <= self.extension_length.min(MAX_DIGITS)
            && (access.is_empty() || !digits.starts_with(access.as_str()))
    }

    /// The stored form of extension `digits`: public through `base_number` when possible.
    fn internal(&self, digits: &str) -> StoredNumber {
        match self.extension_number(digits) {
            Some(number) => StoredNumber::Supercanonical(number),
            None => StoredNumber::Internal(digits.to_owned()),
        }
    }

    /// The extension of `number` when it lies in the PBX's own range and dialling the extension
    /// alone is read back as the same number (not a service number, not the access code).
    fn extension_of<'n>(&self, number: &'n Supercanonical) -> Option<&'n str> {
        let base = self.base_digits()?;
        let extension = number.digits().strip_prefix(base.as_str())?;
        (!extension.is_empty()
            && self.is_extension(extension)
            && !tables::is_service_number(&self.country_code, extension))
        .then_some(extension)
    }

    /// The digits (without `+`) of `base_number`, read as a public number.
    fn base_digits(&self) -> Option<String> {
        let scanned = scan(&self.base_number).ok()?;
        let number = if scanned.plus {
            Supercanonical::from_digits(&scanned.digits, &self.base_number).ok()?
        } else {
            self.public_digits(&scanned.digits, &self.base_number)
                .ok()?
        };
        Some(number.digits().to_owned())
    }

    /// Reads digits written without `+` and without an outside line: international prefix,
    /// national prefix, NANP's ten digits, or else a local number of the location's area.
    fn public_digits(&self, digits: &str, input: &str) -> Result<Supercanonical, NumberError> {
        let too_short = || NumberError::TooShort {
            input: shown(input),
        };
        let international = &self.international_prefix;
        if !international.is_empty() {
            if let Some(rest) = digits.strip_prefix(international.as_str()) {
                if rest.is_empty() {
                    return Err(too_short());
                }
                return Supercanonical::from_digits(rest, input);
            }
        }
        let country = &self.country_code;
        let national = &self.national_prefix;
        if !national.is_empty() {
            if let Some(rest) = digits.strip_prefix(national.as_str()) {
                if rest.is_empty() {
                    return Err(too_short());
                }
                return Supercanonical::from_digits(&format!("{country}{rest}"), input);
            }
        }
        if country == "1" && digits.len() == 10 && !digits.starts_with(['0', '1']) {
            return Supercanonical::from_digits(&format!("{country}{digits}"), input);
        }
        Supercanonical::from_digits(&format!("{country}{}{digits}", self.area_code), input)
    }
}

#[cfg(test)]
mod tests;
