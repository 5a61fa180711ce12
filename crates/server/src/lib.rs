//! Jinghai's HTTP server: the JSON API (described by an OpenAPI document it
//! serves itself), the Chinese-first web UI, sessions, CSRF, `/healthz` and
//! `/metrics`.
//!
//! Invariants:
//! - Only this crate knows HTTP and JSON. Handlers parse input, call a
//!   workflow service, and render; no SQL here, no business rule here.
//! - Every route is declared once, in [`routes::ROUTES`]; the router, the
//!   OpenAPI document and the scoping test matrix are all built from that
//!   table, so a new endpoint cannot skip any of them.
//! - Every asset (CSS, JS, fonts, map data) is compiled into the binary: the
//!   UI loads nothing from the internet.
//!
//! Code map: [`config`] (layered configuration), [`auth`] (session, CSRF,
//! language extractors), [`error`] (the one error type → HTTP response),
//! [`routes`] (the route table), [`api`] (JSON handlers), [`map`] (the live
//! map's JSON and push handlers), [`pages`] (HTML handlers, rendered with
//! maud), [`live`] (the running maritime feeds), [`openapi`], [`metrics`],
//! [`assets`], [`i18n`].

pub mod api;
pub mod api_cases;
pub mod api_intl;
pub mod api_registry;
pub mod assets;
pub mod auth;
pub mod config;
pub mod dingtalk;
pub mod error;
pub mod i18n;
pub mod live;
pub mod map;
pub mod map_layers;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod routes;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use jinghai_domain::time::HOUR;
use jinghai_store::Store;
use jinghai_workflow::accounts::LoginLimits;
use jinghai_workflow::alerts::Alerts;
use jinghai_workflow::bulletins::Bulletins;
use jinghai_workflow::cases::Cases;
use jinghai_workflow::duty::{Duty, RobotNotifier};
use jinghai_workflow::epidemic::Epidemic;
use jinghai_workflow::individual::Individual;
use jinghai_workflow::intl::{Intl, IntlPrefill, RegistryDirectory};
use jinghai_workflow::jobs::{names as job_names, Jobs};
use jinghai_workflow::map::Map;
use jinghai_workflow::patrols::Patrols;
use jinghai_workflow::picture::Picture;
use jinghai_workflow::registry::{Registries, RegistryChange};
use jinghai_workflow::reports::Reports;
use jinghai_workflow::risks::Risks;
use jinghai_workflow::scoring::Scoring;
use jinghai_workflow::tips::{TipLimits, Tips};
use jinghai_workflow::{Accounts, Admin, Clock};

pub use config::Config;

/// Everything a handler may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub accounts: Accounts,
    pub admin: Admin,
    pub reports: Reports,
    /// The records behind the daily report's prefilled numbers.
    pub records: jinghai_workflow::records::RecordsBehind,
    pub alerts: Alerts,
    pub risks: Risks,
    pub registries: Registries,
    /// Registry changes for the running maritime feeds ([`live`]).
    pub registry_changes: tokio::sync::broadcast::Sender<RegistryChange>,
    pub scoring: Scoring,
    pub bulletins: Bulletins,
    pub patrols: Patrols,
    /// Issue #8: inbound international ships, individual cases, the duty
    /// desk, key persons and the cold chain.
    pub intl: Intl,
    pub individual: Arc<Individual>,
    pub duty: Duty,
    pub epidemic: Epidemic,
    /// The registry rows ship calls are matched against (from the maritime
    /// feeds' registry files; the registry table replaces it at merge).
    pub vessels: Arc<RegistryDirectory>,
    pub cases: Cases,
    pub tips: Tips,
    /// The live picture the running feeds publish into (see [`live`]).
    pub picture: Arc<Picture>,
    pub map: Map,
    /// Periodic jobs, run on one node at a time (see [`serve`]).
    pub jobs: Jobs,
    pub config: Config,
    pub metrics: metrics::Metrics,
    pub started: Instant,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: Config) -> AppState {
        let picture = Arc::new(Picture::new());
        let limits = LoginLimits {
            session_ttl: config.session_hours.max(1) as i64 * HOUR,
            ..LoginLimits::default()
        };
        // Feeds subscribe to this; a change with no feed running goes nowhere.
        let (registry_changes, _) = tokio::sync::broadcast::channel(1024);
        let sender = registry_changes.clone();
        let sink: jinghai_workflow::registry::ChangeSink = Arc::new(move |change| {
            let _ = sender.send(change);
        });
        let vessels = Arc::new(RegistryDirectory::new(store.clone()));
        vessels.add(live::registry_of_feeds(&config.maritime));
        let individual = Arc::new(
            Individual::new(store.clone(), clock.clone())
                .with_quarantine_days(config.quarantine_days),
        );
        AppState(Arc::new(Inner {
            registries: Registries::new(store.clone(), clock.clone()).with_changes(sink),
            registry_changes,
            intl: Intl::new(store.clone(), clock.clone(), vessels.clone()),
            // Overdue notices also go to the region's DingTalk robot.
            duty: Duty::new(store.clone(), clock.clone(), individual.clone()).with_notifier(
                Arc::new(RobotNotifier::new(
                    store.clone(),
                    Arc::new(dingtalk::DingTalkPusher {
                        client: dingtalk::DingTalk::default(),
                        clock: clock.clone(),
                    }),
                )),
            ),
            epidemic: Epidemic::new(store.clone(), clock.clone()),
            individual,
            vessels,
            accounts: Accounts::new(store.clone(), clock.clone(), limits),
            admin: Admin::new(store.clone(), clock.clone()),
            reports: Reports::new(store.clone(), clock.clone())
                .with_prefill(Arc::new(IntlPrefill::new(store.clone())))
                .with_prefill(Arc::new(jinghai_workflow::registry::RegistryPrefill::new(
                    store.clone(),
                )))
                .with_prefill(Arc::new(jinghai_workflow::alerts::AlertsPrefill::new(
                    store.clone(),
                )))
                .with_prefill(Arc::new(jinghai_workflow::cases::CasesPrefill::new(
                    store.clone(),
                    clock.clone(),
                )))
                .with_prefill(Arc::new(jinghai_workflow::patrols::PatrolsPrefill::new(
                    store.clone(),
                    clock.clone(),
                ))),
            records: jinghai_workflow::records::RecordsBehind::new(store.clone()),
            alerts: Alerts::new(store.clone(), clock.clone())
                .with_ack_minutes(config.alert_ack_minutes),
            risks: Risks::new(store.clone(), clock.clone()),
            scoring: Scoring::new(store.clone(), clock.clone()),
            bulletins: Bulletins::new(
                store.clone(),
                clock.clone(),
                match jinghai_workflow::pdf::load_font(config.bulletin_font.as_deref()) {
                    Ok(f) => Some(f),
                    Err(e) => {
                        tracing::warn!(error = %e, "bulletins: no CJK font, PDFs cannot be made");
                        None
                    }
                },
                Arc::new(dingtalk::DingTalkPusher {
                    client: dingtalk::DingTalk::default(),
                    clock: clock.clone(),
                }),
                jinghai_workflow::bulletins::RetryPolicy::default(),
            ),
            // Patrol records take AIS tracks from the live picture's history.
            patrols: Patrols::new(store.clone(), clock.clone(), picture.clone()),
            cases: Cases::new(store.clone(), clock.clone()),
            tips: Tips::new(store.clone(), clock.clone(), TipLimits::default()),
            map: Map::new(store.clone(), picture.clone()),
            jobs: Jobs::new(store.clone(), clock.clone(), Jobs::node_name()),
            picture,
            store,
            clock,
            config,
            metrics: metrics::Metrics::default(),
            started: Instant::now(),
        }))
    }
}

/// The application: every route of [`routes::ROUTES`], plus request metrics.
pub fn app(state: AppState) -> Router {
    routes::router()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state)
}

/// Serves until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    spawn_jobs(&state);
    let app = app(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    // Another node takes the jobs over at its next tick, not after expiry.
    state.jobs.release(JOBS).await;
    served
}

/// The periodic jobs every node ticks; each runs on the node holding its lease.
const JOBS: &[&str] = &[
    job_names::DUTY_SWEEP,
    job_names::HANDOVER_ESCALATION,
    job_names::SCORE_EVALUATION,
];

/// Starts the periodic jobs: every minute each is offered to this node, and
/// runs here only while this node holds its lease in the database, so with
/// several nodes a job runs once per minute, not once per node.
pub fn spawn_jobs(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            run_jobs_once(&state).await;
        }
    });
}

/// One tick of every periodic job (what [`spawn_jobs`] does each minute).
pub async fn run_jobs_once(state: &AppState) {
    // The duty desk's sweep: overdue deadlines notify their units once.
    let duty = state
        .jobs
        .run(job_names::DUTY_SWEEP, || state.duty.sweep())
        .await;
    if let Err(e) = duty {
        tracing::warn!(error = %e, "duty sweep failed; retrying in a minute");
    }
    // Hand-overs past their receipt deadline escalate (once each, audited)
    // so the office sees them flagged.
    let escalated = state
        .jobs
        .run(job_names::HANDOVER_ESCALATION, || {
            state.cases.escalate_overdue()
        })
        .await;
    if let Err(e) = escalated {
        tracing::warn!(error = %e, "hand-over escalation failed; retrying in a minute");
    }
    // The scoring evaluation: its lease is ticked every minute like the
    // others (so it stays on one node), and it runs once an hour there.
    let evaluated = state
        .jobs
        .run(job_names::SCORE_EVALUATION, || evaluate_scores(state))
        .await;
    if let Err(e) = evaluated {
        tracing::warn!(error = %e, "scheduled evaluation failed; retrying in a minute");
    }
}

/// The hour this process last evaluated the scores in (epoch hours).
static LAST_EVALUATION_HOUR: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(-1);

/// Once an hour, the evaluation (考核评价) of the last two weeks' finished
/// days in every region: overdue risks, missing and late daily sections,
/// alerts left unhandled, missed escalation deadlines … become ledger
/// entries without the office having to press "evaluate". Idempotent, so
/// late facts of earlier days are still caught, and a node taking the job
/// over (which evaluates at once) adds nothing twice.
async fn evaluate_scores(state: &AppState) -> jinghai_workflow::WorkflowResult<()> {
    let hour = state.clock.now() / jinghai_domain::time::HOUR;
    let last = LAST_EVALUATION_HOUR.swap(hour, std::sync::atomic::Ordering::Relaxed);
    if last == hour {
        return Ok(());
    }
    let yesterday = state.scoring.today() - 1;
    let e = state
        .scoring
        .evaluate_scheduled(yesterday - 13, yesterday)
        .await;
    match e {
        Ok(e) => {
            tracing::info!(
                facts = e.facts,
                written = e.written.len(),
                "scheduled evaluation"
            );
            Ok(())
        }
        Err(e) => {
            // Try again at the next tick.
            LAST_EVALUATION_HOUR.store(last, std::sync::atomic::Ordering::Relaxed);
            Err(e)
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
