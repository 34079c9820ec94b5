//! Who may do what. Deny by default: every check returns `false` unless a rule below allows it.
//! The use cases (`hanteam-app`) ask these questions; the edges never decide on their own.

use std::str::FromStr;

use crate::memo::WriterCapacity;
use crate::{AgencyId, PositionId, TaskStatus, UserId};

/// The roles a person can hold (several at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    AgencyOfficer { agency_id: AgencyId },
    Exchangee { position_id: PositionId },
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

/// Someone acting: a signed-in person (by session or API token), or the operator at the server's
/// console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The person's account; `None` for the console operator, who has none.
    pub user_id: Option<UserId>,
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
    pub agency_ids: Vec<AgencyId>,
    /// The two exchange positions of the task's pair.
    pub position_ids: Vec<PositionId>,
    /// Evaluators assigned to the task.
    pub evaluator_ids: Vec<UserId>,
    /// The agency that proposed the task (None: OPC, or the built-in data).
    pub proposed_by: Option<AgencyId>,
}

/// The public sees a task once it is confirmed at a council and not archived.
pub fn is_published(t: &TaskAccess) -> bool {
    !t.archived && t.status.is_public()
}

impl Principal {
    /// A signed-in person with these roles (narrowed by `token_rights` when acting through a token).
    pub fn person(user_id: UserId, grants: Vec<Grant>, token_rights: Option<Vec<Right>>) -> Principal {
        Principal { user_id: Some(user_id), grants, token_rights }
    }

    /// Whoever runs `hanteam` on the server itself: holding the database, they act with OPC's
    /// rights (they create the first administrator). The audit log names them `cli:<OS user>`.
    pub fn console() -> Principal {
        Principal { user_id: None, grants: vec![Grant::OpcAdmin], token_rights: None }
    }

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

    fn agency_ids(&self) -> impl Iterator<Item = AgencyId> + '_ {
        self.grants.iter().filter_map(|g| match g {
            Grant::AgencyOfficer { agency_id } => Some(*agency_id),
            _ => None,
        })
    }

    fn position_ids(&self) -> impl Iterator<Item = PositionId> + '_ {
        self.grants.iter().filter_map(|g| match g {
            Grant::Exchangee { position_id } => Some(*position_id),
            _ => None,
        })
    }

    fn is_exchangee_of(&self, t: &TaskAccess) -> bool {
        self.position_ids().any(|p| t.position_ids.contains(&p))
    }

    fn is_evaluator_of(&self, t: &TaskAccess) -> bool {
        self.has_role(Role::Evaluator) && self.user_id.is_some_and(|u| t.evaluator_ids.contains(&u))
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
    if as_officer || as_exchangee || p.is_evaluator_of(t) {
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
        agency_ids: Vec<AgencyId>,
        position_ids: Vec<PositionId>,
        evaluator_id: Option<UserId>,
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
        evaluator_id: p.user_id.filter(|_| p.has_role(Role::Evaluator)),
        include_published: !p.grants.iter().all(|g| g.role() == Role::Evaluator),
    }
}

/// The tasks that are a person's own work, shown first on their home page: every task for OPC;
/// their agency's tasks for an officer, their pair's for an exchangee, their assigned ones for an
/// evaluator. `None` for one who has no tasks of their own (an auditor).
pub fn work_scope(p: &Principal) -> Option<TaskScope> {
    if p.has_role(Role::OpcAdmin) {
        return Some(TaskScope::All);
    }
    let agency_ids: Vec<AgencyId> = p.agency_ids().collect();
    let position_ids: Vec<PositionId> = p.position_ids().collect();
    let evaluator_id = p.user_id.filter(|_| p.has_role(Role::Evaluator));
    (!agency_ids.is_empty() || !position_ids.is_empty() || evaluator_id.is_some()).then_some(TaskScope::Limited {
        agency_ids,
        position_ids,
        evaluator_id,
        include_published: false,
    })
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

/// A change someone wants to make to an existing task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskChange {
    /// Edit or archive the task itself (OPC).
    Manage,
    /// Write the role text of this agency in the task: OPC, or an officer of that agency when the
    /// agency takes part in the task.
    AgencyRole(AgencyId),
    /// Write KPIs and milestones (reporting progress): OPC, or an exchangee of the task's pair.
    Progress,
    /// Work on the task together: record its administrative procedures (행정절차 소요기간) and
    /// leave memos (기관 간 메모). OPC, an officer of an agency taking part in the task, or an
    /// exchangee of the task's pair.
    Collaborate,
}

/// Why a change to a task is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("이 작업을 할 권한이 없습니다. 필요하면 국무조정실 관리자에게 권한을 요청해 주세요.")]
    NotAllowed,
    /// An archived task stays as it was, for everyone.
    #[error("보관된 과제는 고칠 수 없습니다. 보관된 과제와 그 기록은 감사기록과 함께 그대로 남습니다.")]
    Archived,
    /// A memo is withdrawn by the one who wrote it, nobody else.
    #[error("자기가 쓴 메모만 철회할 수 있습니다. 다른 사람의 메모는 그 작성자에게 철회를 요청해 주세요.")]
    NotTheWriter,
    /// The task's internal record (memos) is for those who work on the task and those who check it.
    #[error("이 과제의 기관 간 메모는 참여기관 담당자, 교류자, 국무조정실과 감사 담당자만 볼 수 있습니다.")]
    NotInTheTask,
}

/// Whether `who` may make `change` to the task as it is now: the one place this is decided. Someone
/// without the right is told so first; someone with it, that an archived task does not change.
pub fn may_change_task(who: &Principal, t: &TaskAccess, change: TaskChange) -> Result<(), Denied> {
    let allowed = who.has_right(Right::Write)
        && match change {
            TaskChange::Manage => can_manage_task(who),
            TaskChange::AgencyRole(agency) => {
                who.has_role(Role::OpcAdmin)
                    || (t.agency_ids.contains(&agency) && who.agency_ids().any(|a| a == agency))
            }
            TaskChange::Progress => {
                who.has_role(Role::OpcAdmin) || who.is_exchangee_of(t) || is_proposer_of_proposal(who, t)
            }
            TaskChange::Collaborate => writer_capacity(who, t).is_some(),
        };
    if !allowed {
        Err(Denied::NotAllowed)
    } else if t.archived {
        Err(Denied::Archived)
    } else {
        Ok(())
    }
}

/// An officer of the agency that proposed the task, while it is a proposal (발굴): they complete
/// it (its KPIs and milestones) until it is tabled, and again once it is returned.
fn is_proposer_of_proposal(who: &Principal, t: &TaskAccess) -> bool {
    t.status == TaskStatus::Proposed && t.proposed_by.is_some_and(|a| who.agency_ids().any(|o| o == a))
}

/// Who proposes a task (과제 발굴): OPC, or an officer for their own agency (its lead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proposer {
    Opc,
    Agency(AgencyId),
}

impl Proposer {
    /// The agency recorded as the proposer (`tasks.proposed_by_agency_id`).
    pub fn agency(self) -> Option<AgencyId> {
        match self {
            Proposer::Opc => None,
            Proposer::Agency(a) => Some(a),
        }
    }
}

/// In what capacity `who` proposes a task, `lead` being the lead agency asked for (if any): OPC as
/// OPC; an officer as their agency (the one asked for, when they serve several; else their only
/// one). Nobody else, and nobody without the right to write.
pub fn may_propose(who: &Principal, lead: Option<AgencyId>) -> Result<Proposer, Denied> {
    if !who.has_right(Right::Write) {
        return Err(Denied::NotAllowed);
    }
    if who.has_role(Role::OpcAdmin) {
        return Ok(Proposer::Opc);
    }
    let own: Vec<AgencyId> = who.agency_ids().collect();
    match lead {
        Some(l) if own.contains(&l) => Ok(Proposer::Agency(l)),
        _ if !own.is_empty() => Ok(Proposer::Agency(own[0])),
        _ => Err(Denied::NotAllowed),
    }
}

/// Edit a proposal (its fields and its co-agencies): OPC, or an officer of the proposing agency.
/// (That the task is still a proposal is the use case's to ask: it is a conflict, not a right.)
pub fn may_edit_proposal(who: &Principal, t: &TaskAccess) -> Result<Proposer, Denied> {
    let proposer = if !who.has_right(Right::Write) {
        None
    } else if who.has_role(Role::OpcAdmin) {
        Some(Proposer::Opc)
    } else {
        t.proposed_by.filter(|a| who.agency_ids().any(|o| o == *a)).map(Proposer::Agency)
    };
    match proposer {
        None => Err(Denied::NotAllowed),
        Some(_) if t.archived => Err(Denied::Archived),
        Some(p) => Ok(p),
    }
}

/// Confirm or decline an agency's participation in a task: that agency's officers only, for an
/// agency taking part in the task (OPC does not answer for an agency).
pub fn may_answer_participation(who: &Principal, t: &TaskAccess, agency: AgencyId) -> Result<(), Denied> {
    let allowed =
        who.has_right(Right::Write) && t.agency_ids.contains(&agency) && who.agency_ids().any(|a| a == agency);
    if !allowed {
        Err(Denied::NotAllowed)
    } else if t.archived {
        Err(Denied::Archived)
    } else {
        Ok(())
    }
}

/// The role in which `who` moves a task through its lifecycle (the lifecycle then says which moves
/// that role may make): OPC as OPC; an officer of an agency taking part in the task as an agency
/// officer; nobody else, and nobody without the right to write.
pub fn lifecycle_role(who: &Principal, t: &TaskAccess) -> Option<Role> {
    if !who.has_right(Right::Write) {
        None
    } else if who.has_role(Role::OpcAdmin) {
        Some(Role::OpcAdmin)
    } else if who.agency_ids().any(|a| t.agency_ids.contains(&a)) {
        Some(Role::AgencyOfficer)
    } else {
        None
    }
}

/// Whether `who` (None: the public) may read the task's internal record — its memos (기관 간 메모), bottlenecks,
/// positions, mediation and follow-ups: OPC, auditors, officers of the agencies taking part and exchangees of the task's pair. Not
/// evaluators (unless they also hold one of those roles), never the public.
pub fn can_see_internal_record(who: Option<&Principal>, t: &TaskAccess) -> bool {
    let Some(p) = who else { return false };
    if !p.has_right(Right::Read) {
        return false;
    }
    p.has_role(Role::OpcAdmin)
        || p.has_role(Role::Auditor)
        || p.agency_ids().any(|a| t.agency_ids.contains(&a))
        || p.is_exchangee_of(t)
}

/// As [`can_see_internal_record`], refused with the reason.
pub fn ensure_can_see_internal_record(who: &Principal, t: &TaskAccess) -> Result<(), Denied> {
    if can_see_internal_record(Some(who), t) {
        Ok(())
    } else {
        Err(Denied::NotInTheTask)
    }
}

/// In what capacity `who` works on the task, if at all (which agency their memo shows): as an
/// officer of an agency taking part, as an exchangee of the task's pair, or as OPC — in that order
/// when a person holds several. Rights are not asked here.
pub fn writer_capacity(who: &Principal, t: &TaskAccess) -> Option<(WriterCapacity, Option<WriterOf>)> {
    if let Some(a) = who.agency_ids().find(|a| t.agency_ids.contains(a)) {
        return Some((WriterCapacity::Officer, Some(WriterOf::Agency(a))));
    }
    if let Some(p) = who.position_ids().find(|p| t.position_ids.contains(p)) {
        return Some((WriterCapacity::Exchangee, Some(WriterOf::Position(p))));
    }
    who.has_role(Role::OpcAdmin).then_some((WriterCapacity::Opc, None))
}

/// What a writer's agency is found from: the agency an officer serves, or the exchange position an
/// exchangee holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriterOf {
    Agency(AgencyId),
    Position(PositionId),
}

/// Whether `who` may withdraw a memo written by `writer` on the task: the writer themself, while
/// they still work on the task.
pub fn may_withdraw_memo(who: &Principal, t: &TaskAccess, writer: Option<UserId>) -> Result<(), Denied> {
    may_change_task(who, t, TaskChange::Collaborate)?;
    if who.user_id.is_some() && who.user_id == writer {
        Ok(())
    } else {
        Err(Denied::NotTheWriter)
    }
}

/// The agencies whose internal records `p` sees beyond OPC's and auditors' all: its officer grants.
/// `None` means all (OPC, auditors).
pub fn internal_scope(p: &Principal) -> Option<(Vec<AgencyId>, Vec<PositionId>)> {
    if !p.has_right(Right::Read) {
        return Some((vec![], vec![]));
    }
    if p.has_role(Role::OpcAdmin) || p.has_role(Role::Auditor) {
        return None;
    }
    Some((p.agency_ids().collect(), p.position_ids().collect()))
}

/// Raise a bottleneck on a task: OPC, an officer of one of the task's agencies, or an exchangee of
/// its pair.
pub fn may_raise_bottleneck(who: &Principal, t: &TaskAccess) -> Result<(), Denied> {
    let allowed = who.has_right(Right::Write)
        && (who.has_role(Role::OpcAdmin)
            || who.agency_ids().any(|a| t.agency_ids.contains(&a))
            || who.is_exchangee_of(t));
    if !allowed {
        Err(Denied::NotAllowed)
    } else if t.archived {
        Err(Denied::Archived)
    } else {
        Ok(())
    }
}

/// State or revise an involved agency's position in a bottleneck: that agency's officers only (OPC
/// mediates between the positions; it does not write them).
pub fn can_state_position(who: &Principal, agency: AgencyId) -> bool {
    who.has_right(Right::Write) && who.agency_ids().any(|a| a == agency)
}

/// Take a bottleneck into mediation, schedule its meetings, record the outcome, resolve it without
/// mediation, and assign follow-ups: OPC.
pub fn can_mediate(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Write)
}

/// Mark a follow-up done: OPC, an officer of the owner agency, or the person it is assigned to.
pub fn can_complete_follow_up(who: &Principal, owner_agency: AgencyId, owner_user: Option<UserId>) -> bool {
    who.has_right(Right::Write)
        && (who.has_role(Role::OpcAdmin)
            || who.agency_ids().any(|a| a == owner_agency)
            || (owner_user.is_some() && who.user_id == owner_user))
}

/// Assign follow-up actions (from a mediation's outcome or a council decision): OPC.
pub fn can_assign_follow_ups(who: &Principal) -> bool {
    can_mediate(who)
}

/// The agencies a person is an officer of: the owners of the follow-ups on their work list, and the
/// agency a bottleneck they raise is raised by.
pub fn officer_agencies(p: &Principal) -> Vec<AgencyId> {
    p.agency_ids().collect()
}

/// Run the review council: schedule, edit and cancel meetings, set their agendas, record the
/// decisions (OPC only).
pub fn can_run_council(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Write)
}

/// Run evaluation rounds: create and edit a round, move its stages, assign panels, decide 기피
/// (OPC only).
pub fn can_run_evaluation(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Write)
}

/// Who reads an evaluation round: OPC and auditors at any stage; the other signed-in people
/// (evaluators, the agencies) once it has left 준비; the public once it is 공개. Anyone else is told
/// it does not exist.
pub fn may_read_round(who: Option<&Principal>, stage: crate::evaluation::round::Stage) -> bool {
    use crate::evaluation::round::Stage;
    match who {
        None => stage.is_published(),
        Some(p) if p.has_role(Role::OpcAdmin) || p.has_role(Role::Auditor) => true,
        Some(_) => stage > Stage::Setup,
    }
}

/// Who sees a round's panels with the members' names: OPC only (an evaluator sees its own tasks,
/// never the other members).
pub fn can_see_panels(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin)
}

/// Sign the pledge, read one's assigned tasks, declare 회피: a person with the evaluator role,
/// signed in as themselves (not the console).
pub fn may_act_as_evaluator(who: &Principal) -> Result<UserId, Denied> {
    match who.user_id {
        Some(u) if who.has_role(Role::Evaluator) && who.has_right(Right::Read) => Ok(u),
        _ => Err(Denied::NotAllowed),
    }
}

/// Raise a 기피 on a task: an officer of one of the task's agencies, with the write right. The
/// agency it is raised for is the first of the officer's agencies that takes part.
pub fn may_challenge(who: &Principal, task_agencies: &[AgencyId]) -> Result<AgencyId, Denied> {
    if !who.has_right(Right::Write) {
        return Err(Denied::NotAllowed);
    }
    who.agency_ids().find(|a| task_agencies.contains(a)).ok_or(Denied::NotAllowed)
}

/// Open and close check cycles, return reports, rate tasks: OPC only.
pub fn can_run_checks(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Write)
}

/// Whether `who` may file (save, submit, attach to) the progress report of `agency` on the task:
/// an officer of that agency when it takes part in the task, or an exchangee holding a position of
/// the task's pair that belongs to that agency. `pair_positions` are the pair's positions with
/// their agencies. OPC reviews reports; it does not write them.
pub fn may_file_report(
    who: &Principal,
    t: &TaskAccess,
    agency: AgencyId,
    pair_positions: &[(PositionId, AgencyId)],
) -> Result<(), Denied> {
    let as_officer = t.agency_ids.contains(&agency) && who.agency_ids().any(|a| a == agency);
    let as_exchangee = who.position_ids().any(|p| pair_positions.iter().any(|(pos, a)| *pos == p && *a == agency));
    if !(who.has_right(Right::Write) && (as_officer || as_exchangee)) {
        Err(Denied::NotAllowed)
    } else if t.archived {
        Err(Denied::Archived)
    } else {
        Ok(())
    }
}

/// Whether `who` may read a progress report: those who may file it (in any state), OPC and
/// auditors, and the task's other participants once it is submitted. The public never: it sees
/// only the light.
pub fn may_read_report(
    who: Option<&Principal>,
    t: &TaskAccess,
    agency: AgencyId,
    pair_positions: &[(PositionId, AgencyId)],
    submitted_once: bool,
) -> bool {
    let Some(p) = who else { return false };
    if !p.has_right(Right::Read) {
        return false;
    }
    if p.has_role(Role::OpcAdmin) || p.has_role(Role::Auditor) {
        return true;
    }
    if may_file_report(p, &TaskAccess { archived: false, ..t.clone() }, agency, pair_positions).is_ok() {
        return true;
    }
    let participant = p.agency_ids().any(|a| t.agency_ids.contains(&a)) || p.is_exchangee_of(t);
    submitted_once && participant
}

/// Edit agencies, positions, exchange pairs and exchangees.
pub fn can_edit_registry(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Write) && who.has_right(Right::Admin)
}

pub fn can_read_audit(who: &Principal) -> bool {
    who.has_right(Right::Audit)
}

/// One's own notifications (알림): only the recipient lists, reads and marks them — not OPC, not
/// the console (which has no account). Reading them needs the read right (a token may lack it).
pub fn can_read_notifications_of(who: &Principal, recipient: UserId) -> bool {
    who.user_id == Some(recipient) && who.has_right(Right::Read)
}

pub fn can_manage_users(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Admin)
}

/// Who reads an evaluator's score sheet of a task: the evaluator itself; OPC and auditors only once
/// scoring has closed (`sealed` false: `round::scores_sealed`), because nobody, OPC included, may
/// see another evaluator's scores while the panel is still scoring; nobody else ever (the agencies
/// see only their tasks' aggregated result, other evaluators nothing).
pub fn can_see_scores_of(who: &Principal, evaluator: UserId, sealed: bool) -> bool {
    if !who.has_right(Right::Read) {
        return false;
    }
    if who.user_id == Some(evaluator) {
        return true;
    }
    !sealed && (who.has_role(Role::OpcAdmin) || who.has_role(Role::Auditor))
}

/// Reopen a submitted score sheet (with a reason): OPC only.
pub fn can_reopen_scores(who: &Principal) -> bool {
    can_run_evaluation(who)
}

/// How much of a round's computed result a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultAccess {
    /// Every task with its spread and the disagreement flag: OPC and auditors, once scoring has
    /// closed.
    Full,
    /// Every task's score, grade and excellent flag: everyone once the round is 공개.
    Published,
    /// The provisional score and grade of the tasks these agencies take part in: their officers,
    /// from 이의신청 on (never the individual scores).
    OwnAgencies(Vec<AgencyId>),
}

/// Why a result is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultRefusal {
    /// Scoring has not closed: there is no result yet.
    NotYet,
    /// An agency before 이의신청.
    BeforeObjections,
    /// Anyone else before 공개.
    BeforePublication,
}

/// What `who` (None: the public) reads of a round's result at `stage`.
pub fn result_access(
    who: Option<&Principal>,
    stage: crate::evaluation::round::Stage,
) -> Result<ResultAccess, ResultRefusal> {
    use crate::evaluation::round::{agencies_see_results, scores_sealed};
    if scores_sealed(stage) {
        return Err(ResultRefusal::NotYet);
    }
    let p = who.filter(|p| p.has_right(Right::Read));
    if p.is_some_and(|p| p.has_role(Role::OpcAdmin) || p.has_role(Role::Auditor)) {
        return Ok(ResultAccess::Full);
    }
    if stage.is_published() {
        return Ok(ResultAccess::Published);
    }
    let agencies: Vec<AgencyId> = p.map(|p| p.agency_ids().collect()).unwrap_or_default();
    match (agencies.is_empty(), agencies_see_results(stage)) {
        (false, true) => Ok(ResultAccess::OwnAgencies(agencies)),
        (false, false) => Err(ResultRefusal::BeforeObjections),
        _ => Err(ResultRefusal::BeforePublication),
    }
}

/// File an objection (이의신청) on a task: an officer of one of the task's agencies, with the write
/// right. The objection is filed for the first of the officer's agencies that takes part.
pub fn may_file_objection(who: &Principal, task_agencies: &[AgencyId]) -> Result<AgencyId, Denied> {
    may_challenge(who, task_agencies)
}

/// Decide objections, set a round's prize pool: OPC only.
pub fn can_decide_objections(who: &Principal) -> bool {
    can_run_evaluation(who)
}

/// Which objections of a round a person reads: OPC and auditors every one; an agency officer its
/// own agencies' (the text of an objection is between the agency and OPC); nobody else any.
pub fn objection_scope(who: &Principal) -> Option<Vec<AgencyId>> {
    if !who.has_right(Right::Read) {
        return Some(vec![]);
    }
    if who.has_role(Role::OpcAdmin) || who.has_role(Role::Auditor) {
        return None;
    }
    Some(who.agency_ids().collect())
}

/// Who reads the names of a task's evaluators (never who gave which score): once the round is
/// published, OPC, auditors and the officers of the task's agencies.
pub fn may_see_task_evaluators(
    who: &Principal,
    task_agencies: &[AgencyId],
    stage: crate::evaluation::round::Stage,
) -> bool {
    who.has_right(Right::Read)
        && crate::evaluation::round::evaluators_disclosed(stage)
        && (who.has_role(Role::OpcAdmin)
            || who.has_role(Role::Auditor)
            || who.agency_ids().any(|a| task_agencies.contains(&a)))
}

/// Why a round's prize lines are not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrizeRefusal {
    /// Scoring has not closed: no excellent task is known yet.
    NotYet,
    /// Neither OPC, an auditor nor an agency officer.
    NotAllowed,
    /// An agency officer before the round is final.
    BeforeFinal,
}

/// Which of a round's prize lines a person reads: OPC and auditors all of them (`None`) once a
/// result exists (provisional before 확정); an agency officer its own agencies' once the round is
/// final.
pub fn prize_scope(
    who: &Principal,
    stage: crate::evaluation::round::Stage,
) -> Result<Option<Vec<AgencyId>>, PrizeRefusal> {
    use crate::evaluation::round::{scores_sealed, Stage};
    if !who.has_right(Right::Read) {
        return Err(PrizeRefusal::NotAllowed);
    }
    if who.has_role(Role::OpcAdmin) || who.has_role(Role::Auditor) {
        return if scores_sealed(stage) { Err(PrizeRefusal::NotYet) } else { Ok(None) };
    }
    let agencies: Vec<AgencyId> = who.agency_ids().collect();
    if agencies.is_empty() {
        Err(PrizeRefusal::NotAllowed)
    } else if stage < Stage::Final {
        Err(PrizeRefusal::BeforeFinal)
    } else {
        Ok(Some(agencies))
    }
}

/// Who reads a person's statement of a round (포상금 and, for an exchangee, 특별성과가산금): it is
/// that person's pay, so [`pay_scope`]'s people — OPC and auditors anyone's once a result exists
/// (provisional before 확정), an exchangee its own (`exchangee_position`: the post of the person,
/// `None` for someone OPC named, who has no account) once the round is final — and nobody else. An
/// agency officer reads its agency's statement (its parts and its people's amounts, as
/// [`prize_scope`] shows them), not a person's, which also carries the bonus.
pub fn may_read_person_statement(
    who: &Principal,
    stage: crate::evaluation::round::Stage,
    exchangee_position: Option<PositionId>,
) -> Result<(), PrizeRefusal> {
    use crate::evaluation::round::{scores_sealed, Stage};
    match pay_scope(Some(who)) {
        None => Err(PrizeRefusal::NotAllowed),
        Some(PayScope::All) if scores_sealed(stage) => Err(PrizeRefusal::NotYet),
        Some(PayScope::All) => Ok(()),
        Some(PayScope::Own(own)) if exchangee_position.is_some_and(|p| own.contains(&p)) => {
            if stage < Stage::Final {
                Err(PrizeRefusal::BeforeFinal)
            } else {
                Ok(())
            }
        }
        Some(PayScope::Own(_)) => Err(PrizeRefusal::NotAllowed),
    }
}

/// Keep the pay tables (성과상여금·성과연봉 지급표), choose an exchangee's pay band and confirm
/// exchangees' ratings: OPC only.
pub fn can_maintain_pay(who: &Principal) -> bool {
    who.has_role(Role::OpcAdmin) && who.has_right(Right::Write)
}

/// The pay tables themselves (amounts per band, no person in them): anyone signed in with the read
/// right. A person's pay is [`pay_scope`]'s.
pub fn can_read_pay_tables(who: Option<&Principal>) -> bool {
    who.is_some_and(|p| p.has_right(Right::Read))
}

/// Whose pay (bonus, band, rating) a person may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayScope {
    /// Every exchangee's: OPC and auditors.
    All,
    /// Only the exchangees holding these positions: an exchangee, its own.
    Own(Vec<PositionId>),
}

/// Whose pay `who` (None: the public) may read: OPC and auditors everyone's, an exchangee its own,
/// nobody else anything (pay is never public). `None`: nobody's.
pub fn pay_scope(who: Option<&Principal>) -> Option<PayScope> {
    let p = who?;
    if !p.has_right(Right::Read) {
        return None;
    }
    if p.has_role(Role::OpcAdmin) || p.has_role(Role::Auditor) {
        return Some(PayScope::All);
    }
    let own: Vec<PositionId> = p.position_ids().collect();
    (!own.is_empty()).then_some(PayScope::Own(own))
}

impl PayScope {
    /// Whether the exchangee holding `position` is in the scope.
    pub fn admits(&self, position: PositionId) -> bool {
        match self {
            PayScope::All => true,
            PayScope::Own(own) => own.contains(&position),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: UserId = UserId::new(7);

    fn person(grants: Vec<Grant>) -> Principal {
        Principal::person(ME, grants, None)
    }

    #[test]
    fn only_the_recipient_reads_a_notification() {
        assert!(can_read_notifications_of(&person(vec![officer_of(3)]), ME));
        assert!(!can_read_notifications_of(&person(vec![Grant::OpcAdmin]), UserId::new(8)), "not even OPC");
        assert!(!can_read_notifications_of(&Principal::console(), ME), "the console has no account");
        let audit_only = Principal::person(ME, vec![Grant::OpcAdmin], Some(vec![Right::Audit]));
        assert!(!can_read_notifications_of(&audit_only, ME), "a token without the read right");
    }

    #[test]
    fn ones_own_work_is_opcs_everything_and_otherwise_what_one_takes_part_in() {
        assert_eq!(work_scope(&person(vec![Grant::OpcAdmin])), Some(TaskScope::All));
        assert_eq!(work_scope(&person(vec![Grant::Auditor])), None, "an auditor has no tasks of their own");
        let officer = work_scope(&person(vec![officer_of(3)])).unwrap();
        assert_eq!(
            officer,
            TaskScope::Limited {
                agency_ids: agencies(&[3]),
                position_ids: vec![],
                evaluator_id: None,
                include_published: false
            },
            "their agency's tasks, not every published one"
        );
        let evaluator = work_scope(&person(vec![Grant::Evaluator])).unwrap();
        assert!(matches!(evaluator, TaskScope::Limited { evaluator_id: Some(ME), include_published: false, .. }));
    }

    fn agencies(ids: &[i64]) -> Vec<AgencyId> {
        ids.iter().copied().map(AgencyId::new).collect()
    }

    fn positions(ids: &[i64]) -> Vec<PositionId> {
        ids.iter().copied().map(PositionId::new).collect()
    }

    fn officer_of(agency: i64) -> Grant {
        Grant::AgencyOfficer { agency_id: AgencyId::new(agency) }
    }

    fn task() -> TaskAccess {
        TaskAccess {
            status: TaskStatus::Confirmed,
            archived: false,
            agency_ids: agencies(&[3, 4]),
            position_ids: positions(&[10, 11]),
            evaluator_ids: vec![],
            proposed_by: None,
        }
    }

    fn role(agency: i64) -> TaskChange {
        TaskChange::AgencyRole(AgencyId::new(agency))
    }

    #[test]
    fn the_public_sees_only_published_tasks() {
        assert!(can_view_task(None, &task()));
        assert!(!can_view_task(None, &TaskAccess { status: TaskStatus::Proposed, ..task() }));
        assert!(!can_view_task(None, &TaskAccess { archived: true, ..task() }));
    }

    #[test]
    fn an_officer_writes_only_its_own_agencys_role_on_tasks_it_takes_part_in() {
        let officer = person(vec![officer_of(4)]);
        assert_eq!(may_change_task(&officer, &task(), role(4)), Ok(()));
        assert_eq!(may_change_task(&officer, &task(), role(3)), Err(Denied::NotAllowed), "another agency's role");
        let elsewhere = TaskAccess { agency_ids: agencies(&[3, 5]), ..task() };
        assert_eq!(may_change_task(&officer, &elsewhere, role(4)), Err(Denied::NotAllowed), "not its task");
        assert!(!can_manage_task(&officer));
        assert_eq!(may_change_task(&officer, &task(), TaskChange::Progress), Err(Denied::NotAllowed));
    }

    #[test]
    fn an_archived_task_changes_for_nobody_and_says_so_to_those_who_could_otherwise() {
        let archived = TaskAccess { archived: true, ..task() };
        let admin = person(vec![Grant::OpcAdmin]);
        for change in [TaskChange::Manage, TaskChange::Progress, role(3)] {
            assert_eq!(may_change_task(&admin, &archived, change), Err(Denied::Archived), "{change:?}");
        }
        let officer = person(vec![officer_of(4)]);
        assert_eq!(may_change_task(&officer, &archived, role(4)), Err(Denied::Archived));
        assert_eq!(may_change_task(&officer, &archived, role(3)), Err(Denied::NotAllowed));
        assert!(Denied::Archived.to_string().contains("보관된 과제는 고칠 수 없습니다"));
    }

    #[test]
    fn an_evaluator_sees_only_assigned_tasks() {
        let evaluator = person(vec![Grant::Evaluator]);
        let assigned = TaskAccess { evaluator_ids: vec![ME], ..task() };
        assert!(!can_view_task(Some(&evaluator), &task()));
        assert!(can_view_task(Some(&evaluator), &assigned));
        assert_eq!(may_change_task(&evaluator, &assigned, TaskChange::Progress), Err(Denied::NotAllowed));
    }

    #[test]
    fn an_exchangee_reports_on_its_pairs_tasks_only() {
        let exchangee = person(vec![Grant::Exchangee { position_id: PositionId::new(11) }]);
        assert_eq!(may_change_task(&exchangee, &task(), TaskChange::Progress), Ok(()));
        let other_pair = TaskAccess { position_ids: positions(&[12, 13]), ..task() };
        assert_eq!(may_change_task(&exchangee, &other_pair, TaskChange::Progress), Err(Denied::NotAllowed));
        let proposed_elsewhere = TaskAccess { status: TaskStatus::Proposed, ..other_pair };
        assert!(!can_view_task(Some(&exchangee), &proposed_elsewhere));
        assert!(can_view_task(Some(&exchangee), &TaskAccess { status: TaskStatus::Proposed, ..task() }));
    }

    #[test]
    fn an_auditor_reads_everything_and_writes_nothing() {
        let auditor = person(vec![Grant::Auditor]);
        assert!(can_view_task(Some(&auditor), &TaskAccess { status: TaskStatus::Proposed, archived: true, ..task() }));
        assert!(can_read_audit(&auditor));
        assert!(!can_manage_task(&auditor));
        assert_eq!(may_change_task(&auditor, &task(), role(3)), Err(Denied::NotAllowed));
        assert!(!can_edit_registry(&auditor));
        assert!(!can_manage_users(&auditor));
    }

    #[test]
    fn opc_admin_may_do_everything_and_a_token_narrows_it() {
        let admin = person(vec![Grant::OpcAdmin]);
        assert!(
            can_manage_task(&admin) && can_edit_registry(&admin) && can_read_audit(&admin) && can_manage_users(&admin)
        );
        assert_eq!(may_change_task(&admin, &task(), role(3)), Ok(()));
        let read_only_token = Principal { token_rights: Some(vec![Right::Read]), ..admin.clone() };
        assert!(!can_manage_task(&read_only_token));
        assert_eq!(may_change_task(&read_only_token, &task(), TaskChange::Manage), Err(Denied::NotAllowed));
        assert!(!can_read_audit(&read_only_token));
        assert!(can_view_task(Some(&read_only_token), &TaskAccess { archived: true, ..task() }));
        assert_eq!(read_only_token.grantable_rights(), vec![Right::Read]);
    }

    #[test]
    fn the_console_acts_with_opcs_rights_and_is_nobodys_account() {
        let console = Principal::console();
        assert!(can_manage_users(&console) && can_edit_registry(&console) && can_read_audit(&console));
        assert_eq!(console.user_id, None);
        let hidden = TaskAccess { status: TaskStatus::Proposed, archived: true, ..task() };
        assert!(can_view_task(Some(&console), &hidden), "it sees what OPC sees");
    }

    #[test]
    fn a_token_cannot_carry_a_right_its_owner_lacks() {
        let officer =
            Principal::person(UserId::new(1), vec![officer_of(4)], Some(vec![Right::Read, Right::Write, Right::Admin]));
        assert!(!officer.has_right(Right::Admin));
        assert_eq!(officer.grantable_rights(), vec![Right::Read, Right::Write]);
    }

    #[test]
    fn scores_stay_sealed_from_everyone_but_their_evaluator_until_scoring_closes() {
        let other = person(vec![Grant::Evaluator]);
        let opc = person(vec![Grant::OpcAdmin]);
        let agency = person(vec![officer_of(4)]);
        assert!(can_see_scores_of(&other, ME, true), "its own scores, while sealed too");
        for sealed in [true, false] {
            assert!(!can_see_scores_of(&other, UserId::new(8), sealed), "never another evaluator's");
            assert!(!can_see_scores_of(&agency, UserId::new(8), sealed), "never an agency");
        }
        assert!(!can_see_scores_of(&opc, UserId::new(8), true), "not OPC while sealed");
        assert!(can_see_scores_of(&opc, UserId::new(8), false), "OPC once scoring has closed");
    }

    #[test]
    fn a_result_is_read_by_opc_after_close_by_its_agencies_from_objections_and_by_all_once_public() {
        use crate::evaluation::round::Stage;
        let opc = person(vec![Grant::OpcAdmin]);
        let agency = person(vec![officer_of(4)]);
        let evaluator = person(vec![Grant::Evaluator]);
        for who in [Some(&opc), Some(&agency), Some(&evaluator), None] {
            assert_eq!(result_access(who, Stage::Scoring), Err(ResultRefusal::NotYet));
        }
        assert_eq!(result_access(Some(&opc), Stage::Review), Ok(ResultAccess::Full));
        assert_eq!(result_access(Some(&agency), Stage::Review), Err(ResultRefusal::BeforeObjections));
        assert_eq!(
            result_access(Some(&agency), Stage::Objections),
            Ok(ResultAccess::OwnAgencies(vec![AgencyId::new(4)]))
        );
        assert_eq!(result_access(Some(&evaluator), Stage::Final), Err(ResultRefusal::BeforePublication));
        assert_eq!(result_access(None, Stage::Final), Err(ResultRefusal::BeforePublication));
        assert_eq!(result_access(None, Stage::Published), Ok(ResultAccess::Published));
        assert_eq!(result_access(Some(&agency), Stage::Published), Ok(ResultAccess::Published));
    }

    #[test]
    fn the_list_scope_agrees_with_the_single_task_rule() {
        let people = [
            None,
            Some(person(vec![Grant::OpcAdmin])),
            Some(person(vec![Grant::Auditor])),
            Some(person(vec![officer_of(4)])),
            Some(person(vec![Grant::Exchangee { position_id: PositionId::new(11) }])),
            Some(person(vec![Grant::Evaluator])),
            Some(person(vec![Grant::Evaluator, officer_of(9)])),
            Some(Principal { token_rights: Some(vec![Right::Write]), ..person(vec![officer_of(4)]) }),
            Some(Principal::console()),
        ];
        for status in TaskStatus::ALL {
            for archived in [false, true] {
                for agency_ids in [agencies(&[3, 4]), agencies(&[5])] {
                    for evaluator_ids in [vec![], vec![ME]] {
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
    fn procedures_and_memos_are_written_by_opc_officers_taking_part_and_the_pairs_exchangees() {
        let c = TaskChange::Collaborate;
        assert_eq!(may_change_task(&person(vec![Grant::OpcAdmin]), &task(), c), Ok(()));
        assert_eq!(may_change_task(&person(vec![officer_of(4)]), &task(), c), Ok(()));
        assert_eq!(
            may_change_task(&person(vec![officer_of(5)]), &task(), c),
            Err(Denied::NotAllowed),
            "not taking part"
        );
        let exchangee = person(vec![Grant::Exchangee { position_id: PositionId::new(10) }]);
        assert_eq!(may_change_task(&exchangee, &task(), c), Ok(()));
        let other_pair = person(vec![Grant::Exchangee { position_id: PositionId::new(12) }]);
        assert_eq!(may_change_task(&other_pair, &task(), c), Err(Denied::NotAllowed));
        for reader in [Grant::Auditor, Grant::Evaluator] {
            let assigned = TaskAccess { evaluator_ids: vec![ME], ..task() };
            assert_eq!(
                may_change_task(&person(vec![reader.clone()]), &assigned, c),
                Err(Denied::NotAllowed),
                "{reader:?}"
            );
        }
        let read_only = Principal { token_rights: Some(vec![Right::Read]), ..person(vec![officer_of(4)]) };
        assert_eq!(may_change_task(&read_only, &task(), c), Err(Denied::NotAllowed));
        let archived = TaskAccess { archived: true, ..task() };
        assert_eq!(may_change_task(&person(vec![officer_of(4)]), &archived, c), Err(Denied::Archived));
    }

    #[test]
    fn memos_are_seen_by_those_in_the_task_and_those_who_check_it_never_by_evaluators_or_the_public() {
        let t = TaskAccess { evaluator_ids: vec![ME], ..task() };
        assert!(!can_see_internal_record(None, &t), "never the public");
        assert!(!can_see_internal_record(Some(&person(vec![Grant::Evaluator])), &t), "not an assigned evaluator");
        for who in [
            person(vec![Grant::OpcAdmin]),
            person(vec![Grant::Auditor]),
            person(vec![officer_of(3)]),
            person(vec![Grant::Exchangee { position_id: PositionId::new(11) }]),
            person(vec![Grant::Evaluator, officer_of(4)]),
        ] {
            assert!(can_see_internal_record(Some(&who), &t), "{who:?}");
        }
        let outsider = person(vec![officer_of(9)]);
        assert!(can_view_task(Some(&outsider), &t), "the published task itself");
        assert!(!can_see_internal_record(Some(&outsider), &t), "but not its memos");
        assert_eq!(ensure_can_see_internal_record(&outsider, &t), Err(Denied::NotInTheTask));
        let no_read = Principal { token_rights: Some(vec![Right::Write]), ..person(vec![Grant::OpcAdmin]) };
        assert!(!can_see_internal_record(Some(&no_read), &t), "a token without read");
    }

    #[test]
    fn a_memo_shows_the_agency_the_writer_works_for_in_the_task() {
        let t = task();
        let both = person(vec![Grant::OpcAdmin, officer_of(9), officer_of(4)]);
        assert_eq!(
            writer_capacity(&both, &t),
            Some((WriterCapacity::Officer, Some(WriterOf::Agency(AgencyId::new(4))))),
            "the agency taking part, before OPC"
        );
        let exchangee = person(vec![Grant::Exchangee { position_id: PositionId::new(11) }]);
        assert_eq!(
            writer_capacity(&exchangee, &t),
            Some((WriterCapacity::Exchangee, Some(WriterOf::Position(PositionId::new(11)))))
        );
        assert_eq!(writer_capacity(&person(vec![Grant::OpcAdmin]), &t), Some((WriterCapacity::Opc, None)));
        assert_eq!(writer_capacity(&person(vec![Grant::Auditor]), &t), None);
    }

    #[test]
    fn only_the_writer_withdraws_a_memo() {
        let t = task();
        let writer = person(vec![officer_of(4)]);
        assert_eq!(may_withdraw_memo(&writer, &t, Some(ME)), Ok(()));
        assert_eq!(may_withdraw_memo(&writer, &t, Some(UserId::new(8))), Err(Denied::NotTheWriter));
        let admin = person(vec![Grant::OpcAdmin]);
        assert_eq!(may_withdraw_memo(&admin, &t, Some(UserId::new(8))), Err(Denied::NotTheWriter), "not even OPC");
        assert_eq!(may_withdraw_memo(&Principal::console(), &t, None), Err(Denied::NotTheWriter));
        let moved_on = person(vec![officer_of(9)]);
        assert_eq!(may_withdraw_memo(&moved_on, &t, Some(ME)), Err(Denied::NotAllowed), "no longer in the task");
    }

    #[test]
    fn the_internal_record_is_for_the_tasks_agencies_pair_opc_and_auditors_only() {
        let t = task();
        assert!(!can_see_internal_record(None, &t), "never the public");
        assert!(!can_see_internal_record(
            Some(&person(vec![Grant::Evaluator])),
            &TaskAccess { evaluator_ids: vec![ME], ..task() }
        ));
        assert!(can_see_internal_record(Some(&person(vec![officer_of(4)])), &t));
        assert!(!can_see_internal_record(Some(&person(vec![officer_of(9)])), &t));
        assert!(can_see_internal_record(
            Some(&person(vec![Grant::Exchangee { position_id: PositionId::new(10) }])),
            &t
        ));
        assert!(can_see_internal_record(Some(&person(vec![Grant::Auditor])), &t));
        assert!(can_see_internal_record(Some(&person(vec![Grant::OpcAdmin])), &t));
        assert_eq!(internal_scope(&person(vec![Grant::Auditor])), None);
        assert_eq!(internal_scope(&person(vec![officer_of(4)])), Some((agencies(&[4]), vec![])));
    }

    #[test]
    fn bottlenecks_are_raised_by_those_in_the_task_positions_stated_by_their_agency_and_mediated_by_opc() {
        let t = task();
        assert_eq!(may_raise_bottleneck(&person(vec![officer_of(3)]), &t), Ok(()));
        assert_eq!(may_raise_bottleneck(&person(vec![officer_of(9)]), &t), Err(Denied::NotAllowed));
        assert_eq!(
            may_raise_bottleneck(&person(vec![Grant::Exchangee { position_id: PositionId::new(11) }]), &t),
            Ok(())
        );
        assert_eq!(may_raise_bottleneck(&person(vec![Grant::Auditor]), &t), Err(Denied::NotAllowed));
        assert_eq!(
            may_raise_bottleneck(&person(vec![Grant::OpcAdmin]), &TaskAccess { archived: true, ..task() }),
            Err(Denied::Archived)
        );
        let officer = person(vec![officer_of(3)]);
        assert!(can_state_position(&officer, AgencyId::new(3)));
        assert!(!can_state_position(&officer, AgencyId::new(4)));
        assert!(!can_state_position(&person(vec![Grant::OpcAdmin]), AgencyId::new(3)), "OPC does not write positions");
        assert!(can_mediate(&person(vec![Grant::OpcAdmin])));
        assert!(!can_mediate(&officer));
        let read_only = Principal { token_rights: Some(vec![Right::Read]), ..person(vec![Grant::OpcAdmin]) };
        assert!(!can_mediate(&read_only));
    }

    #[test]
    fn an_officer_proposes_for_its_own_agency_and_completes_the_proposal_until_it_is_tabled() {
        let officer = person(vec![officer_of(3)]);
        assert_eq!(may_propose(&officer, None), Ok(Proposer::Agency(AgencyId::new(3))));
        assert_eq!(may_propose(&officer, Some(AgencyId::new(9))), Ok(Proposer::Agency(AgencyId::new(3))));
        assert_eq!(may_propose(&person(vec![Grant::OpcAdmin]), Some(AgencyId::new(9))), Ok(Proposer::Opc));
        for nobody in [Grant::Auditor, Grant::Evaluator, Grant::Exchangee { position_id: PositionId::new(10) }] {
            assert_eq!(may_propose(&person(vec![nobody]), None), Err(Denied::NotAllowed));
        }
        let read_only = Principal { token_rights: Some(vec![Right::Read]), ..officer.clone() };
        assert_eq!(may_propose(&read_only, None), Err(Denied::NotAllowed));

        let proposal = TaskAccess { status: TaskStatus::Proposed, proposed_by: Some(AgencyId::new(3)), ..task() };
        assert_eq!(may_change_task(&officer, &proposal, TaskChange::Progress), Ok(()), "its KPIs and milestones");
        let co = person(vec![officer_of(4)]);
        assert_eq!(may_change_task(&co, &proposal, TaskChange::Progress), Err(Denied::NotAllowed));
        let tabled = TaskAccess { status: TaskStatus::Tabled, ..proposal.clone() };
        assert_eq!(may_change_task(&officer, &tabled, TaskChange::Progress), Err(Denied::NotAllowed));
        assert_eq!(may_edit_proposal(&officer, &proposal), Ok(Proposer::Agency(AgencyId::new(3))));
        assert_eq!(may_edit_proposal(&co, &proposal), Err(Denied::NotAllowed));
        assert_eq!(may_edit_proposal(&person(vec![Grant::OpcAdmin]), &proposal), Ok(Proposer::Opc));
        let archived = TaskAccess { archived: true, ..proposal.clone() };
        assert_eq!(may_edit_proposal(&officer, &archived), Err(Denied::Archived));
    }

    #[test]
    fn only_an_agencys_own_officers_answer_for_its_participation() {
        let t = TaskAccess { status: TaskStatus::Proposed, proposed_by: Some(AgencyId::new(3)), ..task() };
        let four = AgencyId::new(4);
        assert_eq!(may_answer_participation(&person(vec![officer_of(4)]), &t, four), Ok(()));
        assert_eq!(may_answer_participation(&person(vec![officer_of(3)]), &t, four), Err(Denied::NotAllowed));
        assert_eq!(may_answer_participation(&person(vec![Grant::OpcAdmin]), &t, four), Err(Denied::NotAllowed));
        assert_eq!(
            may_answer_participation(&person(vec![officer_of(9)]), &t, AgencyId::new(9)),
            Err(Denied::NotAllowed),
            "not an agency of the task"
        );
    }

    #[test]
    fn a_follow_up_is_marked_done_by_its_owner_agency_its_owner_or_opc() {
        let a = AgencyId::new(3);
        assert!(can_complete_follow_up(&person(vec![officer_of(3)]), a, None));
        assert!(!can_complete_follow_up(&person(vec![officer_of(4)]), a, None));
        assert!(can_complete_follow_up(&person(vec![officer_of(4)]), a, Some(ME)), "the person it is assigned to");
        assert!(can_complete_follow_up(&person(vec![Grant::OpcAdmin]), a, None));
        assert!(!can_complete_follow_up(&person(vec![Grant::Auditor]), a, None));
    }

    #[test]
    fn a_report_is_filed_by_its_agencys_officer_or_the_pairs_exchangee_of_that_agency() {
        let t = TaskAccess {
            status: TaskStatus::Confirmed,
            archived: false,
            agency_ids: agencies(&[1, 2]),
            position_ids: vec![PositionId::new(10), PositionId::new(20)],
            evaluator_ids: vec![],
            proposed_by: None,
        };
        let pair = [(PositionId::new(10), AgencyId::new(1)), (PositionId::new(20), AgencyId::new(2))];
        let (a1, a2) = (AgencyId::new(1), AgencyId::new(2));
        let officer = person(vec![officer_of(1)]);
        assert_eq!(may_file_report(&officer, &t, a1, &pair), Ok(()));
        assert_eq!(may_file_report(&officer, &t, a2, &pair), Err(Denied::NotAllowed), "not the other agency's");
        let exchangee = person(vec![Grant::Exchangee { position_id: PositionId::new(20) }]);
        assert_eq!(may_file_report(&exchangee, &t, a2, &pair), Ok(()), "the agency of its position");
        assert_eq!(may_file_report(&exchangee, &t, a1, &pair), Err(Denied::NotAllowed));
        let opc = person(vec![Grant::OpcAdmin]);
        assert_eq!(may_file_report(&opc, &t, a1, &pair), Err(Denied::NotAllowed), "OPC reviews, it does not file");
        assert!(can_run_checks(&opc) && !can_run_checks(&officer));
        let archived = TaskAccess { archived: true, ..t.clone() };
        assert_eq!(may_file_report(&officer, &archived, a1, &pair), Err(Denied::Archived));
        assert!(!may_read_report(None, &t, a1, &pair, true), "the public never reads a report");
        assert!(may_read_report(Some(&officer), &t, a1, &pair, false), "its own draft");
        assert!(!may_read_report(Some(&officer), &t, a2, &pair, false), "not another agency's draft");
        assert!(may_read_report(Some(&officer), &t, a2, &pair, true), "a co-agency's submitted report");
        assert!(may_read_report(Some(&person(vec![Grant::Auditor])), &t, a2, &pair, false));
        assert!(!may_read_report(Some(&person(vec![officer_of(3)])), &t, a1, &pair, true));
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

    #[test]
    fn pay_is_read_by_opc_and_auditors_and_by_an_exchangee_for_itself_only() {
        let pos = PositionId::new(4);
        assert_eq!(pay_scope(None), None, "never the public");
        assert_eq!(pay_scope(Some(&person(vec![officer_of(3)]))), None, "not an agency officer");
        assert_eq!(pay_scope(Some(&person(vec![Grant::Evaluator]))), None);
        assert_eq!(pay_scope(Some(&person(vec![Grant::OpcAdmin]))), Some(PayScope::All));
        assert_eq!(pay_scope(Some(&person(vec![Grant::Auditor]))), Some(PayScope::All));
        let own = pay_scope(Some(&person(vec![Grant::Exchangee { position_id: pos }]))).unwrap();
        assert!(own.admits(pos) && !own.admits(PositionId::new(5)));
        let audit_only = Principal::person(ME, vec![Grant::OpcAdmin], Some(vec![Right::Audit]));
        assert_eq!(pay_scope(Some(&audit_only)), None, "a token without the read right");
        assert!(can_maintain_pay(&person(vec![Grant::OpcAdmin])));
        assert!(!can_maintain_pay(&person(vec![Grant::Auditor])));
        assert!(!can_maintain_pay(&person(vec![Grant::Exchangee { position_id: pos }])));
        assert!(!can_read_pay_tables(None));
        assert!(can_read_pay_tables(Some(&person(vec![officer_of(3)]))));
    }

    #[test]
    fn a_persons_statement_is_read_by_opc_auditors_and_the_exchangee_itself_once_final() {
        use crate::evaluation::round::Stage;
        let pos = Some(PositionId::new(4));
        let me = person(vec![Grant::Exchangee { position_id: PositionId::new(4) }]);
        let other = person(vec![Grant::Exchangee { position_id: PositionId::new(5) }]);
        for who in [Grant::OpcAdmin, Grant::Auditor] {
            let p = person(vec![who]);
            assert_eq!(may_read_person_statement(&p, Stage::Scoring, pos), Err(PrizeRefusal::NotYet));
            assert_eq!(may_read_person_statement(&p, Stage::Review, pos), Ok(()));
            assert_eq!(may_read_person_statement(&p, Stage::Review, None), Ok(()), "someone OPC named");
        }
        assert_eq!(may_read_person_statement(&me, Stage::Objections, pos), Err(PrizeRefusal::BeforeFinal));
        assert_eq!(may_read_person_statement(&me, Stage::Final, pos), Ok(()));
        assert_eq!(may_read_person_statement(&other, Stage::Final, pos), Err(PrizeRefusal::NotAllowed));
        assert_eq!(may_read_person_statement(&me, Stage::Final, None), Err(PrizeRefusal::NotAllowed));
        let officer = person(vec![officer_of(3)]);
        assert_eq!(
            may_read_person_statement(&officer, Stage::Published, pos),
            Err(PrizeRefusal::NotAllowed),
            "an officer reads its agency's statement, not a person's pay"
        );
    }
}
