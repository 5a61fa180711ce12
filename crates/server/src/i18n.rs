//! UI strings in Chinese (default) and English.
//!
//! One table, keyed by short ids; a missing key shows the key itself, and a
//! test checks every key has both languages.

use jinghai_domain::Lang;

/// (key, 中文, English)
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("app.name", "净海", "Jinghai"),
    (
        "app.title",
        "净海 · 防范打击海上非法入境与走私综合平台",
        "Jinghai · Clean Sea joint platform against illegal entry and smuggling by sea",
    ),
    ("login.title", "用户登录", "Sign in"),
    ("login.username", "用户名", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Sign in"),
    ("logout", "退出", "Sign out"),
    ("lang.switch", "English", "中文"),
    ("nav.home", "工作台", "Dashboard"),
    ("nav.group.watch", "海上态势", "Maritime picture"),
    ("nav.map", "态势监控", "Live map"),
    ("nav.alerts", "预警处置", "Alert desk"),
    ("nav.vessels", "船舶档案", "Vessel registry"),
    ("nav.places", "重点场所", "Places & zones"),
    ("nav.port_reports", "进出港报告", "Port reports"),
    ("nav.patrols", "巡航管理", "Patrols"),
    ("nav.group.cases", "线索案件", "Clues & cases"),
    ("nav.clues", "线索串并", "Clues & linking"),
    ("nav.cases", "案件办理", "Cases"),
    ("nav.tips", "群众举报", "Public tips"),
    ("nav.individual", "个案处置", "Individual cases"),
    ("nav.intl", "国际航行船舶", "International vessels"),
    ("nav.epidemic", "疫情防控", "Epidemic control"),
    ("nav.group.reports", "报表考核", "Reports & evaluation"),
    ("nav.daily", "日报表", "Daily report"),
    ("nav.risks", "风险清单", "Risk list"),
    ("nav.scoring", "考核评价", "Evaluation"),
    ("nav.bulletins", "每周通报", "Weekly bulletins"),
    ("nav.duty", "值班督办", "Duty desk"),
    ("nav.group.system", "系统管理", "Administration"),
    ("nav.regions", "行政区划", "Regions"),
    ("nav.units", "单位管理", "Units"),
    ("nav.taskforce", "专班配置", "Task force"),
    ("nav.users", "用户管理", "Users"),
    ("nav.audit", "审计日志", "Audit log"),
    ("nav.api", "接口文档", "API"),
    ("common.save", "保存", "Save"),
    ("common.create", "新建", "Create"),
    ("common.delete", "删除", "Delete"),
    ("common.edit", "编辑", "Edit"),
    ("common.actions", "操作", "Actions"),
    ("common.name", "名称", "Name"),
    ("common.none", "（无）", "(none)"),
    ("common.saved", "已保存", "Saved"),
    ("common.confirm_delete", "确定删除？", "Delete this?"),
    ("common.filter", "筛选", "Filter"),
    ("common.all", "全部", "All"),
    ("common.yes", "是", "Yes"),
    ("common.no", "否", "No"),
    ("region.code", "区划代码", "Code"),
    ("region.level", "层级", "Level"),
    ("region.parent", "上级区划", "Parent"),
    ("region.new", "新建区划", "New region"),
    ("unit.agency", "所属部门", "Agency"),
    ("unit.region", "所在区划", "Region"),
    ("unit.new", "新建单位", "New unit"),
    ("user.username", "用户名", "Username"),
    ("user.display_name", "姓名", "Name"),
    ("user.role", "角色", "Role"),
    ("user.region", "所属区划", "Region"),
    ("user.unit", "所属单位", "Unit"),
    ("user.active", "启用", "Active"),
    ("user.password", "初始密码", "Initial password"),
    ("user.new", "新建用户", "New user"),
    ("user.new_password", "新密码", "New password"),
    ("user.reset_password", "重置密码", "Reset password"),
    ("tf.group", "工作组", "Working group"),
    ("tf.lead", "牵头单位", "Lead unit"),
    ("tf.district", "区/县", "District"),
    ("audit.at", "时间", "Time"),
    ("audit.actor", "操作人", "Actor"),
    ("audit.action", "动作", "Action"),
    ("audit.entity", "对象", "Record"),
    ("audit.before", "修改前", "Before"),
    ("audit.after", "修改后", "After"),
    ("audit.from", "起始日期", "From"),
    ("audit.to", "截止日期", "To"),
    ("home.welcome", "欢迎", "Welcome"),
    ("home.scope", "管辖范围", "Your scope"),
    ("home.modules", "功能模块", "Modules"),
    (
        "module.pending",
        "本模块正在建设中，将按任务单分批上线。",
        "This module is being built and will go live issue by issue.",
    ),
    ("module.tracked", "跟踪任务", "Tracked in issue"),
    ("error.title", "出错了", "Something went wrong"),
    ("error.forbidden", "无权执行此操作", "Not allowed"),
    // The live map (map.js reads the `map.` and `zone.` keys from the page).
    ("map.title", "实时海上态势", "Live maritime picture"),
    ("map.search", "按船名或 MMSI 搜索", "Search by name or MMSI"),
    ("map.search.none", "没有找到船舶", "No vessel found"),
    ("map.clock", "态势时间", "Picture time"),
    ("map.vessels", "船舶", "vessels"),
    ("map.in_view", "视野内", "in view"),
    ("map.legend", "图例", "Legend"),
    ("map.no_feed", "您的辖区暂无接入的海上态势数据源。", "No maritime feed covers your region yet."),
    ("map.live", "实时", "Live"),
    ("map.offline", "连接中断，正在重连…", "Connection lost, reconnecting…"),
    ("map.state.moving", "航行", "Moving"),
    ("map.state.stopped", "停泊", "Stopped"),
    ("map.state.dark", "信号中断", "Dark"),
    ("map.kind.fishing", "渔船", "Fishing"),
    ("map.kind.cargo", "货船", "Cargo"),
    ("map.kind.tanker", "油船", "Tanker"),
    ("map.kind.passenger", "客船", "Passenger"),
    ("map.kind.speedboat", "快艇", "Speedboat"),
    ("map.kind.service", "工作船", "Service"),
    ("map.kind.law_enforcement", "执法船", "Law enforcement"),
    ("map.kind.other", "其他", "Other"),
    ("map.kind.unknown", "未知", "Unknown"),
    ("map.alerts", "预警", "Alerts"),
    ("map.alert.open", "查看预警", "Open the alert"),
    ("map.panel.close", "关闭", "Close"),
    ("map.panel.mmsi", "MMSI", "MMSI"),
    ("map.panel.name", "船名", "Name"),
    ("map.panel.ais_name", "AIS 船名", "AIS name"),
    ("map.panel.kind", "类型", "Kind"),
    ("map.panel.state", "状态", "State"),
    ("map.panel.position", "位置", "Position"),
    ("map.panel.speed", "航速/航向/艏向", "Speed / course / heading"),
    ("map.panel.last", "最后报告", "Last report"),
    ("map.panel.district", "所属态势", "Feed"),
    ("map.panel.registry", "船舶档案", "Registry record"),
    ("map.panel.unregistered", "未登记（不在船舶档案中）", "Not in the registry"),
    ("map.panel.owner", "船东", "Owner"),
    ("map.panel.registry_no", "登记号", "Registry number"),
    ("map.panel.flag", "船籍", "Flag"),
    ("map.panel.home_port", "船籍港", "Home port"),
    ("map.panel.international", "国际航行", "International voyage"),
    ("map.panel.open_events", "正在发生", "Going on now"),
    ("map.panel.recent_alerts", "近期预警", "Recent alerts"),
    ("map.panel.none", "无", "None"),
    ("map.panel.track", "航迹回放", "Track playback"),
    ("map.panel.hours", "小时", "h"),
    ("map.panel.play", "播放", "Play"),
    ("map.panel.pause", "暂停", "Pause"),
    ("map.panel.no_track", "该时段无航迹", "No track in this window"),
    ("map.evidence", "地图证据", "Evidence on the map"),
    ("map.evidence.track", "本船航迹", "The vessel's track"),
    ("map.evidence.counterpart", "对方船舶航迹", "The counterpart's track"),
    ("map.evidence.zone", "涉及区域", "The zone"),
    ("map.evidence.place", "预警位置", "Where it happened"),
    ("map.evidence.gone", "该时段的航迹已不在内存中（航迹仅保留 24 小时，数据源重启后清空）。", "The track of this time is no longer in memory (tracks are kept for 24 hours and start afresh when a feed restarts)."),
    ("zone.jurisdiction", "辖区海域", "Jurisdiction"),
    ("zone.coverage", "AIS 覆盖区", "AIS coverage"),
    ("zone.open_port", "对外开放口岸", "Open port"),
    ("zone.anchorage", "锚地", "Anchorage"),
    ("zone.fishing_port", "渔港", "Fishing port"),
    ("zone.cove", "岙口", "Cove"),
    ("zone.uninhabited_island", "无人岛", "Uninhabited island"),
    ("zone.unlicensed_dock", "无证码头", "Unlicensed dock"),
    ("zone.temporary_berth", "临时停靠点", "Temporary berth"),
    ("zone.restricted", "限制区域", "Restricted area"),
    ("zone.boundary", "界线", "Boundary line"),
    // The live map's layers of records (toggled in its layer control).
    ("map.layers", "图层", "Layers"),
    ("map.layer.risks", "风险点", "Risks"),
    ("map.layer.cards", "红黄牌", "Red and yellow cards"),
    ("map.layer.patrols", "巡航覆盖与盲区", "Patrol coverage and blind spots"),
    ("map.risk.overdue", "逾期未整改", "Overdue"),
    ("map.risk.deadline", "整改时限", "Deadline"),
    ("map.risk.open", "查看风险", "Open the risk"),
    ("map.risk.none", "辖区内没有标注位置的未销号风险", "No open risk with a position in your regions"),
    ("map.card.red", "红牌", "Red card"),
    ("map.card.yellow", "黄牌", "Yellow card"),
    ("map.card.fix_by", "整改期限", "Fix by"),
    ("map.card.open", "查看考核", "Open the evaluation"),
    ("map.patrol.zone", "计划区域", "Planned zone"),
    ("map.patrol.track", "航迹", "Track"),
    ("map.patrol.blind", "盲区", "Blind spots"),
    ("map.patrol.covered", "覆盖率", "Covered"),
    ("map.patrol.open", "查看巡航计划", "Open the patrol plan"),
    // The risk list's map picker and place.
    ("risk.map.hint", "在地图上单击标注位置（也可直接填写经纬度）。", "Click the map to place it (or type the latitude and longitude)."),
    ("risk.map.none", "尚未标注位置。", "Not placed on the map yet."),
    ("risk.place.title", "位置（地图）", "Place (on the map)"),
    ("risk.place.save", "保存位置", "Save the place"),
    ("risk.lat", "纬度", "Latitude"),
    ("risk.lon", "经度", "Longitude"),
    ("risk.on_live_map", "在态势图上查看", "See it on the live map"),
    // The daily report's prefilled values.
    ("daily.prefill.records", "查看记录", "the records"),
    ("daily.prefill.reason", "更正理由（与系统预填不同时必填）", "Reason for a correction (required when it differs from the records)"),
    ("daily.corrections", "更正预填的理由", "Reasons for corrected prefilled values"),
    ("filter.active", "筛选", "Filtered"),
    ("filter.clear", "清除筛选", "Clear the filter"),
];

/// Every string whose key starts with one of `prefixes`, in `lang` (for
/// the scripts of the map pages).
pub fn strings_with_prefix(lang: Lang, prefixes: &[&str]) -> Vec<(&'static str, &'static str)> {
    STRINGS
        .iter()
        .filter(|(k, _, _)| prefixes.iter().any(|p| k.starts_with(p)))
        .map(|(k, zh, en)| (*k, lang.pick(zh, en)))
        .collect()
}

/// The string for `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> &'static str {
    for (k, zh, en) in STRINGS {
        if *k == key {
            return lang.pick(zh, en);
        }
    }
    tracing::warn!(key, "missing UI string");
    "??"
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_unique_and_both_languages_present() {
        let mut seen = std::collections::HashSet::new();
        for (k, zh, en) in super::STRINGS {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
        }
    }
}
