//! The pages of the pay tables (성과상여금·성과연봉 지급표), the exchangees' special performance
//! bonus (특별성과가산금) with a printable statement, and their ratings. Each handler calls the use
//! cases of `hanteam_app::pay`, the same as the JSON API.

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use hanteam_app::pay::{self, BonusRow, PayTableView};
use hanteam_domain::access::can_maintain_pay;
use hanteam_domain::reward::{
    won, ExchangeeRatingInput, GradeScale, PayBand, PayBandChoiceInput, PayBandInput, PayTableInput, StatementLine,
};
use hanteam_domain::{ExchangeeId, Paging};

use super::context::Ctx;
use super::form::{answer, form_input, Alert, Fact, Field, FormPage, FormView, Hidden};
use super::layout::{Layout, Section};
use super::render::{error_page, respond};
use super::widgets::{options_with, Action, Cell, ListQuery, Pager, Table};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

fn amount(v: Option<i64>) -> String {
    v.map_or_else(|| "금액 없음".to_string(), |w| format!("{}원", won(w)))
}

fn may_maintain(cx: &Ctx) -> bool {
    cx.principal().is_some_and(can_maintain_pay)
}

fn list_href() -> String {
    Endpoint::PagePayTables.href(&[])
}

fn table_href(year: i32) -> String {
    Endpoint::PagePayTable.href(&[&year])
}

fn bonuses_href(year: i32) -> String {
    Endpoint::PagePayBonuses.href(&[&year])
}

fn statement_href(id: i64, year: i32) -> String {
    format!("{}?year={year}", Endpoint::PageBonusStatement.href(&[&id]))
}

fn crumbs(year: i32) -> Vec<(String, String)> {
    vec![(format!("{year}년 지급표"), table_href(year))]
}

// ---------------------------------------------------------------------------------------------
// 1. The years.

#[derive(Template)]
#[template(path = "pay_tables.html")]
struct TablesPage {
    layout: Layout,
    total: i64,
    table: Table,
    pager: Option<Pager>,
    can_create: bool,
    new_href: String,
    saved: bool,
}

pub(crate) async fn table_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let paging = q.paging()?;
        let page = pay::tables(&state.db, cx.by(), paging).await?;
        let rows = page
            .items
            .iter()
            .map(|t| {
                vec![
                    Cell::HeadLink { href: table_href(t.year), text: format!("{}년", t.year) },
                    Cell::Text(format!("{} / {}개", t.bands_with_amount, t.bands)),
                    Cell::Text(format!("S등급 금액의 {}%", t.bonus_rate_pct)),
                    Cell::Text(t.source.clone()),
                    Cell::Link {
                        href: bonuses_href(t.year),
                        text: "특별성과가산금".into(),
                        hidden: Some(format!(" ({}년)", t.year)),
                    },
                ]
            })
            .collect();
        Ok::<_, AppError>(TablesPage {
            layout: Layout::section(&cx, Section::Pay),
            total: page.total,
            table: Table {
                caption: "연도별 지급표: 연도, 금액이 있는 보수 등급, 특별성과가산금 지급률, 출처".into(),
                head: vec!["연도", "금액이 있는 보수 등급", "특별성과가산금", "출처", "교류자별"],
                rows,
                scroll_label: Some("연도별 지급표".into()),
            },
            pager: q.pager(&list_href(), paging, page.total),
            can_create: may_maintain(&cx),
            new_href: Endpoint::PagePayTableNew.href(&[]),
            saved: q.saved(),
        })
    }
    .await;
    respond(result, &cx)
}

// ---------------------------------------------------------------------------------------------
// 2. A new year's table.

async fn new_page(state: &AppState, cx: &Ctx, typed: Option<&PayTableInput>) -> Result<FormPage, AppError> {
    if !may_maintain(cx) {
        return Err(
            hanteam_app::UseCaseError::Forbidden("지급표는 국무조정실 관리자만 만들 수 있습니다.".into()).into()
        );
    }
    let years = pay::years(&state.db, cx.by()).await?;
    let chosen = typed
        .and_then(|t| t.copy_from.clone())
        .unwrap_or_else(|| years.first().map(|y| y.to_string()).unwrap_or_default());
    let next = years.first().map(|y| (y + 1).to_string());
    let options = options_with(
        "복사하지 않음 (빈 지급표)",
        &chosen,
        years.iter().map(|y| (y.to_string(), format!("{y}년"))).collect(),
    );
    Ok(FormPage {
        layout: Layout::nested(cx, Section::Pay, vec![], "새 연도 지급표"),
        heading: "새 연도 지급표 만들기".into(),
        context: vec![],
        intro: vec![
            "다른 연도의 지급표를 복사하면 보수 등급별 금액, 출처와 특별성과가산금 지급률이 그대로 옮겨집니다. 만든 뒤 금액을 고치세요."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PagePayTableCreate.href(&[]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: vec![
                Field::text("year", "연도", &typed.and_then(|t| t.year.clone()).or(next)).required().hint("예: 2025"),
                Field::select("copy_from", "복사할 연도", options),
            ],
            submit: "지급표 만들기",
            cancel: list_href(),
        },
        reload: Endpoint::PagePayTableNew.href(&[]),
    })
}

pub(crate) async fn new_form(State(state): State<AppState>, cx: Ctx) -> Response {
    respond(new_page(&state, &cx, None).await, &cx)
}

pub(crate) async fn create(
    State(state): State<AppState>,
    cx: Ctx,
    form: Result<Form<PayTableInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        pay::create_table(&state.db, cx.by(), &input).await?;
        let year = pay::parse_year(input.year.as_deref().unwrap_or_default())?;
        Ok::<_, AppError>(format!("{}?saved=1", table_href(year)))
    }
    .await;
    answer(&cx, result, async || new_page(&state, &cx, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// 3. A year's table.

#[derive(Template)]
#[template(path = "pay_table.html")]
struct TablePage {
    layout: Layout,
    year: i32,
    facts: Vec<Fact>,
    table: Table,
    bonuses: String,
    alert: Option<Alert>,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

pub(crate) async fn table_detail(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    let saved = q.ok().is_some_and(|Query(q)| q.saved.as_deref() == Some("1"));
    let result = async {
        let year = pay::parse_year(&raw)?;
        let t = pay::table(&state.db, cx.by(), year).await?;
        let edit = may_maintain(&cx);
        let mut head = vec!["보수 등급", "표준 금액", "S등급 금액", "출처"];
        if edit {
            head.push("수정");
        }
        let rows = t
            .bands
            .iter()
            .map(|b| {
                let mut row = vec![
                    Cell::Head(b.band.label_ko().into()),
                    Cell::Text(amount(b.standard_won)),
                    Cell::Text(amount(b.s_grade_won)),
                    Cell::Text(b.source.clone().unwrap_or_else(|| "미입력".into())),
                ];
                if edit {
                    row.push(Cell::Actions(vec![Action {
                        href: Endpoint::PagePayBandForm.href(&[&year, &b.band.as_str()]),
                        label: "수정",
                        of: b.band.label_ko().to_string(),
                    }]));
                }
                row
            })
            .collect();
        Ok::<_, AppError>(TablePage {
            layout: Layout::nested(&cx, Section::Pay, vec![], format!("{year}년 지급표")),
            year,
            facts: table_facts(&t),
            table: Table {
                caption: format!(
                    "{year}년 성과상여금·성과연봉 지급표: 보수 등급, 표준 금액, S등급 금액, 출처 (단위: 원)"
                ),
                head,
                rows,
                scroll_label: Some(format!("{year}년 지급표")),
            },
            bonuses: bonuses_href(year),
            alert: saved.then(|| Alert::ok("저장되었습니다.")),
        })
    }
    .await;
    respond(result, &cx)
}

fn table_facts(t: &PayTableView) -> Vec<Fact> {
    let mut facts = vec![
        Fact::new("출처", t.source.clone()),
        Fact::new("특별성과가산금", format!("S등급 금액의 {}% ({})", t.bonus_rate_pct, t.rounding().label_ko())),
    ];
    if let Some(y) = t.copied_from_year {
        facts.push(Fact::new("복사한 연도", format!("{y}년")));
    }
    facts
}

// ---------------------------------------------------------------------------------------------
// 4. A band's amounts (OPC).

async fn band_page(
    state: &AppState,
    cx: &Ctx,
    raw: &(String, String),
    typed: Option<&PayBandInput>,
) -> Result<FormPage, AppError> {
    let year = pay::parse_year(&raw.0)?;
    let band = pay::parse_band(&raw.1)?;
    if !may_maintain(cx) {
        return Err(hanteam_app::UseCaseError::Forbidden(
            "지급표의 금액은 국무조정실 관리자만 고칠 수 있습니다.".into(),
        )
        .into());
    }
    let t = pay::table(&state.db, cx.by(), year).await?;
    let b = t
        .bands
        .iter()
        .find(|b| b.band == band)
        .ok_or_else(|| AppError::NotFound(format!("{year}년 지급표의 {}", band.label_ko())))?;
    let text = |v: Option<i64>| v.map(won);
    let (standard, s, source) = match typed {
        Some(i) => (i.standard_won.clone(), i.s_grade_won.clone(), i.source.clone()),
        None => (text(b.standard_won), text(b.s_grade_won), b.source.clone()),
    };
    Ok(FormPage {
        layout: Layout::nested(cx, Section::Pay, crumbs(year), format!("{} 금액 수정", band.label_ko())),
        heading: format!("{year}년 지급표: {} 금액 수정", band.label_ko()),
        context: vec![Fact::new("지급표", format!("{year}년")), Fact::new("보수 등급", band.label_ko())],
        intro: vec![
            "금액은 원 단위 정수로 입력합니다 (예: 9,218,000). 금액을 모두 비우면 이 보수 등급은 '금액 없음'이 됩니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PagePayBandEdit.href(&[&year, &band.as_str()]),
            csrf: cx.csrf(),
            hidden: vec![Hidden { name: "version", value: b.version.to_string() }],
            fields: vec![
                Field::text("standard_won", "표준 금액(원)", &standard).hint("예: 5,762,000"),
                Field::text("s_grade_won", "S등급 금액(원)", &s)
                    .hint("표준 금액 이상. 특별성과가산금은 이 금액의 지급률(%)입니다."),
                Field::textarea("source", "출처", &source, 2).hint("금액을 입력하면 출처도 입력해야 합니다."),
            ],
            submit: "금액 저장",
            cancel: table_href(year),
        },
        reload: Endpoint::PagePayBandForm.href(&[&year, &band.as_str()]),
    })
}

pub(crate) async fn band_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<(String, String)>) -> Response {
    respond(band_page(&state, &cx, &raw, None).await, &cx)
}

pub(crate) async fn band_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<PayBandInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let year = pay::parse_year(&raw.0)?;
        let band = pay::parse_band(&raw.1)?;
        pay::update_band(&state.db, cx.by(), year, band, &input).await?;
        Ok::<_, AppError>(format!("{}?saved=1", table_href(year)))
    }
    .await;
    answer(&cx, result, async || band_page(&state, &cx, &raw, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// 5. Every exchangee's bonus for a year.

#[derive(Template)]
#[template(path = "pay_bonuses.html")]
struct BonusesPage {
    layout: Layout,
    year: i32,
    facts: Vec<Fact>,
    total: i64,
    table: Table,
    pager: Option<Pager>,
    alert: Option<Alert>,
}

fn who(b: &BonusRow) -> String {
    format!("{} · {} {}", b.name.as_deref().unwrap_or("이름 미입력"), b.agency, b.position_title)
}

fn rating_text(b: &BonusRow) -> String {
    match &b.rating {
        None => "미입력".into(),
        Some(r) => {
            let confirmed = match &r.confirmed_grade {
                Some(g) if r.below_recommendation => format!("확정 {g} (권고보다 낮음)"),
                Some(g) => format!("확정 {g}"),
                None => "확정 전".into(),
            };
            format!("교류 전 {} → {} 이상 권고, {confirmed}", r.pre_exchange_grade, r.recommended_grade)
        }
    }
}

pub(crate) async fn bonus_list(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let year = pay::parse_year(&raw)?;
        let paging: Paging = q.paging()?;
        let (t, page) = pay::bonuses(&state.db, cx.by(), year, paging).await?;
        let edit = may_maintain(&cx);
        let mut head = vec!["교류자", "보수 등급", "S등급 금액", "특별성과가산금", "개인 성과등급", "명세서"];
        if edit {
            head.push("국무조정실");
        }
        let rows = page
            .items
            .iter()
            .map(|b| {
                let mut row = vec![
                    Cell::Head(who(b)),
                    Cell::Text(format!(
                        "{} ({})",
                        b.pay_band.map_or("미지정", PayBand::label_ko),
                        b.band_from.label_ko()
                    )),
                    Cell::Text(amount(b.s_grade_amount_won)),
                    Cell::Text(match b.bonus_won {
                        Some(w) => format!("{}원 — {}", won(w), b.note),
                        None => b.note.clone(),
                    }),
                    Cell::Text(rating_text(b)),
                    Cell::Link {
                        href: statement_href(b.exchangee_id, year),
                        text: "명세서".into(),
                        hidden: Some(format!(" ({})", who(b))),
                    },
                ];
                if edit {
                    row.push(Cell::Actions(vec![
                        Action {
                            href: format!("{}?year={year}", Endpoint::PageExchangeePayBandForm.href(&[&b.exchangee_id])),
                            label: "보수 등급 지정",
                            of: who(b),
                        },
                        Action {
                            href: Endpoint::PageExchangeeRatingForm.href(&[&b.exchangee_id, &year]),
                            label: "성과등급 확정",
                            of: who(b),
                        },
                    ]));
                }
                row
            })
            .collect();
        Ok::<_, AppError>(BonusesPage {
            layout: Layout::nested(&cx, Section::Pay, crumbs(year), "특별성과가산금"),
            year,
            facts: table_facts(&t),
            total: page.total,
            table: Table {
                caption: format!(
                    "{year}년 교류자별 특별성과가산금: 교류자, 보수 등급, S등급 금액, 특별성과가산금과 계산, 개인 성과등급"
                ),
                head,
                rows,
                scroll_label: Some("교류자별 특별성과가산금".into()),
            },
            pager: q.pager(&bonuses_href(year), paging, page.total),
            alert: q.saved().then(|| Alert::ok("저장되었습니다.")),
        })
    }
    .await;
    respond(result, &cx)
}

// ---------------------------------------------------------------------------------------------
// 6. One exchangee's statement (printable on A4).

#[derive(Template)]
#[template(path = "pay_statement.html")]
struct StatementPage {
    layout: Layout,
    heading: String,
    facts: Vec<Fact>,
    lines: Vec<StatementLine>,
    back: String,
}

impl StatementPage {
    fn amount_of(&self, l: &StatementLine) -> String {
        l.amount_won.map(|w| format!("{}원", won(w))).unwrap_or_else(|| "—".into())
    }
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct YearQuery {
    year: Option<String>,
}

impl YearQuery {
    fn year(&self) -> Result<i32, AppError> {
        match self.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(y) => Ok(pay::parse_year(y)?),
            None => Err(AppError::invalid("year", "어느 해의 명세서인지 연도를 주소에 붙여 주세요. 예: ?year=2024")),
        }
    }
}

pub(crate) async fn statement(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let year = q.year()?;
        let id = ExchangeeId::parse(&raw)?;
        let s = pay::statement(&state.db, cx.by(), id, year).await?;
        let b = &s.bonus;
        Ok::<_, AppError>(StatementPage {
            layout: Layout::nested(&cx, Section::Pay, crumbs(year), "특별성과가산금 명세서"),
            heading: format!("{year}년 특별성과가산금 명세서"),
            facts: vec![
                Fact::new("교류자", b.name.clone().unwrap_or_else(|| "이름 미입력".into())),
                Fact::new("교류직위", format!("{} {}", b.agency, b.position_title)),
                Fact::new(
                    "특별성과가산금",
                    b.bonus_won.map_or_else(|| "지급표에 금액 없음".into(), |w| format!("{}원", won(w))),
                ),
            ],
            lines: s.lines,
            back: bonuses_href(year),
        })
    }
    .await;
    respond(result, &cx)
}

// ---------------------------------------------------------------------------------------------
// 7. OPC chooses an exchangee's band.

async fn exchangee_bonus(state: &AppState, cx: &Ctx, raw: &str, year: i32) -> Result<BonusRow, AppError> {
    if !may_maintain(cx) {
        return Err(hanteam_app::UseCaseError::Forbidden(
            "교류자의 보수 등급과 개인 성과등급은 국무조정실 관리자만 정할 수 있습니다.".into(),
        )
        .into());
    }
    Ok(pay::bonus(&state.db, cx.by(), ExchangeeId::parse(raw)?, year).await?.1)
}

async fn band_choice_page(
    state: &AppState,
    cx: &Ctx,
    raw: &str,
    year: i32,
    typed: Option<&PayBandChoiceInput>,
) -> Result<FormPage, AppError> {
    let b = exchangee_bonus(state, cx, raw, year).await?;
    let chosen = match typed {
        Some(t) => t.pay_band.clone().unwrap_or_default(),
        None if b.band_from == pay::BandFrom::Opc => b.pay_band.map(|p| p.as_str().to_string()).unwrap_or_default(),
        None => String::new(),
    };
    let reason = typed.map_or_else(|| b.band_reason.clone(), |t| t.reason.clone());
    let options = options_with(
        "지정하지 않음 (교류직위 직급에 따름)",
        &chosen,
        PayBand::ALL.iter().map(|p| (p.as_str().to_string(), p.label_ko().to_string())).collect(),
    );
    let mut hidden = vec![Hidden { name: "year", value: year.to_string() }];
    if let Some(v) = b.band_version {
        hidden.push(Hidden { name: "version", value: v.to_string() });
    }
    Ok(FormPage {
        layout: Layout::nested(cx, Section::Pay, crumbs(year), "보수 등급 지정"),
        heading: format!("보수 등급 지정: {}", who(&b)),
        context: vec![
            Fact::new("교류자", who(&b)),
            Fact::new(
                "지금 보수 등급",
                format!("{} ({})", b.pay_band.map_or("미지정", PayBand::label_ko), b.band_from.label_ko()),
            ),
        ],
        intro: vec!["교류직위의 직급으로 보수 등급을 알 수 없거나 본인의 보수 등급이 다를 때 지정합니다. 지정하려면 사유가 필요합니다.".into()],
        alert: None,
        form: FormView {
            action: Endpoint::PageExchangeePayBandEdit.href(&[&b.exchangee_id]),
            csrf: cx.csrf(),
            hidden,
            fields: vec![
                Field::select("pay_band", "보수 등급", options),
                Field::textarea("reason", "지정 사유", &reason, 2),
            ],
            submit: "보수 등급 저장",
            cancel: bonuses_href(year),
        },
        reload: format!("{}?year={year}", Endpoint::PageExchangeePayBandForm.href(&[&b.exchangee_id])),
    })
}

pub(crate) async fn band_choice_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<YearQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async { band_choice_page(&state, &cx, &raw, q.year()?, None).await }.await;
    respond(result, &cx)
}

/// The band form's fields, with the year it returns to.
#[derive(serde::Deserialize, Default)]
pub(crate) struct BandChoiceForm {
    year: Option<String>,
    pay_band: Option<String>,
    reason: Option<String>,
    version: Option<String>,
}

pub(crate) async fn band_choice_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    form: Result<Form<BandChoiceForm>, FormRejection>,
) -> Response {
    let f = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let input =
        PayBandChoiceInput { pay_band: f.pay_band.clone(), reason: f.reason.clone(), version: f.version.clone() };
    let year = (YearQuery { year: f.year.clone() }).year().ok();
    let result = async {
        pay::choose_band(&state.db, cx.by(), ExchangeeId::parse(&raw)?, &input).await?;
        Ok::<_, AppError>(year.map_or_else(list_href, |y| format!("{}?saved=1", bonuses_href(y))))
    }
    .await;
    let year = year.unwrap_or(2024);
    answer(&cx, result, async || band_choice_page(&state, &cx, &raw, year, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// 8. OPC records and confirms an exchangee's rating.

async fn rating_page(
    state: &AppState,
    cx: &Ctx,
    raw: &(String, String),
    typed: Option<&ExchangeeRatingInput>,
) -> Result<FormPage, AppError> {
    let year = pay::parse_year(&raw.1)?;
    let b = exchangee_bonus(state, cx, &raw.0, year).await?;
    let r = b.rating.as_ref();
    let (pre, confirmed, reason) = match typed {
        Some(t) => (t.pre_exchange_grade.clone(), t.confirmed_grade.clone(), t.reason.clone()),
        None => (
            r.map(|r| r.pre_exchange_grade.clone()),
            r.and_then(|r| r.confirmed_grade.clone()),
            r.and_then(|r| r.reason.clone()),
        ),
    };
    let grades = || GradeScale::sabc().grades().iter().map(|g| (g.clone(), format!("{g}등급"))).collect::<Vec<_>>();
    let mut hidden = vec![];
    if let Some(r) = r {
        hidden.push(Hidden { name: "version", value: r.version.to_string() });
    }
    let mut context = vec![Fact::new("교류자", who(&b)), Fact::new("연도", format!("{year}년"))];
    if let Some(r) = r {
        context.push(Fact::new("권고", r.recommendation.clone()));
    }
    Ok(FormPage {
        layout: Layout::nested(cx, Section::Pay, crumbs(year), "개인 성과등급"),
        heading: format!("개인 성과등급 권고·확정: {}", who(&b)),
        context,
        intro: vec![
            "교류 전 등급을 입력하면 한 단계 이상 높은 등급이 권고됩니다(최상위 등급까지). 권고보다 낮은 등급으로 확정하려면 사유가 필요합니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PageExchangeeRatingEdit.href(&[&b.exchangee_id, &year]),
            csrf: cx.csrf(),
            hidden,
            fields: vec![
                Field::select("pre_exchange_grade", "교류 전 등급", options_with("선택하세요", pre.as_deref().unwrap_or(""), grades()))
                    .required(),
                Field::select(
                    "confirmed_grade",
                    "확정 등급",
                    options_with("아직 확정하지 않음", confirmed.as_deref().unwrap_or(""), grades()),
                ),
                Field::textarea("reason", "확정 사유", &reason, 2).hint("권고보다 낮은 등급으로 확정할 때 필요합니다."),
            ],
            submit: "성과등급 저장",
            cancel: bonuses_href(year),
        },
        reload: Endpoint::PageExchangeeRatingForm.href(&[&b.exchangee_id, &year]),
    })
}

pub(crate) async fn rating_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<(String, String)>) -> Response {
    respond(rating_page(&state, &cx, &raw, None).await, &cx)
}

pub(crate) async fn rating_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<ExchangeeRatingInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let year = pay::parse_year(&raw.1)?;
        pay::set_rating(&state.db, cx.by(), ExchangeeId::parse(&raw.0)?, year, &input).await?;
        Ok::<_, AppError>(format!("{}?saved=1", bonuses_href(year)))
    }
    .await;
    answer(&cx, result, async || rating_page(&state, &cx, &raw, Some(&input)).await).await
}
