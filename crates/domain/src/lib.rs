//! Domain model of Jinghai (净海): the nouns of the platform and the rules that
//! need no IO.
//!
//! Invariant: this crate does no IO and knows nothing of HTTP, JSON, SQL or
//! async runtimes. It holds plain data types, validation, and the scoping rule
//! ("who may see what"), so every other crate agrees on them. Time is passed
//! in as epoch milliseconds ([`time::Millis`]); nothing here reads a clock.
//!
//! Code map:
//! - [`region`]: the administrative region tree (province → city → district →
//!   town/street → village) with 12-digit statistical division codes.
//! - [`unit`]: agencies and their sub-units (海警, 边检, 公安 …).
//! - [`taskforce`]: the Clean Sea task force (专班) and its 8 working groups.
//! - [`user`]: users and roles; [`scope`]: what a user may see.
//! - [`audit`]: the append-only audit record.
//! - [`validate`]: field validation errors with Chinese and English messages.
//! - [`time`]: RFC 3339 formatting/parsing of epoch milliseconds.
//! - [`scoring`]: the evaluation rule table, ledger facts and evaluator,
//!   rankings, red/yellow cards; [`bulletin`]: weekly bulletins' numbering
//!   and weeks; [`patrol`]: track files, zones, patrolled area and blind spots.
//! - Issue #8: [`intl`] (inbound international ships, the five testing
//!   categories, 三不, 一船一案, the inbound-list import), [`individual`]
//!   (individual cases, closed-loop quarantine, 失管漏管), [`duty`] (the
//!   deadline rule table), [`epidemic`] (key persons, key countries,
//!   cold-chain trace and smuggling leads).

#[macro_use]
mod enums;

pub mod alert;
pub mod audit;
pub mod bulletin;
pub mod duty;
pub mod epidemic;
pub mod geometry;
pub mod individual;
pub mod intl;
pub mod patrol;
pub mod person;
pub mod region;
pub mod registry;
pub mod report;
pub mod risk;
pub mod scope;
pub mod scoring;
pub mod taskforce;
pub mod time;
pub mod unit;
pub mod user;
pub mod validate;

pub use audit::{AuditAction, AuditEntry};
pub use region::{Region, RegionCode, RegionLevel};
pub use scope::Scope;
pub use taskforce::WorkingGroup;
pub use unit::{Agency, Unit};
pub use user::{Role, User};
pub use validate::{FieldError, Lang};
