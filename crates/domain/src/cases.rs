//! Clues, cases, hand-overs between agencies, public tips and rewards
//! (线索、案件、移交、举报、奖励): the records and the rules that need no IO.
//!
//! Visibility ([`clearance`], [`Holding::visible_to`]) is stricter than the
//! general region rule of [`crate::scope`], because clues are intelligence:
//! - the unit that registered a record, the unit that holds it now, and a
//!   unit it was handed to (while the hand-over is pending or accepted) see
//!   it, wherever they are;
//! - by region: the task-force office and leaders see every level, an
//!   administrator up to 内部 (restricted), town workers only 一般
//!   (ordinary), and working-group members nothing by region alone — an
//!   agency sees what it holds or was handed (SPEC, "Who uses it").

use serde::{Deserialize, Serialize};

use crate::entity::clue_enum;
use crate::report::Day;
use crate::{Role, Scope};

clue_enum! {
    /// How sensitive a clue or case is (定密).
    Classification {
        /// 一般: any user whose region covers it.
        Ordinary = "ordinary", "一般", "Ordinary";
        /// 内部: not town workers.
        Restricted = "restricted", "内部", "Restricted";
        /// 秘密: only the office, leaders and the units that hold it.
        Secret = "secret", "秘密", "Secret";
    }
}

impl Classification {
    pub fn rank(self) -> i32 {
        match self {
            Classification::Ordinary => 0,
            Classification::Restricted => 1,
            Classification::Secret => 2,
        }
    }
}

/// The highest classification rank a role sees by region alone (without
/// holding the record); -1 for none.
pub fn clearance(role: Role) -> i32 {
    match role {
        Role::TaskForceOffice | Role::Leader => 2,
        Role::Admin => 1,
        Role::TownWorker => 0,
        Role::GroupMember => -1,
    }
}

/// Who holds a record and who was handed it: what visibility needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding<'a> {
    pub region_code: &'a str,
    pub classification: Classification,
    pub owner_unit_id: Option<i64>,
    pub holder_unit_id: Option<i64>,
    /// Units with a pending or accepted hand-over of this record.
    pub granted_units: &'a [i64],
}

impl Holding<'_> {
    /// The rule of this module's docs. The store's SQL implements the same
    /// rule; `tests/cases.rs` in the store checks they agree.
    pub fn visible_to(&self, scope: &Scope) -> bool {
        let unit = scope.unit_id;
        let held = unit.is_some()
            && (self.owner_unit_id == unit
                || self.holder_unit_id == unit
                || self.granted_units.iter().any(|g| Some(*g) == unit));
        held || (scope.covers_region(self.region_code)
            && self.classification.rank() <= clearance(scope.role))
    }
}

clue_enum! {
    /// Where a clue came from.
    ClueSource {
        Alert = "alert", "预警转入", "From an alert";
        Patrol = "patrol", "巡查检查", "Patrol or inspection";
        Tip = "tip", "群众举报", "Public tip";
        Agency = "agency", "其他部门", "Another agency";
        Officer = "officer", "自行发现", "Officer's own";
    }
}

clue_enum! {
    /// Where a clue stands.
    ClueStatus {
        /// Registered, not yet looked into.
        New = "new", "新线索", "New";
        /// Being verified (核查中).
        Verifying = "verifying", "核查中", "Verifying";
        /// Verified as true (查证属实).
        Verified = "verified", "查证属实", "Verified";
        /// Became a filed case (已立案).
        Filed = "filed", "已立案", "Case filed";
        /// Closed without a case, with a reason.
        Closed = "closed", "已核销", "Closed";
    }
}

impl ClueStatus {
    /// The verification moves an officer may make from here.
    pub fn can_move_to(self, to: ClueStatus) -> bool {
        use ClueStatus::*;
        matches!(
            (self, to),
            (New, Verifying)
                | (New, Closed)
                | (Verifying, Verified)
                | (Verifying, Closed)
                | (Verified, Closed)
        )
    }
}

/// One clue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clue {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub summary: String,
    pub detail: String,
    /// When what the clue is about happened (epoch ms).
    pub occurred_at: i64,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub source: ClueSource,
    /// The alert or tip it came from.
    pub source_ref: Option<i64>,
    pub classification: Classification,
    pub status: ClueStatus,
    pub status_note: String,
    /// The unit that registered it.
    pub owner_unit_id: Option<i64>,
    /// The unit that holds it now (changes when a hand-over is accepted).
    pub holder_unit_id: Option<i64>,
    pub case_id: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
}

/// An entity recorded on a clue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClueEntity {
    pub id: i64,
    pub clue_id: i64,
    pub kind: crate::entity::EntityKind,
    pub raw: String,
    pub normal: String,
    pub warning: Option<String>,
}

clue_enum! {
    /// An automatic link's state.
    LinkStatus {
        /// Found by the linking rule, awaiting an officer.
        Suggested = "suggested", "待确认", "Suggested";
        Confirmed = "confirmed", "已确认", "Confirmed";
        Rejected = "rejected", "已否定", "Rejected";
    }
}

/// A link between two clues (a < b), with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClueLink {
    pub id: i64,
    pub clue_a: i64,
    pub clue_b: i64,
    pub reasons: Vec<crate::entity::LinkReason>,
    pub status: LinkStatus,
    pub decided_by: Option<String>,
    pub created_at: i64,
}

impl ClueLink {
    pub fn other(&self, clue: i64) -> i64 {
        if self.clue_a == clue {
            self.clue_b
        } else {
            self.clue_a
        }
    }
    pub fn exact(&self) -> bool {
        self.reasons.iter().any(|r| r.exact)
    }
}

clue_enum! {
    /// Where a case stands on its path.
    CaseStatus {
        /// 立案侦查.
        Filed = "filed", "立案侦查", "Filed";
        /// 采取强制措施.
        Coercive = "coercive", "已采取强制措施", "Coercive measures";
        /// 起送审查起诉.
        Referred = "referred", "已移送审查起诉", "Referred for prosecution";
        /// 结案.
        Closed = "closed", "已结案", "Closed";
    }
}

clue_enum! {
    /// A step on a case's path.
    StepKind {
        Filed = "filed", "立案侦查", "Case filed";
        Coercive = "coercive", "采取强制措施", "Coercive measures";
        Prosecution = "prosecution", "起送审查起诉", "Referred for prosecution";
        Closed = "closed", "结案", "Closed";
        Note = "note", "办案记录", "Note";
    }
}

impl StepKind {
    /// The status a case moves to with this step, and whether it needs a
    /// number of persons.
    pub fn status_after(self, now: CaseStatus) -> Option<CaseStatus> {
        use CaseStatus as S;
        match (self, now) {
            (StepKind::Note, s) if s != S::Closed => Some(s),
            (StepKind::Coercive, S::Filed | S::Coercive) => Some(S::Coercive),
            (StepKind::Prosecution, S::Filed | S::Coercive | S::Referred) => Some(S::Referred),
            (StepKind::Closed, s) if s != S::Closed => Some(S::Closed),
            _ => None,
        }
    }
    pub fn counts_persons(self) -> bool {
        matches!(self, StepKind::Coercive | StepKind::Prosecution)
    }
}

/// One case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    /// 案件编号, e.g. `北仑立〔2021〕7号`.
    pub case_no: String,
    pub title: String,
    pub summary: String,
    pub classification: Classification,
    pub status: CaseStatus,
    pub filed_on: Day,
    pub owner_unit_id: Option<i64>,
    pub holder_unit_id: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
}

/// One step on a case's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStep {
    pub id: i64,
    pub case_id: i64,
    pub kind: StepKind,
    pub day: Day,
    pub unit_id: Option<i64>,
    /// Persons the step concerns (coercive measures, referral).
    pub persons: i64,
    /// The document (文书) number or title.
    pub document: String,
    pub note: String,
    pub created_by: String,
    pub created_at: i64,
}

clue_enum! {
    /// What was seized (SPEC §7, the daily report's anti-smuggling section).
    SeizureCategory {
        Vehicle = "vehicle", "车辆", "Vehicle";
        Vessel = "vessel", "船舶", "Vessel";
        Person = "person", "涉案人员", "Person";
        FrozenGoods = "frozen_goods", "冻品", "Frozen goods";
        RefinedOil = "refined_oil", "成品油", "Refined oil";
        Wildlife = "wildlife", "野生动物及制品", "Wildlife";
        EndangeredSpecies = "endangered_species", "濒危物种", "Endangered species";
        FakeEpidemicSupplies = "fake_epidemic_supplies", "假冒防疫物资", "Fake epidemic supplies";
        ForeignWaste = "foreign_waste", "洋垃圾", "Foreign waste";
        GrainSugar = "grain_sugar", "粮食/食糖", "Grain or sugar";
        Guns = "guns", "枪支", "Guns";
        Drugs = "drugs", "毒品", "Drugs";
        OtherGoods = "other_goods", "其他物品", "Other goods";
    }
}

impl SeizureCategory {
    /// Goods are weighed (tonnes) or counted (pieces); vehicles, vessels and
    /// persons are counted.
    pub fn is_goods(self) -> bool {
        !matches!(
            self,
            SeizureCategory::Vehicle | SeizureCategory::Vessel | SeizureCategory::Person
        )
    }
}

clue_enum! {
    /// How a seizure's quantity is measured.
    QuantityUnit {
        /// Tonnes, kept in thousandths (kilograms).
        Tonnes = "tonnes", "吨", "tonnes";
        Pieces = "pieces", "件", "pieces";
        /// Vehicles, vessels, persons.
        Count = "count", "个/辆/艘/人", "count";
    }
}

clue_enum! {
    /// A disposal step for seized goods (e.g. destruction of frozen goods).
    DisposalStep {
        Applied = "applied", "申请处置", "Disposal applied for";
        Approved = "approved", "批准处置", "Disposal approved";
        Transferred = "transferred", "移交处置单位", "Handed to the disposal unit";
        Destroyed = "destroyed", "销毁完毕", "Destroyed";
        Auctioned = "auctioned", "依法拍卖", "Auctioned";
        Returned = "returned", "依法发还", "Returned";
    }
}

impl DisposalStep {
    /// The order of disposal steps: each needs the one before it; the three
    /// endings need an approval.
    pub fn allowed_after(self, last: Option<DisposalStep>) -> bool {
        use DisposalStep::*;
        match self {
            Applied => last.is_none(),
            Approved => last == Some(Applied),
            Transferred => last == Some(Approved),
            Destroyed | Auctioned | Returned => matches!(last, Some(Approved | Transferred)),
        }
    }
    pub fn ends(self) -> bool {
        matches!(
            self,
            DisposalStep::Destroyed | DisposalStep::Auctioned | DisposalStep::Returned
        )
    }
}

/// One seizure recorded against a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seizure {
    pub id: i64,
    pub case_id: i64,
    pub category: SeizureCategory,
    /// Thousandths of the unit (1.5 t = 1500; 3 vessels = 3000).
    pub quantity: i64,
    pub unit: QuantityUnit,
    pub description: String,
    pub seized_on: Day,
    /// The last disposal step taken.
    pub disposal: Option<DisposalStep>,
    pub created_at: i64,
}

/// One disposal step of a seizure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disposal {
    pub id: i64,
    pub seizure_id: i64,
    pub step: DisposalStep,
    pub day: Day,
    pub unit_id: Option<i64>,
    pub document: String,
    pub note: String,
    pub created_by: String,
    pub created_at: i64,
}

clue_enum! {
    /// What a hand-over moves.
    RecordKind {
        Clue = "clue", "线索", "Clue";
        Case = "case", "案件", "Case";
        Tip = "tip", "举报", "Tip";
    }
}

clue_enum! {
    /// Where a hand-over stands.
    HandoverStatus {
        Pending = "pending", "待签收", "Awaiting receipt";
        Accepted = "accepted", "已签收", "Accepted";
        Returned = "returned", "已退回", "Returned";
    }
}

/// A hand-over (移交) of a clue or case from one unit to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub id: i64,
    pub record_kind: RecordKind,
    pub record_id: i64,
    /// The record's region, so the audit log and the office are scoped.
    pub region_code: String,
    pub from_unit_id: Option<i64>,
    pub to_unit_id: i64,
    pub reason: String,
    /// The receipt deadline (epoch ms).
    pub deadline_at: i64,
    pub status: HandoverStatus,
    pub response: String,
    pub created_by: String,
    pub created_at: i64,
    pub responded_at: Option<i64>,
    /// When it was escalated to the office for being overdue.
    pub escalated_at: Option<i64>,
}

impl Handover {
    /// Still awaiting receipt after its deadline.
    pub fn overdue(&self, now: i64) -> bool {
        self.status == HandoverStatus::Pending && now > self.deadline_at
    }
}

/// An evidence file on a clue, case or tip (the bytes are fetched separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFile {
    pub id: i64,
    pub record_kind: RecordKind,
    pub record_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

clue_enum! {
    /// How a tip arrived.
    TipChannel {
        /// The public web page.
        Web = "web", "网上举报", "Web form";
        /// The 24-hour hotline, entered by an operator.
        Hotline = "hotline", "24小时热线", "Hotline";
        /// A letter or a visit.
        Visit = "visit", "来信来访", "Letter or visit";
    }
}

clue_enum! {
    /// What a tip is about.
    TipTopic {
        Smuggling = "smuggling", "走私", "Smuggling";
        IllegalEntry = "illegal_entry", "偷渡/非法入境", "Illegal entry";
        StatelessVessel = "stateless_vessel", "“三无”船舶", "Stateless vessel";
        Other = "other", "其他违法行为", "Other";
    }
}

clue_enum! {
    /// Where a tip stands (internally).
    TipStatus {
        Received = "received", "待分拣", "Received";
        /// Triaged into a clue.
        Clue = "clue", "已转线索", "Became a clue";
        /// A duplicate of another tip, merged into it.
        Merged = "merged", "已合并", "Merged";
        Closed = "closed", "已办结", "Closed";
    }
}

clue_enum! {
    /// What the tipster is told (never the internal details).
    PublicTipState {
        Received = "received", "已受理，等待核查", "Received, awaiting checks";
        Checking = "checking", "正在核查", "Being checked";
        Verified = "verified", "经核查属实", "Verified as true";
        Merged = "merged", "已与相同举报合并处理", "Handled together with the same report";
        Closed = "closed", "已办结", "Closed";
    }
}

/// The tipster's view of a tip's state, from the internal state and, when
/// it became a clue, the clue's.
pub fn public_state(tip: TipStatus, clue: Option<ClueStatus>) -> PublicTipState {
    match (tip, clue) {
        (TipStatus::Received, _) => PublicTipState::Received,
        (TipStatus::Clue, Some(ClueStatus::Verified | ClueStatus::Filed)) => {
            PublicTipState::Verified
        }
        (TipStatus::Clue, Some(ClueStatus::Closed)) => PublicTipState::Closed,
        (TipStatus::Clue, _) => PublicTipState::Checking,
        (TipStatus::Merged, _) => PublicTipState::Merged,
        (TipStatus::Closed, _) => PublicTipState::Closed,
    }
}

/// A public tip. The tipster's contact is kept apart ([`TipContact`]) and
/// shown only to reward officers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tip {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub channel: TipChannel,
    pub topic: TipTopic,
    pub what: String,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// When it happened, as the tipster said it (free text: "昨晚十点左右").
    pub when_text: String,
    pub status: TipStatus,
    pub status_note: String,
    pub clue_id: Option<i64>,
    pub merged_into: Option<i64>,
    pub anonymous: bool,
    pub received_at: i64,
}

/// Who sent a tip, when they chose to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TipContact {
    pub name: String,
    pub phone: String,
}

clue_enum! {
    /// A reward's state.
    RewardStatus {
        Proposed = "proposed", "已提出，待审批", "Proposed";
        Approved = "approved", "已批准，待发放", "Approved";
        Rejected = "rejected", "未批准", "Not approved";
        Paid = "paid", "已发放", "Paid";
    }
}

clue_enum! {
    /// How a reward was paid.
    PayMethod {
        Cash = "cash", "现金", "Cash";
        BankTransfer = "bank_transfer", "银行转账", "Bank transfer";
        MobilePayment = "mobile_payment", "移动支付", "Mobile payment";
    }
}

/// A reward (举报奖励) on a verified tip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reward {
    pub id: i64,
    pub tip_id: i64,
    /// Amount in fen (0.01 yuan).
    pub amount_fen: i64,
    /// 奖励依据: the rule and the result it rewards.
    pub basis: String,
    pub status: RewardStatus,
    pub proposed_by: String,
    pub proposed_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub paid_on: Option<Day>,
    pub pay_method: Option<PayMethod>,
    pub note: String,
}

/// The largest reward one tip can be proposed (100,000 yuan): a typo guard,
/// above it the amount is refused with a message.
pub const MAX_REWARD_FEN: i64 = 100_000 * 100;

/// Parses a yuan amount (`500`, `1,200.50`, `１２００`) into fen.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let s: String = crate::entity::half_width(s)
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '元' | '¥' | '￥'))
        .collect();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let int: i64 = int.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    int.checked_mul(100)?.checked_add(frac)
}

/// Formats fen as yuan with two decimals.
pub fn format_yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// One spot check (抽查) of how tips were handled, seed 000 §五(三).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpotCheck {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub from_day: Day,
    pub to_day: Day,
    /// The random seed of the draw, so the sample can be reproduced.
    pub seed: i64,
    pub drawn_by: String,
    pub drawn_at: i64,
}

/// One sampled tip and the checker's findings (None until checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpotCheckItem {
    pub id: i64,
    pub check_id: i64,
    pub tip_id: i64,
    pub answered: Option<bool>,
    pub handled: Option<bool>,
    pub rewarded: Option<bool>,
    pub note: String,
    pub checked_by: Option<String>,
    pub checked_at: Option<i64>,
}

/// Draws `n` distinct items from `population` with a seeded generator
/// (SplitMix64; reproducible from the seed, which the check records).
pub fn draw_sample(population: &[i64], n: usize, seed: u64) -> Vec<i64> {
    let mut pool = population.to_vec();
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    };
    let n = n.min(pool.len());
    // Partial Fisher–Yates: the first n places are the sample.
    for i in 0..n {
        let j = i + (next() % (pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(n);
    pool.sort_unstable();
    pool
}

/// The daily report's concentrated-strike and anti-smuggling figures of one
/// district and day, counted from the records (SPEC §5 prefill).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyFigures {
    /// 搜集线索(条): clues registered that day.
    pub clues: i64,
    /// 线索串并(条): clues registered that day that are linked to another
    /// (a link not rejected).
    pub clues_linked: i64,
    /// 立案侦查数(起): cases filed that day.
    pub cases_filed: i64,
    /// 采取强制措施数(人): persons in coercive-measure steps dated that day.
    pub coercive_persons: i64,
    /// 起送审查起诉数(人): persons in referral steps dated that day.
    pub prosecution_persons: i64,
    /// 查获涉案车辆/船舶/人员: counts seized that day (thousandths).
    pub vehicles: i64,
    pub vessels: i64,
    pub persons: i64,
    /// 查获涉案物品(吨): goods weighed in tonnes seized that day (thousandths).
    pub goods_tonnes: i64,
}

impl DailyFigures {
    /// (indicator key of the Clean Sea form, value in thousandths).
    pub fn indicators(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("cs_clues", self.clues * 1000),
            ("cs_clues_linked", self.clues_linked * 1000),
            ("cs_cases_filed", self.cases_filed * 1000),
            ("cs_coercive", self.coercive_persons * 1000),
            ("cs_prosecution", self.prosecution_persons * 1000),
            ("as_vehicles", self.vehicles),
            ("as_vessels", self.vessels),
            ("as_persons", self.persons),
            ("as_goods_tonnes", self.goods_tonnes),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(role: Role, prefix: &str, unit: Option<i64>) -> Scope {
        Scope {
            user_id: 1,
            role,
            region_prefix: prefix.into(),
            unit_id: unit,
        }
    }

    #[test]
    fn visibility_table() {
        let granted = [9];
        let h = |c| Holding {
            region_code: "330206008000",
            classification: c,
            owner_unit_id: Some(3),
            holder_unit_id: Some(4),
            granted_units: &granted,
        };
        use Classification::*;
        use Role::*;
        // (scope, classification, visible)
        let table = [
            (scope(TaskForceOffice, "330206", Some(1)), Secret, true),
            (scope(Leader, "330206", Some(1)), Secret, true),
            (scope(Admin, "330206", Some(1)), Restricted, true),
            (scope(Admin, "330206", Some(1)), Secret, false),
            (scope(TownWorker, "330206008", Some(20)), Ordinary, true),
            (scope(TownWorker, "330206008", Some(20)), Restricted, false),
            (scope(TownWorker, "330206009", Some(21)), Ordinary, false),
            (scope(GroupMember, "330206", Some(5)), Ordinary, false),
            (scope(GroupMember, "330206", Some(3)), Secret, true),
            (scope(GroupMember, "330206", Some(4)), Secret, true),
            (scope(GroupMember, "330206", Some(9)), Secret, true),
            (scope(TaskForceOffice, "330211", Some(30)), Ordinary, false),
        ];
        for (s, c, want) in table {
            assert_eq!(h(c).visible_to(&s), want, "{:?} {:?}", s.role, c);
        }
    }

    #[test]
    fn case_path() {
        assert_eq!(
            StepKind::Coercive.status_after(CaseStatus::Filed),
            Some(CaseStatus::Coercive)
        );
        assert_eq!(
            StepKind::Prosecution.status_after(CaseStatus::Coercive),
            Some(CaseStatus::Referred)
        );
        assert_eq!(StepKind::Coercive.status_after(CaseStatus::Referred), None);
        assert_eq!(StepKind::Note.status_after(CaseStatus::Closed), None);
        assert!(ClueStatus::New.can_move_to(ClueStatus::Verifying));
        assert!(!ClueStatus::New.can_move_to(ClueStatus::Verified));
        assert!(!ClueStatus::Filed.can_move_to(ClueStatus::Closed));
        assert!(DisposalStep::Applied.allowed_after(None));
        assert!(!DisposalStep::Destroyed.allowed_after(Some(DisposalStep::Applied)));
        assert!(DisposalStep::Destroyed.allowed_after(Some(DisposalStep::Transferred)));
    }

    #[test]
    fn tipster_sees_states_not_details() {
        assert_eq!(
            public_state(TipStatus::Received, None),
            PublicTipState::Received
        );
        assert_eq!(
            public_state(TipStatus::Clue, Some(ClueStatus::Verifying)),
            PublicTipState::Checking
        );
        assert_eq!(
            public_state(TipStatus::Clue, Some(ClueStatus::Filed)),
            PublicTipState::Verified
        );
        assert_eq!(
            public_state(TipStatus::Merged, None),
            PublicTipState::Merged
        );
    }

    #[test]
    fn yuan() {
        let table = [
            ("500", Some(50_000)),
            ("1,200.5", Some(120_050)),
            ("１２００元", Some(120_000)),
            ("0.01", Some(1)),
            ("1.234", None),
            ("-5", None),
            ("", None),
            ("abc", None),
        ];
        for (s, want) in table {
            assert_eq!(parse_yuan(s), want, "{s}");
        }
        assert_eq!(format_yuan(120_050), "1200.50");
    }

    #[test]
    fn samples_are_reproducible_and_distinct() {
        let pop: Vec<i64> = (1..=50).collect();
        let a = draw_sample(&pop, 10, 7);
        assert_eq!(a, draw_sample(&pop, 10, 7));
        assert_ne!(a, draw_sample(&pop, 10, 8));
        let mut d = a.clone();
        d.dedup();
        assert_eq!(d.len(), 10);
        assert_eq!(draw_sample(&pop, 100, 1).len(), 50);
    }
}
