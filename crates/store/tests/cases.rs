//! Storage of clues, links, cases, hand-overs and tips, on SQLite and
//! PostgreSQL: linking through the key index, the visibility rule in SQL
//! agreeing with `Holding::visible_to`, hand-over grants, audit rows.

use std::sync::Arc;

use jinghai_domain::audit::Actor;
use jinghai_domain::cases::{
    CaseStatus, Classification, ClueSource, ClueStatus, HandoverStatus, Holding, LinkStatus,
    QuantityUnit, RecordKind, SeizureCategory, StepKind, TipChannel, TipContact, TipTopic,
};
use jinghai_domain::entity::{normalise, EntityKind};
use jinghai_domain::{Agency, RegionCode, RegionLevel, Role, Scope};
use jinghai_store::{
    both_backends, AuditFilter, NewCase, NewClue, NewHandover, NewRegion, NewSeizure, NewStep,
    NewTip, NewUnit, Store,
};

fn scope(role: Role, prefix: &str, unit: Option<i64>) -> Scope {
    Scope {
        user_id: 0,
        role,
        region_prefix: prefix.into(),
        unit_id: unit,
    }
}

fn clue(region_id: i64, unit: i64, summary: &str, c: Classification) -> NewClue {
    NewClue {
        region_id,
        summary: summary.into(),
        detail: String::new(),
        occurred_at: 1_612_900_000_000,
        place: "梅山岛东侧".into(),
        lat: None,
        lon: None,
        source: ClueSource::Officer,
        source_ref: None,
        classification: c,
        owner_unit_id: Some(unit),
    }
}

async fn story(store: Arc<dyn Store>) {
    let a = Actor::system("cases story");
    let t = 1_612_917_000_000;
    let mut ids = std::collections::HashMap::new();
    for (code, name, parent) in [
        ("330206", "北仑区", None),
        ("330206008", "梅山街道", Some("330206")),
        ("330206009", "白峰街道", Some("330206")),
    ] {
        let c = RegionCode::parse(code).unwrap();
        let r = store
            .create_region(
                &a,
                t,
                &NewRegion {
                    level: if parent.is_none() {
                        RegionLevel::District
                    } else {
                        c.implied_level()
                    },
                    code: c,
                    name: name.into(),
                    parent_id: parent.map(|p| ids[p]),
                },
            )
            .await
            .unwrap();
        ids.insert(code, r.id);
    }
    let unit = |name: &str, agency, region: i64| NewUnit {
        name: name.into(),
        agency,
        region_id: region,
        parent_unit_id: None,
    };
    let customs = store
        .create_unit(&a, t, &unit("海关", Agency::Customs, ids["330206"]))
        .await
        .unwrap()
        .id;
    let border = store
        .create_unit(
            &a,
            t,
            &unit("边检", Agency::BorderInspection, ids["330206"]),
        )
        .await
        .unwrap()
        .id;
    let police = store
        .create_unit(&a, t, &unit("公安", Agency::Police, ids["330206"]))
        .await
        .unwrap()
        .id;
    let meishan = store
        .create_unit(
            &a,
            t,
            &unit("梅山街道办", Agency::TownGovernment, ids["330206008"]),
        )
        .await
        .unwrap()
        .id;

    let ent = |k, v| normalise(k, v).unwrap();
    // An earlier clue about a vessel and a phone.
    let (c1, links) = store
        .create_clue(
            &a,
            t,
            &clue(
                ids["330206008"],
                customs,
                "可疑快艇夜间靠泊",
                Classification::Ordinary,
            ),
            &[
                ent(EntityKind::Mmsi, "412345678"),
                ent(EntityKind::Phone, "138 0013 8000"),
                ent(EntityKind::Person, "张伟"),
            ],
            50,
        )
        .await
        .unwrap();
    assert!(links.is_empty());
    assert_eq!(c1.holder_unit_id, Some(customs));
    // A new clue naming the same vessel and the same phone in another format,
    // and the same person in pinyin: linked, with every reason.
    let (c2, links) = store
        .create_clue(
            &a,
            t + 1,
            &clue(
                ids["330206"],
                police,
                "同一船舶过驳",
                Classification::Restricted,
            ),
            &[
                ent(EntityKind::Mmsi, "412 345 678"),
                ent(EntityKind::Phone, "+86 13800138000"),
                ent(EntityKind::Person, "ZHANG Wei"),
            ],
            50,
        )
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    let l = &links[0];
    assert_eq!((l.clue_a, l.clue_b), (c1.id, c2.id));
    assert_eq!(l.status, LinkStatus::Suggested);
    assert_eq!(l.reasons.len(), 3, "{:?}", l.reasons);
    assert!(l.reasons[0].exact && l.reasons[1].exact && !l.reasons[2].exact);
    assert_eq!(store.clue_links(c1.id).await.unwrap(), links);
    // A third clue sharing nothing is not linked.
    let (c3, links) = store
        .create_clue(
            &a,
            t + 2,
            &clue(ids["330206009"], police, "无关线索", Classification::Secret),
            &[ent(EntityKind::Plate, "浙B·12345")],
            50,
        )
        .await
        .unwrap();
    assert!(links.is_empty());
    // Adding an entity later links again, and widens nothing else.
    let links = store
        .add_clue_entities(
            &a,
            t + 3,
            c3.id,
            &[ent(EntityKind::Phone, "13800138000")],
            50,
        )
        .await
        .unwrap();
    assert_eq!(links.len(), 2, "c3 now shares the phone with c1 and c2");
    // A hub key (held by more clues than the limit) links nothing.
    let (c4, links) = store
        .create_clue(
            &a,
            t + 4,
            &clue(ids["330206"], police, "hub", Classification::Ordinary),
            &[ent(EntityKind::Phone, "13800138000")],
            2,
        )
        .await
        .unwrap();
    assert!(
        links.is_empty(),
        "three clues hold the phone; the limit is two"
    );
    // The probes alone (no clue written): the same answers, one round trip.
    let probe = [
        ent(EntityKind::Mmsi, "412345678"),
        ent(EntityKind::Phone, "13800138000"),
        ent(EntityKind::Plate, "浙B·99999"),
    ];
    let found = store.link_suggestions(&probe, 50).await.unwrap();
    let mut ids_found: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
    ids_found.sort();
    assert_eq!(ids_found, vec![c1.id, c2.id, c3.id, c4.id], "{found:?}");
    let c1_reasons = &found.iter().find(|(id, _)| *id == c1.id).unwrap().1;
    assert_eq!(c1_reasons.len(), 2, "vessel and phone: {c1_reasons:?}");
    let hub = store.link_suggestions(&probe, 3).await.unwrap();
    assert_eq!(
        hub.iter().map(|(id, _)| *id).collect::<Vec<_>>().len(),
        2,
        "the phone (four holders) is a hub at limit 3; the vessel links c1 and c2: {hub:?}"
    );
    let linked = store
        .set_link_status(&a, t + 5, l.id, LinkStatus::Confirmed)
        .await
        .unwrap();
    assert_eq!(linked.status, LinkStatus::Confirmed);

    // Visibility: SQL agrees with Holding::visible_to for every clue and scope.
    let scopes = [
        scope(Role::TaskForceOffice, "330206", None),
        scope(Role::Admin, "330206", None),
        scope(Role::TownWorker, "330206008", Some(meishan)),
        scope(Role::TownWorker, "330206009", None),
        scope(Role::GroupMember, "330206", Some(customs)),
        scope(Role::GroupMember, "330206", Some(border)),
        scope(Role::GroupMember, "330206", Some(police)),
        scope(Role::TaskForceOffice, "330211", None),
    ];
    let all = [c1.id, c2.id, c3.id, c4.id];
    let check = |label: &'static str| {
        let store = store.clone();
        let scopes = scopes.clone();
        async move {
            for s in &scopes {
                let listed: Vec<i64> = store
                    .list_clues(s, 100)
                    .await
                    .unwrap()
                    .iter()
                    .map(|c| c.id)
                    .collect();
                for id in all {
                    let c = store
                        .get_clue(&scope(Role::TaskForceOffice, "33", None), id)
                        .await
                        .unwrap();
                    let grants: Vec<i64> = store
                        .handovers_of(RecordKind::Clue, id)
                        .await
                        .unwrap()
                        .iter()
                        .filter(|h| h.status != HandoverStatus::Returned)
                        .map(|h| h.to_unit_id)
                        .collect();
                    let want = Holding {
                        region_code: &c.region_code,
                        classification: c.classification,
                        owner_unit_id: c.owner_unit_id,
                        holder_unit_id: c.holder_unit_id,
                        granted_units: &grants,
                    }
                    .visible_to(s);
                    assert_eq!(
                        store.get_clue(s, id).await.is_ok(),
                        want,
                        "{label}: get {id} as {s:?}"
                    );
                    assert_eq!(listed.contains(&id), want, "{label}: list {id} as {s:?}");
                }
            }
        }
    };
    check("before hand-over").await;
    let border_scope = scope(Role::GroupMember, "330206", Some(border));
    assert!(
        store.get_clue(&border_scope, c1.id).await.is_err(),
        "another unit cannot see a clue not handed to it"
    );

    // Hand-over: customs → border inspection; pending already grants access.
    let h = store
        .create_handover(
            &a,
            t + 10,
            &NewHandover {
                record_kind: RecordKind::Clue,
                record_id: c1.id,
                region_code: c1.region_code.clone(),
                from_unit_id: Some(customs),
                to_unit_id: border,
                reason: "发现非法入境人员".into(),
                deadline_at: t + 1000,
            },
        )
        .await
        .unwrap();
    assert!(store.get_clue(&border_scope, c1.id).await.is_ok());
    assert!(
        store.get_clue(&border_scope, c2.id).await.is_err(),
        "exactly that record, nothing else"
    );
    check("pending").await;
    let escalated = store
        .escalate_overdue_handovers(&a, t + 2000)
        .await
        .unwrap();
    assert_eq!(escalated.len(), 1);
    assert!(
        store
            .escalate_overdue_handovers(&a, t + 3000)
            .await
            .unwrap()
            .is_empty(),
        "escalated once"
    );
    let h = store
        .respond_handover(&a, t + 2100, h.id, true, "已签收")
        .await
        .unwrap();
    assert_eq!(h.status, HandoverStatus::Accepted);
    assert!(
        store
            .respond_handover(&a, t + 2200, h.id, false, "x")
            .await
            .is_err(),
        "answered once"
    );
    assert_eq!(
        store
            .get_clue(&border_scope, c1.id)
            .await
            .unwrap()
            .holder_unit_id,
        Some(border)
    );
    check("accepted").await;

    // Case filed from two clues, a step, a seizure, a disposal.
    store
        .set_clue_status(&a, t + 3000, c2.id, ClueStatus::Verifying, "")
        .await
        .unwrap();
    let case = store
        .create_case(
            &a,
            t + 4000,
            &NewCase {
                region_id: ids["330206"],
                case_no: "北仑立〔2021〕1号".into(),
                title: "走私冻品案".into(),
                summary: String::new(),
                classification: Classification::Restricted,
                filed_on: 18_700,
                owner_unit_id: Some(police),
                document: "立案决定书".into(),
            },
            &[c1.id, c2.id],
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .case_clues(case.id)
            .await
            .unwrap()
            .iter()
            .filter(|c| c.status == ClueStatus::Filed)
            .count(),
        2
    );
    store
        .add_case_step(
            &a,
            t + 5000,
            case.id,
            &NewStep {
                kind: StepKind::Coercive,
                day: 18_700,
                unit_id: Some(police),
                persons: 3,
                document: "拘留证".into(),
                note: String::new(),
                new_status: CaseStatus::Coercive,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .get_case(&scope(Role::TaskForceOffice, "330206", None), case.id)
            .await
            .unwrap()
            .status,
        CaseStatus::Coercive
    );
    let s = store
        .add_seizure(
            &a,
            t + 6000,
            case.id,
            &NewSeizure {
                category: SeizureCategory::FrozenGoods,
                quantity: 12_345,
                unit: QuantityUnit::Tonnes,
                description: "冻牛肉".into(),
                seized_on: 18_700,
            },
        )
        .await
        .unwrap();
    store
        .add_seizure(
            &a,
            t + 6000,
            case.id,
            &NewSeizure {
                category: SeizureCategory::Vessel,
                quantity: 1000,
                unit: QuantityUnit::Count,
                description: "浙象渔05123".into(),
                seized_on: 18_700,
            },
        )
        .await
        .unwrap();
    store
        .add_disposal(
            &a,
            t + 7000,
            s.id,
            &jinghai_store::NewDisposal {
                step: jinghai_domain::cases::DisposalStep::Applied,
                day: 18_701,
                unit_id: Some(police),
                document: String::new(),
                note: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.get_seizure_unscoped(s.id).await.unwrap().disposal,
        Some(jinghai_domain::cases::DisposalStep::Applied)
    );
    assert!(store.get_case(&border_scope, case.id).await.is_err());
    assert!(store
        .get_case(&scope(Role::GroupMember, "330206", Some(police)), case.id)
        .await
        .is_ok());

    // Daily figures of the district's day.
    let f = store
        .daily_figures("330206", 18_700, t, t + 10_000)
        .await
        .unwrap();
    assert_eq!((f.clues, f.cases_filed, f.coercive_persons), (4, 1, 3));
    assert_eq!(
        f.clues_linked, 3,
        "c1, c2 and c3 are linked; c4 met only a hub"
    );
    assert_eq!((f.goods_tonnes, f.vessels), (12_345, 1000));
    assert_eq!(
        store
            .daily_figures("330211", 18_700, t, t + 10_000)
            .await
            .unwrap(),
        Default::default()
    );

    // Tips keep the contact out of the audit log.
    let tip = store
        .create_tip(
            &a,
            t,
            &NewTip {
                code_hash: "h1".into(),
                region_id: ids["330206"],
                channel: TipChannel::Web,
                topic: TipTopic::Smuggling,
                what: "<script>alert(1)</script> 夜间卸冻品".into(),
                place: "梅山".into(),
                lat: None,
                lon: None,
                when_text: "昨晚".into(),
                contact: TipContact {
                    name: "王先生".into(),
                    phone: "13900000000".into(),
                },
                anonymous: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.find_tip_by_code("h1").await.unwrap().unwrap().id,
        tip.id
    );
    assert!(store.find_tip_by_code("h2").await.unwrap().is_none());
    assert_eq!(
        store.tip_contact(tip.id).await.unwrap().phone,
        "13900000000"
    );
    let log = store
        .list_audit(
            &scope(Role::Admin, "33", None),
            &AuditFilter {
                entity: Some("tip".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert!(!log[0]
        .after
        .as_deref()
        .unwrap_or("")
        .contains("13900000000"));
    let r = store
        .propose_reward(&a, t, tip.id, 50_000, "举报属实")
        .await
        .unwrap();
    assert_eq!(store.rewards_of(tip.id).await.unwrap(), vec![r]);
    assert_eq!(
        store.tip_ids_between("330206", t, t + 1).await.unwrap(),
        vec![tip.id]
    );

    // Every change above is audited.
    let log = store
        .list_audit(
            &scope(Role::Admin, "33", None),
            &AuditFilter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for entity in [
        "clue",
        "clue_link",
        "clue_links",
        "clue_entities",
        "handover",
        "case",
        "case_step",
        "seizure",
        "seizure_disposal",
        "tip",
        "reward",
    ] {
        assert!(log.iter().any(|e| e.entity == entity), "audit has {entity}");
    }
}

both_backends!(cases_story, story);
