//! The writer of one client connection: the only owner of the socket's write half. It merges
//! responses (from the reader and the request tasks, through a bounded channel) with the
//! session's events (the hub's per-session queue), writes whatever is ready in one vectored
//! write, records each event's delivery latency once it is written, and stops when the hub
//! cuts the session off, the connection is told to close, or the server shuts down.

use std::io::{self, IoSlice};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use callboard_core::Delivery;
use callboard_net::CancellationToken;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::DeliveryLatency;

/// Most bytes gathered into one write.
const BATCH_BYTES: usize = 64 * 1024;
/// Most frames gathered into one write (and slices in one vectored write).
const BATCH_FRAMES: usize = 64;
/// Time the final shutdown of the write side may take.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// What the writer is asked to write.
pub(crate) enum Outbound {
    /// A response frame.
    Frame(Bytes),
    /// The session is open: write `first` (the StartApplicationSession response), then the
    /// session's events as they come, until `cutoff` says otherwise.
    Attach {
        first: Bytes,
        events: mpsc::Receiver<Delivery>,
        cutoff: watch::Receiver<Option<String>>,
    },
    /// Write what is queued and `last`, then close the write side and stop.
    Close(Option<Bytes>),
}

/// Why the writer stopped.
#[derive(Debug)]
pub(crate) enum WriterEnd {
    /// Told to close (or every sender is gone); everything queued was written.
    Closed,
    /// The connection's token was cancelled (server shutdown or the reader gave up).
    Stopped,
    /// The hub cut the session off (slow client, resumed elsewhere).
    CutOff(String),
    /// Writing failed.
    Failed(io::Error),
}

enum Wake {
    Message(Option<Outbound>),
    Event(Option<Delivery>),
}

struct Writer<W> {
    out: W,
    frames: Vec<Bytes>,
    bytes: usize,
    stamps: Vec<Instant>,
    scratch: BytesMut,
    events: Option<mpsc::Receiver<Delivery>>,
    cutoff: Option<watch::Receiver<Option<String>>>,
    closing: bool,
    latency: Arc<DeliveryLatency>,
}

/// Runs the writer until it stops; cancels `stop` on the way out so the reader ends too.
pub(crate) async fn run<W: AsyncWrite + Unpin>(
    out: W,
    rx: mpsc::Receiver<Outbound>,
    stop: CancellationToken,
    latency: Arc<DeliveryLatency>,
) -> WriterEnd {
    let mut writer = Writer {
        out,
        frames: Vec::with_capacity(BATCH_FRAMES),
        bytes: 0,
        stamps: Vec::new(),
        scratch: BytesMut::new(),
        events: None,
        cutoff: None,
        closing: false,
        latency,
    };
    let end = writer.run(rx, &stop).await;
    if let WriterEnd::CutOff(reason) = &end {
        tracing::warn!(%reason, "the hub cut the client off; closing the connection");
    }
    stop.cancel();
    end
}

/// Waits until the session's cutoff is set; forever when there is none.
async fn cut_off(cutoff: &mut Option<watch::Receiver<Option<String>>>) -> String {
    loop {
        let Some(rx) = cutoff.as_mut() else {
            return std::future::pending().await;
        };
        if rx.changed().await.is_err() {
            // The hub dropped the session (closed) without a reason: nothing more to wait for.
            *cutoff = None;
            continue;
        }
        if let Some(reason) = rx.borrow_and_update().clone() {
            return reason;
        }
    }
}

async fn next_event(events: &mut Option<mpsc::Receiver<Delivery>>) -> Option<Delivery> {
    match events.as_mut() {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

impl<W: AsyncWrite + Unpin> Writer<W> {
    async fn run(
        &mut self,
        mut rx: mpsc::Receiver<Outbound>,
        stop: &CancellationToken,
    ) -> WriterEnd {
        loop {
            let wake = tokio::select! {
                biased;
                _ = stop.cancelled() => return WriterEnd::Stopped,
                reason = cut_off(&mut self.cutoff) => return WriterEnd::CutOff(reason),
                message = rx.recv() => Wake::Message(message),
                event = next_event(&mut self.events) => Wake::Event(event),
            };
            match wake {
                Wake::Message(message) => self.take(message),
                Wake::Event(event) => self.take_event(event),
            }
            self.gather(&mut rx);
            if !self.frames.is_empty() {
                // What was gathered goes out first when the socket takes it (a response ahead
                // of a cutoff that came at the same time, e.g. a PosResponse and a resume of
                // the same session elsewhere); a cutoff ends a write the client does not read.
                let written = tokio::select! {
                    biased;
                    _ = stop.cancelled() => return WriterEnd::Stopped,
                    written = write_frames(&mut self.out, &self.frames, &mut self.scratch) => written,
                    reason = cut_off(&mut self.cutoff) => return WriterEnd::CutOff(reason),
                };
                if let Err(error) = written {
                    return WriterEnd::Failed(error);
                }
                let now = Instant::now();
                for at in self.stamps.drain(..) {
                    self.latency.record(now.saturating_duration_since(at));
                }
                self.frames.clear();
                self.bytes = 0;
            }
            if self.closing {
                let _ = tokio::time::timeout(SHUTDOWN_GRACE, self.out.shutdown()).await;
                return WriterEnd::Closed;
            }
        }
    }

    /// Takes what is ready without waiting, up to one batch.
    fn gather(&mut self, rx: &mut mpsc::Receiver<Outbound>) {
        while !self.closing && self.bytes < BATCH_BYTES && self.frames.len() < BATCH_FRAMES {
            let mut took = false;
            match rx.try_recv() {
                Ok(message) => {
                    self.take(Some(message));
                    took = true;
                }
                Err(mpsc::error::TryRecvError::Disconnected) => self.take(None),
                Err(mpsc::error::TryRecvError::Empty) => {}
            }
            if self.closing || self.frames.len() >= BATCH_FRAMES {
                break;
            }
            if let Some(events) = self.events.as_mut() {
                match events.try_recv() {
                    Ok(delivery) => {
                        self.take_event(Some(delivery));
                        took = true;
                    }
                    Err(mpsc::error::TryRecvError::Disconnected) => self.events = None,
                    Err(mpsc::error::TryRecvError::Empty) => {}
                }
            }
            if !took {
                break;
            }
        }
    }

    fn push(&mut self, frame: Bytes) {
        if !frame.is_empty() {
            self.bytes += frame.len();
            self.frames.push(frame);
        }
    }

    fn take(&mut self, message: Option<Outbound>) {
        if self.closing {
            return;
        }
        match message {
            Some(Outbound::Frame(frame)) => self.push(frame),
            Some(Outbound::Attach {
                first,
                events,
                cutoff,
            }) => {
                self.push(first);
                self.events = Some(events);
                self.cutoff = Some(cutoff);
            }
            Some(Outbound::Close(last)) => {
                if let Some(last) = last {
                    self.push(last);
                }
                self.closing = true;
            }
            None => self.closing = true,
        }
    }

    fn take_event(&mut self, event: Option<Delivery>) {
        match event {
            Some(delivery) => {
                self.stamps.push(delivery.at);
                self.push(delivery.frame);
            }
            // The hub let go of the session's queue (detached or closed it).
            None => self.events = None,
        }
    }
}

/// Writes every frame, with vectored writes when the stream supports them.
async fn write_frames<W: AsyncWrite + Unpin>(
    out: &mut W,
    frames: &[Bytes],
    scratch: &mut BytesMut,
) -> io::Result<()> {
    if let [frame] = frames {
        return out.write_all(frame).await;
    }
    if !out.is_write_vectored() {
        scratch.clear();
        for frame in frames {
            scratch.extend_from_slice(frame);
        }
        let result = out.write_all(scratch).await;
        if scratch.capacity() > BATCH_BYTES * 2 {
            *scratch = BytesMut::new();
        }
        return result;
    }
    let mut index = 0;
    let mut offset = 0;
    while index < frames.len() {
        let mut slices = [IoSlice::new(&[]); BATCH_FRAMES];
        let mut count = 0;
        for (i, frame) in frames[index..].iter().take(BATCH_FRAMES).enumerate() {
            let start = if i == 0 { offset } else { 0 };
            slices[count] = IoSlice::new(frame.get(start..).unwrap_or_default());
            count += 1;
        }
        let mut written = out.write_vectored(&slices[..count]).await?;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        while written > 0 && index < frames.len() {
            let left = frames[index].len() - offset;
            if written >= left {
                written -= left;
                index += 1;
                offset = 0;
            } else {
                offset += written;
                written = 0;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that accepts at most `chunk` bytes per write, vectored or not.
    struct Trickle {
        data: Vec<u8>,
        chunk: usize,
        vectored: bool,
    }

    impl AsyncWrite for Trickle {
        fn poll_write(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
            buf: &[u8],
        ) -> std::task::Poll<io::Result<usize>> {
            let n = buf.len().min(self.chunk);
            self.data.extend_from_slice(&buf[..n]);
            std::task::Poll::Ready(Ok(n))
        }
        fn poll_write_vectored(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> std::task::Poll<io::Result<usize>> {
            let mut budget = self.chunk;
            let mut total = 0;
            for buf in bufs {
                let n = buf.len().min(budget);
                self.data.extend_from_slice(&buf[..n]);
                budget -= n;
                total += n;
                if budget == 0 {
                    break;
                }
            }
            std::task::Poll::Ready(Ok(total))
        }
        fn is_write_vectored(&self) -> bool {
            self.vectored
        }
        fn poll_flush(
            self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn poll_shutdown(
            self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn partial_writes_keep_every_byte_in_order() {
        let frames: Vec<Bytes> = (0..100u8)
            .map(|i| Bytes::from(vec![i; usize::from(i % 7) + 1]))
            .collect();
        let expected: Vec<u8> = frames.iter().flat_map(|f| f.iter().copied()).collect();
        for vectored in [true, false] {
            for chunk in [1, 3, 10, 1000] {
                let mut sink = Trickle {
                    data: Vec::new(),
                    chunk,
                    vectored,
                };
                write_frames(&mut sink, &frames, &mut BytesMut::new())
                    .await
                    .unwrap();
                assert_eq!(sink.data, expected, "chunk {chunk}, vectored {vectored}");
            }
        }
    }

    #[tokio::test]
    async fn events_follow_the_first_frame_and_close_flushes() {
        use tokio::io::AsyncReadExt;
        let (tx, rx) = mpsc::channel(8);
        let (events_tx, events) = mpsc::channel(8);
        let (_cutoff_tx, cutoff) = watch::channel(None);
        let latency = Arc::new(DeliveryLatency::new());
        let (sink, mut client) = tokio::io::duplex(1024);
        events_tx
            .send(Delivery {
                frame: Bytes::from_static(b"E1"),
                at: Instant::now(),
            })
            .await
            .unwrap();
        tx.send(Outbound::Attach {
            first: Bytes::from_static(b"P"),
            events,
            cutoff,
        })
        .await
        .unwrap();
        let stop = CancellationToken::new();
        let task = tokio::spawn(run(sink, rx, stop.clone(), latency.clone()));
        let mut got = [0u8; 3];
        client.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"PE1");
        tx.send(Outbound::Frame(Bytes::from_static(b"R")))
            .await
            .unwrap();
        tx.send(Outbound::Close(Some(Bytes::from_static(b"L"))))
            .await
            .unwrap();
        let mut rest = Vec::new();
        client.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, b"RL");
        let end = task.await.unwrap();
        assert!(matches!(end, WriterEnd::Closed), "{end:?}");
        assert!(stop.is_cancelled());
        assert_eq!(latency.count(), 1);
    }

    #[tokio::test]
    async fn the_first_frame_goes_out_even_when_the_cutoff_came_with_it() {
        use tokio::io::AsyncReadExt;
        let (tx, rx) = mpsc::channel(8);
        let (_events_tx, events) = mpsc::channel(8);
        let (cutoff_tx, cutoff) = watch::channel(None);
        cutoff_tx
            .send(Some("session resumed on another connection".into()))
            .unwrap();
        tx.send(Outbound::Attach {
            first: Bytes::from_static(b"POS"),
            events,
            cutoff,
        })
        .await
        .unwrap();
        let (sink, mut client) = tokio::io::duplex(1024);
        let task = tokio::spawn(run(sink, rx, CancellationToken::new(), Arc::default()));
        let end = task.await.unwrap();
        assert!(matches!(&end, WriterEnd::CutOff(_)), "{end:?}");
        let mut got = Vec::new();
        client.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"POS");
    }

    #[tokio::test]
    async fn a_cutoff_stops_the_writer() {
        let (tx, rx) = mpsc::channel(8);
        let (_events_tx, events) = mpsc::channel(8);
        let (cutoff_tx, cutoff) = watch::channel(None);
        tx.send(Outbound::Attach {
            first: Bytes::from_static(b"P"),
            events,
            cutoff,
        })
        .await
        .unwrap();
        let sink = Trickle {
            data: Vec::new(),
            chunk: 100,
            vectored: true,
        };
        let stop = CancellationToken::new();
        let task = tokio::spawn(run(sink, rx, stop.clone(), Arc::default()));
        cutoff_tx.send(Some("too slow".into())).unwrap();
        let end = task.await.unwrap();
        assert!(
            matches!(&end, WriterEnd::CutOff(r) if r == "too slow"),
            "{end:?}"
        );
        assert!(stop.is_cancelled());
    }
}
