-- The registries: vessels (photos, the captain's token of the vessel code),
-- places (FORMATS.md zones and risk points), port reports with the persons
-- aboard, and the AIS port entries the live engine saw.
-- Released migrations are never edited.
CREATE TABLE vessels (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    mmsi BIGINT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    flag TEXT NOT NULL,
    international BOOLEAN NOT NULL,
    home_port TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    owner_contact TEXT NOT NULL DEFAULT '',
    owner_phone TEXT NOT NULL DEFAULT '',
    registry_no TEXT NOT NULL,
    stateless TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    captain_token TEXT NOT NULL,
    token_expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX vessels_region ON vessels(region_code);

CREATE TABLE vessel_photos (
    id INTEGER PRIMARY KEY,
    vessel_id INTEGER NOT NULL REFERENCES vessels(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX vessel_photos_vessel ON vessel_photos(vessel_id);

CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    applies_to TEXT,
    geometry TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (district_code, code)
);
CREATE INDEX places_region ON places(region_code);

CREATE TABLE port_reports (
    id INTEGER PRIMARY KEY,
    vessel_id INTEGER REFERENCES vessels(id),
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    mmsi BIGINT NOT NULL,
    kind TEXT NOT NULL,
    port_code TEXT NOT NULL,
    reported_at BIGINT NOT NULL,
    persons_aboard BIGINT,
    itinerary TEXT NOT NULL DEFAULT '',
    contact_history TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX port_reports_region_at ON port_reports(region_code, reported_at);

CREATE TABLE port_report_persons (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES port_reports(id),
    name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    phone TEXT NOT NULL
);
CREATE INDEX port_report_persons_report ON port_report_persons(report_id);

CREATE TABLE port_entries (
    id INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    region_code TEXT NOT NULL,
    mmsi BIGINT NOT NULL,
    port_code TEXT NOT NULL,
    entry_at BIGINT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (region_id, mmsi, port_code, entry_at)
);
CREATE INDEX port_entries_region_at ON port_entries(region_code, entry_at);
