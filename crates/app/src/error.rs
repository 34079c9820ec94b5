//! What can go wrong in a use case, in one enum. The web maps it to HTTP in one place
//! (`hanteam_web::error`), the command line to messages and exit codes in one place.

use hanteam_domain::access::Denied;
use hanteam_domain::korean::{with_particle, Particle};
use hanteam_domain::ValidationError;
use hanteam_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum UseCaseError {
    /// One or more inputs are wrong; the first is the headline. Nothing was written.
    #[error("{}", .0.first().map_or("입력값을 확인해 주세요.", |e| e.message.as_str()))]
    Invalid(Vec<ValidationError>),
    /// Nobody is signed in (or the credential is not valid).
    #[error("{0}")]
    Unauthenticated(String),
    /// Signed in, but this is not theirs to see or do.
    #[error("{0}")]
    Forbidden(String),
    /// What was not found, in Korean ("3번 과제"); a record the caller may not see is not found
    /// either, so its existence is not disclosed.
    #[error("{} 찾을 수 없습니다.", with_particle(.0, Particle::Object))]
    NotFound(String),
    /// What the record is now does not allow this (a lifecycle move from the wrong status); the
    /// message says what is possible instead. Nothing was written.
    #[error("{0}")]
    Conflict(String),
    /// The record changed since the caller read it; nothing was written.
    #[error("다른 사람이 먼저 고쳤습니다 (현재 버전 {current_version}).")]
    Stale { current_version: i64 },
    /// Sign-in is locked for a while after repeated failures.
    #[error("로그인에 여러 번 실패하여 잠시 잠겼습니다.")]
    Locked { retry_after_secs: i64 },
    /// Something failed that the caller cannot mend (the database, the password hasher): the cause
    /// is for the log, never for the caller.
    #[error("{0}")]
    Internal(String),
}

impl UseCaseError {
    pub fn invalid(field: &str, message: impl Into<String>) -> UseCaseError {
        UseCaseError::Invalid(vec![ValidationError::new(field, message)])
    }

    pub fn forbidden() -> UseCaseError {
        Denied::NotAllowed.into()
    }

    pub fn unauthenticated() -> UseCaseError {
        UseCaseError::Unauthenticated("로그인이 필요합니다. 먼저 로그인해 주세요.".into())
    }

    /// The field errors, for a form to show each next to its input.
    pub fn field_errors(&self) -> &[ValidationError] {
        match self {
            UseCaseError::Invalid(errors) => errors,
            _ => &[],
        }
    }
}

impl From<StoreError> for UseCaseError {
    fn from(e: StoreError) -> Self {
        UseCaseError::Internal(e.to_string())
    }
}

impl From<ValidationError> for UseCaseError {
    fn from(e: ValidationError) -> Self {
        UseCaseError::Invalid(vec![e])
    }
}

impl From<Vec<ValidationError>> for UseCaseError {
    fn from(e: Vec<ValidationError>) -> Self {
        UseCaseError::Invalid(e)
    }
}

impl From<Denied> for UseCaseError {
    fn from(d: Denied) -> Self {
        UseCaseError::Forbidden(d.to_string())
    }
}
