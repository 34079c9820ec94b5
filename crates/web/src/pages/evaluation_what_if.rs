//! The what-if page (모의 계산): OPC or an auditor types other weights, another drop rule,
//! standardisation or other grade shares, and sees each task's score, grade, excellent flag and part
//! of the prize pool beside the official parameters'. A `GET` form: it writes nothing, so the page
//! can be bookmarked and shared. The use case is `hanteam_app::what_if`, as for the JSON API.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hanteam_app::evaluation;
use hanteam_app::what_if::{self, WhatIfView};
use hanteam_domain::evaluation::grade::GradingRule;
use hanteam_domain::evaluation::setup::RoundSettings;
use hanteam_domain::evaluation::what_if::{Side, WhatIfInput};
use hanteam_domain::korean::thousands;
use hanteam_domain::{EvaluationRoundId, Paging, PagingInput, TaskId};

use super::context::Ctx;
use super::form::{mark_errors, Alert, Field};
use super::layout::{Layout, Section};
use super::render::respond;
use super::widgets::{pager_for, Cell, Opt, Pager, Table};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

#[derive(Template)]
#[template(path = "evaluation_what_if.html")]
struct WhatIfPage {
    layout: Layout,
    round_href: String,
    action: String,
    alert: Option<Alert>,
    weights: Vec<Field>,
    rules: Vec<Field>,
    shares: Vec<Field>,
    only_moved: bool,
    result: Option<ResultPart>,
}

struct ResultPart {
    total: i64,
    changes: Vec<String>,
    facts: Vec<(&'static str, String)>,
    table: Table,
    pager: Option<Pager>,
    agencies: Table,
}

fn won(n: i64) -> String {
    format!("{}원", thousands(n.max(0) as usize))
}

/// What the page's query says: the changes, whether to compute, and the list's options.
#[derive(Default)]
struct Asked {
    input: WhatIfInput,
    run: bool,
    only_moved: bool,
    limit: Option<String>,
    offset: Option<String>,
}

fn read_query(pairs: Vec<(String, String)>) -> Asked {
    let mut a = Asked::default();
    for (k, v) in pairs {
        if let Some(code) = k.strip_prefix("weight.") {
            a.input.weights.insert(code.to_string(), v);
        } else if let Some(grade) = k.strip_prefix("share.") {
            a.input.shares.insert(grade.to_string(), v);
        } else {
            match k.as_str() {
                "drop_extremes_from" => a.input.drop_extremes_from = Some(v),
                "standardise" => a.input.standardise = Some(v),
                "only_moved" => a.only_moved = v == "1",
                "run" => a.run = v == "1",
                "limit" => a.limit = Some(v),
                "offset" => a.offset = Some(v),
                _ => {}
            }
        }
    }
    a
}

/// The form's fields, each showing what was typed or else the official value.
fn fields(s: &RoundSettings, input: &WhatIfInput) -> (Vec<Field>, Vec<Field>, Vec<Field>) {
    let p = &s.params;
    let typed =
        |v: Option<&String>, official: String| Some(v.filter(|v| !v.trim().is_empty()).cloned().unwrap_or(official));
    let weights = p
        .rubric
        .criteria
        .iter()
        .map(|c| {
            Field::text(
                format!("weight.{}", c.code),
                &format!("{} 가중치(%)", c.name_ko),
                &typed(input.weights.get(&c.code), c.weight_pct.to_string()),
            )
            .hint(&format!("공식 {}%", c.weight_pct))
        })
        .collect();
    let official_drop = p.aggregation.drop_extremes_from.map_or(0, |n| n);
    let standardise = input
        .standardise
        .clone()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| if p.aggregation.standardise { "yes" } else { "no" }.into());
    let rules = vec![
        Field::text("drop_extremes_from", "최고·최저 점수 제외 기준(점수 개수)", &typed(input.drop_extremes_from.as_ref(), official_drop.to_string()))
            .hint(&format!(
                "점수가 이 개수 이상이면 가장 높은 점수와 가장 낮은 점수를 하나씩 빼고 평균합니다. 0이면 빼지 않습니다. 공식: {}",
                if official_drop == 0 { "빼지 않음".to_string() } else { format!("{official_drop}개 이상") }
            )),
        Field::select(
            "standardise",
            "평가위원별 점수 표준화",
            vec![
                Opt { value: "no".into(), label: "하지 않음".into(), selected: standardise == "no" },
                Opt { value: "yes".into(), label: "함 (관대·엄격한 평가 성향 보정)".into(), selected: standardise == "yes" },
            ],
        )
        .hint(if p.aggregation.standardise { "공식: 함" } else { "공식: 하지 않음" }),
    ];
    let shares = match &p.grading.rule {
        GradingRule::Relative { shares, .. } => shares
            .iter()
            .map(|g| {
                Field::text(
                    format!("share.{}", g.grade),
                    &format!("{} 등급 비율(%)", g.grade),
                    &typed(input.shares.get(&g.grade), g.share_pct.to_string()),
                )
                .hint(&format!("공식 {}%", g.share_pct))
            })
            .collect(),
        GradingRule::Absolute { .. } => vec![],
    };
    (weights, rules, shares)
}

fn side_cells(s: &Option<Side>) -> [Cell; 4] {
    match s {
        Some(s) => [
            Cell::Text(format!("{}위", s.position)),
            Cell::Text(format!("{:.2}점", s.score)),
            Cell::Text(if s.excellent { format!("{} (우수과제)", s.grade) } else { s.grade.clone() }),
            Cell::Text(won(s.prize_won)),
        ],
        None => {
            [Cell::Text("-".into()), Cell::Text("점수 없음".into()), Cell::Text("-".into()), Cell::Text("-".into())]
        }
    }
}

fn result_part(
    v: &WhatIfView,
    href: &str,
    filters: &[(String, Option<String>)],
    limit_param: Option<i64>,
) -> ResultPart {
    let rows = v
        .items
        .iter()
        .map(|i| {
            let mut row = vec![Cell::HeadLink {
                href: super::links::task(&TaskId::new(i.task_id)),
                text: format!("{}. {}", i.task_seq, i.task_title),
            }];
            row.extend(side_cells(&i.official));
            row.extend(side_cells(&i.changed));
            row.push(Cell::Text(if i.moved { "바뀜".into() } else { "같음".into() }));
            row
        })
        .collect();
    let s = &v.summary;
    let refs: Vec<(&str, &Option<String>)> = filters.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let agency_rows = v
        .agencies
        .iter()
        .map(|a| {
            let rank = |r: Option<usize>| r.map_or("-".into(), |r| format!("{r}위"));
            let score = |x: Option<f64>| x.map_or("-".into(), |x| format!("{x:.2}점"));
            vec![
                Cell::Head(a.agency_name.clone()),
                Cell::Text(rank(a.rank_official)),
                Cell::Text(score(a.score_official)),
                Cell::Text(rank(a.rank_changed)),
                Cell::Text(score(a.score_changed)),
            ]
        })
        .collect();
    ResultPart {
        total: v.total,
        changes: v.changes.clone(),
        facts: vec![
            ("평가 과제", format!("{}건", thousands(s.tasks))),
            ("등급이 바뀌는 과제", format!("{}건", thousands(s.grades_changed))),
            ("새로 우수과제가 되는 과제", format!("{}건", thousands(s.excellent_in))),
            ("우수과제에서 빠지는 과제", format!("{}건", thousands(s.excellent_out))),
            ("옮겨 가는 포상금", format!("{} (총액 {})", won(s.money_moved_won), won(v.pool_won))),
        ],
        table: Table {
            caption: "과제별 공식 결과와 모의 결과: 순위, 점수, 등급, 과제 몫 포상금".into(),
            head: vec![
                "과제",
                "공식 순위",
                "공식 점수",
                "공식 등급",
                "공식 포상금",
                "모의 순위",
                "모의 점수",
                "모의 등급",
                "모의 포상금",
                "변동",
            ],
            rows,
            scroll_label: Some("과제별 공식 결과와 모의 결과 표".into()),
        },
        pager: (v.total > v.limit || v.offset > 0)
            .then(|| pager_for(href, &refs, limit_param, v.limit, v.offset, v.total)),
        agencies: Table {
            caption: "순위가 바뀌는 기관: 공식 순위와 점수, 모의 순위와 점수".into(),
            head: vec!["기관", "공식 순위", "공식 점수", "모의 순위", "모의 점수"],
            rows: agency_rows,
            scroll_label: None,
        },
    }
}

/// `GET /evaluation-rounds/{id}/what-if`: the form with the official values, and with `run=1` the
/// two results side by side.
pub(crate) async fn page(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let asked = read_query(q.map(|Query(q)| q).unwrap_or_default());
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        let round = evaluation::get(&state.db, cx.by(), id).await?;
        what_if::may_run(cx.by(), round.stage)?;
        let round_href = Endpoint::PageEvalRound.href(&[&id]);
        let action = Endpoint::PageEvalWhatIf.href(&[&id]);
        let (mut weights, mut rules, mut shares) = fields(&round.settings, &asked.input);
        let mut alert = None;
        let mut part = None;
        if asked.run {
            let paging = Paging::parse(&PagingInput { limit: asked.limit.clone(), offset: asked.offset.clone() })?;
            match what_if::what_if(&state.db, cx.by(), id, &asked.input, asked.only_moved, paging)
                .await
                .map_err(AppError::from)
            {
                Ok(v) => {
                    let mut filters: Vec<(String, Option<String>)> = vec![("run".into(), Some("1".into()))];
                    for (k, v) in &asked.input.weights {
                        filters.push((format!("weight.{k}"), Some(v.clone())));
                    }
                    for (k, v) in &asked.input.shares {
                        filters.push((format!("share.{k}"), Some(v.clone())));
                    }
                    filters.push(("drop_extremes_from".into(), asked.input.drop_extremes_from.clone()));
                    filters.push(("standardise".into(), asked.input.standardise.clone()));
                    filters.push(("only_moved".into(), asked.only_moved.then(|| "1".into())));
                    let limit_param = asked.limit.as_deref().filter(|s| !s.trim().is_empty()).map(|_| paging.limit);
                    part = Some(result_part(&v, &action, &filters, limit_param));
                }
                Err(AppError::Invalid(errors)) => {
                    let mut all: Vec<Field> =
                        weights.drain(..).chain(rules.drain(..)).chain(shares.drain(..)).collect();
                    let mut a = mark_errors(&mut all, &errors);
                    a.message = "바꾼 값을 확인해 주세요. 모의 계산은 아무것도 저장하지 않습니다.".into();
                    alert = Some(a);
                    let n_weights = round.settings.params.rubric.criteria.len();
                    let mut rest = all.split_off(n_weights);
                    shares = rest.split_off(2);
                    rules = rest;
                    weights = all;
                }
                Err(other) => return Err(other),
            }
        }
        Ok::<_, AppError>(WhatIfPage {
            layout: Layout::nested(
                &cx,
                Section::Evaluation,
                vec![(round.name.clone(), round_href.clone())],
                "모의 계산",
            ),
            round_href,
            action,
            alert,
            weights,
            rules,
            shares,
            only_moved: asked.only_moved,
            result: part,
        })
    }
    .await;
    respond(result, &cx)
}
