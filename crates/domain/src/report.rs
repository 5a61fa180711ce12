//! Report forms as data: sections, indicators, units, cumulative indicators,
//! which working group fills which section, and validation rules.
//!
//! The Clean Sea daily form of seed 001, attachment 2 (46 indicators in 8
//! sections) is [`clean_sea_daily`]; a province can store other forms of the
//! same shape. Values are kept as integer thousandths ([`Milli`]) so sums are
//! exact and tonnes keep their three decimals.

use serde::{Deserialize, Serialize};

use crate::taskforce::WorkingGroup;
use crate::validate::FieldError;

/// A value in thousandths of its unit (1 ship = 1000; 1.234 t = 1234).
pub type Milli = i64;

/// A calendar day, as days since 1970-01-01 (dates are China Standard Time days).
pub type Day = i32;

/// Where one district section of one day stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// Saved, not yet submitted: not counted.
    Draft,
    /// Submitted by the working group: counted, awaiting the office.
    Submitted,
    /// Approved by the task-force office: counted and locked.
    Approved,
    /// Returned by the office with a comment (or unlocked): not counted until resubmitted.
    Returned,
}

impl EntryStatus {
    pub const ALL: [EntryStatus; 4] = [
        EntryStatus::Draft,
        EntryStatus::Submitted,
        EntryStatus::Approved,
        EntryStatus::Returned,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Draft => "draft",
            EntryStatus::Submitted => "submitted",
            EntryStatus::Approved => "approved",
            EntryStatus::Returned => "returned",
        }
    }
    pub fn parse(s: &str) -> Option<EntryStatus> {
        EntryStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            EntryStatus::Draft => "草稿",
            EntryStatus::Submitted => "已报送",
            EntryStatus::Approved => "已审核",
            EntryStatus::Returned => "已退回",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            EntryStatus::Draft => "Draft",
            EntryStatus::Submitted => "Submitted",
            EntryStatus::Approved => "Approved",
            EntryStatus::Returned => "Returned",
        }
    }
    /// Whether the values count in totals.
    pub fn counts(self) -> bool {
        matches!(self, EntryStatus::Submitted | EntryStatus::Approved)
    }
}

/// One district's section of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEntry {
    pub id: i64,
    pub form_id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub section: String,
    pub day: Day,
    pub unit_id: Option<i64>,
    pub status: EntryStatus,
    /// Reasons given for corrected prefilled values, and other remarks.
    pub notes: String,
    pub values: Vec<(String, Milli)>,
    pub updated_at: i64,
    pub updated_by: Option<i64>,
    pub submitted_at: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub reviewed_by: Option<i64>,
    pub review_comment: String,
}

impl ReportEntry {
    pub fn value(&self, key: &str) -> Milli {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .unwrap_or(0)
    }
}

/// Day number of a UTC instant, in China Standard Time.
pub fn day_of(ms: i64) -> Day {
    (ms + 8 * crate::time::HOUR).div_euclid(crate::time::DAY) as Day
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(day: Day) -> String {
    let (y, m, d) = crate::time::civil_from_days(day as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses `YYYY-MM-DD` to a day number.
pub fn parse_day(s: &str) -> Option<Day> {
    crate::time::parse_date(s)
        .ok()
        .map(|ms| ms.div_euclid(crate::time::DAY) as Day)
}

/// The UTC instant at which `hour` o'clock China Standard Time of `day` falls.
pub fn cst_hour(day: Day, hour: u8) -> i64 {
    day as i64 * crate::time::DAY + hour as i64 * crate::time::HOUR - 8 * crate::time::HOUR
}

/// How an indicator's value is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// A whole number (persons, ships, times).
    Count,
    /// Up to `decimals` decimal places (area in km², goods in tonnes).
    Decimal { decimals: u8 },
}

/// One indicator of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub key: String,
    pub zh: String,
    pub en: String,
    /// Unit shown in brackets, e.g. `人`, `艘`, `吨`; empty for plain counts.
    pub unit: String,
    pub kind: ValueKind,
    /// Cumulative (累计) indicators are computed as the running total of
    /// another indicator since the campaign start, never typed.
    pub cumulative_of: Option<String>,
}

/// One section, filled by one working group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub zh: String,
    pub en: String,
    pub group: WorkingGroup,
    pub indicators: Vec<Indicator>,
}

/// A cross-indicator rule: `left ≤ right` within one day's section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeRule {
    pub left: String,
    pub right: String,
}

/// A report form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDef {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// First day of the campaign, for cumulative indicators (`YYYY-MM-DD`).
    pub campaign_start: String,
    /// Hour of the day (China Standard Time) by which the day's section is due.
    pub deadline_hour: u8,
    pub sections: Vec<Section>,
    pub rules: Vec<LeRule>,
}

impl FormDef {
    pub fn indicators(&self) -> impl Iterator<Item = (&Section, &Indicator)> {
        self.sections
            .iter()
            .flat_map(|s| s.indicators.iter().map(move |i| (s, i)))
    }

    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }

    pub fn indicator(&self, key: &str) -> Option<(&Section, &Indicator)> {
        self.indicators().find(|(_, i)| i.key == key)
    }

    /// Checks the definition itself: unique keys, cumulative sources that
    /// exist, rules over known indicators.
    pub fn check(&self) -> Result<(), FieldError> {
        let mut keys = std::collections::HashSet::new();
        for (_, i) in self.indicators() {
            if !keys.insert(i.key.as_str()) {
                return Err(FieldError::new(
                    "indicators",
                    format!("指标键重复：{}", i.key),
                    format!("duplicate indicator key {}", i.key),
                ));
            }
        }
        for (_, i) in self.indicators() {
            if let Some(src) = &i.cumulative_of {
                if !keys.contains(src.as_str()) {
                    return Err(FieldError::new(
                        "indicators",
                        format!("累计指标 {} 的来源 {src} 不存在", i.key),
                        format!("cumulative {} refers to unknown {src}", i.key),
                    ));
                }
            }
        }
        for r in &self.rules {
            for k in [&r.left, &r.right] {
                if !keys.contains(k.as_str()) {
                    return Err(FieldError::new(
                        "rules",
                        format!("规则引用了未知指标 {k}"),
                        format!("rule refers to unknown indicator {k}"),
                    ));
                }
            }
        }
        crate::time::parse_date(&self.campaign_start).map_err(|_| {
            FieldError::new(
                "campaign_start",
                "行动起始日期格式应为 YYYY-MM-DD",
                "campaign_start must be YYYY-MM-DD",
            )
        })?;
        Ok(())
    }

    /// Validates one section's typed values (already parsed to thousandths).
    /// Cumulative indicators must not be typed.
    pub fn validate_section(
        &self,
        section_key: &str,
        values: &[(String, Milli)],
    ) -> Result<(), Vec<FieldError>> {
        let Some(section) = self.section(section_key) else {
            return Err(vec![FieldError::new(
                "section",
                format!("未知的表格部分：{section_key}"),
                format!("unknown section {section_key}"),
            )]);
        };
        let mut errs = Vec::new();
        for (key, v) in values {
            match section.indicators.iter().find(|i| &i.key == key) {
                None => errs.push(FieldError::new(
                    key.clone(),
                    format!("本部分没有指标 {key}"),
                    format!("no indicator {key} in this section"),
                )),
                Some(i) if i.cumulative_of.is_some() => errs.push(FieldError::new(
                    key.clone(),
                    format!("“{}”为累计数，由系统计算，不能填报", i.zh),
                    format!("{} is cumulative and computed, not typed", i.en),
                )),
                Some(i) if *v < 0 => errs.push(FieldError::new(
                    key.clone(),
                    format!("“{}”不能为负数", i.zh),
                    format!("{} cannot be negative", i.en),
                )),
                Some(i) if i.kind == ValueKind::Count && v % 1000 != 0 => {
                    errs.push(FieldError::new(
                        key.clone(),
                        format!("“{}”必须是整数", i.zh),
                        format!("{} must be a whole number", i.en),
                    ))
                }
                Some(_) => {}
            }
        }
        let get = |k: &str| {
            values
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| *v)
                .unwrap_or(0)
        };
        for r in &self.rules {
            let in_section = |k: &str| section.indicators.iter().any(|i| i.key == k);
            if in_section(&r.left) && in_section(&r.right) && get(&r.left) > get(&r.right) {
                let (l, rr) = (
                    self.indicator(&r.left).map(|x| x.1),
                    self.indicator(&r.right).map(|x| x.1),
                );
                if let (Some(l), Some(rr)) = (l, rr) {
                    errs.push(FieldError::new(
                        r.left.clone(),
                        format!("“{}”不能大于“{}”", l.zh, rr.zh),
                        format!("{} cannot exceed {}", l.en, rr.en),
                    ));
                }
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }
}

/// Parses a typed value for `indicator` to thousandths: digits with an
/// optional decimal point, at most as many decimals as the indicator allows.
pub fn parse_value(indicator: &Indicator, s: &str) -> Result<Milli, FieldError> {
    let s = s.trim();
    let bad = |zh: String, en: String| FieldError::new(indicator.key.clone(), zh, en);
    if s.is_empty() {
        return Ok(0);
    }
    if s.starts_with('-') {
        return Err(bad(
            format!("“{}”不能为负数", indicator.zh),
            format!("{} cannot be negative", indicator.en),
        ));
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let allowed = match indicator.kind {
        ValueKind::Count => 0,
        ValueKind::Decimal { decimals } => decimals.min(3) as usize,
    };
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (s.contains('.') && frac.is_empty())
    {
        return Err(bad(
            format!("“{}”须填写数字：{s:?}", indicator.zh),
            format!("{} must be a number: {s:?}", indicator.en),
        ));
    }
    if frac.len() > allowed {
        return Err(if allowed == 0 {
            bad(
                format!("“{}”必须是整数", indicator.zh),
                format!("{} must be a whole number", indicator.en),
            )
        } else {
            bad(
                format!("“{}”最多保留 {allowed} 位小数", indicator.zh),
                format!("{} allows at most {allowed} decimals", indicator.en),
            )
        });
    }
    let int: i64 = int
        .parse()
        .ok()
        .filter(|v| *v <= 1_000_000_000)
        .ok_or_else(|| {
            bad(
                format!("“{}”数值过大", indicator.zh),
                format!("{} is too large", indicator.en),
            )
        })?;
    let mut f: i64 = 0;
    for i in 0..3 {
        f = f * 10
            + frac
                .as_bytes()
                .get(i)
                .map(|b| (b - b'0') as i64)
                .unwrap_or(0);
    }
    Ok(int * 1000 + f)
}

/// Formats thousandths for display with the indicator's decimals.
pub fn format_value(indicator: &Indicator, v: Milli) -> String {
    match indicator.kind {
        ValueKind::Count => (v / 1000).to_string(),
        ValueKind::Decimal { decimals } => {
            let d = decimals.min(3) as usize;
            let s = format!("{}.{:03}", v / 1000, (v % 1000).abs());
            if d == 0 {
                (v / 1000).to_string()
            } else {
                s[..s.len() - (3 - d)].to_string()
            }
        }
    }
}

fn ind(key: &str, zh: &str, en: &str, unit: &str, kind: ValueKind) -> Indicator {
    Indicator {
        key: key.into(),
        zh: zh.into(),
        en: en.into(),
        unit: unit.into(),
        kind,
        cumulative_of: None,
    }
}

fn count(key: &str, zh: &str, en: &str, unit: &str) -> Indicator {
    ind(key, zh, en, unit, ValueKind::Count)
}

/// The Clean Sea daily report (seed 001, attachment 2): 46 indicators in 8
/// sections, in the order of the official form.
pub fn clean_sea_daily() -> FormDef {
    let sec =
        |key: &str, zh: &str, en: &str, group: WorkingGroup, indicators: Vec<Indicator>| Section {
            key: key.into(),
            zh: zh.into(),
            en: en.into(),
            group,
            indicators,
        };
    let mut cumulative_entrants = count(
        "cum_illegal_entrants",
        "累计查获非法入境人员数",
        "Illegal entrants found, cumulative",
        "人",
    );
    cumulative_entrants.cumulative_of = Some("illegal_entrants".into());
    let mut cumulative_rescue = count(
        "cum_rescue_entrants",
        "累计海上求助入境人员数",
        "Entrants by sea rescue, cumulative",
        "人",
    );
    cumulative_rescue.cumulative_of = Some("rescue_entrants".into());
    FormDef {
        code: "clean_sea_daily".into(),
        zh: "境外疫情海上非法输入防控工作日报表".into(),
        en: "Daily report on preventing illegal entry by sea".into(),
        campaign_start: "2021-01-01".into(),
        deadline_hour: 18,
        sections: vec![
            sec(
                "maritime_patrol",
                "海上巡航",
                "Maritime patrol",
                WorkingGroup::MaritimePatrol,
                vec![
                    count("mp_personnel", "出动人力", "Personnel deployed", "人"),
                    count("mp_vessels", "出动船只", "Vessels deployed", "艘"),
                    ind(
                        "mp_area",
                        "巡航面积",
                        "Area patrolled",
                        "平方公里",
                        ValueKind::Decimal { decimals: 2 },
                    ),
                    count("mp_ships_checked", "查验船舶", "Ships inspected", "艘"),
                    count("mp_persons_checked", "查验人员", "Persons inspected", "人"),
                    count(
                        "mp_ships_seized",
                        "查获违法船只",
                        "Offending vessels seized",
                        "艘",
                    ),
                ],
            ),
            sec(
                "port_area",
                "口岸特定区域监管",
                "Port restricted areas",
                WorkingGroup::PortRestrictedArea,
                vec![
                    count(
                        "pa_inbound_ships",
                        "查验入境船舶",
                        "Inbound ships inspected",
                        "艘",
                    ),
                    count(
                        "pa_outbound_ships",
                        "查验出境船舶",
                        "Outbound ships inspected",
                        "艘",
                    ),
                    count(
                        "pa_inbound_persons",
                        "查验入境人员",
                        "Inbound persons inspected",
                        "人",
                    ),
                    count(
                        "pa_outbound_persons",
                        "查验出境人员",
                        "Outbound persons inspected",
                        "人",
                    ),
                    count(
                        "pa_ships_guarded",
                        "监护在港船舶",
                        "Ships in port under guard",
                        "艘",
                    ),
                    count(
                        "pa_anchorage_patrols",
                        "国际锚地巡查次数",
                        "International anchorage patrols",
                        "次",
                    ),
                ],
            ),
            sec(
                "coastal",
                "沿海地区管控",
                "Coastal area control",
                WorkingGroup::CoastalAreaControl,
                vec![
                    count("co_personnel", "出动人力", "Personnel deployed", "人"),
                    count("co_vessels", "出动船只", "Vessels deployed", "艘"),
                    count("co_port_patrols", "港口巡查次数", "Port patrols", "次"),
                    count("co_cove_patrols", "岙口巡查次数", "Cove patrols", "次"),
                    count(
                        "co_island_patrols",
                        "无人岛屿巡查次数",
                        "Uninhabited island patrols",
                        "次",
                    ),
                    count("co_dock_patrols", "码头巡查次数", "Dock patrols", "次"),
                    count(
                        "co_berth_patrols",
                        "临时停靠点巡查次数",
                        "Temporary berth patrols",
                        "次",
                    ),
                    count("co_persons_checked", "查验人员", "Persons inspected", "人"),
                    count("co_ships_checked", "查验船舶", "Ships inspected", "艘"),
                ],
            ),
            sec(
                "vessel_control",
                "船舶管控",
                "Vessel control",
                WorkingGroup::VesselControl,
                vec![
                    count(
                        "vc_fishing_vessels",
                        "渔船底数",
                        "Fishing vessels on record",
                        "艘",
                    ),
                    count(
                        "vc_owners_enterprise",
                        "渔船船东数（企业）",
                        "Fishing-vessel owners (enterprises)",
                        "家",
                    ),
                    count(
                        "vc_owners_individual",
                        "渔船船东数（个人）",
                        "Fishing-vessel owners (individuals)",
                        "人",
                    ),
                    count(
                        "vc_stateless_seized",
                        "查扣“三无”船只",
                        "Stateless (三无) vessels seized",
                        "艘",
                    ),
                    count("vc_vessels_checked", "查验船只", "Vessels inspected", "艘"),
                    count(
                        "vc_outreach_shipping",
                        "入船运公司宣传",
                        "Outreach visits to shipping companies",
                        "家",
                    ),
                    count(
                        "vc_outreach_shipyards",
                        "入修船厂宣传",
                        "Outreach visits to shipyards",
                        "家",
                    ),
                    count(
                        "vc_outreach_owners",
                        "对私人船东宣传",
                        "Outreach to private owners",
                        "人",
                    ),
                    count(
                        "vc_outreach_crew",
                        "对从业人员宣传",
                        "Outreach to crew and workers",
                        "人",
                    ),
                ],
            ),
            sec(
                "entry_exit",
                "出入境监管",
                "Entry/exit supervision",
                WorkingGroup::EntryExitControl,
                vec![
                    count(
                        "ee_containers",
                        "发现异常集装箱数",
                        "Abnormal containers found",
                        "个",
                    ),
                    count(
                        "ee_outbound_ships",
                        "发现异常出港船只",
                        "Abnormal outbound ships",
                        "艘",
                    ),
                    count(
                        "ee_inbound_ships",
                        "发现异常入港船只",
                        "Abnormal inbound ships",
                        "艘",
                    ),
                ],
            ),
            sec(
                "strike",
                "集中打击",
                "Concentrated strike",
                WorkingGroup::ConcentratedStrike,
                vec![
                    count("cs_clues", "搜集线索", "Clues collected", "条"),
                    count("cs_clues_linked", "线索串并", "Clues linked", "条"),
                    count("cs_cases_filed", "立案侦查数", "Cases filed", "起"),
                    count(
                        "cs_coercive",
                        "采取强制措施数",
                        "Persons under coercive measures",
                        "人",
                    ),
                    count(
                        "cs_prosecution",
                        "起送审查起诉数",
                        "Persons referred for prosecution",
                        "人",
                    ),
                ],
            ),
            sec(
                "anti_smuggling",
                "反走私",
                "Anti-smuggling",
                WorkingGroup::AntiSmuggling,
                vec![
                    count("as_vehicles", "查获涉案车辆", "Vehicles seized", "辆"),
                    count("as_vessels", "查获涉案船舶", "Vessels seized", "艘"),
                    count("as_persons", "查获涉案人员", "Persons caught", "人"),
                    ind(
                        "as_goods_tonnes",
                        "查获涉案物品",
                        "Goods seized",
                        "吨",
                        ValueKind::Decimal { decimals: 3 },
                    ),
                ],
            ),
            sec(
                "case_handling",
                "个案处置",
                "Individual case handling",
                WorkingGroup::CaseHandling,
                vec![
                    count(
                        "illegal_entrants",
                        "当日查获非法入境人员数",
                        "Illegal entrants found today",
                        "人",
                    ),
                    cumulative_entrants,
                    count(
                        "rescue_entrants",
                        "当日海上求助入境人员数",
                        "Entrants by sea rescue today",
                        "人",
                    ),
                    cumulative_rescue,
                ],
            ),
        ],
        rules: vec![LeRule {
            left: "mp_ships_seized".into(),
            right: "mp_ships_checked".into(),
        }],
    }
}

/// Marks a line of an entry's notes that gives the reason for a corrected
/// prefilled value. Such lines are written by the service, one per corrected
/// indicator, after the reporter's own notes; the reviewer reads them with
/// the values, and a later save replaces them.
pub const CORRECTION_MARK: &str = "〔更正〕";

/// One correction line: `〔更正〕key｜name：系统预填 a，填报 b；理由：reason`.
pub fn correction_line(
    indicator: &Indicator,
    suggested: Milli,
    value: Milli,
    reason: &str,
) -> String {
    let reason: String = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "{CORRECTION_MARK}{}｜{}：系统预填 {}，填报 {}；理由：{}",
        indicator.key,
        indicator.zh,
        format_value(indicator, suggested),
        format_value(indicator, value),
        reason
    )
}

/// Splits notes into the reporter's own text and the correction reasons
/// (indicator key, reason) written by [`correction_line`].
pub fn split_corrections(notes: &str) -> (String, Vec<(String, String)>) {
    let mut own = Vec::new();
    let mut reasons = Vec::new();
    for line in notes.lines() {
        match line.strip_prefix(CORRECTION_MARK) {
            Some(rest) => {
                let key = rest.split('｜').next().unwrap_or("").to_string();
                let reason = rest
                    .split_once("；理由：")
                    .map(|(_, r)| r.to_string())
                    .unwrap_or_default();
                reasons.push((key, reason));
            }
            None => own.push(line),
        }
    }
    (own.join("\n").trim_end().to_string(), reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clean_sea_form_has_46_indicators_in_8_sections() {
        let f = clean_sea_daily();
        f.check().unwrap();
        assert_eq!(f.sections.len(), 8);
        assert_eq!(f.indicators().count(), 46);
        let per: Vec<usize> = f.sections.iter().map(|s| s.indicators.len()).collect();
        assert_eq!(per, [6, 6, 9, 9, 3, 5, 4, 4]);
        assert_eq!(
            f.indicators()
                .filter(|(_, i)| i.cumulative_of.is_some())
                .count(),
            2
        );
        let groups: Vec<_> = f.sections.iter().map(|s| s.group).collect();
        assert_eq!(groups, WorkingGroup::ALL);
    }

    #[test]
    fn days_are_china_standard_time() {
        // 2021-02-10 23:30 CST is 15:30 UTC the same day; 00:30 CST is the previous UTC day.
        let d = parse_day("2021-02-10").unwrap();
        assert_eq!(format_day(d), "2021-02-10");
        assert_eq!(
            day_of(crate::time::parse_rfc3339("2021-02-10T23:30:00+08:00").unwrap()),
            d
        );
        assert_eq!(
            day_of(crate::time::parse_rfc3339("2021-02-10T00:30:00+08:00").unwrap()),
            d
        );
        assert_eq!(
            cst_hour(d, 18),
            crate::time::parse_rfc3339("2021-02-10T18:00:00+08:00").unwrap()
        );
    }

    #[test]
    fn parses_values_by_kind() {
        let f = clean_sea_daily();
        let tonnes = f.indicator("as_goods_tonnes").unwrap().1;
        let ships = f.indicator("mp_ships_checked").unwrap().1;
        assert_eq!(parse_value(tonnes, "1.234").unwrap(), 1234);
        assert_eq!(parse_value(tonnes, "12").unwrap(), 12000);
        assert_eq!(parse_value(tonnes, "0.5").unwrap(), 500);
        assert!(parse_value(tonnes, "1.2345").is_err());
        assert_eq!(parse_value(ships, "7").unwrap(), 7000);
        assert_eq!(parse_value(ships, "").unwrap(), 0);
        for bad in ["-1", "1.5", "abc", "1e3", "1.", "9999999999"] {
            assert!(parse_value(ships, bad).is_err(), "{bad}");
        }
        assert_eq!(format_value(tonnes, 1234), "1.234");
        assert_eq!(
            format_value(f.indicator("mp_area").unwrap().1, 1500),
            "1.50"
        );
        assert_eq!(format_value(ships, 7000), "7");
    }

    #[test]
    fn validates_sections() {
        let f = clean_sea_daily();
        let ok = vec![
            ("mp_ships_checked".to_string(), 5000),
            ("mp_ships_seized".to_string(), 1000),
        ];
        assert!(f.validate_section("maritime_patrol", &ok).is_ok());
        let seized_more = vec![
            ("mp_ships_checked".to_string(), 1000),
            ("mp_ships_seized".to_string(), 2000),
        ];
        let e = f
            .validate_section("maritime_patrol", &seized_more)
            .unwrap_err();
        assert_eq!(e[0].field, "mp_ships_seized");
        assert!(e[0].zh.contains("不能大于"));
        let typed_cumulative = vec![("cum_illegal_entrants".to_string(), 1000)];
        assert!(f
            .validate_section("case_handling", &typed_cumulative)
            .is_err());
        let unknown = vec![("nope".to_string(), 0)];
        assert_eq!(
            f.validate_section("maritime_patrol", &unknown).unwrap_err()[0].field,
            "nope"
        );
        assert!(f.validate_section("nope", &[]).is_err());
    }

    #[test]
    fn correction_lines_round_trip() {
        let form = clean_sea_daily();
        let (_, goods) = form.indicator("as_goods_tonnes").unwrap();
        let line = correction_line(goods, 1_500, 1_250, "过磅复核\n少 0.25 吨");
        assert!(line.contains("系统预填 1.500，填报 1.250"), "{line}");
        let notes = format!("今日正常\n{line}");
        let (own, reasons) = split_corrections(&notes);
        assert_eq!(own, "今日正常");
        assert_eq!(
            reasons,
            vec![(
                "as_goods_tonnes".to_string(),
                "过磅复核 少 0.25 吨".to_string()
            )]
        );
        assert_eq!(split_corrections("无"), ("无".to_string(), vec![]));
    }
}
