//! The routes of `routes.rs` as values: each [`Endpoint`] knows its method, its path, its kind (a
//! page or a JSON API route) and who may call it, and builds its own links.

use std::fmt::Display;

use axum::http::Method;
use hanteam_domain::access::Right;

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

/// Whom a route answers: people in a browser (HTML pages, redirects, error pages) or programs (JSON,
/// errors in the `{"error":…}` shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Api,
}

macro_rules! define_endpoints {
    ($($name:ident => $method:ident $path:literal, $kind:ident($($handler:tt)+), $access:expr;)*) => {
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

            pub fn kind(self) -> Kind {
                match self { $(Endpoint::$name => Kind::$kind),* }
            }

            pub fn access(self) -> Access {
                use Access::*;
                use hanteam_domain::access::Right::*;
                match self { $(Endpoint::$name => $access),* }
            }
        }
    };
}

crate::routes::route_table!(define_endpoints);

impl Endpoint {
    /// The methods the route table has for `path`.
    pub fn methods_of(path: &str) -> Vec<Method> {
        Endpoint::ALL.iter().filter(|e| e.path() == path).map(|e| e.method()).collect()
    }

    pub fn find(method: &Method, path: &str) -> Option<Endpoint> {
        Endpoint::ALL.iter().copied().find(|e| e.method() == *method && e.path() == path)
    }

    /// The address of this endpoint, its `{…}` parameters filled with `params` in order, each
    /// percent-encoded: `Endpoint::PageTask.href(&[&id])` is `/tasks/7`.
    pub fn href(self, params: &[&dyn Display]) -> String {
        let mut out = String::new();
        let mut rest = self.path();
        let mut params = params.iter();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
            if let Some(p) = params.next() {
                // A `{*rest}` parameter is a path of its own: its slashes stay.
                let whole_path = rest[open..].starts_with("{*");
                let p = p.to_string();
                out.push_str(&if whole_path { encode_path(&p) } else { encode(&p) });
            }
            rest = &rest[close..];
        }
        out.push_str(rest);
        out
    }

    /// What a person who must still change an initial password may do.
    pub fn allowed_before_password_change(self) -> bool {
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
                | Endpoint::Readyz
                | Endpoint::ApiOpenApi
                | Endpoint::ApiMe
        )
    }
}

/// Whether a refusal or an error is answered in JSON (for programs) or as a page (for people): by
/// the route's kind when the request matched a route, by its path when it matched none.
pub fn answers_in_json(endpoint: Option<Endpoint>, path: &str) -> bool {
    match endpoint {
        Some(e) => e.kind() == Kind::Api,
        None => {
            path.starts_with("/api/")
                || [Endpoint::Healthz, Endpoint::Readyz, Endpoint::Metrics].iter().any(|e| e.path() == path)
        }
    }
}

/// Percent-encodes a path segment or query value (everything but the unreserved ASCII characters).
pub fn encode(s: &str) -> String {
    encode_but(s, &[])
}

/// Percent-encodes a whole path as a query value, its slashes left as they are (`next=/tasks/1`).
pub fn encode_path(s: &str) -> String {
    encode_but(s, b"/")
}

fn encode_but(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

    #[test]
    fn api_routes_and_pages_are_told_apart_by_their_row_and_unknown_paths_by_their_prefix() {
        for e in Endpoint::ALL {
            let by_path = answers_in_json(None, e.path());
            assert_eq!(answers_in_json(Some(*e), e.path()), by_path, "{e:?}: the row and the path disagree");
        }
        assert!(answers_in_json(None, "/api/v2/whatever"));
        assert!(!answers_in_json(None, "/no/such/page"));
    }

    #[test]
    fn links_fill_the_parameters_in_order_and_encode_them() {
        assert_eq!(Endpoint::PageTask.href(&[&7]), "/tasks/7");
        assert_eq!(Endpoint::RoleEdit.href(&[&1, &4]), "/tasks/1/roles/4");
        assert_eq!(Endpoint::PageAgency.href(&[&"국토부"]), "/agencies/%EA%B5%AD%ED%86%A0%EB%B6%80");
        assert_eq!(Endpoint::PageTasks.href(&[]), "/tasks");
        assert_eq!(Endpoint::StaticKrds.href(&[&"css/a b.css"]), "/static/krds/css/a%20b.css");
        assert_eq!(encode("a b&c"), "a%20b%26c");
        assert_eq!(encode_path("/tasks?q=a b"), "/tasks%3Fq%3Da%20b");
    }
}
