//! The streaming decoder: one line in, at most one message out.
//!
//! Single-sentence messages are de-armoured straight from the line into a
//! reusable bit buffer, so a position report costs no allocation. Fragments
//! of multi-sentence messages wait in a small fixed table of slots, keyed by
//! (talker, VDM/VDO, total, sequence id, channel), which lets messages
//! interleave across channels and sequence ids; slots that wait too long
//! (in lines or in receive time) or that are pushed out by newer groups when
//! the table is full are dropped and counted, so memory stays bounded
//! whatever the input.

use std::num::NonZeroU8;

use crate::bits::{BitBuf, BitRead, Words, LEADING_ONES};
use crate::error::{DecodeError, ErrorKind};
use crate::framing::{
    c_digits, has_group, other_conventions, parse_fragment_fast_with, parse_line,
    parse_single_fast_with, parse_single_unchecked_with, tag_block, LastColumn, Sentence, TagFast,
    TagReader,
};
#[cfg(test)]
use crate::framing::{parse_fragment_fast, parse_single_fast, parse_single_unchecked};
use crate::messages::{self, Ctx, Message};

/// Longest source kept, in bytes; longer ones are cut (on a character
/// boundary). Receiver and station ids in the feeds we know are at most 11
/// bytes.
pub const SOURCE_MAX: usize = 28;

/// Tag-block source (`s:`), stored inline (up to [`SOURCE_MAX`] bytes) so
/// that a decoded message owns it without allocating.
///
/// 29 bytes with alignment 1: that makes [`Decoded`] 128 bytes, which the
/// compiler moves with a few vector moves instead of a `memcpy` call in
/// every caller (it calls `memcpy` above 128 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Source {
    buf: [u8; SOURCE_MAX],
    /// The length plus one: the niche makes `Option<Source>` 29 bytes.
    len1: NonZeroU8,
}

impl Source {
    /// From bytes; `None` when not UTF-8. Longer sources are cut at
    /// [`SOURCE_MAX`] bytes (on a character boundary).
    #[inline(always)]
    pub fn new(s: &[u8]) -> Option<Source> {
        if s.len() <= SOURCE_MAX && s.is_ascii() {
            // Fast path: every tag-blocked line carries one.
            let mut buf = [0; SOURCE_MAX];
            copy_small(&mut buf, s);
            return Some(Source {
                buf,
                len1: Self::len1(s.len()),
            });
        }
        Self::new_cut(s)
    }

    /// The source `line[at..at + len]`, read as one fixed-size block when
    /// the line goes on for [`SOURCE_MAX`] bytes from `at` (it does on a
    /// tag-blocked line: the sentence follows) and the bytes past the
    /// source masked off, so that there is no variable-length copy; both
    /// compile to a few vector instructions.
    #[inline(always)]
    fn from_line(line: &[u8], at: usize, len: usize) -> Option<Source> {
        let whole: Option<&[u8; SOURCE_MAX]> = line
            .get(at..at + SOURCE_MAX)
            .and_then(|b| b.try_into().ok());
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if let (Some(b), true) = (whole, len <= SOURCE_MAX) {
            // SAFETY: the intrinsics below need SSE2, which this block is
            // compiled only with (`target_feature = "sse2"`, on by default
            // for every x86_64 target); the unaligned 16-byte loads are at
            // 0 and 12 of the 28-byte array `b`, the 16- and 8-byte stores
            // at 0 and 16 of the 28-byte array `buf`: all inside them.
            unsafe {
                use std::arch::x86_64::*;
                // Bytes 0..16 and 12..28 (overlapping), each kept where its
                // index is below `len` (≤ 28).
                let lo = _mm_loadu_si128(b.as_ptr().cast());
                let hi = _mm_loadu_si128(b.as_ptr().add(12).cast());
                let lo = _mm_and_si128(lo, crate::bits::first_lanes(len));
                let hi = _mm_and_si128(hi, crate::bits::first_lanes(len.saturating_sub(12)));
                // ASCII only (as `new` requires); else `new` decides.
                if _mm_movemask_epi8(_mm_or_si128(lo, hi)) == 0 {
                    let mut buf = [0u8; SOURCE_MAX];
                    // Bytes 0..16, then 16..24 and 24..28 from `hi`
                    // (12..28): stores that do not overlap, so that a load
                    // that moves the source on does not need two of them
                    // (measured: about 1 ns less per tag-blocked line).
                    _mm_storeu_si128(buf.as_mut_ptr().cast(), lo);
                    _mm_storel_epi64(buf.as_mut_ptr().add(16).cast(), _mm_srli_si128::<4>(hi));
                    let last = _mm_cvtsi128_si32(_mm_srli_si128::<12>(hi)) as u32;
                    buf[24..].copy_from_slice(&last.to_le_bytes());
                    return Some(Source {
                        buf,
                        len1: Self::len1(len),
                    });
                }
            }
        }
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
        if let (Some(b), true) = (whole, len <= SOURCE_MAX) {
            // Three words and a half: bytes 0..8, 8..16, 16..24, 20..28
            // (the last overlapping), each masked to the source's length.
            let word = |from: usize| {
                let mut c = [0u8; 8];
                c.copy_from_slice(&b[from..from + 8]);
                let keep = len.saturating_sub(from).min(8);
                u64::from_le_bytes(c) & u64::MAX.checked_shr(64 - 8 * keep as u32).unwrap_or(0)
            };
            let w = [word(0), word(8), word(16), word(20)];
            if (w[0] | w[1] | w[2] | w[3]) & 0x8080_8080_8080_8080 == 0 {
                let mut buf = [0u8; SOURCE_MAX];
                buf[..8].copy_from_slice(&w[0].to_le_bytes());
                buf[8..16].copy_from_slice(&w[1].to_le_bytes());
                buf[16..24].copy_from_slice(&w[2].to_le_bytes());
                // Bytes 20..24 again, the same bytes masked the same way.
                buf[20..].copy_from_slice(&w[3].to_le_bytes());
                return Some(Source {
                    buf,
                    len1: Self::len1(len),
                });
            }
        }
        Self::new(line.get(at..at + len)?)
    }

    /// [`Source::from_line`] out of line: on the fast path, the source
    /// is the tag cache's unless the tag block was too long to cache.
    #[inline(never)]
    fn from_line_cold(line: &[u8], at: usize, len: usize) -> Option<Source> {
        Self::from_line(line, at, len)
    }

    #[inline(always)]
    fn len1(len: usize) -> NonZeroU8 {
        NonZeroU8::new(len.min(SOURCE_MAX) as u8 + 1).unwrap_or(NonZeroU8::MIN)
    }

    #[inline(never)]
    fn new_cut(s: &[u8]) -> Option<Source> {
        let s = std::str::from_utf8(s).ok()?;
        let mut end = s.len().min(SOURCE_MAX);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let mut buf = [0; SOURCE_MAX];
        buf[..end].copy_from_slice(&s.as_bytes()[..end]);
        Some(Source {
            buf,
            len1: Self::len1(end),
        })
    }

    /// The source as text.
    pub fn as_str(&self) -> &str {
        // Built from a &str cut at a char boundary.
        let len = (self.len1.get() - 1) as usize;
        std::str::from_utf8(&self.buf[..len.min(SOURCE_MAX)]).unwrap_or("")
    }
}

/// Copy ≤ [`SOURCE_MAX`] bytes with two overlapping fixed-size moves
/// instead of a variable-length `memcpy` call.
#[inline(always)]
fn copy_small(dst: &mut [u8; SOURCE_MAX], src: &[u8]) {
    let n = src.len();
    if n >= 16 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[n - 16..n].copy_from_slice(&src[n - 16..]);
    } else if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..n].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..n].copy_from_slice(&src[n - 4..]);
    } else {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decoded message with where and when it was received.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The message.
    pub message: Message,
    /// Receive time, epoch milliseconds UTC, when the line carried one;
    /// `None` means the caller should use its ingest clock.
    pub received_at: Option<i64>,
    /// Tag-block source (receiver / station id), if any.
    pub source: Option<Source>,
    /// Radio channel as sent (`b'A'`, `b'B'`, …).
    pub channel: Option<u8>,
    /// From a `VDO` sentence (own ship) rather than `VDM`.
    pub own_ship: bool,
}

impl Decoded {
    /// The decoder's empty slot (no line has this message: its drop does
    /// nothing).
    const EMPTY: Decoded = Decoded {
        message: Message::EMPTY,
        received_at: None,
        source: None,
        channel: None,
        own_ship: false,
    };

    /// The receive time, or `ingest_ms` (the caller's clock) when the line
    /// carried none — the FORMATS.md rule.
    pub fn time_or(&self, ingest_ms: i64) -> i64 {
        self.received_at.unwrap_or(ingest_ms)
    }
}

/// Limits of the reassembly table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecoderConfig {
    /// Incomplete multi-sentence groups held at once; the oldest is dropped
    /// when a new group needs room.
    pub max_pending: usize,
    /// A group not completed within this many lines is dropped.
    pub max_age_lines: u64,
    /// A group whose next fragment arrives more than this many ms (receive
    /// time) after its first is dropped.
    pub max_age_ms: i64,
}

impl Default for DecoderConfig {
    fn default() -> Self {
        DecoderConfig {
            max_pending: 32,
            max_age_lines: 1000,
            max_age_ms: 60_000,
        }
    }
}

/// Counters kept by the decoder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// Lines fed.
    pub lines: u64,
    /// Messages decoded.
    pub messages: u64,
    /// Messages decoded, by type (index = type; 0 unused).
    pub by_type: [u64; 28],
    /// Errors by kind (index = `ErrorKind as usize`); `OutOfRange` counts
    /// fields, `ExpiredFragment` counts dropped groups.
    pub errors: [u64; ErrorKind::COUNT],
    /// Multi-sentence fragments accepted and waiting.
    pub fragments: u64,
}

impl Stats {
    /// Count of one error kind.
    pub fn error(&self, kind: ErrorKind) -> u64 {
        self.errors[kind as usize]
    }
}

/// One-line summary for logs: `lines 8551 messages 4051 types 1:2511 … errors unsupported:4051`.
impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "lines {} messages {} types", self.lines, self.messages)?;
        for (t, n) in self.by_type.iter().enumerate().filter(|(_, n)| **n > 0) {
            write!(f, " {t}:{n}")?;
        }
        f.write_str(" errors")?;
        for k in ErrorKind::ALL {
            if self.error(k) > 0 {
                write!(f, " {}:{}", k.name(), self.error(k))?;
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    talker: [u8; 2],
    own: bool,
    total: u8,
    seq: Option<u32>,
    channel: Option<u8>,
}

/// What a completed multi-sentence group gives its message (the payload
/// is in the decoder's bit buffer).
struct Completed {
    time: Option<i64>,
    source: Option<Source>,
    channel: Option<u8>,
    own_ship: bool,
}

struct Slot {
    key: Key,
    next: u8,
    chars: Vec<u8>,
    fill: u8,
    time: Option<i64>,
    source: Option<Source>,
    line: u64,
}

/// The last tag block the fast path read, when it lies within the line's
/// first 33 bytes (`\\s:…,c:…*hh\\` of up to 31 characters inside): a
/// line whose first bytes are the same carries the same tag block, and
/// [`tag_block`] gives the same for it, so it is not read again. Feeds
/// repeat it (the same receiver and second) on about half their lines.
#[derive(Clone, Copy)]
struct TagCache {
    /// `line[1..33]` of the line it was read from, as four little-endian
    /// words, each masked with `mask` (the bytes `line[1..at]`, which hold
    /// the whole tag block); all-zero masks when empty.
    words: [u64; 4],
    mask: [u64; 4],
    /// What [`tag_block`] gave, the source as an offset and a length.
    time_ms: Option<i64>,
    source: Option<(usize, usize)>,
    source_at: usize,
    at: usize,
    /// The source as `Source::from_line` gives it.
    built: Option<Source>,
    /// Whether the tag block has a `g:` field, once asked.
    group: Option<bool>,
    /// When the first `c:` field's value is ten digits at `line[d..]`: `d`,
    /// and `mask` less the last four of those digits and the two checksum
    /// digits. A line that differs from the cached one only there (a new
    /// second from the same receiver, within the same 10,000 s) has the
    /// same tag block but for the time, if its checksum matches.
    time_at: Option<usize>,
    shape: [u64; 4],
    /// The time of the first six digits (the last four zero), in ms.
    base_ms: i64,
    /// The XOR of the tag block's bytes but the last four digits: a new
    /// second's checksum is this and the XOR of its four.
    rest_xor: u8,
    /// When the tag block has an `s:` source of 1..=16 bytes within the
    /// first 16 of the window (and a `c:` time as above): the source's
    /// offset in the window, and `shape` less the source's bytes. A line
    /// that differs from the cached one only in those, the time's last
    /// four digits and the checksum (another station of the same feed, of
    /// the same length, within the same 10,000 s) has the cached tag block
    /// but for the source and the time, if its source holds no delimiter
    /// and its checksum matches. Feeds that merge many stations (the
    /// Kystverket feed) change the source on most lines.
    source_window: Option<usize>,
    source_shape: [u64; 4],
    /// `rest_xor` less the source's bytes.
    rest_xor_sourceless: u8,
    /// Whether the fields above are the last line's (a line whose tag
    /// block went past the compared bytes leaves the cache as it was).
    current: bool,
}

/// A byte as two upper-case hex digits (a checksum as written).
static HEX_UPPER: [[u8; 2]; 256] = {
    let hex = b"0123456789ABCDEF";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [hex[i >> 4], hex[i & 15]];
        i += 1;
    }
    t
};

impl Default for TagCache {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl TagCache {
    /// The empty cache: zero masks and a non-zero first word, which no
    /// line's masked bytes (all zero) equal, so that `read` needs no check
    /// for an empty cache.
    const EMPTY: TagCache = TagCache {
        words: [u64::MAX, 0, 0, 0],
        mask: [0; 4],
        time_ms: None,
        source: None,
        source_at: 0,
        at: 0,
        built: None,
        group: None,
        time_at: None,
        shape: [0; 4],
        base_ms: 0,
        rest_xor: 0,
        source_window: None,
        source_shape: [0; 4],
        rest_xor_sourceless: 0,
        current: false,
    };

    #[inline(always)]
    fn load(b: &[u8; 32]) -> [u64; 4] {
        crate::framing::words32(b)
    }

    /// The mask of the first `n` (≤ 32) bytes of four words.
    #[inline(always)]
    fn mask(n: usize) -> [u64; 4] {
        let from = 32 - n.min(32);
        match LEADING_ONES
            .get(from..from + 32)
            .and_then(|b| b.try_into().ok())
        {
            Some(b) => Self::load(b),
            None => [0; 4],
        }
    }

    /// [`tag_block`] into `time_ms`, `source`, `source_at` and `at`
    /// (`false` when there is none: the cache is then as it was), and the
    /// cache filled with it when the tag block is inside the bytes
    /// compared (else emptied). The answer is left in the fields rather
    /// than returned so that the caller reads it from one place whether
    /// the cache hit or not, not from a returned copy in memory.
    #[cold]
    #[inline(never)]
    fn fill_read(&mut self, line: &[u8], b: &[u8; 32]) -> bool {
        // Another source (station) of the same length, maybe another
        // second: no need to read the tag block whole. (Here, with the
        // whole read in a function of its own: a feed of many stations
        // takes this on most lines, and a small function's call costs
        // less.)
        if self.source_window.is_some() {
            let w = Self::load(b);
            let m = self.mask;
            let masked = [w[0] & m[0], w[1] & m[1], w[2] & m[2], w[3] & m[3]];
            if self.new_source(line, b, masked).is_some() {
                return true;
            }
        }
        self.fill_read_whole(line, b)
    }

    /// [`TagCache::fill_read`] reading the tag block whole.
    #[cold]
    #[inline(never)]
    fn fill_read_whole(&mut self, line: &[u8], b: &[u8; 32]) -> bool {
        let w = Self::load(b);
        let t = tag_block(line);
        self.current = false;
        let Some((time_ms, source, source_at, at)) = t else {
            return false;
        };
        // The tag block is `line[..at]`; bytes 1..at compared.
        if !(2..=33).contains(&at) {
            // Not cached: the answer only, and no line matches the empty
            // masks (nothing masked equals the words of `EMPTY`).
            self.mask = [0; 4];
            self.words = Self::EMPTY.words;
            self.time_at = None;
            self.source_window = None;
            self.time_ms = time_ms;
            self.source = source.map(|v| (source_at, v.len()));
            self.source_at = source_at;
            self.at = at;
            return true;
        }
        let mask = Self::mask(at - 1);
        *self = TagCache {
            words: std::array::from_fn(|i| w[i] & mask[i]),
            mask,
            time_ms,
            source: source.map(|v| (source_at, v.len())),
            source_at,
            at,
            built: source.and_then(|v| Source::from_line(line, source_at, v.len())),
            current: true,
            ..Self::EMPTY
        };
        if let Some(d) = time_ms.and_then(|_| c_digits(line, at)) {
            // Bytes of the window `line[1..33]`: the last four digits at
            // d + 5.., the checksum's at at - 4 and at - 3.
            let mut keep = [0u8; 32];
            keep[..at - 1].fill(0xff);
            keep[d + 5..d + 9].fill(0);
            keep[at - 4..at - 2].fill(0);
            self.time_at = Some(d);
            self.shape = Self::load(&keep);
            let digits = line.get(d..d + 10).unwrap_or(&[]);
            self.base_ms = digits
                .iter()
                .take(6)
                .fold(0i64, |a, &c| a * 10 + (c - b'0') as i64)
                * 10_000_000;
            // The checksum matched (`tag_block` read it): the XOR of every
            // byte between `\\` and `*`, less the last four digits'.
            self.rest_xor = line
                .get(1..at - 4)
                .unwrap_or(&[])
                .iter()
                .fold(0, |a, &c| a ^ c)
                ^ digits.iter().skip(6).fold(0, |a, &c| a ^ c);
            if let Some((s_at, len)) = self.source {
                // The source's bytes are `line[s_at..s_at + len]`, the
                // window's from `s_at - 1`; within the window's first 16
                // bytes, apart from the time's digits (it is another field).
                let w_at = s_at.wrapping_sub(1);
                if (1..=16).contains(&len) && w_at + 16 <= 32 && w_at + len < at {
                    keep[w_at..w_at + len].fill(0);
                    self.source_shape = Self::load(&keep);
                    self.source_window = Some(w_at);
                    self.rest_xor_sourceless = line[s_at..s_at + len]
                        .iter()
                        .fold(self.rest_xor, |a, &c| a ^ c);
                }
            }
        }
        true
    }

    /// The tag block the cache holds, as [`tag_block`] gives it for
    /// `line` (the line it was read from).
    #[inline(always)]
    fn answer<'a>(&self, line: &'a [u8]) -> Option<TagFast<'a>> {
        let source = match self.source {
            Some((at, len)) => Some(line.get(at..at + len)?),
            None => None,
        };
        Some((self.time_ms, source, self.source_at, self.at))
    }

    /// The cached tag block with a new `c:` time, when the line's window
    /// `b` (its words under `mask`: `w`) differs from the cached one only in the last
    /// four digits of the time and the checksum, those are digits and the
    /// checksum matches, in upper-case hex (lower case goes to
    /// [`TagCache::fill_read`], which reads it); the cache then holds the
    /// line's tag block. Any second within the cached 10,000, not only the
    /// next one: a compare, four digits as one word, no loop and no call.
    #[inline(always)]
    fn new_time(&mut self, b: &[u8; 32], w: [u64; 4]) -> Option<()> {
        self.time_at?;
        if !Self::same_under(w, self.words, self.shape) {
            return None;
        }
        let secs = self.four_digits_checked(b, self.rest_xor)?;
        self.words = w;
        self.time_ms = Some(self.base_ms + secs as i64 * 1000);
        self.current = true;
        Some(())
    }

    /// [`TagCache::new_time`] for a line whose source differs from the
    /// cached one too (same length and place; see `source_window`): the
    /// cache then holds the line's tag block, its source built anew.
    #[inline(always)]
    fn new_source(&mut self, line: &[u8], b: &[u8; 32], w: [u64; 4]) -> Option<()> {
        let at = self.source_window?;
        if !Self::same_under(w, self.words, self.source_shape) {
            return None;
        }
        let (s_at, len) = self.source?;
        let x = source_xor(b, at, len)?;
        let secs = self.four_digits_checked(b, self.rest_xor_sourceless ^ x)?;
        self.words = w;
        self.rest_xor = self.rest_xor_sourceless ^ x;
        self.time_ms = Some(self.base_ms + secs as i64 * 1000);
        self.built = Source::from_line(line, s_at, len);
        self.current = true;
        Some(())
    }

    /// Whether `w` and `cached` are equal under `m`.
    #[inline(always)]
    fn same_under(w: [u64; 4], cached: [u64; 4], m: [u64; 4]) -> bool {
        let diff = ((w[0] ^ cached[0]) & m[0])
            | ((w[1] ^ cached[1]) & m[1])
            | ((w[2] ^ cached[2]) & m[2])
            | ((w[3] ^ cached[3]) & m[3]);
        diff == 0
    }

    /// The seconds of the time's last four digits in the window `b`, when
    /// they are digits and the checksum, `rest` (the XOR of the other
    /// bytes) and theirs, is the line's in upper-case hex.
    #[inline(always)]
    fn four_digits_checked(&self, b: &[u8; 32], rest: u8) -> Option<u32> {
        let d = self.time_at?;
        // The last four digits are `line[d + 6..d + 10]`, the window's
        // from `d + 5`.
        // (Below 29 in a cached tag block: `min` only tells the compiler,
        // which then checks no bounds.)
        let i = (d + 5).min(28);
        let four: [u8; 4] = b[i..i + 4].try_into().ok()?;
        let x = u32::from_le_bytes(four);
        let secs = crate::time::four_digits(x)?;
        // The checksum: the unchanged bytes' XOR (cached) and the four
        // digits', folded.
        let mut f = x ^ (x >> 16);
        f ^= f >> 8;
        let sum = rest ^ f as u8;
        // Its two digits, `line[at - 3..at - 1]`, the window's from `at - 4`.
        let j = self.at.wrapping_sub(4).min(30);
        (b[j..j + 2] == HEX_UPPER[sum as usize]).then_some(secs)
    }
}

/// The XOR of the `len` (1..=16) bytes of `b` from `at` (≤ 16), when none
/// of them is a tag-block delimiter (`,`, `*` or `\\`): those would end
/// the source where [`tag_block`] reads another field.
#[inline(always)]
fn source_xor(b: &[u8; 32], at: usize, len: usize) -> Option<u8> {
    let v: &[u8; 16] = b.get(at..at + 16)?.try_into().ok()?;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: the intrinsics below need SSE2, which this block is compiled
    // only with (`target_feature = "sse2"`, on by default for every x86_64
    // target); the unaligned load reads the 16-byte array `v`.
    unsafe {
        use std::arch::x86_64::*;
        let x = _mm_and_si128(
            _mm_loadu_si128(v.as_ptr().cast()),
            crate::bits::first_lanes(len),
        );
        let delim = _mm_or_si128(
            _mm_or_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b',' as i8)),
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b'*' as i8)),
            ),
            _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8)),
        );
        if _mm_movemask_epi8(delim) != 0 {
            return None;
        }
        Some(crate::bits::fold_xor(x))
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let src = v.get(..len)?;
        if src.iter().any(|c| matches!(c, b',' | b'*' | b'\\')) {
            return None;
        }
        Some(src.iter().fold(0, |a, &c| a ^ c))
    }
}

impl TagReader for TagCache {
    /// [`tag_block`] of `line` (which starts with `\\`), from the cache
    /// when its bytes are the cached ones.
    #[inline(always)]
    fn read<'a>(&mut self, line: &'a [u8]) -> Option<TagFast<'a>> {
        let b: Option<&[u8; 32]> = line.get(1..33).and_then(|b| b.try_into().ok());
        let Some(b) = b else {
            self.current = false;
            return tag_block(line);
        };
        let w = Self::load(b);
        let m = self.mask;
        let w = [w[0] & m[0], w[1] & m[1], w[2] & m[2], w[3] & m[3]];
        let diff = (w[0] ^ self.words[0])
            | (w[1] ^ self.words[1])
            | (w[2] ^ self.words[2])
            | (w[3] ^ self.words[3]);
        // The new-time path first, also when the time is the cached one:
        // whether a line repeats the last second is a coin toss in a feed
        // (a quarter of the NY week's lines, two thirds of the NY hour's),
        // and a branch on it is mispredicted; the same path for both costs
        // more instructions but less time (see the README, round 9). The
        // exact compare is for tag blocks without a `c:` time of ten digits.
        // (An empty cache has zero masks and words that are not.)
        if self.new_time(b, w).is_some() {
        } else if diff == 0 {
            self.current = true;
        } else if !self.fill_read(line, b) {
            return None;
        }
        self.answer(line)
    }

    fn group(&mut self, line: &[u8], at: usize) -> bool {
        if !self.current {
            return has_group(line, at);
        }
        *self.group.get_or_insert_with(|| has_group(line, at))
    }
}

/// The tag cache on a line that `decode_line` has read already: when the
/// cache holds the line's tag block (`current`), its answer as it is,
/// with no compare of the line's bytes again (the general path frames a
/// fragment, whose first sentence often carries a tag block).
struct Known<'c>(&'c mut TagCache);

impl TagReader for Known<'_> {
    #[inline(always)]
    fn read<'a>(&mut self, line: &'a [u8]) -> Option<TagFast<'a>> {
        match self.0.current {
            true => self.0.answer(line),
            false => self.0.read(line),
        }
    }

    fn group(&mut self, line: &[u8], at: usize) -> bool {
        self.0.group(line, at)
    }
}

/// What the fast path read from a line besides the payload.
struct Meta {
    time_ms: Option<i64>,
    source: Option<Source>,
    channel: Option<u8>,
    own_ship: bool,
}

impl Meta {
    /// `message` with the line's time, source, channel and VDO flag.
    #[inline(always)]
    fn with(self, message: Message) -> Decoded {
        Decoded {
            message,
            received_at: self.time_ms,
            source: self.source,
            channel: self.channel,
            own_ship: self.own_ship,
        }
    }

    /// The same beside the message already decoded into `last`.
    #[inline(always)]
    fn write_beside(self, last: &mut Decoded) {
        last.received_at = self.time_ms;
        last.source = self.source;
        last.channel = self.channel;
        last.own_ship = self.own_ship;
    }
}

/// How [`Decoder::decode_with`] answers: with the message moved out
/// ([`Moved`]) or left in the decoder's `last` ([`Lent`]).
trait Answer: Sized {
    type R;
    /// The answer of a payload the fast path de-armoured (`t` its type
    /// field, `m` the rest of the line).
    fn hot(
        d: &mut Decoder,
        w: &Words,
        cx: &mut Ctx,
        t: usize,
        m: Meta,
    ) -> Result<Option<Self::R>, DecodeError>;
    /// The answer of any other line.
    fn general(d: &mut Decoder, line: &[u8]) -> Result<Option<Self::R>, DecodeError>;
    /// The answer of a payload in the bit buffer (`b`), off the fast path.
    fn decoded(d: Out<'_>, b: &impl BitRead, m: Meta) -> Result<Option<Self::R>, DecodeError>;
}

/// What an [`Answer`] off the fast path writes: the decoder's fields but
/// its bit buffer, which the payload is read from meanwhile.
struct Out<'a> {
    last: &'a mut Decoded,
    spare: &'a mut messages::Spare,
    heap: &'a mut bool,
    stats: &'a mut Stats,
}

impl Out<'_> {
    #[inline]
    fn count(&mut self, kind: ErrorKind) -> DecodeError {
        self.stats.errors[kind as usize] += 1;
        kind.into()
    }
}

/// [`Decoder::decode_line`]'s answer: the message built where it is
/// returned.
struct Moved;

impl Answer for Moved {
    type R = Decoded;

    #[inline(always)]
    fn general(d: &mut Decoder, line: &[u8]) -> Result<Option<Decoded>, DecodeError> {
        d.decode_line_general(line)
    }

    #[inline(always)]
    fn hot(
        d: &mut Decoder,
        w: &Words,
        cx: &mut Ctx,
        t: usize,
        m: Meta,
    ) -> Result<Option<Decoded>, DecodeError> {
        match messages::decode_hot(w, cx) {
            Ok(message) => {
                tally_type(&mut d.stats, t, cx);
                Ok(Some(m.with(message)))
            }
            Err(kind) => Err(d.count(kind)),
        }
    }

    #[inline(always)]
    fn decoded(mut d: Out<'_>, b: &impl BitRead, m: Meta) -> Result<Option<Decoded>, DecodeError> {
        let mut cx = Ctx::default();
        // The type field is the decoded message's `msg_type()` (as on the
        // fast path): no jump on the variant.
        let t = b.u8(0, 6) as usize;
        match messages::decode(b, &mut cx) {
            Ok(message) => {
                tally_type(d.stats, t, &cx);
                Ok(Some(m.with(message)))
            }
            Err(kind) => Err(d.count(kind)),
        }
    }
}

/// [`Decoder::decode_line_ref`]'s answer: the message written into the
/// decoder's `last`.
struct Lent;

impl Answer for Lent {
    type R = ();

    #[inline(always)]
    fn general(d: &mut Decoder, line: &[u8]) -> Result<Option<()>, DecodeError> {
        d.decode_line_general_lent(line)
    }

    #[inline(always)]
    fn hot(
        d: &mut Decoder,
        w: &Words,
        cx: &mut Ctx,
        t: usize,
        m: Meta,
    ) -> Result<Option<()>, DecodeError> {
        d.clear_last();
        match messages::decode_hot_into(w, cx, &mut d.last.message, &mut d.heap, &mut d.spare) {
            Ok(()) => {
                tally_type(&mut d.stats, t, cx);
                m.write_beside(&mut d.last);
                Ok(Some(()))
            }
            Err(kind) => Err(d.count(kind)),
        }
    }

    #[inline(always)]
    fn decoded(mut d: Out<'_>, b: &impl BitRead, m: Meta) -> Result<Option<()>, DecodeError> {
        let mut cx = Ctx::default();
        let t = b.u8(0, 6) as usize;
        match messages::decode_into(b, &mut cx, &mut d.last.message, d.heap, d.spare) {
            Ok(()) => {
                tally_type(d.stats, t, &cx);
                m.write_beside(d.last);
                Ok(Some(()))
            }
            Err(kind) => Err(d.count(kind)),
        }
    }
}

/// Streaming AIS decoder. Feed it lines with [`Decoder::decode_line`].
pub struct Decoder {
    cfg: DecoderConfig,
    bits: BitBuf,
    slots: Vec<Slot>,
    free: Vec<Vec<u8>>,
    stats: Stats,
    tag: TagCache,
    /// The last leading time column of another form than `<epoch s>,`.
    column: LastColumn,
    /// Where each message is decoded: lent by [`Decoder::decode_line_ref`],
    /// moved out by [`Decoder::decode_line`].
    last: Decoded,
    /// The boxes of the last type 5 and type 24 messages `last` held, for
    /// the next ones.
    spare: messages::Spare,
    /// Whether `last`'s message may own heap memory (is not
    /// [`Message::is_plain`]).
    heap: bool,
    /// Whether the fast path for common single-sentence lines is tried
    /// first (off only in the tests that compare it with the general path,
    /// so it exists only in test builds: elsewhere [`Decoder::fast`] is a
    /// constant and the check costs nothing).
    #[cfg(test)]
    fast: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// Decoder with default limits.
    pub fn new() -> Self {
        Self::with_config(DecoderConfig::default())
    }

    /// Decoder with the given limits.
    pub fn with_config(cfg: DecoderConfig) -> Self {
        Decoder {
            cfg: DecoderConfig {
                max_pending: cfg.max_pending.max(1),
                ..cfg
            },
            bits: BitBuf::new(),
            slots: Vec::new(),
            free: Vec::new(),
            stats: Stats::default(),
            tag: TagCache::default(),
            column: LastColumn::default(),
            last: Decoded::EMPTY,
            spare: messages::Spare::default(),
            heap: false,
            #[cfg(test)]
            fast: true,
        }
    }

    /// Whether the fast path is tried first: always, but in the tests that
    /// turn it off.
    #[inline(always)]
    fn fast(&self) -> bool {
        #[cfg(test)]
        return self.fast;
        #[cfg(not(test))]
        true
    }

    /// Counters so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Number of incomplete multi-sentence groups held.
    pub fn pending(&self) -> usize {
        self.slots.len()
    }

    /// Decode one line (with or without its line ending).
    ///
    /// `Ok(Some(_))`: a complete message. `Ok(None)`: a fragment was stored,
    /// waiting for the rest. `Err(_)`: the line was counted and skipped; the
    /// stream can always continue. Never panics.
    ///
    /// The message is moved out of the decoder; [`Decoder::decode_line_ref`]
    /// lends it instead, which saves that move (and reuses the box of a
    /// type 5 message).
    #[inline(always)]
    pub fn decode_line(&mut self, line: &[u8]) -> Result<Option<Decoded>, DecodeError> {
        self.decode_with::<Moved>(line)
    }

    /// [`Decoder::decode_line`], with the message lent rather than moved
    /// out: it stays in the decoder until the next line.
    #[inline(always)]
    pub fn decode_line_ref(&mut self, line: &[u8]) -> Result<Option<&Decoded>, DecodeError> {
        match self.decode_with::<Lent>(line) {
            Ok(Some(())) => Ok(Some(&self.last)),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Make `last` hold a message whose drop does nothing, so that the
    /// fast path may write over it without a call to drop it.
    #[inline(always)]
    fn clear_last(&mut self) {
        // A flag rather than `is_plain` on the message: one compare of a
        // byte instead of the decoding of the enum's niche.
        if self.heap {
            self.clear_last_cold();
        }
    }

    #[cold]
    #[inline(never)]
    fn clear_last_cold(&mut self) {
        self.heap = false;
        self.spare
            .keep(std::mem::replace(&mut self.last.message, Message::EMPTY));
    }

    /// [`Decoder::decode_line`] and [`Decoder::decode_line_ref`]: the fast
    /// path inline, with `hot` making the answer of a payload it has
    /// de-armoured into registers (`t` its type field, `m` the rest of the
    /// line), and `general` the answer of any other line.
    #[inline(always)]
    fn decode_with<A: Answer>(&mut self, line: &[u8]) -> Result<Option<A::R>, DecodeError> {
        self.stats.lines += 1;
        if self.fast() {
            // The common case, inlined into the caller so that the decoded
            // message is built where the caller keeps it: a short
            // single-sentence message on a common line, de-armoured into
            // registers.
            if let Some(r) = self.single_fast::<A>(line, None) {
                return r;
            }
            // A `$` sentence other than `$xxVD…` (`$PGHP`, `$GPRMC`: half of a
            // receiver stream) is `Unsupported`, as `parse_line` would say after
            // trimming and looking for a tag block: a line starting with `$`
            // has neither leading blanks nor a tag block, and trailing blanks
            // only make it shorter. Answered here, without the call (the
            // general decoder of the differential test asks `parse_line`).
            if let [b'$', _, _, c3, c4, ..] = *line {
                if line.len() < 7 || [c3, c4] != *b"VD" {
                    return Err(self.count(ErrorKind::Unsupported));
                }
            }
        }
        A::general(self, line)
    }

    /// The common case of [`Decoder::decode_with`]: a short
    /// single-sentence message on a line the fast framing takes, its
    /// payload de-armoured into registers. `time` is the line's when its
    /// tag block gives none (a leading column's or trailing field's,
    /// which the caller has cut off). `None` when not taken.
    #[inline(always)]
    fn single_fast<A: Answer>(
        &mut self,
        line: &[u8],
        time: Option<i64>,
    ) -> Option<Result<Option<A::R>, DecodeError>> {
        if let Some(u) = parse_single_unchecked_with(line, &mut self.tag) {
            let (s, source_at, tail) = (u.sentence, u.source_at, u.tail);
            let n = s.payload.len();
            // The sentence checksum: with the payload's loads when the
            // payload is a position report's (no `*` in it then: it is
            // armoured; nor elsewhere but maybe in the talker, checked
            // here), else over the sentence as `parse_single_fast`.
            let fused = match u.body.get(..16) {
                Some(h) if u.body[0] != b'*' && u.body[1] != b'*' => {
                    Words::in_line_xor(tail, n, s.fill, h.try_into().unwrap_or(&[0; 16]), u.head)
                }
                _ => None,
            };
            let words = match fused {
                // The payload, then `,f` before the `*`.
                Some((w, x)) => (x ^ b',' ^ (b'0' + s.fill) == u.want).then_some(w),
                // (A `match` rather than `and_then`: the compiler may
                // leave a closure out of line, and did once other code
                // of the tag cache grew.)
                None => match u.checked() {
                    Some(_) => Words::in_line(tail, n, s.fill),
                    None => None,
                },
            };
            if let Some(w) = words {
                // The source first: the line and its offsets are then
                // no longer live while the message is decoded (fewer
                // spills; measured: a fifth less time per NY line).
                let source = match s.source {
                    Some(_) if self.tag.current => self.tag.built,
                    Some(v) => Source::from_line_cold(line, source_at, v.len()),
                    None => None,
                };
                let mut cx = Ctx::default();
                // The type field is the decoded message's `msg_type()`:
                // counted from the bits, with no jump on the variant.
                let t = w.u8(0, 6) as usize;
                let m = Meta {
                    time_ms: s.time_ms.or(time),
                    source,
                    channel: s.channel,
                    own_ship: s.own_ship,
                };
                return Some(A::hot(self, &w, &mut cx, t, m));
            }
        }
        None
    }

    /// Everything but the common case of [`Decoder::decode_line`]
    /// (non-generic: compiled in this crate, where what it calls may be
    /// inlined into it).
    #[inline(never)]
    fn decode_line_general(&mut self, line: &[u8]) -> Result<Option<Decoded>, DecodeError> {
        self.general::<Moved>(line)
    }

    /// [`Decoder::decode_line_general`] of [`Decoder::decode_line_ref`].
    #[inline(never)]
    fn decode_line_general_lent(&mut self, line: &[u8]) -> Result<Option<()>, DecodeError> {
        self.general::<Lent>(line)
    }

    /// Everything but the common case, answered as `A` answers.
    #[inline(always)]
    fn general<A: Answer>(&mut self, whole: &[u8]) -> Result<Option<A::R>, DecodeError> {
        if self.fast() {
            // A line with a leading time column or fields after the
            // checksum: the sentence in it through the same fast framings,
            // with the time they give.
            // (Not called for a line that starts with no digit and ends
            // with a checksum: most lines here, fragments.)
            let n = whole.len();
            let plain = whole.first().is_some_and(|c| !c.is_ascii_digit())
                && n >= 3
                && whole[n - 3] == b'*';
            let other = match plain {
                true => None,
                false => other_conventions(whole, &mut self.column),
            };
            let (line, time) = match other {
                Some((sub, time)) => {
                    if let Some(r) = self.single_fast::<A>(sub, time) {
                        return r;
                    }
                    (sub, time)
                }
                None => (whole, None),
            };
            // A fragment (`!xxVDM,n,k,` with `n` > 1, maybe after a tag
            // block) is framed as one first; the two fast framings take
            // lines apart (`,1,1,` and not), so the order changes nothing.
            // The tag block, read by `decode_line`, is in the cache, and
            // with it where the sentence starts: a total of `1` there is
            // no fragment.
            let at = match line.first() {
                Some(b'!') => Some(0),
                Some(b'\\') if self.tag.current => Some(self.tag.at),
                _ => None,
            };
            if at.and_then(|a| line.get(a + 7)) != Some(&b'1') {
                if let Some(mut s) = parse_fragment_fast_with(line, &mut Known(&mut self.tag)) {
                    s.time_ms = s.time_ms.or(time);
                    // Its source is built already when the cache holds its
                    // tag block.
                    let built = self.tag.current;
                    return self.fragment_counted::<A>(s, built);
                }
            }
            if let Some((mut s, _, _)) = parse_single_fast_with(line, &mut Known(&mut self.tag)) {
                s.time_ms = s.time_ms.or(time);
                // Longer (or odd) payloads through the byte buffer; a byte
                // outside the alphabet goes to the general path below, which
                // decides what the error is.
                self.bits.clear();
                if self.bits.push_armoured(s.payload).is_ok() {
                    if let Err(kind) = self.bits.finish(s.fill as usize) {
                        return Err(self.count(kind));
                    }
                    return self.single::<A>(&s);
                }
            }
        }
        let s = match parse_line(whole) {
            Ok(s) => s,
            Err(kind) => return Err(self.count(kind)),
        };
        if s.total != 1 {
            return self.fragment_counted::<A>(s, false);
        }
        // Single-sentence path, kept apart from reassembly so that the
        // message is built straight into the return value.
        self.bits.clear();
        if let Err(kind) = self
            .bits
            .push_armoured(s.payload)
            .and_then(|_| self.bits.finish(s.fill as usize))
        {
            return Err(self.count(kind));
        }
        self.single::<A>(&s)
    }

    /// The answer of a single-sentence message whose payload is in `bits`.
    #[inline(always)]
    fn single<A: Answer>(&mut self, s: &Sentence<'_>) -> Result<Option<A::R>, DecodeError> {
        let m = Meta {
            time_ms: s.time_ms,
            source: s.source.and_then(Source::new),
            channel: s.channel,
            own_ship: s.own_ship,
        };
        self.decoded_bits::<A>(m)
    }

    /// The answer of the payload in `bits`, `m` the rest of its line(s):
    /// the decoder split into the bit buffer, read meanwhile, and the
    /// fields the answer writes.
    #[inline(always)]
    fn decoded_bits<A: Answer>(&mut self, m: Meta) -> Result<Option<A::R>, DecodeError> {
        let Decoder {
            bits,
            last,
            spare,
            heap,
            stats,
            ..
        } = self;
        let out = Out {
            last,
            spare,
            heap,
            stats,
        };
        A::decoded(out, &bits.reader(), m)
    }

    #[inline]
    fn count(&mut self, kind: ErrorKind) -> DecodeError {
        self.stats.errors[kind as usize] += 1;
        kind.into()
    }

    #[inline(never)]
    fn fragment_counted<A: Answer>(
        &mut self,
        s: Sentence<'_>,
        built: bool,
    ) -> Result<Option<A::R>, DecodeError> {
        match self.fragment(s, built) {
            Ok(None) => Ok(None),
            Ok(Some(group)) => self.finish::<A>(group),
            Err(kind) => Err(self.count(kind)),
        }
    }

    /// The message of a completed group, whose payload is in `bits`,
    /// built where it is returned (rather than returned through the
    /// reassembly and moved at each step).
    #[inline(always)]
    fn finish<A: Answer>(&mut self, group: Completed) -> Result<Option<A::R>, DecodeError> {
        let m = Meta {
            time_ms: group.time,
            source: group.source,
            channel: group.channel,
            own_ship: group.own_ship,
        };
        self.decoded_bits::<A>(m)
    }

    #[inline(always)]
    fn expire(&mut self, now_line: u64, now_ms: Option<i64>) {
        let cfg = self.cfg;
        let mut i = 0;
        while i < self.slots.len() {
            let s = &self.slots[i];
            let old_line = now_line.saturating_sub(s.line) > cfg.max_age_lines;
            let old_time =
                matches!((s.time, now_ms), (Some(a), Some(b)) if (b - a).abs() > cfg.max_age_ms);
            if old_line || old_time {
                self.drop_slot(i);
                self.stats.errors[ErrorKind::ExpiredFragment as usize] += 1;
            } else {
                i += 1;
            }
        }
    }

    fn drop_slot(&mut self, i: usize) {
        let mut slot = self.slots.swap_remove(i);
        slot.chars.clear();
        self.free.push(slot.chars);
    }

    /// Store a fragment; `Some` when it completes its group, whose payload
    /// is then in `bits`; `built`: the tag cache holds the line's tag
    /// block, and so its source, built. (Inlined into each answer's
    /// `fragment_counted`.)
    #[inline(always)]
    fn fragment(&mut self, s: Sentence<'_>, built: bool) -> Result<Option<Completed>, ErrorKind> {
        let now = self.stats.lines;
        self.expire(now, s.time_ms);
        let key = Key {
            talker: s.talker,
            own: s.own_ship,
            total: s.total,
            // The sentence's sequence id; when it is empty, the tag-block group id.
            seq: s
                .seq_id
                .map(u32::from)
                .or(s.group.map(|g| g.id | 0x8000_0000)),
            channel: s.channel,
        };
        // Fragments from different receivers (tag-block `s:`) never mix,
        // even with the same sequence id and channel; a fragment without a
        // source (continuations often carry only `g:`) joins any group.
        let source = match s.source {
            Some(_) if built => self.tag.built,
            Some(v) => Source::new(v),
            None => None,
        };
        // A loop rather than `Iterator::position`, which the compiler
        // leaves out of line now that `fragment` is inlined twice.
        let mut found = None;
        for (i, sl) in self.slots.iter().enumerate() {
            if sl.key == key
                && match (&sl.source, &source) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
            {
                found = Some(i);
                break;
            }
        }
        if s.number == 1 {
            if let Some(i) = found {
                // A new group reusing the key of an unfinished one: the old one
                // will never complete.
                self.drop_slot(i);
                self.stats.errors[ErrorKind::ExpiredFragment as usize] += 1;
            }
            if self.slots.len() >= self.cfg.max_pending {
                let oldest = (0..self.slots.len())
                    .min_by_key(|&i| self.slots[i].line)
                    .unwrap_or(0);
                self.drop_slot(oldest);
                self.stats.errors[ErrorKind::ExpiredFragment as usize] += 1;
            }
            if s.payload.len() * 6 > crate::bits::MAX_BITS {
                return Err(ErrorKind::PayloadTooLong);
            }
            let mut chars = self.free.pop().unwrap_or_default();
            chars.extend_from_slice(s.payload);
            self.slots.push(Slot {
                key,
                next: 2,
                chars,
                fill: s.fill,
                time: s.time_ms,
                source,
                line: now,
            });
            self.stats.fragments += 1;
            return Ok(None);
        }
        let Some(i) = found else {
            return Err(ErrorKind::FragmentOutOfSequence);
        };
        if self.slots[i].next != s.number {
            self.drop_slot(i);
            return Err(ErrorKind::FragmentOutOfSequence);
        }
        let slot = &mut self.slots[i];
        if (slot.chars.len() + s.payload.len()) * 6 > crate::bits::MAX_BITS {
            self.drop_slot(i);
            return Err(ErrorKind::PayloadTooLong);
        }
        slot.chars.extend_from_slice(s.payload);
        slot.next += 1;
        slot.fill = s.fill;
        slot.time = slot.time.or(s.time_ms);
        if slot.source.is_none() {
            slot.source = source;
        }
        if s.number < s.total {
            self.stats.fragments += 1;
            return Ok(None);
        }
        let mut slot = self.slots.swap_remove(i);
        self.bits.clear();
        // Padded with `0` (six zero bits) to whole sixteens, which the
        // buffer de-armours a vector at a time, then cut back to the
        // payload: no per-character tail.
        let n = slot.chars.len();
        let padded = n.next_multiple_of(16);
        let chars = if padded * 6 <= crate::bits::MAX_BITS {
            slot.chars.extend_from_slice(&[b'0'; 16]);
            &slot.chars[..padded]
        } else {
            &slot.chars[..]
        };
        let r = self.bits.push_armoured(chars).and_then(|_| {
            self.bits.cut(n * 6);
            self.bits.finish(slot.fill as usize)
        });
        let group = Completed {
            time: slot.time,
            source: slot.source,
            channel: slot.key.channel,
            own_ship: slot.key.own,
        };
        let mut chars = slot.chars;
        chars.clear();
        self.free.push(chars);
        r?;
        Ok(Some(group))
    }
}

/// Count a decoded message of type `t` (the payload's type field, which
/// is its `msg_type()`: counted from the bits, with no jump on the variant)
/// and the fields `cx` found out of range.
#[inline(always)]
fn tally_type(stats: &mut Stats, t: usize, cx: &Ctx) {
    // Added whether or not it is 0: a test of it was a branch on the
    // fields (the compiler merged it with the heading's range check) and
    // mispredicted as often as a heading goes missing.
    stats.errors[ErrorKind::OutOfRange as usize] += cx.out_of_range as u64;
    stats.messages += 1;
    if let Some(n) = stats.by_type.get_mut(t) {
        *n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of every shared sample file (none when the data is absent).
    fn corpus_lines() -> Vec<Vec<u8>> {
        use std::io::Read;
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/ais");
        let mut out = Vec::new();
        for dir in ["conformance", "nmea", "tracks"] {
            let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                let name = p.to_string_lossy().to_string();
                let Ok(raw) = std::fs::read(&p) else { continue };
                let data = if name.ends_with(".gz") {
                    let mut d = Vec::new();
                    if flate2::read::GzDecoder::new(&raw[..])
                        .read_to_end(&mut d)
                        .is_err()
                    {
                        continue;
                    }
                    // The week: a slice is enough.
                    d.truncate(2_000_000);
                    d
                } else {
                    raw
                };
                out.extend(data.split(|&c| c == b'\n').map(<[u8]>::to_vec));
            }
        }
        // The other time conventions of real feeds, on every 16th line
        // (with and without its tag block): a leading epoch or RFC 3339
        // column, exactEarth's trailing epoch milliseconds, USCG's
        // trailing station and epoch seconds.
        let mut more = Vec::new();
        for (k, l) in out.iter().enumerate().filter(|(k, _)| k % 16 == 0) {
            let bare = match l.first() {
                Some(b'\\') => match l[1..].iter().position(|&c| c == b'\\') {
                    Some(e) => &l[e + 2..],
                    None => continue,
                },
                _ => &l[..],
            };
            let bare = bare.strip_suffix(b"\r").unwrap_or(bare);
            let t = 1_593_475_200 + k as u64;
            for (pre, post) in [
                (format!("{t},"), String::new()),
                (format!("{t}.250;"), String::new()),
                ("2020-06-30T00:01:02.5+08:00,".into(), String::new()),
                (String::new(), format!(",{t}123")),
                (String::new(), format!(",r003669945,{t}")),
                (format!("{t},"), format!(",{t}999")),
            ] {
                for body in [bare, &l[..]] {
                    let mut v = pre.as_bytes().to_vec();
                    v.extend_from_slice(body);
                    v.extend_from_slice(post.as_bytes());
                    more.push(v);
                }
            }
        }
        out.extend(more);
        out
    }

    /// Recompute the tag-block and sentence checksums of a mutated line, so
    /// that mutations reach past the checksum checks.
    fn fix_checksums(l: &mut [u8]) {
        let hex = b"0123456789ABCDEF";
        let put = |l: &mut [u8], from: usize, star: usize| {
            if star + 3 <= l.len() {
                let x = l[from..star].iter().fold(0u8, |a, &b| a ^ b);
                l[star + 1] = hex[(x >> 4) as usize];
                l[star + 2] = hex[(x & 15) as usize];
            }
        };
        if l.first() == Some(&b'\\') {
            if let Some(star) = l.iter().position(|&c| c == b'*') {
                put(l, 1, star);
            }
        }
        if let Some(bang) = l.iter().position(|&c| c == b'!') {
            if let Some(star) = l[bang..].iter().position(|&c| c == b'*') {
                put(l, bang + 1, bang + star);
            }
        }
    }

    /// The fast path for common lines gives exactly what the general path
    /// gives — messages, errors and counters — on every corpus line and on
    /// mutations of them; and `decode_line_ref` lends what `decode_line`
    /// returns.
    #[test]
    fn fast_path_is_the_general_path() {
        let seeds = corpus_lines();
        let mut fast = Decoder::new();
        let mut lent = Decoder::new();
        let mut general = Decoder::new();
        general.fast = false;
        let mut fragments_fast = 0;
        let mut check = |l: &[u8]| {
            if let Some(s) = parse_fragment_fast(l) {
                fragments_fast += 1;
                assert!(s.total > 1);
                assert_eq!(Ok(s), parse_line(l), "{}", String::from_utf8_lossy(l));
            }
            if let Some((s, _, tail)) = parse_single_fast(l) {
                assert_eq!(&tail[..s.payload.len()], s.payload);
                let g = parse_line(l).unwrap_or_else(|e| {
                    panic!("fast path took {:?}: {e:?}", String::from_utf8_lossy(l))
                });
                assert_eq!(
                    s,
                    crate::framing::Sentence { group: None, ..g },
                    "{}",
                    String::from_utf8_lossy(l)
                );
            }
            let got = fast.decode_line(l);
            assert_eq!(
                got,
                general.decode_line(l),
                "{}",
                String::from_utf8_lossy(l)
            );
            assert_eq!(
                lent.decode_line_ref(l).map(|d| d.cloned()),
                got,
                "{}",
                String::from_utf8_lossy(l)
            );
        };
        for l in &seeds {
            check(l);
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut rng = move || {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let alphabet = b",*\\!:0159AVDMOsc@`wWx_ \r";
        let iters = if seeds.is_empty() { 0 } else { 300_000 };
        for _ in 0..iters {
            let mut l = seeds[(rng() % seeds.len() as u64) as usize].clone();
            for _ in 0..1 + rng() % 2 {
                let n = l.len();
                let at = (rng() % (n as u64 + 1)) as usize;
                let c = if rng() % 2 == 0 {
                    alphabet[(rng() % alphabet.len() as u64) as usize]
                } else {
                    rng() as u8
                };
                match rng() % 4 {
                    0 if at < n => l[at] = c,
                    1 => l.insert(at, c),
                    2 if at < n => {
                        l.remove(at);
                    }
                    _ => l.truncate(at),
                }
            }
            if rng() % 4 != 0 {
                fix_checksums(&mut l);
            }
            check(&l);
        }
        assert_eq!(fast.stats(), general.stats());
        assert_eq!(fast.stats(), lent.stats());
        assert!(fast.stats().messages > 0 || seeds.is_empty());
        assert!(
            fragments_fast > 1000 || seeds.is_empty(),
            "{fragments_fast}"
        );
    }

    /// The fast path does take the common lines.
    #[test]
    fn fast_path_taken() {
        for l in [
            &b"\\s:reencoded,c:1593475200*43\\!AIVDM,1,1,,A,15NgB3PP00JeG;PGBV>4Pa41P000,0*74"[..],
            b"\\s:2573238,c:1733782034*0A\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F",
            b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n",
            b"!AIVDM,1,1,0,,13KFI200001eRdHREjw<RanB0@50,0*55",
        ] {
            let (s, at, tail) = parse_single_fast(l).expect("fast framing");
            assert_eq!(Ok(s), parse_line(l));
            assert!(Words::in_line(tail, s.payload.len(), s.fill).is_some());
            // The checksum from the payload's loads, and a wrong one.
            let u = parse_single_unchecked(l).expect("fast framing");
            let head: &[u8; 16] = u.body[..16].try_into().unwrap();
            let (_, x) = Words::in_line_xor(u.tail, s.payload.len(), s.fill, head, u.head)
                .expect("fused checksum");
            assert_eq!(x ^ b',' ^ (b'0' + s.fill), u.want);
            let mut bad = l.to_vec();
            let star = bad.iter().rposition(|&c| c == b'*').unwrap();
            bad[star + 2] = if bad[star + 2] == b'0' { b'1' } else { b'0' };
            assert_eq!(
                Decoder::new().decode_line(&bad).unwrap_err().kind,
                ErrorKind::BadChecksum
            );
            if let Some(v) = s.source {
                assert_eq!(&l[at..at + v.len()], v);
                assert_eq!(Source::from_line(l, at, v.len()), Source::new(v));
            }
        }
    }

    /// Lines of the other time conventions (a leading time column, fields
    /// after the checksum) are narrowed to their sentence, which the fast
    /// framing takes, with the time `parse_line` gives; the decoder's
    /// answer is the general path's.
    #[test]
    fn other_conventions_take_the_fast_framing() {
        let mut last = LastColumn::default();
        for (l, sentence, time) in [
            (
                &b"1593475200,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"[..],
                &b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"[..],
                1_593_475_200_000,
            ),
            (
                b"2020-06-30T00:00:01Z,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                1_593_475_201_000,
            ),
            // The same column again (kept), then another.
            (
                b"2020-06-30T00:00:01Z,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                1_593_475_201_000,
            ),
            (
                b"2020-06-30T00:00:02Z,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                1_593_475_202_000,
            ),
            (
                b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A,1593475200123\r\n",
                b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                1_593_475_200_123,
            ),
            (
                b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A,r003669945,1593475203",
                b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                1_593_475_203_000,
            ),
            (
                b"!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E,1593475200123",
                b"!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E",
                1_593_475_200_123,
            ),
        ] {
            let (sub, t) = other_conventions(l, &mut last).expect("narrowed");
            assert_eq!(sub, sentence, "{}", String::from_utf8_lossy(l));
            assert_eq!(t, Some(time));
            assert_eq!(parse_line(l).map(|s| s.time_ms), Ok(Some(time)));
            let framed = parse_single_fast(sub)
                .map(|(s, _, _)| s)
                .or_else(|| parse_fragment_fast(sub))
                .expect("fast framing");
            assert_eq!(Ok(Sentence { time_ms: Some(time), ..framed }), parse_line(l));
        }
        // Lines of neither convention, and columns that are no time.
        for l in [
            &b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"[..],
            b"\\c:1593475200*5A\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
            b"12x,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
        ] {
            assert_eq!(other_conventions(l, &mut last), None);
        }
        // The decoder: one message each, at the line's time.
        let mut dec = Decoder::new();
        let d = dec
            .decode_line(b"2020-06-30T00:00:01Z,!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")
            .unwrap()
            .unwrap();
        assert_eq!(d.received_at, Some(1_593_475_201_000));
        assert_eq!(d.message.mmsi(), 371798000);
    }

    /// The layout that keeps a decoded message out of `memcpy` calls (see
    /// [`Source`]); a layout check, not a timing one.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn decoded_is_128_bytes() {
        assert_eq!(std::mem::size_of::<Option<Source>>(), 29);
        assert!(std::mem::size_of::<Decoded>() <= 128);
    }

    /// The tag-block cache gives what [`tag_block`] gives, line after line,
    /// on tag blocks that repeat, differ in one byte, grow or shrink.
    #[test]
    fn tag_cache_is_tag_block() {
        let mut cache = TagCache::default();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let hex = b"0123456789ABCDEF";
        let bases: [&[u8]; 4] = [
            b"s:reencoded,c:1593475200",
            b"c:1593475200,s:rORBCOMM000",
            b"c:1593475200",
            b"s:r,c:1",
        ];
        let (mut hits, mut n) = (0, 0);
        let mut tag = bases[0].to_vec();
        for _ in 0..100_000 {
            crate::xorshift(&mut x);
            match x % 10 {
                0 => tag = bases[(x >> 8) as usize % bases.len()].to_vec(),
                8 | 9 => {
                    // A new time: one digit of the `c:` value changed.
                    if let Some(c) = tag.windows(2).position(|w| w == b"c:") {
                        let at = c + 2 + (x >> 8) as usize % 12;
                        if at < tag.len() {
                            tag[at] = b"0123456789,"[(x >> 16) as usize % 11];
                        }
                    }
                }
                4 if (x >> 20).is_multiple_of(2) => {
                    // The next second: the `c:` value's digits plus one.
                    if let Some(c) = tag.windows(2).position(|w| w == b"c:") {
                        let mut i = c
                            + 2
                            + tag[c + 2..]
                                .iter()
                                .take_while(|d| d.is_ascii_digit())
                                .count();
                        while i > c + 2 {
                            i -= 1;
                            if tag[i] == b'9' {
                                tag[i] = b'0';
                            } else {
                                tag[i] += 1;
                                break;
                            }
                        }
                    }
                }
                1 if !tag.is_empty() => {
                    let at = (x >> 8) as usize % tag.len();
                    tag[at] = b",*\\:cs09\xc3"[(x >> 16) as usize % 9];
                }
                2 => tag.push(b'7'),
                3 if !tag.is_empty() => {
                    tag.pop();
                }
                _ => {}
            }
            let sum = tag.iter().fold(0u8, |a, &b| a ^ b);
            let mut line = b"\\".to_vec();
            line.extend_from_slice(&tag);
            line.extend_from_slice(&[b'*', hex[(sum >> 4) as usize], hex[(sum & 15) as usize]]);
            if x % 16 == 5 {
                line[1 + tag.len() + 1] ^= 1;
            }
            line.extend_from_slice(b"\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
            if x % 32 == 7 {
                line.truncate((x >> 24) as usize % line.len());
            }
            let before = cache.words;
            let got = cache.read(&line);
            hits += (before == cache.words && cache.current) as u32;
            n += 1;
            assert_eq!(got, tag_block(&line), "{}", String::from_utf8_lossy(&line));
            if let (true, Some((_, Some(v), at, _))) = (cache.current, got) {
                assert_eq!(cache.built, Source::from_line(&line, at, v.len()));
            }
        }
        assert!(hits > n / 4, "{hits} of {n}");
    }

    /// `sentence` after the tag block `\\tag*hh\\`, its checksum right, or
    /// wrong when not `fix`.
    fn tagged(tag: &str, fix: bool, sentence: &str) -> String {
        let t = tag.bytes().fold(0u8, |a, b| a ^ b) ^ (!fix as u8);
        format!("\\{tag}*{t:02X}\\{sentence}")
    }

    /// The line's words under the cache's mask, as `read` passes them.
    fn words(c: &TagCache, l: &str) -> [u64; 4] {
        let w = TagCache::load(l.as_bytes()[1..33].try_into().unwrap());
        std::array::from_fn(|i| w[i] & c.mask[i])
    }

    /// Another station of a merged feed (the source changed, same length,
    /// maybe a new second) takes the cache's new-source path; a source of
    /// another length, one holding a tag-block delimiter, a wrong checksum
    /// or another 10,000 s does not; and the cache's answer is always
    /// `tag_block`'s.
    #[test]
    fn tag_cache_new_source() {
        let line = |tag: &str, fix: bool| {
            tagged(tag, fix, "!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F")
        };
        for first in ["s:2573238,c:1733782034", "c:1733782034,s:2573238"] {
            let mut cache = TagCache::default();
            let a = line(first, true);
            assert_eq!(cache.read(a.as_bytes()), tag_block(a.as_bytes()));
            let station_first = first.starts_with('s');
            assert_eq!(
                cache.source_window,
                Some(if station_first { 2 } else { 15 })
            );
            for (station, time, fix, takes) in [
                ("2573210", "1733782034", true, true),
                ("2573515", "1733782099", true, true),
                ("ABCDEFG", "1733789999", true, true),
                ("2573238", "1733782035", true, true),
                // Another length, a delimiter inside, a wrong checksum,
                // another 10,000 s: read whole.
                ("257321", "1733782034", true, false),
                ("25732100", "1733782034", true, false),
                ("257*210", "1733782034", true, false),
                ("257,210", "1733782034", true, false),
                ("257\\210", "1733782034", true, false),
                ("2573211", "1733782034", false, false),
                ("2573212", "1743782034", true, false),
            ] {
                let tag = if station_first {
                    format!("s:{station},c:{time}")
                } else {
                    format!("c:{time},s:{station}")
                };
                let b = line(&tag, fix);
                let mut probe = cache;
                let window = b.as_bytes()[1..33].try_into().unwrap();
                let got = probe.new_source(b.as_bytes(), window, words(&probe, &b));
                assert_eq!(got.is_some(), takes, "{b}");
                if takes {
                    let (t, src, src_at, at) = tag_block(b.as_bytes()).unwrap();
                    assert_eq!(probe.time_ms, t, "{b}");
                    assert_eq!(
                        (probe.source, probe.at),
                        (src.map(|v| (src_at, v.len())), at),
                        "{b}"
                    );
                    assert_eq!(probe.built, Source::from_line(b.as_bytes(), src_at, 7));
                }
                // Through `read`, from the cache as it was and one line on.
                for c in [&mut cache.clone(), &mut cache] {
                    assert_eq!(c.read(b.as_bytes()), tag_block(b.as_bytes()), "{b}");
                    if let (true, Some((_, Some(v), at, _))) = (c.current, tag_block(b.as_bytes()))
                    {
                        assert_eq!(c.built, Source::from_line(b.as_bytes(), at, v.len()), "{b}");
                    }
                }
            }
        }
    }

    /// A new second from the same receiver takes the cache's new-time
    /// path, and a wrong checksum, a non-digit or another byte changed does
    /// not.
    #[test]
    fn tag_cache_new_time() {
        let line = |tag: &str, fix: bool| {
            tagged(tag, fix, "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")
        };
        let mut cache = TagCache::default();
        let a = line("s:reencoded,c:1593475200", true);
        assert!(cache.read(a.as_bytes()).is_some());
        assert_eq!(cache.time_at, Some(15));
        for (tag, fix, takes) in [
            ("s:reencoded,c:1593475201", true, true),
            ("s:reencoded,c:1593479999", true, true),
            // Another 10,000 s: read again.
            ("s:reencoded,c:1693475299", true, false),
            ("s:reencoded,c:1593475202", false, false),
            ("s:reencoded,c:15934752x2", true, false),
            ("s:reencodee,c:1593475203", true, false),
        ] {
            let b = line(tag, fix);
            let mut probe = cache;
            let window = b.as_bytes()[1..33].try_into().unwrap();
            let got = probe.new_time(window, words(&probe, &b));
            assert_eq!(got.is_some(), takes, "{b}");
            if takes {
                // The new time and the rest of the cached answer.
                let (t, src, src_at, at) = tag_block(b.as_bytes()).unwrap();
                assert_eq!(probe.time_ms, t, "{b}");
                let src = src.map(|v| (src_at, v.len()));
                assert_eq!((probe.source, probe.at), (src, at), "{b}");
            }
            assert_eq!(cache.read(b.as_bytes()), tag_block(b.as_bytes()), "{b}");
        }
        // Seconds one after the other, with carries, and after ten nines;
        // in upper case and within 10,000 s the new-time path, in lower
        // case the cache read again.
        for lower in [false, true] {
            let mut cache = TagCache::default();
            for t in [
                1593475198u64,
                1593475199,
                1593475200,
                1593475201,
                1593475299,
                1593475300,
                1599999999,
                1600000000,
                1600000002,
                1600000003,
                9999999998,
                9999999999,
            ] {
                let tag = format!("s:reencoded,c:{t}");
                let sum = tag.bytes().fold(0u8, |a, b| a ^ b);
                let l = if lower {
                    format!("\\{tag}*{sum:02x}\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")
                } else {
                    format!("\\{tag}*{sum:02X}\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")
                };
                let window = l.as_bytes()[1..33].try_into().unwrap();
                let before = cache.time_ms;
                let takes = cache.new_time(window, words(&cache, &l)).is_some();
                // Within the cached 10,000 s (the first six digits kept).
                let same = before.is_some_and(|b| b / 10_000_000 == t as i64 / 10_000);
                // (A lower-case checksum without letters is upper case.)
                let upper = !lower || !format!("{sum:02x}").contains(|c: char| c.is_alphabetic());
                assert_eq!(takes, upper && same, "{l}");
                let got = cache.read(l.as_bytes());
                assert_eq!(got, tag_block(l.as_bytes()), "{l}");
                assert_eq!(got.unwrap().0, Some(t as i64 * 1000), "{l}");
                assert!(cache.current);
            }
        }
        // Two `c:` fields: no new-time path (the last one counts).
        let mut cache = TagCache::default();
        let a = line("c:1593475200,c:1593475201", true);
        assert!(cache.read(a.as_bytes()).is_some());
        assert_eq!(cache.time_at, None);
    }

    #[test]
    fn source_from_line_is_new() {
        let mut line = b"\\s:abcdefghijklmnopqrstuvwxyz0123456789,c:1*00\\!AIVDM".to_vec();
        for hi in [false, true] {
            if hi {
                line[10] = 0xc3;
                line[11] = 0xa9;
            }
            for at in 0..line.len() {
                for len in 0..=32.min(line.len() - at) {
                    assert_eq!(
                        Source::from_line(&line, at, len),
                        Source::new(&line[at..at + len]),
                        "{at} {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn source_inline() {
        for n in 0..=40 {
            let s: String = (0..n).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            let src = Source::new(s.as_bytes()).unwrap();
            assert_eq!(src.as_str(), &s[..n.min(SOURCE_MAX)]);
        }
        assert_eq!(Source::new("港口-ж".as_bytes()).unwrap().as_str(), "港口-ж");
        assert!(Source::new(&[0xff, 0xfe]).is_none());
    }

    #[test]
    fn receivers_do_not_mix() {
        let line = |src: &str, n: u8, payload: &str, fill: u8| {
            let body = format!("AIVDM,2,{n},3,A,{payload},{fill}");
            let x = body.bytes().fold(0u8, |a, b| a ^ b);
            let tag = format!("s:{src}");
            let t = tag.bytes().fold(0u8, |a, b| a ^ b);
            format!("\\{tag}*{t:02X}\\!{body}*{x:02X}")
        };
        let p1 = "55R3Vn82=ILTQ3KKS>1<D60Dq@E918U<F222221J1`?164vc03S1CCAD";
        let p2 = "`88888888888880";
        let mut dec = Decoder::new();
        assert_eq!(dec.decode_line(line("r1", 1, p1, 0).as_bytes()), Ok(None));
        assert_eq!(dec.decode_line(line("r2", 1, p1, 0).as_bytes()), Ok(None));
        assert_eq!(dec.pending(), 2);
        let a = dec
            .decode_line(line("r2", 2, p2, 2).as_bytes())
            .unwrap()
            .unwrap();
        let b = dec
            .decode_line(line("r1", 2, p2, 2).as_bytes())
            .unwrap()
            .unwrap();
        assert_eq!(a.source.unwrap().as_str(), "r2");
        assert_eq!(b.source.unwrap().as_str(), "r1");
        assert_eq!(a.message, b.message);
        assert_eq!(dec.stats().error(ErrorKind::ExpiredFragment), 0);
        assert_eq!(
            dec.stats().to_string(),
            "lines 4 messages 2 types 5:2 errors"
        );
    }

    #[test]
    fn reassembly_limits() {
        let mut dec = Decoder::with_config(DecoderConfig {
            max_pending: 2,
            max_age_lines: 3,
            max_age_ms: 60_000,
        });
        let first = |seq: u8| {
            let body = format!("AIVDM,2,1,{seq},A,55NBjP01mtGIL@CW;SM<D60P5Ld000000000000P0000000000000000000000,0");
            let x = body.bytes().fold(0u8, |a, b| a ^ b);
            format!("!{body}*{x:02X}")
        };
        for seq in 0..5 {
            assert_eq!(dec.decode_line(first(seq).as_bytes()), Ok(None));
            assert!(dec.pending() <= 2);
        }
        assert_eq!(dec.stats().error(ErrorKind::ExpiredFragment), 3);
        // Lines pass; the remaining groups grow old and are dropped.
        for _ in 0..5 {
            let _ = dec.decode_line(b"$PGHP,1*00");
        }
        let _ = dec.decode_line(first(7).as_bytes());
        assert_eq!(dec.pending(), 1);
        assert_eq!(dec.stats().error(ErrorKind::ExpiredFragment), 5);
        // A second fragment whose first was never seen.
        let body = "AIVDM,2,2,9,A,88888888880,2";
        let x = body.bytes().fold(0u8, |a, b| a ^ b);
        let line = format!("!{body}*{x:02X}");
        assert_eq!(
            dec.decode_line(line.as_bytes()).unwrap_err().kind,
            ErrorKind::FragmentOutOfSequence
        );
    }
}
