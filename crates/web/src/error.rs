//! The one place where errors become HTTP responses. The body is always
//! `{"error":{"code","message","field"}}` with a Korean message that says what to do.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hanteam_app::UseCaseError;
use hanteam_domain::korean::{with_particle, Particle};
use hanteam_domain::ValidationError;
use serde::Serialize;
use utoipa::ToSchema;

tokio::task_local! {
    /// The id of the request being answered on this task (set by the middleware), for the error
    /// bodies that name it.
    pub static CURRENT_REQUEST: String;
}

/// Request bodies above this are refused with 413 before a handler sees them.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Debug)]
pub enum AppError {
    /// One or more inputs are wrong; the first is the headline.
    Invalid(Vec<ValidationError>),
    /// Not signed in (or the token is not valid).
    Unauthenticated(String),
    /// Signed in, but this is not theirs to see or do.
    Forbidden(String),
    NotFound(String),
    /// What the record is now does not allow this (a lifecycle move from the wrong status).
    Conflict(String),
    /// The record changed since the client read it.
    Stale {
        current_version: i64,
    },
    /// Sign-in is locked for a while after repeated failures.
    Locked {
        retry_after_secs: i64,
    },
    /// The request body is over the limit.
    TooLarge,
    /// The path exists, not with this method; `allowed` is what `Allow` says.
    MethodNotAllowed {
        method: String,
        allowed: String,
    },
    Internal(String),
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: invalid_parameter, unauthenticated, forbidden, not_found, conflict, stale_version,
    /// locked, too_large, method_not_allowed, internal.
    pub code: &'static str,
    /// What went wrong and what to do, in Korean.
    pub message: String,
    /// The input at fault, where there is one.
    pub field: Option<String>,
    /// Every input at fault, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// With stale_version: the record's current version, to re-read before trying again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// The request's id (also in the X-Request-Id header): quote it when reporting a problem, as
    /// the server's log names the request by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ErrorDetail {
    fn new(code: &'static str, message: String) -> ErrorDetail {
        let request_id = CURRENT_REQUEST.try_with(Clone::clone).ok();
        ErrorDetail { code, message, field: None, errors: vec![], current_version: None, request_id }
    }
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![ValidationError::new(field, message)])
    }

    pub fn forbidden() -> AppError {
        UseCaseError::forbidden().into()
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) | AppError::Stale { .. } => StatusCode::CONFLICT,
            AppError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The errors by field, for a form to show each next to its input.
    pub fn field_errors(&self) -> &[ValidationError] {
        match self {
            AppError::Invalid(errors) => errors,
            _ => &[],
        }
    }

    pub fn detail(&self) -> ErrorDetail {
        match self {
            AppError::Invalid(errors) => {
                let first = errors.first();
                ErrorDetail {
                    field: first.map(|e| e.field.clone()),
                    errors: if errors.len() > 1 {
                        errors.iter().map(|e| FieldError { field: e.field.clone(), message: e.message.clone() }).collect()
                    } else {
                        vec![]
                    },
                    ..ErrorDetail::new(
                        "invalid_parameter",
                        first.map_or_else(|| "입력값을 확인해 주세요.".into(), |e| e.message.clone()),
                    )
                }
            }
            AppError::Unauthenticated(m) => ErrorDetail::new("unauthenticated", m.clone()),
            AppError::Forbidden(m) => ErrorDetail::new("forbidden", m.clone()),
            AppError::NotFound(what) => {
                ErrorDetail::new("not_found", format!("{} 찾을 수 없습니다. 주소나 번호를 확인해 주세요.", with_particle(what, Particle::Object)))
            }
            AppError::Conflict(m) => ErrorDetail::new("conflict", m.clone()),
            AppError::Stale { current_version } => ErrorDetail {
                current_version: Some(*current_version),
                ..ErrorDetail::new(
                    "stale_version",
                    format!(
                        "다른 사람이 먼저 고쳤습니다 (현재 버전 {current_version}). 바뀐 내용을 확인한 뒤 다시 수정해 주세요. \
                         아무것도 저장되지 않았습니다."
                    ),
                )
            },
            AppError::Locked { retry_after_secs } => ErrorDetail::new(
                "locked",
                format!(
                    "로그인에 여러 번 실패하여 잠시 잠겼습니다. {}분 뒤에 다시 시도해 주세요.",
                    (retry_after_secs + 59) / 60
                ),
            ),
            AppError::TooLarge => ErrorDetail::new(
                "too_large",
                format!("보낸 내용이 너무 큽니다. {}KB 이하로 나누어 보내 주세요.", MAX_BODY_BYTES / 1024),
            ),
            AppError::MethodNotAllowed { method, allowed } => ErrorDetail::new(
                "method_not_allowed",
                format!("이 주소는 {method} 요청을 받지 않습니다. 받는 방식: {allowed}."),
            ),
            AppError::Internal(_) => internal_detail(None),
        }
    }
}

/// A server error says nothing of its cause; the log has it, under the same request id.
pub fn internal_detail(request_id: Option<String>) -> ErrorDetail {
    let detail = ErrorDetail::new(
        "internal",
        "서버에서 오류가 발생했습니다. 잠시 후 다시 시도하고, 계속되면 요청 번호를 담당자에게 알려 주세요.".into(),
    );
    ErrorDetail { request_id: request_id.or(detail.request_id), ..detail }
}

/// The one place a use case's outcome becomes HTTP's.
impl From<UseCaseError> for AppError {
    fn from(e: UseCaseError) -> Self {
        match e {
            UseCaseError::Invalid(errors) => AppError::Invalid(errors),
            UseCaseError::Unauthenticated(m) => AppError::Unauthenticated(m),
            UseCaseError::Forbidden(m) => AppError::Forbidden(m),
            UseCaseError::NotFound(what) => AppError::NotFound(what),
            UseCaseError::Conflict(m) => AppError::Conflict(m),
            UseCaseError::Stale { current_version } => AppError::Stale { current_version },
            UseCaseError::Locked { retry_after_secs } => AppError::Locked { retry_after_secs },
            UseCaseError::Internal(cause) => AppError::Internal(cause),
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> Self {
        AppError::Invalid(vec![e])
    }
}

impl From<Vec<ValidationError>> for AppError {
    fn from(e: Vec<ValidationError>) -> Self {
        AppError::Invalid(e)
    }
}

impl From<axum::extract::rejection::JsonRejection> for AppError {
    fn from(e: axum::extract::rejection::JsonRejection) -> Self {
        use axum::extract::rejection::JsonRejection as J;
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge;
        }
        let message = match &e {
            J::MissingJsonContentType(_) => "Content-Type: application/json 으로 JSON을 보내 주세요.".to_string(),
            J::JsonSyntaxError(_) => "JSON 형식이 올바르지 않습니다. 괄호와 따옴표를 확인해 주세요.".to_string(),
            J::JsonDataError(d) => format!("JSON의 값이 요청 형식과 맞지 않습니다: {}", d.body_text()),
            _ => "요청 본문을 읽을 수 없습니다.".to_string(),
        };
        AppError::invalid("body", message)
    }
}

impl From<axum::extract::rejection::QueryRejection> for AppError {
    fn from(_: axum::extract::rejection::QueryRejection) -> Self {
        AppError::invalid("query", "검색 조건을 읽을 수 없습니다. 같은 조건을 두 번 넣지 않았는지 확인해 주세요.")
    }
}

impl From<axum::extract::rejection::FormRejection> for AppError {
    fn from(e: axum::extract::rejection::FormRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge;
        }
        AppError::invalid("body", "입력 양식을 읽을 수 없습니다. 화면을 새로 고친 뒤 다시 보내 주세요.")
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let mut response = (self.status(), Json(ErrorBody { error: self.detail() })).into_response();
        if let AppError::Unauthenticated(_) = self {
            response
                .headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        response
    }
}
