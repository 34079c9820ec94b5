//! Collaboration evaluation (협업평가): the rules of an evaluation round, from the rubric to the
//! agency ranking, with no I/O. Where each rule lives:
//!
//! - [`round`]: the stages 준비 → 배정 → 채점 → 검토 → 이의신청 → 확정 → 공개 and their dates; when the
//!   rubric freezes, who may score, when an agency may object.
//! - [`rubric`]: criteria, weights, scales, level descriptions; an evaluator's weighted total; presets.
//! - [`aggregate`]: standardisation, dropping the highest and lowest score, spread, ICC(1), ranking.
//! - [`grade`]: relative shares (with the rounding rule) or absolute cut-offs, tiers, excellent tasks.
//! - [`agency_score`]: the agency collaboration score and rank (정부업무평가 협업 부문).
//! - [`setup`]: creating and editing a round (its stored settings, the panel rules), the pledge,
//!   and the inputs of 회피, 기피 and OPC's decision.
//! - [`sheet`]: an evaluator's score sheet (draft, submitted) checked against the rubric.
//! - [`outcome`]: [`evaluate`] runs all of it from one parameter struct, and [`diff`] compares two
//!   outcomes.
//! - [`what_if`]: the result under changed weights, drop rule, standardisation or grade shares,
//!   beside the official one, with each task's part of the prize pool.
//!
//! Every weight, share, threshold and count is a parameter OPC sets per round, with a default: the
//! rules changed from year to year (우수/보통/미흡 in 2018, S–D in 2020, tiers in 2023).

pub mod agency_score;
pub mod aggregate;
pub mod grade;
pub mod objection;
pub mod outcome;
pub mod round;
pub mod rubric;
pub mod setup;
pub mod sheet;
pub mod what_if;

pub use outcome::{diff, evaluate, Outcome, OutcomeDiff, RoundInputs, RoundParams};
