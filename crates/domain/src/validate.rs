//! Field validation errors that carry their message in both UI languages, so
//! the server can answer in the user's language without a lookup table of
//! error codes drifting from the checks that raise them.

use serde::Serialize;

/// The two UI languages. Chinese is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Parses `zh`/`en` (and `zh-CN`, `en-US` …); anything else is Chinese.
    pub fn parse(s: &str) -> Lang {
        if s.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
    /// Picks the string for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// One invalid field: which field, and why, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {en}")]
pub struct FieldError {
    pub field: String,
    pub zh: String,
    pub en: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
    /// The common "required" error.
    pub fn required(field: &str) -> Self {
        FieldError::new(
            field,
            format!("{field} 为必填项"),
            format!("{field} is required"),
        )
    }
}

/// Trims a required text field, refusing empty input and over-long input.
pub fn required_text(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::required(field));
    }
    if v.chars().count() > max_chars {
        return Err(FieldError::new(
            field,
            format!("{field} 不能超过 {max_chars} 个字符"),
            format!("{field} must be at most {max_chars} characters"),
        ));
    }
    Ok(v.to_string())
}
