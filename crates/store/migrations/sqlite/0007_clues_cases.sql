-- Clues, their entities and the inverted index that links them (串并),
-- cases with their path, seizures and disposals, hand-overs between units,
-- evidence files, public tips, rewards and spot checks.
-- Released migrations are never edited.
CREATE TABLE clues (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    summary TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    occurred_at BIGINT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    lat REAL,
    lon REAL,
    source TEXT NOT NULL,
    source_ref BIGINT,
    classification TEXT NOT NULL,
    status TEXT NOT NULL,
    status_note TEXT NOT NULL DEFAULT '',
    owner_unit_id INTEGER REFERENCES units(id),
    holder_unit_id INTEGER REFERENCES units(id),
    case_id BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX clues_region ON clues(region_code);
CREATE INDEX clues_owner ON clues(owner_unit_id);
CREATE INDEX clues_holder ON clues(holder_unit_id);
CREATE INDEX clues_case ON clues(case_id);
CREATE INDEX clues_created ON clues(created_at);

CREATE TABLE clue_entities (
    id INTEGER PRIMARY KEY,
    clue_id INTEGER NOT NULL REFERENCES clues(id),
    kind TEXT NOT NULL,
    raw TEXT NOT NULL,
    normal TEXT NOT NULL,
    warning TEXT
);
CREATE INDEX clue_entities_clue ON clue_entities(clue_id);

-- The inverted index: one row per (normalised key, clue).
CREATE TABLE clue_keys (
    key TEXT NOT NULL,
    clue_id INTEGER NOT NULL REFERENCES clues(id),
    PRIMARY KEY (key, clue_id)
);
CREATE INDEX clue_keys_clue ON clue_keys(clue_id);

CREATE TABLE clue_links (
    id INTEGER PRIMARY KEY,
    clue_a INTEGER NOT NULL REFERENCES clues(id),
    clue_b INTEGER NOT NULL REFERENCES clues(id),
    reasons TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (clue_a, clue_b)
);
CREATE INDEX clue_links_b ON clue_links(clue_b);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    case_no TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    classification TEXT NOT NULL,
    status TEXT NOT NULL,
    filed_on INTEGER NOT NULL,
    owner_unit_id INTEGER REFERENCES units(id),
    holder_unit_id INTEGER REFERENCES units(id),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX cases_region ON cases(region_code);
CREATE INDEX cases_filed ON cases(filed_on);

CREATE TABLE case_steps (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    day INTEGER NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    persons BIGINT NOT NULL DEFAULT 0,
    document TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_steps_case ON case_steps(case_id);
CREATE INDEX case_steps_day ON case_steps(day);

CREATE TABLE seizures (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    category TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    seized_on INTEGER NOT NULL,
    disposal TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX seizures_case ON seizures(case_id);
CREATE INDEX seizures_day ON seizures(seized_on);

CREATE TABLE seizure_disposals (
    id INTEGER PRIMARY KEY,
    seizure_id INTEGER NOT NULL REFERENCES seizures(id),
    step TEXT NOT NULL,
    day INTEGER NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    document TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX seizure_disposals_seizure ON seizure_disposals(seizure_id);

CREATE TABLE handovers (
    id INTEGER PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    region_code TEXT NOT NULL,
    from_unit_id INTEGER REFERENCES units(id),
    to_unit_id INTEGER NOT NULL REFERENCES units(id),
    reason TEXT NOT NULL,
    deadline_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    response TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    responded_at BIGINT,
    escalated_at BIGINT
);
CREATE INDEX handovers_record ON handovers(record_kind, record_id);
CREATE INDEX handovers_to ON handovers(to_unit_id, status);

CREATE TABLE case_files (
    id INTEGER PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX case_files_record ON case_files(record_kind, record_id);

CREATE TABLE tips (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    channel TEXT NOT NULL,
    topic TEXT NOT NULL,
    what TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    lat REAL,
    lon REAL,
    when_text TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    anonymous BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    status_note TEXT NOT NULL DEFAULT '',
    clue_id BIGINT,
    merged_into BIGINT,
    received_at BIGINT NOT NULL
);
CREATE INDEX tips_region ON tips(region_code, received_at);

CREATE TABLE tip_rewards (
    id INTEGER PRIMARY KEY,
    tip_id INTEGER NOT NULL REFERENCES tips(id),
    amount_fen BIGINT NOT NULL,
    basis TEXT NOT NULL,
    status TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    paid_on INTEGER,
    pay_method TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tip_rewards_tip ON tip_rewards(tip_id);

CREATE TABLE tip_spot_checks (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    from_day INTEGER NOT NULL,
    to_day INTEGER NOT NULL,
    seed BIGINT NOT NULL,
    drawn_by TEXT NOT NULL,
    drawn_at BIGINT NOT NULL
);

CREATE TABLE tip_spot_check_items (
    id INTEGER PRIMARY KEY,
    check_id INTEGER NOT NULL REFERENCES tip_spot_checks(id),
    tip_id INTEGER NOT NULL REFERENCES tips(id),
    answered BOOLEAN,
    handled BOOLEAN,
    rewarded BOOLEAN,
    note TEXT NOT NULL DEFAULT '',
    checked_by TEXT,
    checked_at BIGINT
);
CREATE INDEX tip_spot_check_items_check ON tip_spot_check_items(check_id);
