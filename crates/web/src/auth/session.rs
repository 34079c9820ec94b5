//! Identifying the person behind a request: a browser session cookie or an API token. The result,
//! a [`Viewer`], is put in the request for the access gate and the handlers.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hanteam_app::accounts::{self, Identity};
use hanteam_app::{Caller, Credential};
use hanteam_domain::access::Principal;
use hanteam_domain::UserId;

use crate::error::AppError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "hanteam_session";

/// The signed-in person, as pages show them.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub must_change_password: bool,
}

impl Account {
    fn of(identity: &Identity) -> Account {
        Account {
            id: identity.user_id,
            login: identity.login.clone(),
            display_name: identity.display_name.clone(),
            must_change_password: identity.must_change_password,
        }
    }
}

/// Who is asking: nobody (the public), or a person with their roles.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// Who the use cases act for.
    pub caller: Caller,
    pub account: Option<Account>,
    /// With a browser session: the token its state-changing requests must carry.
    pub csrf_token: Option<String>,
    /// The request came over HTTPS (directly or as the proxy in front says): cookies get `Secure`.
    pub https: bool,
}

impl Viewer {
    pub fn anonymous(client_addr: Option<String>, https: bool) -> Viewer {
        Viewer { caller: Caller::public(client_addr), account: None, csrf_token: None, https }
    }

    pub fn principal(&self) -> Option<&Principal> {
        self.caller.principal()
    }

    pub fn client_addr(&self) -> Option<&str> {
        self.caller.actor.client_addr.as_deref()
    }

    /// Whether the request came with an API token (which browsers never send on their own).
    pub fn by_token(&self) -> bool {
        matches!(self.caller.credential, Credential::Token(_))
    }

    pub fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
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
    Some(client_of(peer, req.headers(), trusted).to_string())
}

/// The client behind `peer`, as [`client_addr`] finds it.
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded.into_iter().rev().find(|a| !trusted.contains(a)).unwrap_or(peer)
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
    // The metrics have a token of their own, not an account's.
    if req.uri().path().starts_with("/static/") || req.uri().path() == "/metrics" {
        return next.run(req).await;
    }
    let addr = client_addr(&req, &state.trusted_proxies);
    let https = is_https(req.headers());
    let viewer = match viewer_of(&state, req.headers(), addr, https).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let ended_session =
        viewer.account.is_none() && CookieJar::from_headers(req.headers()).get(SESSION_COOKIE).is_some();
    let signed_in = viewer.principal().is_some();
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
        let t = accounts::identify_token(db, token).await?;
        return Ok(Viewer {
            account: Some(Account::of(&t.identity)),
            caller: t.identity.caller(Credential::Token(t.token), Some(t.rights), addr),
            csrf_token: None,
            https,
        });
    }
    let jar = CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else { return Ok(Viewer::anonymous(addr, https)) };
    match accounts::identify_session(db, cookie.value()).await? {
        None => Ok(Viewer::anonymous(addr, https)),
        Some(s) => Ok(Viewer {
            account: Some(Account::of(&s.identity)),
            caller: s.identity.caller(Credential::Session(s.session), None, addr),
            csrf_token: Some(s.csrf_token),
            https,
        }),
    }
}

/// Starts a session for `user_id`: returns the cookie to set. Only the session id's hash is stored.
pub async fn start_session(
    state: &AppState,
    user_id: UserId,
    client_addr: Option<&str>,
    https: bool,
) -> Result<Cookie<'static>, AppError> {
    let secret = accounts::start_session(&state.db, user_id, client_addr).await?;
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
