//! Finding the line ends in a buffer of NMEA text, for `replay` and the pipeline bench.
//!
//! AIS lines are short (60–90 bytes), so a `memchr` call per line spent most of its
//! time getting started: about 73 instructions a line (callgrind, `jinghai replay` on
//! a generated day). [`Newlines`] instead marks the newlines of 64 bytes at a time in
//! a bit mask and hands out its set bits: about 20 instructions a line.

/// Calls `f` on each line of `input` (with its `\n`; the last one maybe
/// without), cut out of the reader's buffer in place at the newlines
/// [`Newlines`] finds (`read_until` copied each line and searched it a word
/// at a time); a line split across two fills is put together aside.
pub fn for_each_line(
    input: &mut (impl std::io::BufRead + ?Sized),
    mut f: impl FnMut(&[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    let mut carry: Vec<u8> = Vec::with_capacity(256);
    loop {
        let block = input.fill_buf().context("reading the AIS input")?;
        if block.is_empty() {
            if !carry.is_empty() {
                f(&carry)?;
            }
            return Ok(());
        }
        let filled = block.len();
        let mut rest = block;
        if !carry.is_empty() {
            let Some(end) = Newlines::new(rest).next() else {
                carry.extend_from_slice(rest);
                input.consume(filled);
                continue;
            };
            carry.extend_from_slice(&rest[..=end]);
            f(&carry)?;
            carry.clear();
            rest = &rest[end + 1..];
        }
        let mut start = 0;
        for end in Newlines::new(rest) {
            f(&rest[start..=end])?;
            start = end + 1;
        }
        carry.extend_from_slice(&rest[start..]);
        input.consume(filled);
    }
}

/// The positions of the `\n` bytes of a buffer, in order.
pub struct Newlines<'a> {
    buf: &'a [u8],
    /// Offset in `buf` of the 64-byte block `mask` describes.
    base: usize,
    /// The newlines of that block not handed out yet (bit `i`: `buf[base + i]`).
    mask: u64,
}

impl<'a> Newlines<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Newlines {
            buf,
            base: 0,
            mask: newline_mask(buf),
        }
    }
}

impl Iterator for Newlines<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            if self.base >= self.buf.len() {
                return None;
            }
            self.mask = newline_mask(&self.buf[self.base..]);
        }
        let bit = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + bit)
    }
}

/// Bit `i` set where `bytes[i]` is `\n`, over the first 64 bytes of `bytes`.
#[inline]
fn newline_mask(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<64>() {
        Some(block) => newline_mask_64(block),
        None => newline_mask_portable(bytes),
    }
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn newline_mask_64(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let mut mask = 0u64;
    for k in 0..4 {
        // SAFETY: the load reads the 16 bytes `block[16k..16k + 16]`, inside the
        // 64-byte array (unaligned loads are allowed); SSE2 is part of x86-64's
        // baseline, so the instructions exist on every x86-64 CPU.
        let lanes = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)))
        };
        mask |= u64::from(lanes as u16) << (16 * k);
    }
    mask
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn newline_mask_64(block: &[u8; 64]) -> u64 {
    newline_mask_portable(block)
}

/// The mask a byte at a time: for the end of a buffer, other architectures, and
/// as the reference the fast one is tested against.
fn newline_mask_portable(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .take(64)
        .enumerate()
        .fold(0, |mask, (i, &b)| mask | (u64::from(b == b'\n') << i))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pseudo-random buffer of `len` bytes, about one in `every` a newline.
    fn buffer(len: usize, every: u64, seed: u64) -> Vec<u8> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if (state >> 33).is_multiple_of(every) {
                    b'\n'
                } else {
                    b'!' + ((state >> 40) % 90) as u8
                }
            })
            .collect()
    }

    #[test]
    fn finds_every_newline_at_every_length() {
        for len in (0..300).chain([1000, 4096, 65_537]) {
            for (every, seed) in [(1, 1), (3, 2), (70, 3), (1000, 4)] {
                let buf = buffer(len, every, seed + len as u64);
                let expected: Vec<usize> = memchr::memchr_iter(b'\n', &buf).collect();
                let found: Vec<usize> = Newlines::new(&buf).collect();
                assert_eq!(found, expected, "len {len}, one in {every}");
            }
        }
    }

    #[test]
    fn the_fast_mask_is_the_portable_mask() {
        for seed in 0..2_000 {
            let buf = buffer(64, 1 + seed % 9, seed);
            let block: &[u8; 64] = buf.as_slice().try_into().unwrap();
            assert_eq!(newline_mask_64(block), newline_mask_portable(block));
        }
    }

    /// Every line, whole, in order, whatever the reader's buffer size: lines
    /// split across fills, a last line without its newline, empty lines.
    #[test]
    fn for_each_line_gives_every_line_whole() {
        for text in [
            &b"!AIVDM,a\r\n\n!AIVDM,bb\nlast without newline"[..],
            b"one\n",
            b"",
            b"\n\n\n",
        ] {
            let want: Vec<&[u8]> = text.split_inclusive(|&c| c == b'\n').collect();
            for cap in [1, 2, 3, 7, 64, 1 << 16] {
                let mut r = std::io::BufReader::with_capacity(cap, text);
                let mut got: Vec<Vec<u8>> = Vec::new();
                for_each_line(&mut r, |l| {
                    got.push(l.to_vec());
                    Ok(())
                })
                .unwrap();
                assert_eq!(got, want, "capacity {cap}");
            }
        }
        // An error from the callback stops the loop and is returned.
        let mut n = 0;
        let r = for_each_line(&mut &b"a\nb\nc\n"[..], |_| {
            n += 1;
            anyhow::ensure!(n < 2, "stop");
            Ok(())
        });
        assert!(r.is_err());
        assert_eq!(n, 2);
    }
}
