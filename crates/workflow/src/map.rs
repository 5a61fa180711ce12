//! The live map: what a user may see of the live picture ([`Picture`]), the
//! alerts naming a vessel, and an alert's evidence (its track segment, the
//! counterpart's, the zone).
//!
//! Scoping: the picture's feeds follow the feed rule (see
//! [`crate::picture`]); alerts follow the store's alert rule. An alert's
//! evidence is shown to whoever may see the alert.

use std::sync::Arc;

use jinghai_domain::alert::Alert;
use jinghai_domain::time::{HOUR, MINUTE};
use jinghai_domain::FieldError;
use jinghai_engine::{VesselRecord, Zone};
use jinghai_store::Store;
use serde::Serialize;

use crate::picture::{
    AlertNote, FeedInfo, FeedPicture, OpenEvent, Picture, SearchHit, TrackPoint, VesselSnapshot,
    Viewport, ViewportAnswer,
};
use crate::{Ctx, WorkflowError, WorkflowResult};

/// Track windows offered, hours back from the feed's clock.
pub const TRACK_HOURS_MAX: i64 = 24;
/// Alerts listed with a vessel.
const VESSEL_ALERTS: i64 = 20;
/// Search hits returned.
const SEARCH_LIMIT: usize = 20;
/// The evidence window reaches this far before an alert's start and after its end.
pub const EVIDENCE_MARGIN_MS: i64 = 15 * MINUTE;

/// One vessel, for its panel on the map.
#[derive(Debug, Clone, Serialize)]
pub struct VesselDetail {
    #[serde(flatten)]
    pub vessel: VesselSnapshot,
    pub feed: FeedInfo,
    /// The registry record (name, owner, registry number …), when registered.
    pub registry: Option<VesselRecord>,
    /// The newest alerts naming it that the user may see.
    pub alerts: Vec<Alert>,
    /// Events going on now that name it.
    pub open_events: Vec<OpenEvent>,
}

/// A vessel's track over a window.
#[derive(Debug, Clone, Serialize)]
pub struct Track {
    pub mmsi: u32,
    pub from_ms: i64,
    pub to_ms: i64,
    pub points: Vec<TrackPoint>,
}

/// The zones of a feed.
pub struct FeedZones {
    pub feed: FeedInfo,
    pub zones: Arc<jinghai_engine::ZoneSet>,
}

/// What the map shows of an alert.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub alert: Alert,
    /// The feed that raised it, while it runs.
    pub feed: Option<FeedInfo>,
    pub from_ms: i64,
    pub to_ms: i64,
    /// The vessel's track over the window (empty when no longer in memory).
    pub track: Vec<TrackPoint>,
    /// The counterpart's track (encounters).
    pub counterpart: Vec<TrackPoint>,
    /// The zone involved.
    #[serde(skip)]
    pub zone: Option<Zone>,
}

/// What changed for a live push.
#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    #[serde(flatten)]
    pub view: ViewportAnswer,
    /// New alerts the user may see.
    pub alerts: Vec<AlertNote>,
    /// Whether `vessels` is the whole view (else only what changed).
    pub full: bool,
}

pub struct Map {
    store: Arc<dyn Store>,
    picture: Arc<Picture>,
}

fn bad(field: &str, zh: String, en: String) -> WorkflowError {
    WorkflowError::invalid(FieldError::new(field, zh, en))
}

/// Parses a viewport: `bbox` = `min_lon,min_lat,max_lon,max_lat` (what
/// Leaflet's `toBBoxString` writes) and `zoom` 0–22. Either may be empty:
/// the whole world, zoom 14.
pub fn parse_viewport(bbox: &str, zoom: &str) -> WorkflowResult<Viewport> {
    let mut view = Viewport::world();
    let bbox = bbox.trim();
    if !bbox.is_empty() {
        let parts: Vec<f64> = bbox
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .ok()
            .filter(|p: &Vec<f64>| p.len() == 4 && p.iter().all(|v| v.is_finite()))
            .ok_or_else(|| {
                bad(
                    "bbox",
                    format!("视野范围须为“西经度,南纬度,东经度,北纬度”四个数：{bbox:?}"),
                    format!("bbox must be four numbers min_lon,min_lat,max_lon,max_lat: {bbox:?}"),
                )
            })?;
        let [w, s, e, n] = [parts[0], parts[1], parts[2], parts[3]];
        if !(w <= e && s <= n && s >= -90.0 && n <= 90.0) {
            return Err(bad(
                "bbox",
                format!("视野范围无效（西须不大于东、南须不大于北，纬度在 ±90 之内）：{bbox:?}"),
                format!("bbox is inverted or off the globe: {bbox:?}"),
            ));
        }
        // A map panned round the world reports longitudes past ±180: clamp.
        view.min_lon = w.max(-180.0);
        view.max_lon = e.min(180.0);
        view.min_lat = s;
        view.max_lat = n;
    }
    let zoom = zoom.trim();
    if !zoom.is_empty() {
        view.zoom = zoom
            .parse::<u8>()
            .ok()
            .filter(|z| *z <= 22)
            .ok_or_else(|| {
                bad(
                    "zoom",
                    format!("缩放级别须为 0–22 的整数：{zoom:?}"),
                    format!("zoom must be a whole number 0–22: {zoom:?}"),
                )
            })?;
    }
    Ok(view)
}

/// Parses an MMSI from a path.
pub fn parse_mmsi(raw: i64) -> WorkflowResult<u32> {
    u32::try_from(raw)
        .ok()
        .filter(|m| (1..1_000_000_000).contains(m))
        .ok_or_else(|| {
            bad(
                "id",
                format!("MMSI 须为 9 位以内的正整数：{raw}"),
                format!("an MMSI is a positive number of at most 9 digits: {raw}"),
            )
        })
}

/// Parses a track window in hours (1–24; empty: 3).
pub fn parse_hours(raw: &str) -> WorkflowResult<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(3);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|h| (1..=TRACK_HOURS_MAX).contains(h))
        .ok_or_else(|| {
            bad(
                "hours",
                format!("航迹时段须为 1–{TRACK_HOURS_MAX} 小时：{raw:?}"),
                format!("the track window is 1–{TRACK_HOURS_MAX} hours: {raw:?}"),
            )
        })
}

impl Map {
    pub fn new(store: Arc<dyn Store>, picture: Arc<Picture>) -> Map {
        Map { store, picture }
    }

    pub fn picture(&self) -> &Arc<Picture> {
        &self.picture
    }

    /// The feeds the user sees.
    pub fn feeds(&self, ctx: &Ctx) -> Vec<FeedInfo> {
        self.picture
            .visible_feeds(&ctx.scope)
            .iter()
            .map(|f| f.info())
            .collect()
    }

    /// Vessels or clusters in a viewport.
    pub fn viewport(&self, ctx: &Ctx, view: &Viewport) -> ViewportAnswer {
        self.picture.viewport(&ctx.scope, view, None)
    }

    /// What changed in a viewport after `since` (vessels) and `alerts_since`
    /// (alert notes); the whole view when `since` is `None`.
    pub fn changes(
        &self,
        ctx: &Ctx,
        view: &Viewport,
        since: Option<u64>,
        alerts_since: u64,
    ) -> Changes {
        let answer = self.picture.viewport(&ctx.scope, view, since);
        let mut alerts: Vec<AlertNote> = self
            .picture
            .visible_feeds(&ctx.scope)
            .iter()
            .filter(|f| f.alerts_visible_to(&ctx.scope))
            .flat_map(|f| f.alerts_since(alerts_since))
            .collect();
        alerts.sort_by_key(|a| a.id);
        Changes {
            full: since.is_none() || answer.clustered,
            view: answer,
            alerts,
        }
    }

    fn find(&self, ctx: &Ctx, mmsi: u32) -> WorkflowResult<(Arc<FeedPicture>, VesselSnapshot)> {
        self.picture
            .feed_of(&ctx.scope, mmsi)
            .ok_or(WorkflowError::NotFound)
    }

    /// One vessel with its registry record, alerts and open events.
    pub async fn vessel(&self, ctx: &Ctx, mmsi: u32) -> WorkflowResult<VesselDetail> {
        let (feed, vessel) = self.find(ctx, mmsi)?;
        let alerts = self
            .store
            .list_vessel_alerts(&ctx.scope, i64::from(mmsi), VESSEL_ALERTS)
            .await?;
        Ok(VesselDetail {
            registry: feed.registry().get(mmsi).cloned(),
            open_events: feed.open_events_of(mmsi),
            feed: feed.info(),
            vessel,
            alerts,
        })
    }

    /// A vessel's track over the last `hours` of its feed's clock.
    pub fn track(&self, ctx: &Ctx, mmsi: u32, hours: i64) -> WorkflowResult<Track> {
        let (feed, _) = self.find(ctx, mmsi)?;
        let to_ms = feed.now_ms();
        let from_ms = to_ms - hours.clamp(1, TRACK_HOURS_MAX) * HOUR;
        Ok(Track {
            mmsi,
            from_ms,
            to_ms,
            points: feed.track(mmsi, from_ms, to_ms).unwrap_or_default(),
        })
    }

    /// Vessels by name or MMSI.
    pub fn search(&self, ctx: &Ctx, query: &str) -> WorkflowResult<Vec<SearchHit>> {
        if query.chars().count() > 40 {
            return Err(bad(
                "q",
                "搜索内容过长（最多 40 个字）".into(),
                "the search is too long (40 characters at most)".into(),
            ));
        }
        Ok(self.picture.search(&ctx.scope, query, SEARCH_LIMIT))
    }

    /// The zones of the feeds the user sees.
    pub fn zones(&self, ctx: &Ctx) -> Vec<FeedZones> {
        self.picture
            .visible_feeds(&ctx.scope)
            .iter()
            .map(|f| FeedZones {
                feed: f.info(),
                zones: f.zones(),
            })
            .collect()
    }

    /// An alert's evidence: the alert (scoped by the store), and from the
    /// feed that raised it, the tracks over the alert's time and the zone.
    pub async fn evidence(&self, ctx: &Ctx, alert_id: i64) -> WorkflowResult<Evidence> {
        let alert = self.store.get_alert(&ctx.scope, alert_id).await?;
        let from_ms = alert.start_at - EVIDENCE_MARGIN_MS;
        // The feed is named in the event key (`feed:run:event`); whoever may
        // see the alert may see its evidence, so the feed is looked up unscoped.
        let feed_name = alert
            .event_key
            .rsplitn(3, ':')
            .nth(2)
            .unwrap_or_default()
            .to_string();
        let feed = self
            .picture
            .feeds()
            .into_iter()
            .find(|f| f.name == feed_name && f.district.id == alert.region_id);
        let to_ms = alert
            .end_at
            .unwrap_or_else(|| feed.as_ref().map_or(alert.start_at, |f| f.now_ms()))
            .max(alert.start_at)
            + EVIDENCE_MARGIN_MS;
        let track_of = |mmsi: Option<i64>| -> Vec<TrackPoint> {
            match (&feed, mmsi.and_then(|m| u32::try_from(m).ok())) {
                (Some(f), Some(m)) => f.track(m, from_ms, to_ms).unwrap_or_default(),
                _ => Vec::new(),
            }
        };
        let zone = match (&feed, &alert.zone_id) {
            (Some(f), Some(id)) => {
                let zones = f.zones();
                zones.index_of(id).map(|i| zones.get(i).clone())
            }
            _ => None,
        };
        Ok(Evidence {
            track: track_of(Some(alert.mmsi)),
            counterpart: track_of(alert.other_mmsi),
            feed: feed.as_ref().map(|f| f.info()),
            zone,
            from_ms,
            to_ms,
            alert,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewports_parse_or_name_the_field() {
        let v = parse_viewport("121.5,29.5,122.5,30.2", "12").unwrap();
        assert_eq!((v.min_lon, v.max_lat, v.zoom), (121.5, 30.2, 12));
        let w = parse_viewport("", "").unwrap();
        assert_eq!(w, Viewport::world());
        let wrapped = parse_viewport("-200,-10,200,10", "3").unwrap();
        assert_eq!((wrapped.min_lon, wrapped.max_lon), (-180.0, 180.0));
        for (bbox, zoom, field) in [
            ("1,2,3", "", "bbox"),
            ("a,b,c,d", "", "bbox"),
            ("122,30,121,29", "", "bbox"),
            ("1,-95,2,3", "", "bbox"),
            ("NaN,1,2,3", "", "bbox"),
            ("", "23", "zoom"),
            ("", "-1", "zoom"),
            ("", "x", "zoom"),
        ] {
            match parse_viewport(bbox, zoom) {
                Err(WorkflowError::Invalid(f)) => assert_eq!(f[0].field, field, "{bbox} {zoom}"),
                other => panic!("{bbox} {zoom}: {other:?}"),
            }
        }
    }

    #[test]
    fn mmsis_and_windows_are_checked() {
        assert_eq!(parse_mmsi(412_000_001).unwrap(), 412_000_001);
        assert!(parse_mmsi(0).is_err());
        assert!(parse_mmsi(1_000_000_000).is_err());
        assert!(parse_mmsi(-5).is_err());
        assert_eq!(parse_hours("").unwrap(), 3);
        assert_eq!(parse_hours("24").unwrap(), 24);
        assert!(parse_hours("0").is_err());
        assert!(parse_hours("25").is_err());
        assert!(parse_hours("1.5").is_err());
    }
}
