//! `hanteam synth`: synthetic data for load tests (`hanteam_app::synth`), with its progress on the
//! terminal (a bar) or in a log (a line every 10%), and at the end the counts, the time it took and
//! a checksum of the data.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use clap::Args;
use hanteam_app::synth::{self, Progress, SynthParams, SynthReport};
use hanteam_app::Db;
use indicatif::{ProgressBar, ProgressStyle};

use crate::{console, use_case_error};

#[derive(Args)]
pub struct SynthArgs {
    /// How many tasks to add
    #[arg(long, default_value_t = synth::DEFAULT_TASKS)]
    tasks: usize,
    /// How many agencies there are after the run, the ones already there (built-in) included
    #[arg(long, default_value_t = synth::DEFAULT_AGENCIES)]
    agencies: usize,
    /// Seed of the generator: the same seed and counts on the same database give the same data
    #[arg(long, default_value_t = synth::DEFAULT_SEED)]
    seed: u64,
    /// Add on top of a database that holds more than the built-in dataset (tasks, agencies or
    /// accounts entered by hand, or an earlier synthetic set)
    #[arg(long)]
    force: bool,
}

/// Where progress goes: a bar on a terminal, otherwise a plain line at every tenth.
enum Shown {
    Bar(ProgressBar),
    Lines { tenths: usize },
}

impl Shown {
    fn new(total: usize) -> Shown {
        if !std::io::stderr().is_terminal() {
            return Shown::Lines { tenths: 0 };
        }
        let bar = ProgressBar::new(total as u64);
        if let Ok(style) = ProgressStyle::with_template("합성 데이터 {bar:40} {pos}/{len}건 ({percent}%) {elapsed}")
        {
            bar.set_style(style);
        }
        Shown::Bar(bar)
    }

    fn update(&mut self, p: Progress) {
        match self {
            Shown::Bar(bar) => bar.set_position(p.tasks_done as u64),
            Shown::Lines { tenths } => {
                let now = p.tasks_done * 10 / p.tasks_total.max(1);
                if now > *tenths {
                    *tenths = now;
                    eprintln!("합성 데이터: 협업과제 {}/{}건 ({}%)", p.tasks_done, p.tasks_total, now * 10);
                }
            }
        }
    }

    fn finish(&self) {
        if let Shown::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

pub async fn run(db: &Db, args: SynthArgs) -> anyhow::Result<()> {
    let params = SynthParams { tasks: args.tasks, agencies: args.agencies, seed: args.seed, force: args.force };
    let started = Instant::now();
    let mut shown = Shown::new(params.tasks);
    let report = synth::synth(db, &console(), params, |p| shown.update(p)).await;
    shown.finish();
    let report = report.map_err(use_case_error)?;
    let took = started.elapsed();
    let started = Instant::now();
    let checksum = synth::checksum(db).await.map_err(use_case_error)?;
    print_report(&params, &report, took, started.elapsed());
    println!("checksum: {checksum}");
    Ok(())
}

fn print_report(params: &SynthParams, r: &SynthReport, took: Duration, checksum_took: Duration) {
    if let Some(tasks) = r.loaded_builtin {
        println!("빈 데이터베이스라 2024년 내장 데이터(협업과제 {tasks}건)를 먼저 불러왔습니다.");
    }
    let c = &r.counts;
    println!("합성 데이터를 넣었습니다 (--seed {}, 기관은 모두 {}곳):", params.seed, r.agencies_total);
    println!(
        "  기관 {}곳, 교류직위 {}개(교류자 {}명), 교류직위 쌍 {}개",
        c.agencies, c.positions, c.exchangees, c.pairs
    );
    println!(
        "  협업과제 {}건: 기관별 역할 {}건, 성과지표 {}건, 추진일정 {}건",
        c.tasks, c.agency_roles, c.kpis, c.milestones
    );
    println!(
        "  협의회 회의 {}회: 안건 {}건, 결정 {}건, 상정 과제 {}건",
        c.meetings, c.agenda_items, c.decisions, c.meeting_tasks
    );
    println!(
        "  계정 {}개(로그인할 수 없음): 평가위원 소속 {}건, 평가위원 배정 {}건",
        c.accounts, c.affiliations, c.evaluator_assignments
    );
    println!(
        "  점검 주기 {}개(마감 1개, 진행 중 1개): 추진실적 보고 {}건(추진일정 줄 {}건), 점검 결과 {}건, 이월 {}건",
        c.check_cycles, c.progress_reports, c.report_milestones, c.check_ratings, c.carried_over
    );
    println!(
        "  애로사항 {}건: 관계기관 {}건, 조정 회의 {}회, 후속조치 {}건",
        c.bottlenecks, c.bottleneck_agencies, c.mediation_meetings, c.follow_ups
    );
    println!(
        "  평가 회차 {}개(공개 1개, 채점 중 1개): 평가 대상 {}건, 평가위원 자리 {}석, 서약 {}건, 제출된 채점표 {}건, 평가 결과 {}건",
        c.evaluation_rounds, c.round_tasks, c.panel_seats, c.pledges, c.score_sheets, c.results
    );
    println!("걸린 시간: {:.1}초 (검사합 계산 {:.1}초는 별도)", took.as_secs_f64(), checksum_took.as_secs_f64());
}
