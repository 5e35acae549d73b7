//! A lock-free histogram of event delivery latency: the time from `Delivery::at` (when the
//! link received the event) to the moment its frame was written to the client's socket.
//!
//! Log-linear buckets over microseconds: values below 32 µs have a bucket each; above, every
//! power of two is split into 32 buckets (relative error under 3.2 %), up to 2^24 µs
//! (about 16.8 s); larger values share one overflow bucket. Recording is three relaxed atomic
//! operations, so every connection writer records straight into the one shared histogram.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const SUB_BITS: u32 = 5;
const SUB: usize = 1 << SUB_BITS;
/// Values from `2^MAX_EXP` µs on land in the overflow bucket.
const MAX_EXP: u32 = 24;
/// Index of the overflow bucket (also the number of regular buckets).
const OVERFLOW: usize = SUB + (MAX_EXP - SUB_BITS) as usize * SUB;

/// Histogram of delivery latencies (µs resolution, up to about 16.8 s).
pub struct DeliveryLatency {
    buckets: Box<[AtomicU64]>,
    count: AtomicU64,
    max_micros: AtomicU64,
}

impl Default for DeliveryLatency {
    fn default() -> Self {
        DeliveryLatency::new()
    }
}

impl fmt::Debug for DeliveryLatency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryLatency")
            .field("count", &self.count())
            .field("p50", &self.quantile(0.5))
            .field("p99", &self.quantile(0.99))
            .field("max", &self.max())
            .finish()
    }
}

fn bucket_of(micros: u64) -> usize {
    if micros < SUB as u64 {
        return micros as usize;
    }
    if micros >= 1 << MAX_EXP {
        return OVERFLOW;
    }
    let exp = 63 - micros.leading_zeros();
    let mantissa = (micros >> (exp - SUB_BITS)) as usize & (SUB - 1);
    SUB + (exp - SUB_BITS) as usize * SUB + mantissa
}

/// The largest value of a regular bucket.
fn bucket_high(index: usize) -> u64 {
    if index < SUB {
        return index as u64;
    }
    let shift = ((index - SUB) / SUB) as u32;
    let mantissa = ((index - SUB) % SUB) as u64;
    let low = (SUB as u64 + mantissa) << shift;
    low + (1 << shift) - 1
}

impl DeliveryLatency {
    /// An empty histogram.
    pub fn new() -> Self {
        DeliveryLatency {
            buckets: (0..=OVERFLOW).map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            max_micros: AtomicU64::new(0),
        }
    }

    /// Records one latency.
    pub fn record(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.buckets[bucket_of(micros)].fetch_add(1, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        if micros > self.max_micros.load(Ordering::Relaxed) {
            self.max_micros.fetch_max(micros, Ordering::Relaxed);
        }
    }

    /// Latencies recorded since the start or the last [`reset`](Self::reset).
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The largest latency recorded.
    pub fn max(&self) -> Duration {
        Duration::from_micros(self.max_micros.load(Ordering::Relaxed))
    }

    /// The latency below or at which the fraction `q` (0.0–1.0) of the recorded ones lie,
    /// rounded up to its bucket's upper bound (never above the largest recorded value);
    /// zero when nothing was recorded.
    pub fn quantile(&self, q: f64) -> Duration {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return Duration::ZERO;
        }
        let q = if q.is_nan() { 1.0 } else { q.clamp(0.0, 1.0) };
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let max = self.max_micros.load(Ordering::Relaxed);
        let mut seen = 0;
        for (index, count) in counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                let high = if index == OVERFLOW {
                    max
                } else {
                    bucket_high(index).min(max)
                };
                return Duration::from_micros(high);
            }
        }
        Duration::from_micros(max)
    }

    /// Forgets everything recorded.
    pub fn reset(&self) {
        for bucket in self.buckets.iter() {
            bucket.store(0, Ordering::Relaxed);
        }
        self.count.store(0, Ordering::Relaxed);
        self.max_micros.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_tight() {
        let mut previous_high = None;
        for index in 0..OVERFLOW {
            let high = bucket_high(index);
            let low = previous_high.map_or(0, |h| h + 1);
            assert_eq!(bucket_of(low), index, "low end of bucket {index}");
            assert_eq!(bucket_of(high), index, "high end of bucket {index}");
            assert!(
                (high - low) as f64 <= (low as f64 / SUB as f64).max(0.0),
                "bucket {index} is {low}..={high}"
            );
            previous_high = Some(high);
        }
        assert_eq!(previous_high, Some((1 << MAX_EXP) - 1));
        assert_eq!(bucket_of(1 << MAX_EXP), OVERFLOW);
        assert_eq!(bucket_of(u64::MAX), OVERFLOW);
    }

    #[test]
    fn quantiles() {
        let h = DeliveryLatency::new();
        assert_eq!(h.quantile(0.5), Duration::ZERO);
        for micros in 1..=1000 {
            h.record(Duration::from_micros(micros));
        }
        assert_eq!(h.count(), 1000);
        let p50 = h.quantile(0.5).as_micros() as f64;
        assert!((500.0..=500.0 * 1.04).contains(&p50), "p50 {p50}");
        let p99 = h.quantile(0.99).as_micros() as f64;
        assert!((990.0..=990.0 * 1.04).contains(&p99), "p99 {p99}");
        assert_eq!(h.quantile(1.0), Duration::from_micros(1000));
        assert_eq!(h.quantile(0.0), Duration::from_micros(1));
        assert_eq!(h.quantile(f64::NAN), Duration::from_micros(1000));
        h.record(Duration::from_secs(60));
        assert_eq!(h.quantile(1.0), Duration::from_secs(60));
        assert_eq!(h.max(), Duration::from_secs(60));
        h.reset();
        assert_eq!(h.count(), 0);
        assert_eq!(h.quantile(0.99), Duration::ZERO);
    }

    #[test]
    fn concurrent_recording_loses_nothing() {
        let h = std::sync::Arc::new(DeliveryLatency::new());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let h = h.clone();
                std::thread::spawn(move || {
                    for i in 0..10_000u64 {
                        h.record(Duration::from_micros(i * (t + 1)));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(h.count(), 40_000);
    }
}
