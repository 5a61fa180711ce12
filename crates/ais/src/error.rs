//! Errors of the decoder. Every error is recoverable: the decoder never
//! poisons its state, so the caller counts the error and feeds the next line.

use thiserror::Error;

/// What went wrong with one line. The discriminant indexes [`crate::Stats::errors`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[repr(u8)]
pub enum ErrorKind {
    /// Blank line (or only whitespace).
    #[error("empty line")]
    Empty = 0,
    /// A line that is not an AIS sentence: `$PGHP`, `$GPGGA`, comments, proprietary sentences.
    #[error("unsupported or proprietary line")]
    Unsupported,
    /// The sentence or tag block has no valid `*hh` checksum or it does not match.
    #[error("bad checksum")]
    BadChecksum,
    /// The sentence does not have the `!xxVDM,n,m,s,c,payload,f*hh` shape.
    #[error("malformed sentence")]
    Malformed,
    /// A payload character outside the AIS 6-bit armouring alphabet.
    #[error("bad 6-bit armour character")]
    BadArmour,
    /// Fill bits not 0..=5, or more fill bits than payload.
    #[error("wrong fill bits")]
    BadFillBits,
    /// Payload shorter than the message type needs.
    #[error("truncated payload")]
    TruncatedPayload,
    /// Payload longer than any AIS message (5 slots) may be.
    #[error("payload too long")]
    PayloadTooLong,
    /// Message type 0 or 28..=63.
    #[error("unknown message type")]
    UnknownMessageType,
    /// A field holds a value outside its defined range (decoded as `None`; the
    /// message is still returned — counted, not returned as an error).
    #[error("field out of range")]
    OutOfRange,
    /// A fragment of a multi-sentence message whose earlier fragments were not seen.
    #[error("fragment out of sequence")]
    FragmentOutOfSequence,
    /// An incomplete multi-sentence group dropped because it grew too old or
    /// the table of pending groups was full (counted, not returned).
    #[error("expired incomplete fragment group")]
    ExpiredFragment,
}

impl ErrorKind {
    /// Number of kinds, the length of [`crate::Stats::errors`].
    pub const COUNT: usize = 12;
    /// All kinds, in discriminant order.
    pub const ALL: [ErrorKind; Self::COUNT] = [
        ErrorKind::Empty,
        ErrorKind::Unsupported,
        ErrorKind::BadChecksum,
        ErrorKind::Malformed,
        ErrorKind::BadArmour,
        ErrorKind::BadFillBits,
        ErrorKind::TruncatedPayload,
        ErrorKind::PayloadTooLong,
        ErrorKind::UnknownMessageType,
        ErrorKind::OutOfRange,
        ErrorKind::FragmentOutOfSequence,
        ErrorKind::ExpiredFragment,
    ];

    /// Stable snake_case name, for counters and logs.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Empty => "empty",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::BadChecksum => "bad_checksum",
            ErrorKind::Malformed => "malformed",
            ErrorKind::BadArmour => "bad_armour",
            ErrorKind::BadFillBits => "bad_fill_bits",
            ErrorKind::TruncatedPayload => "truncated_payload",
            ErrorKind::PayloadTooLong => "payload_too_long",
            ErrorKind::UnknownMessageType => "unknown_message_type",
            ErrorKind::OutOfRange => "out_of_range",
            ErrorKind::FragmentOutOfSequence => "fragment_out_of_sequence",
            ErrorKind::ExpiredFragment => "expired_fragment",
        }
    }
}

/// An error for one line. The stream can always continue after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("{kind}")]
pub struct DecodeError {
    /// What went wrong.
    pub kind: ErrorKind,
}

impl DecodeError {
    /// Whether the caller may keep feeding lines. Always `true`: the decoder
    /// keeps no state that one bad line can corrupt. Kept as a method so that
    /// callers write the check once and stay correct if that ever changes.
    pub fn can_continue(&self) -> bool {
        true
    }
}

impl From<ErrorKind> for DecodeError {
    fn from(kind: ErrorKind) -> Self {
        DecodeError { kind }
    }
}
