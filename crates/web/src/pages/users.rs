//! The administration of accounts (OPC administrators): the list of accounts, a new account with
//! its one-time password, disabling an account, and a new one-time password for someone who lost
//! theirs. The same use cases as `hanteam user …` on the server.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use hanteam_app::accounts::{self, Created, Disabled, UserRef};
use hanteam_app::views::Agency;
use hanteam_app::{registry, Db, UserView};
use hanteam_domain::access::Role;
use hanteam_domain::account::AccountFields;
use hanteam_domain::edit::{parse_version, VersionInput};
use hanteam_domain::korean::{with_particle, Particle};
use hanteam_domain::UserId;

use super::context::Ctx;
use super::form::{answer, mark_errors, posted, Alert, ConfirmPage, Fact, Field};
use super::format::when;
use super::layout::{Layout, Section};
use super::links;
use super::render::{error_page, no_store, render, respond};
use super::widgets::{options_with, Action, Cell, ListQuery, Pager, Table};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

/// "사용 중", "사용 중지 (2024. 5. 1. 09:00부터)", with "비밀번호 변경 필요" when so.
fn state_text(u: &UserView) -> String {
    let mut state = match u.user.disabled_at {
        Some(at) => format!("사용 중지 ({}부터)", when(at).text),
        None => "사용 중".to_string(),
    };
    if u.user.must_change_password && u.user.disabled_at.is_none() {
        state.push_str(", 비밀번호 변경 필요");
    }
    state
}

fn roles_text(u: &UserView) -> String {
    let mut roles: Vec<String> = u.roles.iter().map(|r| r.label_ko()).collect();
    if u.user.is_private_expert {
        roles.push("민간 전문가".into());
    }
    roles.join(", ")
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    table: Table,
    total: i64,
    disabled: i64,
    pager: Option<Pager>,
    saved: bool,
}

pub(crate) async fn user_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let paging = q.paging()?;
        let users = accounts::users(&state.db, cx.by(), paging).await?;
        let disabled = accounts::disabled_count(&state.db, cx.by()).await?;
        let me = cx.viewer.account.as_ref().map(|a| a.id);
        let rows = users
            .items
            .iter()
            .map(|u| {
                let id = UserId::new(u.user.id);
                let mut actions = Vec::new();
                if u.user.disabled_at.is_none() {
                    actions.push(Action {
                        href: links::user_reset(&id),
                        label: "비밀번호 다시 만들기",
                        of: u.user.login.clone(),
                    });
                    if me != Some(id) {
                        actions.push(Action {
                            href: links::user_disable(&id),
                            label: "사용 중지",
                            of: u.user.login.clone(),
                        });
                    }
                }
                vec![
                    Cell::HeadCode(u.user.login.clone()),
                    Cell::Text(u.user.display_name.clone()),
                    Cell::Text(roles_text(u)),
                    Cell::Text(state_text(u)),
                    Cell::Actions(actions),
                ]
            })
            .collect();
        Ok::<_, AppError>(UsersPage {
            layout: Layout::section(&cx, Section::Users),
            total: users.total,
            disabled,
            pager: q.pager(&links::users(), paging, users.total),
            saved: q.saved(),
            table: Table {
                caption: "계정 목록: 아이디, 이름, 역할, 상태, 관리".into(),
                head: vec!["아이디", "이름", "역할", "상태", "관리"],
                rows,
                scroll_label: Some("계정 목록 표".into()),
            },
        })
    }
    .await;
    match result {
        Ok(page) => no_store(render(StatusCode::OK, &page)),
        Err(e) => error_page(e, &cx),
    }
}

// ---------------------------------------------------------------------------------------------
// A new account.

/// A role to tick on the new-account form.
struct RoleChoice {
    id: String,
    value: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    layout: Layout,
    alert: Option<Alert>,
    csrf: String,
    login: Field,
    name: Field,
    email: Field,
    roles: Vec<RoleChoice>,
    roles_error: Option<String>,
    agency: Field,
    position: Field,
    private_expert: bool,
}

async fn new_user_page(db: &Db, cx: &Ctx, input: &AccountFields) -> Result<NewUserPage, AppError> {
    // Only those who may add accounts see the form.
    accounts::disabled_count(db, cx.by()).await?;
    let agencies: Vec<Agency> = registry::agency_choices(db).await?;
    let positions = accounts::exchange_positions(db).await?;
    let first = |v: &[String]| v.first().cloned();
    Ok(NewUserPage {
        layout: Layout::nested(cx, Section::Users, vec![], "새 계정 만들기"),
        alert: None,
        csrf: cx.csrf(),
        login: Field::text("login", "아이디", &input.login)
            .required()
            .hint("3~40자의 영문 소문자, 숫자, 점(.), 밑줄(_), 하이픈(-)으로 정합니다.")
            .autocomplete("off"),
        name: Field::text("display_name", "이름", &input.display_name).required().hint("예: 김민준 (100자 이내)"),
        email: Field::email("email", "이메일 주소", &input.email).hint(
            "알림을 메일로도 받을 주소입니다. 비워 두어도 되고, 본인이 내 정보에서 고칠 수 있습니다. 예: hong@korea.kr",
        ),
        roles: Role::ALL
            .iter()
            .map(|r| RoleChoice {
                id: format!("f-role-{}", r.as_str()),
                value: r.as_str(),
                label: r.label_ko(),
                checked: input.roles.iter().any(|x| x == r.as_str()),
            })
            .collect(),
        roles_error: None,
        agency: Field::select(
            "agency",
            "소속 기관",
            options_with(
                "없음",
                first(&input.agencies).as_deref().unwrap_or(""),
                agencies.iter().map(|a| (a.short_name.clone(), format!("{} ({})", a.short_name, a.name))).collect(),
            ),
        )
        .hint("기관 담당자에게만 고릅니다. 그 기관이 참여하는 과제에서 그 기관의 역할을 고칠 수 있습니다."),
        position: Field::select(
            "position",
            "교류직위",
            options_with(
                "없음",
                first(&input.positions).as_deref().unwrap_or(""),
                positions
                    .iter()
                    .map(|p| (p.id.to_string(), format!("{} {} ({}번)", p.agency, p.title, p.id)))
                    .collect(),
            ),
        )
        .hint("교류자에게만 고릅니다. 그 교류직위 쌍의 과제에 추진실적을 적을 수 있습니다."),
        private_expert: input.private_expert.is_some(),
    })
}

pub(crate) async fn new_form(State(state): State<AppState>, cx: Ctx) -> Response {
    respond(new_user_page(&state.db, &cx, &AccountFields::default()).await, &cx)
}

/// The new-account form's fields: `roles` once per ticked box (which `axum::Form` cannot read
/// into a list).
fn account_fields(body: &[u8]) -> Result<AccountFields, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|_| {
        AppError::invalid("body", "입력 양식을 읽을 수 없습니다. 화면을 새로 고친 뒤 다시 보내 주세요.")
    })?;
    let mut fields = AccountFields::default();
    for (k, v) in pairs {
        match k.as_str() {
            "login" => fields.login = Some(v),
            "display_name" => fields.display_name = Some(v),
            "email" => fields.email = Some(v),
            "roles" => fields.roles.push(v),
            "agency" if !v.trim().is_empty() => fields.agencies.push(v),
            "position" if !v.trim().is_empty() => fields.positions.push(v),
            "private_expert" => fields.private_expert = Some(v),
            _ => {}
        }
    }
    Ok(fields)
}

#[derive(Template)]
#[template(path = "password_shown.html")]
struct PasswordPage {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
    login: String,
    name: String,
    password: String,
}

fn password_page(cx: &Ctx, heading: &'static str, message: &'static str, created: Created) -> Response {
    let page = PasswordPage {
        layout: Layout::nested(cx, Section::Users, vec![], heading),
        heading,
        message,
        login: created.user.user.login,
        name: created.user.user.display_name,
        password: created.password.0,
    };
    no_store(render(StatusCode::OK, &page))
}

pub(crate) async fn create(State(state): State<AppState>, cx: Ctx, body: Bytes) -> Response {
    let fields = match account_fields(&body) {
        Ok(f) => f,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    match accounts::add_user_from(db, cx.by(), &fields).await.map_err(AppError::from) {
        Ok(created) => password_page(
            &cx,
            "계정을 만들었습니다",
            "아래 일회용 비밀번호를 본인에게 안전하게 전해 주세요. 첫 로그인 때 새 비밀번호로 바꿔야 합니다.",
            created,
        ),
        Err(AppError::Invalid(errors)) => match new_user_page(db, &cx, &fields).await {
            Ok(mut page) => {
                let mut inputs = [page.login, page.name, page.email, page.agency, page.position];
                let mut alert = mark_errors(&mut inputs, &errors);
                [page.login, page.name, page.email, page.agency, page.position] = inputs;
                let first_box = page.roles.first().map(|r| r.id.clone());
                let mut messages = Vec::new();
                for (item, e) in alert.items.iter_mut().zip(&errors) {
                    if e.field == "role" {
                        item.target = first_box.clone();
                        messages.push(e.message.clone());
                    }
                }
                page.roles_error = (!messages.is_empty()).then(|| messages.join(" "));
                page.alert = Some(alert);
                no_store(render(StatusCode::BAD_REQUEST, &page))
            }
            Err(e) => error_page(e, &cx),
        },
        Err(e) => error_page(e, &cx),
    }
}

// ---------------------------------------------------------------------------------------------
// Disabling an account, and a new one-time password.

fn user_facts(u: &UserView) -> Vec<Fact> {
    vec![
        Fact::new("아이디", u.user.login.clone()),
        Fact::new("이름", u.user.display_name.clone()),
        Fact::new("역할", roles_text(u)),
    ]
}

fn confirm_page(cx: &Ctx, u: &UserView, disable: bool, version: &Option<String>) -> ConfirmPage {
    let id = UserId::new(u.user.id);
    let (heading, message, form, submit): (&str, Vec<String>, Endpoint, &'static str) = if disable {
        (
            "계정 사용 중지",
            vec![
                format!(
                    "계정 {} 사용 중지합니다. 열려 있는 로그인 세션도 모두 끝납니다.",
                    with_particle(&format!("'{}'({})", u.user.login, u.user.display_name), Particle::Object)
                ),
                "계정과 그 감사기록은 지워지지 않고 남습니다.".into(),
            ],
            Endpoint::UserDisable,
            "사용 중지",
        )
    } else {
        (
            "비밀번호 다시 만들기",
            vec![
                format!("계정 '{}'({})에 새 일회용 비밀번호를 만듭니다. 이전 비밀번호는 더 쓸 수 없고, 열려 있는 로그인 세션도 모두 끝납니다.", u.user.login, u.user.display_name),
                "새 비밀번호는 다음 화면에 한 번만 표시됩니다.".into(),
            ],
            Endpoint::UserReset,
            "비밀번호 다시 만들기",
        )
    };
    ConfirmPage {
        layout: Layout::nested(cx, Section::Users, vec![], heading),
        heading: heading.into(),
        context: user_facts(u),
        message,
        alert: None,
        action: form.href(&[&id]),
        csrf: cx.csrf(),
        version: version.clone().unwrap_or_default(),
        submit,
        cancel: links::users(),
        reload: if disable { links::user_disable(&id) } else { links::user_reset(&id) },
    }
}

async fn confirm(
    db: &Db,
    cx: &Ctx,
    raw: &str,
    disable: bool,
    version: Option<&Option<String>>,
) -> Result<ConfirmPage, AppError> {
    let u = accounts::user(db, cx.by(), &UserRef::Id(UserId::parse(raw)?)).await?;
    let stored = Some(u.user.version.to_string());
    Ok(confirm_page(cx, &u, disable, version.unwrap_or(&stored)))
}

pub(crate) async fn disable_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    respond(confirm(&state.db, &cx, &id, true, None).await, &cx)
}

pub(crate) async fn disable(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let (input, user): (VersionInput, UserId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = async {
        let version = parse_version(&input)?;
        match accounts::disable_user(db, cx.by(), &UserRef::Id(user), Some(version)).await? {
            Disabled::Now(_) | Disabled::Already(_) => Ok(links::saved(&links::users())),
        }
    }
    .await;
    answer(&cx, result, async || confirm(db, &cx, &id, true, Some(&input.version)).await).await
}

pub(crate) async fn reset_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    respond(confirm(&state.db, &cx, &id, false, None).await, &cx)
}

pub(crate) async fn reset(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let (input, user): (VersionInput, UserId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = async {
        let version = parse_version(&input)?;
        Ok::<_, AppError>(accounts::reset_password(db, cx.by(), &UserRef::Id(user), Some(version)).await?)
    }
    .await;
    match result {
        Ok(created) => password_page(
            &cx,
            "비밀번호를 다시 만들었습니다",
            "아래 일회용 비밀번호를 본인에게 안전하게 전해 주세요. 다음 로그인 때 새 비밀번호로 바꿔야 합니다. \
             이 계정으로 열려 있던 로그인 세션은 모두 끝났고, 이 계정의 API 토큰은 모두 폐기되었습니다.",
            created,
        ),
        Err(e) => answer(&cx, Err(e), async || confirm(db, &cx, &id, false, Some(&input.version)).await).await,
    }
}
