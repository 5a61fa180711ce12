-- The alert desk: acknowledgement and the reason an alert was closed.
-- Released migrations are never edited.
ALTER TABLE alerts ADD COLUMN acknowledged_at BIGINT;
ALTER TABLE alerts ADD COLUMN note TEXT NOT NULL DEFAULT '';
