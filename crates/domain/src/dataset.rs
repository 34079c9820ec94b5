//! The built-in 2024 dataset (`data/2024/dataset.toml`): what the release of 2024-04-15 says, read and
//! checked here so that storage only has to copy it.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Deserialize;

pub use crate::procedure::Procedure;
pub use crate::task_part::{Kpi, Milestone};
use crate::{PositionLevel, TaskSource, TaskStatus, TaskType};

/// The name under which the dataset's load is recorded, so loading it twice changes nothing.
pub const DATASET_2024: &str = "2024-release-2024-04-15";

const DATASET_2024_TOML: &str = include_str!("../../../data/2024/dataset.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub source: SourceDocument,
    pub agencies: Vec<Agency>,
    pub designation: Designation,
    pub pairs: Vec<Pair>,
    pub meetings: Vec<Meeting>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDocument {
    pub title: String,
    pub publisher: String,
    pub department: String,
    pub released_on: NaiveDate,
    pub embargo: String,
    pub distributed: String,
    pub contacts: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub short_name: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Designation {
    pub designated_on: NaiveDate,
    pub announced_by: String,
    pub position_count: i64,
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub theme: String,
    /// The theme as the release spells it, where the record writes it cleanly.
    #[serde(default)]
    pub variants: Vec<Variant>,
    pub positions: Vec<Position>,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub agency: String,
    pub title: String,
    pub level: PositionLevel,
    /// What the release says of the exchangee's expertise, if anything.
    pub expertise: Option<String>,
    #[serde(default)]
    pub careers: Vec<CareerEntry>,
    #[serde(default)]
    pub variants: Vec<Variant>,
}

/// One line of an exchangee's earlier career (前 …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareerEntry {
    pub agency: Option<String>,
    pub title: Option<String>,
    pub note: Option<String>,
}

/// Another wording of a name in the release; the annex wording is the record.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub text: String,
    pub found_in: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub title: String,
    #[serde(rename = "type")]
    pub task_type: Option<TaskType>,
    pub description: Option<String>,
    #[serde(default)]
    pub variants: Vec<Variant>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub kpis: Vec<Kpi>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// Administrative procedures whose usual duration the release states (no dates: it gives none).
    #[serde(default)]
    pub procedures: Vec<Procedure>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub agency: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub council: String,
    pub seq: i64,
    pub title: String,
    pub held_at: DateTime<FixedOffset>,
    pub place: String,
    pub chair: String,
    pub chair_name: String,
    pub purpose: String,
    pub remarks: String,
    pub agenda: Vec<AgendaItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    pub title: String,
    /// The item at which every task of the dataset was tabled and confirmed (상정·확정).
    #[serde(default)]
    pub tables_all_tasks: bool,
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("데이터 파일을 읽을 수 없습니다: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("데이터 파일이 맞지 않습니다: {0}")]
    Inconsistent(String),
}

/// Every task of the 2024 dataset was confirmed at the 1st council and came from the exchange.
pub const SEED_TASK_STATUS: TaskStatus = TaskStatus::Confirmed;
pub const SEED_TASK_SOURCE: TaskSource = TaskSource::Exchange;

impl Dataset {
    /// The dataset built into the binary.
    pub fn builtin_2024() -> Result<Dataset, DatasetError> {
        Self::parse(DATASET_2024_TOML)
    }

    pub fn parse(text: &str) -> Result<Dataset, DatasetError> {
        let d: Dataset = toml::from_str(text)?;
        d.check()?;
        Ok(d)
    }

    /// Cross-references that TOML alone cannot check: every agency named is listed, every pair has
    /// two positions of two agencies, and each role belongs to one of its pair's agencies.
    fn check(&self) -> Result<(), DatasetError> {
        let known = |name: &str| self.agencies.iter().any(|a| a.short_name == name);
        let bad = |m: String| Err(DatasetError::Inconsistent(m));
        if !known(&self.designation.announced_by) {
            return bad(format!("지정 기관이 기관 목록에 없습니다: '{}'", self.designation.announced_by));
        }
        for (i, pair) in self.pairs.iter().enumerate() {
            let seq = i + 1;
            if pair.positions.len() != 2 || pair.positions[0].agency == pair.positions[1].agency {
                return bad(format!("연번 {seq}: 서로 다른 두 기관의 교류직위가 있어야 합니다"));
            }
            for p in &pair.positions {
                if !known(&p.agency) {
                    return bad(format!("연번 {seq}: 기관 목록에 없는 기관입니다: '{}'", p.agency));
                }
                for c in &p.careers {
                    if c.agency.as_deref().is_some_and(|a| !known(a)) {
                        return bad(format!("연번 {seq}: 경력의 기관이 기관 목록에 없습니다: {:?}", c.agency));
                    }
                }
            }
            for t in &pair.tasks {
                for p in &t.procedures {
                    if !(1..=crate::procedure::MAX_USUAL_DAYS).contains(&p.usual_days) {
                        return bad(format!(
                            "'{}': 행정절차 '{}'의 통상 소요기간이 1일 이상이 아닙니다",
                            t.title, p.name
                        ));
                    }
                }
                for r in &t.roles {
                    if !pair.positions.iter().any(|p| p.agency == r.agency) {
                        return bad(format!("'{}': 역할을 맡은 기관이 교류 기관이 아닙니다: '{}'", t.title, r.agency));
                    }
                }
            }
        }
        Ok(())
    }

    /// The tasks in annex order with their number (seq, from 1) and their pair's number.
    pub fn numbered_tasks(&self) -> impl Iterator<Item = (i64, i64, &Task)> {
        self.pairs
            .iter()
            .enumerate()
            .flat_map(|(p, pair)| pair.tasks.iter().map(move |t| (p as i64 + 1, t)))
            .enumerate()
            .map(|(i, (pair_seq, t))| (i as i64 + 1, pair_seq, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> Dataset {
        Dataset::builtin_2024().expect("the built-in dataset parses")
    }

    #[test]
    fn has_the_eleven_pairs_of_the_annex_in_order() {
        let d = d();
        let themes: Vec<&str> = d.pairs.iter().map(|p| p.theme.as_str()).collect();
        assert_eq!(themes.len(), 11);
        assert_eq!(themes[0], "국토-환경 이해관계에 대한 상호 이해", "the record is written cleanly");
        assert_eq!(
            d.pairs[0].variants[0].text, "국토- 환경 이해관계에 대한 상호 이해",
            "the release's spelling is kept"
        );
        assert_eq!(themes[6], "농산물 생산·유통체계 안전관리 역량 강화");
        assert_eq!(themes[10], "제대군인 권익증진 및 복지정책 강화");
        let first: Vec<String> =
            d.pairs.iter().map(|p| format!("{} {}", p.positions[0].agency, p.positions[0].title)).collect();
        assert_eq!(first[0], "국토부 국토정책관");
        assert_eq!(first[4], "과기부 연구산업진흥과장");
        assert_eq!(first[9], "기재부 개발사업과장");
    }

    #[test]
    fn has_41_tasks_split_five_for_pairs_1_to_4_and_three_after() {
        let d = d();
        let split: Vec<usize> = d.pairs.iter().map(|p| p.tasks.len()).collect();
        assert_eq!(split, vec![5, 5, 5, 5, 3, 3, 3, 3, 3, 3, 3]);
        let numbered: Vec<(i64, i64, &Task)> = d.numbered_tasks().collect();
        assert_eq!(numbered.len(), 41);
        assert_eq!(numbered[0].0, 1);
        assert_eq!(numbered[40].0, 41);
        assert_eq!(numbered[40].1, 11);

        assert_eq!(numbered[28].2.title, "더 안심하고 달걀을 먹을 수 있도록 안전관리");
    }

    #[test]
    fn the_six_case_examples_have_their_type_and_both_roles_and_no_other_task_has_a_type() {
        let d = d();
        let typed: Vec<(&str, TaskType, usize)> = d
            .numbered_tasks()
            .filter_map(|(_, _, t)| t.task_type.map(|ty| (t.title.as_str(), ty, t.roles.len())))
            .collect();
        assert_eq!(
            typed,
            vec![
                ("세계 최대규모 용인 반도체 국가산단 신속조성", TaskType::ConflictResolution, 2),
                ("역동경제 구현을 위한 R&D 혁신", TaskType::ExpertiseSharing, 2),
                ("지역의 미래성장동력 발굴을 위한 규제특례·사업화 복합지원", TaskType::SiloRemoval, 2),
                ("AI·메타버스 기반 재난안전관리 체계 강화", TaskType::ExpertiseSharing, 2),
                ("혁신생태계 조성을 위한 대학·출연연 벽 허물기", TaskType::SiloRemoval, 2),
                ("사각지대가 없도록 농산물 안전을 보다 촘촘하게 관리", TaskType::ConflictResolution, 2),
            ]
        );
        let yongin = &d.pairs[0].tasks[0];
        assert_eq!(yongin.roles[1].agency, "환경부");
        assert!(yongin.roles[1].text.contains("용수확보"));
        assert_eq!(yongin.variants[0].text, "용인 반도체 국가산단 신속 조성");
        assert_eq!(yongin.milestones[0].due, NaiveDate::from_ymd_opt(2024, 6, 30));
        // "환경영향평가는 통상 1년 이상 소요": the usual duration, and no dates the release does not give.
        let eia = &yongin.procedures[0];
        assert_eq!((eia.name.as_str(), eia.usual_days), ("산업단지계획 승인을 위한 환경영향평가", 365));
        assert!(eia.note.as_deref().unwrap().contains("통상 1년 이상"));
        assert_eq!(eia.legal_basis, None, "the release names no law");
        assert_eq!((eia.planned_start, eia.planned_end, eia.actual_start, eia.actual_end), (None, None, None, None));
        assert_eq!(eia.saving(), None, "nothing to measure until dates are entered");
        let with_procedures: Vec<&str> = d
            .pairs
            .iter()
            .flat_map(|p| &p.tasks)
            .filter(|t| !t.procedures.is_empty())
            .map(|t| t.title.as_str())
            .collect();
        assert_eq!(with_procedures, vec!["세계 최대규모 용인 반도체 국가산단 신속조성"]);
    }

    #[test]
    fn keeps_the_annex_name_and_the_case_table_variant() {
        let d = d();
        let edu = &d.pairs[4].positions[1];
        assert_eq!(edu.title, "산학협력추진지원과장");
        assert_eq!(edu.variants[0].text, "산학협력추진사업과장");
    }

    #[test]
    fn career_notes_of_the_exchangees_are_kept() {
        let d = d();
        let molit = &d.pairs[0].positions[0];
        assert_eq!(molit.careers[0].agency.as_deref(), Some("환경부"));
        assert_eq!(molit.careers[0].title.as_deref(), Some("자연보전국장"));
        let msit = &d.pairs[1].positions[1];
        assert_eq!(msit.careers[0].title.as_deref(), Some("연구개발예산과장"));
        assert_eq!(d.pairs[1].positions[0].careers.len(), 2);
    }

    #[test]
    fn the_designation_and_the_first_council_meeting_are_dated() {
        let d = d();
        assert_eq!(d.designation.designated_on, NaiveDate::from_ymd_opt(2024, 2, 12).unwrap());
        assert_eq!(d.designation.position_count, 24);
        let m = &d.meetings[0];
        assert_eq!(m.title, "제1차 협업과제점검협의회");
        assert_eq!(m.held_at.to_rfc3339(), "2024-04-15T15:00:00+09:00");
        assert!(m.agenda[0].tables_all_tasks);
    }

    #[test]
    fn a_role_for_an_agency_outside_the_pair_is_refused() {
        let text = DATASET_2024_TOML.replacen(
            "{ agency = \"환경부\", text = \"환경영향평가",
            "{ agency = \"식약처\", text = \"환경영향평가",
            1,
        );
        assert!(matches!(Dataset::parse(&text), Err(DatasetError::Inconsistent(_))));
    }
}
