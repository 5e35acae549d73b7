//! Which lines a user gets: automatic line binding by the user's business numbers, the manually
//! assigned 1st and 2nd phone (NUM2), and the phones of the computer the user logs in from
//! (roaming users, terminal servers: NUM3).

use super::{LocationRules, StoredNumber};

/// The numbers of a user that decide the user's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserNumbers {
    /// The business number (already normalized).
    pub business: Option<StoredNumber>,
    /// The second business number (already normalized).
    pub business2: Option<StoredNumber>,
    /// Whether `business` binds its line automatically (the per-number setting of the user
    /// directory).
    pub bind_business: bool,
    /// Whether `business2` binds its line automatically.
    pub bind_business2: bool,
    /// The manually assigned 1st phone: a line's number, as configured.
    pub first_phone: Option<String>,
    /// The manually assigned 2nd phone: a line's number, as configured.
    pub second_phone: Option<String>,
}

impl Default for UserNumbers {
    /// No numbers, no phones; both business numbers bind automatically once set.
    fn default() -> Self {
        UserNumbers {
            business: None,
            business2: None,
            bind_business: true,
            bind_business2: true,
            first_phone: None,
            second_phone: None,
        }
    }
}

/// Appends `line` to `bound` unless it is already there.
fn push_unique(bound: &mut Vec<String>, line: &str) {
    if !bound.iter().any(|known| known == line) {
        bound.push(line.to_owned());
    }
}

/// The known lines that a manually configured phone number denotes: the lines with exactly that
/// text, and the lines whose number normalizes to the same stored number.
fn lines_of_phone<'l>(
    rules: &'l LocationRules,
    phone: &'l str,
    lines: &'l [String],
) -> impl Iterator<Item = &'l String> + 'l {
    let phone = phone.trim();
    let number = (!phone.is_empty())
        .then(|| rules.normalize(phone).ok())
        .flatten();
    lines.iter().filter(move |line| {
        !phone.is_empty()
            && (line.trim() == phone
                || number
                    .as_ref()
                    .is_some_and(|number| rules.line_matches(line, number)))
    })
}

/// The lines of a user (NUM2), as entries of `lines` (the known lines' numbers), in this order
/// and without duplicates:
///
/// 1. the manual 1st phone, then the 2nd phone: always bound, whatever the switches say (the
///    manual: phones "which are not in the contact details of the user");
/// 2. when `rules.auto_line_binding` is on: the lines matching the business number (if
///    `bind_business`), then those matching the second business number (if `bind_business2`),
///    by [`LocationRules::line_matches`].
///
/// A phone or number that matches no known line binds nothing; call again when lines appear.
pub fn bind_lines(rules: &LocationRules, user: &UserNumbers, lines: &[String]) -> Vec<String> {
    let mut bound = Vec::new();
    for phone in [&user.first_phone, &user.second_phone]
        .into_iter()
        .flatten()
    {
        for line in lines_of_phone(rules, phone, lines) {
            push_unique(&mut bound, line);
        }
    }
    if rules.auto_line_binding {
        let automatic = [
            (&user.business, user.bind_business),
            (&user.business2, user.bind_business2),
        ];
        for (number, enabled) in automatic {
            let Some(number) = number.as_ref().filter(|_| enabled) else {
                continue;
            };
            for line in lines.iter().filter(|line| rules.line_matches(line, number)) {
                push_unique(&mut bound, line);
            }
        }
    }
    bound
}

/// The phones configured at a computer (its 1st and 2nd phone), which whoever logs in from that
/// computer gets (NUM3): trimmed, empty ones dropped, without duplicates.
pub fn roaming_lines(computer_phones: [Option<&str>; 2]) -> Vec<String> {
    let mut phones = Vec::new();
    for phone in computer_phones.into_iter().flatten() {
        let phone = phone.trim();
        if !phone.is_empty() {
            push_unique(&mut phones, phone);
        }
    }
    phones
}

/// The lines of a user logged in from a computer: the user's own lines ([`bind_lines`]) followed
/// by the known lines that the computer's phones denote (matched like a manual phone), without
/// duplicates. For a terminal-server user without own numbers this is just the phone next to
/// the workstation.
pub fn login_lines(
    rules: &LocationRules,
    user: &UserNumbers,
    computer_phones: [Option<&str>; 2],
    lines: &[String],
) -> Vec<String> {
    let mut bound = bind_lines(rules, user, lines);
    for phone in roaming_lines(computer_phones) {
        for line in lines_of_phone(rules, &phone, lines) {
            push_unique(&mut bound, line);
        }
    }
    bound
}
