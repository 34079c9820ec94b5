//! `hanteam backup FILE` and `hanteam restore FILE`: a consistent copy of the whole database taken
//! while the server runs, and putting one back.
//!
//! SQLite copies itself (`VACUUM INTO`, one read transaction: writers go on, the copy is the
//! database as of one moment). PostgreSQL's copy is `pg_dump`'s (custom format, one snapshot), put
//! back with `pg_restore` in one transaction; both must be installed (Debian: postgresql-client).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{anyhow, bail, Context};
use hanteam_app::backup::Contents;
use hanteam_app::Db;

use crate::{connect, redact, without_password};

/// The command that makes the copy.
pub async fn backup(database_url: &str, file: &Path) -> anyhow::Result<ExitCode> {
    if file.exists() {
        bail!("{}이(가) 이미 있습니다. 덮어쓰지 않으니 다른 파일 이름을 주세요.", file.display());
    }
    if database_url.starts_with("sqlite:") && !sqlite_path(database_url)?.is_file() {
        bail!("백업할 데이터베이스 파일이 없습니다: {}. DATABASE_URL을 확인해 주세요.", redact(database_url));
    }
    let started = std::time::Instant::now();
    let db = connect(database_url).await?;
    // Official records: the copy is readable by its owner only. Both tools write into the empty
    // file as it is (VACUUM INTO takes an empty file; pg_dump keeps the mode of the file it opens).
    private_file(file, true)?;
    let made = match &db {
        Db::Sqlite(_) => hanteam_app::backup::copy_sqlite(&db, file).await.map_err(crate::use_case_error),
        Db::Postgres(_) => pg_tool("pg_dump", database_url, &["--format=custom", "--no-owner", "--file"], file),
    };
    let rows = hanteam_app::audit::rows_in_log(&db).await.map_err(crate::use_case_error);
    db.close().await;
    if let Err(e) = made {
        // Nothing half made is left behind to be taken for a copy.
        let _ = std::fs::remove_file(file);
        return Err(e);
    }
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "백업했습니다: {} ({}, {:.1} MiB, 감사기록 {}건 시점, {:.1}초). `hanteam restore`로 되돌릴 수 있습니다.",
        file.display(),
        db.backend(),
        size as f64 / 1_048_576.0,
        rows.unwrap_or_default(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// The command that puts a copy back, into an empty database unless `force`.
pub async fn restore(database_url: &str, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if !file.is_file() {
        bail!("백업 파일 {}을(를) 찾을 수 없습니다.", file.display());
    }
    let started = std::time::Instant::now();
    let target = connect(database_url).await?;
    let contents = hanteam_app::backup::contents(&target).await.map_err(crate::use_case_error)?;
    if contents == Contents::Records && !force {
        target.close().await;
        bail!(
            "복원할 데이터베이스({})가 비어 있지 않습니다. 지금 내용을 백업으로 바꾸려면 --force를 붙여 주세요 \
             (먼저 지금 내용을 `hanteam backup`으로 남겨 두기를 권합니다). 아무것도 바뀌지 않았습니다.",
            redact(database_url)
        );
    }
    match &target {
        Db::Sqlite(_) => {
            target.close().await;
            replace_sqlite_file(database_url, file)?;
        }
        Db::Postgres(_) => {
            target.close().await;
            // A database that has our schema (even with no rows) gets it dropped first, in the same
            // transaction as the restore.
            let clean: &[&str] = if contents == Contents::Nothing { &[] } else { &["--clean", "--if-exists"] };
            let mut args = vec!["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"];
            args.extend_from_slice(clean);
            args.push("--dbname");
            pg_tool("pg_restore", database_url, &args, file)?;
        }
    }
    // The copy may be older than this binary: bring it forward, then check its chain.
    let db = Db::open(database_url).await.context("복원한 데이터베이스를 열 수 없습니다")?;
    let checked = db.verify_audit().await;
    db.close().await;
    match checked.context("복원한 데이터베이스의 감사기록을 확인할 수 없습니다")? {
        Ok(rows) => {
            println!(
                "복원했습니다: {} → {} ({:.1}초). 감사기록 {rows}건의 체인을 확인했습니다.",
                file.display(),
                redact(database_url),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(chain_break) => Err(anyhow!("복원은 했지만 감사기록 체인이 맞지 않습니다: {chain_break}")),
    }
}

/// Swaps the SQLite file for the copy: written beside it, synced, then renamed over it, so a
/// crash leaves either the old file or the new one. Its old write-ahead log must go with it, or
/// SQLite would replay the old database's pages onto the copy.
fn replace_sqlite_file(database_url: &str, copy: &Path) -> anyhow::Result<()> {
    let target = sqlite_path(database_url)?;
    let mut staged = target.clone().into_os_string();
    staged.push(".restoring");
    let staged = PathBuf::from(staged);
    std::fs::copy(copy, &staged).with_context(|| format!("{}에 쓸 수 없습니다", staged.display()))?;
    private_file(&staged, false)?;
    std::fs::File::open(&staged).and_then(|f| f.sync_all()).context("복원 파일을 디스크에 쓰지 못했습니다")?;
    for side in ["-wal", "-shm"] {
        let mut path = target.clone().into_os_string();
        path.push(side);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(anyhow!("{}을(를) 지울 수 없습니다: {e}", PathBuf::from(path).display())),
        }
    }
    std::fs::rename(&staged, &target).with_context(|| format!("{}을(를) 바꿀 수 없습니다", target.display()))?;
    Ok(())
}

/// Makes `path` readable and writable by its owner only: a new empty file (`create`), or one there.
fn private_file(path: &Path, create: bool) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if create {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("{}을(를) 만들 수 없습니다", path.display()))?;
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("{}의 권한을 바꿀 수 없습니다", path.display()))
}

fn sqlite_path(database_url: &str) -> anyhow::Result<PathBuf> {
    let rest = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"));
    let path = rest.map(|r| r.split('?').next().unwrap_or(r)).filter(|p| !p.is_empty() && *p != ":memory:");
    path.map(PathBuf::from).ok_or_else(|| anyhow!("SQLite 파일 경로가 없는 주소입니다: {database_url}"))
}

/// Runs `pg_dump` or `pg_restore` on the database at `url` with `args` and then `file`. The password
/// goes in the environment (PGPASSWORD), never on the command line, where other users of the machine
/// could read it.
fn pg_tool(tool: &str, url: &str, args: &[&str], file: &Path) -> anyhow::Result<()> {
    let (url, password) = without_password(url);
    let mut command = Command::new(tool);
    command.args(args);
    // pg_dump: --file FILE then the database; pg_restore: --dbname URL then FILE.
    if tool == "pg_dump" {
        command.arg(file).arg(&url);
    } else {
        command.arg(&url).arg(file);
    }
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let out = command.output().map_err(|e| {
        anyhow!("{tool}을(를) 실행할 수 없습니다 ({e}). PostgreSQL 클라이언트를 설치해 주세요 (Debian: apt-get install postgresql-client).")
    })?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        bail!("{tool}이(가) 실패했습니다 ({}): {}", out.status, said.trim());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sqlite_url_names_its_file() {
        assert_eq!(sqlite_path("sqlite://data/hanteam.db?mode=rwc").unwrap(), PathBuf::from("data/hanteam.db"));
        assert_eq!(sqlite_path("sqlite:hanteam.db").unwrap(), PathBuf::from("hanteam.db"));
        assert!(sqlite_path("sqlite::memory:").is_err());
    }
}
