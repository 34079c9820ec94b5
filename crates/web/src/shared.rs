//! What the JSON API and the HTML pages both do: load, validate, and say what is missing.
//! Only the rendering differs between the two.

use hanteam_domain::{AgencyRef, TaskFilter, TaskFilterInput, ValidationError};
use hanteam_store::views::{Agency, ExchangePair, MeetingDetail, Page, TaskDetail, TaskSummary};
use hanteam_store::Db;

use crate::error::{parse_id, AppError};

/// The task list for the given filters. An agency that does not exist is a bad filter, not an empty list.
pub async fn task_list(db: &Db, input: &TaskFilterInput) -> Result<(TaskFilter, Page<TaskSummary>), AppError> {
    let filter = TaskFilter::parse(input)?;
    let agency_id = match &filter.agency {
        None => None,
        Some(agency) => Some(
            db.find_agency(agency)
                .await?
                .ok_or_else(|| {
                    ValidationError::new(
                        "agency",
                        format!(
                            "기관 '{}'을(를) 찾을 수 없습니다. 기관 번호나 약칭(예: 환경부)을 입력해 주세요.",
                            input.agency.as_deref().unwrap_or_default().trim()
                        ),
                    )
                })?
                .id,
        ),
    };
    let page = db.list_tasks(&filter, agency_id).await?;
    Ok((filter, page))
}

pub async fn task(db: &Db, raw_id: &str) -> Result<TaskDetail, AppError> {
    let id = parse_id(raw_id, "과제")?;
    db.get_task(id).await?.ok_or_else(|| AppError::NotFound(format!("{id}번 과제")))
}

pub async fn meeting(db: &Db, raw_id: &str) -> Result<MeetingDetail, AppError> {
    let id = parse_id(raw_id, "회의")?;
    db.get_meeting(id).await?.ok_or_else(|| AppError::NotFound(format!("{id}번 회의")))
}

/// An agency with the exchange pairs it takes part in and its tasks (all of them, in annex order).
pub struct AgencyPage {
    pub agency: Agency,
    pub pairs: Vec<ExchangePair>,
    pub tasks: Page<TaskSummary>,
}

/// An agency by id or short name (`/agencies/환경부` works as well as `/agencies/4`).
pub async fn agency(db: &Db, raw: &str) -> Result<AgencyPage, AppError> {
    let agency = db
        .find_agency(&AgencyRef::parse(raw))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("기관 '{raw}'")))?;
    let pairs = db.pairs_of_agency(agency.id).await?;
    let all = TaskFilter { limit: hanteam_domain::task_filter::MAX_LIMIT, ..TaskFilter::default() };
    let tasks = db.list_tasks(&all, Some(agency.id)).await?;
    Ok(AgencyPage { agency, pairs, tasks })
}
