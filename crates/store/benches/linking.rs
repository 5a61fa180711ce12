//! Linking (串并) benchmark: the time to register and link a new clue when
//! 1,000,000 clues are already stored, on SQLite and on PostgreSQL.
//!
//! The stored clues name 2–4 entities each, drawn with a skew from pools of
//! realistic sizes, so that entities recur as in real case work: 50,000
//! vessels (MMSI), 30,000 painted hull numbers, 300,000 phones, 200,000
//! persons (Chinese names, so pinyin keys collide too), 100,000 plates,
//! 3,000 places (common enough that many are hubs, which linking skips).
//! A new clue is then registered 300 times through `create_clue` — insert,
//! audit, index its keys, probe the index once per key, write its links —
//! and p50/p99 printed; so are the index probes alone (`link_suggestions`:
//! finding the links, goal p99 < 10 ms). A key held by more than 200
//! clues is a hub and skipped; otherwise the newest 20 holders are linked.
//!
//! `scripts/bench.sh linking` (starts a throwaway PostgreSQL), or
//! `JINGHAI_TEST_DATABASE_URL=postgres://… cargo bench -p jinghai-store --bench linking`.
//! `JINGHAI_BENCH_CLUES` changes the number of stored clues.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jinghai_domain::audit::Actor;
use jinghai_domain::cases::{Classification, ClueSource};
use jinghai_domain::entity::{normalise, EntityKind, NormalEntity};
use jinghai_domain::{RegionCode, RegionLevel};
use jinghai_store::{NewClue, NewRegion, Store};

/// SplitMix64: reproducible, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// An index into a pool of `n`, skewed towards the start (u²): a few
    /// entities recur often, most rarely.
    fn skewed(&mut self, n: u64) -> u64 {
        ((self.unit().powi(2)) * n as f64) as u64 % n
    }
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕玉兰晓红国庆春梅文斌晨阳海波立新永强卫东红梅丹凤宇鹏子豪浩然思远";

fn entity(rng: &mut Rng) -> NormalEntity {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let (kind, raw) = match rng.next() % 10 {
        0 | 1 => (
            EntityKind::Phone,
            format!("13{:09}", rng.skewed(300_000) * 7919 % 1_000_000_000),
        ),
        2 | 3 => (EntityKind::Mmsi, format!("412{:06}", rng.skewed(50_000))),
        4 => (
            EntityKind::Vessel,
            format!("浙象渔{:05}", rng.skewed(30_000)),
        ),
        5 | 6 => {
            let i = rng.skewed(200_000) as usize;
            (
                EntityKind::Person,
                format!(
                    "{}{}{}",
                    s[i % s.len()],
                    g[(i / s.len()) % g.len()],
                    g[(i / s.len() / g.len()) % g.len()]
                ),
            )
        }
        7 => (EntityKind::Plate, format!("浙B{:05}", rng.skewed(100_000))),
        _ => (
            EntityKind::Place,
            format!("北仑岙口{}号", rng.skewed(3_000)),
        ),
    };
    normalise(kind, &raw).expect("generated entities are valid")
}

fn clue(region_id: i64, rng: &mut Rng) -> (NewClue, Vec<NormalEntity>) {
    let n = 2 + (rng.next() % 3) as usize;
    let mut es: Vec<NormalEntity> = Vec::with_capacity(n);
    for _ in 0..n {
        let e = entity(rng);
        if !es.iter().any(|x| x.kind == e.kind && x.normal == e.normal) {
            es.push(e);
        }
    }
    let new = NewClue {
        region_id,
        summary: "基准测试线索".into(),
        detail: String::new(),
        occurred_at: 1_612_900_000_000,
        place: String::new(),
        lat: None,
        lon: None,
        source: ClueSource::Officer,
        source_ref: None,
        classification: Classification::Restricted,
        owner_unit_id: None,
    };
    (new, es)
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn run(name: &str, store: Arc<dyn Store>, total: usize) {
    let a = Actor::system("bench");
    let region = store
        .create_region(
            &a,
            0,
            &NewRegion {
                code: RegionCode::parse("330206").unwrap(),
                name: "北仑区".into(),
                level: RegionLevel::District,
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let mut rng = Rng(2021);
    let t = Instant::now();
    let mut keys = 0usize;
    let mut done = 0;
    while done < total {
        let batch: Vec<_> = (0..20_000.min(total - done))
            .map(|_| clue(region.id, &mut rng))
            .collect();
        keys += batch
            .iter()
            .map(|(_, es)| es.iter().map(|e| e.keys().len()).sum::<usize>())
            .sum::<usize>();
        store.bulk_insert_clues(&batch, 0).await.unwrap();
        done += batch.len();
    }
    println!(
        "{name}: {total} clues with {keys} entity keys loaded in {:.1?}",
        t.elapsed()
    );
    let mut probes = Vec::new();
    let mut found = 0usize;
    for _ in 0..300 {
        let (_, es) = clue(region.id, &mut rng);
        let t = Instant::now();
        found += store.link_suggestions(&es, 200).await.unwrap().len();
        probes.push(t.elapsed());
    }
    probes.sort();
    println!(
        "{name}: find the links of a new clue    p50 {:>9.2?}  p99 {:>9.2?}  max {:>9.2?}  ({found} links found for 300 clues; index probes only; goal p99 < 10 ms)",
        pct(&probes, 0.5),
        pct(&probes, 0.99),
        probes[probes.len() - 1],
    );
    let mut times = Vec::new();
    let mut links = 0usize;
    for _ in 0..300 {
        let (new, es) = clue(region.id, &mut rng);
        let t = Instant::now();
        let (_, made) = store.create_clue(&a, 1, &new, &es, 200).await.unwrap();
        times.push(t.elapsed());
        links += made.len();
    }
    times.sort();
    println!(
        "{name}: register and link a new clue  p50 {:>9.2?}  p99 {:>9.2?}  max {:>9.2?}  ({} links made by 300 new clues; with insert, audit, commit)",
        pct(&times, 0.5),
        pct(&times, 0.99),
        times[times.len() - 1],
        links
    );
}

fn main() {
    let total: usize = std::env::var("JINGHAI_BENCH_CLUES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = jinghai_store::testkit::sqlite().await;
        run("sqlite", db.store.clone(), total).await;
        match std::env::var(jinghai_store::testkit::PG_ENV) {
            Ok(_) => {
                let db = jinghai_store::testkit::postgres().await;
                run("postgres", db.store.clone(), total).await;
            }
            Err(_) => println!("postgres: not measured ({} is not set; scripts/bench.sh starts a throwaway server)", jinghai_store::testkit::PG_ENV),
        }
    });
}
