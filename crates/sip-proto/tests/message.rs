//! Parser, accessor and printer behaviour on hand-written messages.

use bytes::Bytes;
use sip_proto::{
    Contact, Method, NameAddr, ParseError, SipMessage, StartLine, Uri, sip_response_code,
};

/// A valid REGISTER with the given extra header lines (CRLF-terminated).
fn register(extra: &str) -> Vec<u8> {
    format!(
        "REGISTER sip:pbx.example.com SIP/2.0\r\n\
         Via: SIP/2.0/TCP 192.0.2.7:5060;branch=z9hG4bK776asdhds\r\n\
         Max-Forwards: 70\r\n\
         To: \"Alice\" <sip:alice@pbx.example.com>\r\n\
         From: \"Alice\" <sip:alice@pbx.example.com>;tag=456248\r\n\
         Call-ID: 843817637684230@998sdasdh09\r\n\
         CSeq: 1826 REGISTER\r\n\
         {extra}\
         Content-Length: 0\r\n\
         \r\n"
    )
    .into_bytes()
}

#[test]
fn compact_forms_are_read_like_long_forms() {
    let m = SipMessage::parse(
        b"INVITE sip:bob@example.com SIP/2.0\r\n\
          v: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8\r\n\
          t: <sip:bob@example.com>\r\n\
          f: <sip:alice@example.com>;tag=1928301774\r\n\
          i: a84b4c76e66710\r\n\
          CSeq: 314159 INVITE\r\n\
          m: <sip:alice@pc33.example.com>\r\n\
          k: replaces, 100rel\r\n\
          c: application/sdp\r\n\
          l: 4\r\n\
          \r\n\
          v=0\n",
    )
    .unwrap();
    assert_eq!(m.call_id().unwrap(), "a84b4c76e66710");
    assert_eq!(m.headers.get("Call-ID"), m.headers.get("i"));
    assert_eq!(m.to_header().unwrap().uri.user.as_deref(), Some("bob"));
    assert_eq!(m.from_header().unwrap().tag(), Some("1928301774"));
    assert_eq!(m.top_via().unwrap().host, "pc33.example.com");
    assert_eq!(m.contacts().unwrap().len(), 1);
    assert_eq!(m.supported(), ["replaces", "100rel"]);
    assert_eq!(
        m.content_type().unwrap().unwrap().media_type,
        "application/sdp"
    );
    assert_eq!(m.content_length().unwrap(), Some(4));
    assert_eq!(m.body, Bytes::from_static(b"v=0\n"));
    // names are kept as received
    assert_eq!(m.headers.iter().nth(1).map(|h| h.name.as_str()), Some("t"));
}

#[test]
fn folded_lines_are_joined_by_one_space() {
    let m = SipMessage::parse(&register(
        "Subject: I know you're there,\r\n   \tpick up the phone\r\n    \r\n   and talk to me!\r\nX-Empty:\r\n",
    ))
    .unwrap();
    assert_eq!(
        m.headers.get("subject"),
        Some("I know you're there, pick up the phone and talk to me!")
    );
    assert_eq!(m.headers.get("X-Empty"), Some(""));
}

#[test]
fn bare_lf_line_ends_are_accepted() {
    let text = String::from_utf8(register(""))
        .unwrap()
        .replace("\r\n", "\n");
    let m = SipMessage::parse(text.as_bytes()).unwrap();
    assert_eq!(m.cseq().unwrap().seq, 1826);
}

#[test]
fn vias_split_on_commas_across_lines() {
    let m = SipMessage::parse(&register(
        "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bK2;received=192.0.2.1\r\n",
    ))
    .unwrap();
    let vias = m.vias().unwrap();
    let hosts: Vec<_> = vias.iter().map(|v| (v.host.as_str(), v.port)).collect();
    assert_eq!(
        hosts,
        [
            ("192.0.2.7", Some(5060)),
            ("a.example.com", None),
            ("[2001:db8::1]", Some(5061))
        ]
    );
    assert_eq!(vias[2].param("received"), Some(Some("192.0.2.1")));
    assert_eq!(m.top_via().unwrap(), vias[0]);
    assert_eq!(
        vias[1].to_string(),
        "SIP/2.0/UDP a.example.com;branch=z9hG4bK1"
    );
}

#[test]
fn contacts_star_lists_and_expires() {
    let m = SipMessage::parse(&register(
        "Contact: <sip:alice@192.0.2.7>;expires=3600;q=0.7, \"Desk\" <sip:alice@192.0.2.8;transport=tcp>\r\n\
         m: sip:alice@192.0.2.9;expires=0\r\nExpires: 7200\r\n",
    ))
    .unwrap();
    let contacts = m.contacts().unwrap();
    let expires: Vec<_> = contacts.iter().map(Contact::expires).collect();
    assert_eq!(expires, [Some(3600), None, Some(0)]);
    let Contact::Address(desk) = &contacts[1] else {
        panic!("address expected");
    };
    assert_eq!(desk.display_name.as_deref(), Some("Desk"));
    assert_eq!(desk.uri.param("transport"), Some(Some("tcp")));
    assert_eq!(m.expires().unwrap(), Some(7200));

    let star = SipMessage::parse(&register("Contact: *\r\nExpires: 0\r\n")).unwrap();
    assert_eq!(star.contacts().unwrap(), [Contact::Star]);
    assert_eq!(Contact::Star.expires(), None);
    assert_eq!(star.expires().unwrap(), Some(0));

    let mixed =
        SipMessage::parse(&register("Contact: *\r\nContact: <sip:a@b.example>\r\n")).unwrap();
    assert!(mixed.contacts().is_err());
    let none = SipMessage::parse(&register("")).unwrap();
    assert_eq!(none.contacts().unwrap(), []);
    assert_eq!(none.expires().unwrap(), None);
}

#[test]
fn response_to_copies_the_dialog_headers() {
    let req = SipMessage::parse(&register(
        "v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2\r\nContact: <sip:alice@192.0.2.7>\r\n",
    ))
    .unwrap();
    let resp = SipMessage::response_to(&req, 200, "OK");
    assert_eq!(resp.status_code(), Some(200));
    assert!(!resp.is_request());
    assert_eq!(
        resp.to_bytes(),
        Bytes::from_static(
            b"SIP/2.0 200 OK\r\n\
              Via: SIP/2.0/TCP 192.0.2.7:5060;branch=z9hG4bK776asdhds\r\n\
              Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2\r\n\
              From: \"Alice\" <sip:alice@pbx.example.com>;tag=456248\r\n\
              To: \"Alice\" <sip:alice@pbx.example.com>\r\n\
              Call-ID: 843817637684230@998sdasdh09\r\n\
              CSeq: 1826 REGISTER\r\n\
              Content-Length: 0\r\n\
              \r\n"
        )
    );
    assert_eq!(SipMessage::parse(&resp.to_bytes()).unwrap(), resp);
}

#[test]
fn printer_output_is_exact() {
    let mut m = SipMessage::request(Method::Options, "sip:pbx.example.com");
    m.headers
        .push("Via", "SIP/2.0/TCP 192.0.2.7;branch=z9hG4bK1");
    m.headers.push("l", "99");
    m.headers.push("Subject", "");
    m.headers.push("Content-Length", "5");
    m.body = Bytes::from_static(b"hello");
    // a wrong Content-Length is rewritten in place, a right one kept as is
    assert_eq!(
        m.to_bytes(),
        Bytes::from_static(
            b"OPTIONS sip:pbx.example.com SIP/2.0\r\n\
              Via: SIP/2.0/TCP 192.0.2.7;branch=z9hG4bK1\r\n\
              l: 5\r\n\
              Subject:\r\n\
              Content-Length: 5\r\n\
              \r\n\
              hello"
        )
    );
    m.headers.remove("Content-Length");
    m.set_body("text/plain", Bytes::from_static(b"hi"));
    assert_eq!(
        m.to_bytes(),
        Bytes::from_static(
            b"OPTIONS sip:pbx.example.com SIP/2.0\r\n\
              Via: SIP/2.0/TCP 192.0.2.7;branch=z9hG4bK1\r\n\
              Subject:\r\n\
              Content-Type: text/plain\r\n\
              Content-Length: 2\r\n\
              \r\n\
              hi"
        )
    );
    let empty_reason = SipMessage {
        start: StartLine::Response {
            code: 100,
            reason: String::new(),
        },
        headers: Default::default(),
        body: Bytes::new(),
    };
    assert_eq!(
        empty_reason.to_bytes(),
        Bytes::from_static(b"SIP/2.0 100 \r\nContent-Length: 0\r\n\r\n")
    );
}

#[test]
fn content_length_rules() {
    let with_body = |cl: &str, body: &str| {
        format!(
            "MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\
             To: <sip:bob@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: x\r\n\
             CSeq: 1 MESSAGE\r\n{cl}\r\n{body}"
        )
    };
    let m =
        SipMessage::parse(with_body("Content-Length: 5\r\n", "hello world").as_bytes()).unwrap();
    assert_eq!(
        m.body,
        Bytes::from_static(b"hello"),
        "bytes beyond Content-Length are ignored"
    );
    let m = SipMessage::parse(with_body("", "hello").as_bytes()).unwrap();
    assert_eq!(
        m.body,
        Bytes::from_static(b"hello"),
        "no Content-Length: rest of datagram"
    );
    let m = SipMessage::parse(with_body("Content-Length: 5\r\nl: 005\r\n", "hello").as_bytes())
        .expect("repeated equal values are fine");
    // found by fuzzing: the printer must not drop the repeated header
    assert_eq!(SipMessage::parse(&m.to_bytes()).unwrap(), m);
    for (cl, err) in [
        (
            "Content-Length: 6\r\n",
            ParseError::ContentLengthMismatch {
                declared: 6,
                actual: 5,
            },
        ),
        (
            "Content-Length: -1\r\n",
            ParseError::InvalidContentLength("-1".into()),
        ),
        (
            "Content-Length: five\r\n",
            ParseError::InvalidContentLength("five".into()),
        ),
        (
            "Content-Length: +5\r\n",
            ParseError::InvalidContentLength("+5".into()),
        ),
        (
            "Content-Length: 5\r\nContent-Length: 4\r\n",
            ParseError::ConflictingHeader("Content-Length"),
        ),
    ] {
        assert_eq!(
            SipMessage::parse(with_body(cl, "hello").as_bytes()),
            Err(err),
            "{cl:?}"
        );
    }
}

#[test]
fn header_syntax_errors() {
    type Check = fn(&ParseError) -> bool;
    let cases: [(&[u8], Check); 9] = [
        (b"", |e| *e == ParseError::Empty),
        (b"\r\n\r\n", |e| *e == ParseError::Empty),
        (b"OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n", |e| {
            *e == ParseError::UnterminatedHeaders
        }),
        (b"OPTIONS sip:a@b SIP/2.0\r\nNo colon here\r\n\r\n", |e| {
            matches!(e, ParseError::InvalidHeaderLine(_))
        }),
        (b"OPTIONS sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n", |e| {
            matches!(e, ParseError::InvalidHeaderLine(_))
        }),
        (b"OPTIONS sip:a@b SIP/2.0\r\nBad\0: x\r\n\r\n", |e| {
            matches!(e, ParseError::InvalidHeaderLine(_))
        }),
        (
            b"OPTIONS sip:a@b SIP/2.0\r\n folded-first: x\r\n\r\n",
            |e| matches!(e, ParseError::InvalidHeaderLine(_)),
        ),
        (b"OPTIONS sip:a@b SIP/2.0\r\nX: a\rb\r\n\r\n", |e| {
            matches!(e, ParseError::InvalidHeaderLine(_))
        }),
        (b"OPTIONS sip:a@b SIP/2.0\r\nX: \xff\r\n\r\n", |e| {
            *e == ParseError::InvalidUtf8
        }),
    ];
    for (input, check) in cases {
        let err = SipMessage::parse(input).unwrap_err();
        assert!(check(&err), "{:?}: {err:?}", String::from_utf8_lossy(input));
        assert_eq!(sip_response_code(&err), 400);
    }
}

#[test]
fn request_validation() {
    let base = String::from_utf8(register("")).unwrap();
    let m = SipMessage::parse(base.as_bytes()).unwrap();
    assert!(m.is_request());
    assert_eq!(m.method(), Some(&Method::Register));
    assert_eq!(m.status_code(), None);
    assert_eq!(m.max_forwards().unwrap(), Some(70));

    let without_via = base.replace(
        "Via: SIP/2.0/TCP 192.0.2.7:5060;branch=z9hG4bK776asdhds\r\n",
        "",
    );
    assert_eq!(
        SipMessage::parse(without_via.as_bytes()),
        Err(ParseError::MissingHeader("Via"))
    );
    // a response without Via is not rejected by the parser
    let resp = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
    assert!(SipMessage::parse(resp.as_bytes()).is_ok());

    let lowercase_cseq = base.replace("CSeq: 1826 REGISTER", "CSeq: 1826 register");
    let err = SipMessage::parse(lowercase_cseq.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        ParseError::CSeqMethodMismatch {
            request: "REGISTER".into(),
            cseq: "register".into()
        }
    );
    assert_eq!(sip_response_code(&err), 400);

    let two_froms = base.replace(
        "Max-Forwards: 70\r\n",
        "From: <sip:mallory@example.com>;tag=1\r\n",
    );
    assert_eq!(
        SipMessage::parse(two_froms.as_bytes()),
        Err(ParseError::ConflictingHeader("From"))
    );
    let same_twice = base.replace(
        "Max-Forwards: 70\r\n",
        "Call-ID: 843817637684230@998sdasdh09\r\n",
    );
    assert!(SipMessage::parse(same_twice.as_bytes()).is_ok());

    // parse_unvalidated keeps what a 400 response needs
    let m = SipMessage::parse_unvalidated(lowercase_cseq.as_bytes()).unwrap();
    assert!(m.validate().is_err());
    let resp = SipMessage::response_to(&m, 400, "Bad Request");
    assert_eq!(resp.call_id().unwrap(), "843817637684230@998sdasdh09");
}

#[test]
fn ipv6_and_escapes_in_request_uris() {
    let req = |uri: &str| {
        format!(
            "OPTIONS {uri} SIP/2.0\r\nVia: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3\r\n\
             To: <sip:user@example.com>\r\nFrom: <sip:user@example.com>;tag=81x2\r\n\
             Call-ID: SSG95523997077@hlau_4100\r\nCSeq: 921 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        )
    };
    let m = SipMessage::parse(req("sip:[2001:db8::10]:5070").as_bytes()).unwrap();
    let uri = m.request_uri().unwrap();
    assert_eq!(
        (uri.host.as_str(), uri.port),
        ("[2001:db8::10]", Some(5070))
    );
    assert_eq!(m.top_via().unwrap().host, "[2001:db8::9:1]");
    // RFC 5118 §4.2: an IPv6 address without brackets is not a host
    assert!(matches!(
        SipMessage::parse(req("sip:2001:db8::10").as_bytes()),
        Err(ParseError::InvalidRequestUri { .. })
    ));
    let m = SipMessage::parse(req("tel:+1-201-555-0123").as_bytes()).unwrap();
    assert_eq!(m.request_uri().unwrap().host, "+1-201-555-0123");
}

#[test]
fn other_accessors() {
    let m = SipMessage::parse(&register(
        "Allow: INVITE, ACK,CANCEL , OPTIONS, BYE, FOO\r\n\
         Require: path\r\nSupported: path, gruu\r\nSupported: outbound\r\n\
         User-Agent: callboard-test/1.0\r\n\
         Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n\
         Route: <sip:p3.example.com;lr>\r\n\
         Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n\
         Authorization: Digest username=\"alice\", realm=\"pbx.example.com\", nonce=\"abc\", \
         uri=\"sip:pbx.example.com\", response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5, \
         cnonce=\"xyz\", qop=auth, nc=00000001\r\n",
    ))
    .unwrap();
    assert_eq!(
        m.allow(),
        [
            Method::Invite,
            Method::Ack,
            Method::Cancel,
            Method::Options,
            Method::Bye,
            Method::Other("FOO".into())
        ]
    );
    assert_eq!(m.require(), ["path"]);
    assert_eq!(m.supported(), ["path", "gruu", "outbound"]);
    assert_eq!(m.user_agent(), Some("callboard-test/1.0"));
    let rr: Vec<_> = m
        .record_routes()
        .unwrap()
        .into_iter()
        .map(|r| r.uri.host)
        .collect();
    assert_eq!(rr, ["p1.example.com", "p2.example.com"]);
    assert_eq!(m.routes().unwrap().len(), 1);
    assert_eq!(
        m.date().unwrap().unwrap().to_string(),
        "Sat, 13 Nov 2010 23:29:00 GMT"
    );
    let creds = m.authorization().unwrap().unwrap();
    assert_eq!(creds.username, "alice");
    assert_eq!(creds.uri, "sip:pbx.example.com");
    assert_eq!(creds.qop.as_deref(), Some("auth"));
    assert_eq!(creds.nc.as_deref(), Some("00000001"));
    assert_eq!(m.www_authenticate().unwrap(), None);

    let bad = String::from_utf8(register("Authorization: Digest realm=\"x\"\r\n"))
        .unwrap()
        .replace("Max-Forwards: 70", "Max-Forwards: 300");
    let bad = SipMessage::parse(bad.as_bytes()).unwrap();
    assert!(matches!(
        bad.authorization(),
        Err(ParseError::InvalidHeader { .. })
    ));
    assert!(matches!(
        bad.max_forwards(),
        Err(ParseError::InvalidHeader { .. })
    ));
}

#[test]
fn display_of_typed_values_round_trips() {
    for s in [
        "sip:alice@example.com",
        "sips:alice:pw@[2001:db8::1]:5061;transport=tls?subject=x",
        "tel:+4930123;phone-context=+49",
        "urn:service:sos",
    ] {
        let uri = Uri::parse(s).unwrap();
        assert_eq!(uri.to_string(), s);
        assert_eq!(Uri::parse(&uri.to_string()).unwrap(), uri);
    }
    let a = NameAddr::parse("\"Quoted \\\"name\\\"\" <sip:a@example.com;lr>;tag=x;q=0.5").unwrap();
    assert_eq!(NameAddr::parse(&a.to_string()).unwrap(), a);
}
