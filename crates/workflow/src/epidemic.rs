//! Key persons, key countries and the cold-chain trace (seeds 003, 004).
//!
//! - Key persons from abroad are followed one-to-one: a named contact, the
//!   arrival plan, a report every day (一日一报) until released.
//! - The key-country list with risk levels is kept by the office; a key
//!   person's country shows its level.
//! - Cold chain (浙冷链): batches with trace code, declaration and test
//!   result; their movements into and out of cold stores; stock checks. A
//!   check whose goods have no trace code, an unknown one, or more than the
//!   traced net inflow is a smuggling lead (走私冻品). The clue module (issue
//!   #7) turns a lead into a clue by calling [`Epidemic::lead_as_clue`] for
//!   the clue's content and [`Epidemic::mark_lead_clued`] with its reference.

use std::sync::Arc;

use jinghai_domain::epidemic::{
    format_kg, parse_kg, stock_lead, traced_net_inflow, ColdBatch, ColdMovement, ColdStore,
    CountryRisk, Direction, KeyCountry, KeyPerson, KeyPersonReport, KeyPersonStatus, LeadReason,
    StockCheck,
};
use jinghai_domain::intl::{parse_local_time, TestResult};
use jinghai_domain::report::{day_of, Day};
use jinghai_domain::time::Millis;
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, Role};
use jinghai_store::{NewColdBatch, NewKeyPerson, NewStockCheck, Store, StoreError};

use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// A key person as typed.
#[derive(Debug, Clone, Default)]
pub struct KeyPersonInput {
    pub region_id: Option<i64>,
    pub name: String,
    pub id_no: String,
    pub from_country: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_unit_id: Option<i64>,
    pub planned_arrival: String,
    pub port_of_entry: String,
}

/// A key person with their flags.
#[derive(Debug, Clone)]
pub struct KeyPersonRow {
    pub person: KeyPerson,
    pub report_missing: bool,
    pub country_risk: Option<CountryRisk>,
}

/// A batch as typed.
#[derive(Debug, Clone, Default)]
pub struct BatchInput {
    pub region_id: Option<i64>,
    pub trace_code: String,
    pub product: String,
    pub origin_country: String,
    pub declaration_no: String,
    pub quantity_kg: String,
    pub test_result: String,
}

/// A stock check that is a smuggling lead.
#[derive(Debug, Clone)]
pub struct SmugglingLead {
    pub check: StockCheck,
    pub store: ColdStore,
    pub reason: LeadReason,
    /// The quantity not covered by the trace (grams).
    pub excess_g: i64,
}

/// What a lead says, for the clue module to store as a clue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueDraft {
    /// `stock_check:ID`, to find the lead again.
    pub source_ref: String,
    pub region_id: i64,
    pub region_code: String,
    pub place: String,
    pub title: String,
    pub description: String,
    pub found_at: Millis,
}

/// A cold store with its movements and checks.
#[derive(Debug, Clone)]
pub struct StoreDetail {
    pub store: ColdStore,
    /// Movements with their batch's trace code.
    pub movements: Vec<(ColdMovement, String)>,
    /// Checks with their lead, if any.
    pub checks: Vec<(StockCheck, Option<(LeadReason, i64)>)>,
}

pub struct Epidemic {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

fn field(f: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(f, zh, en)
}

fn read_only() -> WorkflowError {
    WorkflowError::forbidden(
        "只读账号不能修改",
        "read-only accounts cannot change records",
    )
}

fn is_office(ctx: &Ctx) -> bool {
    matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin)
}

impl Epidemic {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Epidemic {
        Epidemic { store, clock }
    }

    pub fn today(&self) -> Day {
        day_of(self.clock.now())
    }

    // --- key countries ---

    pub async fn countries(&self) -> WorkflowResult<Vec<KeyCountry>> {
        Ok(self.store.list_key_countries().await?)
    }

    /// The office adds a country or changes its risk level.
    pub async fn set_country(
        &self,
        ctx: &Ctx,
        name: &str,
        risk: &str,
        note: &str,
    ) -> WorkflowResult<KeyCountry> {
        if !is_office(ctx) {
            return Err(WorkflowError::forbidden(
                "重点国家风险等级由专班办公室维护",
                "the task-force office keeps the key-country list",
            ));
        }
        let mut errs = Vec::new();
        let name = required_text("name", name, 50)
            .map_err(|e| errs.push(e))
            .ok();
        let risk = CountryRisk::parse(risk.trim());
        if risk.is_none() {
            errs.push(field("risk", "请选择风险等级", "choose a risk level"));
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(name), Some(risk)) = (name, risk) else {
            return Err(WorkflowError::NotFound);
        };
        Ok(self
            .store
            .upsert_key_country(
                &ctx.actor(),
                self.clock.now(),
                &ctx.user.region_code,
                &name,
                risk,
                note.trim(),
            )
            .await?)
    }

    // --- key persons ---

    pub async fn key_persons(&self, ctx: &Ctx) -> WorkflowResult<Vec<KeyPersonRow>> {
        let countries = self.store.list_key_countries().await?;
        let today = self.today();
        Ok(self
            .store
            .list_key_persons(&ctx.scope)
            .await?
            .into_iter()
            .map(|p| KeyPersonRow {
                report_missing: p.report_missing(today),
                country_risk: countries
                    .iter()
                    .find(|c| c.name == p.from_country)
                    .map(|c| c.risk),
                person: p,
            })
            .collect())
    }

    pub async fn key_person(
        &self,
        ctx: &Ctx,
        id: i64,
    ) -> WorkflowResult<(KeyPersonRow, Vec<KeyPersonReport>)> {
        let p = self.store.get_key_person(&ctx.scope, id).await?;
        let countries = self.store.list_key_countries().await?;
        let reports = self.store.list_key_person_reports(id).await?;
        Ok((
            KeyPersonRow {
                report_missing: p.report_missing(self.today()),
                country_risk: countries
                    .iter()
                    .find(|c| c.name == p.from_country)
                    .map(|c| c.risk),
                person: p,
            },
            reports,
        ))
    }

    pub async fn create_key_person(
        &self,
        ctx: &Ctx,
        input: &KeyPersonInput,
    ) -> WorkflowResult<KeyPerson> {
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        let mut errs = Vec::new();
        let region = match input.region_id {
            Some(id) => self.store.get_region(&ctx.scope, id).await.ok(),
            None => None,
        };
        if region.is_none() {
            errs.push(field(
                "region_id",
                "请选择所在区划（须在您的管辖范围内）",
                "choose a region (within your region)",
            ));
        }
        let mut req =
            |f: &str, v: &str, n: usize| required_text(f, v, n).map_err(|e| errs.push(e)).ok();
        let name = req("name", &input.name, 50);
        let id_no = req("id_no", &input.id_no, 50);
        let from = req("from_country", &input.from_country, 50);
        let contact = req("contact_name", &input.contact_name, 50);
        let phone = req("contact_phone", &input.contact_phone, 30);
        let planned = match input.planned_arrival.trim() {
            "" => None,
            s => match parse_local_time(s) {
                Some(t) => Some(t),
                None => {
                    errs.push(field(
                        "planned_arrival",
                        "计划抵达时间格式应为 YYYY-MM-DD HH:MM",
                        "planned arrival must be YYYY-MM-DD HH:MM",
                    ));
                    None
                }
            },
        };
        let unit = match input.contact_unit_id.or(ctx.user.unit_id) {
            Some(u) => match self.store.get_unit(&ctx.scope, u).await {
                Ok(u) => Some(u.id),
                Err(StoreError::NotFound) => {
                    errs.push(field(
                        "contact_unit_id",
                        "单位不存在或不在您的管辖范围内",
                        "the unit does not exist or is outside your region",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(region), Some(name), Some(id_no), Some(from), Some(contact), Some(phone)) =
            (region, name, id_no, from, contact, phone)
        else {
            return Err(WorkflowError::NotFound);
        };
        let new = NewKeyPerson {
            region_id: region.id,
            name,
            id_no,
            from_country: from,
            contact_name: contact,
            contact_phone: phone,
            contact_unit_id: unit,
            planned_arrival_at: planned,
            port_of_entry: input.port_of_entry.trim().chars().take(50).collect(),
        };
        Ok(self
            .store
            .create_key_person(&ctx.actor(), self.clock.now(), &new)
            .await?)
    }

    /// Today's report (一日一报) on a key person.
    pub async fn report_key_person(
        &self,
        ctx: &Ctx,
        id: i64,
        health: &str,
        location: &str,
        note: &str,
    ) -> WorkflowResult<KeyPersonReport> {
        let p = self.store.get_key_person(&ctx.scope, id).await?;
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        if p.status == KeyPersonStatus::Released {
            return Err(WorkflowError::forbidden(
                "该人员已解除管控",
                "this person is released",
            ));
        }
        let mut errs = Vec::new();
        let health = required_text("health", health, 200)
            .map_err(|e| errs.push(e))
            .ok();
        let location = required_text("location", location, 200)
            .map_err(|e| errs.push(e))
            .ok();
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(health), Some(location)) = (health, location) else {
            return Err(WorkflowError::NotFound);
        };
        self.store
            .add_key_person_report(
                &ctx.actor(),
                self.clock.now(),
                id,
                &jinghai_store::NewKeyReport {
                    day: self.today(),
                    health,
                    location,
                    note: note.trim().to_string(),
                },
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => WorkflowError::invalid(field(
                    "health",
                    "今日已报送",
                    "today's report is already in",
                )),
                other => other.into(),
            })
    }

    pub async fn set_key_person_status(
        &self,
        ctx: &Ctx,
        id: i64,
        status: &str,
    ) -> WorkflowResult<KeyPerson> {
        self.store.get_key_person(&ctx.scope, id).await?;
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        let Some(status) = KeyPersonStatus::parse(status.trim()) else {
            return Err(WorkflowError::invalid(field(
                "status",
                "请选择状态",
                "choose a status",
            )));
        };
        Ok(self
            .store
            .set_key_person_status(&ctx.actor(), self.clock.now(), id, status)
            .await?)
    }

    // --- cold chain ---

    pub async fn cold_stores(&self, ctx: &Ctx) -> WorkflowResult<Vec<ColdStore>> {
        Ok(self.store.list_cold_stores(&ctx.scope).await?)
    }

    pub async fn batches(&self, ctx: &Ctx) -> WorkflowResult<Vec<ColdBatch>> {
        Ok(self.store.list_cold_batches(&ctx.scope).await?)
    }

    pub async fn create_cold_store(
        &self,
        ctx: &Ctx,
        region_id: Option<i64>,
        name: &str,
        address: &str,
    ) -> WorkflowResult<ColdStore> {
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        let mut errs = Vec::new();
        let region = match region_id {
            Some(id) => self.store.get_region(&ctx.scope, id).await.ok(),
            None => None,
        };
        if region.is_none() {
            errs.push(field(
                "region_id",
                "请选择所在区划（须在您的管辖范围内）",
                "choose a region (within your region)",
            ));
        }
        let name = required_text("name", name, 100)
            .map_err(|e| errs.push(e))
            .ok();
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(region), Some(name)) = (region, name) else {
            return Err(WorkflowError::NotFound);
        };
        self.store
            .create_cold_store(
                &ctx.actor(),
                self.clock.now(),
                region.id,
                &name,
                address.trim(),
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) => WorkflowError::invalid(field("name", m.clone(), m)),
                other => other.into(),
            })
    }

    pub async fn create_batch(&self, ctx: &Ctx, input: &BatchInput) -> WorkflowResult<ColdBatch> {
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        let mut errs = Vec::new();
        let region = match input.region_id {
            Some(id) => self.store.get_region(&ctx.scope, id).await.ok(),
            None => None,
        };
        if region.is_none() {
            errs.push(field(
                "region_id",
                "请选择申报地区划（须在您的管辖范围内）",
                "choose the declaring region (within your region)",
            ));
        }
        let mut req =
            |f: &str, v: &str, n: usize| required_text(f, v, n).map_err(|e| errs.push(e)).ok();
        let trace = req("trace_code", &input.trace_code, 64);
        let product = req("product", &input.product, 100);
        let origin = req("origin_country", &input.origin_country, 50);
        let decl = req("declaration_no", &input.declaration_no, 50);
        let qty = parse_kg("quantity_kg", &input.quantity_kg)
            .map_err(|e| errs.push(e))
            .ok();
        let result = TestResult::parse(input.test_result.trim());
        if result.is_none() {
            errs.push(field(
                "test_result",
                "请选择核酸检测结果",
                "choose the test result",
            ));
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (
            Some(region),
            Some(trace),
            Some(product),
            Some(origin),
            Some(decl),
            Some(qty),
            Some(result),
        ) = (region, trace, product, origin, decl, qty, result)
        else {
            return Err(WorkflowError::NotFound);
        };
        let now = self.clock.now();
        let new = NewColdBatch {
            region_id: region.id,
            trace_code: trace,
            product,
            origin_country: origin,
            declaration_no: decl,
            quantity_g: qty,
            test_result: result,
            tested_at: (result != TestResult::Pending).then_some(now),
        };
        self.store
            .create_cold_batch(&ctx.actor(), now, &new)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) => {
                    WorkflowError::invalid(field("trace_code", m.clone(), m))
                }
                other => other.into(),
            })
    }

    pub async fn store_detail(&self, ctx: &Ctx, id: i64) -> WorkflowResult<StoreDetail> {
        let store = self.store.get_cold_store(&ctx.scope, id).await?;
        let movements = self.store.list_store_movements(id).await?;
        let mut with_codes = Vec::new();
        let mut codes: Vec<(i64, String)> = Vec::new();
        for m in &movements {
            let code = match codes.iter().find(|(b, _)| *b == m.batch_id) {
                Some((_, c)) => c.clone(),
                None => {
                    let c = self
                        .batch_code(m.batch_id)
                        .await?
                        .unwrap_or_else(|| format!("#{}", m.batch_id));
                    codes.push((m.batch_id, c.clone()));
                    c
                }
            };
            with_codes.push((m.clone(), code));
        }
        let mut checks = Vec::new();
        for c in self.store.list_stock_checks(&ctx.scope).await? {
            if c.store_id == id {
                let lead = self.lead_of(&c, &movements).await?;
                checks.push((c, lead));
            }
        }
        Ok(StoreDetail {
            store,
            movements: with_codes,
            checks,
        })
    }

    async fn batch_code(&self, batch_id: i64) -> WorkflowResult<Option<String>> {
        // An internal read across regions: a store's movements may name
        // batches declared in another district; only the code is shown.
        Ok(self
            .store
            .list_cold_batches(&jinghai_domain::Scope {
                user_id: 0,
                role: Role::Admin,
                region_prefix: String::new(),
                unit_id: None,
            })
            .await?
            .into_iter()
            .find(|b| b.id == batch_id)
            .map(|b| b.trace_code))
    }

    async fn lead_of(
        &self,
        c: &StockCheck,
        movements: &[ColdMovement],
    ) -> WorkflowResult<Option<(LeadReason, i64)>> {
        let batch = if c.trace_code.trim().is_empty() {
            None
        } else {
            self.store
                .find_cold_batch_unscoped(c.trace_code.trim())
                .await?
        };
        let net = batch
            .as_ref()
            .map(|b| traced_net_inflow(movements, b.id, c.store_id, c.at))
            .unwrap_or(0);
        Ok(stock_lead(c, batch.as_ref(), net))
    }

    /// Records a batch moving into or out of a store, by its trace code.
    pub async fn add_movement(
        &self,
        ctx: &Ctx,
        store_id: i64,
        trace_code: &str,
        direction: &str,
        quantity_kg: &str,
        at: &str,
    ) -> WorkflowResult<ColdMovement> {
        self.store.get_cold_store(&ctx.scope, store_id).await?;
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        let mut errs = Vec::new();
        let batch = match trace_code.trim() {
            "" => {
                errs.push(field("trace_code", "请填写追溯码", "give the trace code"));
                None
            }
            code => match self.store.find_cold_batch_unscoped(code).await? {
                Some(b) => Some(b),
                None => {
                    errs.push(field(
                        "trace_code",
                        format!("追溯码 {code} 未登记：无码冻品请用“盘库”登记"),
                        format!("trace code {code} is not registered: record untraced goods with a stock check"),
                    ));
                    None
                }
            },
        };
        let direction = Direction::parse(direction.trim());
        if direction.is_none() {
            errs.push(field("direction", "请选择入库或出库", "choose in or out"));
        }
        let qty = parse_kg("quantity_kg", quantity_kg)
            .map_err(|e| errs.push(e))
            .ok();
        let now = self.clock.now();
        let at = match at.trim() {
            "" => Some(now),
            s => match parse_local_time(s) {
                Some(t) if t <= now => Some(t),
                _ => {
                    errs.push(field(
                        "at",
                        "时间格式应为 YYYY-MM-DD HH:MM，且不晚于现在",
                        "the time must be YYYY-MM-DD HH:MM and not in the future",
                    ));
                    None
                }
            },
        };
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(batch), Some(direction), Some(qty), Some(at)) = (batch, direction, qty, at)
        else {
            return Err(WorkflowError::NotFound);
        };
        Ok(self
            .store
            .add_cold_movement(
                &ctx.actor(),
                now,
                &jinghai_store::NewMovement {
                    batch_id: batch.id,
                    store_id,
                    direction,
                    quantity_g: qty,
                    at,
                },
            )
            .await?)
    }

    /// Records what a stock check found; returns the check and its lead, if any.
    pub async fn add_check(
        &self,
        ctx: &Ctx,
        store_id: i64,
        product: &str,
        trace_code: &str,
        quantity_kg: &str,
    ) -> WorkflowResult<(StockCheck, Option<(LeadReason, i64)>)> {
        self.store.get_cold_store(&ctx.scope, store_id).await?;
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        let mut errs = Vec::new();
        let product = required_text("product", product, 100)
            .map_err(|e| errs.push(e))
            .ok();
        let qty = parse_kg("quantity_kg", quantity_kg)
            .map_err(|e| errs.push(e))
            .ok();
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(product), Some(qty)) = (product, qty) else {
            return Err(WorkflowError::NotFound);
        };
        let now = self.clock.now();
        let check = self
            .store
            .add_stock_check(
                &ctx.actor(),
                now,
                &NewStockCheck {
                    store_id,
                    at: now,
                    product,
                    trace_code: trace_code.trim().chars().take(64).collect(),
                    quantity_g: qty,
                },
            )
            .await?;
        let movements = self.store.list_store_movements(store_id).await?;
        let lead = self.lead_of(&check, &movements).await?;
        Ok((check, lead))
    }

    /// Every stock check of the caller's regions that is a smuggling lead.
    pub async fn leads(&self, ctx: &Ctx) -> WorkflowResult<Vec<SmugglingLead>> {
        let stores = self.store.list_cold_stores(&ctx.scope).await?;
        let mut out = Vec::new();
        for c in self.store.list_stock_checks(&ctx.scope).await? {
            let Some(store) = stores.iter().find(|s| s.id == c.store_id) else {
                continue;
            };
            let movements = self.store.list_store_movements(c.store_id).await?;
            if let Some((reason, excess_g)) = self.lead_of(&c, &movements).await? {
                out.push(SmugglingLead {
                    check: c,
                    store: store.clone(),
                    reason,
                    excess_g,
                });
            }
        }
        Ok(out)
    }

    /// The hook the clue module (issue #7) calls to turn a lead into a clue:
    /// the lead's content as a clue draft. Refuses a check that is not a
    /// lead, or one already handed over.
    pub async fn lead_as_clue(&self, ctx: &Ctx, check_id: i64) -> WorkflowResult<ClueDraft> {
        let check = self.store.get_stock_check(&ctx.scope, check_id).await?;
        if let Some(r) = &check.clue_ref {
            return Err(WorkflowError::forbidden(
                &format!("该线索已移交：{r}"),
                &format!("already handed over as {r}"),
            ));
        }
        let store = self
            .store
            .get_cold_store(&ctx.scope, check.store_id)
            .await?;
        let movements = self.store.list_store_movements(store.id).await?;
        let Some((reason, excess)) = self.lead_of(&check, &movements).await? else {
            return Err(WorkflowError::forbidden(
                "该盘库记录与追溯数据相符，不是走私线索",
                "this stock check matches the trace; it is not a lead",
            ));
        };
        Ok(ClueDraft {
            source_ref: format!("stock_check:{}", check.id),
            region_id: store.region_id,
            region_code: store.region_code.clone(),
            place: format!("{} {}", store.name, store.address),
            title: format!("疑似走私冻品：{}（{}）", check.product, reason.zh()),
            description: format!(
                "{} 盘库发现{} {} 千克（追溯码：{}），其中 {} 千克无追溯来源。",
                store.name,
                check.product,
                format_kg(check.quantity_g),
                if check.trace_code.is_empty() {
                    "无"
                } else {
                    &check.trace_code
                },
                format_kg(excess)
            ),
            found_at: check.at,
        })
    }

    /// The clue module reports back which clue a lead became.
    pub async fn mark_lead_clued(
        &self,
        ctx: &Ctx,
        check_id: i64,
        clue_ref: &str,
    ) -> WorkflowResult<StockCheck> {
        self.store.get_stock_check(&ctx.scope, check_id).await?;
        if !ctx.user.role.can_write() {
            return Err(read_only());
        }
        let r = required_text("clue_ref", clue_ref, 100).map_err(WorkflowError::invalid)?;
        Ok(self
            .store
            .set_stock_check_clue(&ctx.actor(), self.clock.now(), check_id, &r)
            .await?)
    }
}
