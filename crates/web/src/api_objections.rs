//! After scoring, in the JSON API: objections (이의신청) and OPC's decisions, the published result,
//! a task's evaluators once published, and the prize split with its pool. The use cases are in
//! `hanteam_app::objections`; who reads what is theirs to decide.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hanteam_app::objections::{self, ObjectionsView, PublicationView, TaskEvaluatorsView};
use hanteam_app::prizes::{self, AgencyStatementView, PersonStatementView, PrizesView};
use hanteam_domain::evaluation::objection::{ObjectionDecisionInput, ObjectionInput};
use hanteam_domain::reward::pool::PrizeSettingsInput;
use hanteam_domain::{AgencyId, EvaluationObjectionId, EvaluationRoundId, Paging, PagingInput, TaskId};
use serde::{Deserialize, Serialize};

use crate::api::Written;
use crate::auth::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

/// File an objection to a task's provisional result (an officer of an agency taking part in the
/// task), with a reason, in 이의신청 and within the objection period.
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/objections", tag = "evaluation", request_body = ObjectionInput,
    params(("id" = i64, Path, description = "Round id")), security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn file_objection(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ObjectionInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved =
        objections::file(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, &input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// The round's objections, newest first: OPC and auditors all, an agency officer its own agencies'.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/objections", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id"), PagingInput), security(("token" = [])),
    responses((status = 200, body = ObjectionsView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn list_objections(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<ObjectionsView>, AppError> {
    Ok(Json(
        objections::list(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, Paging::parse(&paging)?).await?,
    ))
}

/// OPC's answer to an objection: `upheld` (the task's sheets are reopened for its panel to rescore)
/// or `rejected` (with a reason), with the objection's version.
#[utoipa::path(post, path = "/api/v1/evaluation-objections/{id}/decision", tag = "evaluation",
    request_body = ObjectionDecisionInput,
    params(("id" = i64, Path, description = "Objection id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn decide_objection(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ObjectionDecisionInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(objections::decide(&state.db, &viewer.caller, EvaluationObjectionId::parse(&id)?, &input).await?.into()))
}

/// Which page of the published result.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PublicationQuery {
    /// `true` for the excellent tasks (우수과제) only.
    pub excellent: Option<String>,
    /// Page size, 1–500, default 50.
    pub limit: Option<String>,
    /// Items to skip, default 0.
    pub offset: Option<String>,
}

impl PublicationQuery {
    pub(crate) fn parts(&self) -> Result<(bool, Paging), AppError> {
        let paging = Paging::parse(&PagingInput { limit: self.limit.clone(), offset: self.offset.clone() })?;
        Ok((matches!(self.excellent.as_deref().map(str::trim), Some("true" | "1" | "on")), paging))
    }
}

/// The published result, for everyone once the round is 공개: each task's grade and what it
/// changes for citizens, the excellent tasks and the agency ranking. Never an evaluator, an
/// individual score, a comment, an objection or anyone's pay.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/publication", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id"), PublicationQuery),
    responses((status = 200, body = PublicationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 409, body = ErrorBody)))]
pub(crate) async fn publication(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PublicationQuery>,
) -> Result<Json<PublicationView>, AppError> {
    let (excellent, paging) = q.parts()?;
    Ok(Json(
        objections::publication(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, excellent, paging).await?,
    ))
}

/// The names of a task's evaluators (never who gave which score), once the round is published: for
/// the officers of the task's agencies, OPC and auditors.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/evaluators", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id"), ("task_id" = i64, Path, description = "Task id")),
    security(("token" = [])),
    responses((status = 200, body = TaskEvaluatorsView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn task_evaluators(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, task)): Path<(String, String)>,
) -> Result<Json<TaskEvaluatorsView>, AppError> {
    let (id, task) = (EvaluationRoundId::parse(&id)?, TaskId::parse(&task)?);
    Ok(Json(objections::task_evaluators(&state.db, &viewer.caller, id, task).await?))
}

/// The round's prize split: the pool among the excellent tasks by the round's rule, each task's part
/// among its agencies and their people by the shares OPC set (equally among the agencies where it
/// set none), with the per-person cap; the lines add up exactly to the pool (with what nobody could
/// take under the cap, `undistributed_won`). A person's line has `person`, `person_key` and, for an
/// exchangee, `exchangee_id`. OPC and auditors once a result exists (with the shares and the
/// round's version); an agency officer its own agencies' lines once the round is final.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/prizes", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id"), PagingInput), security(("token" = [])),
    responses((status = 200, body = PrizesView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn prizes(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<PrizesView>, AppError> {
    Ok(Json(prizes::prizes(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, Paging::parse(&paging)?).await?))
}

/// Whose statement: a person's key as the prize lines give it (`person_key`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PersonKeyQuery {
    /// e.g. `exchangee:12` or `agency:3:김민수`.
    key: Option<String>,
}

/// A person's statement (개인별 지급 명세서): each step from the pool down to what the person is paid
/// (`lines`, each with its arithmetic in `detail`), and for an exchangee the special performance
/// bonus from the pay table of the round's setup year (`bonus_won` null where the table has no
/// amount). OPC and auditors once a result exists; the exchangee its own once the round is final.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/statements/person", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id"), PersonKeyQuery), security(("token" = [])),
    responses((status = 200, body = PersonStatementView), (status = 400, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn person_statement(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PersonKeyQuery>,
) -> Result<Json<PersonStatementView>, AppError> {
    let id = EvaluationRoundId::parse(&id)?;
    let key = q.key.as_deref().map(str::trim).filter(|k| !k.is_empty()).ok_or_else(|| {
        AppError::invalid("key", "누구의 명세서인지 key로 알려 주세요 (포상금 배분의 person_key, 예: exchangee:12).")
    })?;
    Ok(Json(prizes::person_statement(&state.db, &viewer.caller, id, key).await?))
}

/// An agency's statement (기관별 명세서): its parts of the excellent tasks with the people paid, and
/// a page of its tasks with their results. OPC and auditors any agency's once a result exists; an
/// agency officer its own once the round is final.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/statements/agencies/{agency_id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id"), ("agency_id" = i64, Path, description = "Agency id"),
           PagingInput),
    security(("token" = [])),
    responses((status = 200, body = AgencyStatementView), (status = 400, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn agency_statement(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, agency)): Path<(String, String)>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<AgencyStatementView>, AppError> {
    let (id, agency) = (EvaluationRoundId::parse(&id)?, AgencyId::parse(&agency)?);
    Ok(Json(prizes::agency_statement(&state.db, &viewer.caller, id, agency, Paging::parse(&paging)?).await?))
}

/// Set the round's prize settings whole (OPC), with the round's version, until it is final: the pool
/// and the per-person cap in whole won (a null cap: none), and the shares of the excellent tasks —
/// per task every agency taking part with a whole-number share, and within an agency the people
/// (an exchangee of the task's pair by `exchangee_id`, or anyone else by `name`) with theirs. A task
/// left out is split equally among its agencies. Wrong input is refused field by field, nothing
/// written.
#[utoipa::path(put, path = "/api/v1/evaluation-rounds/{id}/prizes", tag = "evaluation", request_body = PrizeSettingsInput,
    params(("id" = i64, Path, description = "Round id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn set_prize_pool(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PrizeSettingsInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(prizes::set(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, &input).await?.into()))
}
