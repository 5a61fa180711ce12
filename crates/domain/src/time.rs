//! Time as UTC epoch milliseconds, with RFC 3339 formatting and parsing.
//!
//! Written here rather than pulled from a date crate because the platform
//! only needs these two conversions, and the domain stays dependency-free.

/// UTC epoch milliseconds.
pub type Millis = i64;

pub const MINUTE: Millis = 60_000;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats as `2021-02-10T01:10:00Z` (milliseconds shown only when non-zero).
pub fn format_rfc3339(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86400));
    let sod = secs.rem_euclid(86400);
    let (h, mi, s) = (sod / 3600, sod % 3600 / 60, sod % 60);
    if milli == 0 {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
    }
}

/// Formats in China Standard Time (UTC+8) for display: `2021-02-10 09:10`.
pub fn format_local_minutes(ms: Millis) -> String {
    let secs = (ms + 8 * HOUR).div_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86400));
    let sod = secs.rem_euclid(86400);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}",
        sod / 3600,
        sod % 3600 / 60
    )
}

/// Why a timestamp did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 time with offset: {0:?}")]
pub struct TimeParseError(pub String);

/// Parses RFC 3339 with a `Z` or `±hh:mm` offset, optional fractional seconds.
pub fn parse_rfc3339(s: &str) -> Result<Millis, TimeParseError> {
    let err = || TimeParseError(s.to_string());
    let b = s.trim().as_bytes();
    if b.len() < 20 {
        return Err(err());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, TimeParseError> {
        let part = b.get(r).ok_or_else(err)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return Err(err());
        }
        Ok(part.iter().fold(0i64, |a, c| a * 10 + (c - b'0') as i64))
    };
    if b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') {
        return Err(err());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(err());
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return Err(err());
    }
    let mut i = 19;
    let mut milli = 0i64;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(err());
        }
        let frac = &b[start..i.min(start + 3)];
        milli = frac.iter().fold(0i64, |a, c| a * 10 + (c - b'0') as i64);
        for _ in frac.len()..3 {
            milli *= 10;
        }
    }
    let offset_ms = match b.get(i) {
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            let off = (oh * 60 + om) * MINUTE;
            if *sign == b'+' {
                off
            } else {
                -off
            }
        }
        _ => return Err(err()),
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Ok(((days * 86400 + h * 3600 + mi * 60 + sec) * 1000 + milli) - offset_ms)
}

/// Parses a plain date `2021-02-10` to the UTC midnight of that day.
pub fn parse_date(s: &str) -> Result<Millis, TimeParseError> {
    parse_rfc3339(&format!("{}T00:00:00Z", s.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_offsets() {
        let cases = [
            ("1970-01-01T00:00:00Z", 0),
            ("2021-02-10T08:30:00+08:00", 1_612_917_000_000),
            ("2021-02-10T00:30:00Z", 1_612_917_000_000),
            ("2021-02-10T00:30:00.250Z", 1_612_917_000_250),
            ("2000-02-29T12:00:00-01:30", 951_831_000_000),
        ];
        for (s, ms) in cases {
            assert_eq!(parse_rfc3339(s).unwrap(), ms, "{s}");
        }
        assert_eq!(format_rfc3339(1_612_917_000_000), "2021-02-10T00:30:00Z");
        assert_eq!(
            format_rfc3339(1_612_917_000_250),
            "2021-02-10T00:30:00.250Z"
        );
        assert_eq!(format_local_minutes(1_612_917_000_000), "2021-02-10 08:30");
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2021-02-10",
            "2021-13-10T00:00:00Z",
            "2021-02-10T00:00:00",
            "x021-02-10T00:00:00Z",
            "2021-02-10T00:00:00+0800",
        ] {
            assert!(parse_rfc3339(s).is_err(), "{s}");
        }
    }
}
