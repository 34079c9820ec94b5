//! `hanteam`: the pan-government collaboration task system in one binary.

#![forbid(unsafe_code)]

use hanteam_domain::korean::{with_particle, Particle};
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::{Parser, Subcommand};
use hanteam_app::{notify, registry, Caller, Db, SeedOutcome, UseCaseError, DEFAULT_DATABASE_URL};
use hanteam_web::site::{Operator, Site};
use hanteam_web::{AppState, Shutdown};

mod accounts;
mod audit;
mod backup;
mod demo;
mod synth;

// The system allocator spent a fifth of a list request in malloc and free (perf, 16 connections);
// mimalloc's per-thread heaps do not contend.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "hanteam",
    version,
    about = "한팀(hanteam): 범정부 협업과제 관리 시스템 / pan-government collaboration tasks"
)]
struct Cli {
    /// sqlite://FILE (default: hanteam.db in the working directory) or postgres://USER@HOST/DB
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the JSON API (applies migrations; loads the 2024 dataset into an empty
    /// database)
    ///
    /// On a database without accounts, also creates the `admin` account (OPC admin) and prints its
    /// one-time password once, before the "hanteam listening on" line.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 or 0.0.0.0:8080 (port 0 picks a free port)
        #[arg(long, env = "HANTEAM_ADDR", default_value = "127.0.0.1:8080", value_parser = parse_addr)]
        addr: SocketAddr,
        /// Also create one demo account for every role (demo-admin, demo-officer, demo-exchangee,
        /// demo-evaluator, demo-auditor) and four more evaluators for a panel (demo-evaluator-2 to
        /// -5) with fresh passwords, printed here and listed on the sign-in page. Only on a
        /// loopback address (127.0.0.1, [::1])
        #[arg(long)]
        demo: bool,
        /// Addresses of reverse proxies / load balancers in front of hanteam, comma-separated. For
        /// requests from them the client address (audit log, sign-in lock-out) is taken from
        /// X-Forwarded-For; from anyone else that header is ignored
        #[arg(long, env = "HANTEAM_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_ip)]
        trusted_proxy: Vec<std::net::IpAddr>,
        /// The address people reach hanteam at, e.g. https://hanteam.example.go.kr (needed unless it
        /// listens on loopback). Requests for any other host are refused, and a browser's changes must
        /// come from this origin
        #[arg(long, env = "HANTEAM_PUBLIC_URL")]
        public_url: Option<String>,
        /// Who runs this hanteam, as every page's footer says (운영기관)
        #[arg(long, env = "HANTEAM_OPERATOR", default_value = "국무조정실")]
        operator: String,
        /// The operator's postal address for the footer, e.g. "(30109) 세종특별자치시 …"
        #[arg(long, env = "HANTEAM_OPERATOR_ADDRESS")]
        operator_address: Option<String>,
        /// The operator's contact for the footer and the policy pages, e.g. a phone number or an
        /// e-mail address
        #[arg(long, env = "HANTEAM_OPERATOR_CONTACT")]
        operator_contact: Option<String>,
        /// The SMTP server reminders are e-mailed through, e.g. smtp://mail.example.go.kr:25,
        /// smtp://user:password@mail.example.go.kr:587?tls=required or smtps://mail.example.go.kr:465.
        /// Without it, reminders stay in the app (the bell); with it, --mail-from is needed too
        #[arg(long, env = "HANTEAM_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// Who reminder e-mails come from, e.g. "한팀 알림 <hanteam@korea.kr>"
        #[arg(long, env = "HANTEAM_MAIL_FROM")]
        mail_from: Option<String>,
        /// On SIGTERM or Ctrl-C: seconds to keep serving while /readyz already answers 503, so a load
        /// balancer stops sending requests here before the port closes
        #[arg(long, env = "HANTEAM_SHUTDOWN_DELAY", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=300))]
        shutdown_delay: u64,
        /// Then: seconds the requests in flight get to finish; what still runs after that is dropped
        /// unanswered and nothing of it is kept
        #[arg(long, env = "HANTEAM_SHUTDOWN_GRACE", default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=600))]
        shutdown_grace: u64,
        /// Addresses that may read /metrics (Prometheus), comma-separated, e.g. 10.0.0.9. Behind a
        /// reverse proxy the client is found as for the audit log (--trusted-proxy)
        #[arg(long, env = "HANTEAM_METRICS_FROM", value_delimiter = ',', value_parser = parse_ip)]
        metrics_from: Vec<std::net::IpAddr>,
        /// A secret that lets anyone who sends it as `Authorization: Bearer …` read /metrics (at
        /// least 32 characters). Without this and --metrics-from, /metrics answers 403 to everyone
        #[arg(long, env = "HANTEAM_METRICS_TOKEN", hide_env_values = true, value_parser = parse_metrics_token)]
        metrics_token: Option<String>,
    },
    /// Apply the database migrations embedded in this binary, then exit
    Migrate {
        /// Only list the migrations that would run, changing nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Load the built-in 2024 dataset (does nothing if it was loaded before)
    Seed,
    /// Copy the whole database into FILE while the server runs and writes go on: a consistent copy
    /// as of one moment (SQLite: VACUUM INTO; PostgreSQL: pg_dump in its custom format, which must
    /// be installed). Never overwrites FILE
    Backup {
        /// The new file
        file: std::path::PathBuf,
    },
    /// Put a copy made by `hanteam backup` back into the database of DATABASE_URL, then bring it up
    /// to this binary's schema and check its audit chain. Stop every server on that database first.
    /// Refuses a database that holds records unless --force
    Restore {
        /// The copy
        file: std::path::PathBuf,
        /// Replace what the database holds now
        #[arg(long)]
        force: bool,
    },
    /// Make today's due-date reminders (the bell) once, then exit: what `serve` does every minute.
    /// Each reminder goes out once, so running it beside a server, or twice, sends nothing twice.
    /// For a first start on a large database, or before a load test, so the server does not spend
    /// its first minutes making them
    Remind,
    /// Manage accounts: add, list, disable, reset a password
    User {
        #[command(subcommand)]
        command: accounts::UserCommand,
    },
    /// Check the audit log
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Add synthetic data for load tests: agencies, tasks with their roles, KPIs and milestones,
    /// exchange pairs, council meetings and accounts nobody can sign in to (loads the 2024 dataset
    /// into an empty database first)
    ///
    /// Deterministic: the same --tasks, --agencies and --seed on the same database give the same
    /// data. Refuses a database that holds more than the built-in dataset unless --force is given.
    /// Prints the counts, the time taken and a checksum of the data, the same on SQLite and
    /// PostgreSQL.
    Synth(synth::SynthArgs),
}

fn parse_ip(raw: &str) -> Result<std::net::IpAddr, String> {
    raw.trim().parse().map_err(|_| format!("IP 주소가 아닙니다: '{raw}'. 예: 10.0.0.5"))
}

fn parse_metrics_token(raw: &str) -> Result<String, String> {
    let token = raw.trim();
    if token.chars().count() < 32 || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("지표 토큰은 공백 없이 32자 이상이어야 합니다. 예: openssl rand -hex 32 로 만든 값".into());
    }
    Ok(token.to_string())
}

fn parse_addr(raw: &str) -> Result<SocketAddr, String> {
    raw.parse().map_err(|_| format!("IP:포트 형식의 주소가 아닙니다: '{raw}'. 예: 127.0.0.1:8080"))
}

/// A command called the wrong way (a missing or contradictory option): exit status 2, as for
/// clap's own usage errors. The message says in Korean what to do; `command` names the subcommand
/// whose `--help` explains it (e.g. "user add").
#[derive(Debug)]
pub struct UsageError {
    pub message: String,
    pub command: &'static str,
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n사용법은 `hanteam {} --help`로 볼 수 있습니다.", self.message, self.command)
    }
}

impl std::error::Error for UsageError {}

/// Exit status when a command is called the wrong way (as clap uses).
const EXIT_USAGE: u8 = 2;

/// Who acts for changes made from the command line: the console, named `cli:<OS user>` in the
/// audit log.
pub fn console() -> Caller {
    Caller::console(&std::env::var("USER").unwrap_or_default())
}

/// The one place a use case's refusal becomes the command line's message (the exit status is 1).
pub fn use_case_error(e: UseCaseError) -> anyhow::Error {
    match e {
        UseCaseError::Invalid(errors) => {
            anyhow!(errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("\n"))
        }
        UseCaseError::NotFound(what) => anyhow!("{} 찾을 수 없습니다.", with_particle(&what, Particle::Object)),
        UseCaseError::Stale { current_version } => anyhow!(
            "다른 사람이 먼저 고쳤습니다 (현재 버전 {current_version}). 바뀐 내용을 확인한 뒤 다시 해 주세요. 아무것도 바뀌지 않았습니다."
        ),
        UseCaseError::Internal(cause) => anyhow!("처리하지 못했습니다: {cause}"),
        UseCaseError::Unauthenticated(m) | UseCaseError::Forbidden(m) | UseCaseError::Conflict(m) => anyhow!(m),
        UseCaseError::Locked { .. } => anyhow!("{e}"),
    }
}

/// Logs go to standard error: lines for people, or with `HANTEAM_LOG_FORMAT=json` one JSON object a
/// line for a log collector, each with its request's span (method, route, request id).
fn init_logging(format: Option<&str>) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format.map(str::trim) {
        None | Some("") | Some("text") => logs.init(),
        Some("json") => logs.json().with_current_span(true).with_span_list(false).init(),
        Some(other) => {
            return Err(format!(
                "HANTEAM_LOG_FORMAT은 text 또는 json이어야 합니다 (지금 값: '{other}'). 예: HANTEAM_LOG_FORMAT=json"
            ))
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(message) = init_logging(std::env::var("HANTEAM_LOG_FORMAT").ok().as_deref()) {
        eprintln!("{message}");
        return ExitCode::from(EXIT_USAGE);
    }
    let cli = Cli::parse();
    // `audit verify` exits 1 only when it finds tampering; when it cannot check at all, 2 (as `diff`).
    let failure = match cli.command {
        Command::Audit { .. } => audit::EXIT_COULD_NOT_CHECK,
        _ => 1,
    };
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            if let Some(usage) = e.downcast_ref::<UsageError>() {
                eprintln!("{usage}");
                return ExitCode::from(EXIT_USAGE);
            }
            eprintln!("오류: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  원인: {cause}");
            }
            ExitCode::from(failure)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Checks that need no database come first, so a mistaken call changes nothing.
    let user_action = match &cli.command {
        Command::Serve { addr, demo, smtp_url, mail_from, .. } => {
            if *demo {
                demo::check_address(*addr)?;
            }
            if smtp_url.is_some() && mail_from.as_deref().is_none_or(|f| f.trim().is_empty()) {
                return Err(UsageError {
                    message: "메일 서버(--smtp-url, HANTEAM_SMTP_URL)를 쓰려면 보내는 사람 주소도 정해 주세요: \
                              --mail-from 또는 HANTEAM_MAIL_FROM. 예: --mail-from hanteam@korea.kr"
                        .into(),
                    command: "serve",
                }
                .into());
            }
            None
        }
        Command::User { command } => Some(command.plan()?),
        Command::Migrate { dry_run: true } => return migrate_dry_run(&cli.database_url).await,
        // Neither migrates: a copy is of the database as it is, and a restore needs its target as
        // it is to tell whether it is empty.
        Command::Backup { file } => return backup::backup(&cli.database_url, file).await,
        Command::Restore { file, force } => return backup::restore(&cli.database_url, file, *force).await,
        _ => None,
    };
    let db = Db::open(&cli.database_url)
        .await
        .with_context(|| format!("데이터베이스를 열 수 없습니다 ({})", redact(&cli.database_url)))?;
    let code = match cli.command {
        // Answered above, before the database was opened.
        Command::Backup { .. } | Command::Restore { .. } => ExitCode::SUCCESS,
        Command::Migrate { .. } => {
            println!("데이터베이스({})가 최신 구조입니다.", db.backend());
            ExitCode::SUCCESS
        }
        Command::Seed => {
            let outcome = registry::load_builtin_dataset(&db, &console()).await.map_err(use_case_error);
            match outcome.context("내장 데이터를 불러올 수 없습니다")? {
                SeedOutcome::Loaded { tasks } => {
                    println!("2024년 내장 데이터를 불러왔습니다: 협업과제 {tasks}건")
                }
                SeedOutcome::AlreadyLoaded => {
                    println!("2024년 내장 데이터는 이미 들어 있습니다. 바뀐 것은 없습니다.")
                }
            }
            ExitCode::SUCCESS
        }
        Command::Remind => {
            let made = notify::remind_due(&db, chrono::Utc::now()).await.map_err(use_case_error)?;
            println!("오늘의 기한 알림 {made}건을 만들었습니다.");
            ExitCode::SUCCESS
        }
        Command::Serve {
            addr,
            demo,
            trusted_proxy,
            public_url,
            operator,
            operator_address,
            operator_contact,
            smtp_url,
            mail_from,
            shutdown_delay,
            shutdown_grace,
            metrics_from,
            metrics_token,
        } => {
            let mail = MailSettings { smtp_url, from: mail_from };
            let mut state = AppState::new(db.clone());
            state.trusted_proxies = trusted_proxy;
            state.operator = Operator { name: operator, address: operator_address, contact: operator_contact };
            state.shutdown = Shutdown {
                delay: std::time::Duration::from_secs(shutdown_delay),
                grace: std::time::Duration::from_secs(shutdown_grace),
            };
            state.metrics_access = hanteam_web::MetricsAccess { from: metrics_from, token: metrics_token };
            serve(&db, addr, demo, public_url.as_deref(), mail, state).await?;
            ExitCode::SUCCESS
        }
        Command::User { .. } => match user_action {
            Some(action) => accounts::run(&db, action).await?,
            None => ExitCode::SUCCESS,
        },
        Command::Audit { command } => audit::run(&db, command).await?,
        Command::Synth(args) => {
            synth::run(&db, args).await?;
            ExitCode::SUCCESS
        }
    };
    // A stop that dropped requests may leave connections out; the database recovers those on its
    // own (their transactions never committed), so the wait is bounded.
    if tokio::time::timeout(std::time::Duration::from_secs(10), db.close()).await.is_err() {
        tracing::warn!("database connections still busy after 10 s; exiting without waiting for them");
    }
    Ok(code)
}

/// `migrate --dry-run`: the versions this binary would apply, from a connection that applies none.
async fn migrate_dry_run(database_url: &str) -> anyhow::Result<ExitCode> {
    let db = connect(database_url).await?;
    let pending = db.pending_migrations().await;
    db.close().await;
    let pending = pending.context("마이그레이션 상태를 읽을 수 없습니다")?;
    if pending.is_empty() {
        println!("데이터베이스({})가 최신 구조입니다. 적용할 마이그레이션이 없습니다.", db.backend());
    } else {
        println!("적용할 마이그레이션 {}개 (아무것도 바꾸지 않았습니다):", pending.len());
        for (version, name) in pending {
            println!("  {version:04} {name}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Where reminder e-mails go out (both set, or no e-mail).
struct MailSettings {
    smtp_url: Option<String>,
    from: Option<String>,
}

/// How often the reminder job runs inside `serve`.
const JOB_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// The reminder job: every minute, due-date reminders and the queued e-mails, at the time of the
/// tick. Several servers on one database may all run it: each reminder and e-mail goes out once.
/// It stops between runs once `stopping` is set; the handle ends when it has.
fn spawn_reminder_job(
    db: Db,
    mailer: Option<notify::Mailer>,
    metrics: std::sync::Arc<hanteam_web::Metrics>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(JOB_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = stopping.wait_for(|stop| *stop) => return,
                _ = every.tick() => {}
            }
            match notify::run_job(&db, mailer.as_ref(), chrono::Utc::now()).await {
                Ok((made, sent)) => {
                    let did = [
                        ("reminders_made", made as u64),
                        ("mails_sent", sent.sent as u64),
                        ("mails_failed", sent.failed as u64),
                    ];
                    metrics.job_ran("reminders", true, &did);
                    if made > 0 || sent.sent > 0 || sent.failed > 0 {
                        tracing::info!(
                            notifications = made,
                            mails_sent = sent.sent,
                            mails_failed = sent.failed,
                            "reminder job"
                        )
                    }
                }
                Err(e) => {
                    metrics.job_ran("reminders", false, &[]);
                    tracing::warn!(error = %e, "reminder job failed; it runs again in a minute")
                }
            }
        }
    })
}

/// `state` comes with the settings of the command line; the site and the demo accounts are added here.
async fn serve(
    db: &Db,
    addr: SocketAddr,
    demo: bool,
    public_url: Option<&str>,
    mail: MailSettings,
    mut state: AppState,
) -> anyhow::Result<()> {
    // Asked before anything is touched; again once the port is known.
    Site::new(addr, public_url).map_err(|e| anyhow!(e))?;
    registry::seed_if_empty(db).await.map_err(use_case_error).context("내장 데이터를 불러올 수 없습니다")?;
    // Bind before creating any account, so a busy port changes nothing.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("{addr}에서 기다릴 수 없습니다 (이미 쓰는 포트인지 확인해 주세요)"))?;
    let local = listener.local_addr()?;
    accounts::create_first_admin(db).await.context("첫 관리자 계정을 만들 수 없습니다")?;
    state.site = Some(Site::new(local, public_url).map_err(|e| anyhow!(e))?);
    if !demo && !local.ip().is_loopback() {
        demo::warn_if_left_enabled(db).await?;
    }
    if demo {
        state.demo_accounts = demo::prepare_accounts(db).await.context("체험용 계정을 만들 수 없습니다")?;
    }
    let mailer = match (&mail.smtp_url, &mail.from) {
        (Some(url), Some(from)) => {
            let base = public_url.map_or_else(|| format!("http://{local}"), str::to_string);
            Some(notify::Mailer::new(url, from, &base).map_err(|e| anyhow!(e))?)
        }
        _ => None,
    };
    if mailer.is_some() {
        tracing::info!("reminders are e-mailed as well");
    }
    let (stop_jobs, jobs_stopping) = tokio::sync::watch::channel(false);
    let job = spawn_reminder_job(db.clone(), mailer, state.metrics.clone(), jobs_stopping);
    let signal = shutdown_signal();
    println!("hanteam listening on http://{local}");
    let served = hanteam_web::serve(listener, state, async move {
        signal.await;
        let _ = stop_jobs.send(true);
    })
    .await;
    // A run under way finishes (its reminders and e-mails are marked as sent in the same step).
    if tokio::time::timeout(std::time::Duration::from_secs(30), job).await.is_err() {
        tracing::warn!("the reminder job did not finish within 30 s; stopping without it");
    }
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// The database URL without its password, for messages.
fn redact(url: &str) -> String {
    without_password(url).0
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, the decoded secret).
fn without_password(url: &str) -> (String, Option<String>) {
    let (Some(scheme), Some(at)) = (url.find("://"), url.rfind('@')) else { return (url.to_string(), None) };
    if at < scheme {
        return (url.to_string(), None);
    }
    let userinfo = &url[scheme + 3..at];
    match userinfo.split_once(':') {
        Some((user, secret)) => {
            (format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..]), Some(percent_decode(secret)))
        }
        None => (url.to_string(), None),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Connects without migrating (for the commands that must see the database as it is).
async fn connect(database_url: &str) -> anyhow::Result<Db> {
    Db::connect(database_url).await.with_context(|| format!("데이터베이스를 열 수 없습니다 ({})", redact(database_url)))
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the
/// future is first polled, so a signal sent right after "hanteam listening on" still stops the
/// server gracefully instead of killing it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    };
    async move {
        #[cfg(unix)]
        match signals {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! { _ = interrupt.recv() => {}, _ = terminate.recv() => {} }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment_decoded() {
        assert_eq!(
            without_password("postgres://app:s%40cret%3A1@db:5432/hanteam?sslmode=verify-full"),
            ("postgres://app@db:5432/hanteam?sslmode=verify-full".to_string(), Some("s@cret:1".to_string()))
        );
        assert_eq!(without_password("postgres://app@db/hanteam"), ("postgres://app@db/hanteam".to_string(), None));
    }

    #[test]
    fn passwords_are_left_out_of_database_urls_in_messages() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/hanteam"), "postgres://app@db:5432/hanteam");
        assert_eq!(redact("sqlite://hanteam.db"), "sqlite://hanteam.db");
    }

    #[test]
    fn a_bad_address_is_refused_in_korean() {
        assert!(parse_addr("127.0.0.1:8080").is_ok());
        assert!(parse_addr("localhost").unwrap_err().contains("IP:포트"));
    }

    #[test]
    fn the_cli_parses_as_clap_expects() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
