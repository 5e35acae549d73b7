//! Write-behind for the phone inventory: the phones link sends updates into a bounded queue and
//! one task writes them in batches, one transaction per batch, so a registration storm costs a
//! few transactions instead of thousands.

use tokio::sync::{mpsc, oneshot};

use crate::{PhoneUpdate, Store};

/// Most updates written in one transaction.
const MAX_BATCH: usize = 512;

enum Command {
    Update(PhoneUpdate),
    Flush(oneshot::Sender<()>),
}

/// The sending side: cheap to clone, one per task that changes the inventory.
#[derive(Clone, Debug)]
pub struct PhoneWriter {
    tx: mpsc::Sender<Command>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Command::Update(u) => f.debug_tuple("Update").field(u).finish(),
            Command::Flush(_) => f.write_str("Flush"),
        }
    }
}

/// The task that owns the writing; run it with `tokio::spawn(task.run())`.
pub struct PhoneWriterTask {
    store: Store,
    rx: mpsc::Receiver<Command>,
}

impl PhoneWriter {
    /// A writer with a queue of `capacity` updates and the task that drains it.
    pub fn new(store: Store, capacity: usize) -> (PhoneWriter, PhoneWriterTask) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (PhoneWriter { tx }, PhoneWriterTask { store, rx })
    }

    /// Queues an update; waits while the queue is full (back-pressure on the registrar).
    pub async fn send(&self, update: PhoneUpdate) {
        if self.tx.send(Command::Update(update)).await.is_err() {
            tracing::warn!("phone inventory writer has stopped; update dropped");
        }
    }

    /// Waits until everything queued before this call is written.
    pub async fn flush(&self) {
        let (done_tx, done_rx) = oneshot::channel();
        if self.tx.send(Command::Flush(done_tx)).await.is_ok() {
            let _ = done_rx.await;
        }
    }
}

impl PhoneWriterTask {
    /// Writes batches until every `PhoneWriter` is dropped.
    pub async fn run(mut self) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        let mut flushes = Vec::new();
        while let Some(first) = self.rx.recv().await {
            push(first, &mut batch, &mut flushes);
            while batch.len() < MAX_BATCH {
                match self.rx.try_recv() {
                    Ok(command) => push(command, &mut batch, &mut flushes),
                    Err(_) => break,
                }
            }
            if !batch.is_empty() {
                if let Err(error) = self.store.apply_phone_updates(&batch).await {
                    tracing::error!(%error, updates = batch.len(), "writing the phone inventory failed");
                }
                batch.clear();
            }
            for done in flushes.drain(..) {
                let _ = done.send(());
            }
        }
    }
}

fn push(command: Command, batch: &mut Vec<PhoneUpdate>, flushes: &mut Vec<oneshot::Sender<()>>) {
    match command {
        Command::Update(update) => batch.push(update),
        Command::Flush(done) => flushes.push(done),
    }
}
