//! The review council (협업과제점검협의회): what a meeting decides on a task it takes up.

use std::str::FromStr;

/// What the council did with a task on its agenda (상정 / 확정 / 보류).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// 상정: put before the meeting, not yet decided.
    Tabled,
    /// 확정: confirmed as a collaboration task.
    Confirmed,
    /// 보류: deferred to a later meeting.
    Deferred,
}

impl DecisionOutcome {
    pub const ALL: [DecisionOutcome; 3] =
        [DecisionOutcome::Tabled, DecisionOutcome::Confirmed, DecisionOutcome::Deferred];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionOutcome::Tabled => "tabled",
            DecisionOutcome::Confirmed => "confirmed",
            DecisionOutcome::Deferred => "deferred",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            DecisionOutcome::Tabled => "상정",
            DecisionOutcome::Confirmed => "확정",
            DecisionOutcome::Deferred => "보류",
        }
    }
}

impl FromStr for DecisionOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|o| o.as_str() == s).ok_or_else(|| format!("알 수 없는 회의 결과입니다: '{s}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_round_trip_through_their_storage_names_and_read_in_korean() {
        for o in DecisionOutcome::ALL {
            assert_eq!(o.as_str().parse::<DecisionOutcome>(), Ok(o));
        }
        assert_eq!(DecisionOutcome::Confirmed.label_ko(), "확정");
        assert!("approved".parse::<DecisionOutcome>().is_err());
    }
}
