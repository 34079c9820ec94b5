//! Reading what programs send: JSON bodies and query strings, answered in our error shape (Korean)
//! when they cannot be read. Forms send every field as text and scripts send numbers where numbers
//! are meant; both arrive in the use cases as the text of each field.

use axum::extract::{FromRequest, Request};
use axum::http::Method;
use hanteam_domain::ValidationError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::AppError;

/// A JSON body. A number or a boolean given for a field is taken as its text (`"version": 3` and
/// `"version": "3"` are the same); anything else must match the field's type. A field the request
/// does not know is refused, naming it, so that a misspelt field is not silently a no-op; and a `PUT`
/// replaces the whole record, so it must give every field (`null` clears one) — a field left out would
/// otherwise be cleared without anyone having asked.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Serialize + Default, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let whole = req.method() == Method::PUT;
        let axum::Json(value) = axum::Json::<Value>::from_request(req, state).await?;
        check_fields::<T>(&value, whole)?;
        serde_json::from_value(as_text_fields(value))
            .map(ApiJson)
            .map_err(|e| AppError::invalid("body", format!("JSON의 값이 요청 형식과 맞지 않습니다: {e}")))
    }
}

/// The fields `T` reads, by the names its JSON uses.
fn known_fields<T: Serialize + Default>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(Value::Object(fields)) => fields.into_iter().map(|(k, _)| k).collect(),
        _ => Vec::new(),
    }
}

fn check_fields<T: Serialize + Default>(value: &Value, whole: bool) -> Result<(), AppError> {
    let Value::Object(given) = value else {
        return Err(AppError::invalid("body", "JSON 객체({ … })를 보내 주세요."));
    };
    let known = known_fields::<T>();
    let mut errors: Vec<ValidationError> = given
        .keys()
        .filter(|k| !known.contains(k))
        .map(|k| {
            ValidationError::new(
                k.as_str(),
                format!("모르는 필드입니다: {k}. 보낼 수 있는 필드는 {}입니다.", known.join(", ")),
            )
        })
        .collect();
    if whole {
        errors.extend(known.iter().filter(|k| !given.contains_key(*k)).map(|k| {
            ValidationError::new(
                k.as_str(),
                format!("PUT은 기록 전체를 바꾸므로 모든 필드를 보내야 합니다. {k} 필드가 빠졌습니다 (비우려면 null)."),
            )
        }));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
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

    #[test]
    fn an_unknown_field_is_named_and_a_put_needs_every_field() {
        use hanteam_domain::KpiInput;
        let typo = serde_json::json!({"name": "지표", "targte": "50"});
        let AppError::Invalid(e) = check_fields::<KpiInput>(&typo, false).unwrap_err() else { panic!() };
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "targte");
        assert!(e[0].message.contains("target"), "{}", e[0].message);
        let partial = serde_json::json!({"name": "지표", "version": "2"});
        assert!(check_fields::<KpiInput>(&partial, false).is_ok(), "a POST may leave fields out");
        let AppError::Invalid(e) = check_fields::<KpiInput>(&partial, true).unwrap_err() else { panic!() };
        assert!(e.iter().any(|e| e.field == "target") && !e.iter().any(|e| e.field == "name"), "{e:?}");
        let mut whole = serde_json::to_value(KpiInput::default()).unwrap();
        whole["name"] = "지표".into();
        assert!(check_fields::<KpiInput>(&whole, true).is_ok());
    }
}
