//! Settings of the simulator and the parser of line lists (`201-210`, `201,205,300-302`).

/// Most lines one simulator may have (a guard against `1-99999999` typos).
pub const MAX_LINES: usize = 1_000_000;

/// The host part of simulated device identifiers unless configured otherwise. `.invalid` is
/// reserved (RFC 2606): it can never be a real SIP domain, so no simulated device is ever
/// mistaken for a real phone.
pub const DEFAULT_HOST: &str = "simulator.invalid";

/// What the simulator simulates.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSettings {
    /// The simulated line numbers (`"201"`, `"202"`, …), in order; see
    /// [`SimSettings::parse_lines`].
    pub lines: Vec<String>,
    /// Calls the simulated lines make among themselves per minute, on average (Poisson
    /// arrivals). `0` (or a negative or non-finite value): no autonomous calls, only the calls
    /// clients make.
    pub calls_per_minute: f64,
    /// Seed of every random choice: the same seed and settings give the same calls.
    pub seed: u64,
    /// Host part of the simulated device identifiers (`sip:201@simulator.invalid`).
    pub host: String,
    /// Multiplies every simulated duration (ringing, talking, delays): `1.0` is real time,
    /// `0.01` a world a hundred times faster (the benchmark uses it to make many calls on
    /// few lines). Values that are not positive and finite count as `1.0`.
    pub time_scale: f64,
}

impl Default for SimSettings {
    /// Lines 201–210, 6 calls per minute, seed 1, host `simulator.invalid` (the defaults of
    /// the server's `[demo]` section).
    fn default() -> Self {
        SimSettings {
            lines: (201..=210).map(|n| n.to_string()).collect(),
            calls_per_minute: 6.0,
            seed: 1,
            host: DEFAULT_HOST.to_owned(),
            time_scale: 1.0,
        }
    }
}

impl SimSettings {
    /// Parses a list of line numbers: comma-separated numbers and inclusive ranges, e.g.
    /// `"201-210"` or `"201,205,300-302"`. Spaces are ignored; numbers are digits only; leading
    /// zeros are kept (`"0201-0203"` gives `0201`, `0202`, `0203`). Fails on an empty list, a
    /// malformed item, a reversed range, a number listed twice or more than [`MAX_LINES`]
    /// lines.
    pub fn parse_lines(spec: &str) -> Result<Vec<String>, String> {
        let mut lines = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for item in spec.split(',') {
            let item = item.trim();
            if item.is_empty() {
                return Err(format!("empty item in line list `{spec}`"));
            }
            let (first, last) = match item.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (item, item),
            };
            let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if !is_number(first) || !is_number(last) {
                return Err(format!(
                    "`{item}` is not a line number or a range like 201-210"
                ));
            }
            let start: u64 = first
                .parse()
                .map_err(|_| format!("`{first}` is too large for a line number"))?;
            let end: u64 = last
                .parse()
                .map_err(|_| format!("`{last}` is too large for a line number"))?;
            if end < start {
                return Err(format!("range `{item}` runs backwards"));
            }
            if end - start >= MAX_LINES as u64 {
                return Err(format!("range `{item}` has more than {MAX_LINES} lines"));
            }
            // Keep leading zeros: pad to the width of the range's first number.
            let width = if first.starts_with('0') {
                first.len()
            } else {
                0
            };
            for n in start..=end {
                let number = format!("{n:0width$}");
                if !seen.insert(number.clone()) {
                    return Err(format!("line {number} is listed twice"));
                }
                lines.push(number);
                if lines.len() > MAX_LINES {
                    return Err(format!("more than {MAX_LINES} lines"));
                }
            }
        }
        Ok(lines)
    }

    /// The device identifier of a simulated line: `sip:<number>@<host>`.
    pub fn device(&self, number: &str) -> String {
        format!("sip:{number}@{}", self.host())
    }

    /// The host, [`DEFAULT_HOST`] when none is set.
    pub(crate) fn host(&self) -> &str {
        let host = self.host.trim();
        if host.is_empty() { DEFAULT_HOST } else { host }
    }

    /// The autonomous rate, `0` for anything that is not a positive finite number.
    pub(crate) fn rate(&self) -> f64 {
        sanitize_rate(self.calls_per_minute)
    }
}

/// A usable rate: positive and finite, else `0`.
pub(crate) fn sanitize_rate(calls_per_minute: f64) -> f64 {
    if calls_per_minute.is_finite() && calls_per_minute > 0.0 {
        calls_per_minute
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lists_expand_in_order() {
        assert_eq!(
            SimSettings::parse_lines("201-203").unwrap(),
            ["201", "202", "203"]
        );
        assert_eq!(
            SimSettings::parse_lines(" 201, 205 ,300 - 302").unwrap(),
            ["201", "205", "300", "301", "302"]
        );
        assert_eq!(SimSettings::parse_lines("7").unwrap(), ["7"]);
        assert_eq!(
            SimSettings::parse_lines("098-101").unwrap(),
            ["098", "099", "100", "101"]
        );
        assert_eq!(SimSettings::default().lines.len(), 10);
    }

    #[test]
    fn malformed_lists_are_refused() {
        for bad in [
            "",
            " ",
            "201,",
            ",201",
            "201-",
            "-210",
            "2a1",
            "210-201",
            "201,201",
            "201-203,202",
            "0-1000000",
            "sip:201",
            "201--210",
        ] {
            assert!(SimSettings::parse_lines(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn devices_are_labelled_as_simulated() {
        let settings = SimSettings {
            host: String::new(),
            ..SimSettings::default()
        };
        assert_eq!(settings.device("201"), "sip:201@simulator.invalid");
        assert_eq!(sanitize_rate(f64::NAN), 0.0);
        assert_eq!(sanitize_rate(-3.0), 0.0);
        assert_eq!(sanitize_rate(60.0), 60.0);
    }
}
