//! Signing in and out, and one's own account: profile, password change and API tokens.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Form;
use hanteam_app::accounts::{self, CreatedToken, EmailInput, PasswordChangeInput, TokenInput};
use hanteam_app::demo::DemoAccount;
use hanteam_domain::access::Right;
use hanteam_domain::{TokenId, ValidationError};
use serde::Deserialize;

use super::context::Ctx;
use super::form::{form_input, mark_errors, Alert, AlertItem, Field};
use super::format::{when, When};
use super::layout::{Layout, Section};
use super::links;
use super::render::{error_page, no_store, render, see_other};
use super::widgets::{Cell, Table};
use crate::auth::csrf::{pre_session_token, with_cookie};
use crate::auth::session::{removal_cookie, start_session};
use crate::error::AppError;
use crate::AppState;

/// A sign-in redirect target must be a path of this site, never another origin.
/// Browsers drop tabs and newlines from URLs and treat a backslash as `/`, so `/\t/evil.example` would
/// leave the site: any of those anywhere refuses the target.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            n.to_string()
        }
        _ => links::home(),
    }
}

// ---------------------------------------------------------------------------------------------
// Sign-in and sign-out.

#[derive(Deserialize, Default)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct SignInInput {
    login: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    alert: Option<Alert>,
    csrf: String,
    next: String,
    fields: Vec<Field>,
    /// The demo accounts of this run (`serve --demo`), with their passwords.
    demo: Table,
}

fn sign_in_fields(login: &str) -> Vec<Field> {
    vec![
        Field::text("login", "아이디", &Some(login.to_string())).autocomplete("username"),
        Field::password("password", "비밀번호", "current-password"),
    ]
}

fn sign_in_page(cx: &Ctx, state: &AppState, csrf: String, next: &str, login: &str) -> SignInPage {
    SignInPage {
        layout: Layout::plain(cx, "로그인"),
        alert: None,
        csrf,
        next: next.into(),
        fields: sign_in_fields(login),
        demo: demo_table(&state.demo_accounts),
    }
}

fn demo_table(accounts: &[DemoAccount]) -> Table {
    Table {
        caption: "체험용 계정: 아이디, 비밀번호, 역할(설명)".into(),
        head: vec!["아이디", "비밀번호", "역할 (설명)"],
        rows: accounts
            .iter()
            .map(|d| {
                vec![Cell::HeadCode(d.login.clone()), Cell::Code(d.password.clone()), Cell::Text(d.description.clone())]
            })
            .collect(),
        scroll_label: None,
    }
}

/// The page with the pre-session CSRF token, setting its cookie when the browser has none yet.
fn sign_in_response(status: StatusCode, page: &SignInPage, cookie: Option<cookie::Cookie<'static>>) -> Response {
    let response = no_store(render(status, page));
    match cookie {
        Some(c) => with_cookie(response, &c),
        None => response,
    }
}

pub(crate) async fn sign_in_form(
    State(state): State<AppState>,
    cx: Ctx,
    headers: HeaderMap,
    q: Result<Query<NextQuery>, QueryRejection>,
) -> Response {
    let next = safe_next(q.ok().and_then(|Query(q)| q.next).as_deref());
    if cx.viewer.account.is_some() {
        return see_other(&next);
    }
    let (token, cookie) = pre_session_token(&headers, cx.viewer.https);
    sign_in_response(StatusCode::OK, &sign_in_page(&cx, &state, token, &next, ""), cookie)
}

pub(crate) async fn sign_in(
    State(state): State<AppState>,
    cx: Ctx,
    headers: HeaderMap,
    form: Result<Form<SignInInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let next = safe_next(input.next.as_deref());
    let login = input.login.clone().unwrap_or_default();
    let password = input.password.as_deref().unwrap_or_default();
    let addr = cx.viewer.client_addr().map(str::to_string);
    match accounts::sign_in(db, &login, password, addr.as_deref()).await.map_err(AppError::from) {
        Ok(signed_in) => {
            let started = async {
                // A browser signing in as someone (else) ends the session it had.
                if cx.viewer.account.is_some() {
                    accounts::sign_out(db, cx.by()).await?;
                }
                let cookie = start_session(&state, signed_in.user_id, addr.as_deref(), cx.viewer.https).await?;
                Ok::<_, AppError>(cookie)
            };
            match started.await {
                Ok(cookie) => {
                    let target = if signed_in.must_change_password {
                        format!("{}?password=required", links::account())
                    } else {
                        next
                    };
                    with_cookie(see_other(&target), &cookie)
                }
                Err(e) => error_page(e, &cx),
            }
        }
        Err(err @ (AppError::Unauthenticated(_) | AppError::Locked { .. } | AppError::Invalid(_))) => {
            let (token, cookie) = pre_session_token(&headers, cx.viewer.https);
            let mut page = sign_in_page(&cx, &state, token, &next, &login);
            let status = match &err {
                AppError::Invalid(errors) => {
                    page.alert = Some(mark_errors(&mut page.fields, errors));
                    StatusCode::BAD_REQUEST
                }
                _ => {
                    page.alert = Some(Alert::danger("로그인 실패", &err.detail().message));
                    err.status()
                }
            };
            let mut response = sign_in_response(status, &page, cookie);
            if let AppError::Locked { retry_after_secs } = err {
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.max(1).to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            response
        }
        Err(e) => error_page(e, &cx),
    }
}

pub(crate) async fn sign_out(State(state): State<AppState>, cx: Ctx) -> Response {
    match accounts::sign_out(&state.db, cx.by()).await {
        Ok(()) => with_cookie(see_other(&links::home()), &removal_cookie(cx.viewer.https)),
        Err(e) => error_page(e, &cx),
    }
}

// ---------------------------------------------------------------------------------------------
// The account page.

#[derive(Deserialize, Default)]
pub(crate) struct AccountQuery {
    password: Option<String>,
    changed: Option<String>,
    revoked: Option<String>,
    email: Option<String>,
}

struct TokenRow {
    id: TokenId,
    name: String,
    rights: String,
    created: When,
    last_used: Option<When>,
    revoked: Option<When>,
    /// The revoke form's message (the confirmation box was not ticked).
    error: Option<String>,
}

/// A right the new token may carry.
struct RightChoice {
    id: String,
    value: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    alert: Option<Alert>,
    login: String,
    name: String,
    roles: Vec<String>,
    /// The person must change the initial password before anything else.
    password_required: bool,
    password_fields: Vec<Field>,
    tokens: Vec<TokenRow>,
    token_name: Field,
    rights: Vec<RightChoice>,
    rights_error: Option<String>,
    csrf: String,
    /// Where reminders are e-mailed, and the account's version the change is based on.
    email_field: Field,
    version: i64,
}

fn rights_text(rights: &[Right]) -> String {
    rights.iter().map(|r| r.label_ko()).collect::<Vec<_>>().join(", ")
}

fn password_fields() -> Vec<Field> {
    vec![
        Field::password("current_password", "현재 비밀번호", "current-password"),
        Field::password("new_password", "새 비밀번호", "new-password")
            .hint("10자 이상으로, 영문자·숫자·특수문자 중 두 종류 이상을 섞어 주세요. 아이디는 넣을 수 없습니다."),
        Field::password("new_password_confirm", "새 비밀번호 확인", "new-password")
            .hint("새 비밀번호를 한 번 더 입력합니다."),
    ]
}

/// What the create-token form shows again: the name and the rights ticked.
struct TokenDraft {
    name: Option<String>,
    rights: Vec<String>,
}

impl Default for TokenDraft {
    fn default() -> Self {
        TokenDraft { name: None, rights: vec![Right::Read.as_str().to_string()] }
    }
}

async fn account_view(state: &AppState, cx: &Ctx, draft: &TokenDraft) -> Result<AccountPage, AppError> {
    let db = &state.db;
    let p = cx.by().signed_in()?;
    let account = cx.viewer.account.as_ref().ok_or_else(AppError::forbidden)?;
    let mine = accounts::my_account(db, cx.by()).await?;
    let roles = mine.roles;
    let tokens = accounts::tokens(db, cx.by())
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            rights: rights_text(&t.rights),
            created: when(t.created_at),
            last_used: t.last_used_at.map(when),
            revoked: t.revoked_at.map(when),
            error: None,
        })
        .collect();
    let rights = p
        .grantable_rights()
        .into_iter()
        .map(|r| RightChoice {
            id: format!("f-right-{}", r.as_str()),
            value: r.as_str(),
            label: r.label_ko(),
            checked: draft.rights.iter().any(|x| x == r.as_str()),
        })
        .collect();
    Ok(AccountPage {
        layout: Layout::section(cx, Section::Account),
        alert: None,
        login: account.login.clone(),
        name: account.display_name.clone(),
        roles: roles.iter().map(|r| r.label_ko()).collect(),
        password_required: account.must_change_password,
        password_fields: password_fields(),
        tokens,
        token_name: Field::text("name", "토큰 이름", &draft.name)
            .hint("무엇에 쓰는 토큰인지 적습니다(예: 성과 집계 스크립트). 60자 이내."),
        rights,
        rights_error: None,
        csrf: cx.csrf(),
        email_field: Field::email("email", "이메일 주소", &mine.user.email)
            .hint("비워 두면 알림을 메일로 보내지 않습니다. 예: hong@korea.kr"),
        version: mine.user.version,
    })
}

pub(crate) async fn account_page(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<AccountQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    match account_view(&state, &cx, &TokenDraft::default()).await {
        Ok(mut page) => {
            page.password_required |= q.password.as_deref() == Some("required");
            page.alert = if page.password_required {
                Some(Alert::info("처음 받은 비밀번호를 바꿔야 다른 화면을 쓸 수 있습니다. 아래 '비밀번호 변경'에서 새 비밀번호를 정해 주세요."))
            } else if q.changed.as_deref() == Some("1") {
                Some(Alert::ok("비밀번호를 바꾸었습니다. 다른 곳에서 로그인해 있던 세션은 모두 끝났고, 내 API 토큰은 모두 폐기되었습니다. 필요한 토큰은 아래에서 새로 만들어 주세요."))
            } else if q.email.as_deref() == Some("1") {
                Some(Alert::ok("이메일 주소를 저장했습니다. 이제부터 알림을 이 주소로도 보냅니다(주소를 비웠다면 보내지 않습니다)."))
            } else if q.revoked.as_deref() == Some("1") {
                Some(Alert::ok("토큰을 폐기했습니다. 이 토큰으로 보내는 요청은 더 받지 않습니다."))
            } else {
                None
            };
            no_store(render(StatusCode::OK, &page))
        }
        Err(e) => error_page(e, &cx),
    }
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    cx: Ctx,
    form: Result<Form<PasswordChangeInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let Some(user_id) = cx.viewer.account.as_ref().map(|a| a.id) else {
        return error_page(AppError::forbidden(), &cx);
    };
    match accounts::change_password(db, cx.by(), &input).await.map_err(AppError::from) {
        // Every session of the person has ended: this browser gets a new one.
        Ok(()) => match start_session(&state, user_id, cx.viewer.client_addr(), cx.viewer.https).await {
            Ok(cookie) => with_cookie(see_other(&format!("{}?changed=1", links::account())), &cookie),
            Err(e) => error_page(e, &cx),
        },
        Err(AppError::Invalid(errors)) => match account_view(&state, &cx, &TokenDraft::default()).await {
            Ok(mut page) => {
                page.alert = Some(mark_errors(&mut page.password_fields, &errors));
                no_store(render(StatusCode::BAD_REQUEST, &page))
            }
            Err(e) => error_page(e, &cx),
        },
        Err(e) => error_page(e, &cx),
    }
}

/// Saves one's own e-mail address; wrong input shows the page again with the message next to it.
pub(crate) async fn change_email(
    State(state): State<AppState>,
    cx: Ctx,
    form: Result<Form<EmailInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    match accounts::set_my_email(&state.db, cx.by(), &input).await.map_err(AppError::from) {
        Ok(_) => see_other(&format!("{}?email=1", links::account())),
        Err(err @ (AppError::Invalid(_) | AppError::Stale { .. })) => {
            match account_view(&state, &cx, &TokenDraft::default()).await {
                Ok(mut page) => {
                    page.email_field.value = input.email.clone().unwrap_or_default();
                    let status = err.status();
                    page.alert = Some(match &err {
                        AppError::Invalid(errors) => mark_errors(std::slice::from_mut(&mut page.email_field), errors),
                        _ => Alert::danger(
                            "다른 곳에서 먼저 고쳤습니다",
                            "계정 정보가 그 사이에 바뀌었습니다. 아래 주소를 확인하고 다시 저장해 주세요. 아무것도 바뀌지 않았습니다.",
                        ),
                    });
                    no_store(render(status, &page))
                }
                Err(e) => error_page(e, &cx),
            }
        }
        Err(e) => error_page(e, &cx),
    }
}

// ---------------------------------------------------------------------------------------------
// API tokens.

#[derive(Template)]
#[template(path = "token_created.html")]
struct TokenCreatedPage {
    layout: Layout,
    token: CreatedToken,
    rights: String,
    /// This server's address, for the example request.
    origin: String,
}

/// The create form's fields: `name` once, `rights` once per ticked box (which `axum::Form` cannot
/// read into a list).
fn token_input(body: &[u8]) -> Result<TokenInput, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|_| {
        AppError::invalid("body", "입력 양식을 읽을 수 없습니다. 화면을 새로 고친 뒤 다시 보내 주세요.")
    })?;
    let mut input = TokenInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "name" => input.name = Some(v),
            "rights" => input.rights.push(v),
            _ => {}
        }
    }
    Ok(input)
}

pub(crate) async fn create_token(State(state): State<AppState>, cx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let input = match token_input(&body) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    match accounts::create_token(&state.db, cx.by(), &input).await.map_err(AppError::from) {
        Ok(token) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
            let scheme = if cx.viewer.https { "https" } else { "http" };
            let page = TokenCreatedPage {
                layout: Layout::nested(&cx, Section::Account, vec![], "API 토큰을 만들었습니다"),
                rights: rights_text(&token.rights),
                token,
                origin: format!("{scheme}://{host}"),
            };
            no_store(render(StatusCode::OK, &page))
        }
        Err(AppError::Invalid(errors)) => {
            let draft = TokenDraft { name: input.name.clone(), rights: input.rights.clone() };
            match account_view(&state, &cx, &draft).await {
                Ok(mut page) => {
                    show_token_errors(&mut page, &errors);
                    no_store(render(StatusCode::BAD_REQUEST, &page))
                }
                Err(e) => error_page(e, &cx),
            }
        }
        Err(e) => error_page(e, &cx),
    }
}

/// The name's message goes next to the name, the rights' next to the boxes; all are listed on top.
fn show_token_errors(page: &mut AccountPage, errors: &[ValidationError]) {
    let mut alert = mark_errors(std::slice::from_mut(&mut page.token_name), errors);
    let first_box = page.rights.first().map(|r| r.id.clone());
    let mut rights_messages = Vec::new();
    for (item, e) in alert.items.iter_mut().zip(errors) {
        if e.field == "rights" {
            item.target = first_box.clone();
            rights_messages.push(e.message.clone());
        }
    }
    if !rights_messages.is_empty() {
        page.rights_error = Some(rights_messages.join(" "));
    }
    page.alert = Some(alert);
}

#[derive(Deserialize, Default)]
pub(crate) struct RevokeInput {
    confirm: Option<String>,
}

pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<RevokeInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let token = match TokenId::parse(&id) {
        Ok(t) => t,
        Err(e) => return error_page(e, &cx),
    };
    if input.confirm.as_deref() == Some("yes") {
        return match accounts::revoke_token(&state.db, cx.by(), token).await {
            Ok(()) => see_other(&format!("{}?revoked=1", links::account())),
            Err(e) => error_page(e, &cx),
        };
    }
    // Not confirmed: the page again, the message next to that token's box.
    match account_view(&state, &cx, &TokenDraft::default()).await {
        Ok(mut page) => {
            let message = "폐기하려면 먼저 '폐기를 확인합니다'에 표시해 주세요. 토큰은 폐기되지 않았습니다.";
            let Some(row) = page.tokens.iter_mut().find(|t| t.id == token && t.revoked.is_none()) else {
                return error_page(
                    AppError::NotFound(format!("{token}번 토큰(이미 폐기되었거나 내 토큰이 아님)")),
                    &cx,
                );
            };
            row.error = Some(message.into());
            let target = format!("f-confirm-{}", row.id);
            let mut alert = Alert::danger("입력 오류", "아무것도 바뀌지 않았습니다.");
            alert.items.push(AlertItem { message: message.into(), target: Some(target) });
            page.alert = Some(alert);
            no_store(render(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => error_page(e, &cx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_only_to_this_site() {
        assert_eq!(safe_next(Some("/tasks/1")), "/tasks/1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/tasks?q=a b")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
