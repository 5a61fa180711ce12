-- Notices of computed deadlines (a daily-report section not in by the hour,
-- a risk item's weekly progress not reported) have no stored deadline to
-- mark: a key per occurrence makes the sweep notify each of them once.
ALTER TABLE notifications ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX notifications_dedup ON notifications(dedup_key);
