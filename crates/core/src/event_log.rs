//! The recent events, kept for resuming client sessions: every event delivered to clients gets
//! the next global sequence number and stays here for the retention window (bounded by time and
//! by count), so a client that comes back can be given exactly what it missed.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

use crate::LineKey;
use crate::rights::Visibility;

/// One delivered event.
#[derive(Debug, Clone)]
pub(crate) struct LoggedEvent {
    pub seq: u64,
    pub line: LineKey,
    pub at: Instant,
    /// The event as encoded for each visibility level its subscribers had (a level whose
    /// masking dropped the event has none).
    pub frames: Vec<(Visibility, Bytes)>,
    /// The one session an event was for (a BackInService for a session joining a monitor
    /// that is already up); `None` for the line's events, which every subscriber gets.
    pub only_for: Option<Arc<str>>,
}

impl LoggedEvent {
    /// The frame session `session` got with `visibility` on the event's line, if it got the
    /// event.
    pub fn frame_for(&self, session: &str, visibility: Visibility) -> Option<&Bytes> {
        if self.only_for.as_deref().is_some_and(|only| only != session) {
            return None;
        }
        self.frames
            .iter()
            .find(|(level, _)| *level == visibility)
            .map(|(_, frame)| frame)
    }
}

/// Why events after a sequence number cannot be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Evicted;

/// The ring of recent events, in increasing sequence numbers (not necessarily contiguous:
/// the log only holds what it was given).
#[derive(Debug)]
pub(crate) struct EventLog {
    events: VecDeque<LoggedEvent>,
    capacity: usize,
    retention: Duration,
    /// The highest sequence number dropped from the log (0: none yet).
    evicted_through: u64,
}

impl EventLog {
    pub fn new(capacity: usize, retention: Duration) -> Self {
        EventLog {
            events: VecDeque::new(),
            capacity: capacity.max(1),
            retention,
            evicted_through: 0,
        }
    }

    pub fn push(&mut self, event: LoggedEvent) {
        if self.events.len() == self.capacity {
            self.evict_oldest();
        }
        self.events.push_back(event);
    }

    pub fn prune(&mut self, now: Instant) {
        while self
            .events
            .front()
            .is_some_and(|e| now.duration_since(e.at) > self.retention)
        {
            self.evict_oldest();
        }
    }

    fn evict_oldest(&mut self) {
        if let Some(event) = self.events.pop_front() {
            self.evicted_through = event.seq;
        }
    }

    /// The events after `last_seq`, or `Evicted` when some of them are gone. `newest_seq` is
    /// the last sequence number handed out (so "nothing happened since" is told apart from
    /// "everything since was evicted").
    pub fn after(
        &self,
        last_seq: u64,
        newest_seq: u64,
    ) -> Result<impl Iterator<Item = &LoggedEvent>, Evicted> {
        if last_seq > newest_seq || self.evicted_through > last_seq {
            return Err(Evicted);
        }
        let start = self.events.partition_point(|e| e.seq <= last_seq);
        Ok(self.events.range(start..))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: u64, at: Instant) -> LoggedEvent {
        LoggedEvent {
            seq,
            line: LineKey::from_device_id("201").unwrap(),
            at,
            frames: vec![(Visibility::Full, Bytes::from(seq.to_string()))],
            only_for: None,
        }
    }

    #[test]
    fn replays_exactly_what_follows_and_refuses_what_was_evicted() {
        let now = Instant::now();
        let mut log = EventLog::new(3, Duration::from_secs(60));
        for seq in 1..=5 {
            log.push(event(seq, now));
        }
        let after = |log: &EventLog, last| {
            log.after(last, 5)
                .map(|events| events.map(|e| e.seq).collect::<Vec<_>>())
        };
        assert_eq!(after(&log, 2), Ok(vec![3, 4, 5]));
        assert_eq!(after(&log, 4), Ok(vec![5]));
        assert_eq!(after(&log, 5), Ok(vec![]));
        assert_eq!(after(&log, 1), Err(Evicted), "event 2 is gone");
        assert_eq!(after(&log, 9), Err(Evicted), "a number we never gave");
        let mut emptied = EventLog::new(3, Duration::from_secs(60));
        emptied.push(event(5, now));
        emptied.prune(now + Duration::from_secs(61));
        assert_eq!(
            after(&emptied, 5).map(|_| ()),
            Ok(()),
            "nothing happened since"
        );
        assert!(emptied.after(4, 5).is_err(), "event 5 happened and is gone");
    }

    #[test]
    fn numbers_the_log_never_held_do_not_shift_the_replay() {
        let now = Instant::now();
        let mut log = EventLog::new(4, Duration::from_secs(60));
        // 3 and 6 went to one session only and were never logged; 7 was logged for "b" only.
        for seq in [1, 2, 4, 5] {
            log.push(event(seq, now));
        }
        log.push(LoggedEvent {
            only_for: Some("b".into()),
            ..event(7, now)
        });
        let after = |log: &EventLog, last| {
            log.after(last, 7)
                .map(|events| events.map(|e| e.seq).collect::<Vec<_>>())
        };
        assert_eq!(after(&log, 2), Ok(vec![4, 5, 7]));
        assert_eq!(after(&log, 3), Ok(vec![4, 5, 7]));
        assert_eq!(after(&log, 6), Ok(vec![7]));
        assert_eq!(after(&log, 1), Ok(vec![2, 4, 5, 7]));
        assert_eq!(after(&log, 0), Err(Evicted), "event 1 was evicted");
        let seventh = log.after(6, 7).unwrap().next().unwrap();
        assert!(seventh.frame_for("b", Visibility::Full).is_some());
        assert!(seventh.frame_for("a", Visibility::Full).is_none());
    }

    #[test]
    fn old_events_are_pruned_by_time() {
        let start = Instant::now();
        let mut log = EventLog::new(10, Duration::from_secs(5));
        log.push(event(1, start));
        log.push(event(2, start + Duration::from_secs(4)));
        log.prune(start + Duration::from_secs(6));
        assert_eq!(
            log.after(1, 2).unwrap().map(|e| e.seq).collect::<Vec<_>>(),
            vec![2]
        );
        assert!(log.after(0, 2).is_err());
    }
}
