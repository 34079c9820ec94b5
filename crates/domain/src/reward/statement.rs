//! A person's statement (지급 명세): the arithmetic from the pool down to what they are paid, and
//! their special performance bonus, as lines a page or an A4 print shows one under the other.

use serde::{Deserialize, Serialize};

use super::split::{PoolRule, PrizeSplit, TaskPrize};
use super::{won, Bonus, Ratio};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementLine {
    /// What the line is ("과제 12 몫").
    pub label: String,
    /// The arithmetic ("100,000,000원 × 3/7, 원 미만 최대잉여 배분").
    pub detail: String,
    /// The resulting amount; negative for a deduction; `None` where there is no number.
    pub amount_won: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub person: String,
    pub lines: Vec<StatementLine>,
    /// The person's prize money in the round.
    pub prize_won: i64,
    /// The special performance bonus, when one was computed with a number.
    pub bonus_won: Option<i64>,
}

fn line(label: impl Into<String>, detail: impl Into<String>, amount_won: Option<i64>) -> StatementLine {
    StatementLine { label: label.into(), detail: detail.into(), amount_won }
}

fn task_detail(split: &PrizeSplit, t: &TaskPrize) -> String {
    let base = format!("{}원 × {}", won(split.pool_won), Ratio(t.weight, t.weight_total));
    let why = match &split.rules.pool_rule {
        PoolRule::Equal => format!("우수과제 {}건 균등", split.tasks.len()),
        PoolRule::ByGrade { .. } => format!("{}등급 가중치 {} / 합계 {}", t.grade, t.weight, t.weight_total),
        PoolRule::ByScore => format!("점수 {}점 = {}/1000점 단위", crate::korean::decimal(t.score), t.weight),
    };
    format!("{base} ({why}), 원 미만 최대잉여 배분")
}

/// The statement of `person` (the key used in the split), with their bonus if given.
pub fn person_statement(split: &PrizeSplit, person: &str, bonus: Option<&Bonus>) -> Statement {
    let mut lines = vec![line(
        "포상금 총액",
        format!("{}, 우수과제 {}건", split.rules.pool_rule.label_ko(), split.tasks.len()),
        Some(split.pool_won),
    )];
    let mut prize_won = 0;
    for t in &split.tasks {
        for a in &t.agencies {
            let Some(p) = a.people.iter().find(|p| p.person == person) else { continue };
            lines.push(line(format!("과제 {} 몫", t.task), task_detail(split, t), Some(t.part_won)));
            lines.push(line(
                format!("{} 몫", a.agency_name),
                format!("{}원 × {} (기관별 배분 비율)", won(t.part_won), Ratio(u64::from(a.share), a.share_total)),
                Some(a.part_won),
            ));
            lines.push(line(
                "개인 몫",
                format!("{}원 × {} (개인별 배분 비율)", won(a.part_won), Ratio(u64::from(p.share), p.share_total)),
                Some(p.entitlement_won),
            ));
            let cap = split.rules.person_cap_won;
            if p.earlier_won > 0 && cap.is_some() {
                lines.push(line("앞선 과제 지급액", "1인 상한 계산에 포함", Some(p.earlier_won)));
            }
            if p.cut_won > 0 {
                lines.push(line(
                    "1인 상한 초과분",
                    format!(
                        "상한 {}원을 넘는 금액은 같은 기관, 이어서 같은 과제의 다른 수령자에게 재배분",
                        won(cap.unwrap_or(0))
                    ),
                    Some(-p.cut_won),
                ));
            }
            if p.from_agency_won > 0 {
                lines.push(line(
                    "기관 내 재배분",
                    "같은 기관 수령자의 상한 초과분을 개인 몫 비율로 나눔",
                    Some(p.from_agency_won),
                ));
            }
            if p.from_task_won > 0 {
                lines.push(line(
                    "과제 내 재배분",
                    "같은 과제 다른 기관 수령자의 상한 초과분을 개인 몫 비율로 나눔",
                    Some(p.from_task_won),
                ));
            }
            lines.push(line(format!("지급액 (과제 {})", t.task), "", Some(p.amount_won)));
            prize_won += p.amount_won;
        }
    }
    lines.push(line("포상금 합계", "", Some(prize_won)));
    if let Some(b) = bonus {
        lines.push(bonus_statement(b));
    }
    Statement { person: person.into(), lines, prize_won, bonus_won: bonus.and_then(|b| b.bonus_won) }
}

/// The bonus as one statement line.
pub fn bonus_statement(bonus: &Bonus) -> StatementLine {
    line(
        format!("특별성과가산금 ({}년 {})", bonus.year, bonus.pay_band.label_ko()),
        bonus.note.clone(),
        bonus.bonus_won,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reward::{
        special_bonus, split_prizes, AgencyPart, BonusRule, PayBand, PayTable, PersonPart, PrizeRules, PrizeTask,
    };
    use crate::{AgencyId, TaskId};

    #[test]
    fn a_statement_walks_from_the_pool_to_the_person_and_adds_the_bonus() {
        // Pool 70,000,000 by grade (S 3, A 4 → 30,000,000 / 40,000,000).
        // Task 12 (A) 40,000,000: 환경부 3 : 국토부 1 → 30,000,000 / 10,000,000.
        // 환경부: 김 2 : 이 1 → 20,000,000 / 10,000,000; no cap reached.
        let tasks = vec![
            PrizeTask {
                task: TaskId::new(12),
                grade: "A".into(),
                score: 88.0,
                agencies: vec![
                    AgencyPart {
                        agency: AgencyId::new(2),
                        agency_name: "환경부".into(),
                        share: 3,
                        people: vec![
                            PersonPart { person: "김".into(), share: 2 },
                            PersonPart { person: "이".into(), share: 1 },
                        ],
                    },
                    AgencyPart { agency: AgencyId::new(1), agency_name: "국토부".into(), share: 1, people: vec![] },
                ],
            },
            PrizeTask {
                task: TaskId::new(3),
                grade: "S".into(),
                score: 95.0,
                agencies: vec![AgencyPart {
                    agency: AgencyId::new(1),
                    agency_name: "국토부".into(),
                    share: 1,
                    people: vec![],
                }],
            },
        ];
        let rules = PrizeRules { pool_rule: PoolRule::by_grade(&[("S", 3), ("A", 4)]), ..Default::default() };
        let split = split_prizes(70_000_000, &tasks, &rules).unwrap();
        let bonus = special_bonus(&PayTable::default_2024(), PayBand::Director, &BonusRule::default()).unwrap();
        let st = person_statement(&split, "김", Some(&bonus));
        let amounts: Vec<(&str, Option<i64>)> = st.lines.iter().map(|l| (l.label.as_str(), l.amount_won)).collect();
        assert_eq!(
            amounts,
            vec![
                ("포상금 총액", Some(70_000_000)),
                ("과제 12 몫", Some(40_000_000)),
                ("환경부 몫", Some(30_000_000)),
                ("개인 몫", Some(20_000_000)),
                ("지급액 (과제 12)", Some(20_000_000)),
                ("포상금 합계", Some(20_000_000)),
                ("특별성과가산금 (2024년 과장급(4급))", Some(4_609_000)),
            ]
        );
        assert_eq!(st.lines[1].detail, "70,000,000원 × 4/7 (A등급 가중치 4 / 합계 7), 원 미만 최대잉여 배분");
        assert_eq!(st.lines[2].detail, "40,000,000원 × 3/4 (기관별 배분 비율)");
        assert_eq!(st.lines[3].detail, "30,000,000원 × 2/3 (개인별 배분 비율)");
        assert_eq!(st.lines[6].detail, "50% × 9,218,000원 = 4,609,000원 (1원 미만 버림)");
        assert_eq!((st.prize_won, st.bonus_won), (20_000_000, Some(4_609_000)));
    }

    #[test]
    fn the_cap_and_the_redistribution_are_lines_of_their_own() {
        // 50,000,000 to one agency: 갑 4 : 을 1 → 40,000,000 / 10,000,000; cap 30,000,000:
        // 갑 gives 10,000,000 to 을 → 30,000,000 / 20,000,000.
        let tasks = vec![PrizeTask {
            task: TaskId::new(1),
            grade: "S".into(),
            score: 90.0,
            agencies: vec![AgencyPart {
                agency: AgencyId::new(1),
                agency_name: "식약처".into(),
                share: 1,
                people: vec![
                    PersonPart { person: "갑".into(), share: 4 },
                    PersonPart { person: "을".into(), share: 1 },
                ],
            }],
        }];
        let split = split_prizes(50_000_000, &tasks, &PrizeRules::default()).unwrap();
        let gap = person_statement(&split, "갑", None);
        let cut = gap.lines.iter().find(|l| l.label == "1인 상한 초과분").unwrap();
        assert_eq!(cut.amount_won, Some(-10_000_000));
        assert!(cut.detail.contains("상한 30,000,000원"), "{}", cut.detail);
        let eul = person_statement(&split, "을", None);
        let got = eul.lines.iter().find(|l| l.label == "기관 내 재배분").unwrap();
        assert_eq!(got.amount_won, Some(10_000_000));
        assert_eq!((gap.prize_won, eul.prize_won), (30_000_000, 20_000_000));
        // A director-general's bonus line has no number until OPC fills the table.
        let none = special_bonus(&PayTable::default_2024(), PayBand::SeniorExecutive, &BonusRule::default()).unwrap();
        let l = bonus_statement(&none);
        assert_eq!(l.amount_won, None);
        assert!(l.detail.starts_with("지급표에 금액 없음"));
    }
}
