//! 6-bit de-armouring and a bit reader.
//!
//! The payload characters are packed into a big-endian byte buffer once; the
//! reader then extracts any field of up to 57 bits with a single unaligned
//! 64-bit load and two shifts, which is what makes position reports cheap.

use crate::error::ErrorKind;
use crate::messages::AisText;

/// Longest payload we accept, in bits. A message occupies at most 5 slots
/// (1008 bits of data in ITU-R M.1371); some receivers append a few extra
/// bits, so leave headroom. Beyond this is garbage.
pub const MAX_BITS: usize = 1200;
/// Buffer size: the bits plus 8 zero bytes so that a 64-bit load anywhere
/// inside the payload never reads out of bounds.
pub(crate) const BUF_BYTES: usize = MAX_BITS / 8 + 16;

/// Marks a byte outside the armouring alphabet in [`UNARMOUR`].
const BAD: u8 = 0x80;

/// Byte → 6-bit value, `BAD` for bytes outside the alphabet: a table lookup
/// is branch-free, which matters on the hot path (28 characters per report).
static UNARMOUR: [u8; 256] = {
    let mut t = [BAD; 256];
    let mut c = 0;
    while c < 256 {
        // '0'..='W' map to 0..=39, '`'..='w' map to 40..=63.
        if c >= b'0' as usize && c <= b'W' as usize {
            t[c] = (c - 48) as u8;
        } else if c >= b'`' as usize && c <= b'w' as usize {
            t[c] = (c - 56) as u8;
        }
        c += 1;
    }
    t
};

/// Value of one armoured character, or `None` if not in the alphabet.
#[inline(always)]
pub(crate) fn unarmour(c: u8) -> Option<u8> {
    match UNARMOUR[c as usize] {
        BAD => None,
        v => Some(v),
    }
}

/// Armour a 6-bit value (the inverse of [`unarmour`]).
#[inline]
pub(crate) fn armour(v: u8) -> u8 {
    let v = v & 0x3f;
    if v < 40 {
        v + 48
    } else {
        v + 56
    }
}

/// A payload packed into bits, ready for field extraction.
pub struct BitBuf {
    buf: [u8; BUF_BYTES],
    len: usize,
    /// Bytes that may be non-zero (high-water mark), so `clear` is cheap.
    dirty: usize,
}

impl Default for BitBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl BitBuf {
    /// Empty buffer.
    pub fn new() -> Self {
        BitBuf {
            buf: [0; BUF_BYTES],
            len: 0,
            dirty: 0,
        }
    }

    /// Start a new payload. Nothing is zeroed here: bytes are overwritten
    /// as the payload is pushed and `finish` zeroes what lies past the end,
    /// which saves a memset per line.
    #[inline]
    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Keep the first `bits` bits (when there are more); what is cut off
    /// stays in the buffer until [`BitBuf::finish`] zeroes it.
    #[inline]
    pub(crate) fn cut(&mut self, bits: usize) {
        self.len = self.len.min(bits);
    }

    /// Append armoured characters (without touching fill bits).
    #[inline]
    pub(crate) fn push_armoured(&mut self, chars: &[u8]) -> Result<(), ErrorKind> {
        if self.len + chars.len() * 6 > MAX_BITS {
            return Err(ErrorKind::PayloadTooLong);
        }
        let mut pos = self.len;
        let end_byte = (pos + chars.len() * 6).div_ceil(8);
        if pos.is_multiple_of(8) {
            // Aligned (every first sentence, every reassembled message):
            // whole bytes are assigned, sixteen characters (96 bits) at a
            // time as two 8-byte stores (the second overwriting the first's
            // two zero bytes; the length check above keeps both inside the
            // buffer), then four (24 bits) at a time.
            let mut sixteens = chars.chunks_exact(16);
            for ch in &mut sixteens {
                let Some((g0, g1)) = ch
                    .try_into()
                    .ok()
                    .and_then(|c: [u8; 16]| unarmour16(u128::from_le_bytes(c)))
                else {
                    self.dirty = self.dirty.max(pos / 8);
                    return Err(ErrorKind::BadArmour);
                };
                let i = pos / 8;
                self.buf[i..i + 8].copy_from_slice(&(g0 << 16).to_be_bytes());
                self.buf[i + 6..i + 14].copy_from_slice(&(g1 << 16).to_be_bytes());
                pos += 96;
            }
            let mut chunks = sixteens.remainder().chunks_exact(4);
            for ch in &mut chunks {
                let (a, b, c, d) = (
                    UNARMOUR[ch[0] as usize],
                    UNARMOUR[ch[1] as usize],
                    UNARMOUR[ch[2] as usize],
                    UNARMOUR[ch[3] as usize],
                );
                if (a | b | c | d) & BAD != 0 {
                    self.dirty = self.dirty.max(pos / 8);
                    return Err(ErrorKind::BadArmour);
                }
                let w = ((a as u32) << 18) | ((b as u32) << 12) | ((c as u32) << 6) | d as u32;
                let i = pos / 8;
                self.buf[i] = (w >> 16) as u8;
                self.buf[i + 1] = (w >> 8) as u8;
                self.buf[i + 2] = w as u8;
                pos += 24;
            }
            let rem = chunks.remainder();
            if !rem.is_empty() {
                let mut w = 0u32;
                for &ch in rem {
                    let v = UNARMOUR[ch as usize];
                    if v & BAD != 0 {
                        self.dirty = self.dirty.max(pos / 8);
                        return Err(ErrorKind::BadArmour);
                    }
                    w = w << 6 | v as u32;
                }
                // Left-align the 6..18 bits in 24 and assign three bytes.
                let w = w << (24 - 6 * rem.len());
                let i = pos / 8;
                self.buf[i] = (w >> 16) as u8;
                self.buf[i + 1] = (w >> 8) as u8;
                self.buf[i + 2] = w as u8;
                pos += 6 * rem.len();
            }
            self.dirty = self.dirty.max(pos / 8 + 3);
        } else {
            // Continuation sentences start mid-byte: OR into zeroed bytes.
            let first = pos / 8 + 1;
            let last = (end_byte + 1).min(BUF_BYTES);
            if first < last {
                self.buf[first..last].fill(0);
            }
            self.dirty = self.dirty.max(last);
            for &ch in chars {
                let v = unarmour(ch).ok_or(ErrorKind::BadArmour)?;
                self.put6(pos, v);
                pos += 6;
            }
        }
        self.len = pos;
        Ok(())
    }

    #[inline(always)]
    fn put6(&mut self, pos: usize, v: u8) {
        let i = pos / 8;
        let w = ((v as u16) << 10) >> (pos % 8);
        self.buf[i] |= (w >> 8) as u8;
        self.buf[i + 1] |= w as u8;
    }

    /// Drop `fill` trailing bits and zero everything after the payload, so
    /// reads past the end give 0.
    #[inline]
    pub(crate) fn finish(&mut self, fill: usize) -> Result<(), ErrorKind> {
        if fill > 5 || fill > self.len {
            return Err(ErrorKind::BadFillBits);
        }
        self.len -= fill;
        let i = self.len / 8;
        let r = self.len % 8;
        let mut z = i;
        if r != 0 {
            self.buf[i] &= 0xffu8 << (8 - r);
            z += 1;
        }
        let dirty = self.dirty.min(BUF_BYTES);
        if dirty <= z + 16 && z + 16 <= BUF_BYTES {
            // The usual case (a payload about as long as the last one): one
            // fixed 16-byte store instead of a memset call.
            self.buf[z..z + 16].copy_from_slice(&[0; 16]);
        } else if z < dirty {
            self.buf[z..dirty].fill(0);
        }
        self.dirty = z;
        Ok(())
    }

    /// Reader over the payload.
    #[inline]
    pub fn reader(&self) -> Bits<'_> {
        Bits {
            buf: &self.buf,
            len: self.len,
        }
    }
}

/// Field extraction from a payload, whatever holds its bits: the packed
/// byte buffer ([`Bits`]) or, for the short single-sentence payloads that
/// make up most of a feed, three registers ([`Words`]). The message decoders
/// are generic over it, so both give the same messages.
pub trait BitRead {
    /// Payload length in bits.
    fn len(&self) -> usize;

    /// Unsigned field of `width` (1..=57) bits at bit `start`; bits past the
    /// payload read as 0.
    fn u(&self, start: usize, width: usize) -> u64;

    /// Field as u32 (width ≤ 32).
    #[inline(always)]
    fn u32(&self, start: usize, width: usize) -> u32 {
        self.u(start, width) as u32
    }

    /// Field as u8 (width ≤ 8).
    #[inline(always)]
    fn u8(&self, start: usize, width: usize) -> u8 {
        self.u(start, width) as u8
    }

    /// One bit as bool.
    #[inline(always)]
    fn b(&self, start: usize) -> bool {
        self.u(start, 1) != 0
    }

    /// Two's-complement signed field of `width` ≤ 57 bits.
    #[inline(always)]
    fn i(&self, start: usize, width: usize) -> i64 {
        let v = self.u(start, width) as i64;
        (v << (64 - width)) >> (64 - width)
    }

    /// 6-bit ASCII text of `chars` characters at `start`, ended at the first
    /// `@` (the standard's padding: what follows it is filler, often `?`
    /// garbage, as gpsd and pyais also read it) and trimmed of trailing
    /// spaces. Stops at the end of the payload.
    fn text(&self, start: usize, chars: usize) -> String {
        // Whole characters within the payload.
        let n = chars.min(self.len().saturating_sub(start) / 6);
        if n > TEXT_INLINE {
            return clean_text(self.text_raw(start, chars));
        }
        let (buf, end) = self.text_stack(start, n);
        if end == 0 {
            return String::new();
        }
        // A short text is copied as a fixed 24 bytes (the smallest heap
        // block holds that many anyway) and cut, with no `memcpy` call.
        let mut v = Vec::with_capacity(end.max(24));
        if end <= 24 {
            v.extend_from_slice(&buf[..24]);
            v.truncate(end);
        } else {
            v.extend_from_slice(&buf[..end]);
        }
        // 6-bit ASCII is ASCII: this never fails.
        String::from_utf8(v).unwrap_or_default()
    }

    /// [`BitRead::text`] of `N` (≤ 64) characters at `start`, held inline:
    /// no allocation.
    #[inline]
    fn text_inline<const N: usize>(&self, start: usize) -> AisText<N> {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if N <= 24 {
            // The names, call signs, destinations and vendor ids (N = 20,
            // 7, 3): all their groups of eight at once, two per vector,
            // with no early stop at an `@` (its branch cost more than the
            // groups after it).
            let n = N.min(self.len().saturating_sub(start) / 6);
            let group = |k: usize| match 8 * k < N {
                true => self.u(start + 48 * k, 48),
                false => 0,
            };
            let (buf, end) = text24_sse2([group(0), group(1), group(2)], n);
            let mut out = [0u8; N];
            if let Some(b) = buf.get(..N) {
                out.copy_from_slice(b);
            }
            // 6-bit characters: ASCII, with no check.
            return AisText::from_sixbit(out, end);
        }
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
        if N <= 24 {
            // The names, call signs, destinations and vendor ids (N = 20,
            // 7, 3): as `text_stack` does, in a buffer of their size (no
            // 72-byte buffer to clear and copy).
            let n = N.min(self.len().saturating_sub(start) / 6);
            let mut buf = [0u8; 32];
            let mut end = n;
            let mut k = 0;
            while k < n {
                let group = sixbit8(self.u(start + 6 * k, 48));
                if let Some(b) = buf.get_mut(k..k + 8) {
                    b.copy_from_slice(&group);
                }
                if let Some(at) = first_at(group) {
                    end = end.min(k + at);
                    break;
                }
                k += 8;
            }
            let end = trim_spaces(&buf, end);
            let mut out = [0u8; N];
            if let Some(b) = buf.get(..N) {
                out.copy_from_slice(b);
            }
            return AisText::from_ascii(out, end).unwrap_or_default();
        }
        let n = N.min(TEXT_INLINE).min(self.len().saturating_sub(start) / 6);
        let (buf, end) = self.text_stack(start, n);
        let mut out = [0u8; N];
        if let Some(b) = buf.get(..N) {
            out.copy_from_slice(b);
        }
        AisText::from_ascii(out, end).unwrap_or_default()
    }

    /// The first `n` (≤ [`TEXT_INLINE`]) characters at `start`, decoded
    /// on the stack eight characters at a time, and the length of the
    /// text: cut at the first `@` as it is found, trimmed of trailing
    /// spaces.
    #[inline(always)]
    fn text_stack(&self, start: usize, n: usize) -> ([u8; TEXT_INLINE + 8], usize) {
        let n = n.min(TEXT_INLINE);
        let mut buf = [0u8; TEXT_INLINE + 8];
        let mut end = n;
        let mut k = 0;
        while k < n {
            let group = sixbit8(self.u(start + 6 * k, 48));
            buf[k..k + 8].copy_from_slice(&group);
            // Characters from `n` on are past the text.
            if let Some(at) = first_at(group) {
                end = end.min(k + at);
                break;
            }
            k += 8;
        }
        let end = trim_spaces(&buf, end);
        (buf, end)
    }

    /// 6-bit ASCII text as transmitted, padding included.
    fn text_raw(&self, start: usize, chars: usize) -> String {
        // Whole characters within the payload.
        let n = chars.min(self.len().saturating_sub(start) / 6);
        let mut v = Vec::with_capacity(chars);
        let mut pos = start;
        // Eight characters per 48-bit read.
        while v.len() + 8 <= n {
            v.extend_from_slice(&sixbit8(self.u(pos, 48)));
            pos += 48;
        }
        while v.len() < n {
            v.push(sixbit_char(self.u8(pos, 6)));
            pos += 6;
        }
        // 6-bit ASCII is ASCII: this never fails.
        String::from_utf8(v).unwrap_or_default()
    }

    /// Text running to the end of the payload (whole characters only).
    fn text_to_end(&self, start: usize) -> String {
        self.text(start, self.len().saturating_sub(start) / 6)
    }

    /// Raw bits from `start` to `end` (exclusive), packed big-endian.
    fn raw(&self, start: usize, end: usize) -> crate::messages::BinaryData {
        self.raw_into(start, end, Vec::new())
    }

    /// [`BitRead::raw`] into `data`'s memory (its bytes dropped first).
    fn raw_into(&self, start: usize, end: usize, mut data: Vec<u8>) -> crate::messages::BinaryData {
        let end = end.min(self.len());
        let bits = end.saturating_sub(start);
        data.clear();
        data.reserve(bits.div_ceil(8));
        let mut pos = start;
        // Seven whole bytes per read, then byte by byte.
        while pos + 56 <= end {
            data.extend_from_slice(&self.u(pos, 56).to_be_bytes()[1..]);
            pos += 56;
        }
        while pos < end {
            let w = (end - pos).min(8);
            data.push((self.u(pos, w) << (8 - w)) as u8);
            pos += w;
        }
        crate::messages::BinaryData { bits, data }
    }
}

/// The first `@` (value 0) of eight decoded characters: a zero byte of
/// the XOR (the first one found is exact).
#[inline(always)]
fn first_at(group: [u8; 8]) -> Option<usize> {
    let x = u64::from_le_bytes(group) ^ (LO8 * b'@' as u64);
    let z = x.wrapping_sub(LO8) & !x & HI8;
    (z != 0).then(|| (z.trailing_zeros() / 8) as usize)
}

/// `end` less the trailing spaces of `buf[..end]`, eight bytes at a time
/// from the end: the last byte that is not a space is the highest non-zero
/// one of the XOR.
#[inline(always)]
fn trim_spaces(buf: &[u8], mut end: usize) -> usize {
    while let Some(b) = end.checked_sub(8).and_then(|from| buf.get(from..end)) {
        let mut w = [0u8; 8];
        w.copy_from_slice(b);
        let x = u64::from_le_bytes(w) ^ (LO8 * b' ' as u64);
        end -= (x.leading_zeros() / 8) as usize;
        if x != 0 {
            return end;
        }
    }
    while end > 0 && buf.get(end - 1) == Some(&b' ') {
        end -= 1;
    }
    end
}

/// Longest text [`BitRead::text`] decodes on the stack (longer texts, the
/// free text of types 12 and 14, go through [`BitRead::text_raw`]).
const TEXT_INLINE: usize = 64;

/// Field extraction over a packed payload. Bits past the payload read as 0.
#[derive(Clone, Copy)]
pub struct Bits<'a> {
    buf: &'a [u8; BUF_BYTES],
    len: usize,
}

impl BitRead for Bits<'_> {
    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    fn u(&self, start: usize, width: usize) -> u64 {
        debug_assert!(width <= 57 && width > 0);
        let i = start / 8;
        if i + 8 > BUF_BYTES {
            return 0;
        }
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.buf[i..i + 8]);
        let w = u64::from_be_bytes(b);
        (w << (start % 8)) >> (64 - width)
    }
}

/// Most armoured characters [`Words`] holds: 4 groups of 8 characters, 192
/// bits, three 64-bit words.
pub(crate) const WORDS_MAX_CHARS: usize = 32;

/// A short payload (8..=32 characters: position reports are 28) de-armoured
/// into registers, eight characters at a time with SWAR arithmetic, instead
/// of through the byte buffer: fields at constant offsets then compile to a
/// shift or two, with no store to memory and load back in between.
#[derive(Clone, Copy)]
pub(crate) struct Words {
    /// The payload's bits, big-endian: bit 0 is the MSB of `w[0]`; bits
    /// past `len` are 0. `w[3]` is always 0 (read past the end).
    w: [u64; 4],
    len: usize,
}

const LO8: u64 = 0x0101_0101_0101_0101;
const HI8: u64 = 0x8080_8080_8080_8080;

/// Eight armoured characters (the first in the lowest byte) → their 48
/// bits, the first character's in the most significant place; `None` when
/// any byte is outside the alphabet (`'0'..='W'`, `` '`'..='w' ``).
#[inline(always)]
fn unarmour8(x: u64) -> Option<u64> {
    // Per-byte comparisons without carries between bytes: every byte is
    // below 0x80 once the first test has passed, so adding up to 0x50 to a
    // byte never carries into the next, and its top bit answers "c ≥ k".
    let ge = |k: u8| (x.wrapping_add(LO8 * (0x80 - k) as u64)) & HI8;
    let bad = (x & HI8) | (!ge(0x30) & HI8) | (ge(0x58) & !ge(0x60)) | ge(0x78);
    if bad != 0 {
        return None;
    }
    // '0'..='W' → 0..=39, '`'..='w' → 40..=63: subtract 48, and 8 more above '_'.
    let v = x - LO8 * 0x30 - (ge(0x60) >> 4);
    // Pack: pairs of 6 into 12 bits, pairs of 12 into 24, then 24 + 24.
    let t = ((v & 0x00ff_00ff_00ff_00ff) << 6) | ((v >> 8) & 0x00ff_00ff_00ff_00ff);
    let t = ((t & 0x0000_ffff_0000_ffff) << 12) | ((t >> 16) & 0x0000_ffff_0000_ffff);
    Some(((t & 0xffff_ffff) << 24) | (t >> 32))
}

/// Group `k` of a payload of 8..=32 characters: characters 8k..8k+8
/// de-armoured, the last group padded with '0' (value 0), 0 past the end.
/// Written out for each k by the caller so that the groups stay in
/// registers.
#[inline(always)]
fn group8(chars: &[u8], k: usize) -> Option<u64> {
    let n = chars.len();
    if 8 * k + 8 <= n {
        let c: [u8; 8] = chars[8 * k..8 * k + 8].try_into().ok()?;
        unarmour8(u64::from_le_bytes(c))
    } else if 8 * k < n && n >= 8 {
        // The last eight characters, shifted so that the `r` not yet read
        // come first.
        let r = n - 8 * k;
        let c: [u8; 8] = chars[n - 8..].try_into().ok()?;
        let x = u64::from_le_bytes(c) >> (8 * (8 - r));
        let pad = (LO8 * b'0' as u64) << (8 * r);
        unarmour8(x | pad)
    } else {
        Some(0)
    }
}

/// Sixteen armoured characters (the first in the lowest byte) → the two
/// groups of eight that [`unarmour8`] gives for each half, or `None` when
/// any byte is outside the alphabet. SSE2 (baseline on x86_64, so no
/// runtime detection) does both halves at once; elsewhere, two
/// [`unarmour8`]. `words_match_bits` checks both against the byte buffer.
#[inline(always)]
fn unarmour16(x: u128) -> Option<(u64, u64)> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: the intrinsics below need SSE2, which this block is compiled
    // only with (`target_feature = "sse2"`, on by default for every x86_64
    // target); they only compute on values in registers, with no memory
    // access.
    unsafe {
        use std::arch::x86_64::*;
        unarmour16_sse2(_mm_set_epi64x((x >> 64) as i64, x as i64))
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        Some((unarmour8(x as u64)?, unarmour8((x >> 64) as u64)?))
    }
}

/// [`unarmour16`] of a vector (the first character in the lowest byte).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn unarmour16_sse2(v: std::arch::x86_64::__m128i) -> Option<(u64, u64)> {
    // SAFETY: the intrinsic below needs SSE2, which this function is
    // compiled only with (`target_feature = "sse2"`, on by default for
    // every x86_64 target); it only computes on values in registers.
    if unsafe { std::arch::x86_64::_mm_movemask_epi8(bad16_sse2(v)) } != 0 {
        return None;
    }
    Some(pack16_sse2(v))
}

/// The bytes of `v` outside the armouring alphabet (0xff lanes).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn bad16_sse2(v: std::arch::x86_64::__m128i) -> std::arch::x86_64::__m128i {
    // SAFETY: the intrinsics below need SSE2, which this function is
    // compiled only with (`target_feature = "sse2"`, on by default for
    // every x86_64 target); they only compute on values in registers,
    // with no memory access.
    unsafe {
        use std::arch::x86_64::*;
        // Signed byte compares: bytes from 0x80 are negative, so below '0'.
        let below = _mm_cmplt_epi8(v, _mm_set1_epi8(b'0' as i8));
        let above = _mm_cmpgt_epi8(v, _mm_set1_epi8(b'w' as i8));
        let past_w = _mm_cmpgt_epi8(v, _mm_set1_epi8(b'W' as i8));
        let before_tick = _mm_cmplt_epi8(v, _mm_set1_epi8(b'`' as i8));
        _mm_or_si128(
            _mm_or_si128(below, above),
            _mm_and_si128(past_w, before_tick),
        )
    }
}

/// [`unarmour16_sse2`] of a vector known to hold armour characters only
/// ([`bad16_sse2`] all zero).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn pack16_sse2(v: std::arch::x86_64::__m128i) -> (u64, u64) {
    // SAFETY: the intrinsics below need SSE2, which this function is
    // compiled only with (`target_feature = "sse2"`, on by default for
    // every x86_64 target); they only compute on values in registers,
    // with no memory access.
    unsafe {
        use std::arch::x86_64::*;
        let past_w = _mm_cmpgt_epi8(v, _mm_set1_epi8(b'W' as i8));
        // '0'..='W' → 0..=39, '`'..='w' → 40..=63.
        let v = _mm_sub_epi8(
            _mm_sub_epi8(v, _mm_set1_epi8(0x30)),
            _mm_and_si128(past_w, _mm_set1_epi8(8)),
        );
        // Pairs of 6 bits into 12 (16-bit lanes: the earlier character is
        // the low byte), pairs of 12 into 24 (32-bit lanes, a multiply-add
        // by 4096 and 1), pairs of 24 into 48 (64-bit lanes).
        let t = _mm_or_si128(
            _mm_slli_epi16::<6>(_mm_and_si128(v, _mm_set1_epi16(0xff))),
            _mm_srli_epi16::<8>(v),
        );
        let u = _mm_madd_epi16(t, _mm_set1_epi32(0x0001_1000));
        let g = _mm_or_si128(
            _mm_slli_epi64::<24>(_mm_and_si128(u, _mm_set1_epi64x(0xff_ffff))),
            _mm_srli_epi64::<32>(u),
        );
        let lo = _mm_cvtsi128_si64(g) as u64;
        let hi = _mm_cvtsi128_si64(_mm_unpackhi_epi64(g, g)) as u64;
        (lo, hi)
    }
}

/// The four groups of eight characters of a payload of 8..=32 characters
/// (as [`group8`] gives them): sixteen at a time from 16 characters on.
#[inline(always)]
fn groups(chars: &[u8]) -> Option<[u64; 4]> {
    let n = chars.len();
    if n < 16 {
        return Some([group8(chars, 0)?, group8(chars, 1)?, 0, 0]);
    }
    let first: [u8; 16] = chars[..16].try_into().ok()?;
    let (g0, g1) = unarmour16(u128::from_le_bytes(first))?;
    let r = n - 16;
    let (g2, g3) = if r == 0 {
        (0, 0)
    } else {
        // The last sixteen, shifted so that the `r` not yet read come
        // first, padded with '0' (value 0).
        let last: [u8; 16] = chars[n - 16..].try_into().ok()?;
        let x = u128::from_le_bytes(last) >> (8 * (16 - r));
        let pad = u128::from_le_bytes([b'0'; 16])
            .checked_shl(8 * r as u32)
            .unwrap_or(0);
        unarmour16(x | pad)?
    };
    Some([g0, g1, g2, g3])
}

/// The last two groups of a payload of 17..=32 characters (as [`groups`]
/// gives them) from `b`, the sixteen bytes from its 17th character on, of
/// which the first `r` = `n` − 16 are the payload's and the rest (what
/// follows the payload on the line) is replaced with '0' (value 0): one
/// load and a mask instead of moving the last sixteen characters into
/// place. SSE2 (baseline on x86_64) masks with a compare; elsewhere, the
/// same bytes are masked and padded in a `u128`.
/// `in_line_is_new` checks both against [`groups`].
#[inline(always)]
fn tail16(b: &[u8; 16], r: usize) -> Option<(u64, u64)> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: the intrinsics below need SSE2, which this block is compiled
    // only with (`target_feature = "sse2"`, on by default for every x86_64
    // target); the one unaligned 16-byte load reads the 16-byte array `b`.
    unsafe {
        use std::arch::x86_64::*;
        let v = _mm_loadu_si128(b.as_ptr().cast());
        // Bytes whose index is below `r`.
        let keep = first_lanes(r);
        let v = _mm_or_si128(
            _mm_and_si128(keep, v),
            _mm_andnot_si128(keep, _mm_set1_epi8(b'0' as i8)),
        );
        unarmour16_sse2(v)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        tail16_portable(b, r)
    }
}

/// [`tail16`] without SSE2: the bytes masked and padded in a `u128`.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn tail16_portable(b: &[u8; 16], r: usize) -> Option<(u64, u64)> {
    let keep = u128::MAX.checked_shr(8 * (16 - r as u32)).unwrap_or(0);
    let pad = u128::from_le_bytes([b'0'; 16]);
    unarmour16((u128::from_le_bytes(*b) & keep) | (pad & !keep))
}

/// The lane numbers 0..16, byte `i` holding `i`: compared with a count
/// (`_mm_cmpgt_epi8(_mm_set1_epi8(n), lane_index())`) it masks the first `n`
/// bytes of a vector.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
pub(crate) fn lane_index() -> std::arch::x86_64::__m128i {
    // SAFETY: needs SSE2, which this function is compiled only with
    // (`target_feature = "sse2"`, on by default for every x86_64 target);
    // no memory access.
    unsafe {
        std::arch::x86_64::_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    }
}

/// 32 0xff bytes, then 32 zeros: the `N` (≤ 32) bytes from `32 - n` on are
/// the mask of the first `n` bytes of an `N`-byte block, one load instead of
/// a compare ([`first_lanes`]; the decoder's tag-block cache).
pub(crate) static LEADING_ONES: [u8; 64] = {
    let mut t = [0u8; 64];
    let mut i = 0;
    while i < 32 {
        t[i] = 0xff;
        i += 1;
    }
    t
};

/// The mask of the first `n` bytes of a vector (0xff where the index is
/// below `n`, `n` ≤ 16 else all of them): what
/// `_mm_cmpgt_epi8(_mm_set1_epi8(n), lane_index())` gives, as one load
/// from a table instead of a broadcast and a compare.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
pub(crate) fn first_lanes(n: usize) -> std::arch::x86_64::__m128i {
    let from = 32 - n.min(16);
    let t: &[u8; 16] = match LEADING_ONES.get(from..from + 16) {
        Some(t) => t.try_into().unwrap_or(&[0; 16]),
        None => &[0; 16],
    };
    // SAFETY: needs SSE2, which this function is compiled only with
    // (`target_feature = "sse2"`, on by default for every x86_64 target);
    // the unaligned load reads the 16-byte array `t`.
    unsafe { std::arch::x86_64::_mm_loadu_si128(t.as_ptr().cast()) }
}

/// XOR of all bytes of a vector.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
pub(crate) fn fold_xor(x: std::arch::x86_64::__m128i) -> u8 {
    // SAFETY: the intrinsics below need SSE2, which this function is
    // compiled only with (`target_feature = "sse2"`, on by default for
    // every x86_64 target); they only compute on values in registers.
    unsafe {
        use std::arch::x86_64::*;
        // Halves, then the two words of the low half, swapped by the
        // non-destructive shuffles (no register copies); the last four
        // bytes in a general register.
        let x = _mm_xor_si128(x, _mm_shuffle_epi32::<0b01_00_11_10>(x));
        let x = _mm_xor_si128(x, _mm_shufflelo_epi16::<0b01_00_11_10>(x));
        let w = _mm_cvtsi128_si32(x) as u32;
        let w = w ^ (w >> 16);
        (w ^ (w >> 8)) as u8
    }
}

impl Words {
    /// [`Words::in_line`] for a payload of 27..=32 characters (the line
    /// goes on for 32 bytes from it), with the XOR of the payload's bytes
    /// and of the first `h` (< 16) bytes of `head`: the sentence checksum
    /// reads the payload's two loads instead of loading it again. `None`
    /// outside those bounds or the alphabet. SSE2 (baseline on x86_64);
    /// elsewhere [`Words::in_line`] and a byte XOR. `in_line_xor_is_in_line`
    /// checks both.
    #[inline(always)]
    pub(crate) fn in_line_xor(
        line: &[u8],
        n: usize,
        fill: u8,
        head: &[u8; 16],
        h: usize,
    ) -> Option<(Words, u8)> {
        if !(27..=WORDS_MAX_CHARS).contains(&n) || fill > 5 || h >= 16 {
            return None;
        }
        let b: &[u8; 32] = line.get(..32)?.try_into().ok()?;
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        // SAFETY: the intrinsics below need SSE2, which this block is
        // compiled only with (`target_feature = "sse2"`, on by default for
        // every x86_64 target); the unaligned 16-byte loads read `b[0..16]`
        // and `b[16..32]` of the 32-byte array `b` and the 16-byte array
        // `head`.
        unsafe {
            use std::arch::x86_64::*;
            let v0 = _mm_loadu_si128(b.as_ptr().cast());
            // The last `r` = `n` − 16 characters, and `h` bytes of `head`.
            let keep = first_lanes(n - 16);
            let t1 = _mm_and_si128(keep, _mm_loadu_si128(b.as_ptr().add(16).cast()));
            let hv = _mm_and_si128(first_lanes(h), _mm_loadu_si128(head.as_ptr().cast()));
            let x = fold_xor(_mm_xor_si128(_mm_xor_si128(v0, t1), hv));
            // Past the payload: '0' (value 0), as `groups` pads.
            let v1 = _mm_or_si128(t1, _mm_andnot_si128(keep, _mm_set1_epi8(b'0' as i8)));
            // Both halves checked with one test.
            if _mm_movemask_epi8(_mm_or_si128(bad16_sse2(v0), bad16_sse2(v1))) != 0 {
                return None;
            }
            let ((g0, g1), (g2, g3)) = (pack16_sse2(v0), pack16_sse2(v1));
            Some((Words::from_groups_long([g0, g1, g2, g3], n, fill), x))
        }
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
        {
            Words::in_line_xor_portable(b, n, fill, head, h)
        }
    }

    /// [`Words::in_line_xor`] without SSE2 (its bounds checked by the
    /// caller): [`Words::in_line`] and a byte XOR.
    #[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
    fn in_line_xor_portable(
        b: &[u8; 32],
        n: usize,
        fill: u8,
        head: &[u8; 16],
        h: usize,
    ) -> Option<(Words, u8)> {
        let x = b[..n].iter().chain(&head[..h]).fold(0, |a, &c| a ^ c);
        Some((Words::in_line(b, n, fill)?, x))
    }

    /// [`Words::new`] for the payload `line[..n]`, where `line` goes on
    /// past the payload (the fast path's line from the payload on): with
    /// 32 bytes there, the last group is read with one load from the line.
    #[inline(always)]
    pub(crate) fn in_line(line: &[u8], n: usize, fill: u8) -> Option<Words> {
        if let (Some(head), Some(tail), true) = (
            line.get(..16),
            line.get(16..32),
            (17..=WORDS_MAX_CHARS).contains(&n) && fill <= 5,
        ) {
            let (g0, g1) = unarmour16(u128::from_le_bytes(head.try_into().ok()?))?;
            let (g2, g3) = tail16(tail.try_into().ok()?, n - 16)?;
            return Some(Words::from_groups([g0, g1, g2, g3], n, fill));
        }
        Words::new(line.get(..n)?, fill)
    }

    /// De-armour `chars` (8..=32 of them) less `fill` (0..=5) trailing bits;
    /// `None` when the payload is outside those bounds or holds a byte
    /// outside the alphabet (the caller then takes the general path, which
    /// reports the error).
    #[inline(always)]
    pub(crate) fn new(chars: &[u8], fill: u8) -> Option<Words> {
        let n = chars.len();
        if !(8..=WORDS_MAX_CHARS).contains(&n) || fill > 5 {
            return None;
        }
        Some(Words::from_groups(groups(chars)?, n, fill))
    }

    /// [`Words::from_groups`] for 27..=32 characters (157..=192 bits):
    /// the fill bits are then all in the last word, cleared with one mask
    /// (bits past the characters are 0 already: groups are padded with
    /// '0').
    #[inline(always)]
    fn from_groups_long(g: [u64; 4], n: usize, fill: u8) -> Words {
        debug_assert!((27..=WORDS_MAX_CHARS).contains(&n) && fill <= 5);
        let len = 6 * n - fill as usize;
        // `len` is 157..=192 here: a shift of 0..=35 (masked to stay below
        // 64 whatever the caller passes).
        let keep = u64::MAX << ((192 - len) & 63);
        let w = [
            (g[0] << 16) | (g[1] >> 32),
            (g[1] << 32) | (g[2] >> 16),
            ((g[2] << 48) | g[3]) & keep,
            0,
        ];
        Words { w, len }
    }

    /// From the four groups of `n` characters, less `fill` bits.
    #[inline(always)]
    fn from_groups(g: [u64; 4], n: usize, fill: u8) -> Words {
        let len = 6 * n - fill as usize;
        let mut w = [
            (g[0] << 16) | (g[1] >> 32),
            (g[1] << 32) | (g[2] >> 16),
            (g[2] << 48) | g[3],
            0,
        ];
        // Clear the fill bits (and so everything past `len`). Bits past
        // the characters are 0 already (groups are padded with '0'), so
        // there is nothing to do without fill bits, as in position reports.
        if fill == 0 {
            return Words { w, len };
        }
        for (j, wj) in w.iter_mut().enumerate().take(3) {
            let keep = len.saturating_sub(64 * j).min(64);
            *wj &= if keep == 0 { 0 } else { !0u64 << (64 - keep) };
        }
        Words { w, len }
    }
}

impl BitRead for Words {
    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    fn u(&self, start: usize, width: usize) -> u64 {
        debug_assert!(width <= 57 && width > 0);
        let i = start / 64;
        if i >= 3 {
            return 0;
        }
        let o = start % 64;
        // `>> 1 >> (63 - o)`: no shift by 64 when `o` is 0.
        let w = (self.w[i] << o) | ((self.w[i + 1] >> 1) >> (63 - o));
        w >> (64 - width)
    }
}

/// End 6-bit text at the first `@` and drop trailing spaces.
pub(crate) fn clean_text(mut s: String) -> String {
    if let Some(at) = s.find('@') {
        s.truncate(at);
    }
    let t = s.trim_end_matches(' ').len();
    s.truncate(t);
    s
}

/// Eight 6-bit ASCII characters (48 bits, the first most significant) →
/// their bytes, as [`sixbit_char`] gives them, spread eight at a time.
#[inline]
fn sixbit8(w: u64) -> [u8; 8] {
    // 24 + 24 bits into the two halves, 12 + 12 into 16-bit lanes, 6 + 6
    // into bytes (the first character ends up in the lowest byte).
    let y = ((w >> 24) & 0xff_ffff) | ((w & 0xff_ffff) << 32);
    let y = ((y >> 12) & 0x0000_0fff_0000_0fff) | ((y & 0x0000_0fff_0000_0fff) << 16);
    let y = ((y >> 6) & 0x003f_003f_003f_003f) | ((y & 0x003f_003f_003f_003f) << 8);
    // Values below 32 are letters: + 64, which sets bit 6 (bit 5 clear).
    (y | ((!y & 0x2020_2020_2020_2020) << 1)).to_le_bytes()
}

/// [`sixbit8`] of two groups at once (`a` in the low half), in the
/// 64-bit lanes of a vector: SSE2 has every shift and mask it needs.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn sixbit16_sse2(a: u64, b: u64) -> std::arch::x86_64::__m128i {
    // SAFETY: the intrinsics below need SSE2, which this function is
    // compiled only with (`target_feature = "sse2"`, on by default for
    // every x86_64 target); they only compute on values in registers.
    unsafe {
        use std::arch::x86_64::*;
        let m = |x: u64| _mm_set1_epi64x(x as i64);
        let w = _mm_set_epi64x(b as i64, a as i64);
        let y = _mm_or_si128(
            _mm_and_si128(_mm_srli_epi64::<24>(w), m(0xff_ffff)),
            _mm_slli_epi64::<32>(_mm_and_si128(w, m(0xff_ffff))),
        );
        let m12 = m(0x0000_0fff_0000_0fff);
        let y = _mm_or_si128(
            _mm_and_si128(_mm_srli_epi64::<12>(y), m12),
            _mm_slli_epi64::<16>(_mm_and_si128(y, m12)),
        );
        let m6 = m(0x003f_003f_003f_003f);
        let y = _mm_or_si128(
            _mm_and_si128(_mm_srli_epi64::<6>(y), m6),
            _mm_slli_epi64::<8>(_mm_and_si128(y, m6)),
        );
        let letters = _mm_andnot_si128(y, _mm_set1_epi8(0x20));
        _mm_or_si128(y, _mm_add_epi8(letters, letters))
    }
}

/// The text of up to 24 characters whose three groups of eight (48 bits
/// each, as read at the text's start and 48 and 96 bits on) are `g`, of
/// which the first `n` are inside the payload: the characters and the
/// length of the text, cut at the first `@` and trimmed of trailing
/// spaces, as [`BitRead::text_stack`] gives them; the `@` and the spaces
/// are found with a compare and a bit mask each.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn text24_sse2(g: [u64; 3], n: usize) -> ([u8; 32], usize) {
    let mut buf = [0u8; 32];
    // SAFETY: the intrinsics below need SSE2, which this function is
    // compiled only with (`target_feature = "sse2"`, on by default for
    // every x86_64 target); the two unaligned 16-byte stores are at 0 and
    // 16 of the 32-byte array `buf`.
    let (at, spaces) = unsafe {
        use std::arch::x86_64::*;
        let lo = sixbit16_sse2(g[0], g[1]);
        let hi = sixbit16_sse2(g[2], 0);
        _mm_storeu_si128(buf.as_mut_ptr().cast(), lo);
        _mm_storeu_si128(buf.as_mut_ptr().add(16).cast(), hi);
        let find = |c: u8| {
            let c = _mm_set1_epi8(c as i8);
            let lo = _mm_movemask_epi8(_mm_cmpeq_epi8(lo, c)) as u32;
            let hi = _mm_movemask_epi8(_mm_cmpeq_epi8(hi, c)) as u32;
            lo | hi << 16
        };
        (find(b'@'), find(b' '))
    };
    let end = n.min(24).min(at.trailing_zeros() as usize);
    // The characters before `end` that are not spaces: the last one ends
    // the text.
    let kept = !spaces & ((1u32 << end) - 1);
    (buf, 32 - kept.leading_zeros() as usize)
}

/// The character for a 6-bit ASCII value (`@A..Z[\]^_ !"#..?`).
#[inline]
pub(crate) fn sixbit_char(v: u8) -> u8 {
    if v < 32 {
        v + 64
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armour_roundtrip() {
        for v in 0..64u8 {
            assert_eq!(unarmour(armour(v)), Some(v));
        }
        assert_eq!(unarmour(b'X'), None);
        assert_eq!(unarmour(b'_'), None);
        assert_eq!(unarmour(b'x'), None);
    }

    #[test]
    fn reads_fields() {
        let mut b = BitBuf::new();
        b.push_armoured(b"15RTgt0PAso;90TKcjM8h6g208CQ").unwrap();
        b.finish(0).unwrap();
        let r = b.reader();
        assert_eq!(r.len(), 168);
        assert_eq!(r.u(0, 6), 1);
        assert_eq!(r.u(8, 30), 371798000);
        assert_eq!(r.i(42, 8), -127);
    }

    /// Every field read from the registers equals the same read from the
    /// byte buffer, for every payload length, fill and character.
    #[test]
    fn words_match_bits() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..3000 {
            crate::xorshift(&mut x);
            let n = 8 + round % 25;
            let chars: Vec<u8> = (0..n)
                .map(|k| armour((x.rotate_left(k as u32 * 7) ^ k as u64) as u8))
                .collect();
            let fill = (x % 6) as u8;
            let mut b = BitBuf::new();
            b.push_armoured(&chars).unwrap();
            b.finish(fill as usize).unwrap();
            let (r, w) = (b.reader(), Words::new(&chars, fill).unwrap());
            assert_eq!(r.len(), w.len());
            for start in 0..200 {
                for width in 1..=57 {
                    assert_eq!(
                        r.u(start, width),
                        w.u(start, width),
                        "{n} {fill} {start} {width}"
                    );
                }
            }
        }
        // Outside the bounds or the alphabet: no register path.
        assert!(Words::new(b"1234567", 0).is_none());
        assert!(Words::new(&[b'0'; 33], 0).is_none());
        assert!(Words::new(b"15RTgt0PAso;90TKcjM8h6g208CQ", 6).is_none());
        for bad in [b'X', b'_', b'x', b',', b'*', b'/', 0x80, 0xff, 0] {
            for at in 0..28 {
                let mut c = *b"15RTgt0PAso;90TKcjM8h6g208CQ";
                c[at] = bad;
                assert!(Words::new(&c, 0).is_none(), "{bad} at {at}");
            }
        }
        for n in [8, 15, 16, 17, 20, 28, 31, 32] {
            for at in [0, 3, n / 2, n - 4, n - 1] {
                for c in 0..=255u8 {
                    let mut s = vec![b'w'; n];
                    s[at] = c;
                    let ok = unarmour(c).is_some();
                    assert_eq!(Words::new(&s, 0).is_some(), ok, "{n} {at} {c}");
                }
            }
        }
    }

    /// The stack-decoded text is the raw text cut at `@` and trimmed, for
    /// every start, length and fill, from the byte buffer and registers.
    #[test]
    fn text_is_clean_text_raw() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        // Mostly letters, spaces and `@`, so that both cuts happen.
        let alphabet = [0u8, 0, 32, 32, 1, 2, 26, 33, 63, 48];
        for round in 0..4000 {
            crate::xorshift(&mut x);
            let n = 8 + round % 70;
            let chars: Vec<u8> = (0..n)
                .map(|k| {
                    let r = x.rotate_left(k as u32 * 7) ^ (k as u64).wrapping_mul(0x9e37);
                    armour(if r.is_multiple_of(3) {
                        r as u8
                    } else {
                        alphabet[(r >> 8) as usize % 10]
                    })
                })
                .collect();
            let fill = (x % 6) as usize;
            let mut b = BitBuf::new();
            b.push_armoured(&chars).unwrap();
            b.finish(fill).unwrap();
            let r = b.reader();
            for start in [0, 3, 6, 40, 70, 112, 143, 302] {
                for len in [0, 1, 3, 7, 8, 9, 20, 30, 64, 65, 80] {
                    assert_eq!(
                        r.text(start, len),
                        clean_text(r.text_raw(start, len)),
                        "{n} {fill} {start} {len}"
                    );
                }
                // The inline texts of types 5, 19 and 24.
                assert_eq!(*r.text_inline::<3>(start), r.text(start, 3));
                assert_eq!(*r.text_inline::<7>(start), r.text(start, 7));
                assert_eq!(*r.text_inline::<20>(start), r.text(start, 20));
                assert_eq!(*r.text_inline::<30>(start), r.text(start, 30));
            }
            if let Some(w) = Words::new(&chars, fill as u8) {
                for start in [0, 6, 40, 100] {
                    for len in [1, 7, 8, 20] {
                        assert_eq!(w.text(start, len), clean_text(w.text_raw(start, len)));
                    }
                }
            }
        }
    }

    #[test]
    fn sixbit8_is_sixbit_char() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            crate::xorshift(&mut x);
            let w = x & 0xffff_ffff_ffff;
            let want: Vec<u8> = (0..8)
                .map(|k| sixbit_char(((w >> (42 - 6 * k)) & 63) as u8))
                .collect();
            assert_eq!(sixbit8(w).to_vec(), want);
        }
    }

    /// `len` bytes drawn from `x`: mostly valid armour characters, and about
    /// one in `rare` any byte.
    fn armoured_line(x: u64, len: usize, rare: u64) -> Vec<u8> {
        (0..len)
            .map(|k| {
                let r = x.rotate_left(k as u32 * 3) ^ k as u64;
                if (r >> 9).is_multiple_of(rare) {
                    r as u8
                } else {
                    armour(r as u8)
                }
            })
            .collect()
    }

    /// Reading the payload's last group from the line gives the same
    /// words as the payload alone, whatever follows it on the line.
    #[test]
    fn in_line_is_new() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..100_000u32 {
            crate::xorshift(&mut x);
            let n = 1 + (round as usize % 34);
            let extra = (x >> 40) as usize % 24;
            let line = armoured_line(x, n + extra, 29);
            let fill = (x % 7) as u8;
            let a = Words::in_line(&line, n, fill).map(|w| (w.w, w.len));
            let b = Words::new(&line[..n], fill).map(|w| (w.w, w.len));
            assert_eq!(a, b, "{n} {extra} {fill}");
        }
    }

    /// The payload loaded once for the words and the checksum gives the
    /// words of [`Words::in_line`] and the XOR of the bytes (SSE2 on
    /// x86_64 against the portable code, and that against the definition).
    /// Raw bits, seven bytes per read, are the bits one by one.
    #[test]
    fn raw_is_bitwise() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for round in 0..2000 {
            crate::xorshift(&mut x);
            let chars = armoured_line(x, 1 + round % 190, u64::MAX);
            let mut b = BitBuf::new();
            b.push_armoured(&chars).unwrap();
            b.finish((x % 6) as usize % (6 * chars.len()).max(1))
                .unwrap();
            let r = b.reader();
            let (start, end) = ((x >> 8) as usize % 200, (x >> 20) as usize % 1300);
            let got = r.raw(start, end);
            let end = end.min(r.len());
            let want: Vec<u8> = (start..end)
                .step_by(8)
                .map(|p| {
                    (0..8).fold(0u8, |a, k| {
                        a << 1 | (p + k < end && r.u(p + k, 1) == 1) as u8
                    })
                })
                .collect();
            assert_eq!(got.bits, end.saturating_sub(start));
            assert_eq!(got.data, want, "{start} {end}");
        }
    }

    /// The table mask is the compare mask it replaces.
    #[test]
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn first_lanes_is_compare() {
        use std::arch::x86_64::*;
        for n in 0..=20usize {
            // SAFETY: SSE2 (this test is compiled only with it); values in
            // registers, then stored into local arrays of 16 bytes.
            let (a, b) = unsafe {
                let want = _mm_cmpgt_epi8(_mm_set1_epi8(n.min(16) as i8), lane_index());
                let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
                _mm_storeu_si128(a.as_mut_ptr().cast(), first_lanes(n));
                _mm_storeu_si128(b.as_mut_ptr().cast(), want);
                (a, b)
            };
            assert_eq!(a, b, "{n}");
        }
    }

    /// `fold_xor` is the XOR of the sixteen bytes.
    #[test]
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn fold_xor_is_bytewise() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for k in 0..2000 {
            let mut b = [0u8; 16];
            for c in b.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *c = x as u8;
            }
            // Single bytes set, too.
            if k < 256 {
                b = [0; 16];
                b[k % 16] = k as u8;
            }
            // SAFETY: SSE2 (this test is compiled only with it); the
            // unaligned load reads the 16-byte array `b`.
            let got = fold_xor(unsafe { std::arch::x86_64::_mm_loadu_si128(b.as_ptr().cast()) });
            assert_eq!(got, b.iter().fold(0, |a, &c| a ^ c), "{b:?}");
        }
    }

    #[test]
    fn in_line_xor_is_in_line() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for round in 0..100_000u32 {
            crate::xorshift(&mut x);
            let n = 24 + (round as usize % 10);
            let extra = (x >> 40) as usize % 12;
            let line = armoured_line(x, n + extra, 37);
            let mut head = [0u8; 16];
            for (k, c) in head.iter_mut().enumerate() {
                *c = x.rotate_right(5 * k as u32) as u8;
            }
            let h = (x >> 50) as usize % 17;
            let fill = (x % 7) as u8;
            let got = Words::in_line_xor(&line, n, fill, &head, h).map(|(w, x)| (w.w, w.len, x));
            let fits = (27..=32).contains(&n) && fill <= 5 && h < 16 && line.len() >= 32;
            let want = if fits {
                let b: &[u8; 32] = line[..32].try_into().unwrap();
                Words::in_line_xor_portable(b, n, fill, &head, h).map(|(w, x)| (w.w, w.len, x))
            } else {
                None
            };
            assert_eq!(got, want, "{n} {extra} {fill} {h}");
            // The portable code is the byte-at-a-time definition.
            if let Some((w, len, x)) = want {
                let words = Words::new(&line[..n], fill).unwrap();
                let bytes = line[..n].iter().chain(&head[..h]).fold(0, |a, &c| a ^ c);
                assert_eq!((w, len, x), (words.w, words.len, bytes));
            }
            if (17..=32).contains(&n) && line.len() >= 32 {
                let t: &[u8; 16] = line[16..32].try_into().unwrap();
                assert_eq!(tail16(t, n - 16), tail16_portable(t, n - 16));
            }
        }
    }

    /// Sixteen at a time (SSE2 on x86_64) is eight at a time twice.
    #[test]
    fn unarmour16_is_unarmour8_twice() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for round in 0..200_000u32 {
            crate::xorshift(&mut x);
            let mut b = [0u8; 16];
            for (k, c) in b.iter_mut().enumerate() {
                let r = x.rotate_left(5 * k as u32);
                // Mostly valid characters, some of any value.
                *c = if (r >> 8).is_multiple_of(16) && round.is_multiple_of(2) {
                    r as u8
                } else {
                    armour(r as u8)
                };
            }
            let v = u128::from_le_bytes(b);
            let two = unarmour8(v as u64).zip(unarmour8((v >> 64) as u64));
            assert_eq!(unarmour16(v), two, "{b:?}");
        }
    }

    /// Sixteen (and four) characters at a time give the bits of one
    /// character at a time, and the same error, for every length, with
    /// bad bytes anywhere.
    #[test]
    fn push_armoured_is_per_character() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for round in 0..20_000usize {
            crate::xorshift(&mut x);
            let n = round % 200;
            let mut chars: Vec<u8> = (0..n)
                .map(|k| armour(x.rotate_left(k as u32 * 5) as u8 ^ k as u8))
                .collect();
            if round % 3 == 0 && n > 0 {
                chars[(x >> 20) as usize % n] = [b'X', b',', b'*', 0x80, b'x'][round % 5];
            }
            let mut b = BitBuf::new();
            // A previous, longer payload leaves bytes behind.
            b.push_armoured(&[b'w'; 190]).unwrap();
            b.finish(0).unwrap();
            b.clear();
            let got = b.push_armoured(&chars);
            let want: Option<Vec<u8>> = chars.iter().map(|&c| unarmour(c)).collect();
            if n * 6 > MAX_BITS {
                assert_eq!(got, Err(ErrorKind::PayloadTooLong));
                continue;
            }
            let Some(want) = want else {
                assert_eq!(got, Err(ErrorKind::BadArmour), "{n}");
                continue;
            };
            assert_eq!(got, Ok(()));
            b.finish(0).unwrap();
            let r = b.reader();
            assert_eq!(r.len(), 6 * n);
            for (k, v) in want.iter().enumerate() {
                assert_eq!(r.u(6 * k, 6), *v as u64, "{n} {k}");
            }
            // Zero past the end.
            assert_eq!(r.u(6 * n, 57), 0);
        }
    }

    #[test]
    fn unaligned_push_matches_aligned() {
        let mut a = BitBuf::new();
        a.push_armoured(b"15RTgt0PAso;90TKcjM8h6g208CQ").unwrap();
        let mut b = BitBuf::new();
        b.push_armoured(b"15").unwrap();
        b.push_armoured(b"RTgt0PAso;90TKcjM8h6g208CQ").unwrap();
        let (ra, rb) = (a.reader(), b.reader());
        for i in 0..28 {
            assert_eq!(ra.u(i * 6, 6), rb.u(i * 6, 6));
        }
    }
}
