//! The long-lived SIP dialog that carries CSTA to one phone: the server is the dialog's UAC
//! (it sends the INVITE), every CSTA request goes out as INFO in it, and responses carry the CSTA
//! results in their bodies.

use bytes::Bytes;
use sip_proto::{Method, NameAddr, SipMessage};

/// Content type of CSTA XML bodies.
pub(crate) const CSTA_CONTENT_TYPE: &str = "application/csta+xml";
/// Methods we accept from a phone.
pub(crate) const ALLOW: &str = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REGISTER";

/// A fresh random token for tags, branches and Call-IDs.
pub(crate) fn random_token() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Our side of the connection as the phone should see it.
#[derive(Debug, Clone)]
pub(crate) struct LocalEndpoint {
    /// `TCP` or `TLS` for Via.
    pub via_transport: &'static str,
    /// `tcp` or `tls` for `transport=` URI parameters.
    pub uri_transport: &'static str,
    /// `host:port` we advertise.
    pub host_port: String,
}

/// One CSTA dialog.
#[derive(Debug, Clone)]
pub(crate) struct CstaDialog {
    /// The dialog's Call-ID.
    pub call_id: String,
    local_tag: String,
    remote_tag: Option<String>,
    /// The phone's address of record (our To).
    remote: NameAddr,
    /// Where requests go (the phone's Contact).
    remote_target: String,
    route_set: Vec<String>,
    next_cseq: u32,
    endpoint: LocalEndpoint,
    /// The INVITE as sent, for the ACK of a failure response (same branch, RFC 3261 §17.1.1.3).
    invite: Option<SipMessage>,
    /// Whether the INVITE was answered with 2xx (and ACKed).
    pub established: bool,
}

/// A request of ours awaiting its response.
#[derive(Debug, Clone)]
pub(crate) struct SentRequest {
    /// The message, ready to write.
    pub message: SipMessage,
    /// Its CSeq number.
    pub cseq: u32,
    /// Its method.
    pub method: Method,
}

impl CstaDialog {
    /// A dialog towards the phone registered as `aor` and reachable at `contact`.
    pub fn new(aor: NameAddr, contact: String, endpoint: LocalEndpoint) -> Self {
        CstaDialog {
            call_id: format!("csta-{}@callboard", random_token()),
            local_tag: random_token(),
            remote_tag: None,
            remote: aor,
            remote_target: contact,
            route_set: Vec::new(),
            next_cseq: 1,
            endpoint,
            invite: None,
            established: false,
        }
    }

    fn local_uri(&self) -> String {
        format!("sip:callboard@{}", self.endpoint.host_port)
    }

    fn to_value(&self) -> String {
        match &self.remote_tag {
            Some(tag) => format!("{};tag={tag}", self.remote),
            None => self.remote.to_string(),
        }
    }

    fn base_request(&self, method: Method, cseq: u32) -> SipMessage {
        let mut message = SipMessage::request(method.clone(), self.remote_target.clone());
        let headers = &mut message.headers;
        headers.push(
            "Via",
            format!(
                "SIP/2.0/{} {};branch=z9hG4bK{}",
                self.endpoint.via_transport,
                self.endpoint.host_port,
                random_token()
            ),
        );
        headers.push("Max-Forwards", "70");
        for route in &self.route_set {
            headers.push("Route", route.clone());
        }
        headers.push(
            "From",
            format!("<{}>;tag={}", self.local_uri(), self.local_tag),
        );
        headers.push("To", self.to_value());
        headers.push("Call-ID", self.call_id.clone());
        headers.push("CSeq", format!("{cseq} {method}"));
        headers.push(
            "Contact",
            format!(
                "<{};transport={}>",
                self.local_uri(),
                self.endpoint.uri_transport
            ),
        );
        message
    }

    /// A new request in the dialog (INVITE, INFO, BYE), with a CSTA body when given.
    pub fn request(&mut self, method: Method, csta_body: Option<String>) -> SentRequest {
        let cseq = self.next_cseq;
        self.next_cseq += 1;
        let mut message = self.base_request(method.clone(), cseq);
        if method == Method::Invite {
            message.headers.push("Allow", ALLOW);
        }
        match csta_body {
            Some(body) => {
                message
                    .headers
                    .push("Content-Disposition", "signal;handling=required");
                message.set_body(CSTA_CONTENT_TYPE, Bytes::from(body));
            }
            None => message.set_body_empty(),
        }
        if method == Method::Invite {
            self.invite = Some(message.clone());
        }
        SentRequest {
            message,
            cseq,
            method,
        }
    }

    /// The ACK of a 3xx–6xx answer to our INVITE: same Request-URI, Via (branch), From,
    /// Call-ID and Route as the INVITE, the response's To, `CSeq: n ACK`.
    pub fn ack_failure(&self, response: &SipMessage) -> Option<SipMessage> {
        let invite = self.invite.as_ref()?;
        let sip_proto::StartLine::Request { uri, .. } = &invite.start else {
            return None;
        };
        let mut ack = SipMessage::request(Method::Ack, uri.clone());
        for name in ["Via", "Max-Forwards", "Route", "From"] {
            for value in invite.headers.get_all(name) {
                ack.headers.push(name, value);
            }
        }
        ack.headers.push("To", response.headers.get("To")?);
        ack.headers.push("Call-ID", self.call_id.clone());
        ack.headers
            .push("CSeq", format!("{} ACK", invite.cseq().ok()?.seq));
        ack.set_body_empty();
        Some(ack)
    }

    /// Takes the phone's tag, target and route set from the 2xx to our INVITE and returns the
    /// ACK to send.
    pub fn confirm(&mut self, response: &SipMessage, invite_cseq: u32) -> SipMessage {
        if let Ok(to) = response.to_header() {
            self.remote_tag = to.tag().map(str::to_owned);
        }
        if let Ok(contacts) = response.contacts() {
            if let Some(sip_proto::Contact::Address(address)) = contacts.first() {
                self.remote_target = address.uri.to_string();
            }
        }
        if let Ok(routes) = response.record_routes() {
            self.route_set = routes.iter().rev().map(ToString::to_string).collect();
        }
        self.established = true;
        let mut ack = self.base_request(Method::Ack, invite_cseq);
        ack.set_body_empty();
        ack
    }

    /// Whether a message belongs to this dialog.
    pub fn owns(&self, message: &SipMessage) -> bool {
        message.call_id().is_ok_and(|id| id == self.call_id)
    }
}

/// Helpers on SIP messages used by the link.
pub(crate) trait MessageExt {
    /// An empty body with `Content-Length: 0`.
    fn set_body_empty(&mut self);
}

impl MessageExt for SipMessage {
    fn set_body_empty(&mut self) {
        self.body = Bytes::new();
        self.headers.set("Content-Length", "0");
    }
}
