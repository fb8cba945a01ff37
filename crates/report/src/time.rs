//! UTC timestamps: for people (`2025-03-01 14:05:09Z`) and for files (ISO 8601).

/// Format seconds since the Unix epoch as UTC (`YYYY-MM-DD HH:MM:SSZ`), using Howard
/// Hinnant's days-to-civil algorithm; times outside year 1970–5138 are shown as seconds.
///
/// ```
/// assert_eq!(vigia_report::time::utc(1_698_140_962.1), "2023-10-24 09:49:22Z");
/// ```
pub fn utc(ts: f64) -> String {
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
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem)
}
