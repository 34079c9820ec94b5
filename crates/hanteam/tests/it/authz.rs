//! The authorization matrix: every route of the route table (hanteam_web::endpoint::Endpoint) × every
//! role × (for routes about one record) a record of theirs and one that is not, each cell called
//! over real HTTP as a signed-in browser would and checked against the outcome written below —
//! the route's rule and the record-level rules of the use cases alike.
//!
//! `sample` and `expected` match on every Endpoint without a wildcard: a new route that has no rule
//! here does not compile.

use hanteam_domain::access::Grant;
use hanteam_domain::{AgencyId, PositionId};
use hanteam_web::endpoint::{Endpoint, Kind};
use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, Browser, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Public,
    OpcAdmin,
    /// Officer of 환경부, which takes part in task 1 (and not in task 30).
    Officer,
    /// Holder of 국토부 국토정책관, pair 1 (task 1's pair; task 30 is pair 8's).
    Exchangee,
    /// Assigned to task 1.
    Evaluator,
    Auditor,
}

const EVERYONE: [Who; 6] = [Who::Public, Who::OpcAdmin, Who::Officer, Who::Exchangee, Who::Evaluator, Who::Auditor];

/// Whose record a sample names: one the person is tied to (task 1 of pair 1, 환경부's role in it,
/// its KPI…), or one they are not (task 30 of pair 8, 개보위's role in it, its KPI…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Theirs,
    Elsewhere,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// 2xx, or a redirect that is not to the sign-in form.
    Ok,
    /// 400: allowed, and the (deliberately empty) input was refused; nothing written.
    Invalid,
    /// 404: not found, or not the caller's to see.
    NotFound,
    Forbidden,
    /// 409: allowed, and refused by the record's state (a round past 배정, a pledge already signed).
    Refused,
    /// 401, or a page redirecting to the sign-in form.
    Unauthenticated,
}

use Outcome::*;

/// `allowed` get `yes`, other signed-in people `Forbidden`, the public `Unauthenticated`.
fn only(who: Who, allowed: &[Who], yes: Outcome) -> Outcome {
    if who == Who::Public {
        Unauthenticated
    } else if allowed.contains(&who) {
        yes
    } else {
        Forbidden
    }
}

/// The answer to a request with no input or an empty one: the page (or data) for a read, the input
/// refused for a change.
fn read_or_change(e: Endpoint) -> Outcome {
    if e.method() == Method::GET {
        Ok
    } else {
        Invalid
    }
}

/// A task's internal record (bottlenecks, positions, follow-ups): OPC and auditors, and the
/// officers and exchangees of the task (task 1); never evaluators. Not theirs is not found.
fn internal_read(who: Who, elsewhere: bool) -> Outcome {
    match who {
        Who::Public => Unauthenticated,
        Who::OpcAdmin | Who::Auditor => Ok,
        Who::Officer | Who::Exchangee if !elsewhere => Ok,
        _ => NotFound,
    }
}

/// A change of a bottleneck or follow-up: `writers` may (on task 1; OPC anywhere); the others who
/// see the internal record are refused, those who do not are told it is not there; those without
/// the write right are stopped at the gate.
fn internal_write(e: Endpoint, who: Who, elsewhere: bool, writers: &[Who]) -> Outcome {
    match who {
        Who::Public => Unauthenticated,
        Who::Evaluator | Who::Auditor => Forbidden,
        Who::OpcAdmin if writers.contains(&Who::OpcAdmin) => read_or_change(e),
        Who::OpcAdmin => Forbidden,
        _ if elsewhere => NotFound,
        w if writers.contains(&w) => read_or_change(e),
        _ => Forbidden,
    }
}

fn expected(e: Endpoint, who: Who, target: Target) -> Outcome {
    use Endpoint::*;
    use Who::*;
    let signed_in = [OpcAdmin, Officer, Exchangee, Evaluator, Auditor];
    let elsewhere = target == Target::Elsewhere;
    match e {
        PageHome | PageTasks | PagePairs | PageAgencies | PageAgency | PageMeetings | PageMeeting
        | PageMeetingMinutes | PagePrivacy | PageCopyright | PageAccessibility | StaticKrds | StaticOwn
        | SignInForm | Healthz | Readyz | ApiOpenApi | ApiOverview | ApiAgencies | ApiAgency | ApiPairs | ApiTasks
        | ApiMeetings | ApiMeeting => Ok,
        // Not an account's: only a configured address or token (none here) reads the metrics.
        Metrics => Forbidden,
        // The list as a file: what each reader sees of it (tests/it/export.rs checks the rows).
        PageTasksCsv | PageTasksXlsx | ApiTasksCsv | ApiTasksXlsx => Ok,
        // An evaluator sees only the tasks assigned to it.
        PageTask | ApiTask | ApiTaskHistory => {
            if elsewhere && who == Evaluator {
                NotFound
            } else {
                Ok
            }
        }
        // The sign-in form posted empty: no login.
        SignIn => Invalid,
        SignOut | AccountPage | ApiMe | ApiTokens => only(who, &signed_in, Ok),
        PasswordChange | TokenCreate | ApiTokenCreate => only(who, &signed_in, Invalid),
        // One's own notifications: everyone signed in has a list (empty here); the address form
        // posted without the account's version is refused.
        PageNotifications | ApiNotifications | NotificationReadAll | ApiNotificationReadAll => {
            only(who, &signed_in, Ok)
        }
        EmailChange => only(who, &signed_in, Invalid),
        // Notification 999999 is nobody's.
        NotificationRead | ApiNotificationRead => only(who, &signed_in, NotFound),
        // Token 999999 is nobody's.
        TokenRevoke | ApiTokenRevoke => only(who, &signed_in, NotFound),
        AuditPage | ApiAudit => only(who, &[OpcAdmin, Auditor], Ok),
        TaskNewForm | TaskCreate | TaskEditForm | TaskEdit | TaskArchiveForm | TaskArchive | ApiTaskCreate
        | ApiTaskUpdate | ApiTaskArchive => only(who, &[OpcAdmin], read_or_change(e)),
        // An officer of an agency of the task may start it (task 1 is confirmed); task 30 is not theirs.
        TaskMoveForm | TaskMove | ApiTaskTransition => {
            let writers: &[Who] = if elsewhere { &[OpcAdmin] } else { &[OpcAdmin, Officer] };
            only(who, writers, read_or_change(e))
        }
        // 환경부's role in task 1 is the officer's to write; 개보위's in task 30 is not.
        RoleEditForm | RoleEdit | ApiRoleUpdate => {
            let writers: &[Who] = if elsewhere { &[OpcAdmin] } else { &[OpcAdmin, Officer] };
            only(who, writers, read_or_change(e))
        }
        // Task 1 is of the exchangee's pair; task 30 is not.
        KpiNewForm | KpiCreate | KpiEditForm | KpiEdit | KpiRemoveForm | KpiRemove | MilestoneNewForm
        | MilestoneCreate | MilestoneEditForm | MilestoneEdit | MilestoneRemoveForm | MilestoneRemove
        | ApiKpiCreate | ApiKpiUpdate | ApiKpiRemove | ApiMilestoneCreate | ApiMilestoneUpdate | ApiMilestoneRemove => {
            let writers: &[Who] = if elsewhere { &[OpcAdmin] } else { &[OpcAdmin, Exchangee] };
            only(who, writers, read_or_change(e))
        }
        // Procedures: also the officer of 환경부, which takes part in task 1. The public sees those of
        // published tasks; an evaluator only of its assigned task.
        ApiProcedures => {
            if elsewhere && who == Evaluator {
                NotFound
            } else {
                Ok
            }
        }
        ProcedureNewForm | ProcedureCreate | ProcedureEditForm | ProcedureEdit | ProcedureRemoveForm
        | ProcedureRemove | ApiProcedureCreate | ApiProcedureUpdate | ApiProcedureRemove | MemoCreate
        | ApiMemoCreate => {
            let writers: &[Who] = if elsewhere { &[OpcAdmin] } else { &[OpcAdmin, Officer, Exchangee] };
            only(who, writers, read_or_change(e))
        }
        // Memos: those of the task and those who check it; never an evaluator or the public.
        ApiMemos => {
            let readers: &[Who] =
                if elsewhere { &[OpcAdmin, Auditor] } else { &[OpcAdmin, Officer, Exchangee, Auditor] };
            if elsewhere && who == Evaluator {
                NotFound
            } else {
                only(who, readers, Ok)
            }
        }
        // The sample memos are the setup account's: nobody here is their writer.
        MemoWithdrawForm | MemoWithdraw | ApiMemoWithdraw => only(who, &[], Ok),
        AgencyEditForm | AgencyEdit | PositionEditForm | PositionEdit | PairEditForm | PairEdit | ExchangeeEditForm
        | ExchangeeEdit | ApiAgencyUpdate | ApiPairUpdate | ApiPositionUpdate | ApiExchangeeUpdate | UsersPage
        | UserNewForm | UserCreate | UserDisableForm | UserDisable | UserResetForm | UserReset | ApiUsers
        | ApiUserCreate | ApiUserDisable | ApiUserReset => only(who, &[OpcAdmin], read_or_change(e)),
        // Only OPC runs the council (a scheduled meeting and an undecided item of it); an empty body
        // is refused before anything is written.
        PageMeetingNew
        | PageMeetingCreate
        | PageMeetingEditForm
        | PageMeetingEdit
        | PageMeetingCancelForm
        | PageMeetingCancel
        | PageAgendaForm
        | PageAgendaAdd
        | PageAgendaDecisionForm
        | PageAgendaDecide
        | ApiMeetingCreate
        | ApiMeetingUpdate
        | ApiMeetingCancel
        | ApiAgendaItemCreate
        | ApiAgendaDecide
        | ApiAgendaBacklog => only(who, &[OpcAdmin], read_or_change(e)),
        PageBottlenecks | ApiBottlenecks | ApiFollowUps => only(who, &signed_in, Ok),
        PageBottleneck | ApiBottleneck | ApiFollowUp => internal_read(who, elsewhere),
        // Raised by those taking part in the task (task 1), or OPC anywhere.
        BottleneckNewForm | BottleneckCreate | ApiBottleneckCreate => {
            let writers: &[Who] = if elsewhere { &[OpcAdmin] } else { &[OpcAdmin, Officer, Exchangee] };
            only(who, writers, read_or_change(e))
        }
        // 환경부's position in the bottleneck of task 1 is its officer's to write, not OPC's.
        BottleneckPositionForm | BottleneckPositionEdit | ApiBottleneckPosition => {
            internal_write(e, who, elsewhere, &[Officer])
        }
        MediationOpenForm
        | MediationOpen
        | BottleneckResolveForm
        | BottleneckResolve
        | MediationMeetingForm
        | MediationMeetingCreate
        | MediationOutcomeForm
        | MediationOutcome
        | ApiMediationOpen
        | ApiBottleneckResolve
        | ApiMediationMeetingCreate
        | ApiMediationOutcome => internal_write(e, who, elsewhere, &[OpcAdmin]),
        // The follow-up of task 1 is 환경부's.
        FollowUpDoneForm | FollowUpDone | ApiFollowUpDone => internal_write(e, who, elsewhere, &[OpcAdmin, Officer]),
        // Proposals: the list for anyone signed in who reads; OPC and officers propose (an exchangee
        // does not). 환경부's officer edits the proposal it made and answers for 환경부 where it is
        // asked; a proposal without 환경부 is not theirs to see.
        PageProposals | ApiProposals => only(who, &signed_in, Ok),
        ProposalNewForm => only(who, &[OpcAdmin, Officer], Ok),
        ProposalCreate | ApiProposalCreate => only(who, &[OpcAdmin, Officer], Invalid),
        ProposalEditForm | ProposalEdit | ApiProposalUpdate => match who {
            Public => Unauthenticated,
            OpcAdmin => read_or_change(e),
            Officer if !elsewhere => read_or_change(e),
            Officer | Exchangee => NotFound,
            _ => Forbidden,
        },
        ParticipationForm | ParticipationAnswer | ApiParticipation => match who {
            Public => Unauthenticated,
            Officer if !elsewhere => read_or_change(e),
            Officer | Exchangee => NotFound,
            _ => Forbidden,
        },
        // Pay tables: read by anyone signed in, kept by OPC (an empty form is refused). A person's
        // pay: OPC and auditors everyone's, the exchangee its own (the sample is its own), nobody
        // else. Choosing no band where none was chosen changes nothing.
        PagePayTables | ApiPayTables | PagePayTable | ApiPayTable => only(who, &signed_in, Ok),
        PagePayTableNew | PagePayBandForm | PageExchangeePayBandForm | PageExchangeeRatingForm => {
            only(who, &[OpcAdmin], Ok)
        }
        PagePayTableCreate
        | ApiPayTableCreate
        | PagePayBandEdit
        | ApiPayBandUpdate
        | PageExchangeeRatingEdit
        | ApiExchangeeRating => only(who, &[OpcAdmin], Invalid),
        PageExchangeePayBandEdit | ApiExchangeePayBand => only(who, &[OpcAdmin], Ok),
        PagePayBonuses | ApiPayBonuses | PageBonusStatement => only(who, &[OpcAdmin, Auditor, Exchangee], Ok),
        // Periodic checks: the cycles are read by anyone signed in; OPC opens, closes, returns and
        // rates; the agency's officer (here 환경부's, task 1) files its report. The exchangee holds
        // 국토부's post, so 환경부's report (a draft) is not theirs to read or write.
        PageCycles | ApiCycles | PageCycle | ApiCycle => only(who, &signed_in, Ok),
        PageCycleNew | PageCycleCloseForm => only(who, &[OpcAdmin], Ok),
        PageCycleCreate | ApiCycleCreate | PageCycleClose | ApiCycleClose | PageReportReturn | ApiReportReturn
        | PageRatingSave | ApiRating => only(who, &[OpcAdmin], Invalid),
        PageRating => only(who, &[OpcAdmin], Ok),
        PageOverdue | ApiOverdue => only(who, &[OpcAdmin, Auditor], Ok),
        PageReport | ApiReport => match who {
            Public => Unauthenticated,
            OpcAdmin | Auditor => Ok,
            Officer if !elsewhere => Ok,
            _ => NotFound,
        },
        PageReportSave | ApiReportSave | ApiReportSubmit | PageAttachmentAdd | ApiAttachmentAdd => match who {
            Public => Unauthenticated,
            Officer if !elsewhere => Invalid,
            _ => Forbidden,
        },
        // File 999999 is nobody's.
        PageAttachment | ApiAttachment => only(who, &signed_in, NotFound),
        PageAttachmentRemove | ApiAttachmentRemove => match who {
            Public => Unauthenticated,
            Officer if !elsewhere => NotFound,
            _ => Forbidden,
        },
        // Evaluation rounds: the sample round is in 채점 (past 준비, so everyone signed in reads it;
        // the public only once published). Only OPC writes; its empty bodies are refused, and the
        // assignment is refused in 채점. The evaluator signed the round's pledge already.
        ApiEvalRounds => Ok,
        ApiEvalRound => match who {
            Public => NotFound,
            _ => Ok,
        },
        ApiEvalRoundCreate | ApiEvalRoundUpdate | ApiEvalRoundStage | ApiEvalConflictDecide => {
            only(who, &[OpcAdmin], Invalid)
        }
        ApiEvalAssignment => only(who, &[OpcAdmin], Refused),
        ApiEvalPanels => only(who, &[OpcAdmin], Ok),
        ApiEvalPledge => only(who, &[Evaluator], Refused),
        ApiEvalMyTasks => only(who, &[Evaluator], Ok),
        // 회피 or 기피 with nothing filled in: refused as input by anyone who reads the round.
        ApiEvalConflict => only(who, &signed_in, Invalid),
        // The evaluation pages ask the same use cases: OPC's forms are refused to the others (at the
        // gate without the write right, else by the use case), its empty forms are refused as
        // input, the confirmed assignment is refused in 채점. 기피 999999 is nobody's.
        PageEvalRounds => Ok,
        PageEvalRound => match who {
            Public => NotFound,
            _ => Ok,
        },
        PageEvalRoundNew | PageEvalRoundEditForm | PageEvalStageForm | PageEvalAssignmentForm => {
            only(who, &[OpcAdmin], Ok)
        }
        PageEvalRoundCreate | PageEvalRoundEdit | PageEvalStage => only(who, &[OpcAdmin], Invalid),
        PageEvalAssignment => only(who, &[OpcAdmin], Refused),
        PageEvalDecisionForm | PageEvalDecide => only(who, &[OpcAdmin], NotFound),
        PageEvalMyTasks | PageEvalRecusalForm => only(who, &[Evaluator], Ok),
        PageEvalPledge => only(who, &[Evaluator], Refused),
        PageEvalRecusal => only(who, &[Evaluator], Invalid),
        // The sample round is not published, so its results page is not found for anyone; the
        // objection form is the API's (an empty one refused as input); objection 999999 is nobody's
        // and only OPC gets as far as looking for it.
        PageEvalResults => NotFound,
        // The result sheet follows the results: nothing before scoring closes, and the public does
        // not see the round at all.
        PageEvalResultsXlsx => match who {
            Public => NotFound,
            _ => Refused,
        },
        // The what-if recomputes from the sheets, so nobody runs it while scoring is open.
        PageEvalWhatIf | ApiEvalWhatIf => only(who, &signed_in, Refused),
        PageEvalObjectionForm => only(who, &[OpcAdmin, Officer, Exchangee], Ok),
        PageEvalObjectionFile => only(who, &[OpcAdmin, Officer, Exchangee], Invalid),
        PageEvalObjectionDecisionForm | PageEvalObjectionDecide => only(who, &[OpcAdmin], NotFound),
        // Prize money in 채점: no split yet for OPC and auditors (an officer's comes once final);
        // OPC alone sets the pool and the cap (the empty form refused as input) and a task's shares
        // (task 1 is not an excellent task: there is none yet).
        PageEvalPrizes => only(who, &[OpcAdmin, Auditor], Refused),
        PageEvalPrizeSettingsForm => only(who, &[OpcAdmin], Ok),
        PageEvalPrizeSettings => only(who, &[OpcAdmin], Invalid),
        PageEvalPrizeShares | PageEvalPrizeSharesSave => only(who, &[OpcAdmin], NotFound),
        // Statements: none before scoring closes for OPC and auditors; the exchangee's own and an
        // officer's agency's only once the round is final.
        PageEvalPersonStatement | PageEvalAgencyStatement | ApiEvalPersonStatement | ApiEvalAgencyStatement => {
            only(who, &[OpcAdmin, Auditor], Refused)
        }
        // A round's bonuses are pay: OPC and auditors everyone's, the exchangee its own.
        ApiEvalBonuses => only(who, &[OpcAdmin, Auditor, Exchangee], Ok),
        // Scoring: the evaluator signed the pledge but holds no seat on task 1, so its own sheet is
        // refused; anyone else must name the evaluator (and is then refused while scoring is open,
        // tests/it/scoring.rs). Only evaluators save and submit; only OPC reopens; nobody reads a
        // result before scoring closes (there is none yet; the public does not see the round at all).
        ApiEvalSheet => match who {
            Evaluator => Forbidden,
            _ => only(who, &signed_in, Invalid),
        },
        ApiEvalSheetSave | ApiEvalSheetSubmit => only(who, &[], Ok),
        // The scoring page asks the same use cases: the evaluator holds no seat on task 1, anyone else
        // is not an evaluator. Reopening: OPC's form (and so the form again after an empty one is
        // refused) finds no panel on task 1, as the sample round has none.
        PageEvalScoreForm | PageEvalScoreSave | PageEvalScoreSubmitForm | PageEvalScoreSubmit => only(who, &[], Ok),
        PageEvalReopenForm | PageEvalReopen => only(who, &[OpcAdmin], NotFound),
        ApiEvalSheetReopen => only(who, &[OpcAdmin], Invalid),
        ApiEvalResults => match who {
            Public => NotFound,
            _ => Refused,
        },
        // After scoring, with the sample round still in 채점: an empty objection is refused as input
        // for those with the write right (the agency check follows the input's); objections are
        // listed for OPC, auditors and agency officers; OPC's empty decision and pool are refused as
        // input (objection 999999 is nobody's, but the input is checked first); nothing is published,
        // no evaluator disclosed and no prize known yet.
        ApiEvalObjectionFile => only(who, &[OpcAdmin, Officer, Exchangee], Invalid),
        ApiEvalObjections => only(who, &[OpcAdmin, Officer, Auditor], Ok),
        ApiEvalObjectionDecide | ApiEvalPrizePool => only(who, &[OpcAdmin], Invalid),
        ApiEvalPublication => match who {
            Public => NotFound,
            _ => Refused,
        },
        ApiEvalTaskEvaluators => only(who, &[], Ok),
        ApiEvalPrizes => only(who, &[OpcAdmin, Auditor], Refused),
        PageAttachmentRemoveForm => match who {
            Public => Unauthenticated,
            Officer if !elsewhere => NotFound,
            OpcAdmin | Evaluator | Auditor => Forbidden,
            _ => NotFound,
        },
    }
}

/// Ids of the records the samples name, theirs and elsewhere.
struct Ids {
    env: i64,
    pipc: i64,
    position: i64,
    pair: i64,
    exchangee: i64,
    kpi: [i64; 2],
    milestone: [i64; 2],
    procedure: [i64; 2],
    memo: [i64; 2],
    /// An account to disable or reset (the auditor's).
    user: i64,
    /// A scheduled council meeting, and an undecided item of its agenda (task 1's progress review).
    meeting: i64,
    item: i64,
    /// A bottleneck of task 1 involving 환경부, and one of task 30 involving 개보위.
    bottleneck: [i64; 2],
    /// A follow-up of task 1 owned by 환경부, and one of task 30 owned by 개보위.
    follow_up: [i64; 2],
    /// An open check cycle.
    cycle: i64,
    /// A proposal made by 환경부 (co-agency 개보위), and one without 환경부.
    proposal: [i64; 2],
    /// A proposal asking 환경부 to take part, and the one without 환경부 (asking 개보위).
    asked: [i64; 2],
    /// An evaluation round in 채점.
    round: i64,
}

/// A concrete path for the endpoint, and whether the endpoint is about one record (and so is also
/// tried on a record elsewhere).
fn sample(e: Endpoint, ids: &Ids, target: Target) -> (String, bool) {
    use Endpoint::*;
    let t = if target == Target::Theirs { 0 } else { 1 };
    let task = [1, 30][t];
    let role_agency = [ids.env, ids.pipc][t];
    // The report of 환경부 on task 1, and of 개보위 on task 30.
    let report_agency = role_agency;
    let (kpi, milestone) = (ids.kpi[t], ids.milestone[t]);
    let (procedure, memo) = (ids.procedure[t], ids.memo[t]);
    let (bottleneck, follow_up) = (ids.bottleneck[t], ids.follow_up[t]);
    let one = |path: String| (path, true);
    let any = |path: &str| (path.to_string(), false);
    match e {
        PageHome => any("/"),
        PageTasks => any("/tasks"),
        PageTasksCsv => any("/tasks/export.csv"),
        PageTasksXlsx => any("/tasks/export.xlsx"),
        PageTask => one(format!("/tasks/{task}")),
        PagePairs => any("/pairs"),
        PageAgencies => any("/agencies"),
        PageAgency => (format!("/agencies/{}", ids.env), false),
        PageMeetings => any("/meetings"),
        PageMeeting => any("/meetings/1"),
        PageMeetingMinutes => any("/meetings/1/minutes"),
        PageMeetingNew => any("/meetings/new"),
        PageMeetingCreate => any("/meetings"),
        PageMeetingEditForm | PageMeetingEdit => (format!("/meetings/{}/edit", ids.meeting), false),
        PageMeetingCancelForm | PageMeetingCancel => (format!("/meetings/{}/cancel", ids.meeting), false),
        PageAgendaForm | PageAgendaAdd => (format!("/meetings/{}/agenda", ids.meeting), false),
        PageAgendaDecisionForm | PageAgendaDecide => (format!("/agenda-items/{}/decision", ids.item), false),
        PagePrivacy => any("/privacy"),
        PageCopyright => any("/copyright"),
        PageAccessibility => any("/accessibility"),
        StaticKrds => any("/static/krds/css/component/output.css"),
        StaticOwn => any("/static/hanteam.css"),
        SignInForm | SignIn => any("/sign-in"),
        SignOut => any("/sign-out"),
        AccountPage => any("/account"),
        PasswordChange => any("/account/password"),
        TokenCreate => any("/account/tokens"),
        TokenRevoke => any("/account/tokens/999999/revoke"),
        EmailChange => any("/account/email"),
        PageNotifications => any("/notifications"),
        NotificationReadAll => any("/notifications/read-all"),
        NotificationRead => any("/notifications/999999/read"),
        ApiNotifications => any("/api/v1/notifications"),
        ApiNotificationReadAll => any("/api/v1/notifications/read-all"),
        ApiNotificationRead => any("/api/v1/notifications/999999/read"),
        AuditPage => any("/audit"),
        TaskNewForm => any("/tasks/new"),
        TaskCreate => any("/tasks"),
        TaskEditForm | TaskEdit => one(format!("/tasks/{task}/edit")),
        TaskArchiveForm | TaskArchive => one(format!("/tasks/{task}/archive")),
        TaskMoveForm => one(format!("/tasks/{task}/transitions/start")),
        TaskMove => one(format!("/tasks/{task}/transitions")),
        RoleEditForm | RoleEdit => one(format!("/tasks/{task}/roles/{role_agency}")),
        KpiNewForm => one(format!("/tasks/{task}/kpis/new")),
        KpiCreate => one(format!("/tasks/{task}/kpis")),
        KpiEditForm | KpiEdit => one(format!("/kpis/{kpi}/edit")),
        KpiRemoveForm | KpiRemove => one(format!("/kpis/{kpi}/remove")),
        MilestoneNewForm => one(format!("/tasks/{task}/milestones/new")),
        MilestoneCreate => one(format!("/tasks/{task}/milestones")),
        MilestoneEditForm | MilestoneEdit => one(format!("/milestones/{milestone}/edit")),
        MilestoneRemoveForm | MilestoneRemove => one(format!("/milestones/{milestone}/remove")),
        ProcedureNewForm => one(format!("/tasks/{task}/procedures/new")),
        ProcedureCreate => one(format!("/tasks/{task}/procedures")),
        ProcedureEditForm | ProcedureEdit => one(format!("/procedures/{procedure}/edit")),
        ProcedureRemoveForm | ProcedureRemove => one(format!("/procedures/{procedure}/remove")),
        MemoCreate => one(format!("/tasks/{task}/memos")),
        MemoWithdrawForm | MemoWithdraw => one(format!("/memos/{memo}/withdraw")),
        AgencyEditForm | AgencyEdit => (format!("/agencies/{}/edit", ids.env), false),
        PositionEditForm | PositionEdit => (format!("/positions/{}/edit", ids.position), false),
        PairEditForm | PairEdit => (format!("/pairs/{}/edit", ids.pair), false),
        ExchangeeEditForm | ExchangeeEdit => (format!("/exchangees/{}/edit", ids.exchangee), false),
        UsersPage => any("/users"),
        UserNewForm => any("/users/new"),
        UserCreate => any("/users"),
        UserDisableForm | UserDisable => (format!("/users/{}/disable", ids.user), false),
        UserResetForm | UserReset => (format!("/users/{}/reset-password", ids.user), false),
        Healthz => any("/healthz"),
        Readyz => any("/readyz"),
        Metrics => any("/metrics"),
        ApiOpenApi => any("/api/v1/openapi.json"),
        ApiOverview => any("/api/v1/overview"),
        ApiAgencies => any("/api/v1/agencies"),
        ApiAgency | ApiAgencyUpdate => (format!("/api/v1/agencies/{}", ids.env), false),
        ApiPairs => any("/api/v1/exchange-pairs"),
        ApiPairUpdate => (format!("/api/v1/exchange-pairs/{}", ids.pair), false),
        ApiPositionUpdate => (format!("/api/v1/positions/{}", ids.position), false),
        ApiExchangeeUpdate => (format!("/api/v1/exchangees/{}", ids.exchangee), false),
        ApiTasks | ApiTaskCreate => any("/api/v1/tasks"),
        ApiTasksCsv => any("/api/v1/tasks/export.csv"),
        ApiTasksXlsx => any("/api/v1/tasks/export.xlsx"),
        ApiTask | ApiTaskUpdate => one(format!("/api/v1/tasks/{task}")),
        ApiTaskArchive => one(format!("/api/v1/tasks/{task}/archive")),
        ApiTaskTransition => one(format!("/api/v1/tasks/{task}/transitions")),
        ApiTaskHistory => one(format!("/api/v1/tasks/{task}/history")),
        ApiRoleUpdate => one(format!("/api/v1/tasks/{task}/agencies/{role_agency}")),
        ApiKpiCreate => one(format!("/api/v1/tasks/{task}/kpis")),
        ApiKpiUpdate | ApiKpiRemove => one(format!("/api/v1/kpis/{kpi}")),
        ApiMilestoneCreate => one(format!("/api/v1/tasks/{task}/milestones")),
        ApiMilestoneUpdate | ApiMilestoneRemove => one(format!("/api/v1/milestones/{milestone}")),
        ApiProcedures | ApiProcedureCreate => one(format!("/api/v1/tasks/{task}/procedures")),
        ApiProcedureUpdate | ApiProcedureRemove => one(format!("/api/v1/tasks/{task}/procedures/{procedure}")),
        ApiMemos | ApiMemoCreate => one(format!("/api/v1/tasks/{task}/memos")),
        ApiMemoWithdraw => one(format!("/api/v1/tasks/{task}/memos/{memo}/withdraw")),
        ApiMeetings => any("/api/v1/meetings"),
        ApiMeeting => any("/api/v1/meetings/1"),
        ApiMeetingCreate => any("/api/v1/meetings"),
        ApiMeetingUpdate => (format!("/api/v1/meetings/{}", ids.meeting), false),
        ApiMeetingCancel => (format!("/api/v1/meetings/{}/cancel", ids.meeting), false),
        ApiAgendaItemCreate => (format!("/api/v1/meetings/{}/agenda-items", ids.meeting), false),
        ApiAgendaDecide => (format!("/api/v1/agenda-items/{}/decision", ids.item), false),
        ApiAgendaBacklog => any("/api/v1/agenda-backlog"),
        ApiMe => any("/api/v1/me"),
        ApiTokens | ApiTokenCreate => any("/api/v1/tokens"),
        ApiTokenRevoke => any("/api/v1/tokens/999999"),
        ApiUsers | ApiUserCreate => any("/api/v1/users"),
        ApiUserDisable => (format!("/api/v1/users/{}/disable", ids.user), false),
        ApiUserReset => (format!("/api/v1/users/{}/reset-password", ids.user), false),
        ApiAudit => any("/api/v1/audit"),
        PageBottlenecks => any("/bottlenecks"),
        PageBottleneck => one(format!("/bottlenecks/{bottleneck}")),
        BottleneckNewForm => one(format!("/tasks/{task}/bottlenecks/new")),
        BottleneckCreate => one(format!("/tasks/{task}/bottlenecks")),
        BottleneckPositionForm | BottleneckPositionEdit => {
            one(format!("/bottlenecks/{bottleneck}/positions/{role_agency}"))
        }
        MediationOpenForm | MediationOpen => one(format!("/bottlenecks/{bottleneck}/mediation")),
        BottleneckResolveForm | BottleneckResolve => one(format!("/bottlenecks/{bottleneck}/resolve")),
        MediationMeetingForm => one(format!("/bottlenecks/{bottleneck}/meetings/new")),
        MediationMeetingCreate => one(format!("/bottlenecks/{bottleneck}/meetings")),
        MediationOutcomeForm | MediationOutcome => one(format!("/bottlenecks/{bottleneck}/outcome")),
        FollowUpDoneForm | FollowUpDone => one(format!("/follow-ups/{follow_up}/done")),
        ApiBottleneckCreate => one(format!("/api/v1/tasks/{task}/bottlenecks")),
        ApiBottlenecks => any("/api/v1/bottlenecks"),
        ApiBottleneck => one(format!("/api/v1/bottlenecks/{bottleneck}")),
        ApiBottleneckPosition => one(format!("/api/v1/bottlenecks/{bottleneck}/positions/{role_agency}")),
        ApiMediationOpen => one(format!("/api/v1/bottlenecks/{bottleneck}/mediation")),
        ApiBottleneckResolve => one(format!("/api/v1/bottlenecks/{bottleneck}/resolve")),
        ApiMediationMeetingCreate => one(format!("/api/v1/bottlenecks/{bottleneck}/meetings")),
        ApiMediationOutcome => one(format!("/api/v1/bottlenecks/{bottleneck}/outcome")),
        ApiFollowUps => any("/api/v1/follow-ups"),
        ApiFollowUp => one(format!("/api/v1/follow-ups/{follow_up}")),
        ApiFollowUpDone => one(format!("/api/v1/follow-ups/{follow_up}/done")),
        PagePayTables | PagePayTableCreate => any("/pay-tables"),
        PagePayTableNew => any("/pay-tables/new"),
        PagePayTable => any("/pay-tables/2024"),
        PagePayBandForm | PagePayBandEdit => any("/pay-tables/2024/bands/director"),
        PagePayBonuses => any("/pay-tables/2024/bonuses"),
        PageBonusStatement => (format!("/exchangees/{}/bonus-statement?year=2024", ids.exchangee), false),
        PageExchangeePayBandForm => (format!("/exchangees/{}/pay-band?year=2024", ids.exchangee), false),
        PageExchangeePayBandEdit => (format!("/exchangees/{}/pay-band", ids.exchangee), false),
        PageExchangeeRatingForm | PageExchangeeRatingEdit => {
            (format!("/exchangees/{}/ratings/2024", ids.exchangee), false)
        }
        ApiPayTables | ApiPayTableCreate => any("/api/v1/pay-tables"),
        ApiPayTable => any("/api/v1/pay-tables/2024"),
        ApiPayBandUpdate => any("/api/v1/pay-tables/2024/bands/director"),
        ApiPayBonuses => any("/api/v1/pay-tables/2024/bonuses"),
        ApiExchangeePayBand => (format!("/api/v1/exchangees/{}/pay-band", ids.exchangee), false),
        ApiExchangeeRating => (format!("/api/v1/exchangees/{}/ratings/2024", ids.exchangee), false),
        PageCycles | PageCycleCreate => any("/checks"),
        PageCycleNew => any("/checks/new"),
        PageOverdue => any("/checks/overdue"),
        PageCycle => any(&format!("/checks/{}", ids.cycle)),
        PageCycleCloseForm | PageCycleClose => any(&format!("/checks/{}/close", ids.cycle)),
        PageReport | PageReportSave => one(format!("/checks/{}/reports/{task}/{report_agency}", ids.cycle)),
        PageReportReturn => one(format!("/checks/{}/reports/{task}/{report_agency}/return", ids.cycle)),
        PageAttachmentAdd => one(format!("/checks/{}/reports/{task}/{report_agency}/attachments", ids.cycle)),
        PageAttachment => any(&format!("/checks/{}/reports/1/{}/attachments/999999", ids.cycle, ids.env)),
        PageAttachmentRemoveForm | PageAttachmentRemove => {
            one(format!("/checks/{}/reports/{task}/{report_agency}/attachments/999999/remove", ids.cycle))
        }
        PageRating | PageRatingSave => one(format!("/checks/{}/ratings/{task}", ids.cycle)),
        ApiCycles | ApiCycleCreate => any("/api/v1/check-cycles"),
        ApiCycle => any(&format!("/api/v1/check-cycles/{}", ids.cycle)),
        ApiCycleClose => any(&format!("/api/v1/check-cycles/{}/close", ids.cycle)),
        ApiReport | ApiReportSave => one(format!("/api/v1/check-cycles/{}/reports/{task}/{report_agency}", ids.cycle)),
        ApiReportSubmit => one(format!("/api/v1/check-cycles/{}/reports/{task}/{report_agency}/submit", ids.cycle)),
        ApiReportReturn => one(format!("/api/v1/check-cycles/{}/reports/{task}/{report_agency}/return", ids.cycle)),
        ApiAttachmentAdd => {
            one(format!("/api/v1/check-cycles/{}/reports/{task}/{report_agency}/attachments", ids.cycle))
        }
        ApiAttachment => any(&format!("/api/v1/check-cycles/{}/reports/1/{}/attachments/999999", ids.cycle, ids.env)),
        ApiAttachmentRemove => {
            one(format!("/api/v1/check-cycles/{}/reports/{task}/{report_agency}/attachments/999999", ids.cycle))
        }
        ApiRating => one(format!("/api/v1/check-cycles/{}/ratings/{task}", ids.cycle)),
        ApiOverdue => any("/api/v1/overdue-reports"),
        PageProposals => any("/proposals"),
        ProposalNewForm => any("/proposals/new"),
        ProposalCreate => any("/proposals"),
        ProposalEditForm | ProposalEdit => one(format!("/proposals/{}/edit", ids.proposal[t])),
        ParticipationForm => one(format!("/tasks/{}/participation/{role_agency}/confirm", ids.asked[t])),
        ParticipationAnswer => one(format!("/tasks/{}/participation", ids.asked[t])),
        ApiProposals | ApiProposalCreate => any("/api/v1/proposals"),
        ApiProposalUpdate => one(format!("/api/v1/proposals/{}", ids.proposal[t])),
        ApiParticipation => one(format!("/api/v1/tasks/{}/participation", ids.asked[t])),
        ApiEvalRounds | ApiEvalRoundCreate => any("/api/v1/evaluation-rounds"),
        ApiEvalRound | ApiEvalRoundUpdate => any(&format!("/api/v1/evaluation-rounds/{}", ids.round)),
        ApiEvalRoundStage => any(&format!("/api/v1/evaluation-rounds/{}/stage", ids.round)),
        ApiEvalPanels => any(&format!("/api/v1/evaluation-rounds/{}/panels", ids.round)),
        ApiEvalAssignment => any(&format!("/api/v1/evaluation-rounds/{}/assignment", ids.round)),
        ApiEvalPledge => any(&format!("/api/v1/evaluation-rounds/{}/pledge", ids.round)),
        ApiEvalMyTasks => any(&format!("/api/v1/evaluation-rounds/{}/my-tasks", ids.round)),
        ApiEvalConflict => any(&format!("/api/v1/evaluation-rounds/{}/conflicts", ids.round)),
        ApiEvalConflictDecide => any("/api/v1/evaluation-conflicts/999999/decision"),
        ApiEvalBonuses => any(&format!("/api/v1/evaluation-rounds/{}/bonuses", ids.round)),
        PageEvalRounds | PageEvalRoundCreate => any("/evaluation-rounds"),
        PageEvalRoundNew => any("/evaluation-rounds/new"),
        PageEvalRound => any(&format!("/evaluation-rounds/{}", ids.round)),
        PageEvalRoundEditForm | PageEvalRoundEdit => any(&format!("/evaluation-rounds/{}/edit", ids.round)),
        PageEvalStageForm | PageEvalStage => any(&format!("/evaluation-rounds/{}/stage/review", ids.round)),
        PageEvalAssignmentForm | PageEvalAssignment => any(&format!("/evaluation-rounds/{}/assignment", ids.round)),
        PageEvalDecisionForm | PageEvalDecide => {
            any(&format!("/evaluation-rounds/{}/conflicts/999999/decision", ids.round))
        }
        PageEvalMyTasks => any(&format!("/evaluation-rounds/{}/my-tasks", ids.round)),
        PageEvalPledge => any(&format!("/evaluation-rounds/{}/pledge", ids.round)),
        PageEvalRecusalForm | PageEvalRecusal => any(&format!("/evaluation-rounds/{}/my-tasks/1/recusal", ids.round)),
        PageEvalResults => any(&format!("/evaluation-rounds/{}/results", ids.round)),
        PageEvalResultsXlsx => any(&format!("/evaluation-rounds/{}/results.xlsx", ids.round)),
        PageEvalWhatIf => any(&format!("/evaluation-rounds/{}/what-if", ids.round)),
        ApiEvalWhatIf => any(&format!("/api/v1/evaluation-rounds/{}/what-if", ids.round)),
        PageEvalObjectionForm => any(&format!("/evaluation-rounds/{}/objections/new", ids.round)),
        PageEvalObjectionFile => any(&format!("/evaluation-rounds/{}/objections", ids.round)),
        PageEvalObjectionDecisionForm | PageEvalObjectionDecide => {
            any(&format!("/evaluation-rounds/{}/objections/999999/decision", ids.round))
        }
        PageEvalPrizes => any(&format!("/evaluation-rounds/{}/prizes", ids.round)),
        PageEvalPersonStatement => {
            any(&format!("/evaluation-rounds/{}/statements/person?key=exchangee:{}", ids.round, ids.exchangee))
        }
        PageEvalAgencyStatement => any(&format!("/evaluation-rounds/{}/statements/agencies/{}", ids.round, ids.env)),
        ApiEvalPersonStatement => {
            any(&format!("/api/v1/evaluation-rounds/{}/statements/person?key=exchangee:{}", ids.round, ids.exchangee))
        }
        ApiEvalAgencyStatement => {
            any(&format!("/api/v1/evaluation-rounds/{}/statements/agencies/{}", ids.round, ids.env))
        }
        PageEvalPrizeSettingsForm | PageEvalPrizeSettings => {
            any(&format!("/evaluation-rounds/{}/prizes/settings", ids.round))
        }
        PageEvalPrizeShares | PageEvalPrizeSharesSave => {
            any(&format!("/evaluation-rounds/{}/prizes/tasks/1", ids.round))
        }
        ApiEvalSheet | ApiEvalSheetSave => any(&format!("/api/v1/evaluation-rounds/{}/tasks/1/score", ids.round)),
        ApiEvalSheetSubmit => any(&format!("/api/v1/evaluation-rounds/{}/tasks/1/score/submit", ids.round)),
        PageEvalScoreForm | PageEvalScoreSave => any(&format!("/evaluation-rounds/{}/my-tasks/1/score", ids.round)),
        PageEvalScoreSubmitForm | PageEvalScoreSubmit => {
            any(&format!("/evaluation-rounds/{}/my-tasks/1/score/submit", ids.round))
        }
        PageEvalReopenForm | PageEvalReopen => any(&format!("/evaluation-rounds/{}/tasks/1/reopen", ids.round)),
        ApiEvalSheetReopen => any(&format!("/api/v1/evaluation-rounds/{}/tasks/1/score/reopen", ids.round)),
        ApiEvalResults => any(&format!("/api/v1/evaluation-rounds/{}/results", ids.round)),
        ApiEvalObjectionFile | ApiEvalObjections => any(&format!("/api/v1/evaluation-rounds/{}/objections", ids.round)),
        ApiEvalObjectionDecide => any("/api/v1/evaluation-objections/999999/decision"),
        ApiEvalPublication => any(&format!("/api/v1/evaluation-rounds/{}/publication", ids.round)),
        ApiEvalTaskEvaluators => any(&format!("/api/v1/evaluation-rounds/{}/tasks/1/evaluators", ids.round)),
        ApiEvalPrizes | ApiEvalPrizePool => any(&format!("/api/v1/evaluation-rounds/{}/prizes", ids.round)),
    }
}

/// Calls the endpoint the way its client would: pages with forms (and the CSRF token), the API with
/// JSON. Bodies are empty or incomplete, so an allowed change fails validation and changes nothing.
async fn call(client: &reqwest::Client, base: &str, csrf: &str, e: Endpoint, path: &str) -> (u16, String) {
    let url = format!("{base}{path}");
    let req = match (e.method(), e.kind()) {
        (Method::GET, _) => client.get(url),
        (m, Kind::Page) => client.request(m, url).form(&[("csrf_token", csrf), ("x", "1")]),
        (Method::PUT, Kind::Api) => client
            .request(Method::PUT, url)
            .header("x-csrf-token", csrf)
            .json(&crate::common::whole_put(path, json!({}))),
        (m, Kind::Api) => client.request(m, url).header("x-csrf-token", csrf).json(&json!({})),
    };
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location)
}

fn outcome(status: u16, location: &str) -> Option<Outcome> {
    Some(match status {
        401 => Unauthenticated,
        303 | 302 | 307 if location.starts_with("/sign-in") => Unauthenticated,
        200..=399 => Ok,
        400 => Invalid,
        403 => Forbidden,
        404 => NotFound,
        409 => Refused,
        _ => return None,
    })
}

/// How many changes (not sign-ins) the audit log holds.
async fn changes(app: &TestApp) -> usize {
    let log = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    log.items.iter().filter(|r| !r.entry.action.starts_with("auth.")).count()
}

async fn every_route_answers_every_role_as_its_rules_say(b: Backend) {
    let app = TestApp::spawn(b).await;
    let env = app.agency_id("환경부").await;
    let pipc = app.agency_id("개보위").await;
    let pair = &app.json("/api/v1/exchange-pairs", 200).await["items"][0];
    let position = pair["positions"][0]["id"].as_i64().unwrap();
    let admin = app.token_for("setup", vec![Grant::OpcAdmin]).await;
    // Proposals: one by 환경부's officer, one by OPC asking 환경부, one by OPC without 환경부 — made
    // before the officer's account, whose notifications stay empty.
    let molit = app.agency_id("국토부").await;
    let env_officer = app.token_for("setup-env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let propose = async |token: &str, body: serde_json::Value| {
        let (s, p) = app.call(Method::POST, "/api/v1/proposals", Some(token), Some(body)).await;
        assert_eq!(s, 201, "{p}");
        p["id"].as_i64().unwrap()
    };
    let by_env =
        propose(&env_officer, json!({"title": "환경부 제안", "source": "other", "co_agency_ids": [pipc]})).await;
    let asking_env = propose(
        &admin,
        json!({"title": "환경부 참여 요청", "source": "other", "lead_agency_id": pipc, "co_agency_ids": [env]}),
    )
    .await;
    let without_env = propose(
        &admin,
        json!({"title": "다른 기관 제안", "source": "other", "lead_agency_id": molit, "co_agency_ids": [pipc]}),
    )
    .await;
    let opc = app.user("m-admin", vec![Grant::OpcAdmin]).await;
    let officer = app.user("m-officer", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let exchangee = app.user("m-exchangee", vec![Grant::Exchangee { position_id: PositionId::new(position) }]).await;
    let evaluator = app.user("m-evaluator", vec![Grant::Evaluator]).await;
    app.assign(evaluator, 1).await;
    let auditor = app.user("m-auditor", vec![Grant::Auditor]).await;
    // A KPI and a milestone of task 30 (the dataset gives them only to task 1).
    let (s, kpi30) = app.call(Method::POST, "/api/v1/tasks/30/kpis", Some(&admin), Some(json!({"name": "지표"}))).await;
    assert_eq!(s, 201, "{kpi30}");
    let (s, ms30) =
        app.call(Method::POST, "/api/v1/tasks/30/milestones", Some(&admin), Some(json!({"title": "일정"}))).await;
    assert_eq!(s, 201, "{ms30}");
    // A procedure of task 30 (task 1 has the dataset's), and a memo on each task by the setup account.
    let (s, proc30) = app
        .call(
            Method::POST,
            "/api/v1/tasks/30/procedures",
            Some(&admin),
            Some(json!({"name": "절차", "usual_days": 30})),
        )
        .await;
    assert_eq!(s, 201, "{proc30}");
    let mut memos = Vec::new();
    for task in [1, 30] {
        let (s, m) = app
            .call(Method::POST, &format!("/api/v1/tasks/{task}/memos"), Some(&admin), Some(json!({"body": "메모"})))
            .await;
        assert_eq!(s, 201, "{m}");
        memos.push(m["id"].as_i64().unwrap());
    }
    // A bottleneck and a follow-up on each task, as their agencies and OPC would make them.
    let mut bottleneck = [0; 2];
    let mut follow_up = [0; 2];
    for (i, (task, agency)) in [(1, env), (30, pipc)].into_iter().enumerate() {
        let body = json!({"category": "budget", "description": "예산 협의", "agency_ids": [agency]});
        let (s, b) =
            app.call(Method::POST, &format!("/api/v1/tasks/{task}/bottlenecks"), Some(&admin), Some(body)).await;
        assert_eq!(s, 201, "{b}");
        bottleneck[i] = b["id"].as_i64().unwrap();
        let mut tx = app.db.begin().await.unwrap();
        let input = hanteam_domain::follow_up::FollowUpInput {
            title: Some("후속조치".into()),
            owner_agency_id: Some(agency.to_string()),
            owner_user_id: None,
            due: Some("2099-12-31".into()),
        };
        let source =
            hanteam_domain::follow_up::FollowUpSource::Mediation(hanteam_domain::BottleneckId::new(bottleneck[i]));
        let task_id = hanteam_domain::TaskId::new(task);
        let f = hanteam_app::follow_ups::create_in(&mut tx, &crate::common::console(), task_id, source, &input, "")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        follow_up[i] = f.id;
    }
    let (s, cycle) = app
        .call(
            Method::POST,
            "/api/v1/check-cycles",
            Some(&admin),
            Some(json!({"name": "2024년 2분기", "period_start": "2024-04-01", "period_end": "2024-06-30", "due": "2024-07-05"})),
        )
        .await;
    assert_eq!(s, 201, "{cycle}");
    let (s, meeting) = app
        .call(
            Method::POST,
            "/api/v1/meetings",
            Some(&admin),
            Some(json!({"seq": 9, "starts_at": "2099-07-09T15:00", "place": "정부서울청사"})),
        )
        .await;
    assert_eq!(s, 201, "{meeting}");
    let meeting = meeting["id"].as_i64().unwrap();
    let (s, item) = app
        .call(
            Method::POST,
            &format!("/api/v1/meetings/{meeting}/agenda-items"),
            Some(&admin),
            Some(json!({"kind": "progress_review", "task_id": 1})),
        )
        .await;
    assert_eq!(s, 201, "{item}");
    // An evaluation round of task 1, moved to 채점, whose pledge the evaluator has signed.
    let (s, round) = app
        .call(
            Method::POST,
            "/api/v1/evaluation-rounds",
            Some(&admin),
            Some(json!({"name": "2024년 협업과제 평가", "setup_on": "2024-10-01", "assignment_on": "2024-10-15",
                "scoring_on": "2024-11-01", "review_on": "2024-11-20", "objections_on": "2024-12-01",
                "final_on": "2024-12-08", "published_on": "2024-12-15", "task_ids": [1]})),
        )
        .await;
    assert_eq!(s, 201, "{round}");
    let round = round["id"].as_i64().unwrap();
    for (to, version) in [("assignment", 1), ("scoring", 2)] {
        let (s, r) = app
            .call(
                Method::POST,
                &format!("/api/v1/evaluation-rounds/{round}/stage"),
                Some(&admin),
                Some(json!({"to": to, "version": version})),
            )
            .await;
        assert_eq!(s, 200, "{r}");
    }
    let (s, p) = app
        .sign_in("m-evaluator")
        .await
        .send(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/pledge"), None)
        .await;
    assert_eq!(s, 201, "{p}");
    let task1 = app.json("/api/v1/tasks/1", 200).await;
    let ids = Ids {
        round,
        meeting,
        item: item["id"].as_i64().unwrap(),
        env,
        pipc,
        position,
        pair: pair["id"].as_i64().unwrap(),
        exchangee: pair["positions"][0]["exchangees"][0]["id"].as_i64().unwrap(),
        kpi: [task1["kpis"][0]["id"].as_i64().unwrap(), kpi30["id"].as_i64().unwrap()],
        milestone: [task1["milestones"][0]["id"].as_i64().unwrap(), ms30["id"].as_i64().unwrap()],
        procedure: [task1["procedures"]["items"][0]["id"].as_i64().unwrap(), proc30["id"].as_i64().unwrap()],
        memo: [memos[0], memos[1]],
        user: auditor.get(),
        bottleneck,
        follow_up,
        cycle: cycle["id"].as_i64().unwrap(),
        proposal: [by_env, without_env],
        asked: [asking_env, without_env],
    };
    // The follow-ups above told their agency's officers: read beforehand, so that marking
    // notifications read finds nothing to change.
    let mut tx = app.db.begin().await.unwrap();
    for user in [opc, officer, exchangee, evaluator, auditor] {
        tx.mark_all_notifications_read(user).await.unwrap();
    }
    tx.commit().await.unwrap();
    let changes_before = changes(&app).await;

    let mut failures = Vec::new();
    let mut cells = 0;
    for who in EVERYONE {
        let (client, csrf) = match who {
            Who::Public => app.anonymous_browser().await,
            _ => {
                let login = match who {
                    Who::OpcAdmin => "m-admin",
                    Who::Officer => "m-officer",
                    Who::Exchangee => "m-exchangee",
                    Who::Evaluator => "m-evaluator",
                    _ => "m-auditor",
                };
                let Browser { client, csrf, .. } = app.sign_in(login).await;
                (client, csrf)
            }
        };
        // Signing out ends the session the other cells need: it goes last.
        let mut order: Vec<Endpoint> = Endpoint::ALL.iter().copied().filter(|e| *e != Endpoint::SignOut).collect();
        order.push(Endpoint::SignOut);
        for e in order {
            for target in [Target::Theirs, Target::Elsewhere] {
                let (path, about_a_record) = sample(e, &ids, target);
                if target == Target::Elsewhere && !about_a_record {
                    continue;
                }
                let (status, location) = call(&client, &app.base, &csrf, e, &path).await;
                cells += 1;
                let want = expected(e, who, target);
                match outcome(status, &location) {
                    Some(got) if got == want => {}
                    got => failures.push(format!(
                        "{who:?} {} {path}: expected {want:?}, got {got:?} ({status} {location})",
                        e.method()
                    )),
                }
            }
        }
    }
    let record_routes = Endpoint::ALL.iter().filter(|e| sample(**e, &ids, Target::Elsewhere).1).count();
    assert_eq!(cells, EVERYONE.len() * (Endpoint::ALL.len() + record_routes));
    assert!(failures.is_empty(), "{} of {cells} cells wrong:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(changes(&app).await, changes_before, "no cell changed anything");
    assert_eq!(app.json("/api/v1/tasks/1", 200).await["version"], 1);
}

async fn the_api_document_and_the_route_table_list_the_same_endpoints(b: Backend) {
    let app = TestApp::spawn(b).await;
    let doc = app.json("/api/v1/openapi.json", 200).await;
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    documented.sort();
    let mut listed: Vec<(String, String)> = Endpoint::ALL
        .iter()
        .filter(|e| e.kind() == Kind::Api)
        .map(|e| (e.method().to_string(), e.path().to_string()))
        .collect();
    listed.sort();
    assert_eq!(documented, listed);
}

on_both_backends!(
    every_route_answers_every_role_as_its_rules_say,
    the_api_document_and_the_route_table_list_the_same_endpoints
);
