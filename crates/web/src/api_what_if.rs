//! The what-if in the JSON API: a round's result under changed weights, drop rule,
//! standardisation or grade shares beside the official one (`hanteam_app::what_if`). It is a
//! calculation, not a change: a `POST` because the changes are a body, and nothing is written.

use axum::extract::{Path, State};
use axum::Json;
use hanteam_app::what_if::{self, WhatIfView};
use hanteam_domain::evaluation::what_if::WhatIfInput;
use hanteam_domain::{EvaluationRoundId, Paging, PagingInput};
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

/// Which tasks to list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct WhatIfQuery {
    /// `true`: only the tasks whose grade, excellent flag or prize part moved.
    pub only_moved: Option<String>,
    /// Page size, 1–500, default 50.
    pub limit: Option<String>,
    /// Items to skip, default 0.
    pub offset: Option<String>,
}

/// Recompute the round's result with the changes in the body (fields left out keep the official
/// value) and list, a page of tasks at a time in the official order, each task's score, place,
/// grade, excellent flag and part of the prize pool on both sides, with the agencies whose rank
/// moves. OPC and auditors, once scoring has closed (409 before). Writes nothing.
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/what-if", tag = "evaluation",
    request_body = WhatIfInput,
    params(("id" = i64, Path, description = "Round id"), WhatIfQuery),
    security(("token" = [])),
    responses((status = 200, body = WhatIfView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn what_if(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<WhatIfQuery>,
    ApiJson(input): ApiJson<WhatIfInput>,
) -> Result<Json<WhatIfView>, AppError> {
    let paging = Paging::parse(&PagingInput { limit: q.limit, offset: q.offset })?;
    let only_moved = matches!(q.only_moved.as_deref().map(str::trim), Some("true" | "1" | "yes"));
    Ok(Json(
        what_if::what_if(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, &input, only_moved, paging).await?,
    ))
}
