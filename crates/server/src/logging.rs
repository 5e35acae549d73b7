//! Diagnostics (ADM4): the log level, log files in a directory with size-based rotation and
//! optional daily deletion, and a filter that keeps phone-related messages only for chosen MACs.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use callboard_core::Mac;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Context, Filter, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogConfig;

/// The name of the current log file; rotated files get `.1`, `.2`, … appended.
pub const LOG_FILE_NAME: &str = "callboard.log";

/// Keeps the background log writer alive; dropping it flushes what is queued.
pub struct LogGuard {
    _worker: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// Installs the global logger from `[log]`.
pub fn init(config: &LogConfig, mac_filter: Vec<Mac>) -> io::Result<LogGuard> {
    let filter = EnvFilter::try_new(&config.level)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
    let mac_filter = MacFilter::new(mac_filter);
    if config.dir.is_empty() {
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(io::stderr)
            .with_ansi(io::IsTerminal::is_terminal(&io::stderr()))
            .with_filter(mac_filter);
        tracing_subscriber::registry()
            .with(filter)
            .with(layer)
            .try_init()
            .map_err(io::Error::other)?;
        return Ok(LogGuard { _worker: None });
    }
    let file = RotatingFile::open(
        Path::new(&config.dir),
        config.max_file_mb.saturating_mul(1024 * 1024),
        config.max_files,
        config.delete_daily,
    )?;
    let (writer, worker) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(100_000)
        .lossy(true)
        .finish(file);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_filter(mac_filter);
    tracing_subscriber::registry()
        .with(filter)
        .with(layer)
        .try_init()
        .map_err(io::Error::other)?;
    Ok(LogGuard {
        _worker: Some(worker),
    })
}

/// A log file that rotates by size (`callboard.log` → `.1` → `.2` …, keeping `max_files` in
/// all) and, when asked, deletes every log file when the UTC day changes.
pub struct RotatingFile {
    dir: PathBuf,
    max_bytes: u64,
    max_files: u32,
    delete_daily: bool,
    file: File,
    written: u64,
    day: i64,
    today: fn() -> i64,
}

fn utc_day() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64)
}

impl RotatingFile {
    /// Opens (appending) `<dir>/callboard.log`, creating the directory.
    pub fn open(
        dir: &Path,
        max_bytes: u64,
        max_files: u32,
        delete_daily: bool,
    ) -> io::Result<Self> {
        Self::open_with_clock(dir, max_bytes, max_files, delete_daily, utc_day)
    }

    fn open_with_clock(
        dir: &Path,
        max_bytes: u64,
        max_files: u32,
        delete_daily: bool,
        today: fn() -> i64,
    ) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let file = Self::open_current(dir)?;
        let written = file.metadata()?.len();
        Ok(RotatingFile {
            dir: dir.to_path_buf(),
            max_bytes: max_bytes.max(1),
            max_files: max_files.max(1),
            delete_daily,
            file,
            written,
            day: today(),
            today,
        })
    }

    fn open_current(dir: &Path) -> io::Result<File> {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(LOG_FILE_NAME))
    }

    fn numbered(&self, n: u32) -> PathBuf {
        self.dir.join(format!("{LOG_FILE_NAME}.{n}"))
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        let _ = std::fs::remove_file(self.numbered(self.max_files.saturating_sub(1).max(1)));
        for n in (1..self.max_files.saturating_sub(1)).rev() {
            let from = self.numbered(n);
            if from.exists() {
                std::fs::rename(&from, self.numbered(n + 1))?;
            }
        }
        let current = self.dir.join(LOG_FILE_NAME);
        if self.max_files > 1 {
            std::fs::rename(&current, self.numbered(1))?;
        } else {
            std::fs::remove_file(&current)?;
        }
        self.file = Self::open_current(&self.dir)?;
        self.written = 0;
        Ok(())
    }

    fn delete_all(&mut self) -> io::Result<()> {
        for n in 1..self.max_files.max(2) {
            let _ = std::fs::remove_file(self.numbered(n));
        }
        std::fs::remove_file(self.dir.join(LOG_FILE_NAME))?;
        self.file = Self::open_current(&self.dir)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.delete_daily {
            let today = (self.today)();
            if today != self.day {
                self.day = today;
                self.delete_all()?;
            }
        }
        if self.written > 0 && self.written + buf.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(buf)?;
        self.written += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Keeps events that concern a phone (a `mac` field on the event or on one of its spans) only
/// when that MAC is in the list; events about no phone always pass. An empty list passes all.
pub struct MacFilter {
    allowed: HashSet<Mac>,
}

/// The MAC a span is about, remembered in the span's extensions.
struct SpanMac(Option<Mac>);

#[derive(Default)]
struct MacVisitor(Option<Option<Mac>>);

impl Visit for MacVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "mac" {
            self.0 = Some(value.parse().ok());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "mac" {
            let text = format!("{value:?}");
            self.0 = Some(text.trim_matches('"').parse().ok());
        }
    }
}

impl MacFilter {
    /// A filter passing phone messages of `macs` (all when empty).
    pub fn new(macs: Vec<Mac>) -> Self {
        MacFilter {
            allowed: macs.into_iter().collect(),
        }
    }

    fn allows(&self, mac: Option<Mac>) -> bool {
        match mac {
            Some(mac) => self.allowed.contains(&mac),
            None => false,
        }
    }
}

impl<S> Filter<S> for MacFilter
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn enabled(&self, _meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        true
    }

    fn event_enabled(&self, event: &Event<'_>, cx: &Context<'_, S>) -> bool {
        if self.allowed.is_empty() {
            return true;
        }
        let mut visitor = MacVisitor::default();
        event.record(&mut visitor);
        if let Some(mac) = visitor.0 {
            return self.allows(mac);
        }
        if let Some(scope) = cx.event_scope(event) {
            for span in scope {
                if let Some(SpanMac(mac)) = span.extensions().get::<SpanMac>() {
                    return self.allows(*mac);
                }
            }
        }
        true
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut visitor = MacVisitor::default();
        attrs.record(&mut visitor);
        if let (Some(mac), Some(span)) = (visitor.0, ctx.span(id)) {
            span.extensions_mut().replace(SpanMac(mac));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut visitor = MacVisitor::default();
        values.record(&mut visitor);
        if let (Some(mac), Some(span)) = (visitor.0, ctx.span(id)) {
            span.extensions_mut().replace(SpanMac(mac));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn log_with_filter(macs: &[&str]) -> String {
        let capture = Capture::default();
        let writer = capture.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_filter(MacFilter::new(
                macs.iter().map(|m| m.parse().unwrap()).collect(),
            ));
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("server started");
            tracing::info!(mac = "aa:bb:cc:dd:ee:ff", "event of the chosen phone");
            tracing::info!(mac = "001122334455", "event of another phone");
            let chosen = tracing::info_span!("connection", mac = tracing::field::Empty);
            chosen.record("mac", "AABBCCDDEEFF");
            chosen.in_scope(|| tracing::info!("inside the chosen phone's span"));
            let other = tracing::info_span!("connection", mac = "001122334455");
            other.in_scope(|| tracing::info!("inside another phone's span"));
            let unknown = tracing::info_span!("connection", mac = tracing::field::Empty);
            unknown.in_scope(|| tracing::info!("inside a connection of no phone yet"));
        });
        String::from_utf8(capture.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn mac_filter_keeps_only_the_listed_phones_and_general_messages() {
        let out = log_with_filter(&["AABBCCDDEEFF"]);
        assert!(out.contains("server started"));
        assert!(out.contains("event of the chosen phone"));
        assert!(out.contains("inside the chosen phone's span"));
        assert!(out.contains("inside a connection of no phone yet"));
        assert!(!out.contains("event of another phone"), "{out}");
        assert!(!out.contains("inside another phone's span"), "{out}");
    }

    #[test]
    fn an_empty_mac_filter_keeps_everything() {
        let out = log_with_filter(&[]);
        assert!(out.contains("event of another phone"));
        assert!(out.contains("inside another phone's span"));
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn rotation_keeps_max_files_each_below_the_size_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = RotatingFile::open(dir.path(), 1000, 3, false).unwrap();
        for i in 0..100 {
            writeln!(file, "line {i:04} {}", "x".repeat(80)).unwrap();
        }
        file.flush().unwrap();
        assert_eq!(
            files_in(dir.path()),
            vec!["callboard.log", "callboard.log.1", "callboard.log.2"]
        );
        for name in files_in(dir.path()) {
            let len = std::fs::metadata(dir.path().join(&name)).unwrap().len();
            assert!(len <= 1000, "{name} has {len} bytes");
        }
        let newest = std::fs::read_to_string(dir.path().join("callboard.log")).unwrap();
        assert!(newest.contains("line 0099"));
        let older = std::fs::read_to_string(dir.path().join("callboard.log.1")).unwrap();
        assert!(!older.contains("line 0099") && older.contains("line 00"));
    }

    static DAY: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(100);

    #[test]
    fn daily_deletion_starts_afresh_when_the_day_changes() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = RotatingFile::open_with_clock(dir.path(), 200, 4, true, || {
            DAY.load(std::sync::atomic::Ordering::SeqCst)
        })
        .unwrap();
        for i in 0..20 {
            writeln!(file, "yesterday {i} {}", "y".repeat(40)).unwrap();
        }
        assert!(files_in(dir.path()).len() > 1);
        DAY.store(101, std::sync::atomic::Ordering::SeqCst);
        writeln!(file, "today").unwrap();
        assert_eq!(files_in(dir.path()), vec!["callboard.log"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("callboard.log")).unwrap(),
            "today\n"
        );
    }
}
