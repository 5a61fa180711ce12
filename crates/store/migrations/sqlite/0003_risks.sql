-- The risk list: items, weekly progress updates, evidence files.
-- Released migrations are never edited.
CREATE TABLE risks (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    place TEXT NOT NULL,
    lat REAL,
    lon REAL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    severity TEXT NOT NULL,
    found_by TEXT NOT NULL,
    found_on INTEGER NOT NULL,
    measure TEXT NOT NULL DEFAULT '',
    responsible_unit_id INTEGER REFERENCES units(id),
    responsible_person TEXT NOT NULL DEFAULT '',
    deadline INTEGER,
    status TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    check_comment TEXT NOT NULL DEFAULT '',
    closed_on INTEGER,
    last_update_on INTEGER,
    created_at BIGINT NOT NULL
);
CREATE INDEX risks_region ON risks(region_code);
CREATE INDEX risks_unit ON risks(responsible_unit_id);

CREATE TABLE risk_updates (
    id INTEGER PRIMARY KEY,
    risk_id INTEGER NOT NULL REFERENCES risks(id),
    day INTEGER NOT NULL,
    progress TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at BIGINT NOT NULL
);
CREATE INDEX risk_updates_risk ON risk_updates(risk_id);

CREATE TABLE risk_attachments (
    id INTEGER PRIMARY KEY,
    risk_id INTEGER NOT NULL REFERENCES risks(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX risk_attachments_risk ON risk_attachments(risk_id);
