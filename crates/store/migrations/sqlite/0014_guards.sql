-- Scale-out (issue #10): the guards against abuse are shared by every server
-- node, so a limit is a limit of the installation, not of one node behind
-- the load balancer. Released migrations are never edited.

-- Attempts counted in sliding windows (failed sign-ins by account and by
-- address, wrong captain tokens, public tip submissions and code lookups).
-- Rows older than a day are pruned as new ones arrive.
CREATE TABLE guard_attempts (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX guard_attempts_key_at ON guard_attempts (key, at);
CREATE INDEX guard_attempts_at ON guard_attempts (at);

-- One-time challenges of the public tip page: issued by one node, answered
-- to any, taken once.
CREATE TABLE guard_challenges (
    token TEXT PRIMARY KEY,
    issued_at BIGINT NOT NULL
);
CREATE INDEX guard_challenges_issued_at ON guard_challenges (issued_at);
