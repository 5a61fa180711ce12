-- Issue #9: evaluation scoring (rule table, ledger, appeals), red/yellow
-- cards, weekly bulletins (archived files, DingTalk robots and push
-- attempts), patrol plans and records. Released migrations are never edited.
CREATE TABLE score_rules (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    zh TEXT NOT NULL,
    en TEXT NOT NULL,
    trigger_kind TEXT NOT NULL,
    points INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at BIGINT NOT NULL
);

CREATE TABLE score_entries (
    id INTEGER PRIMARY KEY,
    rule_id INTEGER NOT NULL REFERENCES score_rules(id),
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    day INTEGER NOT NULL,
    points INTEGER NOT NULL,
    record_kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    record_day INTEGER,
    -- Unique: evaluating a period again never doubles points. NULL for
    -- manual entries, which are each their own event.
    dedup_key TEXT UNIQUE,
    note TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX score_entries_region_day ON score_entries(region_code, day);
CREATE INDEX score_entries_unit ON score_entries(unit_id);

CREATE TABLE score_appeals (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES score_entries(id),
    reason TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_at BIGINT NOT NULL,
    accepted BOOLEAN,
    decision TEXT NOT NULL DEFAULT '',
    decided_by TEXT,
    decided_at BIGINT
);
CREATE INDEX score_appeals_entry ON score_appeals(entry_id);

CREATE TABLE cards (
    id INTEGER PRIMARY KEY,
    color TEXT NOT NULL,
    place_kind TEXT NOT NULL,
    place_name TEXT NOT NULL,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    lat REAL,
    lon REAL,
    reason TEXT NOT NULL,
    issued_on INTEGER NOT NULL,
    fix_deadline INTEGER,
    consequence TEXT NOT NULL,
    award_ineligible BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    lifted_on INTEGER,
    lift_note TEXT NOT NULL DEFAULT '',
    issued_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX cards_region ON cards(region_code);

CREATE TABLE bulletins (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    week_from INTEGER NOT NULL,
    week_to INTEGER NOT NULL,
    title TEXT NOT NULL,
    issued_on INTEGER NOT NULL,
    summary TEXT NOT NULL,
    content TEXT NOT NULL,
    pdf BLOB NOT NULL,
    xlsx BLOB NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    push_status TEXT NOT NULL,
    UNIQUE (region_id, year, number),
    UNIQUE (region_id, week_from)
);
CREATE INDEX bulletins_region ON bulletins(region_code);

CREATE TABLE bulletin_pushes (
    id INTEGER PRIMARY KEY,
    bulletin_id INTEGER NOT NULL REFERENCES bulletins(id),
    attempt INTEGER NOT NULL,
    at BIGINT NOT NULL,
    ok BOOLEAN NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX bulletin_pushes_bulletin ON bulletin_pushes(bulletin_id);

CREATE TABLE dingtalk_robots (
    region_id INTEGER PRIMARY KEY REFERENCES regions(id),
    region_code TEXT NOT NULL,
    webhook TEXT NOT NULL,
    secret TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE patrol_plans (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    name TEXT NOT NULL,
    zone TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    vessels TEXT NOT NULL,
    personnel INTEGER NOT NULL,
    personnel_names TEXT NOT NULL,
    sweep_m REAL NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX patrol_plans_region ON patrol_plans(region_code);

CREATE TABLE patrol_records (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES patrol_plans(id),
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    vessel TEXT NOT NULL,
    mmsi BIGINT,
    source TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL,
    personnel INTEGER NOT NULL,
    vessels INTEGER NOT NULL,
    ships_checked INTEGER NOT NULL,
    persons_checked INTEGER NOT NULL,
    ships_seized INTEGER NOT NULL,
    track TEXT NOT NULL,
    length_km REAL NOT NULL,
    area_km2 REAL NOT NULL,
    notes TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX patrol_records_plan ON patrol_records(plan_id);
CREATE INDEX patrol_records_region_start ON patrol_records(region_code, started_at);
