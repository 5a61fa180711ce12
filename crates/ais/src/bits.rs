//! 6-bit de-armouring and a bit reader.
//!
//! The payload characters are packed into a big-endian byte buffer once; the
//! reader then extracts any field of up to 57 bits with a single unaligned
//! 64-bit load and two shifts, which is what makes position reports cheap.

use crate::error::ErrorKind;

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

    /// Append armoured characters (without touching fill bits).
    #[inline]
    pub(crate) fn push_armoured(&mut self, chars: &[u8]) -> Result<(), ErrorKind> {
        if self.len + chars.len() * 6 > MAX_BITS {
            return Err(ErrorKind::PayloadTooLong);
        }
        let mut pos = self.len;
        let end_byte = (pos + chars.len() * 6).div_ceil(8);
        if pos.is_multiple_of(8) {
            // Aligned (every first sentence): whole bytes are assigned, four
            // characters (24 bits) at a time.
            let mut chunks = chars.chunks_exact(4);
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
        if z < dirty {
            for b in &mut self.buf[z..dirty] {
                *b = 0;
            }
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

/// Field extraction over a packed payload. Bits past the payload read as 0.
#[derive(Clone, Copy)]
pub struct Bits<'a> {
    buf: &'a [u8; BUF_BYTES],
    len: usize,
}

#[allow(clippy::len_without_is_empty)]
impl Bits<'_> {
    /// Payload length in bits.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Unsigned field of `width` ≤ 57 bits at bit `start`.
    #[inline(always)]
    pub fn u(&self, start: usize, width: usize) -> u64 {
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

    /// Field as u32 (width ≤ 32).
    #[inline(always)]
    pub fn u32(&self, start: usize, width: usize) -> u32 {
        self.u(start, width) as u32
    }

    /// Field as u8 (width ≤ 8).
    #[inline(always)]
    pub fn u8(&self, start: usize, width: usize) -> u8 {
        self.u(start, width) as u8
    }

    /// One bit as bool.
    #[inline(always)]
    pub fn b(&self, start: usize) -> bool {
        self.u(start, 1) != 0
    }

    /// Two's-complement signed field of `width` ≤ 57 bits.
    #[inline(always)]
    pub fn i(&self, start: usize, width: usize) -> i64 {
        let v = self.u(start, width) as i64;
        (v << (64 - width)) >> (64 - width)
    }

    /// 6-bit ASCII text of `chars` characters at `start`, trimmed of the `@`
    /// padding and trailing spaces. Stops at the end of the payload.
    pub fn text(&self, start: usize, chars: usize) -> String {
        let mut s = String::with_capacity(chars);
        let mut pos = start;
        for _ in 0..chars {
            if pos + 6 > self.len {
                break;
            }
            let v = self.u8(pos, 6);
            s.push(sixbit_char(v) as char);
            pos += 6;
        }
        let t = s.trim_end_matches(['@', ' ']).len();
        s.truncate(t);
        s
    }

    /// Text running to the end of the payload (whole characters only).
    pub fn text_to_end(&self, start: usize) -> String {
        self.text(start, self.len.saturating_sub(start) / 6)
    }

    /// Raw bits from `start` to `end` (exclusive), packed big-endian.
    pub fn raw(&self, start: usize, end: usize) -> crate::messages::BinaryData {
        let end = end.min(self.len);
        let bits = end.saturating_sub(start);
        let mut data = Vec::with_capacity(bits.div_ceil(8));
        let mut pos = start;
        while pos < end {
            let w = (end - pos).min(8);
            data.push((self.u(pos, w) << (8 - w)) as u8);
            pos += w;
        }
        crate::messages::BinaryData { bits, data }
    }
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
