//! Configuration loading: defaults, file, environment overrides and per-key errors.

use std::collections::BTreeMap;

use super::*;

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn issues(text: &str, vars: &[(&str, &str)]) -> Vec<ConfigIssue> {
    Config::from_sources(text, "test.toml", &env(vars))
        .unwrap_err()
        .0
}

#[test]
fn the_example_parses_to_exactly_the_defaults() {
    let parsed = Config::from_sources(EXAMPLE, "example", &BTreeMap::new()).unwrap();
    assert_eq!(parsed, Config::default());
}

#[test]
fn the_example_names_every_key() {
    let example: toml::Table = EXAMPLE.parse().unwrap();
    let defaults = toml::Table::try_from(Config::default()).unwrap();
    for (section, keys) in &defaults {
        let keys = keys.as_table().unwrap();
        let example_keys = example[section].as_table().unwrap();
        for key in keys.keys() {
            assert!(
                example_keys.contains_key(key),
                "{section}.{key} missing from the example"
            );
        }
    }
}

#[test]
fn file_values_override_defaults_and_environment_overrides_the_file() {
    let config = Config::from_sources(
        "[sip]\ntcp_listen = \"127.0.0.1:7000\"\nexpires = 120\n",
        "test.toml",
        &env(&[
            ("CALLBOARD_SIP__TCP_LISTEN", "127.0.0.1:15060"),
            ("CALLBOARD_SIP__AUTO_COMMISSION", "false"),
            (
                "CALLBOARD_LOG__MAC_FILTER",
                "AABBCCDDEEFF, 00:11:22:33:44:55",
            ),
            ("CALLBOARD_DATA_DIR", "/tmp/ignored-here"),
            (
                "CALLBOARD_TEST_POSTGRES_URL",
                "postgres://reserved-for-tests",
            ),
            ("PATH", "/usr/bin"),
        ]),
    )
    .unwrap();
    assert_eq!(config.sip.tcp_listen, "127.0.0.1:15060");
    assert_eq!(config.sip.expires, 120);
    assert!(!config.sip.auto_commission);
    assert_eq!(
        config.log.mac_filter,
        vec!["AABBCCDDEEFF".to_string(), "00:11:22:33:44:55".to_string()]
    );
    assert_eq!(config.log_mac_filter().len(), 2);
}

#[test]
fn every_bad_key_is_reported_once_and_named() {
    let found = issues(
        "[sip]\nexpires = \"soon\"\nkeepalive = -3\ncolour = \"blue\"\n[log]\nlevel = \"loud\"\n[bogus]\nx = 1\n",
        &[("CALLBOARD_SIP__AUTO_COMMISSION", "maybe")],
    );
    let keys: Vec<&str> = found.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "bogus.x",
            "sip.auto_commission",
            "sip.colour",
            "sip.expires",
            "sip.keepalive",
            "log.level"
        ],
        "type errors and unknown keys first, then the values of the keys that parsed: {found:#?}"
    );
    let auto = found
        .iter()
        .find(|i| i.key == "sip.auto_commission")
        .unwrap();
    assert_eq!(
        auto.origin.as_deref(),
        Some("CALLBOARD_SIP__AUTO_COMMISSION")
    );
    assert!(
        found
            .iter()
            .find(|i| i.key == "bogus.x")
            .unwrap()
            .message
            .contains("unknown section")
    );
    assert_eq!(
        found
            .iter()
            .find(|i| i.key == "sip.colour")
            .unwrap()
            .message,
        "unknown key"
    );
    let found = issues("[log]\nlevel = \"loud\"\nmax_files = 0\n", &[]);
    let keys: Vec<&str> = found.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, vec!["log.level", "log.max_files"]);
}

#[test]
fn semantic_errors_name_their_keys() {
    let found = issues(
        "[sip]\ntcp_listen = \"localhost\"\nwan_address = \"no port\"\n[log]\nmac_filter = [\"xyz\"]\n[store]\nurl = \"mysql://x\"\n[tls]\ncert = \"/c.pem\"\n",
        &[],
    );
    let keys: Vec<&str> = found.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "sip.tcp_listen",
            "sip.wan_address",
            "tls.cert",
            "log.mac_filter",
            "store.url"
        ],
        "{found:#?}"
    );
}

#[test]
fn broken_toml_is_one_clear_error() {
    let found = issues("[sip\ntcp_listen = 1", &[]);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("TOML"), "{}", found[0].message);
}

#[test]
fn a_missing_explicit_file_is_an_error_but_no_file_is_fine() {
    let error = Config::load(
        Some(Path::new("/nonexistent/callboard.toml")),
        &BTreeMap::new(),
    )
    .unwrap_err();
    assert!(error.to_string().contains("does not exist"));
}

#[test]
fn empty_phone_password_is_a_warning() {
    let config = Config::default();
    assert!(config.warnings()[0].contains("CALLBOARD_SIP__PHONE_PASSWORD"));
    assert_eq!(env_var_name("sip.tcp_listen"), "CALLBOARD_SIP__TCP_LISTEN");
}

#[test]
fn text_settings_take_environment_values_that_look_like_numbers_or_booleans_as_text() {
    let config = Config::from_sources(
        "",
        "test.toml",
        &env(&[
            ("CALLBOARD_NUMBERS__COUNTRY_CODE", "43"),
            ("CALLBOARD_NUMBERS__EXTERNAL_ACCESS_CODE", "0"),
            ("CALLBOARD_SIP__PHONE_PASSWORD", "1234"),
            ("CALLBOARD_CTI__EDITION", "ed4"),
            ("CALLBOARD_SIP__EXPIRES", "90"),
            ("CALLBOARD_SIP__AUTO_COMMISSION", "false"),
        ]),
    )
    .unwrap();
    assert_eq!(config.numbers.country_code, "43");
    assert_eq!(config.numbers.external_access_code, "0");
    assert_eq!(config.sip.phone_password, "1234");
    assert_eq!(config.sip.expires, 90, "numbers stay numbers");
    assert!(!config.sip.auto_commission, "booleans stay booleans");
    let password =
        Config::from_sources("", "t", &env(&[("CALLBOARD_SIP__PHONE_PASSWORD", "true")])).unwrap();
    assert_eq!(password.sip.phone_password, "true");
}

#[test]
fn a_bad_value_is_blamed_on_its_own_key_only() {
    for file in [
        "[numbers]\ncountry_code = \"abc\"\n",
        "[numbers]\ncountry_code = \"0\"\n",
        "[numbers]\ncountry_code = \"1234\"\nbase_number = \"+4930123456\"\n",
    ] {
        let found = issues(file, &[]);
        let keys: Vec<&str> = found.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, vec!["numbers.country_code"], "{file}: {found:#?}");
    }
    let found = issues("", &[("CALLBOARD_NUMBERS__COUNTRY_CODE", "0")]);
    assert_eq!(
        found[0].origin.as_deref(),
        Some("CALLBOARD_NUMBERS__COUNTRY_CODE")
    );
    let found = issues(
        "[sip]\ntcp_listen = \"notanaddr\"\nexpires = \"abc\"\n[cti]\nedition = \"ed9\"\n",
        &[("CALLBOARD_SIP__BOGUS", "1")],
    );
    let keys: Vec<&str> = found.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        keys,
        vec!["sip.bogus", "sip.expires", "sip.tcp_listen", "cti.edition"],
        "every problem in one run: {found:#?}"
    );
}
