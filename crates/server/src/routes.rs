//! The route table: every endpoint, declared once.
//!
//! The router, the OpenAPI document and the scoping test matrix are built
//! from [`ROUTES`]. A route must say how scoping applies to it
//! ([`ScopeCheck`]); the matrix test then proves a user of one town gets
//! nothing of another town from it.

use std::collections::BTreeMap;

use axum::routing::{delete, get, patch, post, put, MethodRouter};
use axum::Router;

use crate::{api, api_cases, api_intl, api_registry, assets, map, map_layers, pages, AppState};

/// How the scoping matrix exercises a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeCheck {
    /// Serves no region-scoped records (health, metrics, assets, docs, sign-in).
    NoScopedData,
    /// Lists records: none may lie outside the caller's scope.
    List,
    /// One record named by `{id}` in the path, of this kind: an id outside
    /// the caller's scope must be refused with 403/404 and change nothing.
    Item(Entity),
    /// The caller's own account only.
    OwnData,
}

/// Kinds of record addressed by `{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Region,
    Unit,
    User,
    /// A district (for the task force and the daily report).
    District,
    /// A daily-report entry (one district section of one day).
    ReportEntry,
    /// A risk-list item.
    Risk,
    /// A risk's evidence file.
    RiskFile,
    /// An alert on the desk.
    Alert,
    /// A registered vessel.
    Vessel,
    /// A vessel's photo.
    VesselPhoto,
    /// A place (zone or risk point).
    Place,
    /// A port departure/arrival report.
    PortReport,
    /// A scoring ledger entry.
    ScoreEntry,
    /// A rule of the (province-wide) scoring table.
    ScoreRule,
    /// A red or yellow card.
    Card,
    /// An archived weekly bulletin.
    Bulletin,
    /// A patrol plan.
    PatrolPlan,
    /// An inbound international ship call.
    ShipCall,
    /// A crew member of a ship call.
    CrewMember,
    /// An individual case (个案).
    IndividualCase,
    /// A tracked deadline on the duty desk.
    Deadline,
    /// An in-app notice to a unit.
    Notification,
    /// A key person followed one-to-one.
    KeyPerson,
    /// A cold store.
    ColdStore,
    /// A cold-store stock check (a possible smuggling lead).
    StockCheck,
    /// A clue (visible by holding, hand-over, region and classification).
    Clue,
    /// An automatic link between two clues.
    ClueLink,
    /// A case.
    Case,
    /// A hand-over of a clue or case.
    Handover,
    /// An evidence file of a clue, case or tip.
    CaseFile,
    /// A public tip.
    Tip,
    /// A reward on a tip.
    Reward,
    /// A spot check of tips.
    SpotCheck,
    /// A vessel on a running feed, by MMSI.
    LiveVessel,
}

/// One endpoint.
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    /// Part of the JSON API (and so of the OpenAPI document).
    pub api: bool,
    pub summary: &'static str,
    pub scope: ScopeCheck,
    pub handler: fn() -> MethodRouter<AppState>,
}

macro_rules! route {
    ($method:literal, $path:literal, $api:literal, $summary:literal, $scope:expr, $builder:ident($h:path)) => {
        RouteSpec {
            method: $method,
            path: $path,
            api: $api,
            summary: $summary,
            scope: $scope,
            handler: || $builder($h),
        }
    };
}

use Entity::*;
use ScopeCheck::*;

/// Every endpoint of the server.
#[rustfmt::skip]
pub const ROUTES: &[RouteSpec] = &[
    // Operations.
    route!("GET", "/healthz", false, "Liveness and database reachability", NoScopedData, get(api::healthz)),
    route!("GET", "/metrics", false, "Prometheus metrics", NoScopedData, get(api::metrics)),
    route!("GET", "/assets/{*file}", false, "Static assets compiled into the binary", NoScopedData, get(assets::serve)),
    route!("GET", "/api/openapi.json", false, "This API's OpenAPI document", NoScopedData, get(api::openapi)),
    // JSON API.
    route!("POST", "/api/v1/session", true, "Sign in (username, password); sets the session cookie, returns the CSRF token", NoScopedData, post(api::login)),
    route!("DELETE", "/api/v1/session", true, "Sign out", OwnData, delete(api::logout)),
    route!("GET", "/api/v1/me", true, "The signed-in user, scope and CSRF token", OwnData, get(api::me)),
    route!("GET", "/api/v1/regions", true, "Regions in the caller's scope", List, get(api::list_regions)),
    route!("POST", "/api/v1/regions", true, "Create a region (admin)", List, post(api::create_region)),
    route!("GET", "/api/v1/regions/{id}", true, "One region", Item(Region), get(api::get_region)),
    route!("PATCH", "/api/v1/regions/{id}", true, "Rename a region (admin)", Item(Region), patch(api::rename_region)),
    route!("DELETE", "/api/v1/regions/{id}", true, "Delete an unused region (admin)", Item(Region), delete(api::delete_region)),
    route!("GET", "/api/v1/units", true, "Units in the caller's scope", List, get(api::list_units)),
    route!("POST", "/api/v1/units", true, "Create a unit (admin)", List, post(api::create_unit)),
    route!("GET", "/api/v1/units/{id}", true, "One unit", Item(Unit), get(api::get_unit)),
    route!("PATCH", "/api/v1/units/{id}", true, "Change a unit's name or agency (admin)", Item(Unit), patch(api::update_unit)),
    route!("DELETE", "/api/v1/units/{id}", true, "Delete an unused unit (admin)", Item(Unit), delete(api::delete_unit)),
    route!("GET", "/api/v1/users", true, "Users in the caller's scope", List, get(api::list_users)),
    route!("POST", "/api/v1/users", true, "Create a user (admin)", List, post(api::create_user)),
    route!("GET", "/api/v1/users/{id}", true, "One user", Item(User), get(api::get_user)),
    route!("PATCH", "/api/v1/users/{id}", true, "Change a user's name, role, region, unit, active (admin)", Item(User), patch(api::update_user)),
    route!("PUT", "/api/v1/users/{id}/password", true, "Set a password (admin, or the user themself)", Item(User), put(api::set_password)),
    route!("GET", "/api/v1/task-force/{id}", true, "The 8 working groups of a district and their lead units", Item(District), get(api::task_force)),
    route!("PUT", "/api/v1/task-force/{id}", true, "Set a working group's lead unit (admin)", Item(District), put(api::set_group_lead)),
    route!("GET", "/api/v1/daily/rollup", true, "Daily report roll-up of a region (?region=ID&from=YYYY-MM-DD&to=YYYY-MM-DD) with missing and late sections", List, get(api::daily_rollup)),
    route!("GET", "/api/v1/daily/sheet/{id}", true, "A district's daily sheet (?day=YYYY-MM-DD) with the values suggested from the records and links to them", Item(District), get(api::daily_sheet)),
    route!("POST", "/api/v1/daily/sheet/{id}", true, "Save or submit a section: {day, section, values: {key: value}, notes, reasons: {key: why a value differs from its suggestion}, submit}", Item(District), post(api::daily_save)),
    route!("POST", "/api/v1/daily/entries/{id}/review", true, "Approve or return a submitted section: {approve, comment}", Item(ReportEntry), post(api::daily_review)),
    route!("POST", "/api/v1/daily/entries/{id}/unlock", true, "Unlock an approved section: {reason}", Item(ReportEntry), post(api::daily_unlock)),
    route!("GET", "/api/v1/alerts", true, "The newest alerts of the caller's regions (the maritime engine's events); filters: kind, zone, status, unit, mmsi, from, to (YYYY-MM-DD), overdue=1, after_id, limit", List, get(api::alerts)),
    route!("GET", "/api/v1/alerts/{id}/evidence", true, "An alert's evidence: the vessel's track segment, the counterpart's, the zone (GeoJSON)", Item(Alert), get(map::evidence)),
    route!("GET", "/api/v1/map/vessels", true, "Live vessels in a viewport (?bbox=min_lon,min_lat,max_lon,max_lat&zoom=0-22), or counted clusters at a low zoom", List, get(map::viewport)),
    route!("GET", "/api/v1/map/vessels/{id}", true, "A live vessel by MMSI: registry record and owner, last report, its alerts, open events", Item(LiveVessel), get(map::vessel)),
    route!("GET", "/api/v1/map/vessels/{id}/track", true, "A live vessel's track over the last ?hours=1-24 (default 3) of its feed's clock", Item(LiveVessel), get(map::track)),
    route!("GET", "/api/v1/map/search", true, "Live vessels by name or MMSI (?q=)", List, get(map::search)),
    route!("GET", "/api/v1/map/zones", true, "Zones of the caller's feeds (GeoJSON FeatureCollection)", List, get(map::zones)),
    route!("GET", "/api/v1/map/risks", true, "The caller's open risks with a position, for the live map's 风险点 layer (overdue flagged)", List, get(map_layers::risks)),
    route!("GET", "/api/v1/map/patrols", true, "Patrol plans of the caller's regions over the last ?days=1-31 (default 7) as GeoJSON: zones, tracks, blind spots, coverage", List, get(map_layers::patrols)),
    route!("GET", "/api/v1/map/stream", true, "Live push (server-sent events, about 1/s) of vessel changes and new alerts in a viewport (?bbox=&zoom=)", List, get(map::stream)),
    route!("GET", "/api/v1/vessels", true, "Vessels of the caller's regions (?q=name/MMSI/registry no./owner, kind, stateless)", List, get(api_registry::list_vessels)),
    route!("POST", "/api/v1/vessels", true, "Register a vessel: {region_id, mmsi, name, kind, flag, international, home_port, owner_kind, owner_name, owner_contact, owner_phone, registry_no, stateless, notes}", List, post(api_registry::create_vessel)),
    route!("GET", "/api/v1/vessels/{id}", true, "A vessel with its photos and recent port reports", Item(Vessel), get(api_registry::get_vessel)),
    route!("GET", "/api/v1/places", true, "Places (zones and risk points) of the caller's regions, geometry as GeoJSON", List, get(api_registry::list_places)),
    route!("POST", "/api/v1/places", true, "Create a place (office): {region_id, code, name, kind, applies_to, geometry (GeoJSON), notes}", List, post(api_registry::create_place)),
    route!("GET", "/api/v1/port-reports", true, "Port reports of the caller's regions (?from=YYYY-MM-DD&to=YYYY-MM-DD)", List, get(api_registry::list_reports)),
    route!("POST", "/api/v1/port-reports", true, "File a port report: {mmsi, kind, port_code, reported_at, persons: [{name, id_number, phone}], itinerary, contact_history}", List, post(api_registry::create_report)),
    route!("GET", "/api/v1/port-reports/reconcile", true, "AIS port entries without a report and reports without an AIS entry (?region=ID&from&to)", List, get(api_registry::reconcile)),
    route!("GET", "/api/v1/intl/ships", true, "Inbound international ship calls (?from=YYYY-MM-DD&to=YYYY-MM-DD) with testing categories and work status", List, get(api_intl::ships)),
    route!("POST", "/api/v1/intl/ships", true, "Enter a ship call: {region_id, ship_name, imo, mmsi, flag, last_ports, arrival, berth, categories, crew_changed_abroad, crew: [[name, nationality, passport]]}", List, post(api_intl::create_ship)),
    route!("GET", "/api/v1/intl/ships/{id}", true, "A ship call: crew and results, violations, categories, what blocks work, registry match, AIS sightings", Item(ShipCall), get(api_intl::ship)),
    route!("POST", "/api/v1/intl/ships/{id}/work", true, "Allow work ({allow: true}; refused while a rule blocks it) or stop it", Item(ShipCall), post(api_intl::work)),
    route!("POST", "/api/v1/intl/crew/{id}/result", true, "Record a crew member's nucleic-acid result: {result: pending|negative|positive}", Item(CrewMember), post(api_intl::crew_result)),
    route!("GET", "/api/v1/individual", true, "Individual cases with persons lost from control and next steps", List, get(api_intl::cases)),
    route!("GET", "/api/v1/individual/{id}", true, "An individual case: persons, tests, flags, steps, deadlines", Item(IndividualCase), get(api_intl::case)),
    route!("POST", "/api/v1/individual/{id}/steps", true, "Record a step: {step, at, unit_id, owner, result, site}", Item(IndividualCase), post(api_intl::case_step)),
    route!("GET", "/api/v1/duty", true, "The duty desk: due and overdue deadlines, persons lost from control", List, get(api_intl::duty)),
    route!("GET", "/api/v1/duty/outcomes", true, "Deadlines done late or overdue, with their records (?from&to, due days): what scoring reads", List, get(api_intl::outcomes)),
    route!("GET", "/api/v1/notifications", true, "The notices of the caller's unit", List, get(api_intl::notifications)),
    route!("GET", "/api/v1/notifications/count", true, "Unread notices of the caller's unit (the navigation badge)", OwnData, get(api_intl::notification_count)),
    route!("GET", "/api/v1/epidemic/key-persons", true, "Key persons with their daily-report flag and country risk", List, get(api_intl::key_persons)),
    route!("GET", "/api/v1/epidemic/leads", true, "Cold-store stock checks that are smuggling leads", List, get(api_intl::leads)),
    route!("GET", "/api/v1/epidemic/leads/{id}/clue", true, "A lead as a clue draft (for the clue module)", Item(StockCheck), get(api_intl::lead_clue)),
    route!("GET", "/api/v1/clues", true, "Clues the caller may see (holding unit, hand-overs, region by role and classification)", List, get(api_cases::clues)),
    route!("POST", "/api/v1/clues", true, "Register a clue: {region_id, summary, occurred_at, place, source, classification, entities: [\"phone: 138…\"]}; returns it with the links made", List, post(api_cases::create_clue)),
    route!("GET", "/api/v1/clues/{id}", true, "A clue with entities, visible links and their reasons, hand-overs", Item(Clue), get(api_cases::clue)),
    route!("GET", "/api/v1/clues/{id}/graph", true, "The cluster of linked clues and their entities", Item(Clue), get(api_cases::graph)),
    route!("GET", "/api/v1/cases", true, "Cases the caller may see", List, get(api_cases::cases)),
    route!("GET", "/api/v1/cases/{id}", true, "A case with clues, path, seizures, disposals, hand-overs", Item(Case), get(api_cases::case)),
    route!("POST", "/api/v1/alerts/{id}/clue", true, "Turn an alert into a clue with its evidence; returns the clue and the links made", Item(Alert), post(api_cases::clue_from_alert)),
    route!("POST", "/api/v1/clues/{id}/status", true, "Verify or close a clue: {status, note}", Item(Clue), post(api_cases::set_clue_status)),
    route!("POST", "/api/v1/clues/{id}/entities", true, "Add entities to a clue and link again: {entities: [\"phone: 138…\"]}", Item(Clue), post(api_cases::add_entities)),
    route!("POST", "/api/v1/clues/{id}/handover", true, "Hand a clue to another unit: {to_unit_id, reason, hours}", Item(Clue), post(api_cases::hand_over_clue)),
    route!("POST", "/api/v1/links/{id}/decide", true, "Confirm or reject a suggested link: {confirm}", Item(ClueLink), post(api_cases::decide_link)),
    route!("POST", "/api/v1/cases", true, "File a case from verified clues: {clue_ids, case_no, title, summary, classification, filed_on, document}", List, post(api_cases::file_case)),
    route!("POST", "/api/v1/cases/{id}/steps", true, "Record a step on the case path: {kind, day, persons, document, note}", Item(Case), post(api_cases::add_step)),
    route!("POST", "/api/v1/cases/{id}/seizures", true, "Record a seizure: {category, quantity, unit, description, day}", Item(Case), post(api_cases::add_seizure)),
    route!("POST", "/api/v1/cases/{id}/disposals", true, "Record a disposal step of seized goods: {seizure_id, step, day, document, note}", Item(Case), post(api_cases::add_disposal)),
    route!("POST", "/api/v1/cases/{id}/handover", true, "Hand a case to another unit: {to_unit_id, reason, hours}", Item(Case), post(api_cases::hand_over_case)),
    route!("GET", "/api/v1/handovers", true, "Hand-overs to or from the caller's unit (the region's, for the office), with overdue flags", List, get(api_cases::handovers)),
    route!("POST", "/api/v1/handovers/{id}/answer", true, "Accept or return a hand-over: {accept, response}", Item(Handover), post(api_cases::answer)),
    route!("GET", "/api/v1/tips", true, "Tips of the caller's regions (office, leaders, administrators, reward officers), without the tipster", List, get(api_cases::tips)),
    route!("GET", "/api/v1/audit", true, "Audit log in the caller's scope (admin, task-force office)", List, get(api::audit)),
    // Web UI.
    route!("GET", "/", false, "Dashboard", OwnData, get(pages::home)),
    route!("GET", "/login", false, "Sign-in page", NoScopedData, get(pages::login_page)),
    route!("POST", "/login", false, "Sign-in form", NoScopedData, post(pages::login_submit)),
    route!("POST", "/logout", false, "Sign out", OwnData, post(pages::logout)),
    route!("GET", "/lang/{code}", false, "Switch UI language", NoScopedData, get(pages::switch_lang)),
    route!("GET", "/m/{module}", false, "Module page", NoScopedData, get(pages::module_page)),
    route!("GET", "/api/docs", false, "API reference page", NoScopedData, get(pages::api_docs)),
    route!("GET", "/daily", false, "Daily report sheet of a district and day", List, get(pages::daily::sheet)),
    route!("POST", "/daily/{id}", false, "Save or submit a daily-report section", Item(District), post(pages::daily::save)),
    route!("POST", "/daily/entries/{id}/review", false, "Approve or return a section", Item(ReportEntry), post(pages::daily::review)),
    route!("POST", "/daily/entries/{id}/unlock", false, "Unlock an approved section", Item(ReportEntry), post(pages::daily::unlock)),
    route!("GET", "/daily/summary", false, "Daily report roll-up, completeness, chart", List, get(pages::daily::summary)),
    route!("GET", "/daily/export.xlsx", false, "Roll-up as XLSX in the official layout", List, get(pages::daily::export_xlsx)),
    route!("GET", "/daily/export.csv", false, "Roll-up as CSV", List, get(pages::daily::export_csv)),
    route!("GET", "/risks", false, "Risk list (merged for the caller's regions) with flags and registration form", List, get(pages::risks::list)),
    route!("POST", "/risks", false, "Register a risk", List, post(pages::risks::create)),
    route!("GET", "/risks/export.csv", false, "Risk list as CSV", List, get(pages::risks::export_csv)),
    route!("GET", "/risks/export.xlsx", false, "Risk list as XLSX", List, get(pages::risks::export_xlsx)),
    route!("GET", "/risks/{id}", false, "A risk with plan, progress, evidence and close-out", Item(Risk), get(pages::risks::detail)),
    route!("POST", "/risks/{id}/plan", false, "Set the rectification plan (office)", Item(Risk), post(pages::risks::plan)),
    route!("POST", "/risks/{id}/place", false, "Set a risk's place and position (picked on the map or typed)", Item(Risk), post(pages::risks::place)),
    route!("POST", "/risks/{id}/updates", false, "Report weekly progress", Item(Risk), post(pages::risks::update)),
    route!("POST", "/risks/{id}/files", false, "Upload an evidence file (multipart)", Item(Risk), post(pages::risks::upload)),
    route!("POST", "/risks/{id}/apply", false, "Apply for close-out with evidence", Item(Risk), post(pages::risks::apply)),
    route!("POST", "/risks/{id}/check", false, "Check close-out (office)", Item(Risk), post(pages::risks::check)),
    route!("GET", "/risks/files/{id}", false, "Download an evidence file", Item(RiskFile), get(pages::risks::file)),
    route!("GET", "/alerts", false, "Alert list and desk", List, get(pages::alerts::list)),
    route!("GET", "/alerts/{id}", false, "An alert with its evidence on a map", Item(Alert), get(pages::alerts::detail)),
    route!("GET", "/map", false, "Live map: vessels, zones, alerts; vessel panel with track playback", List, get(pages::map::page)),
    route!("POST", "/alerts/{id}/assign", false, "Assign an alert to a unit (office)", Item(Alert), post(pages::alerts::assign)),
    route!("POST", "/alerts/{id}/ack", false, "Acknowledge an assigned alert", Item(Alert), post(pages::alerts::acknowledge)),
    route!("POST", "/alerts/{id}/close", false, "Dismiss (with a reason) or escalate an alert", Item(Alert), post(pages::alerts::close)),
    route!("GET", "/vessels", false, "Vessel registry: search, filters, registration and CSV import", List, get(pages::vessels::list)),
    route!("POST", "/vessels", false, "Register a vessel", List, post(pages::vessels::create)),
    route!("POST", "/vessels/files", false, "Import a registry CSV (multipart; all or nothing)", List, post(pages::vessels::import)),
    route!("GET", "/vessels/export.csv", false, "The registry as FORMATS.md CSV", List, get(pages::vessels::export_csv)),
    route!("GET", "/vessels/{id}", false, "A vessel's record, photos, edit form", Item(Vessel), get(pages::vessels::detail)),
    route!("POST", "/vessels/{id}", false, "Edit a vessel", Item(Vessel), post(pages::vessels::update)),
    route!("POST", "/vessels/{id}/files", false, "Upload a vessel photo (multipart)", Item(Vessel), post(pages::vessels::upload)),
    route!("POST", "/vessels/{id}/token", false, "Rotate the captain's code of a vessel", Item(Vessel), post(pages::vessels::rotate)),
    route!("GET", "/vessels/{id}/code", false, "The printable vessel code (QR)", Item(Vessel), get(pages::vessels::code)),
    route!("GET", "/vessels/photos/{id}", false, "A vessel photo", Item(VesselPhoto), get(pages::vessels::photo)),
    route!("GET", "/q/{id}", false, "What the vessel code opens: the check page (signed in) or the captain's report form (?t=token)", Item(Vessel), get(pages::vessels::open_code)),
    route!("POST", "/q/{id}/report", false, "The captain files a port report with the vessel's token (no sign-in)", Item(Vessel), post(pages::vessels::captain_submit)),
    route!("GET", "/places", false, "Places and zones on the map, with the editor", List, get(pages::places::list)),
    route!("POST", "/places", false, "Create a place (office)", List, post(pages::places::create)),
    route!("POST", "/places/files", false, "Import GeoJSON places (multipart; all or nothing)", List, post(pages::places::import)),
    route!("GET", "/places/export.geojson", false, "Zones as FORMATS.md GeoJSON (?points=1 adds risk points)", List, get(pages::places::export)),
    route!("GET", "/places/{id}", false, "A place on the map, with the editor", Item(Place), get(pages::places::detail)),
    route!("POST", "/places/{id}", false, "Edit a place (office)", Item(Place), post(pages::places::update)),
    route!("POST", "/places/{id}/delete", false, "Delete a place (office)", Item(Place), post(pages::places::delete)),
    route!("GET", "/port-reports", false, "Port reports for a day range, and the officer's entry form", List, get(pages::port_reports::list)),
    route!("POST", "/port-reports", false, "File a port report (officer)", List, post(pages::port_reports::create)),
    route!("GET", "/port-reports/reconcile", false, "Port reports against AIS port entries", List, get(pages::port_reports::reconcile)),
    route!("GET", "/port-reports/{id}", false, "A port report with its persons aboard", Item(PortReport), get(pages::port_reports::detail)),
    route!("GET", "/api/v1/scoring/ranking", true, "Scoring ranking of a level and period (?level=town|district|city|province&from&to)", List, get(pages::scoring::api_ranking)),
    route!("GET", "/api/v1/scoring/entries", true, "Scoring ledger entries of a period, each with the link to its record (?from&to)", List, get(pages::scoring::api_entries)),
    route!("GET", "/api/v1/cards", true, "Red and yellow cards with lat/lon, for the map", List, get(pages::scoring::api_cards)),
    route!("GET", "/api/v1/bulletins", true, "Archived weekly bulletins with their DingTalk summaries", List, get(pages::bulletins::api_list)),
    route!("GET", "/api/v1/patrols", true, "Patrol plans", List, get(pages::patrols::api_list)),
    route!("GET", "/api/v1/patrols/{id}/coverage", true, "GeoJSON of a patrol plan: zone, tracks, blind spots, with the patrolled area", Item(PatrolPlan), get(pages::patrols::api_coverage)),
    route!("GET", "/scoring", false, "Ranking and ledger of a level and period", List, get(pages::scoring::ranking)),
    route!("POST", "/scoring/evaluate", false, "Evaluate a period (office)", List, post(pages::scoring::evaluate)),
    route!("POST", "/scoring/entries", false, "Enter points by hand (office)", List, post(pages::scoring::create_manual)),
    route!("GET", "/scoring/entries/{id}", false, "A ledger entry with its record and appeal", Item(ScoreEntry), get(pages::scoring::entry)),
    route!("POST", "/scoring/entries/{id}/appeal", false, "Appeal an entry (its region)", Item(ScoreEntry), post(pages::scoring::appeal)),
    route!("POST", "/scoring/entries/{id}/decide", false, "Decide an appeal (an office above)", Item(ScoreEntry), post(pages::scoring::decide)),
    route!("GET", "/scoring/rules", false, "The scoring rule table", NoScopedData, get(pages::scoring::rules)),
    route!("POST", "/scoring/rules", false, "Add a rule (province)", List, post(pages::scoring::create_rule)),
    route!("POST", "/scoring/rules/{id}", false, "Change a rule (province)", Item(ScoreRule), post(pages::scoring::update_rule)),
    route!("GET", "/scoring/regions/{id}", false, "A region's evaluation: points, entries, cards", Item(Region), get(pages::scoring::region)),
    route!("GET", "/cards", false, "Red and yellow cards, and issuing one", List, get(pages::scoring::cards)),
    route!("POST", "/cards", false, "Issue a card (office)", List, post(pages::scoring::issue_card)),
    route!("POST", "/cards/{id}/lift", false, "Lift a card (office)", Item(Card), post(pages::scoring::lift_card)),
    route!("GET", "/bulletins", false, "Weekly bulletins, issuing one, the DingTalk robot", List, get(pages::bulletins::list)),
    route!("POST", "/bulletins", false, "Issue a region's weekly bulletin (office)", List, post(pages::bulletins::issue)),
    route!("POST", "/bulletins/robots", false, "Set a region's DingTalk robot (office)", List, post(pages::bulletins::set_robot)),
    route!("GET", "/bulletins/{id}", false, "A bulletin with its figures and push history", Item(Bulletin), get(pages::bulletins::detail)),
    route!("GET", "/bulletins/{id}/pdf", false, "The bulletin as PDF", Item(Bulletin), get(pages::bulletins::pdf)),
    route!("GET", "/bulletins/{id}/xlsx", false, "The bulletin as XLSX", Item(Bulletin), get(pages::bulletins::xlsx)),
    route!("POST", "/bulletins/{id}/push", false, "Push the bulletin to its DingTalk robot again", Item(Bulletin), post(pages::bulletins::push)),
    route!("GET", "/patrols", false, "Patrol plans", List, get(pages::patrols::list)),
    route!("POST", "/patrols", false, "Make a patrol plan", List, post(pages::patrols::create)),
    route!("GET", "/patrols/{id}", false, "A plan with records, coverage and its map", Item(PatrolPlan), get(pages::patrols::detail)),
    route!("POST", "/patrols/{id}/files", false, "Record a patrol from a GPX/CSV track (multipart)", Item(PatrolPlan), post(pages::patrols::upload)),
    route!("POST", "/patrols/{id}/ais", false, "Record a patrol from the AIS track of a vessel", Item(PatrolPlan), post(pages::patrols::from_ais)),
    route!("POST", "/patrols/prefill/{id}", false, "Prefill a district's daily 海上巡航 section from patrol records", Item(District), post(pages::patrols::prefill)),
    route!("GET", "/intl", false, "Inbound international ships: list, entry and import", List, get(pages::intl::list)),
    route!("POST", "/intl", false, "Enter a ship call", List, post(pages::intl::create)),
    route!("POST", "/intl/import", false, "Import the inbound list (CSV or XLSX, multipart)", List, post(pages::intl::import)),
    route!("GET", "/intl/template.csv", false, "The inbound list's CSV template", NoScopedData, get(pages::intl::template)),
    route!("GET", "/intl/{id}", false, "A ship call", Item(ShipCall), get(pages::intl::detail)),
    route!("POST", "/intl/{id}/plan", false, "Record the per-ship plan and the three-no confirmation", Item(ShipCall), post(pages::intl::plan)),
    route!("POST", "/intl/{id}/work", false, "Allow or stop work", Item(ShipCall), post(pages::intl::work)),
    route!("POST", "/intl/{id}/violations", false, "Record a violation", Item(ShipCall), post(pages::intl::violation)),
    route!("POST", "/intl/{id}/crew-change", false, "Start a crew change for ticked crew", Item(ShipCall), post(pages::intl::crew_change)),
    route!("POST", "/intl/crew/{id}/result", false, "Record a crew member's result", Item(CrewMember), post(pages::intl::crew_result)),
    route!("GET", "/individual", false, "Individual cases and the registration form", List, get(pages::individual::list)),
    route!("POST", "/individual", false, "Record a case", List, post(pages::individual::create)),
    route!("GET", "/individual/{id}", false, "An individual case", Item(IndividualCase), get(pages::individual::detail)),
    route!("POST", "/individual/{id}/steps", false, "Record a step", Item(IndividualCase), post(pages::individual::step)),
    route!("POST", "/individual/{id}/tests", false, "Record a quarantine test", Item(IndividualCase), post(pages::individual::test)),
    route!("POST", "/individual/{id}/location", false, "Update a person's location", Item(IndividualCase), post(pages::individual::location)),
    route!("POST", "/individual/{id}/persons", false, "Add persons", Item(IndividualCase), post(pages::individual::persons)),
    route!("GET", "/duty", false, "The 24-hour duty desk", List, get(pages::duty::desk)),
    route!("POST", "/duty/major", false, "Register a major matter (office)", List, post(pages::duty::major)),
    route!("POST", "/duty/deadlines/{id}/complete", false, "Record that a major matter was reported", Item(Deadline), post(pages::duty::complete)),
    route!("POST", "/duty/notifications/{id}/read", false, "Mark a notice read", Item(Notification), post(pages::duty::read)),
    route!("GET", "/epidemic", false, "Key persons and key countries", List, get(pages::epidemic::page)),
    route!("POST", "/epidemic/countries", false, "Set a key country's risk level (office)", List, post(pages::epidemic::set_country)),
    route!("POST", "/epidemic/persons", false, "Register a key person", List, post(pages::epidemic::create_person)),
    route!("GET", "/epidemic/persons/{id}", false, "A key person with daily reports", Item(KeyPerson), get(pages::epidemic::person)),
    route!("POST", "/epidemic/persons/{id}/report", false, "Today's report on a key person", Item(KeyPerson), post(pages::epidemic::report)),
    route!("POST", "/epidemic/persons/{id}/status", false, "Change a key person's status", Item(KeyPerson), post(pages::epidemic::status)),
    route!("GET", "/epidemic/cold", false, "Cold-chain trace: leads, stores, batches", List, get(pages::epidemic::cold)),
    route!("POST", "/epidemic/cold/stores", false, "Add a cold store", List, post(pages::epidemic::create_store)),
    route!("POST", "/epidemic/cold/batches", false, "Register an imported batch", List, post(pages::epidemic::create_batch)),
    route!("GET", "/epidemic/cold/stores/{id}", false, "A cold store: movements and stock checks", Item(ColdStore), get(pages::epidemic::store)),
    route!("POST", "/epidemic/cold/stores/{id}/movements", false, "Record a movement", Item(ColdStore), post(pages::epidemic::movement)),
    route!("POST", "/epidemic/cold/stores/{id}/checks", false, "Record a stock check", Item(ColdStore), post(pages::epidemic::check)),
    route!("POST", "/alerts/{id}/clue", false, "Turn an alert into a clue (one click, with its evidence)", Item(Alert), post(pages::cases::from_alert)),
    route!("GET", "/clues", false, "Clue list and intake form", List, get(pages::cases::list)),
    route!("POST", "/clues", false, "Register a clue (linked automatically)", List, post(pages::cases::create)),
    route!("GET", "/clues/{id}", false, "A clue: entities, links with reasons, verification, hand-over, filing", Item(Clue), get(pages::cases::detail)),
    route!("GET", "/clues/{id}/graph", false, "Graph of a clue's cluster", Item(Clue), get(pages::cases::graph)),
    route!("POST", "/clues/{id}/status", false, "Verify or close a clue", Item(Clue), post(pages::cases::set_status)),
    route!("POST", "/clues/{id}/entities", false, "Add entities to a clue and link again", Item(Clue), post(pages::cases::add_entities)),
    route!("POST", "/clues/{id}/handover", false, "Hand a clue to another unit", Item(Clue), post(pages::cases::hand_over_clue)),
    route!("POST", "/clues/{id}/files", false, "Upload evidence to a clue (multipart)", Item(Clue), post(pages::cases::upload_clue)),
    route!("POST", "/links/{id}/decide", false, "Confirm or reject a suggested link", Item(ClueLink), post(pages::cases::decide_link)),
    route!("GET", "/cases", false, "Case list", List, get(pages::cases::cases)),
    route!("POST", "/cases", false, "File a case from verified clues", List, post(pages::cases::file_case)),
    route!("GET", "/cases/{id}", false, "A case: path, seizures, disposals, hand-over", Item(Case), get(pages::cases::case_detail)),
    route!("POST", "/cases/{id}/steps", false, "Record a step on the case path", Item(Case), post(pages::cases::add_step)),
    route!("POST", "/cases/{id}/seizures", false, "Record a seizure", Item(Case), post(pages::cases::add_seizure)),
    route!("POST", "/cases/{id}/disposals", false, "Record a disposal step of seized goods", Item(Case), post(pages::cases::add_disposal)),
    route!("POST", "/cases/{id}/handover", false, "Hand a case to another unit", Item(Case), post(pages::cases::hand_over_case)),
    route!("POST", "/cases/{id}/files", false, "Upload a case document (multipart)", Item(Case), post(pages::cases::upload_case)),
    route!("GET", "/handovers", false, "Hand-overs to answer, sent, overdue", List, get(pages::cases::handovers)),
    route!("POST", "/handovers/{id}/answer", false, "Accept or return a hand-over", Item(Handover), post(pages::cases::answer)),
    route!("GET", "/case-files/{id}", false, "Download an evidence file of a clue, case or tip", Item(CaseFile), get(pages::cases::file)),
    route!("GET", "/tips", false, "Tips: list and hotline entry", List, get(pages::tips::list)),
    route!("POST", "/tips", false, "Enter a hotline tip (office)", List, post(pages::tips::enter)),
    route!("GET", "/tips/checks", false, "Spot checks of tip handling", List, get(pages::tips::checks)),
    route!("POST", "/tips/checks", false, "Draw a random sample of tips (office)", List, post(pages::tips::draw)),
    route!("GET", "/tips/checks/{id}", false, "A spot check and its findings", Item(SpotCheck), get(pages::tips::check)),
    route!("POST", "/tips/checks/{id}/findings", false, "Record a finding on a sampled tip", Item(SpotCheck), post(pages::tips::finding)),
    route!("GET", "/tips/{id}", false, "A tip: triage, rewards", Item(Tip), get(pages::tips::detail)),
    route!("POST", "/tips/{id}/clue", false, "Triage a tip into a clue", Item(Tip), post(pages::tips::to_clue)),
    route!("POST", "/tips/{id}/merge", false, "Merge a duplicate tip", Item(Tip), post(pages::tips::merge)),
    route!("POST", "/tips/{id}/close", false, "Close a tip with a reason", Item(Tip), post(pages::tips::close)),
    route!("POST", "/tips/{id}/rewards", false, "Propose a reward on a verified tip", Item(Tip), post(pages::tips::propose)),
    route!("POST", "/rewards/{id}/decide", false, "Approve or reject a reward (office)", Item(Reward), post(pages::tips::decide)),
    route!("POST", "/rewards/{id}/pay", false, "Record a reward's payment", Item(Reward), post(pages::tips::pay)),
    // The public tip pages: no sign-in; the form's single-use challenge is its CSRF token.
    route!("GET", "/report/status", false, "Public: check a tip's progress by follow-up code", NoScopedData, get(pages::tips::status_page)),
    route!("POST", "/report/status", false, "Public: a tip's state by follow-up code", NoScopedData, post(pages::tips::status_submit)),
    route!("GET", "/report/{district}", false, "Public tip form of a district (by its 6-digit code)", NoScopedData, get(pages::tips::public_page)),
    route!("POST", "/report/{district}", false, "Public: send a tip (challenge and proof of work, photos)", NoScopedData, post(pages::tips::public_submit)),
    route!("GET", "/admin/regions", false, "Regions page", List, get(pages::admin::regions)),
    route!("POST", "/admin/regions", false, "Create region form", List, post(pages::admin::create_region)),
    route!("POST", "/admin/regions/{id}", false, "Rename region form", Item(Region), post(pages::admin::rename_region)),
    route!("POST", "/admin/regions/{id}/delete", false, "Delete region form", Item(Region), post(pages::admin::delete_region)),
    route!("GET", "/admin/units", false, "Units page", List, get(pages::admin::units)),
    route!("POST", "/admin/units", false, "Create unit form", List, post(pages::admin::create_unit)),
    route!("POST", "/admin/units/{id}", false, "Edit unit form", Item(Unit), post(pages::admin::update_unit)),
    route!("POST", "/admin/units/{id}/delete", false, "Delete unit form", Item(Unit), post(pages::admin::delete_unit)),
    route!("GET", "/admin/users", false, "Users page", List, get(pages::admin::users)),
    route!("POST", "/admin/users", false, "Create user form", List, post(pages::admin::create_user)),
    route!("GET", "/admin/users/{id}", false, "Edit user page", Item(User), get(pages::admin::user_page)),
    route!("POST", "/admin/users/{id}", false, "Edit user form", Item(User), post(pages::admin::update_user)),
    route!("POST", "/admin/users/{id}/password", false, "Reset password form", Item(User), post(pages::admin::set_password)),
    route!("GET", "/admin/task-force", false, "Task-force page", List, get(pages::admin::task_force)),
    route!("POST", "/admin/task-force/{id}", false, "Set lead unit form", Item(District), post(pages::admin::set_group_lead)),
    route!("GET", "/admin/audit", false, "Audit log page", List, get(pages::admin::audit)),
];

/// (method, path, summary) of the JSON API routes. A plain function, so
/// handlers can list routes without their own types depending on the table.
pub fn api_routes() -> Vec<(&'static str, &'static str, &'static str)> {
    ROUTES
        .iter()
        .filter(|r| r.api)
        .map(|r| (r.method, r.path, r.summary))
        .collect()
}

/// Builds the router from [`ROUTES`], merging methods that share a path.
pub fn router() -> Router<AppState> {
    let mut by_path: BTreeMap<&str, MethodRouter<AppState>> = BTreeMap::new();
    for r in ROUTES {
        let m = (r.handler)();
        let merged = match by_path.remove(r.path) {
            Some(existing) => existing.merge(m),
            None => m,
        };
        by_path.insert(r.path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, m)| router.route(path, m))
        .fallback(pages::not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(
                seen.insert((r.method, r.path)),
                "{} {} twice",
                r.method,
                r.path
            );
        }
    }

    #[test]
    fn item_routes_have_an_id() {
        for r in ROUTES {
            if matches!(r.scope, ScopeCheck::Item(_)) {
                assert!(r.path.contains("{id}"), "{}", r.path);
            }
        }
    }
}
