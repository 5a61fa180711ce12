//! Storage of clues, their entities and links (串并), cases with their path,
//! seizures and disposals, hand-overs, evidence files, public tips, rewards
//! and spot checks.
//!
//! Linking uses an inverted index (`clue_keys`: normalised entity key →
//! clue): a new clue probes the index once per key of its entities, so its
//! cost does not grow with the number of clues (see `benches/linking.rs`).
//!
//! Visibility of clues and cases is the rule of `jinghai_domain::cases`
//! (`Holding::visible_to`), written once here as SQL (`clue_visible!`,
//! `case_visible!`); every scoped read binds `$1` region pattern, `$2` unit,
//! `$3` clearance rank, so the clause is the same text everywhere.

use async_trait::async_trait;
use jinghai_domain::audit::Actor;
use jinghai_domain::cases::{
    Case, CaseFile, CaseStatus, CaseStep, Classification, Clue, ClueEntity, ClueLink, ClueSource,
    ClueStatus, DailyFigures, Disposal, DisposalStep, Handover, LinkStatus, PayMethod,
    QuantityUnit, RecordKind, Reward, RewardStatus, Seizure, SeizureCategory, SpotCheck,
    SpotCheckItem, StepKind, Tip, TipChannel, TipContact, TipStatus, TipTopic,
};
use jinghai_domain::entity::NormalEntity;
use jinghai_domain::report::Day;
use jinghai_domain::time::Millis;
use jinghai_domain::Scope;

use crate::Result;

/// A new clue.
#[derive(Debug, Clone)]
pub struct NewClue {
    pub region_id: i64,
    pub summary: String,
    pub detail: String,
    pub occurred_at: Millis,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub source: ClueSource,
    pub source_ref: Option<i64>,
    pub classification: Classification,
    /// The registering unit, which also holds it first.
    pub owner_unit_id: Option<i64>,
}

/// A new case, filed from clues.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub region_id: i64,
    pub case_no: String,
    pub title: String,
    pub summary: String,
    pub classification: Classification,
    pub filed_on: Day,
    pub owner_unit_id: Option<i64>,
    /// The 立案 step's document (立案决定书 number).
    pub document: String,
}

/// A step to add to a case, with the status the case moves to.
#[derive(Debug, Clone)]
pub struct NewStep {
    pub kind: StepKind,
    pub day: Day,
    pub unit_id: Option<i64>,
    pub persons: i64,
    pub document: String,
    pub note: String,
    pub new_status: CaseStatus,
}

/// A seizure to record.
#[derive(Debug, Clone)]
pub struct NewSeizure {
    pub category: SeizureCategory,
    pub quantity: i64,
    pub unit: QuantityUnit,
    pub description: String,
    pub seized_on: Day,
}

/// A disposal step to record.
#[derive(Debug, Clone)]
pub struct NewDisposal {
    pub step: DisposalStep,
    pub day: Day,
    pub unit_id: Option<i64>,
    pub document: String,
    pub note: String,
}

/// A hand-over to record.
#[derive(Debug, Clone)]
pub struct NewHandover {
    pub record_kind: RecordKind,
    pub record_id: i64,
    pub region_code: String,
    pub from_unit_id: Option<i64>,
    pub to_unit_id: i64,
    pub reason: String,
    pub deadline_at: Millis,
}

/// A new tip. `code_hash` is the SHA-256 of the follow-up code: the code
/// itself is shown once to the tipster and never stored.
#[derive(Debug, Clone)]
pub struct NewTip {
    pub code_hash: String,
    pub region_id: i64,
    pub channel: TipChannel,
    pub topic: TipTopic,
    pub what: String,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub when_text: String,
    pub contact: TipContact,
    pub anonymous: bool,
}

/// A tip's move: triaged into a clue, merged, or closed.
#[derive(Debug, Clone)]
pub struct TipTransition {
    pub status: TipStatus,
    pub note: String,
    pub clue_id: Option<i64>,
    pub merged_into: Option<i64>,
}

/// A reward's move: decided (approved/rejected) or paid.
#[derive(Debug, Clone)]
pub struct RewardTransition {
    pub status: RewardStatus,
    pub paid_on: Option<Day>,
    pub pay_method: Option<PayMethod>,
    pub note: String,
}

/// A spot check's findings on one sampled tip.
#[derive(Debug, Clone)]
pub struct SpotFinding {
    pub answered: bool,
    pub handled: bool,
    pub rewarded: bool,
    pub note: String,
}

/// Storage of clues, cases, hand-overs, tips and rewards. See the module docs.
#[async_trait]
pub trait CasesStore: Send + Sync {
    // --- clues and linking ---
    /// Inserts a clue with its entities, indexes their keys and links it to
    /// every clue sharing a key (keys held by more than `hub_limit` clues
    /// are skipped); audits the clue and each new link. Returns the clue
    /// and the links made.
    async fn create_clue(
        &self,
        actor: &Actor,
        at: Millis,
        new: &NewClue,
        entities: &[NormalEntity],
        hub_limit: usize,
    ) -> Result<(Clue, Vec<ClueLink>)>;
    /// The links a clue with these entities would get, without writing
    /// anything: the index probes alone (a preview, and the benchmark).
    async fn link_suggestions(
        &self,
        entities: &[NormalEntity],
        hub_limit: usize,
    ) -> Result<Vec<(i64, Vec<jinghai_domain::entity::LinkReason>)>>;
    /// Adds entities to a clue and links again; returns links made or widened.
    async fn add_clue_entities(
        &self,
        actor: &Actor,
        at: Millis,
        clue_id: i64,
        entities: &[NormalEntity],
        hub_limit: usize,
    ) -> Result<Vec<ClueLink>>;
    /// A clue, if visible in `scope`.
    async fn get_clue(&self, scope: &Scope, id: i64) -> Result<Clue>;
    /// The newest visible clues (at most `limit`).
    async fn list_clues(&self, scope: &Scope, limit: i64) -> Result<Vec<Clue>>;
    /// Of `ids`, the clues visible in `scope`.
    async fn visible_clues(&self, scope: &Scope, ids: &[i64]) -> Result<Vec<Clue>>;
    /// The clue made from an alert or a tip, if any (unscoped: a duplicate check).
    async fn clue_from_source_unscoped(
        &self,
        source: ClueSource,
        source_ref: i64,
    ) -> Result<Option<i64>>;
    async fn clue_entities(&self, clue_id: i64) -> Result<Vec<ClueEntity>>;
    /// Links of a clue, both directions.
    async fn clue_links(&self, clue_id: i64) -> Result<Vec<ClueLink>>;
    async fn get_link_unscoped(&self, id: i64) -> Result<ClueLink>;
    async fn set_link_status(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        status: LinkStatus,
    ) -> Result<ClueLink>;
    async fn set_clue_status(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        status: ClueStatus,
        note: &str,
    ) -> Result<Clue>;
    /// Inserts clues with their entities and keys, without links or audit:
    /// for benchmarks and loading history.
    async fn bulk_insert_clues(
        &self,
        clues: &[(NewClue, Vec<NormalEntity>)],
        at: Millis,
    ) -> Result<()>;

    // --- cases ---
    /// Files a case from clues (they move to `filed` and name the case),
    /// with its 立案 step; audited.
    async fn create_case(
        &self,
        actor: &Actor,
        at: Millis,
        new: &NewCase,
        clue_ids: &[i64],
    ) -> Result<Case>;
    async fn get_case(&self, scope: &Scope, id: i64) -> Result<Case>;
    async fn list_cases(&self, scope: &Scope, limit: i64) -> Result<Vec<Case>>;
    /// The clues a case was filed from (the case's evidence; callers check
    /// the case's visibility).
    async fn case_clues(&self, case_id: i64) -> Result<Vec<Clue>>;
    async fn add_case_step(
        &self,
        actor: &Actor,
        at: Millis,
        case_id: i64,
        step: &NewStep,
    ) -> Result<CaseStep>;
    async fn case_steps(&self, case_id: i64) -> Result<Vec<CaseStep>>;
    async fn add_seizure(
        &self,
        actor: &Actor,
        at: Millis,
        case_id: i64,
        new: &NewSeizure,
    ) -> Result<Seizure>;
    async fn seizures(&self, case_id: i64) -> Result<Vec<Seizure>>;
    async fn get_seizure_unscoped(&self, id: i64) -> Result<Seizure>;
    async fn add_disposal(
        &self,
        actor: &Actor,
        at: Millis,
        seizure_id: i64,
        new: &NewDisposal,
    ) -> Result<Disposal>;
    async fn disposals(&self, case_id: i64) -> Result<Vec<Disposal>>;

    // --- hand-overs ---
    async fn create_handover(
        &self,
        actor: &Actor,
        at: Millis,
        new: &NewHandover,
    ) -> Result<Handover>;
    async fn get_handover_unscoped(&self, id: i64) -> Result<Handover>;
    /// Accepts (the receiver becomes the holder) or returns a pending hand-over.
    async fn respond_handover(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        accept: bool,
        response: &str,
    ) -> Result<Handover>;
    async fn handovers_of(&self, kind: RecordKind, record_id: i64) -> Result<Vec<Handover>>;
    /// Hand-overs to or from the caller's unit, and, for roles that see by
    /// region (clearance ≥ 1), every hand-over in the region.
    async fn list_handovers(&self, scope: &Scope, limit: i64) -> Result<Vec<Handover>>;
    /// Marks pending hand-overs past their deadline as escalated (once
    /// each), audited; returns them.
    async fn escalate_overdue_handovers(&self, actor: &Actor, now: Millis)
        -> Result<Vec<Handover>>;

    // --- evidence files ---
    #[allow(clippy::too_many_arguments)]
    async fn add_case_file(
        &self,
        actor: &Actor,
        at: Millis,
        kind: RecordKind,
        record_id: i64,
        region_code: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<CaseFile>;
    async fn case_files(&self, kind: RecordKind, record_id: i64) -> Result<Vec<CaseFile>>;
    /// A file and its bytes; callers check the record's visibility.
    async fn get_case_file_unscoped(&self, id: i64) -> Result<(CaseFile, Vec<u8>)>;

    // --- tips, rewards, spot checks ---
    async fn create_tip(&self, actor: &Actor, at: Millis, new: &NewTip) -> Result<Tip>;
    /// The tip with this follow-up code hash (the public status page).
    async fn find_tip_by_code(&self, code_hash: &str) -> Result<Option<Tip>>;
    /// A tip in the caller's regions.
    async fn get_tip(&self, scope: &Scope, id: i64) -> Result<Tip>;
    async fn list_tips(&self, scope: &Scope, limit: i64) -> Result<Vec<Tip>>;
    async fn tip_contact(&self, id: i64) -> Result<TipContact>;
    async fn set_tip_status(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        t: &TipTransition,
    ) -> Result<Tip>;
    async fn propose_reward(
        &self,
        actor: &Actor,
        at: Millis,
        tip_id: i64,
        amount_fen: i64,
        basis: &str,
    ) -> Result<Reward>;
    async fn get_reward_unscoped(&self, id: i64) -> Result<Reward>;
    async fn set_reward_status(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        t: &RewardTransition,
    ) -> Result<Reward>;
    async fn rewards_of(&self, tip_id: i64) -> Result<Vec<Reward>>;
    /// Ids of the tips of a region received in `[from, to)`.
    async fn tip_ids_between(
        &self,
        region_prefix: &str,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<i64>>;
    async fn create_spot_check(
        &self,
        actor: &Actor,
        at: Millis,
        check: &SpotCheck,
        tip_ids: &[i64],
    ) -> Result<SpotCheck>;
    async fn get_spot_check(&self, scope: &Scope, id: i64) -> Result<SpotCheck>;
    async fn list_spot_checks(&self, scope: &Scope) -> Result<Vec<SpotCheck>>;
    async fn spot_check_items(&self, check_id: i64) -> Result<Vec<SpotCheckItem>>;
    async fn get_spot_check_item_unscoped(&self, id: i64) -> Result<SpotCheckItem>;
    async fn record_spot_finding(
        &self,
        actor: &Actor,
        at: Millis,
        item_id: i64,
        f: &SpotFinding,
    ) -> Result<SpotCheckItem>;

    // --- the daily report ---
    /// The concentrated-strike and anti-smuggling figures of the records
    /// under `region_prefix` on `day` (`[day_start, day_end)` in epoch ms).
    async fn daily_figures(
        &self,
        region_prefix: &str,
        day: Day,
        day_start: Millis,
        day_end: Millis,
    ) -> Result<DailyFigures>;
}

/// Parses a stored enum, or says which column held what.
pub(crate) fn parse_col<T>(what: &str, s: &str, f: fn(&str) -> Option<T>) -> Result<T> {
    f(s).ok_or_else(|| crate::StoreError::Corrupt(format!("{what}: {s:?}")))
}

macro_rules! clue_select { () => { "SELECT c.id, c.region_id, c.region_code, c.summary, c.detail, c.occurred_at, c.place, c.lat, c.lon, c.source, c.source_ref, c.classification, c.status, c.status_note, c.owner_unit_id, c.holder_unit_id, c.case_id, c.created_by, c.created_at FROM clues c" }; }
macro_rules! case_select { () => { "SELECT k.id, k.region_id, k.region_code, k.case_no, k.title, k.summary, k.classification, k.status, k.filed_on, k.owner_unit_id, k.holder_unit_id, k.created_by, k.created_at FROM cases k" }; }
macro_rules! handover_select { () => { "SELECT id, record_kind, record_id, region_code, from_unit_id, to_unit_id, reason, deadline_at, status, response, created_by, created_at, responded_at, escalated_at FROM handovers" }; }
macro_rules! tip_select { () => { "SELECT id, region_id, region_code, channel, topic, what, place, lat, lon, when_text, status, status_note, clue_id, merged_into, anonymous, received_at FROM tips" }; }
macro_rules! reward_select { () => { "SELECT id, tip_id, amount_fen, basis, status, proposed_by, proposed_at, decided_by, decided_at, paid_on, pay_method, note FROM tip_rewards" }; }
macro_rules! rank_of {
    ($t:literal) => {
        concat!(
            "(CASE ",
            $t,
            ".classification WHEN 'ordinary' THEN 0 WHEN 'restricted' THEN 1 ELSE 2 END)"
        )
    };
}
/// Clue visibility: `$1` region LIKE pattern, `$2` unit (or -1), `$3` clearance.
macro_rules! clue_visible { () => { concat!(
    "(c.owner_unit_id = $2 OR c.holder_unit_id = $2 ",
    "OR EXISTS (SELECT 1 FROM handovers h WHERE h.to_unit_id = $2 AND h.status IN ('pending', 'accepted') ",
    "AND ((h.record_kind = 'clue' AND h.record_id = c.id) OR (h.record_kind = 'case' AND h.record_id = c.case_id))) ",
    "OR (c.region_code LIKE $1 AND ", rank_of!("c"), " <= $3))"
) }; }
/// Case visibility, same parameters.
macro_rules! case_visible { () => { concat!(
    "(k.owner_unit_id = $2 OR k.holder_unit_id = $2 ",
    "OR EXISTS (SELECT 1 FROM handovers h WHERE h.to_unit_id = $2 AND h.status IN ('pending', 'accepted') AND h.record_kind = 'case' AND h.record_id = k.id) ",
    "OR (k.region_code LIKE $1 AND ", rank_of!("k"), " <= $3))"
) }; }

macro_rules! impl_cases_store {
    ($store:ident, $db:ty, $begin:literal) => {
        mod cases_rows {
            use super::*;
            use jinghai_domain::cases::*;
            use jinghai_domain::entity::{EntityKind, LinkReason};
            use $crate::cases::parse_col;

            pub fn clue(r: &DbRow) -> Result<Clue> {
                Ok(Clue {
                    id: r.try_get("id")?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    summary: r.try_get("summary")?,
                    detail: r.try_get("detail")?,
                    occurred_at: r.try_get("occurred_at")?,
                    place: r.try_get("place")?,
                    lat: r.try_get("lat")?,
                    lon: r.try_get("lon")?,
                    source: parse_col("clue source", &r.try_get::<String, _>("source")?, ClueSource::parse)?,
                    source_ref: r.try_get("source_ref")?,
                    classification: parse_col("classification", &r.try_get::<String, _>("classification")?, Classification::parse)?,
                    status: parse_col("clue status", &r.try_get::<String, _>("status")?, ClueStatus::parse)?,
                    status_note: r.try_get("status_note")?,
                    owner_unit_id: r.try_get("owner_unit_id")?,
                    holder_unit_id: r.try_get("holder_unit_id")?,
                    case_id: r.try_get("case_id")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn entity(r: &DbRow) -> Result<ClueEntity> {
                Ok(ClueEntity {
                    id: r.try_get("id")?,
                    clue_id: r.try_get("clue_id")?,
                    kind: parse_col("entity kind", &r.try_get::<String, _>("kind")?, EntityKind::parse)?,
                    raw: r.try_get("raw")?,
                    normal: r.try_get("normal")?,
                    warning: r.try_get("warning")?,
                })
            }

            pub fn link(r: &DbRow) -> Result<ClueLink> {
                let reasons: String = r.try_get("reasons")?;
                Ok(ClueLink {
                    id: r.try_get("id")?,
                    clue_a: r.try_get("clue_a")?,
                    clue_b: r.try_get("clue_b")?,
                    reasons: serde_json::from_str::<Vec<LinkReason>>(&reasons).map_err(|_| corrupt("link reasons", &reasons))?,
                    status: parse_col("link status", &r.try_get::<String, _>("status")?, LinkStatus::parse)?,
                    decided_by: r.try_get("decided_by")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn case(r: &DbRow) -> Result<Case> {
                Ok(Case {
                    id: r.try_get("id")?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    case_no: r.try_get("case_no")?,
                    title: r.try_get("title")?,
                    summary: r.try_get("summary")?,
                    classification: parse_col("classification", &r.try_get::<String, _>("classification")?, Classification::parse)?,
                    status: parse_col("case status", &r.try_get::<String, _>("status")?, CaseStatus::parse)?,
                    filed_on: r.try_get("filed_on")?,
                    owner_unit_id: r.try_get("owner_unit_id")?,
                    holder_unit_id: r.try_get("holder_unit_id")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn step(r: &DbRow) -> Result<CaseStep> {
                Ok(CaseStep {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    kind: parse_col("step kind", &r.try_get::<String, _>("kind")?, StepKind::parse)?,
                    day: r.try_get("day")?,
                    unit_id: r.try_get("unit_id")?,
                    persons: r.try_get("persons")?,
                    document: r.try_get("document")?,
                    note: r.try_get("note")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn seizure(r: &DbRow) -> Result<Seizure> {
                let disposal: Option<String> = r.try_get("disposal")?;
                Ok(Seizure {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    category: parse_col("seizure category", &r.try_get::<String, _>("category")?, SeizureCategory::parse)?,
                    quantity: r.try_get("quantity")?,
                    unit: parse_col("quantity unit", &r.try_get::<String, _>("unit")?, QuantityUnit::parse)?,
                    description: r.try_get("description")?,
                    seized_on: r.try_get("seized_on")?,
                    disposal: disposal.map(|d| parse_col("disposal", &d, DisposalStep::parse)).transpose()?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn disposal(r: &DbRow) -> Result<Disposal> {
                Ok(Disposal {
                    id: r.try_get("id")?,
                    seizure_id: r.try_get("seizure_id")?,
                    step: parse_col("disposal step", &r.try_get::<String, _>("step")?, DisposalStep::parse)?,
                    day: r.try_get("day")?,
                    unit_id: r.try_get("unit_id")?,
                    document: r.try_get("document")?,
                    note: r.try_get("note")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn handover(r: &DbRow) -> Result<Handover> {
                Ok(Handover {
                    id: r.try_get("id")?,
                    record_kind: parse_col("record kind", &r.try_get::<String, _>("record_kind")?, RecordKind::parse)?,
                    record_id: r.try_get("record_id")?,
                    region_code: r.try_get("region_code")?,
                    from_unit_id: r.try_get("from_unit_id")?,
                    to_unit_id: r.try_get("to_unit_id")?,
                    reason: r.try_get("reason")?,
                    deadline_at: r.try_get("deadline_at")?,
                    status: parse_col("hand-over status", &r.try_get::<String, _>("status")?, HandoverStatus::parse)?,
                    response: r.try_get("response")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                    responded_at: r.try_get("responded_at")?,
                    escalated_at: r.try_get("escalated_at")?,
                })
            }

            pub fn file(r: &DbRow) -> Result<CaseFile> {
                Ok(CaseFile {
                    id: r.try_get("id")?,
                    record_kind: parse_col("record kind", &r.try_get::<String, _>("record_kind")?, RecordKind::parse)?,
                    record_id: r.try_get("record_id")?,
                    file_name: r.try_get("file_name")?,
                    content_type: r.try_get("content_type")?,
                    size: r.try_get("size")?,
                    uploaded_by: r.try_get("uploaded_by")?,
                    uploaded_at: r.try_get("uploaded_at")?,
                })
            }

            pub fn tip(r: &DbRow) -> Result<Tip> {
                Ok(Tip {
                    id: r.try_get("id")?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    channel: parse_col("tip channel", &r.try_get::<String, _>("channel")?, TipChannel::parse)?,
                    topic: parse_col("tip topic", &r.try_get::<String, _>("topic")?, TipTopic::parse)?,
                    what: r.try_get("what")?,
                    place: r.try_get("place")?,
                    lat: r.try_get("lat")?,
                    lon: r.try_get("lon")?,
                    when_text: r.try_get("when_text")?,
                    status: parse_col("tip status", &r.try_get::<String, _>("status")?, TipStatus::parse)?,
                    status_note: r.try_get("status_note")?,
                    clue_id: r.try_get("clue_id")?,
                    merged_into: r.try_get("merged_into")?,
                    anonymous: r.try_get("anonymous")?,
                    received_at: r.try_get("received_at")?,
                })
            }

            pub fn reward(r: &DbRow) -> Result<Reward> {
                let method: Option<String> = r.try_get("pay_method")?;
                Ok(Reward {
                    id: r.try_get("id")?,
                    tip_id: r.try_get("tip_id")?,
                    amount_fen: r.try_get("amount_fen")?,
                    basis: r.try_get("basis")?,
                    status: parse_col("reward status", &r.try_get::<String, _>("status")?, RewardStatus::parse)?,
                    proposed_by: r.try_get("proposed_by")?,
                    proposed_at: r.try_get("proposed_at")?,
                    decided_by: r.try_get("decided_by")?,
                    decided_at: r.try_get("decided_at")?,
                    paid_on: r.try_get("paid_on")?,
                    pay_method: method.map(|m| parse_col("pay method", &m, PayMethod::parse)).transpose()?,
                    note: r.try_get("note")?,
                })
            }

            pub fn spot_check(r: &DbRow) -> Result<SpotCheck> {
                Ok(SpotCheck {
                    id: r.try_get("id")?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    from_day: r.try_get("from_day")?,
                    to_day: r.try_get("to_day")?,
                    seed: r.try_get("seed")?,
                    drawn_by: r.try_get("drawn_by")?,
                    drawn_at: r.try_get("drawn_at")?,
                })
            }

            pub fn spot_item(r: &DbRow) -> Result<SpotCheckItem> {
                Ok(SpotCheckItem {
                    id: r.try_get("id")?,
                    check_id: r.try_get("check_id")?,
                    tip_id: r.try_get("tip_id")?,
                    answered: r.try_get("answered")?,
                    handled: r.try_get("handled")?,
                    rewarded: r.try_get("rewarded")?,
                    note: r.try_get("note")?,
                    checked_by: r.try_get("checked_by")?,
                    checked_at: r.try_get("checked_at")?,
                })
            }
        }

        /// The scoped-read parameters `$1..$3` of `clue_visible!`/`case_visible!`.
        fn vis(scope: &Scope) -> (String, i64, i32) {
            (scope.region_like(), scope.unit_id.unwrap_or(-1), jinghai_domain::cases::clearance(scope.role))
        }

        async fn clue_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<jinghai_domain::cases::Clue> {
            let row = sqlx::query(concat!(clue_select!(), " WHERE c.id = $1")).bind(id).fetch_optional(&mut **tx).await?;
            cases_rows::clue(&row.ok_or(StoreError::NotFound)?)
        }

        async fn case_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<jinghai_domain::cases::Case> {
            let row = sqlx::query(concat!(case_select!(), " WHERE k.id = $1")).bind(id).fetch_optional(&mut **tx).await?;
            cases_rows::case(&row.ok_or(StoreError::NotFound)?)
        }

        async fn handover_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<jinghai_domain::cases::Handover> {
            let row = sqlx::query(concat!(handover_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
            cases_rows::handover(&row.ok_or(StoreError::NotFound)?)
        }

        async fn tip_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<jinghai_domain::cases::Tip> {
            let row = sqlx::query(concat!(tip_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
            cases_rows::tip(&row.ok_or(StoreError::NotFound)?)
        }

        async fn reward_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<jinghai_domain::cases::Reward> {
            let row = sqlx::query(concat!(reward_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
            cases_rows::reward(&row.ok_or(StoreError::NotFound)?)
        }

        /// The newest holders of each key (at most `hub_limit + 1`, which
        /// tells a hub from a full list), other than `exclude`, in ONE round
        /// trip: a UNION ALL of per-key index probes, each with its own LIMIT.
        /// Keys keep their order; keys nobody else holds are left out.
        /// Per key, the newest [`LINKS_PER_KEY`](jinghai_domain::entity::LINKS_PER_KEY)
        /// clues holding it (but `exclude`); keys held by more than
        /// `hub_limit` clues are hubs and left out. One round trip: per key, a
        /// limited index probe for the newest holders and one for a marker row
        /// when a holder exists past `hub_limit`, so a hub costs a skip over the
        /// index, never `hub_limit` rows sent back.
        async fn key_holders<'e, E>(exec: E, keys: &[String], exclude: i64, hub_limit: usize) -> Result<Vec<(String, Vec<i64>)>>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            if keys.is_empty() {
                return Ok(Vec::new());
            }
            let newest = jinghai_domain::entity::LINKS_PER_KEY as i64;
            let mut q = sqlx::QueryBuilder::<$db>::new("");
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    q.push(" UNION ALL ");
                }
                q.push(format!("SELECT CAST({i} AS BIGINT) AS k, clue_id, CAST(0 AS BIGINT) AS hub FROM (SELECT clue_id FROM clue_keys WHERE key = "));
                q.push_bind(key.clone());
                q.push(" AND clue_id <> ");
                q.push_bind(exclude);
                q.push(" ORDER BY clue_id DESC LIMIT ");
                q.push_bind(newest);
                q.push(format!(") AS n{i} UNION ALL SELECT CAST({i} AS BIGINT) AS k, CAST(0 AS BIGINT) AS clue_id, CAST(1 AS BIGINT) AS hub FROM (SELECT clue_id FROM clue_keys WHERE key = "));
                q.push_bind(key.clone());
                q.push(" AND clue_id <> ");
                q.push_bind(exclude);
                q.push(" ORDER BY clue_id DESC LIMIT 1 OFFSET ");
                q.push_bind(hub_limit as i64);
                q.push(format!(") AS h{i}"));
            }
            let rows = q.build().fetch_all(exec).await?;
            let mut holders: Vec<Vec<i64>> = vec![Vec::new(); keys.len()];
            let mut hub = vec![false; keys.len()];
            for r in &rows {
                let k: i64 = r.try_get("k")?;
                let k = usize::try_from(k).ok().filter(|k| *k < keys.len()).ok_or_else(|| corrupt("key index", &k.to_string()))?;
                if r.try_get::<i64, _>("hub")? == 1 {
                    hub[k] = true;
                } else {
                    holders[k].push(r.try_get("clue_id")?);
                }
            }
            Ok(keys
                .iter()
                .zip(holders)
                .zip(hub)
                .filter(|((_, ids), hub)| !hub && !ids.is_empty())
                .map(|((key, mut ids), _)| {
                    // UNION ALL promises no order.
                    ids.sort_unstable_by(|a, b| b.cmp(a));
                    (key.clone(), ids)
                })
                .collect())
        }

        async fn link_in_tx(tx: &mut Tx<'_>, a: i64, b: i64) -> Result<jinghai_domain::cases::ClueLink> {
            let row = sqlx::query("SELECT id, clue_a, clue_b, reasons, status, decided_by, created_at FROM clue_links WHERE clue_a = $1 AND clue_b = $2")
                .bind(a).bind(b).fetch_optional(&mut **tx).await?;
            cases_rows::link(&row.ok_or(StoreError::NotFound)?)
        }

        /// Stores a clue's entities and keys, then links it to every clue
        /// sharing one of its keys (all of them, old and new). Audits new
        /// links and links whose reasons grew.
        async fn index_and_link(
            tx: &mut Tx<'_>,
            actor: &Actor,
            at: Millis,
            clue: &jinghai_domain::cases::Clue,
            entities: &[jinghai_domain::entity::NormalEntity],
            hub_limit: usize,
            fresh: bool,
        ) -> Result<Vec<jinghai_domain::cases::ClueLink>> {
            // One statement for the entities and one for their keys: linking
            // is on the path of every new clue.
            if !entities.is_empty() {
                let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO clue_entities (clue_id, kind, raw, normal, warning) ");
                q.push_values(entities, |mut b, e| {
                    b.push_bind(clue.id).push_bind(e.kind.as_str()).push_bind(e.raw.clone()).push_bind(e.normal.clone()).push_bind(e.warning.clone());
                });
                q.build().execute(&mut **tx).await?;
                let mut new_keys: Vec<String> = entities.iter().flat_map(|e| e.keys().into_iter().map(|k| k.0)).collect();
                new_keys.sort();
                new_keys.dedup();
                let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO clue_keys (key, clue_id) ");
                q.push_values(&new_keys, |mut b, k| {
                    b.push_bind(k.clone()).push_bind(clue.id);
                });
                q.push(" ON CONFLICT (key, clue_id) DO NOTHING");
                q.build().execute(&mut **tx).await?;
            }
            let keys: Vec<String> = sqlx::query("SELECT key FROM clue_keys WHERE clue_id = $1 ORDER BY key")
                .bind(clue.id).fetch_all(&mut **tx).await?
                .iter().map(|r| r.try_get("key")).collect::<std::result::Result<_, _>>()?;
            let hits = key_holders(&mut **tx, &keys, clue.id, hub_limit).await?;
            // A clue registered in this transaction has no links yet: one
            // round trip fewer on the path of every new clue.
            let existing: Vec<jinghai_domain::cases::ClueLink> = if fresh {
                Vec::new()
            } else {
                sqlx::query("SELECT id, clue_a, clue_b, reasons, status, decided_by, created_at FROM clue_links WHERE clue_a = $1 OR clue_b = $1")
                    .bind(clue.id).fetch_all(&mut **tx).await?
                    .iter().map(cases_rows::link).collect::<Result<_>>()?
            };
            let mut rows: Vec<(i64, i64, String)> = Vec::new();
            for (other, reasons) in jinghai_domain::entity::suggest_links(&hits, hub_limit) {
                let (a, b) = if other < clue.id { (other, clue.id) } else { (clue.id, other) };
                let before = existing.iter().find(|l| l.clue_a == a && l.clue_b == b);
                if before.is_some_and(|l| l.reasons == reasons) {
                    continue;
                }
                let text = serde_json::to_string(&reasons).map_err(|e| corrupt("link reasons", &e.to_string()))?;
                rows.push((a, b, text));
            }
            if rows.is_empty() {
                return Ok(Vec::new());
            }
            let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO clue_links (clue_a, clue_b, reasons, status, created_at) ");
            q.push_values(&rows, |mut b, (x, y, text)| {
                b.push_bind(*x).push_bind(*y).push_bind(text.clone()).push_bind("suggested").push_bind(at);
            });
            q.push(" ON CONFLICT (clue_a, clue_b) DO UPDATE SET reasons = excluded.reasons RETURNING id, clue_a, clue_b, reasons, status, decided_by, created_at");
            let mut out: Vec<jinghai_domain::cases::ClueLink> = q.build().fetch_all(&mut **tx).await?.iter().map(cases_rows::link).collect::<Result<_>>()?;
            out.sort_by_key(|l| (l.clue_a, l.clue_b));
            // One audit record (entity `clue_links`, id of the clue) for the
            // links a clue made or widened, naming each.
            let before: Vec<&jinghai_domain::cases::ClueLink> = existing.iter().filter(|l| out.iter().any(|o| o.id == l.id)).collect();
            let action = if before.is_empty() { AuditAction::Create } else { AuditAction::Update };
            let before = if before.is_empty() { None } else { snapshot(&before) };
            write_audit(tx, &NewAudit::of(actor, at, action, "clue_links", clue.id, &clue.region_code).before(before).after(snapshot(&out))).await?;
            Ok(out)
        }

        #[async_trait::async_trait]
        impl $crate::CasesStore for $store {
            async fn create_clue(&self, actor: &Actor, at: Millis, n: &$crate::NewClue, entities: &[jinghai_domain::entity::NormalEntity], hub_limit: usize) -> Result<(jinghai_domain::cases::Clue, Vec<jinghai_domain::cases::ClueLink>)> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, n.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO clues (region_id, region_code, summary, detail, occurred_at, place, lat, lon, source, source_ref, classification, status, owner_unit_id, holder_unit_id, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'new', $12, $12, $13, $14, $14) RETURNING id")
                    .bind(n.region_id).bind(region.code.as_str()).bind(&n.summary).bind(&n.detail).bind(n.occurred_at).bind(&n.place).bind(n.lat).bind(n.lon)
                    .bind(n.source.as_str()).bind(n.source_ref).bind(n.classification.as_str()).bind(n.owner_unit_id).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?.try_get("id")?;
                let clue = clue_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "clue", id, &clue.region_code).after(snapshot(&(&clue, entities)))).await?;
                let links = index_and_link(&mut tx, actor, at, &clue, entities, hub_limit, true).await?;
                tx.commit().await?;
                Ok((clue, links))
            }

            async fn link_suggestions(&self, entities: &[jinghai_domain::entity::NormalEntity], hub_limit: usize) -> Result<Vec<(i64, Vec<jinghai_domain::entity::LinkReason>)>> {
                let mut keys: Vec<String> = entities.iter().flat_map(|e| e.keys().into_iter().map(|k| k.0)).collect();
                keys.sort();
                keys.dedup();
                // A new clue has no id yet: exclude none.
                let hits = key_holders(&self.pool, &keys, 0, hub_limit).await?;
                Ok(jinghai_domain::entity::suggest_links(&hits, hub_limit))
            }

            async fn add_clue_entities(&self, actor: &Actor, at: Millis, clue_id: i64, entities: &[jinghai_domain::entity::NormalEntity], hub_limit: usize) -> Result<Vec<jinghai_domain::cases::ClueLink>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let clue = clue_in_tx(&mut tx, clue_id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "clue_entities", clue_id, &clue.region_code).after(snapshot(&entities))).await?;
                let links = index_and_link(&mut tx, actor, at, &clue, entities, hub_limit, false).await?;
                sqlx::query("UPDATE clues SET updated_at = $1 WHERE id = $2").bind(at).bind(clue_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(links)
            }

            async fn get_clue(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::cases::Clue> {
                let (p, u, r) = vis(scope);
                let row = sqlx::query(concat!(clue_select!(), " WHERE c.id = $4 AND ", clue_visible!()))
                    .bind(p).bind(u).bind(r).bind(id).fetch_optional(&self.pool).await?;
                cases_rows::clue(&row.ok_or(StoreError::NotFound)?)
            }

            async fn list_clues(&self, scope: &Scope, limit: i64) -> Result<Vec<jinghai_domain::cases::Clue>> {
                let (p, u, r) = vis(scope);
                let rows = sqlx::query(concat!(clue_select!(), " WHERE ", clue_visible!(), " ORDER BY c.id DESC LIMIT $4"))
                    .bind(p).bind(u).bind(r).bind(limit.clamp(1, 5000)).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::clue).collect()
            }

            async fn visible_clues(&self, scope: &Scope, ids: &[i64]) -> Result<Vec<jinghai_domain::cases::Clue>> {
                let mut out = Vec::new();
                for id in ids {
                    match self.get_clue(scope, *id).await {
                        Ok(c) => out.push(c),
                        Err(StoreError::NotFound) => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(out)
            }

            async fn clue_from_source_unscoped(&self, source: jinghai_domain::cases::ClueSource, source_ref: i64) -> Result<Option<i64>> {
                let row = sqlx::query("SELECT id FROM clues WHERE source = $1 AND source_ref = $2 ORDER BY id LIMIT 1")
                    .bind(source.as_str()).bind(source_ref).fetch_optional(&self.pool).await?;
                row.map(|r| r.try_get::<i64, _>("id")).transpose().map_err(Into::into)
            }

            async fn clue_entities(&self, clue_id: i64) -> Result<Vec<jinghai_domain::cases::ClueEntity>> {
                let rows = sqlx::query("SELECT id, clue_id, kind, raw, normal, warning FROM clue_entities WHERE clue_id = $1 ORDER BY id")
                    .bind(clue_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::entity).collect()
            }

            async fn clue_links(&self, clue_id: i64) -> Result<Vec<jinghai_domain::cases::ClueLink>> {
                let rows = sqlx::query("SELECT id, clue_a, clue_b, reasons, status, decided_by, created_at FROM clue_links WHERE clue_a = $1 OR clue_b = $1 ORDER BY id")
                    .bind(clue_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::link).collect()
            }

            async fn get_link_unscoped(&self, id: i64) -> Result<jinghai_domain::cases::ClueLink> {
                let row = sqlx::query("SELECT id, clue_a, clue_b, reasons, status, decided_by, created_at FROM clue_links WHERE id = $1")
                    .bind(id).fetch_optional(&self.pool).await?;
                cases_rows::link(&row.ok_or(StoreError::NotFound)?)
            }

            async fn set_link_status(&self, actor: &Actor, at: Millis, id: i64, status: jinghai_domain::cases::LinkStatus) -> Result<jinghai_domain::cases::ClueLink> {
                let mut tx = self.pool.begin_with($begin).await?;
                let row = sqlx::query("SELECT id, clue_a, clue_b, reasons, status, decided_by, created_at FROM clue_links WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
                let before = cases_rows::link(&row.ok_or(StoreError::NotFound)?)?;
                sqlx::query("UPDATE clue_links SET status = $1, decided_by = $2 WHERE id = $3").bind(status.as_str()).bind(&actor.name).bind(id).execute(&mut *tx).await?;
                let after = link_in_tx(&mut tx, before.clue_a, before.clue_b).await?;
                let clue = clue_in_tx(&mut tx, before.clue_b).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "clue_link", id, &clue.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn set_clue_status(&self, actor: &Actor, at: Millis, id: i64, status: jinghai_domain::cases::ClueStatus, note: &str) -> Result<jinghai_domain::cases::Clue> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = clue_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE clues SET status = $1, status_note = $2, updated_at = $3 WHERE id = $4").bind(status.as_str()).bind(note).bind(at).bind(id).execute(&mut *tx).await?;
                let after = clue_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "clue", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn bulk_insert_clues(&self, clues: &[($crate::NewClue, Vec<jinghai_domain::entity::NormalEntity>)], at: Millis) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let next: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM clues").fetch_one(&mut *tx).await?.try_get("m")?;
                let mut codes: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
                for (chunk_no, chunk) in clues.chunks(400).enumerate() {
                    let base = next + 1 + (chunk_no * 400) as i64;
                    for (n, _) in chunk {
                        if !codes.contains_key(&n.region_id) {
                            let r = region_in_tx(&mut tx, n.region_id).await?;
                            codes.insert(n.region_id, r.code.as_str().to_string());
                        }
                    }
                    let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO clues (id, region_id, region_code, summary, detail, occurred_at, place, source, classification, status, owner_unit_id, holder_unit_id, created_by, created_at, updated_at) ");
                    q.push_values(chunk.iter().enumerate(), |mut b, (i, (n, _))| {
                        b.push_bind(base + i as i64).push_bind(n.region_id).push_bind(codes[&n.region_id].clone()).push_bind(n.summary.clone()).push_bind(n.detail.clone())
                            .push_bind(n.occurred_at).push_bind(n.place.clone()).push_bind(n.source.as_str()).push_bind(n.classification.as_str()).push_bind("new")
                            .push_bind(n.owner_unit_id).push_bind(n.owner_unit_id).push_bind("bulk").push_bind(at).push_bind(at);
                    });
                    q.build().execute(&mut *tx).await?;
                    let keys: Vec<(String, i64)> = chunk.iter().enumerate()
                        .flat_map(|(i, (_, es))| {
                            let mut ks: Vec<String> = es.iter().flat_map(|e| e.keys().into_iter().map(|k| k.0)).collect();
                            ks.sort();
                            ks.dedup();
                            ks.into_iter().map(move |k| (k, base + i as i64))
                        })
                        .collect();
                    for kchunk in keys.chunks(2000) {
                        let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO clue_keys (key, clue_id) ");
                        q.push_values(kchunk, |mut b, (k, id)| { b.push_bind(k.clone()).push_bind(*id); });
                        q.build().execute(&mut *tx).await?;
                    }
                    let ents: Vec<(i64, &jinghai_domain::entity::NormalEntity)> = chunk.iter().enumerate().flat_map(|(i, (_, es))| es.iter().map(move |e| (base + i as i64, e))).collect();
                    for echunk in ents.chunks(1500) {
                        let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO clue_entities (clue_id, kind, raw, normal) ");
                        q.push_values(echunk, |mut b, (id, e)| { b.push_bind(*id).push_bind(e.kind.as_str()).push_bind(e.raw.clone()).push_bind(e.normal.clone()); });
                        q.build().execute(&mut *tx).await?;
                    }
                }
                // Explicit ids do not move PostgreSQL's identity sequence; move it past them.
                if $crate::Store::backend(self) == Backend::Postgres {
                    sqlx::query("SELECT setval(pg_get_serial_sequence('clues', 'id'), (SELECT MAX(id) FROM clues))").execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            // --- cases ---

            async fn create_case(&self, actor: &Actor, at: Millis, n: &$crate::NewCase, clue_ids: &[i64]) -> Result<jinghai_domain::cases::Case> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, n.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO cases (region_id, region_code, case_no, title, summary, classification, status, filed_on, owner_unit_id, holder_unit_id, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'filed', $7, $8, $8, $9, $10) RETURNING id")
                    .bind(n.region_id).bind(region.code.as_str()).bind(&n.case_no).bind(&n.title).bind(&n.summary).bind(n.classification.as_str()).bind(n.filed_on)
                    .bind(n.owner_unit_id).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?.try_get("id")?;
                let case = case_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "case", id, &case.region_code).after(snapshot(&case))).await?;
                let sid: i64 = sqlx::query("INSERT INTO case_steps (case_id, kind, day, unit_id, persons, document, note, created_by, created_at) VALUES ($1, 'filed', $2, $3, 0, $4, '', $5, $6) RETURNING id")
                    .bind(id).bind(n.filed_on).bind(n.owner_unit_id).bind(&n.document).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "case_step", sid, &case.region_code).after(Some(format!(r#"{{"case_id":{id},"kind":"filed"}}"#)))).await?;
                for c in clue_ids {
                    let before = clue_in_tx(&mut tx, *c).await?;
                    sqlx::query("UPDATE clues SET case_id = $1, status = 'filed', updated_at = $2 WHERE id = $3").bind(id).bind(at).bind(c).execute(&mut *tx).await?;
                    let after = clue_in_tx(&mut tx, *c).await?;
                    write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "clue", *c, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                }
                tx.commit().await?;
                Ok(case)
            }

            async fn get_case(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::cases::Case> {
                let (p, u, r) = vis(scope);
                let row = sqlx::query(concat!(case_select!(), " WHERE k.id = $4 AND ", case_visible!()))
                    .bind(p).bind(u).bind(r).bind(id).fetch_optional(&self.pool).await?;
                cases_rows::case(&row.ok_or(StoreError::NotFound)?)
            }

            async fn list_cases(&self, scope: &Scope, limit: i64) -> Result<Vec<jinghai_domain::cases::Case>> {
                let (p, u, r) = vis(scope);
                let rows = sqlx::query(concat!(case_select!(), " WHERE ", case_visible!(), " ORDER BY k.id DESC LIMIT $4"))
                    .bind(p).bind(u).bind(r).bind(limit.clamp(1, 5000)).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::case).collect()
            }

            async fn case_clues(&self, case_id: i64) -> Result<Vec<jinghai_domain::cases::Clue>> {
                let rows = sqlx::query(concat!(clue_select!(), " WHERE c.case_id = $1 ORDER BY c.id")).bind(case_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::clue).collect()
            }

            async fn add_case_step(&self, actor: &Actor, at: Millis, case_id: i64, s: &$crate::NewStep) -> Result<jinghai_domain::cases::CaseStep> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = case_in_tx(&mut tx, case_id).await?;
                let id: i64 = sqlx::query("INSERT INTO case_steps (case_id, kind, day, unit_id, persons, document, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                    .bind(case_id).bind(s.kind.as_str()).bind(s.day).bind(s.unit_id).bind(s.persons).bind(&s.document).bind(&s.note).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?.try_get("id")?;
                let row = sqlx::query("SELECT id, case_id, kind, day, unit_id, persons, document, note, created_by, created_at FROM case_steps WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
                let step = cases_rows::step(&row)?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "case_step", id, &before.region_code).after(snapshot(&step))).await?;
                if s.new_status != before.status {
                    sqlx::query("UPDATE cases SET status = $1 WHERE id = $2").bind(s.new_status.as_str()).bind(case_id).execute(&mut *tx).await?;
                    let after = case_in_tx(&mut tx, case_id).await?;
                    write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "case", case_id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                }
                tx.commit().await?;
                Ok(step)
            }

            async fn case_steps(&self, case_id: i64) -> Result<Vec<jinghai_domain::cases::CaseStep>> {
                let rows = sqlx::query("SELECT id, case_id, kind, day, unit_id, persons, document, note, created_by, created_at FROM case_steps WHERE case_id = $1 ORDER BY day, id").bind(case_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::step).collect()
            }

            async fn add_seizure(&self, actor: &Actor, at: Millis, case_id: i64, s: &$crate::NewSeizure) -> Result<jinghai_domain::cases::Seizure> {
                let mut tx = self.pool.begin_with($begin).await?;
                let case = case_in_tx(&mut tx, case_id).await?;
                let id: i64 = sqlx::query("INSERT INTO seizures (case_id, category, quantity, unit, description, seized_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(case_id).bind(s.category.as_str()).bind(s.quantity).bind(s.unit.as_str()).bind(&s.description).bind(s.seized_on).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                let row = sqlx::query("SELECT id, case_id, category, quantity, unit, description, seized_on, disposal, created_at FROM seizures WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
                let seizure = cases_rows::seizure(&row)?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "seizure", id, &case.region_code).after(snapshot(&seizure))).await?;
                tx.commit().await?;
                Ok(seizure)
            }

            async fn seizures(&self, case_id: i64) -> Result<Vec<jinghai_domain::cases::Seizure>> {
                let rows = sqlx::query("SELECT id, case_id, category, quantity, unit, description, seized_on, disposal, created_at FROM seizures WHERE case_id = $1 ORDER BY id").bind(case_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::seizure).collect()
            }

            async fn get_seizure_unscoped(&self, id: i64) -> Result<jinghai_domain::cases::Seizure> {
                let row = sqlx::query("SELECT id, case_id, category, quantity, unit, description, seized_on, disposal, created_at FROM seizures WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
                cases_rows::seizure(&row.ok_or(StoreError::NotFound)?)
            }

            async fn add_disposal(&self, actor: &Actor, at: Millis, seizure_id: i64, d: &$crate::NewDisposal) -> Result<jinghai_domain::cases::Disposal> {
                let mut tx = self.pool.begin_with($begin).await?;
                let row = sqlx::query("SELECT s.case_id, k.region_code FROM seizures s JOIN cases k ON k.id = s.case_id WHERE s.id = $1").bind(seizure_id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
                let region_code: String = row.try_get("region_code")?;
                let id: i64 = sqlx::query("INSERT INTO seizure_disposals (seizure_id, step, day, unit_id, document, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                    .bind(seizure_id).bind(d.step.as_str()).bind(d.day).bind(d.unit_id).bind(&d.document).bind(&d.note).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?.try_get("id")?;
                sqlx::query("UPDATE seizures SET disposal = $1 WHERE id = $2").bind(d.step.as_str()).bind(seizure_id).execute(&mut *tx).await?;
                let row = sqlx::query("SELECT id, seizure_id, step, day, unit_id, document, note, created_by, created_at FROM seizure_disposals WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
                let disposal = cases_rows::disposal(&row)?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "seizure_disposal", id, &region_code).after(snapshot(&disposal))).await?;
                tx.commit().await?;
                Ok(disposal)
            }

            async fn disposals(&self, case_id: i64) -> Result<Vec<jinghai_domain::cases::Disposal>> {
                let rows = sqlx::query("SELECT d.id, d.seizure_id, d.step, d.day, d.unit_id, d.document, d.note, d.created_by, d.created_at FROM seizure_disposals d JOIN seizures s ON s.id = d.seizure_id WHERE s.case_id = $1 ORDER BY d.id").bind(case_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::disposal).collect()
            }

            // --- hand-overs ---

            async fn create_handover(&self, actor: &Actor, at: Millis, n: &$crate::NewHandover) -> Result<jinghai_domain::cases::Handover> {
                let mut tx = self.pool.begin_with($begin).await?;
                let id: i64 = sqlx::query("INSERT INTO handovers (record_kind, record_id, region_code, from_unit_id, to_unit_id, reason, deadline_at, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) RETURNING id")
                    .bind(n.record_kind.as_str()).bind(n.record_id).bind(&n.region_code).bind(n.from_unit_id).bind(n.to_unit_id).bind(&n.reason).bind(n.deadline_at).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?.try_get("id")?;
                let h = handover_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "handover", id, &h.region_code).after(snapshot(&h))).await?;
                tx.commit().await?;
                Ok(h)
            }

            async fn get_handover_unscoped(&self, id: i64) -> Result<jinghai_domain::cases::Handover> {
                let row = sqlx::query(concat!(handover_select!(), " WHERE id = $1")).bind(id).fetch_optional(&self.pool).await?;
                cases_rows::handover(&row.ok_or(StoreError::NotFound)?)
            }

            async fn respond_handover(&self, actor: &Actor, at: Millis, id: i64, accept: bool, response: &str) -> Result<jinghai_domain::cases::Handover> {
                use jinghai_domain::cases::{HandoverStatus, RecordKind};
                let mut tx = self.pool.begin_with($begin).await?;
                let before = handover_in_tx(&mut tx, id).await?;
                if before.status != HandoverStatus::Pending {
                    return Err(StoreError::Conflict("the hand-over was already answered".into()));
                }
                let status = if accept { HandoverStatus::Accepted } else { HandoverStatus::Returned };
                sqlx::query("UPDATE handovers SET status = $1, response = $2, responded_at = $3 WHERE id = $4").bind(status.as_str()).bind(response).bind(at).bind(id).execute(&mut *tx).await?;
                let after = handover_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "handover", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                if accept {
                    match before.record_kind {
                        RecordKind::Clue => {
                            let b = clue_in_tx(&mut tx, before.record_id).await?;
                            sqlx::query("UPDATE clues SET holder_unit_id = $1, updated_at = $2 WHERE id = $3").bind(before.to_unit_id).bind(at).bind(before.record_id).execute(&mut *tx).await?;
                            let a = clue_in_tx(&mut tx, before.record_id).await?;
                            write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "clue", a.id, &a.region_code).before(snapshot(&b)).after(snapshot(&a))).await?;
                        }
                        RecordKind::Case => {
                            let b = case_in_tx(&mut tx, before.record_id).await?;
                            sqlx::query("UPDATE cases SET holder_unit_id = $1 WHERE id = $2").bind(before.to_unit_id).bind(before.record_id).execute(&mut *tx).await?;
                            let a = case_in_tx(&mut tx, before.record_id).await?;
                            write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "case", a.id, &a.region_code).before(snapshot(&b)).after(snapshot(&a))).await?;
                        }
                        RecordKind::Tip => {}
                    }
                }
                tx.commit().await?;
                Ok(after)
            }

            async fn handovers_of(&self, kind: jinghai_domain::cases::RecordKind, record_id: i64) -> Result<Vec<jinghai_domain::cases::Handover>> {
                let rows = sqlx::query(concat!(handover_select!(), " WHERE record_kind = $1 AND record_id = $2 ORDER BY id")).bind(kind.as_str()).bind(record_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::handover).collect()
            }

            async fn list_handovers(&self, scope: &Scope, limit: i64) -> Result<Vec<jinghai_domain::cases::Handover>> {
                let (p, u, r) = vis(scope);
                let rows = sqlx::query(concat!(handover_select!(), " WHERE to_unit_id = $2 OR from_unit_id = $2 OR (region_code LIKE $1 AND $3 >= 1) ORDER BY id DESC LIMIT $4"))
                    .bind(p).bind(u).bind(r).bind(limit.clamp(1, 5000)).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::handover).collect()
            }

            async fn escalate_overdue_handovers(&self, actor: &Actor, now: Millis) -> Result<Vec<jinghai_domain::cases::Handover>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let rows = sqlx::query(concat!(handover_select!(), " WHERE status = 'pending' AND deadline_at < $1 AND escalated_at IS NULL ORDER BY id")).bind(now).fetch_all(&mut *tx).await?;
                let mut out = Vec::new();
                for r in &rows {
                    let before = cases_rows::handover(r)?;
                    sqlx::query("UPDATE handovers SET escalated_at = $1 WHERE id = $2").bind(now).bind(before.id).execute(&mut *tx).await?;
                    let after = handover_in_tx(&mut tx, before.id).await?;
                    write_audit(&mut tx, &NewAudit::of(actor, now, AuditAction::Update, "handover", before.id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                    out.push(after);
                }
                tx.commit().await?;
                Ok(out)
            }

            // --- files ---

            async fn add_case_file(&self, actor: &Actor, at: Millis, kind: jinghai_domain::cases::RecordKind, record_id: i64, region_code: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Result<jinghai_domain::cases::CaseFile> {
                let mut tx = self.pool.begin_with($begin).await?;
                let id: i64 = sqlx::query("INSERT INTO case_files (record_kind, record_id, file_name, content_type, size, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                    .bind(kind.as_str()).bind(record_id).bind(file_name).bind(content_type).bind(bytes.len() as i64).bind(bytes).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                let f = jinghai_domain::cases::CaseFile { id, record_kind: kind, record_id, file_name: file_name.into(), content_type: content_type.into(), size: bytes.len() as i64, uploaded_by: actor.name.clone(), uploaded_at: at };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "case_file", id, region_code).after(snapshot(&f))).await?;
                tx.commit().await?;
                Ok(f)
            }

            async fn case_files(&self, kind: jinghai_domain::cases::RecordKind, record_id: i64) -> Result<Vec<jinghai_domain::cases::CaseFile>> {
                let rows = sqlx::query("SELECT id, record_kind, record_id, file_name, content_type, size, uploaded_by, uploaded_at FROM case_files WHERE record_kind = $1 AND record_id = $2 ORDER BY id")
                    .bind(kind.as_str()).bind(record_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::file).collect()
            }

            async fn get_case_file_unscoped(&self, id: i64) -> Result<(jinghai_domain::cases::CaseFile, Vec<u8>)> {
                let row = sqlx::query("SELECT id, record_kind, record_id, file_name, content_type, size, uploaded_by, uploaded_at, data FROM case_files WHERE id = $1")
                    .bind(id).fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?;
                Ok((cases_rows::file(&row)?, row.try_get("data")?))
            }

            // --- tips ---

            async fn create_tip(&self, actor: &Actor, at: Millis, n: &$crate::NewTip) -> Result<jinghai_domain::cases::Tip> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, n.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO tips (code_hash, region_id, region_code, channel, topic, what, place, lat, lon, when_text, contact_name, contact_phone, anonymous, status, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'received', $14) RETURNING id")
                    .bind(&n.code_hash).bind(n.region_id).bind(region.code.as_str()).bind(n.channel.as_str()).bind(n.topic.as_str()).bind(&n.what).bind(&n.place)
                    .bind(n.lat).bind(n.lon).bind(&n.when_text).bind(&n.contact.name).bind(&n.contact.phone).bind(n.anonymous).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "follow-up code already used"))?.try_get("id")?;
                let tip = tip_in_tx(&mut tx, id).await?;
                // The snapshot is the tip without its contact: the audit log is
                // read by administrators, who are not reward officers.
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "tip", id, &tip.region_code).after(snapshot(&tip))).await?;
                tx.commit().await?;
                Ok(tip)
            }

            async fn find_tip_by_code(&self, code_hash: &str) -> Result<Option<jinghai_domain::cases::Tip>> {
                let row = sqlx::query(concat!(tip_select!(), " WHERE code_hash = $1")).bind(code_hash).fetch_optional(&self.pool).await?;
                row.as_ref().map(cases_rows::tip).transpose()
            }

            async fn get_tip(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::cases::Tip> {
                let row = sqlx::query(concat!(tip_select!(), " WHERE id = $1 AND region_code LIKE $2")).bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                cases_rows::tip(&row.ok_or(StoreError::NotFound)?)
            }

            async fn list_tips(&self, scope: &Scope, limit: i64) -> Result<Vec<jinghai_domain::cases::Tip>> {
                let rows = sqlx::query(concat!(tip_select!(), " WHERE region_code LIKE $1 ORDER BY id DESC LIMIT $2")).bind(scope.region_like()).bind(limit.clamp(1, 5000)).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::tip).collect()
            }

            async fn tip_contact(&self, id: i64) -> Result<jinghai_domain::cases::TipContact> {
                let row = sqlx::query("SELECT contact_name, contact_phone FROM tips WHERE id = $1").bind(id).fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?;
                Ok(jinghai_domain::cases::TipContact { name: row.try_get("contact_name")?, phone: row.try_get("contact_phone")? })
            }

            async fn set_tip_status(&self, actor: &Actor, at: Millis, id: i64, t: &$crate::TipTransition) -> Result<jinghai_domain::cases::Tip> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = tip_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE tips SET status = $1, status_note = $2, clue_id = COALESCE($3, clue_id), merged_into = COALESCE($4, merged_into) WHERE id = $5")
                    .bind(t.status.as_str()).bind(&t.note).bind(t.clue_id).bind(t.merged_into).bind(id).execute(&mut *tx).await?;
                let after = tip_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "tip", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn propose_reward(&self, actor: &Actor, at: Millis, tip_id: i64, amount_fen: i64, basis: &str) -> Result<jinghai_domain::cases::Reward> {
                let mut tx = self.pool.begin_with($begin).await?;
                let tip = tip_in_tx(&mut tx, tip_id).await?;
                let id: i64 = sqlx::query("INSERT INTO tip_rewards (tip_id, amount_fen, basis, status, proposed_by, proposed_at) VALUES ($1, $2, $3, 'proposed', $4, $5) RETURNING id")
                    .bind(tip_id).bind(amount_fen).bind(basis).bind(&actor.name).bind(at).fetch_one(&mut *tx).await?.try_get("id")?;
                let reward = reward_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "reward", id, &tip.region_code).after(snapshot(&reward))).await?;
                tx.commit().await?;
                Ok(reward)
            }

            async fn get_reward_unscoped(&self, id: i64) -> Result<jinghai_domain::cases::Reward> {
                let row = sqlx::query(concat!(reward_select!(), " WHERE id = $1")).bind(id).fetch_optional(&self.pool).await?;
                cases_rows::reward(&row.ok_or(StoreError::NotFound)?)
            }

            async fn set_reward_status(&self, actor: &Actor, at: Millis, id: i64, t: &$crate::RewardTransition) -> Result<jinghai_domain::cases::Reward> {
                use jinghai_domain::cases::RewardStatus;
                let mut tx = self.pool.begin_with($begin).await?;
                let before = reward_in_tx(&mut tx, id).await?;
                let tip = tip_in_tx(&mut tx, before.tip_id).await?;
                if t.status == RewardStatus::Paid {
                    sqlx::query("UPDATE tip_rewards SET status = 'paid', paid_on = $1, pay_method = $2, note = $3 WHERE id = $4")
                        .bind(t.paid_on).bind(t.pay_method.map(|m| m.as_str())).bind(&t.note).bind(id).execute(&mut *tx).await?;
                } else {
                    sqlx::query("UPDATE tip_rewards SET status = $1, decided_by = $2, decided_at = $3, note = $4 WHERE id = $5")
                        .bind(t.status.as_str()).bind(&actor.name).bind(at).bind(&t.note).bind(id).execute(&mut *tx).await?;
                }
                let after = reward_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "reward", id, &tip.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn rewards_of(&self, tip_id: i64) -> Result<Vec<jinghai_domain::cases::Reward>> {
                let rows = sqlx::query(concat!(reward_select!(), " WHERE tip_id = $1 ORDER BY id")).bind(tip_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::reward).collect()
            }

            async fn tip_ids_between(&self, region_prefix: &str, from: Millis, to: Millis) -> Result<Vec<i64>> {
                let rows = sqlx::query("SELECT id FROM tips WHERE region_code LIKE $1 AND received_at >= $2 AND received_at < $3 ORDER BY id")
                    .bind(format!("{region_prefix}%")).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.iter().map(|r| r.try_get::<i64, _>("id").map_err(Into::into)).collect()
            }

            async fn create_spot_check(&self, actor: &Actor, at: Millis, c: &jinghai_domain::cases::SpotCheck, tip_ids: &[i64]) -> Result<jinghai_domain::cases::SpotCheck> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, c.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO tip_spot_checks (region_id, region_code, from_day, to_day, seed, drawn_by, drawn_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(c.region_id).bind(region.code.as_str()).bind(c.from_day).bind(c.to_day).bind(c.seed).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                for t in tip_ids {
                    sqlx::query("INSERT INTO tip_spot_check_items (check_id, tip_id) VALUES ($1, $2)").bind(id).bind(t).execute(&mut *tx).await?;
                }
                let row = sqlx::query("SELECT id, region_id, region_code, from_day, to_day, seed, drawn_by, drawn_at FROM tip_spot_checks WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
                let check = cases_rows::spot_check(&row)?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "spot_check", id, &check.region_code).after(snapshot(&(&check, tip_ids)))).await?;
                tx.commit().await?;
                Ok(check)
            }

            async fn get_spot_check(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::cases::SpotCheck> {
                let row = sqlx::query("SELECT id, region_id, region_code, from_day, to_day, seed, drawn_by, drawn_at FROM tip_spot_checks WHERE id = $1 AND region_code LIKE $2")
                    .bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                cases_rows::spot_check(&row.ok_or(StoreError::NotFound)?)
            }

            async fn list_spot_checks(&self, scope: &Scope) -> Result<Vec<jinghai_domain::cases::SpotCheck>> {
                let rows = sqlx::query("SELECT id, region_id, region_code, from_day, to_day, seed, drawn_by, drawn_at FROM tip_spot_checks WHERE region_code LIKE $1 ORDER BY id DESC")
                    .bind(scope.region_like()).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::spot_check).collect()
            }

            async fn spot_check_items(&self, check_id: i64) -> Result<Vec<jinghai_domain::cases::SpotCheckItem>> {
                let rows = sqlx::query("SELECT id, check_id, tip_id, answered, handled, rewarded, note, checked_by, checked_at FROM tip_spot_check_items WHERE check_id = $1 ORDER BY tip_id")
                    .bind(check_id).fetch_all(&self.pool).await?;
                rows.iter().map(cases_rows::spot_item).collect()
            }

            async fn get_spot_check_item_unscoped(&self, id: i64) -> Result<jinghai_domain::cases::SpotCheckItem> {
                let row = sqlx::query("SELECT id, check_id, tip_id, answered, handled, rewarded, note, checked_by, checked_at FROM tip_spot_check_items WHERE id = $1")
                    .bind(id).fetch_optional(&self.pool).await?;
                cases_rows::spot_item(&row.ok_or(StoreError::NotFound)?)
            }

            async fn record_spot_finding(&self, actor: &Actor, at: Millis, item_id: i64, f: &$crate::SpotFinding) -> Result<jinghai_domain::cases::SpotCheckItem> {
                let mut tx = self.pool.begin_with($begin).await?;
                let q = "SELECT i.id, i.check_id, i.tip_id, i.answered, i.handled, i.rewarded, i.note, i.checked_by, i.checked_at, c.region_code FROM tip_spot_check_items i JOIN tip_spot_checks c ON c.id = i.check_id WHERE i.id = $1";
                let row = sqlx::query(q).bind(item_id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
                let before = cases_rows::spot_item(&row)?;
                let region_code: String = row.try_get("region_code")?;
                sqlx::query("UPDATE tip_spot_check_items SET answered = $1, handled = $2, rewarded = $3, note = $4, checked_by = $5, checked_at = $6 WHERE id = $7")
                    .bind(f.answered).bind(f.handled).bind(f.rewarded).bind(&f.note).bind(&actor.name).bind(at).bind(item_id).execute(&mut *tx).await?;
                let after = cases_rows::spot_item(&sqlx::query(q).bind(item_id).fetch_one(&mut *tx).await?)?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "spot_check_item", item_id, &region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn daily_figures(&self, region_prefix: &str, day: jinghai_domain::report::Day, start: Millis, end: Millis) -> Result<jinghai_domain::cases::DailyFigures> {
                let like = format!("{region_prefix}%");
                let one = |sql: &'static str| sqlx::query(sql).bind(like.clone());
                let count = |r: DbRow| -> Result<i64> { Ok(r.try_get::<Option<i64>, _>("n")?.unwrap_or(0)) };
                let clues = count(one("SELECT COUNT(*) AS n FROM clues WHERE region_code LIKE $1 AND created_at >= $2 AND created_at < $3").bind(start).bind(end).fetch_one(&self.pool).await?)?;
                let clues_linked = count(one("SELECT COUNT(*) AS n FROM clues c WHERE c.region_code LIKE $1 AND c.created_at >= $2 AND c.created_at < $3 AND EXISTS (SELECT 1 FROM clue_links l WHERE (l.clue_a = c.id OR l.clue_b = c.id) AND l.status <> 'rejected')").bind(start).bind(end).fetch_one(&self.pool).await?)?;
                let cases_filed = count(one("SELECT COUNT(*) AS n FROM cases WHERE region_code LIKE $1 AND filed_on = $2").bind(day).fetch_one(&self.pool).await?)?;
                let coercive = count(one("SELECT CAST(SUM(s.persons) AS BIGINT) AS n FROM case_steps s JOIN cases k ON k.id = s.case_id WHERE k.region_code LIKE $1 AND s.day = $2 AND s.kind = 'coercive'").bind(day).fetch_one(&self.pool).await?)?;
                let prosecution = count(one("SELECT CAST(SUM(s.persons) AS BIGINT) AS n FROM case_steps s JOIN cases k ON k.id = s.case_id WHERE k.region_code LIKE $1 AND s.day = $2 AND s.kind = 'prosecution'").bind(day).fetch_one(&self.pool).await?)?;
                let rows = one("SELECT s.category, s.unit, CAST(SUM(s.quantity) AS BIGINT) AS n FROM seizures s JOIN cases k ON k.id = s.case_id WHERE k.region_code LIKE $1 AND s.seized_on = $2 GROUP BY s.category, s.unit")
                    .bind(day).fetch_all(&self.pool).await?;
                let mut f = jinghai_domain::cases::DailyFigures { clues, clues_linked, cases_filed, coercive_persons: coercive, prosecution_persons: prosecution, ..Default::default() };
                for r in rows {
                    let category: String = r.try_get("category")?;
                    let unit: String = r.try_get("unit")?;
                    let n = r.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
                    match (category.as_str(), unit.as_str()) {
                        ("vehicle", _) => f.vehicles += n,
                        ("vessel", _) => f.vessels += n,
                        ("person", _) => f.persons += n,
                        (_, "tonnes") => f.goods_tonnes += n,
                        _ => {}
                    }
                }
                Ok(f)
            }
        }
    };
}
