//! UTC timestamps: for people (`2025-03-01 14:05:09Z`) and for files (ISO 8601).

/// Times before this (2000-01-01) are not dates: ADS-B data is younger, and a receiver's
/// 48-bit 12 MHz counter never reaches it (it wraps after 271 days). Such a time is a
/// receiver-clock reading of a capture without wall-clock time.
pub const EARLIEST_DATE: f64 = 946_684_800.0;

/// Whether `ts` is a receiver-clock reading rather than a date (see [`EARLIEST_DATE`]).
pub fn is_receiver_clock(ts: f64) -> bool {
    (0.0..EARLIEST_DATE).contains(&ts)
}

/// Format seconds since the Unix epoch as UTC (`YYYY-MM-DD HH:MM:SSZ`), using Howard
/// Hinnant's days-to-civil algorithm; times outside year 1970–5138 are shown as seconds. A
/// receiver-clock reading is never shown as a date: `clock 15:01:33` (hours since the counter
/// started, then minutes and seconds).
///
/// ```
/// use vigia_report::time::utc;
/// assert_eq!(utc(1_698_140_962.1), "2023-10-24 09:49:22Z");
/// assert_eq!(utc(54_093.0), "clock 15:01:33");
/// ```
pub fn utc(ts: f64) -> String {
    if is_receiver_clock(ts) {
        let s = ts.floor() as i64;
        return format!("clock {:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60);
    }
    if !(0.0..1e11).contains(&ts) {
        return format!("{ts:.1} s");
    }
    let (y, m, d, rem) = civil(ts.floor() as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// ISO 8601 with milliseconds (`2023-10-24T09:49:22.100Z`), for machine-readable outputs.
///
/// ```
/// assert_eq!(vigia_report::time::iso8601(1_698_140_962.1), "2023-10-24T09:49:22.100Z");
/// ```
pub fn iso8601(ts: f64) -> String {
    let millis = (ts * 1000.0).round() as i64;
    let (secs, ms) = (millis.div_euclid(1000), millis.rem_euclid(1000));
    let (y, m, d, rem) = civil(secs);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Year, month, day and seconds into the day of Unix seconds (proleptic Gregorian, UTC).
fn civil(secs: i64) -> (i64, i64, i64, i64) {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = vigia_modes::civil::civil_from_days(days);
    (y, m, d, rem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_dates() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1522081475.25), "2018-03-26T16:24:35.250Z");
        assert_eq!(iso8601(951_782_400.0), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(-1.0), "1969-12-31T23:59:59.000Z");
    }
}
