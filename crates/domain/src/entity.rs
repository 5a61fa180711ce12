//! Entities named in clues (vessels, persons, phones, vehicles, places,
//! companies) and their normal forms, so that one real thing is one key
//! however it was typed; and the linking rule (串并) over those keys.
//!
//! Every entity has one *exact* key (`kind:normal`) and zero or more *fuzzy*
//! keys (`kind~variant`): a pinyin spelling of a Chinese name, a hull number
//! without its province prefix, a company name without its legal suffix. Two
//! clues that share a key are linked; the reason names the entity and whether
//! the match was exact or fuzzy. Keys are what the store's inverted index
//! holds, so linking a new clue costs one index probe per key, never a pass
//! over every clue.

use serde::{Deserialize, Serialize};

use crate::FieldError;

macro_rules! clue_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s,)* } }
            pub fn parse(s: &str) -> Option<$name> { Self::ALL.iter().copied().find(|x| x.as_str() == s) }
            pub fn zh(self) -> &'static str { match self { $($name::$variant => $zh,)* } }
            pub fn en(self) -> &'static str { match self { $($name::$variant => $en,)* } }
        }
    };
}
pub(crate) use clue_enum;

clue_enum! {
    /// What an entity is.
    EntityKind {
        /// A vessel by its 9-digit MMSI.
        Mmsi = "mmsi", "船舶 MMSI", "Vessel MMSI";
        /// A vessel by name or painted hull number (small boats without AIS).
        Vessel = "vessel", "船名/船号", "Vessel name or hull number";
        /// A person by name (Chinese characters or pinyin).
        Person = "person", "人员姓名", "Person name";
        /// A resident identity card number (居民身份证).
        IdCard = "id_card", "身份证号", "ID card number";
        Passport = "passport", "护照号", "Passport number";
        Phone = "phone", "电话", "Phone";
        /// A vehicle plate.
        Plate = "plate", "车牌", "Vehicle plate";
        Place = "place", "地点", "Place";
        Company = "company", "企业", "Company";
    }
}

/// An entity as typed, normalised: its exact key and fuzzy keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalEntity {
    pub kind: EntityKind,
    /// What was typed (trimmed), shown to people.
    pub raw: String,
    /// The normal form; `kind:normal` is the exact key.
    pub normal: String,
    /// Variant forms that may be the same thing (`kind~variant` keys).
    pub fuzzy: Vec<String>,
    /// A warning that does not stop the entity from being recorded (e.g. an
    /// ID number whose check digit is wrong: probably mistyped).
    pub warning: Option<String>,
}

impl NormalEntity {
    pub fn exact_key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.normal)
    }

    /// Every key the inverted index holds for this entity: (key, exact).
    pub fn keys(&self) -> Vec<(String, bool)> {
        let mut keys = vec![(self.exact_key(), true)];
        for f in &self.fuzzy {
            let k = format!("{}~{}", self.kind.as_str(), f);
            if !keys.iter().any(|(x, _)| *x == k) {
                keys.push((k, false));
            }
        }
        keys
    }
}

/// Full-width ASCII (Ｕ+FF01–FF5E) and the ideographic space to half-width;
/// everything else unchanged.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn bad(field: &str, zh: String, en: String) -> FieldError {
    FieldError::new(field, zh, en)
}

/// Characters people put between the parts of numbers and codes.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '—' | '–' | '_' | '.' | '·' | '•' | '・' | '(' | ')' | '/' | ',' | '、' | ':'
        )
}

/// Normalises a phone number: full-width digits, spaces, dashes and
/// brackets go; `+86`/`0086`/`86` before a mobile number goes; a landline
/// keeps its area code (`0574-8678 1234` → `057486781234`).
pub fn normalise_phone(raw: &str) -> Result<String, FieldError> {
    let s = half_width(raw);
    let mut digits: String = s
        .chars()
        .filter(|c| !is_separator(*c) && *c != '+')
        .collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.is_empty() {
        return Err(bad(
            "phone",
            format!("电话号码只能包含数字：{raw}"),
            format!("a phone number has digits only: {raw}"),
        ));
    }
    for prefix in ["0086", "86"] {
        if digits.len() == 11 + prefix.len()
            && digits.starts_with(prefix)
            && digits[prefix.len()..].starts_with('1')
        {
            digits = digits[prefix.len()..].to_string();
        }
    }
    let mobile = digits.len() == 11 && digits.starts_with('1');
    let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
    let local = (7..=8).contains(&digits.len()) && !digits.starts_with('0');
    if mobile || landline || local {
        Ok(digits)
    } else {
        Err(bad(
            "phone",
            format!("无法识别的电话号码：{raw}（手机 11 位，座机含区号）"),
            format!("not a phone number: {raw} (mobiles have 11 digits, landlines an area code)"),
        ))
    }
}

/// The check character of an 18-digit resident ID number (GB 11643).
pub fn id_check_char(first17: &str) -> Option<char> {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8; 11] = b"10X98765432";
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(W) {
        sum += c.to_digit(10)? * w;
    }
    Some(C[(sum % 11) as usize] as char)
}

/// Normalises an ID card number: 18 characters (a lower-case `x` becomes
/// `X`), or an old 15-digit number widened to 18 (century `19`, check digit
/// computed). A wrong check digit is kept with a warning: the number was
/// probably mistyped, but it is still what the officer saw.
pub fn normalise_id_card(raw: &str) -> Result<(String, Option<String>), FieldError> {
    let s: String = half_width(raw)
        .chars()
        .filter(|c| !is_separator(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let digits17 = |t: &str| t.len() >= 17 && t[..17].chars().all(|c| c.is_ascii_digit());
    if s.len() == 15 && s.chars().all(|c| c.is_ascii_digit()) {
        let first17 = format!("{}19{}", &s[..6], &s[6..]);
        let check = id_check_char(&first17).unwrap_or('0');
        return Ok((format!("{first17}{check}"), None));
    }
    if s.len() == 18
        && digits17(&s)
        && (s.ends_with('X') || s[17..].chars().all(|c| c.is_ascii_digit()))
    {
        let expected = id_check_char(&s[..17]);
        let warning = (expected != s.chars().nth(17)).then(|| {
            format!(
                "身份证号校验位不符（应为 {}），可能录入有误 / the check digit should be {}",
                expected.unwrap_or('?'),
                expected.unwrap_or('?')
            )
        });
        return Ok((s, warning));
    }
    Err(bad(
        "id_card",
        format!("身份证号应为 18 位（末位可为 X）或 15 位旧号：{raw}"),
        format!("an ID card number has 18 characters (the last may be X) or 15 digits: {raw}"),
    ))
}

/// Normalises a passport number: letters and digits, upper case.
pub fn normalise_passport(raw: &str) -> Result<String, FieldError> {
    let s: String = half_width(raw)
        .chars()
        .filter(|c| !is_separator(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if (5..=20).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(s)
    } else {
        Err(bad(
            "passport",
            format!("护照号应为 5–20 位字母或数字：{raw}"),
            format!("a passport number has 5–20 letters or digits: {raw}"),
        ))
    }
}

/// The one-character province abbreviations that start a plate or a
/// vessel's registration.
const PROVINCES: &str =
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼港澳台使领警学挂";

/// Normalises a vehicle plate: `浙B·12345`, `浙 b-12345`, `浙Ｂ１２３４５` →
/// `浙B12345` (new-energy plates have six characters after the letter).
pub fn normalise_plate(raw: &str) -> Result<String, FieldError> {
    let s: String = half_width(raw)
        .chars()
        .filter(|c| !is_separator(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut chars = s.chars();
    let ok = match (chars.next(), chars.next()) {
        (Some(p), Some(l)) if PROVINCES.contains(p) && l.is_ascii_uppercase() => {
            let rest: Vec<char> = chars.collect();
            (5..=6).contains(&rest.len())
                && rest.iter().enumerate().all(|(i, c)| {
                    c.is_ascii_alphanumeric()
                        || (i == rest.len() - 1 && matches!(c, '挂' | '学' | '警' | '港' | '澳'))
                })
        }
        _ => false,
    };
    if ok {
        Ok(s)
    } else {
        Err(bad(
            "plate",
            format!("无法识别的车牌号：{raw}（如 浙B12345）"),
            format!("not a vehicle plate: {raw} (e.g. 浙B12345)"),
        ))
    }
}

/// Normalises an MMSI: nine digits, separators ignored.
pub fn normalise_mmsi(raw: &str) -> Result<String, FieldError> {
    let s: String = half_width(raw)
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == ':' || c == ' ')
        .chars()
        .filter(|c| !is_separator(*c))
        .collect();
    if s.len() == 9 && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s)
    } else {
        Err(bad(
            "mmsi",
            format!("MMSI 应为 9 位数字：{raw}"),
            format!("an MMSI has 9 digits: {raw}"),
        ))
    }
}

/// A vessel name or painted hull number (`浙象渔05123号`, `浙象渔 5123`,
/// `象渔05123`): separators and a trailing 号 go, letters are upper case,
/// leading zeros of the number go (registrations are fixed-width; people
/// drop the zeros). The fuzzy key also drops the province character, which
/// is often left off or painted over.
pub fn normalise_vessel(raw: &str) -> Result<(String, Vec<String>), FieldError> {
    let s: String = half_width(raw)
        .chars()
        .filter(|c| !is_separator(*c) && !matches!(c, '“' | '”' | '"' | '\''))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let s = s.trim_end_matches('号').to_string();
    if s.is_empty() || s.chars().count() > 40 {
        return Err(bad(
            "vessel",
            format!("船名或船号无效：{raw}"),
            format!("not a vessel name or hull number: {raw}"),
        ));
    }
    // Strip leading zeros of the trailing number.
    let split = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i);
    let normal = match split {
        Some(i) => {
            let number = s[i..].trim_start_matches('0');
            format!(
                "{}{}",
                &s[..i],
                if number.is_empty() { "0" } else { number }
            )
        }
        None => s.clone(),
    };
    let mut fuzzy = Vec::new();
    let mut chars = normal.chars();
    if let Some(first) = chars.next() {
        let rest: String = chars.collect();
        if PROVINCES.contains(first) && rest.chars().count() >= 3 {
            fuzzy.push(rest);
        } else if !PROVINCES.contains(first) && split.is_some() && normal.chars().count() >= 3 {
            // Typed without its province: its fuzzy key is itself, so it
            // meets the fuzzy key of the full registration.
            fuzzy.push(normal.clone());
        }
    }
    Ok((normal, fuzzy))
}

/// Surnames whose reading differs from the character's common reading.
const SURNAME_READINGS: &[(char, &str)] = &[
    ('单', "shan"),
    ('曾', "zeng"),
    ('区', "ou"),
    ('仇', "qiu"),
    ('解', "xie"),
    ('朴', "piao"),
    ('查', "zha"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('缪', "miao"),
    ('覃', "qin"),
    ('翟', "zhai"),
    ('召', "shao"),
    ('繁', "po"),
    ('尉', "yu"),
    ('秘', "bi"),
    ('长', "chang"),
    ('重', "chong"),
    ('沈', "shen"),
    ('石', "shi"),
];

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Toneless pinyin of a Chinese name, surname reading first.
pub fn name_pinyin(name: &str) -> Option<String> {
    use pinyin::ToPinyin;
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if !is_han(c) {
            continue;
        }
        let surname = (i == 0)
            .then(|| SURNAME_READINGS.iter().find(|(s, _)| *s == c))
            .flatten();
        match surname {
            Some((_, reading)) => out.push_str(reading),
            None => out.push_str(c.to_pinyin()?.plain()),
        }
    }
    (!out.is_empty()).then(|| out.replace('ü', "v"))
}

/// A person's name in Chinese characters (`张 伟`, `阿不都·热合曼`) or in
/// pinyin/Latin letters (`ZHANG Wei`, `Zhang, Wei`, `Wei Zhang`). The exact
/// key is the name without spaces and dots; the fuzzy keys are its toneless
/// pinyin, in both orders for a Latin name of two or more parts (given name
/// first is common in passports and foreign documents).
pub fn normalise_person(raw: &str) -> Result<(String, Vec<String>), FieldError> {
    let s = half_width(raw);
    let han = s.chars().any(is_han);
    let too_long = s.chars().count() > 40;
    if han && !too_long {
        let normal: String = s.chars().filter(|c| !is_separator(*c)).collect();
        if normal.chars().all(|c| is_han(c) || c.is_ascii_alphabetic()) {
            let fuzzy = name_pinyin(&normal).into_iter().collect();
            return Ok((normal, fuzzy));
        }
    } else if !too_long {
        let parts: Vec<String> = s
            .split(|c: char| is_separator(c))
            .filter(|p| !p.is_empty())
            .map(|p| p.to_lowercase().replace('ü', "v"))
            .collect();
        if !parts.is_empty()
            && parts
                .iter()
                .all(|p| p.chars().all(|c| c.is_ascii_alphabetic()))
        {
            let normal = parts.concat();
            let mut fuzzy = vec![normal.clone()];
            if parts.len() >= 2 {
                let mut rev = parts.clone();
                rev.rotate_right(1);
                let swapped = rev.concat();
                if swapped != normal {
                    fuzzy.push(swapped);
                }
            }
            return Ok((normal, fuzzy));
        }
    }
    Err(bad(
        "person",
        format!("姓名只能包含汉字或字母：{raw}"),
        format!("a name has Chinese characters or letters only: {raw}"),
    ))
}

/// Legal-form suffixes of company names, longest first.
const COMPANY_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "公司",
    "CO.,LTD",
    "COLTD",
    "LTD",
];

/// A company: brackets made half-width, separators and a legal-form suffix
/// dropped for the fuzzy key (`宁波某贸易有限公司` ≈ `宁波某贸易公司`).
pub fn normalise_company(raw: &str) -> Result<(String, Vec<String>), FieldError> {
    let normal: String = half_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）' | '·'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if normal.is_empty() || normal.chars().count() > 80 {
        return Err(bad(
            "company",
            format!("企业名称无效：{raw}"),
            format!("not a company name: {raw}"),
        ));
    }
    let core = COMPANY_SUFFIXES
        .iter()
        .find_map(|s| normal.strip_suffix(s))
        .unwrap_or(&normal)
        .trim_end_matches(['.', ','])
        .to_string();
    let fuzzy = if core.chars().count() >= 2 {
        vec![core]
    } else {
        vec![]
    };
    Ok((normal, fuzzy))
}

/// A place: full-width to half-width, separators and spaces dropped.
pub fn normalise_place(raw: &str) -> Result<String, FieldError> {
    let normal: String = half_width(raw)
        .chars()
        .filter(|c| !is_separator(*c) && !matches!(c, '，' | '。'))
        .collect();
    if normal.is_empty() || normal.chars().count() > 100 {
        return Err(bad(
            "place",
            format!("地点无效：{raw}"),
            format!("not a place: {raw}"),
        ));
    }
    Ok(normal)
}

/// Normalises one entity of a kind.
pub fn normalise(kind: EntityKind, raw: &str) -> Result<NormalEntity, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(
            kind.as_str(),
            format!("{}不能为空", kind.zh()),
            format!("{} is empty", kind.en()),
        ));
    }
    let (normal, fuzzy, warning) = match kind {
        EntityKind::Mmsi => (normalise_mmsi(raw)?, vec![], None),
        EntityKind::Vessel => {
            let (n, f) = normalise_vessel(raw)?;
            (n, f, None)
        }
        EntityKind::Person => {
            let (n, f) = normalise_person(raw)?;
            (n, f, None)
        }
        EntityKind::IdCard => {
            let (n, w) = normalise_id_card(raw)?;
            (n, vec![], w)
        }
        EntityKind::Passport => (normalise_passport(raw)?, vec![], None),
        EntityKind::Phone => (normalise_phone(raw)?, vec![], None),
        EntityKind::Plate => (normalise_plate(raw)?, vec![], None),
        EntityKind::Place => (normalise_place(raw)?, vec![], None),
        EntityKind::Company => {
            let (n, f) = normalise_company(raw)?;
            (n, f, None)
        }
    };
    Ok(NormalEntity {
        kind,
        raw: raw.chars().take(200).collect(),
        normal,
        fuzzy,
        warning,
    })
}

/// Parses the entity box of a clue form: one entity per line as
/// `kind: value` (the kind by its code, Chinese or English name, e.g.
/// `电话: 138 0013 8000`, `mmsi: 412345678`). Every bad line is reported,
/// with its line number.
pub fn parse_entity_lines(text: &str) -> Result<Vec<NormalEntity>, Vec<FieldError>> {
    let mut out: Vec<NormalEntity> = Vec::new();
    let mut errs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = half_width(line);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once([':', '：']) else {
            errs.push(FieldError::new(
                "entities",
                format!("第 {} 行应写成“类别: 内容”，如“电话: 13800138000”", n + 1),
                format!(
                    "line {} must read 'kind: value', e.g. 'phone: 13800138000'",
                    n + 1
                ),
            ));
            continue;
        };
        let Some(kind) = kind_by_name(k.trim()) else {
            errs.push(FieldError::new(
                "entities",
                format!("第 {} 行：未知的类别“{}”（可用：船舶MMSI、船名、姓名、身份证、护照、电话、车牌、地点、企业）", n + 1, k.trim()),
                format!("line {}: unknown kind '{}' (mmsi, vessel, person, id_card, passport, phone, plate, place, company)", n + 1, k.trim()),
            ));
            continue;
        };
        match normalise(kind, v) {
            Ok(e) => {
                if !out.iter().any(|x| x.kind == e.kind && x.normal == e.normal) {
                    out.push(e)
                }
            }
            Err(e) => errs.push(FieldError::new(
                "entities",
                format!("第 {} 行：{}", n + 1, e.zh),
                format!("line {}: {}", n + 1, e.en),
            )),
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

/// An entity kind by its code or a common Chinese or English name.
pub fn kind_by_name(s: &str) -> Option<EntityKind> {
    let l = s.to_lowercase();
    EntityKind::parse(&l).or(match l.as_str() {
        "船舶mmsi" | "船舶 mmsi" | "mmsi号" | "水上移动业务标识" => {
            Some(EntityKind::Mmsi)
        }
        "船名" | "船号" | "船舶" | "船名/船号" | "船舷号" | "ship" | "boat" => {
            Some(EntityKind::Vessel)
        }
        "姓名" | "人员" | "人员姓名" | "name" => Some(EntityKind::Person),
        "身份证" | "身份证号" | "id" | "id card" => Some(EntityKind::IdCard),
        "护照" | "护照号" => Some(EntityKind::Passport),
        "电话" | "手机" | "手机号" | "联系电话" | "tel" | "mobile" => {
            Some(EntityKind::Phone)
        }
        "车牌" | "车牌号" | "车辆" | "vehicle" => Some(EntityKind::Plate),
        "地点" | "位置" | "地址" | "location" => Some(EntityKind::Place),
        "企业" | "公司" | "单位" => Some(EntityKind::Company),
        _ => None,
    })
}

/// Why two clues are linked: one shared key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkReason {
    pub kind: EntityKind,
    /// The shared normal form or variant.
    pub value: String,
    pub exact: bool,
}

impl LinkReason {
    /// Reads a reason back from an index key (`kind:value` or `kind~value`).
    pub fn from_key(key: &str) -> Option<LinkReason> {
        let i = key.find([':', '~'])?;
        Some(LinkReason {
            kind: EntityKind::parse(&key[..i])?,
            value: key[i + 1..].to_string(),
            exact: key[i..].starts_with(':'),
        })
    }

    pub fn describe(&self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::Zh => format!(
                "{} {}（{}）",
                self.kind.zh(),
                self.value,
                if self.exact {
                    "精确匹配"
                } else {
                    "模糊匹配"
                }
            ),
            crate::Lang::En => format!(
                "{} {} ({})",
                self.kind.en(),
                self.value,
                if self.exact { "exact" } else { "fuzzy" }
            ),
        }
    }
}

/// A new clue is linked to at most this many of the newest clues holding
/// one key: the earlier holders were linked to each other as they came, so
/// the newest few keep the whole cluster connected (the graph walks it),
/// and an officer is not handed fifty suggestions for one phone number.
pub const LINKS_PER_KEY: usize = 20;

/// The linking rule: given the keys of a new clue and, per key, the clues
/// already holding it, the link suggestions — one per other clue, with
/// every shared key as a reason, exact reasons first. Keys held by more
/// than `hub_limit` clues are skipped: a key that common (a port's name)
/// says nothing about two clues belonging together, and following it would
/// make linking cost grow with the data.
pub fn suggest_links(hits: &[(String, Vec<i64>)], hub_limit: usize) -> Vec<(i64, Vec<LinkReason>)> {
    let mut out: Vec<(i64, Vec<LinkReason>)> = Vec::new();
    for (key, clues) in hits {
        if clues.len() > hub_limit {
            continue;
        }
        let Some(reason) = LinkReason::from_key(key) else {
            continue;
        };
        for c in clues {
            match out.iter_mut().find(|(id, _)| id == c) {
                Some((_, reasons)) => {
                    if !reasons.contains(&reason) {
                        reasons.push(reason.clone())
                    }
                }
                None => out.push((*c, vec![reason.clone()])),
            }
        }
    }
    for (_, reasons) in &mut out {
        reasons.sort_by_key(|r| (!r.exact, r.kind));
    }
    out.sort_by_key(|(id, _)| *id);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        let table = [
            ("13800138000", Some("13800138000")),
            ("138 0013 8000", Some("13800138000")),
            ("138-0013-8000", Some("13800138000")),
            ("+86 138 0013 8000", Some("13800138000")),
            ("+86-13800138000", Some("13800138000")),
            ("0086 13800138000", Some("13800138000")),
            ("8613800138000", Some("13800138000")),
            ("１３８００１３８０００", Some("13800138000")),
            ("（0574）8678 1234", Some("057486781234")),
            ("0574-86781234", Some("057486781234")),
            ("86781234", Some("86781234")),
            ("12345", None),
            ("138001380001234", None),
            ("call me", None),
        ];
        for (input, want) in table {
            assert_eq!(normalise_phone(input).ok().as_deref(), want, "{input}");
        }
    }

    #[test]
    fn id_cards() {
        // 11010519491231002X is the standard's worked example.
        let table = [
            ("11010519491231002X", Some("11010519491231002X"), false),
            ("11010519491231002x", Some("11010519491231002X"), false),
            ("110105 19491231 002X", Some("11010519491231002X"), false),
            (
                "１１０１０５１９４９１２３１００２Ｘ",
                Some("11010519491231002X"),
                false,
            ),
            ("110105491231002", Some("11010519491231002X"), false),
            ("110105194912310021", Some("110105194912310021"), true),
            ("11010519491231002", None, false),
            ("1101051949123100XX", None, false),
        ];
        for (input, want, warned) in table {
            let got = normalise_id_card(input).ok();
            assert_eq!(got.as_ref().map(|g| g.0.as_str()), want, "{input}");
            if let Some((_, w)) = got {
                assert_eq!(w.is_some(), warned, "{input} warning");
            }
        }
    }

    #[test]
    fn plates() {
        let table = [
            ("浙B12345", Some("浙B12345")),
            ("浙B·12345", Some("浙B12345")),
            ("浙 b-12345", Some("浙B12345")),
            ("浙Ｂ１２３４５", Some("浙B12345")),
            ("浙BD12345", Some("浙BD12345")),
            ("浙B1234挂", Some("浙B1234挂")),
            ("B12345", None),
            ("浙B123", None),
        ];
        for (input, want) in table {
            assert_eq!(normalise_plate(input).ok().as_deref(), want, "{input}");
        }
    }

    #[test]
    fn vessels_and_hull_numbers() {
        let table: &[(&str, &str, &[&str])] = &[
            ("浙象渔05123", "浙象渔5123", &["象渔5123"]),
            ("浙象渔5123号", "浙象渔5123", &["象渔5123"]),
            ("浙象渔 05123", "浙象渔5123", &["象渔5123"]),
            ("浙象渔-05123", "浙象渔5123", &["象渔5123"]),
            ("象渔05123", "象渔5123", &["象渔5123"]),
            ("浙甬渔１００８６", "浙甬渔10086", &["甬渔10086"]),
            ("ocean star", "OCEANSTAR", &[]),
        ];
        for (input, normal, fuzzy) in table {
            let (n, f) = normalise_vessel(input).unwrap();
            assert_eq!(&n, normal, "{input}");
            assert_eq!(&f, fuzzy, "{input}");
        }
        assert_eq!(normalise_mmsi("412 345 678").unwrap(), "412345678");
        assert_eq!(normalise_mmsi("MMSI: 412345678").unwrap(), "412345678");
        assert!(normalise_mmsi("41234567").is_err());
    }

    #[test]
    fn names_in_characters_and_pinyin() {
        let table: &[(&str, &str, &[&str])] = &[
            ("张伟", "张伟", &["zhangwei"]),
            ("张 伟", "张伟", &["zhangwei"]),
            ("ZHANG Wei", "zhangwei", &["zhangwei", "weizhang"]),
            ("Zhang, Wei", "zhangwei", &["zhangwei", "weizhang"]),
            ("Wei Zhang", "weizhang", &["weizhang", "zhangwei"]),
            ("zhangwei", "zhangwei", &["zhangwei"]),
            ("单小明", "单小明", &["shanxiaoming"]),
            ("曾强", "曾强", &["zengqiang"]),
            ("阿不都·热合曼", "阿不都热合曼", &["abudurehoman"]),
            ("吕蒙", "吕蒙", &["lvmeng"]),
        ];
        for (input, normal, fuzzy) in table {
            let (n, f) = normalise_person(input).unwrap();
            assert_eq!(&n, normal, "{input}");
            if *input != "阿不都·热合曼" {
                assert_eq!(&f, fuzzy, "{input}");
            } else {
                assert_eq!(f.len(), 1, "{input}");
            }
        }
        assert!(normalise_person("张伟123").is_err());
        // The pinyin of the Chinese name meets the passport spelling.
        let zh = normalise(EntityKind::Person, "张伟").unwrap();
        let en = normalise(EntityKind::Person, "WEI ZHANG").unwrap();
        let zh_keys: Vec<String> = zh.keys().into_iter().map(|k| k.0).collect();
        assert!(en
            .keys()
            .iter()
            .any(|(k, exact)| !exact && zh_keys.contains(k)));
    }

    #[test]
    fn companies_and_places() {
        let (n, f) = normalise_company("宁波某某贸易有限公司").unwrap();
        assert_eq!(
            (n.as_str(), f[0].as_str()),
            ("宁波某某贸易有限公司", "宁波某某贸易")
        );
        let (_, f2) = normalise_company("宁波某某贸易（有限）公司").unwrap();
        assert_eq!(f2[0], "宁波某某贸易", "brackets around the legal form go");
        let (_, f3) = normalise_company("宁波某某贸易公司").unwrap();
        assert_eq!(f3[0], "宁波某某贸易");
        assert_eq!(
            normalise_place("梅山岛 东侧岙口").unwrap(),
            "梅山岛东侧岙口"
        );
        assert_eq!(half_width("ＡＢＣ　１２３！"), "ABC 123!");
    }

    #[test]
    fn entity_lines() {
        let ok = parse_entity_lines(
            "电话: +86 138 0013 8000\nmmsi：412345678\n\n姓名: 张伟\n手机: 13800138000",
        )
        .unwrap();
        assert_eq!(ok.len(), 3, "duplicates after normalisation are dropped");
        assert_eq!(ok[0].exact_key(), "phone:13800138000");
        let errs = parse_entity_lines("电话 138\n星座: 天蝎\n电话: 12").unwrap_err();
        assert_eq!(errs.len(), 3);
        assert!(errs[1].zh.contains("第 2 行"));
    }

    #[test]
    fn links_name_every_shared_key_and_skip_hubs() {
        let hits = vec![
            ("mmsi:412345678".to_string(), vec![3, 5]),
            ("person~zhangwei".to_string(), vec![5]),
            ("place:北仑港".to_string(), (100..200).collect()),
        ];
        let links = suggest_links(&hits, 50);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].0, 3);
        assert_eq!(links[1].0, 5);
        assert_eq!(links[1].1.len(), 2);
        assert!(links[1].1[0].exact && !links[1].1[1].exact);
        assert_eq!(
            links[1].1[1].describe(crate::Lang::Zh),
            "人员姓名 zhangwei（模糊匹配）"
        );
    }
}
