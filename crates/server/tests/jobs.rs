//! Issue #10: several server nodes over one database run each periodic job
//! once per tick, not once per node; a dead node's jobs move to another.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use jinghai_server::{run_jobs_once, AppState, Config};
use jinghai_store::testkit::TestDb;
use jinghai_workflow::jobs::names;
use jinghai_workflow::{Clock, ManualClock};

const T0: i64 = 1_612_917_000_000;

/// Two nodes: two `AppState`s, each with its own connections to one database.
async fn two_nodes(db: &TestDb) -> (AppState, AppState, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let a = AppState::new(db.store.clone(), dyn_clock.clone(), Config::default());
    let other = jinghai_store::open(&db.url).await.unwrap();
    let b = AppState::new(other, dyn_clock, Config::default());
    assert_ne!(a.jobs.node(), b.jobs.node());
    (a, b, clock)
}

async fn jobs_run_once(db: TestDb) {
    let (a, b, clock) = two_nodes(&db).await;

    // Both nodes tick at the same moment, many times over: each job's body
    // runs once per tick, whichever node wins.
    let runs = Arc::new(AtomicUsize::new(0));
    for tick in 0..5 {
        let tasks = [a.clone(), b.clone()].map(|node| {
            let runs = runs.clone();
            tokio::spawn(async move {
                node.jobs
                    .run("counted", || async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    })
                    .await
                    .unwrap()
                    .is_some()
            })
        });
        let mut ran = 0;
        for t in tasks {
            ran += t.await.unwrap() as usize;
        }
        assert_eq!(ran, 1, "tick {tick}: exactly one node runs the job");
        clock.advance(60_000);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 5);

    // The server's own jobs: both nodes tick them concurrently; the lease
    // table counts one run per job per tick, all on the same node.
    let tick = || async {
        let (x, y) = (a.clone(), b.clone());
        let (r1, r2) = tokio::join!(
            tokio::spawn(async move { run_jobs_once(&x).await }),
            tokio::spawn(async move { run_jobs_once(&y).await })
        );
        r1.unwrap();
        r2.unwrap();
    };
    tick().await;
    clock.advance(60_000);
    tick().await;
    let store = &db.store;
    for job in [names::DUTY_SWEEP, names::HANDOVER_ESCALATION] {
        let lease = store.job_lease(job).await.unwrap().unwrap();
        assert_eq!(lease.runs, 2, "{job}: once per tick, not once per node");
    }
    let holder = store
        .job_lease(names::DUTY_SWEEP)
        .await
        .unwrap()
        .unwrap()
        .holder;

    // The holder dies (stops ticking): after its lease lapses the other node
    // takes the job over and runs it.
    let (dead, alive) = if holder == a.jobs.node() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    clock.advance(30_000);
    run_jobs_once(alive).await;
    assert_eq!(
        store
            .job_lease(names::DUTY_SWEEP)
            .await
            .unwrap()
            .unwrap()
            .holder,
        dead.jobs.node(),
        "not before the lease lapses"
    );
    clock.advance(dead.jobs.lease_ms);
    run_jobs_once(alive).await;
    let lease = store.job_lease(names::DUTY_SWEEP).await.unwrap().unwrap();
    assert_eq!(lease.holder, alive.jobs.node());
    assert_eq!(lease.runs, 3);

    // A node shutting down releases its leases: the other takes them at once.
    alive.jobs.release(&[names::DUTY_SWEEP]).await;
    run_jobs_once(dead).await;
    assert_eq!(
        store
            .job_lease(names::DUTY_SWEEP)
            .await
            .unwrap()
            .unwrap()
            .holder,
        dead.jobs.node()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jobs_run_once_sqlite() {
    jobs_run_once(jinghai_store::testkit::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jobs_run_once_postgres() {
    jobs_run_once(jinghai_store::testkit::postgres().await).await;
}
