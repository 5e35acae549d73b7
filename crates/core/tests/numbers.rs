//! Property tests of the number rules (NUM1–NUM3), through the public API only: no input makes
//! them panic, every stored number reads back from its display form, and every public number
//! reads back from what the PBX dials for it.

use callboard_core::numbers::{
    LocationRules, StoredNumber, Supercanonical, UserNumbers, bind_lines, login_lines,
};
use proptest::prelude::*;

/// The locations the properties run at: Berlin (with and without the PBX's own number),
/// Vienna, Zürich, London, New York, Copenhagen (closed numbering).
fn locations() -> Vec<LocationRules> {
    let berlin = LocationRules::default();
    vec![
        berlin.clone(),
        LocationRules {
            base_number: "123456".into(),
            ..berlin.clone()
        },
        LocationRules {
            country_code: "43".into(),
            area_code: "1".into(),
            extension_length: 2,
            ..berlin.clone()
        },
        LocationRules {
            country_code: "41".into(),
            area_code: "44".into(),
            external_access_code: String::new(),
            ..berlin.clone()
        },
        LocationRules {
            country_code: "44".into(),
            area_code: "20".into(),
            external_access_code: "9".into(),
            extension_length: 4,
            base_number: "7946 0000".into(),
            ..berlin.clone()
        },
        LocationRules {
            country_code: "1".into(),
            area_code: "212".into(),
            international_prefix: "011".into(),
            national_prefix: "1".into(),
            external_access_code: "9".into(),
            extension_length: 4,
            ..berlin.clone()
        },
        LocationRules {
            country_code: "45".into(),
            area_code: String::new(),
            national_prefix: String::new(),
            ..berlin
        },
    ]
}

fn location() -> impl Strategy<Value = LocationRules> {
    prop::sample::select(locations())
}

/// Text that looks like what people type into a number field, junk included.
fn number_like_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 +()/.\\-]{0,30}",
        "(tel:)?\\+?[0-9 ()\\-]{0,24}(;ext=[0-9a-z]{0,4})?",
        "[0-9]{0,40}",
    ]
}

fn digits(first: &'static str, len: std::ops::RangeInclusive<usize>) -> BoxedStrategy<String> {
    (prop::sample::select(first.chars().collect::<Vec<_>>()), len)
        .prop_flat_map(|(head, len)| {
            prop::collection::vec(prop::char::range('0', '9'), len.saturating_sub(1))
                .prop_map(move |tail| std::iter::once(head).chain(tail).collect::<String>())
        })
        .boxed()
}

/// A valid public number as seen from `rules`: in the location's own area, elsewhere in its
/// country, or abroad. Subscriber numbers start with 2–9 (as they do in all these countries)
/// and NANP numbers have their fixed ten digits.
fn public_number(rules: LocationRules) -> BoxedStrategy<(LocationRules, Supercanonical)> {
    let country = rules.country_code.clone();
    let area = rules.area_code.clone();
    let nanp = country == "1";
    let room = 15 - country.len();
    let own_area = {
        let area = area.clone();
        let len = if nanp {
            7..=7
        } else {
            4..=room.saturating_sub(area.len()).max(4)
        };
        digits("23456789", len)
            .prop_map(move |subscriber| format!("{area}{subscriber}"))
            .boxed()
    };
    let own_country = {
        let area = area.clone();
        let len = if nanp { 10..=10 } else { 3..=room };
        digits("23456789", len)
            .prop_filter("another area", move |national| {
                area.is_empty() || !national.starts_with(area.as_str())
            })
            .boxed()
    };
    const COUNTRIES: &[&str] = &[
        "1", "7", "20", "30", "33", "39", "41", "43", "44", "45", "49", "353", "420", "852", "971",
    ];
    let abroad = prop::sample::select(COUNTRIES)
        .prop_filter("abroad", move |code| *code != country)
        .prop_flat_map(|code| {
            let len = 3..=(15 - code.len());
            digits("0123456789", len).prop_map(move |national| format!("{code}{national}"))
        })
        .boxed();
    let own_code = rules.country_code.clone();
    let own = prop_oneof![own_area, own_country]
        .prop_map(move |national| format!("{own_code}{national}"))
        .boxed();
    prop_oneof![own, abroad]
        .prop_map(move |digits| {
            let number: Supercanonical = format!("+{digits}").parse().expect("generated valid");
            (rules.clone(), number)
        })
        .boxed()
}

fn located_number() -> impl Strategy<Value = (LocationRules, Supercanonical)> {
    location().prop_flat_map(public_number)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_input_panics_and_results_are_stable(rules in location(), text in number_like_text()) {
        for result in [rules.normalize(&text), rules.normalize_dialed(&text)] {
            match result {
                Ok(number) => {
                    // Whatever was accepted is a proper stored number that reads back from its
                    // stored and its display form.
                    if let StoredNumber::Supercanonical(sc) = &number {
                        prop_assert_eq!(&sc.as_str().parse::<Supercanonical>().unwrap(), sc);
                        prop_assert!(sc.digits().len() <= 15);
                    }
                    prop_assert_eq!(&rules.normalize(number.as_str()).unwrap(), &number);
                    prop_assert_eq!(&rules.normalize(&rules.display(&number)).unwrap(), &number);
                    let dialable = rules.dialable(&number);
                    prop_assert!(dialable.bytes().all(|b| b.is_ascii_digit()), "{}", dialable);
                    let _ = rules.line_matches(&text, &number);
                }
                Err(error) => prop_assert!(!error.to_string().is_empty()),
            }
        }
        let _ = text.parse::<Supercanonical>();
    }

    #[test]
    fn public_numbers_round_trip((rules, number) in located_number()) {
        let stored = StoredNumber::Supercanonical(number.clone());
        let display = rules.display(&stored);
        prop_assert_eq!(&rules.normalize(&display).unwrap(), &stored, "display {}", display);
        prop_assert_eq!(&rules.normalize(number.as_str()).unwrap(), &stored);
        let dialable = rules.dialable(&stored);
        prop_assert!(dialable.bytes().all(|b| b.is_ascii_digit()), "{}", dialable);
        prop_assert_eq!(
            &rules.normalize_dialed(&dialable).unwrap(),
            &stored,
            "dialable {}",
            dialable
        );
        prop_assert!(rules.line_matches(&display, &stored));
        prop_assert!(rules.line_matches(number.as_str(), &stored));
    }

    #[test]
    fn short_numbers_round_trip(rules in location(), text in "[0-9]{1,4}") {
        if let Ok(number) = rules.normalize(&text) {
            prop_assert_eq!(&rules.normalize_dialed(&rules.dialable(&number)).unwrap(), &number);
            if let StoredNumber::Internal(ext) | StoredNumber::Service(ext) = &number {
                prop_assert_eq!(ext, &text);
                prop_assert_eq!(&rules.dialable(&number), &text);
            }
        }
    }

    #[test]
    fn bound_lines_are_known_unique_and_respect_the_switch(
        rules in location(),
        lines in prop::collection::vec("[0-9]{2,5}|\\+49 30 123456[0-9]{1,3}", 0..8),
        business in prop::option::of("[0-9]{2,5}"),
        business2 in prop::option::of("\\+4930123456[0-9]{1,3}"),
        first in prop::option::of("[0-9]{2,5}"),
        second in prop::option::of("[0-9 ]{2,5}"),
        computer in prop::option::of("[0-9]{2,5}"),
        flags in any::<(bool, bool, bool)>(),
    ) {
        let user = UserNumbers {
            business: business.and_then(|b| rules.normalize(&b).ok()),
            business2: business2.and_then(|b| rules.normalize(&b).ok()),
            bind_business: flags.0,
            bind_business2: flags.1,
            first_phone: first,
            second_phone: second,
        };
        let rules = LocationRules { auto_line_binding: flags.2, ..rules };
        let bound = bind_lines(&rules, &user, &lines);
        for (i, line) in bound.iter().enumerate() {
            prop_assert!(lines.contains(line));
            prop_assert!(!bound[..i].contains(line));
        }
        let manual_only = bind_lines(
            &LocationRules { auto_line_binding: false, ..rules.clone() },
            &user,
            &lines,
        );
        prop_assert!(bound.starts_with(&manual_only));
        let at_login = login_lines(&rules, &user, [computer.as_deref(), None], &lines);
        prop_assert!(at_login.starts_with(&bound));
        for (i, line) in at_login.iter().enumerate() {
            prop_assert!(lines.contains(line));
            prop_assert!(!at_login[..i].contains(line));
        }
    }
}
