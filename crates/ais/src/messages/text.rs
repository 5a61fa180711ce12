//! [`AisText`]: the short 6-bit texts of static messages (names, call
//! signs, destinations), held inline.

use std::fmt;
use std::ops::Deref;

/// Text of at most `N` bytes held inline, without a heap allocation: a
/// vessel name or destination (`N` = 20), a call sign (7), a vendor id (3).
/// Decoded texts are 6-bit ASCII, ended at the first `@` and trimmed of
/// trailing spaces; built from a longer `&str`, the text is cut at `N`
/// bytes (on a character boundary).
///
/// It reads as a `&str` (`Deref`, `as_str`), compares, prints, hashes and
/// (with the `serde` feature) serialises as one.
#[derive(Clone, Copy)]
pub struct AisText<const N: usize> {
    buf: [u8; N],
    len: u8,
}

impl<const N: usize> AisText<N> {
    /// Most bytes held.
    pub const CAPACITY: usize = N;

    /// The empty text.
    pub const fn new() -> Self {
        AisText {
            buf: [0; N],
            len: 0,
        }
    }

    /// The first `len` bytes of `buf` (the rest is ignored) when they are
    /// ASCII (6-bit text is); `None` otherwise.
    #[inline(always)]
    pub(crate) fn from_ascii(buf: [u8; N], len: usize) -> Option<Self> {
        (len <= N && len <= u8::MAX as usize && buf[..len].is_ascii()).then_some(AisText {
            buf,
            len: len as u8,
        })
    }

    /// The first `len` bytes of `buf` (at most `N` ≤ 255), which are
    /// decoded 6-bit text: ASCII by construction, so not checked again
    /// (were they not, the text would read as empty, never as bad UTF-8).
    #[inline(always)]
    pub(crate) fn from_sixbit(buf: [u8; N], len: usize) -> Self {
        AisText {
            buf,
            len: len.min(N).min(u8::MAX as usize) as u8,
        }
    }

    /// The text, cut at `N` bytes on a character boundary.
    pub fn from_str_cut(s: &str) -> Self {
        let mut end = s.len().min(N).min(u8::MAX as usize);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let mut buf = [0; N];
        buf[..end].copy_from_slice(&s.as_bytes()[..end]);
        AisText {
            buf,
            len: end as u8,
        }
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        // Built from ASCII or cut from a `&str` on a character boundary:
        // always UTF-8.
        std::str::from_utf8(self.buf.get(..self.len as usize).unwrap_or(&[])).unwrap_or("")
    }
}

impl<const N: usize> Default for AisText<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Deref for AisText<N> {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> AsRef<str> for AisText<N> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> From<&str> for AisText<N> {
    fn from(s: &str) -> Self {
        Self::from_str_cut(s)
    }
}

impl<const N: usize> From<&String> for AisText<N> {
    fn from(s: &String) -> Self {
        Self::from_str_cut(s)
    }
}

impl<const N: usize> From<String> for AisText<N> {
    fn from(s: String) -> Self {
        Self::from_str_cut(&s)
    }
}

impl<const N: usize> From<AisText<N>> for String {
    fn from(t: AisText<N>) -> String {
        t.as_str().to_string()
    }
}

impl<const N: usize> PartialEq for AisText<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<const N: usize> Eq for AisText<N> {}

impl<const N: usize> PartialEq<str> for AisText<N> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl<const N: usize> PartialEq<&str> for AisText<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<const N: usize> std::hash::Hash for AisText<N> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl<const N: usize> fmt::Debug for AisText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for AisText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<const N: usize> serde::Serialize for AisText<N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_and_read() {
        let t: AisText<7> = "ABC DEF GHI".into();
        assert_eq!(t.as_str(), "ABC DEF");
        assert_eq!(t, "ABC DEF");
        assert_eq!(format!("{t} {t:?}"), "ABC DEF \"ABC DEF\"");
        let t: AisText<4> = "aé€".into();
        assert_eq!(t.as_str(), "aé");
        assert!(AisText::<3>::new().is_empty());
        assert_eq!(AisText::<20>::default(), AisText::from(String::new()));
        assert_eq!(AisText::<3>::from_ascii(*b"AB\0", 2).unwrap(), "AB");
        assert!(AisText::<3>::from_ascii(*b"A\xc3\xa9", 3).is_none());
        assert!(AisText::<3>::from_ascii(*b"ABC", 4).is_none());
        assert_eq!(AisText::<3>::from_sixbit(*b"AB\0", 2), "AB");
        assert_eq!(AisText::<3>::from_sixbit(*b"ABC", 4), "ABC");
    }
}
