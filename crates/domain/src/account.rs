//! Accounts: login names, passwords, sign-in lock-out and session lifetimes. Plain rules; hashing
//! and storage live elsewhere.

use chrono::{DateTime, Duration, Utc};

use crate::ValidationError;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A session ends after this long without a request…
pub const SESSION_IDLE: Duration = Duration::minutes(30);
/// …and after this long in any case.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(8);

/// Failures allowed before sign-in is locked for a while (per account and per client address).
pub const FREE_FAILURES: u32 = 5;
const FIRST_LOCK_SECONDS: i64 = 60;
const LONGEST_LOCK_SECONDS: i64 = 60 * 60;

/// A login name: 3–40 characters, lower-case letters, digits, `.`, `_`, `-`.
pub fn parse_login(raw: &str) -> Result<String, ValidationError> {
    let login = raw.trim().to_lowercase();
    let ok_chars = login.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !(3..=40).contains(&login.chars().count()) || !ok_chars {
        return Err(ValidationError::new(
            "login",
            "아이디는 3~40자의 영문 소문자, 숫자, 점(.), 밑줄(_), 하이픈(-)으로 입력해 주세요.",
        ));
    }
    Ok(login)
}

/// The password rule (KISA guidance: length, several kinds of character, not the login name).
pub fn check_password(password: &str, login: &str) -> Result<(), ValidationError> {
    let err = |m: &str| Err(ValidationError::new("password", m));
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return err("비밀번호는 10자 이상이어야 합니다.");
    }
    if n > MAX_PASSWORD_CHARS {
        return err("비밀번호는 128자 이하여야 합니다.");
    }
    let kinds = [
        password.chars().any(|c| c.is_ascii_lowercase() || c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if kinds.iter().filter(|k| **k).count() < 2 {
        return err("비밀번호에는 영문자, 숫자, 특수문자 중 두 종류 이상을 섞어 주세요.");
    }
    if !login.is_empty() && password.to_lowercase().contains(&login.to_lowercase()) {
        return err("비밀번호에 아이디를 넣을 수 없습니다.");
    }
    if password.chars().collect::<std::collections::HashSet<_>>().len() < 4 {
        return err("같은 문자를 반복한 비밀번호는 쓸 수 없습니다.");
    }
    Ok(())
}

/// How long sign-in stays locked after `failures` consecutive failures: nothing for the first five,
/// then one minute, doubling with each further failure, at most an hour.
pub fn lock_duration(failures: u32) -> Option<Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(10);
    Some(Duration::seconds((FIRST_LOCK_SECONDS << doublings).min(LONGEST_LOCK_SECONDS)))
}

/// Whether a session started at `created` and last used at `last_seen` is still valid at `now`.
pub fn session_is_live(created: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - last_seen < SESSION_IDLE && now - created < SESSION_ABSOLUTE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_normalised_and_checked() {
        assert_eq!(parse_login(" Kim.Officer ").unwrap(), "kim.officer");
        for bad in ["ab", "김담당", "a b c", &"x".repeat(41)] {
            assert_eq!(parse_login(bad).unwrap_err().field, "login", "{bad}");
        }
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(check_password("haneul-2024!", "kim").is_ok());
        assert!(check_password("short1!", "kim").unwrap_err().message.contains("10자"));
        assert!(check_password("onlyletterslong", "kim").unwrap_err().message.contains("두 종류"));
        assert!(check_password("kimofficer2024", "kimofficer").unwrap_err().message.contains("아이디"));
        assert!(check_password("1111111111a", "kim").unwrap_err().message.contains("반복"));
    }

    #[test]
    fn lock_out_starts_after_five_failures_and_doubles_up_to_an_hour() {
        assert_eq!(lock_duration(4), None);
        assert_eq!(lock_duration(5), Some(Duration::minutes(1)));
        assert_eq!(lock_duration(6), Some(Duration::minutes(2)));
        assert_eq!(lock_duration(8), Some(Duration::minutes(8)));
        assert_eq!(lock_duration(12), Some(Duration::hours(1)));
        assert_eq!(lock_duration(1000), Some(Duration::hours(1)));
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let t0 = DateTime::parse_from_rfc3339("2024-04-15T09:00:00Z").unwrap().with_timezone(&Utc);
        assert!(session_is_live(t0, t0, t0 + Duration::minutes(29)));
        assert!(!session_is_live(t0, t0, t0 + Duration::minutes(30)));
        let busy = t0 + Duration::hours(8) - Duration::minutes(1);
        assert!(session_is_live(t0, busy, busy + Duration::seconds(30)));
        assert!(!session_is_live(t0, busy, t0 + Duration::hours(8)));
    }
}
