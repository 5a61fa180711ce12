//! Request context: language, session and CSRF.
//!
//! - [`Lang`] comes from the `lang` cookie, else the configured default.
//! - [`Auth`] is the signed-in user; on JSON API calls that change anything
//!   it also requires the `X-CSRF-Token` header to match the session.
//! - [`SignedForm`] is a form post from a signed-in user whose `_csrf` field
//!   matches the session. Every HTML form that changes data uses it.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method};
use jinghai_domain::Lang;
use jinghai_workflow::{Ctx, WorkflowError};

use crate::error::{ApiError, Flavor};
use crate::AppState;

pub const SESSION_COOKIE: &str = "jh_session";
pub const LANG_COOKIE: &str = "lang";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Reads one cookie from the request headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

pub fn flavor_of(parts: &Parts) -> Flavor {
    if parts.uri.path().starts_with("/api/") {
        Flavor::Json
    } else {
        Flavor::Html
    }
}

pub fn lang_of(parts: &Parts, state: &AppState) -> Lang {
    cookie(parts, LANG_COOKIE)
        .map(Lang::parse)
        .unwrap_or_else(|| Lang::parse(&state.config.default_lang))
}

/// The user's language.
#[derive(Debug, Clone, Copy)]
pub struct UiLang(pub Lang);

impl FromRequestParts<AppState> for UiLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(UiLang(lang_of(parts, state)))
    }
}

/// A numeric `{id}` from the path; anything else is a 400 naming the field,
/// in the user's language.
#[derive(Debug, Clone, Copy)]
pub struct PathId(pub i64);

impl FromRequestParts<AppState> for PathId {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (lang, flavor) = (lang_of(parts, state), flavor_of(parts));
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|e| ApiError::bad_body(lang, flavor, e.body_text()))?;
        crate::api::path_id(lang, flavor, &raw).map(PathId)
    }
}

/// The signed-in user of this request.
#[derive(Debug, Clone)]
pub struct Auth {
    pub ctx: Ctx,
    pub csrf: String,
    pub token: String,
    pub lang: Lang,
    pub flavor: Flavor,
}

impl Auth {
    /// Wraps a workflow error for this request's language and flavor.
    pub fn err(&self, e: WorkflowError) -> ApiError {
        ApiError::new(e, self.lang, self.flavor)
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = lang_of(parts, state);
        let flavor = flavor_of(parts);
        let unauth = || ApiError::new(WorkflowError::Unauthenticated, lang, flavor);
        let token = cookie(parts, SESSION_COOKIE)
            .ok_or_else(unauth)?
            .to_string();
        let (ctx, csrf) = state
            .accounts
            .session(&token)
            .await
            .map_err(|e| ApiError::new(e, lang, flavor))?
            .ok_or_else(unauth)?;
        let changes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if changes && flavor == Flavor::Json {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent, &csrf) {
                return Err(ApiError::csrf(lang, flavor));
            }
        }
        Ok(Auth {
            ctx,
            csrf,
            token,
            lang,
            flavor,
        })
    }
}

/// A form post from a signed-in user, CSRF-checked. Fields are kept as
/// strings so that every field error is reported in the user's language by
/// the workflow's validation, not by a deserializer.
pub struct SignedForm {
    pub auth: Auth,
    pub fields: HashMap<String, String>,
    /// Every field in order, repeated names included (checkbox groups).
    pub pairs: Vec<(String, String)>,
}

impl SignedForm {
    /// Every value of a repeated field (a group of checkboxes).
    pub fn all(&self, k: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn get(&self, k: &str) -> &str {
        self.fields.get(k).map(String::as_str).unwrap_or("")
    }

    /// An optional id field: empty means none; anything else must be a number.
    pub fn id(&self, k: &str) -> Result<Option<i64>, ApiError> {
        let v = self.get(k).trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| {
            self.auth
                .err(WorkflowError::invalid(jinghai_domain::FieldError::new(
                    k,
                    format!("{k} 必须是数字"),
                    format!("{k} must be a number"),
                )))
        })
    }

    pub fn checked(&self, k: &str) -> bool {
        matches!(self.get(k), "on" | "true" | "1")
    }
}

impl FromRequest<AppState> for SignedForm {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let auth = Auth::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, 1 << 20)
            .await
            .map_err(|e| ApiError::bad_body(auth.lang, auth.flavor, e.to_string()))?;
        let pairs = form_urlencoded_list(&bytes);
        let fields: HashMap<String, String> = pairs.iter().cloned().collect();
        if !constant_time_eq(
            fields.get("_csrf").map(String::as_str).unwrap_or(""),
            &auth.csrf,
        ) {
            return Err(ApiError::csrf(auth.lang, auth.flavor));
        }
        Ok(SignedForm {
            auth,
            fields,
            pairs,
        })
    }
}

/// A `multipart/form-data` post (file upload) from a signed-in user,
/// CSRF-checked: text fields plus at most one file.
pub struct SignedUpload {
    pub auth: Auth,
    pub fields: HashMap<String, String>,
    /// (file name, bytes) of the `file` field, when one was chosen.
    pub file: Option<(String, Vec<u8>)>,
}

impl SignedUpload {
    pub fn get(&self, k: &str) -> &str {
        self.fields.get(k).map(String::as_str).unwrap_or("")
    }
}

impl FromRequest<AppState> for SignedUpload {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let auth = Auth::from_request_parts(&mut parts, state).await?;
        let (lang, flavor) = (auth.lang, auth.flavor);
        let req = Request::from_parts(parts, body);
        let mut mp = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_body(lang, flavor, e.body_text()))?;
        let mut fields = HashMap::new();
        let mut file = None;
        while let Some(field) = mp
            .next_field()
            .await
            .map_err(|e| ApiError::bad_body(lang, flavor, e.body_text()))?
        {
            let name = field.name().unwrap_or("").to_string();
            if name == "file" {
                let file_name = field.file_name().unwrap_or("").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| ApiError::bad_body(lang, flavor, e.body_text()))?;
                if !file_name.is_empty() || !bytes.is_empty() {
                    file = Some((file_name, bytes.to_vec()));
                }
            } else {
                let text = field
                    .text()
                    .await
                    .map_err(|e| ApiError::bad_body(lang, flavor, e.body_text()))?;
                fields.insert(name, text);
            }
        }
        if !constant_time_eq(
            fields.get("_csrf").map(String::as_str).unwrap_or(""),
            &auth.csrf,
        ) {
            return Err(ApiError::csrf(lang, flavor));
        }
        Ok(SignedUpload { auth, fields, file })
    }
}

/// Parses `application/x-www-form-urlencoded` (the last of repeated names wins).
pub fn form_urlencoded_pairs(bytes: &[u8]) -> HashMap<String, String> {
    form_urlencoded_list(bytes).into_iter().collect()
}

/// Parses `application/x-www-form-urlencoded`, keeping order and repeats.
pub fn form_urlencoded_list(bytes: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &str| -> String {
        let s = s.replace('+', " ");
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' && i + 2 < b.len() {
                let hex = |c: u8| (c as char).to_digit(16);
                if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
            }
            out.push(b[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    String::from_utf8_lossy(bytes)
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Compares secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The client address, for rate limiting: the socket peer (a reverse proxy
/// in front should be configured to be the only client).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "local".into());
        Ok(ClientAddr(addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_forms() {
        let f = form_urlencoded_pairs(b"name=%E6%A2%85%E5%B1%B1+x&_csrf=abc&empty=&bad=%zz%");
        assert_eq!(f["name"], "梅山 x");
        assert_eq!(f["_csrf"], "abc");
        assert_eq!(f["empty"], "");
        assert_eq!(f["bad"], "%zz%");
    }

    #[test]
    fn compares_tokens() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("", ""));
        assert!(!constant_time_eq("ab", "abc"));
    }
}
