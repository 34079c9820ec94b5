//! The router, built from the route table (`routes.rs`): a page row becomes an axum route, an API
//! row a route with its OpenAPI operation; and the OpenAPI document of the API rows. No route exists
//! without a row.

use std::sync::OnceLock;

use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Json;
use hanteam_domain::access::Right;
use hanteam_domain::{Kpi, Milestone, Procedure};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::endpoint::{Access, Endpoint};
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "hanteam API",
        version = "1",
        description = "한팀(hanteam): 범정부 협업과제 관리 시스템의 JSON API. 오류는 언제나 \
                       {\"error\":{\"code\",\"message\",\"field\"}} 형태이며 message는 한국어입니다. \
                       쓰기 요청은 `Authorization: Bearer <API 토큰>`으로 인증하고, 고칠 기록의 version을 함께 보냅니다 \
                       (버전이 다르면 409, 아무것도 저장되지 않음)."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "registry", description = "기관, 교류직위 쌍, 협업과제, 협의회"),
        (name = "account", description = "내 정보와 API 토큰"),
        (name = "users", description = "계정 관리 (국무조정실 관리자)"),
        (name = "audit", description = "감사기록"),
        (name = "proposals", description = "과제 발굴: 과제 제안, 협력 기관의 참여 확인·거절, 과제 발굴 목록"),
        (name = "mediation", description = "애로사항, 이견 조정, 후속조치"),
        (name = "council", description = "협업과제점검협의회: 회의 일정, 안건, 결정"),
        (name = "checks", description = "주기적 점검: 점검 주기, 추진실적 보고, 첨부파일, 점검 결과(정상·주의·지연)"),
        (name = "pay", description = "성과상여금·성과연봉 지급표, 교류자 특별성과가산금, 개인 성과등급 권고·확정"),
        (name = "evaluation", description = "협업평가: 평가 회차, 평가표, 평가위원 배정, 서약, 제척·회피·기피"),
        (name = "system", description = "상태 확인과 API 문서")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3 document of every API endpoint of the route table.
pub fn openapi_document() -> &'static OpenApiDoc {
    static DOC: OnceLock<OpenApiDoc> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = routes().split_for_parts().1;
        declare_statuses(&mut doc);
        doc
    })
}

/// Adds to each operation the statuses every route of its kind can answer, which its own
/// annotation may leave out: 401 and 403 where the route's rule needs someone signed in, 400 for
/// parameters or a body, 404 for a record in the path, 409 for a versioned change, 413 for a body
/// over the limit, 500 always. An outside client generating requests from the document meets no
/// status it was not told of.
fn declare_statuses(doc: &mut OpenApiDoc) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            (Method::GET, &mut item.get),
            (Method::PUT, &mut item.put),
            (Method::POST, &mut item.post),
            (Method::DELETE, &mut item.delete),
        ];
        for (method, op) in operations {
            let Some(op) = op.as_mut() else { continue };
            let Some(endpoint) = Endpoint::find(&method, path) else { continue };
            let body = op.request_body.is_some();
            let mut statuses: Vec<(&str, &str)> = vec![("500", "서버 오류 (요청 번호를 알려 주세요)")];
            if !matches!(endpoint.access(), Access::Public) {
                statuses.push(("401", "로그인하지 않았거나 토큰이 맞지 않음"));
                statuses.push(("403", "권한이 없음"));
            }
            if body || op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                statuses.push(("400", "입력값이 규칙에 맞지 않음 (아무것도 저장되지 않음)"));
            }
            if path.contains('{') {
                statuses.push(("404", "없는 기록이거나 볼 수 없는 기록"));
            }
            if body {
                statuses.push(("413", "보낸 내용이 너무 큼"));
            }
            if method == Method::PUT
                || (method != Method::GET && body && endpoint.access() == Access::Right(Right::Write))
            {
                statuses.push(("409", "다른 사람이 먼저 고침 (현재 버전을 다시 읽을 것)"));
            }
            if body {
                let rule = if method == Method::PUT {
                    "PUT은 기록 전체를 바꿉니다. 요청 본문에 모든 필드를 보내야 하며(값을 비우려면 null), \
                     빠진 필드와 모르는 필드는 그 이름과 함께 400으로 거절됩니다."
                } else {
                    "요청 본문의 필드는 빼도 되지만, 모르는 필드는 그 이름과 함께 400으로 거절됩니다."
                };
                op.description = Some(match op.description.take() {
                    Some(d) if !d.is_empty() => format!("{d}\n\n{rule}"),
                    _ => rule.to_string(),
                });
            }
            for (status, description) in statuses {
                op.responses.responses.entry(status.to_string()).or_insert_with(|| error(description).into());
            }
        }
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system", responses((status = 200, description = "OpenAPI 3 document")))]
pub(crate) async fn openapi_json() -> Json<&'static OpenApiDoc> {
    Json(openapi_document())
}

macro_rules! method_router {
    (GET, $h:expr) => {
        axum::routing::get($h)
    };
    (POST, $h:expr) => {
        axum::routing::post($h)
    };
    (PUT, $h:expr) => {
        axum::routing::put($h)
    };
    (DELETE, $h:expr) => {
        axum::routing::delete($h)
    };
}

macro_rules! add_route {
    ($router:ident, Page, $method:ident, $path:literal, $($handler:tt)+) => {
        $router = $router.route($path, { let m: MethodRouter<AppState> = method_router!($method, crate::$($handler)+); m });
    };
    ($router:ident, Api, $method:ident, $path:literal, $($handler:tt)+) => {
        $router = $router.routes(utoipa_axum::routes!(crate::$($handler)+));
    };
}

macro_rules! build_router {
    ($($name:ident => $method:ident $path:literal, $kind:ident($($handler:tt)+), $access:expr;)*) => {
        /// Every route of the table, with the OpenAPI document of its API rows.
        pub(crate) fn routes() -> OpenApiRouter<AppState> {
            let mut router = OpenApiRouter::with_openapi(ApiDoc::openapi());
            $( add_route!(router, $kind, $method, $path, $($handler)+); )*
            router
        }
    };
}

crate::routes::route_table!(build_router);

#[cfg(test)]
mod tests {
    /// Any change to the API's document (a field renamed, a route added, a status code) shows in
    /// review as a change to `snapshots/`; on CI (`CI=true`) a document that differs fails.
    #[test]
    fn the_openapi_document_is_as_reviewed() {
        insta::assert_json_snapshot!("openapi", super::openapi_document());
    }
}
