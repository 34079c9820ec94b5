//! The one place where errors become HTTP responses. The body is always
//! `{"error":{"code","message","field"}}` with a Korean message that says what to do.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hanteam_domain::ValidationError;
use hanteam_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug)]
pub enum AppError {
    Invalid(ValidationError),
    NotFound(String),
    Internal(String),
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: invalid_parameter, not_found, internal.
    pub code: &'static str,
    /// What went wrong and what to do, in Korean.
    pub message: String,
    /// The input at fault, where there is one.
    pub field: Option<String>,
    /// Quote this when reporting a server error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn detail(&self) -> ErrorDetail {
        match self {
            AppError::Invalid(v) => ErrorDetail {
                code: "invalid_parameter",
                message: v.message.clone(),
                field: Some(v.field.clone()),
                request_id: None,
            },
            AppError::NotFound(what) => ErrorDetail {
                code: "not_found",
                message: format!("{what}을(를) 찾을 수 없습니다. 주소나 번호를 확인해 주세요."),
                field: None,
                request_id: None,
            },
            AppError::Internal(_) => internal_detail(None),
        }
    }
}

/// A server error says nothing of its cause; the log has it, under the same request id.
pub fn internal_detail(request_id: Option<String>) -> ErrorDetail {
    ErrorDetail {
        code: "internal",
        message: "서버에서 오류가 발생했습니다. 잠시 후 다시 시도하고, 계속되면 요청 번호를 담당자에게 알려 주세요."
            .into(),
        field: None,
        request_id,
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> Self {
        AppError::Invalid(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        (self.status(), Json(ErrorBody { error: self.detail() })).into_response()
    }
}

/// Parses a numeric id from the path, with a Korean message instead of axum's English rejection.
pub fn parse_id(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        AppError::Invalid(ValidationError::new("id", format!("{what} 번호는 1 이상의 정수여야 합니다. (입력값: '{raw}')")))
    })
}
