//! Built-in numbering knowledge: where the country code of an international number ends (the
//! ITU-T E.164 country codes), the area codes of a few countries for the display form, and the
//! service numbers (emergency, directory enquiries) that are dialled as they are.
//!
//! Only the country-code split is complete; the area-code table is deliberately small (display
//! only: an unknown area code just means the number is shown without parentheses), and the
//! service numbers cover the countries callboard is tested with plus the European defaults.

/// The two-digit country codes. Together with the one-digit codes `1` (NANP) and `7`
/// (Russia, Kazakhstan) they make the E.164 split exact: every other valid first digit starts a
/// three-digit code (assigned or spare), since country codes are prefix-free by construction.
const TWO_DIGIT_COUNTRY_CODES: &[&str] = &[
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
    "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

/// The spare ranges of three-digit codes that E.164 has never assigned: a number starting with
/// them is a mistake (often a national number written after the international prefix).
const SPARE_RANGES: &[&str] = &["28", "83", "89"];

/// Length of the country code at the start of `digits` (the digits of an international number
/// without its `+`), or `None` when no country code fits (empty, a leading `0`, a spare range,
/// a non-digit, or fewer digits than the code needs).
pub(super) fn country_code_len(digits: &str) -> Option<usize> {
    let bytes = digits.as_bytes();
    let first = *bytes.first()?;
    let len = match first {
        b'1' | b'7' => 1,
        b'2'..=b'9' => {
            let two = digits.get(..2)?;
            if SPARE_RANGES.contains(&two) {
                return None;
            }
            if TWO_DIGIT_COUNTRY_CODES.contains(&two) {
                2
            } else {
                3
            }
        }
        _ => return None,
    };
    let code = digits.get(..len)?;
    code.bytes().all(|b| b.is_ascii_digit()).then_some(len)
}

/// German area codes of two and three digits (without the national prefix `0`). Germany's
/// codes are 2–5 digits long; only the common short ones are listed. Mobile prefixes `15x`,
/// `16x` and `17x` are handled separately.
const DE_AREAS: &[&str] = &[
    "30", "40", "69", "89", "201", "202", "203", "211", "212", "221", "228", "231", "234", "241",
    "251", "261", "271", "331", "341", "345", "351", "361", "371", "381", "391", "421", "431",
    "441", "451", "511", "521", "531", "541", "551", "561", "611", "621", "631", "641", "651",
    "661", "681", "711", "721", "731", "761", "821", "841", "851", "911", "921", "931", "941",
    "951",
];

/// Austrian area codes (Vienna `1`, the larger cities) and mobile network codes.
const AT_AREAS: &[&str] = &[
    "1", "316", "463", "512", "662", "732", "650", "660", "664", "676", "677", "678", "680", "681",
    "688", "699",
];

/// UK area codes of two and three digits and the mobile range (`7xxx`, four digits).
const UK_AREAS: &[&str] = &[
    "20", "23", "24", "28", "29", "113", "114", "115", "116", "117", "118", "121", "131", "141",
    "151", "161", "191",
];

/// Swiss non-geographic codes of three digits (freephone, shared cost, premium); every other
/// Swiss code is two digits long.
const CH_THREE_DIGIT: &[&str] = &["800", "840", "842", "844", "848", "900", "901", "906"];

/// Length of the area code at the start of `national` (the national significant number: the
/// digits after the country code) when callboard knows it for country `country`, and a
/// subscriber part remains after it.
pub(super) fn area_code_len(country: &str, national: &str) -> Option<usize> {
    let listed = |table: &[&str]| {
        table
            .iter()
            .find(|code| national.starts_with(**code))
            .map(|code| code.len())
    };
    let len = match country {
        // NANP: three-digit area code, seven-digit subscriber number.
        "1" => Some(3),
        // France: a nine-digit national number whose first digit is the zone.
        "33" => (national.len() == 9).then_some(1),
        "41" => Some(listed(CH_THREE_DIGIT).unwrap_or(2)),
        "43" => listed(AT_AREAS),
        "44" => listed(UK_AREAS).or_else(|| national.starts_with('7').then_some(4)),
        "49" => listed(DE_AREAS).or_else(|| {
            ["15", "16", "17"]
                .iter()
                .any(|mobile| national.starts_with(mobile))
                .then_some(3)
        }),
        _ => None,
    }?;
    (len < national.len()).then_some(len)
}

/// Whether `digits` (as dialled, no prefixes) is a service number in the country with code
/// `country`: emergency numbers, authority and helpline numbers, directory enquiries.
///
/// * everywhere except NANP: `112`, the harmonised European `116xxx` helplines;
/// * Germany `49`: `110`, `115`, directory enquiries `118xx`/`118xxx`;
/// * Austria `43`: `122`, `128`, `133`, `140`, `141`, `144`, `118xx`/`118xxx`;
/// * Switzerland `41`: `117`, `118`, `143`, `144`, `145`, `147`, `1414`, `1415`, `1811`, `1818`;
/// * UK `44`: `999`, `101`, `105`, `111`, `118xxx`;
/// * France `33`: `15`, `17`, `18`, `114`, `115`, `119`, `118xxx`;
/// * NANP `1`: the N11 codes `211`…`911` and `988` (no `112`/`116`/`118`);
/// * any other country: the European defaults plus `118xx`/`118xxx`.
pub(super) fn is_service_number(country: &str, digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let prefixed = |prefix: &str, extra: std::ops::RangeInclusive<usize>| {
        digits
            .strip_prefix(prefix)
            .is_some_and(|rest| extra.contains(&rest.len()))
    };
    if country == "1" {
        return matches!(
            digits,
            "211" | "311" | "411" | "511" | "611" | "711" | "811" | "911" | "988"
        );
    }
    let european = digits == "112" || prefixed("116", 3..=3);
    let national = match country {
        "49" => matches!(digits, "110" | "115") || prefixed("118", 2..=3),
        "43" => {
            matches!(digits, "122" | "128" | "133" | "140" | "141" | "144")
                || prefixed("118", 2..=3)
        }
        "41" => matches!(
            digits,
            "117" | "118" | "143" | "144" | "145" | "147" | "1414" | "1415" | "1811" | "1818"
        ),
        "44" => matches!(digits, "999" | "101" | "105" | "111") || prefixed("118", 3..=3),
        "33" => {
            matches!(digits, "15" | "17" | "18" | "114" | "115" | "119") || prefixed("118", 3..=3)
        }
        _ => prefixed("118", 2..=3),
    };
    european || national
}
