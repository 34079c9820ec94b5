//! Static files, embedded in the binary: the KRDS package's `resources/` folder (from node_modules at
//! build time, served unchanged under /static/krds/ so its relative paths work) and our own CSS.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

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
pub async fn krds(Path(path): Path<String>) -> Response {
    file::<Krds>(&path)
}

/// `/static/{file}`: our own stylesheet.
pub async fn own(Path(path): Path<String>) -> Response {
    file::<Own>(&path)
}

fn file<E: RustEmbed>(path: &str) -> Response {
    match E::get(path) {
        Some(f) => {
            let mime = mime_guess::from_path(path).first_or_octet_stream();
            let mut response = f.data.into_owned().into_response();
            let headers = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
                headers.insert(header::CONTENT_TYPE, v);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
            response
        }
        None => (StatusCode::NOT_FOUND, "없는 파일입니다.").into_response(),
    }
}
