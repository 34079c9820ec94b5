//! Collaboration tasks (협업과제): their type, source and status (the moves between statuses are in
//! `lifecycle`).

use std::str::FromStr;

/// 과제 유형: the three kinds of task the release names (①②③).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskType {
    /// ① 구조적 갈등 해소·협력
    ConflictResolution,
    /// ② 부처간 전문성 공유
    ExpertiseSharing,
    /// ③ 부처간 칸막이 해소
    SiloRemoval,
}

impl TaskType {
    pub const ALL: [TaskType; 3] = [TaskType::ConflictResolution, TaskType::ExpertiseSharing, TaskType::SiloRemoval];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskType::ConflictResolution => "conflict_resolution",
            TaskType::ExpertiseSharing => "expertise_sharing",
            TaskType::SiloRemoval => "silo_removal",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            TaskType::ConflictResolution => "구조적 갈등 해소·협력",
            TaskType::ExpertiseSharing => "부처간 전문성 공유",
            TaskType::SiloRemoval => "부처간 칸막이 해소",
        }
    }

    /// What makes a task this type, in the release's words.
    pub fn criterion_ko(self) -> &'static str {
        match self {
            TaskType::ConflictResolution => {
                "본질적인 업무특성 차이 등으로 부처간 갈등 발생 소지가 있어 상호 이해가 필요한 과제"
            }
            TaskType::ExpertiseSharing => "신기술·산업 등장 등으로 상호 전문성 공유로 시너지를 창출할 수 있는 과제",
            TaskType::SiloRemoval => "부처간 칸막이를 해소하여 국민편의를 증진할 수 있는 과제",
        }
    }
}

/// 과제 출처: where a task came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskSource {
    /// 전략적 인사교류
    Exchange,
    /// 국정과제
    NationalAgenda,
    /// 민생토론회
    LivelihoodDebate,
    Other,
}

impl TaskSource {
    pub const ALL: [TaskSource; 4] =
        [TaskSource::Exchange, TaskSource::NationalAgenda, TaskSource::LivelihoodDebate, TaskSource::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskSource::Exchange => "exchange",
            TaskSource::NationalAgenda => "national_agenda",
            TaskSource::LivelihoodDebate => "livelihood_debate",
            TaskSource::Other => "other",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            TaskSource::Exchange => "전략적 인사교류",
            TaskSource::NationalAgenda => "국정과제",
            TaskSource::LivelihoodDebate => "민생토론회",
            TaskSource::Other => "기타",
        }
    }
}

/// Where a task stands. A task is found (발굴), confirmed at a council meeting (상정·확정),
/// carried out, and finished or dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Proposed,
    Tabled,
    Confirmed,
    InProgress,
    OnHold,
    Completed,
    Dropped,
}

impl TaskStatus {
    /// In the lifecycle's order (the task list sorts by it).
    pub const ALL: [TaskStatus; 7] = [
        TaskStatus::Proposed,
        TaskStatus::Tabled,
        TaskStatus::Confirmed,
        TaskStatus::InProgress,
        TaskStatus::OnHold,
        TaskStatus::Completed,
        TaskStatus::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Proposed => "proposed",
            TaskStatus::Tabled => "tabled",
            TaskStatus::Confirmed => "confirmed",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::OnHold => "on_hold",
            TaskStatus::Completed => "completed",
            TaskStatus::Dropped => "dropped",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            TaskStatus::Proposed => "발굴",
            TaskStatus::Tabled => "상정",
            TaskStatus::Confirmed => "확정",
            TaskStatus::InProgress => "추진 중",
            TaskStatus::OnHold => "일시중지",
            TaskStatus::Completed => "완료",
            TaskStatus::Dropped => "중단",
        }
    }

    /// Whether the public may see a task in this status: once a council has confirmed it. A
    /// proposal and a tabled task are still their proposers' and the council's drafts.
    pub fn is_public(self) -> bool {
        !matches!(self, TaskStatus::Proposed | TaskStatus::Tabled)
    }

    /// Whether the task is being carried out (confirmed and not finished): periodic checks ask
    /// every active task for a report.
    pub fn is_active(self) -> bool {
        matches!(self, TaskStatus::Confirmed | TaskStatus::InProgress | TaskStatus::OnHold)
    }
}

macro_rules! from_str_by_name {
    ($ty:ty, $what:literal) => {
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("알 수 없는 {}입니다: '{}'. 다음 중 하나를 쓰세요: {}", $what, s, names.join(", "))
                })
            }
        }
    };
}
from_str_by_name!(TaskType, "과제 유형");
from_str_by_name!(TaskSource, "과제 출처");
from_str_by_name!(TaskStatus, "과제 상태");

/// Which tasks have a type: one of the three, or none set yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeFilter {
    Is(TaskType),
    Unset,
}

/// The rule of a task's exchange pair: a task of a pair has both agencies of the pair among its
/// participating agencies. A task moved to another pair keeps every agency it has (their roles are
/// their own record, and an agency that worked on the task does not stop by a change of pair) and
/// gains the new pair's agencies it lacks. Who may write then follows from the two: the new pair's
/// exchangees through the pair, every participating agency's officers through their agency.
/// Returns the agencies that join.
pub fn agencies_joining_with_pair(
    current: &[crate::AgencyId],
    pair_agencies: &[crate::AgencyId],
) -> Vec<crate::AgencyId> {
    let mut joining: Vec<crate::AgencyId> = Vec::new();
    for a in pair_agencies {
        if !current.contains(a) && !joining.contains(a) {
            joining.push(*a);
        }
    }
    joining
}

/// The lead agency (주관기관) is one of the agencies taking part in the task: `agencies` are the
/// task's participating agencies once the change is made (with those joining with a new pair).
pub fn check_lead_agency(
    lead: Option<crate::AgencyId>,
    agencies: &[crate::AgencyId],
) -> Result<(), crate::ValidationError> {
    match lead {
        Some(lead) if !agencies.contains(&lead) => Err(crate::ValidationError::new(
            "lead_agency_id",
            if agencies.is_empty() {
                "참여 기관이 없는 과제에는 주관 기관을 정할 수 없습니다. 교류직위 쌍을 먼저 고르세요."
            } else {
                "주관 기관은 이 과제에 참여하는 기관 가운데에서 골라 주세요."
            },
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use crate::AgencyId;

    #[test]
    fn the_lead_agency_is_one_of_the_participating_agencies() {
        let ids = |v: &[i64]| v.iter().map(|i| AgencyId::new(*i)).collect::<Vec<_>>();
        assert!(super::check_lead_agency(None, &ids(&[])).is_ok());
        assert!(super::check_lead_agency(Some(AgencyId::new(2)), &ids(&[1, 2])).is_ok());
        let e = super::check_lead_agency(Some(AgencyId::new(3)), &ids(&[1, 2])).unwrap_err();
        assert_eq!(e.field, "lead_agency_id");
        assert!(e.message.contains("참여하는 기관 가운데"), "{}", e.message);
        let e = super::check_lead_agency(Some(AgencyId::new(3)), &[]).unwrap_err();
        assert!(e.message.contains("교류직위 쌍을 먼저"), "{}", e.message);
    }

    #[test]
    fn a_task_moved_to_another_pair_keeps_its_agencies_and_gains_the_new_pairs() {
        let ids = |v: &[i64]| v.iter().map(|i| AgencyId::new(*i)).collect::<Vec<_>>();
        assert_eq!(super::agencies_joining_with_pair(&ids(&[1, 2, 5]), &ids(&[2, 7])), ids(&[7]));
        assert_eq!(super::agencies_joining_with_pair(&ids(&[1, 2]), &ids(&[1, 2])), ids(&[]));
        assert_eq!(super::agencies_joining_with_pair(&ids(&[]), &ids(&[3, 3])), ids(&[3]), "a pair within one agency");
    }

    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused_in_korean() {
        for t in TaskType::ALL {
            assert_eq!(t.as_str().parse::<TaskType>(), Ok(t));
        }
        for s in TaskStatus::ALL {
            assert_eq!(s.as_str().parse::<TaskStatus>(), Ok(s));
        }
        for s in TaskSource::ALL {
            assert_eq!(s.as_str().parse::<TaskSource>(), Ok(s));
        }
        let err = "merger".parse::<TaskType>().unwrap_err();
        assert!(err.contains("과제 유형") && err.contains("silo_removal"), "{err}");
    }
}
