//! Evaluation scoring (精密智控评价, seed 000 §五(二)) and red/yellow cards
//! (红黄牌, seed 002 §二(四)2).
//!
//! - A **rule table** says how many points a kind of event is worth: added
//!   for violations found proactively with no one lost from control,
//!   deducted for violations found by others, concealed or late reports,
//!   risks not rectified by their deadline, missing daily reports. The
//!   province edits it.
//! - A **ledger** holds every point as one entry: rule, region/unit, day,
//!   and the record that caused it ([`RecordRef`]).
//! - Entries are produced by a small **evaluator**: each module turns its
//!   records into [`Fact`]s with a pure function ([`risk_facts`],
//!   [`report_gap_facts`], [`alert_facts`], [`card_facts`]); [`evaluate`]
//!   matches facts to the active rules. Every entry carries a dedup key
//!   (`<trigger family>:<fact key>`), stored under a unique constraint, so
//!   evaluating a period again never doubles points.
//!
//! ## Plugging in a new source (clues and cases, issue #7)
//! 1. Add a [`Trigger`] variant (its string is stored in the rule table), e.g.
//!    `CaseFoundByOthers = "case_found_by_others"`.
//! 2. Write a pure `fn case_facts(cases: &[Case], …) -> Vec<Fact>` beside its
//!    records, giving each fact a key that is stable across runs
//!    (`case:<id>`) and the [`RecordRef`] of the case (kind `case`).
//! 3. Implement `jinghai_workflow::scoring::FactSource` over the store and
//!    add it to the sources of `Scoring` (see that module), and seed a rule
//!    for the trigger in [`default_rules`]. The server links a `case` record
//!    once it knows the kind (`pages::scoring::record_href`).

use serde::{Deserialize, Serialize};

use crate::alert::{Alert, AlertStatus};
use crate::region::{Region, RegionLevel};
use crate::report::{cst_hour, format_day, Day};
use crate::risk::{RiskItem, RiskStatus};
use crate::time::{Millis, HOUR};
use crate::validate::FieldError;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s,)* } }
            pub fn parse(s: &str) -> Option<$name> { Self::ALL.iter().copied().find(|x| x.as_str() == s) }
            pub fn zh(self) -> &'static str { match self { $($name::$variant => $zh,)* } }
            pub fn en(self) -> &'static str { match self { $($name::$variant => $en,)* } }
        }
    };
}

string_enum! {
    /// What produces entries for a rule.
    Trigger {
        /// Entered by the office by hand (with the record it refers to).
        Manual = "manual", "人工登记", "Entered by hand";
        /// A risk item past its deadline and not closed by then.
        RiskOverdue = "risk_overdue", "风险逾期未整改", "Risk not rectified by its deadline";
        /// A daily-report section not submitted a day after its deadline.
        ReportMissing = "report_missing", "日报未报送", "Daily report section missing";
        /// A daily-report section submitted after the deadline hour.
        ReportLate = "report_late", "日报迟报", "Daily report section late";
        /// An alert escalated to a clue: a violation found proactively.
        AlertFound = "alert_found", "预警主动查处", "Alert turned into a clue";
        /// An alert still new or merely assigned 24 hours after it began.
        AlertUnhandled = "alert_unhandled", "预警超时未处置", "Alert not handled within 24 h";
        /// A yellow card past its fix deadline and not lifted.
        YellowCardOverdue = "yellow_card_overdue", "黄牌逾期未整改", "Yellow card not fixed in time";
        /// An escalation deadline (illegal entry at once, a major matter to
        /// the province within 24 h) missed: reported late or not yet.
        DeadlineMissed = "deadline_missed", "迟报漏报（超过上报时限）", "Escalation deadline missed";
    }
}

impl Trigger {
    /// Facts of one family describe the same event: at most one ledger
    /// entry per family and fact key. (A section missing at evaluation that
    /// is submitted later is not charged again as late.)
    pub fn family(self) -> &'static str {
        match self {
            Trigger::ReportMissing | Trigger::ReportLate => "report",
            other => other.as_str(),
        }
    }
}

/// One rule of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreRule {
    pub id: i64,
    /// Stable short code, e.g. `risk_overdue`.
    pub code: String,
    pub zh: String,
    pub en: String,
    pub trigger: Trigger,
    /// Points per occurrence: positive adds, negative deducts.
    pub points: i32,
    pub active: bool,
}

/// A rule as the province writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDraft {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub trigger: Trigger,
    pub points: i32,
    pub active: bool,
}

/// Checks a rule's fields.
pub fn check_rule(
    code: &str,
    zh: &str,
    points: &str,
) -> Result<(String, String, i32), Vec<FieldError>> {
    let mut errs = Vec::new();
    let code = code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        errs.push(FieldError::new(
            "code",
            "规则代码须为 1–40 位小写字母、数字或下划线",
            "the rule code must be 1–40 lowercase letters, digits or underscores",
        ));
    }
    let zh = zh.trim();
    if zh.is_empty() || zh.chars().count() > 200 {
        errs.push(FieldError::new(
            "zh",
            "请填写规则名称（200 字以内）",
            "give the rule's name (up to 200 characters)",
        ));
    }
    let points = match points.trim().parse::<i32>() {
        Ok(p) if p != 0 && (-100..=100).contains(&p) => Some(p),
        _ => {
            errs.push(FieldError::new(
                "points",
                "分值须为 -100 到 100 之间的非零整数（正数加分，负数扣分）",
                "points must be a non-zero whole number from -100 to 100 (positive adds, negative deducts)",
            ));
            None
        }
    };
    match (errs.is_empty(), points) {
        (true, Some(p)) => Ok((code.to_string(), zh.to_string(), p)),
        _ => Err(errs),
    }
}

/// The rules the seeds name, as the table starts.
pub fn default_rules() -> Vec<RuleDraft> {
    let r = |code: &str, zh: &str, en: &str, trigger, points| RuleDraft {
        code: code.into(),
        zh: zh.into(),
        en: en.into(),
        trigger,
        points,
        active: true,
    };
    vec![
        r(
            "found_illegal_berthing",
            "主动查获船舶违规靠港，未发生人员失管漏管",
            "Vessel berthing illegally found proactively, no one lost from control",
            Trigger::Manual,
            5,
        ),
        r(
            "found_illegal_landing",
            "主动查获人员违规登陆，未发生人员失管漏管",
            "Illegal landing found proactively, no one lost from control",
            Trigger::Manual,
            5,
        ),
        r(
            "found_private_ship_repair",
            "主动查获船修企业私自维修国际航行船舶",
            "Shipyard privately repairing an international vessel found proactively",
            Trigger::Manual,
            5,
        ),
        r(
            "alert_found",
            "主动发现海上违法违规线索（预警转线索）",
            "Violation at sea found proactively (alert turned into a clue)",
            Trigger::AlertFound,
            2,
        ),
        r(
            "found_by_others",
            "辖区内违法违规行为未及时发现、被他人查获",
            "Violation in the area not found, found by others",
            Trigger::Manual,
            -5,
        ),
        r(
            "concealed_report",
            "瞒报重要信息",
            "Important information concealed",
            Trigger::Manual,
            -10,
        ),
        r(
            "report_late",
            "迟报（日报超过报送时限）",
            "Late report (daily report after its deadline)",
            Trigger::ReportLate,
            -1,
        ),
        r(
            "report_missing",
            "日报未报送",
            "Daily report not submitted",
            Trigger::ReportMissing,
            -2,
        ),
        r(
            "risk_overdue",
            "风险漏洞整改不到位（逾期未整改）",
            "Risk not rectified by its deadline",
            Trigger::RiskOverdue,
            -3,
        ),
        r(
            "alert_unhandled",
            "预警 24 小时内未签收处置",
            "Alert not handled within 24 hours",
            Trigger::AlertUnhandled,
            -1,
        ),
        r(
            "deadline_missed",
            "迟报（非法入境、重大事项超过上报时限）",
            "Late report (illegal entry or a major matter past its escalation deadline)",
            Trigger::DeadlineMissed,
            -3,
        ),
        r(
            "yellow_card_overdue",
            "黄牌逾期未整改",
            "Yellow card not fixed by its deadline",
            Trigger::YellowCardOverdue,
            -3,
        ),
    ]
}

/// The record an entry came from. The server turns it into a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRef {
    /// `risk`, `alert`, `daily_sheet` (id = district, with the day),
    /// `card`, `patrol`, `manual` (the entry itself), later `case` …
    pub kind: String,
    pub id: i64,
    pub day: Option<Day>,
}

/// Something that happened, as a module reports it to the evaluator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub trigger: Trigger,
    /// Stable across runs for the same event, e.g. `risk:12`.
    pub key: String,
    pub region_id: i64,
    pub region_code: String,
    pub unit_id: Option<i64>,
    pub day: Day,
    pub record: RecordRef,
    pub note: String,
}

/// A ledger entry about to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub rule_id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub unit_id: Option<i64>,
    pub day: Day,
    pub points: i32,
    pub record: RecordRef,
    /// `None` for manual entries (each is its own event).
    pub dedup_key: Option<String>,
    pub note: String,
}

/// Matches facts to the active rules of their trigger. Pure: the same facts
/// give the same entries with the same dedup keys, which the store refuses
/// to insert twice.
pub fn evaluate(rules: &[ScoreRule], facts: &[Fact]) -> Vec<NewEntry> {
    let mut out = Vec::new();
    for f in facts {
        // One active rule per automatic trigger (the workflow enforces it);
        // the first one wins should the table ever hold two.
        if let Some(rule) = rules
            .iter()
            .find(|r| r.active && r.trigger == f.trigger && f.trigger != Trigger::Manual)
        {
            out.push(NewEntry {
                rule_id: rule.id,
                region_id: f.region_id,
                region_code: f.region_code.clone(),
                unit_id: f.unit_id,
                day: f.day,
                points: rule.points,
                record: f.record.clone(),
                dedup_key: Some(format!("{}:{}", f.trigger.family(), f.key)),
                note: f.note.clone(),
            });
        }
    }
    out
}

/// Escalation deadlines (the duty desk's stored ones) missed as of `now`:
/// done after their time, or still open past it. One fact per deadline,
/// dated the day it fell due, charged to its region and unit; the record is
/// the individual case it belongs to, or the deadline itself on the desk.
pub fn deadline_facts(deadlines: &[crate::duty::Deadline], now: Millis) -> Vec<Fact> {
    use crate::duty::DeadlineState;
    deadlines
        .iter()
        .filter_map(|d| {
            let state = d.state(now);
            let note = match state {
                DeadlineState::Late => format!(
                    "“{}”{}：时限 {}，实际 {}",
                    d.title,
                    d.rule.zh(),
                    crate::time::format_local_minutes(d.due_at),
                    crate::time::format_local_minutes(d.done_at?)
                ),
                DeadlineState::Overdue => format!(
                    "“{}”{}：时限 {} 已过，仍未上报",
                    d.title,
                    d.rule.zh(),
                    crate::time::format_local_minutes(d.due_at)
                ),
                _ => return None,
            };
            let record = if d.subject == "individual_case" {
                RecordRef {
                    kind: "individual_case".into(),
                    id: d.subject_id,
                    day: None,
                }
            } else {
                RecordRef {
                    kind: "deadline".into(),
                    id: d.id,
                    day: None,
                }
            };
            Some(Fact {
                trigger: Trigger::DeadlineMissed,
                key: format!("deadline:{}", d.id),
                region_id: d.region_id,
                region_code: d.region_code.clone(),
                unit_id: d.unit_id,
                day: crate::report::day_of(d.due_at),
                record,
                note,
            })
        })
        .collect()
}

/// Risks past their deadline that were not closed by then: one fact per
/// risk, dated the day after the deadline, charged to its region and
/// responsible unit. A risk closed late still counts (it was not rectified
/// in time).
pub fn risk_facts(risks: &[RiskItem], today: Day) -> Vec<Fact> {
    risks
        .iter()
        .filter_map(|r| {
            let deadline = r.deadline?;
            let late = deadline < today
                && match (r.status, r.closed_on) {
                    (RiskStatus::Closed, Some(closed)) => closed > deadline,
                    (RiskStatus::Closed, None) => false,
                    _ => true,
                };
            late.then(|| Fact {
                trigger: Trigger::RiskOverdue,
                key: format!("risk:{}", r.id),
                region_id: r.region_id,
                region_code: r.region_code.clone(),
                unit_id: r.responsible_unit_id,
                day: deadline + 1,
                record: RecordRef {
                    kind: "risk".into(),
                    id: r.id,
                    day: None,
                },
                note: format!(
                    "“{}”整改时限 {} 已过，未按期整改到位",
                    r.place,
                    format_day(deadline)
                ),
            })
        })
        .collect()
}

/// A daily-report section of one district and day that was not submitted
/// by the deadline hour, as the report module sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportGap {
    pub district_id: i64,
    pub district_code: String,
    pub day: Day,
    pub section: String,
    pub section_zh: String,
    pub unit_id: Option<i64>,
    /// When it was submitted (late), or `None` (missing).
    pub submitted_at: Option<Millis>,
}

/// Missing and late daily-report sections. A day is judged once a whole day
/// has passed after its deadline hour, so a section filed a little late is
/// "late", not "missing"; both share one fact key per section and day.
pub fn report_gap_facts(gaps: &[ReportGap], deadline_hour: u8, now: Millis) -> Vec<Fact> {
    gaps.iter()
        .filter(|g| cst_hour(g.day, deadline_hour) + 24 * HOUR <= now)
        .map(|g| {
            let (trigger, note) = match g.submitted_at {
                None => (
                    Trigger::ReportMissing,
                    format!("{} “{}”未报送", format_day(g.day), g.section_zh),
                ),
                Some(at) => (
                    Trigger::ReportLate,
                    format!(
                        "{} “{}”于 {} 报送，超过报送时限",
                        format_day(g.day),
                        g.section_zh,
                        crate::time::format_local_minutes(at)
                    ),
                ),
            };
            Fact {
                trigger,
                key: format!("{}:{}:{}", g.district_id, g.day, g.section),
                region_id: g.district_id,
                region_code: g.district_code.clone(),
                unit_id: g.unit_id,
                day: g.day,
                record: RecordRef {
                    kind: "daily_sheet".into(),
                    id: g.district_id,
                    day: Some(g.day),
                },
                note,
            }
        })
        .collect()
}

/// Alerts: escalated to a clue (found proactively) earns points for the
/// alert's region; one still new or merely assigned 24 hours after it
/// began costs points (charged to the assigned unit, if any).
pub fn alert_facts(alerts: &[Alert], now: Millis) -> Vec<Fact> {
    let mut out = Vec::new();
    for a in alerts {
        let (kind_zh, _) = crate::alert::kind_names(&a.kind);
        let record = RecordRef {
            kind: "alert".into(),
            id: a.id,
            day: None,
        };
        let day = crate::report::day_of(a.start_at);
        if a.status == AlertStatus::Escalated {
            out.push(Fact {
                trigger: Trigger::AlertFound,
                key: format!("alert:{}", a.id),
                region_id: a.region_id,
                region_code: a.region_code.clone(),
                unit_id: a.assigned_unit_id,
                day,
                record: record.clone(),
                note: format!("预警“{kind_zh}”（MMSI {}）转为线索", a.mmsi),
            });
        }
        if matches!(a.status, AlertStatus::New | AlertStatus::Assigned)
            && a.start_at + 24 * HOUR <= now
        {
            out.push(Fact {
                trigger: Trigger::AlertUnhandled,
                key: format!("alert:{}", a.id),
                region_id: a.region_id,
                region_code: a.region_code.clone(),
                unit_id: a.assigned_unit_id,
                day: crate::report::day_of(a.start_at + 24 * HOUR),
                record,
                note: format!("预警“{kind_zh}”（MMSI {}）超过 24 小时未签收处置", a.mmsi),
            });
        }
    }
    out
}

/// Yellow cards past their fix deadline and not lifted.
pub fn card_facts(cards: &[Card], today: Day) -> Vec<Fact> {
    cards
        .iter()
        .filter(|c| c.color == CardColor::Yellow && c.status == CardStatus::Active)
        .filter_map(|c| {
            let d = c.fix_deadline?;
            (d < today).then(|| Fact {
                trigger: Trigger::YellowCardOverdue,
                key: format!("card:{}", c.id),
                region_id: c.region_id,
                region_code: c.region_code.clone(),
                unit_id: None,
                day: d + 1,
                record: RecordRef {
                    kind: "card".into(),
                    id: c.id,
                    day: None,
                },
                note: format!("“{}”黄牌整改时限 {} 已过", c.place_name, format_day(d)),
            })
        })
        .collect()
}

string_enum! {
    /// Where an entry stands.
    EntryState {
        /// Counted.
        Active = "active", "有效", "Counted";
        /// Appealed, awaiting a decision: still counted.
        Appealed = "appealed", "申诉中", "Under appeal";
        /// Appeal accepted: not counted.
        Revoked = "revoked", "已撤销", "Revoked";
    }
}

/// One ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: i64,
    pub rule_id: i64,
    pub rule_code: String,
    pub rule_zh: String,
    pub rule_en: String,
    pub region_id: i64,
    pub region_code: String,
    pub unit_id: Option<i64>,
    pub day: Day,
    pub points: i32,
    pub record: RecordRef,
    pub dedup_key: Option<String>,
    pub note: String,
    pub state: EntryState,
    pub created_by: String,
    pub created_at: Millis,
}

impl LedgerEntry {
    /// Whether the points count in totals.
    pub fn counts(&self) -> bool {
        self.state != EntryState::Revoked
    }
}

/// An appeal against an entry, and its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub id: i64,
    pub entry_id: i64,
    pub reason: String,
    pub filed_by: String,
    pub filed_at: Millis,
    /// `Some(true)`: accepted (entry revoked); `Some(false)`: rejected.
    pub accepted: Option<bool>,
    pub decision: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<Millis>,
}

/// One row of a ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRow {
    pub rank: usize,
    pub region_id: i64,
    pub region_code: String,
    pub name: String,
    pub points: i64,
    pub added: i64,
    pub deducted: i64,
    pub entries: usize,
}

/// Totals of the regions of `level` (among `regions`) from the counted
/// entries under each, ranked by points, highest first; ties share a rank
/// (1, 2, 2, 4) and are listed by region code. Entries filed above that
/// level (a district's missing report, ranked by town) count for no town.
pub fn rank(regions: &[Region], level: RegionLevel, entries: &[LedgerEntry]) -> Vec<RankRow> {
    let mut rows: Vec<RankRow> = regions
        .iter()
        .filter(|r| r.level == level)
        .map(|r| {
            let mine: Vec<&LedgerEntry> = entries
                .iter()
                .filter(|e| e.counts() && r.contains_code(&e.region_code))
                .collect();
            let added: i64 = mine
                .iter()
                .filter(|e| e.points > 0)
                .map(|e| e.points as i64)
                .sum();
            let deducted: i64 = mine
                .iter()
                .filter(|e| e.points < 0)
                .map(|e| e.points as i64)
                .sum();
            RankRow {
                rank: 0,
                region_id: r.id,
                region_code: r.code.as_str().to_string(),
                name: r.name.clone(),
                points: added + deducted,
                added,
                deducted,
                entries: mine.len(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.points
            .cmp(&a.points)
            .then(a.region_code.cmp(&b.region_code))
    });
    for i in 0..rows.len() {
        rows[i].rank = if i > 0 && rows[i].points == rows[i - 1].points {
            rows[i - 1].rank
        } else {
            i + 1
        };
    }
    rows
}

string_enum! {
    /// Red for a place where a smuggling case happened; yellow for weak measures.
    CardColor {
        Red = "red", "红牌", "Red card";
        Yellow = "yellow", "黄牌", "Yellow card";
    }
}

string_enum! {
    /// The places that get cards (seed 002 §二(四)2: 镇(街道)、村(社)、"一港二企三库").
    PlaceKind {
        Town = "town", "镇（街道）", "Town or street";
        Village = "village", "村（社区）", "Village or community";
        Port = "port", "港口码头", "Port or dock";
        Company = "company", "集卡、吊机企业", "Container-truck or crane company";
        Store = "store", "冷库、油库、仓库", "Cold store, oil depot or warehouse";
    }
}

string_enum! {
    CardStatus {
        Active = "active", "挂牌中", "Active";
        Lifted = "lifted", "已摘牌", "Lifted";
    }
}

/// What a red card costs (seed 002 §二(四)2).
pub const RED_CARD_CONSEQUENCE: &str = "取消当年评先评优和奖励补助资格";
/// What a yellow card requires.
pub const YELLOW_CARD_CONSEQUENCE: &str = "限时整改、挂牌整治";

/// A red or yellow card on a place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub id: i64,
    pub color: CardColor,
    pub place_kind: PlaceKind,
    pub place_name: String,
    pub region_id: i64,
    pub region_code: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub reason: String,
    pub issued_on: Day,
    /// Yellow cards: the day by which the measures must be fixed.
    pub fix_deadline: Option<Day>,
    pub consequence: String,
    /// Red cards: the place loses this year's award eligibility.
    pub award_ineligible: bool,
    pub status: CardStatus,
    pub lifted_on: Option<Day>,
    pub lift_note: String,
    pub issued_by: String,
    pub created_at: Millis,
}

impl Card {
    pub fn overdue(&self, today: Day) -> bool {
        self.status == CardStatus::Active && self.fix_deadline.is_some_and(|d| d < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missed_escalation_deadlines_are_facts_once_each() {
        use crate::duty::{Deadline, DeadlineRule};
        let d = |id: i64, subject: &str, due_at: Millis, done_at: Option<Millis>| Deadline {
            id,
            rule: DeadlineRule::MajorToProvince,
            region_id: 7,
            region_code: "330206008000".into(),
            unit_id: Some(3),
            subject: subject.into(),
            subject_id: 40 + id,
            title: format!("事项{id}"),
            started_at: due_at - 24 * HOUR,
            due_at,
            done_at,
            done_note: String::new(),
            notified_at: None,
        };
        let now = 1_612_917_000_000; // 2021-02-10 08:30 CST
        let all = [
            d(1, "major_matter", now - 2 * HOUR, Some(now - HOUR)), // late
            d(2, "individual_case", now - HOUR, None),              // overdue
            d(3, "major_matter", now - 3 * HOUR, Some(now - 4 * HOUR)), // on time
            d(4, "major_matter", now + HOUR, None),                 // pending
        ];
        let facts = deadline_facts(&all, now);
        assert_eq!(facts.len(), 2, "{facts:?}");
        assert_eq!(facts[0].key, "deadline:1");
        assert_eq!(facts[0].record.kind, "deadline");
        assert!(facts[0].note.contains("实际"), "{}", facts[0].note);
        assert_eq!(
            (facts[1].record.kind.as_str(), facts[1].record.id),
            ("individual_case", 42)
        );
        assert!(facts[1].note.contains("仍未上报"));
        assert_eq!(facts[0].day, crate::report::day_of(now - 2 * HOUR));
        assert_eq!(facts[1].day, crate::report::day_of(now - HOUR));
        assert!(facts
            .iter()
            .all(|f| f.trigger == Trigger::DeadlineMissed && f.unit_id == Some(3)));
    }
    use crate::region::RegionCode;
    use crate::risk::{RiskCategory, Severity};

    fn rules() -> Vec<ScoreRule> {
        default_rules()
            .into_iter()
            .enumerate()
            .map(|(i, d)| ScoreRule {
                id: i as i64 + 1,
                code: d.code,
                zh: d.zh,
                en: d.en,
                trigger: d.trigger,
                points: d.points,
                active: d.active,
            })
            .collect()
    }

    fn risk(
        id: i64,
        deadline: Option<Day>,
        status: RiskStatus,
        closed_on: Option<Day>,
    ) -> RiskItem {
        RiskItem {
            id,
            region_id: 7,
            region_code: "330206008000".into(),
            place: "梅山岙口".into(),
            lat: None,
            lon: None,
            category: RiskCategory::Cove,
            description: String::new(),
            severity: Severity::High,
            found_by: String::new(),
            found_on: 100,
            measure: String::new(),
            responsible_unit_id: Some(3),
            responsible_person: String::new(),
            deadline,
            status,
            evidence: String::new(),
            check_comment: String::new(),
            closed_on,
            created_at: 0,
            last_update_on: None,
        }
    }

    #[test]
    fn risks_overdue_once_each_even_when_closed_late() {
        let risks = [
            risk(1, Some(110), RiskStatus::Rectifying, None),
            risk(2, Some(110), RiskStatus::Closed, Some(109)),
            risk(3, Some(110), RiskStatus::Closed, Some(112)),
            risk(4, None, RiskStatus::Open, None),
            risk(5, Some(120), RiskStatus::Rectifying, None),
        ];
        let facts = risk_facts(&risks, 115);
        let ids: Vec<i64> = facts.iter().map(|f| f.record.id).collect();
        assert_eq!(ids, [1, 3]);
        assert_eq!(facts[0].day, 111);
        assert_eq!(facts[0].unit_id, Some(3));
        let entries = evaluate(&rules(), &facts);
        assert_eq!(entries.len(), 2);
        assert!(entries.iter().all(|e| e.points == -3));
        assert_eq!(entries[0].dedup_key.as_deref(), Some("risk_overdue:risk:1"));
        // The same facts again give the same keys: the store keeps one of each.
        assert_eq!(evaluate(&rules(), &facts), entries);
    }

    #[test]
    fn report_gaps_judged_a_day_after_the_deadline_and_share_a_key() {
        let gap = |submitted_at| ReportGap {
            district_id: 3,
            district_code: "330206000000".into(),
            day: 18000,
            section: "coastal".into(),
            section_zh: "沿海地区管控".into(),
            unit_id: Some(9),
            submitted_at,
        };
        let deadline = cst_hour(18000, 18);
        assert!(report_gap_facts(&[gap(None)], 18, deadline + 23 * HOUR).is_empty());
        let missing = report_gap_facts(&[gap(None)], 18, deadline + 24 * HOUR);
        let late = report_gap_facts(&[gap(Some(deadline + 3 * HOUR))], 18, deadline + 48 * HOUR);
        assert_eq!(missing[0].trigger, Trigger::ReportMissing);
        assert_eq!(late[0].trigger, Trigger::ReportLate);
        let (m, l) = (evaluate(&rules(), &missing), evaluate(&rules(), &late));
        assert_eq!((m[0].points, l[0].points), (-2, -1));
        assert_eq!(m[0].dedup_key, l[0].dedup_key, "one event, one entry");
        assert_eq!(m[0].record.kind, "daily_sheet");
        assert_eq!(m[0].record.day, Some(18000));
    }

    #[test]
    fn alerts_found_and_unhandled() {
        let alert = |id, status| Alert {
            id,
            event_key: format!("k{id}"),
            region_id: 7,
            region_code: "330206008000".into(),
            kind: "landing_stop".into(),
            mmsi: 412000001,
            other_mmsi: None,
            start_at: 0,
            end_at: None,
            lat: 0.0,
            lon: 0.0,
            zone_id: None,
            detail: "{}".into(),
            status,
            assigned_unit_id: Some(4),
            created_at: 0,
        };
        let alerts = [
            alert(1, AlertStatus::Escalated),
            alert(2, AlertStatus::New),
            alert(3, AlertStatus::Dismissed),
            alert(4, AlertStatus::Assigned),
        ];
        assert_eq!(alert_facts(&alerts, 23 * HOUR).len(), 1);
        let facts = alert_facts(&alerts, 24 * HOUR);
        let got: Vec<(Trigger, i64)> = facts.iter().map(|f| (f.trigger, f.record.id)).collect();
        assert_eq!(
            got,
            [
                (Trigger::AlertFound, 1),
                (Trigger::AlertUnhandled, 2),
                (Trigger::AlertUnhandled, 4)
            ]
        );
        let points: Vec<i32> = evaluate(&rules(), &facts)
            .iter()
            .map(|e| e.points)
            .collect();
        assert_eq!(points, [2, -1, -1]);
    }

    #[test]
    fn inactive_rules_and_manual_triggers_produce_nothing() {
        let mut rs = rules();
        for r in &mut rs {
            if r.trigger == Trigger::RiskOverdue {
                r.active = false;
            }
        }
        let facts = risk_facts(&[risk(1, Some(1), RiskStatus::Open, None)], 10);
        assert!(evaluate(&rs, &facts).is_empty());
    }

    #[test]
    fn ranks_with_ties_and_levels() {
        let region = |id, code: &str, level| Region {
            id,
            code: RegionCode::parse(code).unwrap(),
            name: code.into(),
            level,
            parent_id: None,
        };
        let regions = [
            region(1, "330206", RegionLevel::District),
            region(2, "330206008", RegionLevel::Town),
            region(3, "330206009", RegionLevel::Town),
            region(4, "330206007", RegionLevel::Town),
            region(5, "330206008201", RegionLevel::Village),
        ];
        let entry = |id, code: &str, points, state| LedgerEntry {
            id,
            rule_id: 1,
            rule_code: "x".into(),
            rule_zh: "x".into(),
            rule_en: "x".into(),
            region_id: 0,
            region_code: code.into(),
            unit_id: None,
            day: 0,
            points,
            record: RecordRef {
                kind: "manual".into(),
                id,
                day: None,
            },
            dedup_key: None,
            note: String::new(),
            state,
            created_by: String::new(),
            created_at: 0,
        };
        let entries = [
            entry(1, "330206008201", 5, EntryState::Active),
            entry(2, "330206008000", -3, EntryState::Appealed),
            entry(3, "330206009000", 2, EntryState::Active),
            entry(4, "330206009000", -10, EntryState::Revoked),
            entry(5, "330206000000", -2, EntryState::Active),
        ];
        let towns = rank(&regions, RegionLevel::Town, &entries);
        let got: Vec<(&str, i64, usize)> = towns
            .iter()
            .map(|r| (r.name.as_str(), r.points, r.rank))
            .collect();
        assert_eq!(
            got,
            [
                ("330206008", 2, 1),
                ("330206009", 2, 1),
                ("330206007", 0, 3)
            ]
        );
        assert_eq!((towns[0].added, towns[0].deducted), (5, -3));
        let districts = rank(&regions, RegionLevel::District, &entries);
        assert_eq!(
            districts[0].points, 2,
            "5 - 3 + 2 - 2; the revoked -10 does not count"
        );
    }

    #[test]
    fn yellow_cards_overdue() {
        let card = Card {
            id: 1,
            color: CardColor::Yellow,
            place_kind: PlaceKind::Store,
            place_name: "峙南冷库".into(),
            region_id: 1,
            region_code: "330206009000".into(),
            lat: None,
            lon: None,
            reason: String::new(),
            issued_on: 10,
            fix_deadline: Some(20),
            consequence: YELLOW_CARD_CONSEQUENCE.into(),
            award_ineligible: false,
            status: CardStatus::Active,
            lifted_on: None,
            lift_note: String::new(),
            issued_by: String::new(),
            created_at: 0,
        };
        assert!(card_facts(std::slice::from_ref(&card), 20).is_empty());
        assert_eq!(card_facts(std::slice::from_ref(&card), 21)[0].day, 21);
        let lifted = Card {
            status: CardStatus::Lifted,
            ..card
        };
        assert!(card_facts(&[lifted], 30).is_empty());
    }

    #[test]
    fn rule_fields_are_checked() {
        assert!(check_rule("risk_overdue", "风险", "-3").is_ok());
        let e = check_rule("Bad Code", "", "0").unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["code", "zh", "points"]);
    }
}
