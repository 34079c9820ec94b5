//! JSON API of the pay tables (성과상여금·성과연봉 지급표), the exchangees' special performance
//! bonus (특별성과가산금) and their recommended ratings. Each handler reads the request and calls one
//! use case of `hanteam_app::pay`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hanteam_app::pay::{self, BonusRow, PayTableSummary, PayTableView};
use hanteam_app::views::Page;
use hanteam_domain::reward::{ExchangeeRatingInput, PayBandChoiceInput, PayBandInput, PayTableInput};
use hanteam_domain::{EvaluationRoundId, ExchangeeId, Paging, PagingInput};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::Written;
use crate::auth::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

/// The years' pay tables, newest first (anyone signed in with the read right).
#[utoipa::path(get, path = "/api/v1/pay-tables", tag = "pay", params(PagingInput), security(("token" = [])),
    responses((status = 200, body = Page<PayTableSummary>), (status = 400, body = ErrorBody)))]
pub(crate) async fn list_tables(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<PayTableSummary>>, AppError> {
    Ok(Json(pay::tables(&state.db, &viewer.caller, Paging::parse(&paging)?).await?))
}

/// A year's table: per pay band the standard and the S-grade amount in won (null: no figure), with
/// the source, and the year's bonus rule.
#[utoipa::path(get, path = "/api/v1/pay-tables/{year}", tag = "pay",
    params(("year" = i32, Path, description = "Year, e.g. 2024")), security(("token" = [])),
    responses((status = 200, body = PayTableView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_table(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(year): Path<String>,
) -> Result<Json<PayTableView>, AppError> {
    Ok(Json(pay::table(&state.db, &viewer.caller, pay::parse_year(&year)?).await?))
}

/// Create a year's table (OPC admin): empty, or a copy of `copy_from`'s amounts, sources and bonus rule.
#[utoipa::path(post, path = "/api/v1/pay-tables", tag = "pay", request_body = PayTableInput, security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn create_table(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<PayTableInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = pay::create_table(&state.db, &viewer.caller, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Enter or change a band's amounts (OPC admin): whole won above zero, the S-grade amount at least
/// the standard one, with their source; null clears a figure.
#[utoipa::path(put, path = "/api/v1/pay-tables/{year}/bands/{band}", tag = "pay", request_body = PayBandInput,
    params(("year" = i32, Path, description = "Year"),
           ("band" = String, Path, description = "senior_executive, director, grade5, grade6, grade7, grade8, grade9")),
    security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_band(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((year, band)): Path<(String, String)>,
    ApiJson(input): ApiJson<PayBandInput>,
) -> Result<Json<Written>, AppError> {
    let (year, band) = (pay::parse_year(&year)?, pay::parse_band(&band)?);
    Ok(Json(pay::update_band(&state.db, &viewer.caller, year, band, &input).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct BonusesOut {
    /// The exchangees the caller may see, by id: every one for OPC and auditors, one's own for an
    /// exchangee.
    items: Vec<BonusRow>,
    total: i64,
    /// The table the bonuses are computed from.
    year: i32,
    source: String,
}

/// The special performance bonus of each exchangee for the year's table: its band, the band's
/// S-grade amount and rate × amount (null where the table has no amount: "지급표에 금액 없음").
/// OPC and auditors see every exchangee, an exchangee its own; nobody else (403).
#[utoipa::path(get, path = "/api/v1/pay-tables/{year}/bonuses", tag = "pay",
    params(("year" = i32, Path, description = "Year"), PagingInput), security(("token" = [])),
    responses((status = 200, body = BonusesOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn bonuses(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(year): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<BonusesOut>, AppError> {
    let (table, page) =
        pay::bonuses(&state.db, &viewer.caller, pay::parse_year(&year)?, Paging::parse(&paging)?).await?;
    Ok(Json(BonusesOut { items: page.items, total: page.total, year: table.year, source: table.source }))
}

#[derive(Serialize, ToSchema)]
pub struct RoundBonusesOut {
    round_id: i64,
    /// The exchangees the caller may see, by id: every one for OPC and auditors, one's own for an
    /// exchangee. `bonus_won` is null where the table has no S-grade amount for the band; `note`
    /// then says "지급표에 금액 없음".
    items: Vec<BonusRow>,
    total: i64,
    /// The year of the round's 준비 start, whose pay table the bonuses come from.
    year: i32,
    source: String,
}

/// Each exchangee's special performance bonus for an evaluation round: 50% (the table's rate) of
/// the S-grade amount of its pay band, from the pay table of the year the round is set up in.
/// OPC and auditors see every exchangee, an exchangee its own row; nobody else (403); a round the
/// caller may not read is 404.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/bonuses", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id"), PagingInput), security(("token" = [])),
    responses((status = 200, body = RoundBonusesOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn round_bonuses(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<RoundBonusesOut>, AppError> {
    let round = EvaluationRoundId::parse(&id)?;
    let (year, table, page) = pay::round_bonuses(&state.db, &viewer.caller, round, Paging::parse(&paging)?).await?;
    Ok(Json(RoundBonusesOut {
        round_id: round.get(),
        items: page.items,
        total: page.total,
        year,
        source: table.source,
    }))
}

/// Choose an exchangee's pay band with a reason (OPC admin), where the position's rank says
/// nothing or not the person's band; a null `pay_band` gives it back to the rank.
#[utoipa::path(put, path = "/api/v1/exchangees/{id}/pay-band", tag = "pay", request_body = PayBandChoiceInput,
    params(("id" = i64, Path, description = "Exchangee id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn choose_band(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PayBandChoiceInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(pay::choose_band(&state.db, &viewer.caller, ExchangeeId::parse(&id)?, &input).await?.into()))
}

/// Record an exchangee's pre-exchange grade for a year (the rule recommends at least one step above
/// it) and, when OPC confirms, the confirmed grade (below the recommendation only with a reason).
#[utoipa::path(put, path = "/api/v1/exchangees/{id}/ratings/{year}", tag = "pay", request_body = ExchangeeRatingInput,
    params(("id" = i64, Path, description = "Exchangee id"), ("year" = i32, Path, description = "Year")),
    security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn set_rating(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, year)): Path<(String, String)>,
    ApiJson(input): ApiJson<ExchangeeRatingInput>,
) -> Result<Json<Written>, AppError> {
    let (id, year) = (ExchangeeId::parse(&id)?, pay::parse_year(&year)?);
    Ok(Json(pay::set_rating(&state.db, &viewer.caller, id, year, &input).await?.into()))
}
