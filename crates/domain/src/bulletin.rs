//! The weekly bulletin (每周通报, seed 000 §五(四)): per region and week,
//! numbered per region and year like an official document (〔2021〕3号),
//! archived, and pushed as a summary to the region's DingTalk work group.

use serde::{Deserialize, Serialize};

use crate::report::{format_day, Day};
use crate::time::{civil_from_days, Millis};

/// The Monday of the week (Monday–Sunday) that holds `day`.
pub fn week_start(day: Day) -> Day {
    // 1970-01-01 was a Thursday: day 0 has weekday index 3 (Monday = 0).
    day - (day + 3).rem_euclid(7)
}

/// The calendar year of a day.
pub fn year_of(day: Day) -> i32 {
    civil_from_days(day as i64).0 as i32
}

/// `〔2021〕3号`.
pub fn number_label(year: i32, number: i32) -> String {
    format!("〔{year}〕{number}号")
}

/// `2021年2月10日`, as official documents date themselves.
pub fn chinese_date(day: Day) -> String {
    let (y, m, d) = civil_from_days(day as i64);
    format!("{y}年{m}月{d}日")
}

/// `2021年2月1日至2月7日`.
pub fn week_label(from: Day, to: Day) -> String {
    let (_, m, d) = civil_from_days(to as i64);
    format!("{}至{m}月{d}日", chinese_date(from))
}

/// One overdue risk, named in the bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueRisk {
    pub risk_id: i64,
    pub place: String,
    pub region: String,
    pub unit: String,
    pub deadline: Day,
    pub days_overdue: i32,
}

/// A unit or region that fell short, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub who: String,
    pub what: String,
}

/// A bulletin's figures, as they stood when it was issued.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BulletinContent {
    pub region_name: String,
    /// The issuing office, e.g. 北仑区“净海”行动专班办公室.
    pub office: String,
    pub number_label: String,
    pub title: String,
    pub week_from: Day,
    pub week_to: Day,
    pub issued_on: Day,
    /// Anti-smuggling results: (indicator, value with unit).
    pub smuggling: Vec<(String, String)>,
    /// 三无 vessels seized and sea violations handled: (indicator, value with unit).
    pub sea: Vec<(String, String)>,
    pub alerts_total: i64,
    pub alerts_escalated: i64,
    pub alerts_dismissed: i64,
    pub alerts_open: i64,
    pub risks_total: i64,
    pub risks_closed_this_week: i64,
    pub risks_rectifying: i64,
    pub risks_pending_check: i64,
    pub overdue_risks: Vec<OverdueRisk>,
    pub shortfalls: Vec<Shortfall>,
    /// What is ranked (镇（街道）, 区/县 …) and the ranking of the week.
    pub ranking_level: String,
    pub ranking: Vec<crate::scoring::RankRow>,
    /// Cards issued in the week: (colour, place, reason).
    pub cards: Vec<(String, String, String)>,
}

/// An archived bulletin (the files are fetched separately).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bulletin {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub year: i32,
    /// Sequence number within the region and year.
    pub number: i32,
    pub week_from: Day,
    pub week_to: Day,
    pub title: String,
    pub issued_on: Day,
    /// The DingTalk summary (Markdown) as pushed.
    pub summary: String,
    /// The bulletin's figures as they were when it was issued.
    pub content: BulletinContent,
    pub created_by: String,
    pub created_at: Millis,
    /// `none` (no robot configured), `pending`, `sent`, `failed`.
    pub push_status: String,
}

impl Bulletin {
    pub fn number_label(&self) -> String {
        number_label(self.year, self.number)
    }
    pub fn period(&self) -> String {
        format!(
            "{} – {}",
            format_day(self.week_from),
            format_day(self.week_to)
        )
    }
}

/// One attempt to push a bulletin to its robot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAttempt {
    pub id: i64,
    pub bulletin_id: i64,
    pub attempt: i32,
    pub at: Millis,
    pub ok: bool,
    /// What went wrong (or the robot's answer).
    pub detail: String,
}

/// A region's DingTalk group robot: its webhook and signing secret. The
/// secret never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Robot {
    pub region_id: i64,
    pub region_code: String,
    /// `https://oapi.dingtalk.com/robot/send?access_token=…`
    pub webhook: String,
    #[serde(skip_serializing)]
    pub secret: String,
    pub updated_by: String,
    pub updated_at: Millis,
}

impl std::fmt::Debug for Robot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Robot")
            .field("region_code", &self.region_code)
            .field("webhook", &redact_token(&self.webhook))
            .field("secret", &if self.secret.is_empty() { "" } else { "***" })
            .finish()
    }
}

/// The webhook with its access token hidden (it grants posting to the group).
pub fn redact_token(url: &str) -> String {
    match url.find("access_token=") {
        Some(i) => format!("{}access_token=***", &url[..i]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::parse_day;

    #[test]
    fn weeks_numbers_and_dates() {
        let wed = parse_day("2021-02-10").unwrap();
        assert_eq!(format_day(week_start(wed)), "2021-02-08");
        let mon = parse_day("2021-02-08").unwrap();
        assert_eq!(week_start(mon), mon);
        let sun = parse_day("2021-02-14").unwrap();
        assert_eq!(week_start(sun), mon);
        assert_eq!(year_of(wed), 2021);
        assert_eq!(number_label(2021, 3), "〔2021〕3号");
        assert_eq!(chinese_date(wed), "2021年2月10日");
        assert_eq!(week_label(mon, sun), "2021年2月8日至2月14日");
    }

    #[test]
    fn robot_secrets_stay_out_of_debug() {
        let r = Robot {
            region_id: 1,
            region_code: "330206000000".into(),
            webhook: "https://oapi.dingtalk.com/robot/send?access_token=abc123".into(),
            secret: "SECabcdef".into(),
            updated_by: String::new(),
            updated_at: 0,
        };
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("SECabcdef") && !shown.contains("abc123"),
            "{shown}"
        );
    }
}
