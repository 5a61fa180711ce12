//! The one error type of the server: every handler returns
//! `Result<_, ApiError>`, and this file alone decides the HTTP status and
//! body (JSON for `/api/…`, an HTML page otherwise), in the user's language.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jinghai_domain::Lang;
use jinghai_workflow::WorkflowError;
use serde_json::json;

/// How the client wants errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Json,
    Html,
}

#[derive(Debug)]
pub struct ApiError {
    pub error: WorkflowError,
    pub lang: Lang,
    pub flavor: Flavor,
}

impl ApiError {
    pub fn new(error: WorkflowError, lang: Lang, flavor: Flavor) -> ApiError {
        ApiError {
            error,
            lang,
            flavor,
        }
    }

    /// A CSRF token was missing or wrong.
    pub fn csrf(lang: Lang, flavor: Flavor) -> ApiError {
        ApiError::new(
            WorkflowError::forbidden(
                "页面已过期或请求来源不可信，请刷新页面后重试",
                "missing or wrong CSRF token; reload the page and try again",
            ),
            lang,
            flavor,
        )
    }

    /// A malformed request body, with the parser's words about which field.
    pub fn bad_body(lang: Lang, flavor: Flavor, detail: String) -> ApiError {
        let field = detail
            .split('`')
            .nth(1)
            .map(str::to_string)
            .unwrap_or_else(|| "body".to_string());
        let e = jinghai_domain::FieldError::new(
            field,
            format!("请求格式错误：{detail}"),
            format!("malformed request: {detail}"),
        );
        ApiError::new(WorkflowError::Invalid(vec![e]), lang, flavor)
    }

    pub fn status(&self) -> StatusCode {
        match &self.error {
            WorkflowError::Unauthenticated | WorkflowError::BadCredentials => {
                StatusCode::UNAUTHORIZED
            }
            WorkflowError::Forbidden { .. } => StatusCode::FORBIDDEN,
            WorkflowError::NotFound => StatusCode::NOT_FOUND,
            WorkflowError::Invalid(_) => StatusCode::BAD_REQUEST,
            WorkflowError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            WorkflowError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match &self.error {
            WorkflowError::Unauthenticated => "unauthenticated",
            WorkflowError::BadCredentials => "bad_credentials",
            WorkflowError::Forbidden { .. } => "forbidden",
            WorkflowError::NotFound => "not_found",
            WorkflowError::Invalid(_) => "invalid",
            WorkflowError::RateLimited { .. } => "rate_limited",
            WorkflowError::Store(_) => "internal",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let WorkflowError::Store(e) = &self.error {
            tracing::error!(error = %e, "request failed");
        }
        let message = self.error.user_message(self.lang);
        let mut resp = match self.flavor {
            Flavor::Html if matches!(self.error, WorkflowError::Unauthenticated) => {
                Redirect::to("/login").into_response()
            }
            Flavor::Html => (
                status,
                crate::pages::error_page(self.lang, status, &message),
            )
                .into_response(),
            Flavor::Json => {
                let fields: Vec<_> = match &self.error {
                    WorkflowError::Invalid(errs) => errs
                        .iter()
                        .map(|e| json!({"field": e.field, "message": e.message(self.lang)}))
                        .collect(),
                    _ => vec![],
                };
                (
                    status,
                    axum::Json(json!({"error": self.code(), "message": message, "fields": fields})),
                )
                    .into_response()
            }
        };
        if let WorkflowError::RateLimited { retry_after_secs } = self.error {
            if let Ok(v) = retry_after_secs.to_string().parse() {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}
