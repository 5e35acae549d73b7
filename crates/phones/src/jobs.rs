//! The CSTA requests the server sends a phone, one at a time in its dialog: the link's own
//! (SystemRegister, GetSwitchingFunctionDevices, keepalives, monitors) and those relayed for
//! clients, with how a phone's answer becomes a client's result.

use std::collections::VecDeque;

use callboard_core::LineKey;
use csta_proto::{CstaError, CstaMessage};
use tokio::sync::oneshot;

/// Where a client's result goes.
pub(crate) type Reply = oneshot::Sender<Result<CstaMessage, CstaError>>;

/// One request to the phone.
#[derive(Debug)]
pub(crate) enum Job {
    /// Subscribe to configuration changes.
    SystemRegister,
    /// Ask for the phone's identities.
    GetDevices,
    /// `RequestSystemStatus` keepalive.
    Keepalive,
    /// Open the phone's monitor of a line (the hub's first subscriber arrived).
    MonitorStart {
        /// The line.
        line: LineKey,
        /// The identity as the phone knows it.
        device: String,
    },
    /// Close a monitor.
    MonitorStop {
        /// The phone's cross reference ID.
        cross_ref: String,
    },
    /// A client's service request.
    Client {
        /// The request.
        request: Box<CstaMessage>,
        /// Where the result goes.
        reply: Reply,
    },
    /// A service emulated by several requests (AlternateCall = HoldCall + RetrieveCall); the
    /// client gets `done` after the last step succeeded, or the first step's error.
    Steps {
        /// Requests still to send, the current one first.
        steps: VecDeque<CstaMessage>,
        /// The positive result the client gets.
        done: Box<CstaMessage>,
        /// Where the result goes.
        reply: Reply,
    },
}

/// What became of a request at the phone.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A 2xx, with the CSTA document of its body if any.
    Answered(Option<Box<CstaMessage>>),
    /// A SIP final response other than 2xx.
    Refused(u16),
    /// A 2xx whose body is not CSTA.
    Unreadable(String),
}

impl Job {
    /// The CSTA document to send for this job (None when nothing is left to send).
    pub fn request(&self) -> Option<CstaMessage> {
        Some(match self {
            Job::SystemRegister => csta_proto::SystemRegister {
                request_types: csta_proto::RequestTypes {
                    switching_function_devices_changed: Some(true),
                    ..Default::default()
                },
            }
            .into(),
            Job::GetDevices => csta_proto::GetSwitchingFunctionDevices::default().into(),
            Job::Keepalive => csta_proto::RequestSystemStatus::default().into(),
            Job::MonitorStart { device, .. } => csta_proto::MonitorStart {
                monitor_object: csta_proto::MonitorObject::Device(csta_proto::DeviceId::new(
                    device.clone(),
                )),
                ..Default::default()
            }
            .into(),
            Job::MonitorStop { cross_ref } => csta_proto::MonitorStop {
                monitor_cross_ref_id: cross_ref.clone(),
            }
            .into(),
            Job::Client { request, .. } => (**request).clone(),
            Job::Steps { steps, .. } => steps.front()?.clone(),
        })
    }

    /// Whether this job is one of the link's housekeeping requests of the same kind.
    pub fn same_kind(&self, other: &Job) -> bool {
        matches!(
            (self, other),
            (Job::SystemRegister, Job::SystemRegister)
                | (Job::GetDevices, Job::GetDevices)
                | (Job::Keepalive, Job::Keepalive)
        )
    }

    /// The job failed or cannot be done: tell a waiting client.
    pub fn fail(self, error: CstaError) {
        match self {
            Job::Client { reply, .. } | Job::Steps { reply, .. } => {
                let _ = reply.send(Err(error));
            }
            _ => {}
        }
    }
}

/// The positive response of services whose response has no content, for phones that answer
/// with an empty 200.
pub(crate) fn empty_response(request: &CstaMessage) -> Option<CstaMessage> {
    use CstaMessage as M;
    Some(match request {
        M::AnswerCall(_) => csta_proto::AnswerCallResponse::default().into(),
        M::ClearConnection(_) => csta_proto::ClearConnectionResponse::default().into(),
        M::HoldCall(_) => csta_proto::HoldCallResponse::default().into(),
        M::RetrieveCall(_) => csta_proto::RetrieveCallResponse::default().into(),
        M::AlternateCall(_) => csta_proto::AlternateCallResponse::default().into(),
        M::ReconnectCall(_) => csta_proto::ReconnectCallResponse::default().into(),
        M::DeflectCall(_) => csta_proto::DeflectCallResponse::default().into(),
        M::GenerateDigits(_) => csta_proto::GenerateDigitsResponse::default().into(),
        M::DialDigits(_) => csta_proto::DialDigitsResponse::default().into(),
        M::SetDoNotDisturb(_) => csta_proto::SetDoNotDisturbResponse::default().into(),
        M::SetForwarding(_) => csta_proto::SetForwardingResponse::default().into(),
        M::SetMessageWaitingIndicator(_) => {
            csta_proto::SetMessageWaitingIndicatorResponse::default().into()
        }
        M::MonitorStop(_) => csta_proto::MonitorStopResponse::default().into(),
        _ => return None,
    })
}

/// A client's result from the phone's answer to `request`.
pub(crate) fn client_result(
    request: &CstaMessage,
    outcome: Outcome,
) -> Result<CstaMessage, CstaError> {
    match outcome {
        Outcome::Answered(Some(message)) => match *message {
            CstaMessage::CstaErrorCode(error) => Err(error),
            CstaMessage::Unknown { name } => {
                tracing::info!(%name, "phone answered with an unknown document");
                Err(CstaError::unspecified())
            }
            message => Ok(message),
        },
        Outcome::Answered(None) => empty_response(request).ok_or_else(CstaError::unspecified),
        Outcome::Refused(code) => {
            tracing::info!(
                code,
                service = request.name(),
                "phone refused the request's INFO"
            );
            Err(CstaError::resource_out_of_service())
        }
        Outcome::Unreadable(_) => Err(CstaError::unspecified()),
    }
}

/// The request queue of one phone, bounded.
#[derive(Debug, Default)]
pub(crate) struct JobQueue {
    jobs: VecDeque<Job>,
}

/// Most requests waiting for one phone; further client requests get `resourceBusy`.
pub(crate) const MAX_QUEUED: usize = 64;

impl JobQueue {
    /// Adds a job; housekeeping jobs already queued (or `in_flight`) are not added twice.
    /// A full queue refuses client jobs with `resourceBusy`.
    pub fn push(&mut self, job: Job, in_flight: Option<&Job>) {
        if self
            .jobs
            .iter()
            .chain(in_flight)
            .any(|queued| queued.same_kind(&job))
        {
            return;
        }
        if self.jobs.len() >= MAX_QUEUED {
            job.fail(CstaError::resource_busy());
            return;
        }
        self.jobs.push_back(job);
    }

    /// The next job to send.
    pub fn pop(&mut self) -> Option<Job> {
        self.jobs.pop_front()
    }

    /// Drops every job, failing waiting clients with `error`.
    pub fn fail_all(&mut self, error: CstaError) {
        for job in self.jobs.drain(..) {
            job.fail(error.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_answers_become_client_results() {
        let answer: CstaMessage = csta_proto::AnswerCall::default().into();
        assert_eq!(
            client_result(&answer, Outcome::Answered(None))
                .unwrap()
                .name(),
            "AnswerCallResponse"
        );
        let make: CstaMessage = csta_proto::MakeCall::default().into();
        assert_eq!(
            client_result(&make, Outcome::Answered(None)),
            Err(CstaError::unspecified()),
            "MakeCall needs the phone's callID"
        );
        let refused = CstaMessage::CstaErrorCode(CstaError::invalid_call_id());
        assert_eq!(
            client_result(&answer, Outcome::Answered(Some(Box::new(refused)))),
            Err(CstaError::invalid_call_id())
        );
        assert_eq!(
            client_result(&answer, Outcome::Refused(488)),
            Err(CstaError::resource_out_of_service())
        );
    }

    #[test]
    fn housekeeping_is_not_queued_twice_and_a_full_queue_refuses_clients() {
        let mut queue = JobQueue::default();
        queue.push(Job::Keepalive, None);
        queue.push(Job::Keepalive, None);
        queue.push(Job::GetDevices, Some(&Job::GetDevices));
        assert!(matches!(queue.pop(), Some(Job::Keepalive)));
        assert!(queue.pop().is_none());

        let mut receivers = Vec::new();
        for _ in 0..MAX_QUEUED + 1 {
            let (reply, rx) = oneshot::channel();
            queue.push(
                Job::Client {
                    request: Box::new(csta_proto::AnswerCall::default().into()),
                    reply,
                },
                None,
            );
            receivers.push(rx);
        }
        let mut last = receivers.pop().unwrap();
        assert_eq!(last.try_recv().unwrap(), Err(CstaError::resource_busy()));
        queue.fail_all(CstaError::device_out_of_service());
        assert_eq!(
            receivers[0].try_recv().unwrap(),
            Err(CstaError::device_out_of_service())
        );
    }
}
