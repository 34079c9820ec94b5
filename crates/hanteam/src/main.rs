//! `hanteam`: the pan-government collaboration task system in one binary.

use std::net::SocketAddr;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hanteam_store::{Db, SeedOutcome, DEFAULT_DATABASE_URL};
use hanteam_web::AppState;

#[derive(Parser)]
#[command(name = "hanteam", version, about = "한팀(hanteam): 범정부 협업과제 관리 시스템 / pan-government collaboration tasks")]
struct Cli {
    /// sqlite://FILE (default: hanteam.db in the working directory) or postgres://USER@HOST/DB
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the JSON API (applies migrations; loads the 2024 dataset into an empty database)
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 or 0.0.0.0:8080 (port 0 picks a free port)
        #[arg(long, env = "HANTEAM_ADDR", default_value = "127.0.0.1:8080", value_parser = parse_addr)]
        addr: SocketAddr,
    },
    /// Apply the database migrations embedded in this binary, then exit
    Migrate,
    /// Load the built-in 2024 dataset (does nothing if it was loaded before)
    Seed,
}

fn parse_addr(raw: &str) -> Result<SocketAddr, String> {
    raw.parse().map_err(|_| format!("'{raw}'은(는) 주소가 아닙니다. 127.0.0.1:8080 처럼 IP:포트 형식으로 입력해 주세요."))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let db = Db::open(&cli.database_url)
        .await
        .with_context(|| format!("데이터베이스를 열 수 없습니다 ({})", redact(&cli.database_url)))?;
    match cli.command {
        Command::Migrate => println!("데이터베이스({})가 최신 구조입니다.", db.backend()),
        Command::Seed => match db.seed_builtin().await.context("내장 데이터를 불러올 수 없습니다")? {
            SeedOutcome::Loaded { tasks } => println!("2024년 내장 데이터를 불러왔습니다: 협업과제 {tasks}건"),
            SeedOutcome::AlreadyLoaded => println!("2024년 내장 데이터는 이미 들어 있습니다. 바뀐 것은 없습니다."),
        },
        Command::Serve { addr } => {
            db.seed_if_empty().await.context("내장 데이터를 불러올 수 없습니다")?;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("{addr}에서 기다릴 수 없습니다 (이미 쓰는 포트인지 확인해 주세요)"))?;
            let local = listener.local_addr()?;
            println!("hanteam listening on http://{local}");
            hanteam_web::serve(listener, AppState { db: db.clone() }, shutdown_signal()).await?;
            db.close().await;
        }
    }
    Ok(())
}

/// The database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
