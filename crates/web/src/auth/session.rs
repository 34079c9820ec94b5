//! Identifying the person behind a request: a browser session cookie or an API token. The result,
//! a [`Viewer`], is put in the request for the access gate and the handlers.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::Utc;
use hanteam_domain::access::Principal;
use hanteam_domain::account::session_is_live;
use hanteam_store::audit::Actor;

use super::secrets::{random_secret, secret_hash};
use crate::error::AppError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "hanteam_session";

/// The signed-in person, as pages show them.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub must_change_password: bool,
}

/// How the request proved who it is.
#[derive(Clone, Debug)]
pub enum Credential {
    Anonymous,
    /// A browser session; state-changing requests must carry its CSRF token.
    Session {
        id: i64,
        csrf_token: String,
    },
    /// `Authorization: Bearer …` — not sent by browsers on their own, so no CSRF token is needed.
    Token,
}

/// Who is asking: nobody (the public), or a person with their roles.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub account: Option<Account>,
    pub principal: Option<Principal>,
    pub credential: Credential,
    pub client_addr: Option<String>,
    /// The request came over HTTPS (directly or as the proxy in front says): cookies get `Secure`.
    pub https: bool,
}

impl Viewer {
    fn anonymous(client_addr: Option<String>, https: bool) -> Viewer {
        Viewer { account: None, principal: None, credential: Credential::Anonymous, client_addr, https }
    }

    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// The principal, or 401 for the public.
    pub fn require(&self) -> Result<&Principal, AppError> {
        self.principal
            .as_ref()
            .ok_or_else(|| AppError::Unauthenticated("로그인이 필요합니다. 먼저 로그인해 주세요.".into()))
    }

    /// Who to name in the audit log.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.account.as_ref().map(|a| a.id),
            label: self.account.as_ref().map_or_else(|| "anonymous".into(), |a| a.login.clone()),
            client_addr: self.client_addr.clone(),
        }
    }

    pub fn csrf_token(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session { csrf_token, .. } => Some(csrf_token),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Viewer>().cloned().unwrap_or_else(|| Viewer::anonymous(None, false)))
    }
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest address in
/// X-Forwarded-For that is not one of the trusted proxies (anyone can write that header, so it is
/// read only from them).
fn client_addr(req: &Request, trusted: &[IpAddr]) -> Option<String> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    let client = forwarded.into_iter().rev().find(|a| !trusted.contains(a)).unwrap_or(peer);
    Some(client.to_string())
}

fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}

/// Middleware: works out the [`Viewer`] of every request.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // Static files are the same for everyone: no session lookup (and no write) for each of them.
    if req.uri().path().starts_with("/static/") {
        return next.run(req).await;
    }
    let addr = client_addr(&req, &state.trusted_proxies);
    let https = is_https(req.headers());
    let viewer = match viewer_of(&state, req.headers(), addr.clone(), https).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let ended_session = matches!(viewer.credential, Credential::Anonymous)
        && CookieJar::from_headers(req.headers()).get(SESSION_COOKIE).is_some();
    let signed_in = viewer.principal.is_some();
    req.extensions_mut().insert(viewer);
    let mut response = next.run(req).await;
    if signed_in {
        // What a signed-in person sees (and a new API token) must not stay in a shared cache.
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if ended_session {
        // The cookie names a session that has ended: tell the browser to forget it.
        if let Ok(v) = HeaderValue::from_str(&removal_cookie(https).to_string()) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

async fn viewer_of(
    state: &AppState,
    headers: &HeaderMap,
    addr: Option<String>,
    https: bool,
) -> Result<Viewer, AppError> {
    let db = &state.db;
    if let Some(token) = bearer(headers) {
        let Some((user_id, rights)) = db.use_api_token(&secret_hash(token)).await? else {
            return Err(AppError::Unauthenticated(
                "API 토큰이 올바르지 않거나 폐기되었습니다. 내 정보 화면에서 새 토큰을 만들어 주세요.".into(),
            ));
        };
        let (account, grants) = account_of(state, user_id).await?;
        return Ok(Viewer {
            principal: Some(Principal { user_id, grants, token_rights: Some(rights) }),
            account: Some(account),
            credential: Credential::Token,
            client_addr: addr,
            https,
        });
    }
    let jar = CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else { return Ok(Viewer::anonymous(addr, https)) };
    let Some(session) = db.open_session(&secret_hash(cookie.value())).await? else {
        return Ok(Viewer::anonymous(addr, https));
    };
    if !session_is_live(session.created_at, session.last_seen_at, Utc::now()) {
        db.end_session(session.id).await?;
        return Ok(Viewer::anonymous(addr, https));
    }
    db.touch_session(session.id).await?;
    let (account, grants) = account_of(state, session.user_id).await?;
    Ok(Viewer {
        principal: Some(Principal { user_id: session.user_id, grants, token_rights: None }),
        account: Some(account),
        credential: Credential::Session { id: session.id, csrf_token: session.csrf_token },
        client_addr: addr,
        https,
    })
}

async fn account_of(state: &AppState, user_id: i64) -> Result<(Account, Vec<hanteam_domain::access::Grant>), AppError> {
    let c = state
        .db
        .credentials_by_id(user_id)
        .await?
        .filter(|c| c.disabled_at.is_none())
        .ok_or_else(|| AppError::Unauthenticated("사용이 중지된 계정입니다.".into()))?;
    let grants = state.db.grants(user_id).await?;
    Ok((
        Account {
            id: c.id,
            login: c.login,
            display_name: c.display_name,
            must_change_password: c.must_change_password,
        },
        grants,
    ))
}

/// Starts a session for `user_id`: returns the cookie to set. Only the session id's hash is stored.
pub async fn start_session(
    state: &AppState,
    user_id: i64,
    client_addr: Option<&str>,
    https: bool,
) -> Result<Cookie<'static>, AppError> {
    let secret = random_secret();
    state.db.create_session(user_id, &secret_hash(&secret), &random_secret(), client_addr).await?;
    Ok(session_cookie(secret, https))
}

/// A browser-session cookie (no expiry: it is not kept on disk after the browser closes); the
/// server ends the session after idle and absolute time limits on its own.
fn session_cookie(value: String, https: bool) -> Cookie<'static> {
    let mut c = Cookie::new(SESSION_COOKIE, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(https);
    c.set_path("/");
    c
}

/// A cookie that makes the browser drop the session cookie.
pub fn removal_cookie(https: bool) -> Cookie<'static> {
    let mut c = session_cookie(String::new(), https);
    c.set_max_age(cookie::time::Duration::ZERO);
    c
}
