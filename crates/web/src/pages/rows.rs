//! Rows that several pages show: the task table (task list and agency page) and exchange
//! positions with their holders (task, pairs and agency pages).

use std::collections::HashMap;

use hanteam_app::views::{CareerEntry, NameVariant, PairBrief, Position, TaskSummary};
use hanteam_domain::{search, ExchangeeId, PairId, PositionId, TaskId, TaskSort};

use super::format::{when, When};
use super::widgets::{status_badge, Badge};

/// Text with the search words marked (`<mark>`).
pub(crate) struct Piece {
    pub text: String,
    pub marked: bool,
}

fn pieces(p: Vec<(String, bool)>) -> Vec<Piece> {
    p.into_iter().map(|(text, marked)| Piece { text, marked }).collect()
}

/// Where the search words were found, when not (all) in the title: the field and the words in
/// their surroundings.
pub(crate) struct Found {
    pub field: String,
    pub pieces: Vec<Piece>,
}

/// A search's words, and the descriptions of the tasks found (to show where they matched).
pub(crate) struct SearchWords<'a> {
    pub terms: &'a [String],
    pub descriptions: &'a HashMap<TaskId, String>,
}

/// One row of the task table.
pub(crate) struct TaskRow {
    pub id: TaskId,
    pub seq: i64,
    pub title: Vec<Piece>,
    pub found: Option<Found>,
    pub pair: Option<PairLabel>,
    pub lead: Option<String>,
    pub agencies: String,
    pub type_label: &'static str,
    pub status: Badge,
    /// The light of the latest closed check cycle that rated it, and OPC's reason.
    pub light: Option<(Badge, String)>,
    pub updated: When,
}

/// An exchange pair as a table cell shows it: its number and its two agencies, 국토부↔환경부.
#[derive(Clone)]
pub(crate) struct PairLabel {
    pub seq: i64,
    pub agencies: String,
}

/// A column head of the task table; a sortable one links to the list in its order.
pub(crate) struct Head {
    pub label: &'static str,
    pub sort: Option<HeadSort>,
}

pub(crate) struct HeadSort {
    pub href: String,
    /// `aria-sort` of the column the list is in the order of.
    pub current: Option<&'static str>,
}

/// The heads of the task table. `sort_href` links to the list in an order; `None` where the table
/// cannot be sorted (an agency's tasks). `current` is the order the list is in.
pub(crate) fn task_heads(sort_href: Option<&dyn Fn(TaskSort) -> String>, current: Option<TaskSort>) -> Vec<Head> {
    let head = |label, sort: Option<TaskSort>| Head {
        label,
        sort: sort.zip(sort_href).map(|(s, href)| HeadSort {
            href: href(s),
            current: (Some(s) == current).then_some(if s == TaskSort::Updated { "descending" } else { "ascending" }),
        }),
    };
    vec![
        head("번호", Some(TaskSort::Seq)),
        head("과제명", Some(TaskSort::Title)),
        head("교류직위 쌍", None),
        head("주관기관", None),
        head("참여 기관", None),
        head("유형", None),
        head("상태", Some(TaskSort::Status)),
        head("점검 결과", None),
        head("최종 변경", Some(TaskSort::Updated)),
    ]
}

/// How much text a search result shows either side of the first match.
const SNIPPET_AROUND: usize = 30;

fn found_in(t: &TaskSummary, words: &SearchWords) -> Option<Found> {
    if words.terms.iter().all(|w| search::normalize(&t.title).contains(w.as_str())) {
        return None;
    }
    let description = words.descriptions.get(&t.id).map(|d| ("과제 내용".to_string(), d.as_str()));
    let roles = t.agencies.iter().filter_map(|a| a.role.as_deref().map(|r| (format!("{} 역할", a.short_name), r)));
    description.into_iter().chain(roles).find_map(|(field, text)| {
        search::snippet(text, words.terms, SNIPPET_AROUND).map(|p| Found { field, pieces: pieces(p) })
    })
}

/// How each exchange pair is named in a table, by pair id.
pub(crate) fn pair_labels(pairs: &[PairBrief]) -> HashMap<PairId, PairLabel> {
    pairs.iter().map(|p| (p.id, PairLabel { seq: p.seq, agencies: p.agencies.join("↔") })).collect()
}

pub(crate) fn task_rows(
    tasks: &[TaskSummary],
    pairs: &HashMap<PairId, PairLabel>,
    words: Option<&SearchWords>,
) -> Vec<TaskRow> {
    let terms = words.map_or(&[][..], |w| w.terms);
    tasks
        .iter()
        .map(|t| TaskRow {
            id: t.id,
            seq: t.seq,
            title: pieces(
                search::highlight(&t.title, terms).into_iter().map(|(text, m)| (text.to_string(), m)).collect(),
            ),
            found: words.and_then(|w| found_in(t, w)),
            pair: t.pair_id.and_then(|id| pairs.get(&id).cloned()),
            lead: t.lead_agency.as_ref().map(|a| a.short_name.clone()),
            agencies: t.agencies.iter().map(|a| a.short_name.as_str()).collect::<Vec<_>>().join(", "),
            type_label: t.type_label(),
            status: status_badge(t.status),
            light: t.light.as_ref().map(|l| (super::checks::light_badge(l.rating), l.reason.clone())),
            updated: when(t.updated_at),
        })
        .collect()
}

pub(crate) struct ExchangeeView {
    pub id: ExchangeeId,
    pub name: String,
    pub expertise: Option<String>,
    pub careers: Vec<String>,
}

/// An exchange position with its holders, ready to show.
pub(crate) struct PositionView {
    pub id: PositionId,
    pub agency: String,
    pub title: String,
    pub level: &'static str,
    pub variants: Vec<NameVariant>,
    pub exchangees: Vec<ExchangeeView>,
}

/// "前 환경부 자연보전국장".
fn career_text(c: &CareerEntry) -> String {
    let parts: Vec<&str> = [c.agency.as_ref().map(|a| a.short_name.as_str()), c.title.as_deref(), c.note.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    format!("前 {}", parts.join(" "))
}

pub(crate) fn position_view(p: &Position) -> PositionView {
    PositionView {
        id: p.id,
        agency: p.agency.short_name.clone(),
        title: p.title.clone(),
        level: p.level_label(),
        variants: p.variants.clone(),
        exchangees: p
            .exchangees
            .iter()
            .map(|e| ExchangeeView {
                id: e.id,
                name: e.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "미공개".into()),
                expertise: e.expertise.clone(),
                careers: e.careers.iter().map(career_text).collect(),
            })
            .collect(),
    }
}
