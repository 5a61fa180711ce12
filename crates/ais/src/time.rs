//! Minimal UTC calendar arithmetic: parsing the receive-time formats of
//! FORMATS.md and printing RFC 3339. Hand-written to keep the crate free of
//! date-time dependencies (only proleptic Gregorian UTC is needed).

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Civil date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
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

/// Format epoch milliseconds as RFC 3339 UTC (`2020-06-30T00:00:00Z`, with
/// `.mmm` only when the milliseconds are not zero).
pub fn format_rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86400);
    let sod = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (sod / 3600, sod / 60 % 60, sod % 60);
    if milli == 0 {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{milli:03}Z")
    }
}

fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 18 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0i64, |a, &c| a * 10 + (c - b'0') as i64))
}

/// Eight ASCII digits as a number, or `None` if any byte is not a digit
/// (SWAR: three multiply-and-shift steps instead of eight dependent ones;
/// every tag-blocked line carries a 10-digit `c:`).
#[inline(always)]
fn eight_digits(b: [u8; 8]) -> Option<u32> {
    let x = u64::from_le_bytes(b);
    let d = x.wrapping_sub(0x3030_3030_3030_3030);
    // Each byte must be 0x30..=0x39: no borrow out of any byte, and adding 6
    // keeps it below 0x10.
    let non_digit = (x & 0xf0f0_f0f0_f0f0_f0f0) ^ 0x3030_3030_3030_3030
        | (d.wrapping_add(0x0606_0606_0606_0606) & 0xf0f0_f0f0_f0f0_f0f0);
    if non_digit != 0 {
        return None;
    }
    // Little-endian: the first digit is in the lowest byte.
    let d = (d.wrapping_mul(10) + (d >> 8)) & 0x00ff_00ff_00ff_00ff;
    let d = (d.wrapping_mul(100) + (d >> 16)) & 0x0000_ffff_0000_ffff;
    let d = (d.wrapping_mul(10000) + (d >> 32)) & 0xffff_ffff;
    Some(d as u32)
}

/// Four ASCII digits as a little-endian word (the first in the lowest
/// byte), when they are digits: [`eight_digits`] on half the width.
#[inline(always)]
pub(crate) fn four_digits(x: u32) -> Option<u32> {
    let d = x.wrapping_sub(0x3030_3030);
    let non_digit = (x & 0xf0f0_f0f0) ^ 0x3030_3030 | (d.wrapping_add(0x0606_0606) & 0xf0f0_f0f0);
    if non_digit != 0 {
        return None;
    }
    let d = (d.wrapping_mul(10) + (d >> 8)) & 0x00ff_00ff;
    Some((d.wrapping_mul(100) + (d >> 16)) & 0xffff)
}

/// Epoch seconds, possibly with a fraction (`1593475200`, `1593475200.25`), to ms.
/// Values of 12 digits or more are taken as milliseconds already (some feeds
/// put milliseconds in the `c:` field).
#[inline(always)]
pub(crate) fn parse_epoch(s: &[u8]) -> Option<i64> {
    // Ten digits, the seconds of every tag-blocked line of this century,
    // inline; anything else out of line.
    match epoch10(s) {
        Some(ms) => Some(ms),
        None => parse_epoch_general(s),
    }
}

/// Ten ASCII digits of epoch seconds, to ms (what [`parse_epoch`] gives
/// for them); `None` for anything else.
#[inline(always)]
pub(crate) fn epoch10(s: &[u8]) -> Option<i64> {
    if let [a, b, c, d, e, f, g, h, i, j] = *s {
        if let Some(hi) = eight_digits([a, b, c, d, e, f, g, h]) {
            let (i, j) = (i.wrapping_sub(b'0'), j.wrapping_sub(b'0'));
            if i < 10 && j < 10 {
                return Some((hi as i64 * 100 + (i * 10 + j) as i64) * 1000);
            }
        }
    }
    None
}

/// Thirteen ASCII digits of epoch milliseconds (exactEarth's trailing
/// field), what [`parse_epoch`] gives for them; `None` for anything else.
#[inline(always)]
pub(crate) fn epoch13(s: &[u8]) -> Option<i64> {
    let s: &[u8; 13] = s.try_into().ok()?;
    let hi = eight_digits(s[..8].try_into().ok()?)?;
    let lo = four_digits(u32::from_le_bytes(s[8..12].try_into().ok()?))?;
    let last = s[12].wrapping_sub(b'0');
    (last < 10).then(|| (hi as i64 * 10_000 + lo as i64) * 10 + last as i64)
}

#[inline(never)]
fn parse_epoch_general(s: &[u8]) -> Option<i64> {
    // Fast path: the common integer form, the first eight digits at once.
    if s.len() >= 8 && s.len() <= 18 {
        let mut v = eight_digits(s[..8].try_into().unwrap_or([0; 8]));
        let mut ok = v.is_some();
        let mut acc = v.take().unwrap_or(0) as i64;
        for &c in &s[8..] {
            let d = c.wrapping_sub(b'0');
            ok &= d < 10;
            acc = acc.wrapping_mul(10).wrapping_add(d as i64);
        }
        if ok {
            return Some(if s.len() >= 12 { acc } else { acc * 1000 });
        }
    } else if !s.is_empty() && s.len() < 8 {
        let mut v = 0i64;
        let mut ok = true;
        for &c in s {
            let d = c.wrapping_sub(b'0');
            ok &= d < 10;
            // Wrapping: on a non-digit `d` can be up to 255 and the value
            // is thrown away, but the arithmetic must not overflow-panic.
            v = v.wrapping_mul(10).wrapping_add(d as i64);
        }
        if ok {
            return Some(if s.len() >= 12 { v } else { v * 1000 });
        }
    }
    let (int, frac) = match s.iter().position(|&c| c == b'.') {
        Some(p) => (&s[..p], Some(&s[p + 1..])),
        None => (s, None),
    };
    let v = digits(int)?;
    let mut ms = v.checked_mul(1000)?;
    if let Some(f) = frac {
        if !f.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut scale = 100;
        for &c in f.iter().take(3) {
            ms += (c - b'0') as i64 * scale;
            scale /= 10;
        }
    }
    Some(ms)
}

/// RFC 3339 (`2020-06-30T00:00:00Z`, `…T08:30:00.5+08:00`; a space for `T` is
/// accepted) to epoch ms.
pub(crate) fn parse_rfc3339(s: &[u8]) -> Option<i64> {
    if s.len() < 19 {
        return None;
    }
    let n = |a: usize, b: usize| digits(&s[a..b]);
    if s[4] != b'-'
        || s[7] != b'-'
        || !matches!(s[10], b'T' | b't' | b' ')
        || s[13] != b':'
        || s[16] != b':'
    {
        return None;
    }
    let (y, mo, d, h, mi, se) = (
        n(0, 4)?,
        n(5, 7)?,
        n(8, 10)?,
        n(11, 13)?,
        n(14, 16)?,
        n(17, 19)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut i = 19;
    let mut ms = 0;
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let mut scale = 100;
        while i < s.len() && s[i].is_ascii_digit() {
            ms += (s[i] - b'0') as i64 * scale;
            scale /= 10;
            i += 1;
        }
    }
    let offset_min = match s.get(i) {
        None | Some(b'Z') | Some(b'z') => 0,
        Some(&sign @ (b'+' | b'-')) if s.len() >= i + 6 && s[i + 3] == b':' => {
            let o = n(i + 1, i + 3)? * 60 + n(i + 4, i + 6)?;
            if sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(((days * 86400 + h * 3600 + mi * 60 + se) - offset_min * 60) * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_digits_matches_naive() {
        let mut x = 0x1234_5678_9abc_def0u64;
        for i in 0..200_000u64 {
            crate::xorshift(&mut x);
            let mut b = if i % 2 == 0 {
                // Digits, sometimes one byte disturbed.
                let mut b = [0u8; 8];
                for (k, c) in b.iter_mut().enumerate() {
                    *c = b'0' + ((x >> (k * 5)) % 10) as u8;
                }
                b
            } else {
                x.to_le_bytes()
            };
            if i % 7 == 0 {
                b[(x % 8) as usize] = (x >> 40) as u8;
            }
            let naive = b
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| b.iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32));
            assert_eq!(eight_digits(b), naive, "{b:?}");
        }
        assert_eq!(eight_digits(*b"15934752"), Some(15_934_752));
        for b in [*b"1593", *b"0000", *b"9999", *b"0912"] {
            let naive = b.iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32);
            assert_eq!(four_digits(u32::from_le_bytes(b)), Some(naive));
        }
        for i in 0..200_000u64 {
            crate::xorshift(&mut x);
            let mut b = [0u8; 4];
            for (k, c) in b.iter_mut().enumerate() {
                *c = b'0' + ((x >> (k * 5)) % 10) as u8;
            }
            if i % 2 == 0 {
                b[(x % 4) as usize] = (x >> 40) as u8;
            }
            let naive = b
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| b.iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32));
            assert_eq!(four_digits(u32::from_le_bytes(b)), naive, "{b:?}");
        }
        assert_eq!(eight_digits(*b"00000000"), Some(0));
        assert_eq!(eight_digits(*b"99999999"), Some(99_999_999));
        assert_eq!(eight_digits(*b"9999999:"), None);
        assert_eq!(eight_digits(*b"/0000000"), None);
    }

    #[test]
    fn roundtrip_dates() {
        assert_eq!(format_rfc3339(1_593_475_200_000), "2020-06-30T00:00:00Z");
        assert_eq!(
            format_rfc3339(1_593_475_200_250),
            "2020-06-30T00:00:00.250Z"
        );
        assert_eq!(
            parse_rfc3339(b"2020-06-30T00:00:00Z"),
            Some(1_593_475_200_000)
        );
        assert_eq!(
            parse_rfc3339(b"2020-06-30T08:00:00+08:00"),
            Some(1_593_475_200_000)
        );
        assert_eq!(
            parse_rfc3339(b"2020-06-30 00:00:00.5"),
            Some(1_593_475_200_500)
        );
        assert_eq!(parse_epoch(b"1593475200"), Some(1_593_475_200_000));
        assert_eq!(parse_epoch(b"1593475200123"), Some(1_593_475_200_123));
        assert_eq!(parse_epoch(b"1593475200.5"), Some(1_593_475_200_500));
        // Found by the fuzz test: a non-digit prefix overflowed the fast path.
        assert_eq!(parse_epoch(b"#    Current dmre"), None);
        assert_eq!(parse_epoch(&[0xff; 18]), None);
        for d in [-800_000i64, -1, 0, 59, 11_000, 20_000, 2_000_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }
}
