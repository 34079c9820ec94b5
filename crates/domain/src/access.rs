//! Who may do what. Deny by default: every check returns `false` unless a rule below allows it.
//! The web layer asks these questions; it never decides on its own.

use std::str::FromStr;

use crate::TaskStatus;

/// The roles a person can hold (several at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// OPC performance-management staff: everything.
    OpcAdmin,
    /// An officer of one agency: writes only that agency's parts of its tasks.
    AgencyOfficer,
    /// An exchanged official: sees and reports on its pair's tasks.
    Exchangee,
    /// A private-expert evaluator: sees only the tasks assigned to it.
    Evaluator,
    /// Reads everything and the audit log; writes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::OpcAdmin, Role::AgencyOfficer, Role::Exchangee, Role::Evaluator, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::OpcAdmin => "opc_admin",
            Role::AgencyOfficer => "agency_officer",
            Role::Exchangee => "exchangee",
            Role::Evaluator => "evaluator",
            Role::Auditor => "auditor",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Role::OpcAdmin => "국무조정실 관리자",
            Role::AgencyOfficer => "기관 담당자",
            Role::Exchangee => "교류자",
            Role::Evaluator => "평가위원",
            Role::Auditor => "감사 담당자",
        }
    }

    /// What the role may do at most; a grant's scope narrows it further.
    pub fn rights(self) -> &'static [Right] {
        match self {
            Role::OpcAdmin => &[Right::Read, Right::Write, Right::Audit, Right::Admin],
            Role::AgencyOfficer | Role::Exchangee => &[Right::Read, Right::Write],
            Role::Evaluator => &[Right::Read],
            Role::Auditor => &[Right::Read, Right::Audit],
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|r| r.as_str()).collect();
            format!("알 수 없는 역할입니다: '{s}'. 다음 중 하나를 쓰세요: {}", names.join(", "))
        })
    }
}

/// Coarse rights, used for API tokens (a token carries a subset of its owner's rights) and as the
/// first gate on every route.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// Read beyond the published views.
    Read,
    /// Change records (further limited per record below).
    Write,
    /// Read the audit log.
    Audit,
    /// Manage accounts and the registry (agencies, positions, pairs).
    Admin,
}

impl Right {
    pub const ALL: [Right; 4] = [Right::Read, Right::Write, Right::Audit, Right::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Right::Read => "read",
            Right::Write => "write",
            Right::Audit => "audit",
            Right::Admin => "admin",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Right::Read => "조회",
            Right::Write => "수정",
            Right::Audit => "감사기록 조회",
            Right::Admin => "계정·기준정보 관리",
        }
    }
}

impl FromStr for Right {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("알 수 없는 권한입니다: '{s}'. read, write, audit, admin 중에서 고르세요."))
    }
}

/// One role held by a person, with what it is tied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    OpcAdmin,
    AgencyOfficer { agency_id: i64 },
    Exchangee { position_id: i64 },
    Evaluator,
    Auditor,
}

impl Grant {
    pub fn role(&self) -> Role {
        match self {
            Grant::OpcAdmin => Role::OpcAdmin,
            Grant::AgencyOfficer { .. } => Role::AgencyOfficer,
            Grant::Exchangee { .. } => Role::Exchangee,
            Grant::Evaluator => Role::Evaluator,
            Grant::Auditor => Role::Auditor,
        }
    }
}

/// A signed-in person (by session or API token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub grants: Vec<Grant>,
    /// `None` for a browser session (all of the person's rights); an API token's subset otherwise.
    pub token_rights: Option<Vec<Right>>,
}

/// What a check needs to know about a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskAccess {
    pub status: TaskStatus,
    pub archived: bool,
    /// Agencies taking part in the task.
    pub agency_ids: Vec<i64>,
    /// The two exchange positions of the task's pair.
    pub position_ids: Vec<i64>,
    /// Evaluators (user ids) assigned to the task.
    pub evaluator_ids: Vec<i64>,
}

/// The public sees a task once it is confirmed at a council and not archived.
pub fn is_published(t: &TaskAccess) -> bool {
    !t.archived && t.status != TaskStatus::Proposed
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role() == role)
    }

    pub fn roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = Role::ALL.into_iter().filter(|r| self.has_role(*r)).collect();
        roles.dedup();
        roles
    }

    /// The union of the roles' rights, narrowed by the token.
    pub fn has_right(&self, right: Right) -> bool {
        let by_role = self.grants.iter().any(|g| g.role().rights().contains(&right));
        let by_token = self.token_rights.as_ref().is_none_or(|rights| rights.contains(&right));
        by_role && by_token
    }

    /// Rights the person could give a new API token.
    pub fn grantable_rights(&self) -> Vec<Right> {
        Right::ALL.into_iter().filter(|r| self.has_right(*r)).collect()
    }

    fn agency_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.grants.iter().filter_map(|g| match g {
            Grant::AgencyOfficer { agency_id } => Some(*agency_id),
            _ => None,
        })
    }

    fn position_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.grants.iter().filter_map(|g| match g {
            Grant::Exchangee { position_id } => Some(*position_id),
            _ => None,
        })
    }

    fn is_exchangee_of(&self, t: &TaskAccess) -> bool {
        self.position_ids().any(|p| t.position_ids.contains(&p))
    }
}

/// Whether `who` (None: the public) may see the task at all.
pub fn can_view_task(who: Option<&Principal>, t: &TaskAccess) -> bool {
    let Some(p) = who else { return is_published(t) };
    if !p.has_right(Right::Read) {
        return is_published(t);
    }
    if p.has_role(Role::OpcAdmin) || p.has_role(Role::Auditor) {
        return true;
    }
    let as_officer = p.agency_ids().any(|a| t.agency_ids.contains(&a));
    let as_exchangee = p.is_exchangee_of(t);
    let as_evaluator = p.has_role(Role::Evaluator) && t.evaluator_ids.contains(&p.user_id);
    if as_officer || as_exchangee || as_evaluator {
        return true;
    }
    // An evaluator who holds no other role sees only what is assigned to it.
    let only_evaluator = p.grants.iter().all(|g| g.role() == Role::Evaluator);
    !only_evaluator && is_published(t)
}

/// Which tasks a list shows to `who`: the set-based form of [`can_view_task`], for queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskScope {
    All,
    Published,
    /// Tasks of these agencies or these exchange positions' pairs, tasks assigned to this evaluator,
    /// and (unless the person is only an evaluator) every published task.
    Limited {
        agency_ids: Vec<i64>,
        position_ids: Vec<i64>,
        evaluator_id: Option<i64>,
        include_published: bool,
    },
}

pub fn task_scope(who: Option<&Principal>) -> TaskScope {
    let Some(p) = who else { return TaskScope::Published };
    if !p.has_right(Right::Read) {
        return TaskScope::Published;
    }
    if p.has_role(Role::OpcAdmin) || p.has_role(Role::Auditor) {
        return TaskScope::All;
    }
    TaskScope::Limited {
        agency_ids: p.agency_ids().collect(),
        position_ids: p.position_ids().collect(),
        evaluator_id: p.has_role(Role::Evaluator).then_some(p.user_id),
        include_published: !p.grants.iter().all(|g| g.role() == Role::Evaluator),
    }
}

impl TaskScope {
    /// The same decision as [`can_view_task`], for one task.
    pub fn admits(&self, t: &TaskAccess) -> bool {
        match self {
            TaskScope::All => true,
            TaskScope::Published => is_published(t),
            TaskScope::Limited { agency_ids, position_ids, evaluator_id, include_published } => {
                (*include_published && is_published(t))
                    || agency_ids.iter().any(|a| t.agency_ids.contains(a))
                    || position_ids.iter().any(|p| t.position_ids.contains(p))
                    || evaluator_id.is_some_and(|e| t.evaluator_ids.contains(&e))
            }
        }
    }
}

/// Create, edit, archive a task, or change its status: OPC only.
pub fn can_manage_task(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Write)
}

/// Write the role text of `agency_id` in the task: OPC, or an officer of that agency when the agency
/// takes part in the task.
pub fn can_write_agency_role(who: &Principal, t: &TaskAccess, agency_id: i64) -> bool {
    if !who.has_right(Right::Write) || t.archived {
        return false;
    }
    who.has_role(Role::OpcAdmin) || (t.agency_ids.contains(&agency_id) && who.agency_ids().any(|a| a == agency_id))
}

/// Write KPIs and milestones (reporting progress): OPC, or an exchangee of the task's pair.
pub fn can_write_progress(who: &Principal, t: &TaskAccess) -> bool {
    if !who.has_right(Right::Write) || t.archived {
        return false;
    }
    who.has_role(Role::OpcAdmin) || who.is_exchangee_of(t)
}

/// Edit agencies, positions, exchange pairs and exchangees.
pub fn can_edit_registry(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Write) && who.has_right(Right::Admin)
}

pub fn can_read_audit(who: &Principal) -> bool {
    who.has_right(Right::Audit)
}

pub fn can_manage_users(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Admin)
}

/// An evaluator's scores stay hidden from other evaluators until the round is closed; OPC and
/// auditors see them (they run and check the round), the owner always sees its own.
pub fn can_see_scores_of(who: &Principal, evaluator_user_id: i64, round_closed: bool) -> bool {
    if who.user_id == evaluator_user_id {
        return true;
    }
    if who.has_role(Role::OpcAdmin) || who.has_role(Role::Auditor) {
        return who.has_right(Right::Read);
    }
    round_closed && who.has_right(Right::Read)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(grants: Vec<Grant>) -> Principal {
        Principal { user_id: 7, grants, token_rights: None }
    }

    fn task() -> TaskAccess {
        TaskAccess {
            status: TaskStatus::Confirmed,
            archived: false,
            agency_ids: vec![3, 4],
            position_ids: vec![10, 11],
            evaluator_ids: vec![],
        }
    }

    #[test]
    fn the_public_sees_only_published_tasks() {
        assert!(can_view_task(None, &task()));
        assert!(!can_view_task(None, &TaskAccess { status: TaskStatus::Proposed, ..task() }));
        assert!(!can_view_task(None, &TaskAccess { archived: true, ..task() }));
    }

    #[test]
    fn an_officer_writes_only_its_own_agencys_role_on_tasks_it_takes_part_in() {
        let officer = person(vec![Grant::AgencyOfficer { agency_id: 4 }]);
        assert!(can_write_agency_role(&officer, &task(), 4));
        assert!(!can_write_agency_role(&officer, &task(), 3), "another agency's role");
        let elsewhere = TaskAccess { agency_ids: vec![3, 5], ..task() };
        assert!(!can_write_agency_role(&officer, &elsewhere, 4), "a task its agency is not part of");
        assert!(!can_manage_task(&officer));
        assert!(!can_write_progress(&officer, &task()));
        assert!(!can_write_agency_role(&officer, &TaskAccess { archived: true, ..task() }, 4));
    }

    #[test]
    fn an_evaluator_sees_only_assigned_tasks() {
        let evaluator = person(vec![Grant::Evaluator]);
        assert!(!can_view_task(Some(&evaluator), &task()));
        assert!(can_view_task(Some(&evaluator), &TaskAccess { evaluator_ids: vec![7], ..task() }));
        assert!(!can_write_progress(&evaluator, &TaskAccess { evaluator_ids: vec![7], ..task() }));
    }

    #[test]
    fn an_exchangee_reports_on_its_pairs_tasks_only() {
        let exchangee = person(vec![Grant::Exchangee { position_id: 11 }]);
        assert!(can_write_progress(&exchangee, &task()));
        assert!(!can_write_progress(&exchangee, &TaskAccess { position_ids: vec![12, 13], ..task() }));
        let proposed_elsewhere = TaskAccess { status: TaskStatus::Proposed, position_ids: vec![12, 13], ..task() };
        assert!(!can_view_task(Some(&exchangee), &proposed_elsewhere));
        assert!(can_view_task(Some(&exchangee), &TaskAccess { status: TaskStatus::Proposed, ..task() }));
    }

    #[test]
    fn an_auditor_reads_everything_and_writes_nothing() {
        let auditor = person(vec![Grant::Auditor]);
        assert!(can_view_task(Some(&auditor), &TaskAccess { status: TaskStatus::Proposed, archived: true, ..task() }));
        assert!(can_read_audit(&auditor));
        assert!(!can_manage_task(&auditor));
        assert!(!can_write_agency_role(&auditor, &task(), 3));
        assert!(!can_edit_registry(&auditor));
        assert!(!can_manage_users(&auditor));
    }

    #[test]
    fn opc_admin_may_do_everything_and_a_token_narrows_it() {
        let admin = person(vec![Grant::OpcAdmin]);
        assert!(
            can_manage_task(&admin) && can_edit_registry(&admin) && can_read_audit(&admin) && can_manage_users(&admin)
        );
        assert!(can_write_agency_role(&admin, &task(), 3));
        let read_only_token = Principal { token_rights: Some(vec![Right::Read]), ..admin.clone() };
        assert!(!can_manage_task(&read_only_token));
        assert!(!can_read_audit(&read_only_token));
        assert!(can_view_task(Some(&read_only_token), &TaskAccess { archived: true, ..task() }));
        assert_eq!(read_only_token.grantable_rights(), vec![Right::Read]);
    }

    #[test]
    fn a_token_cannot_carry_a_right_its_owner_lacks() {
        let officer = Principal {
            user_id: 1,
            grants: vec![Grant::AgencyOfficer { agency_id: 4 }],
            token_rights: Some(vec![Right::Read, Right::Write, Right::Admin]),
        };
        assert!(!officer.has_right(Right::Admin));
        assert_eq!(officer.grantable_rights(), vec![Right::Read, Right::Write]);
    }

    #[test]
    fn scores_stay_hidden_from_other_evaluators_until_the_round_closes() {
        let other = person(vec![Grant::Evaluator]);
        assert!(can_see_scores_of(&other, 7, false), "its own scores");
        assert!(!can_see_scores_of(&other, 8, false));
        assert!(can_see_scores_of(&other, 8, true));
        assert!(can_see_scores_of(&person(vec![Grant::OpcAdmin]), 8, false));
    }

    #[test]
    fn the_list_scope_agrees_with_the_single_task_rule() {
        let people = [
            None,
            Some(person(vec![Grant::OpcAdmin])),
            Some(person(vec![Grant::Auditor])),
            Some(person(vec![Grant::AgencyOfficer { agency_id: 4 }])),
            Some(person(vec![Grant::Exchangee { position_id: 11 }])),
            Some(person(vec![Grant::Evaluator])),
            Some(person(vec![Grant::Evaluator, Grant::AgencyOfficer { agency_id: 9 }])),
            Some(Principal {
                token_rights: Some(vec![Right::Write]),
                ..person(vec![Grant::AgencyOfficer { agency_id: 4 }])
            }),
        ];
        for status in TaskStatus::ALL {
            for archived in [false, true] {
                for agency_ids in [vec![3, 4], vec![5]] {
                    for evaluator_ids in [vec![], vec![7]] {
                        let t =
                            TaskAccess { status, archived, agency_ids: agency_ids.clone(), evaluator_ids, ..task() };
                        for who in &people {
                            assert_eq!(
                                task_scope(who.as_ref()).admits(&t),
                                can_view_task(who.as_ref(), &t),
                                "{who:?} {t:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn roles_round_trip_and_unknown_ones_are_refused() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("admin".parse::<Role>().unwrap_err().contains("opc_admin"));
        for r in Right::ALL {
            assert_eq!(r.as_str().parse::<Right>(), Ok(r));
        }
    }
}
