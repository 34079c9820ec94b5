//! The request as every page handler needs it: who is asking, where they are (for "sign in and
//! come back here") and the request id (quoted on a server error page).

use std::convert::Infallible;

use axum::extract::{FromRef, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use hanteam_app::Caller;
use hanteam_domain::access::Principal;

use crate::auth::Viewer;
use crate::site::Operator;

pub(crate) struct Ctx {
    pub viewer: Viewer,
    /// Who runs the site, for the footer.
    pub operator: Operator,
    /// Path and query of this request.
    pub here: String,
    pub request_id: Option<String>,
    /// The signed-in person's unread notifications (the bell), up to the cap; `None` when they have
    /// none to have (the public) or it could not be read.
    pub unread: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx
where
    crate::AppState: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        let uri = parts.extensions.get::<OriginalUri>().map_or(&parts.uri, |o| &o.0);
        let mut cx = Ctx::new(viewer, uri, &parts.headers);
        if let Some(operator) = parts.extensions.get::<Operator>() {
            cx.operator = operator.clone();
        }
        if cx.viewer.account.is_some() {
            // One read of the unread index per page; a failure leaves the bell without a count.
            let db = crate::AppState::from_ref(state).db;
            cx.unread = hanteam_app::notify::unread_count(&db, cx.by()).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "unread notifications not counted");
                None
            });
        }
        Ok(cx)
    }
}

impl Ctx {
    pub fn new(viewer: Viewer, uri: &Uri, headers: &HeaderMap) -> Ctx {
        let here = uri.path_and_query().map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string());
        let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
        Ctx { viewer, here, request_id, operator: Operator::default(), unread: None }
    }

    /// Who the use cases act for.
    pub fn by(&self) -> &Caller {
        &self.viewer.caller
    }

    pub fn principal(&self) -> Option<&Principal> {
        self.viewer.principal()
    }

    /// The session's CSRF token for the hidden field of a POST form.
    pub fn csrf(&self) -> String {
        self.viewer.csrf_token().unwrap_or_default().to_string()
    }

    pub fn path(&self) -> &str {
        self.here.split('?').next().unwrap_or("/")
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use hanteam_app::{Caller, Credential};
    use hanteam_domain::access::{Grant, Principal};
    use hanteam_domain::{SessionId, UserId};

    use super::Ctx;
    use crate::auth::{Account, Viewer};

    /// A request of the public, on `here`.
    pub(crate) fn public(here: &str) -> Ctx {
        Ctx {
            viewer: Viewer::anonymous(None, false),
            here: here.into(),
            request_id: None,
            operator: crate::site::Operator::default(),
            unread: None,
        }
    }

    /// A request of a signed-in person with `grants`, on `here`; the session's CSRF token is "tok".
    pub(crate) fn signed_in(here: &str, grants: Vec<Grant>) -> Ctx {
        let id = UserId::new(7);
        let principal = Principal::person(id, grants, None);
        let viewer = Viewer {
            caller: Caller::person(principal, "kim", Credential::Session(SessionId::new(1)), None),
            account: Some(Account {
                id,
                login: "kim".into(),
                display_name: "김한팀".into(),
                must_change_password: false,
            }),
            csrf_token: Some("tok".into()),
            https: false,
        };
        Ctx { viewer, here: here.into(), request_id: None, operator: crate::site::Operator::default(), unread: Some(3) }
    }
}
