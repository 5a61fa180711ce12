-- Scale-out (issue #10): background jobs run on one server node at a time.
-- A node runs a job only while it holds the job's lease; the lease is taken
-- (or renewed by its holder) with one atomic upsert, and passes to another
-- node when its holder stops renewing it. Released migrations are never edited.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    runs BIGINT NOT NULL,
    last_run_at BIGINT NOT NULL
);
