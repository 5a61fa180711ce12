//! The engine's input: what a decoder saw, stamped with its receive time.

/// AIS transponder class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AisClass {
    #[default]
    Unknown,
    A,
    B,
}

/// One decoded AIS message about one vessel.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub mmsi: u32,
    /// Receive time, epoch milliseconds. The engine's only clock.
    pub time_ms: i64,
    pub kind: ObservationKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObservationKind {
    Position(PositionReport),
    Static(StaticReport),
}

/// A position report (AIS types 1–3, 18, 19, 27). `None` is "not available".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionReport {
    pub lat: f64,
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog_kn: Option<f32>,
    /// Course over ground, degrees true.
    pub cog_deg: Option<f32>,
    /// True heading, degrees.
    pub heading_deg: Option<u16>,
    pub nav_status: Option<u8>,
    pub class: AisClass,
}

impl PositionReport {
    /// A report with only a position, for tests and generators.
    pub fn at(lat: f64, lon: f64) -> Self {
        Self {
            lat,
            lon,
            sog_kn: None,
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            class: AisClass::Unknown,
        }
    }
}

/// Static and voyage data (AIS types 5, 19, 24).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StaticReport {
    pub name: Option<ShortText>,
    pub callsign: Option<ShortText>,
    pub imo: Option<u32>,
    /// ITU ship and cargo type (30 = fishing).
    pub ship_type: Option<u8>,
    pub class: AisClass,
}

/// A name or call sign as AIS carries it (at most 20 characters), held inline:
/// a static report costs no allocation on its way through the engine (one message
/// in seven of the generated 10,000-vessel day is a type 5 or 24).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct ShortText {
    bytes: [u8; ShortText::CAPACITY],
    len: u8,
}

impl ShortText {
    /// Most bytes held: an AIS vessel name's 20 six-bit characters.
    pub const CAPACITY: usize = 20;

    /// `text` without surrounding white space, cut to [`Self::CAPACITY`] bytes at a
    /// character boundary; `None` when nothing is left.
    pub fn new(text: &str) -> Option<Self> {
        let text = text.trim();
        let mut end = text.len().min(Self::CAPACITY);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let text = text[..end].trim_end();
        if text.is_empty() {
            return None;
        }
        let mut bytes = [0; Self::CAPACITY];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Some(ShortText {
            bytes,
            len: text.len() as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        // Built from a `&str` cut at a character boundary.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The text's bytes (UTF-8), without [`ShortText::as_str`]'s check: for
    /// comparisons on every static report.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl std::fmt::Debug for ShortText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::ShortText;

    #[test]
    fn short_text_is_trimmed_and_cut_at_a_character_boundary() {
        let text = |s: &str| ShortText::new(s).map(|t| t.as_str().to_string());
        assert_eq!(text("  HAI XING 7  ").as_deref(), Some("HAI XING 7"));
        assert_eq!(text("   "), None);
        assert_eq!(text(""), None);
        assert_eq!(
            text("ABCDEFGHIJKLMNOPQRSTUVWXYZ").as_deref(),
            Some("ABCDEFGHIJKLMNOPQRST")
        );
        // 19 ASCII bytes and a 3-byte character: the character does not fit.
        assert_eq!(
            text("ABCDEFGHIJKLMNOPQRS\u{6d77}").as_deref(),
            Some("ABCDEFGHIJKLMNOPQRS")
        );
        // Cut in the middle, then white space before the cut is dropped too.
        assert_eq!(
            text("ABCDEFGHIJKLMNOPQRS Z").as_deref(),
            Some("ABCDEFGHIJKLMNOPQRS")
        );
        assert_eq!(text("\u{0}\u{ffff}").as_deref(), Some("\u{0}\u{ffff}"));
    }
}
