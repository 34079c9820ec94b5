//! Task search: what a search word matches, how results are ranked, and the tokens both databases
//! index. The rules live here so that SQLite and PostgreSQL give the same answer: each database only
//! stores the token stream made below and intersects token lists (SQLite FTS5, PostgreSQL
//! `tsvector` with a GIN index); neither splits Korean text itself.
//!
//! **What matches.** Text and search words are compared after [`normalize`] (lower case, runs of
//! white space as one space). A word matches a task when it occurs, as written, inside the title,
//! the description or one agency's role — inside a word too, so 용수 finds 공업용수 and one syllable
//! (쌀, 물) is a word like any other. Every word must match (in any of those fields); a quoted
//! phrase ("용수 공급") is one word with its space. `%`, `_` and other punctuation are plain
//! characters.
//!
//! **How.** Each field is indexed as the sequence of its overlapping character pairs (bigrams) at
//! consecutive positions, so "a word of n ≥ 2 characters occurs" is exactly "its n − 1 pairs occur
//! at consecutive positions": a phrase query both databases answer from their index. A one-character
//! word is looked up among the field's characters (unigrams).
//!
//! **Ranking.** Tasks whose title holds every word come first, then the others; within each group
//! the newest task (highest id) first.

use crate::access::TaskScope;
use crate::counts::FacetFilter;
use crate::task::TypeFilter;
use crate::{AgencyId, PairId, TaskId, TaskStatus, TaskType};

/// The format of [`IndexedTask::tokens`]: change it whenever they change, and every database
/// rebuilds its index at the next start.
pub const INDEX_FORMAT: i64 = 1;

/// PostgreSQL keeps at most this many positions of a token, and no position above this one; the
/// stream below stays within both, so the two databases index the same thing.
const MAX_POSITION: usize = 16_383;
const MAX_OCCURRENCES: usize = 256;
/// Separates fields in the stream (and stands in for a pair seen too often), so that no phrase
/// runs across two fields. It is never searched for.
const FILLER: &str = "zz";

/// Lower case, white space runs as one space, no leading or trailing space: the form in which text
/// and search words are compared.
pub fn normalize(text: &str) -> String {
    normalized_chars(text).into_iter().map(|(c, _)| c).collect()
}

/// The normalized characters of `text`, each with the byte range of `text` it came from (a run of
/// white space maps to one space; a character whose lower case is several gives several).
fn normalized_chars(text: &str) -> Vec<(char, std::ops::Range<usize>)> {
    let mut out: Vec<(char, std::ops::Range<usize>)> = Vec::new();
    for (i, c) in text.char_indices() {
        let span = i..i + c.len_utf8();
        if c.is_whitespace() {
            match out.last_mut() {
                Some((' ', last)) => last.end = span.end,
                Some(_) => out.push((' ', span)),
                None => {}
            }
        } else {
            out.extend(c.to_lowercase().map(|l| (l, span.clone())));
        }
    }
    if out.last().is_some_and(|(c, _)| *c == ' ') {
        out.pop();
    }
    out
}

fn push_hex(s: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(s, "{:x}", c as u32);
}

/// The token of a character pair in a field: `prefix`, the two code points in hex, `x` between.
fn pair_token(prefix: char, a: char, b: char) -> String {
    let mut s = String::with_capacity(12);
    s.push(prefix);
    push_hex(&mut s, a);
    s.push('x');
    push_hex(&mut s, b);
    s
}

fn char_token(prefix: char, c: char) -> String {
    let mut s = String::with_capacity(7);
    s.push(prefix);
    push_hex(&mut s, c);
    s
}

/// Which field a token belongs to: the title, or the rest (description and roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Body,
}

impl Field {
    fn pair_prefix(self) -> char {
        match self {
            Field::Title => 't',
            Field::Body => 'b',
        }
    }
    fn char_prefix(self) -> char {
        match self {
            Field::Title => 'v',
            Field::Body => 'u',
        }
    }
}

/// A task as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedTask {
    pub id: TaskId,
    pub title: String,
    pub description: Option<String>,
    pub facets: crate::counts::TaskFacets,
    /// Each participating agency's role text, in the task's order.
    pub roles: Vec<Option<String>>,
}

/// Tokens that say what a task is, so that filters and visibility are answered by the same index
/// as the words: `zs…` status, `zy…` type, `zg…` agency, `zp…` pair, `zt…` the task itself.
pub fn status_token(s: TaskStatus) -> String {
    format!("zs{}", s.as_str().replace('_', ""))
}
pub fn type_token(t: Option<TaskType>) -> String {
    format!("zy{}", t.map_or("unset".to_string(), |t| t.as_str().replace('_', "")))
}
pub fn agency_token(a: AgencyId) -> String {
    format!("zg{}", a.get())
}
pub fn pair_token_of(p: PairId) -> String {
    format!("zp{}", p.get())
}
pub fn task_token(t: TaskId) -> String {
    format!("zt{}", t.get())
}

impl IndexedTask {
    /// The tokens to index, in order (positions count from 1 in this order). Single tokens (what the
    /// task is, its characters) come first; then the title's pairs, then each other field's, with a
    /// filler between fields.
    pub fn tokens(&self) -> Vec<String> {
        let f = &self.facets;
        let mut out = vec![task_token(self.id), status_token(f.status), type_token(f.task_type)];
        out.extend(f.pair_id.map(pair_token_of));
        out.extend(f.agency_ids.iter().map(|a| agency_token(*a)));

        let title: Vec<char> = normalize(&self.title).chars().collect();
        let body: Vec<Vec<char>> = self
            .description
            .iter()
            .chain(self.roles.iter().flatten())
            .map(|t| normalize(t).chars().collect::<Vec<char>>())
            .filter(|t| !t.is_empty())
            .collect();
        push_distinct_chars(&mut out, Field::Title, std::slice::from_ref(&title));
        push_distinct_chars(&mut out, Field::Body, &body);

        let mut seen = std::collections::HashMap::<(char, char, char), usize>::new();
        let mut push_pairs = |out: &mut Vec<String>, field: Field, chars: &[char]| {
            for w in chars.windows(2) {
                let n = seen.entry((field.pair_prefix(), w[0], w[1])).or_default();
                *n += 1;
                out.push(if *n > MAX_OCCURRENCES {
                    FILLER.to_string()
                } else {
                    pair_token(field.pair_prefix(), w[0], w[1])
                });
            }
        };
        push_pairs(&mut out, Field::Title, &title);
        for field in &body {
            out.push(FILLER.to_string());
            push_pairs(&mut out, Field::Body, field);
        }
        out.truncate(MAX_POSITION);
        out
    }
}

fn push_distinct_chars(out: &mut Vec<String>, field: Field, texts: &[Vec<char>]) {
    let mut seen = std::collections::BTreeSet::new();
    for c in texts.iter().flatten() {
        if *c != ' ' && seen.insert(*c) {
            out.push(char_token(field.char_prefix(), *c));
        }
    }
}

/// A query over the index, in terms any full-text engine has; the store writes it in its
/// database's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Token(String),
    /// Tokens at consecutive positions.
    Phrase(Vec<String>),
    All(Vec<Match>),
    Any(Vec<Match>),
    /// What the first matches and the second does not.
    Except(Box<Match>, Box<Match>),
}

impl Match {
    /// A term's match in one field: its pairs as a phrase, or its one character.
    fn in_field(term: &str, field: Field) -> Match {
        let chars: Vec<char> = term.chars().collect();
        if chars.len() == 1 {
            Match::Token(char_token(field.char_prefix(), chars[0]))
        } else {
            Match::Phrase(chars.windows(2).map(|w| pair_token(field.pair_prefix(), w[0], w[1])).collect())
        }
    }

    /// Every term somewhere in the task.
    pub fn anywhere(terms: &[String]) -> Vec<Match> {
        terms
            .iter()
            .map(|t| Match::Any(vec![Match::in_field(t, Field::Title), Match::in_field(t, Field::Body)]))
            .collect()
    }

    /// Every term in the title.
    pub fn in_title(terms: &[String]) -> Vec<Match> {
        terms.iter().map(|t| Match::in_field(t, Field::Title)).collect()
    }
}

/// Which tasks a reader may see, as the index asks it. Published means "neither proposed nor
/// tabled" (archived tasks are not in the index): asked as "… and not one of those", which the
/// index answers from the short lists of such tasks rather than the long one of published ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    Everything,
    Published,
    /// Published ones (when `published`), and those any of `reach` names (their agencies' tasks,
    /// their pairs' tasks, the tasks assigned to them).
    Limited {
        published: bool,
        reach: Vec<String>,
    },
}

impl Visibility {
    /// `pairs`: the pairs of the reader's exchange positions; `assigned`: the tasks assigned to them
    /// as an evaluator; both read from the database.
    pub fn of(scope: &TaskScope, pairs: &[PairId], assigned: &[TaskId]) -> Visibility {
        match scope {
            TaskScope::All => Visibility::Everything,
            TaskScope::Published => Visibility::Published,
            TaskScope::Limited { agency_ids, include_published, .. } => Visibility::Limited {
                published: *include_published,
                reach: agency_ids
                    .iter()
                    .map(|a| agency_token(*a))
                    .chain(pairs.iter().map(|p| pair_token_of(*p)))
                    .chain(assigned.iter().map(|t| task_token(*t)))
                    .collect(),
            },
        }
    }

    /// `m`, narrowed to what the reader may see.
    fn narrow(&self, m: Match) -> Match {
        let not_public = || {
            Match::Any(
                TaskStatus::ALL.into_iter().filter(|s| !s.is_public()).map(|s| Match::Token(status_token(s))).collect(),
            )
        };
        let published = |m: Match| Match::Except(Box::new(m), Box::new(not_public()));
        match self {
            Visibility::Everything => m,
            Visibility::Published => published(m),
            Visibility::Limited { published: with_published, reach } => {
                let mut any = Vec::new();
                if *with_published {
                    any.push(published(m.clone()));
                }
                if !reach.is_empty() {
                    any.push(Match::All(vec![m, Match::Any(reach.iter().cloned().map(Match::Token).collect())]));
                }
                Match::Any(any)
            }
        }
    }
}

/// A search, as the two queries that rank it: tasks with every word in the title, and all tasks
/// with every word somewhere (the first are a part of the second).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPlan {
    pub title: Match,
    pub anywhere: Match,
}

impl SearchPlan {
    pub fn new(terms: &[String], filter: &FacetFilter, visible: &Visibility) -> SearchPlan {
        let mut common = Vec::new();
        common.extend(filter.agency_id.map(|a| Match::Token(agency_token(a))));
        common.extend(filter.pair_id.map(|p| Match::Token(pair_token_of(p))));
        common.extend(filter.task_type.map(|t| {
            Match::Token(type_token(match t {
                TypeFilter::Is(t) => Some(t),
                TypeFilter::Unset => None,
            }))
        }));
        common.extend(filter.status.map(|s| Match::Token(status_token(s))));
        let with = |mut words: Vec<Match>| {
            words.extend(common.iter().cloned());
            visible.narrow(Match::All(words))
        };
        SearchPlan { title: with(Match::in_title(terms)), anywhere: with(Match::anywhere(terms)) }
    }

    /// The tasks with every word somewhere but not all in the title: the second group.
    pub fn elsewhere(&self) -> Match {
        Match::Except(Box::new(self.anywhere.clone()), Box::new(self.title.clone()))
    }

    /// Whether nobody could be shown anything (a reader who sees no task at all).
    pub fn finds_nothing(&self) -> bool {
        fn empty(m: &Match) -> bool {
            match m {
                Match::Any(ms) => ms.iter().all(empty),
                Match::All(ms) => ms.iter().any(empty),
                Match::Except(a, _) => empty(a),
                Match::Token(_) | Match::Phrase(_) => false,
            }
        }
        empty(&self.anywhere)
    }
}

/// Which page of each group a page of the ranked results takes, given how many tasks have every
/// word in the title: `(offset, limit)` in the first group, then in the second.
pub fn split_page(in_title: i64, offset: i64, limit: i64) -> ((i64, i64), (i64, i64)) {
    let first_limit = (in_title - offset).clamp(0, limit);
    let first = (offset.min(in_title), first_limit);
    let second = ((offset - in_title).max(0), limit - first_limit);
    (first, second)
}

/// How many tasks have every word in the title, when a page of them read at `offset` with `limit`
/// tells: a page that is not full ended the group. `None` when it cannot tell (the page is full, or
/// empty past the start) and the group must be counted.
pub fn title_group_size(offset: i64, limit: i64, found: usize) -> Option<i64> {
    let found = found as i64;
    (found < limit && (found > 0 || offset == 0)).then_some(offset + found)
}

/// The words of a search box: split at white space, except inside double quotes (a phrase);
/// normalized; empty ones dropped. An unclosed quote runs to the end.
pub fn parse_terms(q: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for (i, part) in q.split('"').enumerate() {
        if i % 2 == 1 {
            terms.push(normalize(part));
        } else {
            terms.extend(part.split_whitespace().map(normalize));
        }
    }
    terms.retain(|t| !t.is_empty());
    terms
}

/// `text` cut into pieces, each marked when it is (part of) an occurrence of a term: for showing
/// the matched words (`<mark>`). The pieces joined are `text`.
pub fn highlight<'a>(text: &'a str, terms: &[String]) -> Vec<(&'a str, bool)> {
    let chars = normalized_chars(text);
    let mut marked = vec![false; chars.len()];
    for term in terms {
        let t: Vec<char> = term.chars().collect();
        if t.is_empty() || t.len() > chars.len() {
            continue;
        }
        for start in 0..=chars.len() - t.len() {
            if chars[start..start + t.len()].iter().map(|(c, _)| *c).eq(t.iter().copied()) {
                marked[start..start + t.len()].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    // Each byte of the text is marked when a normalized character made from it is.
    let mut byte_marked = vec![false; text.len()];
    for ((_, span), m) in chars.iter().zip(&marked) {
        if *m {
            byte_marked[span.clone()].iter_mut().for_each(|b| *b = true);
        }
    }
    let mut pieces = Vec::new();
    let mut from = 0;
    for at in 1..=text.len() {
        let boundary = at == text.len() || (text.is_char_boundary(at) && byte_marked[at] != byte_marked[from]);
        if boundary {
            pieces.push((&text[from..at], byte_marked[from]));
            from = at;
        }
    }
    pieces
}

/// Where in `text` a term first occurs, with about `around` characters either side (… where cut),
/// pieces marked as [`highlight`] marks them; `None` when no term occurs in it.
pub fn snippet(text: &str, terms: &[String], around: usize) -> Option<Vec<(String, bool)>> {
    let chars: Vec<(char, bool)> =
        highlight(text, terms).into_iter().flat_map(|(piece, m)| piece.chars().map(move |c| (c, m))).collect();
    let first = chars.iter().position(|(_, m)| *m)?;
    let end_of_first = first + chars[first..].iter().take_while(|(_, m)| *m).count();
    let from = first.saturating_sub(around);
    let to = (end_of_first + around).min(chars.len());
    let mut pieces: Vec<(String, bool)> = Vec::new();
    if from > 0 {
        pieces.push(("…".into(), false));
    }
    for (c, m) in &chars[from..to] {
        match pieces.last_mut() {
            Some((text, marked)) if marked == m => text.push(*c),
            _ => pieces.push((c.to_string(), *m)),
        }
    }
    if to < chars.len() {
        match pieces.last_mut() {
            Some((text, false)) => text.push('…'),
            _ => pieces.push(("…".into(), false)),
        }
    }
    Some(pieces)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_that_is_not_full_tells_the_size_of_its_group() {
        assert_eq!(title_group_size(0, 100, 37), Some(37));
        assert_eq!(title_group_size(200, 100, 5), Some(205));
        assert_eq!(title_group_size(0, 100, 0), Some(0));
        assert_eq!(title_group_size(0, 100, 100), None, "a full page may have more after it");
        assert_eq!(title_group_size(300, 100, 0), None, "an empty page past the start says only that it is past");
    }

    use super::*;
    use crate::counts::TaskFacets;

    fn task(title: &str, description: &str, roles: &[&str]) -> IndexedTask {
        IndexedTask {
            id: TaskId::new(1),
            title: title.into(),
            description: Some(description.into()),
            facets: TaskFacets::new(TaskStatus::Confirmed, None, None, vec![AgencyId::new(4)]),
            roles: roles.iter().map(|r| Some(r.to_string())).collect(),
        }
    }

    /// What a full-text engine answers, over one task's token stream: the oracle the databases are
    /// held to by the integration tests.
    fn answers(tokens: &[String], m: &Match) -> bool {
        match m {
            Match::Token(t) => tokens.contains(t),
            Match::Phrase(p) => tokens.windows(p.len()).any(|w| w == p.as_slice()),
            Match::All(ms) => ms.iter().all(|m| answers(tokens, m)),
            Match::Any(ms) => ms.iter().any(|m| answers(tokens, m)),
            Match::Except(a, b) => answers(tokens, a) && !answers(tokens, b),
        }
    }

    /// The rule in words: every term occurs in the normalized title, description or one role.
    fn by_rule(t: &IndexedTask, terms: &[String]) -> bool {
        let fields: Vec<String> = std::iter::once(&t.title)
            .chain(t.description.iter())
            .chain(t.roles.iter().flatten())
            .map(|f| normalize(f))
            .collect();
        terms.iter().all(|term| fields.iter().any(|f| f.contains(term.as_str())))
    }

    #[test]
    fn text_is_compared_in_lower_case_with_single_spaces() {
        assert_eq!(normalize("  반도체\t\n 산업  AI "), "반도체 산업 ai");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn the_index_answers_exactly_what_the_rule_says() {
        let t = task(
            "세계 최대규모 용인 반도체 국가산단 신속조성",
            "공업용수 공급을 위해 R&D 예산 50% 증액, 쌀 수급_안정",
            &["환경영향평가 평가전담반 운영", "물 관리"],
        );
        let tokens = t.tokens();
        let words = [
            "용수",
            "반도체",
            "쌀",
            "물",
            "r&d",
            "50%",
            "수급_안정",
            "_",
            "%",
            "용인 반도체",
            "반도체 국가",
            "산단",
            "신속조성",
            "평가전담반",
            "관리",
            "달걀",
            "특구",
            "도체국",
            "운영물",
            "조성공업",
            "용",
            "세",
            "ai",
            "x",
            "예산 50%",
            "최대규모  용인",
        ];
        for w in words {
            let terms = parse_terms(w);
            let m = Match::All(Match::anywhere(&terms));
            assert_eq!(answers(&tokens, &m), by_rule(&t, &terms), "{w}");
        }
        // Every substring of every field is found; a phrase across two fields is not.
        let desc: Vec<char> = normalize(t.description.as_deref().unwrap()).chars().collect();
        for len in 1..6 {
            for w in desc.windows(len) {
                let term: String = w.iter().collect();
                let terms = parse_terms(&format!("\"{term}\""));
                if terms.is_empty() {
                    continue;
                }
                assert!(answers(&tokens, &Match::All(Match::anywhere(&terms))), "{term}");
            }
        }
        assert!(!answers(&tokens, &Match::All(Match::anywhere(&parse_terms("\"운영 물\"")))), "roles are separate");
        assert!(
            !answers(&tokens, &Match::All(Match::anywhere(&parse_terms("조성공")))),
            "title and description are separate"
        );
    }

    #[test]
    fn title_matches_are_told_apart_for_ranking() {
        let tokens = task("용수 공급 지원", "달걀 유통", &[]).tokens();
        let title = |q: &str| answers(&tokens, &Match::All(Match::in_title(&parse_terms(q))));
        assert!(title("용수 지원"));
        assert!(title("용"));
        assert!(!title("달걀"), "in the description only");
        assert!(!title("용수 달걀"), "every word must be in the title");
    }

    #[test]
    fn a_page_of_ranked_results_takes_the_title_group_first() {
        // 30 title matches, pages of 20.
        assert_eq!(split_page(30, 0, 20), ((0, 20), (0, 0)));
        assert_eq!(split_page(30, 20, 20), ((20, 10), (0, 10)));
        assert_eq!(split_page(30, 40, 20), ((30, 0), (10, 20)));
        assert_eq!(split_page(0, 0, 20), ((0, 0), (0, 20)));
    }

    #[test]
    fn a_reader_who_sees_nothing_is_told_so_before_any_query() {
        let nobody = TaskScope::Limited {
            agency_ids: vec![],
            position_ids: vec![],
            evaluator_id: None,
            include_published: false,
        };
        let terms = parse_terms("용수");
        let plan = |scope: &TaskScope, assigned: &[TaskId]| {
            SearchPlan::new(&terms, &FacetFilter::default(), &Visibility::of(scope, &[], assigned))
        };
        assert!(plan(&nobody, &[]).finds_nothing());
        assert!(!plan(&nobody, &[TaskId::new(3)]).finds_nothing());
        assert!(!plan(&TaskScope::All, &[]).finds_nothing());
    }

    #[test]
    fn filters_and_visibility_narrow_both_groups() {
        let f = FacetFilter {
            status: Some(TaskStatus::Confirmed),
            agency_id: Some(AgencyId::new(4)),
            ..Default::default()
        };
        let plan = SearchPlan::new(&parse_terms("용수"), &f, &Visibility::of(&TaskScope::Published, &[], &[]));
        let mut t = task("용수 공급", "", &[]);
        let published = t.tokens();
        assert!(answers(&published, &plan.title) && answers(&published, &plan.anywhere));
        assert!(!answers(&published, &plan.elsewhere()), "a title match is only in the first group");
        t.facets.status = TaskStatus::Proposed;
        assert!(!answers(&t.tokens(), &plan.anywhere), "not published, and not confirmed");
    }

    #[test]
    fn words_split_at_spaces_and_quotes_keep_a_phrase() {
        assert_eq!(parse_terms("  용수  \"공급 계획\" AI "), vec!["용수", "공급 계획", "ai"]);
        assert_eq!(parse_terms("\"열린 따옴표"), vec!["열린 따옴표"]);
        assert_eq!(parse_terms("\"\" \"  \""), Vec::<String>::new());
        assert_eq!(parse_terms("50% a_b"), vec!["50%", "a_b"]);
    }

    #[test]
    fn a_very_long_text_stays_within_what_both_databases_keep() {
        let long = "가".repeat(5000) + &"나다".repeat(6000);
        let tokens = task("제목", &long, &["역할"; 20]).tokens();
        assert!(tokens.len() <= MAX_POSITION);
        let mut counts = std::collections::HashMap::<&str, usize>::new();
        for t in tokens.iter().filter(|t| t.as_str() != FILLER) {
            *counts.entry(t).or_default() += 1;
        }
        assert!(counts.values().all(|n| *n <= MAX_OCCURRENCES));
        assert!(answers(&tokens, &Match::All(Match::anywhere(&parse_terms("가가가 나다나")))));
    }

    #[test]
    fn what_a_task_is_travels_with_its_words() {
        let mut t = task("제목", "", &[]);
        t.facets = TaskFacets::new(
            TaskStatus::InProgress,
            Some(TaskType::SiloRemoval),
            Some(PairId::new(3)),
            vec![AgencyId::new(9), AgencyId::new(2)],
        );
        let tokens = t.tokens();
        for token in ["zt1", "zsinprogress", "zysiloremoval", "zp3", "zg2", "zg9"] {
            assert!(tokens.contains(&token.to_string()), "{token}: {tokens:?}");
        }
        t.facets.status = TaskStatus::Proposed;
        assert!(t.tokens().contains(&"zsproposed".to_string()));
        t.facets.task_type = None;
        assert!(t.tokens().contains(&"zyunset".to_string()));
    }

    #[test]
    fn a_snippet_shows_the_first_match_in_its_surroundings() {
        let text = "산업단지 조성을 위해 공업용수를 확보하고 생활용수 공급도 늘린다";
        let s = snippet(text, &parse_terms("용수"), 4).unwrap();
        assert_eq!(s, vec![("…해 공업".into(), false), ("용수".into(), true), ("를 확보…".into(), false)]);
        assert_eq!(snippet("짧은 용수", &parse_terms("용수"), 10).unwrap().len(), 2, "nothing cut, no …");
        assert!(snippet(text, &parse_terms("달걀"), 4).is_none());
    }

    #[test]
    fn highlighting_marks_each_occurrence_and_keeps_the_text() {
        let pieces = highlight("공업용수 및 생활용수  공급", &parse_terms("용수 \"수 공급\""));
        assert_eq!(pieces.iter().map(|(s, _)| *s).collect::<String>(), "공업용수 및 생활용수  공급");
        assert_eq!(pieces, vec![("공업", false), ("용수", true), (" 및 생활", false), ("용수  공급", true)]);
        assert_eq!(
            highlight("Smart AI 도시", &parse_terms("ai")),
            vec![("Smart ", false), ("AI", true), (" 도시", false)]
        );
        assert_eq!(highlight("없음", &parse_terms("물")), vec![("없음", false)]);
        assert_eq!(highlight("", &parse_terms("물")), vec![]);
    }
}
