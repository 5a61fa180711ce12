//! The vessel registry and the port departure/arrival reports (CSV, FORMATS.md).

use crate::time::parse_rfc3339;
use crate::zones::{ZoneIdx, ZoneKind, ZoneSet};
use crate::{FastMap, LoadError};

/// Vessel kind of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VesselKind {
    Fishing,
    Cargo,
    Tanker,
    Passenger,
    Speedboat,
    Service,
    LawEnforcement,
    Other,
}

impl VesselKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VesselKind::Fishing => "fishing",
            VesselKind::Cargo => "cargo",
            VesselKind::Tanker => "tanker",
            VesselKind::Passenger => "passenger",
            VesselKind::Speedboat => "speedboat",
            VesselKind::Service => "service",
            VesselKind::LawEnforcement => "law_enforcement",
            VesselKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "fishing" => VesselKind::Fishing,
            "cargo" => VesselKind::Cargo,
            "tanker" => VesselKind::Tanker,
            "passenger" => VesselKind::Passenger,
            "speedboat" => VesselKind::Speedboat,
            "service" => VesselKind::Service,
            "law_enforcement" => VesselKind::LawEnforcement,
            "other" => VesselKind::Other,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    Enterprise,
    Individual,
}

impl OwnerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Enterprise => "enterprise",
            OwnerKind::Individual => "individual",
        }
    }
}

/// One registry row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VesselRecord {
    pub mmsi: u32,
    pub name: String,
    pub kind: VesselKind,
    pub flag: String,
    pub international: bool,
    pub home_port: String,
    pub owner_kind: OwnerKind,
    pub owner_name: String,
    pub registry_no: String,
}

impl VesselRecord {
    /// No name and no registry number: a "三无" candidate.
    pub fn lacks_identity(&self) -> bool {
        self.name.trim().is_empty() && self.registry_no.trim().is_empty()
    }
}

/// The vessel registry, keyed by MMSI.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    by_mmsi: FastMap<u32, VesselRecord>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses the registry CSV. `source` names the file in errors.
    pub fn from_csv(text: &str, source: &str) -> Result<Registry, LoadError> {
        let records = Self::parse_rows(text, source).map_err(|mut errs| errs.remove(0))?;
        let mut registry = Registry::new();
        for record in records {
            registry.insert(record);
        }
        Ok(registry)
    }

    /// Parses the registry CSV, checking every row and collecting every bad
    /// row's error (imports list them all) instead of stopping at the first.
    /// Errors are in line order, never empty on `Err`.
    pub fn parse_rows(text: &str, source: &str) -> Result<Vec<VesselRecord>, Vec<LoadError>> {
        let table = Table::parse(text, source, &REGISTRY_COLUMNS).map_err(|e| vec![e])?;
        let mut records = Vec::new();
        let mut errors = Vec::new();
        let mut first_line = FastMap::default();
        for row in table.rows() {
            match parse_vessel_row(&row) {
                Ok(record) => {
                    if let Some(first) = first_line.insert(record.mmsi, row.line) {
                        errors.push(row.error(
                            "mmsi",
                            format!("duplicate MMSI {} (first on line {first})", record.mmsi),
                        ));
                    } else {
                        records.push(record);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(records)
        } else {
            Err(errors)
        }
    }

    pub fn insert(&mut self, record: VesselRecord) {
        self.by_mmsi.insert(record.mmsi, record);
    }

    /// Every record, in no particular order.
    pub fn records(&self) -> impl Iterator<Item = &VesselRecord> {
        self.by_mmsi.values()
    }

    pub fn get(&self, mmsi: u32) -> Option<&VesselRecord> {
        self.by_mmsi.get(&mmsi)
    }

    pub fn len(&self) -> usize {
        self.by_mmsi.len()
    }

    /// Every registered MMSI (in no particular order).
    pub fn mmsis(&self) -> impl Iterator<Item = u32> + '_ {
        self.by_mmsi.keys().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.by_mmsi.is_empty()
    }
}

/// The registry CSV's columns, in FORMATS.md order.
pub const REGISTRY_COLUMNS: [&str; 9] = [
    "mmsi",
    "name",
    "kind",
    "flag",
    "international",
    "home_port",
    "owner_kind",
    "owner_name",
    "registry_no",
];

fn parse_vessel_row(row: &Row<'_>) -> Result<VesselRecord, LoadError> {
    let mmsi_text = row.get("mmsi");
    let mmsi = parse_mmsi(mmsi_text).ok_or_else(|| {
        row.error(
            "mmsi",
            format!("invalid MMSI {mmsi_text:?} (expected 9 digits)"),
        )
    })?;
    let kind_text = row.get("kind");
    let kind = VesselKind::parse(kind_text)
        .ok_or_else(|| row.error("kind", format!("unknown vessel kind {kind_text:?}")))?;
    let international = match row.get("international") {
        "true" => true,
        "false" => false,
        other => {
            return Err(row.error(
                "international",
                format!("must be true or false, got {other:?}"),
            ))
        }
    };
    let owner_kind = match row.get("owner_kind") {
        "enterprise" => OwnerKind::Enterprise,
        "individual" => OwnerKind::Individual,
        other => {
            return Err(row.error(
                "owner_kind",
                format!("must be enterprise or individual, got {other:?}"),
            ))
        }
    };
    let flag = row.get("flag");
    if !(flag.len() == 2 && flag.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(row.error(
            "flag",
            format!("expected an ISO 3166 alpha-2 code, got {flag:?}"),
        ));
    }
    Ok(VesselRecord {
        mmsi,
        name: row.get("name").to_string(),
        kind,
        flag: flag.to_string(),
        international,
        home_port: row.get("home_port").to_string(),
        owner_kind,
        owner_name: row.get("owner_name").to_string(),
        registry_no: row.get("registry_no").to_string(),
    })
}

/// Writes records as the registry CSV (the form [`Registry::parse_rows`] reads).
pub fn registry_csv<'a>(records: impl IntoIterator<Item = &'a VesselRecord>) -> String {
    let mut out = REGISTRY_COLUMNS.join(",");
    out.push('\n');
    for r in records {
        let fields = [
            r.mmsi.to_string(),
            r.name.clone(),
            r.kind.as_str().to_string(),
            r.flag.clone(),
            r.international.to_string(),
            r.home_port.clone(),
            r.owner_kind.as_str().to_string(),
            r.owner_name.clone(),
            r.registry_no.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// Quotes a CSV field when it needs it (RFC 4180). A leading `=`, `+`, `-`
/// or `@` is kept as typed: the file is data for this system, not a sheet.
fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) || f.starts_with(' ') || f.ends_with(' ') {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

/// A registry MMSI: exactly nine digits.
fn parse_mmsi(text: &str) -> Option<u32> {
    (text.len() == 9 && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok())?
}

/// A ship station MMSI (MID 2xx–7xx). Anything else reporting positions as a ship is
/// an invalid identity.
pub fn is_valid_ship_mmsi(mmsi: u32) -> bool {
    (200_000_000..800_000_000).contains(&mmsi)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Departure,
    Arrival,
}

/// One port departure/arrival report (进出港报告).
#[derive(Debug, Clone, PartialEq)]
pub struct PortReport {
    pub mmsi: u32,
    pub kind: ReportKind,
    pub port_zone_id: String,
    pub reported_at_ms: i64,
    pub persons_aboard: Option<u32>,
}

/// The port-report CSV's columns, in FORMATS.md order.
pub const REPORT_COLUMNS: [&str; 5] = [
    "mmsi",
    "kind",
    "port_zone_id",
    "reported_at",
    "persons_aboard",
];

/// Parses the port-report CSV, checking every port against the zones.
pub fn parse_port_reports(
    text: &str,
    source: &str,
    zones: &ZoneSet,
) -> Result<Vec<PortReport>, LoadError> {
    parse_port_report_rows(text, source, zones).map_err(|mut errs| errs.remove(0))
}

/// Parses the port-report CSV, collecting every bad row's error (in line
/// order, never empty on `Err`).
pub fn parse_port_report_rows(
    text: &str,
    source: &str,
    zones: &ZoneSet,
) -> Result<Vec<PortReport>, Vec<LoadError>> {
    let table = Table::parse(text, source, &REPORT_COLUMNS).map_err(|e| vec![e])?;
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for row in table.rows() {
        match parse_report_row(&row, zones) {
            Ok(r) => reports.push(r),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(reports)
    } else {
        Err(errors)
    }
}

fn parse_report_row(row: &Row<'_>, zones: &ZoneSet) -> Result<PortReport, LoadError> {
    let mmsi_text = row.get("mmsi");
    let mmsi = parse_mmsi(mmsi_text).ok_or_else(|| {
        row.error(
            "mmsi",
            format!("invalid MMSI {mmsi_text:?} (expected 9 digits)"),
        )
    })?;
    let kind = match row.get("kind") {
        "departure" => ReportKind::Departure,
        "arrival" => ReportKind::Arrival,
        other => {
            return Err(row.error(
                "kind",
                format!("must be departure or arrival, got {other:?}"),
            ))
        }
    };
    let port = row.get("port_zone_id");
    match zones.index_of(port).map(|i| zones.get(i).kind) {
        Some(ZoneKind::FishingPort) => {}
        Some(k) => {
            return Err(row.error(
                "port_zone_id",
                format!("zone {port:?} is a {} zone, not a fishing_port", k.as_str()),
            ))
        }
        None => return Err(row.error("port_zone_id", format!("unknown port zone {port:?}"))),
    }
    let at_text = row.get("reported_at");
    let reported_at_ms = parse_rfc3339(at_text)
        .or_else(|| at_text.parse::<i64>().ok().map(|s| s * 1000))
        .ok_or_else(|| row.error("reported_at", format!("not an RFC 3339 time: {at_text:?}")))?;
    let persons_text = row.get("persons_aboard");
    let persons_aboard = if persons_text.is_empty() {
        None
    } else {
        Some(persons_text.parse().map_err(|_| {
            row.error(
                "persons_aboard",
                format!("not a whole number: {persons_text:?}"),
            )
        })?)
    };
    Ok(PortReport {
        mmsi,
        kind,
        port_zone_id: port.to_string(),
        reported_at_ms,
        persons_aboard,
    })
}

/// Arrival report times per (vessel, port), for the port-entry rule.
#[derive(Debug, Clone, Default)]
pub(crate) struct ArrivalIndex {
    times: FastMap<(u32, ZoneIdx), Vec<i64>>,
}

impl ArrivalIndex {
    pub(crate) fn add(&mut self, mmsi: u32, port: ZoneIdx, at_ms: i64) {
        let list = self.times.entry((mmsi, port)).or_default();
        let pos = list.partition_point(|&t| t <= at_ms);
        // The same report twice (a registry reload) counts once.
        if pos > 0 && list[pos - 1] == at_ms {
            return;
        }
        list.insert(pos, at_ms);
    }

    /// Re-keys the index after the zones changed; ports that are gone drop out.
    pub(crate) fn remap(&mut self, map: impl Fn(ZoneIdx) -> Option<ZoneIdx>) {
        let old = std::mem::take(&mut self.times);
        for ((mmsi, port), times) in old {
            if let Some(p) = map(port) {
                self.times.entry((mmsi, p)).or_default().extend(times);
            }
        }
        for list in self.times.values_mut() {
            list.sort_unstable();
        }
    }

    /// Whether an arrival report falls within `[from_ms, to_ms]`.
    pub(crate) fn any_within(
        &self,
        mmsi: u32,
        port: ZoneIdx,
        from_ms: i64,
        to_ms: i64,
    ) -> Option<i64> {
        let list = self.times.get(&(mmsi, port))?;
        let i = list.partition_point(|&t| t < from_ms);
        list.get(i).copied().filter(|&t| t <= to_ms)
    }
}

/// A header-addressed CSV table (RFC 4180 quoting).
struct Table<'a> {
    source: &'a str,
    columns: Vec<(&'static str, usize)>,
    records: Vec<(usize, Vec<String>)>,
}

struct Row<'t> {
    source: &'t str,
    line: usize,
    columns: &'t [(&'static str, usize)],
    fields: &'t [String],
}

impl Row<'_> {
    fn get(&self, name: &str) -> &str {
        let idx = self
            .columns
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, i)| *i);
        idx.and_then(|i| self.fields.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    fn error(&self, field: &str, message: String) -> LoadError {
        LoadError {
            file: self.source.to_string(),
            location: format!("line {}", self.line),
            field: field.to_string(),
            message,
        }
    }
}

impl<'a> Table<'a> {
    fn parse(
        text: &str,
        source: &'a str,
        required: &[&'static str],
    ) -> Result<Table<'a>, LoadError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut records = split_csv(text);
        if records.is_empty() {
            return Err(LoadError {
                file: source.into(),
                location: "line 1".into(),
                field: String::new(),
                message: "empty file, expected a header row".into(),
            });
        }
        let (_, header) = records.remove(0);
        let mut columns = Vec::new();
        for &name in required {
            let idx = header
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| LoadError {
                    file: source.into(),
                    location: "line 1".into(),
                    field: name.to_string(),
                    message: "missing required column".into(),
                })?;
            columns.push((name, idx));
        }
        records.retain(|(_, fields)| !(fields.len() == 1 && fields[0].trim().is_empty()));
        Ok(Table {
            source,
            columns,
            records,
        })
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(|(line, fields)| Row {
            source: self.source,
            line: *line,
            columns: &self.columns,
            fields,
        })
    }
}

/// Splits CSV text into records, each with the 1-based line it starts on.
fn split_csv(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut line = 1;
    let mut record_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => in_quotes = false,
            ('"', false) if field.is_empty() => in_quotes = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            ('\r', false) if chars.peek() == Some(&'\n') => {}
            ('\n', false) => {
                fields.push(std::mem::take(&mut field));
                records.push((record_line, std::mem::take(&mut fields)));
                line += 1;
                record_line = line;
            }
            ('\n', true) => {
                line += 1;
                field.push(c);
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "mmsi,name,kind,flag,international,home_port,owner_kind,owner_name,registry_no\n";

    #[test]
    fn parses_registry_with_quotes() {
        let text = format!("{HEADER}412000001,\"Zhe, 1\",fishing,CN,false,F1,individual,张某,ZJ1\n351000002,,cargo,PA,true,,enterprise,X,\n");
        let reg = Registry::from_csv(&text, "v.csv").unwrap();
        assert_eq!(reg.len(), 2);
        assert_eq!(reg.get(412000001).unwrap().name, "Zhe, 1");
        assert!(reg.get(351000002).unwrap().international);
        assert!(reg.get(351000002).unwrap().lacks_identity());
    }

    #[test]
    fn bad_rows_name_line_and_field() {
        let cases = [
            (format!("{HEADER}41200001,a,fishing,CN,false,,individual,x,y\n"), "line 2", "mmsi"),
            (format!("{HEADER}412000001,a,fishing,CN,false,,individual,x,y\n412000001,b,cargo,CN,false,,individual,x,y\n"), "line 3", "mmsi"),
            (format!("{HEADER}412000001,a,boat,CN,false,,individual,x,y\n"), "line 2", "kind"),
            (format!("{HEADER}412000001,a,fishing,CN,yes,,individual,x,y\n"), "line 2", "international"),
            ("mmsi,name\n".to_string(), "line 1", "kind"),
        ];
        for (text, location, field) in cases {
            let e = Registry::from_csv(&text, "v.csv").unwrap_err();
            assert_eq!(
                (e.location.as_str(), e.field.as_str()),
                (location, field),
                "{e}"
            );
        }
    }

    #[test]
    fn reports_must_name_a_fishing_port() {
        let zones = ZoneSet::from_geojson(
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"F1","name":"f","kind":"fishing_port"},
            "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}"#,
            "z",
        )
        .unwrap();
        let ok = "mmsi,kind,port_zone_id,reported_at,persons_aboard\n412000001,arrival,F1,2021-02-16T12:21:00Z,3\n";
        let reports = parse_port_reports(ok, "r.csv", &zones).unwrap();
        assert_eq!(reports[0].reported_at_ms, 1_613_478_060_000);
        let bad = ok.replace(",F1,", ",F9,");
        let e = parse_port_reports(&bad, "r.csv", &zones).unwrap_err();
        assert_eq!(
            (e.location.as_str(), e.field.as_str()),
            ("line 2", "port_zone_id")
        );
        assert!(e.to_string().contains("F9"), "{e}");
    }
}
