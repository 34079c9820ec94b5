//! Synthetic data at national scale, for load tests (`hanteam synth`): hundreds of agencies, a
//! hundred thousand tasks with their agencies' roles, KPIs and milestones, council meetings, exchange
//! pairs and thousands of accounts, on top of the built-in 2024 dataset.
//!
//! Deterministic: the same parameters on the same database give the same rows, byte for byte. One
//! ChaCha8 stream seeded from `--seed` decides everything in a fixed order; no clock (every date
//! is counted from [`base_date`]) and no hash-map order. [`checksum`] reads the rows back to prove it,
//! and is the same on SQLite and PostgreSQL.
//!
//! The Korean text is composed from vocabularies whose words are placed with set probabilities, so
//! that searches find realistic fractions of the tasks (a common word such as 지원 in about a quarter,
//! 용수, 달걀, 특구 and 쌀 in one or two percent) and the word the benchmark looks for in vain,
//! 펭귄우주선, nowhere.

use hanteam_domain::audit::AuditAction;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc};
use hanteam_domain::access::{self, Role};
use hanteam_domain::bottleneck::{BottleneckCategory, BottleneckStatus, MediationOutcome};
use hanteam_domain::checks::{carry_over, CycleDraft, ProgressRating, ReportStatus};
use hanteam_domain::dataset::{Dataset, DATASET_2024};
use hanteam_domain::follow_up::FollowUpSource;
use hanteam_domain::{BottleneckId, CheckCycleId, DecisionOutcome, PositionLevel, TaskSource, TaskStatus, TaskType};
use hanteam_store::audit::Change;
use hanteam_store::bulk::{
    AffiliationRow, AgencyRoleRow, AgencyRow, AgendaItemRow, AssignmentRow, BottleneckAgencyRow, BottleneckRow,
    Contents, DecisionRow, ExchangeeRow, FollowUpRow, KpiRow, MediationMeetingRow, MeetingRow, MeetingTaskRow,
    MilestoneRow, PairRow, PositionRow, RatingRow, ReportFill, TaskRow, UserRoleRow, UserRow,
};
use hanteam_store::checks::CycleRecord;
use hanteam_store::Db;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::secrets::{hash_password, random_secret};

mod rounds;
use crate::{Caller, Result, UseCaseError};

pub const DEFAULT_TASKS: usize = 100_000;
pub const DEFAULT_AGENCIES: usize = 300;
pub const DEFAULT_SEED: u64 = 1;
/// More than any load test needs, and still quick enough to be a typo worth asking about.
pub const MAX_TASKS: usize = 10_000_000;
/// Synthetic accounts are named `synth.00001`, `synth.00002` …
pub const LOGIN_PREFIX: &str = "synth.";
/// The council the synthetic meetings belong to: the built-in one, so their numbers continue after it.
const COUNCIL: &str = "협업과제점검협의회";
/// Tasks written per transaction: a tenth of the run (so progress shows in steps of 10%), at most
/// this many.
const MAX_CHUNK: usize = 10_000;

/// What `hanteam synth` was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthParams {
    /// New tasks.
    pub tasks: usize,
    /// Agencies after the run, the ones already there included.
    pub agencies: usize,
    pub seed: u64,
    /// Add on top of a database that holds more than the built-in dataset.
    pub force: bool,
}

/// How far the run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub tasks_done: usize,
    pub tasks_total: usize,
}

/// The rows written, table by table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SynthCounts {
    pub agencies: u64,
    pub positions: u64,
    pub exchangees: u64,
    pub pairs: u64,
    pub tasks: u64,
    pub agency_roles: u64,
    pub kpis: u64,
    pub milestones: u64,
    pub meetings: u64,
    pub agenda_items: u64,
    pub decisions: u64,
    pub meeting_tasks: u64,
    pub accounts: u64,
    pub affiliations: u64,
    pub evaluator_assignments: u64,
    pub check_cycles: u64,
    pub progress_reports: u64,
    pub report_milestones: u64,
    pub check_ratings: u64,
    pub carried_over: u64,
    pub bottlenecks: u64,
    pub bottleneck_agencies: u64,
    pub mediation_meetings: u64,
    pub follow_ups: u64,
    pub evaluation_rounds: u64,
    pub round_tasks: u64,
    pub panel_seats: u64,
    pub pledges: u64,
    pub score_sheets: u64,
    pub results: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthReport {
    pub counts: SynthCounts,
    /// Agencies in the database after the run.
    pub agencies_total: usize,
    /// Tasks of the built-in dataset, when the database was empty and it was loaded first.
    pub loaded_builtin: Option<usize>,
}

/// Fills the database with synthetic data (see the module's documentation). An empty database gets
/// the built-in dataset first; one that holds anything else is refused unless `force` is set.
/// `progress` hears after every transaction of tasks.
pub async fn synth(
    db: &Db,
    by: &Caller,
    params: SynthParams,
    mut progress: impl FnMut(Progress),
) -> Result<SynthReport> {
    let principal = by.signed_in()?;
    if !(access::can_edit_registry(principal) && access::can_manage_users(principal)) {
        return Err(UseCaseError::forbidden());
    }
    let builtin = builtin_contents()?;
    check_params(&params, &builtin)?;
    let loaded_builtin = if db.is_empty().await? {
        match db.seed_builtin(&by.actor).await? {
            hanteam_store::SeedOutcome::Loaded { tasks } => Some(tasks),
            hanteam_store::SeedOutcome::AlreadyLoaded => None,
        }
    } else {
        None
    };
    let mut serve_logins = vec![crate::accounts::FIRST_ADMIN_LOGIN];
    serve_logins.extend(crate::demo::DEMO_LOGINS);
    let contents = db.contents(&serve_logins, LOGIN_PREFIX).await?;
    if !params.force {
        if let Some(why) = refusal(&contents, &builtin) {
            return Err(UseCaseError::invalid("force", why));
        }
    }
    // One hash for every synthetic account, of a secret nobody is told: nobody can sign in to them.
    let password_hash = hash_password(&random_secret()).map_err(UseCaseError::Internal)?;

    let mut g = Generator::new(params.seed);
    let mut counts = SynthCounts::default();

    let mut tx = db.begin().await?;
    let registry = g.registry(&mut tx, &params, &password_hash, &mut counts).await?;
    tx.commit().await?;

    let chunk = params.tasks.div_ceil(10).clamp(1, MAX_CHUNK);
    let mut done = 0;
    while done < params.tasks {
        let n = chunk.min(params.tasks - done);
        let mut tx = db.begin().await?;
        let ids = TaskIds {
            task: tx.next_id::<TaskRow>().await?,
            seq: tx.next_task_seq().await?,
            role: tx.next_id::<AgencyRoleRow>().await?,
            kpi: tx.next_id::<KpiRow>().await?,
            milestone: tx.next_id::<MilestoneRow>().await?,
        };
        let tasks: Vec<SynthTask> = (0..n).map(|_| g.task(&registry)).collect();
        let rows = task_rows(tasks, &registry, ids);
        counts.tasks += tx.insert_rows(rows.tasks).await?;
        counts.agency_roles += tx.insert_rows(rows.roles).await?;
        counts.kpis += tx.insert_rows(rows.kpis).await?;
        counts.milestones += tx.insert_rows(rows.milestones).await?;
        counts.meeting_tasks += tx.insert_rows(rows.meeting_tasks).await?;
        counts.evaluator_assignments += tx.insert_rows(rows.assignments).await?;
        done += n;
        tx.commit().await?;
        progress(Progress { tasks_done: done, tasks_total: params.tasks });
    }

    // The periodic checks and the bottlenecks, over the tasks now there, in one transaction whose
    // changes are stamped with the synthetic days; the audit record goes with them, at the real time,
    // so the record and the last of the data are kept or lost together.
    let mut tx = db.begin().await?;
    let now = tx.at();
    g.checks(&mut tx, &registry, &mut counts).await?;
    tx.set_at(now);
    g.rounds(&mut tx, by, &registry, &password_hash, &mut counts).await?;
    let detail = serde_json::json!({
        "tasks": params.tasks,
        "agencies": params.agencies,
        "seed": params.seed,
        "force": params.force,
        "counts": counts,
    });
    tx.audit(&by.actor, Change::of(AuditAction::DatasetSynth, "dataset", None, None::<&()>, Some(&detail))).await?;
    tx.commit().await?;
    db.rebuild_task_index().await?;
    Ok(SynthReport { counts, agencies_total: registry.ranked.agencies.len(), loaded_builtin })
}

/// SHA-256 (hex) over every row of the tables the generator writes, read back in a fixed order and
/// formatted the same way whatever the database: equal for equal data on SQLite and PostgreSQL.
pub async fn checksum(db: &Db) -> Result<String> {
    let mut hash = Sha256::new();
    db.canonical_rows(|line| {
        hash.update(line.as_bytes());
        hash.update(b"\n");
    })
    .await?;
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn check_params(p: &SynthParams, builtin: &Contents) -> Result<()> {
    if !(1..=MAX_TASKS).contains(&p.tasks) {
        return Err(UseCaseError::invalid(
            "tasks",
            format!("--tasks는 1 이상 {MAX_TASKS} 이하로 지정해 주세요 (지정한 값: {}).", p.tasks),
        ));
    }
    let most = builtin.agencies as usize + catalogue().len();
    if p.agencies > most {
        return Err(UseCaseError::invalid(
            "agencies",
            format!(
                "--agencies는 {most} 이하로 지정해 주세요: 기관 이름을 그만큼만 만들 수 있습니다 (지정한 값: {}).",
                p.agencies
            ),
        ));
    }
    Ok(())
}

/// What a database holding only the built-in dataset holds.
fn builtin_contents() -> Result<Contents> {
    let d = Dataset::builtin_2024().map_err(hanteam_store::StoreError::from)?;
    Ok(Contents {
        agencies: d.agencies.len() as i64,
        positions: d.pairs.iter().map(|p| p.positions.len() as i64).sum(),
        pairs: d.pairs.len() as i64,
        tasks: d.pairs.iter().map(|p| p.tasks.len() as i64).sum(),
        meetings: d.meetings.len() as i64,
        other_accounts: 0,
        synthetic_accounts: 0,
        datasets: vec![DATASET_2024.to_string()],
    })
}

/// Why synthetic data should not go into this database without `--force`: it holds something
/// besides the built-in dataset (accounts `serve` creates are not counted).
fn refusal(found: &Contents, builtin: &Contents) -> Option<String> {
    let again = "그래도 그 위에 더하려면 --force를 붙여 다시 실행해 주세요. 아무것도 바뀌지 않았습니다.";
    if found.synthetic_accounts > 0 {
        return Some(format!(
            "이 데이터베이스에는 합성 데이터가 이미 들어 있습니다 (합성 계정 {}개, 협업과제 {}건). {again}",
            found.synthetic_accounts, found.tasks
        ));
    }
    let base = if found.datasets.iter().any(|d| d == DATASET_2024) { builtin.clone() } else { Contents::default() };
    let extra = [
        (found.tasks - base.tasks, "협업과제", "건"),
        (found.agencies - base.agencies, "기관", "곳"),
        (found.positions - base.positions, "교류직위", "개"),
        (found.pairs - base.pairs, "교류직위 쌍", "개"),
        (found.meetings - base.meetings, "회의", "회"),
        (found.other_accounts, "계정", "개"),
    ];
    let listed: Vec<String> =
        extra.iter().filter(|(n, _, _)| *n != 0).map(|(n, what, unit)| format!("{what} {n}{unit}")).collect();
    if listed.is_empty() {
        return None;
    }
    Some(format!(
        "이 데이터베이스에는 내장 데이터 밖의 기록이 있습니다: {} (내장 데이터와 비교한 차이). 합성 데이터는 빈 데이터베이스나 \
         내장 데이터만 있는 데이터베이스에 넣습니다. {again}",
        listed.join(", ")
    ))
}

// ---------------------------------------------------------------------------------------------
// Dates: counted from a fixed day, never from the clock.

/// "Today" for the synthetic data: milestones due before it and not done are overdue.
fn base_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or(NaiveDate::MIN)
}

/// The first day a synthetic task may have been entered (after the first council of 2024-04-15).
fn first_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, 1).unwrap_or(NaiveDate::MIN)
}

fn plus_days(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d.checked_add_days(Days::new(days as u64)).unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(d)
    }
}

/// `d` at `seconds` after midnight UTC.
fn at(d: NaiveDate, seconds: u32) -> DateTime<Utc> {
    let midnight = Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
    midnight + chrono::Duration::seconds(i64::from(seconds))
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

// ---------------------------------------------------------------------------------------------
// What the tasks are drawn from: the agencies by popularity, the pairs, the meetings, the evaluators.

struct Pair {
    id: i64,
    agencies: [usize; 2],
}

struct MeetingSlot {
    held_on: NaiveDate,
    /// The agenda item where new tasks are tabled and confirmed.
    new_tasks_item: i64,
    /// The agenda item where progress is reviewed.
    review_item: i64,
}

/// Agencies by popularity rank: (id, short name), and how often each is drawn.
struct Ranked {
    agencies: Vec<(i64, String)>,
    popularity: WeightedIndex<f64>,
}

impl Ranked {
    fn new(agencies: Vec<(i64, String)>) -> Result<Ranked> {
        let popularity = WeightedIndex::new(popularity(agencies.len()))
            .map_err(|e| UseCaseError::Internal(format!("기관 가중치를 만들 수 없습니다: {e}")))?;
        Ok(Ranked { agencies, popularity })
    }
}

struct Registry {
    ranked: Ranked,
    pairs: Vec<Pair>,
    /// By date.
    meetings: Vec<MeetingSlot>,
    evaluators: Vec<i64>,
}

/// Zipf-like weights by rank: a few agencies take part in thousands of tasks, most in a few hundred.
fn popularity(n: usize) -> Vec<f64> {
    (0..n).map(|rank| 1.0 / (rank as f64 + 6.0)).collect()
}

/// Where 환경부 ranks: popular enough to be in a few thousand of 100,000 tasks, not the first.
const ENVIRONMENT_RANK: usize = 11;

struct Generator {
    rng: ChaCha8Rng,
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

/// The particle that follows `word`: `with` after a final consonant (받침), `without` otherwise.
/// Latin letters and digits are read aloud ending in a vowel (AI 에이아이, R&D 알앤디, 5G 파이브지).
fn josa<'a>(word: &str, with: &'a str, without: &'a str) -> &'a str {
    match word.chars().last() {
        Some(c @ '가'..='힣') if !(c as u32 - 0xAC00).is_multiple_of(28) => with,
        _ => without,
    }
}

/// A moment of `day` in working hours (09:00–18:00 KST).
fn stamp(rng: &mut ChaCha8Rng, day: NaiveDate) -> DateTime<Utc> {
    at(day, rng.gen_range(0..9 * 3600))
}

impl Generator {
    fn new(seed: u64) -> Generator {
        Generator { rng: ChaCha8Rng::seed_from_u64(seed) }
    }

    fn day_before_base(&mut self, at_most: i64) -> NaiveDate {
        plus_days(base_date(), -self.rng.gen_range(1..=at_most))
    }

    fn person_name(&mut self) -> String {
        let r = &mut self.rng;
        format!("{}{}{}", pick(r, SURNAMES), pick(r, GIVEN_FIRST), pick(r, GIVEN_SECOND))
    }

    /// Agencies up to the total asked for, exchange positions and pairs, meetings, and accounts, in
    /// one transaction: what every task then refers to.
    async fn registry(
        &mut self,
        tx: &mut hanteam_store::Tx,
        params: &SynthParams,
        password_hash: &str,
        counts: &mut SynthCounts,
    ) -> Result<Registry> {
        // Agencies: those there already, then new ones from the catalogue whose names are free.
        let existing = tx.agency_names().await?;
        let taken: BTreeSet<&str> = existing.iter().flat_map(|(_, s, n)| [s.as_str(), n.as_str()]).collect();
        let wanted = params.agencies.saturating_sub(existing.len());
        let new: Vec<AgencyName> = catalogue()
            .into_iter()
            .filter(|a| !taken.contains(a.short.as_str()) && !taken.contains(a.name.as_str()))
            .take(wanted)
            .collect();
        if new.len() < wanted {
            return Err(UseCaseError::invalid(
                "agencies",
                format!(
                    "새 기관 이름이 모자랍니다: 기관 {}곳이 이미 있어 {}곳까지만 만들 수 있습니다. --agencies를 줄여 주세요.",
                    existing.len(),
                    existing.len() + new.len()
                ),
            ));
        }
        let mut id = tx.next_id::<AgencyRow>().await?;
        // The agencies there already (the built-in ministries) and new central ones are the popular tier.
        let mut central: Vec<(i64, String)> = existing.iter().map(|(id, s, _)| (*id, s.clone())).collect();
        let mut others = Vec::new();
        let mut rows = Vec::with_capacity(new.len());
        for a in new {
            let day = self.day_before_base(700);
            let t = stamp(&mut self.rng, day);
            if a.central { &mut central } else { &mut others }.push((id, a.short.clone()));
            rows.push(AgencyRow { id, short_name: a.short, name: a.name, name_en: None, created_at: t, updated_at: t });
            id += 1;
        }
        counts.agencies += tx.insert_rows(rows).await?;
        if central.len() + others.len() < 2 {
            return Err(UseCaseError::invalid(
                "agencies",
                "협업과제에는 기관이 둘 이상 필요합니다. --agencies를 2 이상으로 지정해 주세요.",
            ));
        }

        let ranked = Ranked::new(self.rank(central, others))?;
        let (pairs, positions) = self.pairs(tx, params, &ranked, counts).await?;
        let meetings = self.meetings(tx, params, counts).await?;
        let evaluators = self.accounts(tx, params, &ranked, &positions, password_hash, counts).await?;
        Ok(Registry { ranked, pairs, meetings, evaluators })
    }

    /// The agencies in order of popularity: central government first, each tier in a random order,
    /// and 환경부 at [`ENVIRONMENT_RANK`].
    fn rank(&mut self, mut agencies: Vec<(i64, String)>, mut others: Vec<(i64, String)>) -> Vec<(i64, String)> {
        agencies.shuffle(&mut self.rng);
        others.shuffle(&mut self.rng);
        agencies.extend(others);
        if let Some(i) = agencies.iter().position(|(_, s)| s == "환경부") {
            let environment = agencies.remove(i);
            agencies.insert(ENVIRONMENT_RANK.min(agencies.len()), environment);
        }
        agencies
    }

    /// `k` distinct agencies (indices into the ranked list), more popular ones more often;
    /// `first` are taken as they are and count towards `k`.
    fn agencies_for(&mut self, ranked: &Ranked, first: &[usize], k: usize) -> Vec<usize> {
        let k = k.min(ranked.agencies.len());
        let mut chosen: Vec<usize> = first.to_vec();
        let mut tries = 0;
        while chosen.len() < k {
            // Past a hundred misses (a tiny database) any agency will do.
            let i = if tries < 100 {
                ranked.popularity.sample(&mut self.rng)
            } else {
                self.rng.gen_range(0..ranked.agencies.len())
            };
            tries += 1;
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen
    }

    /// Exchange pairs, each of two positions (with their exchangees) in two agencies. Returns the
    /// pairs and the new positions' ids.
    async fn pairs(
        &mut self,
        tx: &mut hanteam_store::Tx,
        params: &SynthParams,
        ranked: &Ranked,
        counts: &mut SynthCounts,
    ) -> Result<(Vec<Pair>, Vec<i64>)> {
        let n = (params.tasks / 500).clamp(5, 300);
        let mut titles: BTreeSet<(i64, String)> = tx.position_titles().await?.into_iter().collect();
        let mut position_id = tx.next_id::<PositionRow>().await?;
        let mut exchangee_id = tx.next_id::<ExchangeeRow>().await?;
        let mut pair_id = tx.next_id::<PairRow>().await?;
        let mut seq = tx.next_pair_seq().await?;
        let (mut positions, mut exchangees, mut pair_rows, mut pairs) = (vec![], vec![], vec![], vec![]);
        for _ in 0..n {
            let two = self.agencies_for(ranked, &[], 2);
            let day = self.day_before_base(760);
            let t = stamp(&mut self.rng, day);
            let mut ids = [0; 2];
            for (slot, &a) in two.iter().enumerate() {
                let agency_id = ranked.agencies[a].0;
                let mut tries = 0;
                let (title, level) = loop {
                    let level =
                        if self.rng.gen_bool(0.4) { PositionLevel::DirectorGeneral } else { PositionLevel::Director };
                    let suffixes = match level {
                        PositionLevel::DirectorGeneral => DIRECTOR_GENERAL_POSTS,
                        PositionLevel::Director => DIRECTOR_POSTS,
                    };
                    let mut title = format!("{}{}", pick(&mut self.rng, FIELDS), pick(&mut self.rng, suffixes));
                    tries += 1;
                    if tries > 50 {
                        // An agency whose titles are nearly all taken (after several runs): numbered.
                        title = format!("{title} {tries}");
                    }
                    if titles.insert((agency_id, title.clone())) {
                        break (title, level);
                    }
                };
                let expertise =
                    self.rng.gen_bool(0.6).then(|| format!("{} 분야 정책 경험", pick(&mut self.rng, FIELDS)));
                positions.push(PositionRow {
                    id: position_id,
                    agency_id,
                    title,
                    level: level.as_str(),
                    created_at: t,
                    updated_at: t,
                });
                exchangees.push(ExchangeeRow {
                    id: exchangee_id,
                    position_id,
                    name: None,
                    expertise,
                    created_at: t,
                    updated_at: t,
                });
                ids[slot] = position_id;
                position_id += 1;
                exchangee_id += 1;
            }
            let theme = format!("{} {}", pick(&mut self.rng, THEME_FIELDS), pick(&mut self.rng, THEME_GOALS));
            pair_rows.push(PairRow {
                id: pair_id,
                seq,
                theme,
                position_a_id: ids[0],
                position_b_id: ids[1],
                created_at: t,
                updated_at: t,
            });
            pairs.push(Pair { id: pair_id, agencies: [two[0], two[1]] });
            pair_id += 1;
            seq += 1;
        }
        let position_ids = positions.iter().map(|p| p.id).collect();
        counts.positions += tx.insert_rows(positions).await?;
        counts.exchangees += tx.insert_rows(exchangees).await?;
        counts.pairs += tx.insert_rows(pair_rows).await?;
        Ok((pairs, position_ids))
    }

    /// Council meetings at even intervals from May 2024 to the base date, numbered after the
    /// council's last, each with its agenda items and decisions.
    async fn meetings(
        &mut self,
        tx: &mut hanteam_store::Tx,
        params: &SynthParams,
        counts: &mut SynthCounts,
    ) -> Result<Vec<MeetingSlot>> {
        let n = (params.tasks / 3000).clamp(4, 40);
        let mut meeting_id = tx.next_id::<MeetingRow>().await?;
        let mut item_id = tx.next_id::<AgendaItemRow>().await?;
        let mut decision_id = tx.next_id::<DecisionRow>().await?;
        let first_seq = tx.next_meeting_seq(COUNCIL).await?;
        let span = days_between(first_date(), base_date());
        let (mut meetings, mut items, mut decisions, mut slots) = (vec![], vec![], vec![], vec![]);
        for i in 0..n {
            let held_on = plus_days(first_date(), span * (i as i64 + 1) / (n as i64 + 1));
            // 15:00 KST.
            let held_at = at(held_on, 6 * 3600);
            let seq = first_seq + i as i64;
            meetings.push(MeetingRow {
                id: meeting_id,
                council: COUNCIL.into(),
                seq,
                title: format!("제{seq}차 {COUNCIL}"),
                held_at,
                place: Some(pick(&mut self.rng, PLACES).into()),
                chair: Some("국무조정실 국무1차장".into()),
                purpose: Some(pick(&mut self.rng, MEETING_PURPOSES).into()),
                remarks: self.rng.gen_bool(0.5).then(|| pick(&mut self.rng, MEETING_REMARKS).into()),
                created_at: held_at,
                updated_at: held_at,
            });
            let mut agenda: Vec<&AgendaKind> = vec![&AGENDA[0], &AGENDA[1]];
            let extra = self.rng.gen_range(0..=2);
            agenda.extend(AGENDA[2..].choose_multiple(&mut self.rng, extra));
            let mut slot = MeetingSlot { held_on, new_tasks_item: 0, review_item: 0 };
            for (k, kind) in agenda.into_iter().enumerate() {
                match k {
                    0 => slot.new_tasks_item = item_id,
                    1 => slot.review_item = item_id,
                    _ => {}
                }
                items.push(AgendaItemRow {
                    id: item_id,
                    meeting_id,
                    seq: k as i64 + 1,
                    title: kind.title.into(),
                    created_at: held_at,
                    updated_at: held_at,
                });
                let how_many = self.rng.gen_range(1..=kind.decisions.len().min(3));
                for (d, text) in kind.decisions.choose_multiple(&mut self.rng, how_many).enumerate() {
                    decisions.push(DecisionRow {
                        id: decision_id,
                        agenda_item_id: item_id,
                        seq: d as i64 + 1,
                        text: (*text).into(),
                        created_at: held_at,
                        updated_at: held_at,
                    });
                    decision_id += 1;
                }
                item_id += 1;
            }
            slots.push(slot);
            meeting_id += 1;
        }
        counts.meetings += tx.insert_rows(meetings).await?;
        counts.agenda_items += tx.insert_rows(items).await?;
        counts.decisions += tx.insert_rows(decisions).await?;
        Ok(slots)
    }

    /// About 3% as many accounts as tasks (at least 50): mostly agency officers, some exchangees,
    /// private-expert evaluators and auditors. Returns the evaluators' ids.
    async fn accounts(
        &mut self,
        tx: &mut hanteam_store::Tx,
        params: &SynthParams,
        ranked: &Ranked,
        positions: &[i64],
        password_hash: &str,
        counts: &mut SynthCounts,
    ) -> Result<Vec<i64>> {
        let n = (params.tasks * 3 / 100).max(50);
        // Numbered after the synthetic accounts already there, so a second run (--force) adds new ones.
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
        let (mut users, mut roles, mut affiliations, mut evaluators) = (vec![], vec![], vec![], vec![]);
        let mut free_positions = positions.iter();
        for i in 0..n {
            let day = self.day_before_base(700);
            let t = stamp(&mut self.rng, day);
            // The mix by share of the list, so that even the smallest run has every role.
            let share = i as f64 / n as f64;
            let position = if (0.78..0.85).contains(&share) { free_positions.next() } else { None };
            let (role, agency_id, position_id) = match share {
                s if s < 0.78 || (s < 0.85 && position.is_none()) => {
                    let a = ranked.popularity.sample(&mut self.rng);
                    (Role::AgencyOfficer, Some(ranked.agencies[a].0), None)
                }
                s if s < 0.85 => (Role::Exchangee, None, position.copied()),
                s if s < 0.95 => (Role::Evaluator, None, None),
                _ => (Role::Auditor, None, None),
            };
            let evaluator = role == Role::Evaluator;
            users.push(UserRow {
                id: user_id,
                login: format!("{LOGIN_PREFIX}{:05}", last + i as u64 + 1),
                display_name: self.person_name(),
                password_hash: password_hash.to_string(),
                must_change_password: false,
                is_private_expert: evaluator,
                created_at: t,
                updated_at: t,
            });
            roles.push(UserRoleRow {
                id: role_id,
                user_id,
                role: role.as_str(),
                agency_id,
                position_id,
                created_at: t,
            });
            role_id += 1;
            if evaluator {
                evaluators.push(user_id);
                let now_from = plus_days(base_date(), -self.rng.gen_range(200..3000));
                let (organization, title) = self.affiliation();
                affiliations.push(AffiliationRow {
                    id: affiliation_id,
                    user_id,
                    organization,
                    title: Some(title),
                    from_date: Some(now_from),
                    to_date: None,
                    created_at: t,
                    updated_at: t,
                });
                affiliation_id += 1;
                if self.rng.gen_bool(0.4) {
                    let (organization, title) = self.affiliation();
                    affiliations.push(AffiliationRow {
                        id: affiliation_id,
                        user_id,
                        organization,
                        title: Some(title),
                        from_date: Some(plus_days(now_from, -self.rng.gen_range(700..4000))),
                        to_date: Some(plus_days(now_from, -1)),
                        created_at: t,
                        updated_at: t,
                    });
                    affiliation_id += 1;
                }
            }
            user_id += 1;
        }
        counts.accounts += tx.insert_rows(users).await?;
        tx.insert_rows(roles).await?;
        counts.affiliations += tx.insert_rows(affiliations).await?;
        Ok(evaluators)
    }

    /// Where a private expert works: a university, a research institute, a law or accounting firm.
    fn affiliation(&mut self) -> (String, String) {
        let r = &mut self.rng;
        match r.gen_range(0..10) {
            0..=5 => (format!("{}대학교 {}", pick(r, UNIVERSITIES), pick(r, DEPARTMENTS)), pick(r, PROFESSORS).into()),
            6 | 7 => (format!("{}정책연구소", pick(r, INSTITUTES)), pick(r, RESEARCHERS).into()),
            8 => (format!("법무법인 {}", pick(r, FIRMS)), "변호사".into()),
            _ => (format!("{}회계법인", pick(r, FIRMS)), "공인회계사".into()),
        }
    }

    /// One task: what it is, who takes part, its KPIs and milestones, and where it was decided.
    fn task(&mut self, reg: &Registry) -> SynthTask {
        let status = pick_weighted(&mut self.rng, STATUS_MIX);
        let source = if reg.pairs.is_empty() {
            pick_weighted(&mut self.rng, &SOURCE_MIX[1..])
        } else {
            pick_weighted(&mut self.rng, SOURCE_MIX)
        };
        let task_type = pick_weighted(&mut self.rng, TYPE_MIX);
        let pair = (source == TaskSource::Exchange).then(|| self.rng.gen_range(0..reg.pairs.len()));
        let k = pick_weighted(&mut self.rng, &[(2, 40), (3, 30), (4, 20), (5, 10)]);
        let first: Vec<usize> = pair.map(|p| reg.pairs[p].agencies.to_vec()).unwrap_or_default();
        let agencies = self.agencies_for(&reg.ranked, &first, k);
        // Usually the most prominent agency leads (the lowest rank); an exchange task, one of its pair.
        let lead = if pair.is_some() {
            self.rng.gen_range(0..2)
        } else if self.rng.gen_bool(0.7) {
            (0..agencies.len()).min_by_key(|&i| agencies[i]).unwrap_or(0)
        } else {
            self.rng.gen_range(0..agencies.len())
        };
        let names: Vec<&str> = agencies.iter().map(|&a| reg.ranked.agencies[a].1.as_str()).collect();
        let text = self.text(names[lead], names[(lead + 1) % names.len()]);
        let roles = (0..agencies.len()).map(|i| self.role(i == lead)).collect();

        let created_on = plus_days(first_date(), self.rng.gen_range(0..=days_between(first_date(), base_date()) - 30));
        let created_at = stamp(&mut self.rng, created_on);
        let updated_at = created_at
            + chrono::Duration::seconds(self.rng.gen_range(0..=(at(base_date(), 0) - created_at).num_seconds().max(0)));
        let kpis = self.kpis(created_on);
        let milestones = self.milestones(status, created_on);

        let meeting = self.rng.gen_bool(0.04).then(|| self.meeting_for(reg, status, created_on)).flatten();
        let evaluators = if matches!(status, TaskStatus::InProgress | TaskStatus::Completed)
            && !reg.evaluators.is_empty()
            && self.rng.gen_bool(0.06)
        {
            let k = self.rng.gen_range(2..=3).min(reg.evaluators.len());
            reg.evaluators.choose_multiple(&mut self.rng, k).copied().collect()
        } else {
            vec![]
        };
        SynthTask {
            title: text.title,
            description: text.description,
            status,
            source,
            task_type,
            pair,
            agencies,
            lead,
            roles,
            kpis,
            milestones,
            created_at,
            updated_at,
            meeting,
            evaluators,
        }
    }

    /// The meeting that took the task up (one held after it was entered), the agenda item and the
    /// outcome its status implies.
    fn meeting_for(
        &mut self,
        reg: &Registry,
        status: TaskStatus,
        created_on: NaiveDate,
    ) -> Option<(i64, DecisionOutcome)> {
        let from = reg.meetings.partition_point(|m| m.held_on < created_on);
        if from == reg.meetings.len() {
            return None;
        }
        let m = &reg.meetings[self.rng.gen_range(from..reg.meetings.len())];
        Some(match status {
            TaskStatus::Proposed if self.rng.gen_bool(0.6) => (m.new_tasks_item, DecisionOutcome::Tabled),
            TaskStatus::Proposed | TaskStatus::Dropped => (m.new_tasks_item, DecisionOutcome::Deferred),
            _ if self.rng.gen_bool(0.8) => (m.new_tasks_item, DecisionOutcome::Confirmed),
            _ => (m.review_item, DecisionOutcome::Tabled),
        })
    }

    /// What one agency does in the task; about one in ten is not set yet.
    fn role(&mut self, lead: bool) -> Option<String> {
        if self.rng.gen_bool(0.1) {
            return None;
        }
        let r = &mut self.rng;
        Some(if lead {
            pick(r, LEAD_ROLES).to_string()
        } else if r.gen_bool(0.5) {
            pick(r, PARTNER_ROLES).to_string()
        } else {
            let two: Vec<&&str> = PARTNER_ROLES.choose_multiple(r, 2).collect();
            format!("{}, {}", two[0], two[1])
        })
    }

    fn kpis(&mut self, created_on: NaiveDate) -> Vec<SynthKpi> {
        let k = self.rng.gen_range(1..=3);
        let chosen: Vec<&KpiKind> = KPI_KINDS.choose_multiple(&mut self.rng, k).collect();
        chosen
            .into_iter()
            .map(|kind| {
                let r = &mut self.rng;
                let (low, high) = kind.range;
                let baseline = r.gen_bool(0.8).then(|| round1(r.gen_range(low..high)));
                let from = baseline.unwrap_or(low);
                let target = if kind.lower_is_better {
                    round1(from * r.gen_range(0.4..0.8))
                } else {
                    round1((from * r.gen_range(1.2..2.0)).min(kind.cap))
                };
                SynthKpi {
                    name: kind.name,
                    baseline,
                    target: Some(target),
                    unit: kind.unit,
                    due: Some(plus_days(created_on, r.gen_range(300..1200))),
                    note: r.gen_bool(0.3).then(|| pick(r, KPI_NOTES).to_string()),
                }
            })
            .collect()
    }

    /// Milestones in order over the task's plan; those due before the base date are done, or
    /// overdue, as the status suggests.
    fn milestones(&mut self, status: TaskStatus, created_on: NaiveDate) -> Vec<SynthMilestone> {
        let k = self.rng.gen_range(2..=5);
        let mut stages: Vec<usize> =
            (0..STAGES.len()).collect::<Vec<_>>().choose_multiple(&mut self.rng, k).copied().collect();
        stages.sort_unstable();
        let mut span = self.rng.gen_range(180..900);
        if status == TaskStatus::Completed {
            // A completed task's plan ended before the base date.
            span = span.min(days_between(created_on, base_date()) - 1).max(k as i64);
        }
        stages
            .into_iter()
            .enumerate()
            .map(|(i, stage)| {
                let due = plus_days(created_on, span * (i as i64 + 1) / k as i64);
                let past = due < base_date();
                let done = match status {
                    TaskStatus::Completed => true,
                    TaskStatus::InProgress | TaskStatus::OnHold => past && self.rng.gen_bool(0.75),
                    TaskStatus::Confirmed => past && self.rng.gen_bool(0.4),
                    TaskStatus::Proposed | TaskStatus::Tabled | TaskStatus::Dropped => false,
                };
                let done_on = done.then(|| plus_days(due, self.rng.gen_range(-20..=10)).min(base_date()));
                SynthMilestone {
                    title: STAGES[stage],
                    due: Some(due),
                    done_on,
                    note: self.rng.gen_bool(0.1).then(|| pick(&mut self.rng, MILESTONE_NOTES).to_string()),
                }
            })
            .collect()
    }

    /// A title and description about one topic, with the benchmark's words placed at their rates.
    fn text(&mut self, lead: &str, partner: &str) -> TaskText {
        let r = &mut self.rng;
        let topic = pick_topic(r);
        let object = pick(r, topic);
        let region = r.gen_bool(0.5).then(|| pick(r, REGIONS));
        let support = r.gen_bool(SUPPORT_RATE);
        let support_in_title = support && r.gen_bool(0.5);
        let action = if support_in_title { pick(r, SUPPORT_ACTIONS) } else { pick(r, ACTIONS) };
        let ai = r.gen_bool(0.03);
        let ai_in_title = ai && r.gen_bool(0.4);
        let rnd = r.gen_bool(0.02);

        // Title: [region] [AI 기반] object action, or [region] object을 위한 [AI 기반] action; then
        // fillers up to 15 characters, and no more than 40.
        let mut parts: Vec<&str> = Vec::new();
        if let Some(region) = region {
            parts.push(region);
        }
        let purposeful = format!("{object}{} 위한", josa(object, "을", "를"));
        if r.gen_bool(0.3) {
            parts.push(&purposeful);
            if ai_in_title {
                parts.push("AI 기반");
            }
        } else {
            if ai_in_title {
                parts.push("AI 기반");
            }
            parts.push(object);
        }
        parts.push(action);
        let mut title = parts.join(" ");
        for filler in TITLE_FILLERS {
            if title.chars().count() >= 15 {
                break;
            }
            title = format!("{title} {filler}");
        }
        if title.chars().count() > 40 {
            title = format!("{object} {action}");
        }

        // Description: sentences, the required ones first; optional ones go when it grows past 300.
        let place = region.unwrap_or("일선 현장");
        let mut required = vec![
            format!("{place}에서는 {}.", pick(r, PROBLEMS).replace("{o}", object)),
            format!(
                "이에 {lead}{} {partner}{} 함께 {object}{} {}.",
                josa(lead, "과", "와"),
                josa(partner, "이", "가"),
                josa(object, "을", "를"),
                pick(r, GOALS)
            ),
        ];
        let measures: Vec<&&str> = MEASURES.choose_multiple(r, 3).collect();
        required.push(match r.gen_range(0..2) {
            0 => format!(
                "이를 위해 {}, {}{} {}{} 추진한다.",
                measures[0],
                measures[1],
                josa(measures[1], "과", "와"),
                measures[2],
                josa(measures[2], "을", "를")
            ),
            _ => format!("주요 내용은 {}, {}, {} 등이다.", measures[0], measures[1], measures[2]),
        });
        // A title too long loses its "AI 기반": the description says it then.
        if ai && !title.contains("AI") {
            required.push(pick(r, AI_SENTENCES).into());
        }
        if rnd {
            required.push("관계부처 공동 R&D 과제를 기획하여 기술 실증을 앞당긴다.".into());
        }
        for (rate, sentence) in LATIN_SENTENCES {
            if r.gen_bool(*rate) {
                required.push((*sentence).into());
            }
        }
        if support && (!support_in_title || r.gen_bool(0.5)) {
            required.push(pick(r, SUPPORT_SENTENCES).into());
        }
        let mut optional: Vec<String> = Vec::new();
        match r.gen_range(0..100) {
            0..=7 => {
                let shortened = pick(r, SHORTENED);
                optional.push(format!(
                    "{}년까지 {shortened}{} {}% 단축하는 것을 목표로 한다.",
                    r.gen_range(2025..=2028),
                    josa(shortened, "을", "를"),
                    pick(r, &["10", "20", "30", "40", "50"])
                ))
            }
            8..=27 => optional.push(format!(
                "{}년까지 {}개소로 확대할 계획이다.",
                r.gen_range(2025..=2028),
                pick(r, &["10", "20", "30", "50", "100"])
            )),
            _ => {}
        }
        if r.gen_bool(0.5) {
            optional.push(pick(r, CLOSINGS).into());
        }
        let length = |s: &[String]| s.iter().map(|x| x.chars().count() + 1).sum::<usize>();
        while length(&required) + length(&optional) > 301 && optional.pop().is_some() {}
        for closing in CLOSINGS {
            if length(&required) + length(&optional) >= 101 {
                break;
            }
            if !optional.iter().any(|o| o == closing) {
                optional.push((*closing).into());
            }
        }
        let mut sentences = required;
        sentences.extend(optional);
        TaskText { title, description: sentences.join(" ") }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn pick_weighted<T: Copy>(rng: &mut ChaCha8Rng, mix: &[(T, u32)]) -> T {
    let total: u32 = mix.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0..total);
    for (item, w) in mix {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    mix[mix.len() - 1].0
}

/// The topic's objects: a special word's topic at its rate, else one of the general areas.
fn pick_topic(rng: &mut ChaCha8Rng) -> &'static [&'static str] {
    let x: f64 = rng.gen();
    let mut edge = 0.0;
    for (rate, objects) in SPECIAL_TOPICS {
        edge += rate;
        if x < edge {
            return objects;
        }
    }
    GENERAL_TOPICS[rng.gen_range(0..GENERAL_TOPICS.len())]
}

struct TaskText {
    title: String,
    description: String,
}

struct SynthKpi {
    name: &'static str,
    baseline: Option<f64>,
    target: Option<f64>,
    unit: &'static str,
    due: Option<NaiveDate>,
    note: Option<String>,
}

struct SynthMilestone {
    title: &'static str,
    due: Option<NaiveDate>,
    done_on: Option<NaiveDate>,
    note: Option<String>,
}

/// A generated task before it has ids.
struct SynthTask {
    title: String,
    description: String,
    status: TaskStatus,
    source: TaskSource,
    task_type: Option<TaskType>,
    /// Index into the registry's pairs.
    pair: Option<usize>,
    /// Indices into the registry's agencies, distinct; `lead` indexes this list.
    agencies: Vec<usize>,
    lead: usize,
    /// One per agency.
    roles: Vec<Option<String>>,
    kpis: Vec<SynthKpi>,
    milestones: Vec<SynthMilestone>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// The agenda item and the council's outcome.
    meeting: Option<(i64, DecisionOutcome)>,
    evaluators: Vec<i64>,
}

/// The first ids and task number of a transaction's rows.
struct TaskIds {
    task: i64,
    seq: i64,
    role: i64,
    kpi: i64,
    milestone: i64,
}

#[derive(Default)]
struct TaskRows {
    tasks: Vec<TaskRow>,
    roles: Vec<AgencyRoleRow>,
    kpis: Vec<KpiRow>,
    milestones: Vec<MilestoneRow>,
    meeting_tasks: Vec<MeetingTaskRow>,
    assignments: Vec<AssignmentRow>,
}

fn task_rows(tasks: Vec<SynthTask>, reg: &Registry, mut ids: TaskIds) -> TaskRows {
    let mut rows = TaskRows::default();
    for t in tasks {
        let task_id = ids.task;
        let (created_at, updated_at) = (t.created_at, t.updated_at);
        rows.tasks.push(TaskRow {
            id: task_id,
            seq: ids.seq,
            pair_id: t.pair.map(|p| reg.pairs[p].id),
            title: t.title,
            task_type: t.task_type.map(TaskType::as_str),
            source: t.source.as_str(),
            status: t.status.as_str(),
            description: Some(t.description),
            lead_agency_id: Some(reg.ranked.agencies[t.agencies[t.lead]].0),
            created_at,
            updated_at,
        });
        for (&a, role) in t.agencies.iter().zip(t.roles) {
            rows.roles.push(AgencyRoleRow {
                id: ids.role,
                task_id,
                agency_id: reg.ranked.agencies[a].0,
                role,
                created_at,
                updated_at,
            });
            ids.role += 1;
        }
        for (i, k) in t.kpis.into_iter().enumerate() {
            rows.kpis.push(KpiRow {
                id: ids.kpi,
                task_id,
                seq: i as i64 + 1,
                name: k.name.into(),
                baseline_value: k.baseline,
                target_value: k.target,
                unit: Some(k.unit),
                due: k.due,
                note: k.note,
                created_at,
                updated_at,
            });
            ids.kpi += 1;
        }
        for (i, m) in t.milestones.into_iter().enumerate() {
            rows.milestones.push(MilestoneRow {
                id: ids.milestone,
                task_id,
                seq: i as i64 + 1,
                title: m.title.into(),
                due: m.due,
                done_on: m.done_on,
                note: m.note,
                created_at,
                updated_at,
            });
            ids.milestone += 1;
        }
        if let Some((item, outcome)) = t.meeting {
            rows.meeting_tasks.push(MeetingTaskRow { agenda_item_id: item, task_id, outcome: outcome.as_str() });
        }
        for user_id in t.evaluators {
            rows.assignments.push(AssignmentRow { user_id, task_id, created_at: updated_at });
        }
        ids.task += 1;
        ids.seq += 1;
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// Periodic checks and bottlenecks: the quarter before the base date's checked, rated and closed
// through the store's own close (so the lights, their counts and the carry-over are written as in
// real life); the base date's quarter open with its reports due shortly after it; bottlenecks on a
// few percent of the active tasks, some mediated, some resolved.

/// A closed cycle's reports: most submitted; the rest (not filed, so carried over) not started,
/// drafts or returned and not resubmitted.
const CLOSED_REPORT_MIX: &[(ReportStatus, u32)] = &[
    (ReportStatus::Submitted, 920),
    (ReportStatus::NotStarted, 30),
    (ReportStatus::Draft, 30),
    (ReportStatus::Returned, 20),
];
/// An open cycle's reports shortly before they are due: most not started, some drafts, a few in.
const OPEN_REPORT_MIX: &[(ReportStatus, u32)] =
    &[(ReportStatus::NotStarted, 60), (ReportStatus::Draft, 28), (ReportStatus::Submitted, 12)];
/// OPC's lights: mostly on track (38 of 41 at the 2nd council); worse where a report is missing.
const RATING_MIX: &[(ProgressRating, u32)] =
    &[(ProgressRating::OnTrack, 91), (ProgressRating::AtRisk, 6), (ProgressRating::Delayed, 3)];
const RATING_MIX_NOT_FILED: &[(ProgressRating, u32)] =
    &[(ProgressRating::OnTrack, 40), (ProgressRating::AtRisk, 35), (ProgressRating::Delayed, 25)];
/// Active tasks with a bottleneck (one in ten of them with two).
const BOTTLENECK_RATE: f64 = 0.03;
const BOTTLENECK_MIX: &[(BottleneckStatus, u32)] = &[
    (BottleneckStatus::Raised, 35),
    (BottleneckStatus::InMediation, 25),
    (BottleneckStatus::Resolved, 30),
    (BottleneckStatus::Escalated, 10),
];
const CATEGORY_MIX: &[(BottleneckCategory, u32)] = &[
    (BottleneckCategory::LawRegulation, 25),
    (BottleneckCategory::Budget, 15),
    (BottleneckCategory::Personnel, 10),
    (BottleneckCategory::DataSystems, 15),
    (BottleneckCategory::Disagreement, 25),
    (BottleneckCategory::Other, 10),
];

/// The quarter `d` falls in: its first and last day.
fn quarter(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1).unwrap_or(d);
    let next = start.checked_add_months(Months::new(3)).unwrap_or(d);
    (start, plus_days(next, -1))
}

/// "2026년 1분기".
fn quarter_name(start: NaiveDate) -> String {
    format!("{}년 {}분기", start.year(), start.month0() / 3 + 1)
}

/// The first ids of the bottleneck rows.
#[derive(Debug, Clone, Copy)]
struct BottleneckIds {
    bottleneck: i64,
    agency: i64,
    meeting: i64,
    follow_up: i64,
}

#[derive(Debug, Default, PartialEq)]
struct BottleneckRows {
    bottlenecks: Vec<BottleneckRow>,
    agencies: Vec<BottleneckAgencyRow>,
    meetings: Vec<MediationMeetingRow>,
    follow_ups: Vec<FollowUpRow>,
}

/// Each task of a cycle once, in the reports' order, with its agencies and whether every one of
/// them submitted.
fn tasks_of(reports: &[(i64, i64, i64)], statuses: &[ReportStatus]) -> Vec<(i64, Vec<i64>, bool)> {
    let mut out: Vec<(i64, Vec<i64>, bool)> = Vec::new();
    for (&(_, task, agency), &status) in reports.iter().zip(statuses) {
        let filed = status == ReportStatus::Submitted;
        match out.last_mut() {
            Some((t, agencies, all)) if *t == task => {
                agencies.push(agency);
                *all &= filed;
            }
            _ => out.push((task, vec![agency], filed)),
        }
    }
    out
}

/// The report ids of each status but `except`, by status.
fn ids_by_status(
    reports: &[(i64, i64, i64)],
    statuses: &[ReportStatus],
    except: ReportStatus,
) -> Vec<(ReportStatus, Vec<i64>)> {
    let mut out: Vec<(ReportStatus, Vec<i64>)> = Vec::new();
    for (&(id, _, _), &status) in reports.iter().zip(statuses) {
        if status == except {
            continue;
        }
        match out.iter_mut().find(|(s, _)| *s == status) {
            Some((_, ids)) => ids.push(id),
            None => out.push((status, vec![id])),
        }
    }
    out
}

impl Generator {
    /// The closed cycle and the open one, with their reports, ratings and carry-over, then the
    /// bottlenecks; every time counted from the base date.
    async fn checks(&mut self, tx: &mut hanteam_store::Tx, reg: &Registry, counts: &mut SynthCounts) -> Result<()> {
        let (open_start, open_end) = quarter(base_date());
        let (closed_start, closed_end) = quarter(plus_days(open_start, -1));

        // The quarter before: opened two weeks before its end, due two weeks after it, rated in the
        // week after the due date and closed a fortnight after it.
        let due = plus_days(closed_end, 15);
        tx.set_at(at(plus_days(closed_end, -15), 0));
        let draft =
            CycleDraft { name: quarter_name(closed_start), period_start: closed_start, period_end: closed_end, due };
        let (closed, n, _) = tx.insert_cycle(&draft).await?;
        counts.check_cycles += 1;
        counts.progress_reports += n;
        let reports = tx.cycle_reports(closed.get()).await?;
        let statuses = self.report_statuses(reports.len(), CLOSED_REPORT_MIX);
        tx.set_at(at(due, 8 * 3600));
        let submitted: Vec<DateTime<Utc>> =
            (0..7).map(|i| at(plus_days(due, -2 * i - 1), 3600 * (i as u32 + 1))).collect();
        self.fill_reports(tx, closed.get(), &reports, &statuses, &submitted, ReportStatus::Submitted).await?;
        counts.report_milestones +=
            tx.fill_report_milestones(closed.get(), closed_start, closed_end, MILESTONE_NOT_DONE).await?;
        let tasks = tasks_of(&reports, &statuses);
        let filed: Vec<bool> = tasks.iter().map(|(_, _, all)| *all).collect();
        let ratings = self.ratings(&filed);
        let rated_at = at(plus_days(due, 7), 5 * 3600);
        let mut id = tx.next_id::<RatingRow>().await?;
        let mut rows = Vec::with_capacity(tasks.len());
        for ((task, _, _), (rating, reason)) in tasks.iter().zip(ratings) {
            rows.push(RatingRow {
                id,
                cycle_id: closed.get(),
                task_id: *task,
                rating: rating.as_str(),
                reason: reason.into(),
                suggested: None,
                suggestion: None,
                created_at: rated_at,
                updated_at: rated_at,
            });
            id += 1;
        }
        counts.check_ratings += tx.insert_rows(rows).await?;
        tx.set_at(at(plus_days(due, 15), 6 * 3600));
        let record = tx.load::<CycleRecord>(closed).await?.ok_or_else(|| UseCaseError::Internal("점검 주기".into()))?;
        let carried = carry_over(&tx.reports_at_close(closed).await?);
        tx.close_cycle(&record, &carried).await?.ok_or_else(|| UseCaseError::Internal("점검 주기 마감".into()))?;
        counts.carried_over += carried.len() as u64;

        // The base date's quarter: opened three weeks before its end, due ten days after the base date.
        tx.set_at(at(plus_days(open_end, -20), 0));
        let due = plus_days(base_date(), 10);
        let draft = CycleDraft { name: quarter_name(open_start), period_start: open_start, period_end: open_end, due };
        let (open, n, _) = tx.insert_cycle(&draft).await?;
        counts.check_cycles += 1;
        counts.progress_reports += n;
        let reports = tx.cycle_reports(open.get()).await?;
        let statuses = self.report_statuses(reports.len(), OPEN_REPORT_MIX);
        tx.set_at(at(plus_days(base_date(), -1), 8 * 3600));
        let submitted: Vec<DateTime<Utc>> =
            (0..5).map(|i| at(plus_days(base_date(), -i - 1), 3600 * (i as u32 + 1))).collect();
        self.fill_reports(tx, open.get(), &reports, &statuses, &submitted, ReportStatus::NotStarted).await?;
        counts.report_milestones +=
            tx.fill_report_milestones(open.get(), open_start, open_end, MILESTONE_NOT_DONE).await?;

        // Bottlenecks on the active tasks (those the open cycle asks reports of), among their agencies.
        let tasks: Vec<(i64, Vec<i64>)> =
            tasks_of(&reports, &statuses).into_iter().map(|(t, agencies, _)| (t, agencies)).collect();
        let names: BTreeMap<i64, &str> = reg.ranked.agencies.iter().map(|(id, s)| (*id, s.as_str())).collect();
        let ids = BottleneckIds {
            bottleneck: tx.next_id::<BottleneckRow>().await?,
            agency: tx.next_id::<BottleneckAgencyRow>().await?,
            meeting: tx.next_id::<MediationMeetingRow>().await?,
            follow_up: tx.next_id::<FollowUpRow>().await?,
        };
        let b = self.bottlenecks(&tasks, &names, ids);
        counts.bottlenecks += tx.insert_rows(b.bottlenecks).await?;
        counts.bottleneck_agencies += tx.insert_rows(b.agencies).await?;
        counts.mediation_meetings += tx.insert_rows(b.meetings).await?;
        counts.follow_ups += tx.insert_rows(b.follow_ups).await?;
        Ok(())
    }

    /// Writes the reports' statuses: all as `most` (set-based), then the others by id.
    async fn fill_reports(
        &mut self,
        tx: &mut hanteam_store::Tx,
        cycle: i64,
        reports: &[(i64, i64, i64)],
        statuses: &[ReportStatus],
        submitted_at: &[DateTime<Utc>],
        most: ReportStatus,
    ) -> Result<()> {
        let returned_at = tx.at();
        let fill = |status: ReportStatus| -> ReportFill<'_> {
            match status {
                ReportStatus::NotStarted => ReportFill { status: status.as_str(), version: 1, ..Default::default() },
                ReportStatus::Draft => ReportFill {
                    status: status.as_str(),
                    narratives: DRAFT_NARRATIVES,
                    version: 2,
                    ..Default::default()
                },
                ReportStatus::Submitted => ReportFill {
                    status: status.as_str(),
                    narratives: NARRATIVES,
                    citizen_change: Some(CITIZEN_CHANGE),
                    submitted_at,
                    version: 3,
                    ..Default::default()
                },
                ReportStatus::Returned => ReportFill {
                    status: status.as_str(),
                    narratives: NARRATIVES,
                    citizen_change: Some(CITIZEN_CHANGE),
                    submitted_at,
                    return_comment: Some(RETURN_COMMENT),
                    returned_at: Some(returned_at),
                    version: 4,
                },
            }
        };
        if most != ReportStatus::NotStarted {
            tx.fill_reports(cycle, None, &fill(most)).await?;
        }
        for (status, ids) in ids_by_status(reports, statuses, most) {
            tx.fill_reports(cycle, Some(&ids), &fill(status)).await?;
        }
        tx.recount_cycle(CheckCycleId::new(cycle)).await?;
        Ok(())
    }

    fn report_statuses(&mut self, n: usize, mix: &[(ReportStatus, u32)]) -> Vec<ReportStatus> {
        (0..n).map(|_| pick_weighted(&mut self.rng, mix)).collect()
    }

    /// A light and OPC's reason for each task, `filed` saying whether all its reports came in.
    fn ratings(&mut self, filed: &[bool]) -> Vec<(ProgressRating, &'static str)> {
        filed
            .iter()
            .map(|&all| {
                let rating = pick_weighted(&mut self.rng, if all { RATING_MIX } else { RATING_MIX_NOT_FILED });
                let reasons = match rating {
                    ProgressRating::OnTrack => ON_TRACK_REASONS,
                    ProgressRating::AtRisk => AT_RISK_REASONS,
                    ProgressRating::Delayed if !all => &DELAYED_REASONS[1..],
                    ProgressRating::Delayed => &DELAYED_REASONS[..1],
                };
                (rating, pick(&mut self.rng, reasons))
            })
            .collect()
    }

    /// Bottlenecks on [`BOTTLENECK_RATE`] of `tasks` (id, agencies), each involving two or three of
    /// the task's agencies: raised, in mediation (with a meeting, perhaps still to come), resolved
    /// (with or without a mediation; a mediated one with follow-ups) or escalated.
    fn bottlenecks(
        &mut self,
        tasks: &[(i64, Vec<i64>)],
        names: &BTreeMap<i64, &str>,
        mut ids: BottleneckIds,
    ) -> BottleneckRows {
        let mut out = BottleneckRows::default();
        let base = base_date();
        for (task, agencies) in tasks {
            if agencies.is_empty() || !self.rng.gen_bool(BOTTLENECK_RATE) {
                continue;
            }
            let how_many = if self.rng.gen_bool(0.1) { 2 } else { 1 };
            for _ in 0..how_many {
                let r = &mut self.rng;
                let status = pick_weighted(r, BOTTLENECK_MIX);
                let category = pick_weighted(r, CATEGORY_MIX);
                let mediated = match status {
                    BottleneckStatus::Raised => false,
                    BottleneckStatus::InMediation | BottleneckStatus::Escalated => true,
                    BottleneckStatus::Resolved => r.gen_bool(0.5),
                };
                let age = match status {
                    BottleneckStatus::Raised => r.gen_range(5..=120),
                    BottleneckStatus::InMediation => r.gen_range(30..=200),
                    _ => r.gen_range(90..=400),
                };
                let raised_on = plus_days(base, -age);
                let raised_at = stamp(r, raised_on);
                let k = if agencies.len() > 2 && r.gen_bool(0.3) { 3 } else { 2.min(agencies.len()) };
                let involved: Vec<i64> = agencies.choose_multiple(r, k).copied().collect();
                let raised_by = r.gen_bool(0.8).then(|| involved[0]);
                let opened_on = mediated.then(|| plus_days(raised_on, r.gen_range(7..=21)));
                let held_on = opened_on.map(|d| plus_days(d, r.gen_range(10..=30)));
                let closed_on = match (status, held_on) {
                    (BottleneckStatus::Raised | BottleneckStatus::InMediation, _) => None,
                    (_, Some(held)) => Some(plus_days(held, r.gen_range(1..=7))),
                    (_, None) => Some(plus_days(raised_on, r.gen_range(10..=60))),
                };
                let closed_at = closed_on.map(|d| stamp(r, d));
                let opened_at = opened_on.map(|d| stamp(r, d));
                let outcome = match (status, mediated) {
                    (BottleneckStatus::Escalated, _) => Some(MediationOutcome::NotAgreed),
                    (BottleneckStatus::Resolved, true) => {
                        Some(if r.gen_bool(0.7) { MediationOutcome::Agreed } else { MediationOutcome::PartlyAgreed })
                    }
                    _ => None,
                };
                let texts = match category {
                    BottleneckCategory::LawRegulation => LAW_BOTTLENECKS,
                    BottleneckCategory::Budget => BUDGET_BOTTLENECKS,
                    BottleneckCategory::Personnel => PERSONNEL_BOTTLENECKS,
                    BottleneckCategory::DataSystems => DATA_BOTTLENECKS,
                    BottleneckCategory::Disagreement => DISAGREEMENT_BOTTLENECKS,
                    BottleneckCategory::Other => OTHER_BOTTLENECKS,
                };
                let description = pick(r, texts).to_string();
                let resolution_reason = (status == BottleneckStatus::Resolved && !mediated)
                    .then(|| pick(r, RESOLUTION_REASONS).to_string());
                let outcome_note = outcome.map(|o| {
                    match o {
                        MediationOutcome::Agreed => "관계기관이 조정안에 합의함",
                        MediationOutcome::PartlyAgreed => "주요 쟁점은 합의하고 세부 사항은 실무 협의로 넘김",
                        MediationOutcome::NotAgreed => "합의에 이르지 못해 협업과제점검협의회에 보고하기로 함",
                    }
                    .to_string()
                });
                let updated_at = closed_at.or(opened_at).unwrap_or(raised_at);
                let bottleneck_id = ids.bottleneck;
                out.bottlenecks.push(BottleneckRow {
                    id: bottleneck_id,
                    task_id: *task,
                    category: category.as_str(),
                    description,
                    status: status.as_str(),
                    raised_by_agency_id: raised_by,
                    raised_at,
                    mediation_opened_at: opened_at,
                    closed_at,
                    resolution_reason,
                    outcome: outcome.map(MediationOutcome::as_str),
                    outcome_note,
                    created_at: raised_at,
                    updated_at,
                });
                ids.bottleneck += 1;
                let mut attendees = Vec::new();
                for &agency in &involved {
                    let r = &mut self.rng;
                    let stated = (status != BottleneckStatus::Raised || r.gen_bool(0.5))
                        .then(|| raised_at + chrono::Duration::days(r.gen_range(1..=6)));
                    out.agencies.push(BottleneckAgencyRow {
                        id: ids.agency,
                        bottleneck_id,
                        agency_id: agency,
                        stance: stated.map(|_| pick(r, STANCES).to_string()),
                        stated_at: stated,
                        created_at: raised_at,
                        updated_at: stated.unwrap_or(raised_at),
                    });
                    ids.agency += 1;
                    let name = names.get(&agency).copied().unwrap_or("기관");
                    attendees.push(format!("{name} {}{}", pick(r, FIELDS), pick(r, DIRECTOR_POSTS)));
                }
                if let (Some(held), Some(opened)) = (held_on, opened_at) {
                    let r = &mut self.rng;
                    out.meetings.push(MediationMeetingRow {
                        id: ids.meeting,
                        bottleneck_id,
                        held_at: at(held, 5 * 3600),
                        venue: Some(pick(r, MEDIATION_VENUES).into()),
                        attendees: Some(attendees.join("\n")),
                        council_meeting_id: None,
                        created_at: opened,
                        updated_at: opened,
                    });
                    ids.meeting += 1;
                }
                if let (Some(MediationOutcome::Agreed | MediationOutcome::PartlyAgreed), Some(closed), Some(t)) =
                    (outcome, closed_on, closed_at)
                {
                    let n = self.rng.gen_range(1..=2);
                    for title in FOLLOW_UP_TITLES.choose_multiple(&mut self.rng, n) {
                        let r = &mut self.rng;
                        let due = plus_days(closed, r.gen_range(30..=150));
                        let done_on =
                            (due < base && r.gen_bool(0.6)).then(|| plus_days(due, -r.gen_range(0..=10)).max(closed));
                        out.follow_ups.push(FollowUpRow {
                            id: ids.follow_up,
                            task_id: *task,
                            source_kind: FollowUpSource::Mediation(BottleneckId::new(bottleneck_id)).kind(),
                            source_id: bottleneck_id,
                            title: (*title).into(),
                            owner_agency_id: *involved.choose(r).unwrap_or(&involved[0]),
                            owner_user_id: None,
                            due,
                            done_on,
                            done_note: done_on.map(|_| "조치를 마치고 결과를 공유함".to_string()),
                            created_at: t,
                            updated_at: done_on.map_or(t, |d| stamp(r, d)),
                        });
                        ids.follow_up += 1;
                    }
                }
            }
        }
        out
    }
}

const MILESTONE_NOT_DONE: &str = "관계기관 협의가 길어져 다음 분기로 미룸";
const CITIZEN_CHANGE: &str = "현장 민원 처리 기간이 줄고 관련 절차의 불편이 일부 해소됨";
const RETURN_COMMENT: &str = "성과지표 실적 값과 근거 자료를 보완해 주세요.";
const NARRATIVES: &[&str] = &[
    "계획한 추진일정에 따라 관계기관 실무협의를 두 차례 열고 세부 추진방안을 확정함",
    "시범사업 대상지를 선정하고 사업 착수 준비를 마침",
    "관련 고시 개정안을 마련하여 행정예고함",
    "공동 데이터 연계 범위를 정하고 시스템 개발에 착수함",
    "현장 의견을 수렴하여 제도 개선 과제를 정리하고 관계기관과 공유함",
    "합동 점검을 실시하고 개선이 필요한 사항을 관계기관에 통보함",
];
const DRAFT_NARRATIVES: &[&str] =
    &["이번 분기 주요 실적을 정리하는 중", "관계기관 협의 결과를 반영하여 작성 중", "성과지표 실적 확인 중"];
const ON_TRACK_REASONS: &[&str] =
    &["추진일정대로 진행되고 있음", "계획한 실적을 달성함", "주요 추진일정을 기한 안에 마침"];
const AT_RISK_REASONS: &[&str] = &[
    "일부 추진일정이 늦어져 관계기관 협의가 필요함",
    "성과지표 실적이 목표에 못 미쳐 보완 계획이 필요함",
    "관계기관 간 이견으로 일부 과제 추진이 늦어지고 있음",
];
/// The first for a task whose reports all came in, the others for one with a report missing.
const DELAYED_REASONS: &[&str] = &[
    "핵심 추진일정이 기한을 넘겨 조치계획 제출이 필요함",
    "추진실적 보고가 제출되지 않아 진행 상황을 확인할 수 없음",
    "보고 미제출 기관이 있고 주요 추진일정이 늦어짐",
];
const LAW_BOTTLENECKS: &[&str] = &[
    "관련 법령에 공동 추진 근거가 없어 시행령 개정이 필요함",
    "인허가 기준이 기관마다 달라 같은 서류를 두 번 심사함",
    "개인정보 보호 규정 때문에 자료 제공 범위에 대한 해석이 엇갈림",
];
const BUDGET_BOTTLENECKS: &[&str] = &[
    "내년도 예산에 공동 사업비가 반영되지 않아 사업 착수가 늦어짐",
    "사업비 분담 비율에 대해 기관 간 합의가 되지 않음",
];
const PERSONNEL_BOTTLENECKS: &[&str] =
    &["전담 인력이 배정되지 않아 실무 협의가 늦어짐", "파견 인력이 복귀하여 업무 공백이 생김"];
const DATA_BOTTLENECKS: &[&str] =
    &["기관별 정보시스템이 연계되지 않아 자료를 수작업으로 주고받음", "공동 활용할 데이터의 표준이 달라 연계가 어려움"];
const DISAGREEMENT_BOTTLENECKS: &[&str] = &[
    "사업 대상지 선정 기준에 대해 기관 간 입장이 다름",
    "관리 주체를 어느 기관이 맡을지 이견이 있음",
    "성과지표 산정 방식에 대해 합의가 되지 않음",
];
const OTHER_BOTTLENECKS: &[&str] =
    &["지역 주민 의견 수렴 절차가 길어져 일정이 밀림", "민간 협력기관의 참여 여부가 확정되지 않음"];
const STANCES: &[&str] = &[
    "관계 법령 해석상 현 단계에서는 수용이 어려움",
    "예산 확보를 전제로 협조 가능",
    "원칙적으로 동의하며 세부 기준은 실무 협의가 필요함",
    "소관 업무 범위를 넘어서는 사항으로 판단함",
    "대안을 마련하여 다음 회의에 제시하겠음",
];
const RESOLUTION_REASONS: &[&str] =
    &["기관 간 실무 협의로 해소됨", "관련 지침 개정으로 해소됨", "예산 조정으로 해소됨"];
const MEDIATION_VENUES: &[&str] = &["정부서울청사 국무조정실 회의실", "정부세종청사 국무조정실 회의실", "영상회의"];
const FOLLOW_UP_TITLES: &[&str] = &[
    "조정 결과에 따른 지침 개정",
    "공동 실무협의체 구성",
    "예산 분담안 마련",
    "시스템 연계 계획 수립",
    "후속 추진계획 제출",
];

// ---------------------------------------------------------------------------------------------
// Agency names: real ministries, 처·청·위원회 and local governments first, then public institutions
// composed from vocabularies (한국 + field + kind), interleaved so a small run gets some of each.

struct AgencyName {
    short: String,
    name: String,
    /// A ministry, 처, 청 or commission (as opposed to a local government or public institution).
    central: bool,
}

fn catalogue() -> Vec<AgencyName> {
    let named = |list: &[(&str, &str)], central: bool| -> Vec<AgencyName> {
        list.iter().map(|(short, name)| AgencyName { short: (*short).into(), name: (*name).into(), central }).collect()
    };
    let central = named(CENTRAL_AGENCIES, true);
    let mut local = named(PROVINCES, false);
    local.extend(CITIES.iter().map(|(city, province)| AgencyName {
        short: (*city).into(),
        name: format!("{province} {city}"),
        central: false,
    }));
    let mut public = Vec::new();
    for (kind, short_kind) in INSTITUTION_KINDS {
        for field in INSTITUTION_FIELDS {
            public.push(AgencyName {
                short: format!("{field}{short_kind}"),
                name: format!("한국{field}{kind}"),
                central: false,
            });
        }
    }
    // Round-robin: one central, one local, two public institutions, …
    let mut lists = [central.into_iter(), local.into_iter(), public.into_iter()];
    let mut out = Vec::new();
    loop {
        let before = out.len();
        for (i, list) in lists.iter_mut().enumerate() {
            for _ in 0..if i == 2 { 2 } else { 1 } {
                if let Some(a) = list.next() {
                    out.push(a);
                }
            }
        }
        if out.len() == before {
            break;
        }
    }
    out
}

const CENTRAL_AGENCIES: &[(&str, &str)] = &[
    ("법무부", "법무부"),
    ("통일부", "통일부"),
    ("복지부", "보건복지부"),
    ("여가부", "여성가족부"),
    ("법제처", "법제처"),
    ("공정위", "공정거래위원회"),
    ("금융위", "금융위원회"),
    ("권익위", "국민권익위원회"),
    ("원안위", "원자력안전위원회"),
    ("국세청", "국세청"),
    ("관세청", "관세청"),
    ("조달청", "조달청"),
    ("통계청", "통계청"),
    ("병무청", "병무청"),
    ("방사청", "방위사업청"),
    ("경찰청", "경찰청"),
    ("소방청", "소방청"),
    ("국가유산청", "국가유산청"),
    ("농진청", "농촌진흥청"),
    ("산림청", "산림청"),
    ("특허청", "특허청"),
    ("기상청", "기상청"),
    ("해경청", "해양경찰청"),
    ("행복청", "행정중심복합도시건설청"),
    ("새만금청", "새만금개발청"),
    ("질병청", "질병관리청"),
    ("재외동포청", "재외동포청"),
    ("우주항공청", "우주항공청"),
];

const PROVINCES: &[(&str, &str)] = &[
    ("서울시", "서울특별시"),
    ("부산시", "부산광역시"),
    ("대구시", "대구광역시"),
    ("인천시", "인천광역시"),
    ("광주광역시", "광주광역시"),
    ("대전시", "대전광역시"),
    ("울산시", "울산광역시"),
    ("세종시", "세종특별자치시"),
    ("경기도", "경기도"),
    ("강원도", "강원특별자치도"),
    ("충북", "충청북도"),
    ("충남", "충청남도"),
    ("전북", "전북특별자치도"),
    ("전남", "전라남도"),
    ("경북", "경상북도"),
    ("경남", "경상남도"),
    ("제주도", "제주특별자치도"),
];

/// (city or county, its province).
const CITIES: &[(&str, &str)] = &[
    ("수원시", "경기도"),
    ("성남시", "경기도"),
    ("고양시", "경기도"),
    ("용인시", "경기도"),
    ("화성시", "경기도"),
    ("평택시", "경기도"),
    ("파주시", "경기도"),
    ("안산시", "경기도"),
    ("남양주시", "경기도"),
    ("춘천시", "강원특별자치도"),
    ("원주시", "강원특별자치도"),
    ("강릉시", "강원특별자치도"),
    ("홍천군", "강원특별자치도"),
    ("청주시", "충청북도"),
    ("충주시", "충청북도"),
    ("제천시", "충청북도"),
    ("괴산군", "충청북도"),
    ("음성군", "충청북도"),
    ("진천군", "충청북도"),
    ("천안시", "충청남도"),
    ("아산시", "충청남도"),
    ("당진시", "충청남도"),
    ("공주시", "충청남도"),
    ("전주시", "전북특별자치도"),
    ("군산시", "전북특별자치도"),
    ("익산시", "전북특별자치도"),
    ("고창군", "전북특별자치도"),
    ("임실군", "전북특별자치도"),
    ("목포시", "전라남도"),
    ("여수시", "전라남도"),
    ("순천시", "전라남도"),
    ("나주시", "전라남도"),
    ("해남군", "전라남도"),
    ("완도군", "전라남도"),
    ("고흥군", "전라남도"),
    ("포항시", "경상북도"),
    ("경주시", "경상북도"),
    ("구미시", "경상북도"),
    ("안동시", "경상북도"),
    ("의성군", "경상북도"),
    ("울진군", "경상북도"),
    ("창원시", "경상남도"),
    ("김해시", "경상남도"),
    ("진주시", "경상남도"),
    ("거제시", "경상남도"),
    ("통영시", "경상남도"),
    ("남해군", "경상남도"),
    ("하동군", "경상남도"),
    ("제주시", "제주특별자치도"),
    ("서귀포시", "제주특별자치도"),
];

const INSTITUTION_FIELDS: &[&str] = &[
    "환경",
    "수자원",
    "농어촌",
    "도로",
    "철도",
    "전력",
    "가스",
    "석유",
    "광해광업",
    "산업단지",
    "해양",
    "관광",
    "문화예술",
    "교통안전",
    "소비자",
    "식품안전",
    "보건산업",
    "에너지",
    "산업기술",
    "지능정보",
    "인터넷",
    "콘텐츠",
    "국토정보",
    "임업",
    "고용정보",
    "사회보장정보",
    "청소년활동",
    "산림복지",
    "해양환경",
    "수산자원",
    "축산물품질",
    "농업기술",
    "기상산업",
    "원자력",
    "재난안전",
    "건설기술",
    "주택금융",
    "무역투자",
    "과학기술기획",
    "디자인",
];

/// (full kind, the kind in the short name).
const INSTITUTION_KINDS: &[(&str, &str)] = &[
    ("공단", "공단"),
    ("공사", "공사"),
    ("진흥원", "진흥원"),
    ("연구원", "연구원"),
    ("평가원", "평가원"),
    ("재단", "재단"),
    ("정보원", "정보원"),
    ("개발원", "개발원"),
];

// ---------------------------------------------------------------------------------------------
// Task text. No word here holds 지원, 용수, 달걀, 특구 or 쌀 except where that word is meant: the
// benchmark's fractions are the rates below (a unit test checks both).

/// Tasks whose text holds 지원.
const SUPPORT_RATE: f64 = 0.27;

/// (rate, objects): each special word's topic.
const SPECIAL_TOPICS: &[(f64, &[&str])] = &[
    (0.02, &["농업용수 확보", "공업용수 안정 공급", "생활용수 공급체계", "용수 재이용", "산단 용수 공급 확대"]),
    (0.0075, &["달걀 수급 안정", "달걀 가격 안정", "달걀 유통 이력관리", "달걀 안전관리"]),
    (0.015, &["규제자유특구", "교육발전특구", "기회발전특구", "관광특구", "연구개발특구"]),
    (0.0075, &["쌀 수급 안정", "쌀 소비 촉진", "쌀 가공산업 육성", "쌀 적정생산"]),
];

const GENERAL_TOPICS: &[&[&str]] = &[
    // 기후·환경
    &[
        "2050 탄소중립 이행",
        "온실가스 감축",
        "폐기물 재활용",
        "미세먼지 저감",
        "생활폐기물 처리",
        "순환경제 전환",
        "하천 수질 개선",
        "녹조 대응",
        "생태관광 활성화",
        "자원순환 산업",
        "플라스틱 폐기물 감축",
        "먹는물 안전관리",
    ],
    // 물류·교통
    &[
        "스마트 물류 거점",
        "도심항공교통",
        "자율주행 버스",
        "광역 교통망",
        "화물 물류 효율화",
        "철도 물류 활성화",
        "항만 물류 디지털화",
        "생활물류 서비스",
    ],
    // 농식품
    &[
        "스마트팜 확산",
        "농산물 유통구조 개선",
        "수산물 이력관리",
        "축산 악취 저감",
        "농촌 일손 부족 해소",
        "먹거리 안전관리",
        "농산물 물가 안정",
        "청년농 정착",
        "스마트 팜 보급",
    ],
    // 산업
    &[
        "반도체 클러스터 조성",
        "이차전지 소재 공급망",
        "바이오헬스 산업",
        "사용 후 배터리 재활용",
        "소부장 공급망",
        "수소경제 생태계",
        "조선 기자재 산업",
        "뿌리산업 고도화",
        "중소기업 수출",
    ],
    // 디지털
    &[
        "공공데이터 개방",
        "디지털플랫폼정부",
        "공공 클라우드 전환",
        "정보보호 체계",
        "디지털 포용",
        "개인정보 보호",
        "공공 정보시스템 운영",
        "마이데이터 확산",
    ],
    // 복지·보건
    &[
        "통합 돌봄 서비스",
        "응급의료 체계",
        "정신건강 관리",
        "고독사 예방",
        "취약계층 주거 안정",
        "장애인 이동권",
        "감염병 대응 체계",
        "의료 취약지 진료",
    ],
    // 고용·교육
    &[
        "청년 일자리",
        "직업계고 인재 양성",
        "디지털 인재 양성",
        "늘봄학교 운영",
        "평생학습 체계",
        "외국인력 도입",
        "산학협력 활성화",
        "경력단절 예방",
    ],
    // 안전
    &[
        "재난안전 통신망",
        "산불 예방 체계",
        "풍수해 대응",
        "건설현장 안전",
        "어선 안전관리",
        "노후 건축물 안전점검",
        "화학물질 안전관리",
    ],
    // 문화·관광
    &["지역 관광 활성화", "한류 콘텐츠 수출", "문화유산 보존", "생활체육 인프라", "지역 축제 내실화"],
    // 주거·국토
    &[
        "노후 도심 재정비",
        "빈집 정비",
        "공공임대주택 공급",
        "전세사기 피해 예방",
        "개발제한구역 관리",
        "국토-환경계획 통합관리",
        "해안권 개발",
    ],
    // 경제·민생
    &["생활물가 안정", "소상공인 경영 안정", "전통시장 활성화", "불법사금융 근절", "공공요금 안정"],
];

const REGIONS: &[&str] = &[
    "수도권",
    "충청권",
    "호남권",
    "영남권",
    "강원권",
    "제주",
    "충북",
    "충남",
    "전북",
    "전남",
    "경북",
    "경남",
    "강원",
    "세종",
    "부산",
    "인천",
    "대구",
    "대전",
    "울산",
    "광주",
    "접경지역",
    "인구감소지역",
    "농어촌",
    "도서지역",
    "산업단지",
    "해안권",
    "원도심",
    "신도시",
];

const ACTIONS: &[&str] = &[
    "체계 구축",
    "제도 개선",
    "활성화",
    "고도화",
    "기반 조성",
    "협력 강화",
    "실증 추진",
    "로드맵 수립",
    "통합관리",
    "규제 개선",
    "표준화",
    "시범사업 추진",
    "역량 강화",
    "종합대책 마련",
    "절차 간소화",
    "거버넌스 구축",
    "성과 창출",
    "협업체계 구축",
];

const SUPPORT_ACTIONS: &[&str] = &["지원 강화", "지원체계 구축", "맞춤형 지원", "통합 지원", "지원 확대"];

const TITLE_FILLERS: &[&str] = &["추진", "방안 마련", "협업 추진"];

/// Why the task is needed; `{o}` is its object.
const PROBLEMS: &[&str] = &[
    "{o} 관련 인허가와 규제가 여러 부처에 나뉘어 있어 현장의 부담이 크다",
    "{o}에 필요한 정보가 기관별로 흩어져 있어 중복 투자와 행정 낭비가 생기고 있다",
    "{o}에 대한 국민의 요구는 커지고 있으나 부처 간 역할 분담이 분명하지 않다",
    "{o} 추진 과정에서 관계기관 간 이견으로 사업이 늦어지는 사례가 반복되고 있다",
    "{o}의 성과가 지역별로 크게 달라 국민이 체감하는 변화가 더디다",
    "{o}의 관리 주체가 나뉘어 있어 책임 있는 대응이 어렵다",
];

const GOALS: &[&str] = &[
    "체계적으로 관리한다",
    "신속하게 추진한다",
    "단계적으로 확대한다",
    "현장 중심으로 개선한다",
    "통합적으로 운영한다",
];

const MEASURES: &[&str] = &[
    "관계기관 합동 점검반 운영",
    "데이터 연계 플랫폼 구축",
    "관련 법령과 지침 정비",
    "현장 실태조사",
    "표준 매뉴얼 마련",
    "시범지역 선정",
    "성과 모니터링 체계 마련",
    "민관 협의체 구성",
    "인허가 절차 간소화",
    "공동 예산 편성",
    "전문 인력 양성",
    "대국민 홍보 강화",
    "원스톱 창구 개설",
    "규제 특례 적용",
    "기술 실증과 사업화",
    "IoT 센서 기반 상시 감시",
    "CCTV 통합관제 연계",
    "ICT 기반 이력관리",
];

const AI_SENTENCES: &[&str] =
    &["AI 분석으로 위험 요인을 미리 찾아낸다.", "AI 기반 예측 모형을 만들어 현장 점검에 활용한다."];

/// (rate, sentence): Latin letters, digits and punctuation that searches must handle.
const LATIN_SENTENCES: &[(f64, &str)] = &[
    (0.01, "참여 기업의 ESG 경영 평가와 연계한다."),
    (0.01, "5G 특화망을 활용한 실증을 함께 추진한다."),
    (0.01, "K-푸드 수출 확대와 연계하여 해외 판로를 넓힌다."),
    (0.0005, "스마트_팜 표준 모델을 현장에 적용한다."),
];

const SUPPORT_SENTENCES: &[&str] = &[
    "아울러 참여 기업과 주민에 대한 맞춤형 지원을 강화한다.",
    "현장의 어려움을 덜기 위해 전담 지원반을 운영한다.",
    "지자체와 함께 초기 비용 지원 방안을 마련한다.",
    "관계부처가 행정·재정 지원을 한데 모아 제공한다.",
];

/// What a target shortens.
const SHORTENED: &[&str] = &["처리기간", "사업 기간", "행정 비용", "민원 대기시간", "중복 신고"];

const CLOSINGS: &[&str] = &[
    "분기별로 추진상황을 점검하여 국민이 체감하는 성과를 낸다.",
    "추진 과정에서 나온 애로사항은 협의회에서 조정한다.",
    "성과가 확인되면 전국으로 확산할 계획이다.",
    "관계기관은 정기 협의를 통해 역할을 나누고 일정을 맞춘다.",
];

const LEAD_ROLES: &[&str] =
    &["과제 총괄 및 부처 간 협의 조정", "추진계획 수립과 성과 관리 총괄", "제도 개선 총괄 및 관계기관 협의"];

const PARTNER_ROLES: &[&str] = &[
    "관련 법령 정비",
    "현장 실태조사 및 수요 발굴",
    "데이터 제공과 시스템 연계",
    "인허가 협의 및 절차 단축",
    "시범사업 운영",
    "기술 자문 및 실증",
    "재정 투자 계획 마련",
    "홍보 및 교육",
    "성과 점검 및 환류",
    "지역 협의체 운영",
    "안전 기준 마련",
    "민원 창구 운영",
];

struct KpiKind {
    name: &'static str,
    unit: &'static str,
    /// Where a baseline falls.
    range: (f64, f64),
    lower_is_better: bool,
    /// No target beyond this (100 for a percentage or a score).
    cap: f64,
}

const KPI_KINDS: &[KpiKind] = &[
    KpiKind { name: "인허가 처리기간", unit: "일", range: (30.0, 365.0), lower_is_better: true, cap: f64::MAX },
    KpiKind { name: "참여 기업 수", unit: "개사", range: (5.0, 200.0), lower_is_better: false, cap: f64::MAX },
    KpiKind {
        name: "시범사업 추진 지역", unit: "개소", range: (3.0, 50.0), lower_is_better: false, cap: f64::MAX
    },
    KpiKind {
        name: "온실가스 감축량", unit: "만톤", range: (1.0, 100.0), lower_is_better: false, cap: f64::MAX
    },
    KpiKind {
        name: "서비스 이용자 수", unit: "만명", range: (1.0, 500.0), lower_is_better: false, cap: f64::MAX
    },
    KpiKind { name: "민원 처리기간", unit: "일", range: (7.0, 90.0), lower_is_better: true, cap: f64::MAX },
    KpiKind {
        name: "행정 비용 절감액", unit: "억원", range: (10.0, 1000.0), lower_is_better: false, cap: f64::MAX
    },
    KpiKind {
        name: "데이터 연계 건수", unit: "건", range: (10.0, 5000.0), lower_is_better: false, cap: f64::MAX
    },
    KpiKind { name: "국민 만족도", unit: "점", range: (55.0, 80.0), lower_is_better: false, cap: 100.0 },
    KpiKind { name: "과제 이행률", unit: "%", range: (30.0, 70.0), lower_is_better: false, cap: 100.0 },
    KpiKind { name: "일자리 창출", unit: "명", range: (10.0, 2000.0), lower_is_better: false, cap: f64::MAX },
    KpiKind { name: "제도 개선 건수", unit: "건", range: (1.0, 30.0), lower_is_better: false, cap: f64::MAX },
];

const KPI_NOTES: &[&str] = &["연 1회 실적 점검", "관계부처 공동 측정", "분기별 모니터링", "국가승인통계 활용"];

/// Stages of a task's plan, in the order they happen.
const STAGES: &[&str] = &[
    "관계부처 협의체 구성",
    "실태조사 및 수요 파악",
    "추진계획 수립",
    "관련 법령 개정안 마련",
    "시범사업 착수",
    "중간 점검",
    "제도 개선안 확정",
    "본사업 확대",
    "성과 평가",
    "결과 보고 및 환류",
];

const MILESTONE_NOTES: &[&str] = &["관계부처 협의 결과에 따라 조정 가능", "협의회 보고 예정", "예산 반영 필요"];

const STATUS_MIX: &[(TaskStatus, u32)] = &[
    (TaskStatus::Proposed, 5),
    (TaskStatus::Confirmed, 30),
    (TaskStatus::InProgress, 45),
    (TaskStatus::Completed, 15),
    (TaskStatus::Dropped, 5),
];

/// Exchange first: without pairs it is left out.
const SOURCE_MIX: &[(TaskSource, u32)] = &[
    (TaskSource::Exchange, 10),
    (TaskSource::NationalAgenda, 45),
    (TaskSource::LivelihoodDebate, 35),
    (TaskSource::Other, 10),
];

const TYPE_MIX: &[(Option<TaskType>, u32)] = &[
    (Some(TaskType::ConflictResolution), 30),
    (Some(TaskType::ExpertiseSharing), 30),
    (Some(TaskType::SiloRemoval), 30),
    (None, 10),
];

// ---------------------------------------------------------------------------------------------
// The registry's other words: positions, pairs, meetings, people.

const FIELDS: &[&str] = &[
    "기후탄소",
    "물산업",
    "국토정책",
    "산업입지",
    "디지털전환",
    "데이터정책",
    "농촌정책",
    "해양정책",
    "재난안전",
    "보건의료",
    "교육협력",
    "고용정책",
    "통상협력",
    "에너지전환",
    "식품안전",
    "문화콘텐츠",
    "관광정책",
    "교통물류",
    "주택정책",
    "도시재생",
    "수자원정책",
    "환경보건",
    "산림정책",
    "과학기술",
    "우주항공",
    "반도체산업",
    "바이오산업",
    "소상공인정책",
    "규제혁신",
    "지역균형",
    "성과관리",
    "인재정책",
    "정보보호",
    "공공데이터",
    "연구개발",
    "창업성장",
    "자원순환",
    "기후적응",
    "안전정책",
    "복지정책",
];

const DIRECTOR_GENERAL_POSTS: &[&str] = &["정책관", "협력관", "기획관", "국장"];
const DIRECTOR_POSTS: &[&str] = &["정책과장", "협력과장", "기획과장", "총괄과장"];

const THEME_FIELDS: &[&str] = &[
    "국토·환경",
    "산업·통상",
    "농식품·안전",
    "디지털·행정",
    "보건·복지",
    "교육·고용",
    "해양·수산",
    "문화·관광",
    "과학기술·산업",
    "재난·안전",
    "에너지·기후",
    "주거·도시",
];

const THEME_GOALS: &[&str] = &[
    "이해관계에 대한 상호 이해",
    "전문성 공유를 통한 시너지 창출",
    "칸막이 해소로 국민편의 증진",
    "현장 중심 협력 강화",
    "규제혁신과 성과 창출",
];

const PLACES: &[&str] = &["정부서울청사", "정부세종청사", "정부서울청사 별관", "영상회의"];

const MEETING_PURPOSES: &[&str] = &[
    "협업과제 추진상황을 점검하고 신규 과제를 상정·확정",
    "지연 과제의 애로사항을 해소하고 부처 간 이견을 조정",
    "협업과제 성과를 점검하고 우수사례를 공유",
];

const MEETING_REMARKS: &[&str] = &[
    "협업은 국민이 체감하는 변화로 이어져야 한다.",
    "지연 과제는 관계부처가 함께 원인을 찾고 다음 회의에서 결과를 보고해 달라.",
    "현장의 목소리를 과제 추진에 적극 반영해 달라.",
];

struct AgendaKind {
    title: &'static str,
    decisions: &'static [&'static str],
}

/// The first two are on every agenda: new tasks, and the review of progress.
const AGENDA: &[AgendaKind] = &[
    AgendaKind {
        title: "신규 협업과제 상정·확정",
        decisions: &[
            "상정된 협업과제를 원안대로 확정",
            "일부 과제는 관계부처 협의를 거쳐 다음 회의에 다시 상정",
            "확정된 과제는 분기별로 추진상황을 보고",
        ],
    },
    AgendaKind {
        title: "협업과제 추진상황 점검",
        decisions: &[
            "지연 과제에 대해 관계부처 합동 점검을 실시",
            "추진 실적이 우수한 과제는 우수사례로 공유",
            "애로사항은 국무조정실이 조정하여 다음 회의에 보고",
        ],
    },
    AgendaKind {
        title: "애로사항 해소 및 부처 간 이견 조정",
        decisions: &["이견이 있는 과제는 국무조정실이 조정안을 마련", "관계부처 실무협의를 월 1회 개최"],
    },
    AgendaKind {
        title: "협업평가 추진계획 보고",
        decisions: &["민간 전문가 중심의 평가단을 구성", "국민이 체감하는 변화를 기준으로 평가"],
    },
    AgendaKind {
        title: "우수 협업사례 공유",
        decisions: &["우수사례를 전 부처에 전파", "우수 과제에 포상금 지급을 검토"],
    },
];

const SURNAMES: &[&str] = &[
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류",
    "전",
];
const GIVEN_FIRST: &[&str] =
    &["민", "서", "지", "현", "준", "예", "도", "하", "수", "연", "재", "성", "태", "유", "은"];
const GIVEN_SECOND: &[&str] =
    &["준", "우", "윤", "진", "영", "호", "은", "아", "희", "빈", "원", "훈", "경", "린", "석"];

const UNIVERSITIES: &[&str] = &[
    "서울",
    "부산",
    "충북",
    "전남",
    "경북",
    "강원",
    "한양",
    "고려",
    "연세",
    "성균관",
    "중앙",
    "경희",
    "충남",
    "전북",
    "제주",
    "인하",
    "아주",
    "한국외국어",
];
const DEPARTMENTS: &[&str] =
    &["행정학과", "경제학과", "환경공학과", "도시계획학과", "정책학과", "경영학과", "사회복지학과", "컴퓨터공학과"];
const PROFESSORS: &[&str] = &["교수", "부교수", "조교수", "명예교수"];
const INSTITUTES: &[&str] = &["미래", "공공", "지역", "산업", "사회"];
const RESEARCHERS: &[&str] = &["연구위원", "선임연구위원", "책임연구원"];
const FIRMS: &[&str] = &["한결", "바른", "세종", "가온", "다솜", "누리"];

#[cfg(test)]
mod tests {
    use super::*;

    /// A registry as a fresh database gives it, without the database: the built-in agencies and
    /// the catalogue, ranked as the generator ranks them.
    fn registry(g: &mut Generator, agencies: usize) -> Registry {
        let builtin = Dataset::builtin_2024().unwrap();
        let mut names: Vec<(i64, String)> =
            builtin.agencies.iter().enumerate().map(|(i, a)| (i as i64 + 1, a.short_name.clone())).collect();
        for a in catalogue() {
            if names.len() == agencies {
                break;
            }
            names.push((names.len() as i64 + 1, a.short));
        }
        let others = names.split_off(builtin.agencies.len() + CENTRAL_AGENCIES.len());
        let names = g.rank(names, others);
        let pairs = (0..200).map(|p| Pair { id: p + 1, agencies: [p as usize % 50, 50 + p as usize % 50] }).collect();
        let meetings = (0..33)
            .map(|m| MeetingSlot {
                held_on: plus_days(first_date(), 24 * m + 20),
                new_tasks_item: 2 * m + 1,
                review_item: 2 * m + 2,
            })
            .collect();
        Registry { ranked: Ranked::new(names).unwrap(), pairs, meetings, evaluators: (1..=300).collect() }
    }

    fn generated(n: usize, seed: u64) -> (Registry, Vec<SynthTask>) {
        let mut g = Generator::new(seed);
        let reg = registry(&mut g, 300);
        let tasks = (0..n).map(|_| g.task(&reg)).collect();
        (reg, tasks)
    }

    /// What a search reads of a task: its title, description and agencies' roles.
    fn searched(t: &SynthTask) -> String {
        let roles: Vec<&str> = t.roles.iter().flatten().map(String::as_str).collect();
        format!("{} {} {}", t.title, t.description, roles.join(" "))
    }

    fn fraction(tasks: &[SynthTask], word: &str) -> f64 {
        tasks.iter().filter(|t| searched(t).contains(word)).count() as f64 / tasks.len() as f64
    }

    #[test]
    fn searches_find_the_benchmarks_words_in_realistic_fractions() {
        let (_, tasks) = generated(20_000, 1);
        for (word, low, high) in [
            ("지원", 0.20, 0.35),
            ("용수", 0.01, 0.03),
            ("달걀", 0.005, 0.01),
            ("특구", 0.01, 0.02),
            ("쌀", 0.005, 0.01),
            ("물", 0.05, 1.0),
            ("AI", 0.01, 0.05),
            ("R&D", 0.01, 0.04),
            ("ESG", 0.005, 0.02),
            ("5G", 0.005, 0.02),
            ("50%", 0.005, 0.03),
            ("K-푸드", 0.005, 0.02),
            ("스마트_팜", 0.00001, 0.002),
        ] {
            let f = fraction(&tasks, word);
            assert!((low..=high).contains(&f), "{word}: {:.4} of the tasks, expected {low}–{high}", f);
        }
        assert_eq!(fraction(&tasks, "펭귄우주선"), 0.0);
    }

    #[test]
    fn no_vocabulary_word_holds_a_benchmark_word_by_accident() {
        let mut general: Vec<&str> = GENERAL_TOPICS.iter().flat_map(|t| t.iter().copied()).collect();
        for list in
            [REGIONS, ACTIONS, TITLE_FILLERS, PROBLEMS, GOALS, MEASURES, SHORTENED, CLOSINGS, LEAD_ROLES, PARTNER_ROLES]
        {
            general.extend(list);
        }
        general.extend(AI_SENTENCES);
        general.extend(LATIN_SENTENCES.iter().map(|(_, s)| *s));
        let names: Vec<String> = catalogue().into_iter().map(|a| a.short).collect();
        general.extend(names.iter().map(String::as_str));
        for word in general {
            for special in ["지원", "용수", "달걀", "특구", "쌀", "펭귄", "우주선", "50%"] {
                assert!(!word.contains(special), "'{word}' holds '{special}'");
            }
        }
    }

    #[test]
    fn titles_and_descriptions_have_the_lengths_of_real_ones() {
        let (_, tasks) = generated(5_000, 2);
        for t in &tasks {
            let (title, description) = (t.title.chars().count(), t.description.chars().count());
            assert!((15..=40).contains(&title), "{title}: {}", t.title);
            assert!((100..=300).contains(&description), "{description}: {}", t.description);
        }
    }

    #[test]
    fn statuses_sources_and_types_follow_the_mix() {
        let (_, tasks) = generated(10_000, 3);
        let share = |f: &dyn Fn(&SynthTask) -> bool| tasks.iter().filter(|t| f(t)).count() as f64 / tasks.len() as f64;
        for (status, expected) in [
            (TaskStatus::Proposed, 0.05),
            (TaskStatus::Confirmed, 0.30),
            (TaskStatus::InProgress, 0.45),
            (TaskStatus::Completed, 0.15),
            (TaskStatus::Dropped, 0.05),
        ] {
            let got = share(&|t| t.status == status);
            assert!((got - expected).abs() < 0.02, "{status:?}: {got}");
        }
        let exchange = share(&|t| t.source == TaskSource::Exchange);
        assert!((exchange - 0.10).abs() < 0.02, "{exchange}");
        assert!(tasks.iter().all(|t| (t.source == TaskSource::Exchange) == t.pair.is_some()));
        let unset = share(&|t| t.task_type.is_none());
        assert!((unset - 0.10).abs() < 0.02, "{unset}");
    }

    #[test]
    fn every_task_has_two_to_five_distinct_agencies_and_leads_with_one_of_them() {
        let (reg, tasks) = generated(5_000, 4);
        for t in &tasks {
            assert!((2..=5).contains(&t.agencies.len()));
            let distinct: BTreeSet<usize> = t.agencies.iter().copied().collect();
            assert_eq!(distinct.len(), t.agencies.len());
            assert!(t.lead < t.agencies.len());
            assert_eq!(t.roles.len(), t.agencies.len());
            if let Some(p) = t.pair {
                assert_eq!(&t.agencies[..2], &reg.pairs[p].agencies[..], "both agencies of the pair take part");
                assert!(t.lead < 2);
            }
            assert!((1..=3).contains(&t.kpis.len()) && (2..=5).contains(&t.milestones.len()));
        }
    }

    #[test]
    fn a_few_agencies_are_in_thousands_of_tasks_and_most_in_hundreds() {
        let (reg, tasks) = generated(100_000, 5);
        let mut per_agency = vec![0usize; reg.ranked.agencies.len()];
        for t in &tasks {
            for &a in &t.agencies {
                per_agency[a] += 1;
            }
        }
        let environment = reg.ranked.agencies.iter().position(|(_, s)| s == "환경부").unwrap();
        assert!((2_000..10_000).contains(&per_agency[environment]), "환경부: {}", per_agency[environment]);
        let mut sorted = per_agency.clone();
        sorted.sort_unstable();
        let median = sorted[sorted.len() / 2];
        assert!((100..1_000).contains(&median), "median {median}");
        assert!(sorted[sorted.len() - 1] > 8_000, "the most popular: {}", sorted[sorted.len() - 1]);
    }

    #[test]
    fn milestones_are_done_overdue_or_ahead_as_the_status_says() {
        let (_, tasks) = generated(5_000, 6);
        let mut overdue = 0;
        for t in &tasks {
            for m in &t.milestones {
                let due = m.due.unwrap();
                if let Some(done) = m.done_on {
                    assert!(done <= base_date());
                } else if due < base_date() {
                    overdue += 1;
                }
                if t.status == TaskStatus::Completed {
                    assert!(m.done_on.is_some() && due < base_date());
                }
            }
            let dues: Vec<NaiveDate> = t.milestones.iter().filter_map(|m| m.due).collect();
            assert!(dues.windows(2).all(|w| w[0] <= w[1]), "in order");
        }
        assert!(overdue > 500, "{overdue}");
    }

    type Tasks = Vec<(i64, Vec<i64>)>;

    /// `n` active tasks (ids from 1) of two to four agencies each, and the agencies' names.
    fn active_tasks(n: usize) -> (Tasks, BTreeMap<i64, &'static str>) {
        let tasks =
            (0..n as i64).map(|t| (t + 1, (0..2 + t % 3).map(|a| (t * 7 + a * 13) % 300 + 1).collect())).collect();
        (tasks, (1..=300).map(|a| (a, "기관")).collect())
    }

    fn checks_of(seed: u64, n: usize) -> (Vec<(ProgressRating, &'static str)>, BottleneckRows) {
        let mut g = Generator::new(seed);
        let filed: Vec<bool> = (0..n).map(|i| i % 20 != 0).collect();
        let ratings = g.ratings(&filed);
        let (tasks, names) = active_tasks(n);
        let ids = BottleneckIds { bottleneck: 1, agency: 1, meeting: 1, follow_up: 1 };
        (ratings, g.bottlenecks(&tasks, &names, ids))
    }

    #[test]
    fn the_closed_cycle_rates_most_tasks_on_track_and_worse_where_a_report_is_missing() {
        let n = 20_000;
        let (ratings, _) = checks_of(3, n);
        let share = |rs: &[&(ProgressRating, &str)], r: ProgressRating| {
            rs.iter().filter(|(x, _)| *x == r).count() as f64 / rs.len() as f64
        };
        let all: Vec<_> = ratings.iter().collect();
        // Like the 2nd council's 38 of 41 on track.
        assert!(
            (0.85..0.93).contains(&share(&all, ProgressRating::OnTrack)),
            "{}",
            share(&all, ProgressRating::OnTrack)
        );
        assert!(share(&all, ProgressRating::AtRisk) > share(&all, ProgressRating::Delayed));
        assert!(share(&all, ProgressRating::Delayed) > 0.02);
        // Every 20th task has a report missing: fewer of those are on track.
        let missing: Vec<_> = ratings.iter().step_by(20).collect();
        assert!(share(&missing, ProgressRating::OnTrack) < 0.6);
        for (rating, reason) in &ratings {
            let from = match rating {
                ProgressRating::OnTrack => ON_TRACK_REASONS,
                ProgressRating::AtRisk => AT_RISK_REASONS,
                ProgressRating::Delayed => DELAYED_REASONS,
            };
            assert!(from.contains(reason), "{rating:?}: {reason}");
        }
    }

    #[test]
    fn most_reports_of_the_closed_cycle_are_in_and_most_of_the_open_one_not_yet() {
        let mut g = Generator::new(4);
        let share = |s: &[ReportStatus], x: ReportStatus| s.iter().filter(|&&y| y == x).count() as f64 / s.len() as f64;
        let closed = g.report_statuses(20_000, CLOSED_REPORT_MIX);
        assert!((0.9..0.94).contains(&share(&closed, ReportStatus::Submitted)));
        for s in [ReportStatus::NotStarted, ReportStatus::Draft, ReportStatus::Returned] {
            assert!(share(&closed, s) > 0.01, "{s:?}");
        }
        let open = g.report_statuses(20_000, OPEN_REPORT_MIX);
        assert!(share(&open, ReportStatus::NotStarted) > 0.5);
        assert!((0.2..0.36).contains(&share(&open, ReportStatus::Draft)));
        assert!(share(&open, ReportStatus::Submitted) > 0.05);
    }

    #[test]
    fn bottlenecks_fall_on_a_few_percent_of_tasks_among_their_own_agencies_in_every_state() {
        let n = 20_000;
        let (_, b) = checks_of(5, n);
        let (tasks, _) = active_tasks(n);
        let with: BTreeSet<i64> = b.bottlenecks.iter().map(|x| x.task_id).collect();
        let share = with.len() as f64 / n as f64;
        assert!((0.02..0.04).contains(&share), "{share}");
        for status in BottleneckStatus::ALL {
            assert!(b.bottlenecks.iter().any(|x| x.status == status.as_str()), "{status:?}");
        }
        for category in BottleneckCategory::ALL {
            assert!(b.bottlenecks.iter().any(|x| x.category == category.as_str()), "{category:?}");
        }
        let base = at(base_date(), 0) + chrono::Duration::days(1);
        for x in &b.bottlenecks {
            let own = &tasks[(x.task_id - 1) as usize].1;
            let involved: Vec<i64> =
                b.agencies.iter().filter(|a| a.bottleneck_id == x.id).map(|a| a.agency_id).collect();
            assert!(involved.len() >= 2 && involved.iter().all(|a| own.contains(a)), "{x:?}: {involved:?}");
            assert!(x.raised_by_agency_id.is_none_or(|a| involved.contains(&a)));
            let meetings = b.meetings.iter().filter(|m| m.bottleneck_id == x.id).count();
            let follow_ups: Vec<&FollowUpRow> = b.follow_ups.iter().filter(|f| f.source_id == x.id).collect();
            match x.status {
                "raised" => assert!(x.mediation_opened_at.is_none() && x.closed_at.is_none() && meetings == 0),
                "in_mediation" => assert!(x.mediation_opened_at.is_some() && x.closed_at.is_none() && meetings == 1),
                "escalated" => assert!(x.outcome == Some("not_agreed") && meetings == 1 && follow_ups.is_empty()),
                _ => {
                    assert!(x.closed_at.is_some_and(|c| c < base) && x.raised_at < x.closed_at.unwrap_or(base));
                    match x.outcome {
                        Some(_) => assert!(meetings == 1 && !follow_ups.is_empty() && x.resolution_reason.is_none()),
                        None => assert!(meetings == 0 && follow_ups.is_empty() && x.resolution_reason.is_some()),
                    }
                }
            }
            assert!(follow_ups.iter().all(|f| involved.contains(&f.owner_agency_id) && f.task_id == x.task_id));
        }
        // Some mediation meetings are still to come after the base date, some follow-ups are done.
        assert!(b.meetings.iter().any(|m| m.held_at > base));
        assert!(b.follow_ups.iter().any(|f| f.done_on.is_some()) && b.follow_ups.iter().any(|f| f.done_on.is_none()));
    }

    #[test]
    fn the_same_seed_gives_the_same_checks_and_another_seed_others() {
        assert_eq!(checks_of(11, 3_000), checks_of(11, 3_000));
        assert_ne!(checks_of(11, 3_000).1, checks_of(12, 3_000).1);
    }

    #[test]
    fn the_closed_cycle_is_the_quarter_before_the_base_dates_and_the_open_one_its_own() {
        let (start, end) = quarter(base_date());
        assert_eq!(
            (quarter_name(start), start.to_string(), end.to_string()),
            ("2026년 2분기".into(), "2026-04-01".into(), "2026-06-30".into())
        );
        let (start, end) = quarter(plus_days(start, -1));
        assert_eq!((quarter_name(start), end.to_string()), ("2026년 1분기".into(), "2026-03-31".into()));
        assert_eq!(quarter(NaiveDate::from_ymd_opt(2024, 11, 5).unwrap()).1.to_string(), "2024-12-31");
    }

    #[test]
    fn a_cycles_tasks_are_grouped_from_its_reports_with_whether_all_came_in() {
        let reports = [(1, 10, 1), (2, 10, 2), (3, 11, 1), (4, 12, 3), (5, 12, 4)];
        let s = [
            ReportStatus::Submitted,
            ReportStatus::Submitted,
            ReportStatus::Draft,
            ReportStatus::Submitted,
            ReportStatus::Returned,
        ];
        assert_eq!(tasks_of(&reports, &s), vec![(10, vec![1, 2], true), (11, vec![1], false), (12, vec![3, 4], false)]);
        let by = ids_by_status(&reports, &s, ReportStatus::Submitted);
        assert_eq!(by, vec![(ReportStatus::Draft, vec![3]), (ReportStatus::Returned, vec![5])]);
    }

    #[test]
    fn the_same_seed_gives_the_same_tasks_and_another_seed_others() {
        let titles = |seed| generated(200, seed).1.into_iter().map(|t| t.title + &t.description).collect::<Vec<_>>();
        assert_eq!(titles(9), titles(9));
        assert_ne!(titles(9), titles(10));
    }

    #[test]
    fn the_catalogue_names_over_three_hundred_agencies_apart_from_the_built_in_ones() {
        let builtin = Dataset::builtin_2024().unwrap();
        let all = catalogue();
        let shorts: BTreeSet<&str> = all.iter().map(|a| a.short.as_str()).collect();
        assert_eq!(shorts.len(), all.len(), "short names are unique");
        assert!(all.len() >= 300);
        for a in &builtin.agencies {
            assert!(!shorts.contains(a.short_name.as_str()), "{}", a.short_name);
        }
        assert!(all[..80].iter().any(|a| a.name.ends_with('청')) && all[..80].iter().any(|a| a.name.contains("한국")));
        assert!(all.iter().any(|a| a.short == "충북" && a.name == "충청북도"));
    }

    #[test]
    fn particles_follow_the_last_syllable() {
        assert_eq!(josa("환경부", "과", "와"), "와");
        assert_eq!(josa("식약처", "이", "가"), "가");
        assert_eq!(josa("경찰청", "이", "가"), "이");
        assert_eq!(josa("용수 재이용", "을", "를"), "을");
        assert_eq!(josa("AI", "을", "를"), "를");
    }

    fn contents(tasks: i64, agencies: i64) -> Contents {
        Contents { tasks, agencies, ..builtin_contents().unwrap() }
    }

    #[test]
    fn only_a_database_with_nothing_but_the_built_in_dataset_is_taken_without_force() {
        let builtin = builtin_contents().unwrap();
        assert_eq!(refusal(&builtin, &builtin), None);
        let more = refusal(&contents(builtin.tasks + 1, builtin.agencies), &builtin).unwrap();
        assert!(more.contains("협업과제 1건") && more.contains("--force"), "{more}");
        let synthetic = refusal(&Contents { synthetic_accounts: 50, ..builtin.clone() }, &builtin).unwrap();
        assert!(synthetic.contains("합성 데이터가 이미"), "{synthetic}");
        let person = refusal(&Contents { other_accounts: 1, ..builtin.clone() }, &builtin).unwrap();
        assert!(person.contains("계정 1개"), "{person}");
        let by_hand = Contents { agencies: 1, ..Contents::default() };
        assert!(refusal(&by_hand, &builtin).unwrap().contains("기관 1곳"));
    }
}
