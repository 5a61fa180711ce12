-- Alerts raised by the maritime engine. Released migrations are never edited.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    event_key TEXT NOT NULL UNIQUE,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    mmsi BIGINT NOT NULL,
    other_mmsi BIGINT,
    start_at BIGINT NOT NULL,
    end_at BIGINT,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    zone_id TEXT,
    detail TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    assigned_unit_id INTEGER REFERENCES units(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX alerts_region_start ON alerts(region_code, start_at);
