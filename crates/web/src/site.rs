//! Where this site lives: the public origin people reach it at. A request addressed to any other host
//! is refused, and a browser's change must come from this origin. Without it, a page on another
//! domain that resolves to this server (DNS rebinding) would be same-origin with it in the browser.

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::{header, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::AppState;

/// Who runs the site, as every page's footer says (운영기관, 주소·연락처).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub name: String,
    pub address: Option<String>,
    pub contact: Option<String>,
}

impl Default for Operator {
    fn default() -> Self {
        Operator { name: "국무조정실".into(), address: None, contact: None }
    }
}

/// The origins (`scheme://host[:port]`, lower case) the site answers as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    origins: Vec<String>,
}

impl Site {
    /// The site at `public_url` (`--public-url`, e.g. `https://hanteam.example.go.kr`), or, when none
    /// is given and the server listens on loopback, at the listening address by the names a browser
    /// on this machine uses for it. A server reachable from other machines must be told its URL.
    pub fn new(listening: SocketAddr, public_url: Option<&str>) -> Result<Site, String> {
        match public_url {
            Some(url) => Ok(Site { origins: vec![origin_of(url)?] }),
            None if listening.ip().is_loopback() => {
                let port = listening.port();
                let hosts = match listening {
                    SocketAddr::V4(a) => vec![a.ip().to_string(), "localhost".into()],
                    SocketAddr::V6(_) => vec!["[::1]".into(), "localhost".into()],
                };
                Ok(Site { origins: hosts.into_iter().map(|h| format!("http://{h}:{port}")).collect() })
            }
            None => Err(format!(
                "다른 컴퓨터에서 접속할 수 있는 주소({listening})에서 기다리려면, 사람들이 접속할 주소를 \
                 --public-url 또는 HANTEAM_PUBLIC_URL로 알려 주세요 (예: https://hanteam.example.go.kr)."
            )),
        }
    }

    /// Whether a request's Host header names this site.
    pub fn serves_host(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.origins.iter().any(|o| {
            let (scheme, authority) = o.split_once("://").unwrap_or(("", o));
            authority == host || strip_default_port(scheme, authority) == host
        })
    }

    /// Whether a browser's Origin (or the origin of its Referer) is this site.
    pub fn is_origin(&self, origin: &str) -> bool {
        match origin_of(origin) {
            Ok(o) => self.origins.contains(&o),
            Err(_) => false,
        }
    }

    /// The first origin: how the site names itself.
    pub fn url(&self) -> &str {
        &self.origins[0]
    }
}

/// `scheme://host[:port]` of a URL, lower case, with the scheme's default port written out.
fn origin_of(url: &str) -> Result<String, String> {
    let bad = || {
        format!(
            "공개 주소를 읽을 수 없습니다: {url}. http:// 또는 https://로 시작하는 주소를 적어 주세요 \
             (예: https://hanteam.example.go.kr)."
        )
    };
    let uri: Uri = url.parse().map_err(|_| bad())?;
    let scheme = uri.scheme_str().map(str::to_ascii_lowercase).ok_or_else(bad)?;
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(bad()),
    };
    let authority = uri.authority().ok_or_else(bad)?;
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return Err(bad());
    }
    let port = authority.port_u16().unwrap_or(default_port);
    Ok(format!("{scheme}://{}:{port}", authority.host().to_ascii_lowercase()))
}

fn strip_default_port<'a>(scheme: &str, authority: &'a str) -> &'a str {
    let default = if scheme == "https" { ":443" } else { ":80" };
    authority.strip_suffix(default).unwrap_or(authority)
}

/// Middleware: a request for another host gets 400. Health checks and metrics answer whatever the
/// host: a load balancer and Prometheus ask for them by the instance's own address; they show
/// nothing (the metrics only to whom they are for).
pub async fn check_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path == "/healthz" || path == "/readyz" || path == "/metrics" {
        return next.run(req).await;
    }
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    match (&state.site, host) {
        (Some(site), Some(host)) if site.serves_host(host) => next.run(req).await,
        (None, _) => next.run(req).await,
        _ => {
            let url = state.site.as_ref().map_or("", Site::url);
            let message = format!(
                "이 서버는 다음 주소로 접속할 때만 답합니다: {url}. 주소창의 주소를 확인해 주세요. (요청한 호스트: {})",
                host.unwrap_or("없음")
            );
            AppError::invalid("host", message).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(addr: &str, url: Option<&str>) -> Result<Site, String> {
        Site::new(addr.parse().unwrap(), url)
    }

    #[test]
    fn on_loopback_the_site_is_the_listening_address() {
        let site = at("127.0.0.1:8080", None).unwrap();
        assert!(site.serves_host("127.0.0.1:8080") && site.serves_host("LOCALHOST:8080"));
        assert!(!site.serves_host("attacker.example:8080"), "a rebinding name is another host");
        assert!(!site.serves_host("127.0.0.1:9090"));
        assert!(site.is_origin("http://localhost:8080") && site.is_origin("http://127.0.0.1:8080/tasks?x=1"));
        assert!(!site.is_origin("http://attacker.example:8080") && !site.is_origin("https://127.0.0.1:8080"));
        assert!(!site.is_origin("null"));
    }

    #[test]
    fn a_public_url_is_the_only_site() {
        let site = at("0.0.0.0:8080", Some("https://Hanteam.Example.go.kr")).unwrap();
        assert!(site.serves_host("hanteam.example.go.kr") && site.serves_host("hanteam.example.go.kr:443"));
        assert!(!site.serves_host("0.0.0.0:8080") && !site.serves_host("10.0.0.5:8080"));
        assert!(
            site.is_origin("https://hanteam.example.go.kr") && site.is_origin("https://hanteam.example.go.kr:443/x")
        );
        assert!(!site.is_origin("http://hanteam.example.go.kr"), "another scheme is another origin");
        assert_eq!(site.url(), "https://hanteam.example.go.kr:443");
    }

    #[test]
    fn a_reachable_server_must_be_told_its_url_and_a_bad_one_is_refused() {
        assert!(at("0.0.0.0:8080", None).unwrap_err().contains("--public-url"));
        for bad in ["hanteam.example.go.kr", "ftp://x.example", "https://user@x.example", "https://"] {
            assert!(at("0.0.0.0:8080", Some(bad)).is_err(), "{bad}");
        }
    }
}
