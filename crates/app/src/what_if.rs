//! What-if (모의 계산): OPC and auditors recompute a round's result with changed weights, drop
//! rule, standardisation or grade shares, beside the official parameters, once scoring has closed.
//! Nothing is written and nothing is audited: the official result stays as it is.

use hanteam_domain::access::{self, ResultAccess};
use hanteam_domain::evaluation::round::Stage;
use hanteam_domain::evaluation::what_if::{parse_what_if, what_if as compare, Side, WhatIfInput, WhatIfSummary};
use hanteam_domain::{EvaluationRoundId, Paging};
use hanteam_store::Db;
use serde::Serialize;

use crate::round_record::settings_of;
use crate::scoring::round_inputs;
use crate::{Caller, Result, UseCaseError};

/// One task, official and changed (`None`: no submitted score on that side).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhatIfItem {
    pub task_id: i64,
    pub task_seq: i64,
    pub task_title: String,
    pub official: Option<Side>,
    pub changed: Option<Side>,
    /// Its grade, excellent flag or prize part differ.
    pub moved: bool,
}

/// An agency whose rank differs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhatIfAgency {
    pub agency_id: i64,
    pub agency_name: String,
    pub score_official: Option<f64>,
    pub score_changed: Option<f64>,
    pub rank_official: Option<usize>,
    pub rank_changed: Option<usize>,
}

/// `POST /api/v1/evaluation-rounds/{id}/what-if`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhatIfView {
    pub round_id: i64,
    pub stage: Stage,
    /// What the changed side was computed with, in words.
    pub changes: Vec<String>,
    pub pool_won: i64,
    pub summary: WhatIfSummary,
    /// Only the tasks that moved, when asked for.
    pub only_moved: bool,
    pub items: Vec<WhatIfItem>,
    pub agencies: Vec<WhatIfAgency>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The changes in words, for the page and the answer (the official side is the round's settings).
fn describe(
    official: &hanteam_domain::evaluation::RoundParams,
    changed: &hanteam_domain::evaluation::RoundParams,
) -> Vec<String> {
    use hanteam_domain::evaluation::grade::GradingRule;
    let mut out = Vec::new();
    for (a, b) in official.rubric.criteria.iter().zip(&changed.rubric.criteria) {
        if a.weight_pct != b.weight_pct {
            out.push(format!("{} 가중치 {}% → {}%", a.name_ko, a.weight_pct, b.weight_pct));
        }
    }
    let drop = |d: Option<usize>| {
        d.map_or("제외하지 않음".to_string(), |n| format!("점수 {n}개 이상이면 최고·최저 제외"))
    };
    if official.aggregation.drop_extremes_from != changed.aggregation.drop_extremes_from {
        out.push(format!(
            "{} → {}",
            drop(official.aggregation.drop_extremes_from),
            drop(changed.aggregation.drop_extremes_from)
        ));
    }
    if official.aggregation.standardise != changed.aggregation.standardise {
        out.push(if changed.aggregation.standardise { "표준화 함" } else { "표준화 하지 않음" }.to_string());
    }
    if let (GradingRule::Relative { shares: a, .. }, GradingRule::Relative { shares: b, .. }) =
        (&official.grading.rule, &changed.grading.rule)
    {
        for (x, y) in a.iter().zip(b) {
            if x.share_pct != y.share_pct {
                out.push(format!("{} 등급 비율 {}% → {}%", x.grade, x.share_pct, y.share_pct));
            }
        }
    }
    out
}

/// Who may run a what-if at `stage`: those who read the full result (OPC and auditors, once
/// scoring has closed), because it recomputes from the individual sheets.
pub fn may_run(by: &Caller, stage: Stage) -> Result<()> {
    match access::result_access(by.principal(), stage) {
        Ok(ResultAccess::Full) => Ok(()),
        Err(access::ResultRefusal::NotYet) => Err(UseCaseError::Conflict(
            "채점이 아직 끝나지 않아 모의 계산을 할 수 없습니다. 채점을 마감하면 결과와 함께 모의 계산을 할 수 있습니다."
                .into(),
        )),
        _ => Err(UseCaseError::Forbidden(
            "모의 계산은 국무조정실과 감사 담당자만 할 수 있습니다. 개별 채점표를 다시 계산하기 때문입니다.".into(),
        )),
    }
}

/// The round's result under OPC's changes beside the official one, a page of tasks at a time
/// (all of them, or only those whose grade, excellent flag or prize part moved).
pub async fn what_if(
    db: &Db,
    by: &Caller,
    id: EvaluationRoundId,
    input: &WhatIfInput,
    only_moved: bool,
    paging: Paging,
) -> Result<WhatIfView> {
    let r = db.get_round(id).await?.ok_or_else(|| UseCaseError::NotFound(format!("{id}번 평가 회차")))?;
    let stage = r.stage()?;
    if !access::may_read_round(by.principal(), stage) {
        return Err(UseCaseError::NotFound(format!("{id}번 평가 회차")));
    }
    may_run(by, stage)?;
    let settings = settings_of(&r)?;
    let official = &settings.params;
    let changed = parse_what_if(input, official)?;

    // A transaction so the tasks and the sheets are read at one moment; it writes nothing.
    let mut tx = db.begin().await?;
    let inputs = round_inputs(&mut tx, id).await?;
    drop(tx);

    let w = compare(official, &changed, &inputs, &settings.prizes)
        .map_err(|e| UseCaseError::Conflict(format!("모의 계산을 할 수 없습니다. 바꾼 값을 확인해 주세요. {e}")))?;
    let rows: Vec<_> = w.rows.into_iter().filter(|r| !only_moved || r.moved()).collect();
    let total = rows.len() as i64;
    let page: Vec<_> =
        rows.into_iter().skip(paging.offset.max(0) as usize).take(paging.limit.max(0) as usize).collect();
    let briefs = db.task_briefs(&page.iter().map(|r| r.task).collect::<Vec<_>>()).await?;
    let agencies = db.list_agencies().await?;
    let items = page
        .into_iter()
        .map(|r| {
            let b = briefs.iter().find(|b| b.id == r.task);
            WhatIfItem {
                task_id: r.task.get(),
                task_seq: b.map_or(0, |b| b.seq),
                task_title: b.map(|b| b.title.clone()).unwrap_or_default(),
                moved: r.moved(),
                official: r.official,
                changed: r.changed,
            }
        })
        .collect();
    Ok(WhatIfView {
        round_id: id.get(),
        stage,
        changes: describe(official, &changed),
        pool_won: settings.prizes.pool_won,
        summary: w.summary,
        only_moved,
        items,
        agencies: w
            .agencies
            .into_iter()
            .map(|a| WhatIfAgency {
                agency_id: a.agency.get(),
                agency_name: agencies
                    .iter()
                    .find(|x| x.id == a.agency)
                    .map(|x| x.short_name.clone())
                    .unwrap_or_default(),
                score_official: a.score_before,
                score_changed: a.score_after,
                rank_official: a.rank_before,
                rank_changed: a.rank_after,
            })
            .collect(),
        total,
        limit: paging.limit,
        offset: paging.offset,
    })
}
