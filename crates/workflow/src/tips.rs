//! Public tips (举报), rewards (举报奖励) and spot checks (抽查).
//!
//! - The public sends a tip without signing in: the form carries a
//!   single-use challenge issued with the page (it is the form's CSRF token
//!   too) and a proof of work over it that the page's script computes (no
//!   CAPTCHA); submissions are rate-limited per address, photo uploads
//!   limited by type and size. The tipster gets a follow-up code, shown
//!   once; the store keeps only its SHA-256. With it the tipster sees the
//!   state and the reward state, never internal details; look-ups are
//!   rate-limited per address and per code.
//! - Hotline operators (the task-force office) enter phone tips in the same
//!   form, signed in.
//! - Tips are read by the office, leaders, administrators and reward
//!   officers of the region; they are triaged into clues, merged as
//!   duplicates, or closed with a reason.
//! - Rewards: a reward officer (the office, or a member of an
//!   anti-smuggling office unit) proposes one on a verified tip with amount
//!   and basis; the office approves or rejects it (not the proposer); a
//!   reward officer records the payment. The tipster's identity is shown
//!   only to reward officers.
//! - Spot checks: the office draws a random sample of a period's tips and
//!   records, per tip, whether it was answered, handled and rewarded
//!   correctly (seed 000 §五(三)).
//!
//! Limits live in memory per server node, like the sign-in limits.

use std::sync::Arc;

use jinghai_domain::audit::Actor;
use jinghai_domain::cases::{
    draw_sample, public_state, CaseFile, Classification, Clue, ClueLink, ClueSource, ClueStatus,
    PayMethod, PublicTipState, RecordKind, Reward, RewardStatus, SpotCheck, SpotCheckItem, Tip,
    TipChannel, TipContact, TipStatus, TipTopic, MAX_REWARD_FEN,
};
use jinghai_domain::entity::{normalise, parse_entity_lines, EntityKind};
use jinghai_domain::report::{cst_hour, Day};
use jinghai_domain::time::{Millis, DAY, HOUR, MINUTE};
use jinghai_domain::validate::required_text;
use jinghai_domain::{Agency, FieldError, RegionLevel, Role};
use jinghai_store::{
    NewClue, NewTip, RewardTransition, SpotFinding, Store, StoreError, TipTransition,
};
use sha2::{Digest, Sha256};

use crate::cases::{parse_local_time, Cases, HUB_LIMIT};
use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// Abuse limits of the public form.
#[derive(Debug, Clone, Copy)]
pub struct TipLimits {
    /// Leading zero bits the proof of work needs (16: about 65,000 hashes,
    /// a second or two on a phone).
    pub pow_bits: u32,
    /// How long a challenge stays valid.
    pub challenge_ttl: Millis,
    /// Tips per address per hour.
    pub per_address_hour: usize,
    /// Failed follow-up look-ups per address per 15 minutes.
    pub lookup_failures: usize,
    /// Look-ups of one code per hour.
    pub lookups_per_code: usize,
    pub max_photos: usize,
    pub max_photo_bytes: usize,
}

impl Default for TipLimits {
    fn default() -> Self {
        TipLimits {
            pow_bits: 16,
            challenge_ttl: 30 * MINUTE,
            per_address_hour: 5,
            lookup_failures: 10,
            lookups_per_code: 30,
            max_photos: 3,
            max_photo_bytes: 5 * 1024 * 1024,
        }
    }
}

/// A checked tip: topic, what, place, latitude, longitude, when, contact.
type ValidTip = (
    TipTopic,
    String,
    String,
    Option<f64>,
    Option<f64>,
    String,
    TipContact,
);

/// A challenge for the public form.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub token: String,
    pub bits: u32,
}

/// A tip as typed (public form or hotline operator).
#[derive(Debug, Clone, Default)]
pub struct TipInput {
    pub region_id: Option<i64>,
    pub channel: String,
    pub topic: String,
    pub what: String,
    pub place: String,
    pub lat: String,
    pub lon: String,
    pub when: String,
    pub name: String,
    pub phone: String,
    pub anonymous: bool,
}

/// What the tipster sees.
#[derive(Debug, Clone)]
pub struct PublicStatus {
    pub received_at: Millis,
    pub state: PublicTipState,
    /// The latest reward's state, when one was proposed.
    pub reward: Option<RewardStatus>,
    pub reward_paid_on: Option<Day>,
}

/// A tip with what its page shows.
#[derive(Debug, Clone)]
pub struct TipDetail {
    pub tip: Tip,
    /// Only for reward officers.
    pub contact: Option<TipContact>,
    pub rewards: Vec<Reward>,
    pub files: Vec<CaseFile>,
    pub clue: Option<Clue>,
    pub public_state: PublicTipState,
    pub can_triage: bool,
    pub can_propose: bool,
    pub can_approve: bool,
    pub reward_officer: bool,
}

/// A spot check with its sampled tips.
#[derive(Debug, Clone)]
pub struct SpotCheckDetail {
    pub check: SpotCheck,
    pub items: Vec<(SpotCheckItem, Option<Tip>, Vec<Reward>)>,
}

pub struct Tips {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    limits: TipLimits,
}

fn field(f: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(f, zh, en)
}

/// Leading zero bits of SHA-256(`token:nonce`).
pub fn pow_bits(token: &str, nonce: &str) -> u32 {
    let d = Sha256::digest(format!("{token}:{nonce}").as_bytes());
    let mut bits = 0;
    for b in d {
        if b == 0 {
            bits += 8;
        } else {
            bits += b.leading_zeros();
            break;
        }
    }
    bits
}

/// Finds a nonce for a challenge (what the page's script does; for tests
/// and the CLI).
pub fn solve(token: &str, bits: u32) -> String {
    (0u64..)
        .map(|n| n.to_string())
        .find(|n| pow_bits(token, n) >= bits)
        .unwrap_or_default()
}

/// The follow-up code alphabet: no 0/O, 1/I/L, so it can be read over the phone.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A new follow-up code, `XXXX-XXXX-XXXX-XXXX` (about 79 bits).
fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let chars: Vec<char> = (0..16)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The hash the store keeps of a code, however the tipster typed it.
pub fn code_hash(code: &str) -> String {
    let clean: String = jinghai_domain::entity::half_width(code)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(clean.as_bytes()))
}

/// May this user read tips at all (the office, leaders, administrators,
/// and reward officers)?
pub async fn reads_tips(store: &Arc<dyn Store>, ctx: &Ctx) -> WorkflowResult<bool> {
    Ok(matches!(
        ctx.user.role,
        Role::TaskForceOffice | Role::Leader | Role::Admin
    ) || is_reward_officer(store, ctx).await?)
}

/// Reward officers: the task-force office, and members of an
/// anti-smuggling office (打私办) unit (seed 002 §二(五)3).
pub async fn is_reward_officer(store: &Arc<dyn Store>, ctx: &Ctx) -> WorkflowResult<bool> {
    if ctx.user.role == Role::TaskForceOffice {
        return Ok(true);
    }
    if ctx.user.role != Role::GroupMember {
        return Ok(false);
    }
    match ctx.user.unit_id {
        Some(u) => match store.get_unit_unscoped(u).await {
            Ok(unit) => Ok(unit.agency == Agency::AntiSmuggling),
            Err(StoreError::NotFound) => Ok(false),
            Err(e) => Err(e.into()),
        },
        None => Ok(false),
    }
}

impl Tips {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, limits: TipLimits) -> Tips {
        Tips {
            store,
            clock,
            limits,
        }
    }

    pub fn limits(&self) -> TipLimits {
        self.limits
    }

    /// A new single-use challenge for the public form. Stored in the
    /// database, so any server node accepts the answer (once).
    pub async fn challenge(&self) -> WorkflowResult<Challenge> {
        let now = self.clock.now();
        let token = hex::encode(rand::random::<[u8; 16]>());
        self.store
            .issue_challenge(&token, now, now - self.limits.challenge_ttl)
            .await?;
        Ok(Challenge {
            token,
            bits: self.limits.pow_bits,
        })
    }

    /// The district a public tip page serves, by its 6-digit code.
    pub async fn district(&self, code: &str) -> WorkflowResult<jinghai_domain::Region> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(WorkflowError::NotFound);
        }
        match self
            .store
            .find_region_by_code(&format!("{code:0<12}"))
            .await?
        {
            Some(r) if r.level == RegionLevel::District => Ok(r),
            _ => Err(WorkflowError::NotFound),
        }
    }

    /// Checks a challenge without proof of work (the status look-up form,
    /// which the rate limits guard), consuming it.
    pub async fn check_token(&self, token: &str) -> WorkflowResult<()> {
        let now = self.clock.now();
        if self
            .store
            .take_challenge(token, now - self.limits.challenge_ttl)
            .await?
        {
            return Ok(());
        }
        Err(WorkflowError::forbidden(
            "页面已过期，请刷新页面后重试",
            "the page has expired; reload it and try again",
        ))
    }

    /// Checks a challenge and its proof of work, consuming the challenge.
    /// A missing or unknown token is refused like a missing CSRF token. The
    /// proof of work is checked first, so a page whose check did not finish
    /// may send again with the same challenge.
    pub async fn check_challenge(&self, token: &str, nonce: &str) -> WorkflowResult<()> {
        let now = self.clock.now();
        if pow_bits(token, nonce) < self.limits.pow_bits {
            return Err(WorkflowError::forbidden(
                "页面校验未完成，请稍候片刻再提交（需启用 JavaScript）",
                "the page's check did not finish; wait a moment and send again (JavaScript is needed)",
            ));
        }
        if !self
            .store
            .take_challenge(token, now - self.limits.challenge_ttl)
            .await?
        {
            return Err(WorkflowError::forbidden(
                "页面已过期，请刷新页面后重新提交",
                "the page has expired; reload it and send again",
            ));
        }
        Ok(())
    }

    fn validate(&self, input: &TipInput, photos: &[(String, Vec<u8>)]) -> WorkflowResult<ValidTip> {
        let mut errs = Vec::new();
        let topic = TipTopic::parse(input.topic.trim());
        if topic.is_none() {
            errs.push(field(
                "topic",
                "请选择举报事项",
                "choose what the tip is about",
            ));
        }
        let what = required_text("what", &input.what, 2000).map_err(|_| {
            field(
                "what",
                "请填写举报内容（2000 字以内）",
                "describe what you saw (up to 2000 characters)",
            )
        });
        let what = what.map_err(|e| errs.push(e)).ok();
        let place: String = input.place.trim().chars().take(200).collect();
        let coord = |name: &str, s: &str, range: f64| -> Result<Option<f64>, FieldError> {
            match s.trim() {
                "" => Ok(None),
                s => s
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && v.abs() <= range)
                    .map(Some)
                    .ok_or_else(|| {
                        field(
                            name,
                            "地图位置无效，请重新选点",
                            "the map position is invalid; pick it again",
                        )
                    }),
            }
        };
        let lat = coord("lat", &input.lat, 90.0)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let lon = coord("lon", &input.lon, 180.0)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        if place.is_empty() && lat.is_none() {
            errs.push(field(
                "place",
                "请填写地点或在地图上选点",
                "give the place, in words or on the map",
            ));
        }
        let name: String = input.name.trim().chars().take(50).collect();
        let phone = match input.phone.trim() {
            "" => String::new(),
            p => match normalise(EntityKind::Phone, p) {
                Ok(n) => n.normal,
                Err(e) => {
                    errs.push(field("phone", e.zh, e.en));
                    String::new()
                }
            },
        };
        if photos.len() > self.limits.max_photos {
            errs.push(field(
                "photos",
                format!("最多上传 {} 张照片", self.limits.max_photos),
                format!("at most {} photos", self.limits.max_photos),
            ));
        }
        for (name, bytes) in photos {
            if bytes.len() > self.limits.max_photo_bytes {
                errs.push(field(
                    "photos",
                    format!("照片过大：{name}（上限 5 MB）"),
                    format!("photo too large: {name} (5 MB at most)"),
                ));
                continue;
            }
            match jinghai_domain::risk::check_evidence(name, bytes) {
                Ok(ct) if ct.starts_with("image/") => {}
                Ok(_) => errs.push(field(
                    "photos",
                    format!("只能上传 jpg 或 png 照片：{name}"),
                    format!("photos must be jpg or png: {name}"),
                )),
                Err(e) => errs.push(e),
            }
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(topic), Some(what)) = (topic, what) else {
            return Err(WorkflowError::NotFound);
        };
        let contact = if input.anonymous {
            TipContact::default()
        } else {
            TipContact { name, phone }
        };
        Ok((
            topic,
            what,
            place,
            lat,
            lon,
            input.when.trim().chars().take(100).collect(),
            contact,
        ))
    }

    async fn store_tip(
        &self,
        actor: &Actor,
        region_id: i64,
        channel: TipChannel,
        input: &TipInput,
        photos: &[(String, Vec<u8>)],
    ) -> WorkflowResult<(Tip, String)> {
        let (topic, what, place, lat, lon, when_text, contact) = self.validate(input, photos)?;
        let code = new_code();
        let now = self.clock.now();
        let tip = self
            .store
            .create_tip(
                actor,
                now,
                &NewTip {
                    code_hash: code_hash(&code),
                    region_id,
                    channel,
                    topic,
                    what,
                    place,
                    lat,
                    lon,
                    when_text,
                    anonymous: input.anonymous
                        || (contact.name.is_empty() && contact.phone.is_empty()),
                    contact,
                },
            )
            .await?;
        for (name, bytes) in photos {
            let name: String = name
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("photo")
                .chars()
                .take(120)
                .collect();
            let ct = jinghai_domain::risk::check_evidence(&name, bytes)
                .map_err(WorkflowError::invalid)?;
            self.store
                .add_case_file(
                    actor,
                    now,
                    RecordKind::Tip,
                    tip.id,
                    &tip.region_code,
                    &name,
                    ct,
                    bytes,
                )
                .await?;
        }
        Ok((tip, code))
    }

    /// A tip from the public page of a district. The challenge is checked
    /// first (it is the form's CSRF token), then the address's rate.
    pub async fn submit_public(
        &self,
        district_code: &str,
        address: &str,
        token: &str,
        nonce: &str,
        input: &TipInput,
        photos: &[(String, Vec<u8>)],
    ) -> WorkflowResult<(Tip, String)> {
        self.check_challenge(token, nonce).await?;
        let now = self.clock.now();
        let key = format!("tip:{address}");
        if self.store.attempts_since(&key, now - HOUR).await?.0 >= self.limits.per_address_hour {
            return Err(WorkflowError::RateLimited {
                retry_after_secs: 3600,
            });
        }
        self.store.record_attempts(&[&key], now).await?;
        let district = self.district(district_code).await?;
        self.store_tip(
            &Actor::system("公众举报 public tip"),
            district.id,
            TipChannel::Web,
            input,
            photos,
        )
        .await
    }

    /// A hotline operator (the office) enters a phone tip, or a letter.
    pub async fn enter(&self, ctx: &Ctx, input: &TipInput) -> WorkflowResult<(Tip, String)> {
        if !(ctx.user.role == Role::TaskForceOffice) {
            return Err(WorkflowError::forbidden(
                "热线举报由专班办公室录入",
                "hotline tips are entered by the task-force office",
            ));
        }
        let channel = match input.channel.trim() {
            "" => TipChannel::Hotline,
            s => TipChannel::parse(s).ok_or_else(|| {
                WorkflowError::invalid(field("channel", "请选择举报渠道", "choose the channel"))
            })?,
        };
        let Some(region_id) = input.region_id else {
            return Err(WorkflowError::invalid(field(
                "region_id",
                "请选择受理区县",
                "choose the district",
            )));
        };
        let region = match self.store.get_region(&ctx.scope, region_id).await {
            Ok(r) => r,
            Err(StoreError::NotFound) => {
                return Err(WorkflowError::invalid(field(
                    "region_id",
                    "区划不存在或不在您的管辖范围内",
                    "the region does not exist or is outside your region",
                )))
            }
            Err(e) => return Err(e.into()),
        };
        self.store_tip(&ctx.actor(), region.id, channel, input, &[])
            .await
    }

    /// The tipster's view, by follow-up code.
    pub async fn status(&self, address: &str, code: &str) -> WorkflowResult<PublicStatus> {
        let now = self.clock.now();
        let hash = code_hash(code);
        let (failures_key, lookups_key) =
            (format!("tip-miss:{address}"), format!("tip-code:{hash}"));
        if self
            .store
            .attempts_since(&failures_key, now - 15 * MINUTE)
            .await?
            .0
            >= self.limits.lookup_failures
            || self.store.attempts_since(&lookups_key, now - HOUR).await?.0
                >= self.limits.lookups_per_code
        {
            return Err(WorkflowError::RateLimited {
                retry_after_secs: 900,
            });
        }
        self.store.record_attempts(&[&lookups_key], now).await?;
        let Some(tip) = self.store.find_tip_by_code(&hash).await? else {
            self.store.record_attempts(&[&failures_key], now).await?;
            return Err(WorkflowError::invalid(field(
                "code",
                "查询码不正确，请核对后重试",
                "no tip has this follow-up code; check it and try again",
            )));
        };
        let clue_status = self.clue_status(&tip).await?;
        let reward = self.store.rewards_of(tip.id).await?.into_iter().next_back();
        Ok(PublicStatus {
            received_at: tip.received_at,
            state: public_state(tip.status, clue_status),
            reward_paid_on: reward.as_ref().and_then(|r| r.paid_on),
            reward: reward.map(|r| r.status),
        })
    }

    async fn clue_status(&self, tip: &Tip) -> WorkflowResult<Option<ClueStatus>> {
        Ok(match tip.clue_id {
            Some(c) => match self
                .store
                .get_clue(
                    &Cases::region_scope(&tip.region_code[..6.min(tip.region_code.len())]),
                    c,
                )
                .await
            {
                Ok(c) => Some(c.status),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        })
    }

    async fn reader(&self, ctx: &Ctx) -> WorkflowResult<()> {
        if reads_tips(&self.store, ctx).await? {
            Ok(())
        } else {
            Err(WorkflowError::forbidden(
                "举报由专班办公室和奖励经办人员查看",
                "tips are read by the task-force office and reward officers",
            ))
        }
    }

    pub async fn list(&self, ctx: &Ctx) -> WorkflowResult<Vec<Tip>> {
        self.reader(ctx).await?;
        Ok(self.store.list_tips(&ctx.scope, 500).await?)
    }

    pub async fn detail(&self, ctx: &Ctx, id: i64) -> WorkflowResult<TipDetail> {
        self.reader(ctx).await?;
        let tip = self.store.get_tip(&ctx.scope, id).await?;
        let officer = is_reward_officer(&self.store, ctx).await?;
        let clue = match tip.clue_id {
            Some(c) => self.store.get_clue(&ctx.scope, c).await.ok(),
            None => None,
        };
        let clue_status = self.clue_status(&tip).await?;
        let verified = tip.status == TipStatus::Clue
            && matches!(clue_status, Some(ClueStatus::Verified | ClueStatus::Filed));
        let rewards = self.store.rewards_of(id).await?;
        let open_reward = rewards.iter().any(|r| {
            matches!(
                r.status,
                RewardStatus::Proposed | RewardStatus::Approved | RewardStatus::Paid
            )
        });
        Ok(TipDetail {
            contact: if officer {
                Some(self.store.tip_contact(id).await?)
            } else {
                None
            },
            files: self.store.case_files(RecordKind::Tip, id).await?,
            clue,
            public_state: public_state(tip.status, clue_status),
            can_triage: ctx.user.role == Role::TaskForceOffice && tip.status == TipStatus::Received,
            can_propose: officer && verified && !open_reward,
            can_approve: ctx.user.role == Role::TaskForceOffice,
            reward_officer: officer,
            rewards,
            tip,
        })
    }

    async fn triageable(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Tip> {
        let tip = self.store.get_tip(&ctx.scope, id).await?;
        if ctx.user.role != Role::TaskForceOffice {
            return Err(WorkflowError::forbidden(
                "举报由专班办公室分拣",
                "the task-force office triages tips",
            ));
        }
        if tip.status != TipStatus::Received {
            return Err(WorkflowError::forbidden(
                "该举报已分拣",
                "this tip was already triaged",
            ));
        }
        Ok(tip)
    }

    /// Triage: the tip becomes a clue (held by the office's unit, or handed
    /// on from there), with entities the operator read out of it.
    pub async fn to_clue(
        &self,
        ctx: &Ctx,
        id: i64,
        summary: &str,
        entities: &str,
        classification: &str,
    ) -> WorkflowResult<(Clue, Vec<ClueLink>)> {
        let tip = self.triageable(ctx, id).await?;
        let mut errs = Vec::new();
        let summary = required_text("summary", summary, 200)
            .map_err(|e| errs.push(e))
            .ok();
        let entities = parse_entity_lines(entities)
            .map_err(|e| errs.extend(e))
            .ok();
        let class = match classification.trim() {
            "" => Some(Classification::Restricted),
            s => Classification::parse(s).or_else(|| {
                errs.push(field(
                    "classification",
                    "请选择密级",
                    "choose a classification",
                ));
                None
            }),
        };
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(summary), Some(entities), Some(class)) = (summary, entities, class) else {
            return Err(WorkflowError::NotFound);
        };
        let now = self.clock.now();
        let new = NewClue {
            region_id: tip.region_id,
            summary,
            detail: format!(
                "举报 #{}（{}）：{}；时间：{}",
                tip.id,
                tip.topic.zh(),
                tip.what,
                tip.when_text
            ),
            occurred_at: parse_local_time(&tip.when_text).unwrap_or(tip.received_at),
            place: tip.place.clone(),
            lat: tip.lat,
            lon: tip.lon,
            source: ClueSource::Tip,
            source_ref: Some(tip.id),
            classification: class,
            owner_unit_id: ctx.user.unit_id,
        };
        let made = self
            .store
            .create_clue(&ctx.actor(), now, &new, &entities, HUB_LIMIT)
            .await?;
        self.store
            .set_tip_status(
                &ctx.actor(),
                now,
                id,
                &TipTransition {
                    status: TipStatus::Clue,
                    note: String::new(),
                    clue_id: Some(made.0.id),
                    merged_into: None,
                },
            )
            .await?;
        Ok(made)
    }

    /// Triage: a duplicate, merged into an earlier tip of the region.
    pub async fn merge(
        &self,
        ctx: &Ctx,
        id: i64,
        into: Option<i64>,
        note: &str,
    ) -> WorkflowResult<Tip> {
        self.triageable(ctx, id).await?;
        let into = match into {
            Some(i) if i != id => match self.store.get_tip(&ctx.scope, i).await {
                Ok(t) if t.status != TipStatus::Merged => t,
                _ => return Err(WorkflowError::invalid(field(
                    "into",
                    "请填写要合并到的举报编号（本辖区、未被合并）",
                    "give the number of the tip to merge into (in your region, not itself merged)",
                ))),
            },
            _ => {
                return Err(WorkflowError::invalid(field(
                    "into",
                    "请填写要合并到的举报编号",
                    "give the number of the tip to merge into",
                )))
            }
        };
        Ok(self
            .store
            .set_tip_status(
                &ctx.actor(),
                self.clock.now(),
                id,
                &TipTransition {
                    status: TipStatus::Merged,
                    note: note.trim().chars().take(500).collect(),
                    clue_id: None,
                    merged_into: Some(into.id),
                },
            )
            .await?)
    }

    /// Triage: closed with a reason.
    pub async fn close(&self, ctx: &Ctx, id: i64, reason: &str) -> WorkflowResult<Tip> {
        self.triageable(ctx, id).await?;
        let reason = required_text("reason", reason, 500).map_err(|_| {
            WorkflowError::invalid(field(
                "reason",
                "办结须说明理由",
                "closing a tip needs a reason",
            ))
        })?;
        Ok(self
            .store
            .set_tip_status(
                &ctx.actor(),
                self.clock.now(),
                id,
                &TipTransition {
                    status: TipStatus::Closed,
                    note: reason,
                    clue_id: None,
                    merged_into: None,
                },
            )
            .await?)
    }

    /// A reward officer proposes a reward on a verified tip.
    pub async fn propose_reward(
        &self,
        ctx: &Ctx,
        tip_id: i64,
        amount: &str,
        basis: &str,
    ) -> WorkflowResult<Reward> {
        let d = self.detail(ctx, tip_id).await?;
        if !d.reward_officer {
            return Err(WorkflowError::forbidden(
                "奖励由奖励经办人员提出",
                "rewards are proposed by reward officers",
            ));
        }
        if !d.can_propose {
            return Err(WorkflowError::forbidden(
                "只有经核查属实、尚无有效奖励的举报可以提出奖励",
                "a reward needs a tip verified as true without a current reward",
            ));
        }
        let mut errs = Vec::new();
        let fen = match jinghai_domain::cases::parse_yuan(amount) {
            Some(f) if f > 0 && f <= MAX_REWARD_FEN => Some(f),
            Some(f) if f > MAX_REWARD_FEN => {
                errs.push(field(
                    "amount",
                    "单笔奖励不超过 100000 元",
                    "a reward is at most 100,000 yuan",
                ));
                None
            }
            _ => {
                errs.push(field(
                    "amount",
                    "奖励金额须为大于 0 的数字（元，最多两位小数）",
                    "the amount must be a number of yuan above 0 (two decimals at most)",
                ));
                None
            }
        };
        let basis = required_text("basis", basis, 1000)
            .map_err(|_| field("basis", "请填写奖励依据", "give the basis of the reward"))
            .map_err(|e| errs.push(e))
            .ok();
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(fen), Some(basis)) = (fen, basis) else {
            return Err(WorkflowError::NotFound);
        };
        Ok(self
            .store
            .propose_reward(&ctx.actor(), self.clock.now(), tip_id, fen, &basis)
            .await?)
    }

    async fn reward_in_scope(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Reward> {
        let r = self.store.get_reward_unscoped(id).await?;
        self.reader(ctx).await?;
        self.store.get_tip(&ctx.scope, r.tip_id).await?;
        Ok(r)
    }

    /// The office approves or rejects a proposed reward; not its proposer.
    pub async fn decide_reward(
        &self,
        ctx: &Ctx,
        id: i64,
        approve: bool,
        note: &str,
    ) -> WorkflowResult<Reward> {
        let r = self.reward_in_scope(ctx, id).await?;
        if ctx.user.role != Role::TaskForceOffice {
            return Err(WorkflowError::forbidden(
                "奖励由专班办公室审批",
                "the task-force office approves rewards",
            ));
        }
        if r.proposed_by == ctx.actor().name {
            return Err(WorkflowError::forbidden(
                "提出人不能审批自己提出的奖励",
                "the proposer cannot approve their own proposal",
            ));
        }
        if r.status != RewardStatus::Proposed {
            return Err(WorkflowError::forbidden(
                "该奖励已审批",
                "this reward was already decided",
            ));
        }
        if !approve && note.trim().is_empty() {
            return Err(WorkflowError::invalid(field(
                "note",
                "不予批准须说明理由",
                "a rejection needs a reason",
            )));
        }
        let t = RewardTransition {
            status: if approve {
                RewardStatus::Approved
            } else {
                RewardStatus::Rejected
            },
            paid_on: None,
            pay_method: None,
            note: note.trim().chars().take(500).collect(),
        };
        Ok(self
            .store
            .set_reward_status(&ctx.actor(), self.clock.now(), id, &t)
            .await?)
    }

    /// A reward officer records the payment of an approved reward.
    pub async fn pay_reward(
        &self,
        ctx: &Ctx,
        id: i64,
        paid_on: &str,
        method: &str,
        note: &str,
    ) -> WorkflowResult<Reward> {
        let r = self.reward_in_scope(ctx, id).await?;
        if !is_reward_officer(&self.store, ctx).await? {
            return Err(WorkflowError::forbidden(
                "奖励发放由奖励经办人员登记",
                "reward officers record payments",
            ));
        }
        if r.status != RewardStatus::Approved {
            return Err(WorkflowError::forbidden(
                "只有已批准的奖励可以发放",
                "only an approved reward can be paid",
            ));
        }
        let mut errs = Vec::new();
        let today = jinghai_domain::report::day_of(self.clock.now());
        let day = match paid_on.trim() {
            "" => Some(today),
            s => match jinghai_domain::report::parse_day(s) {
                Some(d) if d <= today => Some(d),
                _ => {
                    errs.push(field(
                        "paid_on",
                        "发放日期格式应为 YYYY-MM-DD，且不晚于今天",
                        "the payment date must be YYYY-MM-DD, not in the future",
                    ));
                    None
                }
            },
        };
        let method = PayMethod::parse(method.trim());
        if method.is_none() {
            errs.push(field("method", "请选择发放方式", "choose how it was paid"));
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let t = RewardTransition {
            status: RewardStatus::Paid,
            paid_on: day,
            pay_method: method,
            note: note.trim().chars().take(500).collect(),
        };
        Ok(self
            .store
            .set_reward_status(&ctx.actor(), self.clock.now(), id, &t)
            .await?)
    }

    // --- spot checks ---

    fn office(ctx: &Ctx) -> WorkflowResult<()> {
        if ctx.user.role == Role::TaskForceOffice {
            Ok(())
        } else {
            Err(WorkflowError::forbidden(
                "抽查由专班办公室进行",
                "spot checks are the task-force office's",
            ))
        }
    }

    /// Draws `n` random tips of a region received between two days.
    pub async fn draw_spot_check(
        &self,
        ctx: &Ctx,
        region_id: Option<i64>,
        from: &str,
        to: &str,
        n: &str,
    ) -> WorkflowResult<SpotCheck> {
        Self::office(ctx)?;
        let mut errs = Vec::new();
        let from = jinghai_domain::report::parse_day(from.trim());
        let to = jinghai_domain::report::parse_day(to.trim());
        if from.is_none() || to.is_none() || from > to {
            errs.push(field(
                "from",
                "请填写抽查期间（起止日期 YYYY-MM-DD）",
                "give the period (from and to, YYYY-MM-DD)",
            ));
        }
        let n = match n.trim().parse::<usize>() {
            Ok(n) if (1..=200).contains(&n) => Some(n),
            _ => {
                errs.push(field(
                    "n",
                    "抽查数量须为 1–200",
                    "the sample size must be 1–200",
                ));
                None
            }
        };
        let region = match region_id {
            Some(id) => self
                .store
                .get_region(&ctx.scope, id)
                .await
                .map_err(|_| ())
                .ok(),
            None => None,
        };
        if region.is_none() {
            errs.push(field("region_id", "请选择抽查区划", "choose the region"));
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(from), Some(to), Some(n), Some(region)) = (from, to, n, region) else {
            return Err(WorkflowError::NotFound);
        };
        let population = self
            .store
            .tip_ids_between(
                region.scope_prefix(),
                cst_hour(from, 0),
                cst_hour(to, 0) + DAY,
            )
            .await?;
        if population.is_empty() {
            return Err(WorkflowError::invalid(field(
                "from",
                "该期间没有举报可抽查",
                "no tips in that period",
            )));
        }
        let seed = (rand::random::<u64>() >> 1) as i64;
        let sample = draw_sample(&population, n, seed as u64);
        let check = SpotCheck {
            id: 0,
            region_id: region.id,
            region_code: String::new(),
            from_day: from,
            to_day: to,
            seed,
            drawn_by: String::new(),
            drawn_at: 0,
        };
        Ok(self
            .store
            .create_spot_check(&ctx.actor(), self.clock.now(), &check, &sample)
            .await?)
    }

    pub async fn spot_checks(&self, ctx: &Ctx) -> WorkflowResult<Vec<SpotCheck>> {
        self.reader(ctx).await?;
        Ok(self.store.list_spot_checks(&ctx.scope).await?)
    }

    pub async fn spot_check(&self, ctx: &Ctx, id: i64) -> WorkflowResult<SpotCheckDetail> {
        self.reader(ctx).await?;
        let check = self.store.get_spot_check(&ctx.scope, id).await?;
        let mut items = Vec::new();
        for i in self.store.spot_check_items(id).await? {
            let tip = self.store.get_tip(&ctx.scope, i.tip_id).await.ok();
            let rewards = self.store.rewards_of(i.tip_id).await?;
            items.push((i, tip, rewards));
        }
        Ok(SpotCheckDetail { check, items })
    }

    /// Records whether a sampled tip was answered, handled and rewarded correctly.
    pub async fn record_finding(
        &self,
        ctx: &Ctx,
        check_id: i64,
        item_id: Option<i64>,
        f: &SpotFinding,
    ) -> WorkflowResult<SpotCheckItem> {
        Self::office(ctx)?;
        self.store.get_spot_check(&ctx.scope, check_id).await?;
        let item = match item_id {
            Some(i) => self.store.get_spot_check_item_unscoped(i).await?,
            None => {
                return Err(WorkflowError::invalid(field(
                    "item_id",
                    "请选择抽查条目",
                    "choose the sampled tip",
                )))
            }
        };
        if item.check_id != check_id {
            return Err(WorkflowError::invalid(field(
                "item_id",
                "该条目不属于本次抽查",
                "the item is not part of this check",
            )));
        }
        Ok(self
            .store
            .record_spot_finding(&ctx.actor(), self.clock.now(), item.id, f)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_however_typed() {
        let code = new_code();
        assert_eq!(code.len(), 19);
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_lowercase().replace('-', " "))
        );
        assert_ne!(code_hash(&code), code_hash(&new_code()));
    }

    #[test]
    fn proof_of_work() {
        let nonce = solve("abc", 8);
        assert!(pow_bits("abc", &nonce) >= 8);
        assert!(pow_bits("abd", "0") < 64);
    }
}
