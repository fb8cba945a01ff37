//! Calendar dates and times as written in text formats, to seconds since the Unix epoch (UTC).
//!
//! Owns two parsers (the day count is `vigia_modes::civil`'s): SBS's separate `YYYY/MM/DD` and
//! `HH:MM:SS.sss` fields, and ISO 8601 / RFC 3339 timestamps (`2017-07-19 07:12:11+00:00`).
//! It does not know about time zones beyond numeric offsets; text without an offset is UTC.

/// Days from 1970-01-01 to `year-month-day` (`vigia_modes::civil`, the one home of the count).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    vigia_modes::civil::days_from_civil(year, i64::from(month), i64::from(day))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// A validated calendar date and time of day.
struct CivilTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: f64,
}

impl CivilTime {
    fn checked(self) -> Option<Self> {
        let valid = (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            // 60.x is a leap second
            && (0.0..61.0).contains(&self.second);
        valid.then_some(self)
    }

    fn unix_seconds(&self) -> f64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let whole = days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60;
        whole as f64 + self.second
    }
}

fn fixed_digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Seconds with an optional fraction: `SS` or `SS.sss`.
fn seconds_field(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.len() != 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    crate::text::decimal_seconds(text.as_bytes())
}

/// `HH:MM:SS[.sss]` → (hour, minute, second).
fn time_of_day(text: &str) -> Option<(u32, u32, f64)> {
    let mut parts = text.splitn(3, ':');
    let hour = parts
        .next()
        .filter(|p| p.len() == 2)
        .and_then(fixed_digits)?;
    let minute = parts
        .next()
        .filter(|p| p.len() == 2)
        .and_then(fixed_digits)?;
    let second = seconds_field(parts.next()?)?;
    Some((hour, minute, second))
}

/// `YYYY<sep>MM<sep>DD` → (year, month, day).
fn date(text: &str, separator: char) -> Option<(i64, u32, u32)> {
    let mut parts = text.splitn(3, separator);
    let year = parts
        .next()
        .filter(|p| p.len() == 4)
        .and_then(fixed_digits)?;
    let month = parts
        .next()
        .filter(|p| p.len() == 2)
        .and_then(fixed_digits)?;
    let day = parts
        .next()
        .filter(|p| p.len() == 2)
        .and_then(fixed_digits)?;
    Some((i64::from(year), month, day))
}

/// SBS/BaseStation date and time fields (`2008/11/28`, `23:48:18.611`) as Unix seconds, taking the
/// time to be UTC.
pub(crate) fn sbs_datetime(date_field: &str, time_field: &str) -> Option<f64> {
    let (year, month, day) = date(date_field, '/')?;
    let (hour, minute, second) = time_of_day(time_field)?;
    CivilTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
    }
    .checked()
    .map(|t| t.unix_seconds())
}

/// An ISO 8601 / RFC 3339 date-time as Unix seconds: `YYYY-MM-DD`, then `T` or a space,
/// `HH:MM:SS[.sss]`, then an optional `Z` or `±HH:MM` / `±HHMM` / `±HH` offset (none means UTC).
pub fn iso8601(text: &str) -> Option<f64> {
    let text = text.trim();
    let date_part = text.get(..10)?;
    let separator = text.get(10..11)?;
    if separator != "T" && separator != " " {
        return None;
    }
    let rest = text.get(11..)?;
    let (year, month, day) = date(date_part, '-')?;

    let (clock, offset_seconds) = if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        (clock, 0i64)
    } else if let Some(sign_at) = rest.rfind(['+', '-']) {
        let (clock, offset) = rest.split_at(sign_at);
        (clock, utc_offset_seconds(offset)?)
    } else {
        (rest, 0)
    };
    let (hour, minute, second) = time_of_day(clock)?;
    let local = CivilTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
    }
    .checked()?
    .unix_seconds();
    Some(local - offset_seconds as f64)
}

/// `+HH:MM`, `-HHMM` or `+HH` → signed seconds east of UTC.
fn utc_offset_seconds(offset: &str) -> Option<i64> {
    let (sign, digits) = match offset.as_bytes().first()? {
        b'+' => (1, &offset[1..]),
        b'-' => (-1, &offset[1..]),
        _ => return None,
    };
    // Byte lengths below are character counts only for ASCII (found by fuzzing: `+0о:00`
    // with a Cyrillic `о` panicked in `split_at`).
    if !digits.is_ascii() {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits, "00"),
        4 => digits.split_at(2),
        5 => {
            let (h, m) = digits.split_at(2);
            (h, m.strip_prefix(':')?)
        }
        _ => return None,
    };
    let hours = i64::from(fixed_digits(hours)?);
    let minutes = i64::from(fixed_digits(minutes)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_count_matches_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        // 2024-02-29 exists; 1900-02-29 does not
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
    }

    #[test]
    fn sbs_date_and_time() {
        // `date -u -d '2008-11-28 23:48:18' +%s` = 1227916098
        assert_eq!(
            sbs_datetime("2008/11/28", "23:48:18.611"),
            Some(1_227_916_098.611)
        );
        assert_eq!(
            sbs_datetime("2008/11/28", "23:48:18"),
            Some(1_227_916_098.0)
        );
        assert_eq!(sbs_datetime("2008/02/30", "23:48:18"), None);
        assert_eq!(sbs_datetime("2008/11/28", "24:00:00"), None);
        assert_eq!(sbs_datetime("2008-11-28", "23:48:18"), None);
        assert_eq!(sbs_datetime("", ""), None);
    }

    #[test]
    fn iso8601_forms() {
        // `date -u -d '2017-07-19 07:12:11' +%s` = 1500448331
        let expected = 1_500_448_331.0;
        assert_eq!(iso8601("2017-07-19 07:12:11+00:00"), Some(expected));
        assert_eq!(iso8601("2017-07-19T07:12:11Z"), Some(expected));
        assert_eq!(iso8601("2017-07-19 07:12:11"), Some(expected));
        assert_eq!(iso8601("2017-07-19T09:12:11+02:00"), Some(expected));
        assert_eq!(iso8601("2017-07-19T02:12:11-0500"), Some(expected));
        assert_eq!(iso8601("2017-07-19T08:12:11+01"), Some(expected));
        assert_eq!(
            iso8601("2017-07-19 07:12:11.250+00:00"),
            Some(expected + 0.25)
        );
        assert_eq!(iso8601("2017-07-19"), None);
        assert_eq!(iso8601("2017-13-19 07:12:11"), None);
        assert_eq!(iso8601("2017-07-19 07:12:11+25:00"), None);
        assert_eq!(iso8601("1500448331"), None);
        // multibyte characters where digits belong
        assert_eq!(iso8601("2017-07-19 07:12:11+0\u{43e}:00"), None);
        assert_eq!(iso8601("2017-07-19 07:12:11+\u{43e}0"), None);
        assert_eq!(iso8601("2017-07-19 07:12:\u{43e}1"), None);
        assert_eq!(iso8601("2017-07-\u{43e}9 07:12:11"), None);
    }
}
