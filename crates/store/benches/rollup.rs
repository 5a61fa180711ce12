//! Daily-report roll-up benchmark: a province-year of reports on SQLite and
//! on PostgreSQL, in one run.
//!
//! Scale: 125 districts × 8 working groups = 1,000 reporting units, 365 days,
//! all 46 indicators (the 44 typed ones stored; the 2 cumulative ones are
//! computed from them): 365,000 entries, 2.2 million values. Override with
//! `JINGHAI_BENCH_DISTRICTS`.
//!
//! `scripts/bench.sh rollup` (starts a throwaway PostgreSQL), or
//! `JINGHAI_TEST_DATABASE_URL=postgres://… cargo bench -p jinghai-store --bench rollup`.
//! Without a PostgreSQL URL only SQLite is measured, and the output says so.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jinghai_domain::audit::Actor;
use jinghai_domain::report::{clean_sea_daily, EntryStatus};
use jinghai_domain::{RegionCode, RegionLevel};
use jinghai_store::{BulkEntry, NewRegion, Store};

const DAYS: i32 = 365;
const FIRST_DAY: i32 = 18_628; // 2021-01-01

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn time<F, Fut, T>(runs: usize, mut f: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f().await);
        times.push(t.elapsed());
    }
    times.sort();
    (pct(&times, 0.5), pct(&times, 0.99))
}

async fn run(name: &str, store: Arc<dyn Store>, districts: usize) {
    let a = Actor::system("bench");
    let region = |code: &str, level, parent| NewRegion {
        code: RegionCode::parse(code).unwrap(),
        name: code.into(),
        level,
        parent_id: parent,
    };
    let province = store
        .create_region(&a, 0, &region("330000", RegionLevel::Province, None))
        .await
        .unwrap();
    let cities = districts.div_ceil(12).max(1);
    let mut district_rows = Vec::new();
    for c in 0..cities {
        let city = store
            .create_region(
                &a,
                0,
                &region(
                    &format!("33{:02}00", c + 1),
                    RegionLevel::City,
                    Some(province.id),
                ),
            )
            .await
            .unwrap();
        for d in 0..12 {
            if district_rows.len() == districts {
                break;
            }
            let r = store
                .create_region(
                    &a,
                    0,
                    &region(
                        &format!("33{:02}{:02}", c + 1, d + 1),
                        RegionLevel::District,
                        Some(city.id),
                    ),
                )
                .await
                .unwrap();
            district_rows.push(r);
        }
    }
    let def = clean_sea_daily();
    let form = store.upsert_report_form(&a, 0, &def).await.unwrap();

    let t = Instant::now();
    let mut entries = Vec::new();
    let mut values = 0usize;
    for (n, d) in district_rows.iter().enumerate() {
        for day in FIRST_DAY..FIRST_DAY + DAYS {
            for s in &def.sections {
                let vals: Vec<(String, i64)> = s
                    .indicators
                    .iter()
                    .filter(|i| i.cumulative_of.is_none())
                    .enumerate()
                    .map(|(k, i)| {
                        (
                            i.key.clone(),
                            (((n as i64 + 1) * 7 + day as i64 * 3 + k as i64) % 40) * 1000,
                        )
                    })
                    .collect();
                values += vals.len();
                entries.push(BulkEntry {
                    region_id: d.id,
                    region_code: d.code.to_string(),
                    section: s.key.clone(),
                    day,
                    status: EntryStatus::Approved,
                    values: vals,
                });
            }
        }
        if entries.len() >= 20_000 {
            store
                .bulk_insert_report_entries(form, &entries)
                .await
                .unwrap();
            entries.clear();
        }
    }
    store
        .bulk_insert_report_entries(form, &entries)
        .await
        .unwrap();
    let load = t.elapsed();
    let t = Instant::now();
    store.rebuild_report_totals(form).await.unwrap();
    let rebuild = t.elapsed();

    let units = districts * def.sections.len();
    println!("{name}: {units} units × {DAYS} days × 46 indicators ({} entries, {values} values): load {load:.1?}, totals rebuilt in {rebuild:.1?}", districts * DAYS as usize * 8);
    let last = FIRST_DAY + DAYS - 1;
    let (p50, p99) = time(50, || store.report_rollup(form, "33", FIRST_DAY, last)).await;
    println!(
        "{name}: province-year roll-up       p50 {p50:>9.2?}  p99 {p99:>9.2?}  (goal < 100 ms)"
    );
    let (p50, p99) = time(50, || store.report_rollup(form, "3301", FIRST_DAY, last)).await;
    println!("{name}: city-year roll-up           p50 {p50:>9.2?}  p99 {p99:>9.2?}");
    let district = district_rows[0].code.as_str()[..6].to_string();
    let (p50, p99) = time(50, || store.report_rollup(form, &district, last - 29, last)).await;
    println!("{name}: district-month roll-up      p50 {p50:>9.2?}  p99 {p99:>9.2?}");
    let (p50, p99) = time(20, || store.report_series(form, "33", FIRST_DAY, last)).await;
    println!("{name}: province-year daily series  p50 {p50:>9.2?}  p99 {p99:>9.2?}");
    let sum: i64 = store
        .report_rollup(form, "33", FIRST_DAY, last)
        .await
        .unwrap()
        .iter()
        .map(|(_, v)| v)
        .sum();
    println!("{name}: checksum of the province-year totals: {sum}");
}

fn main() {
    let districts: usize = std::env::var("JINGHAI_BENCH_DISTRICTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(125);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = jinghai_store::testkit::sqlite().await;
        run("sqlite", db.store.clone(), districts).await;
        match std::env::var(jinghai_store::testkit::PG_ENV) {
            Ok(_) => {
                let db = jinghai_store::testkit::postgres().await;
                run("postgres", db.store.clone(), districts).await;
            }
            Err(_) => println!("postgres: not measured ({} is not set; scripts/bench.sh starts a throwaway server)", jinghai_store::testkit::PG_ENV),
        }
    });
}
