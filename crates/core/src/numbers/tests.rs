//! Unit tests of the number rules: the manual's examples, the forms people write in several
//! countries, dialable and display forms, junk, line binding and roaming.

use super::*;

fn berlin() -> LocationRules {
    LocationRules::default()
}

fn berlin_pbx() -> LocationRules {
    LocationRules {
        base_number: "123456".into(),
        ..LocationRules::default()
    }
}

fn vienna() -> LocationRules {
    LocationRules {
        country_code: "43".into(),
        area_code: "1".into(),
        extension_length: 2,
        ..LocationRules::default()
    }
}

fn zurich() -> LocationRules {
    LocationRules {
        country_code: "41".into(),
        area_code: "44".into(),
        ..LocationRules::default()
    }
}

fn london() -> LocationRules {
    LocationRules {
        country_code: "44".into(),
        area_code: "20".into(),
        external_access_code: "9".into(),
        extension_length: 4,
        ..LocationRules::default()
    }
}

fn new_york() -> LocationRules {
    LocationRules {
        country_code: "1".into(),
        area_code: "212".into(),
        international_prefix: "011".into(),
        national_prefix: "1".into(),
        external_access_code: "9".into(),
        extension_length: 4,
        ..LocationRules::default()
    }
}

fn copenhagen() -> LocationRules {
    LocationRules {
        country_code: "45".into(),
        area_code: String::new(),
        national_prefix: String::new(),
        ..LocationRules::default()
    }
}

fn sc(text: &str) -> StoredNumber {
    StoredNumber::Supercanonical(text.parse().expect("valid supercanonical in test"))
}

fn norm(rules: &LocationRules, input: &str) -> StoredNumber {
    rules
        .normalize(input)
        .unwrap_or_else(|e| panic!("{input}: {e}"))
}

#[test]
fn defaults_are_berlin_and_valid() {
    let rules = LocationRules::default();
    assert_eq!(rules.country_code, "49");
    assert_eq!(rules.area_code, "30");
    assert_eq!(rules.international_prefix, "00");
    assert_eq!(rules.national_prefix, "0");
    assert_eq!(rules.external_access_code, "0");
    assert_eq!(rules.extension_length, 3);
    assert!(rules.auto_line_binding);
    assert_eq!(rules.base_number, "");
    rules.validate().unwrap();
    for rules in [
        berlin_pbx(),
        vienna(),
        zurich(),
        london(),
        new_york(),
        copenhagen(),
    ] {
        rules.validate().unwrap();
    }
}

#[test]
fn manual_example_display_and_back() {
    let rules = berlin();
    let number = norm(&rules, "+49 (30) 123456");
    assert_eq!(number, sc("+4930123456"));
    assert_eq!(number.as_str(), "+4930123456");
    assert_eq!(rules.display(&number), "+49 (30) 123456");
    assert_eq!(rules.display(&sc("+49301234567")), "+49 (30) 1234567");
}

#[test]
fn service_numbers_pass_through() {
    let rules = berlin();
    for service in ["110", "112", "115", "11833", "118 33", "118-800", "116117"] {
        let number = norm(&rules, service);
        let digits: String = service.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(number, StoredNumber::Service(digits.clone()), "{service}");
        assert_eq!(rules.dialable(&number), digits);
        assert_eq!(rules.display(&number), digits);
        assert_eq!(rules.normalize_dialed(&digits).unwrap(), number);
    }
    // Service numbers win over extensions of the same length.
    assert_eq!(norm(&rules, "110"), StoredNumber::Service("110".into()));
    // Feature codes with * or # are kept as they are, everywhere.
    for code in ["*21#", "#31#", "*8", "#31#0301234"] {
        for rules in [berlin(), new_york(), vienna()] {
            let number = norm(&rules, code);
            assert_eq!(number, StoredNumber::Service(code.into()), "{code}");
            assert_eq!(rules.dialable(&number), code);
            assert_eq!(rules.display(&number), code);
            assert_eq!(rules.normalize_dialed(code).unwrap(), number);
        }
    }
    for not_a_code in ["*", "#*", "*21# 5", "+*21#", "*ab#"] {
        assert!(rules.normalize(not_a_code).is_err(), "{not_a_code}");
    }
    // Service numbers of other countries are extensions here.
    assert_eq!(norm(&rules, "911"), StoredNumber::Internal("911".into()));
    assert_eq!(
        norm(&new_york(), "911"),
        StoredNumber::Service("911".into())
    );
    assert_eq!(norm(&london(), "999"), StoredNumber::Service("999".into()));
    assert_eq!(norm(&vienna(), "144"), StoredNumber::Service("144".into()));
    assert_eq!(
        norm(&zurich(), "1811"),
        StoredNumber::Service("1811".into())
    );
    // NANP has no 112.
    assert_eq!(
        norm(&new_york(), "112"),
        StoredNumber::Internal("112".into())
    );
}

#[test]
fn berlin_written_forms() {
    let rules = berlin();
    let expected = sc("+4930123456");
    for input in [
        "+4930123456",
        "+49 30 123456",
        "+49 (30) 123456",
        "+49 (0)30 123456",
        "+49 (0) 30 / 12 34 56",
        "+49-30-123456",
        "+49.30.123456",
        "0049 30 123456",
        "00 49 (30) 123 456",
        "030 123456",
        "030/123456",
        "(030) 123456",
        "(030) 12-34-56",
        "(30) 123456",
        "123456",
        "12 34 56",
        "0 030 123456",
        "0 123456",
        "0-030-123456",
        "tel:+49-30-123456",
        "TEL:+49.30.123456",
        "tel:+4930123456;phone-context=example.com",
        "  +49 30 123456\t",
        "+49\u{a0}30\u{a0}123456",
    ] {
        assert_eq!(norm(&rules, input), expected, "{input}");
    }
    assert_eq!(norm(&rules, "089 1234567"), sc("+49891234567"));
    assert_eq!(norm(&rules, "0 089 1234567"), sc("+49891234567"));
    assert_eq!(norm(&rules, "0043 1 234567"), sc("+431234567"));
    assert_eq!(norm(&rules, "0 0043 1 234567"), sc("+431234567"));
    // Access code and international prefix run together, read as dialled.
    assert_eq!(norm(&rules, "000431234567"), sc("+431234567"));
    assert_eq!(norm(&rules, "00891234567"), sc("+49891234567"));
    // `0 00 30 …` (Greece) and `0 030 …` (Berlin) differ only in the spacing.
    assert_eq!(norm(&rules, "000 30 123456"), sc("+30123456"));
    assert_eq!(
        norm(&rules, "tel:+4930123456;ext=201"),
        sc("+4930123456201")
    );
}

#[test]
fn internal_extensions() {
    let rules = berlin();
    assert_eq!(norm(&rules, "201"), StoredNumber::Internal("201".into()));
    assert_eq!(norm(&rules, " 20 "), StoredNumber::Internal("20".into()));
    assert_eq!(norm(&rules, "7"), StoredNumber::Internal("7".into()));
    let internal = StoredNumber::Internal("201".into());
    assert_eq!(rules.dialable(&internal), "201");
    assert_eq!(rules.display(&internal), "201");
    // Starting with the access code, three digits are neither an extension nor a number.
    assert!(matches!(
        rules.normalize("012"),
        Err(NumberError::TooShort { .. })
    ));
    assert!(matches!(
        rules.normalize("0"),
        Err(NumberError::TooShort { .. })
    ));
    // Four digits are a local number.
    assert_eq!(norm(&rules, "2011"), sc("+49302011"));
    // In NANP extensions may start with the national prefix 1.
    assert_eq!(
        norm(&new_york(), "1001"),
        StoredNumber::Internal("1001".into())
    );
}

#[test]
fn pbx_base_number_makes_extensions_public() {
    let rules = berlin_pbx();
    let extension = sc("+4930123456201");
    assert_eq!(norm(&rules, "201"), extension);
    assert_eq!(norm(&rules, "+49 30 123456 201"), extension);
    assert_eq!(norm(&rules, "030 123456-201"), extension);
    assert_eq!(rules.dialable(&extension), "201");
    assert_eq!(rules.display(&extension), "+49 (30) 123456-201");
    assert_eq!(norm(&rules, "+49 (30) 123456-201"), extension);
    assert_eq!(rules.normalize_dialed("201").unwrap(), extension);
    assert_eq!(rules.normalize_dialed("0123456201").unwrap(), extension);
    // The PBX's own number itself is dialled outside.
    assert_eq!(rules.dialable(&sc("+4930123456")), "0123456");
    // Any form of base number works.
    for base in ["+49 30 123456", "030 123456", "+4930123456"] {
        let rules = LocationRules {
            base_number: base.into(),
            ..berlin()
        };
        rules.validate().unwrap();
        assert_eq!(norm(&rules, "201"), extension, "{base}");
    }
    assert_eq!(
        rules.extension_number("201"),
        Some("+4930123456201".parse().unwrap())
    );
    assert_eq!(berlin().extension_number("201"), None);
}

#[test]
fn dialable_forms_from_berlin() {
    let rules = berlin();
    assert_eq!(rules.dialable(&sc("+4930123456")), "0123456");
    assert_eq!(rules.dialable(&sc("+49891234567")), "00891234567");
    assert_eq!(rules.dialable(&sc("+431234567")), "000431234567");
    assert_eq!(rules.dialable(&sc("+12125551234")), "00012125551234");
    // Without an access code.
    let direct = LocationRules {
        external_access_code: String::new(),
        ..berlin()
    };
    assert_eq!(direct.dialable(&sc("+4930123456")), "123456");
    assert_eq!(direct.dialable(&sc("+49891234567")), "0891234567");
    assert_eq!(direct.dialable(&sc("+431234567")), "00431234567");
}

#[test]
fn dialed_strings_read_back() {
    let rules = berlin();
    assert_eq!(
        rules.normalize_dialed("0123456").unwrap(),
        sc("+4930123456")
    );
    assert_eq!(
        rules.normalize_dialed("0 0891234567").unwrap(),
        sc("+49891234567")
    );
    assert_eq!(
        rules.normalize_dialed("000431234567").unwrap(),
        sc("+431234567")
    );
    assert_eq!(
        rules.normalize_dialed("201").unwrap(),
        StoredNumber::Internal("201".into())
    );
    assert!(matches!(
        rules.normalize_dialed("4930123456"),
        Err(NumberError::NotDialable { .. })
    ));
    assert!(matches!(
        rules.normalize_dialed("0"),
        Err(NumberError::TooShort { .. })
    ));
    // The same digits written by a person are a national number.
    assert_eq!(norm(&rules, "030123456"), sc("+4930123456"));
    assert_eq!(
        rules.normalize_dialed("030123456").unwrap(),
        sc("+493030123456")
    );
}

#[test]
fn austria() {
    let rules = vienna();
    assert_eq!(norm(&rules, "01 234567"), sc("+431234567"));
    assert_eq!(norm(&rules, "234567"), sc("+431234567"));
    assert_eq!(norm(&rules, "0316 123456"), sc("+43316123456"));
    assert_eq!(norm(&rules, "+43 (0)1 234567"), sc("+431234567"));
    assert_eq!(norm(&rules, "0049 30 123456"), sc("+4930123456"));
    assert_eq!(norm(&rules, "12"), StoredNumber::Internal("12".into()));
    assert_eq!(rules.display(&sc("+431234567")), "+43 (1) 234567");
    assert_eq!(rules.display(&sc("+43316123456")), "+43 (316) 123456");
    assert_eq!(rules.display(&sc("+436641234567")), "+43 (664) 1234567");
    assert_eq!(rules.display(&sc("+437242123456")), "+43 7242123456");
    assert_eq!(rules.dialable(&sc("+431234567")), "0234567");
    assert_eq!(rules.dialable(&sc("+43316123456")), "00316123456");
    assert_eq!(rules.dialable(&sc("+4930123456")), "0004930123456");
}

#[test]
fn switzerland() {
    let rules = zurich();
    assert_eq!(norm(&rules, "044 123 45 67"), sc("+41441234567"));
    assert_eq!(norm(&rules, "123 45 67"), sc("+41441234567"));
    assert_eq!(norm(&rules, "+41 (0)31 123 45 67"), sc("+41311234567"));
    assert_eq!(rules.display(&sc("+41441234567")), "+41 (44) 1234567");
    assert_eq!(rules.display(&sc("+41311234567")), "+41 (31) 1234567");
    assert_eq!(rules.display(&sc("+41800123456")), "+41 (800) 123456");
    assert_eq!(rules.dialable(&sc("+41311234567")), "00311234567");
    assert_eq!(norm(&rules, "117"), StoredNumber::Service("117".into()));
}

#[test]
fn united_kingdom() {
    let rules = london();
    assert_eq!(norm(&rules, "020 7946 0000"), sc("+442079460000"));
    assert_eq!(norm(&rules, "7946 0000"), sc("+442079460000"));
    assert_eq!(norm(&rules, "+44 (0)20 7946 0000"), sc("+442079460000"));
    assert_eq!(norm(&rules, "0161 496 0000"), sc("+441614960000"));
    assert_eq!(norm(&rules, "9 0161 496 0000"), sc("+441614960000"));
    assert_eq!(norm(&rules, "2001"), StoredNumber::Internal("2001".into()));
    assert_eq!(
        norm(&rules, "118 118"),
        StoredNumber::Service("118118".into())
    );
    assert_eq!(rules.display(&sc("+442079460000")), "+44 (20) 79460000");
    assert_eq!(rules.display(&sc("+441614960000")), "+44 (161) 4960000");
    assert_eq!(rules.display(&sc("+447700900123")), "+44 (7700) 900123");
    assert_eq!(rules.dialable(&sc("+442079460000")), "979460000");
    assert_eq!(rules.dialable(&sc("+441614960000")), "901614960000");
    assert_eq!(rules.dialable(&sc("+4930123456")), "9004930123456");
    // `9` + `99` would be the emergency number: dialled nationally instead.
    assert_eq!(rules.dialable(&sc("+442099")), "902099");
    assert_eq!(rules.normalize_dialed("902099").unwrap(), sc("+442099"));
}

#[test]
fn united_states() {
    let rules = new_york();
    let expected = sc("+12125551234");
    for input in [
        "+1 (212) 555-1234",
        "+1 212 555 1234",
        "1 212 555 1234",
        "1-212-555-1234",
        "(212) 555-1234",
        "212-555-1234",
        "212.555.1234",
        "555-1234",
        "9 555 1234",
        "9 1 212 555 1234",
        "9 (212) 555-1234",
    ] {
        assert_eq!(norm(&rules, input), expected, "{input}");
    }
    assert_eq!(norm(&rules, "1 415 555 0100"), sc("+14155550100"));
    assert_eq!(norm(&rules, "(415) 555-0100"), sc("+14155550100"));
    assert_eq!(norm(&rules, "011 49 30 123456"), sc("+4930123456"));
    assert_eq!(rules.display(&expected), "+1 (212) 5551234");
    assert_eq!(rules.dialable(&expected), "95551234");
    assert_eq!(rules.dialable(&sc("+14155550100")), "914155550100");
    assert_eq!(rules.dialable(&sc("+4930123456")), "90114930123456");
    assert_eq!(
        rules.normalize_dialed("914155550100").unwrap(),
        sc("+14155550100")
    );
    assert_eq!(
        rules.normalize_dialed("94155550100").unwrap(),
        sc("+14155550100")
    );
}

#[test]
fn closed_numbering() {
    let rules = copenhagen();
    assert_eq!(norm(&rules, "33 12 34 56"), sc("+4533123456"));
    assert_eq!(norm(&rules, "+45 33 12 34 56"), sc("+4533123456"));
    assert_eq!(rules.dialable(&sc("+4533123456")), "033123456");
    assert_eq!(rules.display(&sc("+4533123456")), "+45 33123456");
    assert_eq!(
        rules.normalize_dialed("033123456").unwrap(),
        sc("+4533123456")
    );
}

#[test]
fn display_of_other_numbers() {
    let rules = berlin();
    assert_eq!(rules.display(&sc("+49891234567")), "+49 (89) 1234567");
    assert_eq!(rules.display(&sc("+492211234567")), "+49 (221) 1234567");
    assert_eq!(rules.display(&sc("+4915112345678")), "+49 (151) 12345678");
    assert_eq!(rules.display(&sc("+4962211234567")), "+49 62211234567");
    assert_eq!(rules.display(&sc("+33123456789")), "+33 (1) 23456789");
    assert_eq!(rules.display(&sc("+390612345678")), "+39 0612345678");
    assert_eq!(rules.display(&sc("+8613800138000")), "+86 13800138000");
}

#[test]
fn supercanonical_parts_and_strict_parsing() {
    let number: Supercanonical = "+49301234567".parse().unwrap();
    assert_eq!(number.as_str(), "+49301234567");
    assert_eq!(number.to_string(), "+49301234567");
    assert_eq!(number.digits(), "49301234567");
    assert_eq!(number.country_code(), "49");
    assert_eq!(number.national_number(), "301234567");
    let nanp: Supercanonical = "+12125551234".parse().unwrap();
    assert_eq!(nanp.country_code(), "1");
    let three: Supercanonical = "+3531234567".parse().unwrap();
    assert_eq!(three.country_code(), "353");
    assert_eq!(three.national_number(), "1234567");
    for bad in [
        "",
        "+",
        "49301234567",
        "+49 30 1234567",
        "+0301234567",
        "+49-301234567",
        "+4930",
        "+1234567890123456",
        "++49301234567",
    ] {
        assert!(bad.parse::<Supercanonical>().is_err(), "{bad}");
    }
    assert!("+123456789012345".parse::<Supercanonical>().is_ok());
}

#[test]
fn supercanonical_serde_is_the_string() {
    let number: Supercanonical = "+4930123456".parse().unwrap();
    let value = serde::de::value::StrDeserializer::<serde::de::value::Error>::new("+4930123456");
    let back: Supercanonical = Supercanonical::deserialize(value).unwrap();
    assert_eq!(back, number);
    let bad = serde::de::value::StrDeserializer::<serde::de::value::Error>::new("030 123456");
    assert!(Supercanonical::deserialize(bad).is_err());
}

#[test]
fn junk_is_refused_with_clear_errors() {
    let rules = berlin();
    type Check = fn(&NumberError) -> bool;
    let cases: &[(&str, Check)] = &[
        ("", |e| matches!(e, NumberError::Empty)),
        ("   ", |e| matches!(e, NumberError::Empty)),
        ("+", |e| matches!(e, NumberError::NoDigits { .. })),
        ("( ) - /", |e| matches!(e, NumberError::NoDigits { .. })),
        ("abc", |e| {
            matches!(e, NumberError::InvalidCharacters { found: 'a', .. })
        }),
        ("030 1234x6", |e| {
            matches!(e, NumberError::InvalidCharacters { found: 'x', .. })
        }),
        ("1-800-FLOWERS", |e| {
            matches!(e, NumberError::InvalidCharacters { found: 'F', .. })
        }),
        ("*21# 5", |e| {
            matches!(e, NumberError::InvalidCharacters { found: '*', .. })
        }),
        ("sip:201@pbx", |e| {
            matches!(e, NumberError::InvalidCharacters { .. })
        }),
        ("٠٣٠١٢٣٤٥٦", |e| {
            matches!(e, NumberError::InvalidCharacters { .. })
        }),
        ("49+30", |e| matches!(e, NumberError::MisplacedPlus { .. })),
        ("++4930123456", |e| {
            matches!(e, NumberError::MisplacedPlus { .. })
        }),
        ("+49 (30 123456", |e| {
            matches!(e, NumberError::UnbalancedParentheses { .. })
        }),
        ("+49 30) 123456", |e| {
            matches!(e, NumberError::UnbalancedParentheses { .. })
        }),
        ("+49 ((30)) 123456", |e| {
            matches!(e, NumberError::UnbalancedParentheses { .. })
        }),
        ("+0 30 123456", |e| {
            matches!(e, NumberError::InvalidCountryCode { .. })
        }),
        ("0000 30 123456", |e| {
            matches!(e, NumberError::InvalidCountryCode { .. })
        }),
        ("+89 1234567", |e| {
            matches!(e, NumberError::InvalidCountryCode { .. })
        }),
        ("+283 1234567", |e| {
            matches!(e, NumberError::InvalidCountryCode { .. })
        }),
        ("+49", |e| matches!(e, NumberError::TooShort { .. })),
        ("0", |e| matches!(e, NumberError::TooShort { .. })),
        ("00", |e| matches!(e, NumberError::TooShort { .. })),
        ("+49 30 1234567890123", |e| {
            matches!(e, NumberError::TooLong { digits: 17, .. })
        }),
        ("0049 30 1234567890123", |e| {
            matches!(e, NumberError::TooLong { .. })
        }),
        ("1234567890123456", |e| {
            matches!(e, NumberError::TooLong { .. })
        }),
        ("tel:+4930123456;ext=2x", |e| {
            matches!(e, NumberError::InvalidCharacters { found: 'x', .. })
        }),
    ];
    for (input, expected) in cases {
        let error = rules.normalize(input).expect_err(input);
        assert!(expected(&error), "{input}: {error:?}");
        let message = error.to_string();
        if !input.trim().is_empty() {
            assert!(message.contains(input.trim()), "{message}");
        }
    }
}

#[test]
fn error_messages_are_bounded() {
    let long = "x".repeat(10_000);
    let message = berlin().normalize(&long).unwrap_err().to_string();
    assert!(message.len() < 300, "{message}");
    assert!(message.contains('…'));
}

#[test]
fn invalid_rules_are_reported() {
    let bad = [
        LocationRules {
            country_code: "0".into(),
            ..berlin()
        },
        LocationRules {
            country_code: "4".into(),
            ..berlin()
        },
        LocationRules {
            country_code: "+49".into(),
            ..berlin()
        },
        LocationRules {
            country_code: "490".into(),
            ..berlin()
        },
        LocationRules {
            area_code: "030".into(),
            ..berlin()
        },
        LocationRules {
            national_prefix: String::new(),
            ..berlin()
        },
        LocationRules {
            international_prefix: String::new(),
            ..berlin()
        },
        LocationRules {
            national_prefix: "00".into(),
            ..berlin()
        },
        LocationRules {
            external_access_code: "#".into(),
            ..berlin()
        },
        LocationRules {
            extension_length: 16,
            ..berlin()
        },
        LocationRules {
            base_number: "+43 1 234567".into(),
            ..berlin()
        },
        LocationRules {
            base_number: "pbx".into(),
            ..berlin()
        },
    ];
    for rules in bad {
        let error = rules.validate().expect_err(&format!("{rules:?}"));
        assert!(matches!(error, NumberError::InvalidRule { .. }), "{error}");
        assert!(error.to_string().starts_with("invalid [numbers] "));
    }
    // Nonsense rules give errors or odd numbers, never panics.
    let odd = LocationRules {
        country_code: "ü".into(),
        area_code: "x".into(),
        international_prefix: String::new(),
        national_prefix: String::new(),
        external_access_code: "é".into(),
        extension_length: usize::MAX,
        auto_line_binding: true,
        base_number: "é".into(),
    };
    for input in ["123", "0123456789", "+4930123456", "é1"] {
        let _ = odd.normalize(input);
        let _ = odd.normalize_dialed(input);
    }
    let _ = odd.dialable(&sc("+4930123456"));
    let _ = odd.display(&sc("+4930123456"));
}

#[test]
fn location_rules_deserialize_with_defaults() {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, MapDeserializer};
    let entries = vec![("country_code", "43"), ("area_code", "1")];
    let map: MapDeserializer<'_, _, Error> =
        MapDeserializer::new(entries.into_iter().map(|(k, v)| (k, v.into_deserializer())));
    let rules = LocationRules::deserialize(map).unwrap();
    assert_eq!(rules.country_code, "43");
    assert_eq!(rules.area_code, "1");
    assert_eq!(rules.international_prefix, "00");
    assert_eq!(rules.extension_length, 3);
}

fn lines(numbers: &[&str]) -> Vec<String> {
    numbers.iter().map(|n| n.to_string()).collect()
}

#[test]
fn line_matching() {
    let rules = berlin_pbx();
    let user = sc("+4930123456201");
    assert!(rules.line_matches("201", &user));
    assert!(rules.line_matches("+4930123456201", &user));
    assert!(rules.line_matches("+49 (30) 123456-201", &user));
    assert!(rules.line_matches("030 123456 201", &user));
    assert!(!rules.line_matches("202", &user));
    assert!(!rules.line_matches("garbage", &user));
    assert!(!rules.line_matches("110", &StoredNumber::Service("110".into())));
    // Without the PBX number an extension never matches a public number.
    let plain = berlin();
    assert!(!plain.line_matches("201", &user));
    assert!(plain.line_matches("201", &StoredNumber::Internal("201".into())));
    assert!(plain.line_matches("+4930123456201", &user));
}

#[test]
fn automatic_binding_on_and_off() {
    let rules = berlin_pbx();
    let known = lines(&["200", "201", "202", "+4930999999", "203"]);
    let user = UserNumbers {
        business: Some(sc("+4930123456201")),
        business2: Some(sc("+4930999999")),
        ..UserNumbers::default()
    };
    assert_eq!(
        bind_lines(&rules, &user, &known),
        lines(&["201", "+4930999999"])
    );

    let off = LocationRules {
        auto_line_binding: false,
        ..rules.clone()
    };
    assert!(bind_lines(&off, &user, &known).is_empty());

    let only_first = UserNumbers {
        bind_business2: false,
        ..user.clone()
    };
    assert_eq!(bind_lines(&rules, &only_first, &known), lines(&["201"]));
    let only_second = UserNumbers {
        bind_business: false,
        ..user.clone()
    };
    assert_eq!(
        bind_lines(&rules, &only_second, &known),
        lines(&["+4930999999"])
    );

    // Manual phones are bound first, always, and duplicates collapse.
    let manual = UserNumbers {
        first_phone: Some("203".into()),
        second_phone: Some(" 201 ".into()),
        ..user.clone()
    };
    assert_eq!(
        bind_lines(&rules, &manual, &known),
        lines(&["203", "201", "+4930999999"])
    );
    assert_eq!(bind_lines(&off, &manual, &known), lines(&["203", "201"]));
    // A manual phone written differently from the line still finds it.
    let written = UserNumbers {
        first_phone: Some("+49 (30) 123456-202".into()),
        ..UserNumbers::default()
    };
    assert_eq!(bind_lines(&off, &written, &known), lines(&["202"]));
    // Unknown lines bind nothing.
    let unknown = UserNumbers {
        first_phone: Some("299".into()),
        business: Some(sc("+4930123456298")),
        ..UserNumbers::default()
    };
    assert!(bind_lines(&rules, &unknown, &known).is_empty());
    // A line name that is not a number matches a manual phone by text.
    let named = lines(&["reception", "201"]);
    let by_name = UserNumbers {
        first_phone: Some("reception".into()),
        ..UserNumbers::default()
    };
    assert_eq!(bind_lines(&rules, &by_name, &named), lines(&["reception"]));
}

#[test]
fn roaming_and_terminal_server() {
    assert_eq!(
        roaming_lines([Some(" 210 "), Some("211")]),
        lines(&["210", "211"])
    );
    assert_eq!(roaming_lines([Some("210"), Some("210")]), lines(&["210"]));
    assert_eq!(roaming_lines([None, Some("")]), Vec::<String>::new());

    let rules = berlin_pbx();
    let known = lines(&["201", "210", "211"]);
    let owner = UserNumbers {
        business: Some(sc("+4930123456201")),
        ..UserNumbers::default()
    };
    assert_eq!(
        login_lines(&rules, &owner, [Some("210"), None], &known),
        lines(&["201", "210"])
    );
    // A terminal-server user without own numbers gets the phone by the workstation.
    assert_eq!(
        login_lines(&rules, &UserNumbers::default(), [Some("211"), None], &known),
        lines(&["211"])
    );
    // Computer phones are matched like manual phones.
    assert_eq!(
        login_lines(
            &rules,
            &owner,
            [Some("+49 30 123456 201"), Some("299")],
            &known
        ),
        lines(&["201"])
    );
}
