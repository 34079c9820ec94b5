//! One's own notifications (알림): the list behind the header's bell, newest first, a page at a
//! time, each with its link and a button to mark it read, and one to mark them all read.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hanteam_app::notify;
use hanteam_domain::notification::NotificationKind;
use hanteam_domain::NotificationId;

use super::context::Ctx;
use super::format::{when, When};
use super::layout::Layout;
use super::links;
use super::render::{error_page, no_store, render, see_other};
use super::widgets::{ListQuery, Pager};
use crate::error::AppError;
use crate::AppState;

struct Row {
    id: i64,
    kind: &'static str,
    title: String,
    /// A path of this site; anything else is shown without a link.
    href: Option<String>,
    created: When,
    read: Option<When>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    rows: Vec<Row>,
    total: i64,
    unread: String,
    any_unread: bool,
    pager: Option<Pager>,
    csrf: String,
    /// What the last POST did, for the notice at the top.
    done: Option<&'static str>,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct NotificationsQuery {
    #[serde(flatten)]
    list: ListQuery,
    done: Option<String>,
}

/// Only a path of this site becomes a link (the stored link is written by the program, but a link
/// to elsewhere would be a way out of the site).
fn local_href(link: &str) -> Option<String> {
    (link.starts_with('/') && !link.starts_with("//") && !link.contains('\\')).then(|| link.to_string())
}

pub(crate) async fn list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<NotificationsQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let paging = q.list.paging()?;
        let (page, unread) = notify::my_notifications(&state.db, cx.by(), paging).await?;
        let rows = page
            .items
            .into_iter()
            .map(|n| Row {
                id: n.id,
                kind: n.kind.parse::<NotificationKind>().map_or("알림", NotificationKind::label_ko),
                href: local_href(&n.link),
                title: n.title,
                created: when(n.created_at),
                read: n.read_at.map(when),
            })
            .collect();
        Ok::<_, AppError>(NotificationsPage {
            layout: Layout::plain(&cx, "알림"),
            rows,
            total: page.total,
            unread: hanteam_domain::notification::unread_text(unread),
            any_unread: unread > 0,
            pager: q.list.pager(&links::notifications(), paging, page.total),
            csrf: cx.csrf(),
            done: match q.done.as_deref() {
                Some("one") => Some("알림을 읽음으로 표시했습니다."),
                Some("all") => Some("알림을 모두 읽음으로 표시했습니다."),
                _ => None,
            },
        })
    }
    .await;
    match result {
        Ok(page) => no_store(render(StatusCode::OK, &page)),
        Err(e) => error_page(e, &cx),
    }
}

pub(crate) async fn read(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let id = match NotificationId::parse(&id) {
        Ok(id) => id,
        Err(e) => return error_page(e, &cx),
    };
    match notify::mark_read(&state.db, cx.by(), id).await {
        Ok(_) => see_other(&format!("{}?done=one", links::notifications())),
        Err(e) => error_page(e, &cx),
    }
}

pub(crate) async fn read_all(State(state): State<AppState>, cx: Ctx) -> Response {
    match notify::mark_all_read(&state.db, cx.by()).await {
        Ok(_) => see_other(&format!("{}?done=all", links::notifications())),
        Err(e) => error_page(e, &cx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_of_this_site_is_linked() {
        assert_eq!(local_href("/tasks/3").as_deref(), Some("/tasks/3"));
        assert_eq!(local_href("//evil.example/x"), None);
        assert_eq!(local_href("https://evil.example"), None);
        assert_eq!(local_href("/\\evil.example"), None);
    }
}
