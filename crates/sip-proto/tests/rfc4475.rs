//! RFC 4475 "SIP Torture Test Messages" run against the parser, the typed
//! accessors and the framer.
//!
//! The fixtures in `tests/rfc4475/` are the messages of the RFC's Appendix A
//! archive, one file per tag, bytes as in the archive (CRLF line ends, binary
//! body of mpart01, UTF-8 and NUL/BEL/DEL bytes of intmeth and unreason, no
//! final empty line in baddn). The 13 §3.1.1 files are checked against the
//! SHA-256 of the archive members below. `test.dat` of the archive belongs to
//! no section and is not included.
//!
//! # Expectations
//!
//! `parse` is [`SipMessage::parse`] (syntax + [`SipMessage::validate`]).
//! "accessor" means `parse` accepts the message and the named typed accessor
//! rejects it — used where the RFC says the fault only matters to an element
//! that reads that header.
//!
//! | file | RFC 4475 | expectation | why |
//! |---|---|---|---|
//! | wsinv … noreason (13) | §3.1.1.1–13 | parse OK, headers read back | valid messages |
//! | badinv01 | §3.1.2.1 | parse: `InvalidHeader{Via}` | `;;,;,,` is not a Via param list; Contact `;;;;` also fails `contacts()` |
//! | clerr | §3.1.2.2 | parse: `ContentLengthMismatch{9999, 154}` | body shorter than Content-Length (datagram semantics) |
//! | ncl | §3.1.2.3 | parse: `InvalidContentLength("-999")` | negative Content-Length |
//! | scalar02 | §3.1.2.4 | parse: `InvalidHeader{CSeq}` | CSeq > 2^32-1; Max-Forwards 300 and Expires 10^100 fail their accessors, contact expires reads as `None` |
//! | scalarlg | §3.1.2.5 | parse: `InvalidHeader{CSeq}` | CSeq > 2^32-1 in a response |
//! | quotbal | §3.1.2.6 | parse: `InvalidHeader{To}` | unterminated quoted display name |
//! | ltgtruri | §3.1.2.7 | parse: `InvalidRequestUri` | Request-URI enclosed in `<>` |
//! | lwsruri | §3.1.2.8 | parse: `InvalidStartLine` | LWS inside the Request-URI makes four start-line fields |
//! | lwsstart | §3.1.2.9 | parse: `InvalidStartLine` | several SP between start-line fields |
//! | trws | §3.1.2.10 | parse: `InvalidStartLine` | SP after SIP-Version |
//! | escruri | §3.1.2.11 | parse: `InvalidRequestUri` | escaped headers in a SIP Request-URI (RFC 3261 §19.1.1) |
//! | baddate | §3.1.2.12 | accessor `date()`: `InvalidHeader{Date}` | zone EST, only GMT is legal; the RFC says not to reject unless Date matters |
//! | regbadct | §3.1.2.13 | accessor `contacts()`: `InvalidHeader{Contact}` | URI with `?` must be in `<>` |
//! | badaspec | §3.1.2.14 | parse: `InvalidHeader{To}` | spaces inside `< sip:… >` |
//! | baddn | §3.1.2.15 | parse: `UnterminatedHeaders` | the archive file has no final empty line; with one added: `InvalidHeader{From}` (unquoted `Bell, Alexander`) |
//! | badvers | §3.1.2.16 | parse: `UnsupportedVersion("SIP/7.0")` → 505 | |
//! | mismatch01 | §3.1.2.17 | parse: `CSeqMethodMismatch{OPTIONS, INVITE}` → 400 | |
//! | mismatch02 | §3.1.2.18 | parse: `CSeqMethodMismatch{NEWMETHOD, INVITE}` → 501 | unknown method: the RFC prefers 501 |
//! | bigcode | §3.1.2.19 | parse: `InvalidStatusCode("4294967301")` | not three digits |
//! | badbranch | §3.2.1 | parse OK, branch `z9hG4bK` | syntactically valid; transaction layer's business |
//! | insuf | §3.3.1 | parse: `MissingHeader("To")` | no To, From, Call-ID (first missing reported) |
//! | unkscm | §3.3.2 | accessor `request_uri()`: `UnsupportedUriScheme` → 416 | |
//! | novelsc | §3.3.3 | accessor `request_uri()`: `UnsupportedUriScheme` → 416 | |
//! | unksm2 | §3.3.4 | parse OK, opaque isbn/http/name URIs | schemes are the application's concern |
//! | bext01 | §3.3.5 | parse OK, `require()` lists both tags | the application answers 420 |
//! | invut | §3.3.6 | parse OK, content type `application/unknownformat` | the application answers 415 |
//! | regaut01 | §3.3.7 | parse OK, `authorization()` is `None` | unknown scheme: challenge as if absent |
//! | multi01 | §3.3.8 | parse: `ConflictingHeader("Call-ID")` | two Call-ID, CSeq, To and From values |
//! | mcl01 | §3.3.9 | parse: `ConflictingHeader("Content-Length")` | Content-Length 13 and 5 |
//! | bcast | §3.3.10 | parse OK, second Via host 255.255.255.255 | |
//! | zeromf | §3.3.11 | parse OK, Max-Forwards 0 | |
//! | cparam01 | §3.3.12 | parse OK, `unknownparam` is a Contact param | |
//! | cparam02 | §3.3.13 | parse OK, `unknownparam` is a URI param | |
//! | regescrt | §3.3.14 | parse OK, Contact URI keeps its escaped header | |
//! | sdp01 | §3.3.15 | parse OK | the application answers 406 |
//! | inv2543 | §3.4.1 | parse OK, body = rest of datagram | RFC 2543 syntax (no Content-Length, no branch) |

use bytes::BytesMut;
use sha2::{Digest, Sha256};
use sip_proto::{
    Contact, Frame, Framer, FramerLimits, Method, NameAddr, ParseError, SipMessage, StartLine,
    sip_response_code,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/rfc4475/{name}.dat", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The only Contact of `m`, which must be an address.
fn one_address(m: &SipMessage) -> NameAddr {
    match m.contacts().unwrap().as_slice() {
        [Contact::Address(a)] => a.clone(),
        other => panic!("one address expected: {other:?}"),
    }
}

fn parse_ok(name: &str) -> SipMessage {
    SipMessage::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name} should parse: {e}"))
}

/// SHA-256 of the §3.1.1 members of the RFC 4475 Appendix A archive.
const VALID: [(&str, &str); 13] = [
    (
        "wsinv",
        "d6f6cdee99cd0a1f8e3d9a0fdd67c877700e19ab86d8186dada06f61260e3e61",
    ),
    (
        "intmeth",
        "b957a8292c1c0a9851fe94705b90f94320738f43aacde64998e401f742ef688d",
    ),
    (
        "esc01",
        "be3a316d4ce5f69cad474646191e390dd4b50fc8371e44b5197fe1237781973e",
    ),
    (
        "escnull",
        "263fe2ecd12a5ccbb6c67b3174e9211d11da9b600e7d69666a86d2ee42873e90",
    ),
    (
        "esc02",
        "9a9c59449f00327b02071feafc8e5c2a261c98c818044167894cc17809a12199",
    ),
    (
        "lwsdisp",
        "d1b36b6316c12824f6f04bf6b1fd1f021cade9b74871693b9c3474cd9fa7f4e6",
    ),
    (
        "longreq",
        "185739292bc676760e5b1cca77c87705aa570240171c506ad76f8c35af0ecdaa",
    ),
    (
        "dblreq",
        "a6be48426565c2a705389c4ce2ea17e57b891cb13f80490a2cb9392c797b46ef",
    ),
    (
        "semiuri",
        "87bbaed6b4b354dbd3c5c7a20e66686303c63e43a0aa19b89de1ac75231611a2",
    ),
    (
        "transports",
        "33b4553a3b9418121b099ff07882535151edd6a1e81898c63a916aad2cbf90bc",
    ),
    (
        "mpart01",
        "92147c8e24997bac59629e1b163767697d0d6d499af87f89e325d69968bec3ba",
    ),
    (
        "unreason",
        "4f939d6ebf4817eea70f011d3209e83732872ffc20ffd304b244084dc392f4d7",
    ),
    (
        "noreason",
        "07e11e470a69fffa3674de805e5165d1351a9439a91045ee70c9570ea24ab4fe",
    ),
];

/// Messages outside §3.1.1 that `parse` must accept.
const ALSO_VALID: [&str; 14] = [
    "badbranch",
    "unkscm",
    "novelsc",
    "unksm2",
    "bext01",
    "invut",
    "regaut01",
    "bcast",
    "zeromf",
    "cparam01",
    "cparam02",
    "regescrt",
    "sdp01",
    "inv2543",
];

/// Messages `parse` must reject, with the expected error (and status code).
fn rejected() -> Vec<(&'static str, ParseError, u16)> {
    let header = |name: &str| ParseError::InvalidHeader {
        name: name.to_owned(),
        reason: String::new(),
    };
    vec![
        ("badinv01", header("Via"), 400),
        (
            "clerr",
            ParseError::ContentLengthMismatch {
                declared: 9999,
                actual: 154,
            },
            400,
        ),
        ("ncl", ParseError::InvalidContentLength("-999".into()), 400),
        ("scalar02", header("CSeq"), 400),
        ("scalarlg", header("CSeq"), 400),
        ("quotbal", header("To"), 400),
        (
            "ltgtruri",
            ParseError::InvalidRequestUri {
                uri: "<sip:user@example.com>".into(),
                reason: String::new(),
            },
            400,
        ),
        ("lwsruri", ParseError::InvalidStartLine(String::new()), 400),
        ("lwsstart", ParseError::InvalidStartLine(String::new()), 400),
        ("trws", ParseError::InvalidStartLine(String::new()), 400),
        (
            "escruri",
            ParseError::InvalidRequestUri {
                uri: "sip:user@example.com?Route=%3Csip:example.com%3E".into(),
                reason: String::new(),
            },
            400,
        ),
        ("badaspec", header("To"), 400),
        ("baddn", ParseError::UnterminatedHeaders, 400),
        (
            "badvers",
            ParseError::UnsupportedVersion("SIP/7.0".into()),
            505,
        ),
        (
            "mismatch01",
            ParseError::CSeqMethodMismatch {
                request: "OPTIONS".into(),
                cseq: "INVITE".into(),
            },
            400,
        ),
        (
            "mismatch02",
            ParseError::CSeqMethodMismatch {
                request: "NEWMETHOD".into(),
                cseq: "INVITE".into(),
            },
            501,
        ),
        (
            "bigcode",
            ParseError::InvalidStatusCode("4294967301".into()),
            400,
        ),
        ("insuf", ParseError::MissingHeader("To"), 400),
        ("multi01", ParseError::ConflictingHeader("Call-ID"), 400),
        (
            "mcl01",
            ParseError::ConflictingHeader("Content-Length"),
            400,
        ),
    ]
}

/// Compares errors, ignoring free-text reasons (and start-line echoes).
fn same_error(got: &ParseError, want: &ParseError) -> bool {
    use ParseError::*;
    match (got, want) {
        (InvalidHeader { name: a, .. }, InvalidHeader { name: b, .. }) => a == b,
        (InvalidRequestUri { uri: a, .. }, InvalidRequestUri { uri: b, .. }) => a == b,
        (InvalidStartLine(_), InvalidStartLine(_)) => true,
        _ => got == want,
    }
}

#[test]
fn fixtures_are_the_archive_bytes() {
    for (name, sha) in VALID {
        assert_eq!(
            hex::encode(Sha256::digest(fixture(name))),
            sha,
            "{name}.dat"
        );
    }
}

#[test]
fn every_fixture_has_an_expectation() {
    let dir = format!("{}/tests/rfc4475", env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".dat")
                .map(str::to_owned)
        })
        .collect();
    on_disk.sort();
    let mut named: Vec<String> = VALID
        .iter()
        .map(|(n, _)| *n)
        .chain(ALSO_VALID)
        .chain(rejected().into_iter().map(|(n, _, _)| n))
        .chain(["baddate", "regbadct"])
        .map(str::to_owned)
        .collect();
    named.sort();
    assert_eq!(on_disk, named);
    assert_eq!(on_disk.len(), 49);
}

#[test]
fn valid_messages_parse_and_round_trip() {
    for name in VALID
        .iter()
        .map(|(n, _)| *n)
        .chain(ALSO_VALID)
        .chain(["baddate", "regbadct"])
    {
        let m = parse_ok(name);
        let printed = m.to_bytes();
        let reparsed = SipMessage::parse(&printed)
            .unwrap_or_else(|e| panic!("{name}: printed form does not parse: {e}"));
        if m.headers.contains("Content-Length") {
            assert_eq!(reparsed, m, "{name} round trip");
        } else {
            // the printer adds the Content-Length that RFC 2543 peers omit
            assert_eq!(reparsed.body, m.body, "{name} body");
            assert_eq!(reparsed.content_length().unwrap(), Some(m.body.len()));
        }
    }
}

#[test]
fn invalid_messages_are_rejected_with_the_expected_error() {
    for (name, want, code) in rejected() {
        let got = SipMessage::parse(&fixture(name)).expect_err(&format!("{name} must be rejected"));
        assert!(
            same_error(&got, &want),
            "{name}: got {got:?}, want {want:?}"
        );
        assert_eq!(sip_response_code(&got), code, "{name}: {got}");
    }
}

#[test]
fn accessor_level_rejections() {
    let m = parse_ok("baddate");
    assert!(matches!(m.date(), Err(ParseError::InvalidHeader { ref name, .. }) if name == "Date"));

    let m = parse_ok("regbadct");
    assert!(
        matches!(m.contacts(), Err(ParseError::InvalidHeader { ref name, .. }) if name == "Contact")
    );

    for name in ["unkscm", "novelsc"] {
        let err = parse_ok(name).request_uri().unwrap_err();
        assert!(
            matches!(err, ParseError::UnsupportedUriScheme(_)),
            "{name}: {err:?}"
        );
        assert_eq!(sip_response_code(&err), 416);
    }

    // badinv01's Contact is broken too.
    let m = SipMessage::parse_unvalidated(&fixture("badinv01")).unwrap();
    assert!(
        matches!(m.contacts(), Err(ParseError::InvalidHeader { ref name, .. }) if name == "Contact")
    );

    // scalar02: the other out-of-range scalars.
    let m = SipMessage::parse_unvalidated(&fixture("scalar02")).unwrap();
    assert!(m.max_forwards().is_err());
    assert!(m.expires().is_err());
    assert_eq!(m.contacts().unwrap()[0].expires(), None);
    let m = SipMessage::parse_unvalidated(&fixture("scalarlg")).unwrap();
    assert_eq!(m.status_code(), Some(503));

    // baddn with the missing final empty line added fails on its display names.
    let mut bytes = fixture("baddn");
    bytes.extend_from_slice(b"\r\n");
    let err = SipMessage::parse(&bytes).unwrap_err();
    assert!(
        matches!(err, ParseError::InvalidHeader { ref name, .. } if name == "From"),
        "{err:?}"
    );

    // multi01 repeats CSeq, To and From too.
    let m = SipMessage::parse_unvalidated(&fixture("multi01")).unwrap();
    assert_eq!(m.headers.get_all("CSeq").count(), 2);
    assert_eq!(m.headers.get_all("to").count(), 2);
}

#[test]
fn wsinv_reads_back() {
    let m = parse_ok("wsinv");
    assert_eq!(m.method(), Some(&Method::Invite));
    assert_eq!(m.call_id().unwrap(), "wsinv.ndaksdj@192.0.2.1");
    assert_eq!(m.request_uri().unwrap().param("unknownparam"), Some(None));
    let to = m.to_header().unwrap();
    assert_eq!(to.uri.host, "chair-dnrc.example.com");
    assert_eq!(to.tag(), Some("1918181833n"));
    let from = m.from_header().unwrap();
    assert_eq!(from.display_name.as_deref(), Some("J Rosenberg \\\""));
    assert_eq!(from.tag(), Some("98asjd8"));
    assert_eq!(m.max_forwards().unwrap(), Some(68));
    let cseq = m.cseq().unwrap();
    assert_eq!((cseq.seq, cseq.method), (9, Method::Invite));
    let vias = m.vias().unwrap();
    let summary: Vec<_> = vias
        .iter()
        .map(|v| (v.transport.as_str(), v.host.as_str(), v.branch()))
        .collect();
    assert_eq!(
        summary,
        [
            ("UDP", "192.0.2.2", Some("390skdjuw")),
            ("TCP", "spindle.example.com", Some("z9hG4bK9ikj8")),
            ("UDP", "192.168.255.111", Some("z9hG4bK30239")),
        ]
    );
    assert_eq!(m.headers.get("Subject"), Some(""));
    assert_eq!(
        m.headers.get("newfangledheader"),
        Some("newfangled value continued newfangled value")
    );
    assert_eq!(
        m.headers.get("UnknownHeaderWithUnusualValue"),
        Some(";;,,;;,;")
    );
    let contacts = m.contacts().unwrap();
    let [Contact::Address(c)] = contacts.as_slice() else {
        panic!("one contact expected: {contacts:?}");
    };
    assert_eq!(c.display_name.as_deref(), Some("Quoted string \"\""));
    assert_eq!(c.param("newparam"), Some(Some("newvalue")));
    assert_eq!(c.param("secondparam"), Some(None));
    assert_eq!(c.param("q"), Some(Some("0.33")));
    let routes = m.routes().unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].uri.param("lr"), Some(None));
    assert_eq!(routes[0].uri.param("unknownwith"), Some(Some("value")));
    assert_eq!(
        m.content_type().unwrap().unwrap().media_type,
        "application/sdp"
    );
    assert_eq!(m.body.len(), 150);
    assert!(m.body.starts_with(b"v=0\r\n"));
}

#[test]
fn intmeth_reads_back() {
    let m = parse_ok("intmeth");
    let method = Method::Other("!interesting-Method0123456789_*+`.%indeed'~".into());
    assert_eq!(m.method(), Some(&method));
    assert_eq!(m.cseq().unwrap().method, method);
    let uri = m.request_uri().unwrap();
    assert_eq!(
        uri.user.as_deref(),
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    assert_eq!(
        uri.password.as_deref(),
        Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
    );
    assert_eq!(m.top_via().unwrap().branch(), Some("z9hG4bK-.!%66*_+`'~"));
    assert_eq!(
        m.to_header().unwrap().display_name.as_deref(),
        Some("BEL:\u{7} NUL:\0 DEL:\u{7f}")
    );
    let from = m.from_header().unwrap();
    assert_eq!(
        from.display_name.as_deref(),
        Some("token1~` token2'+_ token3*%!.-")
    );
    assert_eq!(from.tag(), Some("_token~1'+`*%!-."));
    assert_eq!(
        from.param("fromParam''~+*_!.-%"),
        Some(Some("\"работающий\""))
    );
    assert_eq!(
        m.call_id().unwrap(),
        "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"
    );
    assert_eq!(m.max_forwards().unwrap(), Some(255));
    assert_eq!(
        m.headers.get("extensionHeader-!.%*+_`'~"),
        Some("\u{feff}大停電")
    );
}

#[test]
fn escaping_messages_read_back() {
    let m = parse_ok("esc01");
    assert_eq!(
        m.request_uri().unwrap().user.as_deref(),
        Some("sips%3Auser%40example.com")
    );
    assert_eq!(m.to_header().unwrap().uri.user.as_deref(), Some("%75se%72"));
    assert_eq!(m.call_id().unwrap(), "esc01.239409asdfakjkn23onasd0-3234");
    let c = one_address(&m);
    assert_eq!(
        c.uri.params,
        vec![
            ("%6C%72".to_owned(), None),
            ("n%61me".to_owned(), Some("v%61lue%25%34%31".to_owned()))
        ]
    );

    let m = parse_ok("escnull");
    assert_eq!(
        m.to_header().unwrap().uri.user.as_deref(),
        Some("null-%00-null")
    );
    let users: Vec<_> = m
        .contacts()
        .unwrap()
        .into_iter()
        .map(|c| match c {
            Contact::Address(a) => a.uri.user.unwrap_or_default(),
            Contact::Star => String::new(),
        })
        .collect();
    assert_eq!(users, ["%00", "%00%00"]);

    let m = parse_ok("esc02");
    assert_eq!(m.method(), Some(&Method::Other("RE%47IST%45R".into())));
    assert_eq!(
        m.from_header().unwrap().display_name.as_deref(),
        Some("%Z%45")
    );
    assert_eq!(m.contacts().unwrap().len(), 2);
    assert_eq!(
        m.headers.get("C%6Fntact"),
        Some("<sip:alias2@host2.example.com>")
    );

    let m = parse_ok("semiuri");
    let uri = m.request_uri().unwrap();
    assert_eq!(uri.user.as_deref(), Some("user;par=u%40example.net"));
    assert_eq!(uri.host, "example.com");
    assert!(uri.params.is_empty());
}

#[test]
fn other_valid_messages_read_back() {
    assert_eq!(
        parse_ok("lwsdisp")
            .from_header()
            .unwrap()
            .display_name
            .as_deref(),
        Some("caller")
    );

    let m = parse_ok("longreq");
    assert_eq!(m.vias().unwrap().len(), 34);
    assert_eq!(
        m.vias().unwrap()[33].param("received"),
        Some(Some("192.0.2.5"))
    );
    assert_eq!(m.to_header().unwrap().uri.port, Some(6000));
    assert_eq!(m.from_header().unwrap().tag().map(str::len), Some(155));
    assert_eq!(m.content_length().unwrap(), Some(150));

    let m = parse_ok("dblreq");
    assert_eq!(m.method(), Some(&Method::Register));
    assert!(m.body.is_empty());
    assert_eq!(
        m.call_id().unwrap(),
        "dblreq.0ha0isndaksdj99sdfafnl3lk233412"
    );

    let transports: Vec<_> = parse_ok("transports")
        .vias()
        .unwrap()
        .into_iter()
        .map(|v| v.transport)
        .collect();
    assert_eq!(transports, ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]);

    let m = parse_ok("mpart01");
    assert_eq!(m.body.len(), 553);
    assert!(m.body.contains(&0));
    let ct = m.content_type().unwrap().unwrap();
    assert_eq!(ct.media_type, "multipart/mixed");
    assert_eq!(ct.param("boundary"), Some(Some("7a9cbec02ceef655")));
    let via = m.top_via().unwrap();
    assert_eq!((via.port, via.param("rport")), (Some(5070), Some(None)));
    assert_eq!(m.user_agent(), Some("SIPimp.org/0.2.5 (curses)"));
    assert_eq!(m.date().unwrap().map(|d| d.unix_secs), Some(1_129_351_496));

    let m = parse_ok("unreason");
    let StartLine::Response { code, reason } = &m.start else {
        panic!("response expected");
    };
    assert_eq!(*code, 200);
    assert_eq!(reason, "= 2**3 * 5**2 но сто девяносто девять - простое");

    let m = parse_ok("noreason");
    assert_eq!(
        m.start,
        StartLine::Response {
            code: 100,
            reason: String::new()
        }
    );

    assert_eq!(
        parse_ok("badbranch").top_via().unwrap().branch(),
        Some("z9hG4bK")
    );

    let m = parse_ok("unksm2");
    assert_eq!(m.to_header().unwrap().uri.scheme, "isbn");
    assert_eq!(m.from_header().unwrap().uri.scheme, "http");
    let c = one_address(&m);
    assert_eq!(
        (c.uri.scheme.as_str(), c.uri.host.as_str()),
        ("name", "John_Smith")
    );

    let m = parse_ok("bext01");
    assert_eq!(
        m.require(),
        ["nothingSupportsThis", "nothingSupportsThisEither"]
    );

    let ct = parse_ok("invut").content_type().unwrap().unwrap();
    assert_eq!(ct.media_type, "application/unknownformat");

    assert_eq!(parse_ok("regaut01").authorization(), Ok(None));

    assert_eq!(parse_ok("bcast").vias().unwrap()[1].host, "255.255.255.255");
    assert_eq!(parse_ok("zeromf").max_forwards().unwrap(), Some(0));

    let c = one_address(&parse_ok("cparam01"));
    assert_eq!(
        (c.param("unknownparam"), c.uri.params.len()),
        (Some(None), 0)
    );
    let c = one_address(&parse_ok("cparam02"));
    assert_eq!(
        (c.params.len(), c.uri.param("unknownparam")),
        (0, Some(None))
    );

    let c = one_address(&parse_ok("regescrt"));
    assert_eq!(
        c.uri.headers.as_deref(),
        Some("Route=%3Csip:sip.example.com%3E")
    );

    let m = parse_ok("inv2543");
    assert_eq!(m.content_length().unwrap(), None);
    assert_eq!(m.body.len(), 105);
    assert_eq!(m.top_via().unwrap().branch(), None);
    assert_eq!(
        m.record_routes().unwrap()[0].uri.param("maddr"),
        Some(Some("ss1.example.com"))
    );
}

#[test]
fn framer_decodes_fixtures_byte_by_byte_like_parse() {
    for name in VALID.iter().map(|(n, _)| *n).chain(ALSO_VALID) {
        let bytes = fixture(name);
        let expected = SipMessage::parse(&bytes).unwrap();
        if expected.content_length().unwrap().is_none() {
            continue; // a stream needs Content-Length
        }
        let mut framer = Framer::new(FramerLimits::default());
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        let mut error = None;
        'feed: for b in &bytes {
            buf.extend_from_slice(&[*b]);
            loop {
                match framer.decode(&mut buf) {
                    Ok(Some(frame)) => frames.push(frame),
                    Ok(None) => break,
                    Err(e) => {
                        error = Some(e);
                        break 'feed;
                    }
                }
            }
        }
        assert_eq!(frames.first(), Some(&Frame::Message(expected)), "{name}");
        if name == "dblreq" {
            // On a stream, the datagram's trailing octets are a blank line (a
            // pong), an INVITE whose 153-byte SDP exceeds its Content-Length of
            // 150, and the leftover "C" CRLF CRLF: a head without a SIP start line.
            assert_eq!(frames.get(1), Some(&Frame::Pong));
            assert!(
                matches!(frames.get(2), Some(Frame::Message(m)) if m.method() == Some(&Method::Invite))
            );
            assert_eq!(frames.len(), 3);
            assert_eq!(error, Some(sip_proto::FrameError::NotSip));
        } else {
            assert_eq!((frames.len(), error), (1, None), "{name}");
            assert!(buf.is_empty(), "{name}");
        }
    }
}
