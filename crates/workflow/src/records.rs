//! The records behind a prefilled number of the daily report (SPEC §5:
//! "each prefilled number links to the records behind it"). Each
//! [`crate::reports::Suggestion`] carries a link to a list page filtered by
//! `?behind=<what>&region=<district prefix>&day=YYYY-MM-DD`; the page asks
//! [`RecordsBehind::ids`] which of its rows those are. The rules here are the
//! counting rules of the prefill sources (`Store::daily_figures`,
//! `case_person_counts`, `ship_call_counts`, `violation_ship_count`, patrol
//! records), so the list shows exactly what was counted, as far as the
//! caller may see it (every read takes the caller's scope).

use std::collections::HashSet;
use std::sync::Arc;

use jinghai_domain::cases::{LinkStatus, StepKind};
use jinghai_domain::individual::CaseKind;
use jinghai_domain::report::{cst_hour, format_day, parse_day, Day};
use jinghai_domain::time::DAY;
use jinghai_domain::FieldError;
use jinghai_store::Store;

use crate::{Ctx, WorkflowError, WorkflowResult};

/// What a prefilled number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind {
    /// Clues registered that day (搜集线索).
    Clues,
    /// Clues registered that day with a link not rejected (线索串并).
    LinkedClues,
    /// Cases filed that day (立案侦查数).
    CasesFiled,
    /// Cases with a coercive-measure step that day.
    Coercive,
    /// Cases with a referral-for-prosecution step that day.
    Prosecution,
    /// Cases with a seizure that day (查获涉案车辆/船舶/人员/物品).
    Seizures,
    /// Individual cases of illegal entrants found that day.
    IllegalEntrants,
    /// Individual cases of sea-rescue entrants found that day.
    RescueEntrants,
    /// Inbound ship calls arriving that day (and their crew).
    ShipCalls,
    /// Ship calls with a violation recorded that day.
    ShipViolations,
    /// Patrol plans with a patrol record started that day.
    Patrols,
}

impl Behind {
    pub const ALL: [Behind; 11] = [
        Behind::Clues,
        Behind::LinkedClues,
        Behind::CasesFiled,
        Behind::Coercive,
        Behind::Prosecution,
        Behind::Seizures,
        Behind::IllegalEntrants,
        Behind::RescueEntrants,
        Behind::ShipCalls,
        Behind::ShipViolations,
        Behind::Patrols,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Behind::Clues => "clues",
            Behind::LinkedClues => "linked_clues",
            Behind::CasesFiled => "cases_filed",
            Behind::Coercive => "coercive",
            Behind::Prosecution => "prosecution",
            Behind::Seizures => "seizures",
            Behind::IllegalEntrants => "illegal_entrants",
            Behind::RescueEntrants => "rescue_entrants",
            Behind::ShipCalls => "ship_calls",
            Behind::ShipViolations => "ship_violations",
            Behind::Patrols => "patrols",
        }
    }

    pub fn parse(s: &str) -> Option<Behind> {
        Behind::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// The list page that shows these records.
    pub fn page(self) -> &'static str {
        match self {
            Behind::Clues | Behind::LinkedClues => "/clues",
            Behind::CasesFiled | Behind::Coercive | Behind::Prosecution | Behind::Seizures => {
                "/cases"
            }
            Behind::IllegalEntrants | Behind::RescueEntrants => "/individual",
            Behind::ShipCalls | Behind::ShipViolations => "/intl",
            Behind::Patrols => "/patrols",
        }
    }

    /// What the filtered list shows, for its heading.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Behind::Clues => ("当日登记的线索", "clues registered that day"),
            Behind::LinkedClues => (
                "当日登记且已串并的线索",
                "clues registered that day and linked",
            ),
            Behind::CasesFiled => ("当日立案的案件", "cases filed that day"),
            Behind::Coercive => (
                "当日采取强制措施的案件",
                "cases with coercive measures that day",
            ),
            Behind::Prosecution => (
                "当日起送审查起诉的案件",
                "cases referred for prosecution that day",
            ),
            Behind::Seizures => ("当日有查获的案件", "cases with seizures that day"),
            Behind::IllegalEntrants => (
                "当日登记的非法入境个案",
                "illegal-entrant cases recorded that day",
            ),
            Behind::RescueEntrants => (
                "当日登记的海上求助入境个案",
                "sea-rescue cases recorded that day",
            ),
            Behind::ShipCalls => ("当日抵港的入境船舶", "ships arriving that day"),
            Behind::ShipViolations => (
                "当日有违规记录的入境船舶",
                "ships with a violation recorded that day",
            ),
            Behind::Patrols => (
                "当日有巡航记录的巡航计划",
                "patrol plans with a patrol that day",
            ),
        }
    }

    /// The link to the records behind a district's number of `day`.
    pub fn link(self, district_prefix: &str, day: Day) -> String {
        format!(
            "{}?behind={}&region={district_prefix}&day={}",
            self.page(),
            self.as_str(),
            format_day(day)
        )
    }
}

/// A parsed `?behind=&region=&day=` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BehindFilter {
    pub behind: Behind,
    pub region_prefix: String,
    pub day: Day,
}

impl BehindFilter {
    /// Parses the three query values; `None` when `behind` is absent, a
    /// clear error for anything malformed.
    pub fn parse(
        behind: Option<&str>,
        region: Option<&str>,
        day: Option<&str>,
    ) -> WorkflowResult<Option<BehindFilter>> {
        let Some(b) = behind.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let mut errs = Vec::new();
        let what = Behind::parse(b);
        if what.is_none() {
            errs.push(FieldError::new(
                "behind",
                format!("未知的记录类别：{b}"),
                format!("unknown kind of records: {b}"),
            ));
        }
        let region = region.unwrap_or("").trim();
        if region.len() < 2 || region.len() > 12 || !region.bytes().all(|c| c.is_ascii_digit()) {
            errs.push(FieldError::new(
                "region",
                format!("区划代码应为 2 到 12 位数字，收到“{region}”"),
                format!("the region code must be 2 to 12 digits, not “{region}”"),
            ));
        }
        let day_text = day.unwrap_or("").trim();
        let parsed = parse_day(day_text);
        if parsed.is_none() {
            errs.push(FieldError::new(
                "day",
                format!("日期格式应为 YYYY-MM-DD，收到“{day_text}”"),
                format!("the day must be YYYY-MM-DD, not “{day_text}”"),
            ));
        }
        match (what, parsed) {
            (Some(behind), Some(day)) if errs.is_empty() => Ok(Some(BehindFilter {
                behind,
                region_prefix: region.to_string(),
                day,
            })),
            _ => Err(WorkflowError::Invalid(errs)),
        }
    }
}

pub struct RecordsBehind {
    store: Arc<dyn Store>,
}

impl RecordsBehind {
    pub fn new(store: Arc<dyn Store>) -> RecordsBehind {
        RecordsBehind { store }
    }

    /// The ids of the records behind the number (clue, case, individual
    /// case, ship call or patrol plan ids, by [`Behind::page`]) that the
    /// caller may see.
    pub async fn ids(&self, ctx: &Ctx, f: &BehindFilter) -> WorkflowResult<HashSet<i64>> {
        let in_region = |code: &str| code.starts_with(&f.region_prefix);
        let (from, to) = (cst_hour(f.day, 0), cst_hour(f.day, 0) + DAY);
        let on_day = |t: i64| (from..to).contains(&t);
        let mut out = HashSet::new();
        match f.behind {
            Behind::Clues | Behind::LinkedClues => {
                for c in self.store.list_clues(&ctx.scope, 5000).await? {
                    if !(in_region(&c.region_code) && on_day(c.created_at)) {
                        continue;
                    }
                    if f.behind == Behind::LinkedClues
                        && !self
                            .store
                            .clue_links(c.id)
                            .await?
                            .iter()
                            .any(|l| l.status != LinkStatus::Rejected)
                    {
                        continue;
                    }
                    out.insert(c.id);
                }
            }
            Behind::CasesFiled | Behind::Coercive | Behind::Prosecution | Behind::Seizures => {
                for k in self.store.list_cases(&ctx.scope, 5000).await? {
                    if !in_region(&k.region_code) {
                        continue;
                    }
                    let step = |kind: StepKind| async move {
                        Ok::<bool, WorkflowError>(
                            self.store
                                .case_steps(k.id)
                                .await?
                                .iter()
                                .any(|s| s.kind == kind && s.day == f.day),
                        )
                    };
                    let behind = match f.behind {
                        Behind::CasesFiled => k.filed_on == f.day,
                        Behind::Coercive => step(StepKind::Coercive).await?,
                        Behind::Prosecution => step(StepKind::Prosecution).await?,
                        _ => self
                            .store
                            .seizures(k.id)
                            .await?
                            .iter()
                            .any(|s| s.seized_on == f.day),
                    };
                    if behind {
                        out.insert(k.id);
                    }
                }
            }
            Behind::IllegalEntrants | Behind::RescueEntrants => {
                let kind = if f.behind == Behind::IllegalEntrants {
                    CaseKind::IllegalEntrant
                } else {
                    CaseKind::SeaRescue
                };
                for c in self.store.list_cases_individual(&ctx.scope).await? {
                    if in_region(&c.region_code) && c.kind == kind && on_day(c.found_at) {
                        out.insert(c.id);
                    }
                }
            }
            Behind::ShipCalls => {
                for c in self.store.list_ship_calls(&ctx.scope, from, to).await? {
                    if in_region(&c.region_code) && on_day(c.arrival_at) {
                        out.insert(c.id);
                    }
                }
            }
            Behind::ShipViolations => {
                for c in self.store.list_ship_calls(&ctx.scope, 0, i64::MAX).await? {
                    if in_region(&c.region_code)
                        && self
                            .store
                            .list_violations(c.id)
                            .await?
                            .iter()
                            .any(|v| on_day(v.at))
                    {
                        out.insert(c.id);
                    }
                }
            }
            Behind::Patrols => {
                for r in self
                    .store
                    .list_patrol_records_between(&ctx.scope, &f.region_prefix, from, to)
                    .await?
                {
                    out.insert(r.plan_id);
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_through_the_filter() {
        let day = parse_day("2021-02-10").unwrap();
        for b in Behind::ALL {
            let link = b.link("330206", day);
            assert!(link.starts_with(b.page()), "{link}");
            let q: std::collections::HashMap<&str, &str> = link
                .split_once('?')
                .unwrap()
                .1
                .split('&')
                .map(|kv| kv.split_once('=').unwrap())
                .collect();
            let f = BehindFilter::parse(
                q.get("behind").copied(),
                q.get("region").copied(),
                q.get("day").copied(),
            )
            .unwrap()
            .unwrap();
            assert_eq!(
                (f.behind, f.region_prefix.as_str(), f.day),
                (b, "330206", day)
            );
        }
        assert_eq!(BehindFilter::parse(None, Some("x"), None).unwrap(), None);
        let Err(WorkflowError::Invalid(errs)) =
            BehindFilter::parse(Some("nothing"), Some("33x"), Some("2021-13-01"))
        else {
            panic!()
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["behind", "region", "day"]);
    }
}
