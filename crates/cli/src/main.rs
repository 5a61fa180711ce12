//! `jinghai`: the one binary of the platform.
//!
//! - `jinghai demo`: a fresh data directory with the demo district, served.
//! - `jinghai serve`: the platform, configured by defaults → TOML → `JINGHAI_*`.
//! - `jinghai decode FILE...`: AIS NMEA files to JSON Lines, with counters (`decode.rs`).
//! - `jinghai migrate`: apply (or list) database migrations.
//! - `jinghai region add`, `jinghai user add|passwd`: bootstrap a new installation.
//! - `jinghai stream publish|worker`: the AIS stream through NATS JetStream (`stream.rs`).

mod decode;
mod exercise;
mod lines;
mod pipeline;
mod replay;
mod stream;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use jinghai_domain::Role;
use jinghai_server::{AppState, Config};
use jinghai_store::Store;
use jinghai_workflow::{Clock, SystemClock, WorkflowError};

#[derive(Parser)]
#[command(
    name = "jinghai",
    version,
    about = "净海 Jinghai — the Clean Sea joint platform against illegal entry and smuggling by sea"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the platform.
    Serve(ConfigArgs),
    /// Run a demo: a fresh data directory seeded with a Beilun-like district, served.
    Demo(DemoArgs),
    /// Apply pending database migrations (or list them with --status).
    Migrate {
        #[command(flatten)]
        config: ConfigArgs,
        /// Only list migrations and whether each is applied.
        #[arg(long)]
        status: bool,
    },
    /// Regions (for bootstrapping a new installation).
    #[command(subcommand)]
    Region(RegionCommand),
    /// User accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Decode AIS NMEA files (plain or gzip, `-` for stdin) to JSON Lines.
    Decode(decode::DecodeArgs),
    /// Run an AIS recording through the engine and write its events as JSON Lines.
    Replay(replay::ReplayArgs),
    /// Generate or score coastal exercises.
    Exercise(exercise::ExerciseArgs),
    /// The AIS stream through NATS JetStream (`[stream]`): publish recordings, run engine workers.
    #[command(subcommand)]
    Stream(stream::StreamCommand),
}

#[derive(Args, Clone)]
struct ConfigArgs {
    /// TOML configuration file (keys: listen, data_dir, database_url, log, session_hours, default_lang, secure_cookies).
    #[arg(long, short)]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct DemoArgs {
    /// Where to create the demo data (default: a new temporary directory).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// How many times faster than real time the demo's exercise plays (1–3600;
    /// at 60 its 12 hours take 12 minutes, then it plays again).
    #[arg(long, default_value_t = 60.0, value_parser = parse_speed)]
    speed: f64,
}

fn parse_speed(text: &str) -> std::result::Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if (1.0..=3600.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "the speed is a number from 1 to 3600, got {text:?}"
        )),
    }
}

#[derive(Subcommand)]
enum RegionCommand {
    /// Add a region: 6, 9 or 12-digit code, name, and the parent's code (none for a province).
    Add {
        code: String,
        name: String,
        #[arg(long)]
        parent: Option<String>,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user. The password is read from standard input.
    Add {
        username: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// admin, task_force_office, group_member, town_worker or leader.
        #[arg(long)]
        role: String,
        /// Code of the user's region.
        #[arg(long)]
        region: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Set a user's password, read from standard input.
    Passwd {
        username: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("jinghai: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jinghai: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn load_config(args: &ConfigArgs) -> Result<Config> {
    Ok(Config::load(args.config.as_deref(), std::env::vars())?)
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Opens and migrates the configured database, creating the data directory.
async fn open_store(config: &Config) -> Result<Arc<dyn Store>> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
    let store = jinghai_store::open(&config.database_url()).await?;
    store.migrate().await?;
    Ok(store)
}

fn clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

fn read_password() -> Result<String> {
    let pw = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        rpassword::prompt_password("密码 Password: ")?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    Ok(pw)
}

fn user_error(e: WorkflowError) -> anyhow::Error {
    match e {
        WorkflowError::Store(s) => anyhow!(s),
        other => anyhow!(
            other.user_message(jinghai_domain::Lang::Zh)
                + " / "
                + &other.user_message(jinghai_domain::Lang::En)
        ),
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        // Synchronous, CPU-bound, and alone in the process: fine on the runtime thread.
        Command::Replay(args) => replay::run(args),
        Command::Exercise(args) => exercise::run(args),
        Command::Decode(args) => decode::run(args),
        Command::Stream(command) => {
            let config = load_config(command.config())?;
            init_logging(&config.log);
            stream::run(command, config).await
        }
        Command::Serve(args) => {
            let config = load_config(&args)?;
            init_logging(&config.log);
            let store = open_store(&config).await?;
            serve(store, config, None).await
        }
        Command::Demo(args) => {
            let data_dir = match args.data_dir {
                Some(d) => {
                    if d.exists() && std::fs::read_dir(&d)?.next().is_some() {
                        bail!(
                            "{} is not empty: the demo needs a fresh data directory",
                            d.display()
                        );
                    }
                    d
                }
                None => {
                    let stamp = SystemClock.now();
                    std::env::temp_dir().join(format!("jinghai-demo-{stamp}"))
                }
            };
            let config = Config {
                data_dir: data_dir.clone(),
                listen: args.listen,
                log: "info".into(),
                ..Config::default()
            };
            init_logging(&config.log);
            let store = open_store(&config).await?;
            jinghai_workflow::seed::seed_demo(&store, &clock())
                .await
                .map_err(user_error)?;
            // The demo week's alerts are in place: an earlier clue names the
            // vessel of one of them, so turning that alert into a clue links.
            jinghai_workflow::seed::seed_demo_prior_clue(&store, &clock())
                .await
                .map_err(user_error)?;
            println!("净海 Jinghai demo — data in {}", data_dir.display());
            println!(
                "演示账号 demo accounts (password / 密码: {}):",
                jinghai_workflow::seed::DEMO_PASSWORD
            );
            for a in jinghai_workflow::seed::ACCOUNTS {
                println!("  {:<16} {} · {}", a.username, a.role.zh(), a.display_name);
            }
            println!(
                "演练回放 exercise replay: {}× real time, off the Ningbo coast — open /map (态势监控) and /alerts (预警处置)",
                args.speed
            );
            serve(store, config, Some(args.speed)).await
        }
        Command::Migrate { config, status } => {
            let config = load_config(&config)?;
            init_logging(&config.log);
            std::fs::create_dir_all(&config.data_dir)?;
            let store = jinghai_store::open(&config.database_url()).await?;
            if !status {
                let applied = store.migrate().await?;
                println!("applied {} migration(s)", applied.len());
            }
            for m in store.migration_status().await? {
                println!(
                    "{:04} {:<24} {}",
                    m.version,
                    m.name,
                    if m.applied { "applied" } else { "pending" }
                );
            }
            Ok(())
        }
        Command::Region(RegionCommand::Add {
            code,
            name,
            parent,
            config,
        }) => {
            let config = load_config(&config)?;
            let store = open_store(&config).await?;
            let r = jinghai_workflow::bootstrap::add_region(
                &store,
                &clock(),
                &code,
                &name,
                parent.as_deref(),
            )
            .await
            .map_err(user_error)?;
            println!("added region {} {} ({})", r.code, r.name, r.level.as_str());
            Ok(())
        }
        Command::User(UserCommand::Add {
            username,
            name,
            role,
            region,
            config,
        }) => {
            let config = load_config(&config)?;
            let role = Role::parse(&role).ok_or_else(|| anyhow!("unknown role {role:?}: use admin, task_force_office, group_member, town_worker or leader"))?;
            let store = open_store(&config).await?;
            let password = read_password()?;
            let u = jinghai_workflow::bootstrap::add_user(
                &store,
                &clock(),
                &username,
                &name,
                role,
                &region,
                &password,
            )
            .await
            .map_err(user_error)?;
            println!("added user {} ({})", u.username, u.role.as_str());
            Ok(())
        }
        Command::User(UserCommand::Passwd { username, config }) => {
            let config = load_config(&config)?;
            let store = open_store(&config).await?;
            let password = read_password()?;
            jinghai_workflow::bootstrap::set_password(&store, &clock(), &username, &password)
                .await
                .map_err(user_error)?;
            println!("password changed for {username}");
            Ok(())
        }
    }
}

/// Serves the platform; with `demo_speed`, also plays the demo's exercise.
async fn serve(store: Arc<dyn Store>, config: Config, demo_speed: Option<f64>) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    println!("净海 Jinghai is serving at http://{addr}/");
    tracing::info!(%addr, database = %jinghai_store::redact_url(&config.database_url()), "serving");
    let feeds = config.maritime.clone();
    let stream = config.stream.clone();
    let state = AppState::new(store.clone(), clock(), config);
    // Broken feed files stop the start with the reason, before serving. Each
    // feed follows the registries edited in the UI (vessels, places, reports)
    // and shows on the live map.
    for feed in &feeds {
        // The stream's feed goes to the broker; its workers raise the alerts.
        if let Some(stream) = stream.clone().filter(|s| s.feed == feed.name) {
            let loaded =
                jinghai_server::live::start_published(store.clone(), clock(), feed, stream.clone())
                    .await?;
            // Every web node draws the stream feed on its map, from the stream.
            jinghai_server::live::show_stream_on_map(
                store.clone(),
                clock(),
                &loaded,
                stream.clone(),
                &state.picture,
            );
            println!(
                "maritime feed {} (district {}): {} receiver(s) published to the stream at {}; its vessels and alerts drawn on the map from the stream",
                feed.name,
                feed.district,
                feed.sources.len(),
                stream.url
            );
            continue;
        }
        let changes = Some(state.registry_changes.subscribe());
        jinghai_server::live::start(store.clone(), clock(), feed, changes, &state.picture).await?;
        println!(
            "maritime feed {} (district {}): {} receiver(s)",
            feed.name,
            feed.district,
            feed.sources.len()
        );
    }
    if let Some(speed) = demo_speed {
        let ex = demo_exercise();
        // Inbound ship calls are matched against the exercise's fleet too.
        state
            .vessels
            .add(jinghai_server::live::registry_rows(&ex.vessels_csv));
        let (store, picture) = (store.clone(), state.picture.clone());
        let changes = state.registry_changes.clone();
        tokio::spawn(async move {
            if let Err(e) = replay_demo_exercise(store, picture, changes, ex, speed).await {
                tracing::error!(error = %format!("{e:#}"), "demo exercise stopped");
            }
        });
    }
    jinghai_server::serve(state, listener).await?;
    Ok(())
}

/// Where the demo's exercise lies: open water south-east of Beilun, between
/// the Zhoushan islands and the open sea, so no generated track crosses the
/// real coastline of the base map.
const DEMO_ORIGIN: jinghai_engine::exercise::Origin = jinghai_engine::exercise::Origin {
    lat: 29.25,
    lon: 122.38,
    rotation_deg: 0.0,
};

/// The demo's generated 12-hour coastal exercise (seed 2021), placed at [`DEMO_ORIGIN`].
fn demo_exercise() -> jinghai_engine::exercise::Exercise {
    jinghai_engine::exercise::generate(&jinghai_engine::exercise::ExerciseOptions {
        seed: 2021,
        origin: Some(DEMO_ORIGIN),
        ..jinghai_engine::exercise::ExerciseOptions::default()
    })
}

/// Plays the demo's exercise through a live feed of 北仑区 at `speed`× real time, again and again: the sea clock starts
/// at the wall clock and runs `speed` times faster, each pass starting a day
/// after the last ended (with the port reports shifted alike). Vessels move on the
/// map and alerts reach the desk as the exercise goes.
async fn replay_demo_exercise(
    store: Arc<dyn Store>,
    picture: Arc<jinghai_workflow::picture::Picture>,
    changes: tokio::sync::broadcast::Sender<jinghai_workflow::registry::RegistryChange>,
    ex: jinghai_engine::exercise::Exercise,
    speed: f64,
) -> Result<()> {
    use jinghai_server::live::{replay, FeedFiles, Replay};
    let files = FeedFiles {
        zones: ex.zones_geojson,
        vessels: ex.vessels_csv,
        reports: Some(ex.port_reports_csv),
        engine: None,
    };
    let mut start_ms = SystemClock.now();
    loop {
        let last = replay(
            store.clone(),
            clock(),
            &picture,
            Replay {
                name: "demo-exercise",
                district: "330206",
                files: &files,
                nmea: &ex.nmea,
                speed,
                start_ms,
                run: start_ms,
                changes: Some(changes.subscribe()),
            },
        )
        .await?;
        tracing::info!("demo exercise played; playing it again");
        // A day on, so that this pass's arrival reports (the engine accepts
        // one up to 24 h before an entry) cannot cover the next pass's entries.
        start_ms = last + jinghai_domain::time::DAY + 10 * 60_000;
    }
}
