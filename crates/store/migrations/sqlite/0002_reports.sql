-- Report forms as data, daily entries per district section, and per-region
-- daily totals kept for fast roll-up. Released migrations are never edited.
CREATE TABLE report_forms (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE report_entries (
    id INTEGER PRIMARY KEY,
    form_id INTEGER NOT NULL REFERENCES report_forms(id),
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    section TEXT NOT NULL,
    day INTEGER NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    status TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    updated_by BIGINT,
    submitted_at BIGINT,
    reviewed_at BIGINT,
    reviewed_by BIGINT,
    review_comment TEXT NOT NULL DEFAULT '',
    UNIQUE (form_id, region_id, section, day)
);
CREATE INDEX report_entries_day ON report_entries(form_id, day, region_code);

CREATE TABLE report_values (
    entry_id INTEGER NOT NULL REFERENCES report_entries(id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (entry_id, indicator)
);

CREATE TABLE report_totals (
    form_id INTEGER NOT NULL REFERENCES report_forms(id),
    prefix TEXT NOT NULL,
    day INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (form_id, prefix, day, indicator)
);
