//! The workflow error: every way a request can fail, in terms a user can be
//! told. The server maps each variant to one HTTP status.

use jinghai_domain::{FieldError, Lang};
use jinghai_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// Not signed in, or the session ended.
    #[error("not signed in")]
    Unauthenticated,
    /// Wrong username or password (never says which).
    #[error("wrong username or password")]
    BadCredentials,
    /// Signed in, but the role does not allow this.
    #[error("not allowed: {en}")]
    Forbidden { zh: String, en: String },
    /// Absent, or outside the caller's scope (indistinguishable on purpose).
    #[error("not found")]
    NotFound,
    /// Input that fails validation, field by field.
    #[error("invalid input: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts, retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Anything else: a bug or the database.
    #[error(transparent)]
    Store(StoreError),
}

pub type WorkflowResult<T> = Result<T, WorkflowError>;

impl WorkflowError {
    pub fn forbidden(zh: &str, en: &str) -> WorkflowError {
        WorkflowError::Forbidden {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn invalid(e: FieldError) -> WorkflowError {
        WorkflowError::Invalid(vec![e])
    }

    /// The message to show a user, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        match self {
            WorkflowError::Unauthenticated => lang.pick("请先登录", "Please sign in").into(),
            WorkflowError::BadCredentials => lang
                .pick("用户名或密码错误", "Wrong username or password")
                .into(),
            WorkflowError::Forbidden { zh, en } => lang.pick(zh, en).into(),
            WorkflowError::NotFound => lang
                .pick("记录不存在或无权查看", "Not found, or not yours to see")
                .into(),
            WorkflowError::Invalid(errs) => errs
                .iter()
                .map(|e| e.message(lang))
                .collect::<Vec<_>>()
                .join("；"),
            WorkflowError::RateLimited { retry_after_secs } => match lang {
                Lang::Zh => format!(
                    "尝试次数过多，请 {} 分钟后再试",
                    retry_after_secs.div_ceil(60)
                ),
                Lang::En => format!(
                    "Too many attempts; try again in {} minutes",
                    retry_after_secs.div_ceil(60)
                ),
            },
            WorkflowError::Store(_) => lang
                .pick(
                    "系统内部错误，请稍后再试",
                    "Internal error; please try again later",
                )
                .into(),
        }
    }
}

impl From<StoreError> for WorkflowError {
    fn from(e: StoreError) -> WorkflowError {
        match e {
            StoreError::NotFound => WorkflowError::NotFound,
            other => WorkflowError::Store(other),
        }
    }
}
