//! `hanteam serve --demo`: one account for every role (`hanteam_app::demo`), so a newcomer can try
//! each view. Their passwords are shown on the sign-in page, so this runs only on a loopback address.

use std::net::SocketAddr;

use hanteam_app::demo::{self, DemoAccount};
use hanteam_app::Db;

use crate::{console, use_case_error, UsageError};

/// Demo accounts put their passwords on the sign-in page: refused unless only this computer can
/// reach the server.
pub fn check_address(addr: SocketAddr) -> Result<(), UsageError> {
    if addr.ip().is_loopback() {
        return Ok(());
    }
    Err(UsageError {
        command: "serve",
        message: format!(
            "--demo(체험용 계정)는 이 컴퓨터에서만 접속할 수 있는 주소(127.0.0.1 또는 [::1])에서만 쓸 수 있습니다. \
         체험용 계정의 비밀번호가 로그인 화면에 그대로 표시되기 때문입니다. \
         지금 주소는 {addr}입니다. --addr 127.0.0.1:8080처럼 지정해 주세요."
        ),
    })
}

/// Creates the demo accounts (or renews their passwords) and prints them once.
pub async fn prepare_accounts(db: &Db) -> anyhow::Result<Vec<DemoAccount>> {
    let prepared = demo::prepare(db, &console()).await.map_err(use_case_error)?;
    for note in &prepared.notes {
        println!("참고: {note}");
    }
    print_accounts(&prepared.accounts);
    Ok(prepared.accounts)
}

/// Demo accounts left enabled by an earlier `serve --demo` are ordinary accounts whose passwords
/// were on screen: warns when the server is reachable from other computers while they exist.
pub async fn warn_if_left_enabled(db: &Db) -> anyhow::Result<()> {
    let logins = demo::left_enabled(db).await.map_err(use_case_error)?;
    if !logins.is_empty() {
        tracing::warn!(
            accounts = %logins.join(", "),
            "체험용 계정이 사용 중인 채로 외부에서 접속할 수 있는 주소에서 시작합니다. \
             필요 없으면 `hanteam user disable <아이디>`로 사용 중지해 주세요."
        );
    }
    Ok(())
}

/// Prints the demo accounts once at start (they are also on the sign-in page).
fn print_accounts(accounts: &[DemoAccount]) {
    let rule = "=".repeat(72);
    println!("{rule}");
    println!(" 체험용 계정 / Demo accounts (이번 실행에서만 쓰는 비밀번호 / passwords for this run)");
    let width = accounts.iter().map(|a| a.login.len()).max().unwrap_or(0);
    for a in accounts {
        println!("   {:<width$}  {}  {}", a.login, a.password, a.description);
    }
    println!(" 로그인 화면에도 표시됩니다. 체험이 끝나면 `hanteam user disable <아이디>`로 사용 중지할 수 있습니다.");
    println!("{rule}");
}
