//! AIS decoding for Jinghai: NMEA 0183 framing (bytes → sentences) and AIS
//! message decoding (sentences → typed ITU-R M.1371 messages).
//!
//! The work is split in two layers that know nothing of each other:
//!
//! * **Framing** ([`framing`]) turns one line into a [`Sentence`]: it checks
//!   the NMEA checksum, splits the `!xxVDM` / `!xxVDO` fields, and takes the
//!   receive time and source from whatever the feed wrapped around the
//!   sentence — an NMEA 4.10 tag block (`\c:<epoch s>,s:<source>*hh\`), a
//!   leading `<epoch s>,` or `<RFC 3339>,` column, or trailing fields after
//!   the checksum (exactEarth's `,<epoch ms>`). Lines that are not AIS
//!   sentences (`$PGHP`, `$GPGGA`, comments) are rejected as
//!   [`ErrorKind::Unsupported`].
//! * **Format** ([`messages`]) de-armours the 6-bit payload into a bit buffer
//!   and reads the fields of the message type into a [`Message`], in real
//!   units, with "not available" as `None`.
//!
//! The [`Decoder`] glues them for a stream: it reassembles multi-sentence
//! messages (interleaved across channels and sequence ids, with bounded
//! memory), keeps [`Stats`] per message type and per error kind, and never
//! panics or stops on bad input.
//!
//! ```
//! use jinghai_ais::{Decoder, Message};
//! let mut dec = Decoder::new();
//! let line = b"\\s:2573238,c:1733782034*0A\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F";
//! let d = dec.decode_line(line).unwrap().unwrap();
//! assert_eq!(d.received_at, Some(1_733_782_034_000));
//! assert_eq!(d.source.unwrap().as_str(), "2573238");
//! let Message::Position(p) = &d.message else { panic!() };
//! assert_eq!(p.mmsi, 259076000);
//! println!("{}", jinghai_ais::to_json(&d));
//! ```
//!
//! [`encode`] goes the other way (types 1/2/3, 5, 18, 19, 24 to armoured
//! sentences), for tests and exercise generators.
#![warn(missing_docs)]

mod bits;
mod decoder;
pub mod encode;
mod error;
pub mod framing;
mod json;
pub mod messages;
mod time;

pub use decoder::{Decoded, Decoder, DecoderConfig, Source, Stats, SOURCE_MAX};
pub use error::{DecodeError, ErrorKind};
pub use framing::{parse_line, Sentence};
pub use json::{message_json, to_json};
pub use messages::{Fix, Message, StaticInfo};
pub use time::format_rfc3339;

/// The xorshift64 step the randomised tests draw their inputs from (several
/// modules; deterministic, no dependency).
#[cfg(test)]
pub(crate) fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}
