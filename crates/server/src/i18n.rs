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
];

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
