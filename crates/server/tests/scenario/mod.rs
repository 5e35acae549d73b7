//! Scripted SIPp phones: a builder that writes the phone's out-of-call scenario (`-oocsf`, the
//! side of the CSTA dialog) from steps such as "expect INFO MakeCall and answer it", "send this
//! event", and the phone's CSTA documents as snom and Yealink firmware write them.
//!
//! The generated scenario plays the start-up of `tests/peers/sipp/phone_csta.xml` (INVITE with
//! RequestSystemStatus, SystemRegister unless the vendor has none, GetSwitchingFunctionDevices
//! and the phone's SwitchingFunctionDevices INFO), then the test's steps in order, then sets
//! the global `script_done`; the main scenario `phone_register_until_done.xml` waits for it,
//! de-registers, and the CSTA scenario takes the server's BYE and sets `dialog_ended`.
//!
//! Every step is strict: an INFO whose body lacks the expected root element or one of the
//! expected patterns (POSIX extended regular expressions, checked by SIPp's `ereg`) fails the
//! phone's call, and so does any message the script does not expect (SIPp's default, which
//! aborts the call with a BYE). SIPp's exit status does not show either for an out-of-call
//! scenario, so [`ScriptedPhone::finish`] also reads SIPp's errors log.
//!
//! SIPp 3.6.1 gotchas honoured here (see also /work/shared/testing/REAL-PEERS.md §1):
//! - no `<`, `"` or `/>` inside attribute values (regexps use `.` where the XML has `<` or `>`,
//!   see [`xml_pattern`]); every variable is referenced at least twice (each is logged);
//!   `[last_*]` keywords are not used inside the action of the `recv` being processed;
//! - a message that arrives while the call stands on a `<nop>` placed after a `<send>` is
//!   "unexpected": the generated scenario has no `<nop>` where the server may send next (loop
//!   counters live in the actions of `recv`s, jumps ride on `next`/`test` of messages);
//! - a scenario file larger than 64 KiB is not loaded ("Unable to load or parse"), hence
//!   [`Script::repeat`] for long sequences;
//! - the phone's own INFOs take `[cseq]`, SIPp's per-call counter, so that loops keep the
//!   CSeq increasing.
#![allow(dead_code)] // each test binary uses a different part of the harness

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::common::{Phone, PhoneSpec, Server};

/// The ECMA-323 ed5 namespace.
pub const ED5: &str = "http://www.ecma-international.org/standards/ecma-323/csta/ed5";
/// Yealink's misspelt namespace (no hyphen), used in many of its responses.
pub const YEALINK_NS: &str = "http://www.ecmainternational.org/standards/ecma-323/csta/ed5";
/// The ed3 namespace (Yealink's GetDoNotDisturbResponse).
pub const ED3: &str = "http://www.ecma-international.org/standards/ecma-323/csta/ed3";

/// Which firmware the phone plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// snom D785 10.1.54.13: SystemRegister at start-up, ed5 everywhere, identities
    /// `sip:201@pbx.example`.
    Snom,
    /// Yealink T46G 28.73.98.4: no SystemRegister, responses in `www.ecmainternational.org`,
    /// identities with the registrar port (`sip:201@pbx.example:5060`), device list sent after
    /// the GetSwitchingFunctionDevicesResponse.
    Yealink,
}

impl Vendor {
    pub fn user_agent(self) -> &'static str {
        match self {
            Vendor::Snom => "snomD785/10.1.54.13",
            Vendor::Yealink => "Yealink SIP-T46G 28.73.98.4",
        }
    }

    /// The namespace of the phone's responses.
    pub fn response_ns(self) -> &'static str {
        match self {
            Vendor::Snom => ED5,
            Vendor::Yealink => YEALINK_NS,
        }
    }

    /// How the phone writes its line `number`.
    pub fn identity(self, number: &str) -> String {
        match self {
            Vendor::Snom => format!("sip:{number}@pbx.example"),
            Vendor::Yealink => format!("sip:{number}@pbx.example:5060"),
        }
    }
}

/// A CSTA document: XML declaration and `<name xmlns=ns>inner</name>`.
pub fn doc(ns: &str, name: &str, inner: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><{name} xmlns="{ns}">{inner}</{name}>"#)
}

/// `<tag><callID>call</callID><deviceID>device</deviceID></tag>`.
pub fn connection(tag: &str, call: &str, device: &str) -> String {
    format!("<{tag}><callID>{call}</callID><deviceID>{device}</deviceID></{tag}>")
}

/// `<tag><deviceIdentifier>device</deviceIdentifier></tag>`.
pub fn party(tag: &str, device: &str) -> String {
    format!("<{tag}><deviceIdentifier>{device}</deviceIdentifier></{tag}>")
}

/// The phone's script.
pub struct Script {
    vendor: Vendor,
    xml: String,
    steps: u32,
    loops: u32,
    /// Assignments of the loop counters, made when the INVITE arrives.
    loop_inits: String,
}

/// The phone's answer to a request.
pub enum Reply {
    /// `200 OK` without a body.
    Empty,
    /// `200 OK` with this CSTA document.
    Body(String),
    /// `200 OK` without a body after this many milliseconds: a request of the server that
    /// arrives meanwhile fails the phone (SIPp takes it as unexpected), which shows that the
    /// server sends one request at a time.
    EmptyAfter(u64),
    /// A final response other than 200 (code, reason phrase), without a body.
    Status(u16, &'static str),
    /// No answer at all (a hung phone).
    Never,
}

impl Script {
    /// A phone of `vendor` whose start-up is done; its identities are 201 and 202.
    pub fn new(vendor: Vendor) -> Script {
        let mut script = Script {
            vendor,
            xml: String::new(),
            steps: 0,
            loops: 0,
            loop_inits: String::new(),
        };
        script.startup();
        script
    }

    pub fn snom() -> Script {
        Script::new(Vendor::Snom)
    }

    pub fn yealink() -> Script {
        Script::new(Vendor::Yealink)
    }

    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// Line 201 as this phone writes it.
    pub fn me(&self) -> String {
        self.vendor.identity("201")
    }

    /// The phone's events for line 201 under its monitor `cross_ref`.
    pub fn events(&self, cross_ref: &str) -> Events {
        Events {
            cross_ref: cross_ref.to_owned(),
            me: self.me(),
        }
    }

    fn startup(&mut self) {
        let vendor = self.vendor;
        self.raw(
            r#"
  <recv request="INVITE">
    <action>
      <ereg regexp="application/csta\+xml" search_in="hdr" header="Content-Type:" check_it="true" assign_to="invite_ct"/>
      <ereg regexp="RequestSystemStatus[ /]" search_in="body" check_it="true" assign_to="invite_body"/>
      <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="remote_from"/>
      <ereg regexp="sip:[^>]*" search_in="hdr" header="Contact:" check_it="true" assign_to="remote_contact"/>
      <log message="phone: got CSTA INVITE [$invite_ct] [$invite_body] from [$remote_from]"/><!--LOOP_INITS-->
    </action>
  </recv>
"#,
        );
        self.send_response_with_tag(&doc(
            ED5,
            "RequestSystemStatusResponse",
            "<systemStatus>normal</systemStatus>",
        ));
        self.raw("\n  <recv request=\"ACK\"/>\n");
        if vendor == Vendor::Snom {
            self.raw(
                r#"
  <recv request="INFO">
    <action>
      <ereg regexp="SystemRegister.*switchingFunctionDevicesChanged.true" search_in="body" check_it="true" assign_to="sysreg"/>
      <log message="phone: got SystemRegister [$sysreg]"/>
    </action>
  </recv>
"#,
            );
            self.send_response(Some(&doc(
                ED5,
                "SystemRegisterResponse",
                "<sysStatRegisterID>1</sysStatRegisterID>",
            )));
        }
        // Yealink has no SystemRegister: were one sent, this check fails.
        self.raw(
            r#"
  <recv request="INFO">
    <action>
      <ereg regexp="GetSwitchingFunctionDevices[^A-Za-z]" search_in="body" check_it="true" assign_to="gsfd"/>
      <ereg regexp="CSeq: ([0-9]+)" search_in="msg" check_it="true" assign_to="gsfd_junk,gsfd_cseq"/>
      <ereg regexp="Via: [^\r\n]*" search_in="msg" check_it="true" assign_to="gsfd_via"/>
      <log message="phone: got GetSwitchingFunctionDevices [$gsfd] [$gsfd_junk] cseq [$gsfd_cseq] [$gsfd_via]"/>
    </action>
  </recv>
"#,
        );
        // -key line1/line2/host (201, 202, pbx.example: see Phone::start).
        let port = match vendor {
            Vendor::Snom => "",
            Vendor::Yealink => ":5060",
        };
        let devices = format!(
            "<serviceCrossRefID>1</serviceCrossRefID><lastSegment>true</lastSegment><deviceList><device><deviceID>sip:[line1]@[host]{port}</deviceID></device><device><deviceID>sip:[line2]@[host]{port}</deviceID></device></deviceList>"
        );
        let answer = format!(
            r#"
  <send>
    <![CDATA[

SIP/2.0 200 OK
[$gsfd_via]
From: [$remote_from]
To: <sip:[service]@test.local>;tag=[pid]csta[call_number]
[last_Call-ID:]
CSeq: [$gsfd_cseq] INFO
Content-Type: application/csta+xml
Content-Length: [len]

{}
    ]]>
  </send>
"#,
            doc(
                vendor.response_ns(),
                "GetSwitchingFunctionDevicesResponse",
                "<serviceCrossRefID>1</serviceCrossRefID>"
            )
        );
        match vendor {
            // snom (like phone_csta.xml): the device list first, then the answer.
            Vendor::Snom => {
                self.send_info(&doc(ED5, "SwitchingFunctionDevices", &devices), "devices");
                self.raw(&answer);
            }
            // Yealink answers first, then sends the list (cstaprocesser.cpp).
            Vendor::Yealink => {
                self.raw(&answer);
                self.send_info(
                    &doc(YEALINK_NS, "SwitchingFunctionDevices", &devices),
                    "devices",
                );
            }
        }
    }

    fn raw(&mut self, xml: &str) {
        self.xml.push_str(xml);
    }

    /// The 200 to the INVITE, with our To tag.
    fn send_response_with_tag(&mut self, body: &str) {
        let _ = write!(
            self.xml,
            r#"
  <send>
    <![CDATA[

SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]csta[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
Content-Type: application/csta+xml
Content-Length: [len]

{body}
    ]]>
  </send>
"#
        );
    }

    /// The 200 to the request just received.
    fn send_response(&mut self, body: Option<&str>) {
        self.send_status(200, "OK", body);
    }

    /// A final response to the request just received.
    fn send_status(&mut self, code: u16, reason: &str, body: Option<&str>) {
        let (content_type, body) = match body {
            Some(body) => ("\nContent-Type: application/csta+xml", body),
            None => ("", ""),
        };
        let _ = write!(
            self.xml,
            r#"
  <send>
    <![CDATA[

SIP/2.0 {code} {reason}
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]{content_type}
Content-Length: [len]

{body}
    ]]>
  </send>
"#
        );
    }

    /// An INFO of the phone in the dialog (CSeq from SIPp's own counter, so that loops keep
    /// it increasing), and the server's 200 to it.
    fn send_info(&mut self, body: &str, what: &str) {
        let _ = write!(
            self.xml,
            r#"
  <send>
    <![CDATA[

INFO [$remote_contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:[service]@test.local>;tag=[pid]csta[call_number]
To: [$remote_from]
[last_Call-ID:]
CSeq: [cseq] INFO
Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>
Content-Type: application/csta+xml
Content-Disposition: signal;handling=required
Content-Length: [len]

{body}
    ]]>
  </send>

  <recv response="200">
    <action>
      <log message="phone: sent {what}, got 200"/>
    </action>
  </recv>
"#
        );
    }

    /// Waits for the server's INFO carrying request `name`; its body must match every one of
    /// `patterns` (POSIX ERE; write `.` for `<` and `>`); the phone answers `reply`.
    pub fn expect(mut self, name: &str, patterns: &[&str], reply: Reply) -> Script {
        self.steps += 1;
        let step = self.steps;
        let mut checks = format!(
            r#"      <ereg regexp="[^A-Za-z]{name}[^A-Za-z]" search_in="body" check_it="true" assign_to="s{step}"/>
"#
        );
        let mut logged = format!("[$s{step}]");
        for (i, pattern) in patterns.iter().enumerate() {
            assert!(
                !pattern.contains(['<', '"']) && !pattern.contains("/>"),
                "SIPp cannot take `<`, `\"` or `/>` in an attribute: {pattern}"
            );
            let _ = writeln!(
                checks,
                r#"      <ereg regexp="{pattern}" search_in="body" check_it="true" assign_to="s{step}p{i}"/>"#
            );
            let _ = write!(logged, " [$s{step}p{i}]");
        }
        let _ = write!(
            self.xml,
            r#"
  <recv request="INFO">
    <action>
{checks}      <log message="phone: step {step} got {name} {logged}"/>
    </action>
  </recv>
"#
        );
        match reply {
            Reply::Empty => self.send_response(None),
            Reply::Body(body) => self.send_response(Some(&body)),
            Reply::EmptyAfter(ms) => {
                let _ = write!(self.xml, "\n  <pause milliseconds=\"{ms}\"/>\n");
                self.send_response(None);
            }
            Reply::Status(code, reason) => self.send_status(code, reason, None),
            Reply::Never => {}
        }
        self
    }

    /// The server's MonitorStart for line 201 (deviceObject = the phone's identity), answered
    /// with `MonitorStartResponse{cross_ref}` as the vendor writes it.
    pub fn expect_monitor_start(self, cross_ref: &str) -> Script {
        let me = self.me();
        let extra = match self.vendor {
            Vendor::Snom => String::new(),
            Vendor::Yealink => "<monitorExistingCalls>true</monitorExistingCalls>".into(),
        };
        let reply = doc(
            self.vendor.response_ns(),
            "MonitorStartResponse",
            &format!("<monitorCrossRefID>{cross_ref}</monitorCrossRefID>{extra}"),
        );
        self.expect(
            "MonitorStart",
            &[&xml_pattern(&format!("<deviceObject>{me}</deviceObject>"))],
            Reply::Body(reply),
        )
    }

    /// The phone sends `event` (a CSTA document) in an INFO and waits for the server's 200.
    pub fn event(mut self, event: String) -> Script {
        self.steps += 1;
        let what = format!(
            "step {} event {}",
            self.steps,
            root_name(&event).unwrap_or("?")
        );
        self.send_info(&event, &what);
        self
    }

    /// Plays the steps `body` adds `times` times in a row (a SIPp loop: the scenario stays
    /// small, see `to_xml`). The body must begin with a request the phone expects (its
    /// action counts the rounds) and the jump back rides on its last message: SIPp takes a
    /// message that arrives while it stands on a `<nop>` after a `<send>` as unexpected, so
    /// the loop has no `<nop>` of its own.
    pub fn repeat(mut self, times: u32, body: impl FnOnce(Script) -> Script) -> Script {
        self.loops += 1;
        let n = self.loops;
        let _ = write!(self.xml, "\n  <label id=\"loop{n}\"/>\n");
        let start = self.xml.len();
        let mut script = body(self);
        let count = format!(
            r#"
      <add assign_to="loop{n}_done" value="1"/>
      <test assign_to="loop{n}_again" variable="loop{n}_done" compare="less_than" value="{times}"/>
      <log message="phone: loop {n} round [$loop{n}_done]"/>"#
        );
        let first = start
            + script.xml[start..]
                .find("\n  <recv request=")
                .expect("a repeated body begins with an expected request");
        let action = first
            + script.xml[first..]
                .find("<action>")
                .expect("the request's checks")
            + "<action>".len();
        script.xml.insert_str(action, &count);
        let last = start
            + ["\n  <send", "\n  <recv"]
                .iter()
                .filter_map(|tag| script.xml[start..].rfind(tag).map(|at| at + tag.len()))
                .max()
                .expect("a repeated body has messages");
        script
            .xml
            .insert_str(last, &format!(" next=\"loop{n}\" test=\"loop{n}_again\""));
        script.loop_inits.push_str(&format!(
            "\n      <assign assign_to=\"loop{n}_done\" value=\"0\"/>"
        ));
        script
    }

    /// The phone waits in its dialog for an INFO that never comes: the test kills it there.
    pub fn until_killed(mut self) -> Script {
        self.raw("\n  <!-- the test kills the phone while it waits here -->\n  <recv request=\"INFO\"/>\n");
        self
    }

    /// The whole scenario: the script, then `script_done`, the server's BYE and `dialog_ended`.
    pub fn to_xml(&self) -> String {
        let xml = format!(
            r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<!-- Generated by crates/server/tests/scenario/mod.rs ({vendor:?} phone). -->
<scenario name="uaCSTA phone: scripted CSTA dialog">
  <Global variables="script_done,dialog_ended"/>
{body}
  <nop>
    <action>
      <assign assign_to="script_done" value="1"/>
      <log message="phone: script done [$script_done]"/>
    </action>
  </nop>

  <recv request="BYE"/>
  <send>
    <![CDATA[

SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

    ]]>
  </send>
  <nop>
    <action>
      <assign assign_to="dialog_ended" value="1"/>
      <log message="phone: took the server's BYE [$dialog_ended]"/>
    </action>
  </nop>
</scenario>
"#,
            vendor = self.vendor,
            body = self.xml.replacen("<!--LOOP_INITS-->", &self.loop_inits, 1),
        );
        // SIPp 3.6.1 reads at most 64 KiB of a scenario ("Unable to load or parse").
        assert!(
            xml.len() < 65_000,
            "the generated scenario is {} bytes; SIPp takes at most 64 KiB",
            xml.len()
        );
        xml
    }

    /// Starts SIPp playing this script against `server` as the phone `mac`.
    pub fn start(&self, server: &Server, mac: &str) -> ScriptedPhone {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("phone_csta_scripted.xml");
        std::fs::write(&path, self.to_xml()).unwrap();
        let csta_scenario = path.to_str().unwrap().to_owned();
        // Phone::start joins the scenario name onto tests/peers/sipp: an absolute path stays
        // as it is (Path::join), so the generated file is used in place.
        let phone = Phone::start(
            server.sip_tcp,
            &PhoneSpec {
                user_agent: self.vendor.user_agent(),
                scenario: "phone_register_until_done.xml",
                csta_scenario: &csta_scenario,
                ..PhoneSpec::snom(mac)
            },
        );
        ScriptedPhone {
            phone,
            scenario: path,
            _dir: dir,
        }
    }
}

/// A SIPp phone playing a script.
pub struct ScriptedPhone {
    pub phone: Phone,
    /// The generated -oocsf scenario.
    pub scenario: PathBuf,
    _dir: tempfile::TempDir,
}

impl ScriptedPhone {
    /// Waits for SIPp to end (the script played, de-registered, BYE taken) and asserts that
    /// every call of it succeeded.
    pub fn finish(&mut self) {
        let ok = self.phone.wait();
        let errors = self.errors();
        assert!(
            ok && errors.is_empty(),
            "the SIPp phone failed (exit ok: {ok}, errors: {errors:#?}):\n{}\n==== scenario\n{}",
            self.phone.logs(),
            std::fs::read_to_string(&self.scenario).unwrap_or_default()
        );
    }

    /// What SIPp reported in its errors log, but for the notes every run has. A failed `ereg`
    /// check (`Failed regexp match`) in the out-of-call scenario does not fail SIPp's exit
    /// status, so `finish` looks here too.
    pub fn errors(&self) -> Vec<String> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(self.phone.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if !path.to_string_lossy().ends_with("_errors.log") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            out.extend(sipp_log_entries(&text).into_iter().filter(|e| {
                !e.starts_with("Received out-of-call")
                    && !e.contains("Failed to delete FD from epoll")
            }));
        }
        out
    }

    /// The CSTA bodies of the INFOs the phone received from the server, in order.
    pub fn infos(&self) -> Vec<String> {
        received(&self.phone, "INFO ")
            .into_iter()
            .map(|m| body(&m).to_owned())
            .collect()
    }

    /// The bodies of received INFOs whose root element is `name`.
    pub fn infos_named(&self, name: &str) -> Vec<String> {
        self.infos()
            .into_iter()
            .filter(|b| root_name(b) == Some(name))
            .collect()
    }

    /// Polls the messages log until an INFO with root `name` has arrived `n` times.
    pub fn wait_for_infos(&self, name: &str, n: usize) -> Vec<String> {
        let deadline = std::time::Instant::now() + crate::cti_client::PATIENCE;
        loop {
            let infos = self.infos_named(name);
            if infos.len() >= n {
                return infos;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the phone never got {n} INFO {name}:\n{}",
                self.phone.logs()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

/// The entries of a SIPp errors log (`The following events occurred:` then entries that each
/// start with `YYYY-MM-DD<TAB>time<TAB>epoch: `, not always ended by a newline), without
/// their time stamps.
fn sipp_log_entries(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let is_stamp = |i: usize| {
        bytes.len() > i + 11
            && bytes[i..i + 4].iter().all(u8::is_ascii_digit)
            && bytes[i + 4] == b'-'
            && bytes[i + 7] == b'-'
            && bytes[i + 10] == b'\t'
    };
    let starts: Vec<usize> = (0..bytes.len()).filter(|&i| is_stamp(i)).collect();
    let mut out = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let entry = &text[start..end];
        let message = entry.split_once(": ").map_or(entry, |(_, m)| m);
        out.push(message.trim().to_owned());
    }
    out
}

/// A check for SIPp's `ereg` that an XML snippet occurs literally (`<` and `>`, which SIPp
/// cannot take in an attribute, match any character).
pub fn xml_pattern(snippet: &str) -> String {
    regex_escape(snippet).replace(['<', '>'], ".")
}

impl Drop for ScriptedPhone {
    /// A failing test shows what the phone saw (its logs go with its temporary directory).
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.phone.kill();
            eprintln!(
                "==== the SIPp phone's logs\n{}\n==== its scenario: {}",
                self.phone.logs(),
                self.scenario.display()
            );
        }
    }
}

/// The root element's local name of an XML document.
pub fn root_name(xml: &str) -> Option<&str> {
    let mut rest = xml;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
        let name = &rest[..end];
        return Some(name.rsplit(':').next().unwrap_or(name));
    }
}

/// Escapes regex metacharacters of a literal for SIPp's `ereg`.
pub fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The messages SIPp received (from its `-trace_msg` log) whose start line begins with `start`,
/// e.g. `"INFO "`, in the order they arrived.
pub fn received(phone: &Phone, start: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(phone.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with("_messages.log") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Each entry: a line of dashes and a time stamp, `TCP message received [n] bytes :`
        // (or `… sent …`), an empty line, the message.
        for block in text.split("-----------------------------------------------") {
            let mut lines = block.lines();
            if !lines
                .by_ref()
                .take(2)
                .any(|l| l.contains("message received"))
            {
                continue;
            }
            let message: Vec<&str> = lines.skip_while(|l| l.trim().is_empty()).collect();
            if message.first().is_some_and(|l| l.starts_with(start)) {
                out.push(message.join("\n"));
            }
        }
    }
    out
}

/// The body of a message from [`received`].
pub fn body(message: &str) -> &str {
    message
        .split_once("\n\n")
        .or_else(|| message.split_once("\r\n\r\n"))
        .map_or("", |(_, body)| body.trim())
}

/// The phone's events for its line, as snom and Yealink firmware write them (ed5, every event
/// with `localConnectionInfo` and `cause`, parties as `deviceIdentifier`).
pub struct Events {
    pub cross_ref: String,
    /// The line as the phone writes it.
    pub me: String,
}

impl Events {
    fn event(&self, name: &str, inner: &str) -> String {
        doc(
            ED5,
            name,
            &format!(
                "<monitorCrossRefID>{}</monitorCrossRefID>{inner}",
                self.cross_ref
            ),
        )
    }

    fn info(state: &str, cause: &str) -> String {
        format!("<localConnectionInfo>{state}</localConnectionInfo><cause>{cause}</cause>")
    }

    /// An incoming call from `caller` rings at the line.
    pub fn delivered_incoming(&self, call: &str, caller: &str) -> String {
        let me = &self.me;
        self.event(
            "DeliveredEvent",
            &format!(
                "{}{}{}{}<lastRedirectionDevice><notKnown/></lastRedirectionDevice>{}",
                connection("connection", call, me),
                party("alertingDevice", me),
                party("callingDevice", caller),
                party("calledDevice", me),
                Self::info("alerting", "newCall"),
            ),
        )
    }

    /// An outgoing call rings at `called`.
    pub fn delivered_outgoing(&self, call: &str, called: &str) -> String {
        let me = &self.me;
        self.event(
            "DeliveredEvent",
            &format!(
                "{}{}{}{}<lastRedirectionDevice><notKnown/></lastRedirectionDevice>{}",
                connection("connection", call, me),
                party("alertingDevice", called),
                party("callingDevice", me),
                party("calledDevice", called),
                Self::info("connected", "normal"),
            ),
        )
    }

    /// The line answered an incoming call from `caller`.
    pub fn established_incoming(&self, call: &str, caller: &str) -> String {
        let me = &self.me;
        self.event(
            "EstablishedEvent",
            &format!(
                "{}{}{}{}<lastRedirectionDevice><notKnown/></lastRedirectionDevice>{}",
                connection("establishedConnection", call, me),
                party("answeringDevice", me),
                party("callingDevice", caller),
                party("calledDevice", me),
                Self::info("connected", "normal"),
            ),
        )
    }

    /// `called` answered the line's outgoing call.
    pub fn established_outgoing(&self, call: &str, called: &str) -> String {
        let me = &self.me;
        self.event(
            "EstablishedEvent",
            &format!(
                "{}{}{}{}<lastRedirectionDevice><notKnown/></lastRedirectionDevice>{}",
                connection("establishedConnection", call, me),
                party("answeringDevice", called),
                party("callingDevice", me),
                party("calledDevice", called),
                Self::info("connected", "normal"),
            ),
        )
    }

    /// The line went off-hook for a new call.
    pub fn service_initiated(&self, call: &str, cause: &str) -> String {
        let me = &self.me;
        self.event(
            "ServiceInitiatedEvent",
            &format!(
                "{}{}{}",
                connection("initiatedConnection", call, me),
                party("initiatingDevice", me),
                Self::info("initiated", cause),
            ),
        )
    }

    /// The line dialled `called`.
    pub fn originated(&self, call: &str, called: &str) -> String {
        let me = &self.me;
        self.event(
            "OriginatedEvent",
            &format!(
                "{}{}{}{}",
                connection("originatedConnection", call, me),
                party("callingDevice", me),
                party("calledDevice", called),
                Self::info("connected", "normal"),
            ),
        )
    }

    /// The line's connection in `call` was cleared.
    pub fn connection_cleared(&self, call: &str) -> String {
        let me = &self.me;
        self.event(
            "ConnectionClearedEvent",
            &format!(
                "{}{}{}",
                connection("droppedConnection", call, me),
                party("releasingDevice", me),
                Self::info("null", "normalClearing"),
            ),
        )
    }

    /// `call` is gone.
    pub fn call_cleared(&self, call: &str) -> String {
        let me = &self.me;
        self.event(
            "CallClearedEvent",
            &format!(
                "{}<cause>normalClearing</cause>",
                connection("clearedCall", call, me)
            ),
        )
    }

    /// The line put `call` on hold.
    pub fn held(&self, call: &str) -> String {
        let me = &self.me;
        self.event(
            "HeldEvent",
            &format!(
                "{}{}{}",
                connection("heldConnection", call, me),
                party("holdingDevice", me),
                Self::info("hold", "normal"),
            ),
        )
    }

    /// The line took `call` off hold.
    pub fn retrieved(&self, call: &str) -> String {
        let me = &self.me;
        self.event(
            "RetrievedEvent",
            &format!(
                "{}{}{}",
                connection("retrievedConnection", call, me),
                party("retrievingDevice", me),
                Self::info("connected", "normal"),
            ),
        )
    }

    /// The line transferred `primary` (and the consultation call `secondary`, if any) to
    /// `to`; `root` is `TransferredEvent` or Yealink's `TransferedEvent`. The connection list
    /// is the empty item Yealink writes.
    pub fn transferred(
        &self,
        root: &str,
        primary: &str,
        secondary: Option<&str>,
        to: &str,
        cause: &str,
    ) -> String {
        let me = &self.me;
        let secondary = secondary
            .map(|call| connection("secondaryOldCall", call, me))
            .unwrap_or_default();
        self.event(
            root,
            &format!(
                "{}{secondary}{}{}<transferredConnections><connectionListItem/></transferredConnections>{}",
                connection("primaryOldCall", primary, me),
                party("transferringDevice", me),
                party("transferredToDevice", to),
                Self::info("null", cause),
            ),
        )
    }

    /// The line joined `held` and `active` into the conference `conference` (Yealink's
    /// `held|active` IDs) with `held_party` and `active_party`.
    pub fn conferenced(
        &self,
        held: &str,
        active: &str,
        conference: &str,
        held_party: &str,
        active_party: &str,
    ) -> String {
        let me = &self.me;
        let item = |old: &str, device: &str| {
            format!(
                "<connectionListItem>{}{}</connectionListItem>",
                connection("newConnection", conference, device),
                connection("oldConnection", old, device)
            )
        };
        self.event(
            "ConferencedEvent",
            &format!(
                "{}{}{}{}<conferenceConnections>{}{}{}</conferenceConnections>{}",
                connection("primaryOldCall", active, me),
                connection("secondaryOldCall", held, me),
                party("conferencingDevice", me),
                party("addedParty", active_party),
                item(active, active_party),
                item(held, held_party),
                item(active, me),
                Self::info("connected", "conference"),
            ),
        )
    }

    /// The line deflected the ringing `call` to `to`.
    pub fn diverted(&self, call: &str, to: &str) -> String {
        let me = &self.me;
        self.event(
            "DivertedEvent",
            &format!(
                "{}{}{}<lastRedirectionDevice><notKnown/></lastRedirectionDevice>{}",
                connection("connection", call, me),
                party("divertingDevice", me),
                party("newDestination", to),
                Self::info("null", "redirected"),
            ),
        )
    }

    pub fn do_not_disturb(&self, on: bool) -> String {
        self.event(
            "DoNotDisturbEvent",
            &format!(
                "{}<doNotDisturbOn>{on}</doNotDisturbOn>",
                party("device", &self.me)
            ),
        )
    }

    pub fn forwarding(&self, kind: &str, on: bool, to: &str) -> String {
        self.event(
            "ForwardingEvent",
            &format!(
                "{}<forwardingType>{kind}</forwardingType><forwardStatus>{on}</forwardStatus><forwardTo>{to}</forwardTo>",
                party("device", &self.me)
            ),
        )
    }

    pub fn message_waiting(&self, on: bool) -> String {
        self.event(
            "MessageWaitingEvent",
            &format!(
                "{}<messageWaitingOn>{on}</messageWaitingOn>",
                party("targetDevice", &self.me)
            ),
        )
    }
}
