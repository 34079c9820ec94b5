//! hanteam's integration tests, in one binary (one link step): the real server on a free port
//! against a fresh database of its own, SQLite and PostgreSQL alike, over real HTTP, and the real
//! `hanteam` binary for the command line.

#[macro_use]
mod common;

mod api;
mod audit_page;
mod auth;
mod authz;
mod backup;
mod checks;
mod cli;
mod cli_accounts;
mod council;
mod crash;
mod edges;
mod evaluation_pages;
mod evaluation_results_pages;
mod evaluation_rounds;
mod export;
mod full_round;
mod hardening;
mod home;
mod lifecycle;
mod lists;
mod mediation;
mod notifications;
mod objections;
mod operations;
mod pages;
mod pay;
mod prizes;
mod procedures;
mod proposals;
mod scale;
mod scoring;
mod scoring_pages;
mod synth;
mod synth_rounds;
mod task_detail;
mod tls;
mod users;
mod what_if;
mod writes;
