//! `hanteam audit verify`: recomputes the hash chain of the audit log.

use std::process::ExitCode;

use clap::Subcommand;
use hanteam_app::Db;
use hanteam_domain::audit::ChainHead;

use crate::{console, use_case_error};

/// Exit status when the log was tampered with.
pub const EXIT_TAMPERED: u8 = 1;
/// Exit status when the check could not run (e.g. the database could not be opened).
pub const EXIT_COULD_NOT_CHECK: u8 = 2;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit log's hash chain and report the first row that was edited, removed or
    /// reordered. Exit status: 0 the log is intact, 1 it was tampered with, 2 the check could not run
    Verify {
        /// A head printed by an earlier run and kept outside the database, as COUNT:HASH. Also
        /// catches a chain that was edited and then recomputed as a whole
        #[arg(long, value_parser = parse_anchor)]
        expect: Option<ChainHead>,
    },
}

fn parse_anchor(raw: &str) -> Result<ChainHead, String> {
    let (count, hash) = raw.split_once(':').ok_or("COUNT:HASH 형식으로 입력해 주세요 (예: 120:3fa9…).")?;
    let count = count
        .trim()
        .parse::<i64>()
        .map_err(|_| format!("기록 수가 아닙니다: '{count}'. 120:3fa9…처럼 수와 해시를 적어 주세요."))?;
    let hash = hash.trim();
    if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("해시는 16진수 64자여야 합니다.".into());
    }
    Ok(ChainHead { count, last_hash: hash.to_ascii_lowercase() })
}

pub async fn run(db: &Db, command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify { expect } => verify(db, expect.as_ref()).await,
    }
}

async fn verify(db: &Db, expect: Option<&ChainHead>) -> anyhow::Result<ExitCode> {
    match hanteam_app::audit::verify(db, &console(), expect).await.map_err(use_case_error)? {
        Ok(head) => {
            println!("감사기록 {}건을 확인했습니다. 변조 흔적이 없습니다.", head.count);
            println!(
                "마지막 기록: {}:{} — 이 값을 데이터베이스 밖에 보관해 두었다가 다음 확인 때 --expect 로 주면, \
                 체인을 통째로 다시 계산한 변조도 찾을 수 있습니다.",
                head.count, head.last_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(chain_break) => {
            println!("감사기록이 변조되었습니다: {chain_break}");
            println!(
                "데이터베이스를 더 바꾸지 말고 백업과 비교한 뒤, 정보보안 담당자에게 알려 주세요. \
                 (The audit log was tampered with.)"
            );
            Ok(ExitCode::from(EXIT_TAMPERED))
        }
    }
}
