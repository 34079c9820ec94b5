//! 제척·회피·기피: which evaluators may not score which task, and why.
//!
//! - 제척 (by rule): the evaluator's affiliation history has a stint at one of the task's agencies that
//!   touches the window `[reference date − N years, reference date]`, both ends included (N is
//!   [`ExclusionRule::lookback_years`], default 3). An unknown start date counts as "always", an open
//!   end as "still there", so missing dates exclude rather than let a conflict slip through. Going back
//!   N years from 29 February lands on 28 February. Stints at bodies that are not agencies
//!   (`agency: None`, e.g. a research institute) never exclude.
//! - 회피 (declared): the evaluator's own declaration excludes, with its reason.
//! - 기피 (challenged): an agency's challenge excludes once OPC upholds it. While it is undecided the
//!   evaluator is kept off the task too (an assignment made now could not stand if it were upheld);
//!   a rejected challenge excludes nothing.
//!
//! The output is sorted by task, evaluator, kind and reason, whatever order the inputs came in.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{AgencyId, TaskId, UserId};

/// One stint in an evaluator's affiliation history (what `edit::AffiliationDraft` holds, with the
/// organisation resolved to an agency where it is one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affiliation {
    /// The agency, when the organisation is one; `None` for universities, institutes, companies.
    pub agency: Option<AgencyId>,
    /// The organisation as shown to people ("환경부").
    pub organization: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluatorRecord {
    pub id: UserId,
    pub affiliations: Vec<Affiliation>,
}

/// A task and the agencies taking part in it (lead and participants alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskParties {
    pub task: TaskId,
    pub agencies: Vec<AgencyId>,
}

/// The round's 제척 rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionRule {
    /// The day the look-back counts from (the round's reference date).
    pub reference_date: NaiveDate,
    /// How many years back a stint at the task's agency still excludes.
    pub lookback_years: u32,
}

impl ExclusionRule {
    /// The default look-back of 3 years, counted from `reference_date`.
    pub fn new(reference_date: NaiveDate) -> Self {
        ExclusionRule { reference_date, lookback_years: 3 }
    }

    /// The first day of the window.
    pub fn window_start(&self) -> NaiveDate {
        self.reference_date
            .checked_sub_months(Months::new(self.lookback_years.saturating_mul(12)))
            .unwrap_or(NaiveDate::MIN)
    }

    /// Whether a stint touches the window.
    pub fn touches(&self, a: &Affiliation) -> bool {
        let started_in_time = a.from.is_none_or(|from| from <= self.reference_date);
        let not_ended_before = a.to.is_none_or(|to| to >= self.window_start());
        started_in_time && not_ended_before
    }
}

/// 회피: the evaluator declares a conflict with a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recusal {
    pub evaluator: UserId,
    pub task: TaskId,
    pub reason: String,
}

/// 기피: an agency challenges an evaluator on a task; OPC decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub evaluator: UserId,
    pub task: TaskId,
    pub by: AgencyId,
    /// The challenging agency as shown to people.
    pub by_name: String,
    pub reason: String,
    pub decision: ChallengeDecision,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum ChallengeDecision {
    /// OPC has not decided yet.
    Pending,
    /// 인용: the evaluator is excluded.
    Upheld { reason: String },
    /// 기각: the evaluator stays eligible.
    Rejected { reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// 제척
    Exclusion,
    /// 회피
    Recusal,
    /// 기피
    Challenge,
}

impl ConflictKind {
    pub const ALL: [ConflictKind; 3] = [ConflictKind::Exclusion, ConflictKind::Recusal, ConflictKind::Challenge];

    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::Exclusion => "exclusion",
            ConflictKind::Recusal => "recusal",
            ConflictKind::Challenge => "challenge",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            ConflictKind::Exclusion => "제척",
            ConflictKind::Recusal => "회피",
            ConflictKind::Challenge => "기피",
        }
    }
}

impl std::str::FromStr for ConflictKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            format!("알 수 없는 이해충돌 유형입니다: '{s}'. exclusion, recusal, challenge 중 하나를 쓰세요.")
        })
    }
}

/// One evaluator kept off one task, with the reason shown to OPC.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Conflict {
    pub task: TaskId,
    pub evaluator: UserId,
    pub kind: ConflictKind,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConflictError {
    #[error("과제 {task}의 평가위원 {evaluator} {kind} 사유가 비어 있습니다. 사유를 적어 주세요.", kind = .kind.label_ko())]
    MissingReason { task: TaskId, evaluator: UserId, kind: ConflictKind },
    #[error("과제 {task}의 평가위원 {evaluator} 기피 결정에 사유가 없습니다. 인용·기각의 사유를 적어 주세요.")]
    MissingDecisionReason { task: TaskId, evaluator: UserId },
}

/// Every conflict of the round: 제척 from affiliation histories, 회피 and 기피 from the declarations.
/// Declarations about tasks not in `tasks` are ignored.
pub fn conflicts(
    evaluators: &[EvaluatorRecord],
    tasks: &[TaskParties],
    recusals: &[Recusal],
    challenges: &[Challenge],
    rule: &ExclusionRule,
) -> Result<Vec<Conflict>, ConflictError> {
    // Index the stints that touch the window by agency, so 100,000 tasks cost one lookup per agency.
    // The reason is written once per stint, not once per task.
    let mut by_agency: BTreeMap<AgencyId, Vec<(UserId, String)>> = BTreeMap::new();
    for e in evaluators {
        for a in &e.affiliations {
            if let Some(agency) = a.agency {
                if rule.touches(a) {
                    by_agency.entry(agency).or_default().push((e.id, exclusion_reason(a, rule)));
                }
            }
        }
    }
    let mut out = Vec::new();
    let known: std::collections::BTreeSet<TaskId> = tasks.iter().map(|t| t.task).collect();
    for t in tasks {
        let mut agencies = t.agencies.clone();
        agencies.sort();
        agencies.dedup();
        for agency in agencies {
            for (evaluator, reason) in by_agency.get(&agency).into_iter().flatten() {
                out.push(Conflict {
                    task: t.task,
                    evaluator: *evaluator,
                    kind: ConflictKind::Exclusion,
                    reason: reason.clone(),
                });
            }
        }
    }
    for r in recusals.iter().filter(|r| known.contains(&r.task)) {
        let reason = r.reason.trim();
        if reason.is_empty() {
            return Err(ConflictError::MissingReason {
                task: r.task,
                evaluator: r.evaluator,
                kind: ConflictKind::Recusal,
            });
        }
        out.push(Conflict {
            task: r.task,
            evaluator: r.evaluator,
            kind: ConflictKind::Recusal,
            reason: format!("회피 신청: {reason}"),
        });
    }
    for c in challenges.iter().filter(|c| known.contains(&c.task)) {
        let reason = c.reason.trim();
        if reason.is_empty() {
            return Err(ConflictError::MissingReason {
                task: c.task,
                evaluator: c.evaluator,
                kind: ConflictKind::Challenge,
            });
        }
        let text = match &c.decision {
            ChallengeDecision::Pending => {
                format!("기피 신청({}): {reason} — 결정 전이므로 결정될 때까지 배정하지 않습니다", c.by_name)
            }
            ChallengeDecision::Upheld { reason: decided } | ChallengeDecision::Rejected { reason: decided }
                if decided.trim().is_empty() =>
            {
                return Err(ConflictError::MissingDecisionReason { task: c.task, evaluator: c.evaluator });
            }
            ChallengeDecision::Upheld { reason: decided } => {
                format!("기피 인용({} 신청): {reason} — 결정 사유: {}", c.by_name, decided.trim())
            }
            ChallengeDecision::Rejected { .. } => continue,
        };
        out.push(Conflict { task: c.task, evaluator: c.evaluator, kind: ConflictKind::Challenge, reason: text });
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// "환경부 재직(2019-03-01~2023-02-28), 기준일(2024-04-15) 전 3년 이내".
fn exclusion_reason(a: &Affiliation, rule: &ExclusionRule) -> String {
    let from = a.from.map(|d| d.to_string()).unwrap_or_else(|| "시작일 미상".into());
    let to = a.to.map(|d| d.to_string()).unwrap_or_else(|| "재직 중".into());
    format!("{} 재직({from}~{to}), 기준일({}) 전 {}년 이내", a.organization, rule.reference_date, rule.lookback_years)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn stint(agency: i64, name: &str, from: Option<&str>, to: Option<&str>) -> Affiliation {
        Affiliation { agency: Some(AgencyId::new(agency)), organization: name.into(), from: from.map(d), to: to.map(d) }
    }

    fn rule() -> ExclusionRule {
        ExclusionRule::new(d("2024-04-15"))
    }

    #[test]
    fn a_stint_at_the_task_s_agency_within_three_years_excludes_with_the_dates_in_the_reason() {
        let evaluators = vec![
            EvaluatorRecord {
                id: UserId::new(7),
                affiliations: vec![stint(2, "환경부", Some("2019-03-01"), Some("2023-02-28"))],
            },
            // Left 환경부 2021-04-14, the day before the window opens (2024-04-15 − 3y = 2021-04-15).
            EvaluatorRecord {
                id: UserId::new(8),
                affiliations: vec![stint(2, "환경부", Some("2015-03-01"), Some("2021-04-14"))],
            },
            // Left on the window's first day: included.
            EvaluatorRecord { id: UserId::new(9), affiliations: vec![stint(2, "환경부", None, Some("2021-04-15"))] },
        ];
        let tasks = vec![TaskParties { task: TaskId::new(12), agencies: vec![AgencyId::new(1), AgencyId::new(2)] }];
        let got = conflicts(&evaluators, &tasks, &[], &[], &rule()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].evaluator, got[0].kind), (UserId::new(7), ConflictKind::Exclusion));
        assert_eq!(got[0].reason, "환경부 재직(2019-03-01~2023-02-28), 기준일(2024-04-15) 전 3년 이내");
        assert_eq!(got[1].evaluator, UserId::new(9));
        assert_eq!(got[1].reason, "환경부 재직(시작일 미상~2021-04-15), 기준일(2024-04-15) 전 3년 이내");
    }

    #[test]
    fn the_look_back_is_the_round_s_and_non_agencies_and_later_stints_never_exclude() {
        let e = EvaluatorRecord {
            id: UserId::new(1),
            affiliations: vec![
                stint(3, "국토부", Some("2016-01-01"), Some("2020-12-31")),
                Affiliation { agency: None, organization: "한국개발연구원".into(), from: None, to: None },
                // Starts after the reference date.
                stint(4, "식약처", Some("2024-05-01"), None),
            ],
        };
        let tasks = vec![TaskParties { task: TaskId::new(1), agencies: vec![AgencyId::new(3), AgencyId::new(4)] }];
        assert!(conflicts(std::slice::from_ref(&e), &tasks, &[], &[], &rule()).unwrap().is_empty());
        let five_years = ExclusionRule { lookback_years: 5, ..rule() };
        let got = conflicts(&[e], &tasks, &[], &[], &five_years).unwrap();
        assert_eq!(got.len(), 1);
        assert!(got[0].reason.ends_with("전 5년 이내"), "{}", got[0].reason);
        // A stint still going: "재직 중".
        let now = ExclusionRule::new(d("2024-03-01"));
        let current = stint(2, "환경부", Some("2023-01-01"), None);
        assert!(now.touches(&current));
        assert_eq!(exclusion_reason(&current, &now), "환경부 재직(2023-01-01~재직 중), 기준일(2024-03-01) 전 3년 이내");
    }

    #[test]
    fn going_back_from_the_29th_of_february_lands_on_the_28th() {
        assert_eq!(ExclusionRule::new(d("2024-02-29")).window_start(), d("2021-02-28"));
    }

    #[test]
    fn recusals_and_upheld_or_pending_challenges_exclude_and_rejected_ones_do_not() {
        let tasks = vec![TaskParties { task: TaskId::new(5), agencies: vec![] }];
        let recusals =
            vec![Recusal { evaluator: UserId::new(2), task: TaskId::new(5), reason: "공동 연구 수행".into() }];
        let challenge = |who: i64, decision| Challenge {
            evaluator: UserId::new(who),
            task: TaskId::new(5),
            by: AgencyId::new(1),
            by_name: "국토부".into(),
            reason: "자문 이력".into(),
            decision,
        };
        let challenges = vec![
            challenge(3, ChallengeDecision::Upheld { reason: "자문 계약 확인".into() }),
            challenge(4, ChallengeDecision::Rejected { reason: "자문 종료 5년 경과".into() }),
            challenge(6, ChallengeDecision::Pending),
        ];
        let got = conflicts(&[], &tasks, &recusals, &challenges, &rule()).unwrap();
        let who: Vec<(i64, ConflictKind)> = got.iter().map(|c| (c.evaluator.get(), c.kind)).collect();
        assert_eq!(who, vec![(2, ConflictKind::Recusal), (3, ConflictKind::Challenge), (6, ConflictKind::Challenge)]);
        assert_eq!(got[0].reason, "회피 신청: 공동 연구 수행");
        assert_eq!(got[1].reason, "기피 인용(국토부 신청): 자문 이력 — 결정 사유: 자문 계약 확인");
        assert!(got[2].reason.contains("결정 전"), "{}", got[2].reason);
    }

    #[test]
    fn a_declaration_without_a_reason_is_refused() {
        let tasks = vec![TaskParties { task: TaskId::new(5), agencies: vec![] }];
        let r = Recusal { evaluator: UserId::new(2), task: TaskId::new(5), reason: "  ".into() };
        let e = conflicts(&[], &tasks, &[r], &[], &rule()).unwrap_err();
        assert!(e.to_string().contains("회피 사유가 비어"), "{e}");
        let c = Challenge {
            evaluator: UserId::new(2),
            task: TaskId::new(5),
            by: AgencyId::new(1),
            by_name: "국토부".into(),
            reason: "자문".into(),
            decision: ChallengeDecision::Rejected { reason: String::new() },
        };
        assert_eq!(
            conflicts(&[], &tasks, &[], &[c], &rule()),
            Err(ConflictError::MissingDecisionReason { task: TaskId::new(5), evaluator: UserId::new(2) })
        );
    }

    #[test]
    fn the_result_does_not_depend_on_input_order() {
        let evaluators = vec![
            EvaluatorRecord { id: UserId::new(2), affiliations: vec![stint(1, "국토부", Some("2022-01-01"), None)] },
            EvaluatorRecord { id: UserId::new(1), affiliations: vec![stint(2, "환경부", Some("2022-01-01"), None)] },
        ];
        let tasks = vec![
            TaskParties { task: TaskId::new(2), agencies: vec![AgencyId::new(2), AgencyId::new(1)] },
            TaskParties { task: TaskId::new(1), agencies: vec![AgencyId::new(1), AgencyId::new(1)] },
        ];
        let a = conflicts(&evaluators, &tasks, &[], &[], &rule()).unwrap();
        let mut ev = evaluators.clone();
        ev.reverse();
        let mut ts = tasks.clone();
        ts.reverse();
        assert_eq!(a, conflicts(&ev, &ts, &[], &[], &rule()).unwrap());
        let pairs: Vec<(i64, i64)> = a.iter().map(|c| (c.task.get(), c.evaluator.get())).collect();
        assert_eq!(pairs, vec![(1, 2), (2, 1), (2, 2)]);
    }
}
