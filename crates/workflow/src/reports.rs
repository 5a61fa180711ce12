//! The daily report (日报表): each working group's lead unit fills its section
//! for its district and day; the task-force office approves or returns it;
//! approved days are locked (an unlock is audited); totals roll up the
//! region tree; cumulative indicators are computed, never typed.

use std::collections::HashMap;
use std::sync::Arc;

use jinghai_domain::report::{
    clean_sea_daily, correction_line, cst_hour, day_of, format_day, format_value, parse_day,
    parse_value, split_corrections, Day, EntryStatus, FormDef, Milli, ReportEntry, Section,
};
use jinghai_domain::{FieldError, Region, RegionLevel, Role, WorkingGroup};
use jinghai_store::{EntryWrite, ReportForm, Store};

use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// A value suggested from the records (prefill): the reporter sees it in
/// the form with a link to the records behind it, and confirms or corrects
/// it; a submitted value that differs needs a reason ([`SectionInput::reasons`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub indicator: String,
    pub value: Milli,
    /// Where the number comes from, for the form's hint.
    pub source_zh: String,
    pub source_en: String,
    /// The list page of the records counted (see [`crate::records::Behind::link`]).
    pub link: Option<String>,
}

/// A source of suggested values for a district's day: individual cases and
/// ship calls today (issue #8), patrols next. Registered on [`Reports`] with
/// [`Reports::with_prefill`].
#[async_trait::async_trait]
pub trait Prefill: Send + Sync {
    /// Suggestions for the district whose code prefix is `prefix`, on `day`.
    async fn suggest(&self, prefix: &str, day: Day) -> WorkflowResult<Vec<Suggestion>>;
}

/// One section of a district's day, as the entry page shows it.
#[derive(Debug, Clone)]
pub struct SectionView {
    pub section: Section,
    /// Values suggested from the records for this section's indicators.
    pub suggestions: Vec<Suggestion>,
    pub entry: Option<ReportEntry>,
    pub lead_unit_id: Option<i64>,
    /// The signed-in user may fill this section.
    pub can_edit: bool,
    /// Submitted after the deadline hour.
    pub late: bool,
}

/// A district's day: every section with its state.
#[derive(Debug, Clone)]
pub struct DaySheet {
    pub form: ReportForm,
    pub district: Region,
    pub day: Day,
    pub sections: Vec<SectionView>,
    /// Cumulative indicators as of this day, for this district.
    pub cumulative: Vec<(String, Milli)>,
    /// The signed-in user may approve or return sections.
    pub can_review: bool,
}

/// One section that is missing or late on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub day: Day,
    pub district: String,
    pub section: String,
    pub unit_id: Option<i64>,
    /// `None` when nothing was submitted; otherwise the submission was late.
    pub submitted_at: Option<i64>,
}

/// The totals of a region over a period.
#[derive(Debug, Clone)]
pub struct Rollup {
    pub form: ReportForm,
    pub region: Region,
    pub from: Day,
    pub to: Day,
    /// Sum per indicator over the period (counted entries only).
    pub totals: HashMap<String, Milli>,
    /// Cumulative indicators as of the period end.
    pub cumulative: HashMap<String, Milli>,
    /// Sections not submitted (per day, district, section).
    pub missing: Vec<Gap>,
    /// Sections submitted after the deadline hour.
    pub late: Vec<Gap>,
    /// Districts in the region.
    pub districts: usize,
}

impl Rollup {
    /// The value shown for an indicator: a cumulative one as of the period
    /// end, any other as the period's total.
    pub fn value(&self, key: &str) -> Milli {
        self.cumulative
            .get(key)
            .or_else(|| self.totals.get(key))
            .copied()
            .unwrap_or(0)
    }
}

/// One section's values as typed, to save as a draft or submit.
#[derive(Debug, Clone, Default)]
pub struct SectionInput {
    pub district_id: i64,
    pub day: Day,
    pub section: String,
    /// (indicator key, typed text); empty text is zero.
    pub values: Vec<(String, String)>,
    pub notes: String,
    /// (indicator key, reason) for values that differ from the records'
    /// suggestion; required on submit for each such value. Stored as
    /// correction lines in the entry's notes (see
    /// [`jinghai_domain::report::correction_line`]).
    pub reasons: Vec<(String, String)>,
    pub submit: bool,
}

/// The daily-report service.
pub struct Reports {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    prefill: Vec<Arc<dyn Prefill>>,
}

fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> WorkflowError {
    WorkflowError::invalid(FieldError::new(field, zh, en))
}

impl Reports {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Reports {
        Reports {
            store,
            clock,
            prefill: Vec::new(),
        }
    }

    /// Adds a source of suggested values (prefill from records).
    pub fn with_prefill(mut self, p: Arc<dyn Prefill>) -> Reports {
        self.prefill.push(p);
        self
    }

    /// Every source's suggestions for a district (code prefix) and day.
    pub async fn suggestions(&self, prefix: &str, day: Day) -> WorkflowResult<Vec<Suggestion>> {
        let mut out = Vec::new();
        for p in &self.prefill {
            out.extend(p.suggest(prefix, day).await?);
        }
        Ok(out)
    }

    /// The Clean Sea daily form, stored on first use.
    pub async fn default_form(&self) -> WorkflowResult<ReportForm> {
        let def = clean_sea_daily();
        if let Some(f) = self.store.get_report_form(&def.code).await? {
            return Ok(f);
        }
        let id = self
            .store
            .upsert_report_form(
                &jinghai_domain::audit::Actor::system("默认表单 default form"),
                self.clock.now(),
                &def,
            )
            .await?;
        Ok(ReportForm { id, def })
    }

    /// Today's day number (China Standard Time).
    pub fn today(&self) -> Day {
        day_of(self.clock.now())
    }

    async fn district(&self, ctx: &Ctx, district_id: i64) -> WorkflowResult<Region> {
        let d = self.store.get_region(&ctx.scope, district_id).await?;
        if d.level != RegionLevel::District {
            return Err(invalid(
                "district",
                "日报表按区/县填报",
                "the daily report is filled per district",
            ));
        }
        Ok(d)
    }

    async fn leads(
        &self,
        ctx: &Ctx,
        district_id: i64,
    ) -> WorkflowResult<HashMap<WorkingGroup, Option<i64>>> {
        Ok(self
            .store
            .list_group_assignments(&ctx.scope, district_id)
            .await?
            .into_iter()
            .map(|g| (g.group, g.lead_unit_id))
            .collect())
    }

    fn can_review(ctx: &Ctx) -> bool {
        matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin)
    }

    fn is_late(form: &FormDef, e: &ReportEntry) -> bool {
        e.submitted_at
            .is_some_and(|t| t > cst_hour(e.day, form.deadline_hour))
    }

    /// A district's day.
    pub async fn sheet(&self, ctx: &Ctx, district_id: i64, day: Day) -> WorkflowResult<DaySheet> {
        let form = self.default_form().await?;
        let district = self.district(ctx, district_id).await?;
        let leads = self.leads(ctx, district_id).await?;
        let entries = self
            .store
            .list_report_entries(&ctx.scope, form.id, day, day)
            .await?;
        let suggestions = self.suggestions(district.scope_prefix(), day).await?;
        let sections = form
            .def
            .sections
            .iter()
            .map(|s| {
                let entry = entries
                    .iter()
                    .find(|e| e.region_id == district.id && e.section == s.key)
                    .cloned();
                let lead = leads.get(&s.group).copied().flatten();
                let late = entry.as_ref().is_some_and(|e| Self::is_late(&form.def, e));
                SectionView {
                    suggestions: suggestions
                        .iter()
                        .filter(|g| s.indicators.iter().any(|i| i.key == g.indicator))
                        .cloned()
                        .collect(),
                    section: s.clone(),
                    can_edit: ctx.user.role.can_write()
                        && lead.is_some()
                        && ctx.user.unit_id == lead,
                    lead_unit_id: lead,
                    entry,
                    late,
                }
            })
            .collect();
        let cumulative = self
            .cumulative(&form, district.scope_prefix(), day)
            .await?
            .into_iter()
            .collect();
        Ok(DaySheet {
            can_review: Self::can_review(ctx),
            form,
            district,
            day,
            sections,
            cumulative,
        })
    }

    async fn cumulative(
        &self,
        form: &ReportForm,
        prefix: &str,
        to: Day,
    ) -> WorkflowResult<HashMap<String, Milli>> {
        let start = parse_day(&form.def.campaign_start).unwrap_or(0);
        let sums: HashMap<String, Milli> = self
            .store
            .report_rollup(form.id, prefix, start, to)
            .await?
            .into_iter()
            .collect();
        Ok(form
            .def
            .indicators()
            .filter_map(|(_, i)| {
                i.cumulative_of
                    .as_ref()
                    .map(|src| (i.key.clone(), sums.get(src).copied().unwrap_or(0)))
            })
            .collect())
    }

    /// Saves a section as a draft, or submits it.
    pub async fn save(&self, ctx: &Ctx, input: &SectionInput) -> WorkflowResult<ReportEntry> {
        let SectionInput {
            district_id,
            day,
            section: section_key,
            values: raw,
            notes,
            reasons,
            submit,
        } = input;
        let section_key = section_key.as_str();
        let (district_id, day, submit) = (*district_id, *day, *submit);
        let form = self.default_form().await?;
        let district = self.district(ctx, district_id).await?;
        let Some(section) = form.def.section(section_key) else {
            return Err(invalid(
                "section",
                format!("未知的表格部分：{section_key}"),
                format!("unknown section {section_key}"),
            ));
        };
        if day > self.today() {
            return Err(invalid(
                "day",
                format!("不能填报未来的日期：{}", format_day(day)),
                format!("cannot report for a future day: {}", format_day(day)),
            ));
        }
        if day < parse_day(&form.def.campaign_start).unwrap_or(0) {
            return Err(invalid(
                "day",
                "该日期早于行动开始日期",
                "the day is before the campaign started",
            ));
        }
        let lead = self
            .leads(ctx, district_id)
            .await?
            .get(&section.group)
            .copied()
            .flatten();
        if !(ctx.user.role.can_write() && lead.is_some() && ctx.user.unit_id == lead) {
            return Err(WorkflowError::forbidden(
                &format!("“{}”由{}的牵头单位填报", section.zh, section.group.zh()),
                &format!(
                    "{} is filled by the lead unit of {}",
                    section.en,
                    section.group.en()
                ),
            ));
        }
        let mut errs = Vec::new();
        let mut values = Vec::new();
        for (key, text) in raw {
            match section.indicators.iter().find(|i| &i.key == key) {
                None => errs.push(FieldError::new(
                    key.clone(),
                    format!("本部分没有指标 {key}"),
                    format!("no indicator {key} in this section"),
                )),
                Some(i) if i.cumulative_of.is_some() => {
                    if !text.trim().is_empty() {
                        errs.push(FieldError::new(
                            key.clone(),
                            format!("“{}”为累计数，由系统计算，不能填报", i.zh),
                            format!("{} is cumulative and computed, not typed", i.en),
                        ));
                    }
                }
                Some(i) => match parse_value(i, text) {
                    Ok(v) => values.push((key.clone(), v)),
                    Err(e) => errs.push(e),
                },
            }
        }
        if errs.is_empty() {
            if let Err(e) = form.def.validate_section(section_key, &values) {
                errs.extend(e);
            }
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        // A value that differs from what the records say needs a reason on
        // submit (drafts keep what is given); reasons are kept as
        // correction lines after the reporter's own notes.
        let suggestions = self.suggestions(district.scope_prefix(), day).await?;
        let (own_notes, _) = split_corrections(notes);
        let own_notes: String = own_notes.trim().chars().take(2000).collect();
        let mut corrections = Vec::new();
        for g in &suggestions {
            let Some(i) = section.indicators.iter().find(|i| i.key == g.indicator) else {
                continue;
            };
            let value = values
                .iter()
                .find(|(k, _)| *k == i.key)
                .map(|(_, v)| *v)
                .unwrap_or(0);
            if value == g.value {
                continue;
            }
            let reason = reasons
                .iter()
                .find(|(k, _)| *k == i.key)
                .map(|(_, r)| r.trim())
                .unwrap_or("");
            if !reason.is_empty() {
                let reason: String = reason.chars().take(300).collect();
                corrections.push(correction_line(i, g.value, value, &reason));
            } else if submit {
                errs.push(FieldError::new(
                    format!("reason.{}", i.key),
                    format!(
                        "“{}”填报 {}，与系统根据记录预填的 {} 不同：请填写更正理由",
                        i.zh,
                        format_value(i, value),
                        format_value(i, g.value)
                    ),
                    format!(
                        "{}: {} differs from {} counted from the records; give the reason for the correction",
                        i.en,
                        format_value(i, value),
                        format_value(i, g.value)
                    ),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let notes: String = if corrections.is_empty() {
            own_notes
        } else if own_notes.is_empty() {
            corrections.join("\n")
        } else {
            format!("{own_notes}\n{}", corrections.join("\n"))
        };
        let existing = self
            .store
            .list_report_entries(&ctx.scope, form.id, day, day)
            .await?
            .into_iter()
            .find(|e| e.region_id == district.id && e.section == section_key);
        match existing.as_ref().map(|e| e.status) {
            Some(EntryStatus::Approved) => return Err(WorkflowError::forbidden("该日报已审核锁定，如需修改请专班办解锁", "this day is approved and locked; ask the task-force office to unlock it")),
            Some(EntryStatus::Submitted) => return Err(WorkflowError::forbidden("该部分今日已报送，不能重复报送；如需修改请专班办退回", "already submitted for this day; ask the task-force office to return it to change it")),
            _ => {}
        }
        let write = EntryWrite {
            form_id: form.id,
            region_id: district.id,
            section: section_key.to_string(),
            day,
            unit_id: lead,
            status: if submit {
                EntryStatus::Submitted
            } else {
                EntryStatus::Draft
            },
            notes,
            values,
        };
        Ok(self
            .store
            .save_report_entry(&ctx.actor(), self.clock.now(), &write)
            .await?)
    }

    /// One entry, if it is in the caller's regions.
    pub async fn entry(&self, ctx: &Ctx, entry_id: i64) -> WorkflowResult<ReportEntry> {
        Ok(self.store.get_report_entry(&ctx.scope, entry_id).await?)
    }

    /// The office approves (locking it) or returns a submitted section with a comment.
    pub async fn review(
        &self,
        ctx: &Ctx,
        entry_id: i64,
        approve: bool,
        comment: &str,
    ) -> WorkflowResult<ReportEntry> {
        if !Self::can_review(ctx) {
            return Err(WorkflowError::forbidden(
                "只有专班办公室可以审核日报",
                "only the task-force office reviews daily reports",
            ));
        }
        let e = self.store.get_report_entry(&ctx.scope, entry_id).await?;
        if e.status != EntryStatus::Submitted {
            return Err(WorkflowError::forbidden(
                "只能审核已报送的内容",
                "only submitted sections can be reviewed",
            ));
        }
        if !approve && comment.trim().is_empty() {
            return Err(invalid(
                "comment",
                "退回须填写意见",
                "a return needs a comment",
            ));
        }
        let status = if approve {
            EntryStatus::Approved
        } else {
            EntryStatus::Returned
        };
        Ok(self
            .store
            .set_report_status(
                &ctx.actor(),
                self.clock.now(),
                entry_id,
                status,
                Some(ctx.user.id),
                comment.trim(),
            )
            .await?)
    }

    /// The office unlocks an approved section (with a reason, audited).
    pub async fn unlock(
        &self,
        ctx: &Ctx,
        entry_id: i64,
        reason: &str,
    ) -> WorkflowResult<ReportEntry> {
        if !Self::can_review(ctx) {
            return Err(WorkflowError::forbidden(
                "只有专班办公室可以解锁日报",
                "only the task-force office unlocks daily reports",
            ));
        }
        let e = self.store.get_report_entry(&ctx.scope, entry_id).await?;
        if e.status != EntryStatus::Approved {
            return Err(WorkflowError::forbidden(
                "只有已审核的内容需要解锁",
                "only approved sections are locked",
            ));
        }
        if reason.trim().is_empty() {
            return Err(invalid(
                "comment",
                "解锁须说明理由",
                "an unlock needs a reason",
            ));
        }
        Ok(self
            .store
            .set_report_status(
                &ctx.actor(),
                self.clock.now(),
                entry_id,
                EntryStatus::Returned,
                Some(ctx.user.id),
                &format!("解锁：{}", reason.trim()),
            )
            .await?)
    }

    /// Totals of a region (district, city or province) over `from..=to`, with
    /// completeness and timeliness of every district section in it.
    pub async fn rollup(
        &self,
        ctx: &Ctx,
        region_id: i64,
        from: Day,
        to: Day,
    ) -> WorkflowResult<Rollup> {
        if from > to {
            return Err(invalid(
                "from",
                "起始日期不能晚于截止日期",
                "the start must not be after the end",
            ));
        }
        if to - from > 400 {
            return Err(invalid(
                "to",
                "一次最多汇总 400 天",
                "at most 400 days at a time",
            ));
        }
        let form = self.default_form().await?;
        let region = self.store.get_region(&ctx.scope, region_id).await?;
        if region.level > RegionLevel::District {
            return Err(invalid(
                "region",
                "日报表汇总到区/县及以上",
                "the daily report rolls up at district level and above",
            ));
        }
        let prefix = region.scope_prefix().to_string();
        let totals = self
            .store
            .report_rollup(form.id, &prefix, from, to)
            .await?
            .into_iter()
            .collect();
        let cumulative = self.cumulative(&form, &prefix, to).await?;
        // Completeness: every district below, every section, every day (up to today).
        let districts: Vec<Region> = self
            .store
            .list_regions(&ctx.scope)
            .await?
            .into_iter()
            .filter(|r| r.level == RegionLevel::District && region.contains_code(r.code.as_str()))
            .collect();
        let states = self
            .store
            .report_entry_states(&ctx.scope, form.id, from, to)
            .await?;
        let counted: HashMap<(i64, Day, &str), &jinghai_store::EntryState> = states
            .iter()
            .filter(|e| e.status.counts())
            .map(|e| ((e.region_id, e.day, e.section.as_str()), e))
            .collect();
        let deadline = |day: Day| cst_hour(day, form.def.deadline_hour);
        let today = self.today();
        let mut missing = Vec::new();
        let mut late = Vec::new();
        for d in &districts {
            let leads = self.leads(ctx, d.id).await?;
            for day in from..=to.min(today) {
                for s in &form.def.sections {
                    let gap = |submitted_at| Gap {
                        day,
                        district: d.name.clone(),
                        section: s.key.clone(),
                        unit_id: leads.get(&s.group).copied().flatten(),
                        submitted_at,
                    };
                    match counted.get(&(d.id, day, s.key.as_str())) {
                        None => missing.push(gap(None)),
                        Some(e) if e.submitted_at.is_some_and(|t| t > deadline(day)) => {
                            late.push(gap(e.submitted_at))
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        Ok(Rollup {
            form,
            region,
            from,
            to,
            totals,
            cumulative,
            missing,
            late,
            districts: districts.len(),
        })
    }
}
