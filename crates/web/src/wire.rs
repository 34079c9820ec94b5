//! Reading what programs send: JSON bodies and query strings, answered in our error shape (Korean)
//! when they cannot be read. Forms send every field as text and scripts send numbers where numbers
//! are meant; both arrive in the use cases as the text of each field.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::AppError;

/// A JSON body. A number or a boolean given for a field is taken as its text (`"version": 3` and
/// `"version": "3"` are the same); anything else must match the field's type.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(value) = axum::Json::<Value>::from_request(req, state).await?;
        serde_json::from_value(as_text_fields(value))
            .map(ApiJson)
            .map_err(|e| AppError::invalid("body", format!("JSON의 값이 요청 형식과 맞지 않습니다: {e}")))
    }
}

/// The fields of a JSON object with numbers and booleans written as text.
fn as_text_fields(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Number(n) => Value::String(n.to_string()),
                        Value::Bool(b) => Value::String(b.to_string()),
                        other => other,
                    };
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// `axum::extract::Query`, with bad query strings answered in our error shape.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_booleans_are_taken_as_the_text_a_form_would_send() {
        let v: Value = serde_json::from_str(
            r#"{"name":"지표","target":50,"baseline":0.5,"version":2,"x":true,"rights":["read"]}"#,
        )
        .unwrap();
        let input: hanteam_domain::KpiInput = serde_json::from_value(as_text_fields(v.clone())).unwrap();
        assert_eq!((input.target.as_deref(), input.baseline.as_deref()), (Some("50"), Some("0.5")));
        assert_eq!(input.version.as_deref(), Some("2"));
        assert_eq!(as_text_fields(v)["rights"], serde_json::json!(["read"]), "lists are left as they are");
    }
}
