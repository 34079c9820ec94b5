//! What every form page shares: labelled KRDS fields with their messages, the alert at the top, and
//! the answer to a POST (303 on success; the same form again with 400 for wrong input or 409 when
//! someone else saved first, keeping what the user typed).

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use hanteam_domain::{RecordId, ValidationError};

use super::context::Ctx;
use super::layout::Layout;
use super::render::{error_page, render, see_other};
use super::widgets::Opt;
use crate::error::AppError;

/// One labelled control: a text-like input, a textarea or a select.
pub(crate) struct Field {
    pub id: String,
    /// The form field's name (a report's lines are named by their record: `ms_12_done_on`).
    pub name: std::borrow::Cow<'static, str>,
    pub label: String,
    /// `type` of an `<input>`: text, date, password.
    pub input_type: &'static str,
    pub value: String,
    /// A select's options (the control is a `<select>`).
    pub options: Option<Vec<Opt>>,
    /// A textarea's rows (the control is a `<textarea>`).
    pub rows: Option<u32>,
    /// Checkboxes of one name, in a fieldset (several values may be chosen).
    pub checks: Option<Vec<Opt>>,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub required: bool,
    pub autocomplete: Option<&'static str>,
}

impl Field {
    fn new(
        name: impl Into<std::borrow::Cow<'static, str>>,
        label: &str,
        input_type: &'static str,
        value: String,
    ) -> Field {
        let name = name.into();
        Field {
            id: format!("f-{}", name.replace('_', "-")),
            name,
            label: label.into(),
            input_type,
            value,
            options: None,
            rows: None,
            checks: None,
            hint: None,
            error: None,
            required: false,
            autocomplete: None,
        }
    }

    pub fn text(name: impl Into<std::borrow::Cow<'static, str>>, label: &str, value: &Option<String>) -> Field {
        Field::new(name, label, "text", value.clone().unwrap_or_default())
    }

    /// A date as `<input type="date">` (the value is YYYY-MM-DD; a browser without a date picker
    /// shows a text box, hence the hint).
    pub fn date(name: impl Into<std::borrow::Cow<'static, str>>, label: &str, value: &Option<String>) -> Field {
        Field::new(name, label, "date", value.clone().unwrap_or_default()).hint("2024-06-30처럼 연-월-일로 입력합니다.")
    }

    pub fn textarea(
        name: impl Into<std::borrow::Cow<'static, str>>,
        label: &str,
        value: &Option<String>,
        rows: u32,
    ) -> Field {
        Field { rows: Some(rows), ..Field::new(name, label, "text", value.clone().unwrap_or_default()) }
    }

    pub fn select(name: impl Into<std::borrow::Cow<'static, str>>, label: &str, options: Vec<Opt>) -> Field {
        Field { options: Some(options), ..Field::new(name, label, "text", String::new()) }
    }

    /// Checkboxes of one name; the options marked `selected` are checked.
    pub fn checks(name: &'static str, label: &str, options: Vec<Opt>) -> Field {
        Field { checks: Some(options), ..Field::new(name, label, "checkbox", String::new()) }
    }

    /// A date and time as `<input type="datetime-local">` (2024-07-09T15:00).
    pub fn date_time(name: &'static str, label: &str, value: &Option<String>) -> Field {
        Field::new(name, label, "datetime-local", value.clone().unwrap_or_default())
            .hint("2024-07-09 15:00처럼 연-월-일 시:분으로 입력합니다 (한국 시각).")
    }

    /// An e-mail address (`<input type="email">`).
    pub fn email(name: &'static str, label: &str, value: &Option<String>) -> Field {
        Field { autocomplete: Some("email"), ..Field::new(name, label, "email", value.clone().unwrap_or_default()) }
    }

    /// A password box; it never shows a value back.
    pub fn password(name: &'static str, label: &str, autocomplete: &'static str) -> Field {
        Field { autocomplete: Some(autocomplete), ..Field::new(name, label, "password", String::new()) }
    }

    pub fn hint(mut self, hint: &str) -> Field {
        self.hint = Some(hint.into());
        self
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn autocomplete(mut self, value: &'static str) -> Field {
        self.autocomplete = Some(value);
        self
    }

    /// The ids of the error message and the hint, for `aria-describedby`.
    pub fn describedby(&self) -> String {
        let mut ids = Vec::new();
        if self.error.is_some() {
            ids.push(format!("{}-err", self.id));
        }
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        ids.join(" ")
    }

    /// A select with something chosen (KRDS draws it as `completed`).
    pub fn filled(&self) -> bool {
        self.options.as_ref().is_some_and(|o| o.iter().any(|o| o.selected && !o.value.is_empty()))
    }
}

/// One line of the alert at the top: a message and, when it belongs to a field, a link to it.
pub(crate) struct AlertItem {
    pub message: String,
    pub target: Option<String>,
}

pub(crate) struct Link {
    pub href: String,
    pub label: String,
}

/// A labelled value shown above a form (what is being changed).
pub(crate) struct Fact {
    pub label: String,
    pub value: String,
}

impl Fact {
    pub fn new(label: &str, value: impl Into<String>) -> Fact {
        Fact { label: label.into(), value: value.into() }
    }
}

pub(crate) struct Hidden {
    pub name: &'static str,
    pub value: String,
}

/// The notice at the top of a page (templates/macros.html `alert`).
pub(crate) struct Alert {
    /// `danger`, `ok` or `info` (the badge's colour).
    pub kind: &'static str,
    pub badge: &'static str,
    pub message: String,
    pub items: Vec<AlertItem>,
    pub link: Option<Link>,
    /// `alert` for problems (read out at once), `status` for news.
    pub role: &'static str,
}

impl Alert {
    /// The KRDS badge colour of the kind.
    pub fn badge_class(&self) -> &'static str {
        match self.kind {
            "danger" => "bg-light-danger",
            "ok" => "bg-light-success",
            _ => "bg-light-information",
        }
    }

    pub fn ok(message: &str) -> Alert {
        Alert { kind: "ok", badge: "완료", message: message.into(), items: vec![], link: None, role: "status" }
    }

    pub fn info(message: &str) -> Alert {
        Alert { kind: "info", badge: "안내", message: message.into(), items: vec![], link: None, role: "status" }
    }

    pub fn danger(badge: &'static str, message: &str) -> Alert {
        Alert { kind: "danger", badge, message: message.into(), items: vec![], link: None, role: "alert" }
    }

    /// Someone else saved first: nothing was saved; the form keeps the user's input, and a link
    /// loads the current data.
    pub fn stale(reload: &str) -> Alert {
        Alert {
            link: Some(Link { href: reload.into(), label: "현재 내용 다시 불러오기".into() }),
            ..Alert::danger(
                "저장 안 됨",
                "다른 사람이 먼저 이 내용을 고쳐서 저장하지 않았습니다. 아래에는 입력하신 내용이 그대로 남아 있습니다. \
                 현재 내용을 다시 불러와 확인한 뒤 고쳐 주세요(다시 불러오면 입력하신 내용은 사라지니 필요하면 복사해 두세요).",
            )
        }
    }
}

/// Marks each error on its field, and returns the alert listing them all (with links to the fields).
pub(crate) fn mark_errors(fields: &mut [Field], errors: &[ValidationError]) -> Alert {
    let mut items = Vec::new();
    for e in errors {
        let field = fields.iter_mut().find(|f| f.name == e.field);
        let target = field.map(|f| {
            if f.error.is_none() {
                f.error = Some(e.message.clone());
            }
            f.id.clone()
        });
        items.push(AlertItem { message: e.message.clone(), target });
    }
    let message = if items.len() > 1 {
        format!("입력한 내용에 고칠 곳이 {}군데 있습니다. 아무것도 저장되지 않았습니다.", items.len())
    } else {
        "입력한 내용을 확인해 주세요. 아무것도 저장되지 않았습니다.".to_string()
    };
    Alert { items, ..Alert::danger("입력 오류", &message) }
}

/// A POST form: where it goes, its hidden fields (the CSRF token, the version the change is based
/// on) and its fields.
pub(crate) struct FormView {
    pub action: String,
    pub csrf: String,
    pub hidden: Vec<Hidden>,
    pub fields: Vec<Field>,
    pub submit: &'static str,
    pub cancel: String,
}

/// A page with one form: the edit forms of tasks, their parts and the registry.
#[derive(Template)]
#[template(path = "form.html")]
pub(crate) struct FormPage {
    pub layout: Layout,
    pub heading: String,
    /// What is being changed, above the form.
    pub context: Vec<Fact>,
    pub intro: Vec<String>,
    pub alert: Option<Alert>,
    pub form: FormView,
    /// The form's own address, to load the current data after a conflict.
    pub reload: String,
}

/// A confirmation before a change that takes something away (archive, remove).
#[derive(Template)]
#[template(path = "confirm.html")]
pub(crate) struct ConfirmPage {
    pub layout: Layout,
    pub heading: String,
    pub context: Vec<Fact>,
    pub message: Vec<String>,
    pub alert: Option<Alert>,
    pub action: String,
    pub csrf: String,
    pub version: String,
    pub submit: &'static str,
    pub cancel: String,
    pub reload: String,
}

/// A page that can show the outcome of a refused POST.
pub(crate) trait Refusable: Template {
    fn show_errors(&mut self, errors: &[ValidationError]);
    fn show_stale(&mut self);
}

impl Refusable for FormPage {
    fn show_errors(&mut self, errors: &[ValidationError]) {
        self.alert = Some(mark_errors(&mut self.form.fields, errors));
    }

    fn show_stale(&mut self) {
        self.alert = Some(Alert::stale(&self.reload));
    }
}

impl Refusable for ConfirmPage {
    fn show_errors(&mut self, errors: &[ValidationError]) {
        self.alert = Some(mark_errors(&mut [], errors));
    }

    fn show_stale(&mut self) {
        self.alert = Some(Alert::stale(&self.reload));
    }
}

/// The answer to a form's POST: 303 to `Ok`'s address; the page again (with what the user typed)
/// and 400 for wrong input or 409 when someone else saved first; the error page otherwise.
pub(crate) fn conclude<P: Refusable>(cx: &Ctx, mut page: P, result: Result<String, AppError>) -> Response {
    match result {
        Ok(href) => see_other(&href),
        Err(AppError::Invalid(errors)) => {
            page.show_errors(&errors);
            render(StatusCode::BAD_REQUEST, &page)
        }
        Err(AppError::Stale { .. }) => {
            page.show_stale();
            render(StatusCode::CONFLICT, &page)
        }
        Err(e) => error_page(e, cx),
    }
}

/// The answer to a form's POST, once the use case has run: 303 to the address it gives; when it
/// refused the input (400) or someone saved first (409), the form again with what the user typed,
/// drawn by `page` (nothing was written); the error page otherwise.
pub(crate) async fn answer<P: Refusable>(
    cx: &Ctx,
    result: Result<String, AppError>,
    page: impl AsyncFnOnce() -> Result<P, AppError>,
) -> Response {
    match result {
        Ok(href) => see_other(&href),
        Err(e @ (AppError::Invalid(_) | AppError::Stale { .. })) => match page().await {
            Ok(p) => conclude(cx, p, Err(e)),
            Err(e) => error_page(e, cx),
        },
        Err(e) => error_page(e, cx),
    }
}

/// What a form's POST names: its fields, and the record's id from the path; or why either cannot
/// be read.
pub(crate) fn posted<T, I: RecordId>(form: Result<Form<T>, FormRejection>, raw_id: &str) -> Result<(T, I), AppError> {
    Ok((form_input(form)?, I::parse(raw_id)?))
}

/// A form body, or why it cannot be read.
pub(crate) fn form_input<T>(form: Result<Form<T>, FormRejection>) -> Result<T, AppError> {
    form.map(|Form(input)| input).map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;
    use hanteam_domain::access::Grant;

    use super::super::context::testing::{public, signed_in};
    use super::super::layout::Section;
    use super::super::widgets::options_with;
    use super::*;

    fn page(cx: &Ctx) -> FormPage {
        FormPage {
            layout: Layout::detail(cx, Section::Tasks, "과제 수정"),
            heading: "과제 수정".into(),
            context: vec![Fact::new("과제", "용인 반도체")],
            intro: vec![],
            alert: None,
            form: FormView {
                action: "/tasks/1/edit".into(),
                csrf: cx.csrf(),
                hidden: vec![Hidden { name: "version", value: "3".into() }],
                fields: vec![
                    Field::text("title", "과제명", &Some("  ".into())).required().hint("200자 이내로 적습니다."),
                    Field::select("type", "과제 유형", options_with("선택 안 함", "merger", vec![])),
                    Field::textarea("description", "과제 내용", &Some("<b>굵게</b>".into()), 4),
                ],
                submit: "저장",
                cancel: "/tasks/1".into(),
            },
            reload: "/tasks/1/edit".into(),
        }
    }

    async fn body(r: Response) -> String {
        String::from_utf8(to_bytes(r.into_body(), 1 << 20).await.expect("body").to_vec()).expect("utf-8")
    }

    #[tokio::test]
    async fn wrong_input_is_shown_next_to_each_field_and_listed_on_top_with_400() {
        let cx = signed_in("/tasks/1/edit", vec![Grant::OpcAdmin]);
        let errors = vec![
            ValidationError::new("title", "과제명을 입력해 주세요."),
            ValidationError::new("type", "알 수 없는 과제 유형입니다"),
            ValidationError::new("version", "버전이 없습니다."),
        ];
        let r = conclude(&cx, page(&cx), Err(AppError::Invalid(errors)));
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let html = body(r).await;
        assert!(
            html.contains(r#"aria-required="true" aria-invalid="true" aria-describedby="f-title-err f-title-hint">"#),
            "{html}"
        );
        assert!(html.contains(r#"<p class="form-hint-invalid" id="f-title-err">과제명을 입력해 주세요.</p>"#));
        assert!(
            html.contains(r#"class="krds-form-select is-error" aria-invalid="true" aria-describedby="f-type-err">"#)
        );
        assert!(html.contains(r#"<option value="merger" selected>"#), "the typed value stays");
        assert!(html.contains(r##"<li><a href="#f-title">과제명을 입력해 주세요.</a></li>"##));
        assert!(html.contains("<li>버전이 없습니다.</li>"), "an error without a field is listed without a link");
        assert!(html.contains("고칠 곳이 3군데") && html.contains(r#"role="alert""#));
        assert!(
            html.contains("&#60;b&#62;굵게&#60;/b&#62;</textarea>"),
            "what the user typed is kept, escaped: {html}"
        );
        assert!(html.contains(r#"<input type="hidden" name="csrf_token" value="tok">"#));
        assert!(html.contains(r#"<input type="hidden" name="version" value="3">"#));
    }

    #[tokio::test]
    async fn a_conflict_keeps_the_input_and_links_to_the_current_data_with_409() {
        let cx = signed_in("/tasks/1/edit", vec![Grant::OpcAdmin]);
        let r = conclude(&cx, page(&cx), Err(AppError::Stale { current_version: 4 }));
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let html = body(r).await;
        assert!(html.contains("다른 사람이 먼저 이 내용을 고쳐서 저장하지 않았습니다"));
        assert!(html.contains(r#"<a href="/tasks/1/edit">현재 내용 다시 불러오기</a>"#));
        assert!(
            html.contains(r#"name="version" value="3""#),
            "the old version stays, so saving again is refused again"
        );
    }

    #[tokio::test]
    async fn a_saved_form_sends_the_browser_on_and_a_refusal_is_the_error_page() {
        let cx = signed_in("/tasks/1/edit", vec![Grant::OpcAdmin]);
        let r = conclude(&cx, page(&cx), Ok("/tasks/1?saved=1".into()));
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/tasks/1?saved=1");
        let r = conclude(&cx, page(&cx), Err(AppError::forbidden()));
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(body(r).await.contains("<h1>권한이 없습니다</h1>"));
    }

    #[test]
    fn the_header_shows_the_person_with_a_sign_out_form_and_the_public_a_sign_in_link() {
        let auditor = signed_in("/account", vec![Grant::Auditor]);
        let html = page(&auditor).render().expect("renders");
        assert!(
            html.contains("<strong>김한팀</strong> <span class=\"hanteam-account-roles\">(감사 담당자)</span>"),
            "{html}"
        );
        assert!(html.contains(r#"<a href="/account" class="krds-btn small tertiary" aria-current="page">내 정보</a>"#));
        assert!(html.contains(r#"<form method="post" action="/sign-out" class="hanteam-sign-out">"#));
        assert!(html.contains(r#"href="/audit""#), "an auditor gets the 감사기록 menu");
        let officer = signed_in("/tasks/1", vec![Grant::AgencyOfficer { agency_id: 4.into() }]);
        let html = page(&officer).render().expect("renders");
        assert!(!html.contains(r#"href="/audit""#), "an officer does not");
        let html = page(&public("/tasks/1")).render().expect("renders");
        assert!(html.contains(r#"<a href="/sign-in?next=%2Ftasks%2F1" class="krds-btn small secondary">로그인</a>"#));
        assert!(!html.contains("/sign-out"));
    }
}
