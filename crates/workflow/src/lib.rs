//! Workflows: what users do, as services over the [`Store`].
//!
//! Handlers in the server call these services; services check permissions,
//! validate input, and call the store. Nothing here knows HTTP or JSON, and
//! no SQL lives here: that is the store's.
//!
//! Time comes from an injected [`Clock`], so deadlines, sessions and rate
//! limits are tested deterministically with [`clock::ManualClock`].
//!
//! Code map:
//! - [`clock`]: the clock trait, the system clock and a manual test clock.
//! - [`accounts`]: passwords (argon2), sign-in with rate limiting, sessions.
//! - [`admin`]: regions, units, users and the task force.
//! - [`registry`]: vessels, places and port reports (the registries the
//!   maritime engine reads), their imports/exports, the captain's token and
//!   the reconciliation of port reports against AIS.
//! - [`cases`]: clues, linking (串并), cases, seizures, hand-overs.
//! - [`tips`]: public tips, rewards and spot checks.
//! - [`error`]: the one error type, which the server turns into a response.
//! - Issue #8: [`intl`] (inbound international ships, vessel matching),
//!   [`individual`] (individual cases and closed-loop quarantine),
//!   [`duty`] (deadlines, the duty desk, notifications and the `Notifier`
//!   hook), [`epidemic`] (key persons, key countries, cold-chain trace).
//! - [`picture`]: the live maritime picture in memory (spatial index,
//!   clusters, bounded track history), fed by the server's running feeds.
//! - [`map`]: what a user may see of it, with the alerts of a vessel and an
//!   alert's evidence.
//! - [`jobs`]: periodic jobs run once across server nodes, under leases.

pub mod accounts;
pub mod admin;
pub mod alerts;
pub mod bootstrap;
pub mod bulletins;
pub mod cases;
pub mod clock;
pub mod duty;
pub mod epidemic;
pub mod error;
pub mod individual;
pub mod intl;
pub mod jobs;
pub mod map;
pub mod patrols;
pub mod pdf;
pub mod picture;
pub mod records;
pub mod registry;
pub mod report_export;
pub mod reports;
pub mod risks;
pub mod scoring;
pub mod seed;
pub mod tips;

use jinghai_domain::audit::Actor;
use jinghai_domain::{Scope, User};

pub use accounts::Accounts;
pub use admin::Admin;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{WorkflowError, WorkflowResult};
pub use jinghai_store::Store;

/// The signed-in user on whose behalf a service acts.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: User,
    pub scope: Scope,
}

impl Ctx {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            name: format!("{} ({})", self.user.display_name, self.user.username),
        }
    }
}
