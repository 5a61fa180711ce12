//! Job leases (issue #10): one holder at a time, renewal by the holder,
//! take-over after expiry or release, on SQLite and PostgreSQL.

use std::sync::Arc;

use jinghai_store::{both_backends, Store};

const T: i64 = 1_612_917_000_000;
const LEASE: i64 = 90_000;

async fn leases(store: Arc<dyn Store>) {
    assert_eq!(store.job_lease("duty_sweep").await.unwrap(), None);

    // The first claimant takes the lease; a second one is refused while it lasts.
    assert!(store
        .claim_job("duty_sweep", "node-a", T, LEASE)
        .await
        .unwrap());
    assert!(!store
        .claim_job("duty_sweep", "node-b", T + 1, LEASE)
        .await
        .unwrap());
    // Leases are per job.
    assert!(store
        .claim_job("handover_escalation", "node-b", T + 1, LEASE)
        .await
        .unwrap());

    // The holder renews before expiry, and the lease moves forward.
    assert!(store
        .claim_job("duty_sweep", "node-a", T + 60_000, LEASE)
        .await
        .unwrap());
    let lease = store.job_lease("duty_sweep").await.unwrap().unwrap();
    assert_eq!(lease.holder, "node-a");
    assert_eq!(lease.expires_at, T + 60_000 + LEASE);
    assert_eq!(lease.runs, 2);
    assert_eq!(lease.last_run_at, T + 60_000);

    // Still refused just before the renewed lease ends; taken over at its end.
    assert!(!store
        .claim_job("duty_sweep", "node-b", T + 60_000 + LEASE - 1, LEASE)
        .await
        .unwrap());
    assert!(store
        .claim_job("duty_sweep", "node-b", T + 60_000 + LEASE, LEASE)
        .await
        .unwrap());
    assert!(!store
        .claim_job("duty_sweep", "node-a", T + 60_000 + LEASE + 1, LEASE)
        .await
        .unwrap());
    assert_eq!(
        store.job_lease("duty_sweep").await.unwrap().unwrap().holder,
        "node-b"
    );

    // Only the holder can release; a released lease is free at once.
    store.release_job("duty_sweep", "node-a").await.unwrap();
    assert!(!store
        .claim_job("duty_sweep", "node-a", T + 200_000, LEASE)
        .await
        .unwrap());
    store.release_job("duty_sweep", "node-b").await.unwrap();
    assert!(store
        .claim_job("duty_sweep", "node-a", T + 200_001, LEASE)
        .await
        .unwrap());
}
both_backends!(job_leases, leases);

/// Many nodes claiming at the same instant through their own connections:
/// exactly one wins.
async fn race(store: Arc<dyn Store>, url: String) {
    let mut nodes = vec![store];
    for _ in 0..5 {
        nodes.push(jinghai_store::open(&url).await.unwrap());
    }
    for round in 0..10i64 {
        let now = T + round * 1_000_000;
        let claims = nodes.iter().enumerate().map(|(i, s)| {
            let s = s.clone();
            async move {
                s.claim_job("race", &format!("node-{i}"), now, LEASE)
                    .await
                    .unwrap()
            }
        });
        let won = futures_join_all(claims).await;
        assert_eq!(
            won.iter().filter(|w| **w).count(),
            1,
            "round {round}: {won:?}"
        );
    }
    assert_eq!(nodes[0].job_lease("race").await.unwrap().unwrap().runs, 10);
}

async fn futures_join_all<F: std::future::Future<Output = bool> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<bool> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_sqlite() {
    let db = jinghai_store::testkit::sqlite().await;
    race(db.store.clone(), db.url.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_postgres() {
    let db = jinghai_store::testkit::postgres().await;
    race(db.store.clone(), db.url.clone()).await;
}

/// The shared guards: attempts in windows, one-time challenges.
async fn guards(store: Arc<dyn Store>) {
    const MIN: i64 = 60_000;
    assert_eq!(store.attempts_since("u:duty", 0).await.unwrap(), (0, None));
    store
        .record_attempts(&["u:duty", "a:10.0.0.1"], T)
        .await
        .unwrap();
    store
        .record_attempts(&["u:duty", "a:10.0.0.2"], T + MIN)
        .await
        .unwrap();
    assert_eq!(
        store.attempts_since("u:duty", T - 15 * MIN).await.unwrap(),
        (2, Some(T))
    );
    // The window slides past the first attempt.
    assert_eq!(
        store.attempts_since("u:duty", T).await.unwrap(),
        (1, Some(T + MIN))
    );
    assert_eq!(
        store.attempts_since("a:10.0.0.1", T - MIN).await.unwrap(),
        (1, Some(T))
    );
    store.clear_attempts("u:duty").await.unwrap();
    assert_eq!(store.attempts_since("u:duty", 0).await.unwrap(), (0, None));
    assert_eq!(
        store.attempts_since("a:10.0.0.2", 0).await.unwrap().0,
        1,
        "clearing one key keeps the others"
    );
    // Attempts older than a day are pruned when new ones arrive.
    store
        .record_attempts(
            &["a:10.0.0.3"],
            T + jinghai_store::guards::ATTEMPTS_KEPT + 2 * MIN,
        )
        .await
        .unwrap();
    assert_eq!(
        store.attempts_since("a:10.0.0.1", 0).await.unwrap(),
        (0, None)
    );

    // A challenge is taken once, and only while fresh.
    store.issue_challenge("c1", T, T - 10 * MIN).await.unwrap();
    store.issue_challenge("c2", T, T - 10 * MIN).await.unwrap();
    assert!(!store.take_challenge("nope", T - MIN).await.unwrap());
    assert!(store.take_challenge("c1", T - MIN).await.unwrap());
    assert!(
        !store.take_challenge("c1", T - MIN).await.unwrap(),
        "taken twice"
    );
    assert!(
        !store.take_challenge("c2", T).await.unwrap(),
        "issued at T is not after T: expired"
    );
    // Expired challenges are pruned when new ones are issued.
    store
        .issue_challenge("c3", T + 20 * MIN, T + 10 * MIN)
        .await
        .unwrap();
    assert!(!store.take_challenge("c2", 0).await.unwrap());
    assert!(store.take_challenge("c3", 0).await.unwrap());
}

both_backends!(shared_guards, guards);
