//! Small pieces several pages use: status badges, the options of a select, pagination, a plain
//! data table, and the "saved" notice after a form.

use hanteam_domain::{Paging, PagingInput, TaskStatus, ValidationError};

use super::format::{trimmed, Day, When};
use crate::endpoint::encode;

/// A status as a KRDS badge (light colours: all of them pass the contrast check except "disabled").
pub(crate) struct Badge {
    pub label: std::borrow::Cow<'static, str>,
    pub class: &'static str,
}

pub(crate) fn status_badge(s: TaskStatus) -> Badge {
    let class = match s {
        TaskStatus::Proposed => "bg-light-secondary",
        TaskStatus::Tabled => "bg-light-secondary",
        TaskStatus::Confirmed => "bg-light-primary",
        TaskStatus::InProgress => "bg-light-information",
        TaskStatus::OnHold => "bg-light-warning",
        TaskStatus::Completed => "bg-light-success",
        TaskStatus::Dropped => "bg-light-gray",
    };
    Badge { label: s.label_ko().into(), class }
}

// ---------------------------------------------------------------------------------------------
// Options of a select (filters and edit forms).

pub(crate) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The options of a select with a first "nothing chosen" option labelled `none_label`. A submitted
/// value that is not among the options is kept as an extra option, so that the form shows what the
/// user sent.
pub(crate) fn options_with(none_label: &str, raw: &str, known: Vec<(String, String)>) -> Vec<Opt> {
    let mut opts = vec![Opt { value: String::new(), label: none_label.into(), selected: raw.is_empty() }];
    let found = known.iter().any(|(v, _)| v == raw);
    opts.extend(known.into_iter().map(|(value, label)| Opt { selected: value == raw, value, label }));
    if !raw.is_empty() && !found {
        opts.push(Opt { value: raw.into(), label: format!("{raw} (알 수 없는 값)"), selected: true });
    }
    opts
}

/// A filter's options: "전체" first.
pub(crate) fn select_options(raw: &str, known: Vec<(String, String)>) -> Vec<Opt> {
    options_with("전체", raw, known)
}

/// Options of a select that always has a value (no "none" option); `default` is chosen when the
/// input is empty.
pub(crate) fn plain_options(raw: &str, default: &str, known: Vec<(String, String)>) -> Vec<Opt> {
    let chosen = if raw.is_empty() { default } else { raw };
    let found = known.iter().any(|(v, _)| v == chosen);
    let mut opts: Vec<Opt> =
        known.into_iter().map(|(value, label)| Opt { selected: value == chosen, value, label }).collect();
    if !found {
        opts.push(Opt { value: chosen.into(), label: format!("{chosen} (알 수 없는 값)"), selected: true });
    }
    opts
}

// ---------------------------------------------------------------------------------------------
// Pagination (task list and audit log).

/// A link of the pagination; `gap_before` draws "…" before it.
pub(crate) struct PageLink {
    pub number: i64,
    pub href: String,
    pub current: bool,
    pub gap_before: bool,
}

pub(crate) struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
    pub links: Vec<PageLink>,
}

/// A list's address with the same filters, at another offset.
fn list_href(base: &str, filters: &[(&str, String)], limit: Option<i64>, offset: i64) -> String {
    let mut parts: Vec<String> = filters.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    if let Some(limit) = limit {
        parts.push(format!("limit={limit}"));
    }
    if offset > 0 {
        parts.push(format!("offset={offset}"));
    }
    if parts.is_empty() {
        base.into()
    } else {
        format!("{base}?{}", parts.join("&"))
    }
}

/// The first page of a list at `base` with `filters` (empty values left out).
pub(crate) fn filtered_href(base: &str, filters: &[(&str, &Option<String>)], limit_param: Option<i64>) -> String {
    list_href(base, &present_filters(filters), limit_param, 0)
}

fn present_filters<'a>(filters: &[(&'a str, &Option<String>)]) -> Vec<(&'a str, String)> {
    filters
        .iter()
        .filter_map(|(k, v)| {
            let v = trimmed(v);
            (!v.is_empty()).then(|| (*k, v.to_string()))
        })
        .collect()
}

/// The pages of a list at `base` with `filters` (empty values left out); `limit_param` is the page
/// size to carry in the links (only when the user chose one).
pub(crate) fn pager_for(
    base: &str,
    filters: &[(&str, &Option<String>)],
    limit_param: Option<i64>,
    limit: i64,
    offset: i64,
    total: i64,
) -> Pager {
    let limit = limit.max(1);
    let filters = present_filters(filters);
    let href = |off: i64| list_href(base, &filters, limit_param, off);

    let pages = ((total + limit - 1) / limit).max(1);
    let current = (offset / limit + 1).min(pages);
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || (n - current).abs() <= 2 {
            links.push(PageLink {
                number: n,
                href: href((n - 1) * limit),
                current: n == current,
                gap_before: n > last_shown + 1,
            });
            last_shown = n;
        }
    }
    Pager {
        prev: (offset > 0).then(|| href((offset - limit).max(0))),
        next: (offset + limit < total).then(|| href(offset + limit)),
        links,
    }
}

// ---------------------------------------------------------------------------------------------
// A plain data table (KRDS `tbl col data`), drawn by the `data_table` macro of macros.html.

/// One cell of a [`Table`].
pub(crate) enum Cell {
    /// The row's header (`<th scope="row">`).
    Head(String),
    /// The row's header, a link.
    HeadLink {
        href: String,
        text: String,
    },
    /// The row's header, as code (a login name).
    HeadCode(String),
    Code(String),
    Text(String),
    /// A link; `hidden` is read out after the text by screen readers only (which row it is for).
    Link {
        href: String,
        text: String,
        hidden: Option<String>,
    },
    Time(When),
    Date(Option<Day>, &'static str),
    /// A milestone not done past its due date, by how many days.
    Overdue(i64),
    /// The row's actions (수정, 삭제 …), each naming its row for screen readers.
    Actions(Vec<Action>),
}

pub(crate) struct Action {
    pub href: String,
    pub label: &'static str,
    pub of: String,
}

pub(crate) struct Table {
    pub caption: String,
    pub head: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// A wide table scrolls on its own, announced as a region with this name.
    pub scroll_label: Option<String>,
}

// ---------------------------------------------------------------------------------------------

/// A list page's address: which page (`limit`, `offset`; on the pairs page `at`, a pair's number to
/// open the page that holds it), and the notice after a save (`saved=1`).
#[derive(serde::Deserialize, Default)]
pub(crate) struct ListQuery {
    saved: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    pub at: Option<String>,
}

impl ListQuery {
    pub fn saved(&self) -> bool {
        self.saved.as_deref() == Some("1")
    }

    pub fn paging(&self) -> Result<Paging, ValidationError> {
        Paging::parse(&PagingInput { limit: self.limit.clone(), offset: self.offset.clone() })
    }

    /// The pager of the list at `base`, when it has more than one page; the page size is carried in
    /// the links only when the reader chose one.
    pub fn pager(&self, base: &str, paging: Paging, total: i64) -> Option<Pager> {
        let limit_param = (!trimmed(&self.limit).is_empty()).then_some(paging.limit);
        (total > paging.limit || paging.offset > 0)
            .then(|| pager_for(base, &[], limit_param, paging.limit, paging.offset, total))
    }
}

/// The "저장되었습니다." notice after a form was saved (`?saved=1`).
#[derive(serde::Deserialize, Default)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

impl SavedQuery {
    pub fn saved(&self) -> bool {
        self.saved.as_deref() == Some("1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_submitted_value_stays_selected() {
        let opts = select_options("merger", vec![("silo_removal".into(), "부처간 칸막이 해소".into())]);
        assert!(opts[0].value.is_empty() && !opts[0].selected);
        assert!(opts.last().is_some_and(|o| o.value == "merger" && o.selected));
    }
}
