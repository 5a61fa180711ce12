//! Storage for issue #8: inbound international ship calls with their crew
//! and violations; individual cases with persons, steps and quarantine
//! tests; tracked deadlines and in-app notifications; key persons and the
//! key-country list; the cold-chain trace (stores, batches, movements, stock
//! checks). One trait, [`IntlStore`], expanded per backend by
//! `impl_intl_store!` (migration 0010). Every write is audited in its own
//! transaction; every read a request uses is scoped.

use async_trait::async_trait;
use jinghai_domain::audit::Actor;
use jinghai_domain::duty::{Deadline, DeadlineRule, Notification};
use jinghai_domain::epidemic::{
    ColdBatch, ColdMovement, ColdStore, CountryRisk, Direction, KeyCountry, KeyPerson,
    KeyPersonReport, KeyPersonStatus, StockCheck,
};
use jinghai_domain::individual::{CaseKind, CaseStatus, Health, StepKind, TestKind};
use jinghai_domain::intl::{CallPurpose, TestResult, ViolationKind, WorkStatus};
use jinghai_domain::report::Day;
use jinghai_domain::time::Millis;
use jinghai_domain::Scope;
use serde::Serialize;

use crate::Result;

/// One inbound international ship call (船舶入境申报).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShipCall {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub ship_name: String,
    pub imo: Option<String>,
    pub mmsi: Option<i64>,
    pub flag: String,
    /// Last ports of call, `;`-separated, most recent last.
    pub last_ports: String,
    pub arrival_at: Millis,
    pub berth: String,
    pub purpose: CallPurpose,
    /// The per-ship plan (一船一案).
    pub plan: String,
    /// The "三不" rule confirmed for this call.
    pub three_no: bool,
    pub work_status: WorkStatus,
    pub work_allowed_at: Option<Millis>,
    pub created_by: String,
    pub created_at: Millis,
}

/// A crew member on a ship call's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrewMember {
    pub id: i64,
    pub ship_call_id: i64,
    pub name: String,
    pub nationality: String,
    pub passport: String,
    pub test_result: TestResult,
    pub tested_at: Option<Millis>,
}

/// A recorded breach of the "三不" rule or the per-ship plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShipViolation {
    pub id: i64,
    pub ship_call_id: i64,
    pub kind: ViolationKind,
    pub at: Millis,
    pub description: String,
    pub recorded_by: String,
    pub recorded_at: Millis,
}

/// A ship call to store, with its crew list.
#[derive(Debug, Clone)]
pub struct NewShipCall {
    pub region_id: i64,
    pub ship_name: String,
    pub imo: Option<String>,
    pub mmsi: Option<i64>,
    pub flag: String,
    pub last_ports: String,
    pub arrival_at: Millis,
    pub berth: String,
    pub purpose: CallPurpose,
    /// (name, nationality, passport)
    pub crew: Vec<(String, String, String)>,
}

/// An individual case (个案).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndCase {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub kind: CaseKind,
    pub found_at: Millis,
    pub found_by_unit_id: Option<i64>,
    pub place: String,
    /// Where it came from: an alert, a clue, a ship call … (free text).
    pub source_ref: String,
    pub summary: String,
    pub ship_call_id: Option<i64>,
    pub status: CaseStatus,
    pub created_by: String,
    pub created_at: Millis,
}

/// A person of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CasePerson {
    pub id: i64,
    pub case_id: i64,
    pub name: String,
    pub gender: String,
    pub nationality: String,
    pub id_no: String,
    pub health: Health,
    pub health_note: String,
    pub current_location: String,
    pub quarantine_site: String,
    pub quarantine_start_at: Option<Millis>,
    pub released_at: Option<Millis>,
}

/// A recorded step with its owner and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseStep {
    pub id: i64,
    pub case_id: i64,
    pub step: StepKind,
    /// When it happened (as reported).
    pub at: Millis,
    pub unit_id: Option<i64>,
    /// The person in charge.
    pub owner: String,
    pub result: String,
    pub recorded_by: String,
    pub recorded_at: Millis,
}

/// A quarantine test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseTest {
    pub id: i64,
    pub person_id: i64,
    pub kind: TestKind,
    pub taken_at: Millis,
    pub result: TestResult,
    pub unit_id: Option<i64>,
    pub recorded_by: String,
    pub recorded_at: Millis,
}

/// A person to add to a case.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub name: String,
    pub gender: String,
    pub nationality: String,
    pub id_no: String,
    pub health: Health,
    pub health_note: String,
    pub current_location: String,
}

/// A case to store, with its persons.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub region_id: i64,
    pub kind: CaseKind,
    pub found_at: Millis,
    pub found_by_unit_id: Option<i64>,
    pub place: String,
    pub source_ref: String,
    pub summary: String,
    pub ship_call_id: Option<i64>,
    pub persons: Vec<NewPerson>,
}

/// A deadline to track (its region is the subject's).
#[derive(Debug, Clone)]
pub struct NewDeadline {
    pub rule: DeadlineRule,
    pub region_id: i64,
    pub unit_id: Option<i64>,
    pub subject: String,
    /// `None`: the deadline is its own subject (a major matter registered on the desk).
    pub subject_id: Option<i64>,
    pub title: String,
    pub started_at: Millis,
    pub due_at: Millis,
}

/// A step to record, and what it changes besides itself.
#[derive(Debug, Clone)]
pub struct NewStep {
    pub step: StepKind,
    pub at: Millis,
    pub unit_id: Option<i64>,
    pub owner: String,
    pub result: String,
    /// Quarantine starts: (site, start) for every person not released.
    pub quarantine: Option<(String, Millis)>,
    /// Release: every person not yet released is released, the case closed.
    pub release: bool,
    /// Deadlines of the case this step fulfils.
    pub fulfils: Vec<DeadlineRule>,
}

/// A quarantine test to record.
#[derive(Debug, Clone)]
pub struct NewTest {
    pub kind: TestKind,
    pub taken_at: Millis,
    pub result: TestResult,
    pub unit_id: Option<i64>,
}

/// A day's report on a key person.
#[derive(Debug, Clone)]
pub struct NewKeyReport {
    pub day: Day,
    pub health: String,
    pub location: String,
    pub note: String,
}

/// A batch moving into or out of a store.
#[derive(Debug, Clone)]
pub struct NewMovement {
    pub batch_id: i64,
    pub store_id: i64,
    pub direction: Direction,
    pub quantity_g: i64,
    pub at: Millis,
}

/// A key person to register.
#[derive(Debug, Clone)]
pub struct NewKeyPerson {
    pub region_id: i64,
    pub name: String,
    pub id_no: String,
    pub from_country: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_unit_id: Option<i64>,
    pub planned_arrival_at: Option<Millis>,
    pub port_of_entry: String,
}

/// A frozen-food batch to register.
#[derive(Debug, Clone)]
pub struct NewColdBatch {
    pub region_id: i64,
    pub trace_code: String,
    pub product: String,
    pub origin_country: String,
    pub declaration_no: String,
    pub quantity_g: i64,
    pub test_result: TestResult,
    pub tested_at: Option<Millis>,
}

/// A stock check to record.
#[derive(Debug, Clone)]
pub struct NewStockCheck {
    pub store_id: i64,
    pub at: Millis,
    pub product: String,
    pub trace_code: String,
    pub quantity_g: i64,
}

/// Storage of issue #8's records. See the module docs.
#[async_trait]
pub trait IntlStore: Send + Sync {
    // --- ship calls ---
    /// Stores ship calls with their crew, all or none (an import is one transaction).
    async fn create_ship_calls(
        &self,
        actor: &Actor,
        at: Millis,
        calls: &[NewShipCall],
    ) -> Result<Vec<ShipCall>>;
    /// Ship calls of the caller's regions arriving in `[from, to)`.
    async fn list_ship_calls(
        &self,
        scope: &Scope,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<ShipCall>>;
    async fn get_ship_call(&self, scope: &Scope, id: i64) -> Result<ShipCall>;
    async fn list_crew(&self, ship_call_id: i64) -> Result<Vec<CrewMember>>;
    async fn get_crew_member(&self, scope: &Scope, id: i64) -> Result<CrewMember>;
    async fn set_crew_result(
        &self,
        actor: &Actor,
        at: Millis,
        crew_id: i64,
        result: TestResult,
        tested_at: Millis,
    ) -> Result<CrewMember>;
    async fn set_ship_plan(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        plan: &str,
        three_no: bool,
    ) -> Result<ShipCall>;
    async fn set_work_status(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        status: WorkStatus,
    ) -> Result<ShipCall>;
    async fn add_violation(
        &self,
        actor: &Actor,
        at: Millis,
        ship_call_id: i64,
        kind: ViolationKind,
        happened_at: Millis,
        description: &str,
    ) -> Result<ShipViolation>;
    async fn list_violations(&self, ship_call_id: i64) -> Result<Vec<ShipViolation>>;
    /// (ship calls, crew listed) arriving in `[from, to)` under a region prefix.
    async fn ship_call_counts(&self, prefix: &str, from: Millis, to: Millis) -> Result<(i64, i64)>;
    /// Distinct ship calls with a violation that happened in `[from, to)`.
    async fn violation_ship_count(&self, prefix: &str, from: Millis, to: Millis) -> Result<i64>;

    // --- individual cases ---
    /// Stores a case with its persons and the deadlines it starts, in one transaction.
    async fn create_case_individual(
        &self,
        actor: &Actor,
        at: Millis,
        new: &NewCase,
        deadlines: &[NewDeadline],
    ) -> Result<IndCase>;
    /// A case of the caller's regions, or found by their unit.
    async fn get_case_individual(&self, scope: &Scope, id: i64) -> Result<IndCase>;
    async fn list_cases_individual(&self, scope: &Scope) -> Result<Vec<IndCase>>;
    async fn list_persons(&self, case_id: i64) -> Result<Vec<CasePerson>>;
    async fn list_steps(&self, case_id: i64) -> Result<Vec<CaseStep>>;
    async fn list_case_tests(&self, case_id: i64) -> Result<Vec<CaseTest>>;
    async fn add_person(
        &self,
        actor: &Actor,
        at: Millis,
        case_id: i64,
        p: &NewPerson,
    ) -> Result<CasePerson>;
    /// Records a step and its effects (quarantine start, release, deadlines fulfilled).
    async fn add_step(
        &self,
        actor: &Actor,
        at: Millis,
        case_id: i64,
        step: &NewStep,
    ) -> Result<CaseStep>;
    async fn add_test(
        &self,
        actor: &Actor,
        at: Millis,
        person_id: i64,
        t: &NewTest,
    ) -> Result<CaseTest>;
    async fn set_person_location(
        &self,
        actor: &Actor,
        at: Millis,
        person_id: i64,
        location: &str,
    ) -> Result<CasePerson>;
    /// Persons found in `[from, to)` under a region prefix, per case kind.
    async fn case_person_counts(
        &self,
        prefix: &str,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<(CaseKind, i64)>>;

    // --- deadlines and notifications ---
    async fn create_deadline(&self, actor: &Actor, at: Millis, d: &NewDeadline)
        -> Result<Deadline>;
    /// Deadlines of the caller's regions or unit, due in `[from, to)`.
    async fn list_deadlines(
        &self,
        scope: &Scope,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<Deadline>>;
    async fn get_deadline(&self, scope: &Scope, id: i64) -> Result<Deadline>;
    async fn list_subject_deadlines(&self, subject: &str, subject_id: i64)
        -> Result<Vec<Deadline>>;
    async fn complete_deadline(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        done_at: Millis,
        note: &str,
    ) -> Result<Deadline>;
    /// Overdue, not done, not yet notified, everywhere: for the notifier's sweep.
    async fn deadlines_to_notify_unscoped(&self, now: Millis) -> Result<Vec<Deadline>>;
    /// Marks a deadline notified and stores the in-app notice, in one transaction.
    async fn notify_deadline(
        &self,
        actor: &Actor,
        at: Millis,
        deadline_id: i64,
        unit_id: i64,
        zh: &str,
        en: &str,
    ) -> Result<Notification>;
    /// Stores the in-app notice of a computed deadline once per `key` (an
    /// occurrence: rule, unit, due time, record): `None` when that key was
    /// already notified (by an earlier sweep or another node).
    #[allow(clippy::too_many_arguments)]
    async fn notify_once(
        &self,
        actor: &Actor,
        at: Millis,
        key: &str,
        unit_id: i64,
        region_code: &str,
        zh: &str,
        en: &str,
    ) -> Result<Option<Notification>>;
    /// The notices of the caller's unit, newest first.
    async fn list_notifications(&self, scope: &Scope, limit: i64) -> Result<Vec<Notification>>;
    async fn count_unread_notifications(&self, scope: &Scope) -> Result<i64>;
    async fn mark_notification_read(
        &self,
        actor: &Actor,
        at: Millis,
        scope: &Scope,
        id: i64,
    ) -> Result<Notification>;

    // --- key persons and countries ---
    async fn list_key_countries(&self) -> Result<Vec<KeyCountry>>;
    /// Adds a country or changes its risk level and note (audited under `region_code`).
    async fn upsert_key_country(
        &self,
        actor: &Actor,
        at: Millis,
        region_code: &str,
        name: &str,
        risk: CountryRisk,
        note: &str,
    ) -> Result<KeyCountry>;
    async fn create_key_person(
        &self,
        actor: &Actor,
        at: Millis,
        p: &NewKeyPerson,
    ) -> Result<KeyPerson>;
    /// Key persons of the caller's regions, or followed by their unit.
    async fn list_key_persons(&self, scope: &Scope) -> Result<Vec<KeyPerson>>;
    async fn get_key_person(&self, scope: &Scope, id: i64) -> Result<KeyPerson>;
    async fn add_key_person_report(
        &self,
        actor: &Actor,
        at: Millis,
        person_id: i64,
        r: &NewKeyReport,
    ) -> Result<KeyPersonReport>;
    async fn list_key_person_reports(&self, person_id: i64) -> Result<Vec<KeyPersonReport>>;
    async fn set_key_person_status(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        status: KeyPersonStatus,
    ) -> Result<KeyPerson>;

    // --- cold chain ---
    async fn create_cold_store(
        &self,
        actor: &Actor,
        at: Millis,
        region_id: i64,
        name: &str,
        address: &str,
    ) -> Result<ColdStore>;
    async fn list_cold_stores(&self, scope: &Scope) -> Result<Vec<ColdStore>>;
    async fn get_cold_store(&self, scope: &Scope, id: i64) -> Result<ColdStore>;
    async fn create_cold_batch(
        &self,
        actor: &Actor,
        at: Millis,
        b: &NewColdBatch,
    ) -> Result<ColdBatch>;
    async fn list_cold_batches(&self, scope: &Scope) -> Result<Vec<ColdBatch>>;
    async fn get_cold_batch(&self, scope: &Scope, id: i64) -> Result<ColdBatch>;
    /// A batch by trace code wherever it was declared: a stock check in one
    /// district must see that a code exists even if declared in another.
    async fn find_cold_batch_unscoped(&self, trace_code: &str) -> Result<Option<ColdBatch>>;
    async fn add_cold_movement(
        &self,
        actor: &Actor,
        at: Millis,
        m: &NewMovement,
    ) -> Result<ColdMovement>;
    async fn list_store_movements(&self, store_id: i64) -> Result<Vec<ColdMovement>>;
    async fn list_batch_movements(&self, batch_id: i64) -> Result<Vec<ColdMovement>>;
    async fn add_stock_check(
        &self,
        actor: &Actor,
        at: Millis,
        c: &NewStockCheck,
    ) -> Result<StockCheck>;
    async fn list_stock_checks(&self, scope: &Scope) -> Result<Vec<StockCheck>>;
    async fn get_stock_check(&self, scope: &Scope, id: i64) -> Result<StockCheck>;
    /// Records that a lead became a clue (the clue module's reference).
    async fn set_stock_check_clue(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        clue_ref: &str,
    ) -> Result<StockCheck>;
}

macro_rules! ship_call_select { () => { "SELECT id, region_id, region_code, ship_name, imo, mmsi, flag, last_ports, arrival_at, berth, repair, ocean_fishing, crew_change, foreign_to_domestic, crew_changed_abroad_at, plan, three_no, work_status, work_allowed_at, created_by, created_at FROM ship_calls" }; }
macro_rules! crew_select { () => { "SELECT id, ship_call_id, name, nationality, passport, test_result, tested_at FROM ship_crew" }; }
macro_rules! individual_case_select { () => { "SELECT id, region_id, region_code, kind, found_at, found_by_unit_id, place, source_ref, summary, ship_call_id, status, created_by, created_at FROM ind_cases" }; }
macro_rules! person_select { () => { "SELECT id, case_id, name, gender, nationality, id_no, health, health_note, current_location, quarantine_site, quarantine_start_at, released_at FROM ind_persons" }; }
macro_rules! deadline_select { () => { "SELECT id, rule, region_id, region_code, unit_id, subject, subject_id, title, started_at, due_at, done_at, done_note, notified_at FROM deadlines" }; }
macro_rules! notification_select { () => { "SELECT id, unit_id, region_code, deadline_id, zh, en, created_at, read_at FROM notifications" }; }
macro_rules! key_person_select { () => { "SELECT id, region_id, region_code, name, id_no, from_country, contact_name, contact_phone, contact_unit_id, planned_arrival_at, port_of_entry, status, last_report_day, created_at FROM key_persons" }; }
macro_rules! cold_batch_select { () => { "SELECT id, region_id, region_code, trace_code, product, origin_country, declaration_no, quantity_g, test_result, tested_at, created_at FROM cold_batches" }; }
macro_rules! stock_check_select { () => { "SELECT id, store_id, region_code, at, product, trace_code, quantity_g, checked_by, clue_ref FROM cold_stock_checks" }; }

macro_rules! impl_intl_store {
    ($store:ident, $db:ty, $begin:literal) => {
        mod intl_rows {
            use super::*;
            use jinghai_domain::duty::{Deadline, DeadlineRule, Notification};
            use jinghai_domain::epidemic::*;
            use jinghai_domain::individual::{CaseKind, CaseStatus, Health, StepKind, TestKind};
            use jinghai_domain::intl::{CallPurpose, TestResult, ViolationKind, WorkStatus};
            use $crate::intl::*;

            pub fn parse<T>(what: &str, v: String, f: fn(&str) -> Option<T>) -> Result<T> {
                f(&v).ok_or_else(|| corrupt(what, &v))
            }

            pub fn ship_call(r: &DbRow) -> Result<ShipCall> {
                Ok(ShipCall {
                    id: r.try_get("id")?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    ship_name: r.try_get("ship_name")?,
                    imo: r.try_get("imo")?,
                    mmsi: r.try_get("mmsi")?,
                    flag: r.try_get("flag")?,
                    last_ports: r.try_get("last_ports")?,
                    arrival_at: r.try_get("arrival_at")?,
                    berth: r.try_get("berth")?,
                    purpose: CallPurpose {
                        repair: r.try_get("repair")?,
                        ocean_fishing: r.try_get("ocean_fishing")?,
                        crew_change: r.try_get("crew_change")?,
                        foreign_to_domestic: r.try_get("foreign_to_domestic")?,
                        crew_changed_abroad_at: r.try_get("crew_changed_abroad_at")?,
                    },
                    plan: r.try_get("plan")?,
                    three_no: r.try_get("three_no")?,
                    work_status: parse("work status", r.try_get("work_status")?, WorkStatus::parse)?,
                    work_allowed_at: r.try_get("work_allowed_at")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn crew(r: &DbRow) -> Result<CrewMember> {
                Ok(CrewMember {
                    id: r.try_get("id")?,
                    ship_call_id: r.try_get("ship_call_id")?,
                    name: r.try_get("name")?,
                    nationality: r.try_get("nationality")?,
                    passport: r.try_get("passport")?,
                    test_result: parse("test result", r.try_get("test_result")?, TestResult::parse)?,
                    tested_at: r.try_get("tested_at")?,
                })
            }

            pub fn violation(r: &DbRow) -> Result<ShipViolation> {
                Ok(ShipViolation {
                    id: r.try_get("id")?,
                    ship_call_id: r.try_get("ship_call_id")?,
                    kind: parse("violation kind", r.try_get("kind")?, ViolationKind::parse)?,
                    at: r.try_get("at")?,
                    description: r.try_get("description")?,
                    recorded_by: r.try_get("recorded_by")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            }

            pub fn case(r: &DbRow) -> Result<IndCase> {
                Ok(IndCase {
                    id: r.try_get("id")?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    kind: parse("case kind", r.try_get("kind")?, CaseKind::parse)?,
                    found_at: r.try_get("found_at")?,
                    found_by_unit_id: r.try_get("found_by_unit_id")?,
                    place: r.try_get("place")?,
                    source_ref: r.try_get("source_ref")?,
                    summary: r.try_get("summary")?,
                    ship_call_id: r.try_get("ship_call_id")?,
                    status: parse("case status", r.try_get("status")?, CaseStatus::parse)?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn person(r: &DbRow) -> Result<CasePerson> {
                Ok(CasePerson {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    name: r.try_get("name")?,
                    gender: r.try_get("gender")?,
                    nationality: r.try_get("nationality")?,
                    id_no: r.try_get("id_no")?,
                    health: parse("health", r.try_get("health")?, Health::parse)?,
                    health_note: r.try_get("health_note")?,
                    current_location: r.try_get("current_location")?,
                    quarantine_site: r.try_get("quarantine_site")?,
                    quarantine_start_at: r.try_get("quarantine_start_at")?,
                    released_at: r.try_get("released_at")?,
                })
            }

            pub fn step(r: &DbRow) -> Result<CaseStep> {
                Ok(CaseStep {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    step: parse("step", r.try_get("step")?, StepKind::parse)?,
                    at: r.try_get("at")?,
                    unit_id: r.try_get("unit_id")?,
                    owner: r.try_get("owner")?,
                    result: r.try_get("result")?,
                    recorded_by: r.try_get("recorded_by")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            }

            pub fn test(r: &DbRow) -> Result<CaseTest> {
                Ok(CaseTest {
                    id: r.try_get("id")?,
                    person_id: r.try_get("person_id")?,
                    kind: parse("test kind", r.try_get("kind")?, TestKind::parse)?,
                    taken_at: r.try_get("taken_at")?,
                    result: parse("test result", r.try_get("result")?, TestResult::parse)?,
                    unit_id: r.try_get("unit_id")?,
                    recorded_by: r.try_get("recorded_by")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            }

            pub fn deadline(r: &DbRow) -> Result<Deadline> {
                Ok(Deadline {
                    id: r.try_get("id")?,
                    rule: parse("deadline rule", r.try_get("rule")?, DeadlineRule::parse)?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    unit_id: r.try_get("unit_id")?,
                    subject: r.try_get("subject")?,
                    subject_id: r.try_get("subject_id")?,
                    title: r.try_get("title")?,
                    started_at: r.try_get("started_at")?,
                    due_at: r.try_get("due_at")?,
                    done_at: r.try_get("done_at")?,
                    done_note: r.try_get("done_note")?,
                    notified_at: r.try_get("notified_at")?,
                })
            }

            pub fn notification(r: &DbRow) -> Result<Notification> {
                Ok(Notification {
                    id: r.try_get("id")?,
                    unit_id: r.try_get("unit_id")?,
                    region_code: r.try_get("region_code")?,
                    deadline_id: r.try_get("deadline_id")?,
                    zh: r.try_get("zh")?,
                    en: r.try_get("en")?,
                    created_at: r.try_get("created_at")?,
                    read_at: r.try_get("read_at")?,
                })
            }

            pub fn country(r: &DbRow) -> Result<KeyCountry> {
                Ok(KeyCountry {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    risk: parse("country risk", r.try_get("risk")?, CountryRisk::parse)?,
                    note: r.try_get("note")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub fn key_person(r: &DbRow) -> Result<KeyPerson> {
                Ok(KeyPerson {
                    id: r.try_get("id")?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    name: r.try_get("name")?,
                    id_no: r.try_get("id_no")?,
                    from_country: r.try_get("from_country")?,
                    contact_name: r.try_get("contact_name")?,
                    contact_phone: r.try_get("contact_phone")?,
                    contact_unit_id: r.try_get("contact_unit_id")?,
                    planned_arrival_at: r.try_get("planned_arrival_at")?,
                    port_of_entry: r.try_get("port_of_entry")?,
                    status: parse("key person status", r.try_get("status")?, KeyPersonStatus::parse)?,
                    last_report_day: r.try_get("last_report_day")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn key_report(r: &DbRow) -> Result<KeyPersonReport> {
                Ok(KeyPersonReport {
                    id: r.try_get("id")?,
                    person_id: r.try_get("person_id")?,
                    day: r.try_get("day")?,
                    health: r.try_get("health")?,
                    location: r.try_get("location")?,
                    note: r.try_get("note")?,
                    reported_by: r.try_get("reported_by")?,
                    reported_at: r.try_get("reported_at")?,
                })
            }

            pub fn cold_store(r: &DbRow) -> Result<ColdStore> {
                Ok(ColdStore {
                    id: r.try_get("id")?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    name: r.try_get("name")?,
                    address: r.try_get("address")?,
                })
            }

            pub fn batch(r: &DbRow) -> Result<ColdBatch> {
                Ok(ColdBatch {
                    id: r.try_get("id")?,
                    region_id: r.try_get("region_id")?,
                    region_code: r.try_get("region_code")?,
                    trace_code: r.try_get("trace_code")?,
                    product: r.try_get("product")?,
                    origin_country: r.try_get("origin_country")?,
                    declaration_no: r.try_get("declaration_no")?,
                    quantity_g: r.try_get("quantity_g")?,
                    test_result: parse("test result", r.try_get("test_result")?, TestResult::parse)?,
                    tested_at: r.try_get("tested_at")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub fn movement(r: &DbRow) -> Result<ColdMovement> {
                Ok(ColdMovement {
                    id: r.try_get("id")?,
                    batch_id: r.try_get("batch_id")?,
                    store_id: r.try_get("store_id")?,
                    direction: parse("direction", r.try_get("direction")?, Direction::parse)?,
                    quantity_g: r.try_get("quantity_g")?,
                    at: r.try_get("at")?,
                })
            }

            pub fn stock_check(r: &DbRow) -> Result<StockCheck> {
                Ok(StockCheck {
                    id: r.try_get("id")?,
                    store_id: r.try_get("store_id")?,
                    region_code: r.try_get("region_code")?,
                    at: r.try_get("at")?,
                    product: r.try_get("product")?,
                    trace_code: r.try_get("trace_code")?,
                    quantity_g: r.try_get("quantity_g")?,
                    checked_by: r.try_get("checked_by")?,
                    clue_ref: r.try_get("clue_ref")?,
                })
            }

            pub async fn ship_call_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<ShipCall> {
                let row = sqlx::query(concat!(ship_call_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
                ship_call(&row.ok_or(StoreError::NotFound)?)
            }
            pub async fn individual_case_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<IndCase> {
                let row = sqlx::query(concat!(individual_case_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
                case(&row.ok_or(StoreError::NotFound)?)
            }
            pub async fn person_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<CasePerson> {
                let row = sqlx::query(concat!(person_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
                person(&row.ok_or(StoreError::NotFound)?)
            }
            pub async fn deadline_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<Deadline> {
                let row = sqlx::query(concat!(deadline_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
                deadline(&row.ok_or(StoreError::NotFound)?)
            }
            pub async fn key_person_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<KeyPerson> {
                let row = sqlx::query(concat!(key_person_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
                key_person(&row.ok_or(StoreError::NotFound)?)
            }
            pub async fn stock_check_in_tx(tx: &mut Tx<'_>, id: i64) -> Result<StockCheck> {
                let row = sqlx::query(concat!(stock_check_select!(), " WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?;
                stock_check(&row.ok_or(StoreError::NotFound)?)
            }

            /// Inserts a deadline in a transaction and audits it.
            pub async fn insert_deadline(tx: &mut Tx<'_>, actor: &Actor, at: Millis, d: &NewDeadline) -> Result<Deadline> {
                let region = region_in_tx(tx, d.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO deadlines (rule, region_id, region_code, unit_id, subject, subject_id, title, started_at, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
                    .bind(d.rule.as_str()).bind(d.region_id).bind(region.code.as_str()).bind(d.unit_id).bind(&d.subject).bind(d.subject_id.unwrap_or(0)).bind(&d.title).bind(d.started_at).bind(d.due_at).bind(at)
                    .fetch_one(&mut **tx).await.map_err(|e| map_err(e, "this deadline is already tracked"))?.try_get("id")?;
                if d.subject_id.is_none() {
                    sqlx::query("UPDATE deadlines SET subject_id = id WHERE id = $1").bind(id).execute(&mut **tx).await?;
                }
                let dl = deadline_in_tx(tx, id).await?;
                write_audit(tx, &NewAudit::of(actor, at, AuditAction::Create, "deadline", id, &dl.region_code).after(snapshot(&dl))).await?;
                Ok(dl)
            }
        }

        #[async_trait::async_trait]
        impl $crate::IntlStore for $store {
            // --- ship calls ---

            async fn create_ship_calls(&self, actor: &Actor, at: Millis, calls: &[$crate::intl::NewShipCall]) -> Result<Vec<$crate::intl::ShipCall>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut out = Vec::new();
                for c in calls {
                    let region = region_in_tx(&mut tx, c.region_id).await?;
                    let id: i64 = sqlx::query("INSERT INTO ship_calls (region_id, region_code, ship_name, imo, mmsi, flag, last_ports, arrival_at, berth, repair, ocean_fishing, crew_change, foreign_to_domestic, crew_changed_abroad_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id")
                        .bind(c.region_id).bind(region.code.as_str()).bind(&c.ship_name).bind(&c.imo).bind(c.mmsi).bind(&c.flag).bind(&c.last_ports).bind(c.arrival_at).bind(&c.berth)
                        .bind(c.purpose.repair).bind(c.purpose.ocean_fishing).bind(c.purpose.crew_change).bind(c.purpose.foreign_to_domestic).bind(c.purpose.crew_changed_abroad_at)
                        .bind(&actor.name).bind(at)
                        .fetch_one(&mut *tx).await?.try_get("id")?;
                    for (name, nationality, passport) in &c.crew {
                        sqlx::query("INSERT INTO ship_crew (ship_call_id, name, nationality, passport) VALUES ($1, $2, $3, $4)")
                            .bind(id).bind(name).bind(nationality).bind(passport)
                            .execute(&mut *tx).await.map_err(|e| map_err(e, &format!("passport {passport} is listed twice for {}", c.ship_name)))?;
                    }
                    let call = intl_rows::ship_call_in_tx(&mut tx, id).await?;
                    let snap = serde_json::json!({"call": &call, "crew": c.crew.len()});
                    write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "ship_call", id, &call.region_code).after(Some(snap.to_string()))).await?;
                    out.push(call);
                }
                tx.commit().await?;
                Ok(out)
            }

            async fn list_ship_calls(&self, scope: &Scope, from: Millis, to: Millis) -> Result<Vec<$crate::intl::ShipCall>> {
                let rows = sqlx::query(concat!(ship_call_select!(), " WHERE region_code LIKE $1 AND arrival_at >= $2 AND arrival_at < $3 ORDER BY arrival_at DESC, id DESC"))
                    .bind(scope.region_like()).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::ship_call).collect()
            }

            async fn get_ship_call(&self, scope: &Scope, id: i64) -> Result<$crate::intl::ShipCall> {
                let row = sqlx::query(concat!(ship_call_select!(), " WHERE id = $1 AND region_code LIKE $2"))
                    .bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                intl_rows::ship_call(&row.ok_or(StoreError::NotFound)?)
            }

            async fn list_crew(&self, ship_call_id: i64) -> Result<Vec<$crate::intl::CrewMember>> {
                let rows = sqlx::query(concat!(crew_select!(), " WHERE ship_call_id = $1 ORDER BY id")).bind(ship_call_id).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::crew).collect()
            }

            async fn get_crew_member(&self, scope: &Scope, id: i64) -> Result<$crate::intl::CrewMember> {
                let row = sqlx::query("SELECT c.id, c.ship_call_id, c.name, c.nationality, c.passport, c.test_result, c.tested_at FROM ship_crew c JOIN ship_calls s ON s.id = c.ship_call_id WHERE c.id = $1 AND s.region_code LIKE $2")
                    .bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                intl_rows::crew(&row.ok_or(StoreError::NotFound)?)
            }

            async fn set_crew_result(&self, actor: &Actor, at: Millis, crew_id: i64, result: jinghai_domain::intl::TestResult, tested_at: Millis) -> Result<$crate::intl::CrewMember> {
                let mut tx = self.pool.begin_with($begin).await?;
                let sel = concat!(crew_select!(), " WHERE id = $1");
                let before = intl_rows::crew(&sqlx::query(sel).bind(crew_id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?)?;
                let call = intl_rows::ship_call_in_tx(&mut tx, before.ship_call_id).await?;
                sqlx::query("UPDATE ship_crew SET test_result = $1, tested_at = $2 WHERE id = $3").bind(result.as_str()).bind(tested_at).bind(crew_id).execute(&mut *tx).await?;
                let after = intl_rows::crew(&sqlx::query(sel).bind(crew_id).fetch_one(&mut *tx).await?)?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "ship_crew", crew_id, &call.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn set_ship_plan(&self, actor: &Actor, at: Millis, id: i64, plan: &str, three_no: bool) -> Result<$crate::intl::ShipCall> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = intl_rows::ship_call_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE ship_calls SET plan = $1, three_no = $2 WHERE id = $3").bind(plan).bind(three_no).bind(id).execute(&mut *tx).await?;
                let after = intl_rows::ship_call_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "ship_call", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn set_work_status(&self, actor: &Actor, at: Millis, id: i64, status: jinghai_domain::intl::WorkStatus) -> Result<$crate::intl::ShipCall> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = intl_rows::ship_call_in_tx(&mut tx, id).await?;
                let allowed_at = (status == jinghai_domain::intl::WorkStatus::Allowed).then_some(at);
                sqlx::query("UPDATE ship_calls SET work_status = $1, work_allowed_at = $2 WHERE id = $3").bind(status.as_str()).bind(allowed_at).bind(id).execute(&mut *tx).await?;
                let after = intl_rows::ship_call_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "ship_call", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn add_violation(&self, actor: &Actor, at: Millis, ship_call_id: i64, kind: jinghai_domain::intl::ViolationKind, happened_at: Millis, description: &str) -> Result<$crate::intl::ShipViolation> {
                let mut tx = self.pool.begin_with($begin).await?;
                let call = intl_rows::ship_call_in_tx(&mut tx, ship_call_id).await?;
                let id: i64 = sqlx::query("INSERT INTO ship_violations (ship_call_id, kind, at, description, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(ship_call_id).bind(kind.as_str()).bind(happened_at).bind(description).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                let v = $crate::intl::ShipViolation { id, ship_call_id, kind, at: happened_at, description: description.to_string(), recorded_by: actor.name.clone(), recorded_at: at };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "ship_violation", id, &call.region_code).after(snapshot(&v))).await?;
                tx.commit().await?;
                Ok(v)
            }

            async fn list_violations(&self, ship_call_id: i64) -> Result<Vec<$crate::intl::ShipViolation>> {
                let rows = sqlx::query("SELECT id, ship_call_id, kind, at, description, recorded_by, recorded_at FROM ship_violations WHERE ship_call_id = $1 ORDER BY at, id").bind(ship_call_id).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::violation).collect()
            }

            async fn ship_call_counts(&self, prefix: &str, from: Millis, to: Millis) -> Result<(i64, i64)> {
                let row = sqlx::query("SELECT COUNT(DISTINCT s.id) AS calls, COUNT(c.id) AS crew FROM ship_calls s LEFT JOIN ship_crew c ON c.ship_call_id = s.id WHERE s.region_code LIKE $1 AND s.arrival_at >= $2 AND s.arrival_at < $3")
                    .bind(format!("{prefix}%")).bind(from).bind(to).fetch_one(&self.pool).await?;
                Ok((row.try_get::<i64, _>("calls")?, row.try_get::<i64, _>("crew")?))
            }

            async fn violation_ship_count(&self, prefix: &str, from: Millis, to: Millis) -> Result<i64> {
                let row = sqlx::query("SELECT COUNT(DISTINCT v.ship_call_id) AS n FROM ship_violations v JOIN ship_calls s ON s.id = v.ship_call_id WHERE s.region_code LIKE $1 AND v.at >= $2 AND v.at < $3")
                    .bind(format!("{prefix}%")).bind(from).bind(to).fetch_one(&self.pool).await?;
                Ok(row.try_get::<i64, _>("n")?)
            }

            // --- individual cases ---

            async fn create_case_individual(&self, actor: &Actor, at: Millis, new: &$crate::intl::NewCase, deadlines: &[$crate::intl::NewDeadline]) -> Result<$crate::intl::IndCase> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, new.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO ind_cases (region_id, region_code, kind, found_at, found_by_unit_id, place, source_ref, summary, ship_call_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
                    .bind(new.region_id).bind(region.code.as_str()).bind(new.kind.as_str()).bind(new.found_at).bind(new.found_by_unit_id).bind(&new.place).bind(&new.source_ref).bind(&new.summary).bind(new.ship_call_id).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit or ship call does not exist"))?.try_get("id")?;
                let case = intl_rows::individual_case_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "individual_case", id, &case.region_code).after(snapshot(&case))).await?;
                for p in &new.persons {
                    Self::insert_person(&mut tx, actor, at, &case, p).await?;
                }
                for d in deadlines {
                    let d = $crate::intl::NewDeadline { subject_id: Some(id), ..d.clone() };
                    intl_rows::insert_deadline(&mut tx, actor, at, &d).await?;
                }
                tx.commit().await?;
                Ok(case)
            }

            async fn get_case_individual(&self, scope: &Scope, id: i64) -> Result<$crate::intl::IndCase> {
                let row = sqlx::query(concat!(individual_case_select!(), " WHERE id = $1 AND (region_code LIKE $2 OR found_by_unit_id = $3)"))
                    .bind(id).bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).fetch_optional(&self.pool).await?;
                intl_rows::case(&row.ok_or(StoreError::NotFound)?)
            }

            async fn list_cases_individual(&self, scope: &Scope) -> Result<Vec<$crate::intl::IndCase>> {
                let rows = sqlx::query(concat!(individual_case_select!(), " WHERE region_code LIKE $1 OR found_by_unit_id = $2 ORDER BY found_at DESC, id DESC"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::case).collect()
            }

            async fn list_persons(&self, case_id: i64) -> Result<Vec<$crate::intl::CasePerson>> {
                let rows = sqlx::query(concat!(person_select!(), " WHERE case_id = $1 ORDER BY id")).bind(case_id).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::person).collect()
            }

            async fn list_steps(&self, case_id: i64) -> Result<Vec<$crate::intl::CaseStep>> {
                let rows = sqlx::query("SELECT id, case_id, step, at, unit_id, owner, result, recorded_by, recorded_at FROM ind_steps WHERE case_id = $1 ORDER BY at, id").bind(case_id).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::step).collect()
            }

            async fn list_case_tests(&self, case_id: i64) -> Result<Vec<$crate::intl::CaseTest>> {
                let rows = sqlx::query("SELECT t.id, t.person_id, t.kind, t.taken_at, t.result, t.unit_id, t.recorded_by, t.recorded_at FROM ind_tests t JOIN ind_persons p ON p.id = t.person_id WHERE p.case_id = $1 ORDER BY t.taken_at, t.id").bind(case_id).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::test).collect()
            }

            async fn add_person(&self, actor: &Actor, at: Millis, case_id: i64, p: &$crate::intl::NewPerson) -> Result<$crate::intl::CasePerson> {
                let mut tx = self.pool.begin_with($begin).await?;
                let case = intl_rows::individual_case_in_tx(&mut tx, case_id).await?;
                let person = Self::insert_person(&mut tx, actor, at, &case, p).await?;
                tx.commit().await?;
                Ok(person)
            }

            async fn add_step(&self, actor: &Actor, at: Millis, case_id: i64, s: &$crate::intl::NewStep) -> Result<$crate::intl::CaseStep> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = intl_rows::individual_case_in_tx(&mut tx, case_id).await?;
                let id: i64 = sqlx::query("INSERT INTO ind_steps (case_id, step, at, unit_id, owner, result, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                    .bind(case_id).bind(s.step.as_str()).bind(s.at).bind(s.unit_id).bind(&s.owner).bind(&s.result).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?.try_get("id")?;
                let step = $crate::intl::CaseStep { id, case_id, step: s.step, at: s.at, unit_id: s.unit_id, owner: s.owner.clone(), result: s.result.clone(), recorded_by: actor.name.clone(), recorded_at: at };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "case_step", id, &before.region_code).after(snapshot(&step))).await?;
                if let Some((site, start)) = &s.quarantine {
                    sqlx::query("UPDATE ind_persons SET quarantine_site = $1, quarantine_start_at = $2, current_location = $1 WHERE case_id = $3 AND released_at IS NULL")
                        .bind(site).bind(start).bind(case_id).execute(&mut *tx).await?;
                }
                if s.release {
                    sqlx::query("UPDATE ind_persons SET released_at = $1 WHERE case_id = $2 AND released_at IS NULL").bind(s.at).bind(case_id).execute(&mut *tx).await?;
                    sqlx::query("UPDATE ind_cases SET status = 'released' WHERE id = $1").bind(case_id).execute(&mut *tx).await?;
                    let after = intl_rows::individual_case_in_tx(&mut tx, case_id).await?;
                    write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "individual_case", case_id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                }
                for rule in &s.fulfils {
                    let row = sqlx::query(concat!(deadline_select!(), " WHERE subject = 'individual_case' AND subject_id = $1 AND rule = $2 AND done_at IS NULL"))
                        .bind(case_id).bind(rule.as_str()).fetch_optional(&mut *tx).await?;
                    if let Some(row) = row {
                        let d = intl_rows::deadline(&row)?;
                        sqlx::query("UPDATE deadlines SET done_at = $1, done_note = $2 WHERE id = $3").bind(s.at).bind(format!("{}：{}", s.step.zh(), s.result)).bind(d.id).execute(&mut *tx).await?;
                        let after = intl_rows::deadline_in_tx(&mut tx, d.id).await?;
                        write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "deadline", d.id, &d.region_code).before(snapshot(&d)).after(snapshot(&after))).await?;
                    }
                }
                tx.commit().await?;
                Ok(step)
            }

            async fn add_test(&self, actor: &Actor, at: Millis, person_id: i64, nt: &$crate::intl::NewTest) -> Result<$crate::intl::CaseTest> {
                let (kind, taken_at, result, unit_id) = (nt.kind, nt.taken_at, nt.result, nt.unit_id);
                let mut tx = self.pool.begin_with($begin).await?;
                let person = intl_rows::person_in_tx(&mut tx, person_id).await?;
                let case = intl_rows::individual_case_in_tx(&mut tx, person.case_id).await?;
                let id: i64 = sqlx::query("INSERT INTO ind_tests (person_id, kind, taken_at, result, unit_id, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(person_id).bind(kind.as_str()).bind(taken_at).bind(result.as_str()).bind(unit_id).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?.try_get("id")?;
                let t = $crate::intl::CaseTest { id, person_id, kind, taken_at, result, unit_id, recorded_by: actor.name.clone(), recorded_at: at };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "case_test", id, &case.region_code).after(snapshot(&t))).await?;
                tx.commit().await?;
                Ok(t)
            }

            async fn set_person_location(&self, actor: &Actor, at: Millis, person_id: i64, location: &str) -> Result<$crate::intl::CasePerson> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = intl_rows::person_in_tx(&mut tx, person_id).await?;
                let case = intl_rows::individual_case_in_tx(&mut tx, before.case_id).await?;
                sqlx::query("UPDATE ind_persons SET current_location = $1 WHERE id = $2").bind(location).bind(person_id).execute(&mut *tx).await?;
                let after = intl_rows::person_in_tx(&mut tx, person_id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "case_person", person_id, &case.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn case_person_counts(&self, prefix: &str, from: Millis, to: Millis) -> Result<Vec<(jinghai_domain::individual::CaseKind, i64)>> {
                let rows = sqlx::query("SELECT c.kind, COUNT(p.id) AS n FROM ind_cases c JOIN ind_persons p ON p.case_id = c.id WHERE c.region_code LIKE $1 AND c.found_at >= $2 AND c.found_at < $3 GROUP BY c.kind")
                    .bind(format!("{prefix}%")).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.iter().map(|r| Ok((intl_rows::parse("case kind", r.try_get("kind")?, jinghai_domain::individual::CaseKind::parse)?, r.try_get::<i64, _>("n")?))).collect()
            }

            // --- deadlines and notifications ---

            async fn create_deadline(&self, actor: &Actor, at: Millis, d: &$crate::intl::NewDeadline) -> Result<jinghai_domain::duty::Deadline> {
                let mut tx = self.pool.begin_with($begin).await?;
                let dl = intl_rows::insert_deadline(&mut tx, actor, at, d).await?;
                tx.commit().await?;
                Ok(dl)
            }

            async fn list_deadlines(&self, scope: &Scope, from: Millis, to: Millis) -> Result<Vec<jinghai_domain::duty::Deadline>> {
                let rows = sqlx::query(concat!(deadline_select!(), " WHERE (region_code LIKE $1 OR unit_id = $2) AND due_at >= $3 AND due_at < $4 ORDER BY due_at, id"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::deadline).collect()
            }

            async fn get_deadline(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::duty::Deadline> {
                let row = sqlx::query(concat!(deadline_select!(), " WHERE id = $1 AND (region_code LIKE $2 OR unit_id = $3)"))
                    .bind(id).bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).fetch_optional(&self.pool).await?;
                intl_rows::deadline(&row.ok_or(StoreError::NotFound)?)
            }

            async fn list_subject_deadlines(&self, subject: &str, subject_id: i64) -> Result<Vec<jinghai_domain::duty::Deadline>> {
                let rows = sqlx::query(concat!(deadline_select!(), " WHERE subject = $1 AND subject_id = $2 ORDER BY due_at, id"))
                    .bind(subject).bind(subject_id).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::deadline).collect()
            }

            async fn complete_deadline(&self, actor: &Actor, at: Millis, id: i64, done_at: Millis, note: &str) -> Result<jinghai_domain::duty::Deadline> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = intl_rows::deadline_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE deadlines SET done_at = $1, done_note = $2 WHERE id = $3").bind(done_at).bind(note).bind(id).execute(&mut *tx).await?;
                let after = intl_rows::deadline_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "deadline", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn deadlines_to_notify_unscoped(&self, now: Millis) -> Result<Vec<jinghai_domain::duty::Deadline>> {
                let rows = sqlx::query(concat!(deadline_select!(), " WHERE done_at IS NULL AND notified_at IS NULL AND due_at < $1 ORDER BY due_at, id"))
                    .bind(now).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::deadline).collect()
            }

            async fn notify_deadline(&self, actor: &Actor, at: Millis, deadline_id: i64, unit_id: i64, zh: &str, en: &str) -> Result<jinghai_domain::duty::Notification> {
                let mut tx = self.pool.begin_with($begin).await?;
                let d = intl_rows::deadline_in_tx(&mut tx, deadline_id).await?;
                // Only the first sweep that finds it overdue notifies.
                let changed = sqlx::query("UPDATE deadlines SET notified_at = $1 WHERE id = $2 AND notified_at IS NULL").bind(at).bind(deadline_id).execute(&mut *tx).await?.rows_affected();
                if changed == 0 {
                    return Err(StoreError::Conflict("already notified".into()));
                }
                let id: i64 = sqlx::query("INSERT INTO notifications (unit_id, region_code, deadline_id, zh, en, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(unit_id).bind(&d.region_code).bind(deadline_id).bind(zh).bind(en).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?.try_get("id")?;
                let n = jinghai_domain::duty::Notification { id, unit_id, region_code: d.region_code.clone(), deadline_id: Some(deadline_id), zh: zh.into(), en: en.into(), created_at: at, read_at: None };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "notification", id, &d.region_code).after(snapshot(&n))).await?;
                tx.commit().await?;
                Ok(n)
            }

            async fn notify_once(&self, actor: &Actor, at: Millis, key: &str, unit_id: i64, region_code: &str, zh: &str, en: &str) -> Result<Option<jinghai_domain::duty::Notification>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let row = sqlx::query("INSERT INTO notifications (unit_id, region_code, deadline_id, zh, en, created_at, dedup_key) VALUES ($1, $2, NULL, $3, $4, $5, $6) ON CONFLICT (dedup_key) DO NOTHING RETURNING id")
                    .bind(unit_id).bind(region_code).bind(zh).bind(en).bind(at).bind(key)
                    .fetch_optional(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let id: i64 = row.try_get("id")?;
                let n = jinghai_domain::duty::Notification { id, unit_id, region_code: region_code.into(), deadline_id: None, zh: zh.into(), en: en.into(), created_at: at, read_at: None };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "notification", id, region_code).after(snapshot(&n))).await?;
                tx.commit().await?;
                Ok(Some(n))
            }

            async fn list_notifications(&self, scope: &Scope, limit: i64) -> Result<Vec<jinghai_domain::duty::Notification>> {
                let rows = sqlx::query(concat!(notification_select!(), " WHERE unit_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"))
                    .bind(scope.unit_id.unwrap_or(-1)).bind(limit.clamp(1, 1000)).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::notification).collect()
            }

            async fn count_unread_notifications(&self, scope: &Scope) -> Result<i64> {
                let row = sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE unit_id = $1 AND read_at IS NULL").bind(scope.unit_id.unwrap_or(-1)).fetch_one(&self.pool).await?;
                Ok(row.try_get::<i64, _>("n")?)
            }

            async fn mark_notification_read(&self, actor: &Actor, at: Millis, scope: &Scope, id: i64) -> Result<jinghai_domain::duty::Notification> {
                let mut tx = self.pool.begin_with($begin).await?;
                let sel = concat!(notification_select!(), " WHERE id = $1 AND unit_id = $2");
                let before = intl_rows::notification(&sqlx::query(sel).bind(id).bind(scope.unit_id.unwrap_or(-1)).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?)?;
                sqlx::query("UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2").bind(at).bind(id).execute(&mut *tx).await?;
                let after = intl_rows::notification(&sqlx::query(sel).bind(id).bind(scope.unit_id.unwrap_or(-1)).fetch_one(&mut *tx).await?)?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "notification", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            // --- key persons and countries ---

            async fn list_key_countries(&self) -> Result<Vec<jinghai_domain::epidemic::KeyCountry>> {
                let rows = sqlx::query("SELECT id, name, risk, note, updated_at FROM key_countries ORDER BY CASE risk WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, name").fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::country).collect()
            }

            async fn upsert_key_country(&self, actor: &Actor, at: Millis, region_code: &str, name: &str, risk: jinghai_domain::epidemic::CountryRisk, note: &str) -> Result<jinghai_domain::epidemic::KeyCountry> {
                let mut tx = self.pool.begin_with($begin).await?;
                let sel = "SELECT id, name, risk, note, updated_at FROM key_countries WHERE name = $1";
                let before = sqlx::query(sel).bind(name).fetch_optional(&mut *tx).await?.as_ref().map(intl_rows::country).transpose()?;
                sqlx::query("INSERT INTO key_countries (name, risk, note, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET risk = excluded.risk, note = excluded.note, updated_at = excluded.updated_at")
                    .bind(name).bind(risk.as_str()).bind(note).bind(at).execute(&mut *tx).await?;
                let after = intl_rows::country(&sqlx::query(sel).bind(name).fetch_one(&mut *tx).await?)?;
                let action = if before.is_some() { AuditAction::Update } else { AuditAction::Create };
                write_audit(&mut tx, &NewAudit::of(actor, at, action, "key_country", after.id, region_code).before(before.as_ref().and_then(snapshot)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn create_key_person(&self, actor: &Actor, at: Millis, p: &$crate::intl::NewKeyPerson) -> Result<jinghai_domain::epidemic::KeyPerson> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, p.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO key_persons (region_id, region_code, name, id_no, from_country, contact_name, contact_phone, contact_unit_id, planned_arrival_at, port_of_entry, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'planned', $11) RETURNING id")
                    .bind(p.region_id).bind(region.code.as_str()).bind(&p.name).bind(&p.id_no).bind(&p.from_country).bind(&p.contact_name).bind(&p.contact_phone).bind(p.contact_unit_id).bind(p.planned_arrival_at).bind(&p.port_of_entry).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the unit does not exist"))?.try_get("id")?;
                let kp = intl_rows::key_person_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "key_person", id, &kp.region_code).after(snapshot(&kp))).await?;
                tx.commit().await?;
                Ok(kp)
            }

            async fn list_key_persons(&self, scope: &Scope) -> Result<Vec<jinghai_domain::epidemic::KeyPerson>> {
                let rows = sqlx::query(concat!(key_person_select!(), " WHERE region_code LIKE $1 OR contact_unit_id = $2 ORDER BY id DESC"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::key_person).collect()
            }

            async fn get_key_person(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::epidemic::KeyPerson> {
                let row = sqlx::query(concat!(key_person_select!(), " WHERE id = $1 AND (region_code LIKE $2 OR contact_unit_id = $3)"))
                    .bind(id).bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).fetch_optional(&self.pool).await?;
                intl_rows::key_person(&row.ok_or(StoreError::NotFound)?)
            }

            async fn add_key_person_report(&self, actor: &Actor, at: Millis, person_id: i64, nr: &$crate::intl::NewKeyReport) -> Result<jinghai_domain::epidemic::KeyPersonReport> {
                let (day, health, location, note) = (nr.day, nr.health.as_str(), nr.location.as_str(), nr.note.as_str());
                let mut tx = self.pool.begin_with($begin).await?;
                let p = intl_rows::key_person_in_tx(&mut tx, person_id).await?;
                let id: i64 = sqlx::query("INSERT INTO key_person_reports (person_id, day, health, location, note, reported_by, reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(person_id).bind(day).bind(health).bind(location).bind(note).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "today's report is already in"))?.try_get("id")?;
                sqlx::query("UPDATE key_persons SET last_report_day = $1 WHERE id = $2 AND (last_report_day IS NULL OR last_report_day < $1)").bind(day).bind(person_id).execute(&mut *tx).await?;
                let r = jinghai_domain::epidemic::KeyPersonReport { id, person_id, day, health: health.into(), location: location.into(), note: note.into(), reported_by: actor.name.clone(), reported_at: at };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "key_person_report", id, &p.region_code).after(snapshot(&r))).await?;
                tx.commit().await?;
                Ok(r)
            }

            async fn list_key_person_reports(&self, person_id: i64) -> Result<Vec<jinghai_domain::epidemic::KeyPersonReport>> {
                let rows = sqlx::query("SELECT id, person_id, day, health, location, note, reported_by, reported_at FROM key_person_reports WHERE person_id = $1 ORDER BY day DESC").bind(person_id).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::key_report).collect()
            }

            async fn set_key_person_status(&self, actor: &Actor, at: Millis, id: i64, status: jinghai_domain::epidemic::KeyPersonStatus) -> Result<jinghai_domain::epidemic::KeyPerson> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = intl_rows::key_person_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE key_persons SET status = $1 WHERE id = $2").bind(status.as_str()).bind(id).execute(&mut *tx).await?;
                let after = intl_rows::key_person_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "key_person", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            // --- cold chain ---

            async fn create_cold_store(&self, actor: &Actor, at: Millis, region_id: i64, name: &str, address: &str) -> Result<jinghai_domain::epidemic::ColdStore> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO cold_stores (region_id, region_code, name, address, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                    .bind(region_id).bind(region.code.as_str()).bind(name).bind(address).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, &format!("a cold store named {name} already exists in {}", region.name)))?.try_get("id")?;
                let s = jinghai_domain::epidemic::ColdStore { id, region_id, region_code: region.code.as_str().to_string(), name: name.into(), address: address.into() };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "cold_store", id, &s.region_code).after(snapshot(&s))).await?;
                tx.commit().await?;
                Ok(s)
            }

            async fn list_cold_stores(&self, scope: &Scope) -> Result<Vec<jinghai_domain::epidemic::ColdStore>> {
                let rows = sqlx::query("SELECT id, region_id, region_code, name, address FROM cold_stores WHERE region_code LIKE $1 ORDER BY region_code, name").bind(scope.region_like()).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::cold_store).collect()
            }

            async fn get_cold_store(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::epidemic::ColdStore> {
                let row = sqlx::query("SELECT id, region_id, region_code, name, address FROM cold_stores WHERE id = $1 AND region_code LIKE $2").bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                intl_rows::cold_store(&row.ok_or(StoreError::NotFound)?)
            }

            async fn create_cold_batch(&self, actor: &Actor, at: Millis, b: &$crate::intl::NewColdBatch) -> Result<jinghai_domain::epidemic::ColdBatch> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, b.region_id).await?;
                let id: i64 = sqlx::query("INSERT INTO cold_batches (region_id, region_code, trace_code, product, origin_country, declaration_no, quantity_g, test_result, tested_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
                    .bind(b.region_id).bind(region.code.as_str()).bind(&b.trace_code).bind(&b.product).bind(&b.origin_country).bind(&b.declaration_no).bind(b.quantity_g).bind(b.test_result.as_str()).bind(b.tested_at).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, &format!("trace code {} is already registered", b.trace_code)))?.try_get("id")?;
                let row = sqlx::query(concat!(cold_batch_select!(), " WHERE id = $1")).bind(id).fetch_one(&mut *tx).await?;
                let batch = intl_rows::batch(&row)?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "cold_batch", id, &batch.region_code).after(snapshot(&batch))).await?;
                tx.commit().await?;
                Ok(batch)
            }

            async fn list_cold_batches(&self, scope: &Scope) -> Result<Vec<jinghai_domain::epidemic::ColdBatch>> {
                let rows = sqlx::query(concat!(cold_batch_select!(), " WHERE region_code LIKE $1 ORDER BY id DESC")).bind(scope.region_like()).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::batch).collect()
            }

            async fn get_cold_batch(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::epidemic::ColdBatch> {
                let row = sqlx::query(concat!(cold_batch_select!(), " WHERE id = $1 AND region_code LIKE $2")).bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                intl_rows::batch(&row.ok_or(StoreError::NotFound)?)
            }

            async fn find_cold_batch_unscoped(&self, trace_code: &str) -> Result<Option<jinghai_domain::epidemic::ColdBatch>> {
                let row = sqlx::query(concat!(cold_batch_select!(), " WHERE trace_code = $1")).bind(trace_code).fetch_optional(&self.pool).await?;
                row.as_ref().map(intl_rows::batch).transpose()
            }

            async fn add_cold_movement(&self, actor: &Actor, at: Millis, nm: &$crate::intl::NewMovement) -> Result<jinghai_domain::epidemic::ColdMovement> {
                let (batch_id, store_id, direction, quantity_g, moved_at) = (nm.batch_id, nm.store_id, nm.direction, nm.quantity_g, nm.at);
                let mut tx = self.pool.begin_with($begin).await?;
                let store = intl_rows::cold_store(&sqlx::query("SELECT id, region_id, region_code, name, address FROM cold_stores WHERE id = $1").bind(store_id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?)?;
                let id: i64 = sqlx::query("INSERT INTO cold_movements (batch_id, store_id, direction, quantity_g, at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(batch_id).bind(store_id).bind(direction.as_str()).bind(quantity_g).bind(moved_at).bind(&actor.name)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, "the batch or store does not exist"))?.try_get("id")?;
                let m = jinghai_domain::epidemic::ColdMovement { id, batch_id, store_id, direction, quantity_g, at: moved_at };
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "cold_movement", id, &store.region_code).after(snapshot(&m))).await?;
                tx.commit().await?;
                Ok(m)
            }

            async fn list_store_movements(&self, store_id: i64) -> Result<Vec<jinghai_domain::epidemic::ColdMovement>> {
                let rows = sqlx::query("SELECT id, batch_id, store_id, direction, quantity_g, at FROM cold_movements WHERE store_id = $1 ORDER BY at, id").bind(store_id).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::movement).collect()
            }

            async fn list_batch_movements(&self, batch_id: i64) -> Result<Vec<jinghai_domain::epidemic::ColdMovement>> {
                let rows = sqlx::query("SELECT id, batch_id, store_id, direction, quantity_g, at FROM cold_movements WHERE batch_id = $1 ORDER BY at, id").bind(batch_id).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::movement).collect()
            }

            async fn add_stock_check(&self, actor: &Actor, at: Millis, c: &$crate::intl::NewStockCheck) -> Result<jinghai_domain::epidemic::StockCheck> {
                let mut tx = self.pool.begin_with($begin).await?;
                let store = intl_rows::cold_store(&sqlx::query("SELECT id, region_id, region_code, name, address FROM cold_stores WHERE id = $1").bind(c.store_id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?)?;
                let id: i64 = sqlx::query("INSERT INTO cold_stock_checks (store_id, region_code, at, product, trace_code, quantity_g, checked_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(c.store_id).bind(&store.region_code).bind(c.at).bind(&c.product).bind(&c.trace_code).bind(c.quantity_g).bind(&actor.name)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                let check = intl_rows::stock_check_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Create, "stock_check", id, &store.region_code).after(snapshot(&check))).await?;
                tx.commit().await?;
                Ok(check)
            }

            async fn list_stock_checks(&self, scope: &Scope) -> Result<Vec<jinghai_domain::epidemic::StockCheck>> {
                let rows = sqlx::query(concat!(stock_check_select!(), " WHERE region_code LIKE $1 ORDER BY at DESC, id DESC")).bind(scope.region_like()).fetch_all(&self.pool).await?;
                rows.iter().map(intl_rows::stock_check).collect()
            }

            async fn get_stock_check(&self, scope: &Scope, id: i64) -> Result<jinghai_domain::epidemic::StockCheck> {
                let row = sqlx::query(concat!(stock_check_select!(), " WHERE id = $1 AND region_code LIKE $2")).bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                intl_rows::stock_check(&row.ok_or(StoreError::NotFound)?)
            }

            async fn set_stock_check_clue(&self, actor: &Actor, at: Millis, id: i64, clue_ref: &str) -> Result<jinghai_domain::epidemic::StockCheck> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = intl_rows::stock_check_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE cold_stock_checks SET clue_ref = $1 WHERE id = $2").bind(clue_ref).bind(id).execute(&mut *tx).await?;
                let after = intl_rows::stock_check_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &NewAudit::of(actor, at, AuditAction::Update, "stock_check", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }
        }

        impl $store {
            async fn insert_person(tx: &mut Tx<'_>, actor: &Actor, at: Millis, case: &$crate::intl::IndCase, p: &$crate::intl::NewPerson) -> Result<$crate::intl::CasePerson> {
                let id: i64 = sqlx::query("INSERT INTO ind_persons (case_id, name, gender, nationality, id_no, health, health_note, current_location) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                    .bind(case.id).bind(&p.name).bind(&p.gender).bind(&p.nationality).bind(&p.id_no).bind(p.health.as_str()).bind(&p.health_note).bind(&p.current_location)
                    .fetch_one(&mut **tx).await?.try_get("id")?;
                let person = intl_rows::person_in_tx(tx, id).await?;
                write_audit(tx, &NewAudit::of(actor, at, AuditAction::Create, "case_person", id, &case.region_code).after(snapshot(&person))).await?;
                Ok(person)
            }
        }
    };
}
