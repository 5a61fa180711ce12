//! Storage of evaluation scoring: the rule table, the ledger (with its
//! dedup keys), appeals, and red/yellow cards. SQL valid on both backends,
//! expanded per backend by `impl_scoring_store!` inside `sqlite.rs` and
//! `postgres.rs` (after `impl_store!`, whose helpers it uses).

use async_trait::async_trait;
use jinghai_domain::audit::Actor;
use jinghai_domain::report::Day;
use jinghai_domain::scoring::{
    Appeal, Card, CardColor, LedgerEntry, NewEntry, PlaceKind, RuleDraft, ScoreRule,
};
use jinghai_domain::time::Millis;
use jinghai_domain::Scope;

use crate::Result;

/// A card about to be issued.
#[derive(Debug, Clone)]
pub struct NewCard {
    pub color: CardColor,
    pub place_kind: PlaceKind,
    pub place_name: String,
    pub region_id: i64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub reason: String,
    pub issued_on: Day,
    pub fix_deadline: Option<Day>,
    pub consequence: String,
    pub award_ineligible: bool,
}

#[async_trait]
pub trait ScoringStore: Send + Sync {
    /// The whole rule table (it is the province's, the same for every region).
    async fn list_score_rules(&self) -> Result<Vec<ScoreRule>>;
    /// Adds a rule; `audit_region` is the editor's region code.
    async fn create_score_rule(
        &self,
        actor: &Actor,
        at: Millis,
        audit_region: &str,
        d: &RuleDraft,
    ) -> Result<ScoreRule>;
    async fn update_score_rule(
        &self,
        actor: &Actor,
        at: Millis,
        audit_region: &str,
        id: i64,
        d: &RuleDraft,
    ) -> Result<ScoreRule>;
    /// Writes entries, skipping those whose dedup key is already in the
    /// ledger; returns the entries written (each audited).
    async fn insert_score_entries(
        &self,
        actor: &Actor,
        at: Millis,
        entries: &[NewEntry],
    ) -> Result<Vec<LedgerEntry>>;
    /// Entries dated `from..=to` in the caller's regions (or charged to their unit).
    async fn list_score_entries(
        &self,
        scope: &Scope,
        from: Day,
        to: Day,
    ) -> Result<Vec<LedgerEntry>>;
    async fn get_score_entry(&self, scope: &Scope, id: i64) -> Result<LedgerEntry>;
    /// Files an appeal; the entry moves to `appealed`.
    async fn file_appeal(
        &self,
        actor: &Actor,
        at: Millis,
        entry_id: i64,
        reason: &str,
    ) -> Result<Appeal>;
    /// Decides the open appeal of an entry: accepted revokes the entry, rejected restores it.
    async fn decide_appeal(
        &self,
        actor: &Actor,
        at: Millis,
        entry_id: i64,
        accepted: bool,
        decision: &str,
    ) -> Result<Appeal>;
    async fn list_appeals(&self, entry_id: i64) -> Result<Vec<Appeal>>;

    async fn create_card(&self, actor: &Actor, at: Millis, c: &NewCard) -> Result<Card>;
    async fn list_cards(&self, scope: &Scope) -> Result<Vec<Card>>;
    async fn get_card(&self, scope: &Scope, id: i64) -> Result<Card>;
    /// Lifts a card (摘牌) on `day` with what was done.
    async fn lift_card(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        day: Day,
        note: &str,
    ) -> Result<Card>;
}

macro_rules! score_entry_select {
    () => {
        "SELECT e.id, e.rule_id, r.code AS rule_code, r.zh AS rule_zh, r.en AS rule_en, e.region_id, e.region_code, e.unit_id, e.day, e.points, e.record_kind, e.record_id, e.record_day, e.dedup_key, e.note, e.state, e.created_by, e.created_at FROM score_entries e JOIN score_rules r ON r.id = e.rule_id"
    };
}
macro_rules! card_select {
    () => {
        "SELECT id, color, place_kind, place_name, region_id, region_code, lat, lon, reason, issued_on, fix_deadline, consequence, award_ineligible, status, lifted_on, lift_note, issued_by, created_at FROM cards"
    };
}
macro_rules! appeal_select {
    () => {
        "SELECT id, entry_id, reason, filed_by, filed_at, accepted, decision, decided_by, decided_at FROM score_appeals"
    };
}

macro_rules! impl_scoring_store {
    ($store:ident, $db:ty, $begin:literal) => {
        fn score_rule_from_row(r: &DbRow) -> $crate::Result<jinghai_domain::scoring::ScoreRule> {
            let trigger: String = r.try_get("trigger_kind")?;
            Ok(jinghai_domain::scoring::ScoreRule {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                zh: r.try_get("zh")?,
                en: r.try_get("en")?,
                trigger: jinghai_domain::scoring::Trigger::parse(&trigger).ok_or_else(|| corrupt("rule trigger", &trigger))?,
                points: r.try_get("points")?,
                active: r.try_get("active")?,
            })
        }

        fn score_entry_from_row(r: &DbRow) -> $crate::Result<jinghai_domain::scoring::LedgerEntry> {
            let state: String = r.try_get("state")?;
            Ok(jinghai_domain::scoring::LedgerEntry {
                id: r.try_get("id")?,
                rule_id: r.try_get("rule_id")?,
                rule_code: r.try_get("rule_code")?,
                rule_zh: r.try_get("rule_zh")?,
                rule_en: r.try_get("rule_en")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                unit_id: r.try_get("unit_id")?,
                day: r.try_get("day")?,
                points: r.try_get("points")?,
                record: jinghai_domain::scoring::RecordRef {
                    kind: r.try_get("record_kind")?,
                    id: r.try_get("record_id")?,
                    day: r.try_get("record_day")?,
                },
                dedup_key: r.try_get("dedup_key")?,
                note: r.try_get("note")?,
                state: jinghai_domain::scoring::EntryState::parse(&state).ok_or_else(|| corrupt("entry state", &state))?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        }

        fn appeal_from_row(r: &DbRow) -> $crate::Result<jinghai_domain::scoring::Appeal> {
            Ok(jinghai_domain::scoring::Appeal {
                id: r.try_get("id")?,
                entry_id: r.try_get("entry_id")?,
                reason: r.try_get("reason")?,
                filed_by: r.try_get("filed_by")?,
                filed_at: r.try_get("filed_at")?,
                accepted: r.try_get("accepted")?,
                decision: r.try_get("decision")?,
                decided_by: r.try_get("decided_by")?,
                decided_at: r.try_get("decided_at")?,
            })
        }

        fn card_from_row(r: &DbRow) -> $crate::Result<jinghai_domain::scoring::Card> {
            use jinghai_domain::scoring::{CardColor, CardStatus, PlaceKind};
            let color: String = r.try_get("color")?;
            let kind: String = r.try_get("place_kind")?;
            let status: String = r.try_get("status")?;
            Ok(jinghai_domain::scoring::Card {
                id: r.try_get("id")?,
                color: CardColor::parse(&color).ok_or_else(|| corrupt("card color", &color))?,
                place_kind: PlaceKind::parse(&kind).ok_or_else(|| corrupt("place kind", &kind))?,
                place_name: r.try_get("place_name")?,
                region_id: r.try_get("region_id")?,
                region_code: r.try_get("region_code")?,
                lat: r.try_get("lat")?,
                lon: r.try_get("lon")?,
                reason: r.try_get("reason")?,
                issued_on: r.try_get("issued_on")?,
                fix_deadline: r.try_get("fix_deadline")?,
                consequence: r.try_get("consequence")?,
                award_ineligible: r.try_get("award_ineligible")?,
                status: CardStatus::parse(&status).ok_or_else(|| corrupt("card status", &status))?,
                lifted_on: r.try_get("lifted_on")?,
                lift_note: r.try_get("lift_note")?,
                issued_by: r.try_get("issued_by")?,
                created_at: r.try_get("created_at")?,
            })
        }

        async fn score_rule_in_tx(tx: &mut Tx<'_>, id: i64) -> $crate::Result<jinghai_domain::scoring::ScoreRule> {
            let row = sqlx::query("SELECT id, code, zh, en, trigger_kind, points, active FROM score_rules WHERE id = $1")
                .bind(id).fetch_optional(&mut **tx).await?;
            score_rule_from_row(&row.ok_or($crate::StoreError::NotFound)?)
        }

        async fn score_entry_in_tx(tx: &mut Tx<'_>, id: i64) -> $crate::Result<jinghai_domain::scoring::LedgerEntry> {
            let row = sqlx::query(concat!(score_entry_select!(), " WHERE e.id = $1"))
                .bind(id).fetch_optional(&mut **tx).await?;
            score_entry_from_row(&row.ok_or($crate::StoreError::NotFound)?)
        }

        async fn card_in_tx(tx: &mut Tx<'_>, id: i64) -> $crate::Result<jinghai_domain::scoring::Card> {
            let row = sqlx::query(concat!(card_select!(), " WHERE id = $1"))
                .bind(id).fetch_optional(&mut **tx).await?;
            card_from_row(&row.ok_or($crate::StoreError::NotFound)?)
        }

        #[async_trait::async_trait]
        impl $crate::ScoringStore for $store {
            async fn list_score_rules(&self) -> $crate::Result<Vec<jinghai_domain::scoring::ScoreRule>> {
                let rows = sqlx::query("SELECT id, code, zh, en, trigger_kind, points, active FROM score_rules ORDER BY id")
                    .fetch_all(&self.pool).await?;
                rows.iter().map(score_rule_from_row).collect()
            }

            async fn create_score_rule(&self, actor: &$crate::Actor, at: $crate::Millis, audit_region: &str, d: &jinghai_domain::scoring::RuleDraft) -> $crate::Result<jinghai_domain::scoring::ScoreRule> {
                let mut tx = self.pool.begin_with($begin).await?;
                let id: i64 = sqlx::query("INSERT INTO score_rules (code, zh, en, trigger_kind, points, active, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(&d.code).bind(&d.zh).bind(&d.en).bind(d.trigger.as_str()).bind(d.points).bind(d.active).bind(at)
                    .fetch_one(&mut *tx).await.map_err(|e| map_err(e, &format!("rule code {} already exists", d.code)))?
                    .try_get("id")?;
                let rule = score_rule_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Create, "score_rule", id, audit_region).after(snapshot(&rule))).await?;
                tx.commit().await?;
                Ok(rule)
            }

            async fn update_score_rule(&self, actor: &$crate::Actor, at: $crate::Millis, audit_region: &str, id: i64, d: &jinghai_domain::scoring::RuleDraft) -> $crate::Result<jinghai_domain::scoring::ScoreRule> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = score_rule_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE score_rules SET code = $1, zh = $2, en = $3, trigger_kind = $4, points = $5, active = $6, updated_at = $7 WHERE id = $8")
                    .bind(&d.code).bind(&d.zh).bind(&d.en).bind(d.trigger.as_str()).bind(d.points).bind(d.active).bind(at).bind(id)
                    .execute(&mut *tx).await.map_err(|e| map_err(e, &format!("rule code {} already exists", d.code)))?;
                let after = score_rule_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Update, "score_rule", id, audit_region).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn insert_score_entries(&self, actor: &$crate::Actor, at: $crate::Millis, entries: &[jinghai_domain::scoring::NewEntry]) -> $crate::Result<Vec<jinghai_domain::scoring::LedgerEntry>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut written = Vec::new();
                for n in entries {
                    let row = sqlx::query(
                        "INSERT INTO score_entries (rule_id, region_id, region_code, unit_id, day, points, record_kind, record_id, record_day, dedup_key, note, state, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12, $13) ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
                    )
                    .bind(n.rule_id).bind(n.region_id).bind(&n.region_code).bind(n.unit_id).bind(n.day).bind(n.points)
                    .bind(&n.record.kind).bind(n.record.id).bind(n.record.day).bind(&n.dedup_key).bind(&n.note).bind(&actor.name).bind(at)
                    .fetch_optional(&mut *tx).await.map_err(|e| map_err(e, "the rule, region or unit does not exist"))?;
                    let Some(row) = row else { continue };
                    let id: i64 = row.try_get("id")?;
                    let entry = score_entry_in_tx(&mut tx, id).await?;
                    write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Create, "score_entry", id, &entry.region_code).after(snapshot(&entry))).await?;
                    written.push(entry);
                }
                tx.commit().await?;
                Ok(written)
            }

            async fn list_score_entries(&self, scope: &$crate::Scope, from: $crate::Day, to: $crate::Day) -> $crate::Result<Vec<jinghai_domain::scoring::LedgerEntry>> {
                let rows = sqlx::query(concat!(score_entry_select!(), " WHERE (e.region_code LIKE $1 OR e.unit_id = $2) AND e.day >= $3 AND e.day <= $4 ORDER BY e.day DESC, e.id DESC"))
                    .bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1)).bind(from).bind(to)
                    .fetch_all(&self.pool).await?;
                rows.iter().map(score_entry_from_row).collect()
            }

            async fn get_score_entry(&self, scope: &$crate::Scope, id: i64) -> $crate::Result<jinghai_domain::scoring::LedgerEntry> {
                let row = sqlx::query(concat!(score_entry_select!(), " WHERE e.id = $1 AND (e.region_code LIKE $2 OR e.unit_id = $3)"))
                    .bind(id).bind(scope.region_like()).bind(scope.unit_id.unwrap_or(-1))
                    .fetch_optional(&self.pool).await?;
                score_entry_from_row(&row.ok_or($crate::StoreError::NotFound)?)
            }

            async fn file_appeal(&self, actor: &$crate::Actor, at: $crate::Millis, entry_id: i64, reason: &str) -> $crate::Result<jinghai_domain::scoring::Appeal> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = score_entry_in_tx(&mut tx, entry_id).await?;
                let id: i64 = sqlx::query("INSERT INTO score_appeals (entry_id, reason, filed_by, filed_at) VALUES ($1, $2, $3, $4) RETURNING id")
                    .bind(entry_id).bind(reason).bind(&actor.name).bind(at)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                sqlx::query("UPDATE score_entries SET state = 'appealed' WHERE id = $1").bind(entry_id).execute(&mut *tx).await?;
                let after = score_entry_in_tx(&mut tx, entry_id).await?;
                let appeal = appeal_from_row(&sqlx::query(concat!(appeal_select!(), " WHERE id = $1")).bind(id).fetch_one(&mut *tx).await?)?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Create, "score_appeal", id, &after.region_code).after(snapshot(&appeal))).await?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Update, "score_entry", entry_id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(appeal)
            }

            async fn decide_appeal(&self, actor: &$crate::Actor, at: $crate::Millis, entry_id: i64, accepted: bool, decision: &str) -> $crate::Result<jinghai_domain::scoring::Appeal> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before_entry = score_entry_in_tx(&mut tx, entry_id).await?;
                let row = sqlx::query(concat!(appeal_select!(), " WHERE entry_id = $1 AND accepted IS NULL ORDER BY id DESC"))
                    .bind(entry_id).fetch_optional(&mut *tx).await?;
                let before = appeal_from_row(&row.ok_or($crate::StoreError::NotFound)?)?;
                sqlx::query("UPDATE score_appeals SET accepted = $1, decision = $2, decided_by = $3, decided_at = $4 WHERE id = $5")
                    .bind(accepted).bind(decision).bind(&actor.name).bind(at).bind(before.id)
                    .execute(&mut *tx).await?;
                sqlx::query("UPDATE score_entries SET state = $1 WHERE id = $2")
                    .bind(if accepted { "revoked" } else { "active" }).bind(entry_id)
                    .execute(&mut *tx).await?;
                let after = appeal_from_row(&sqlx::query(concat!(appeal_select!(), " WHERE id = $1")).bind(before.id).fetch_one(&mut *tx).await?)?;
                let after_entry = score_entry_in_tx(&mut tx, entry_id).await?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Update, "score_appeal", before.id, &after_entry.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Update, "score_entry", entry_id, &after_entry.region_code).before(snapshot(&before_entry)).after(snapshot(&after_entry))).await?;
                tx.commit().await?;
                Ok(after)
            }

            async fn list_appeals(&self, entry_id: i64) -> $crate::Result<Vec<jinghai_domain::scoring::Appeal>> {
                let rows = sqlx::query(concat!(appeal_select!(), " WHERE entry_id = $1 ORDER BY id")).bind(entry_id).fetch_all(&self.pool).await?;
                rows.iter().map(appeal_from_row).collect()
            }

            async fn create_card(&self, actor: &$crate::Actor, at: $crate::Millis, c: &$crate::NewCard) -> $crate::Result<jinghai_domain::scoring::Card> {
                let mut tx = self.pool.begin_with($begin).await?;
                let region = region_in_tx(&mut tx, c.region_id).await?;
                let id: i64 = sqlx::query(
                    "INSERT INTO cards (color, place_kind, place_name, region_id, region_code, lat, lon, reason, issued_on, fix_deadline, consequence, award_ineligible, status, issued_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active', $13, $14) RETURNING id",
                )
                .bind(c.color.as_str()).bind(c.place_kind.as_str()).bind(&c.place_name).bind(c.region_id).bind(region.code.as_str())
                .bind(c.lat).bind(c.lon).bind(&c.reason).bind(c.issued_on).bind(c.fix_deadline).bind(&c.consequence).bind(c.award_ineligible)
                .bind(&actor.name).bind(at)
                .fetch_one(&mut *tx).await?.try_get("id")?;
                let card = card_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Create, "card", id, &card.region_code).after(snapshot(&card))).await?;
                tx.commit().await?;
                Ok(card)
            }

            async fn list_cards(&self, scope: &$crate::Scope) -> $crate::Result<Vec<jinghai_domain::scoring::Card>> {
                let rows = sqlx::query(concat!(card_select!(), " WHERE region_code LIKE $1 ORDER BY id DESC"))
                    .bind(scope.region_like()).fetch_all(&self.pool).await?;
                rows.iter().map(card_from_row).collect()
            }

            async fn get_card(&self, scope: &$crate::Scope, id: i64) -> $crate::Result<jinghai_domain::scoring::Card> {
                let row = sqlx::query(concat!(card_select!(), " WHERE id = $1 AND region_code LIKE $2"))
                    .bind(id).bind(scope.region_like()).fetch_optional(&self.pool).await?;
                card_from_row(&row.ok_or($crate::StoreError::NotFound)?)
            }

            async fn lift_card(&self, actor: &$crate::Actor, at: $crate::Millis, id: i64, day: $crate::Day, note: &str) -> $crate::Result<jinghai_domain::scoring::Card> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = card_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE cards SET status = 'lifted', lifted_on = $1, lift_note = $2 WHERE id = $3")
                    .bind(day).bind(note).bind(id).execute(&mut *tx).await?;
                let after = card_in_tx(&mut tx, id).await?;
                write_audit(&mut tx, &$crate::NewAudit::of(actor, at, $crate::AuditAction::Update, "card", id, &after.region_code).before(snapshot(&before)).after(snapshot(&after))).await?;
                tx.commit().await?;
                Ok(after)
            }
        }
    };
}
