-- Issue #8: inbound international ships and crew, individual cases with
-- closed-loop quarantine, tracked deadlines and notifications, key persons,
-- key countries, the cold-chain trace. Released migrations are never edited.
CREATE TABLE ship_calls (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    ship_name TEXT NOT NULL,
    imo TEXT,
    mmsi BIGINT,
    flag TEXT NOT NULL DEFAULT '',
    last_ports TEXT NOT NULL DEFAULT '',
    arrival_at BIGINT NOT NULL,
    berth TEXT NOT NULL DEFAULT '',
    repair BOOLEAN NOT NULL DEFAULT FALSE,
    ocean_fishing BOOLEAN NOT NULL DEFAULT FALSE,
    crew_change BOOLEAN NOT NULL DEFAULT FALSE,
    foreign_to_domestic BOOLEAN NOT NULL DEFAULT FALSE,
    crew_changed_abroad_at BIGINT,
    plan TEXT NOT NULL DEFAULT '',
    three_no BOOLEAN NOT NULL DEFAULT FALSE,
    work_status TEXT NOT NULL DEFAULT 'blocked',
    work_allowed_at BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ship_calls_region ON ship_calls(region_code, arrival_at);

CREATE TABLE ship_crew (
    id INTEGER PRIMARY KEY,
    ship_call_id INTEGER NOT NULL REFERENCES ship_calls(id),
    name TEXT NOT NULL,
    nationality TEXT NOT NULL,
    passport TEXT NOT NULL,
    test_result TEXT NOT NULL DEFAULT 'pending',
    tested_at BIGINT,
    UNIQUE (ship_call_id, passport)
);

CREATE TABLE ship_violations (
    id INTEGER PRIMARY KEY,
    ship_call_id INTEGER NOT NULL REFERENCES ship_calls(id),
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    description TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX ship_violations_call ON ship_violations(ship_call_id);

CREATE TABLE ind_cases (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    found_at BIGINT NOT NULL,
    found_by_unit_id INTEGER REFERENCES units(id),
    place TEXT NOT NULL,
    source_ref TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL,
    ship_call_id INTEGER REFERENCES ship_calls(id),
    status TEXT NOT NULL DEFAULT 'open',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ind_cases_region ON ind_cases(region_code, found_at);

CREATE TABLE ind_persons (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES ind_cases(id),
    name TEXT NOT NULL,
    gender TEXT NOT NULL DEFAULT '',
    nationality TEXT NOT NULL DEFAULT '',
    id_no TEXT NOT NULL DEFAULT '',
    health TEXT NOT NULL,
    health_note TEXT NOT NULL DEFAULT '',
    current_location TEXT NOT NULL DEFAULT '',
    quarantine_site TEXT NOT NULL DEFAULT '',
    quarantine_start_at BIGINT,
    released_at BIGINT
);
CREATE INDEX ind_persons_case ON ind_persons(case_id);

CREATE TABLE ind_steps (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES ind_cases(id),
    step TEXT NOT NULL,
    at BIGINT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    owner TEXT NOT NULL,
    result TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX ind_steps_case ON ind_steps(case_id);

CREATE TABLE ind_tests (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES ind_persons(id),
    kind TEXT NOT NULL,
    taken_at BIGINT NOT NULL,
    result TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX ind_tests_person ON ind_tests(person_id);

CREATE TABLE deadlines (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    subject TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    done_at BIGINT,
    done_note TEXT NOT NULL DEFAULT '',
    notified_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (rule, subject, subject_id)
);
CREATE INDEX deadlines_region_due ON deadlines(region_code, due_at);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    region_code TEXT NOT NULL,
    deadline_id INTEGER REFERENCES deadlines(id),
    zh TEXT NOT NULL,
    en TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_unit ON notifications(unit_id, read_at);

CREATE TABLE key_countries (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    risk TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

CREATE TABLE key_persons (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    name TEXT NOT NULL,
    id_no TEXT NOT NULL,
    from_country TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    contact_unit_id INTEGER REFERENCES units(id),
    planned_arrival_at BIGINT,
    port_of_entry TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    last_report_day INTEGER,
    created_at BIGINT NOT NULL
);
CREATE INDEX key_persons_region ON key_persons(region_code);

CREATE TABLE key_person_reports (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES key_persons(id),
    day INTEGER NOT NULL,
    health TEXT NOT NULL,
    location TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    reported_by TEXT NOT NULL,
    reported_at BIGINT NOT NULL,
    UNIQUE (person_id, day)
);

CREATE TABLE cold_stores (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (region_id, name)
);

CREATE TABLE cold_batches (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    trace_code TEXT NOT NULL UNIQUE,
    product TEXT NOT NULL,
    origin_country TEXT NOT NULL,
    declaration_no TEXT NOT NULL,
    quantity_g BIGINT NOT NULL,
    test_result TEXT NOT NULL,
    tested_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE cold_movements (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES cold_batches(id),
    store_id INTEGER NOT NULL REFERENCES cold_stores(id),
    direction TEXT NOT NULL,
    quantity_g BIGINT NOT NULL,
    at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX cold_movements_store ON cold_movements(store_id);

CREATE TABLE cold_stock_checks (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES cold_stores(id),
    region_code TEXT NOT NULL,
    at BIGINT NOT NULL,
    product TEXT NOT NULL,
    trace_code TEXT NOT NULL DEFAULT '',
    quantity_g BIGINT NOT NULL,
    checked_by TEXT NOT NULL,
    clue_ref TEXT
);
CREATE INDEX cold_stock_checks_store ON cold_stock_checks(store_id);
