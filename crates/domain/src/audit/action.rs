//! What an audit entry says someone did: one closed list of the codes the log stores, each with its
//! Korean name. Every change the program writes names one of these, so a code without a name cannot
//! reach the log.

macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident => $code:literal, $label:literal;)*) => {
        /// An action as the audit log records it (`audit_log.action`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($(#[$doc])* $name,)*
        }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$name,)*];

            /// The code stored in the log.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$name => $code,)*
                }
            }

            /// What it is called in Korean, for people reading the log.
            pub fn label_ko(self) -> &'static str {
                match self {
                    $(AuditAction::$name => $label,)*
                }
            }
        }
    };
}

actions! {
    TaskCreate => "task.create", "과제 등록";
    TaskUpdate => "task.update", "과제 수정";
    TaskArchive => "task.archive", "과제 보관";
    /// A lifecycle move (상정, 확정, 반려, 착수, 일시중지, 재개, 완료, 중단).
    TaskTransition => "task.transition", "과제 상태 변경";
    /// An agency joins a task (its pair changed).
    TaskRoleCreate => "task_role.create", "과제 참여기관 추가";
    TaskRoleUpdate => "task_role.update", "기관별 역할 수정";
    /// A task proposed (과제 제안) by an agency officer or OPC, with its agencies.
    ProposalCreate => "proposal.create", "과제 제안";
    /// A proposal's fields or co-agencies changed by its proposer or OPC (also after a return).
    ProposalUpdate => "proposal.update", "과제 제안 수정";
    /// A co-agency left a proposal when its proposer changed the agencies asked.
    TaskRoleRemove => "task_role.remove", "과제 참여기관 제외";
    /// A co-agency's answer: it takes part (참여 확인) or declines (참여 거절), with a reason.
    ParticipationAnswer => "task_role.participation", "참여 여부 답변";
    KpiCreate => "kpi.create", "성과지표 추가";
    KpiUpdate => "kpi.update", "성과지표 수정";
    KpiRemove => "kpi.remove", "성과지표 삭제";
    MilestoneCreate => "milestone.create", "추진일정 추가";
    MilestoneUpdate => "milestone.update", "추진일정 수정";
    MilestoneRemove => "milestone.remove", "추진일정 삭제";
    ProcedureCreate => "procedure.create", "행정절차 추가";
    ProcedureUpdate => "procedure.update", "행정절차 수정";
    ProcedureRemove => "procedure.remove", "행정절차 삭제";
    MemoCreate => "memo.create", "기관 간 메모 작성";
    /// The memo stays, without its text; the text stays in this entry's "before".
    MemoWithdraw => "memo.withdraw", "기관 간 메모 철회";
    AgencyUpdate => "agency.update", "기관 정보 수정";
    PositionUpdate => "position.update", "교류직위 수정";
    PairUpdate => "exchange_pair.update", "교류직위 쌍 수정";
    ExchangeeUpdate => "exchangee.update", "교류자 정보 수정";
    EvaluatorAssign => "evaluator.assign", "평가위원 배정";
    AffiliationCreate => "evaluator_affiliation.create", "평가위원 소속 이력 추가";
    SignIn => "auth.sign_in", "로그인";
    SignInFailed => "auth.sign_in_failed", "로그인 실패";
    SignOut => "auth.sign_out", "로그아웃";
    UserCreate => "user.create", "계정 생성";
    UserDisable => "user.disable", "계정 사용 중지";
    /// One's own change, an administrator's reset, or a demo account's new password.
    UserPassword => "user.password", "비밀번호 변경";
    TokenCreate => "api_token.create", "API 토큰 발급";
    TokenRevoke => "api_token.revoke", "API 토큰 폐기";
    /// Every token of an account, at a password change or reset.
    TokenRevokeAll => "api_token.revoke_all", "API 토큰 모두 폐기";
    /// One's own e-mail address (for reminders), or an administrator's change of it.
    UserEmail => "user.email", "이메일 주소 변경";
    /// A reminder to one person (by a use case's event or the scheduled job).
    NotificationCreate => "notification.create", "알림 생성";
    NotificationRead => "notification.read", "알림 읽음 표시";
    NotificationReadAll => "notification.read_all", "알림 모두 읽음 표시";
    CheckCycleCreate => "check_cycle.create", "점검 주기 시작";
    CheckCycleClose => "check_cycle.close", "점검 주기 마감";
    ReportSave => "progress_report.save", "추진실적 보고 저장";
    ReportSubmit => "progress_report.submit", "추진실적 보고 제출";
    ReportReturn => "progress_report.return", "추진실적 보고 반려(보완 요청)";
    AttachmentAdd => "report_attachment.create", "추진실적 첨부파일 추가";
    AttachmentRemove => "report_attachment.remove", "추진실적 첨부파일 삭제";
    CheckRatingSet => "check_rating.set", "점검 결과 평가";
    /// A year's pay table created, empty or as a copy of another year's.
    PayTableCreate => "pay_table.create", "지급표 생성";
    /// A band's standard and S-grade amounts (and their source) entered or changed.
    PayBandUpdate => "pay_table_band.update", "지급표 금액 수정";
    /// OPC chose an exchangee's pay band (or gave it back to the position's rank), with a reason.
    ExchangeePayBandSet => "exchangee_pay_band.set", "교류자 보수 등급 지정";
    /// An exchangee's recommended rating recorded, and OPC's confirmation.
    ExchangeeRatingSet => "exchangee_rating.set", "교류자 개인 성과등급 권고·확정";
    DatasetLoad => "dataset.load", "내장 자료 불러오기";
    DatasetSynth => "dataset.synth", "부하 측정용 합성 자료 생성";
    /// A follow-up action assigned (by a mediation's outcome, or a council decision).
    FollowUpCreate => "follow_up.create", "후속조치 지정";
    FollowUpDone => "follow_up.done", "후속조치 완료";
    /// A bottleneck raised, with each agency it involves.
    BottleneckRaise => "bottleneck.raise", "애로사항 제기";
    BottleneckPosition => "bottleneck.position", "기관 입장 작성";
    BottleneckMediate => "bottleneck.mediate", "이견 조정 시작";
    BottleneckResolve => "bottleneck.resolve", "애로사항 조정 없이 해소";
    MediationMeetingCreate => "mediation_meeting.create", "조정 회의 일정 등록";
    BottleneckOutcome => "bottleneck.outcome", "조정 결과 기록";
    MeetingCreate => "meeting.create", "협의회 회의 일정 등록";
    MeetingUpdate => "meeting.update", "협의회 회의 수정";
    MeetingCancel => "meeting.cancel", "협의회 회의 취소";
    AgendaItemCreate => "agenda_item.create", "협의회 안건 추가";
    /// The council's decision on an agenda item (the task's move is recorded beside it).
    AgendaItemDecide => "agenda_item.decide", "협의회 안건 결정";
    /// An evaluation round created (평가 회차), with its settings and tasks.
    EvaluationRoundCreate => "evaluation_round.create", "평가 회차 등록";
    /// Its name, dates, rubric or rules changed.
    EvaluationRoundUpdate => "evaluation_round.update", "평가 회차 수정";
    /// Moved to another stage (준비 → 배정 → 채점 …).
    EvaluationRoundStage => "evaluation_round.stage", "평가 단계 변경";
    /// The panels the assignment tool proposed, confirmed by OPC.
    EvaluationPanelsConfirm => "evaluation_panel.confirm", "평가단 구성 확정";
    /// An evaluator signed the pledge of impartiality and confidentiality.
    EvaluationPledgeSign => "evaluation_pledge.sign", "평가위원 서약";
    /// 회피: an evaluator declared a conflict with a task.
    EvaluationRecusal => "evaluation_conflict.recusal", "평가위원 회피 신청";
    /// 기피: an agency challenged an evaluator on a task.
    EvaluationChallenge => "evaluation_conflict.challenge", "평가위원 기피 신청";
    /// OPC upheld or rejected a 기피.
    EvaluationChallengeDecide => "evaluation_conflict.decide", "기피 신청 결정";
    /// An evaluator saved its score sheet of a task as a draft (the audit keeps no score: blind).
    EvaluationScoreSave => "evaluation_score.save", "채점표 임시 저장";
    /// An evaluator submitted its score sheet; it is locked.
    EvaluationScoreSubmit => "evaluation_score.submit", "채점표 제출";
    /// OPC reopened a submitted score sheet, with a reason.
    EvaluationScoreReopen => "evaluation_score.reopen", "채점표 재채점 허용";
    /// The round's result computed from the submitted sheets (scoring closed, or a reopened sheet resubmitted).
    EvaluationResultCompute => "evaluation_result.compute", "평가 결과 산출";
    /// An agency objected to a task's provisional result (이의신청).
    EvaluationObjectionFile => "evaluation_objection.file", "이의신청";
    /// OPC upheld (the panel rescores) or rejected an objection.
    EvaluationObjectionDecide => "evaluation_objection.decide", "이의신청 결정";
    /// OPC set a round's prize settings: the pool, the per-person cap and (through the API, whole)
    /// the shares.
    EvaluationPrizePool => "evaluation_round.prize_pool", "포상금 총액·1인 상한 설정";
    /// OPC set one excellent task's shares per agency and per person.
    EvaluationPrizeShares => "evaluation_round.prize_shares", "포상금 배분 비율 설정";
}

impl AuditAction {
    /// The action a stored code names; `None` for a code this program never writes.
    pub fn from_code(code: &str) -> Option<AuditAction> {
        AuditAction::ALL.iter().copied().find(|a| a.as_str() == code)
    }
}

/// The Korean name of a stored code; a code this program does not know is not shown as if it were
/// one it does.
pub fn action_label(code: &str) -> &'static str {
    AuditAction::from_code(code).map_or("알 수 없는 작업", AuditAction::label_ko)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_code_and_a_korean_name() {
        let mut codes = std::collections::HashSet::new();
        let mut labels = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert!(codes.insert(a.as_str()), "{} twice", a.as_str());
            assert!(labels.insert(a.label_ko()), "{} twice", a.label_ko());
            assert_eq!(AuditAction::from_code(a.as_str()), Some(*a));
            assert!(
                a.label_ko().chars().any(|c| ('가'..='힣').contains(&c)),
                "{} is named in Korean: {}",
                a.as_str(),
                a.label_ko()
            );
            assert!(!a.label_ko().contains(a.as_str()), "the name is not the code");
        }
    }

    #[test]
    fn a_stored_code_reads_as_its_korean_name() {
        assert_eq!(action_label("auth.sign_in"), "로그인");
        assert_eq!(action_label("user.create"), "계정 생성");
        assert_eq!(action_label("task.update"), "과제 수정");
        assert_eq!(action_label("no.such"), "알 수 없는 작업");
    }
}
