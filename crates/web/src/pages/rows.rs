//! Rows that several pages show: the task table (task list and agency page) and exchange
//! positions with their holders (task, pairs and agency pages).

use std::collections::HashMap;

use hanteam_app::views::{CareerEntry, NameVariant, PairBrief, Position, TaskSummary};
use hanteam_domain::{search, ExchangeeId, PairId, PositionId, TaskId};

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
    pub pair_seq: Option<i64>,
    pub agencies: String,
    pub type_label: &'static str,
    pub status: Badge,
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

/// 연번 of each exchange pair, by pair id.
pub(crate) fn pair_seqs(pairs: &[PairBrief]) -> HashMap<PairId, i64> {
    pairs.iter().map(|p| (p.id, p.seq)).collect()
}

pub(crate) fn task_rows(
    tasks: &[TaskSummary],
    seqs: &HashMap<PairId, i64>,
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
            pair_seq: t.pair_id.and_then(|id| seqs.get(&id).copied()),
            agencies: t.agencies.iter().map(|a| a.short_name.as_str()).collect::<Vec<_>>().join(", "),
            type_label: t.type_label(),
            status: status_badge(t.status),
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
