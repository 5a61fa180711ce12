//! The route table: every endpoint, declared once.
//!
//! The router, the OpenAPI document and the scoping test matrix are built
//! from [`ROUTES`]. A route must say how scoping applies to it
//! ([`ScopeCheck`]); the matrix test then proves a user of one town gets
//! nothing of another town from it.

use std::collections::BTreeMap;

use axum::routing::{delete, get, patch, post, put, MethodRouter};
use axum::Router;

use crate::{api, api_cases, assets, pages, AppState};

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
    route!("GET", "/api/v1/daily/sheet/{id}", true, "A district's daily sheet (?day=YYYY-MM-DD)", Item(District), get(api::daily_sheet)),
    route!("POST", "/api/v1/daily/sheet/{id}", true, "Save or submit a section: {day, section, values: {key: value}, notes, submit}", Item(District), post(api::daily_save)),
    route!("POST", "/api/v1/daily/entries/{id}/review", true, "Approve or return a submitted section: {approve, comment}", Item(ReportEntry), post(api::daily_review)),
    route!("POST", "/api/v1/daily/entries/{id}/unlock", true, "Unlock an approved section: {reason}", Item(ReportEntry), post(api::daily_unlock)),
    route!("GET", "/api/v1/alerts", true, "The newest alerts of the caller's regions (the maritime engine's events)", List, get(api::alerts)),
    route!("GET", "/api/v1/clues", true, "Clues the caller may see (holding unit, hand-overs, region by role and classification)", List, get(api_cases::clues)),
    route!("POST", "/api/v1/clues", true, "Register a clue: {region_id, summary, occurred_at, place, source, classification, entities: [\"phone: 138…\"]}; returns it with the links made", List, post(api_cases::create_clue)),
    route!("GET", "/api/v1/clues/{id}", true, "A clue with entities, visible links and their reasons, hand-overs", Item(Clue), get(api_cases::clue)),
    route!("GET", "/api/v1/clues/{id}/graph", true, "The cluster of linked clues and their entities", Item(Clue), get(api_cases::graph)),
    route!("GET", "/api/v1/cases", true, "Cases the caller may see", List, get(api_cases::cases)),
    route!("GET", "/api/v1/cases/{id}", true, "A case with clues, path, seizures, disposals, hand-overs", Item(Case), get(api_cases::case)),
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
    route!("POST", "/risks/{id}/updates", false, "Report weekly progress", Item(Risk), post(pages::risks::update)),
    route!("POST", "/risks/{id}/files", false, "Upload an evidence file (multipart)", Item(Risk), post(pages::risks::upload)),
    route!("POST", "/risks/{id}/apply", false, "Apply for close-out with evidence", Item(Risk), post(pages::risks::apply)),
    route!("POST", "/risks/{id}/check", false, "Check close-out (office)", Item(Risk), post(pages::risks::check)),
    route!("GET", "/risks/files/{id}", false, "Download an evidence file", Item(RiskFile), get(pages::risks::file)),
    route!("GET", "/alerts", false, "Alert list and desk", List, get(pages::alerts::list)),
    route!("POST", "/alerts/{id}/assign", false, "Assign an alert to a unit (office)", Item(Alert), post(pages::alerts::assign)),
    route!("POST", "/alerts/{id}/ack", false, "Acknowledge an assigned alert", Item(Alert), post(pages::alerts::acknowledge)),
    route!("POST", "/alerts/{id}/close", false, "Dismiss (with a reason) or escalate an alert", Item(Alert), post(pages::alerts::close)),
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
