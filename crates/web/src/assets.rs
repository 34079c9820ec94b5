//! Static files, embedded in the binary: the KRDS package's `resources/` folder (from node_modules at
//! build time, served unchanged under /static/krds/ so its relative paths work) and our own CSS.

use axum::extract::{Path, RawQuery};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::endpoint::Endpoint;

/// Only what the pages use: the component bundle and its tokens, fonts and icons.
#[derive(RustEmbed)]
#[folder = "../../node_modules/krds-uiux/resources/"]
#[include = "css/component/output.css"]
#[include = "css/token/krds_tokens.css"]
#[include = "fonts/*.woff2"]
#[include = "img/component/icon/*.svg"]
#[include = "img/favicon/*"]
struct Krds;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Own;

/// `/static/krds/{*path}`: the design system's files.
pub async fn krds(Path(path): Path<String>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    file::<Krds>(&path, query.as_deref(), &headers)
}

/// `/static/{file}`: our own stylesheet.
pub async fn own(Path(path): Path<String>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    file::<Own>(&path, query.as_deref(), &headers)
}

/// The address of a KRDS file with its content's hash, `?v=…`: the pages link to files this way, so
/// a browser may keep them for a year and a new build's files are fetched anew.
pub fn krds_href(path: &str) -> String {
    versioned::<Krds>(Endpoint::StaticKrds.href(&[&path]), path)
}

/// As [`krds_href`], for our own files.
pub fn own_href(file: &str) -> String {
    versioned::<Own>(Endpoint::StaticOwn.href(&[&file]), file)
}

fn versioned<E: RustEmbed>(href: String, path: &str) -> String {
    match E::get(path) {
        Some(f) => format!("{href}?v={}", short_hash(&f)),
        None => href,
    }
}

fn short_hash(f: &rust_embed::EmbeddedFile) -> String {
    f.metadata.sha256_hash()[..6].iter().map(|b| format!("{b:02x}")).collect()
}

fn file<E: RustEmbed>(path: &str, query: Option<&str>, headers: &HeaderMap) -> Response {
    let Some(f) = E::get(path) else { return (StatusCode::NOT_FOUND, "없는 파일입니다.").into_response() };
    let hash = short_hash(&f);
    let etag = format!("\"{hash}\"");
    // Asked for by its hash: this content never changes at this address. Otherwise (a font named in a
    // stylesheet) for a day, then checked again by its ETag.
    let cache = if query == Some(&format!("v={hash}")) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    };
    let fresh = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag);
    let mut response =
        if fresh { StatusCode::NOT_MODIFIED.into_response() } else { f.data.into_owned().into_response() };
    let out = response.headers_mut();
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        out.insert(header::CONTENT_TYPE, v);
    }
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, v);
    }
    response
}
