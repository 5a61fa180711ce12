//! The risk list (风险清单) and its close-out (销号制), seed 000 §三: every
//! risk found is listed with place and category; it gets a rectification
//! measure, a responsible unit and a named person, and a deadline; progress
//! is reported weekly; it is closed only with evidence and a check by the
//! task-force office.

use serde::{Deserialize, Serialize};

use crate::report::Day;

string_enum! {
    /// Where the risk is (seed 000 §三(一), seed 002 §二(四)).
    RiskCategory {
        PortDock = "port_dock", "港口码头", "Port or dock";
        Shipyard = "shipyard", "船舶修造厂", "Shipyard";
        FishingPort = "fishing_port", "渔港", "Fishing port";
        FishingVillage = "fishing_village", "渔村", "Fishing village";
        Cove = "cove", "岙口", "Cove";
        Island = "island", "海岛", "Island";
        Road = "road", "沿海道路", "Coastal road";
        ColdStore = "cold_store", "冷库", "Cold store";
        OilDepot = "oil_depot", "油库", "Oil depot";
        Warehouse = "warehouse", "仓库", "Warehouse";
        Company = "company", "集卡吊机企业", "Truck or crane company";
        Other = "other", "其他", "Other";
    }
}

string_enum! {
    /// How serious the risk is.
    Severity {
        High = "high", "高", "High";
        Medium = "medium", "中", "Medium";
        Low = "low", "低", "Low";
    }
}

string_enum! {
    /// Where the item stands.
    RiskStatus {
        /// Found, no rectification plan yet.
        Open = "open", "待制定整改措施", "Open";
        /// Plan set, being rectified.
        Rectifying = "rectifying", "整改中", "Rectifying";
        /// Evidence submitted, awaiting the office's check.
        PendingCheck = "pending_check", "待验收销号", "Awaiting check";
        /// Checked and closed off (销号).
        Closed = "closed", "已销号", "Closed";
    }
}

/// One risk item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskItem {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub category: RiskCategory,
    pub description: String,
    pub severity: Severity,
    pub found_by: String,
    pub found_on: Day,
    pub measure: String,
    pub responsible_unit_id: Option<i64>,
    pub responsible_person: String,
    pub deadline: Option<Day>,
    pub status: RiskStatus,
    pub evidence: String,
    pub check_comment: String,
    pub closed_on: Option<Day>,
    pub created_at: i64,
    /// Day of the last weekly progress update.
    pub last_update_on: Option<Day>,
}

impl RiskItem {
    /// Past its deadline and not closed.
    pub fn overdue(&self, today: Day) -> bool {
        self.status != RiskStatus::Closed && self.deadline.is_some_and(|d| d < today)
    }

    /// Being rectified and without a progress update in the last 7 days
    /// (counting from when the plan was set, at the latest the found day).
    pub fn update_missing(&self, today: Day) -> bool {
        matches!(self.status, RiskStatus::Rectifying)
            && today - self.last_update_on.unwrap_or(self.found_on) > 7
    }
}

/// A weekly progress update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskUpdate {
    pub id: i64,
    pub risk_id: i64,
    pub day: Day,
    pub progress: String,
    pub reported_by: String,
    pub reported_at: i64,
}

/// An evidence file's description (the bytes are fetched separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    pub risk_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

/// File types accepted as evidence, by extension, with their content type.
pub const EVIDENCE_TYPES: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("pdf", "application/pdf"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
];

/// Largest evidence file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// Checks an evidence file by name, size and leading bytes (so a renamed
/// executable is not accepted as a photo). Returns its content type.
pub fn check_evidence(file_name: &str, bytes: &[u8]) -> Result<&'static str, crate::FieldError> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, ctype)) = EVIDENCE_TYPES.iter().find(|(e, _)| *e == ext) else {
        return Err(crate::FieldError::new(
            "file",
            format!("不支持的文件类型：{file_name}（仅限 jpg、png、pdf、docx、xlsx）"),
            format!("file type not allowed: {file_name} (jpg, png, pdf, docx, xlsx only)"),
        ));
    };
    if bytes.is_empty() {
        return Err(crate::FieldError::new(
            "file",
            "文件为空",
            "the file is empty",
        ));
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(crate::FieldError::new(
            "file",
            format!("文件过大：{} MB，上限 10 MB", bytes.len() / 1024 / 1024),
            format!(
                "file too large: {} MB, the limit is 10 MB",
                bytes.len() / 1024 / 1024
            ),
        ));
    }
    let magic_ok = match ext.as_str() {
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "pdf" => bytes.starts_with(b"%PDF"),
        _ => bytes.starts_with(b"PK\x03\x04"),
    };
    if !magic_ok {
        return Err(crate::FieldError::new(
            "file",
            format!("文件内容与扩展名不符：{file_name}"),
            format!("the file's content does not match its extension: {file_name}"),
        ));
    }
    Ok(ctype)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_checks() {
        assert_eq!(
            check_evidence("现场.JPG", &[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(),
            "image/jpeg"
        );
        assert!(check_evidence("a.exe", b"MZ").is_err());
        assert!(check_evidence("a.png", b"MZ not a png").is_err());
        assert!(check_evidence("a.pdf", b"").is_err());
        assert!(check_evidence("a.pdf", &vec![b'%'; MAX_EVIDENCE_BYTES + 1]).is_err());
        assert!(check_evidence("a.pdf", b"%PDF-1.4").is_ok());
    }

    #[test]
    fn overdue_and_missing_updates() {
        let mut r = RiskItem {
            id: 1,
            region_id: 1,
            region_code: "330206008000".into(),
            place: "梅山港区某码头".into(),
            lat: None,
            lon: None,
            category: RiskCategory::PortDock,
            description: "围网破损".into(),
            severity: Severity::High,
            found_by: "梅山街道".into(),
            found_on: 100,
            measure: String::new(),
            responsible_unit_id: None,
            responsible_person: String::new(),
            deadline: Some(110),
            status: RiskStatus::Rectifying,
            evidence: String::new(),
            check_comment: String::new(),
            closed_on: None,
            created_at: 0,
            last_update_on: None,
        };
        assert!(!r.overdue(110) && r.overdue(111));
        assert!(!r.update_missing(107) && r.update_missing(108));
        r.last_update_on = Some(106);
        assert!(!r.update_missing(110));
        r.status = RiskStatus::Closed;
        assert!(!r.overdue(200) && !r.update_missing(200));
    }
}
