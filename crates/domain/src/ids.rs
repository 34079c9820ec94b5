//! Identifiers of records, one type each, so that an agency's id cannot be passed where a
//! position's belongs. In JSON and in the database they are plain integers.

use std::fmt;

use crate::ValidationError;

/// What every record id can do, for code written once for several kinds of record.
pub trait RecordId: Copy + From<i64> + Into<i64> + fmt::Display {
    /// What the record is called in messages.
    const WHAT: &'static str;

    fn parse(raw: &str) -> Result<Self, ValidationError>;
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident => $what:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// What the record is called in messages ("과제", "기관" …).
            pub const WHAT: &'static str = $what;

            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            pub const fn get(self) -> i64 {
                self.0
            }

            /// An id as typed in an address or a form: a whole number from 1.
            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                raw.trim().parse::<i64>().ok().filter(|id| *id > 0).map(Self).ok_or_else(|| {
                    ValidationError::new(
                        "id",
                        format!("{} 번호는 1 이상의 정수여야 합니다. (입력값: '{raw}')", $what),
                    )
                })
            }
        }

        impl RecordId for $name {
            const WHAT: &'static str = $what;

            fn parse(raw: &str) -> Result<Self, ValidationError> {
                $name::parse(raw)
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                Self(raw)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

ids! {
    /// 협업과제.
    TaskId => "과제";
    /// 기관.
    AgencyId => "기관";
    /// 교류직위.
    PositionId => "교류직위";
    /// 교류직위 쌍.
    PairId => "교류직위 쌍";
    /// 교류자.
    ExchangeeId => "교류자";
    /// 성과지표 of a task.
    KpiId => "성과지표";
    /// 추진일정 of a task.
    MilestoneId => "추진일정";
    /// 행정절차 of a task (its lead time).
    ProcedureId => "행정절차";
    /// 기관 간 메모 on a task.
    MemoId => "메모";
    /// 협업과제점검협의회 회의.
    MeetingId => "회의";
    /// An item on a council meeting's agenda (안건).
    AgendaItemId => "안건";
    /// A person's account.
    UserId => "사용자";
    /// An API token.
    TokenId => "토큰";
    /// A browser session.
    SessionId => "세션";
    /// 후속조치.
    FollowUpId => "후속조치";
    /// 애로사항.
    BottleneckId => "애로사항";
    /// 조정 회의 of a bottleneck in mediation.
    MediationMeetingId => "조정 회의";
    /// A notification (알림) to one person.
    NotificationId => "알림";
    /// 점검 주기.
    CheckCycleId => "점검 주기";
    /// 추진실적 보고.
    ReportId => "추진실적 보고";
    /// A report's attached file.
    AttachmentId => "첨부파일";
    /// 평가 회차 (an evaluation round).
    EvaluationRoundId => "평가 회차";
    /// A 회피 or 기피 raised on an evaluator and a task of a round.
    EvaluationConflictId => "이해충돌 신청";
    /// 이의신청: an agency's objection to a task's provisional result.
    EvaluationObjectionId => "이의신청";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_a_whole_number_from_one_and_says_what_it_numbers() {
        assert_eq!(TaskId::parse("41"), Ok(TaskId::new(41)));
        for bad in ["0", "-3", "x", "1.5", ""] {
            let e = TaskId::parse(bad).unwrap_err();
            assert_eq!(e.field, "id");
            assert!(e.message.starts_with("과제 번호는"), "{}", e.message);
        }
        assert!(AgencyId::parse("x").unwrap_err().message.starts_with("기관 번호는"));
    }

    #[test]
    fn ids_are_plain_numbers_in_json() {
        assert_eq!(serde_json::to_string(&PairId::new(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<UserId>("12").unwrap(), UserId::new(12));
    }
}
