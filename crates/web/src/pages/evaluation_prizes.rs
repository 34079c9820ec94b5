//! The prize money pages of an evaluation round (포상금): the split by excellent task with each
//! payment, OPC's forms for the pool and the per-person cap and for one task's shares per agency
//! and per person. Each handler calls `hanteam_app::prizes`, the same use cases as the JSON API;
//! who sees what is theirs to decide.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use hanteam_app::prizes::{self, PrizeItem, TaskSharesForm};
use hanteam_domain::reward::pool::PrizeSettingsInput;
use hanteam_domain::reward::shares::{AgencyShareInput, PersonShareInput, Recipient, TaskSharesInput};
use hanteam_domain::reward::won;
use hanteam_domain::{EvaluationRoundId, TaskId, ValidationError};

use super::context::Ctx;
use super::form::{answer, form_input, Alert, Fact, Field, FormPage, FormView, Hidden};
use super::layout::{Layout, Section};
use super::render::{error_page, respond};
use super::widgets::{ListQuery, Opt, Pager};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

fn round_href(id: EvaluationRoundId) -> String {
    Endpoint::PageEvalRound.href(&[&id])
}

pub(crate) fn prizes_href(id: EvaluationRoundId) -> String {
    Endpoint::PageEvalPrizes.href(&[&id])
}

fn amount(w: i64) -> String {
    format!("{}원", won(w))
}

fn cap_text(cap: Option<i64>) -> String {
    cap.map_or_else(|| "상한 없음".into(), |c| format!("1인당 {}", amount(c)))
}

/// Blank rows for more named people under each agency on the shares form.
const BLANK_PEOPLE: usize = 2;

async fn round_name(state: &AppState, cx: &Ctx, id: EvaluationRoundId) -> Result<String, AppError> {
    Ok(hanteam_app::evaluation::get(&state.db, cx.by(), id).await?.name)
}

// ---------------------------------------------------------------------------------------------
// 1. The split, by excellent task.

struct LineRow {
    agency: String,
    agency_href: String,
    /// `None`: paid to the agency itself.
    person: Option<String>,
    /// The person's statement, for those who read everyone's (OPC, auditors).
    person_href: Option<String>,
    amount: String,
}

struct TaskRow {
    task: String,
    task_href: String,
    grade: String,
    score: String,
    part: String,
    shares: &'static str,
    edit_href: Option<String>,
    lines: Vec<LineRow>,
    undistributed: Option<String>,
}

#[derive(Template)]
#[template(path = "evaluation_prizes.html")]
struct PrizesPage {
    layout: Layout,
    alert: Option<Alert>,
    facts: Vec<Fact>,
    provisional: bool,
    settings_href: Option<String>,
    total: i64,
    tasks: Vec<TaskRow>,
    pager: Option<Pager>,
    round_href: String,
}

fn line_row(id: EvaluationRoundId, l: &PrizeItem, everyone: bool) -> LineRow {
    LineRow {
        agency: l.agency_name.clone(),
        agency_href: agency_statement_href(id, l.agency_id),
        person: l.person.clone(),
        person_href: l.person_key.as_deref().filter(|_| everyone).map(|k| person_statement_href(id, k)),
        amount: amount(l.amount_won),
    }
}

pub(crate) fn person_statement_href(id: EvaluationRoundId, key: &str) -> String {
    format!("{}?key={}", Endpoint::PageEvalPersonStatement.href(&[&id]), crate::endpoint::encode(key))
}

pub(crate) fn agency_statement_href(id: EvaluationRoundId, agency: i64) -> String {
    Endpoint::PageEvalAgencyStatement.href(&[&id, &agency])
}

/// The round's prize split (OPC and auditors once there is a result; an agency officer its own
/// agencies' payments once the round is final).
pub(crate) async fn prize_page(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        let paging = q.paging()?;
        let v = prizes::prize_tasks_page(&state.db, cx.by(), id, paging).await?;
        let name = round_name(&state, &cx, id).await?;
        let s = &v.summary;
        let mut facts = vec![
            Fact::new("포상금 총액", amount(s.pool_won)),
            Fact::new("1인 상한", cap_text(s.person_cap_won)),
            Fact::new("지급 합계", amount(s.paid_won)),
        ];
        if let Some(u) = s.undistributed_won {
            facts.push(Fact::new("배분되지 않은 금액", format!("{} (모두 1인 상한에 이른 경우)", amount(u))));
        }
        facts.push(Fact::new("배분 방법", s.rule.clone()));
        let tasks = v
            .tasks
            .iter()
            .map(|t| TaskRow {
                task: format!("{}. {}", t.task_seq, t.task_title),
                task_href: super::links::task(&TaskId::new(t.task_id)),
                grade: t.grade.clone(),
                score: format!("{:.2}점", t.score),
                part: amount(t.part_won),
                shares: if t.shares_set { "국무조정실 지정" } else { "기본(참여 기관 균등)" },
                edit_href: v.editable.then(|| Endpoint::PageEvalPrizeShares.href(&[&id, &t.task_id])),
                lines: t.lines.iter().map(|l| line_row(id, l, s.shares.is_some())).collect(),
                undistributed: (t.undistributed_won > 0).then(|| amount(t.undistributed_won)),
            })
            .collect();
        Ok::<_, AppError>(PrizesPage {
            layout: Layout::nested(&cx, Section::Evaluation, vec![(name, round_href(id))], "포상금 배분"),
            alert: q.saved().then(|| Alert::ok("저장했습니다.")),
            facts,
            provisional: s.provisional,
            settings_href: v.editable.then(|| Endpoint::PageEvalPrizeSettingsForm.href(&[&id])),
            total: v.tasks_total,
            tasks,
            pager: q.pager(&prizes_href(id), paging, v.tasks_total),
            round_href: round_href(id),
        })
    }
    .await;
    respond(result, &cx)
}

// ---------------------------------------------------------------------------------------------
// 2. The pool and the per-person cap (OPC).

async fn settings_page(
    state: &AppState,
    cx: &Ctx,
    raw: &str,
    typed: Option<&PrizeSettingsInput>,
) -> Result<FormPage, AppError> {
    let id = EvaluationRoundId::parse(raw)?;
    let v = prizes::pool_and_cap(&state.db, cx.by(), id).await?;
    let version = v.version;
    let name = round_name(state, cx, id).await?;
    let back = if v.has_result { prizes_href(id) } else { round_href(id) };
    let mut parents = vec![(name, round_href(id))];
    if v.has_result {
        parents.push(("포상금 배분".into(), prizes_href(id)));
    }
    let (pool, cap) = match typed {
        Some(i) => (i.pool_won.clone(), i.person_cap_won.clone()),
        None => (Some(won(v.pool_won)), v.person_cap_won.map(won)),
    };
    Ok(FormPage {
        layout: Layout::nested(cx, Section::Evaluation, parents, "포상금 총액과 1인 상한"),
        heading: "포상금 총액과 1인 상한".into(),
        context: vec![Fact::new("현재 총액", amount(v.pool_won)), Fact::new("현재 1인 상한", cap_text(v.person_cap_won))],
        intro: vec![
            "금액은 원 단위 정수로 입력합니다 (예: 100,000,000). 1인 상한의 기본값은 30,000,000원입니다(행정업무의 운영 및 혁신에 관한 규정 제46조의9). 상한을 넘는 금액은 같은 기관, 이어서 같은 과제의 다른 사람에게 다시 나눕니다. 결과가 확정되면 바꿀 수 없습니다.".into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PageEvalPrizeSettings.href(&[&id]),
            csrf: cx.csrf(),
            hidden: vec![Hidden { name: "version", value: version.to_string() }],
            fields: vec![
                Field::text("pool_won", "포상금 총액(원)", &pool).required().hint("예: 100,000,000"),
                Field::text("person_cap_won", "1인 상한(원)", &cap)
                    .hint("예: 30,000,000. 비워 두면 상한 없이 나눕니다."),
            ],
            submit: "저장",
            cancel: back,
        },
        reload: Endpoint::PageEvalPrizeSettingsForm.href(&[&id]),
    })
}

pub(crate) async fn settings_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<String>) -> Response {
    respond(settings_page(&state, &cx, &raw, None).await, &cx)
}

pub(crate) async fn settings_save(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    form: Result<Form<PrizeSettingsInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => PrizeSettingsInput { shares: None, ..i },
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        prizes::set_pool_and_cap(&state.db, cx.by(), id, &input).await?;
        let to = if prizes::pool_and_cap(&state.db, cx.by(), id).await?.has_result {
            prizes_href(id)
        } else {
            round_href(id)
        };
        Ok::<_, AppError>(format!("{to}?saved=1"))
    }
    .await;
    answer(&cx, result, async || settings_page(&state, &cx, &raw, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// 3. One excellent task's shares per agency and per person (OPC).
//
// The form names its fields by what they are (`a14_share`, `a14_x15_share` for exchangee 15 under
// agency 14, `a14_n0_name` / `a14_n0_share` for the first named person), so a field keeps its
// meaning whatever the others hold; the shares the use case reads are built from them, and its
// messages (`agencies[0].people[1].share`) are put back on these fields.

fn agency_field(a: i64) -> String {
    format!("a{a}_share")
}

fn exchangee_field(a: i64, x: i64) -> String {
    format!("a{a}_x{x}_share")
}

fn named_field(a: i64, k: usize, what: &str) -> String {
    format!("a{a}_n{k}_{what}")
}

/// The named people's rows of an agency on the form: those set so far, then blank ones.
fn named_rows(f: &TaskSharesForm, a: i64) -> usize {
    let set = f
        .current
        .as_ref()
        .and_then(|s| s.agencies.iter().find(|x| x.agency_id.get() == a))
        .map_or(0, |x| x.people.iter().filter(|p| matches!(p.recipient, Recipient::Named { .. })).count());
    set + BLANK_PEOPLE
}

/// The form's values: what was typed, or the shares set so far (the default: 1 for every agency).
fn form_values(f: &TaskSharesForm) -> HashMap<String, String> {
    let mut v = HashMap::new();
    for (a, _) in &f.task.agencies {
        let set = f.current.as_ref().and_then(|s| s.agencies.iter().find(|x| x.agency_id == *a));
        v.insert(agency_field(a.get()), set.map_or_else(|| "1".into(), |x| x.share.to_string()));
        let mut k = 0;
        for p in set.map(|x| x.people.as_slice()).unwrap_or_default() {
            match &p.recipient {
                Recipient::Exchangee { exchangee_id } => {
                    v.insert(exchangee_field(a.get(), exchangee_id.get()), p.share.to_string());
                }
                Recipient::Named { name } => {
                    v.insert(named_field(a.get(), k, "name"), name.clone());
                    v.insert(named_field(a.get(), k, "share"), p.share.to_string());
                    k += 1;
                }
            }
        }
    }
    v
}

/// The shares the form's fields say, and where each of the use case's fields is on the form.
fn shares_of(f: &TaskSharesForm, posted: &HashMap<String, String>) -> (TaskSharesInput, HashMap<String, String>) {
    let get = |k: &str| posted.get(k).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut at = HashMap::new();
    let mut agencies = Vec::new();
    for (i, (a, _)) in f.task.agencies.iter().enumerate() {
        let a = a.get();
        at.insert(format!("agencies[{i}].share"), agency_field(a));
        at.insert(format!("agencies[{i}].people[0].share"), agency_field(a));
        let mut people = Vec::new();
        for x in f.exchangees.iter().filter(|x| x.exchangee.agency.get() == a) {
            let field = exchangee_field(a, x.exchangee.exchangee.get());
            if let Some(share) = get(&field) {
                at.insert(format!("agencies[{i}].people[{}].share", people.len()), field.clone());
                at.insert(format!("agencies[{i}].people[{}].exchangee_id", people.len()), field);
                people.push(PersonShareInput {
                    exchangee_id: Some(x.exchangee.exchangee.to_string()),
                    name: None,
                    share: Some(share),
                });
            }
        }
        for k in 0..named_rows(f, a) {
            let (name, share) = (get(&named_field(a, k, "name")), get(&named_field(a, k, "share")));
            if name.is_none() && share.is_none() {
                continue;
            }
            let j = people.len();
            at.insert(format!("agencies[{i}].people[{j}].name"), named_field(a, k, "name"));
            at.insert(format!("agencies[{i}].people[{j}].share"), named_field(a, k, "share"));
            people.push(PersonShareInput { exchangee_id: None, name: Some(name.unwrap_or_default()), share });
        }
        agencies.push(AgencyShareInput {
            agency_id: Some(a.to_string()),
            share: Some(get(&agency_field(a)).unwrap_or_default()),
            people: Some(people),
        });
    }
    (TaskSharesInput { task_id: None, agencies: Some(agencies) }, at)
}

fn shares_fields(f: &TaskSharesForm, values: &HashMap<String, String>) -> Vec<Field> {
    let val = |k: &str| Some(values.get(k).cloned().unwrap_or_default());
    let mut fields = Vec::new();
    for (a, name) in &f.task.agencies {
        let a = a.get();
        fields.push(
            Field::text(agency_field(a), &format!("{name} 배분 비율"), &val(&agency_field(a)))
                .required()
                .hint("0 이상의 정수. 과제 몫을 참여 기관의 비율대로 나눕니다."),
        );
        for x in f.exchangees.iter().filter(|x| x.exchangee.agency.get() == a) {
            let field = exchangee_field(a, x.exchangee.exchangee.get());
            fields.push(
                Field::text(field.clone(), &format!("{name} · {} 배분 비율", x.exchangee.label), &val(&field))
                    .hint("교류자. 비워 두면 이 교류자는 받지 않습니다."),
            );
        }
        for k in 0..named_rows(f, a) {
            let (nf, sf) = (named_field(a, k, "name"), named_field(a, k, "share"));
            fields.push(
                Field::text(nf.clone(), &format!("{name} 받는 사람 {} 이름", k + 1), &val(&nf))
                    .hint("교류자가 아닌 사람(50자 이내). 같은 이름이 둘이면 김민수(기획과)처럼 구별해 주세요."),
            );
            fields.push(
                Field::text(sf.clone(), &format!("{name} 받는 사람 {} 배분 비율", k + 1), &val(&sf))
                    .hint("0 이상의 정수. 사람을 한 명도 넣지 않으면 기관 몫은 기관에 지급합니다."),
            );
        }
    }
    fields.push(Field::checks(
        "reset",
        "기본값으로 되돌리기",
        vec![Opt {
            value: "1".into(),
            label: "이 과제의 배분 비율을 지우고 참여 기관에 똑같이 나눕니다 (위에 입력한 내용은 쓰지 않습니다)".into(),
            selected: values.get("reset").is_some_and(|v| v == "1"),
        }],
    ));
    fields
}

async fn shares_page(
    state: &AppState,
    cx: &Ctx,
    raw: &(String, String),
    typed: Option<&HashMap<String, String>>,
) -> Result<FormPage, AppError> {
    let id = EvaluationRoundId::parse(&raw.0)?;
    let task = TaskId::parse(&raw.1)?;
    let f = prizes::task_shares_form(&state.db, cx.by(), id, task).await?;
    let name = round_name(state, cx, id).await?;
    let values = typed.cloned().unwrap_or_else(|| form_values(&f));
    let mut context = vec![
        Fact::new("과제", format!("{}. {}", f.task_seq, f.task_title)),
        Fact::new("등급·점수", format!("{} · {:.2}점", f.task.grade, f.task.score)),
        Fact::new("과제 몫", amount(f.part_won)),
        Fact::new("1인 상한", cap_text(f.person_cap_won)),
        Fact::new(
            "배분 비율",
            if f.current.is_some() {
                "국무조정실 지정"
            } else {
                "기본(참여 기관 균등, 기관에 지급)"
            },
        ),
    ];
    let now: Vec<String> = f
        .lines
        .iter()
        .map(|l| {
            format!("{} {}: {}", l.agency_name, l.person.as_deref().unwrap_or("(기관 지급)"), amount(l.amount_won))
        })
        .collect();
    context.push(Fact::new("지금 배분", if now.is_empty() { "없음".into() } else { now.join(", ") }));
    Ok(FormPage {
        layout: Layout::nested(
            cx,
            Section::Evaluation,
            vec![(name, round_href(id)), ("포상금 배분".into(), prizes_href(id))],
            format!("과제 {} 배분 비율", f.task_seq),
        ),
        heading: format!("과제 {} 포상금 배분 비율", f.task_seq),
        context,
        intro: vec![
            "과제 몫을 참여 기관의 배분 비율대로 나누고, 기관 몫은 그 기관에서 정한 사람(교류직위 쌍의 교류자, 또는 이름을 적은 사람)의 비율대로 나눕니다. 비율은 0 이상의 정수이고, 한 기관 이상은 0보다 커야 합니다. 원 단위 나머지는 최대잉여법으로 나누어 합계가 과제 몫과 같습니다.".into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PageEvalPrizeSharesSave.href(&[&id, &task]),
            csrf: cx.csrf(),
            hidden: vec![Hidden { name: "version", value: f.version.to_string() }],
            fields: shares_fields(&f, &values),
            submit: "배분 비율 저장",
            cancel: prizes_href(id),
        },
        reload: Endpoint::PageEvalPrizeShares.href(&[&id, &task]),
    })
}

pub(crate) async fn shares_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<(String, String)>) -> Response {
    respond(shares_page(&state, &cx, &raw, None).await, &cx)
}

pub(crate) async fn shares_save(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let posted = match form_input(form) {
        Ok(p) => p,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let id = EvaluationRoundId::parse(&raw.0)?;
        let task = TaskId::parse(&raw.1)?;
        let version = posted.get("version").cloned();
        if posted.get("reset").is_some_and(|v| v == "1") {
            prizes::set_task_shares(&state.db, cx.by(), id, task, None, &version).await?;
        } else {
            let f = prizes::task_shares_form(&state.db, cx.by(), id, task).await?;
            let (input, at) = shares_of(&f, &posted);
            prizes::set_task_shares(&state.db, cx.by(), id, task, Some(&input), &version).await.map_err(|e| {
                match AppError::from(e) {
                    AppError::Invalid(errors) => AppError::Invalid(
                        errors
                            .into_iter()
                            .map(|e| match at.get(&e.field) {
                                Some(f) => ValidationError::new(f.as_str(), e.message),
                                None => e,
                            })
                            .collect(),
                    ),
                    other => other,
                }
            })?;
        }
        Ok::<_, AppError>(format!("{}?saved=1", prizes_href(id)))
    }
    .await;
    answer(&cx, result, async || shares_page(&state, &cx, &raw, Some(&posted)).await).await
}

// ---------------------------------------------------------------------------------------------
// 4. Statements, printable on A4: a person's, an agency's.

#[derive(Template)]
#[template(path = "evaluation_person_statement.html")]
struct PersonStatementPage {
    layout: Layout,
    heading: String,
    provisional: bool,
    facts: Vec<Fact>,
    lines: Vec<hanteam_domain::reward::StatementLine>,
    back: String,
}

impl PersonStatementPage {
    fn amount_of(&self, l: &hanteam_domain::reward::StatementLine) -> String {
        l.amount_won.map(amount).unwrap_or_else(|| "—".into())
    }
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct KeyQuery {
    key: Option<String>,
}

pub(crate) async fn person_statement(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<KeyQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        let key = q.key.as_deref().map(str::trim).filter(|k| !k.is_empty()).ok_or_else(|| {
            AppError::invalid("key", "누구의 명세서인지 주소에 붙여 주세요. 포상금 배분 화면의 이름을 누르면 됩니다.")
        })?;
        let v = prizes::person_statement(&state.db, cx.by(), id, key).await?;
        let mut facts = vec![
            Fact::new("평가 회차", v.round_name.clone()),
            Fact::new("받는 사람", v.person.clone()),
            Fact::new("소속 기관 몫", if v.agencies.is_empty() { "없음".into() } else { v.agencies.join(", ") }),
            Fact::new("포상금 합계", amount(v.prize_won)),
        ];
        if v.exchangee_id.is_some() {
            facts.push(Fact::new("특별성과가산금", v.bonus_won.map_or_else(|| "지급표에 금액 없음".into(), amount)));
        }
        Ok::<_, AppError>(PersonStatementPage {
            layout: Layout::nested(
                &cx,
                Section::Evaluation,
                vec![(v.round_name.clone(), round_href(id)), ("포상금 배분".into(), prizes_href(id))],
                "개인별 지급 명세서",
            ),
            heading: format!("{} 포상금 지급 명세서: {}", v.round_name, v.person),
            provisional: v.provisional,
            facts,
            lines: v.lines,
            back: prizes_href(id),
        })
    }
    .await;
    respond(result, &cx)
}

struct PartRow {
    task: String,
    grade: String,
    task_part: String,
    share: String,
    agency_part: String,
    paid: Vec<String>,
}

struct ResultRow {
    position: String,
    task: String,
    grade: String,
    score: String,
    excellent: &'static str,
}

#[derive(Template)]
#[template(path = "evaluation_agency_statement.html")]
struct AgencyStatementPage {
    layout: Layout,
    heading: String,
    provisional: bool,
    facts: Vec<Fact>,
    parts: Vec<PartRow>,
    results: Vec<ResultRow>,
    results_total: i64,
    results_from: i64,
    results_to: i64,
    pager: Option<Pager>,
    back: String,
}

pub(crate) async fn agency_statement(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let id = EvaluationRoundId::parse(&raw.0)?;
        let agency = hanteam_domain::AgencyId::parse(&raw.1)?;
        let paging = q.paging()?;
        let v = prizes::agency_statement(&state.db, cx.by(), id, agency, paging).await?;
        let parts = v
            .parts
            .iter()
            .map(|p| PartRow {
                task: format!("{}. {}", p.task_seq, p.task_title),
                grade: format!("{} · {:.2}점", p.grade, p.score),
                task_part: amount(p.task_part_won),
                share: format!("{}/{}", p.share, p.share_total),
                agency_part: format!(
                    "{} × {}/{} = {}",
                    amount(p.task_part_won),
                    p.share,
                    p.share_total,
                    amount(p.agency_part_won)
                ),
                paid: if p.people.is_empty() {
                    vec![format!("기관 지급: {}", amount(p.unit_won))]
                } else {
                    p.people
                        .iter()
                        .map(|x| {
                            let mut t = format!(
                                "{}: {} × {}/{} = {}",
                                x.person,
                                amount(p.agency_part_won),
                                x.share,
                                x.share_total,
                                amount(x.entitlement_won)
                            );
                            if x.cut_won != 0 {
                                t.push_str(&format!(", 1인 상한 초과 {}", amount(x.cut_won)));
                            }
                            if x.received_won != 0 {
                                t.push_str(&format!(", 재배분 +{}", amount(x.received_won)));
                            }
                            t.push_str(&format!(" → 지급 {}", amount(x.amount_won)));
                            t
                        })
                        .collect()
                },
            })
            .collect();
        let results: Vec<ResultRow> = v
            .tasks
            .iter()
            .map(|t| ResultRow {
                position: t.position.map_or_else(|| "-".into(), |p| format!("{p}위")),
                task: format!("{}. {}", t.task_seq, t.task_title),
                grade: t.grade.clone(),
                score: format!("{:.2}점", t.score),
                excellent: if t.excellent { "우수과제" } else { "-" },
            })
            .collect();
        let from = if results.is_empty() { 0 } else { v.offset + 1 };
        Ok::<_, AppError>(AgencyStatementPage {
            layout: Layout::nested(
                &cx,
                Section::Evaluation,
                vec![(v.round_name.clone(), round_href(id)), ("포상금 배분".into(), prizes_href(id))],
                "기관별 명세서",
            ),
            heading: format!("{} 기관별 명세서: {}", v.round_name, v.agency_name),
            provisional: v.provisional,
            facts: vec![
                Fact::new("기관", v.agency_name.clone()),
                Fact::new("포상금 총액(전체)", amount(v.pool_won)),
                Fact::new("1인 상한", cap_text(v.person_cap_won)),
                Fact::new("이 기관 몫으로 지급되는 포상금", amount(v.prize_won)),
                Fact::new("평가받은 과제", format!("{}건", v.tasks_total)),
                Fact::new("배분 방법", v.rule.clone()),
            ],
            parts,
            results_from: from,
            results_to: v.offset + results.len() as i64,
            results,
            results_total: v.tasks_total,
            pager: q.pager(&agency_statement_href(id, agency.get()), paging, v.tasks_total),
            back: prizes_href(id),
        })
    }
    .await;
    respond(result, &cx)
}
