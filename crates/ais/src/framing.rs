//! Framing: one line of bytes → one AIS sentence (`!xxVDM` / `!xxVDO`).
//!
//! Framing knows nothing about message contents: it checks the checksum,
//! splits the fields, and works out the receive time and source from the
//! decorations feeds put around sentences (NMEA 4.10 tag blocks, a leading
//! time column, trailing fields after the checksum). Everything returned
//! borrows from the line, so framing never allocates.

use crate::error::ErrorKind;
use crate::time::{epoch10, epoch13, parse_epoch, parse_rfc3339};

/// The `g:` (sentence grouping) field of a tag block: `g:<n>-<total>-<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagGroup {
    /// Sentence number within the group, from 1.
    pub number: u8,
    /// Number of sentences in the group.
    pub total: u8,
    /// Group id.
    pub id: u32,
}

/// One framed AIS sentence, borrowing from the input line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// Talker id (`AI`, `AB`, `BS`, …).
    pub talker: [u8; 2],
    /// `VDO` (own ship) rather than `VDM`.
    pub own_ship: bool,
    /// Number of sentences in the message (1..=9).
    pub total: u8,
    /// This sentence's number (1..=total).
    pub number: u8,
    /// Sequential message id of a multi-sentence message.
    pub seq_id: Option<u8>,
    /// Radio channel (`A`, `B`, `1`, `2`), as sent.
    pub channel: Option<u8>,
    /// Armoured payload characters.
    pub payload: &'a [u8],
    /// Fill bits after the payload (0..=5 when valid; checked when decoding).
    pub fill: u8,
    /// Receive time in epoch ms, from tag block `c:`, else a leading time
    /// column, else trailing fields after the checksum.
    pub time_ms: Option<i64>,
    /// Tag block `s:` source.
    pub source: Option<&'a [u8]>,
    /// Tag block `g:` group.
    pub group: Option<TagGroup>,
}

/// Hex digit → value, 0xff for other bytes: two lookups per checksum
/// instead of two three-way range matches.
static HEX: [u8; 256] = {
    let mut t = [0xff; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'F' => b - b'A' + 10,
            b'a'..=b'f' => b - b'a' + 10,
            _ => 0xff,
        };
        c += 1;
    }
    t
};

/// `u8::is_ascii_alphanumeric` as a table: the channel of every line is
/// checked with one load instead of two range tests.
static ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    t
};

#[inline]
fn hexval(c: u8) -> Option<u8> {
    match HEX[c as usize] {
        0xff => None,
        v => Some(v),
    }
}

/// XOR of all bytes (the NMEA checksum), eight bytes at a time.
#[inline]
fn xor(bytes: &[u8]) -> u8 {
    let mut chunks = bytes.chunks_exact(8);
    let mut acc = 0u64;
    for c in &mut chunks {
        acc ^= u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    }
    let mut x = acc.to_le_bytes().iter().fold(0, |a, &b| a ^ b);
    for &b in chunks.remainder() {
        x ^= b;
    }
    x
}

/// Position of the first `needle`, eight bytes at a time (SWAR): every line
/// is scanned for `*` and `\\`.
#[inline]
fn find(hay: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pat = LO * needle as u64;
    let mut i = 0;
    while i + 8 <= hay.len() {
        let c = &hay[i..i + 8];
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) ^ pat;
        let z = x.wrapping_sub(LO) & !x & HI;
        if z != 0 {
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay[i..].iter().position(|&c| c == needle).map(|p| p + i)
}

/// [`find`], sixteen bytes at a time with SSE2 (for a needle expected
/// tens of bytes in).
#[inline(always)]
fn find16(hay: &[u8], needle: u8) -> Option<usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        let mut i = 0;
        while let Some(c) = hay.get(i..i + 16) {
            // SAFETY: the intrinsics below need SSE2, which this block is
            // compiled only with (`target_feature = "sse2"`, on by default
            // for every x86_64 target); the unaligned load reads the
            // 16-byte slice `c`.
            let hit = unsafe {
                use std::arch::x86_64::*;
                let v = _mm_loadu_si128(c.as_ptr().cast());
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(needle as i8)))
            };
            if hit != 0 {
                return Some(i + hit.trailing_zeros() as usize);
            }
            i += 16;
        }
        find(&hay[i..], needle).map(|p| p + i)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    find(hay, needle)
}

fn small_num(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32))
}

#[derive(Default)]
struct Tag<'a> {
    time_ms: Option<i64>,
    source: Option<&'a [u8]>,
    group: Option<TagGroup>,
}

/// Parse the inside of a tag block (`c:…,s:…,g:…*hh`).
#[inline]
fn parse_tag(tag: &[u8]) -> Result<Tag<'_>, ErrorKind> {
    let body = match find(tag, b'*') {
        Some(star) => {
            let hex = &tag[star + 1..];
            // Some feeds omit the tag checksum; when one is there it must match.
            if hex.len() >= 2 {
                let want = hexval(hex[0])
                    .zip(hexval(hex[1]))
                    .map(|(a, b)| a << 4 | b)
                    .ok_or(ErrorKind::BadChecksum)?;
                if want != xor(&tag[..star]) {
                    return Err(ErrorKind::BadChecksum);
                }
            }
            &tag[..star]
        }
        None => tag,
    };
    let mut out = Tag::default();
    let mut rest = body;
    while !rest.is_empty() {
        let (field, next) = match find(rest, b',') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        if field.len() < 2 || field[1] != b':' {
            continue;
        }
        let v = &field[2..];
        match field[0] {
            b'c' => out.time_ms = parse_epoch(v),
            b's' => out.source = Some(v),
            b'g' | b'G' => {
                let mut it = v.split(|&c| c == b'-');
                if let (Some(n), Some(t), Some(id)) = (it.next(), it.next(), it.next()) {
                    if let (Some(n), Some(t), Some(id)) =
                        (small_num(n), small_num(t), small_num(id))
                    {
                        out.group = Some(TagGroup {
                            number: n.min(255) as u8,
                            total: t.min(255) as u8,
                            id,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    trim_end(s)
}

/// `s` less its trailing blanks (`\r\n` and the like).
#[inline(always)]
fn trim_end(s: &[u8]) -> &[u8] {
    let mut n = s.len();
    while n > 0 && s[n - 1].is_ascii_whitespace() {
        n -= 1;
    }
    &s[..n]
}

/// A time in the trailing fields after the checksum: the first all-digit
/// field of 10+ digits (exactEarth's `,<epoch ms>`, USCG's `,<epoch s>`);
/// shorter numbers (USCG's 9-digit station ids, counters) are not times.
fn trailing_time(t: &[u8]) -> Option<i64> {
    if t.is_empty() {
        return None;
    }
    t.split(|&c| c == b',')
        .map(trim)
        .find(|f| {
            f.iter().take_while(|c| c.is_ascii_digit()).count() >= 10
                && f.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        })
        .and_then(parse_epoch)
}

/// The time of a leading time column, `prefix` being the line up to its
/// `!`: `<epoch s>` or `<RFC 3339>`, then `,` or `;`, blanks allowed
/// around either.
fn column_time(prefix: &[u8]) -> Option<i64> {
    let prefix = trim(prefix);
    let prefix = prefix
        .strip_suffix(b",")
        .or_else(|| prefix.strip_suffix(b";"))
        .unwrap_or(prefix);
    let prefix = trim(prefix);
    // No text is both (an RFC 3339 time has a `-` at 4, an epoch none):
    // the likelier first.
    if prefix.get(4) == Some(&b'-') {
        parse_rfc3339(prefix).or_else(|| parse_epoch(prefix))
    } else {
        parse_epoch(prefix).or_else(|| parse_rfc3339(prefix))
    }
}

/// A line's leading time column, for the fast framing: the time and
/// where the sentence's `!` is, as [`parse_line`] reads them; `None`
/// (the general path decides) when there is no `!` in the line's first
/// 48 bytes or the column is no time.
#[cold]
#[inline(never)]
pub(crate) fn lead_column(line: &[u8]) -> Option<(i64, usize)> {
    let head = line.get(..48).unwrap_or(line);
    let p = head.iter().position(|&c| c == b'!')?;
    Some((column_time(&line[..p])?, p))
}

/// 32 bytes as four little-endian words (the decoder's tag cache and
/// [`LastColumn`] compare lines' first bytes so).
#[inline(always)]
pub(crate) fn words32(b: &[u8; 32]) -> [u64; 4] {
    let w = |i: usize| {
        let mut c = [0u8; 8];
        c.copy_from_slice(&b[8 * i..8 * i + 8]);
        u64::from_le_bytes(c)
    };
    [w(0), w(1), w(2), w(3)]
}

/// The last leading time column other than `<epoch s>,` that
/// [`lead_column`] read, and what it gave: an RFC 3339 column (or one with
/// a fraction) is the same on every line of a second, or differs in its
/// seconds only, and reading it costs more than comparing it.
#[derive(Default)]
pub(crate) struct LastColumn {
    /// The line's first 32 bytes, as little-endian words, and the mask of
    /// the column's bytes (before the `!`, at `at`; 0: nothing kept).
    words: [u64; 4],
    mask: [u64; 4],
    at: usize,
    time: i64,
    /// The column's seconds, when it is an RFC 3339 time (its seconds in
    /// bytes 17 and 18, and its time linear in them).
    seconds: Option<i64>,
}

impl LastColumn {
    /// [`lead_column`] of `line`, from what is kept when its column is the
    /// same but maybe for the seconds of an RFC 3339 time.
    #[inline(always)]
    fn read(&mut self, line: &[u8]) -> Option<(i64, usize)> {
        let head: Option<&[u8; 32]> = line.get(..32).and_then(|b| b.try_into().ok());
        if let Some(b) = head {
            let at = self.at;
            let w = words32(b);
            let d: [u64; 4] = std::array::from_fn(|k| (w[k] ^ self.words[k]) & self.mask[k]);
            if at > 0 && line.get(at) == Some(&b'!') {
                if d == [0; 4] {
                    return Some((self.time, at));
                }
                // Bytes 17 and 18, the seconds, are bytes 1 and 2 of word 2.
                let only_seconds = d[0] | d[1] | d[3] | (d[2] & !0x00ff_ff00) == 0;
                if let (Some(old), true) = (self.seconds, only_seconds) {
                    let (hi, lo) = (b[17].wrapping_sub(b'0'), b[18].wrapping_sub(b'0'));
                    let se = i64::from(hi) * 10 + i64::from(lo);
                    // What `parse_rfc3339` accepts (a leap second too).
                    if hi < 10 && lo < 10 && se <= 60 {
                        self.time += (se - old) * 1000;
                        self.seconds = Some(se);
                        self.words = w;
                        return Some((self.time, at));
                    }
                }
            }
        }
        let (time, at) = lead_column(line)?;
        if let (Some(b), true) = (head, at < 32) {
            self.words = words32(b);
            self.mask = std::array::from_fn(|k| match at.saturating_sub(8 * k) {
                0 => 0,
                n if n >= 8 => u64::MAX,
                n => (1u64 << (8 * n)) - 1,
            });
            (self.at, self.time) = (at, time);
            let rfc = at > 19 && b[4] == b'-' && b[16] == b':';
            self.seconds = match (rfc, b[17].wrapping_sub(b'0'), b[18].wrapping_sub(b'0')) {
                (true, hi @ 0..=9, lo @ 0..=9) => Some(i64::from(hi) * 10 + i64::from(lo)),
                _ => None,
            };
        }
        Some((time, at))
    }
}

/// The end of the checksum (`*hh`) of a sentence `s` (from its tag block
/// or `!`, no trailing blanks) that has fields after it, exactEarth's
/// `…*hh,<epoch ms>` or USCG's `…*hh,s28089,d-103,…,r08TPHI1,<epoch s>`,
/// and the time those fields give: as [`parse_line`] reads them (the
/// first `*` after the `!` is the checksum's). `None` (the general path
/// decides) when there is no `!` or `*`.
#[cold]
#[inline(never)]
pub(crate) fn trailing_fields(s: &[u8]) -> Option<(usize, Option<i64>)> {
    let bang = find(s, b'!')?;
    let end = bang + find16(&s[bang..], b'*')? + 3;
    let fields = s.get(end..)?;
    Some((
        end,
        fields_time(fields).unwrap_or_else(|| trailing_time(fields)),
    ))
}

/// [`trailing_time`] of fields of which only the last can be a time: each
/// of the others starts with a letter (USCG's `s…`, `d…`, `T…`, `r…`), the
/// last is ten digits of epoch seconds. `None` for any other fields.
#[inline(always)]
fn fields_time(t: &[u8]) -> Option<Option<i64>> {
    let (rest, last) = t.split_at(t.len().checked_sub(11)?);
    if last[0] != b',' {
        return None;
    }
    let time = epoch10(&last[1..])?;
    // (`last` follows the rest: the byte after each of it is in `t`.)
    if !commas_before_letters(t, rest.len()) {
        return None;
    }
    rest.first()
        .is_none_or(|&c| c == b',')
        .then_some(Some(time))
}

/// Whether every `,` of `t[..n]` is followed by an ASCII letter (`t` goes
/// on for at least one byte after `n`). Sixteen bytes at a time with SSE2
/// (the last sixteen overlapping the ones before), else byte by byte.
#[inline(always)]
fn commas_before_letters(t: &[u8], n: usize) -> bool {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if n >= 16 && t.len() > n {
        let mut i = 0;
        loop {
            let at = i.min(n - 16);
            // Both 16-byte windows are inside `t`: `at + 17 <= n + 1`.
            let (Some(a), Some(b)) = (t.get(at..at + 16), t.get(at + 1..at + 17)) else {
                return false;
            };
            // SAFETY: the intrinsics below need SSE2, which this block is
            // compiled only with (`target_feature = "sse2"`, on by default
            // for every x86_64 target); the two unaligned 16-byte loads
            // read the 16-byte slices `a` and `b`.
            let bad = unsafe {
                use std::arch::x86_64::*;
                let va = _mm_loadu_si128(a.as_ptr().cast());
                let vb = _mm_or_si128(_mm_loadu_si128(b.as_ptr().cast()), _mm_set1_epi8(0x20));
                let comma = _mm_cmpeq_epi8(va, _mm_set1_epi8(b',' as i8));
                // Signed compares: bytes from 0x80 are negative, so no letter.
                let letter = _mm_and_si128(
                    _mm_cmpgt_epi8(vb, _mm_set1_epi8(b'a' as i8 - 1)),
                    _mm_cmplt_epi8(vb, _mm_set1_epi8(b'z' as i8 + 1)),
                );
                _mm_movemask_epi8(_mm_andnot_si128(letter, comma))
            };
            if bad != 0 {
                return false;
            }
            if at == n - 16 {
                return true;
            }
            i += 16;
        }
    }
    (0..n).all(|k| t[k] != b',' || t.get(k + 1).is_some_and(u8::is_ascii_alphabetic))
}

/// A line of the other time conventions of real feeds, for the fast
/// framing, which takes neither: a leading time column
/// (`<epoch s>,!AIVDM…`, `<RFC 3339>,!AIVDM…`) or fields after the
/// checksum (`…*hh,<epoch ms>`). Gives the line narrowed to the sentence
/// (after its tag block, if any, which it keeps), for the fast framing to
/// take or not, and the time of the column or else of the fields, the
/// line's when no tag block gives one: as [`parse_line`] reads them.
/// `None` when the line is of neither convention, or not as expected
/// here (the general path decides). (The decoder calls it only for a line
/// that starts with a digit or does not end with its checksum: the test
/// kept there, rather than here behind an inlined wrapper, costs fragment
/// lines 5 instructions less, measured.)
#[inline(never)]
pub(crate) fn other_conventions<'a>(
    line: &'a [u8],
    last: &mut LastColumn,
) -> Option<(&'a [u8], Option<i64>)> {
    let mut line = trim_end(line);
    let mut time = None;
    let mut narrowed = false;
    if line.first().is_some_and(u8::is_ascii_digit) {
        // `<epoch s>,!` without a call, other columns with one.
        let epoch = match line.get(..12) {
            Some([d @ .., b',', b'!']) => epoch10(d).map(|t| (t, 11)),
            _ => None,
        };
        let (t, p) = match epoch {
            Some(e) => e,
            None => last.read(line)?,
        };
        (line, time, narrowed) = (&line[p..], Some(t), true);
    }
    let m = line.len();
    if m >= 20 && line[m - 3] != b'*' {
        // exactEarth's `*hh,<epoch ms>` without a call, others with one.
        let ms = match line.get(m - 17..m - 13) {
            Some([b'*', _, _, b',']) => epoch13(&line[m - 13..]),
            _ => None,
        };
        let (end, t) = match ms {
            Some(t) => (m - 14, Some(t)),
            None => trailing_fields(line)?,
        };
        (line, time, narrowed) = (&line[..end], time.or(t), true);
    }
    narrowed.then_some((line, time))
}

/// Frame one line. Accepts a trailing `\r\n`.
#[inline]
pub fn parse_line(line: &[u8]) -> Result<Sentence<'_>, ErrorKind> {
    let mut rest = trim(line);
    if rest.is_empty() {
        return Err(ErrorKind::Empty);
    }
    let mut tag = Tag::default();
    while rest.first() == Some(&b'\\') {
        let end = find(&rest[1..], b'\\').ok_or(ErrorKind::Malformed)? + 1;
        let t = parse_tag(&rest[1..end])?;
        tag.time_ms = tag.time_ms.or(t.time_ms);
        tag.source = tag.source.or(t.source);
        tag.group = tag.group.or(t.group);
        rest = &rest[end + 1..];
    }
    let mut lead_time = None;
    if !matches!(rest.first(), Some(b'!') | Some(b'$')) {
        // A leading time column: `<epoch s>,!AIVDM…` or `<RFC 3339>,!AIVDM…`.
        let p = rest
            .iter()
            .position(|&c| c == b'!')
            .ok_or(ErrorKind::Unsupported)?;
        lead_time = Some(column_time(&rest[..p]).ok_or(ErrorKind::Unsupported)?);
        rest = &rest[p..];
    }
    if rest.len() < 7 || &rest[3..5] != b"VD" || !matches!(rest[5], b'M' | b'O') {
        return Err(ErrorKind::Unsupported);
    }
    let talker = [rest[1], rest[2]];
    let own_ship = rest[5] == b'O';
    let star = find(rest, b'*').ok_or(ErrorKind::Malformed)?;
    if star + 3 > rest.len() {
        return Err(ErrorKind::Malformed);
    }
    let want = hexval(rest[star + 1])
        .zip(hexval(rest[star + 2]))
        .map(|(a, b)| a << 4 | b)
        .ok_or(ErrorKind::Malformed)?;
    if want != xor(&rest[1..star]) {
        return Err(ErrorKind::BadChecksum);
    }
    if rest[6] != b',' {
        return Err(ErrorKind::Malformed);
    }
    // Fields: the four short ones before the payload are found from the
    // front, the fill bits from the back (`,f*`), so the long payload is
    // scanned once less; a stray comma inside it fails the armour check.
    let body = &rest[7..star];
    let mut commas = [0usize; 4];
    let mut k = 0;
    for (i, &c) in body.iter().enumerate() {
        if c == b',' {
            commas[k] = i;
            k += 1;
            if k == 4 {
                break;
            }
        }
    }
    if k < 4 {
        return Err(ErrorKind::Malformed);
    }
    let last = body.iter().rposition(|&c| c == b',').unwrap_or(0);
    if last <= commas[3] {
        return Err(ErrorKind::Malformed);
    }
    let f_total = &body[..commas[0]];
    let f_num = &body[commas[0] + 1..commas[1]];
    let f_seq = &body[commas[1] + 1..commas[2]];
    let f_chan = &body[commas[2] + 1..commas[3]];
    let payload = &body[commas[3] + 1..last];
    let f_fill = &body[last + 1..];
    let total = match f_total {
        [d @ b'1'..=b'9'] => d - b'0',
        _ => return Err(ErrorKind::Malformed),
    };
    let number = match f_num {
        [d @ b'1'..=b'9'] if d - b'0' <= total => d - b'0',
        _ => return Err(ErrorKind::Malformed),
    };
    let seq_id = match f_seq {
        [] => None,
        [d @ b'0'..=b'9'] => Some(d - b'0'),
        _ => return Err(ErrorKind::Malformed),
    };
    let channel = match f_chan {
        [] => None,
        [c] if c.is_ascii_alphanumeric() => Some(*c),
        _ => return Err(ErrorKind::Malformed),
    };
    let fill = match f_fill {
        [d @ b'0'..=b'9'] => d - b'0',
        [] => 0,
        _ => return Err(ErrorKind::BadFillBits),
    };
    let time_ms = tag
        .time_ms
        .or(lead_time)
        .or_else(|| trailing_time(&rest[star + 3..]));
    Ok(Sentence {
        talker,
        own_ship,
        total,
        number,
        seq_id,
        channel,
        payload,
        fill,
        time_ms,
        source: tag.source,
        group: tag.group,
    })
}

/// Position of the first `,`, `*` or `\\` at or after `from`, eight bytes at
/// a time; `line.len()` when there is none.
#[inline(always)]
fn find_delim(line: &[u8], from: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let mut i = from;
    while let Some(c) = line.get(i..i + 8) {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        // The first byte found is exact: a false positive can only follow a
        // true one (the borrow runs towards later bytes).
        let z = zero(x ^ (LO * b',' as u64))
            | zero(x ^ (LO * b'*' as u64))
            | zero(x ^ (LO * b'\\' as u64));
        if z != 0 {
            return i + (z.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < line.len() && !matches!(line[i], b',' | b'*' | b'\\') {
        i += 1;
    }
    i
}

/// XOR of all bytes, as [`xor`], or `None` when a `*` is among them: the
/// fast path's one pass over the sentence both checks it and makes sure
/// that its checksum `*` is the first one, as the general path reads it.
#[inline(always)]
fn xor_no_star(bytes: &[u8]) -> Option<u8> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if bytes.len() >= 16 {
        // SAFETY: the intrinsics below need SSE2, which this block is
        // compiled only with (`target_feature = "sse2"`, on by default for
        // every x86_64 target); every unaligned 16-byte load starts at `i`
        // with `i + 16 <= bytes.len()` or at `bytes.len() - 16 >= 0`, inside
        // `bytes`.
        unsafe {
            use std::arch::x86_64::*;
            let n = bytes.len();
            let star = _mm_set1_epi8(b'*' as i8);
            let (mut acc, mut hit) = (_mm_setzero_si128(), _mm_setzero_si128());
            let mut i = 0;
            while i + 16 <= n {
                let v = _mm_loadu_si128(bytes.as_ptr().add(i).cast());
                acc = _mm_xor_si128(acc, v);
                hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, star));
                i += 16;
            }
            if i < n {
                // The last sixteen bytes, less the ones already read
                // (zeroed: neither `*` nor a change to the XOR).
                let v = _mm_loadu_si128(bytes.as_ptr().add(n - 16).cast());
                let idx = crate::bits::lane_index();
                let read = (16 - (n - i)) as i8;
                let v = _mm_and_si128(v, _mm_cmpgt_epi8(idx, _mm_set1_epi8(read - 1)));
                acc = _mm_xor_si128(acc, v);
                hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, star));
            }
            if _mm_movemask_epi8(hit) != 0 {
                return None;
            }
            return Some(crate::bits::fold_xor(acc));
        }
    }
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let (mut acc, mut star) = (0u64, 0u64);
    for c in &mut chunks {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        acc ^= x;
        let y = x ^ (LO * b'*' as u64);
        star |= y.wrapping_sub(LO) & !y & HI;
    }
    let r = chunks.remainder().len();
    if r > 0 && bytes.len() >= 8 {
        // The last 1..=7 bytes: the final eight, shifted so that only
        // those not yet read remain (zeros shifted in are neither `*` nor
        // change the XOR).
        let c = &bytes[bytes.len() - 8..];
        let x =
            u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) >> (8 * (8 - r));
        acc ^= x;
        let y = x ^ (LO * b'*' as u64);
        star |= y.wrapping_sub(LO) & !y & HI;
    } else {
        for &b in chunks.remainder() {
            acc ^= b as u64;
            star |= (b == b'*') as u64;
        }
    }
    let x = acc.to_le_bytes().iter().fold(0, |a, &b| a ^ b);
    (star == 0).then_some(x)
}

/// The two hex digits of a checksum.
#[inline(always)]
pub(crate) fn hex2(a: u8, b: u8) -> Option<u8> {
    let (a, b) = (HEX[a as usize], HEX[b as usize]);
    ((a | b) & 0xf0 == 0).then_some(a << 4 | b)
}

/// What [`tag_fast`] needs of the 32 bytes after a tag block's opening
/// `\\`: bit `i` of each mask is set when byte `i` is a `*`, a `\\`, a `,`.
struct Scan32 {
    star: u32,
    backslash: u32,
    comma: u32,
}

/// The three masks of [`Scan32`]. SSE2 (baseline on x86_64, so no runtime
/// detection) compares 16 bytes at a time; elsewhere a byte loop.
/// `tag_fast_is_tag_fields` and `scan32_is_bytewise` check them.
#[inline(always)]
fn scan32(b: &[u8; 32]) -> Scan32 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: the intrinsics below need SSE2, which this block is compiled
    // only with (`target_feature = "sse2"`, on by default for every x86_64
    // target); the two unaligned loads read `b[0..16]` and `b[16..32]`,
    // inside the 32-byte array.
    unsafe {
        use std::arch::x86_64::*;
        let lo = _mm_loadu_si128(b.as_ptr().cast());
        let hi = _mm_loadu_si128(b.as_ptr().add(16).cast());
        let mask = |c: u8| {
            let c = _mm_set1_epi8(c as i8);
            let l = _mm_movemask_epi8(_mm_cmpeq_epi8(lo, c)) as u32;
            let h = _mm_movemask_epi8(_mm_cmpeq_epi8(hi, c)) as u32;
            l | h << 16
        };
        Scan32 {
            star: mask(b'*'),
            backslash: mask(b'\\'),
            comma: mask(b','),
        }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let mask = |c: u8| {
            b.iter()
                .enumerate()
                .fold(0u32, |m, (i, &x)| m | ((x == c) as u32) << i)
        };
        Scan32 {
            star: mask(b'*'),
            backslash: mask(b'\\'),
            comma: mask(b','),
        }
    }
}

/// The XOR of the first `n` (≤ 32) bytes of `b`: with SSE2 two loads,
/// masked and folded; elsewhere [`xor`].
#[inline(always)]
pub(crate) fn xor32_first(b: &[u8; 32], n: usize) -> u8 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: the intrinsics below need SSE2, which this block is compiled
    // only with (`target_feature = "sse2"`, on by default for every x86_64
    // target); the two unaligned loads read `b[0..16]` and `b[16..32]`,
    // inside the 32-byte array.
    unsafe {
        use std::arch::x86_64::*;
        let lo = _mm_loadu_si128(b.as_ptr().cast());
        let hi = _mm_loadu_si128(b.as_ptr().add(16).cast());
        // Keep bytes whose index is below `n` (≤ 32).
        let n = n.min(32);
        crate::bits::fold_xor(_mm_xor_si128(
            _mm_and_si128(lo, crate::bits::first_lanes(n)),
            _mm_and_si128(hi, crate::bits::first_lanes(n.saturating_sub(16))),
        ))
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        xor(&b[..n.min(32)])
    }
}

/// The common tag block — its `*` among the first 32 bytes after the
/// opening `\\`, one or two fields (`s:…,c:…`, `c:…,s:…`, or one alone) —
/// read as one 32-byte block: the checksum, the `*`, the `,` and any stray
/// `\\` are found with masks instead of a field-by-field scan. The same
/// result as [`tag_fields`] or `None` (then [`tag_fields`] decides).
#[inline(always)]
fn tag_fast(line: &[u8]) -> Option<TagFast<'_>> {
    let b: &[u8; 32] = line.get(1..33)?.try_into().ok()?;
    let scan = scan32(b);
    if scan.star == 0 {
        return None;
    }
    // The tag is the `n` bytes before the first `*`.
    let n = scan.star.trailing_zeros() as usize;
    let inside = (1u32 << n) - 1;
    let commas = scan.comma & inside;
    let e = 1 + n;
    let t = line.get(e + 1..e + 4)?;
    if scan.backslash & inside != 0
        || commas.count_ones() > 1
        || t[2] != b'\\'
        || hex2(t[0], t[1])? != xor32_first(b, n)
    {
        return None;
    }
    if commas != 0 {
        // The usual two fields, `s:` and `c:` in either order, read in
        // place (what the loop below gives for them).
        let c = 1 + commas.trailing_zeros() as usize;
        match (line.get(1..3)?, line.get(c + 1..c + 3)?) {
            (b"s:", b"c:") => {
                let time = parse_epoch(line.get(c + 3..e)?);
                return Some((time, Some(line.get(3..c)?), 3, e + 4));
            }
            (b"c:", b"s:") => {
                let time = parse_epoch(line.get(3..c)?);
                return Some((time, Some(line.get(c + 3..e)?), c + 3, e + 4));
            }
            _ => {}
        }
    }
    let comma = if commas == 0 {
        e
    } else {
        1 + commas.trailing_zeros() as usize
    };
    let (mut time_ms, mut source, mut source_at) = (None, None, 0);
    for (f, end) in [(1, comma), (comma + 1, e)] {
        if f > e {
            break;
        }
        let field = line.get(f..end)?;
        tag_field(field, f, &mut time_ms, &mut source, &mut source_at)?;
    }
    Some((time_ms, source, source_at, e + 4))
}

/// One `k:value` tag field at offset `f` of the line: `c:` sets the
/// receive time, `s:` the source and its offset; other keys are skipped.
/// `None` (not `k:…`) sends the line to the general path.
#[inline(always)]
fn tag_field<'a>(
    field: &'a [u8],
    f: usize,
    time_ms: &mut Option<i64>,
    source: &mut Option<&'a [u8]>,
    source_at: &mut usize,
) -> Option<()> {
    if field.len() < 2 || field[1] != b':' {
        return None;
    }
    let v = &field[2..];
    match field[0] {
        b'c' => *time_ms = parse_epoch(v),
        b's' => {
            *source = Some(v);
            *source_at = f + 2;
        }
        _ => {}
    }
    Some(())
}

/// What a tag block gives the fast path: the receive time, the source with
/// its offset in the line (0 without one), and where the sentence starts.
pub(crate) type TagFast<'a> = (Option<i64>, Option<&'a [u8]>, usize, usize);

/// The tag block of `line` (which starts with `\\`), field by field: fields
/// up to the first `*`, which must be followed by two hex digits and the
/// closing `\\`. `None` sends the line to the general path.
#[inline(never)]
fn tag_fields(line: &[u8]) -> Option<TagFast<'_>> {
    let (mut time_ms, mut source, mut source_at) = (None, None, 0);
    let mut x = 0u8;
    let mut f = 1;
    loop {
        let e = find_delim(line, f);
        let field = line.get(f..e)?;
        x ^= xor(field);
        tag_field(field, f, &mut time_ms, &mut source, &mut source_at)?;
        match line.get(e)? {
            b',' => {
                x ^= b',';
                f = e + 1;
            }
            b'*' => {
                let t = line.get(e + 1..e + 4)?;
                if t[2] != b'\\' || hex2(t[0], t[1])? != x {
                    return None;
                }
                return Some((time_ms, source, source_at, e + 4));
            }
            _ => return None,
        }
    }
}

/// The common line, framed without the general machinery: an optional
/// single tag block whose fields are all `key:value` and that ends in
/// `*hh\`, then `!xxVDM,1,1,` or `!xxVDO,1,1,`, a sequence id and a channel
/// of at most one character each, the payload, and `,f*hh` (fill 0..=5) at
/// the end of the line, with nothing after the checksum.
///
/// Returns `Some` only when the line is such a line with valid checksums,
/// and then exactly what [`parse_line`] returns for it (but for the tag
/// group, which a single-sentence message does not use: `None`), with the
/// offset of the source (`s:`) in the line (0 without one) and the line
/// from the payload on (the payload, then at least `,f*hh`). Anything
/// else — errors included — is `None`, and the caller takes the general
/// path, which decides. `decoder::tests::fast_path_is_the_general_path`
/// checks this on the corpora and on mutated lines.
#[cfg(test)]
#[inline(always)]
pub(crate) fn parse_single_fast(line: &[u8]) -> Option<(Sentence<'_>, usize, &[u8])> {
    parse_fast::<false>(line)?.checked()
}

/// [`parse_single_fast`] without the sentence checksum: the caller checks
/// it ([`Unchecked::checked`], or as `Decoder::decode_line` does, with
/// the payload it loads anyway).
#[cfg(test)]
#[inline(always)]
pub(crate) fn parse_single_unchecked(line: &[u8]) -> Option<Unchecked<'_>> {
    parse_fast::<false>(line)
}

/// [`parse_single_unchecked`] with the tag block read by `tag` (see
/// [`parse_fast_with`]).
#[inline(always)]
pub(crate) fn parse_single_unchecked_with<'a>(
    line: &'a [u8],
    tag: &mut impl TagReader,
) -> Option<Unchecked<'a>> {
    parse_fast_with::<false>(line, tag)
}

/// A line framed by the fast framing but for the sentence checksum.
pub(crate) struct Unchecked<'a> {
    /// The sentence, the offset of its source (0 without one) and the line
    /// from the payload on, as [`parse_single_fast`] gives them.
    pub sentence: Sentence<'a>,
    pub source_at: usize,
    pub tail: &'a [u8],
    /// The bytes the checksum covers (between `!` and `*`): `head` bytes
    /// before the payload, the payload, then `,f`.
    pub body: &'a [u8],
    pub head: usize,
    /// The checksum after the `*`.
    pub want: u8,
}

impl<'a> Unchecked<'a> {
    /// What [`parse_single_fast`] returns: `Some` when the checksum
    /// matches and there is no other `*`.
    #[inline(always)]
    pub(crate) fn checked(self) -> Option<(Sentence<'a>, usize, &'a [u8])> {
        (xor_no_star(self.body)? == self.want).then_some((self.sentence, self.source_at, self.tail))
    }
}

/// The fragment of a multi-sentence message (`!xxVDM,n,k,` with
/// 2 ≤ `n` ≤ 9, 1 ≤ `k` ≤ `n`), with or without a tag block (but one
/// without a `g:` group field), otherwise as [`parse_single_fast`]: `Some`
/// only when the line is such a line with a valid checksum, and then
/// exactly what [`parse_line`] returns for it (there is no group). Anything
/// else is `None`, and [`parse_line`] decides.
#[cfg(test)]
#[inline(never)]
pub(crate) fn parse_fragment_fast(line: &[u8]) -> Option<Sentence<'_>> {
    parse_fragment_fast_with(line, &mut PlainTag)
}

/// [`parse_fragment_fast`] with the tag block read by `tag` (see
/// [`parse_fast_with`]).
#[inline(always)]
pub(crate) fn parse_fragment_fast_with<'a>(
    line: &'a [u8],
    tag: &mut impl TagReader,
) -> Option<Sentence<'a>> {
    parse_fast_with::<true>(line, &mut Groupless(tag))?
        .checked()
        .map(|(s, _, _)| s)
}

/// [`parse_single_fast`] with the tag block read by `tag` (see
/// [`parse_fast_with`]).
#[inline(always)]
pub(crate) fn parse_single_fast_with<'a>(
    line: &'a [u8],
    tag: &mut impl TagReader,
) -> Option<(Sentence<'a>, usize, &'a [u8])> {
    parse_fast_with::<false>(line, tag)?.checked()
}

/// Where the value of the tag block's `c:` field starts, when there is one
/// such field and its value is ten digits (`c:<epoch s>` of this century):
/// `line[d..d + 10]`, followed by `,` or `*`, inside the tag block
/// `line[..at]`.
pub(crate) fn c_digits(line: &[u8], at: usize) -> Option<usize> {
    let tag = line.get(..at)?;
    let (mut start, mut found) = (1, None);
    loop {
        if tag.get(start..start + 2) == Some(&b"c:"[..]) {
            if found.is_some() {
                return None;
            }
            let d = start + 2;
            let digits = tag.get(d..d + 10)?.iter().all(u8::is_ascii_digit);
            if !(digits && matches!(tag.get(d + 10), Some(b',' | b'*'))) {
                return None;
            }
            found = Some(d);
        }
        // The next field; the last one ends at the `*`.
        match tag.get(start..).and_then(|t| find(t, b',')) {
            Some(p) if start + p + 4 < at => start += p + 1,
            _ => return found,
        }
    }
}

/// Whether the tag block `line[..at]` has a `g:` (or `G:`) field.
pub(crate) fn has_group(line: &[u8], at: usize) -> bool {
    // From one `:` to the next (eight bytes at a time): a field starting
    // `g:` has its `:` after a `g` that starts the tag or follows a `,`.
    let tag = line.get(1..at).unwrap_or(&[]);
    let mut from = 0;
    while let Some(p) = tag.get(from..).and_then(|t| find(t, b':')) {
        let k = from + p;
        if k >= 1 && matches!(tag[k - 1], b'g' | b'G') && (k == 1 || tag[k - 2] == b',') {
            return true;
        }
        from = k + 1;
    }
    false
}

/// A tag block without a `g:` (or `G:`) field, as the inner reader gives
/// it: the fast framing does not read groups, which matter to fragments.
struct Groupless<'r, R>(&'r mut R);

impl<R: TagReader> TagReader for Groupless<'_, R> {
    #[inline(always)]
    fn read<'a>(&mut self, line: &'a [u8]) -> Option<TagFast<'a>> {
        let t = self.0.read(line)?;
        (!self.0.group(line, t.3)).then_some(t)
    }
}

/// [`parse_single_fast`] (`MULTI` false) and [`parse_fragment_fast`]
/// (`MULTI` true, called only on lines without a tag block).
#[cfg(test)]
#[inline(always)]
fn parse_fast<const MULTI: bool>(line: &[u8]) -> Option<Unchecked<'_>> {
    parse_fast_with::<MULTI>(line, &mut PlainTag)
}

/// How the fast framing reads a tag block (given the line, trimmed of
/// trailing blanks, which starts with `\\`): it must give what
/// [`tag_block`] gives.
pub(crate) trait TagReader {
    fn read<'a>(&mut self, line: &'a [u8]) -> Option<TagFast<'a>>;

    /// Whether the tag block `line[..at]`, the one last read, has a `g:`
    /// field ([`has_group`], which a reader may keep).
    fn group(&mut self, line: &[u8], at: usize) -> bool {
        has_group(line, at)
    }
}

/// [`tag_block`] itself.
#[cfg(test)]
pub(crate) struct PlainTag;

#[cfg(test)]
impl TagReader for PlainTag {
    #[inline(always)]
    fn read<'a>(&mut self, line: &'a [u8]) -> Option<TagFast<'a>> {
        tag_block(line)
    }
}

/// The tag block of `line` (which starts with `\\`): [`tag_fast`], else
/// [`tag_fields`]. `None` sends the line to the general path.
#[inline(always)]
pub(crate) fn tag_block(line: &[u8]) -> Option<TagFast<'_>> {
    match tag_fast(line) {
        Some(t) => Some(t),
        None => tag_fields(line),
    }
}

/// [`parse_fast`] with the tag block read by `tag`: [`tag_block`] or a
/// cache of it (`Decoder`'s).
#[inline(always)]
pub(crate) fn parse_fast_with<'a, const MULTI: bool>(
    line: &'a [u8],
    tag: &mut impl TagReader,
) -> Option<Unchecked<'a>> {
    let line = trim_end(line);
    let mut time_ms = None;
    let mut source = None;
    let mut source_at = 0;
    let mut at = 0;
    if line.first() == Some(&b'\\') {
        (time_ms, source, source_at, at) = tag.read(line)?;
    }
    let s = &line[at..];
    // `!xxVDM,1,1,` (or `,n,k,`) … `,f*hh`
    if s.len() < 20 || s[0] != b'!' {
        return None;
    }
    let (total, number, own_ship) = if MULTI {
        if &s[3..5] != b"VD" {
            return None;
        }
        let (t, k) = (s[7].wrapping_sub(b'0'), s[9].wrapping_sub(b'0'));
        if s[6] != b',' || s[8] != b',' || s[10] != b',' || !(2..=9).contains(&t) || k == 0 || k > t
        {
            return None;
        }
        let own_ship = match s[5] {
            b'M' => false,
            b'O' => true,
            _ => return None,
        };
        (t, k, own_ship)
    } else {
        // `VDM,1,1,` or `VDO,1,1,` as one 8-byte compare each.
        let w = u64::from_le_bytes(s[3..11].try_into().ok()?);
        let own_ship = if w == u64::from_le_bytes(*b"VDM,1,1,") {
            false
        } else if w == u64::from_le_bytes(*b"VDO,1,1,") {
            true
        } else {
            return None;
        };
        (1, 1, own_ship)
    };
    let talker = [s[1], s[2]];
    let m = s.len();
    let fill = s[m - 4].wrapping_sub(b'0');
    if s[m - 5] != b',' || fill > 5 || s[m - 3] != b'*' {
        return None;
    }
    let want = hex2(s[m - 2], s[m - 1])?;
    let mut p = 11;
    let seq_id = match (s[p], s[p + 1]) {
        (b',', _) => None,
        (d @ b'0'..=b'9', b',') => {
            p += 1;
            Some(d - b'0')
        }
        _ => return None,
    };
    p += 1;
    let channel = match (s[p], s[p + 1]) {
        (b',', _) => None,
        (c, b',') if ALNUM[c as usize] => {
            p += 1;
            Some(c)
        }
        _ => return None,
    };
    p += 1;
    // A `,` inside the payload: the general path takes the same payload
    // (the fields are split at the first four commas and the last), and
    // the de-armouring rejects it.
    let payload = s.get(p..m - 5)?;
    let sentence = Sentence {
        talker,
        own_ship,
        total,
        number,
        seq_id,
        channel,
        payload,
        fill,
        time_ms,
        source,
        group: None,
    };
    Some(Unchecked {
        sentence,
        source_at,
        tail: &s[p..],
        body: &s[1..m - 3],
        head: p - 1,
        want,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swar_helpers() {
        let s = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
        for n in [b'!', b'*', b',', b'Q', b'4', b'z'] {
            assert_eq!(find(s, n), s.iter().position(|&c| c == n));
        }
        for i in 0..s.len() {
            assert_eq!(xor(&s[..i]), s[..i].iter().fold(0, |a, &b| a ^ b));
        }
        let t = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A*";
        for i in 0..t.len() {
            for j in i..=t.len() {
                let b = &t[i..j];
                let want = (!b.contains(&b'*')).then(|| b.iter().fold(0, |a, &c| a ^ c));
                assert_eq!(xor_no_star(b), want, "{i} {j}");
            }
        }
    }

    #[test]
    fn scan32_is_bytewise() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            let mut b = [0u8; 32];
            for c in b.iter_mut() {
                crate::xorshift(&mut x);
                *c = if x.is_multiple_of(3) {
                    b",*\\"[(x >> 8) as usize % 3]
                } else {
                    (x >> 16) as u8
                };
            }
            let scan = scan32(&b);
            let mask = |c: u8| (0..32).fold(0u32, |m, i| m | ((b[i] == c) as u32) << i);
            assert_eq!(scan.star, mask(b'*'));
            assert_eq!(scan.backslash, mask(b'\\'));
            assert_eq!(scan.comma, mask(b','));
            for n in 0..=32 {
                assert_eq!(xor32_first(&b, n), xor(&b[..n]), "{n}");
            }
        }
    }

    /// The word-at-a-time tag block gives what the field-by-field one
    /// gives, whenever it answers, on tag blocks of every shape and
    /// mutations of them (checksums recomputed).
    #[test]
    fn tag_fast_is_tag_fields() {
        let hex = b"0123456789ABCDEF";
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut rng = move || {
            crate::xorshift(&mut x);
            x
        };
        let shapes: [&[u8]; 8] = [
            b"s:reencoded,c:1593475200",
            b"c:1593475200,s:2573238",
            b"c:1593475200",
            b"s:rORBCOMM104",
            b"g:1-2-3,s:x",
            b"s:,c:1",
            b"c:1593475200123,s:a-rather-long-source-name",
            b"x:1,y:2,c:1593475200",
        ];
        let alphabet = b",*\\:cs0139g";
        let (mut fast, mut agreed) = (0, 0);
        for i in 0..200_000 {
            let mut tag = shapes[i % shapes.len()].to_vec();
            for _ in 0..rng() % 3 {
                let at = (rng() % (tag.len() as u64 + 1)) as usize;
                let c = alphabet[(rng() % alphabet.len() as u64) as usize];
                match rng() % 3 {
                    0 if at < tag.len() => tag[at] = c,
                    1 => tag.insert(at, c),
                    _ if at < tag.len() => {
                        tag.remove(at);
                    }
                    _ => {}
                }
            }
            let sum = tag.iter().fold(0u8, |a, &b| a ^ b);
            let mut line = b"\\".to_vec();
            line.extend_from_slice(&tag);
            line.extend_from_slice(&[b'*', hex[(sum >> 4) as usize], hex[(sum & 15) as usize]]);
            if rng() % 8 == 0 {
                line[tag.len() + 2] ^= 1;
            }
            line.extend_from_slice(b"\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
            if let Some(t) = tag_fast(&line) {
                fast += 1;
                assert_eq!(
                    Some(t),
                    tag_fields(&line),
                    "{}",
                    String::from_utf8_lossy(&line)
                );
                agreed += 1;
            }
        }
        assert!(fast > 50_000 && agreed == fast, "{fast}");
    }

    #[test]
    fn has_group_is_bytewise() {
        let bytewise = |tag: &[u8]| {
            let mut field_start = true;
            for w in tag.windows(2) {
                if field_start && matches!(w[0], b'g' | b'G') && w[1] == b':' {
                    return true;
                }
                field_start = w[0] == b',';
            }
            false
        };
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..50_000 {
            crate::xorshift(&mut x);
            let n = (x % 24) as usize;
            let tag: Vec<u8> = (0..n)
                .map(|i| b"gG:,cs1"[((x >> (2 * i)) % 7) as usize])
                .collect();
            let mut line = b"\\".to_vec();
            line.extend_from_slice(&tag);
            assert_eq!(has_group(&line, line.len()), bytewise(&tag), "{tag:?}");
        }
    }

    /// Fragments with a tag block take the fast framing unless the tag
    /// block has a group (`g:`), and then give what `parse_line` gives.
    #[test]
    fn tagged_fragments() {
        let line = |tag: &str| {
            let body =
                "AIVDM,2,1,3,B,55NBjP01mtGIL@CW;SM<D60P5Ld000000000000P0000000000000000000000,0";
            let x = body.bytes().fold(0u8, |a, b| a ^ b);
            let t = tag.bytes().fold(0u8, |a, b| a ^ b);
            format!("\\{tag}*{t:02X}\\!{body}*{x:02X}")
        };
        for (tag, fast) in [
            ("c:1593475200", true),
            ("c:1593475200,s:rORBCOMM000", true),
            ("s:a,x:g:1,c:1", true),
            ("g:1-2-3,c:1593475200", false),
            ("c:1593475200,G:1-2-3", false),
            ("s:2573238,c:1733782034,g:1-2-77", false),
        ] {
            let l = line(tag);
            let s = parse_fragment_fast(l.as_bytes());
            assert_eq!(s.is_some(), fast, "{l}");
            let g = parse_line(l.as_bytes()).unwrap();
            assert_eq!(g.group.is_none(), fast, "{l}");
            if let Some(s) = s {
                assert_eq!(s, g, "{l}");
            }
        }
    }

    #[test]
    fn plain() {
        let s = parse_line(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n").unwrap();
        assert_eq!(s.total, 1);
        assert_eq!(s.channel, Some(b'A'));
        assert_eq!(s.payload, b"15RTgt0PAso;90TKcjM8h6g208CQ");
        assert_eq!(s.time_ms, None);
    }

    #[test]
    fn tag_block() {
        let s = parse_line(
            b"\\s:2573238,c:1733782034*0A\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F",
        )
        .unwrap();
        assert_eq!(s.talker, *b"BS");
        assert_eq!(s.time_ms, Some(1733782034000));
        assert_eq!(s.source, Some(&b"2573238"[..]));
        let bad = parse_line(
            b"\\s:2573238,c:1733782034*0B\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F",
        );
        assert_eq!(bad, Err(ErrorKind::BadChecksum));
    }

    #[test]
    fn group_and_trailing() {
        let s = parse_line(b"\\g:2-2-1278*51\\!AIVDM,2,2,3,A,888888888888880,2*27").unwrap();
        assert_eq!(
            s.group,
            Some(TagGroup {
                number: 2,
                total: 2,
                id: 1278
            })
        );
        let s = parse_line(b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118,t050056.00,T56.4837741,r003669946,1325394060,1325394001").unwrap();
        assert_eq!(s.time_ms, Some(1325394060000));
        let s =
            parse_line(b"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,1325394060123").unwrap();
        assert_eq!(s.time_ms, Some(1325394060123));
    }

    /// The fast reading of trailing fields gives what [`trailing_time`]
    /// gives, whenever it answers; it answers for USCG's fields.
    #[test]
    fn fields_time_is_trailing_time() {
        let pieces: [&[u8]; 12] = [
            b",s28089",
            b",d-103",
            b",T39.44353985",
            b",r08TPHI1",
            b",1272412827",
            b",",
            b"1",
            b",x",
            b", 1272412827",
            b",12724128270",
            b",\xe9t",
            b",Zz",
        ];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut answered = 0;
        for _ in 0..200_000 {
            crate::xorshift(&mut x);
            let mut t = Vec::new();
            for k in 0..x % 9 {
                t.extend_from_slice(pieces[(x >> (4 * k + 8)) as usize % pieces.len()]);
            }
            if x & (1 << 60) != 0 {
                t.extend_from_slice(b",1593475200");
            }
            if let Some(got) = fields_time(&t) {
                answered += 1;
                assert_eq!(got, trailing_time(&t), "{}", String::from_utf8_lossy(&t));
            }
        }
        assert!(answered > 10_000, "{answered}");
        assert_eq!(
            fields_time(b",s28089,d-103,T39.44353985,x147521,r08TPHI1,1242958962"),
            Some(Some(1_242_958_962_000))
        );
    }

    /// The kept column gives what [`lead_column`] gives, line after line,
    /// on columns that repeat or differ in their seconds, minutes, fraction
    /// or form.
    #[test]
    fn last_column_is_lead_column() {
        let mut last = LastColumn::default();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let seconds = ["00", "01", "07", "59", "60", "61", "99", "0x", "5", "005"];
        let (mut kept, mut n) = (0, 0);
        for _ in 0..100_000 {
            crate::xorshift(&mut x);
            let se = seconds[(x % 10) as usize];
            let mi = ["00", "01", "59"][(x >> 8) as usize % 3];
            let tail = ["Z", ".5Z", "+08:00", ".250-03:30", "", "z"][(x >> 12) as usize % 6];
            let sep = [",", ";", " , "][(x >> 16) as usize % 3];
            let col = match (x >> 20) % 8 {
                0 => format!("1593475{:03}{sep}", (x >> 24) % 1000),
                1 => format!("1593475200.{}{sep}", (x >> 24) % 10),
                2 => format!("2020-06-30T23:{mi}x{se}{tail}{sep}"),
                _ => format!("2020-06-30T23:{mi}:{se}{tail}{sep}"),
            };
            let line = format!("{col}!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
            let want = lead_column(line.as_bytes());
            assert_eq!(last.read(line.as_bytes()), want, "{line}");
            n += 1;
            kept += usize::from(want.is_some());
        }
        assert!(kept > n / 2, "{kept} of {n}");
    }

    #[test]
    fn leading_time() {
        let s = parse_line(b"1593475200,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A").unwrap();
        assert_eq!(s.time_ms, Some(1593475200000));
        let s = parse_line(b"2020-06-30T00:00:01Z,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")
            .unwrap();
        assert_eq!(s.time_ms, Some(1593475201000));
    }

    #[test]
    fn rejects() {
        assert_eq!(parse_line(b""), Err(ErrorKind::Empty));
        assert_eq!(
            parse_line(b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"),
            Err(ErrorKind::Unsupported)
        );
        assert_eq!(parse_line(b"# comment"), Err(ErrorKind::Unsupported));
        assert_eq!(
            parse_line(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B"),
            Err(ErrorKind::BadChecksum)
        );
    }
}
