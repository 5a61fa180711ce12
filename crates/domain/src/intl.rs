//! Inbound international ships (seed 001 §三(二)4, seed 003 §三(二)): the
//! border inspection's daily inbound list, the five categories of ship whose
//! whole crew is tested before any work, the "三不" rule (crew stay aboard,
//! no shore staff aboard, no direct ship–shore contact), the per-ship plan
//! (一船一案), and the rule that work is blocked until the crew tests are all
//! negative. Also the inbound-list import: rows (from CSV here, from XLSX in
//! the workflow) → ship calls with crew, every bad line named.

use serde::{Deserialize, Serialize};

use crate::time::{Millis, DAY};
use crate::validate::FieldError;

string_enum! {
    /// The five kinds of international ship that need whole-crew nucleic-acid
    /// testing with no abnormal result before any work (seed 003 §三(二)).
    TestingCategory {
        Repair = "repair", "抵港维修外轮", "Foreign ship in for repair";
        OceanFishing = "ocean_fishing", "远洋渔船", "Ocean fishing vessel";
        CrewChangeCargo = "crew_change", "换班货船", "Cargo ship changing crew";
        ForeignToDomestic = "foreign_to_domestic", "外贸转内贸船舶", "Foreign-to-domestic trade ship";
        RecentCrewChangeAbroad = "recent_crew_change_abroad", "境外换班不足14天", "Crew changed abroad under 14 days ago";
    }
}

string_enum! {
    /// A crew member's nucleic-acid test result.
    TestResult {
        Pending = "pending", "待检测", "Pending";
        Negative = "negative", "阴性", "Negative";
        Positive = "positive", "阳性", "Positive";
    }
}

string_enum! {
    /// Whether port work on the ship may go ahead.
    WorkStatus {
        Blocked = "blocked", "禁止作业", "Work blocked";
        Allowed = "allowed", "准予作业", "Work allowed";
    }
}

string_enum! {
    /// A breach of the "三不" rule or of the per-ship plan.
    ViolationKind {
        CrewAshore = "crew_ashore", "船员离船", "Crew went ashore";
        ShoreBoarded = "shore_boarded", "岸上人员登船", "Shore staff boarded";
        DirectContact = "direct_contact", "船岸直接接触", "Direct ship–shore contact";
        PlanBreach = "plan_breach", "未按“一船一案”作业", "Work outside the per-ship plan";
        Other = "other", "其他违规", "Other";
    }
}

/// How long before arrival a crew change abroad still makes a ship a testing
/// category (seed 003: "境外换班时间不足14天").
pub const RECENT_CREW_CHANGE: Millis = 14 * DAY;

/// What the categories are decided from: the ship call as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallPurpose {
    /// In port for repair (抵港维修).
    pub repair: bool,
    /// An ocean fishing vessel (远洋渔船).
    pub ocean_fishing: bool,
    /// A cargo ship changing crew here (换班货船).
    pub crew_change: bool,
    /// Moving from foreign to domestic trade (外贸转内贸).
    pub foreign_to_domestic: bool,
    /// When the crew last changed abroad, if known.
    pub crew_changed_abroad_at: Option<Millis>,
}

/// The testing categories a ship call falls in, from its record.
pub fn testing_categories(p: &CallPurpose, arrival_at: Millis) -> Vec<TestingCategory> {
    let mut out = Vec::new();
    if p.repair {
        out.push(TestingCategory::Repair);
    }
    if p.ocean_fishing {
        out.push(TestingCategory::OceanFishing);
    }
    if p.crew_change {
        out.push(TestingCategory::CrewChangeCargo);
    }
    if p.foreign_to_domestic {
        out.push(TestingCategory::ForeignToDomestic);
    }
    if p.crew_changed_abroad_at
        .is_some_and(|at| at <= arrival_at && arrival_at - at < RECENT_CREW_CHANGE)
    {
        out.push(TestingCategory::RecentCrewChangeAbroad);
    }
    out
}

/// Why work on a ship may not go ahead yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkBlock {
    /// A testing-category ship with no crew on its list.
    NoCrewList,
    /// Crew members whose result is not in yet.
    TestsPending(usize),
    /// Crew members who tested positive.
    TestsPositive(usize),
    /// The per-ship plan (一船一案) is not recorded.
    NoPlan,
    /// The "三不" rule is not confirmed for this call.
    ThreeNoUnconfirmed,
}

impl WorkBlock {
    pub fn to_error(&self) -> FieldError {
        match self {
            WorkBlock::NoCrewList => FieldError::new(
                "crew",
                "该船属于全员核酸检测类别，但没有船员名单",
                "this ship is in a testing category but has no crew list",
            ),
            WorkBlock::TestsPending(n) => FieldError::new(
                "crew",
                format!("尚有 {n} 名船员核酸结果未出，全员阴性前禁止作业"),
                format!("{n} crew test result(s) pending; no work until all crew test negative"),
            ),
            WorkBlock::TestsPositive(n) => FieldError::new(
                "crew",
                format!("{n} 名船员核酸阳性，禁止作业"),
                format!("{n} crew member(s) tested positive; no work"),
            ),
            WorkBlock::NoPlan => FieldError::new(
                "plan",
                "未录入“一船一案”作业方案",
                "the per-ship plan (一船一案) is not recorded",
            ),
            WorkBlock::ThreeNoUnconfirmed => FieldError::new(
                "three_no",
                "未确认落实“三不”原则（船员不离船、岸上人员不登船、船岸不直接接触）",
                "the three-no rule (crew stay aboard, no shore staff aboard, no direct contact) is not confirmed",
            ),
        }
    }
}

/// What stands between a ship call and "work allowed". Empty means work may
/// be allowed. For a testing-category ship every crew member must have a
/// negative result; every ship needs its plan and the "三不" confirmation.
pub fn work_blocks(
    categories: &[TestingCategory],
    crew_results: &[TestResult],
    plan_recorded: bool,
    three_no_confirmed: bool,
) -> Vec<WorkBlock> {
    let mut out = Vec::new();
    let positive = crew_results
        .iter()
        .filter(|r| **r == TestResult::Positive)
        .count();
    if positive > 0 {
        out.push(WorkBlock::TestsPositive(positive));
    }
    if !categories.is_empty() {
        if crew_results.is_empty() {
            out.push(WorkBlock::NoCrewList);
        }
        let pending = crew_results
            .iter()
            .filter(|r| **r == TestResult::Pending)
            .count();
        if pending > 0 {
            out.push(WorkBlock::TestsPending(pending));
        }
    }
    if !plan_recorded {
        out.push(WorkBlock::NoPlan);
    }
    if !three_no_confirmed {
        out.push(WorkBlock::ThreeNoUnconfirmed);
    }
    out
}

/// Identity of a ship as the lists give it: at least one of IMO, MMSI, name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipIdentity {
    pub name: String,
    /// IMO number, 7 digits (without the `IMO` prefix).
    pub imo: Option<String>,
    pub mmsi: Option<i64>,
}

/// Checks an IMO number: 7 digits whose check digit matches (the last digit
/// is the sum of the first six weighted 7..2, mod 10). `IMO` prefix allowed.
pub fn parse_imo(s: &str) -> Result<Option<String>, FieldError> {
    let t = s.trim();
    let t = t
        .strip_prefix("IMO")
        .or_else(|| t.strip_prefix("imo"))
        .unwrap_or(t)
        .trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        FieldError::new(
            "imo",
            format!("IMO 编号应为 7 位数字且校验位正确：{s:?}"),
            format!("IMO number must be 7 digits with a valid check digit: {s:?}"),
        )
    };
    if t.len() != 7 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let d: Vec<u32> = t.bytes().map(|b| (b - b'0') as u32).collect();
    let sum: u32 = d[..6].iter().zip((2..=7).rev()).map(|(a, w)| a * w).sum();
    if sum % 10 != d[6] {
        return Err(bad());
    }
    Ok(Some(t.to_string()))
}

/// Checks an MMSI: 9 digits.
pub fn parse_mmsi(s: &str) -> Result<Option<i64>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() == 9 && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.parse().ok())
    } else {
        Err(FieldError::new(
            "mmsi",
            format!("MMSI 应为 9 位数字：{s:?}"),
            format!("MMSI must be 9 digits: {s:?}"),
        ))
    }
}

/// Parses a time as typed in lists: `YYYY-MM-DD HH:MM` (China Standard Time),
/// `YYYY-MM-DDTHH:MM`, or RFC 3339 with an offset.
pub fn parse_local_time(s: &str) -> Option<Millis> {
    let t = s.trim();
    if let Ok(ms) = crate::time::parse_rfc3339(t) {
        return Some(ms);
    }
    let t = t.replace('T', " ");
    let t = t.replace('/', "-");
    let (date, time) = t.split_once(' ')?;
    let (date, time) = (date.trim(), time.trim());
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let (h, mi) = time.split_once(':')?;
    let mi = mi.split(':').next()?;
    let iso = format!(
        "{y:0>4}-{m:0>2}-{d:0>2}T{h:0>2}:{mi:0>2}:00+08:00",
        y = y,
        m = m,
        d = d,
        h = h.trim(),
        mi = mi.trim()
    );
    crate::time::parse_rfc3339(&iso).ok()
}

// --- the inbound list import ---

/// One crew member as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrewLine {
    pub name: String,
    pub nationality: String,
    pub passport: String,
}

/// One ship call as listed by the border inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundCall {
    pub ship: ShipIdentity,
    pub flag: String,
    /// Last ports of call, most recent last.
    pub last_ports: Vec<String>,
    pub arrival_at: Millis,
    pub berth: String,
    pub purpose: CallPurpose,
    pub crew: Vec<CrewLine>,
    /// The file line where this call first appears.
    pub line: usize,
}

/// A bad line of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: usize,
    pub field: String,
    pub zh: String,
    pub en: String,
}

impl LineError {
    fn new(line: usize, e: FieldError) -> LineError {
        LineError {
            line,
            field: e.field,
            zh: e.zh,
            en: e.en,
        }
    }
    pub fn message(&self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::Zh => format!("第 {} 行 {}：{}", self.line, self.field, self.zh),
            crate::Lang::En => format!("line {} {}: {}", self.line, self.field, self.en),
        }
    }
}

/// The columns of the inbound list: key, then the header names accepted.
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("ship_name", &["ship_name", "船名"]),
    ("imo", &["imo", "IMO", "IMO编号"]),
    ("mmsi", &["mmsi", "MMSI"]),
    ("flag", &["flag", "船旗", "船籍"]),
    ("last_ports", &["last_ports", "航线", "最近挂靠港"]),
    ("arrival", &["arrival", "抵港时间"]),
    ("berth", &["berth", "泊位", "锚地/泊位"]),
    ("categories", &["categories", "类别"]),
    (
        "crew_changed_abroad",
        &["crew_changed_abroad", "境外换班时间"],
    ),
    ("crew_name", &["crew_name", "船员姓名"]),
    ("nationality", &["nationality", "国籍"]),
    ("passport", &["passport", "护照号"]),
];

/// The header line of a template file.
pub fn template_csv() -> String {
    let head: Vec<&str> = COLUMNS.iter().map(|(_, names)| names[1]).collect();
    format!(
        "{}\nOCEAN STAR,9074729,477123456,HK,Singapore;Busan,2021-02-10 08:00,梅山港区3号泊位,crew_change,,ZHANG San,CN,E12345678\n",
        head.join(",")
    )
}

/// Splits CSV text (RFC 4180: quotes, doubled quotes, newlines in quotes)
/// into (line number, fields) per record; a UTF-8 BOM is ignored.
pub fn split_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, LineError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut field = String::new();
    let mut row: Vec<String> = Vec::new();
    let mut line = 1;
    let mut row_line = 1;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_quotes, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => in_quotes = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c)
            }
            (false, '"') if field.is_empty() => in_quotes = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push((row_line, std::mem::take(&mut row)));
                line += 1;
                row_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if in_quotes {
        return Err(LineError::new(
            row_line,
            FieldError::new("csv", "引号未闭合", "unclosed quote"),
        ));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((row_line, row));
    }
    Ok(rows
        .into_iter()
        .filter(|(_, r)| r.iter().any(|f| !f.trim().is_empty()))
        .collect())
}

fn parse_categories(s: &str) -> Result<CallPurpose, FieldError> {
    let mut p = CallPurpose::default();
    for part in s.split([';', '；', '、', '|']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let c = TestingCategory::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == part || c.zh() == part);
        match c {
            Some(TestingCategory::Repair) => p.repair = true,
            Some(TestingCategory::OceanFishing) => p.ocean_fishing = true,
            Some(TestingCategory::CrewChangeCargo) => p.crew_change = true,
            Some(TestingCategory::ForeignToDomestic) => p.foreign_to_domestic = true,
            _ => {
                return Err(FieldError::new(
                    "categories",
                    format!("未知的船舶类别：{part}（可填 repair、ocean_fishing、crew_change、foreign_to_domestic 或其中文名；境外换班请填境外换班时间）"),
                    format!("unknown category: {part} (use repair, ocean_fishing, crew_change, foreign_to_domestic or their Chinese names; give the crew-change-abroad time in its own column)"),
                ))
            }
        }
    }
    Ok(p)
}

/// Turns the rows of an inbound list (the first row is the header) into ship
/// calls: rows of the same ship (IMO, else MMSI, else name) and arrival time
/// are one call, one crew member per row. Every bad line is reported; the
/// result is all calls, or all errors.
pub fn parse_inbound_rows(
    rows: &[(usize, Vec<String>)],
) -> Result<Vec<InboundCall>, Vec<LineError>> {
    let mut errors = Vec::new();
    let Some((head_line, head)) = rows.first() else {
        return Err(vec![LineError::new(
            1,
            FieldError::new("file", "文件为空", "the file is empty"),
        )]);
    };
    let mut index = std::collections::HashMap::new();
    for (i, h) in head.iter().enumerate() {
        let h = h.trim();
        match COLUMNS.iter().find(|(_, names)| names.contains(&h)) {
            Some((key, _)) => {
                index.insert(*key, i);
            }
            None if h.is_empty() => {}
            None => errors.push(LineError::new(
                *head_line,
                FieldError::new(h, format!("未知的列：{h}"), format!("unknown column: {h}")),
            )),
        }
    }
    for key in [
        "ship_name",
        "arrival",
        "crew_name",
        "nationality",
        "passport",
    ] {
        if !index.contains_key(key) {
            errors.push(LineError::new(
                *head_line,
                FieldError::new(
                    key,
                    format!("缺少列：{key}"),
                    format!("missing column: {key}"),
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut calls: Vec<InboundCall> = Vec::new();
    for (line, row) in &rows[1..] {
        let line = *line;
        let get = |k: &str| {
            index
                .get(k)
                .and_then(|i| row.get(*i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let mut bad = |e: FieldError| errors.push(LineError::new(line, e));
        let name = get("ship_name");
        if name.is_empty() {
            bad(FieldError::required("ship_name"));
        }
        let imo = parse_imo(&get("imo")).map_err(&mut bad).ok().flatten();
        let mmsi = parse_mmsi(&get("mmsi")).map_err(&mut bad).ok().flatten();
        let arrival_text = get("arrival");
        let arrival = parse_local_time(&arrival_text);
        if arrival.is_none() {
            bad(FieldError::new(
                "arrival",
                format!("抵港时间格式应为 YYYY-MM-DD HH:MM：{arrival_text:?}"),
                format!("arrival must be YYYY-MM-DD HH:MM: {arrival_text:?}"),
            ));
        }
        let mut purpose = parse_categories(&get("categories"))
            .map_err(&mut bad)
            .ok()
            .unwrap_or_default();
        let changed = get("crew_changed_abroad");
        if !changed.is_empty() {
            match parse_local_time(&changed).or_else(|| {
                crate::time::parse_date(&changed)
                    .ok()
                    .map(|ms| ms - 8 * crate::time::HOUR)
            }) {
                Some(at) => purpose.crew_changed_abroad_at = Some(at),
                None => bad(FieldError::new(
                    "crew_changed_abroad",
                    format!("境外换班时间格式应为 YYYY-MM-DD：{changed:?}"),
                    format!("crew change abroad must be YYYY-MM-DD: {changed:?}"),
                )),
            }
        }
        let crew = CrewLine {
            name: get("crew_name"),
            nationality: get("nationality"),
            passport: get("passport"),
        };
        for (k, v) in [
            ("crew_name", &crew.name),
            ("nationality", &crew.nationality),
            ("passport", &crew.passport),
        ] {
            if v.is_empty() {
                bad(FieldError::required(k));
            }
        }
        let (Some(arrival_at), false) = (arrival, name.is_empty()) else {
            continue;
        };
        let ship = ShipIdentity { name, imo, mmsi };
        let same_ship = |c: &InboundCall| match (&c.ship.imo, &ship.imo, c.ship.mmsi, ship.mmsi) {
            (Some(a), Some(b), _, _) => a == b,
            (_, _, Some(a), Some(b)) => a == b,
            _ => c.ship.name.eq_ignore_ascii_case(&ship.name),
        };
        let flag = get("flag");
        let berth = get("berth");
        match calls
            .iter_mut()
            .find(|c| same_ship(c) && c.arrival_at == arrival_at)
        {
            Some(call) => {
                if call.flag != flag || call.berth != berth || call.purpose != purpose {
                    bad(FieldError::new(
                        "ship_name",
                        format!("与第 {} 行同一船舶的船旗、泊位或类别不一致", call.line),
                        format!(
                            "flag, berth or categories differ from line {} for the same ship",
                            call.line
                        ),
                    ));
                } else if call.crew.iter().any(|c| c.passport == crew.passport) {
                    bad(FieldError::new(
                        "passport",
                        format!("护照号 {} 在该船名单中重复", crew.passport),
                        format!("passport {} is listed twice for this ship", crew.passport),
                    ));
                } else {
                    call.crew.push(crew);
                }
            }
            None => calls.push(InboundCall {
                ship,
                flag,
                last_ports: get("last_ports")
                    .split([';', '；', '→', '>'])
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect(),
                arrival_at,
                berth,
                purpose,
                crew: vec![crew],
                line,
            }),
        }
    }
    if rows.len() < 2 {
        errors.push(LineError::new(
            *head_line,
            FieldError::new("file", "文件没有数据行", "the file has no data rows"),
        ));
    }
    if errors.is_empty() {
        Ok(calls)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Millis = crate::time::HOUR;

    #[test]
    fn categories_from_the_record() {
        let arrival = 100 * DAY;
        let cases: &[(CallPurpose, &[TestingCategory])] = &[
            (CallPurpose::default(), &[]),
            (
                CallPurpose {
                    repair: true,
                    ..Default::default()
                },
                &[TestingCategory::Repair],
            ),
            (
                CallPurpose {
                    ocean_fishing: true,
                    crew_change: true,
                    ..Default::default()
                },
                &[
                    TestingCategory::OceanFishing,
                    TestingCategory::CrewChangeCargo,
                ],
            ),
            (
                CallPurpose {
                    foreign_to_domestic: true,
                    ..Default::default()
                },
                &[TestingCategory::ForeignToDomestic],
            ),
            // 13 days 23 hours before arrival: under 14 days.
            (
                CallPurpose {
                    crew_changed_abroad_at: Some(arrival - 14 * DAY + H),
                    ..Default::default()
                },
                &[TestingCategory::RecentCrewChangeAbroad],
            ),
            // Exactly 14 days: no longer "under 14 days".
            (
                CallPurpose {
                    crew_changed_abroad_at: Some(arrival - 14 * DAY),
                    ..Default::default()
                },
                &[],
            ),
            // A change after arrival is not a change abroad before arrival.
            (
                CallPurpose {
                    crew_changed_abroad_at: Some(arrival + H),
                    ..Default::default()
                },
                &[],
            ),
        ];
        for (p, want) in cases {
            assert_eq!(testing_categories(p, arrival), *want, "{p:?}");
        }
    }

    #[test]
    fn work_is_blocked_until_all_crew_negative() {
        use TestResult::*;
        let cat = [TestingCategory::CrewChangeCargo];
        /// (categories, crew results, plan recorded, 三不 confirmed, expected blocks)
        type Case<'a> = (
            &'a [TestingCategory],
            &'a [TestResult],
            bool,
            bool,
            &'a [WorkBlock],
        );
        let cases: &[Case] = &[
            (&cat, &[Negative, Negative], true, true, &[]),
            (
                &cat,
                &[Negative, Pending],
                true,
                true,
                &[WorkBlock::TestsPending(1)],
            ),
            (
                &cat,
                &[Positive, Negative],
                true,
                true,
                &[WorkBlock::TestsPositive(1)],
            ),
            (&cat, &[], true, true, &[WorkBlock::NoCrewList]),
            // Not a testing category: pending results do not block…
            (&[], &[Pending], true, true, &[]),
            // …but a positive result always does.
            (&[], &[Positive], true, true, &[WorkBlock::TestsPositive(1)]),
            (
                &cat,
                &[Negative],
                false,
                false,
                &[WorkBlock::NoPlan, WorkBlock::ThreeNoUnconfirmed],
            ),
        ];
        for (c, r, plan, three, want) in cases {
            assert_eq!(work_blocks(c, r, *plan, *three), *want, "{c:?} {r:?}");
        }
    }

    #[test]
    fn imo_and_mmsi_checks() {
        assert_eq!(
            parse_imo("IMO 9074729").unwrap().as_deref(),
            Some("9074729")
        );
        assert_eq!(parse_imo("").unwrap(), None);
        assert!(parse_imo("9074728").is_err());
        assert!(parse_imo("12345").is_err());
        assert_eq!(parse_mmsi("477123456").unwrap(), Some(477123456));
        assert!(parse_mmsi("47712345").is_err());
    }

    #[test]
    fn csv_splitting() {
        let rows = split_csv("\u{feff}a,b\r\n\"x, \"\"y\"\"\",\"1\n2\"\n\n,\n3,4").unwrap();
        assert_eq!(rows[0], (1, vec!["a".into(), "b".into()]));
        assert_eq!(rows[1], (2, vec!["x, \"y\"".into(), "1\n2".into()]));
        assert_eq!(rows[2], (6, vec!["3".into(), "4".into()]));
        assert_eq!(split_csv("a,\"b").unwrap_err().line, 1);
    }

    #[test]
    fn inbound_rows_group_into_calls() {
        let csv = "船名,IMO,MMSI,船旗,航线,抵港时间,泊位,类别,境外换班时间,船员姓名,国籍,护照号\n\
                   OCEAN STAR,9074729,477123456,HK,Singapore;Busan,2021-02-10 08:00,梅山3号泊位,换班货船,,ZHANG San,CN,E1\n\
                   OCEAN STAR,9074729,477123456,HK,Singapore;Busan,2021-02-10 08:00,梅山3号泊位,换班货船,,LEE Kim,KR,M2\n\
                   SEA LARK,,,PA,Manila,2021-02-10 10:30,穿山1号泊位,,2021-02-01,JUAN Cruz,PH,P3\n";
        let calls = parse_inbound_rows(&split_csv(csv).unwrap()).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].crew.len(), 2);
        assert_eq!(calls[0].last_ports, ["Singapore", "Busan"]);
        assert!(calls[0].purpose.crew_change);
        assert_eq!(
            testing_categories(&calls[1].purpose, calls[1].arrival_at),
            [TestingCategory::RecentCrewChangeAbroad]
        );
        assert_eq!(
            calls[0].arrival_at,
            crate::time::parse_rfc3339("2021-02-10T08:00:00+08:00").unwrap()
        );
    }

    #[test]
    fn every_bad_line_is_named() {
        let csv = "ship_name,imo,mmsi,arrival,categories,crew_name,nationality,passport\n\
                   A,9074728,,2021-02-10 08:00,,X,CN,E1\n\
                   B,,12,2021-02-10 08:00,,Y,CN,E2\n\
                   C,,,tomorrow,,Z,CN,E3\n\
                   D,,,2021-02-10 08:00,banana,W,CN,E4\n\
                   E,,,2021-02-10 08:00,,,CN,E5\n\
                   F,,,2021-02-10 08:00,,V,CN,E6\n\
                   F,,,2021-02-10 08:00,,U,CN,E6\n";
        let errs = parse_inbound_rows(&split_csv(csv).unwrap()).unwrap_err();
        let got: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            got,
            [
                (2, "imo"),
                (3, "mmsi"),
                (4, "arrival"),
                (5, "categories"),
                (6, "crew_name"),
                (8, "passport")
            ]
        );
        assert!(errs[0].message(crate::Lang::Zh).starts_with("第 2 行"));
        let missing = parse_inbound_rows(&split_csv("ship_name,foo\nA,1\n").unwrap()).unwrap_err();
        assert!(missing.iter().any(|e| e.field == "foo"));
        assert!(missing.iter().any(|e| e.field == "arrival"));
        assert!(parse_inbound_rows(&[]).is_err());
    }

    #[test]
    fn local_times() {
        let want = crate::time::parse_rfc3339("2021-02-10T08:05:00+08:00").unwrap();
        for s in [
            "2021-02-10 08:05",
            "2021-2-10 8:05",
            "2021/02/10 08:05:00",
            "2021-02-10T08:05",
        ] {
            assert_eq!(parse_local_time(s), Some(want), "{s}");
        }
        assert_eq!(parse_local_time("2021-02-10T00:05:00Z"), Some(want));
        assert_eq!(parse_local_time("soon"), None);
    }
}
