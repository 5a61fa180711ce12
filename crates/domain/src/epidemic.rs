//! The epidemic-control rows of seeds 003 and 004: key persons from abroad
//! followed one-to-one (contact, arrival plan, daily report, status), the
//! key-country list with its risk level, and the cold-chain trace of imported
//! frozen food (浙冷链) — whose gaps expose smuggled frozen goods: a cold
//! store's stock without a trace code, or above its traced inflow, is a
//! smuggling lead (走私冻品).

use serde::{Deserialize, Serialize};

use crate::report::Day;
use crate::time::{Millis, DAY};

string_enum! {
    /// A key country's risk level (境外重点国家疫情图, seed 004 §二(二)1).
    CountryRisk {
        High = "high", "高风险", "High risk";
        Medium = "medium", "中风险", "Medium risk";
        Low = "low", "低风险", "Low risk";
    }
}

string_enum! {
    /// Where a key person stands, until released.
    KeyPersonStatus {
        Planned = "planned", "计划来（未入境）", "Planned, not yet arrived";
        Arrived = "arrived", "已入境", "Arrived";
        Quarantine = "quarantine", "集中隔离中", "In quarantine";
        Monitoring = "monitoring", "居家健康监测", "Health monitoring at home";
        Released = "released", "已解除管控", "Released";
    }
}

string_enum! {
    /// A cold-chain movement's direction.
    Direction {
        In = "in", "入库", "In";
        Out = "out", "出库", "Out";
    }
}

string_enum! {
    /// Why a cold store's stock is a smuggling lead.
    LeadReason {
        NoTraceCode = "no_trace_code", "库存冻品无追溯码", "Stock without a trace code";
        UnknownTraceCode = "unknown_trace_code", "追溯码不在浙冷链记录中", "Trace code not on record";
        AboveTracedInflow = "above_traced_inflow", "库存超过追溯入库量", "Stock above its traced inflow";
    }
}

/// Days of travel history that count for Omicron high-risk countries (seed 004 §二(二)3).
pub const HIGH_RISK_HISTORY: Millis = 21 * DAY;

/// A key person from abroad, followed one-to-one (seed 003 §三(一)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPerson {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub name: String,
    pub id_no: String,
    pub from_country: String,
    /// The assigned one-to-one contact.
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_unit_id: Option<i64>,
    pub planned_arrival_at: Option<Millis>,
    pub port_of_entry: String,
    pub status: KeyPersonStatus,
    pub last_report_day: Option<Day>,
    pub created_at: Millis,
}

impl KeyPerson {
    /// The daily report (一日一报) is due every day until release.
    pub fn report_missing(&self, today: Day) -> bool {
        self.status != KeyPersonStatus::Released && self.last_report_day != Some(today)
    }
}

/// One day's report on a key person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPersonReport {
    pub id: i64,
    pub person_id: i64,
    pub day: Day,
    pub health: String,
    pub location: String,
    pub note: String,
    pub reported_by: String,
    pub reported_at: Millis,
}

/// A country on the key-country list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyCountry {
    pub id: i64,
    pub name: String,
    pub risk: CountryRisk,
    pub note: String,
    pub updated_at: Millis,
}

/// A cold store (one of the 三库 risk points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColdStore {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub name: String,
    pub address: String,
}

/// An imported frozen-food batch with its trace code (浙冷链码).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColdBatch {
    pub id: i64,
    pub region_id: i64,
    pub region_code: String,
    pub trace_code: String,
    pub product: String,
    pub origin_country: String,
    pub declaration_no: String,
    /// Thousandths of a kilogram (grams), like report values.
    pub quantity_g: i64,
    pub test_result: crate::intl::TestResult,
    pub tested_at: Option<Millis>,
    pub created_at: Millis,
}

/// A batch moving into or out of a cold store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColdMovement {
    pub id: i64,
    pub batch_id: i64,
    pub store_id: i64,
    pub direction: Direction,
    pub quantity_g: i64,
    pub at: Millis,
}

/// A stock check: what was found in a store, under one trace code (or none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockCheck {
    pub id: i64,
    pub store_id: i64,
    pub region_code: String,
    pub at: Millis,
    pub product: String,
    /// Empty when the goods carry no trace code.
    pub trace_code: String,
    pub quantity_g: i64,
    pub checked_by: String,
    /// Set once the lead was handed to the clue module (its reference).
    pub clue_ref: Option<String>,
}

/// The traced net inflow of one trace code at one store: in minus out, up to
/// a time.
pub fn traced_net_inflow(
    movements: &[ColdMovement],
    batch_id: i64,
    store_id: i64,
    until: Millis,
) -> i64 {
    movements
        .iter()
        .filter(|m| m.batch_id == batch_id && m.store_id == store_id && m.at <= until)
        .map(|m| match m.direction {
            Direction::In => m.quantity_g,
            Direction::Out => -m.quantity_g,
        })
        .sum()
}

/// Why a stock check is a smuggling lead, if it is. `batch` is the batch
/// with the check's trace code (`None` when no batch has it); `net_inflow`
/// its traced net inflow at the store at check time.
pub fn stock_lead(
    check: &StockCheck,
    batch: Option<&ColdBatch>,
    net_inflow: i64,
) -> Option<(LeadReason, i64)> {
    if check.trace_code.trim().is_empty() {
        return Some((LeadReason::NoTraceCode, check.quantity_g));
    }
    if batch.is_none() {
        return Some((LeadReason::UnknownTraceCode, check.quantity_g));
    }
    if check.quantity_g > net_inflow {
        return Some((LeadReason::AboveTracedInflow, check.quantity_g - net_inflow));
    }
    None
}

/// Formats grams as kilograms with up to three decimals.
pub fn format_kg(g: i64) -> String {
    let s = format!("{}.{:03}", g / 1000, (g % 1000).abs());
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Parses kilograms (up to three decimals) to grams.
pub fn parse_kg(field: &str, s: &str) -> Result<i64, crate::FieldError> {
    let bad = || {
        crate::FieldError::new(
            field,
            format!("{field} 须为不超过三位小数的非负数（千克）：{s:?}"),
            format!(
                "{field} must be a non-negative number of kilograms with at most 3 decimals: {s:?}"
            ),
        )
    };
    let t = s.trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty()
        || int.len() > 9
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 3
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (t.contains('.') && frac.is_empty())
    {
        return Err(bad());
    }
    let i: i64 = int.parse().map_err(|_| bad())?;
    let f: i64 = format!("{frac:0<3}").parse().map_err(|_| bad())?;
    Ok(i * 1000 + f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(trace: &str, q: i64) -> StockCheck {
        StockCheck {
            id: 1,
            store_id: 7,
            region_code: "330206009000".into(),
            at: 100,
            product: "冻牛肉".into(),
            trace_code: trace.into(),
            quantity_g: q,
            checked_by: "市场监管".into(),
            clue_ref: None,
        }
    }

    fn batch() -> ColdBatch {
        ColdBatch {
            id: 3,
            region_id: 1,
            region_code: "330206000000".into(),
            trace_code: "ZLL-1".into(),
            product: "冻牛肉".into(),
            origin_country: "巴西".into(),
            declaration_no: "3101".into(),
            quantity_g: 10_000_000,
            test_result: crate::intl::TestResult::Negative,
            tested_at: Some(50),
            created_at: 40,
        }
    }

    #[test]
    fn smuggling_leads() {
        let moves = [
            ColdMovement {
                id: 1,
                batch_id: 3,
                store_id: 7,
                direction: Direction::In,
                quantity_g: 5_000_000,
                at: 60,
            },
            ColdMovement {
                id: 2,
                batch_id: 3,
                store_id: 7,
                direction: Direction::Out,
                quantity_g: 1_000_000,
                at: 70,
            },
            ColdMovement {
                id: 3,
                batch_id: 3,
                store_id: 8,
                direction: Direction::In,
                quantity_g: 5_000_000,
                at: 60,
            },
            ColdMovement {
                id: 4,
                batch_id: 3,
                store_id: 7,
                direction: Direction::In,
                quantity_g: 9_000_000,
                at: 200,
            },
        ];
        let net = traced_net_inflow(&moves, 3, 7, 100);
        assert_eq!(net, 4_000_000);
        let b = batch();
        let cases = [
            (
                check("", 500_000),
                None,
                Some((LeadReason::NoTraceCode, 500_000)),
            ),
            (
                check("ZLL-9", 1),
                None,
                Some((LeadReason::UnknownTraceCode, 1)),
            ),
            (check("ZLL-1", 4_000_000), Some(&b), None),
            (
                check("ZLL-1", 4_500_000),
                Some(&b),
                Some((LeadReason::AboveTracedInflow, 500_000)),
            ),
        ];
        for (c, batch, want) in cases {
            assert_eq!(stock_lead(&c, batch, net), want, "{c:?}");
        }
    }

    #[test]
    fn kilograms() {
        assert_eq!(parse_kg("q", "12.5").unwrap(), 12_500);
        assert_eq!(parse_kg("q", "3").unwrap(), 3_000);
        for bad in ["", "-1", "1.2345", "x", "1."] {
            assert!(parse_kg("q", bad).is_err(), "{bad}");
        }
        assert_eq!(format_kg(12_500), "12.5");
        assert_eq!(format_kg(3_000), "3");
    }

    #[test]
    fn daily_report_due_until_release() {
        let mut p = KeyPerson {
            id: 1,
            region_id: 1,
            region_code: "330206008000".into(),
            name: "王某".into(),
            id_no: "E1".into(),
            from_country: "南非".into(),
            contact_name: "李网格员".into(),
            contact_phone: "13800000000".into(),
            contact_unit_id: None,
            planned_arrival_at: None,
            port_of_entry: "上海浦东".into(),
            status: KeyPersonStatus::Arrived,
            last_report_day: Some(10),
            created_at: 0,
        };
        assert!(!p.report_missing(10));
        assert!(p.report_missing(11));
        p.status = KeyPersonStatus::Released;
        assert!(!p.report_missing(11));
    }
}
