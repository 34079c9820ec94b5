//! The task lifecycle: the moves a task's status may make, the action that makes each, and who may
//! make it. A task is found (발굴), tabled at a review council (상정), confirmed there (확정) or
//! returned to its proposers (반려), started (착수), carried out — held (일시중지) and resumed (재개)
//! on the way if need be — and completed (완료) or dropped (중단).
//!
//! Dropping is for a confirmed task the council stops: a proposal that is not pursued is returned
//! or archived, so a dropped task is always one the public has seen (see [`TaskStatus::is_public`]).

use std::fmt::Write as _;
use std::str::FromStr;

use crate::access::{self, Principal, Role, TaskAccess};
use crate::TaskStatus;

/// What can happen to a task's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskAction {
    /// 상정: put on a review council's agenda.
    Table,
    /// 확정: confirmed by the council.
    Confirm,
    /// 반려: sent back to its proposers by the council.
    Return,
    /// 착수
    Start,
    /// 일시중지
    Hold,
    /// 재개
    Resume,
    /// 완료
    Complete,
    /// 중단
    Drop,
}

impl TaskAction {
    pub const ALL: [TaskAction; 8] = [
        TaskAction::Table,
        TaskAction::Confirm,
        TaskAction::Return,
        TaskAction::Start,
        TaskAction::Hold,
        TaskAction::Resume,
        TaskAction::Complete,
        TaskAction::Drop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskAction::Table => "table",
            TaskAction::Confirm => "confirm",
            TaskAction::Return => "return",
            TaskAction::Start => "start",
            TaskAction::Hold => "hold",
            TaskAction::Resume => "resume",
            TaskAction::Complete => "complete",
            TaskAction::Drop => "drop",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            TaskAction::Table => "상정",
            TaskAction::Confirm => "확정",
            TaskAction::Return => "반려",
            TaskAction::Start => "착수",
            TaskAction::Hold => "일시중지",
            TaskAction::Resume => "재개",
            TaskAction::Complete => "완료",
            TaskAction::Drop => "중단",
        }
    }

    /// A return, a hold and a drop stop or set back someone's work: the record says why.
    pub fn needs_reason(self) -> bool {
        matches!(self, TaskAction::Return | TaskAction::Hold | TaskAction::Drop)
    }

    /// Who may take the action. OPC runs the council and the checks, so every move is its to make;
    /// an officer of an agency taking part in the task may also start the work it is to do (the use
    /// case asks that the officer's agency takes part).
    pub fn roles(self) -> &'static [Role] {
        match self {
            TaskAction::Start => &[Role::OpcAdmin, Role::AgencyOfficer],
            _ => &[Role::OpcAdmin],
        }
    }
}

impl FromStr for TaskAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|a| a.as_str()).collect();
            format!("알 수 없는 작업입니다: '{s}'. 다음 중 하나를 쓰세요: {}", names.join(", "))
        })
    }
}

/// Where `action` takes a task that is `from`, whoever makes the move.
fn target(from: TaskStatus, action: TaskAction) -> Option<TaskStatus> {
    use TaskAction as A;
    use TaskStatus as S;
    match (from, action) {
        (S::Proposed, A::Table) => Some(S::Tabled),
        (S::Tabled, A::Confirm) => Some(S::Confirmed),
        (S::Tabled, A::Return) => Some(S::Proposed),
        (S::Confirmed, A::Start) => Some(S::InProgress),
        (S::InProgress, A::Hold) => Some(S::OnHold),
        (S::OnHold, A::Resume) => Some(S::InProgress),
        (S::InProgress, A::Complete) => Some(S::Completed),
        (S::Confirmed | S::InProgress | S::OnHold, A::Drop) => Some(S::Dropped),
        _ => None,
    }
}

/// The actions that move a task that is `from`, in the order of [`TaskAction::ALL`].
pub fn actions_from(from: TaskStatus) -> Vec<TaskAction> {
    TaskAction::ALL.into_iter().filter(|a| target(from, *a).is_some()).collect()
}

/// The actions someone holding `roles` may take on a task that is `from`.
pub fn actions_for(from: TaskStatus, roles: &[Role]) -> Vec<TaskAction> {
    actions_from(from).into_iter().filter(|a| a.roles().iter().any(|r| roles.contains(r))).collect()
}

/// The moves `who` (None: the public) may make on the task now.
pub fn moves_for(who: Option<&Principal>, t: &TaskAccess) -> Vec<TaskAction> {
    match who.and_then(|p| access::lifecycle_role(p, t)) {
        Some(role) if !t.archived => actions_for(t.status, &[role]),
        _ => vec![],
    }
}

/// A move the lifecycle refuses, with what is possible instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleError {
    pub from: TaskStatus,
    pub action: TaskAction,
    pub by: Role,
    /// The actions a task that is `from` allows now, each with the roles that may take it.
    pub allowed: Vec<(TaskAction, &'static [Role])>,
}

impl std::fmt::Display for LifecycleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let roles = |rs: &[Role]| rs.iter().map(|r| r.label_ko()).collect::<Vec<_>>().join(", ");
        if target(self.from, self.action).is_some() {
            write!(f, "'{}' 작업은 {}만 할 수 있습니다.", self.action.label_ko(), roles(self.action.roles()))?;
        } else {
            write!(f, "'{}' 상태의 과제는 '{}'할 수 없습니다.", self.from.label_ko(), self.action.label_ko())?;
        }
        if self.allowed.is_empty() {
            write!(f, " '{}' 상태의 과제는 더 이상 상태가 바뀌지 않습니다.", self.from.label_ko())
        } else {
            let mut list = String::new();
            for (i, (a, rs)) in self.allowed.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                let _ = write!(list, "{sep}{}({})", a.label_ko(), roles(rs));
            }
            write!(f, " 지금 할 수 있는 작업: {list}.")
        }
    }
}

impl std::error::Error for LifecycleError {}

/// The lifecycle: the status `action` taken by someone acting as `by` moves a task that is `from`
/// to, or why it may not.
pub fn transition(from: TaskStatus, action: TaskAction, by: Role) -> Result<TaskStatus, LifecycleError> {
    match target(from, action) {
        Some(to) if action.roles().contains(&by) => Ok(to),
        _ => Err(LifecycleError {
            from,
            action,
            by,
            allowed: actions_from(from).into_iter().map(|a| (a, a.roles())).collect(),
        }),
    }
}

/// The reason given for a move, trimmed; required where [`TaskAction::needs_reason`].
pub fn check_reason(action: TaskAction, reason: Option<&str>) -> Result<Option<String>, crate::ValidationError> {
    const MAX: usize = 2000;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match reason {
        None if action.needs_reason() => Err(crate::ValidationError::new(
            "reason",
            format!("'{}'하는 까닭을 적어 주세요. 과제 이력에 남습니다.", action.label_ko()),
        )),
        Some(r) if r.chars().count() > MAX => {
            Err(crate::ValidationError::new("reason", format!("사유는 {MAX}자 이내로 적어 주세요.")))
        }
        r => Ok(r.map(str::to_string)),
    }
}

/// A move as submitted (the task page's form, `POST /api/v1/tasks/{id}/transitions`).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionInput {
    /// table, confirm, return, start, hold, resume, complete or drop.
    pub action: Option<String>,
    /// Why: required for return, hold and drop.
    pub reason: Option<String>,
    /// The task's version the move is based on.
    pub version: Option<String>,
}

/// A move, read from its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionRequest {
    pub action: TaskAction,
    pub reason: Option<String>,
    pub version: i64,
}

impl TransitionRequest {
    pub fn parse(input: &TransitionInput) -> Result<TransitionRequest, Vec<crate::ValidationError>> {
        let mut c = crate::edit::Check::default();
        let version = c.version(&input.version);
        let action = c.choice::<TaskAction>("action", &input.action);
        if input.action.as_deref().is_none_or(|a| a.trim().is_empty()) {
            // An unknown action is refused by `choice` with the list of names.
            c.fail(
                "action",
                "할 작업(action)을 고르세요: table, confirm, return, start, hold, resume, complete, drop.",
            );
        }
        let reason = match action.map(|a| check_reason(a, input.reason.as_deref())) {
            Some(Ok(r)) => r,
            Some(Err(e)) => {
                c.fail(&e.field, e.message);
                None
            }
            None => None,
        };
        let checked = c.done(());
        match action {
            Some(action) => checked.map(|()| TransitionRequest { action, reason, version }),
            None => Err(checked.err().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaskAction as A;
    use TaskStatus as S;

    const OPC: Role = Role::OpcAdmin;

    /// Every (status, action) pair the lifecycle allows, and where it leads: the whole table.
    const ALLOWED: &[(TaskStatus, TaskAction, TaskStatus)] = &[
        (S::Proposed, A::Table, S::Tabled),
        (S::Tabled, A::Confirm, S::Confirmed),
        (S::Tabled, A::Return, S::Proposed),
        (S::Confirmed, A::Start, S::InProgress),
        (S::Confirmed, A::Drop, S::Dropped),
        (S::InProgress, A::Hold, S::OnHold),
        (S::InProgress, A::Complete, S::Completed),
        (S::InProgress, A::Drop, S::Dropped),
        (S::OnHold, A::Resume, S::InProgress),
        (S::OnHold, A::Drop, S::Dropped),
    ];

    #[test]
    fn every_allowed_move_and_no_other() {
        for from in TaskStatus::ALL {
            for action in TaskAction::ALL {
                let expected = ALLOWED.iter().find(|(f, a, _)| *f == from && *a == action).map(|(_, _, to)| *to);
                match expected {
                    Some(to) => assert_eq!(transition(from, action, OPC), Ok(to), "{from:?} {action:?}"),
                    None => {
                        let e = transition(from, action, OPC).unwrap_err();
                        assert_eq!((e.from, e.action), (from, action));
                        assert!(e.to_string().contains("할 수 없습니다"), "{e}");
                    }
                }
            }
        }
    }

    #[test]
    fn only_opc_moves_a_task_except_that_a_participating_officer_may_start_it() {
        for (from, action, to) in ALLOWED {
            let officer = transition(*from, *action, Role::AgencyOfficer);
            if *action == A::Start {
                assert_eq!(officer, Ok(*to));
            } else {
                let e = officer.unwrap_err();
                assert!(
                    e.to_string().starts_with(&format!("'{}' 작업은 국무조정실 관리자만", action.label_ko())),
                    "{e}"
                );
            }
            for nobody in [Role::Exchangee, Role::Evaluator, Role::Auditor] {
                assert!(transition(*from, *action, nobody).is_err(), "{nobody:?} {action:?}");
            }
        }
    }

    #[test]
    fn a_refusal_lists_the_moves_allowed_now_and_who_may_make_them() {
        let e = transition(S::InProgress, A::Confirm, OPC).unwrap_err();
        assert_eq!(
            e.to_string(),
            "'추진 중' 상태의 과제는 '확정'할 수 없습니다. 지금 할 수 있는 작업: \
             일시중지(국무조정실 관리자), 완료(국무조정실 관리자), 중단(국무조정실 관리자)."
        );
        let e = transition(S::Confirmed, A::Complete, Role::AgencyOfficer).unwrap_err();
        assert!(e.to_string().ends_with("착수(국무조정실 관리자, 기관 담당자), 중단(국무조정실 관리자)."), "{e}");
        let e = transition(S::Completed, A::Resume, OPC).unwrap_err();
        assert!(e.to_string().ends_with("더 이상 상태가 바뀌지 않습니다."), "{e}");
    }

    #[test]
    fn finished_tasks_do_not_move_and_proposals_are_returned_not_dropped() {
        assert!(actions_from(S::Completed).is_empty());
        assert!(actions_from(S::Dropped).is_empty());
        assert!(transition(S::Proposed, A::Drop, OPC).is_err());
        assert!(transition(S::Tabled, A::Drop, OPC).is_err());
        assert_eq!(actions_for(S::Confirmed, &[Role::AgencyOfficer]), vec![A::Start]);
        assert_eq!(actions_for(S::Tabled, &[Role::Auditor]), vec![]);
    }

    #[test]
    fn a_full_life_from_proposal_to_completion() {
        let mut s = S::Proposed;
        for a in [A::Table, A::Return, A::Table, A::Confirm, A::Start, A::Hold, A::Resume, A::Complete] {
            s = transition(s, a, OPC).unwrap();
        }
        assert_eq!(s, S::Completed);
    }

    #[test]
    fn return_hold_and_drop_need_a_reason() {
        for a in TaskAction::ALL {
            assert_eq!(check_reason(a, Some("  ")).is_err(), a.needs_reason(), "{a:?}");
        }
        assert_eq!(check_reason(A::Hold, Some(" 예산 심의 대기 ")), Ok(Some("예산 심의 대기".into())));
        assert_eq!(check_reason(A::Start, None), Ok(None));
        let e = check_reason(A::Drop, None).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("reason", "'중단'하는 까닭을 적어 주세요. 과제 이력에 남습니다.")
        );
        assert!(check_reason(A::Drop, Some(&"가".repeat(2001))).is_err());
    }

    #[test]
    fn a_move_is_read_with_its_version_and_its_reason() {
        let input = |a: &str, r: &str, v: &str| TransitionInput {
            action: Some(a.into()),
            reason: Some(r.into()),
            version: Some(v.into()),
        };
        assert_eq!(
            TransitionRequest::parse(&input("hold", " 예산 ", "4")),
            Ok(TransitionRequest { action: A::Hold, reason: Some("예산".into()), version: 4 })
        );
        let e = TransitionRequest::parse(&input("hold", "", "")).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), vec!["version", "reason"]);
        let e = TransitionRequest::parse(&input("approve", "", "1")).unwrap_err();
        assert_eq!((e.len(), e[0].field.as_str()), (1, "action"));
        let e =
            TransitionRequest::parse(&TransitionInput { version: Some("1".into()), ..Default::default() }).unwrap_err();
        assert!(e[0].message.starts_with("할 작업(action)을 고르세요"), "{}", e[0].message);
    }

    #[test]
    fn actions_round_trip_and_unknown_ones_are_refused_in_korean() {
        for a in TaskAction::ALL {
            assert_eq!(a.as_str().parse::<TaskAction>(), Ok(a));
        }
        assert!("approve".parse::<TaskAction>().unwrap_err().contains("table, confirm"));
    }
}
