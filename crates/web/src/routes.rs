//! Every route of the application with who may call it. The page router is built from this table
//! (`pages::router`), the API's OpenAPI document must list exactly its API rows (a test), and every
//! request is checked against it (`gate`): a route that is not listed here is refused to everyone.
//! The authorization matrix test walks this table.
//!
//! The rule here is the first gate; record-level rules (an agency officer writes only its own
//! agency's parts) are checked by the handlers through `hanteam_domain::access`.

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use hanteam_domain::access::Right;

use crate::auth::session::Viewer;
use crate::error::AppError;

/// Who may call a route at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (what they see may still depend on who they are).
    Public,
    /// Any signed-in person.
    SignedIn,
    /// A signed-in person holding this right (through a role, and the token if one is used).
    Right(Right),
}

macro_rules! endpoints {
    ($($name:ident => $method:ident $path:literal, $access:expr;)*) => {
        /// Every route of hanteam.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Endpoint { $($name),* }

        impl Endpoint {
            pub const ALL: &'static [Endpoint] = &[$(Endpoint::$name),*];

            pub fn method(self) -> Method {
                match self { $(Endpoint::$name => Method::$method),* }
            }

            /// The path as the router declares it (`{id}` for parameters).
            pub fn path(self) -> &'static str {
                match self { $(Endpoint::$name => $path),* }
            }

            pub fn access(self) -> Access {
                use Access::*;
                use hanteam_domain::access::Right::*;
                match self { $(Endpoint::$name => $access),* }
            }
        }
    };
}

endpoints! {
    // Published views: pages
    PageHome => GET "/", Public;
    PageTasks => GET "/tasks", Public;
    PageTask => GET "/tasks/{id}", Public;
    PagePairs => GET "/pairs", Public;
    PageAgencies => GET "/agencies", Public;
    PageAgency => GET "/agencies/{id}", Public;
    PageMeetings => GET "/meetings", Public;
    PageMeeting => GET "/meetings/{id}", Public;
    StaticKrds => GET "/static/krds/{*path}", Public;
    StaticOwn => GET "/static/{file}", Public;
    // Signing in and one's own account
    SignInForm => GET "/sign-in", Public;
    SignIn => POST "/sign-in", Public;
    SignOut => POST "/sign-out", SignedIn;
    AccountPage => GET "/account", SignedIn;
    PasswordChange => POST "/account/password", SignedIn;
    TokenCreate => POST "/account/tokens", SignedIn;
    TokenRevoke => POST "/account/tokens/{id}/revoke", SignedIn;
    // Audit
    AuditPage => GET "/audit", Right(Audit);
    // Task writes: forms
    TaskNewForm => GET "/tasks/new", Right(Write);
    TaskCreate => POST "/tasks", Right(Write);
    TaskEditForm => GET "/tasks/{id}/edit", Right(Write);
    TaskEdit => POST "/tasks/{id}/edit", Right(Write);
    TaskArchiveForm => GET "/tasks/{id}/archive", Right(Write);
    TaskArchive => POST "/tasks/{id}/archive", Right(Write);
    RoleEditForm => GET "/tasks/{id}/roles/{agency_id}", Right(Write);
    RoleEdit => POST "/tasks/{id}/roles/{agency_id}", Right(Write);
    KpiNewForm => GET "/tasks/{id}/kpis/new", Right(Write);
    KpiCreate => POST "/tasks/{id}/kpis", Right(Write);
    KpiEditForm => GET "/kpis/{id}/edit", Right(Write);
    KpiEdit => POST "/kpis/{id}/edit", Right(Write);
    KpiRemoveForm => GET "/kpis/{id}/remove", Right(Write);
    KpiRemove => POST "/kpis/{id}/remove", Right(Write);
    MilestoneNewForm => GET "/tasks/{id}/milestones/new", Right(Write);
    MilestoneCreate => POST "/tasks/{id}/milestones", Right(Write);
    MilestoneEditForm => GET "/milestones/{id}/edit", Right(Write);
    MilestoneEdit => POST "/milestones/{id}/edit", Right(Write);
    MilestoneRemoveForm => GET "/milestones/{id}/remove", Right(Write);
    MilestoneRemove => POST "/milestones/{id}/remove", Right(Write);
    // Registry writes: forms
    AgencyEditForm => GET "/agencies/{id}/edit", Right(Admin);
    AgencyEdit => POST "/agencies/{id}/edit", Right(Admin);
    PositionEditForm => GET "/positions/{id}/edit", Right(Admin);
    PositionEdit => POST "/positions/{id}/edit", Right(Admin);
    PairEditForm => GET "/pairs/{id}/edit", Right(Admin);
    PairEdit => POST "/pairs/{id}/edit", Right(Admin);
    ExchangeeEditForm => GET "/exchangees/{id}/edit", Right(Admin);
    ExchangeeEdit => POST "/exchangees/{id}/edit", Right(Admin);
    // JSON API
    Healthz => GET "/healthz", Public;
    ApiOpenApi => GET "/api/v1/openapi.json", Public;
    ApiOverview => GET "/api/v1/overview", Public;
    ApiAgencies => GET "/api/v1/agencies", Public;
    ApiAgency => GET "/api/v1/agencies/{id}", Public;
    ApiAgencyUpdate => PUT "/api/v1/agencies/{id}", Right(Admin);
    ApiPairs => GET "/api/v1/exchange-pairs", Public;
    ApiPairUpdate => PUT "/api/v1/exchange-pairs/{id}", Right(Admin);
    ApiPositionUpdate => PUT "/api/v1/positions/{id}", Right(Admin);
    ApiExchangeeUpdate => PUT "/api/v1/exchangees/{id}", Right(Admin);
    ApiTasks => GET "/api/v1/tasks", Public;
    ApiTaskCreate => POST "/api/v1/tasks", Right(Write);
    ApiTask => GET "/api/v1/tasks/{id}", Public;
    ApiTaskUpdate => PUT "/api/v1/tasks/{id}", Right(Write);
    ApiTaskArchive => POST "/api/v1/tasks/{id}/archive", Right(Write);
    ApiRoleUpdate => PUT "/api/v1/tasks/{id}/agencies/{agency_id}", Right(Write);
    ApiKpiCreate => POST "/api/v1/tasks/{id}/kpis", Right(Write);
    ApiKpiUpdate => PUT "/api/v1/kpis/{id}", Right(Write);
    ApiKpiRemove => DELETE "/api/v1/kpis/{id}", Right(Write);
    ApiMilestoneCreate => POST "/api/v1/tasks/{id}/milestones", Right(Write);
    ApiMilestoneUpdate => PUT "/api/v1/milestones/{id}", Right(Write);
    ApiMilestoneRemove => DELETE "/api/v1/milestones/{id}", Right(Write);
    ApiMeetings => GET "/api/v1/meetings", Public;
    ApiMeeting => GET "/api/v1/meetings/{id}", Public;
    ApiMe => GET "/api/v1/me", SignedIn;
    ApiTokens => GET "/api/v1/tokens", SignedIn;
    ApiTokenCreate => POST "/api/v1/tokens", SignedIn;
    ApiTokenRevoke => DELETE "/api/v1/tokens/{id}", SignedIn;
    ApiAudit => GET "/api/v1/audit", Right(Audit);
}

impl Endpoint {
    pub fn find(method: &Method, path: &str) -> Option<Endpoint> {
        Endpoint::ALL.iter().copied().find(|e| e.method() == *method && e.path() == path)
    }

    /// Whether the route answers in JSON (and so gets JSON errors rather than pages).
    pub fn is_api(self) -> bool {
        self.path().starts_with("/api/") || self == Endpoint::Healthz
    }

    /// What a person who must still change an initial password may do.
    fn allowed_before_password_change(self) -> bool {
        matches!(
            self,
            Endpoint::SignInForm
                | Endpoint::SignIn
                | Endpoint::SignOut
                | Endpoint::AccountPage
                | Endpoint::PasswordChange
                | Endpoint::StaticKrds
                | Endpoint::StaticOwn
                | Endpoint::Healthz
                | Endpoint::ApiOpenApi
                | Endpoint::ApiMe
        )
    }
}

/// Middleware after routing: refuses a request its endpoint's rule does not allow.
pub async fn gate(matched: Option<MatchedPath>, viewer: Viewer, req: Request, next: Next) -> Response {
    // No matched route: the fallback answers 404 (or 405 for a known path with another method).
    let Some(matched) = matched else { return next.run(req).await };
    let Some(endpoint) = Endpoint::find(req.method(), matched.as_str()) else {
        if req.method() == Method::HEAD {
            if let Some(get) = Endpoint::find(&Method::GET, matched.as_str()) {
                return check(get, &viewer, req, next).await;
            }
        }
        tracing::error!(method = %req.method(), route = matched.as_str(), "route without an access rule refused");
        return AppError::Forbidden("이 주소에는 접근 규칙이 없어 누구도 쓸 수 없습니다.".into()).into_response();
    };
    check(endpoint, &viewer, req, next).await
}

async fn check(endpoint: Endpoint, viewer: &Viewer, req: Request, next: Next) -> Response {
    let refusal = match (endpoint.access(), viewer.principal()) {
        (Access::Public, _) => None,
        (_, None) => Some(AppError::Unauthenticated("로그인이 필요합니다. 먼저 로그인해 주세요.".into())),
        (Access::SignedIn, Some(_)) => None,
        (Access::Right(right), Some(p)) => (!p.has_right(right)).then(AppError::forbidden),
    };
    let must_change = viewer.account.as_ref().is_some_and(|a| a.must_change_password);
    let refusal = refusal.or_else(|| {
        (must_change && !endpoint.allowed_before_password_change()).then(|| {
            AppError::Forbidden(
                "처음 받은 비밀번호를 바꾼 뒤에 쓸 수 있습니다. 내 정보 화면에서 비밀번호를 바꿔 주세요.".into(),
            )
        })
    });
    let Some(refusal) = refusal else { return next.run(req).await };
    if endpoint.is_api() {
        return refusal.into_response();
    }
    match refusal {
        AppError::Unauthenticated(_) => {
            let back = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = format!("/sign-in?next={}", urlencode(back));
            Redirect::to(&target).into_response()
        }
        AppError::Forbidden(_) if must_change => Redirect::to("/account?password=required").into_response(),
        other => crate::pages::error_response(other, viewer, req.uri(), req.headers()),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A sign-in redirect target must be a path of this site, never another origin.
/// Browsers drop tabs and newlines from URLs and treat a backslash as `/`, so `/\t/evil.example` would
/// leave the site: any of those anywhere refuses the target.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for e in Endpoint::ALL {
            assert!(seen.insert((e.method(), e.path())), "{e:?} is listed twice");
        }
    }

    #[test]
    fn only_reads_are_public() {
        for e in Endpoint::ALL {
            if e.access() == Access::Public && *e != Endpoint::SignIn {
                assert_eq!(e.method(), Method::GET, "{e:?} changes state but is public");
            }
        }
    }

    /// A route nobody wrote a rule for is refused, even to the public, even for a GET.
    #[tokio::test]
    async fn a_route_without_a_rule_is_refused_to_everyone() {
        use axum::body::Body;
        use axum::routing::get;
        use tower::ServiceExt;
        let app = axum::Router::new()
            .route("/unlisted", get(|| async { "secret" }))
            .route("/", get(|| async { "home" }))
            .route_layer(axum::middleware::from_fn(gate));
        let unlisted = app.clone().oneshot(Request::get("/unlisted").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(unlisted.status(), axum::http::StatusCode::FORBIDDEN);
        let listed = app.oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(listed.status(), axum::http::StatusCode::OK);
    }

    #[test]
    fn sign_in_returns_only_to_this_site() {
        assert_eq!(safe_next(Some("/tasks/1")), "/tasks/1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/tasks?q=a b")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
