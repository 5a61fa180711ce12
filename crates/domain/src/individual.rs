//! Individual case handling (个案处置, seed 001 §三(八), seed 000 §四(二)9)
//! and closed-loop quarantine (seed 003 §三(三)): a found illegal entrant,
//! smuggler or sea-rescue entrant — and a crew change, which ends in the same
//! quarantine — goes through ordered steps, each with its owner and time;
//! quarantine lasts 14 days (configurable) and needs 2 nucleic-acid and 1
//! serum test, all negative, before release. A person with a missed test or
//! without a current location is lost from control (失管漏管) at once.

use serde::{Deserialize, Serialize};

use crate::time::{Millis, DAY, HOUR};
use crate::validate::FieldError;

string_enum! {
    /// What was found.
    CaseKind {
        IllegalEntrant = "illegal_entrant", "非法入境人员", "Illegal entrant";
        Smuggler = "smuggler", "走私人员", "Smuggler";
        SeaRescue = "sea_rescue", "海上求助入境人员", "Entrant by sea rescue";
        CrewChange = "crew_change", "船员换班", "Crew change";
    }
}

string_enum! {
    /// A person's health as found.
    Health {
        Normal = "normal", "健康无异常", "Normal";
        Abnormal = "abnormal", "健康异常", "Abnormal";
    }
}

string_enum! {
    /// The steps of a case, each recorded with its unit, owner and time.
    StepKind {
        FirstReport = "first_report", "首报区境外疫情输入防控工作组", "First report to the district working group";
        Escalation = "escalation", "重大事项报省值班组", "Escalated to the provincial duty group";
        Application = "application", "换班申请受理", "Crew-change application accepted";
        HealthCheck = "health_check", "健康检查", "Health check";
        Diagnosis = "diagnosis", "医学诊断", "Medical diagnosis";
        Testing = "testing", "核酸检测", "Nucleic-acid testing";
        Transfer = "transfer", "专车点对点转运", "Dedicated point-to-point transfer";
        Isolation = "isolation", "指定医院隔离", "Isolation at the designated hospital";
        Treatment = "treatment", "诊治", "Treatment";
        Quarantine = "quarantine", "集中隔离点闭环管理", "Closed-loop quarantine at the designated site";
        Release = "release", "解除隔离放行", "Released";
    }
}

string_enum! {
    /// A test taken in quarantine.
    TestKind {
        Nucleic = "nucleic", "核酸检测", "Nucleic-acid test";
        Serum = "serum", "血清检测", "Serum test";
    }
}

string_enum! {
    /// Where a case stands.
    CaseStatus {
        Open = "open", "处置中", "In progress";
        Released = "released", "已放行结案", "Released, closed";
    }
}

pub use crate::intl::TestResult;

/// The ordered steps of a kind of case. The second value says whether the
/// step is needed only when someone's health is abnormal (seed 000 §四(二)9:
/// abnormal persons go to the designated hospital by dedicated vehicle for
/// isolation and treatment, then to closed-loop quarantine).
pub fn flow(kind: CaseKind) -> &'static [(StepKind, bool)] {
    use StepKind::*;
    match kind {
        CaseKind::CrewChange => &[
            (Application, false),
            (Testing, false),
            (Transfer, false),
            (Quarantine, false),
            (Release, false),
        ],
        _ => &[
            (FirstReport, false),
            (HealthCheck, false),
            (Diagnosis, true),
            (Transfer, false),
            (Isolation, true),
            (Treatment, true),
            (Quarantine, false),
            (Release, false),
        ],
    }
}

/// Whether `step` may be recorded now: it belongs to the case's flow (the
/// escalation to the province may be recorded at any time, once), it was not
/// recorded before, and every step it needs before it is recorded. Release
/// has its own check ([`release_blocks`]).
pub fn can_record(
    kind: CaseKind,
    step: StepKind,
    done: &[StepKind],
    any_abnormal: bool,
) -> Result<(), FieldError> {
    if done.contains(&step) {
        return Err(FieldError::new(
            "step",
            format!("“{}”已记录", step.zh()),
            format!("{} is already recorded", step.en()),
        ));
    }
    if step == StepKind::Escalation {
        return Ok(());
    }
    let f = flow(kind);
    let Some(pos) = f.iter().position(|(s, _)| *s == step) else {
        return Err(FieldError::new(
            "step",
            format!("“{}”不属于{}的处置流程", step.zh(), kind.zh()),
            format!("{} is not a step of a {} case", step.en(), kind.en()),
        ));
    };
    if let Some((missing, _)) = f[..pos]
        .iter()
        .find(|(s, only_abnormal)| (!only_abnormal || any_abnormal) && !done.contains(s))
    {
        return Err(FieldError::new(
            "step",
            format!("须先完成“{}”", missing.zh()),
            format!("{} must be recorded first", missing.en()),
        ));
    }
    if f[pos].1 && !any_abnormal {
        return Err(FieldError::new(
            "step",
            format!("“{}”仅适用于健康异常人员", step.zh()),
            format!(
                "{} applies only when someone's health is abnormal",
                step.en()
            ),
        ));
    }
    Ok(())
}

/// The closed-loop quarantine rules (seed 003: 14 days, 2 nucleic-acid and 1
/// serum test before release). `schedule` says by how many hours after the
/// quarantine start each test is due; a test not taken by then is missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineRules {
    pub days: i64,
    pub schedule: Vec<(TestKind, i64)>,
}

impl Default for QuarantineRules {
    /// 14 days; the first nucleic-acid test within the first day, the second
    /// and the serum test by the end of day 13, so results are in for day 14.
    fn default() -> Self {
        QuarantineRules::with_days(14)
    }
}

impl QuarantineRules {
    /// The same schedule shape for another length (configurable, at least 2 days).
    pub fn with_days(days: i64) -> Self {
        let days = days.max(2);
        QuarantineRules {
            days,
            schedule: vec![
                (TestKind::Nucleic, 24),
                (TestKind::Nucleic, (days - 1) * 24),
                (TestKind::Serum, (days - 1) * 24),
            ],
        }
    }

    pub fn required(&self, kind: TestKind) -> usize {
        self.schedule.iter().filter(|(k, _)| *k == kind).count()
    }

    pub fn ends_at(&self, start: Millis) -> Millis {
        start + self.days * DAY
    }
}

/// A test as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestRecord {
    pub kind: TestKind,
    pub taken_at: Millis,
    pub result: TestResult,
}

/// Why someone cannot be released yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseBlock {
    NotInQuarantine,
    TooEarly {
        ends_at: Millis,
    },
    TestsMissing {
        kind: TestKind,
        have: usize,
        need: usize,
    },
    Positive,
}

impl ReleaseBlock {
    pub fn to_error(&self, person: &str) -> FieldError {
        match self {
            ReleaseBlock::NotInQuarantine => FieldError::new(
                "release",
                format!("{person}尚未进入集中隔离"),
                format!("{person} is not in quarantine"),
            ),
            ReleaseBlock::TooEarly { ends_at } => FieldError::new(
                "release",
                format!(
                    "{person}隔离期未满，{} 后方可解除",
                    crate::time::format_local_minutes(*ends_at)
                ),
                format!(
                    "{person}'s quarantine ends at {}",
                    crate::time::format_local_minutes(*ends_at)
                ),
            ),
            ReleaseBlock::TestsMissing { kind, have, need } => FieldError::new(
                "release",
                format!("{person}{}阴性结果 {have} 次，需 {need} 次", kind.zh()),
                format!("{person}: {have} negative {} of {need} needed", kind.en()),
            ),
            ReleaseBlock::Positive => FieldError::new(
                "release",
                format!("{person}检测阳性，不能解除隔离"),
                format!("{person} tested positive and cannot be released"),
            ),
        }
    }
}

/// What stands between a person in quarantine and release.
pub fn release_blocks(
    rules: &QuarantineRules,
    start: Option<Millis>,
    tests: &[TestRecord],
    now: Millis,
) -> Vec<ReleaseBlock> {
    let Some(start) = start else {
        return vec![ReleaseBlock::NotInQuarantine];
    };
    let mut out = Vec::new();
    if now < rules.ends_at(start) {
        out.push(ReleaseBlock::TooEarly {
            ends_at: rules.ends_at(start),
        });
    }
    for kind in TestKind::ALL {
        let need = rules.required(*kind);
        let have = tests
            .iter()
            .filter(|t| t.kind == *kind && t.result == TestResult::Negative && t.taken_at >= start)
            .count();
        if have < need {
            out.push(ReleaseBlock::TestsMissing {
                kind: *kind,
                have,
                need,
            });
        }
    }
    if tests.iter().any(|t| t.result == TestResult::Positive) {
        out.push(ReleaseBlock::Positive);
    }
    out
}

/// Why a person counts as lost from control (失管漏管).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum ControlFlag {
    /// No current location on record.
    NoLocation,
    /// A scheduled test was not taken by its due time.
    MissedTest { kind: TestKind, due_at: Millis },
}

impl ControlFlag {
    pub fn zh(&self) -> String {
        match self {
            ControlFlag::NoLocation => "失管漏管：无当前位置".into(),
            ControlFlag::MissedTest { kind, due_at } => format!(
                "失管漏管：{}逾期未做（应于 {} 前）",
                kind.zh(),
                crate::time::format_local_minutes(*due_at)
            ),
        }
    }
    pub fn en(&self) -> String {
        match self {
            ControlFlag::NoLocation => "Lost from control: no current location".into(),
            ControlFlag::MissedTest { kind, due_at } => format!(
                "Lost from control: {} missed (due {})",
                kind.en(),
                crate::time::format_local_minutes(*due_at)
            ),
        }
    }
}

/// Whether a person not yet released is lost from control, now. The k-th
/// scheduled test of a kind is missed when its due time has passed and fewer
/// than k tests of that kind were taken since the quarantine started.
pub fn control_flags(
    rules: &QuarantineRules,
    location: &str,
    quarantine_start: Option<Millis>,
    released: bool,
    tests: &[TestRecord],
    now: Millis,
) -> Vec<ControlFlag> {
    if released {
        return Vec::new();
    }
    let mut out = Vec::new();
    if location.trim().is_empty() {
        out.push(ControlFlag::NoLocation);
    }
    if let Some(start) = quarantine_start {
        for kind in TestKind::ALL {
            let taken = tests
                .iter()
                .filter(|t| t.kind == *kind && t.taken_at >= start && t.taken_at <= now)
                .count();
            let due: Vec<Millis> = rules
                .schedule
                .iter()
                .filter(|(k, _)| k == kind)
                .map(|(_, h)| start + h * HOUR)
                .filter(|due| *due < now)
                .collect();
            if let Some(first_missed) = due.get(taken) {
                out.push(ControlFlag::MissedTest {
                    kind: *kind,
                    due_at: *first_missed,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use StepKind::*;

    #[test]
    fn steps_follow_the_flow() {
        let k = CaseKind::IllegalEntrant;
        let cases: &[(StepKind, &[StepKind], bool, bool)] = &[
            (FirstReport, &[], false, true),
            (HealthCheck, &[], false, false),
            (HealthCheck, &[FirstReport], false, true),
            (Transfer, &[FirstReport, HealthCheck], false, true),
            // Abnormal health: diagnosis comes before the transfer.
            (Transfer, &[FirstReport, HealthCheck], true, false),
            (Diagnosis, &[FirstReport, HealthCheck], true, true),
            (Diagnosis, &[FirstReport, HealthCheck], false, false),
            (
                Quarantine,
                &[FirstReport, HealthCheck, Diagnosis, Transfer, Isolation],
                true,
                false,
            ),
            (
                Quarantine,
                &[
                    FirstReport,
                    HealthCheck,
                    Diagnosis,
                    Transfer,
                    Isolation,
                    Treatment,
                ],
                true,
                true,
            ),
            (Escalation, &[], false, true),
            (Escalation, &[Escalation], false, false),
            (FirstReport, &[FirstReport], false, false),
            (Application, &[], false, false),
        ];
        for (step, done, abnormal, ok) in cases {
            assert_eq!(
                can_record(k, *step, done, *abnormal).is_ok(),
                *ok,
                "{step:?} after {done:?} abnormal={abnormal}"
            );
        }
        assert!(can_record(CaseKind::CrewChange, Application, &[], false).is_ok());
        assert!(can_record(CaseKind::CrewChange, Transfer, &[Application], false).is_err());
        assert!(can_record(CaseKind::CrewChange, FirstReport, &[], false).is_err());
    }

    fn t(kind: TestKind, at: Millis, result: TestResult) -> TestRecord {
        TestRecord {
            kind,
            taken_at: at,
            result,
        }
    }

    #[test]
    fn release_needs_14_days_two_nucleic_one_serum() {
        use TestKind::*;
        use TestResult::*;
        let r = QuarantineRules::default();
        let s = 1000 * DAY;
        let ok = [
            t(Nucleic, s + HOUR, Negative),
            t(Nucleic, s + 13 * DAY, Negative),
            t(Serum, s + 13 * DAY, Negative),
        ];
        assert!(release_blocks(&r, Some(s), &ok, s + 14 * DAY).is_empty());
        assert_eq!(
            release_blocks(&r, Some(s), &ok, s + 14 * DAY - 1),
            [ReleaseBlock::TooEarly {
                ends_at: s + 14 * DAY
            }]
        );
        assert_eq!(
            release_blocks(&r, Some(s), &ok[..2], s + 14 * DAY),
            [ReleaseBlock::TestsMissing {
                kind: Serum,
                have: 0,
                need: 1
            }]
        );
        let pending = [
            ok[0].clone(),
            t(Nucleic, s + 13 * DAY, Pending),
            ok[2].clone(),
        ];
        assert_eq!(
            release_blocks(&r, Some(s), &pending, s + 14 * DAY),
            [ReleaseBlock::TestsMissing {
                kind: Nucleic,
                have: 1,
                need: 2
            }]
        );
        let positive = [
            ok[0].clone(),
            ok[1].clone(),
            t(Serum, s + 13 * DAY, Positive),
        ];
        assert!(
            release_blocks(&r, Some(s), &positive, s + 14 * DAY).contains(&ReleaseBlock::Positive)
        );
        assert_eq!(
            release_blocks(&r, None, &ok, s),
            [ReleaseBlock::NotInQuarantine]
        );
        // Configurable length.
        let r7 = QuarantineRules::with_days(7);
        assert!(release_blocks(&r7, Some(s), &ok, s + 7 * DAY).is_empty());
    }

    #[test]
    fn lost_from_control_at_once() {
        use TestKind::*;
        use TestResult::*;
        let r = QuarantineRules::default();
        let s = 1000 * DAY;
        // Before the first test is due: nothing.
        assert!(control_flags(&r, "隔离点 301", Some(s), false, &[], s + 24 * HOUR).is_empty());
        // One millisecond after it is due: flagged.
        assert_eq!(
            control_flags(&r, "隔离点 301", Some(s), false, &[], s + 24 * HOUR + 1),
            [ControlFlag::MissedTest {
                kind: Nucleic,
                due_at: s + 24 * HOUR
            }]
        );
        let first = [t(Nucleic, s + 2 * HOUR, Negative)];
        assert!(control_flags(&r, "隔离点 301", Some(s), false, &first, s + 5 * DAY).is_empty());
        // Day 13 passes without the second nucleic and the serum test.
        assert_eq!(
            control_flags(&r, "隔离点 301", Some(s), false, &first, s + 13 * DAY + 1).len(),
            2
        );
        // No location: flagged even before quarantine.
        assert_eq!(
            control_flags(&r, " ", None, false, &[], s),
            [ControlFlag::NoLocation]
        );
        // Released persons are not followed any more.
        assert!(control_flags(&r, "", Some(s), true, &[], s + 20 * DAY).is_empty());
    }
}
