//! Splitting bytes into lines with a bound on the length of one line.
//!
//! [`LineBuf`] accumulates the current line across reads: at most `max`
//! bytes are kept, the rest of an over-long line is discarded up to its
//! newline and the line is marked cut. The read loops scan the reader's own
//! buffer (`fill_buf` / `consume`), so no byte is copied twice and memory
//! never exceeds the reader's buffer plus `max`.

use std::io::BufRead;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// The line being assembled.
#[derive(Debug)]
pub(crate) struct LineBuf {
    buf: Vec<u8>,
    max: usize,
    cut: bool,
}

/// Result of one read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// A newline was reached: [`LineBuf::take`] the line.
    Line,
    /// The reader is at its end; any partial line stays in the buffer.
    Eof,
}

impl LineBuf {
    pub(crate) fn new(max: usize) -> Self {
        let max = max.max(1);
        LineBuf {
            buf: Vec::with_capacity(max.min(256)),
            max,
            cut: false,
        }
    }

    /// Bytes of a partial line waiting for its newline.
    pub(crate) fn has_partial(&self) -> bool {
        !self.buf.is_empty() || self.cut
    }

    fn append(&mut self, bytes: &[u8]) {
        let room = self.max - self.buf.len();
        if bytes.len() > room {
            self.buf.extend_from_slice(&bytes[..room]);
            self.cut = true;
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// The line so far (without newline) and whether it was cut; resets.
    pub(crate) fn take(&mut self) -> (Vec<u8>, bool) {
        let cap = self.buf.capacity().min(256);
        let line = std::mem::replace(&mut self.buf, Vec::with_capacity(cap));
        let cut = std::mem::take(&mut self.cut);
        (line, cut)
    }

    /// Forget the partial line (the file it came from was truncated).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.cut = false;
    }

    /// Consume bytes up to the next newline. Returns the bytes consumed.
    fn scan(&mut self, avail: &[u8]) -> (usize, bool) {
        match avail.iter().position(|&b| b == b'\n') {
            Some(i) => {
                self.append(&avail[..i]);
                (i + 1, true)
            }
            None => {
                self.append(avail);
                (avail.len(), false)
            }
        }
    }

    /// Read from a blocking reader up to the next newline or the end.
    /// `bytes_read` grows by the bytes consumed.
    pub(crate) fn read_sync<R: BufRead>(
        &mut self,
        r: &mut R,
        bytes_read: &mut u64,
    ) -> std::io::Result<Read> {
        loop {
            let avail = match r.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                return Ok(Read::Eof);
            }
            let (n, newline) = self.scan(avail);
            r.consume(n);
            *bytes_read += n as u64;
            if newline {
                return Ok(Read::Line);
            }
        }
    }

    /// Async form of [`LineBuf::read_sync`]. Cancel-safe: bytes consumed
    /// before a cancellation are kept in the buffer.
    pub(crate) async fn read_async<R: AsyncBufRead + Unpin>(
        &mut self,
        r: &mut R,
        bytes_read: &mut u64,
    ) -> std::io::Result<Read> {
        loop {
            let avail = r.fill_buf().await?;
            if avail.is_empty() {
                return Ok(Read::Eof);
            }
            let (n, newline) = self.scan(avail);
            r.consume(n);
            *bytes_read += n as u64;
            if newline {
                return Ok(Read::Line);
            }
        }
    }
}

/// The lines of one datagram, each cut at `max` bytes (with a flag when
/// cut). A last line without newline counts as a line.
pub(crate) fn datagram_lines(data: &[u8], max: usize) -> impl Iterator<Item = (&[u8], bool)> {
    let max = max.max(1);
    data.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(move |l| {
            if l.len() > max {
                (&l[..max], true)
            } else {
                (l, false)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(input: &[u8], max: usize, reader_cap: usize) -> Vec<(Vec<u8>, bool)> {
        let mut r = std::io::BufReader::with_capacity(reader_cap, input);
        let mut lb = LineBuf::new(max);
        let mut out = Vec::new();
        let mut n = 0;
        loop {
            match lb.read_sync(&mut r, &mut n).unwrap() {
                Read::Line => out.push(lb.take()),
                Read::Eof => {
                    if lb.has_partial() {
                        out.push(lb.take());
                    }
                    break;
                }
            }
        }
        assert_eq!(n, input.len() as u64);
        out
    }

    #[test]
    fn splits_lines_across_reader_buffers() {
        for cap in [1, 2, 3, 7, 64] {
            let got = all_lines(b"ab\ncd\r\n\nlast", 10, cap);
            let want: Vec<(Vec<u8>, bool)> = vec![
                (b"ab".to_vec(), false),
                (b"cd\r".to_vec(), false),
                (b"".to_vec(), false),
                (b"last".to_vec(), false),
            ];
            assert_eq!(got, want, "reader capacity {cap}");
        }
    }

    #[test]
    fn over_long_line_is_cut_and_the_rest_discarded() {
        let mut input = vec![b'x'; 10_000];
        input.extend_from_slice(b"\nok\n");
        for cap in [5, 4096, 20_000] {
            let got = all_lines(&input, 4096, cap);
            assert_eq!(got.len(), 2);
            assert_eq!(got[0].0.len(), 4096);
            assert!(got[0].1, "marked cut");
            assert_eq!(got[1], (b"ok".to_vec(), false));
        }
    }

    #[test]
    fn datagram_with_several_lines() {
        let lines: Vec<_> = datagram_lines(b"a\r\nbb\n\nccccc", 3).collect();
        assert_eq!(
            lines,
            vec![
                (&b"a\r"[..], false),
                (&b"bb"[..], false),
                (&b"ccc"[..], true)
            ]
        );
    }
}
