//! Individual case handling (个案处置) and closed-loop quarantine: a case is
//! recorded by any unit with its persons; its steps follow
//! [`jinghai_domain::individual::flow`], each with the unit, the person in
//! charge and the time; recording a found entrant starts its deadlines (first
//! report at once, the province within 24 h — [`crate::duty`]); quarantine
//! tests are recorded per person; release is refused until
//! [`release_blocks`] is empty for everyone; a missed test or a missing
//! location shows as 失管漏管 the moment it happens (computed against the
//! injected clock). A crew change (船员换班) is a case of its own kind,
//! opened from a ship call with the crew members who sign off.

use std::sync::Arc;

use jinghai_domain::duty::{due_at, DeadlineRule};
use jinghai_domain::individual::{
    can_record, control_flags, flow, release_blocks, CaseKind, CaseStatus, ControlFlag, Health,
    QuarantineRules, ReleaseBlock, StepKind, TestKind, TestRecord,
};
use jinghai_domain::intl::{parse_local_time, split_csv, TestResult};
use jinghai_domain::time::Millis;
use jinghai_domain::validate::required_text;
use jinghai_domain::{Agency, FieldError, Scope};
use jinghai_store::{
    CasePerson, CaseStep, CaseTest, IndCase, NewCase, NewDeadline, NewPerson, NewStep, Store,
    StoreError,
};

use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// The subject name of individual cases in the deadline table.
pub const SUBJECT: &str = "individual_case";

/// A case as typed into the form.
#[derive(Debug, Clone, Default)]
pub struct CaseInput {
    pub region_id: Option<i64>,
    pub kind: String,
    /// `YYYY-MM-DD HH:MM`; empty is now.
    pub found_at: String,
    pub found_by_unit_id: Option<i64>,
    pub place: String,
    pub source_ref: String,
    pub summary: String,
    /// A major matter for the province (always, for an illegal entrant).
    pub major: bool,
    /// One person per line: name, gender, nationality, id number, health
    /// (正常/异常 or normal/abnormal), current location.
    pub persons: String,
}

/// A step as typed.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub step: String,
    /// `YYYY-MM-DD HH:MM`; empty is now.
    pub at: String,
    pub unit_id: Option<i64>,
    pub owner: String,
    pub result: String,
    /// The designated quarantine site (for the quarantine step).
    pub site: String,
}

/// A quarantine test as typed.
#[derive(Debug, Clone, Default)]
pub struct TestInput {
    pub person_id: Option<i64>,
    pub kind: String,
    /// `YYYY-MM-DD HH:MM`; empty is now.
    pub taken_at: String,
    pub result: String,
    pub unit_id: Option<i64>,
}

/// A person of a case with their tests and flags.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub person: CasePerson,
    pub tests: Vec<CaseTest>,
    /// 失管漏管 flags, now.
    pub flags: Vec<ControlFlag>,
    pub release_blocks: Vec<ReleaseBlock>,
}

/// A case with everything its page shows.
#[derive(Debug, Clone)]
pub struct CaseDetail {
    pub case: IndCase,
    pub persons: Vec<PersonView>,
    pub steps: Vec<CaseStep>,
    pub deadlines: Vec<jinghai_domain::duty::Deadline>,
    /// Steps that may be recorded now.
    pub next_steps: Vec<StepKind>,
    pub can_write: bool,
    pub rules: QuarantineRules,
}

/// A case in the list.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub case: IndCase,
    pub persons: usize,
    pub lost: usize,
    pub next_steps: Vec<StepKind>,
}

/// A person lost from control, for the duty desk.
#[derive(Debug, Clone)]
pub struct LostPerson {
    pub case: IndCase,
    pub person: CasePerson,
    pub flags: Vec<ControlFlag>,
}

pub struct Individual {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    rules: QuarantineRules,
}

fn field(f: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(f, zh, en)
}

fn read_only() -> WorkflowError {
    WorkflowError::forbidden(
        "只读账号不能办理个案",
        "read-only accounts cannot handle cases",
    )
}

fn test_records(tests: &[CaseTest], person_id: i64) -> Vec<TestRecord> {
    tests
        .iter()
        .filter(|t| t.person_id == person_id)
        .map(|t| TestRecord {
            kind: t.kind,
            taken_at: t.taken_at,
            result: t.result,
        })
        .collect()
}

/// Parses the persons textarea.
pub fn parse_persons(text: &str) -> Result<Vec<NewPerson>, Vec<FieldError>> {
    let rows = split_csv(text).map_err(|e| vec![field("persons", e.zh, e.en)])?;
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for (line, row) in rows {
        let get = |i: usize| row.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        let name = get(0);
        if name.is_empty() {
            errs.push(field(
                "persons",
                format!("人员第 {line} 行缺少姓名（不详可填“不详1”）"),
                format!("person line {line} has no name (write 'unknown 1' if unknown)"),
            ));
            continue;
        }
        let health = match get(4).as_str() {
            "" | "正常" | "normal" | "健康" => Health::Normal,
            "异常" | "abnormal" => Health::Abnormal,
            other => {
                errs.push(field(
                    "persons",
                    format!("人员第 {line} 行健康状况应为“正常”或“异常”：{other}"),
                    format!("person line {line}: health must be normal or abnormal: {other}"),
                ));
                continue;
            }
        };
        out.push(NewPerson {
            name,
            gender: get(1),
            nationality: get(2),
            id_no: get(3),
            health,
            health_note: String::new(),
            current_location: get(5),
        });
    }
    if out.is_empty() && errs.is_empty() {
        errs.push(field(
            "persons",
            "请至少登记一名人员：姓名,性别,国籍,证件号,健康(正常/异常),当前位置",
            "list at least one person: name, gender, nationality, id number, health (normal/abnormal), current location",
        ));
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

impl Individual {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Individual {
        Individual {
            store,
            clock,
            rules: QuarantineRules::default(),
        }
    }

    /// Sets the quarantine length (days; the test schedule follows it).
    pub fn with_quarantine_days(mut self, days: u32) -> Individual {
        self.rules = QuarantineRules::with_days(days as i64);
        self
    }

    pub fn rules(&self) -> &QuarantineRules {
        &self.rules
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    fn time_or_now(&self, f: &str, s: &str, not_before: Millis) -> Result<Millis, FieldError> {
        let now = self.clock.now();
        match s.trim() {
            "" => Ok(now),
            t => match parse_local_time(t) {
                Some(ms) if ms > now => Err(field(
                    f,
                    "时间不能晚于现在",
                    "the time cannot be in the future",
                )),
                // Typed times have minutes only: compare at that precision.
                Some(ms) if ms < not_before.saturating_sub(not_before.rem_euclid(60_000)) => {
                    Err(field(
                        f,
                        "时间不能早于发现时间",
                        "the time cannot be before the case was found",
                    ))
                }
                Some(ms) => Ok(ms),
                None => Err(field(
                    f,
                    format!("时间格式应为 YYYY-MM-DD HH:MM：{t}"),
                    format!("time must be YYYY-MM-DD HH:MM: {t}"),
                )),
            },
        }
    }

    /// The task-force office of the district a region belongs to: who
    /// escalates to the province.
    async fn district_office(&self, region_code: &str) -> WorkflowResult<Option<i64>> {
        let district = format!("{:0<12}", &region_code[..region_code.len().min(6)]);
        let scope = Scope {
            user_id: 0,
            role: jinghai_domain::Role::Admin,
            region_prefix: district[..6].to_string(),
            unit_id: None,
        };
        Ok(self
            .store
            .list_units(&scope)
            .await?
            .into_iter()
            .find(|u| u.agency == Agency::TaskForceOffice && u.region_code == district)
            .map(|u| u.id))
    }

    async fn unit_in_scope(
        &self,
        ctx: &Ctx,
        id: Option<i64>,
        f: &str,
    ) -> Result<Option<i64>, FieldError> {
        match id {
            None => Ok(None),
            Some(u) => self
                .store
                .get_unit(&ctx.scope, u)
                .await
                .map(|u| Some(u.id))
                .map_err(|_| {
                    field(
                        f,
                        "单位不存在或不在您的管辖范围内",
                        "the unit does not exist or is outside your region",
                    )
                }),
        }
    }

    /// Records a found person or group, and starts its deadlines.
    pub async fn create(&self, ctx: &Ctx, input: &CaseInput) -> WorkflowResult<IndCase> {
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        let mut errs = Vec::new();
        let kind = CaseKind::parse(input.kind.trim()).filter(|k| *k != CaseKind::CrewChange);
        if kind.is_none() {
            errs.push(field(
                "kind",
                "请选择类别（非法入境、走私、海上求助；船员换班从船舶页面发起）",
                "choose the kind (illegal entrant, smuggler, sea rescue; crew changes start from the ship call)",
            ));
        }
        let region = match input.region_id {
            Some(id) => self.store.get_region(&ctx.scope, id).await.ok(),
            None => None,
        };
        if region.is_none() {
            errs.push(field(
                "region_id",
                "请选择发现地所在区划（须在您的管辖范围内）",
                "choose the region where it was found (within your region)",
            ));
        }
        let found_at = self
            .time_or_now("found_at", &input.found_at, i64::MIN)
            .map_err(|e| errs.push(e))
            .ok();
        let unit = self
            .unit_in_scope(
                ctx,
                input.found_by_unit_id.or(ctx.user.unit_id),
                "found_by_unit_id",
            )
            .await
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let place = required_text("place", &input.place, 200)
            .map_err(|e| errs.push(e))
            .ok();
        let summary = required_text("summary", &input.summary, 2000)
            .map_err(|e| errs.push(e))
            .ok();
        let persons = parse_persons(&input.persons)
            .map_err(|e| errs.extend(e))
            .ok();
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(kind), Some(region), Some(found_at), Some(place), Some(summary), Some(persons)) =
            (kind, region, found_at, place, summary, persons)
        else {
            return Err(WorkflowError::NotFound);
        };
        let office = self.district_office(region.code.as_str()).await?;
        let who = format!("{}（{}）", kind.zh(), place);
        let mut deadlines = vec![NewDeadline {
            rule: DeadlineRule::FirstReport,
            region_id: region.id,
            unit_id: unit.or(office),
            subject: SUBJECT.into(),
            subject_id: None,
            title: format!("首报区工作组：{who}"),
            started_at: found_at,
            due_at: due_at(DeadlineRule::FirstReport, found_at),
        }];
        if input.major || kind == CaseKind::IllegalEntrant {
            deadlines.push(NewDeadline {
                rule: DeadlineRule::MajorToProvince,
                region_id: region.id,
                unit_id: office.or(unit),
                subject: SUBJECT.into(),
                subject_id: None,
                title: format!("报省值班组：{who}"),
                started_at: found_at,
                due_at: due_at(DeadlineRule::MajorToProvince, found_at),
            });
        }
        let new = NewCase {
            region_id: region.id,
            kind,
            found_at,
            found_by_unit_id: unit,
            place,
            source_ref: input.source_ref.trim().chars().take(200).collect(),
            summary,
            ship_call_id: None,
            persons,
        };
        Ok(self
            .store
            .create_case(&ctx.actor(), self.clock.now(), &new, &deadlines)
            .await?)
    }

    /// Opens a crew change (船员换班) for the listed crew members of a ship call.
    pub async fn crew_change(
        &self,
        ctx: &Ctx,
        ship_call_id: i64,
        crew_ids: &[i64],
        summary: &str,
    ) -> WorkflowResult<IndCase> {
        let call = self.store.get_ship_call(&ctx.scope, ship_call_id).await?;
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        let crew = self.store.list_crew(ship_call_id).await?;
        let leaving: Vec<_> = crew.iter().filter(|c| crew_ids.contains(&c.id)).collect();
        if leaving.is_empty() {
            return Err(WorkflowError::invalid(field(
                "crew",
                "请勾选离船换班的船员",
                "tick the crew members who sign off",
            )));
        }
        let new = NewCase {
            region_id: call.region_id,
            kind: CaseKind::CrewChange,
            found_at: self.clock.now(),
            found_by_unit_id: ctx.user.unit_id,
            place: format!("{} · {}", call.ship_name, call.berth),
            source_ref: format!("ship_call:{}", call.id),
            summary: if summary.trim().is_empty() {
                format!("{} 船员换班 {} 人", call.ship_name, leaving.len())
            } else {
                summary.trim().chars().take(2000).collect()
            },
            ship_call_id: Some(call.id),
            persons: leaving
                .iter()
                .map(|c| NewPerson {
                    name: c.name.clone(),
                    gender: String::new(),
                    nationality: c.nationality.clone(),
                    id_no: c.passport.clone(),
                    health: Health::Normal,
                    health_note: String::new(),
                    current_location: format!("{}（在船）", call.ship_name),
                })
                .collect(),
        };
        Ok(self
            .store
            .create_case(&ctx.actor(), self.clock.now(), &new, &[])
            .await?)
    }

    fn next_steps(case: &IndCase, done: &[StepKind], any_abnormal: bool) -> Vec<StepKind> {
        if case.status == CaseStatus::Released {
            return Vec::new();
        }
        let mut out: Vec<StepKind> = flow(case.kind)
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| can_record(case.kind, *s, done, any_abnormal).is_ok())
            .collect();
        if case.kind != CaseKind::CrewChange && !done.contains(&StepKind::Escalation) {
            out.push(StepKind::Escalation);
        }
        out
    }

    fn person_views(
        &self,
        persons: Vec<CasePerson>,
        tests: &[CaseTest],
        now: Millis,
    ) -> Vec<PersonView> {
        persons
            .into_iter()
            .map(|p| {
                let records = test_records(tests, p.id);
                PersonView {
                    flags: control_flags(
                        &self.rules,
                        &p.current_location,
                        p.quarantine_start_at,
                        p.released_at.is_some(),
                        &records,
                        now,
                    ),
                    release_blocks: if p.released_at.is_some() {
                        Vec::new()
                    } else {
                        release_blocks(&self.rules, p.quarantine_start_at, &records, now)
                    },
                    tests: tests
                        .iter()
                        .filter(|t| t.person_id == p.id)
                        .cloned()
                        .collect(),
                    person: p,
                }
            })
            .collect()
    }

    pub async fn detail(&self, ctx: &Ctx, id: i64) -> WorkflowResult<CaseDetail> {
        let case = self.store.get_case(&ctx.scope, id).await?;
        let now = self.clock.now();
        let tests = self.store.list_case_tests(id).await?;
        let persons = self.person_views(self.store.list_persons(id).await?, &tests, now);
        let steps = self.store.list_steps(id).await?;
        let done: Vec<StepKind> = steps.iter().map(|s| s.step).collect();
        let abnormal = persons.iter().any(|p| p.person.health == Health::Abnormal);
        Ok(CaseDetail {
            next_steps: Self::next_steps(&case, &done, abnormal),
            deadlines: self.store.list_subject_deadlines(SUBJECT, id).await?,
            can_write: ctx.user.role.can_write(),
            rules: self.rules.clone(),
            case,
            persons,
            steps,
        })
    }

    pub async fn list(&self, ctx: &Ctx) -> WorkflowResult<Vec<CaseRow>> {
        let now = self.clock.now();
        let mut out = Vec::new();
        for case in self.store.list_cases(&ctx.scope).await? {
            let tests = self.store.list_case_tests(case.id).await?;
            let persons = self.person_views(self.store.list_persons(case.id).await?, &tests, now);
            let done: Vec<StepKind> = self
                .store
                .list_steps(case.id)
                .await?
                .iter()
                .map(|s| s.step)
                .collect();
            let abnormal = persons.iter().any(|p| p.person.health == Health::Abnormal);
            out.push(CaseRow {
                next_steps: Self::next_steps(&case, &done, abnormal),
                persons: persons.len(),
                lost: persons.iter().filter(|p| !p.flags.is_empty()).count(),
                case,
            });
        }
        Ok(out)
    }

    /// Everyone lost from control (失管漏管) in the caller's regions, now.
    pub async fn lost_from_control(&self, ctx: &Ctx) -> WorkflowResult<Vec<LostPerson>> {
        let now = self.clock.now();
        let mut out = Vec::new();
        for case in self.store.list_cases(&ctx.scope).await? {
            if case.status == CaseStatus::Released {
                continue;
            }
            let tests = self.store.list_case_tests(case.id).await?;
            for v in self.person_views(self.store.list_persons(case.id).await?, &tests, now) {
                if !v.flags.is_empty() {
                    out.push(LostPerson {
                        case: case.clone(),
                        person: v.person,
                        flags: v.flags,
                    });
                }
            }
        }
        Ok(out)
    }

    async fn writable(&self, ctx: &Ctx, id: i64) -> WorkflowResult<IndCase> {
        let case = self.store.get_case(&ctx.scope, id).await?;
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        Ok(case)
    }

    /// Records a step with its unit, person in charge and time.
    pub async fn record_step(
        &self,
        ctx: &Ctx,
        id: i64,
        input: &StepInput,
    ) -> WorkflowResult<CaseStep> {
        let case = self.writable(ctx, id).await?;
        if case.status == CaseStatus::Released {
            return Err(WorkflowError::forbidden(
                "该个案已放行结案",
                "this case is closed",
            ));
        }
        let Some(step) = StepKind::parse(input.step.trim()) else {
            return Err(WorkflowError::invalid(field(
                "step",
                "请选择处置环节",
                "choose a step",
            )));
        };
        let steps = self.store.list_steps(id).await?;
        let done: Vec<StepKind> = steps.iter().map(|s| s.step).collect();
        let tests = self.store.list_case_tests(id).await?;
        let persons = self.store.list_persons(id).await?;
        let abnormal = persons.iter().any(|p| p.health == Health::Abnormal);
        can_record(case.kind, step, &done, abnormal).map_err(WorkflowError::invalid)?;
        let mut errs = Vec::new();
        let at = self
            .time_or_now("at", &input.at, case.found_at)
            .map_err(|e| errs.push(e))
            .ok();
        let unit = self
            .unit_in_scope(ctx, input.unit_id.or(ctx.user.unit_id), "unit_id")
            .await
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let owner = required_text("owner", &input.owner, 50)
            .map_err(|e| errs.push(e))
            .ok();
        let quarantine = if step == StepKind::Quarantine {
            match required_text("site", &input.site, 200) {
                Ok(site) => at.map(|at| (site, at)),
                Err(_) => {
                    errs.push(field(
                        "site",
                        "请填写指定集中隔离点",
                        "give the designated quarantine site",
                    ));
                    None
                }
            }
        } else {
            None
        };
        if step == StepKind::Release {
            let now = self.clock.now();
            for p in persons.iter().filter(|p| p.released_at.is_none()) {
                let records = test_records(&tests, p.id);
                for b in release_blocks(&self.rules, p.quarantine_start_at, &records, now) {
                    errs.push(b.to_error(&p.name));
                }
            }
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(at), Some(owner)) = (at, owner) else {
            return Err(WorkflowError::NotFound);
        };
        let fulfils = match step {
            StepKind::FirstReport => vec![DeadlineRule::FirstReport],
            StepKind::Escalation => vec![DeadlineRule::MajorToProvince],
            _ => vec![],
        };
        let new = NewStep {
            step,
            at,
            unit_id: unit,
            owner,
            result: input.result.trim().chars().take(2000).collect(),
            quarantine,
            release: step == StepKind::Release,
            fulfils,
        };
        Ok(self
            .store
            .add_step(&ctx.actor(), self.clock.now(), id, &new)
            .await?)
    }

    async fn person_of(&self, case_id: i64, person_id: i64) -> WorkflowResult<CasePerson> {
        self.store
            .list_persons(case_id)
            .await?
            .into_iter()
            .find(|p| p.id == person_id)
            .ok_or_else(|| {
                WorkflowError::invalid(field(
                    "person_id",
                    "该个案没有此人员",
                    "no such person in this case",
                ))
            })
    }

    /// Records a quarantine test of a person of the case.
    pub async fn record_test(
        &self,
        ctx: &Ctx,
        case_id: i64,
        input: &TestInput,
    ) -> WorkflowResult<CaseTest> {
        let TestInput {
            person_id,
            kind,
            taken_at,
            result,
            unit_id,
        } = input;
        let (person_id, unit_id) = (*person_id, *unit_id);
        let case = self.writable(ctx, case_id).await?;
        let person = self.person_of(case_id, person_id.unwrap_or(-1)).await?;
        if person.released_at.is_some() {
            return Err(WorkflowError::forbidden(
                "该人员已解除隔离",
                "this person has been released",
            ));
        }
        let mut errs = Vec::new();
        let kind = TestKind::parse(kind.trim());
        if kind.is_none() {
            errs.push(field("kind", "请选择检测类型", "choose the test"));
        }
        let result = TestResult::parse(result.trim());
        if result.is_none() {
            errs.push(field("result", "请选择检测结果", "choose the result"));
        }
        let at = self
            .time_or_now("taken_at", taken_at, case.found_at)
            .map_err(|e| errs.push(e))
            .ok();
        let unit = self
            .unit_in_scope(ctx, unit_id.or(ctx.user.unit_id), "unit_id")
            .await
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(kind), Some(result), Some(at)) = (kind, result, at) else {
            return Err(WorkflowError::NotFound);
        };
        Ok(self
            .store
            .add_test(
                &ctx.actor(),
                self.clock.now(),
                person.id,
                &jinghai_store::NewTest {
                    kind,
                    taken_at: at,
                    result,
                    unit_id: unit,
                },
            )
            .await?)
    }

    /// Updates where a person of the case is now.
    pub async fn set_location(
        &self,
        ctx: &Ctx,
        case_id: i64,
        person_id: Option<i64>,
        location: &str,
    ) -> WorkflowResult<CasePerson> {
        self.writable(ctx, case_id).await?;
        let person = self.person_of(case_id, person_id.unwrap_or(-1)).await?;
        let location = required_text("location", location, 200).map_err(WorkflowError::invalid)?;
        Ok(self
            .store
            .set_person_location(&ctx.actor(), self.clock.now(), person.id, &location)
            .await?)
    }

    /// Adds persons to an open case (more found later).
    pub async fn add_persons(
        &self,
        ctx: &Ctx,
        case_id: i64,
        text: &str,
    ) -> WorkflowResult<Vec<CasePerson>> {
        let case = self.writable(ctx, case_id).await?;
        if case.status == CaseStatus::Released {
            return Err(WorkflowError::forbidden(
                "该个案已放行结案",
                "this case is closed",
            ));
        }
        let persons = parse_persons(text).map_err(WorkflowError::Invalid)?;
        let mut out = Vec::new();
        for p in &persons {
            out.push(
                self.store
                    .add_person(&ctx.actor(), self.clock.now(), case_id, p)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => WorkflowError::NotFound,
                        other => other.into(),
                    })?,
            );
        }
        Ok(out)
    }
}
