//! Escalation and deadlines (the 24-hour duty desk): the rule table from the
//! seeds and how a tracked deadline stands at a given time.
//!
//! - seed 000 §四(一): major matters to the provincial duty group within 24 h;
//! - seed 001 §四(二): attempted or actual illegal entry reported at once,
//!   working groups report daily;
//! - seed 000 §三(二): risk rectification progress weekly.

use serde::{Deserialize, Serialize};

use crate::time::{Millis, DAY, HOUR, MINUTE};

string_enum! {
    /// The deadline rules.
    DeadlineRule {
        FirstReport = "first_report", "非法入境信息第一时间上报区工作组", "Illegal entry reported to the district working group at once";
        MajorToProvince = "major_to_province", "重大事项24小时内报省值班组", "Major matter reported to the provincial duty group within 24 h";
        DailyReport = "daily_report", "工作组每日按时报送日报表", "Working groups' daily report by the set hour";
        RiskWeekly = "risk_weekly", "风险整改每周报送进展", "Risk rectification progress every week";
    }
}

/// How long a rule allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// Within this many milliseconds of the start.
    Within(Millis),
    /// By this hour (China Standard Time) of the start's day.
    ByHourOfDay(u8),
}

/// One row of the rule table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleDef {
    pub rule: DeadlineRule,
    pub window: Window,
    /// Where the rule comes from.
    pub source: &'static str,
}

/// "At once" (第一时间) read as one hour: long enough to write the first
/// report, short enough that a late one is visibly late on the desk.
pub const AT_ONCE: Millis = 60 * MINUTE;

/// The rule table. The daily report's hour is the form's `deadline_hour`
/// (18:00 for the Clean Sea form); the table names the default.
pub const RULES: &[RuleDef] = &[
    RuleDef {
        rule: DeadlineRule::FirstReport,
        window: Window::Within(AT_ONCE),
        source: "seed 001 §四(二)",
    },
    RuleDef {
        rule: DeadlineRule::MajorToProvince,
        window: Window::Within(24 * HOUR),
        source: "seed 000 §四(一)",
    },
    RuleDef {
        rule: DeadlineRule::DailyReport,
        window: Window::ByHourOfDay(18),
        source: "seed 001 §四(二)",
    },
    RuleDef {
        rule: DeadlineRule::RiskWeekly,
        window: Window::Within(7 * DAY),
        source: "seed 000 §三(二)",
    },
];

pub fn rule_def(rule: DeadlineRule) -> RuleDef {
    RULES
        .iter()
        .copied()
        .find(|r| r.rule == rule)
        .unwrap_or(RuleDef {
            rule,
            window: Window::Within(24 * HOUR),
            source: "",
        })
}

/// When a deadline of `rule` started at `start` is due.
pub fn due_at(rule: DeadlineRule, start: Millis) -> Millis {
    match rule_def(rule).window {
        Window::Within(ms) => start + ms,
        Window::ByHourOfDay(h) => crate::report::cst_hour(crate::report::day_of(start), h),
    }
}

string_enum! {
    /// Where a tracked deadline stands.
    DeadlineState {
        Pending = "pending", "未到期", "Due later";
        Overdue = "overdue", "已逾期", "Overdue";
        OnTime = "on_time", "按时完成", "Done on time";
        Late = "late", "逾期完成", "Done late";
    }
}

/// How a deadline stands at `now`.
pub fn state(due_at: Millis, done_at: Option<Millis>, now: Millis) -> DeadlineState {
    match done_at {
        Some(d) if d <= due_at => DeadlineState::OnTime,
        Some(_) => DeadlineState::Late,
        None if now > due_at => DeadlineState::Overdue,
        None => DeadlineState::Pending,
    }
}

/// A deadline tracked for one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub id: i64,
    pub rule: DeadlineRule,
    pub region_id: i64,
    pub region_code: String,
    /// The unit that must act (and is notified when it is overdue).
    pub unit_id: Option<i64>,
    /// The kind of record (`individual_case`, `major_matter` …) and its id.
    pub subject: String,
    pub subject_id: i64,
    pub title: String,
    pub started_at: Millis,
    pub due_at: Millis,
    pub done_at: Option<Millis>,
    pub done_note: String,
    pub notified_at: Option<Millis>,
}

impl Deadline {
    pub fn state(&self, now: Millis) -> DeadlineState {
        state(self.due_at, self.done_at, now)
    }
}

/// An in-app notice to a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub unit_id: i64,
    pub region_code: String,
    pub deadline_id: Option<i64>,
    pub zh: String,
    pub en: String,
    pub created_at: Millis,
    pub read_at: Option<Millis>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times_from_the_rule_table() {
        let start = crate::time::parse_rfc3339("2021-02-10T09:30:00+08:00").unwrap();
        let cases = [
            (DeadlineRule::FirstReport, "2021-02-10T10:30:00+08:00"),
            (DeadlineRule::MajorToProvince, "2021-02-11T09:30:00+08:00"),
            (DeadlineRule::DailyReport, "2021-02-10T18:00:00+08:00"),
            (DeadlineRule::RiskWeekly, "2021-02-17T09:30:00+08:00"),
        ];
        for (rule, want) in cases {
            assert_eq!(
                due_at(rule, start),
                crate::time::parse_rfc3339(want).unwrap(),
                "{rule:?}"
            );
        }
        assert_eq!(RULES.len(), DeadlineRule::ALL.len());
    }

    #[test]
    fn states() {
        let cases = [
            (100, None, 100, DeadlineState::Pending),
            (100, None, 101, DeadlineState::Overdue),
            (100, Some(100), 500, DeadlineState::OnTime),
            (100, Some(101), 500, DeadlineState::Late),
        ];
        for (due, done, now, want) in cases {
            assert_eq!(state(due, done, now), want, "{due} {done:?} {now}");
        }
    }
}
