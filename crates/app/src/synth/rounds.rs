//! The evaluation rounds of the synthetic set (평가 회차): last year's, published with its result,
//! over the tasks entered before it started; and this year's, in 채점 with every sheet submitted,
//! over every task a new round would take — what closing scoring at scale is measured on.
//!
//! A pool of synthetic evaluators is added for them (mostly private experts, some officials; some
//! experts once worked at an agency, so that 제척 happens), sized so that nobody scores more than the
//! round's M tasks. Each task's panel of [`PANEL`] is drawn around the exclusions the panels page
//! shows (`evaluation::conflicts_of`, the same rule), with the private share met; every member
//! signed the pledge and submitted a sheet. Last year's result is computed by
//! `scoring::compute_result`, as closing scoring computes it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::access::Role;
use hanteam_domain::evaluation::round::{RoundSchedule, Stage};
use hanteam_domain::evaluation::setup::{RoundSettings, PLEDGE_VERSION};
use hanteam_domain::evaluation::sheet::SheetScore;
use hanteam_domain::panel::PanelRules;
use hanteam_domain::{AgencyId, EvaluationRoundId, TaskId};
use hanteam_store::bulk::{
    AffiliationRow, PanelSeatRow, PledgeRow, RoundRow, RoundTaskRow, SheetRow, UserRoleRow, UserRow,
};
use rand::Rng;

use super::{at, pick, plus_days, stamp, Generator, Registry, SynthCounts, LOGIN_PREFIX};
use crate::{Caller, Result, UseCaseError};

/// Evaluators per task (N): five, so that the aggregation drops the highest and the lowest.
pub(super) const PANEL: u32 = 5;
/// The most tasks one evaluator scores in a round (M).
pub(super) const MAX_LOAD: u32 = 40;
/// Seats the pool could take, over the seats needed: room for the exclusions.
const HEADROOM: f64 = 1.3;
/// The smallest pool, so that a small run still has officials and experts to spare.
const MIN_POOL: usize = 40;
/// Of the new evaluators, officials (not private experts).
const OFFICIALS: f64 = 0.12;
/// Of the new private experts, those who once worked at an agency.
const FORMER_OFFICIALS: f64 = 0.2;
/// Panels with an official on them (one at most, so the private share of 2/3 holds).
const PANELS_WITH_AN_OFFICIAL: f64 = 0.5;
/// Tasks whose conflicts are computed at once (the rule reads every affiliation each time).
const CONFLICT_CHUNK: usize = 20_000;

const UNITS: &[&str] = &["기획조정실", "정책기획관실", "혁신행정담당관실", "규제개혁법무담당관실", "정책총괄과"];
const OFFICIAL_TITLES: &[&str] = &["서기관", "사무관", "과장", "팀장"];
const SHEET_COMMENTS: &[&str] = &[
    "참여 기관 간 역할 분담이 분명하고 성과 근거가 충실함",
    "국민 체감 변화를 보여 주는 근거 자료가 다소 부족함",
    "추진일정은 계획대로 이행되었으나 성과지표 목표가 낮게 설정됨",
    "절차 개선 효과가 커 다른 기관으로 확산할 만함",
    "협업의 실질성에 비해 성과 홍보가 부족함",
];

/// One round the generator writes.
struct Plan {
    name: &'static str,
    stage: Stage,
    schedule: RoundSchedule,
    /// The round's version at its stage (each stage move and the panels' confirmation count one).
    version: i64,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn schedule(starts: [NaiveDate; 7]) -> Result<RoundSchedule> {
    RoundSchedule::new(starts).map_err(|e| UseCaseError::Internal(format!("합성 평가 회차의 일정: {e}")))
}

/// The rounds' settings: hanteam's defaults with panels of [`PANEL`] and at most [`MAX_LOAD`] tasks each.
fn settings() -> Result<RoundSettings> {
    let d = PanelRules::default();
    let panel = PanelRules::parse(PANEL, MAX_LOAD, d.private_share.num(), d.private_share.den(), d.lookback_years)
        .map_err(|e| UseCaseError::Internal(format!("합성 평가 회차의 배정 규칙: {e:?}")))?;
    Ok(RoundSettings { panel, ..RoundSettings::default() })
}

/// An evaluator of the pool.
struct Member {
    id: i64,
    private: bool,
    /// How far above or below the panel this evaluator tends to score.
    leaning: f64,
}

impl Generator {
    /// The two rounds, their evaluators, panels, pledges and sheets, and last year's result.
    pub(super) async fn rounds(
        &mut self,
        tx: &mut hanteam_store::Tx,
        by: &Caller,
        reg: &Registry,
        password_hash: &str,
        counts: &mut SynthCounts,
    ) -> Result<()> {
        let settings = settings()?;
        let plans = [
            Plan {
                name: "2025년 협업과제 평가",
                stage: Stage::Published,
                schedule: schedule([
                    day(2025, 9, 1),
                    day(2025, 10, 1),
                    day(2025, 11, 1),
                    day(2025, 12, 1),
                    day(2025, 12, 15),
                    day(2026, 1, 5),
                    day(2026, 1, 20),
                ])?,
                version: 8,
            },
            Plan {
                name: "2026년 상반기 협업과제 평가",
                stage: Stage::Scoring,
                schedule: schedule([
                    day(2026, 5, 1),
                    day(2026, 5, 20),
                    day(2026, 6, 10),
                    day(2026, 7, 10),
                    day(2026, 7, 20),
                    day(2026, 8, 5),
                    day(2026, 8, 20),
                ])?,
                version: 4,
            },
        ];
        let all = tx.evaluable_tasks().await?;
        let pool_size =
            ((all.len() as f64 * f64::from(PANEL) * HEADROOM / f64::from(MAX_LOAD)).ceil() as usize).max(MIN_POOL);
        let pool = self.pool(tx, reg, pool_size, password_hash, counts).await?;
        let affiliations = tx.evaluator_affiliations().await?;
        let agencies = tx.agencies_by_name().await?;

        let mut round_id = tx.next_id::<RoundRow>().await?;
        let mut seat_id = tx.next_id::<PanelSeatRow>().await?;
        let mut pledge_id = tx.next_id::<PledgeRow>().await?;
        let mut sheet_id = tx.next_id::<SheetRow>().await?;
        let params_json = serde_json::to_string(&settings).map_err(|e| UseCaseError::Internal(e.to_string()))?;
        for plan in &plans {
            let s = &plan.schedule;
            let tasks: Vec<(TaskId, Vec<AgencyId>)> = all
                .iter()
                .filter(|(_, created_at, _)| created_at.date_naive() < s.setup_on || plan.stage == Stage::Scoring)
                .map(|(t, _, a)| (TaskId::new(*t), a.iter().map(|&a| AgencyId::new(a)).collect()))
                .collect();
            let created = at(s.setup_on, 3600);
            counts.evaluation_rounds += tx
                .insert_rows(vec![RoundRow {
                    id: round_id,
                    name: plan.name.into(),
                    stage: plan.stage.as_str(),
                    setup_on: s.setup_on,
                    assignment_on: s.assignment_on,
                    scoring_on: s.scoring_on,
                    review_on: s.review_on,
                    objections_on: s.objections_on,
                    final_on: s.final_on,
                    published_on: s.published_on,
                    params_json: params_json.clone(),
                    task_count: tasks.len() as i64,
                    created_at: created,
                    updated_at: at(s.starts(plan.stage), 3600),
                    version: plan.version,
                }])
                .await?;
            counts.round_tasks += tx
                .insert_rows(tasks.iter().map(|(t, _)| RoundTaskRow { round_id, task_id: t.get() }).collect())
                .await?;

            // The panels, drawn around the exclusions, with the loads kept under M.
            let mut loads = vec![0u32; pool.len()];
            let officials: Vec<usize> = (0..pool.len()).filter(|&i| !pool[i].private).collect();
            let experts: Vec<usize> = (0..pool.len()).filter(|&i| pool[i].private).collect();
            let index: BTreeMap<i64, usize> = pool.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
            let confirmed = at(plus_days(s.scoring_on, -3), 2 * 3600);
            let mut panels: Vec<(TaskId, Vec<usize>)> = Vec::with_capacity(tasks.len());
            for chunk in tasks.chunks(CONFLICT_CHUNK) {
                let conflicts = crate::evaluation::conflicts_of(&settings, s, chunk, &affiliations, &agencies, &[])?;
                let mut excluded: BTreeMap<TaskId, BTreeSet<usize>> = BTreeMap::new();
                for c in conflicts {
                    if let Some(&i) = index.get(&c.evaluator.get()) {
                        excluded.entry(c.task).or_default().insert(i);
                    }
                }
                let none = BTreeSet::new();
                for (task, _) in chunk {
                    let out_of = excluded.get(task).unwrap_or(&none);
                    let mut chosen: Vec<usize> = Vec::with_capacity(PANEL as usize);
                    let official = self.rng.gen_bool(PANELS_WITH_AN_OFFICIAL);
                    for k in 0..PANEL {
                        let from_officials = official && k == 0 && !officials.is_empty();
                        let drawn = if from_officials { self.draw(&officials, &loads, out_of, &chosen) } else { None };
                        let drawn =
                            drawn.or_else(|| self.draw(&experts, &loads, out_of, &chosen)).ok_or_else(|| {
                                UseCaseError::Internal(format!(
                                    "{task}번 과제의 평가위원이 모자랍니다 (평가위원 {}명)",
                                    pool.len()
                                ))
                            })?;
                        loads[drawn] += 1;
                        chosen.push(drawn);
                    }
                    let private = chosen.iter().filter(|&&i| pool[i].private).count() as u32;
                    settings
                        .panel
                        .private_share
                        .check(private, PANEL)
                        .map_err(|e| UseCaseError::Internal(e.to_string()))?;
                    chosen.sort_unstable();
                    panels.push((*task, chosen));
                }
            }
            let mut seats = Vec::with_capacity(panels.len() * PANEL as usize);
            for (task, members) in &panels {
                for &i in members {
                    seats.push(PanelSeatRow {
                        id: seat_id,
                        round_id,
                        task_id: task.get(),
                        evaluator_id: pool[i].id,
                        is_private_expert: pool[i].private,
                        created_at: confirmed,
                    });
                    seat_id += 1;
                }
            }
            counts.panel_seats += tx.insert_rows(seats).await?;

            // Everyone with a seat signed the pledge in the first days of scoring.
            let mut pledges = Vec::new();
            for (i, m) in pool.iter().enumerate() {
                if loads[i] > 0 {
                    let on = plus_days(s.scoring_on, self.rng.gen_range(0..3));
                    let signed_at = stamp(&mut self.rng, on);
                    pledges.push(PledgeRow {
                        id: pledge_id,
                        round_id,
                        evaluator_id: m.id,
                        pledge_version: PLEDGE_VERSION,
                        signed_at,
                    });
                    pledge_id += 1;
                }
            }
            counts.pledges += tx.insert_rows(pledges).await?;

            // Every seat's sheet, submitted before scoring ends: a task's quality, the evaluator's
            // leaning and some noise, on each criterion's scale.
            let rubric = &settings.params.rubric;
            let scoring_days = (s.review_on - s.scoring_on).num_days().max(4);
            let mut sheets = Vec::with_capacity(panels.len() * PANEL as usize);
            for (task, members) in &panels {
                let quality = 1.8 + 1.5 * (self.rng.gen::<f64>() + self.rng.gen::<f64>());
                for &i in members {
                    let scores: Vec<SheetScore> = rubric
                        .criteria
                        .iter()
                        .map(|c| {
                            let raw = quality + pool[i].leaning + (self.rng.gen::<f64>() - 0.5) * 1.2;
                            let max = f64::from(c.scale_max);
                            SheetScore {
                                code: c.code.clone(),
                                score: (raw * max / 5.0).round().clamp(0.0, max),
                                comment: None,
                            }
                        })
                        .collect();
                    let comment = self.rng.gen_bool(0.25).then(|| pick(&mut self.rng, SHEET_COMMENTS).to_string());
                    let on = plus_days(s.scoring_on, self.rng.gen_range(1..scoring_days - 2));
                    let saved = stamp(&mut self.rng, on);
                    let submitted: DateTime<Utc> = saved + chrono::Duration::minutes(self.rng.gen_range(5..2000));
                    sheets.push(SheetRow {
                        id: sheet_id,
                        round_id,
                        task_id: task.get(),
                        evaluator_id: pool[i].id,
                        scores_json: serde_json::to_string(&scores)
                            .map_err(|e| UseCaseError::Internal(e.to_string()))?,
                        comment,
                        status: "submitted",
                        submitted_at: Some(submitted),
                        created_at: saved,
                        updated_at: submitted,
                        version: 2,
                    });
                    sheet_id += 1;
                }
            }
            counts.score_sheets += tx.insert_rows(sheets).await?;

            if plan.stage > Stage::Scoring {
                let summary =
                    crate::scoring::compute_result(tx, by, EvaluationRoundId::new(round_id), &settings).await?;
                counts.results += summary.tasks as u64;
            }
            round_id += 1;
        }
        Ok(())
    }

    /// A member of `from` for a panel: not excluded, not chosen already, under M. A few random draws,
    /// then (when the pool is nearly full) the first that fits from a random place.
    fn draw(&mut self, from: &[usize], loads: &[u32], excluded: &BTreeSet<usize>, chosen: &[usize]) -> Option<usize> {
        let fits = |i: usize| loads[i] < MAX_LOAD && !excluded.contains(&i) && !chosen.contains(&i);
        if from.is_empty() {
            return None;
        }
        for _ in 0..16 {
            let i = from[self.rng.gen_range(0..from.len())];
            if fits(i) {
                return Some(i);
            }
        }
        let start = self.rng.gen_range(0..from.len());
        (0..from.len()).map(|k| from[(start + k) % from.len()]).find(|&i| fits(i))
    }

    /// The rounds' evaluators: the synthetic ones there already (private experts), and new accounts
    /// up to `size` — officials working at an agency, experts, some of whom once worked at one.
    async fn pool(
        &mut self,
        tx: &mut hanteam_store::Tx,
        reg: &Registry,
        size: usize,
        password_hash: &str,
        counts: &mut SynthCounts,
    ) -> Result<Vec<Member>> {
        let mut pool: Vec<Member> = Vec::with_capacity(size);
        for &id in &reg.evaluators {
            let leaning = self.leaning();
            pool.push(Member { id, private: true, leaning });
        }
        let new = size.saturating_sub(pool.len());
        let last = tx
            .logins_starting_with(LOGIN_PREFIX)
            .await?
            .iter()
            .filter_map(|l| l.strip_prefix(LOGIN_PREFIX)?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        let mut user_id = tx.next_id::<UserRow>().await?;
        let mut role_id = tx.next_id::<UserRoleRow>().await?;
        let mut affiliation_id = tx.next_id::<AffiliationRow>().await?;
        let (mut users, mut roles, mut affiliations) = (vec![], vec![], vec![]);
        let agencies = &reg.ranked.agencies;
        for i in 0..new {
            let on = plus_days(super::base_date(), -self.rng.gen_range(30..700));
            let t = stamp(&mut self.rng, on);
            let private = (i as f64 / new as f64) >= OFFICIALS;
            users.push(UserRow {
                id: user_id,
                login: format!("{LOGIN_PREFIX}{:05}", last + i as u64 + 1),
                display_name: self.person_name(),
                password_hash: password_hash.to_string(),
                must_change_password: false,
                is_private_expert: private,
                created_at: t,
                updated_at: t,
            });
            roles.push(UserRoleRow {
                id: role_id,
                user_id,
                role: Role::Evaluator.as_str(),
                agency_id: None,
                position_id: None,
                created_at: t,
            });
            role_id += 1;
            let since = plus_days(super::base_date(), -self.rng.gen_range(200..3000));
            let mut stint = |organization: String, title: String, from: NaiveDate, to: Option<NaiveDate>| {
                affiliations.push(AffiliationRow {
                    id: affiliation_id,
                    user_id,
                    organization,
                    title: Some(title),
                    from_date: Some(from),
                    to_date: to,
                    created_at: t,
                    updated_at: t,
                });
                affiliation_id += 1;
            };
            // An agency with its unit, as a person writes it ("환경부 기획조정실"): any of them alike,
            // so that no agency's tasks lose many evaluators.
            let agency = &agencies[self.rng.gen_range(0..agencies.len())].1;
            let unit = pick(&mut self.rng, UNITS);
            let title = pick(&mut self.rng, OFFICIAL_TITLES);
            if private {
                let (organization, current) = self.affiliation();
                stint(organization, current, since, None);
                if self.rng.gen_bool(FORMER_OFFICIALS) {
                    let from = plus_days(since, -self.rng.gen_range(700..4000));
                    stint(format!("{agency} {unit}"), title.into(), from, Some(plus_days(since, -1)));
                }
            } else {
                stint(format!("{agency} {unit}"), title.into(), since, None);
            }
            let leaning = self.leaning();
            pool.push(Member { id: user_id, private, leaning });
            user_id += 1;
        }
        counts.accounts += tx.insert_rows(users).await?;
        tx.insert_rows(roles).await?;
        counts.affiliations += tx.insert_rows(affiliations).await?;
        Ok(pool)
    }

    fn leaning(&mut self) -> f64 {
        (self.rng.gen::<f64>() - 0.5) * 0.8
    }
}
