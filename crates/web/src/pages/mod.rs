//! The server-rendered HTML pages: Korean, in the look of the government design system KRDS, and
//! usable without JavaScript. Handlers call the use cases (`hanteam_app`, the same as the JSON API)
//! and turn their read models into small view rows; the templates in `templates/` only lay them out.
//!
//! Handlers, by what they show:
//! - `read`: the published views (home, tasks, pairs, agencies, meetings);
//! - `edit`: the forms that change tasks, their agencies' roles and the registry;
//! - `parts`: the forms of a task's KPIs, milestones and procedures (one set for all);
//! - `proposals`: 과제 발굴 — the proposals list, the 과제 제안 form, a co-agency's answer;
//! - `memos`: the memos between a task's agencies (기관 간 메모), their form and withdrawal;
//! - `account`: signing in and out, one's own account and API tokens;
//! - `users`: the administration of accounts;
//! - `audit`: the audit log;
//! - `evaluation`: evaluation rounds, OPC's forms for them, the evaluator's pledge and tasks;
//! - `evaluation_prizes`: a round's prize money, OPC's forms for the pool, the cap and the shares;
//! - `evaluation_scoring`: the evaluator's scoring page of a task, and OPC's reopening of a sheet;
//! - `pay`: the pay tables, the special performance bonus and the exchangees' ratings.
//!
//! What they share: `context` (the request), `layout` (menu, breadcrumb, the person in the header),
//! `render` (responses and error pages), `form` (fields, alerts, the answer to a POST), `widgets`
//! (badges, select options, pagination, data tables), `rows` (task and position rows), `format`
//! (dates, numbers) and `links` (addresses, from the route table).

pub(crate) mod account;
pub(crate) mod audit;
pub(crate) mod checks;
pub(crate) mod context;
pub(crate) mod council;
pub(crate) mod edit;
pub(crate) mod evaluation;
pub(crate) mod evaluation_prizes;
pub(crate) mod evaluation_scoring;
pub(crate) mod evaluation_what_if;
pub(crate) mod form;
pub(crate) mod format;
pub(crate) mod layout;
pub(crate) mod links;
pub(crate) mod mediation;
pub(crate) mod memos;
pub(crate) mod notifications;
pub(crate) mod parts;
pub(crate) mod pay;
pub(crate) mod policy;
pub(crate) mod proposals;
pub(crate) mod read;
pub mod render;
pub(crate) mod rows;
pub(crate) mod users;
pub(crate) mod widgets;
