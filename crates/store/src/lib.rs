//! Storage for Jinghai: one [`Store`] trait, two implementations.
//!
//! - [`SqliteStore`]: the embedded default, a file under the data directory in
//!   WAL mode.
//! - [`PgStore`]: PostgreSQL 15 with PostGIS, for production.
//!
//! Both implementations are generated from one body of SQL-and-Rust
//! (`sql_impl.rs`, expanded once per backend by the `impl_store!` macro), so
//! they cannot drift apart; the only per-backend code is connecting and the
//! migration files. Both run the same test story (`tests/story.rs`).
//!
//! Invariants:
//! - Every create/update/delete writes its audit record in the same
//!   transaction as the change; the audit table itself is append-only
//!   (enforced by database triggers).
//! - Every read that request handlers use takes a [`Scope`]; the few unscoped
//!   reads are named `*_unscoped` and exist for sign-in and internal checks.
//! - Migrations are numbered files under `migrations/<backend>/`, applied in
//!   order at start, and never edited once released: each applied migration's
//!   checksum is recorded and a mismatch refuses to start.
//! - Times are UTC epoch milliseconds (`BIGINT`) in both backends.

mod migrate;
#[macro_use]
mod sql_impl;
#[macro_use]
mod live_map;
#[macro_use]
mod risk_places;
#[macro_use]
mod registry;
#[macro_use]
mod bulletins;
#[macro_use]
mod patrols;
#[macro_use]
mod scoring;
#[macro_use]
pub mod intl;
#[macro_use]
pub mod cases;
#[macro_use]
mod jobs;
#[macro_use]
pub mod guards;
mod postgres;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use jinghai_domain::alert::Alert;
use jinghai_domain::audit::Actor;
use jinghai_domain::report::{Day, EntryStatus, FormDef, Milli, ReportEntry};
use jinghai_domain::risk::{Attachment, RiskCategory, RiskItem, RiskStatus, RiskUpdate, Severity};
use jinghai_domain::taskforce::GroupAssignment;
use jinghai_domain::time::Millis;
use jinghai_domain::{
    Agency, AuditAction, AuditEntry, Region, RegionCode, RegionLevel, Role, Scope, Unit, User,
    WorkingGroup,
};

pub use bulletins::{BulletinFile, BulletinStore, NewBulletin};
pub use cases::{
    CasesStore, NewCase, NewClue, NewDisposal, NewHandover, NewSeizure, NewStep, NewTip,
    RewardTransition, SpotFinding, TipTransition,
};
pub use guards::GuardStore;
pub use intl::*;
pub use jobs::{JobLease, JobStore};
pub use live_map::LiveMapStore;
pub use migrate::{Migration, MigrationStatus};
pub use patrols::{NewPatrolPlan, NewPatrolRecord, PatrolStore};
pub use postgres::PgStore;
pub use registry::{
    ImportCounts, NewVessel, PlaceWrite, PortEntryWrite, PortReportWrite, RegistryRevisions,
    RegistryStore, VesselFilter, VesselWrite,
};
pub use risk_places::{RiskPlace, RiskPlaceStore};
pub use scoring::{NewCard, ScoringStore};
pub use sqlite::SqliteStore;

/// Which backend a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or is outside the caller's scope).
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the message names what clashed.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Another record still refers to this one.
    #[error("still referenced: {0}")]
    InUse(String),
    /// The database could not be reached or refused to open.
    #[error("cannot open database {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    /// A released migration was edited, or a migration failed.
    #[error("migration: {0}")]
    Migration(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored value could not be read back (a bug or a hand-edited row).
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A new region.
#[derive(Debug, Clone)]
pub struct NewRegion {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
    pub parent_id: Option<i64>,
}

/// A new unit. `region_code` must be the code of `region_id`.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub name: String,
    pub agency: Agency,
    pub region_id: i64,
    pub parent_unit_id: Option<i64>,
}

/// A new user with an already-hashed password.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub region_id: i64,
    pub unit_id: Option<i64>,
}

/// Changes to a user (the password has its own call).
#[derive(Debug, Clone)]
pub struct UserPatch {
    pub display_name: String,
    pub role: Role,
    pub region_id: i64,
    pub unit_id: Option<i64>,
    pub active: bool,
}

/// A signed-in session, found by the hash of its cookie token.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub region_level: RegionLevel,
    pub csrf_token: String,
    pub expires_at: Millis,
}

/// A stored report form.
#[derive(Debug, Clone)]
pub struct ReportForm {
    pub id: i64,
    pub def: FormDef,
}

/// A report entry to write (insert or replace by form, region, section, day).
#[derive(Debug, Clone)]
pub struct EntryWrite {
    pub form_id: i64,
    pub region_id: i64,
    pub section: String,
    pub day: Day,
    pub unit_id: Option<i64>,
    pub status: EntryStatus,
    pub notes: String,
    pub values: Vec<(String, Milli)>,
}

/// Where one entry stands, without its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryState {
    pub region_id: i64,
    pub day: Day,
    pub section: String,
    pub status: EntryStatus,
    pub submitted_at: Option<Millis>,
}

/// A report entry for bulk loading (benchmarks, imports of history).
#[derive(Debug, Clone)]
pub struct BulkEntry {
    pub region_id: i64,
    pub region_code: String,
    pub section: String,
    pub day: Day,
    pub status: EntryStatus,
    pub values: Vec<(String, Milli)>,
}

/// A newly found risk.
#[derive(Debug, Clone)]
pub struct NewRisk {
    pub region_id: i64,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub category: RiskCategory,
    pub description: String,
    pub severity: Severity,
    pub found_by: String,
    pub found_on: Day,
}

/// A risk's rectification plan.
#[derive(Debug, Clone)]
pub struct RiskPlan {
    pub measure: String,
    pub responsible_unit_id: i64,
    pub responsible_person: String,
    pub deadline: Day,
}

/// A risk's move to a new status, with what the move records.
#[derive(Debug, Clone)]
pub struct RiskTransition {
    pub status: RiskStatus,
    /// Close-out evidence text (when applying for 销号).
    pub evidence: Option<String>,
    /// The office's check comment.
    pub check_comment: Option<String>,
    pub closed_on: Option<Day>,
}

/// An engine event to store as an alert (insert, or update by `event_key`).
#[derive(Debug, Clone)]
pub struct AlertWrite {
    pub event_key: String,
    pub region_id: i64,
    pub kind: String,
    pub mmsi: i64,
    pub other_mmsi: Option<i64>,
    pub start_at: Millis,
    pub end_at: Option<Millis>,
    pub lat: f64,
    pub lon: f64,
    pub zone_id: Option<String>,
    pub detail: String,
}

/// Filter for the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub action: Option<AuditAction>,
    pub actor: Option<String>,
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    pub limit: i64,
}

/// An audit record about to be written.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub at: Millis,
    pub actor: Actor,
    pub action: AuditAction,
    pub entity: &'static str,
    pub entity_id: Option<i64>,
    pub region_code: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl NewAudit {
    /// An audit record of a change to one record; add snapshots with
    /// [`NewAudit::before`] and [`NewAudit::after`].
    pub fn of(
        actor: &Actor,
        at: Millis,
        action: AuditAction,
        entity: &'static str,
        entity_id: i64,
        region_code: &str,
    ) -> NewAudit {
        NewAudit {
            at,
            actor: actor.clone(),
            action,
            entity,
            entity_id: Some(entity_id),
            region_code: region_code.to_string(),
            before: None,
            after: None,
        }
    }
    pub fn before(mut self, snapshot: Option<String>) -> NewAudit {
        self.before = snapshot;
        self
    }
    pub fn after(mut self, snapshot: Option<String>) -> NewAudit {
        self.after = snapshot;
        self
    }
}

/// The storage interface. See the crate docs for its invariants.
#[async_trait]
pub trait Store:
    Send
    + Sync
    + 'static
    + RegistryStore
    + ScoringStore
    + BulletinStore
    + PatrolStore
    + IntlStore
    + CasesStore
    + LiveMapStore
    + RiskPlaceStore
    + JobStore
    + GuardStore
{
    fn backend(&self) -> Backend;

    /// Applies pending migrations; returns what was applied.
    async fn migrate(&self) -> Result<Vec<MigrationStatus>>;
    /// Lists migrations with whether each is applied.
    async fn migration_status(&self) -> Result<Vec<MigrationStatus>>;
    /// A cheap round trip, for `/healthz`.
    async fn ping(&self) -> Result<()>;

    // --- regions ---
    async fn list_regions(&self, scope: &Scope) -> Result<Vec<Region>>;
    async fn get_region(&self, scope: &Scope, id: i64) -> Result<Region>;
    async fn get_region_unscoped(&self, id: i64) -> Result<Region>;
    async fn find_region_by_code(&self, code: &str) -> Result<Option<Region>>;
    async fn create_region(&self, actor: &Actor, at: Millis, new: &NewRegion) -> Result<Region>;
    async fn rename_region(&self, actor: &Actor, at: Millis, id: i64, name: &str)
        -> Result<Region>;
    async fn delete_region(&self, actor: &Actor, at: Millis, id: i64) -> Result<()>;

    // --- units ---
    async fn list_units(&self, scope: &Scope) -> Result<Vec<Unit>>;
    async fn get_unit(&self, scope: &Scope, id: i64) -> Result<Unit>;
    async fn get_unit_unscoped(&self, id: i64) -> Result<Unit>;
    async fn create_unit(&self, actor: &Actor, at: Millis, new: &NewUnit) -> Result<Unit>;
    async fn update_unit(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        name: &str,
        agency: Agency,
    ) -> Result<Unit>;
    async fn delete_unit(&self, actor: &Actor, at: Millis, id: i64) -> Result<()>;

    // --- users ---
    async fn list_users(&self, scope: &Scope) -> Result<Vec<User>>;
    async fn get_user(&self, scope: &Scope, id: i64) -> Result<User>;
    /// The user and password hash for sign-in.
    async fn find_login(&self, username: &str) -> Result<Option<(User, String)>>;
    async fn create_user(&self, actor: &Actor, at: Millis, new: &NewUser) -> Result<User>;
    async fn update_user(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        patch: &UserPatch,
    ) -> Result<User>;
    async fn set_password(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        password_hash: &str,
    ) -> Result<()>;
    async fn count_users(&self) -> Result<i64>;

    // --- sessions ---
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<()>;
    async fn get_session(&self, token_hash: &str, now: Millis) -> Result<Option<Session>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn delete_sessions_of(&self, user_id: i64) -> Result<()>;

    // --- task force ---
    async fn list_group_assignments(
        &self,
        scope: &Scope,
        district_id: i64,
    ) -> Result<Vec<GroupAssignment>>;
    async fn set_group_lead(
        &self,
        actor: &Actor,
        at: Millis,
        district_id: i64,
        group: WorkingGroup,
        unit_id: Option<i64>,
    ) -> Result<()>;

    // --- reports ---
    /// Stores a form definition (by code), returning its id; an existing form keeps its id.
    async fn upsert_report_form(&self, actor: &Actor, at: Millis, def: &FormDef) -> Result<i64>;
    async fn get_report_form(&self, code: &str) -> Result<Option<ReportForm>>;
    async fn list_report_forms(&self) -> Result<Vec<ReportForm>>;
    /// Entries of a form between two days (inclusive) in the caller's regions.
    async fn list_report_entries(
        &self,
        scope: &Scope,
        form_id: i64,
        from: Day,
        to: Day,
    ) -> Result<Vec<ReportEntry>>;
    async fn get_report_entry(&self, scope: &Scope, id: i64) -> Result<ReportEntry>;
    /// Writes an entry with its values, keeps totals current, audits.
    async fn save_report_entry(
        &self,
        actor: &Actor,
        at: Millis,
        write: &EntryWrite,
    ) -> Result<ReportEntry>;
    /// Moves an entry to `status` (review, return, unlock), keeps totals current, audits.
    async fn set_report_status(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        status: EntryStatus,
        reviewer: Option<i64>,
        comment: &str,
    ) -> Result<ReportEntry>;
    /// Sums of counted values per indicator for a region prefix and day range.
    async fn report_rollup(
        &self,
        form_id: i64,
        prefix: &str,
        from: Day,
        to: Day,
    ) -> Result<Vec<(String, Milli)>>;
    /// Counted values per day and indicator for a region prefix and day range.
    async fn report_series(
        &self,
        form_id: i64,
        prefix: &str,
        from: Day,
        to: Day,
    ) -> Result<Vec<(Day, String, Milli)>>;
    /// (region id, day, section, status, submitted_at) of every entry in the
    /// caller's regions between two days: what completeness checks need,
    /// without the values.
    async fn report_entry_states(
        &self,
        scope: &Scope,
        form_id: i64,
        from: Day,
        to: Day,
    ) -> Result<Vec<EntryState>>;
    /// Inserts many entries at once, without audit records: for loading
    /// history and for benchmarks. Call [`Store::rebuild_report_totals`] after.
    async fn bulk_insert_report_entries(&self, form_id: i64, entries: &[BulkEntry]) -> Result<()>;
    /// Recomputes every total of a form from its entries (repair, after bulk loads).
    async fn rebuild_report_totals(&self, form_id: i64) -> Result<()>;

    // --- risks ---
    async fn create_risk(&self, actor: &Actor, at: Millis, new: &NewRisk) -> Result<RiskItem>;
    /// A risk in the caller's regions, or one their unit is responsible for.
    async fn get_risk(&self, scope: &Scope, id: i64) -> Result<RiskItem>;
    async fn list_risks(&self, scope: &Scope) -> Result<Vec<RiskItem>>;
    async fn set_risk_plan(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        plan: &RiskPlan,
    ) -> Result<RiskItem>;
    async fn add_risk_update(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        day: Day,
        progress: &str,
    ) -> Result<RiskUpdate>;
    async fn list_risk_updates(&self, risk_id: i64) -> Result<Vec<RiskUpdate>>;
    async fn add_risk_attachment(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Attachment>;
    async fn list_risk_attachments(&self, risk_id: i64) -> Result<Vec<Attachment>>;
    /// An attachment and its bytes, if its risk is visible to the caller.
    async fn get_risk_attachment(&self, scope: &Scope, id: i64) -> Result<(Attachment, Vec<u8>)>;
    async fn set_risk_status(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        t: &RiskTransition,
    ) -> Result<RiskItem>;

    // --- alerts ---
    /// Inserts an engine event as a new alert, or updates its end and
    /// evidence (same `event_key`). Not audited: the engine writes these by
    /// the thousand; what people do with alerts is audited.
    async fn upsert_alert(&self, at: Millis, a: &AlertWrite) -> Result<i64>;
    /// The newest alerts in the caller's regions (at most `limit`).
    async fn list_alerts(&self, scope: &Scope, limit: i64) -> Result<Vec<Alert>>;
    /// The newest alerts in the caller's regions that pass the desk's filter.
    async fn find_alerts(
        &self,
        scope: &Scope,
        filter: &jinghai_domain::alert::AlertFilter,
        limit: i64,
    ) -> Result<Vec<Alert>>;
    /// Open, new and overdue (raised before `overdue_before` and not yet
    /// acknowledged) alerts in the caller's regions.
    async fn count_alerts(
        &self,
        scope: &Scope,
        overdue_before: Millis,
    ) -> Result<jinghai_domain::alert::AlertCounts>;

    /// One alert in the caller's regions (or assigned to their unit).
    async fn get_alert(&self, scope: &Scope, id: i64) -> Result<Alert>;
    /// Moves an alert on the desk (assign, acknowledge, dismiss, escalate); audited.
    async fn set_alert_status(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        status: jinghai_domain::alert::AlertStatus,
        unit_id: Option<i64>,
        note: &str,
    ) -> Result<Alert>;

    // --- audit ---
    /// Appends an audit record that belongs to no other write (sign-in, sign-out).
    async fn append_audit(&self, entry: &NewAudit) -> Result<()>;
    async fn list_audit(&self, scope: &Scope, filter: &AuditFilter) -> Result<Vec<AuditEntry>>;
}

/// Opens a store from a URL: `sqlite://PATH` (created if missing) or
/// `postgres://…`. Does not migrate; call [`Store::migrate`].
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::Connect {
            url: redact_url(url),
            source: sqlx::Error::Configuration(
                "the URL must start with sqlite:// or postgres://".into(),
            ),
        })
    }
}

/// Hides the password of a database URL for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact_url("postgres://u:secret@h:5/db"),
            "postgres://u:***@h:5/db"
        );
        assert_eq!(super::redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            super::redact_url("sqlite:///tmp/x.db"),
            "sqlite:///tmp/x.db"
        );
    }
}

#[cfg(feature = "testkit")]
pub mod testkit;
